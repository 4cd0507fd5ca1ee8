/**
 * fatigue (DOMAIN.md): more than 4 h of continuous driving without a rest of at least 20 min; for coaches also
 * more than 2 h of continuous driving at night (22:00-06:00 China time), more than 8 h of driving in any 24 h
 * and more than 44 h in any 7 days. Driving time is the sum of the intervals between consecutive fixes during
 * which the vehicle moved; a stop counts as a rest once it has lasted `restMinutesMin`, and then resets the
 * continuous clocks. Four episodes, keyed `continuous`, `night`, `daily` and `weekly`.
 *
 * Counted per driver (`perDriver`): while a driver card is in, the state is the driver's and follows them to any
 * vehicle, so a swap to a rested driver starts a fresh clock and a driver who moves to another vehicle carries
 * theirs; the time between their last fix in one vehicle and their first in another is time off the wheel. Without
 * a card, the vehicle's clock is used, as if one driver drove it.
 *
 * With the rules spread over log partitions, a driver's state from another partition's engine may arrive after
 * their first fixes here (`mergeEarlier`, stream/engine/driver-handover.ts): what the driver did since their card
 * went in here is kept apart (`stint`) so that the earlier state can be put in front of it as one engine would have.
 */
import { NEVER, type EpisodeSink, type PositionRule, type VehicleFacts } from '../engine/rule.js';
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
  coachWeeklyDrivingMinutesMax: number;
  /** A fix at or above this speed means the vehicle is driving. */
  movingSpeedKmhMin: number;
  /** An interval longer than this is judged by its average speed instead of the speed at its start. */
  gapMinutesMax: number;
  /** Driving this many minutes past a limit makes the alarm critical. */
  criticalExtraMinutes: number;
}

const HOURS_IN_DAY = 24;
/** Coaches' driving is kept per hour for a week: the last 24 hours give the day's sum, all of them the week's. */
const HOURS_IN_WEEK = 168;

interface FatigueState {
  lastMoving: boolean;
  /** Continuous driving since the last qualifying rest, ms. */
  drivingMs: number;
  /** Continuous night driving of a coach since the last rest or daytime, ms. */
  nightMs: number;
  /** Length of the current stop, ms, and when it began. */
  restMs: number;
  restStartTs: number;
  /**
   * Coaches: driving seconds per hour of the last 168 hours, as pairs `[hour number, seconds, …]` in ascending
   * hour, for the hours with driving only (a coach drives a few hours a day: a slot for every hour of the week was
   * 1.3 KB per coach); null for other vehicles. `hour` is the newest hour.
   */
  driven?: number[] | null;
  /**
   * States written before 2026-12-07: the same as a ring indexed by hour number, 168 slots (24 before the weekly
   * limit); read into `driven` at the state's next fix.
   */
  hourly?: number[] | null;
  hour: number;
  /** Open episodes: 1 continuous, 2 night, 4 daily, 8 weekly. */
  open: number;
  /**
   * The last fix counted and the vehicle it came from (absent in states written before drivers were counted:
   * the track's previous fix stands in). A fix from another vehicle means the driver changed vehicles.
   */
  lastTs?: number;
  lastLat?: number;
  lastLon?: number;
  vehicle?: string;
  /** Per-driver states only: the driver's time since their card went in at this vehicle. */
  stint?: Stint;
}

/**
 * What a driver did since the first fix after their card went in (`ts`), apart from what came before: enough to
 * recompute the state when an earlier state of theirs (their last fixes in another vehicle) arrives late.
 */
interface Stint {
  /** The first fix of the stint, and the last fix of the state it continued (NEVER: it started fresh). */
  ts: number;
  afterTs: number;
  /** Whether the vehicle moved in the stint; the rest before it moved first, ms. */
  moved: boolean;
  leadRestMs: number;
  /** Continuous and night driving since the vehicle first moved, reset as the state's are. */
  drivingMs: number;
  nightMs: number;
  /** OPEN_CONTINUOUS / OPEN_NIGHT: the state's clock was reset after the vehicle first moved. */
  cleared: number;
  /** Coaches: seconds of driving in the stint that fell in the hour of `ts`. */
  hourSeconds: number;
}

