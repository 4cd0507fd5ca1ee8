/**
 * overspeed: faster than the limit of the vehicle's class (lowered inside speed-limit zones) for longer than
 * `sustainSeconds`, or at once when the excess reaches `immediateOverPercent`. At night (22:00-06:00 China
 * time) the limit of the classes in `nightCapClasses` is `nightFactor` of the day limit: the night cap of
 * 国发〔2012〕30号 is for passenger vehicles, so a heavy truck keeps its day limit at night.
 */
import type { VehicleClass } from '../../schema/index.js';
import type { PositionRule } from '../engine/rule.js';
import { isNightInChina } from './china-time.js';
import { ENABLED_FIELD, roundTo } from './common.js';
import { insideZone } from './zone-geometry.js';

export interface OverspeedConfig {
  enabled: boolean;
  /** Day limit per vehicle class, km/h; `other` applies to unknown classes. */
  limitKmhByClass: Partial<Record<VehicleClass, number>>;
  /** Seconds the speed must stay above the limit before an alarm opens. */
  sustainSeconds: number;
  /** Excess over the limit, in percent, that opens an alarm at the first fix. */
  immediateOverPercent: number;
  /** Night limit = day limit × nightFactor, for the classes of `nightCapClasses`. */
  nightFactor: number;
  /** Classes whose limit is capped at night (passenger classes); other classes keep the day limit. */
  nightCapClasses: VehicleClass[];
  /** Excess over the limit, in percent, from which the alarm is critical. */
  criticalOverPercent: number;
}

interface OverspeedState {
  /** Device time of the first fix above the limit in the current run. */
  aboveSince: number;
  aboveLat: number;
  aboveLon: number;
  maxSpeedKmh: number;
  open: boolean;
}

export const overspeedRule: PositionRule<OverspeedState, OverspeedConfig> = {
  id: 'overspeed',
  input: 'position',
  description: 'Speed above the limit of the vehicle class or zone, sustained; lower limit at night',
  spec: {
    enabled: ENABLED_FIELD,
    limitKmhByClass: { kind: 'class_map', min: 10, max: 200, description: 'day speed limit per vehicle class, km/h' },
    sustainSeconds: { kind: 'number', min: 0, max: 600, description: 'seconds above the limit before the alarm opens' },
    immediateOverPercent: {
      kind: 'number',
      min: 0,
      max: 200,
      description: 'excess in percent that alarms at the first fix',
    },
    nightFactor: {
      kind: 'number',
      min: 0.5,
      max: 1,
      description: 'night limit as a fraction of the day limit (22:00-06:00), for the classes of nightCapClasses',
    },
    nightCapClasses: {
      kind: 'class_list',
      description: 'classes whose limit is capped at night (passenger vehicles); the others keep the day limit',
    },
    criticalOverPercent: {
      kind: 'number',
      min: 0,
      max: 200,
      description: 'excess in percent from which the alarm is critical',
    },
  },
  defaults: {
    enabled: true,
    // Expressway limits of DOMAIN.md: 100 km/h for vehicles other than cars, 80 for dangerous goods.
    limitKmhByClass: {
      coach: 100,
      dangerous_goods: 80,
      heavy_truck: 100,
      tractor: 100,
      bus: 100,
      taxi: 120,
      other: 100,
    },
    sustainSeconds: 30,
    immediateOverPercent: 20,
    nightFactor: 0.8,
    // 国发〔2012〕30号: passenger vehicles at night (22:00-06:00) at most 80 % of the day limit.
    nightCapClasses: ['coach', 'bus', 'taxi'],
    criticalOverPercent: 50,
  },
  evaluate(state, position, vehicle, config, out, ctx) {
    let dayLimit = config.limitKmhByClass[vehicle.vehicleClass] ?? config.limitKmhByClass.other ?? 100;
    let zoneId = '';
    for (const zone of ctx.zones) {
      if (zone.kind !== 'speed_limit' || zone.speedLimitKmh >= dayLimit) continue;
      if (zone.classes.length > 0 && !zone.classes.includes(vehicle.vehicleClass)) continue;
      if (insideZone(zone, position.lon, position.lat, position.ts)) {
        dayLimit = zone.speedLimitKmh;
        zoneId = zone.id;
      }
    }
    const night = config.nightCapClasses.includes(vehicle.vehicleClass) && isNightInChina(position.ts);
    const limitKmh = night ? roundTo(dayLimit * config.nightFactor, 1) : dayLimit;
    if (position.speed_kmh <= limitKmh) {
      if (state?.open)
        out.close(
          '',
          position.ts,
          evidenceOf(state, position.speed_kmh, limitKmh, night, zoneId, vehicle.vehicleClass, position.ts, config),
        );
      return undefined;
    }
    const next = state ?? {
      aboveSince: position.ts,
      aboveLat: position.lat,
      aboveLon: position.lon,
      maxSpeedKmh: 0,
      open: false,
    };
    next.maxSpeedKmh = Math.max(next.maxSpeedKmh, position.speed_kmh);
    const overPercent = ((next.maxSpeedKmh - limitKmh) / limitKmh) * 100;
    const sustainedMs = position.ts - next.aboveSince;
    if (!next.open && sustainedMs < config.sustainSeconds * 1000 && overPercent < config.immediateOverPercent)
      return next;
    next.open = true;
    const severity = overPercent >= config.criticalOverPercent ? 'critical' : 'warning';
    if (out.due('', severity)) {
      out.open(
        '',
        next.aboveSince,
        severity,
        next.aboveLat,
        next.aboveLon,
        evidenceOf(next, position.speed_kmh, limitKmh, night, zoneId, vehicle.vehicleClass, position.ts, config),
      );
    }
    return next;
  },
};

function evidenceOf(
  state: OverspeedState,
  speedKmh: number,
  limitKmh: number,
  night: boolean,
  zoneId: string,
  vehicleClass: string,
  ts: number,
  config: OverspeedConfig,
): Record<string, unknown> {
  return {
    speed_kmh: speedKmh,
    max_speed_kmh: state.maxSpeedKmh,
    limit_kmh: limitKmh,
    over_percent: roundTo(((state.maxSpeedKmh - limitKmh) / limitKmh) * 100, 1),
    night,
    zone: zoneId || null,
    vehicle_class: vehicleClass,
    sustained_seconds: Math.round((ts - state.aboveSince) / 1000),
    sustain_seconds: config.sustainSeconds,
  };
}
