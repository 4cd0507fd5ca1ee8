/**
 * The shapes a zone of the rules configuration may have — a polygon, a circle (centre and radius) or a route
 * corridor (a polyline and its width) — their checks with named codes, and the one containment test the rules
 * call. A corridor is the buffer of half its width around the polyline; a circle is every point within its
 * radius of the centre. Distances use a local equirectangular projection around the shape: within a province and at
 * the sizes allowed here (a corridor segment of at most a few hundred km) its error is far below a GPS fix's.
 */
import { provinceBox } from '../../schema/index.js';
import type { ConfigProblem } from './config-spec.js';
import { inDailyWindowChina } from './china-time.js';
import { compilePolygon, distanceKm, insidePolygon, type CompiledPolygon, type LonLat } from './geo.js';

/** Vertices of a polygon or points of a corridor's path. */
export const ZONE_POINTS_MAX = 2000;
export const CIRCLE_RADIUS_M = { min: 50, max: 50_000 } as const;
export const CORRIDOR_WIDTH_M = { min: 10, max: 5_000 } as const;
const METRES_PER_DEGREE = 111_195;

export interface CircleShape {
  center: [number, number];
  radiusM: number;
}

export interface CorridorShape {
  path: [number, number][];
  widthM: number;
}

/** What the engine tests positions against; the bounding box rejects most positions in four comparisons. */
export type CompiledShape =
  | { kind: 'polygon'; polygon: CompiledPolygon }
  | { kind: 'circle'; lon: number; lat: number; radiusKm: number; box: Box }
  | { kind: 'corridor'; path: readonly LonLat[]; halfWidthM: number; box: Box };

interface Box {
  lonMin: number;
  lonMax: number;
  latMin: number;
  latMax: number;
}

/** The shape fields a zone may carry; exactly one of them is set in a valid zone. */
export interface ZoneShapeFields {
  polygon?: [number, number][];
  circle?: CircleShape;
  corridor?: CorridorShape;
}

export function compileShape(zone: ZoneShapeFields): CompiledShape {
  if (zone.circle) {
    const [lon, lat] = zone.circle.center;
    return {
      kind: 'circle',
      lon,
      lat,
      radiusKm: zone.circle.radiusM / 1000,
      box: boxAround([[lon, lat]], zone.circle.radiusM),
    };
  }
  if (zone.corridor) {
    const halfWidthM = zone.corridor.widthM / 2;
    return { kind: 'corridor', path: zone.corridor.path, halfWidthM, box: boxAround(zone.corridor.path, halfWidthM) };
  }
  return { kind: 'polygon', polygon: compilePolygon(zone.polygon ?? []) };
}

export function insideShape(shape: CompiledShape, lon: number, lat: number): boolean {
  switch (shape.kind) {
    case 'polygon':
      return insidePolygon(shape.polygon, lon, lat);
    case 'circle':
      return inBox(shape.box, lon, lat) && distanceKm(shape.lat, shape.lon, lat, lon) <= shape.radiusKm;
    case 'corridor':
      return inBox(shape.box, lon, lat) && distanceToPathM(shape.path, lon, lat) <= shape.halfWidthM;
  }
}

/** Shortest distance from a point to a polyline, metres (projected around the point). */
export function distanceToPathM(path: readonly LonLat[], lon: number, lat: number): number {
  const kx = METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180);
  const ky = METRES_PER_DEGREE;
  let best = Infinity;
  for (let i = 0; i < path.length; i++) {
    const ax = (path[i][0] - lon) * kx;
    const ay = (path[i][1] - lat) * ky;
    if (i === path.length - 1) {
      if (path.length === 1) best = Math.min(best, Math.hypot(ax, ay));
      break;
    }
    const bx = (path[i + 1][0] - lon) * kx;
    const by = (path[i + 1][1] - lat) * ky;
    const dx = bx - ax;
    const dy = by - ay;
    const lengthSquared = dx * dx + dy * dy;
    // The projection of the origin (the point) on the segment, clamped to its ends.
    const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / lengthSquared));
    best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
  }
  return best;
}

function boxAround(points: readonly LonLat[], marginM: number): Box {
  let lonMin = Infinity,
    lonMax = -Infinity,
    latMin = Infinity,
    latMax = -Infinity;
  for (const [lon, lat] of points) {
    lonMin = Math.min(lonMin, lon);
    lonMax = Math.max(lonMax, lon);
    latMin = Math.min(latMin, lat);
    latMax = Math.max(latMax, lat);
  }
  const dLat = marginM / METRES_PER_DEGREE;
  // The widest degree of longitude is at the box's highest latitude; use the narrowest to keep the box generous.
  const dLon = dLat / Math.cos((Math.max(Math.abs(latMin), Math.abs(latMax)) * Math.PI) / 180);
  return { lonMin: lonMin - dLon, lonMax: lonMax + dLon, latMin: latMin - dLat, latMax: latMax + dLat };
}

