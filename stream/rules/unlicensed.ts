/**
 * unlicensed: a plate of a class that needs a road-transport permit, seen by roadside equipment, without a
 * valid permit in the registry (none, or expired at the time of the sighting). One alarm per plate per
 * `cooldownHours`.
 */
import type { VehicleClass } from '../../schema/index.js';
import type { CameraRule } from '../engine/rule.js';
import { ENABLED_FIELD } from './common.js';

export interface UnlicensedConfig {
  enabled: boolean;
  /** Classes that need a permit. */
  classes: VehicleClass[];
  /** Also alarm on plates the registry does not know at all. */
  alarmOnUnknownPlate: boolean;
  cooldownHours: number;
  confidenceMin: number;
}

interface UnlicensedState {
  lastAlarmAt: number;
}

export const unlicensedRule: CameraRule<UnlicensedState, UnlicensedConfig> = {
  id: 'unlicensed',
  input: 'camera',
  description: 'Plate seen without a valid road-transport permit in the registry',
  spec: {
    enabled: ENABLED_FIELD,
    classes: { kind: 'class_list', description: 'vehicle classes that need a road-transport permit' },
    alarmOnUnknownPlate: { kind: 'boolean', description: 'also alarm on plates the registry does not know' },
    cooldownHours: { kind: 'number', min: 0, max: 720, description: 'at most one alarm per plate in this time, hours' },
    confidenceMin: { kind: 'number', min: 0, max: 100, description: 'plate reads below this confidence are ignored' },
  },
  defaults: {
    enabled: true,
    classes: ['coach', 'dangerous_goods', 'heavy_truck', 'tractor', 'bus', 'taxi'],
    alarmOnUnknownPlate: false,
    cooldownHours: 24,
    confidenceMin: 0,
  },
  evaluate(state, event, vehicle, config, out) {
    if (event.plate === '' || event.confidence < config.confidenceMin) return state;
    let reason: string;
    if (!vehicle) {
      if (!config.alarmOnUnknownPlate) return state;
      reason = 'not_in_registry';
    } else {
      if (!config.classes.includes(vehicle.vehicleClass)) return state;
      if (vehicle.permitValidUntil !== null && vehicle.permitValidUntil >= event.ts) return state;
      reason = vehicle.permitValidUntil === null ? 'no_permit' : 'permit_expired';
    }
    if (state && event.ts - state.lastAlarmAt < config.cooldownHours * 3_600_000) return state;
    out.instant('', event.ts, 'warning', event.lat, event.lon, {
      plate: event.plate,
      reason,
      permit_valid_until: vehicle?.permitValidUntil ?? null,
      vehicle_class: vehicle?.vehicleClass ?? null,
      seen_by: `${event.kind}:${event.device_id}`,
    });
    return { lastAlarmAt: event.ts };
  },
};
