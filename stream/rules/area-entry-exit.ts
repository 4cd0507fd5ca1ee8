/**
 * area_entry_exit (进出区域): a vehicle crossing the boundary of an `area` zone, reported as it happens — entry,
 * exit or both, as the zone's `direction` says — while the zone is in force (its `hours`, China time). A
 * crossing is told from the vehicle's previous positioned fix (the engine's track) and this one, so the rule
 * keeps no state: the first fix ever of a vehicle crosses nothing. Membership is the zone's shape alone; the
 * window only decides whether a crossing is reported (a window opening around a parked vehicle is no entry).
 * One instant alarm per crossing, keyed by the zone.
 */
import type { PositionRule } from '../engine/rule.js';
import { NEVER } from '../engine/rule.js';
import { ENABLED_FIELD, isPositioned } from './common.js';
import { insideShape, zoneInForce } from './zone-geometry.js';
import type { Severity } from '../engine/rule.js';

export interface AreaEntryExitConfig {
  enabled: boolean;
  severity: Severity;
}

export const areaEntryExitRule: PositionRule<never, AreaEntryExitConfig> = {
  id: 'area_entry_exit',
  input: 'position',
  description: 'Vehicle entering or leaving a configured area (per-area direction and hours)',
  spec: {
    enabled: ENABLED_FIELD,
    severity: { kind: 'severity', description: 'severity of an entry or exit alarm' },
  },
  defaults: { enabled: true, severity: 'warning' },
  evaluate(state, position, vehicle, config, out, ctx, track) {
    if (track.fixTs === NEVER || !isPositioned(position)) return undefined;
    for (const zone of ctx.zonesByKind.area) {
      if (zone.classes.length > 0 && !zone.classes.includes(vehicle.vehicleClass)) continue;
      const now = insideShape(zone.shape, position.lon, position.lat);
      const before = insideShape(zone.shape, track.fixLon, track.fixLat);
      if (now === before || !zoneInForce(zone, position.ts)) continue;
      const direction = now ? 'entry' : 'exit';
      if (zone.direction !== 'both' && zone.direction !== direction) continue;
      out.instant(zone.id, position.ts, config.severity, position.lat, position.lon, {
        zone: zone.id,
        zone_name: zone.name,
        direction,
        previous_fix_ts: track.fixTs,
      });
    }
    return undefined;
  },
};
