/**
 * overspeed: the vehicle drives faster than the limit of its class for longer than `sustainSeconds`. At night
 * (22:00-06:00 China time) the limit is capped at `nightFactor` of the day limit.
 */
import type { PositionRule, Violation } from '../engine/rule.js';

export interface OverspeedConfig {
  /** Day limit per vehicle class, km/h; `other` applies to unknown classes. */
  limitKmhByClass: Record<string, number>;
  /** Seconds the speed must stay above the limit before an alarm opens; 0 = the first fix. */
  sustainSeconds: number;
  /** Night limit = day limit × nightFactor. */
  nightFactor: number;
  /** Speed over the limit, in percent, from which the alarm is critical. */
  criticalOverPercent: number;
}

interface OverspeedState {
  /** Device time of the first fix above the limit in the current run, if any. */
  aboveSince?: number;
  maxSpeedKmh: number;
}

const CHINA_UTC_OFFSET_HOURS = 8;

export function isNightInChina(epochMs: number): boolean {
  const hour = (new Date(epochMs).getUTCHours() + CHINA_UTC_OFFSET_HOURS) % 24;
  return hour >= 22 || hour < 6;
}

export const overspeedRule: PositionRule<OverspeedState, OverspeedConfig> = {
  id: 'overspeed',
  version: 1,
  defaults: {
    // Expressway limits of DOMAIN.md: 100 km/h for vehicles other than cars, 80 for dangerous goods.
    limitKmhByClass: { coach: 100, dangerous_goods: 80, heavy_truck: 100, tractor: 100, bus: 100, taxi: 120, other: 100 },
    sustainSeconds: 0,
    nightFactor: 0.8,
    criticalOverPercent: 50,
  },
  evaluate(state, position, vehicle, config) {
    const dayLimit = config.limitKmhByClass[vehicle.vehicleClass] ?? config.limitKmhByClass.other;
    const night = isNightInChina(position.ts);
    const limitKmh = night ? dayLimit * config.nightFactor : dayLimit;
    if (position.speed_kmh <= limitKmh) return { state: undefined, violation: null };
    const aboveSince = state?.aboveSince ?? position.ts;
    const maxSpeedKmh = Math.max(state?.maxSpeedKmh ?? 0, position.speed_kmh);
    const next = { aboveSince, maxSpeedKmh };
    if (position.ts - aboveSince < config.sustainSeconds * 1000) return { state: next, violation: null };
    const overPercent = ((maxSpeedKmh - limitKmh) / limitKmh) * 100;
    const violation: Violation = {
      since: aboveSince,
      severity: overPercent >= config.criticalOverPercent ? 'critical' : 'warning',
      evidence: {
        speed_kmh: position.speed_kmh,
        max_speed_kmh: maxSpeedKmh,
        limit_kmh: limitKmh,
        night,
        vehicle_class: vehicle.vehicleClass,
        sustain_seconds: config.sustainSeconds,
      },
    };
    return { state: next, violation };
  },
};
