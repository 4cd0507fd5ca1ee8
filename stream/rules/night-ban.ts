/**
 * night_ban: long-distance coaches (route longer than `routeLengthKmMin`) must not run between 02:00 and
 * 05:00 China time; they stop or hand over to a relay (接驳运输). The episode opens at the first moving fix in
 * the window and closes when the window ends or the coach has stood still for `stopMinutesToClose`. A coach
 * that stood at least `relayStopMinutesMin` inside a `relay_point` zone (a registered relay stop, where drivers
 * change or rest) runs exempt for `relayValidMinutes` after it leaves.
 */
import type { PositionRule, RuleContext } from '../engine/rule.js';
import type { TelemetryRow } from '../../schema/index.js';
import { inDailyWindowChina } from './china-time.js';
import { insideZone } from './zone-geometry.js';
import { ENABLED_FIELD, minutes } from './common.js';

export interface NightBanConfig {
  enabled: boolean;
  routeLengthKmMin: number;
  startHour: number;
  endHour: number;
  movingSpeedKmhMin: number;
  stopMinutesToClose: number;
  /** A stop this long at a relay point exempts the coach, minutes. */
  relayStopMinutesMin: number;
  /** How long after leaving a relay point the exemption lasts, minutes. */
  relayValidMinutes: number;
}

interface NightBanState {
  /** Start of the open episode, 0 when none. */
  since: number;
  /** When the coach stopped inside the window, 0 while moving. */
  stoppedSince: number;
  /** When the coach stopped inside a relay point, 0 when it is not standing in one. */
  relayStopSince: number;
  /** The last stationary fix of a qualifying stop at a relay point, 0 when none is remembered. */
  relayLeftAt: number;
}

function atRelayPoint(ctx: RuleContext, position: TelemetryRow): boolean {
  for (const zone of ctx.zonesByKind.relay_point)
    if (insideZone(zone, position.lon, position.lat, position.ts)) return true;
  return false;
}

export const nightBanRule: PositionRule<NightBanState, NightBanConfig> = {
  id: 'night_ban',
  input: 'position',
  description: 'Long-distance coach moving between 02:00 and 05:00 China time',
  spec: {
    enabled: ENABLED_FIELD,
    routeLengthKmMin: {
      kind: 'number',
      min: 0,
      max: 5000,
      description: 'coaches on routes longer than this are long-distance, km',
    },
    startHour: { kind: 'number', min: 0, max: 23, integer: true, description: 'ban starts at this hour, China time' },
    endHour: { kind: 'number', min: 0, max: 23, integer: true, description: 'ban ends at this hour, China time' },
    movingSpeedKmhMin: {
      kind: 'number',
      min: 0.1,
      max: 30,
      description: 'speed from which the coach counts as running, km/h',
    },
    stopMinutesToClose: {
      kind: 'number',
      min: 0,
      max: 180,
      description: 'a stop this long inside the window closes the alarm, minutes',
    },
    relayStopMinutesMin: {
      kind: 'number',
      min: 1,
      max: 600,
      description: 'a stop this long inside a relay_point zone exempts the coach (relay, 接驳), minutes',
    },
    relayValidMinutes: {
      kind: 'number',
      min: 0,
      max: 720,
      description: 'the relay exemption lasts this long after the coach leaves the relay point, minutes',
    },
  },
  defaults: {
    enabled: true,
    routeLengthKmMin: 100,
    startHour: 2,
    endHour: 5,
    movingSpeedKmhMin: 5,
    stopMinutesToClose: 10,
    // A relay stop is a driver change or a rest (落地休息): at least 20 min, as the rest of the fatigue rule.
    relayStopMinutesMin: 20,
    relayValidMinutes: 240,
  },
  evaluate(state, position, vehicle, config, out, ctx) {
    if (vehicle.vehicleClass !== 'coach' || vehicle.routeLengthKm <= config.routeLengthKmMin) {
      if (state?.since) out.close('', position.ts);
      return undefined;
    }
    const ts = position.ts;
    const moving = position.speed_kmh >= config.movingSpeedKmhMin;
    // A snapshot written before relays were tracked has no relay fields.
    const next = { since: 0, stoppedSince: 0, relayStopSince: 0, relayLeftAt: 0, ...state };
    if (next.relayLeftAt !== 0 && ts - next.relayLeftAt > config.relayValidMinutes * 60_000) next.relayLeftAt = 0;
    if (!moving && atRelayPoint(ctx, position)) {
      if (next.relayStopSince === 0) next.relayStopSince = ts;
      // Measured between stationary fixes: the stop is proven as long as the fixes show it, not to the next fix.
      if (ts - next.relayStopSince >= config.relayStopMinutesMin * 60_000) next.relayLeftAt = ts;
    } else next.relayStopSince = 0;
    const relayed = next.relayLeftAt !== 0 && ts - next.relayLeftAt <= config.relayValidMinutes * 60_000;
    if (!inDailyWindowChina(ts, config.startHour * 60, config.endHour * 60) || relayed) {
      if (next.since) out.close('', ts);
      return keep(next);
    }
    if (!moving) {
      if (!next.since) return keep(next);
      if (next.stoppedSince === 0) next.stoppedSince = ts;
      if (ts - next.stoppedSince >= config.stopMinutesToClose * 60_000) {
        out.close('', next.stoppedSince);
        return keep(next);
      }
      return next;
    }
    if (!next.since) next.since = ts;
    next.stoppedSince = 0;
    out.open('', next.since, 'warning', position.lat, position.lon, {
      speed_kmh: position.speed_kmh,
      route_length_km: vehicle.routeLengthKm,
      ban: `${config.startHour}:00-${config.endHour}:00`,
      running_minutes: minutes(ts - next.since),
    });
    return next;
  },
};

/** The state without an episode: kept only while a relay stop or its exemption is remembered. */
function keep(state: NightBanState): NightBanState | undefined {
  state.since = 0;
  state.stoppedSince = 0;
  return state.relayStopSince === 0 && state.relayLeftAt === 0 ? undefined : state;
}
