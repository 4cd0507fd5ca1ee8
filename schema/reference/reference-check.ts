// A province's reference (its divisions file and its boundaries file) checked before anything answers from it:
// the org tree, alarm routing and every scope check nest GB/T 2260 codes by prefix (center/api/scope.ts), the
// county lookup tests the outlines, and the wall draws them. A file that breaks one of those assumptions is
// refused with a ProvinceReferenceError naming the key (e.g. `divisions[3].parentCode`), the value and the bound,
// never half applied.
import type { LonLat, PolygonRings } from './geometry.js';
import { boundingBoxOf, pointInPolygon, polygonAreaKm2 } from './geometry.js';
import type { ProvinceGeo, ProvinceGeoFeature } from './geo.js';

export type DivisionLevel = 'province' | 'city' | 'county';

export interface Division {
  /** Current 6-digit code (GB/T 2260 as published by the National Bureau of Statistics). */
  readonly code: string;
  /** Official Chinese name, e.g. 金水区. */
  readonly name: string;
  /** Pinyin name; required for the province and city-level units, optional for counties. */
  readonly nameEn?: string;
  readonly level: DivisionLevel;
  /** The enclosing division: a county's city, a city's province; null for the province. */
  readonly parentCode: string | null;
  /** 省直管县: a county whose finances and most powers report to the province, not its city. */
  readonly directlyAdministered: boolean;
  /** WGS-84 [lon, lat]: the seat (government location) when known, always a point inside the outline. */
  readonly seatLonLatDeg: LonLat;
  /** Licence-plate prefix, e.g. 豫A; on city-level units only (counties use their city's, see platePrefixOf). */
  readonly platePrefix?: string;
  /** Area of the outline on the sphere, whole km² (computed from the outline when the file leaves it out). */
  readonly areaKm2: number;
}

/** A province's checked reference: what every lookup in divisions.ts answers from. */
export interface ProvinceReference {
  /** The province first, then city-level units by code, then county-level units by code. */
  readonly divisions: readonly Division[];
  /** Features in the same order as `divisions`, one each. */
  readonly geo: ProvinceGeo;
}

export class ProvinceReferenceError extends Error {
  override readonly name = 'ProvinceReferenceError';
  constructor(
    /** The file the problem is in: `divisions` or `boundaries`. */
    readonly file: 'divisions' | 'boundaries',
    /** Where in it, e.g. `divisions[3].parentCode`. */
    readonly key: string,
    message: string,
  ) {
    super(`${key}: ${message}`);
  }
}

const LEVEL_ORDER: Record<DivisionLevel, number> = { province: 0, city: 1, county: 2 };
/** A plate prefix: the province's one-character abbreviation and the issuing city's letter (GA 36). */
const PLATE_PREFIX = /^[\u4e00-\u9fff][A-Z]$/;
const DIVISION_KEYS: readonly string[] = [
  'code',
  'name',
  'nameEn',
  'level',
  'parentCode',
  'directlyAdministered',
  'seatLonLatDeg',
  'platePrefix',
  'areaKm2',
];
/** Positions must lie on the Earth; China's extent is checked by the seat/outline tests, not here. */
const LON_DEG_MAX = 180;
/** How far (about 100 m) a unit's outline may reach past its parent's bounding box: shared borders are copies. */
const BOX_SLACK_DEG = 0.001;
const LAT_DEG_MAX = 90;

const show = (value: unknown): string => (value === undefined ? 'absent' : JSON.stringify(value));

function refuse(file: 'divisions' | 'boundaries', key: string, message: string): never {
  throw new ProvinceReferenceError(file, key, message);
}

/**
 * Checks a divisions file's rows and a boundaries file's GeoJSON as parsed JSON, and returns them ordered
 * (province, cities by code, counties by code) with every area filled in. Throws ProvinceReferenceError on the
 * first problem.
 */