function inBox(box: Box, lon: number, lat: number): boolean {
  return lon >= box.lonMin && lon <= box.lonMax && lat >= box.latMin && lat <= box.latMax;
}

/* ---------------------------------------------------------------------------------------------------------- */
/* Checks. Each problem carries a code the console turns into a sentence: the reason alone is English prose.   */

function problem(problems: ConfigProblem[], key: string, value: unknown, code: string, reason: string): void {
  problems.push({ key, value, code, reason });
}

/** Checks one [lon, lat] position: a pair of finite degrees inside the province. */
function checkPosition(raw: unknown, key: string, problems: ConfigProblem[]): raw is [number, number] {
  if (
    !Array.isArray(raw) ||
    raw.length !== 2 ||
    typeof raw[0] !== 'number' ||
    typeof raw[1] !== 'number' ||
    !Number.isFinite(raw[0]) ||
    !Number.isFinite(raw[1])
  ) {
    problem(problems, key, raw, 'position_invalid', 'is not a [lon, lat] position in degrees');
    return false;
  }
  const [lon, lat] = raw;
  // The supervised province's extent with a small margin: outside it is a slip (lat/lon swapped), not a zone.
  const box = provinceBox();
  if (lon < box.lonMin || lon > box.lonMax || lat < box.latMin || lat > box.latMax) {
    problem(
      problems,
      key,
      raw,
      'position_outside_province',
      `is outside the province (lon ${box.lonMin}..${box.lonMax}, lat ${box.latMin}..${box.latMax})`,
    );
    return false;
  }
  return true;
}

function checkPositions(raw: unknown, key: string, min: number, problems: ConfigProblem[], what: string): boolean {
  if (!Array.isArray(raw)) {
    problem(problems, key, raw, 'shape_invalid', `is not a list of [lon, lat] ${what}`);
    return false;
  }
  if (raw.length < min) {
    problem(
      problems,
      key,
      raw.length,
      `${what === 'vertices' ? 'ring' : 'path'}_too_few_points`,
      `has fewer than ${min} ${what}`,
    );
    return false;
  }
  if (raw.length > ZONE_POINTS_MAX) {
    problem(
      problems,
      key,
      raw.length,
      `${what === 'vertices' ? 'ring' : 'path'}_too_many_points`,
      `has more than max allowed ${ZONE_POINTS_MAX} ${what}`,
    );
    return false;
  }
  let valid = true;
  raw.forEach((p: unknown, i: number) => {
    if (!checkPosition(p, `${key}[${i}]`, problems)) valid = false;
  });
  return valid;
}

/**
 * A ring is closed by its last edge back to the first vertex, whether or not the first vertex is repeated at the
 * end (GeoJSON repeats it, older configurations do not). It must enclose an area and must not cross itself: a
 * crossed ring ("bow tie") is a slip of the mouse whose inside is not what the officer meant.
 */
function checkRing(ring: [number, number][], key: string, problems: ConfigProblem[]): void {
  const open = ring.length > 1 && samePoint(ring[0], ring[ring.length - 1]) ? ring.slice(0, -1) : ring;
  if (open.length < 3) {
    problem(problems, key, ring.length, 'ring_too_few_points', 'has fewer than 3 distinct vertices');
    return;
  }
  const crossing = firstCrossing(open);
  if (crossing) {
    problem(
      problems,
      key,
      crossing,
      'ring_self_intersecting',
      `crosses itself (edges ${crossing[0]} and ${crossing[1]}); a ring must be simple`,
    );
    return;
  }
  let twiceArea = 0;
  for (let i = 0, j = open.length - 1; i < open.length; j = i++)
    twiceArea += (open[j][0] - open[i][0]) * (open[j][1] + open[i][1]);
  if (Math.abs(twiceArea) < 1e-12) {
    problem(problems, key, ring.length, 'ring_degenerate', 'encloses no area (its vertices are on one line)');
  }
}

function samePoint(a: readonly number[], b: readonly number[]): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

/** The first pair of non-adjacent edges of a closed ring that cross, or undefined. O(n²), n ≤ ZONE_POINTS_MAX. */
function firstCrossing(ring: readonly LonLat[]): [number, number] | undefined {
  const n = ring.length;
  for (let i = 0; i < n; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % n];
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue; // the closing edge touches the first at vertex 0
      if (segmentsCross(a, b, ring[j], ring[(j + 1) % n])) return [i, j];
    }
  }
  return undefined;
}

function segmentsCross(a: LonLat, b: LonLat, c: LonLat, d: LonLat): boolean {
  const d1 = orientation(c, d, a);
  const d2 = orientation(c, d, b);
  const d3 = orientation(a, b, c);
  const d4 = orientation(a, b, d);
  return d1 * d2 < 0 && d3 * d4 < 0;
}

