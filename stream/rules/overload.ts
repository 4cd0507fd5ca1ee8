/**
 * overload: a weigh-in-motion gross weight above the limit for the vehicle's axle count (GB 1589 as listed in
 * DOMAIN.md; combination limits for tractors) plus a tolerance for the scale. One alarm per weighing.
 */
import type { CameraRule } from '../engine/rule.js';
import { ENABLED_FIELD, roundTo } from './common.js';

export interface OverloadConfig {
  enabled: boolean;
  axles2Kg: number;
  axles3Kg: number;
  axles3CombinationKg: number;
  axles4Kg: number;
  axles4CombinationKg: number;
  axles5Kg: number;
  axles6Kg: number;
  /** Weigh-in-motion measurement tolerance, percent of the limit. */
  tolerancePercent: number;
  criticalOverPercent: number;
}

export function grossLimitKg(config: OverloadConfig, axles: number, combination: boolean): number | null {
  if (axles < 2) return null;
  if (axles === 2) return config.axles2Kg;
  if (axles === 3) return combination ? config.axles3CombinationKg : config.axles3Kg;
  if (axles === 4) return combination ? config.axles4CombinationKg : config.axles4Kg;
  if (axles === 5) return config.axles5Kg;
  return config.axles6Kg;
}

const limitField = (axles: string) => ({
  kind: 'number' as const,
  min: 1000,
  max: 200_000,
  description: `gross weight limit, ${axles}, kg`,
});

export const overloadRule: CameraRule<undefined, OverloadConfig> = {
  id: 'overload',
  input: 'camera',
  description: 'Weigh-in-motion gross weight over the axle limit plus tolerance',
  spec: {
    enabled: ENABLED_FIELD,
    axles2Kg: limitField('2 axles'),
    axles3Kg: limitField('3 axles'),
    axles3CombinationKg: limitField('3-axle combination'),
    axles4Kg: limitField('4 axles'),
    axles4CombinationKg: limitField('4-axle combination'),
    axles5Kg: limitField('5 axles'),
    axles6Kg: limitField('6 or more axles'),
    tolerancePercent: {
      kind: 'number',
      min: 0,
      max: 50,
      description: 'weigh-in-motion tolerance, percent of the limit',
    },
    criticalOverPercent: {
      kind: 'number',
      min: 0,
      max: 500,
      description: 'excess over the limit, percent, from which the alarm is critical',
    },
  },
  defaults: {
    enabled: true,
    axles2Kg: 18_000,
    axles3Kg: 25_000,
    axles3CombinationKg: 27_000,
    axles4Kg: 31_000,
    axles4CombinationKg: 36_000,
    axles5Kg: 43_000,
    axles6Kg: 49_000,
    tolerancePercent: 5,
    criticalOverPercent: 30,
  },
  evaluate(_state, event, vehicle, config, out) {
    if (event.kind !== 'wim' || event.plate === '') return undefined;
    const axles = event.axles > 0 ? event.axles : (vehicle?.axles ?? 0);
    const limitKg = grossLimitKg(config, axles, vehicle?.vehicleClass === 'tractor');
    if (limitKg === null) return undefined;
    const allowedKg = limitKg * (1 + config.tolerancePercent / 100);
    if (event.gross_kg <= allowedKg) return undefined;
    const overPercent = ((event.gross_kg - limitKg) / limitKg) * 100;
    out.instant(
      '',
      event.ts,
      overPercent >= config.criticalOverPercent ? 'critical' : 'warning',
      event.lat,
      event.lon,
      {
        site: event.device_id,
        gross_kg: event.gross_kg,
        axles,
        limit_kg: limitKg,
        tolerance_percent: config.tolerancePercent,
        over_percent: roundTo(overPercent, 1),
        axle_weights_kg: event.axle_weights_kg,
        speed_kmh: event.speed_kmh,
      },
    );
    return undefined;
  },
};