const OPEN_CONTINUOUS = 1;
const OPEN_NIGHT = 2;
const OPEN_DAILY = 4;
const OPEN_WEEKLY = 8;

function movedBetween(
  state: FatigueState,
  prevLat: number,
  prevLon: number,
  lat: number,
  lon: number,
  dtMs: number,
  config: FatigueConfig,
): boolean {
  if (dtMs <= config.gapMinutesMax * 60_000) return state.lastMoving;
  // A long gap (tunnel, signal loss) is driving when the average speed across it says so.
  const dKm = Math.abs(lat - prevLat) * 111 + Math.abs(lon - prevLon) * 111 * Math.cos((lat * Math.PI) / 180);
  return dKm / (dtMs / 3_600_000) >= config.movingSpeedKmhMin;
}

/** The state's hours with driving; a ring of an older state (`hourly`) is read into pairs first. */
function drivenOf(state: FatigueState): number[] | null {
  const ring = state.hourly;
  if (ring !== undefined) {
    state.hourly = undefined;
    state.driven = ring === null ? null : pairsOfRing(ring, state.hour);
  }
  return state.driven ?? null;
}

/** A ring indexed by hour number (its slots hold the last `ring.length` hours up to `hour`) as pairs. */
function pairsOfRing(ring: readonly number[], hour: number): number[] {
  const pairs: number[] = [];
  for (let h = hour - ring.length + 1; h <= hour; h++) {
    const seconds = ring[h % ring.length] ?? 0;
    if (seconds !== 0) pairs.push(h, seconds);
  }
  return pairs.slice();
}

/**
 * Adds `dtMs` of driving to the hour of `ts`, after making that hour the newest if it is later (hours a week
 * older than it are forgotten). Arrays are copied to their exact size when a pair comes or goes (pushed, they keep
 * spare capacity in every coach); that happens at most once an hour.
 */
function addHourly(state: FatigueState, ts: number, dtMs: number): void {
  let driven = drivenOf(state);
  if (!driven) return;
  const hour = hourIndexOf(ts);
  if (hour > state.hour) {
    let expired = 0;
    while (expired < driven.length && driven[expired] <= hour - HOURS_IN_WEEK) expired += 2;
    if (expired > 0) driven = state.driven = driven.slice(expired);
    state.hour = hour;
  }
  if (hour <= state.hour - HOURS_IN_WEEK || dtMs === 0) return;
  let at = 0;
  while (at < driven.length && driven[at] < hour) at += 2;
  if (at < driven.length && driven[at] === hour) {
    driven[at + 1] += dtMs / 1000;
    return;
  }
  const grown = new Array<number>(driven.length + 2);
  for (let j = 0; j < at; j++) grown[j] = driven[j];
  grown[at] = hour;
  grown[at + 1] = dtMs / 1000;
  for (let j = at; j < driven.length; j++) grown[j + 2] = driven[j];
  state.driven = grown;
}

/** Driving in the newest `hours` hours, ms. */
function drivingMsWithin(state: FatigueState, hours: number): number {
  const driven = drivenOf(state);
  if (!driven) return 0;
  let seconds = 0;
  for (let j = 0; j < driven.length; j += 2) if (driven[j] > state.hour - hours) seconds += driven[j + 1];
  return seconds * 1000;
}

/** Who the clock belongs to, for the evidence: the driver's card when one is in. */
function driverEvidence(vehicle: VehicleFacts): Record<string, string> {
  const d = vehicle.driver;
  return d && d.id ? { driver_id: d.id, driver_name: d.name } : {};
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
      ...driverEvidence(vehicle),
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
      ...driverEvidence(vehicle),
    });
  }
  checkWindow(state, ts, lat, lon, vehicle, config, out, {
    key: 'daily',
    bit: OPEN_DAILY,
    hours: HOURS_IN_DAY,
    limitMinutes: config.coachDailyDrivingMinutesMax,
    field: 'driving_minutes_24h',
  });
  checkWindow(state, ts, lat, lon, vehicle, config, out, {
    key: 'weekly',
    bit: OPEN_WEEKLY,
    hours: HOURS_IN_WEEK,
    limitMinutes: config.coachWeeklyDrivingMinutesMax,
    field: 'driving_minutes_7d',
  });
}

