// Small planar and spherical helpers shared by the reference-data accessors and the build script.
// They work on GeoJSON-style positions ([lon, lat] in degrees, WGS-84) so data never needs conversion.

export type LonLat = readonly [lon_deg: number, lat_deg: number];
/** A closed ring: the first position equals the last, as GeoJSON requires. */
export type Ring = readonly LonLat[];
/** A polygon as GeoJSON: outer ring first, holes after. */
export type PolygonRings = readonly Ring[];

export interface BoundingBox {
  readonly lon_min_deg: number;
  readonly lat_min_deg: number;
  readonly lon_max_deg: number;
  readonly lat_max_deg: number;
}

/** Mean Earth radius (IUGG), the usual choice for great-circle distances and spherical areas. */
export const EARTH_RADIUS_KM = 6371.0088;

const DEG_TO_RAD = Math.PI / 180;

/** Great-circle distance by the haversine formula, accurate to well under a metre at these ranges. */
export function greatCircleKm(a: LonLat, b: LonLat): number {
  const phi1 = a[1] * DEG_TO_RAD;
  const phi2 = b[1] * DEG_TO_RAD;
  const dPhi = phi2 - phi1;
  const dLambda = (b[0] - a[0]) * DEG_TO_RAD;
  const h = Math.sin(dPhi / 2) ** 2 + Math.cos(phi1) * Math.cos(phi2) * Math.sin(dLambda / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Area enclosed by a ring on the sphere, in km², signed: positive when the ring runs counter-clockwise
 * (as RFC 7946 wants for outer rings). Uses the spherical-excess sum over edges
 * Σ (λ2 − λ1)(2 + sin φ1 + sin φ2) · R²/2, which is exact for rhumb-free small polygons to far better than
 * the accuracy of 1:1,000,000-scale boundary data.
 */
export function ringSignedAreaKm2(ring: Ring): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i += 1) {
    const [lon1, lat1] = ring[i];
    const [lon2, lat2] = ring[i + 1];
    sum += (lon2 - lon1) * DEG_TO_RAD * (2 + Math.sin(lat1 * DEG_TO_RAD) + Math.sin(lat2 * DEG_TO_RAD));
  }
  // The formula above is positive for clockwise rings, so flip the sign to follow RFC 7946.
  return (-sum * EARTH_RADIUS_KM * EARTH_RADIUS_KM) / 2;
}

/** Area of a polygon (outer minus holes) in km², independent of ring orientation. */
export function polygonAreaKm2(polygon: PolygonRings): number {
  let area = 0;
  polygon.forEach((ring, index) => {
    const ringArea = Math.abs(ringSignedAreaKm2(ring));
    area += index === 0 ? ringArea : -ringArea;
  });
  return area;
}

/** Even-odd ray casting; a point exactly on an edge may fall either side, which is fine for lookups. */
export function pointInRing(lon_deg: number, lat_deg: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > lat_deg !== yj > lat_deg && lon_deg < ((xj - xi) * (lat_deg - yi)) / (yj - yi) + xi) {
      inside = !inside;
    }
  }
  return inside;
}

export function pointInPolygon(lon_deg: number, lat_deg: number, polygon: PolygonRings): boolean {
  if (polygon.length === 0 || !pointInRing(lon_deg, lat_deg, polygon[0])) return false;
  for (let h = 1; h < polygon.length; h += 1) {
    if (pointInRing(lon_deg, lat_deg, polygon[h])) return false;
  }
  return true;
}

export function boundingBoxOf(polygons: readonly PolygonRings[]): BoundingBox {
  let lon_min_deg = Infinity;
  let lat_min_deg = Infinity;
  let lon_max_deg = -Infinity;
  let lat_max_deg = -Infinity;
  for (const polygon of polygons) {
    // Holes lie inside the outer ring, so the outer ring alone bounds the polygon.
    for (const [lon, lat] of polygon[0] ?? []) {
      if (lon < lon_min_deg) lon_min_deg = lon;
      if (lon > lon_max_deg) lon_max_deg = lon;
      if (lat < lat_min_deg) lat_min_deg = lat;
      if (lat > lat_max_deg) lat_max_deg = lat;
    }
  }
  return { lon_min_deg, lat_min_deg, lon_max_deg, lat_max_deg };
}

export function boxContains(box: BoundingBox, lon_deg: number, lat_deg: number): boolean {
  return (
    lon_deg >= box.lon_min_deg && lon_deg <= box.lon_max_deg && lat_deg >= box.lat_min_deg && lat_deg <= box.lat_max_deg
  );
}

/** Whether the segment from (ax, ay) to (bx, by) has a point in the closed box (Liang–Barsky clipping). */
export function segmentTouchesBox(ax: number, ay: number, bx: number, by: number, box: BoundingBox): boolean {
  const dx = bx - ax;
  const dy = by - ay;
  let enter = 0;
  let leave = 1;
  // The box's four edges in turn (west, east, south, north) as p·t ≤ q. A loop rather than a closure per call:
  // classifying the county grid runs this millions of times, and a closure made per call is garbage each time.
  for (let edge = 0; edge < 4; edge++) {
    const p = edge === 0 ? -dx : edge === 1 ? dx : edge === 2 ? -dy : dy;
    const q =
      edge === 0
        ? ax - box.lon_min_deg
        : edge === 1
          ? box.lon_max_deg - ax
          : edge === 2
            ? ay - box.lat_min_deg
            : box.lat_max_deg - ay;
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) {
      if (t > leave) return false;
      if (t > enter) enter = t;
    } else {
      if (t < enter) return false;
      if (t < leave) leave = t;
    }
  }
  return true;
}
