/**
 * fatigue (DOMAIN.md): more than 4 h of continuous driving without a rest of at least 20 min; for coaches also
 * more than 2 h of continuous driving at night (22:00-06:00 China time) and more than 8 h of driving in any
 * 24 h. Driving time is the sum of the intervals between consecutive fixes during which the vehicle moved;
 * a stop counts as a rest once it has lasted `restMinutesMin`, and then resets the continuous clocks.
 * Three episodes, keyed `continuous`, `night` and `daily`.
 */
import { NEVER, type EpisodeSink, type PositionRule, type Track, type VehicleFacts } from '../engine/rule.js';
import { hourIndexOf, inDailyWindowChina } from './china-time.js';
import { ENABLED_FIELD, isPositioned, minutes } from './common.js';

export interface FatigueConfig {
  enabled: boolean;
  continuousDrivingMinutesMax: number;
  restMinutesMin: number;
  coachNightDrivingMinutesMax: number;
  nightStartHour: number;
  nightEndHour: number;
  coachDailyDrivingMinutesMax: number;
  /** A fix at or above this speed means the vehicle is driving. */
  movingSpeedKmhMin: number;
  /** An interval longer than this is judged by its average speed instead of the speed at its start. */
  gapMinutesMax: number;
  /** Driving this many minutes past a limit makes the alarm critical. */
  criticalExtraMinutes: number;
}

const HOURS_IN_DAY = 24;

interface FatigueState {
  lastMoving: boolean;
  /** Continuous driving since the last qualifying rest, ms. */
  drivingMs: number;
  /** Continuous night driving of a coach since the last rest or daytime, ms. */
  nightMs: number;
  /** Length of the current stop, ms, and when it began. */
  restMs: number;
  restStartTs: number;
  /** Coaches: driving seconds per hour for the last 24 hours (ring indexed by hour number), and its newest hour. */
  hourly: number[] | null;
  hour: number;
  /** Open episodes: 1 continuous, 2 night, 4 daily. */
  open: number;
}

const OPEN_CONTINUOUS = 1;
const OPEN_NIGHT = 2;
const OPEN_DAILY = 4;

function movedBetween(
  state: FatigueState,
  track: Track,
  lat: number,
  lon: number,
  dtMs: number,
  config: FatigueConfig,
): boolean {
  if (dtMs <= config.gapMinutesMax * 60_000) return state.lastMoving;
  // A long gap (tunnel, signal loss) is driving when the average speed across it says so.
  const dKm = Math.abs(lat - track.fixLat) * 111 + Math.abs(lon - track.fixLon) * 111 * Math.cos((lat * Math.PI) / 180);
  return dKm / (dtMs / 3_600_000) >= config.movingSpeedKmhMin;
}

function addHourly(state: FatigueState, ts: number, dtMs: number): void {
  const hourly = state.hourly;
  if (!hourly) return;
  const hour = hourIndexOf(ts);
  if (hour > state.hour) {
    // Clear the slots of the hours skipped since the newest one.
    for (let h = state.hour + 1; h <= hour && h <= state.hour + HOURS_IN_DAY; h++) hourly[h % HOURS_IN_DAY] = 0;
    state.hour = hour;
  }
  if (hour > state.hour - HOURS_IN_DAY) hourly[hour % HOURS_IN_DAY] += dtMs / 1000;
}

function dailyDrivingMs(state: FatigueState): number {
  let seconds = 0;
  for (const s of state.hourly ?? []) seconds += s;
  return seconds * 1000;
}

function severity(overMs: number, config: FatigueConfig): 'warning' | 'critical' {
  return overMs >= config.criticalExtraMinutes * 60_000 ? 'critical' : 'warning';
}

function checkLimits(
  state: FatigueState,
  ts: number,
  lat: number,
  lon: number,
  vehicle: VehicleFacts,
  config: FatigueConfig,
  out: EpisodeSink,
): void {
  const maxMs = config.continuousDrivingMinutesMax * 60_000;
  if (state.drivingMs > maxMs && out.due('continuous', severity(state.drivingMs - maxMs, config))) {
    state.open |= OPEN_CONTINUOUS;
    // The episode starts where the limit was crossed, an exact event time whatever the fix rate.
    out.open('continuous', ts - (state.drivingMs - maxMs), severity(state.drivingMs - maxMs, config), lat, lon, {
      driving_minutes: minutes(state.drivingMs),
      limit_minutes: config.continuousDrivingMinutesMax,
      rest_minutes_min: config.restMinutesMin,
    });
  }
  if (vehicle.vehicleClass !== 'coach') return;
  const nightMaxMs = config.coachNightDrivingMinutesMax * 60_000;
  if (state.nightMs > nightMaxMs && out.due('night', severity(state.nightMs - nightMaxMs, config))) {
    state.open |= OPEN_NIGHT;
    out.open('night', ts - (state.nightMs - nightMaxMs), severity(state.nightMs - nightMaxMs, config), lat, lon, {
      night_driving_minutes: minutes(state.nightMs),
      limit_minutes: config.coachNightDrivingMinutesMax,
      night: `${config.nightStartHour}:00-${config.nightEndHour}:00`,
    });
  }
  const dailyMaxMs = config.coachDailyDrivingMinutesMax * 60_000;
  const dailyMs = dailyDrivingMs(state);
  if (dailyMs > dailyMaxMs) {
    state.open |= OPEN_DAILY;
    if (!out.due('daily', severity(dailyMs - dailyMaxMs, config))) return;
    out.open('daily', ts - (dailyMs - dailyMaxMs), severity(dailyMs - dailyMaxMs, config), lat, lon, {
      driving_minutes_24h: minutes(dailyMs),
      limit_minutes: config.coachDailyDrivingMinutesMax,
    });
  } else if (state.open & OPEN_DAILY) {
    state.open &= ~OPEN_DAILY;
    out.close('daily', ts);
  }
}

