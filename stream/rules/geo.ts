/**
 * Distances and polygon tests for the rules, on [lon, lat] degrees (WGS-84 as terminals report it).
 * Zones from the configuration are compiled once with a bounding box so that most positions are rejected by
 * four comparisons.
 */
const EARTH_RADIUS_KM = 6371.0088;
const DEG_TO_RAD = Math.PI / 180;

/** Great-circle distance (haversine). */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dPhi = (lat2 - lat1) * DEG_TO_RAD;
  const dLambda = (lon2 - lon1) * DEG_TO_RAD;
  const h =
    Math.sin(dPhi / 2) ** 2 + Math.cos(lat1 * DEG_TO_RAD) * Math.cos(lat2 * DEG_TO_RAD) * Math.sin(dLambda / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export type LonLat = readonly [number, number];

export interface CompiledPolygon {
  ring: readonly LonLat[];
  lonMin: number;
  lonMax: number;
  latMin: number;
  latMax: number;
}

export function compilePolygon(ring: readonly LonLat[]): CompiledPolygon {
  let lonMin = Infinity,
    lonMax = -Infinity,
    latMin = Infinity,
    latMax = -Infinity;
  for (const [lon, lat] of ring) {
    lonMin = Math.min(lonMin, lon);
    lonMax = Math.max(lonMax, lon);
    latMin = Math.min(latMin, lat);
    latMax = Math.max(latMax, lat);
  }
  return { ring, lonMin, lonMax, latMin, latMax };
}

/** Even-odd ray casting; the ring may be open or closed. */
export function insidePolygon(polygon: CompiledPolygon, lon: number, lat: number): boolean {
  if (lon < polygon.lonMin || lon > polygon.lonMax || lat < polygon.latMin || lat > polygon.latMax) return false;
  const ring = polygon.ring;
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