export function checkProvinceReference(rows: unknown, geo: unknown): ProvinceReference {
  const divisions = checkDivisionRows(rows);
  const features = checkBoundaries(geo, divisions);
  const byCode = new Map(divisions.map((d) => [d.code, d]));
  const ordered = [...divisions].sort(
    (a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.code.localeCompare(b.code),
  );
  const featureOf = new Map(features.map((f) => [f.properties.code, f]));
  for (const division of ordered) checkSeat(division, featureOf, byCode);
  const complete = ordered.map((d): Division =>
    d.areaKm2 !== undefined
      ? { ...d, areaKm2: d.areaKm2 }
      : { ...d, areaKm2: areaOf(featureOf.get(d.code)!.geometry.coordinates) },
  );
  return Object.freeze({
    divisions: Object.freeze(complete),
    geo: { type: 'FeatureCollection' as const, features: Object.freeze(ordered.map((d) => featureOf.get(d.code)!)) },
  });
}

type RawDivision = Omit<Division, 'areaKm2'> & { areaKm2?: number };

function checkDivisionRows(rows: unknown): RawDivision[] {
  if (!Array.isArray(rows)) refuse('divisions', 'divisions', `value ${typeof rows} must be a JSON array of divisions`);
  const divisions = rows.map((row, index) => checkDivisionRow(row, `divisions[${index}]`));
  const provinces = divisions.filter((d) => d.level === 'province');
  if (provinces.length !== 1)
    refuse('divisions', 'divisions', `holds ${provinces.length} rows of level "province", exactly 1 allowed`);
  const province = provinces[0]!;
  const byCode = new Map<string, RawDivision>();
  divisions.forEach((d, index) => {
    const at = `divisions[${index}]`;
    if (byCode.has(d.code)) refuse('divisions', `${at}.code`, `value ${show(d.code)} appears twice`);
    byCode.set(d.code, d);
    if (d.code.slice(0, 2) !== province.code.slice(0, 2))
      refuse(
        'divisions',
        `${at}.code`,
        `value ${show(d.code)} is outside province ${province.code} (must start ${province.code.slice(0, 2)})`,
      );
  });
  let plateCharacter: string | undefined;
  divisions.forEach((d, index) => {
    const at = `divisions[${index}]`;
    if (d.level === 'province') return checkProvinceRow(d, at);
    const parent = d.parentCode === null ? undefined : byCode.get(d.parentCode);
    if (parent === undefined)
      refuse('divisions', `${at}.parentCode`, `value ${show(d.parentCode)} is not a code in the file`);
    if (d.level === 'city') {
      if (parent.level !== 'province')
        refuse('divisions', `${at}.parentCode`, `value ${show(d.parentCode)} must be the province (a city's parent)`);
      if (d.nameEn === undefined)
        refuse('divisions', `${at}.nameEn`, `value absent: a city-level unit needs its English name`);
      if (d.platePrefix === undefined)
        refuse(
          'divisions',
          `${at}.platePrefix`,
          `value absent: city ${d.code} ${d.name} needs its plate prefix (e.g. 豫A)`,
        );
      // A prefix may be shared (Hainan's regional prefixes): cityOfPlate then names no city for it.
      plateCharacter ??= d.platePrefix[0];
      if (d.platePrefix[0] !== plateCharacter)
        refuse(
          'divisions',
          `${at}.platePrefix`,
          `value ${show(d.platePrefix)} must start with the province's character ${plateCharacter}, as its other cities' do`,
        );
      return;
    }
    if (d.platePrefix !== undefined)
      refuse(
        'divisions',
        `${at}.platePrefix`,
        `value ${show(d.platePrefix)} on a county: only city-level units issue plates`,
      );
    if (parent.level !== 'city')
      refuse(
        'divisions',
        `${at}.parentCode`,
        `value ${show(d.parentCode)} must be a city-level unit (a county's parent)`,
      );
    // Scopes nest by code prefix: a county belongs to the city whose first four digits it shares.
    if (!parent.code.endsWith('00') || d.code.slice(0, 4) !== parent.code.slice(0, 4))
      refuse(
        'divisions',
        `${at}.code`,
        `value ${show(d.code)} is outside its city ${parent.code} (a county's code must start with its city's ${parent.code.slice(0, 4)}, and the city's end 00)`,
      );
  });
  return divisions;
}

function checkProvinceRow(d: RawDivision, at: string): void {
  if (!d.code.endsWith('0000'))
    refuse('divisions', `${at}.code`, `value ${show(d.code)} is not a province code (6 digits ending 0000)`);
  if (d.parentCode !== null)
    refuse('divisions', `${at}.parentCode`, `value ${show(d.parentCode)} must be null for the province`);
  if (d.nameEn === undefined) refuse('divisions', `${at}.nameEn`, `value absent: the province needs its English name`);
  if (d.platePrefix !== undefined)
    refuse(
      'divisions',
      `${at}.platePrefix`,
      `value ${show(d.platePrefix)} on the province: only city-level units issue plates`,
    );
}

function checkDivisionRow(row: unknown, at: string): RawDivision {
  if (typeof row !== 'object' || row === null || Array.isArray(row))
    refuse('divisions', at, `value ${show(row)} must be an object with ${DIVISION_KEYS.join(', ')}`);
  const r = row as Record<string, unknown>;
  for (const key of Object.keys(r))
    if (!DIVISION_KEYS.includes(key))
      refuse('divisions', `${at}.${key}`, `unknown key (known: ${DIVISION_KEYS.join(', ')})`);
  if (typeof r.code !== 'string' || !/^\d{6}$/.test(r.code))
    refuse('divisions', `${at}.code`, `value ${show(r.code)} is not a 6-digit division code (GB/T 2260)`);
  if (typeof r.name !== 'string' || r.name === '')
    refuse('divisions', `${at}.name`, `value ${show(r.name)} must be a non-empty string`);
  if (r.nameEn !== undefined && (typeof r.nameEn !== 'string' || r.nameEn === ''))
    refuse('divisions', `${at}.nameEn`, `value ${show(r.nameEn)} must be a non-empty string when given`);
  if (typeof r.level !== 'string' || !(r.level in LEVEL_ORDER))
    refuse('divisions', `${at}.level`, `value ${show(r.level)} is not one of province, city, county`);
  if (r.parentCode !== null && typeof r.parentCode !== 'string')
    refuse('divisions', `${at}.parentCode`, `value ${show(r.parentCode)} must be a code or null`);
  if (r.directlyAdministered !== undefined && typeof r.directlyAdministered !== 'boolean')
    refuse('divisions', `${at}.directlyAdministered`, `value ${show(r.directlyAdministered)} must be true or false`);
  if (r.directlyAdministered === true && r.level !== 'county')
    refuse('divisions', `${at}.directlyAdministered`, `value true on a ${r.level}: only a county can be 省直管县`);
  const seat = checkPosition(r.seatLonLatDeg, 'divisions', `${at}.seatLonLatDeg`);
  if (r.platePrefix !== undefined && (typeof r.platePrefix !== 'string' || !PLATE_PREFIX.test(r.platePrefix)))
    refuse(
      'divisions',
      `${at}.platePrefix`,
      `value ${show(r.platePrefix)} is not a plate prefix (one Chinese character and a capital letter, e.g. 豫A)`,
    );
  if (r.areaKm2 !== undefined && (typeof r.areaKm2 !== 'number' || !(r.areaKm2 > 0)))
    refuse('divisions', `${at}.areaKm2`, `value ${show(r.areaKm2)} must be a number above 0 when given`);
  return {
    code: r.code,
    name: r.name,
    ...(r.nameEn === undefined ? {} : { nameEn: r.nameEn as string }),
    level: r.level as DivisionLevel,
    parentCode: r.parentCode as string | null,
    directlyAdministered: r.directlyAdministered === true,
    seatLonLatDeg: seat,
    ...(r.platePrefix === undefined ? {} : { platePrefix: r.platePrefix as string }),
    ...(r.areaKm2 === undefined ? {} : { areaKm2: r.areaKm2 as number }),
  };
}

function checkPosition(value: unknown, file: 'divisions' | 'boundaries', key: string): LonLat {
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !value.every((n) => typeof n === 'number' && Number.isFinite(n)) ||
    Math.abs(value[0] as number) > LON_DEG_MAX ||
    Math.abs(value[1] as number) > LAT_DEG_MAX
  )
    refuse(file, key, `value ${show(value)} is not a WGS-84 [lon, lat] in degrees (|lon| ≤ 180, |lat| ≤ 90)`);
  return [value[0] as number, value[1] as number];
}