/** A limit on driving within a sliding window (24 h, 7 days): open while over it, closed once back under. */
function checkWindow(
  state: FatigueState,
  ts: number,
  lat: number,
  lon: number,
  vehicle: VehicleFacts,
  config: FatigueConfig,
  out: EpisodeSink,
  w: { key: string; bit: number; hours: number; limitMinutes: number; field: string },
): void {
  const maxMs = w.limitMinutes * 60_000;
  const drivenMs = drivingMsWithin(state, w.hours);
  if (drivenMs > maxMs) {
    state.open |= w.bit;
    if (!out.due(w.key, severity(drivenMs - maxMs, config))) return;
    out.open(w.key, ts - (drivenMs - maxMs), severity(drivenMs - maxMs, config), lat, lon, {
      [w.field]: minutes(drivenMs),
      limit_minutes: w.limitMinutes,
      ...driverEvidence(vehicle),
    });
  } else if (state.open & w.bit) {
    state.open &= ~w.bit;
    out.close(w.key, ts);
  }
}

export const fatigueRule: PositionRule<FatigueState, FatigueConfig> = {
  id: 'fatigue',
  input: 'position',
  perDriver: true,
  description:
    'Continuous driving without rest, per driver when a card is in; coaches also at night, per 24 h and per 7 days',
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
    coachWeeklyDrivingMinutesMax: {
      kind: 'number',
      min: 60,
      max: 10_080,
      description: 'coaches: driving allowed in any 7 days, minutes',
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
    coachWeeklyDrivingMinutesMax: 2640,
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
        driven: vehicle.vehicleClass === 'coach' ? [] : null,
        hour: hourIndexOf(ts),
        open: 0,
        lastTs: ts,
        lastLat: position.lat,
        lastLon: position.lon,
        vehicle: vehicle.terminalId,
        ...(vehicle.driver?.id ? { stint: newStint(ts, NEVER) } : {}),
      };
    }
    const own = state.lastTs !== undefined;
    const lastTs = own ? state.lastTs! : track.fixTs;
    const dtMs = ts - lastTs;
    if (dtMs <= 0 || lastTs === NEVER) return state;
    // A driver's first fix in another vehicle: the time since their last fix elsewhere was off this wheel.
    const changedVehicle = own && state.vehicle !== undefined && state.vehicle !== vehicle.terminalId;
    const prevLat = own ? state.lastLat! : track.fixLat;
    const prevLon = own ? state.lastLon! : track.fixLon;
    state.lastTs = ts;
    state.lastLat = position.lat;
    state.lastLon = position.lon;
    state.vehicle = vehicle.terminalId;
    // The driver's first fix since their card went in here begins a stint; the interval before it is not part of it.
    const card = vehicle.driver;
    const stint = card?.id && lastTs < card.since ? undefined : state.stint;
    if (!changedVehicle && movedBetween(state, prevLat, prevLon, position.lat, position.lon, dtMs, config)) {
      state.drivingMs += dtMs;
      state.restMs = 0;
      if (stint) {
        stint.moved = true;
        stint.drivingMs += dtMs;
      }
      if (vehicle.vehicleClass === 'coach') {
        if (inDailyWindowChina(lastTs, config.nightStartHour * 60, config.nightEndHour * 60)) {
          state.nightMs += dtMs;
          if (stint) stint.nightMs += dtMs;
        } else {
          state.nightMs = 0;
          if (stint) {
            stint.nightMs = 0;
            stint.cleared |= OPEN_NIGHT;
          }
          if (state.open & OPEN_NIGHT) out.close('night', lastTs);
          state.open &= ~OPEN_NIGHT;
        }
        if (drivenOf(state) === null) state.driven = [];
        addHourly(state, lastTs, dtMs);
        if (stint && hourIndexOf(lastTs) === hourIndexOf(stint.ts)) stint.hourSeconds += dtMs / 1000;
      }
    } else {
      if (state.restMs === 0) state.restStartTs = lastTs;
      state.restMs += dtMs;
      if (stint && !stint.moved) stint.leadRestMs += dtMs;
      addHourly(state, ts, 0);
      if (state.restMs >= config.restMinutesMin * 60_000 && (state.drivingMs > 0 || state.nightMs > 0)) {
        state.drivingMs = 0;
        state.nightMs = 0;
        if (stint?.moved) {
          stint.drivingMs = 0;
          stint.nightMs = 0;
          stint.cleared |= OPEN_CONTINUOUS | OPEN_NIGHT;
        }
        // The episode ends where the rest began: that is when the driver stopped.
        if (state.open & OPEN_CONTINUOUS) out.close('continuous', state.restStartTs);
        if (state.open & OPEN_NIGHT) out.close('night', state.restStartTs);
        state.open &= ~(OPEN_CONTINUOUS | OPEN_NIGHT);
      }
    }
    if (card?.id && lastTs < card.since) state.stint = newStint(ts, lastTs);
    else if (!card?.id && state.stint) state.stint = undefined;
    state.lastMoving = moving;
    checkLimits(state, ts, position.lat, position.lon, vehicle, config, out);
    return state;
  },
  mergeEarlier: mergeEarlierFatigue,
};