function orientation(p: LonLat, q: LonLat, r: LonLat): number {
  return Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
}

function checkBoundedNumber(
  raw: unknown,
  key: string,
  bounds: { min: number; max: number },
  code: string,
  problems: ConfigProblem[],
): void {
  if (typeof raw !== 'number' || !Number.isFinite(raw))
    problem(problems, key, raw, 'shape_invalid', 'is not a finite number');
  else if (raw < bounds.min || raw > bounds.max)
    problem(problems, key, raw, code, `is outside ${bounds.min}..${bounds.max} metres`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the shape of one zone: exactly one of polygon, circle, corridor, each within its bounds. */
export function checkZoneShape(raw: Record<string, unknown>, key: string, problems: ConfigProblem[]): void {
  const given = (['polygon', 'circle', 'corridor'] as const).filter((name) => raw[name] !== undefined);
  if (given.length !== 1) {
    problem(
      problems,
      key,
      given,
      given.length === 0 ? 'shape_missing' : 'shape_ambiguous',
      'must have exactly one of polygon, circle, corridor',
    );
    return;
  }
  if (raw.polygon !== undefined) {
    if (checkPositions(raw.polygon, `${key}.polygon`, 3, problems, 'vertices'))
      checkRing(raw.polygon as [number, number][], `${key}.polygon`, problems);
    return;
  }
  if (raw.circle !== undefined) {
    const circle = raw.circle;
    if (!isObject(circle))
      return problem(problems, `${key}.circle`, circle, 'shape_invalid', 'is not {center, radiusM}');
    unknownKeys(circle, ['center', 'radiusM'], `${key}.circle`, problems);
    checkPosition(circle.center, `${key}.circle.center`, problems);
    checkBoundedNumber(circle.radiusM, `${key}.circle.radiusM`, CIRCLE_RADIUS_M, 'radius_out_of_range', problems);
    return;
  }
  const corridor = raw.corridor;
  if (!isObject(corridor))
    return problem(problems, `${key}.corridor`, corridor, 'shape_invalid', 'is not {path, widthM}');
  unknownKeys(corridor, ['path', 'widthM'], `${key}.corridor`, problems);
  checkPositions(corridor.path, `${key}.corridor.path`, 2, problems, 'points');
  checkBoundedNumber(corridor.widthM, `${key}.corridor.widthM`, CORRIDOR_WIDTH_M, 'width_out_of_range', problems);
}

function unknownKeys(raw: Record<string, unknown>, known: string[], key: string, problems: ConfigProblem[]): void {
  for (const name of Object.keys(raw))
    if (!known.includes(name))
      problem(problems, `${key}.${name}`, raw[name], 'unknown_key', `is not a known key (known: ${known.join(', ')})`);
}

/** `HH:MM` China time → minutes since midnight, or undefined when malformed. */
export function minuteOf(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

/** A zone's daily window (`{from, to}`, China time; `to` before `from` wraps midnight). */
export function checkZoneHours(raw: unknown, key: string, problems: ConfigProblem[]): void {
  if (!isObject(raw)) return problem(problems, key, raw, 'hours_invalid', 'is not {from: "HH:MM", to: "HH:MM"}');
  unknownKeys(raw, ['from', 'to'], key, problems);
  for (const end of ['from', 'to'] as const)
    if (minuteOf(raw[end]) === undefined)
      problem(problems, `${key}.${end}`, raw[end], 'hours_invalid', 'is not a time of day HH:MM (China time)');
  if (minuteOf(raw.from) !== undefined && minuteOf(raw.from) === minuteOf(raw.to))
    problem(problems, key, raw, 'hours_invalid', 'starts and ends at the same minute (leave hours out for all day)');
}

/**
 * Whether a position at event time `ts` is inside a compiled zone: within its shape, and within its daily window
 * when it has one. The rules call this and nothing else, so every shape is evaluated the same way everywhere.
 */
export function insideZone(
  zone: { shape: CompiledShape; hours: readonly [number, number] | null },
  lon: number,
  lat: number,
  ts: number,
): boolean {
  if (zone.hours !== null && !inDailyWindowChina(ts, zone.hours[0], zone.hours[1])) return false;
  return insideShape(zone.shape, lon, lat);
}

/** Whether a zone is in force at event time `ts` (its daily window, China time; always without one). */
export function zoneInForce(zone: { hours: readonly [number, number] | null }, ts: number): boolean {
  return zone.hours === null || inDailyWindowChina(ts, zone.hours[0], zone.hours[1]);
}

/** How far outside a corridor a position is, metres (0 inside); undefined for the other shapes. */
export function beyondCorridorM(shape: CompiledShape, lon: number, lat: number): number | undefined {
  if (shape.kind !== 'corridor') return undefined;
  return Math.max(0, distanceToPathM(shape.path, lon, lat) - shape.halfWidthM);
}