export const fatigueRule: PositionRule<FatigueState, FatigueConfig> = {
  id: 'fatigue',
  input: 'position',
  description: 'Continuous driving without rest; coaches also at night and per 24 h',
  spec: {
    enabled: ENABLED_FIELD,
    continuousDrivingMinutesMax: {
      kind: 'number',
      min: 30,
      max: 720,
      description: 'continuous driving allowed without a rest, minutes',
    },
    restMinutesMin: {
      kind: 'number',
      min: 1,
      max: 240,
      description: 'a stop this long is a rest and resets the clock, minutes',
    },
    coachNightDrivingMinutesMax: {
      kind: 'number',
      min: 10,
      max: 480,
      description: 'coaches: continuous night driving allowed, minutes',
    },
    nightStartHour: {
      kind: 'number',
      min: 0,
      max: 23,
      integer: true,
      description: 'night starts at this hour, China time',
    },
    nightEndHour: {
      kind: 'number',
      min: 0,
      max: 23,
      integer: true,
      description: 'night ends at this hour, China time',
    },
    coachDailyDrivingMinutesMax: {
      kind: 'number',
      min: 60,
      max: 1440,
      description: 'coaches: driving allowed in any 24 h, minutes',
    },
    movingSpeedKmhMin: {
      kind: 'number',
      min: 0.1,
      max: 30,
      description: 'speed from which a fix counts as driving, km/h',
    },
    gapMinutesMax: {
      kind: 'number',
      min: 1,
      max: 120,
      description: 'longer gaps between fixes are judged by average speed, minutes',
    },
    criticalExtraMinutes: {
      kind: 'number',
      min: 0,
      max: 600,
      description: 'minutes past a limit from which the alarm is critical',
    },
  },
  defaults: {
    enabled: true,
    continuousDrivingMinutesMax: 240,
    restMinutesMin: 20,
    coachNightDrivingMinutesMax: 120,
    nightStartHour: 22,
    nightEndHour: 6,
    coachDailyDrivingMinutesMax: 480,
    movingSpeedKmhMin: 5,
    gapMinutesMax: 10,
    criticalExtraMinutes: 60,
  },
  evaluate(state, position, vehicle, config, out, _ctx, track) {
    if (!isPositioned(position)) return state;
    const ts = position.ts;
    const moving = position.speed_kmh >= config.movingSpeedKmhMin;
    if (!state) {
      return {
        lastMoving: moving,
        drivingMs: 0,
        nightMs: 0,
        restMs: 0,
        restStartTs: ts,
        hourly: vehicle.vehicleClass === 'coach' ? new Array<number>(HOURS_IN_DAY).fill(0) : null,
        hour: hourIndexOf(ts),
        open: 0,
      };
    }
    const lastTs = track.fixTs;
    const dtMs = ts - lastTs;
    if (dtMs <= 0 || lastTs === NEVER) return state;
    if (movedBetween(state, track, position.lat, position.lon, dtMs, config)) {
      state.drivingMs += dtMs;
      state.restMs = 0;
      if (vehicle.vehicleClass === 'coach') {
        if (inDailyWindowChina(lastTs, config.nightStartHour * 60, config.nightEndHour * 60)) state.nightMs += dtMs;
        else {
          state.nightMs = 0;
          if (state.open & OPEN_NIGHT) out.close('night', lastTs);
          state.open &= ~OPEN_NIGHT;
        }
        state.hourly ??= new Array<number>(HOURS_IN_DAY).fill(0);
        addHourly(state, lastTs, dtMs);
      }
    } else {
      if (state.restMs === 0) state.restStartTs = lastTs;
      state.restMs += dtMs;
      addHourly(state, ts, 0);
      if (state.restMs >= config.restMinutesMin * 60_000 && (state.drivingMs > 0 || state.nightMs > 0)) {
        state.drivingMs = 0;
        state.nightMs = 0;
        // The episode ends where the rest began: that is when the driver stopped.
        if (state.open & OPEN_CONTINUOUS) out.close('continuous', state.restStartTs);
        if (state.open & OPEN_NIGHT) out.close('night', state.restStartTs);
        state.open &= ~(OPEN_CONTINUOUS | OPEN_NIGHT);
      }
    }
    state.lastMoving = moving;
    checkLimits(state, ts, position.lat, position.lon, vehicle, config, out);
    return state;
  },
};
