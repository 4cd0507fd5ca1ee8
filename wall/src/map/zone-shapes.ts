/**
 * Zones of the rules configuration as the console draws them: the same three shapes the server evaluates
 * (stream/rules/zone-geometry.ts) — a polygon, a circle, a route corridor — turned into GeoJSON for maplibre.
 * A circle is drawn as a 64-gon; a corridor as its polyline with a round-capped line whose width in pixels is
 * the corridor's width in metres at every zoom (a data-driven, zoom-interpolated `line-width`), which is exactly
 * the buffer the rules test against.
 */
import type { Feature, FeatureCollection, Geometry } from 'geojson';

export type LonLat = [number, number];
export type ZoneKind = 'speed_limit' | 'restricted' | 'relay_point' | 'no_parking' | 'route' | 'area';
export type AreaDirection = 'entry' | 'exit' | 'both';

/** A zone as stored in the rules configuration (GET/PUT /api/rules, `config.zones`). */
export interface Zone {
  id: string;
  name: string;
  kind: ZoneKind;
  polygon?: LonLat[];
  circle?: { center: LonLat; radiusM: number };
  corridor?: { path: LonLat[]; widthM: number };
  hours?: { from: string; to: string };
  speedLimitKmh?: number;
  classes?: string[];
  /** `route`: plates assigned to the route corridor (route_deviation). */
  vehicles?: string[];
  /** `area`: which crossings alarm (area_entry_exit). */
  direction?: AreaDirection;
  /** `no_parking`: minutes a vehicle may stand inside (overtime_parking); missing: the rule's. */
  parkingMinutesMax?: number;
}

export type ShapeKind = 'polygon' | 'circle' | 'corridor';

export function shapeKindOf(zone: Zone): ShapeKind {
  return zone.circle ? 'circle' : zone.corridor ? 'corridor' : 'polygon';
}

const METRES_PER_DEGREE = 111_195;
/** Web Mercator at zoom 0 with maplibre's 512-pixel world: metres per pixel at the equator. */
const EQUATOR_METRES_PER_PIXEL_Z0 = 40_075_016.686 / 512;
const CIRCLE_DRAW_POINTS = 64;

export function circleRing(center: LonLat, radiusM: number, points = CIRCLE_DRAW_POINTS): LonLat[] {
  const dLat = radiusM / METRES_PER_DEGREE;
  const dLon = dLat / Math.cos((center[1] * Math.PI) / 180);
  const ring = Array.from({ length: points }, (_, i): LonLat => {
    const a = (2 * Math.PI * i) / points;
    return [center[0] + dLon * Math.cos(a), center[1] + dLat * Math.sin(a)];
  });
  return [...ring, ring[0]];
}

/** Ground distance between two nearby points, metres (equirectangular; what a radius drag needs). */
export function distanceM(a: LonLat, b: LonLat): number {
  const kx = METRES_PER_DEGREE * Math.cos((((a[1] + b[1]) / 2) * Math.PI) / 180);
  return Math.hypot((b[0] - a[0]) * kx, (b[1] - a[1]) * METRES_PER_DEGREE);
}

/** Pixels a width in metres takes at zoom 0 at this latitude; doubles with each zoom level. */
export function pixelsAtZoom0(widthM: number, lat: number): number {
  return widthM / (EQUATOR_METRES_PER_PIXEL_Z0 * Math.cos((lat * Math.PI) / 180));
}

export interface ZoneFeatureProps {
  id: string;
  kind: ZoneKind;
  selected: boolean;
  /** Corridors only: the width's pixels at zoom 0. */
  px0?: number;
}

/** Outline fills (polygons and circles) and corridor lines of every zone, the selected one marked. */
export function zoneFeatures(
  zones: readonly Zone[],
  selectedId: string | null,
): FeatureCollection<Geometry, ZoneFeatureProps> {
  const features: Feature<Geometry, ZoneFeatureProps>[] = [];
  for (const zone of zones) {
    const props = { id: zone.id, kind: zone.kind, selected: zone.id === selectedId };
    const feature = shapeFeature(zone, props);
    if (feature) features.push(feature);
  }
  return { type: 'FeatureCollection', features };
}

