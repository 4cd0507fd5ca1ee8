/**
 * overtime_parking (超时停车): a vehicle standing longer than a limit where stopping is dangerous — on an
 * expressway (the road index matches the stop to a motorway within `expresswayDistanceM`) or inside a
 * `no_parking` zone of the configuration. A stop is a run of fixes at or below `stopSpeedKmh` within
 * `STOP_DRIFT_M` of where it began (a standing receiver wanders by a few metres). The alarm opens once the stop
 * is longer than the limit, dated from the stop's beginning, and closes when the vehicle moves.
 *
 * Without a road index only zones count; service areas and toll plazas are other `highway` values, not motorway,
 * so a coach resting at a service area is not on the expressway.
 */
import type { VehicleClass } from '../../schema/index.js';
import { VEHICLE_CLASSES } from '../../schema/index.js';
import type { PositionRule } from '../engine/rule.js';
import { ENABLED_FIELD, isPositioned, minutes } from './common.js';
import { distanceKm } from './geo.js';
import { insideZone } from './zone-geometry.js';

export interface OvertimeParkingConfig {
  enabled: boolean;
  classes: VehicleClass[];
  stopSpeedKmh: number;
  expresswayMinutesMax: number;
  zoneMinutesMax: number;
  expresswayDistanceM: number;
  criticalMinutes: number;
}

interface ParkingState {
  since: number;
  lat: number;
  lon: number;
  /** 'expressway', or the id of the no_parking zone. */
  place: string;
  placeName: string;
  limitMinutes: number;
  open: boolean;
}

/** A stop that moves farther than this is a new stop (or not a stop), metres. */
const STOP_DRIFT_M = 50;

export const overtimeParkingRule: PositionRule<ParkingState, OvertimeParkingConfig> = {
  id: 'overtime_parking',
  input: 'position',
  description: 'Standing longer than allowed on an expressway (road index) or in a no-parking zone',
  spec: {
    enabled: ENABLED_FIELD,
    classes: { kind: 'class_list', description: 'vehicle classes watched' },
    stopSpeedKmh: {
      kind: 'number',
      min: 0,
      max: 10,
      description: 'a fix at or below this speed is standing, km/h',
    },
    expresswayMinutesMax: {
      kind: 'number',
      min: 1,
      max: 1440,
      description: 'minutes a vehicle may stand on an expressway before the alarm opens',
    },
    zoneMinutesMax: {
      kind: 'number',
      min: 1,
      max: 1440,
      description: 'minutes a vehicle may stand in a no_parking zone (unless the zone sets its own)',
    },
    expresswayDistanceM: {
      kind: 'number',
      min: 5,
      max: 100,
      description: 'a stop within this distance of an expressway carriageway is on the expressway, metres',
    },
    criticalMinutes: {
      kind: 'number',
      min: 1,
      max: 1440,
      description: 'stops longer than this are critical, minutes',
    },
  },
  defaults: {
    enabled: true,
    classes: [...VEHICLE_CLASSES],
    stopSpeedKmh: 3,
    expresswayMinutesMax: 10,
    zoneMinutesMax: 10,
    expresswayDistanceM: 25,
    criticalMinutes: 30,
  },
  evaluate(state, position, vehicle, config, out, ctx) {
    if (!isPositioned(position)) return state;
    if (position.speed_kmh > config.stopSpeedKmh || !config.classes.includes(vehicle.vehicleClass)) {
      if (state?.open) out.close('', position.ts, evidenceOf(state, position.ts));
      return undefined;
    }
    let next = state;
    if (next && distanceKm(next.lat, next.lon, position.lat, position.lon) * 1000 > STOP_DRIFT_M) {
      if (next.open) out.close('', position.ts, evidenceOf(next, position.ts));
      next = undefined;
    }
    if (next === undefined) {
      const place = dangerousPlace(position.lon, position.lat, position.ts, vehicle.vehicleClass, config, ctx);
      if (place === undefined) return undefined;
      next = { since: position.ts, lat: position.lat, lon: position.lon, ...place, open: false };
    }
    const stoodMs = position.ts - next.since;
    if (stoodMs <= next.limitMinutes * 60_000) return next;
    next.open = true;
    const severity = stoodMs > config.criticalMinutes * 60_000 ? 'critical' : 'warning';
    if (out.due('', severity)) out.open('', next.since, severity, next.lat, next.lon, evidenceOf(next, position.ts));
    return next;
  },
};

function dangerousPlace(
  lon: number,
  lat: number,
  ts: number,
  vehicleClass: VehicleClass,
  config: OvertimeParkingConfig,
  ctx: Parameters<(typeof overtimeParkingRule)['evaluate']>[5],
): { place: string; placeName: string; limitMinutes: number } | undefined {
  for (const zone of ctx.zonesByKind.no_parking) {
    if (zone.classes.length > 0 && !zone.classes.includes(vehicleClass)) continue;
    if (insideZone(zone, lon, lat, ts))
      return { place: zone.id, placeName: zone.name, limitMinutes: zone.parkingMinutesMax ?? config.zoneMinutesMax };
  }
  if (ctx.roads === undefined) return undefined;
  // A standing receiver's heading is noise: match by distance alone.
  const match = ctx.roads.match(lon, lat, 0, 0, {
    maxDistanceM: config.expresswayDistanceM,
    headingToleranceDeg: 90,
    headingSpeedKmh: Infinity,
  });
  if (match?.road.type !== 'expressway') return undefined;
  const road = match.road;
  return {
    place: 'expressway',
    placeName: [road.ref, road.name].filter((s) => s !== '').join(' ') || '高速公路',
    limitMinutes: config.expresswayMinutesMax,
  };
}

function evidenceOf(state: ParkingState, ts: number): Record<string, unknown> {
  return {
    place: state.place === 'expressway' ? 'expressway' : 'zone',
    zone: state.place === 'expressway' ? null : state.place,
    place_name: state.placeName,
    stood_minutes: minutes(ts - state.since),
    minutes_max: state.limitMinutes,
  };
}
