/**
 * route_deviation (偏离路线): a vehicle assigned to a registered route — a `route` zone, a corridor listing the
 * plates that must keep to it — outside every corridor assigned to it for longer than `outsideSecondsMin`, or
 * at its second fix outside when it is already `distanceMMin` beyond the corridor's edge (one fix far out may be
 * satellite drift; two are not). Dated from the first fix outside; closes when the vehicle is back on a route.
 * A route with `hours` is only in force in its window (a school bus's route on school days' hours).
 */
import type { PositionRule } from '../engine/rule.js';
import { ENABLED_FIELD, isPositioned, roundTo } from './common.js';
import { beyondCorridorM, insideZone, zoneInForce } from './zone-geometry.js';

export interface RouteDeviationConfig {
  enabled: boolean;
  outsideSecondsMin: number;
  distanceMMin: number;
  criticalMinutes: number;
}

interface DeviationState {
  since: number;
  lat: number;
  lon: number;
  fixes: number;
  maxBeyondM: number;
  open: boolean;
}

export const routeDeviationRule: PositionRule<DeviationState, RouteDeviationConfig> = {
  id: 'route_deviation',
  input: 'position',
  description: 'Vehicle assigned to a route corridor driving outside it',
  spec: {
    enabled: ENABLED_FIELD,
    outsideSecondsMin: {
      kind: 'number',
      min: 0,
      max: 3600,
      description: 'seconds outside every assigned corridor before the alarm opens',
    },
    distanceMMin: {
      kind: 'number',
      min: 0,
      max: 50_000,
      description: 'metres beyond the corridor edge that alarm at the second fix outside',
    },
    criticalMinutes: {
      kind: 'number',
      min: 1,
      max: 1440,
      description: 'deviations longer than this are critical, minutes',
    },
  },
  defaults: { enabled: true, outsideSecondsMin: 120, distanceMMin: 1000, criticalMinutes: 30 },
  evaluate(state, position, vehicle, config, out, ctx) {
    if (!isPositioned(position)) return state;
    const plate = vehicle.plate || position.plate;
    const assignedRoutes = ctx.routesByPlate.get(plate);
    if (assignedRoutes === undefined) {
      if (state?.open) out.close('', position.ts, evidenceOf(state, position.ts, 0, []));
      return undefined;
    }
    let assigned = 0;
    let beyondM = Infinity;
    const routes: string[] = [];
    for (const zone of assignedRoutes) {
      if (!zoneInForce(zone, position.ts)) continue;
      assigned++;
      if (insideZone(zone, position.lon, position.lat, position.ts)) {
        beyondM = 0;
        break;
      }
      routes.push(zone.id);
      beyondM = Math.min(beyondM, beyondCorridorM(zone.shape, position.lon, position.lat) ?? Infinity);
    }
    if (assigned === 0 || beyondM === 0) {
      if (state?.open) out.close('', position.ts, evidenceOf(state, position.ts, 0, routes));
      return undefined;
    }
    const next = state ?? {
      since: position.ts,
      lat: position.lat,
      lon: position.lon,
      fixes: 0,
      maxBeyondM: 0,
      open: false,
    };
    next.fixes++;
    if (Number.isFinite(beyondM)) next.maxBeyondM = Math.max(next.maxBeyondM, beyondM);
    const outsideMs = position.ts - next.since;
    if (
      !next.open &&
      outsideMs < config.outsideSecondsMin * 1000 &&
      !(next.fixes >= 2 && beyondM >= config.distanceMMin)
    )
      return next;
    next.open = true;
    const severity = outsideMs > config.criticalMinutes * 60_000 ? 'critical' : 'warning';
    if (out.due('', severity))
      out.open('', next.since, severity, next.lat, next.lon, evidenceOf(next, position.ts, beyondM, routes));
    return next;
  },
};

function evidenceOf(state: DeviationState, ts: number, beyondM: number, routes: string[]): Record<string, unknown> {
  return {
    routes,
    outside_seconds: Math.round((ts - state.since) / 1000),
    beyond_m: Number.isFinite(beyondM) ? roundTo(beyondM, 0) : null,
    max_beyond_m: roundTo(state.maxBeyondM, 0),
  };
}