function shapeFeature(zone: Zone, props: ZoneFeatureProps): Feature<Geometry, ZoneFeatureProps> | null {
  if (zone.corridor) {
    if (zone.corridor.path.length < 2) return null;
    const lat = zone.corridor.path.reduce((sum, p) => sum + p[1], 0) / zone.corridor.path.length;
    return {
      type: 'Feature',
      properties: { ...props, px0: pixelsAtZoom0(zone.corridor.widthM, lat) },
      geometry: { type: 'LineString', coordinates: zone.corridor.path },
    };
  }
  const ring = zone.circle ? circleRing(zone.circle.center, zone.circle.radiusM) : closed(zone.polygon ?? []);
  if (ring.length < 4) return null;
  return { type: 'Feature', properties: props, geometry: { type: 'Polygon', coordinates: [ring] } };
}

function closed(ring: LonLat[]): LonLat[] {
  if (ring.length === 0) return ring;
  const [first, last] = [ring[0], ring[ring.length - 1]];
  return first[0] === last[0] && first[1] === last[1] ? ring : [...ring, first];
}

/** A shape being drawn: its clicked points and, as soon as it has enough, the zone it would make. */
export interface Draft {
  shape: ShapeKind;
  points: LonLat[];
  /** Circle: the radius (from the second click or typed); corridor: the width. Metres. */
  sizeM: number;
}

/** The vertices (points) and the outline so far (a line, or the shape once complete) of a draft. */
export function draftFeatures(
  draft: Draft | null,
): FeatureCollection<Geometry, { role: string; px0?: number; index?: number }> {
  if (draft === null || draft.points.length === 0) return { type: 'FeatureCollection', features: [] };
  const features: Feature<Geometry, { role: string; px0?: number; index?: number }>[] = draft.points.map(
    (p, index) => ({
      type: 'Feature',
      properties: { role: 'vertex', index },
      geometry: { type: 'Point', coordinates: p },
    }),
  );
  const shape = draftZone(draft);
  if (shape) {
    const feature = shapeFeature(
      { id: 'draft', name: '', kind: 'restricted', ...shape },
      {
        id: 'draft',
        kind: 'restricted',
        selected: true,
      },
    );
    if (feature) features.push({ ...feature, properties: { role: 'shape', px0: feature.properties.px0 } });
  }
  if (draft.shape === 'polygon' && draft.points.length >= 2)
    features.push({
      type: 'Feature',
      properties: { role: 'edge' },
      geometry: { type: 'LineString', coordinates: draft.points },
    });
  return { type: 'FeatureCollection', features };
}

/** The shape fields a draft makes once it has enough points, else null. */
export function draftZone(draft: Draft): Pick<Zone, 'polygon' | 'circle' | 'corridor'> | null {
  switch (draft.shape) {
    case 'polygon':
      return draft.points.length >= 3 ? { polygon: closed(draft.points.map(rounded)) } : null;
    case 'circle':
      return draft.points.length >= 1 && draft.sizeM > 0
        ? { circle: { center: rounded(draft.points[0]), radiusM: Math.round(draft.sizeM) } }
        : null;
    case 'corridor':
      return draft.points.length >= 2
        ? { corridor: { path: draft.points.map(rounded), widthM: Math.round(draft.sizeM) } }
        : null;
  }
}

/** Six decimals of a degree are 0.1 m: finer than any click, and the configuration file stays readable. */
function rounded(p: LonLat): LonLat {
  return [Math.round(p[0] * 1e6) / 1e6, Math.round(p[1] * 1e6) / 1e6];
}

/** The points a draft starts from when an existing zone's shape is edited. */
export function draftOf(zone: Zone): Draft {
  if (zone.circle) return { shape: 'circle', points: [zone.circle.center], sizeM: zone.circle.radiusM };
  if (zone.corridor) return { shape: 'corridor', points: [...zone.corridor.path], sizeM: zone.corridor.widthM };
  const ring = zone.polygon ?? [];
  const open =
    ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1]
      ? ring.slice(0, -1)
      : ring;
  return { shape: 'polygon', points: [...open], sizeM: 0 };
}
