/**
 * Whose wall this is: the kiosk token's unit (`GET /api/me`), named and placed from the divisions. A province token
 * shows the province with its cities; a city's token its city with its counties; a county's token its county. The map's
 * extent, its names, the title and the ranking all follow it.
 */
import type { DivisionLevel, ProvinceGeo } from '../feed/http-api.js';
import { divisionBounds, divisionLabels, withinBounds, type Bounds, type DivisionLabel } from './division-geometry.js';

export interface WallScope {
  orgCode: string;
  name: string;
  level: DivisionLevel;
}

/** A scope read from the token's unit; unknown codes (a unit an admin added) are shown as the province's map. */
export function scopeOf(geo: ProvinceGeo, orgCode: string): WallScope {
  const feature = geo.features.find((f) => f.properties?.code === orgCode);
  if (feature?.properties) return { orgCode, name: feature.properties.name, level: feature.properties.level };
  const province = geo.features.find((f) => f.properties?.level === 'province')?.properties;
  return { orgCode, name: province?.name ?? orgCode, level: 'province' };
}

export function scopeBounds(geo: ProvinceGeo, scope: WallScope): Bounds {
  return divisionBounds(geo, scope.orgCode);
}

/** A name on the map and how prominent it is: the wall's own units, or their neighbours for context. */
export interface MapLabel extends DivisionLabel {
  tone: 'main' | 'context';
}

/**
 * The names a wall shows at home: the province its cities; a city its counties (and the 省直管县 in it) with the
 * neighbouring cities dimmed; a county its own name with the neighbouring counties dimmed.
 */
export function homeLabels(geo: ProvinceGeo, scope: WallScope): MapLabel[] {
  const cities = divisionLabels(geo, 'city');
  const counties = divisionLabels(geo, 'county');
  if (scope.level === 'province') return cities.map((label) => ({ ...label, tone: 'main' }));
  const bounds = scopeBounds(geo, scope);
  if (scope.level === 'city') {
    const own = counties.filter((label) => label.parent === scope.orgCode);
    // 济源 has no counties: its own name is its only label.
    const main = own.length > 0 ? own : cities.filter((label) => label.code === scope.orgCode);
    const context = cities.filter(
      (label) => label.code !== scope.orgCode && withinBounds(label.position, bounds, 0.35),
    );
    return [
      ...main.map((l) => ({ ...l, tone: 'main' as const })),
      ...context.map((l) => ({ ...l, tone: 'context' as const })),
    ];
  }
  const own = counties.filter((label) => label.code === scope.orgCode);
  const context = counties.filter((label) => label.code !== scope.orgCode && withinBounds(label.position, bounds, 0.6));
  return [
    ...own.map((l) => ({ ...l, tone: 'main' as const })),
    ...context.map((l) => ({ ...l, tone: 'context' as const })),
  ];
}

/** Every county's name, for the flight to a critical alarm: the county it happened in is named wherever it is. */
export function countyLabels(geo: ProvinceGeo): MapLabel[] {
  return divisionLabels(geo, 'county').map((label) => ({ ...label, tone: 'main' }));
}
