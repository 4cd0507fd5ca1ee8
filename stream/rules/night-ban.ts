/**
 * night_ban: long-distance coaches (route longer than `routeLengthKmMin`) must not run between 02:00 and
 * 05:00 China time; they stop or hand over to a relay. The episode opens at the first moving fix in the
 * window and closes when the window ends or the coach has stood still for `stopMinutesToClose`.
 */
import type { PositionRule } from '../engine/rule.js';
import { inDailyWindowChina } from './china-time.js';
import { ENABLED_FIELD, minutes } from './common.js';

export interface NightBanConfig {
  enabled: boolean;
  routeLengthKmMin: number;
  startHour: number;
  endHour: number;
  movingSpeedKmhMin: number;
  stopMinutesToClose: number;
}

interface NightBanState {
  since: number;
  /** When the coach stopped inside the window, 0 while moving. */
  stoppedSince: number;
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
  },
  defaults: {
    enabled: true,
    routeLengthKmMin: 100,
    startHour: 2,
    endHour: 5,
    movingSpeedKmhMin: 5,
    stopMinutesToClose: 10,
  },
  evaluate(state, position, vehicle, config, out) {
    if (vehicle.vehicleClass !== 'coach' || vehicle.routeLengthKm <= config.routeLengthKmMin) {
      if (state) out.close('', position.ts);
      return undefined;
    }
    const ts = position.ts;
    if (!inDailyWindowChina(ts, config.startHour * 60, config.endHour * 60)) {
      if (state) out.close('', ts);
      return undefined;
    }
    if (position.speed_kmh < config.movingSpeedKmhMin) {
      if (!state) return undefined;
      if (state.stoppedSince === 0) state.stoppedSince = ts;
      if (ts - state.stoppedSince >= config.stopMinutesToClose * 60_000) {
        out.close('', state.stoppedSince);
        return undefined;
      }
      return state;
    }
    const next = state ?? { since: ts, stoppedSince: 0 };
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
