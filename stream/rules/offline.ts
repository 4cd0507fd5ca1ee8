/**
 * offline: a monitored vehicle (a class of mandatory monitoring, DOMAIN.md) whose terminal has been silent
 * longer than `silentMinutesMax`. An absence has no event of its own, so the engine's clock (event time,
 * advanced by processing time while nothing arrives) drives it. The episode starts at the last fix heard
 * and closes at the next one.
 */
import type { VehicleClass } from '../../schema/index.js';
import type { PositionRule } from '../engine/rule.js';
import { ENABLED_FIELD, minutes } from './common.js';

export interface OfflineConfig {
  enabled: boolean;
  silentMinutesMax: number;
  criticalSilentMinutes: number;
  monitoredClasses: VehicleClass[];
  /** Whether vehicles unknown to the registry are monitored too. */
  monitorUnregistered: boolean;
}

interface OfflineState {
  /** 0 quiet, 1 open (warning), 2 open (critical). */
  open: 0 | 1 | 2;
}

/** Monitored and silent-free: one frozen object shared by every monitored vehicle. */
const WATCHED: OfflineState = Object.freeze({ open: 0 });

export const offlineRule: PositionRule<OfflineState, OfflineConfig> = {
  id: 'offline',
  input: 'position',
  description: 'Terminal of a monitored vehicle silent for too long',
  spec: {
    enabled: ENABLED_FIELD,
    silentMinutesMax: { kind: 'number', min: 1, max: 1440, description: 'silence allowed before the alarm, minutes' },
    criticalSilentMinutes: {
      kind: 'number',
      min: 1,
      max: 10080,
      description: 'silence from which the alarm is critical, minutes',
    },
    monitoredClasses: { kind: 'class_list', description: 'vehicle classes whose terminals must stay online' },
    monitorUnregistered: { kind: 'boolean', description: 'also watch vehicles the registry does not know' },
  },
  defaults: {
    enabled: true,
    silentMinutesMax: 30,
    criticalSilentMinutes: 240,
    monitoredClasses: ['coach', 'dangerous_goods', 'heavy_truck', 'tractor'],
    monitorUnregistered: false,
  },
  evaluate(state, position, vehicle, config, out) {
    if (!(vehicle.registered ? config.monitoredClasses.includes(vehicle.vehicleClass) : config.monitorUnregistered)) {
      if (state?.open) out.close('', position.ts);
      return undefined;
    }
    if (state?.open) out.close('', position.ts);
    return WATCHED;
  },
  onClock(state, clockMs, _vehicle, config, out, track) {
    if (!state) return state;
    const silentMs = clockMs - track.heardTs;
    if (silentMs <= config.silentMinutesMax * 60_000) return state;
    const level = silentMs >= config.criticalSilentMinutes * 60_000 ? 2 : 1;
    if (state.open >= level) return state;
    out.open('', track.heardTs, level === 2 ? 'critical' : 'warning', track.fixLat, track.fixLon, {
      last_seen: track.heardTs,
      silent_minutes: minutes(silentMs),
      limit_minutes: config.silentMinutesMax,
    });
    return { open: level };
  },
  clockWakeAt(state, config, track) {
    // One millisecond early: the comparisons above are on the silence, these on the clock.
    if (state.open === 0) return track.heardTs + config.silentMinutesMax * 60_000 - 1;
    if (state.open === 1)
      return track.heardTs + Math.max(config.silentMinutesMax, config.criticalSilentMinutes) * 60_000 - 1;
    return Infinity;
  },
};