function checkBoundaries(geo: unknown, divisions: readonly RawDivision[]): ProvinceGeoFeature[] {
  const g = geo as { type?: unknown; features?: unknown } | null;
  if (typeof g !== 'object' || g === null || g.type !== 'FeatureCollection' || !Array.isArray(g.features))
    refuse('boundaries', 'boundaries', 'must be one GeoJSON FeatureCollection');
  const byCode = new Map(divisions.map((d) => [d.code, d]));
  const seen = new Set<string>();
  const features = g.features.map((feature: unknown, index: number) => {
    const at = `boundaries.features[${index}]`;
    const f = feature as { type?: unknown; properties?: Record<string, unknown>; geometry?: Record<string, unknown> };
    if (
      typeof f !== 'object' ||
      f === null ||
      f.type !== 'Feature' ||
      typeof f.properties !== 'object' ||
      f.properties === null
    )
      refuse('boundaries', at, 'must be a GeoJSON Feature with properties code, name, level, parent');
    const { code, name, level, parent } = f.properties;
    const division = typeof code === 'string' ? byCode.get(code) : undefined;
    if (division === undefined)
      refuse('boundaries', `${at}.properties.code`, `value ${show(code)} is not a code in the divisions file`);
    if (seen.has(division.code))
      refuse('boundaries', `${at}.properties.code`, `value ${show(code)} has a second feature`);
    seen.add(division.code);
    if (name !== division.name)
      refuse(
        'boundaries',
        `${at}.properties.name`,
        `value ${show(name)} differs from the divisions file's ${show(division.name)}`,
      );
    if (level !== division.level)
      refuse(
        'boundaries',
        `${at}.properties.level`,
        `value ${show(level)} differs from the divisions file's ${show(division.level)}`,
      );
    if (parent !== division.parentCode)
      refuse(
        'boundaries',
        `${at}.properties.parent`,
        `value ${show(parent)} differs from the divisions file's ${show(division.parentCode)}`,
      );
    return checkedFeature(f.geometry, at, division);
  });
  for (const [index, d] of divisions.entries())
    if (!seen.has(d.code))
      refuse(
        'boundaries',
        'boundaries.features',
        `has no feature for divisions[${index}] ${d.code} ${d.name}: every division needs its outline`,
      );
  return features;
}