function newStint(ts: number, afterTs: number): Stint {
  return { ts, afterTs, moved: false, leadRestMs: 0, drivingMs: 0, nightMs: 0, cleared: 0, hourSeconds: 0 };
}

/**
 * The driver's state as one engine would have it, given their state from before (`earlier`: their last fixes in
 * another vehicle) that arrived after their stint here had begun without it (`later`). Applies only when `earlier`
 * ends between the state `later`'s stint continued and the stint's first fix; otherwise `later` is returned as is.
 * The change of vehicles is time off the wheel (as `evaluate` counts it); the continuous and night clocks carry
 * over unless that time, with the stint's rest before it moved, was a rest, or the stint's own clock was reset
 * since; the coaches' hours are the earlier state's before the stint and the stint's own from its first hour on.
 */
function mergeEarlierFatigue(earlier: FatigueState, later: FatigueState, config: FatigueConfig): FatigueState {
  const stint = later.stint;
  if (!stint || earlier.lastTs === undefined || earlier.lastTs <= stint.afterTs || earlier.lastTs >= stint.ts)
    return later;
  const restMinMs = config.restMinutesMin * 60_000;
  const restStartTs = earlier.restMs === 0 ? earlier.lastTs : earlier.restStartTs;
  const restMs = earlier.restMs + (stint.ts - earlier.lastTs) + stint.leadRestMs;
  const rested = restMs >= restMinMs;
  const drivingMs = rested ? 0 : earlier.drivingMs;
  const nightMs = rested ? 0 : earlier.nightMs;
  if (!stint.moved) {
    later.drivingMs = drivingMs;
    later.nightMs = nightMs;
    later.restMs = restMs;
    later.restStartTs = restStartTs;
  } else {
    later.drivingMs = stint.cleared & OPEN_CONTINUOUS ? stint.drivingMs : drivingMs + stint.drivingMs;
    later.nightMs = stint.cleared & OPEN_NIGHT ? stint.nightMs : nightMs + stint.nightMs;
  }
  const before = drivenOf(earlier);
  const after = drivenOf(later);
  if (before !== null || after !== null) {
    const first = hourIndexOf(stint.ts);
    const hour = Math.max(later.hour, earlier.hour);
    const pairs: number[] = [];
    let firstSeconds = stint.hourSeconds;
    for (let j = 0; before && j < before.length; j += 2) {
      if (before[j] < first) pairs.push(before[j], before[j + 1]);
      else if (before[j] === first) firstSeconds += before[j + 1];
    }
    if (firstSeconds > 0) pairs.push(first, firstSeconds);
    for (let j = 0; after && j < after.length; j += 2) if (after[j] > first) pairs.push(after[j], after[j + 1]);
    let expired = 0;
    while (expired < pairs.length && pairs[expired] <= hour - HOURS_IN_WEEK) expired += 2;
    later.driven = pairs.slice(expired);
    later.hour = hour;
  }
  stint.afterTs = earlier.lastTs;
  return later;
}
