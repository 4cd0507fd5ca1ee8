/**
 * geofence: dangerous-goods vehicles (or the classes a zone names) entering a restricted zone of the
 * configuration; the alarm opens on entry and becomes critical once the vehicle has dwelt longer than
 * `dwellMinutesMax`. One episode per zone, keyed by the zone id.
 */
import type { VehicleClass } from '../../schema/index.js';
import type { PositionRule } from '../engine/rule.js';
import { ENABLED_FIELD, isPositioned, minutes } from './common.js';
import { insideZone } from './zone-geometry.js';

export interface GeofenceConfig {
  enabled: boolean;
  /** Classes watched in zones that do not name their own. */
  classes: VehicleClass[];
  dwellMinutesMax: number;
}

interface GeofenceState {
  /** zone id → entry time (event time) and place. */
  inside: Record<string, [number, number, number]>;
}

export const geofenceRule: PositionRule<GeofenceState, GeofenceConfig> = {
  id: 'geofence',
  input: 'position',
  description: 'Dangerous-goods vehicle entering or dwelling in a restricted zone',
  spec: {
    enabled: ENABLED_FIELD,
    classes: {
      kind: 'class_list',
      description: 'vehicle classes kept out of restricted zones (unless a zone names its own)',
    },
    dwellMinutesMax: {
      kind: 'number',
      min: 0,
      max: 1440,
      description: 'dwell in a zone after which the alarm is critical, minutes',
    },
  },
  defaults: { enabled: true, classes: ['dangerous_goods'], dwellMinutesMax: 10 },
  evaluate(state, position, vehicle, config, out, ctx) {
    if (ctx.zones.length === 0 || !isPositioned(position)) return state;
    let next = state;
    for (const zone of ctx.zonesByKind.restricted) {
      const classes = zone.classes.length > 0 ? zone.classes : config.classes;
      const entered = next?.inside[zone.id];
      const inside =
        classes.includes(vehicle.vehicleClass) && insideZone(zone, position.lon, position.lat, position.ts);
      if (inside) {
        next ??= { inside: {} };
        const entry = entered ?? [position.ts, position.lat, position.lon];
        next.inside[zone.id] = entry;
        const dwellMs = position.ts - entry[0];
        out.open(
          zone.id,
          entry[0],
          dwellMs > config.dwellMinutesMax * 60_000 ? 'critical' : 'warning',
          entry[1],
          entry[2],
          {
            zone: zone.id,
            zone_name: zone.name,
            dwell_minutes: minutes(dwellMs),
            dwell_minutes_max: config.dwellMinutesMax,
          },
        );
      } else if (entered && next) {
        delete next.inside[zone.id];
        out.close(zone.id, position.ts);
      }
    }
    return next && Object.keys(next.inside).length > 0 ? next : undefined;
  },
};
