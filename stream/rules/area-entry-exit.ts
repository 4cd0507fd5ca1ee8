/**
 * area_entry_exit (进出区域): a vehicle crossing the boundary of an `area` zone, reported as it happens — entry,
 * exit or both, as the zone's `direction` says — while the zone is in force (its `hours`, China time). A
 * crossing is told from the vehicle's previous positioned fix (the engine's track) and this one, so the rule
 * keeps no state: the first fix ever of a vehicle crosses nothing. Membership is the zone's shape alone; the
 * window only decides whether a crossing is reported (a window opening around a parked vehicle is no entry).
 * One instant alarm per crossing, keyed by the zone.
 */
import type { TelemetryRow } from '../../schema/index.js';
import type { CompiledZone, EpisodeSink, PositionRule, Track, VehicleFacts } from '../engine/rule.js';
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
    // Only a zone that may hold one of the two fixes can be crossed: the zones near either, in configuration order.
    const grid = ctx.zoneGrids.area;
    const nearNow = grid.near(position.lon, position.lat);
    const nearBefore = grid.near(track.fixLon, track.fixLat);
    if (nearNow === nearBefore) {
      for (let i = 0; i < nearNow.length; i++) crossing(grid.zones[nearNow[i]], position, vehicle, config, out, track);
      return undefined;
    }
    let i = 0;
    let j = 0;
    while (i < nearNow.length || j < nearBefore.length) {
      const a = i < nearNow.length ? nearNow[i] : Infinity;
      const b = j < nearBefore.length ? nearBefore[j] : Infinity;
      const next = a <= b ? a : b;
      if (a === next) i++;
      if (b === next) j++;
      crossing(grid.zones[next], position, vehicle, config, out, track);
    }
    return undefined;
  },
};

/** Reports the crossing of `zone`'s boundary between the track's last fix and `position`, if any. */
function crossing(
  zone: CompiledZone,
  position: TelemetryRow,
  vehicle: VehicleFacts,
  config: AreaEntryExitConfig,
  out: EpisodeSink,
  track: Track,
): void {
  if (zone.classes.length > 0 && !zone.classes.includes(vehicle.vehicleClass)) return;
  const now = insideShape(zone.shape, position.lon, position.lat);
  const before = insideShape(zone.shape, track.fixLon, track.fixLat);
  if (now === before || !zoneInForce(zone, position.ts)) return;
  const direction = now ? 'entry' : 'exit';
  if (zone.direction !== 'both' && zone.direction !== direction) return;
  out.instant(zone.id, position.ts, config.severity, position.lat, position.lon, {
    zone: zone.id,
    zone_name: zone.name,
    direction,
    previous_fix_ts: track.fixTs,
  });
}
