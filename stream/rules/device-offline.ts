/**
 * device_offline: roadside equipment (cameras, weigh-in-motion sites, gantries) reported offline or faulty by
 * its status feed, or silent (no status and no sighting) longer than `silentMinutesMax`. Episodes keyed
 * `offline`, `fault` and `silent`; a report of `online` closes them all, any sighting closes `silent`.
 */
import type { DeviceRule } from '../engine/rule.js';
import { ENABLED_FIELD, minutes } from './common.js';

export interface DeviceOfflineConfig {
  enabled: boolean;
  silentMinutesMax: number;
}

interface DeviceOfflineState {
  lastTs: number;
  /** Open episodes: 1 offline, 2 fault, 4 silent. */
  open: number;
}

const OFFLINE = 1;
const FAULT = 2;
const SILENT = 4;

function heardAt(
  state: DeviceOfflineState | undefined,
  ts: number,
  out: Parameters<DeviceRule<DeviceOfflineState, DeviceOfflineConfig>['heard']>[3],
): DeviceOfflineState {
  const next = state ?? { lastTs: ts, open: 0 };
  if (next.open & SILENT) {
    out.close('silent', ts);
    next.open &= ~SILENT;
  }
  next.lastTs = Math.max(next.lastTs, ts);
  return next;
}

export const deviceOfflineRule: DeviceRule<DeviceOfflineState, DeviceOfflineConfig> = {
  id: 'device_offline',
  input: 'device',
  description: 'Roadside equipment offline, faulty or silent',
  spec: {
    enabled: ENABLED_FIELD,
    silentMinutesMax: {
      kind: 'number',
      min: 1,
      max: 10080,
      description: 'silence of a device allowed before the alarm, minutes',
    },
  },
  defaults: { enabled: true, silentMinutesMax: 30 },
  evaluate(state, status, _config, out) {
    const next = heardAt(state, status.ts, out);
    if (status.status === 'online') {
      if (next.open & OFFLINE) out.close('offline', status.ts);
      if (next.open & FAULT) out.close('fault', status.ts);
      next.open = 0;
    } else {
      const bit = status.status === 'offline' ? OFFLINE : FAULT;
      next.open |= bit;
      out.open(status.status, status.ts, bit === OFFLINE ? 'warning' : 'info', NaN, NaN, {
        device_id: status.device_id,
        device_kind: status.device_kind,
        status: status.status,
        detail: status.detail,
      });
    }
    return next;
  },
  heard(state, ts, _config, out) {
    return heardAt(state, ts, out);
  },
  onClock(state, clockMs, config, out, deviceId) {
    if (!state || state.open & SILENT) return state;
    const silentMs = clockMs - state.lastTs;
    if (silentMs <= config.silentMinutesMax * 60_000) return state;
    state.open |= SILENT;
    out.open('silent', state.lastTs, 'warning', NaN, NaN, {
      device_id: deviceId,
      last_heard: state.lastTs,
      silent_minutes: minutes(silentMs),
      limit_minutes: config.silentMinutesMax,
    });
    return state;
  },
};
