/**
 * overload: a weighed gross weight (a weigh-in-motion site, or the weighing lane of an expressway toll station:
 * the `toll` sighting of the station whose lane weighed) above the limit for the vehicle's axle count (GB 1589 as listed in
 * DOMAIN.md; combination limits for tractors) plus a tolerance for the scale, or one axle heavier than any
 * single axle may be. One alarm per weighing. A vehicle the registry does not know may be a combination: by
 * default it is judged against the combination limit of its axle count, so a legal combination is not accused.
 * A combination of six or more axles whose tractor has a single drive axle is allowed 46 t instead of 49 t (GB
 * 1589-2016, table 3, note): the registry's `drive_axles` says so; where it is unknown the 49 t applies, as no
 * officer can accuse a vehicle of the stricter case without knowing it is that case.
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
  /** 6 or more axles, combination whose tractor has a single drive axle (registry `drive_axles` 1). */
  axles6SingleDriveKg: number;
  /** Heaviest load any one axle may carry, kg (compared with the WIM record's per-axle weights). */
  axleKgMax: number;
  /** A vehicle the registry does not know is judged as a combination (the higher limit for 3 and 4 axles). */
  unregisteredAsCombination: boolean;
  /** Weigh-in-motion measurement tolerance, percent of the limit. */
  tolerancePercent: number;
  criticalOverPercent: number;
}

export function grossLimitKg(
  config: OverloadConfig,
  axles: number,
  combination: boolean,
  driveAxles?: number,
): number | null {
  if (axles < 2) return null;
  if (axles === 2) return config.axles2Kg;
  if (axles === 3) return combination ? config.axles3CombinationKg : config.axles3Kg;
  if (axles === 4) return combination ? config.axles4CombinationKg : config.axles4Kg;
  if (axles === 5) return config.axles5Kg;
  return combination && driveAxles === 1 ? config.axles6SingleDriveKg : config.axles6Kg;
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
    axles6SingleDriveKg: limitField('6 or more axles, combination whose tractor has one drive axle'),
    axleKgMax: {
      kind: 'number',
      min: 1000,
      max: 50_000,
      description: 'heaviest load one axle may carry, kg (WIM records with per-axle weights)',
    },
    unregisteredAsCombination: {
      kind: 'boolean',
      description: 'judge a vehicle the registry does not know against the combination limit of its axle count',
    },
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
    axles6SingleDriveKg: 46_000,
    // GB 1589-2016: the heaviest single axle is a drive axle with twin tyres, 11.5 t; every axle of a tandem or
    // tridem group is allowed less, so no legal axle of any configuration carries more.
    axleKgMax: 11_500,
    unregisteredAsCombination: true,
    tolerancePercent: 5,
    criticalOverPercent: 30,
  },
  evaluate(_state, event, vehicle, config, out) {
    // A toll sighting carries a weight only at the station whose lane weighed the vehicle; the other has none.
    if ((event.kind !== 'wim' && event.kind !== 'toll') || event.plate === '' || event.gross_kg === 0) return undefined;
    const axles = event.axles > 0 ? event.axles : (vehicle?.axles ?? 0);
    const configuration = vehicle ? (vehicle.vehicleClass === 'tractor' ? 'combination' : 'rigid') : 'unregistered';
    const combination =
      configuration === 'combination' || (configuration === 'unregistered' && config.unregisteredAsCombination);
    const limitKg = grossLimitKg(config, axles, combination, vehicle?.driveAxles);
    if (limitKg === null) return undefined;
    const factor = 1 + config.tolerancePercent / 100;
    const grossOver = event.gross_kg > limitKg * factor;
    const axlesOver = event.axle_weights_kg
      .map((kg, i) => ({ axle: i + 1, kg }))
      .filter((a) => a.kg > config.axleKgMax * factor);
    if (!grossOver && axlesOver.length === 0) return undefined;
    const grossOverPercent = ((event.gross_kg - limitKg) / limitKg) * 100;
    const axleOverPercent = Math.max(
      -100,
      ...axlesOver.map((a) => ((a.kg - config.axleKgMax) / config.axleKgMax) * 100),
    );
    const overPercent = Math.max(grossOverPercent, axleOverPercent);
    out.instant(
      '',
      event.ts,
      overPercent >= config.criticalOverPercent ? 'critical' : 'warning',
      event.lat,
      event.lon,
      {
        site: event.device_id,
        weighed_by: event.kind,
        reason: grossOver ? (axlesOver.length > 0 ? 'gross_and_axle' : 'gross') : 'axle',
        gross_kg: event.gross_kg,
        axles,
        configuration,
        drive_axles: vehicle?.driveAxles ?? null,
        limit_kg: limitKg,
        axle_limit_kg: config.axleKgMax,
        axles_over: axlesOver,
        tolerance_percent: config.tolerancePercent,
        over_percent: roundTo(overPercent, 1),
        axle_weights_kg: event.axle_weights_kg,
        speed_kmh: event.speed_kmh,
      },
    );
    return undefined;
  },
};
