/**
 * Plain planar geometry over the divisions. d3-geo is not used here on purpose: it expects the opposite polygon
 * winding to RFC 7946 GeoJSON and would turn a correctly wound province into "the whole globe but the province".
 */
import type { Geometry, Position } from 'geojson';
import type { DivisionLevel, ProvinceGeo } from '../feed/http-api.js';

export type Bounds = [[number, number], [number, number]];

export interface DivisionLabel {
  code: string;
  name: string;
  position: [number, number];
  /** The division tree's parent code (a county's city), null for the province. */
  parent: string | null;
  level: DivisionLevel;
}

/** Mainland China, used only if the server's collection holds no usable coordinates (nothing to fit). */
const CHINA_FALLBACK_BOUNDS: Bounds = [
  [73.5, 18.1],
  [134.8, 53.6],
];

function outerRings(geometry: Geometry | null): Position[][] {
  if (geometry === null) return [];
  if (geometry.type === 'Polygon') return geometry.coordinates.slice(0, 1);
  if (geometry.type === 'MultiPolygon')
    return geometry.coordinates.map((polygon) => polygon[0]).filter((ring) => ring !== undefined);
  if (geometry.type === 'GeometryCollection') return geometry.geometries.flatMap(outerRings);
  return [];
}

/** Shoelace area (signed, degrees²) and centroid of one ring. */
function ringAreaAndCentroid(ring: Position[]): { area: number; x: number; y: number } {
  let twiceArea = 0;
  let x = 0;
  let y = 0;
  for (let index = 0; index < ring.length - 1; index += 1) {
    const [x0, y0] = ring[index];
    const [x1, y1] = ring[index + 1];
    const cross = x0 * y1 - x1 * y0;
    twiceArea += cross;
    x += (x0 + x1) * cross;
    y += (y0 + y1) * cross;
  }
  if (twiceArea === 0) return { area: 0, x: ring[0]?.[0] ?? 0, y: ring[0]?.[1] ?? 0 };
  return { area: twiceArea / 2, x: x / (3 * twiceArea), y: y / (3 * twiceArea) };
}

/** Centroid of the largest part, so a city with an exclave is labelled on its main body. */
function labelPosition(geometry: Geometry | null): [number, number] | null {
  let best: { area: number; x: number; y: number } | null = null;
  for (const ring of outerRings(geometry)) {
    const candidate = ringAreaAndCentroid(ring);
    if (best === null || Math.abs(candidate.area) > Math.abs(best.area)) best = candidate;
  }
  return best === null ? null : [best.x, best.y];
}

/** Bounds of the province outline, or of everything when the server sent no province feature. */
export function provinceBounds(geo: ProvinceGeo): Bounds {
  const province = geo.features.filter((feature) => feature.properties?.level === 'province');
  return boundsOf(province.length > 0 ? province : geo.features);
}

/** Bounds of one division's outline (a wall's own unit), or of the province when the code has no feature. */
export function divisionBounds(geo: ProvinceGeo, code: string): Bounds {
  const own = geo.features.filter((feature) => feature.properties?.code === code);
  return own.length > 0 ? boundsOf(own) : provinceBounds(geo);
}

function boundsOf(features: ProvinceGeo['features']): Bounds {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (const feature of features) {
    for (const ring of outerRings(feature.geometry)) {
      for (const [lon, lat] of ring) {
        west = Math.min(west, lon);
        east = Math.max(east, lon);
        south = Math.min(south, lat);
        north = Math.max(north, lat);
      }
    }
  }
  return Number.isFinite(west) && east > west && north > south
    ? [
        [west, south],
        [east, north],
      ]
    : CHINA_FALLBACK_BOUNDS;
}

export function divisionLabels(geo: ProvinceGeo, level: DivisionLevel): DivisionLabel[] {
  const labels: DivisionLabel[] = [];
  for (const feature of geo.features) {
    const properties = feature.properties;
    if (properties?.level !== level) continue;
    const position = labelPosition(feature.geometry);
    if (position !== null)
      labels.push({
        code: properties.code,
        name: properties.name,
        position,
        parent: properties.parent ?? null,
        level: properties.level,
      });
  }
  return labels;
}

/** Whether a position lies inside bounds grown by `margin` of their size on every side. */
export function withinBounds(
  [lon, lat]: [number, number],
  [[west, south], [east, north]]: Bounds,
  margin = 0,
): boolean {
  const dx = (east - west) * margin;
  const dy = (north - south) * margin;
  return lon >= west - dx && lon <= east + dx && lat >= south - dy && lat <= north + dy;
}

/** Division code -> name, so an alarm's org_code can be shown as a place. */
export function divisionNames(geo: ProvinceGeo): ReadonlyMap<string, string> {
  const names = new Map<string, string>();
  for (const feature of geo.features) {
    if (feature.properties !== null && typeof feature.properties.code === 'string')
      names.set(feature.properties.code, feature.properties.name);
  }
  return names;
}