function checkedFeature(
  geometry: Record<string, unknown> | undefined,
  at: string,
  division: RawDivision,
): ProvinceGeoFeature {
  if (geometry?.type !== 'MultiPolygon' || !Array.isArray(geometry.coordinates) || geometry.coordinates.length === 0)
    refuse('boundaries', `${at}.geometry`, 'must be a MultiPolygon with at least one polygon');
  const coordinates = (geometry.coordinates as unknown[]).map((polygon, p) => {
    if (!Array.isArray(polygon) || polygon.length === 0)
      refuse('boundaries', `${at}.geometry.coordinates[${p}]`, 'must be a polygon: an outer ring, then any holes');
    return polygon.map((ring: unknown, r: number) => checkedRing(ring, `${at}.geometry.coordinates[${p}][${r}]`));
  });
  return {
    type: 'Feature',
    properties: { code: division.code, name: division.name, level: division.level, parent: division.parentCode },
    geometry: { type: 'MultiPolygon', coordinates },
  };
}

/** Rings of at least 4 positions, the last equal to the first (RFC 7946 §3.1.6). */
function checkedRing(ring: unknown, at: string): LonLat[] {
  if (!Array.isArray(ring) || ring.length < 4)
    refuse('boundaries', at, `value of ${Array.isArray(ring) ? ring.length : 0} positions: a ring needs at least 4`);
  const positions = ring.map((position: unknown, i: number) => checkPosition(position, 'boundaries', `${at}[${i}]`));
  const first = positions[0]!;
  const last = positions[positions.length - 1]!;
  if (first[0] !== last[0] || first[1] !== last[1])
    refuse('boundaries', at, `is not closed: it ends at ${show(last)}, not at its first position ${show(first)}`);
  return positions;
}

/** The seat lies in its own outline, and a county's (and a city's) in its parent's: a county outside its city is refused. */
function checkSeat(
  division: RawDivision,
  featureOf: ReadonlyMap<string, ProvinceGeoFeature>,
  byCode: ReadonlyMap<string, RawDivision>,
): void {
  const [lon, lat] = division.seatLonLatDeg;
  const inside = (code: string): boolean =>
    featureOf.get(code)!.geometry.coordinates.some((polygon) => pointInPolygon(lon, lat, polygon));
  if (!inside(division.code))
    refuse(
      'divisions',
      `divisions(${division.code}).seatLonLatDeg`,
      `value ${show(division.seatLonLatDeg)} lies outside ${division.code} ${division.name}'s own outline`,
    );
  const parent = division.parentCode === null ? undefined : byCode.get(division.parentCode);
  if (parent === undefined) return;
  const box = boundingBoxOf(featureOf.get(division.code)!.geometry.coordinates);
  const parentBox = boundingBoxOf(featureOf.get(parent.code)!.geometry.coordinates);
  const boxOutside =
    box.lon_min_deg < parentBox.lon_min_deg - BOX_SLACK_DEG ||
    box.lat_min_deg < parentBox.lat_min_deg - BOX_SLACK_DEG ||
    box.lon_max_deg > parentBox.lon_max_deg + BOX_SLACK_DEG ||
    box.lat_max_deg > parentBox.lat_max_deg + BOX_SLACK_DEG;
  if (boxOutside || !inside(parent.code))
    refuse(
      'boundaries',
      `boundaries(${division.code})`,
      `${division.code} ${division.name} lies outside its parent ${parent.code} ${parent.name}: ${boxOutside ? `its outline spans ${show(box)}, beyond the parent's ${show(parentBox)}` : `its seat ${show(division.seatLonLatDeg)} is not in the parent's outline`}`,
    );
}

function areaOf(polygons: readonly PolygonRings[]): number {
  return Math.round(polygons.reduce((sum, polygon) => sum + polygonAreaKm2(polygon), 0));
}
