// The divisions (province ⊃ city ⊃ county) of the province this process supervises, with current codes, seats
// and plate prefixes: Henan's by default (henan.ts), another province's once start-up has loaded and checked its
// reference from the files its province.json names (useProvinceReference). Org scope (DESIGN.md contract 5) and
// alarm routing walk this tree, so every lookup is by 6-digit code. A process supervises one province at a time.
import type { BoundingBox, PolygonRings } from './geometry.js';
import { boundingBoxOf, boxContains, pointInPolygon, segmentTouchesBox } from './geometry.js';
import type { ProvinceGeo } from './geo.js';
import { henanReference } from './henan.js';
import type { Division, ProvinceReference } from './reference-check.js';

export type { Division, DivisionLevel } from './reference-check.js';

interface CountyIndexEntry {
  readonly division: Division;
  readonly box: BoundingBox;
  readonly polygons: readonly PolygonRings[];
}

/** A reference with the indexes its lookups answer from; the county grid is built on first use. */
interface ActiveReference {
  readonly reference: ProvinceReference;
  readonly byCode: ReadonlyMap<string, Division>;
  readonly cityByPlatePrefix: ReadonlyMap<string, Division>;
  countyIndex?: readonly CountyIndexEntry[];
  box?: ReturnType<typeof provinceBox>;
}

let active: ActiveReference | undefined;
/** The active reference's county grid, apart from it: countyAt runs for every fix, and one read is cheapest. */
let countyGridCache: CountyGrid | undefined;

function indexed(reference: ProvinceReference): ActiveReference {
  return {
    reference,
    byCode: new Map(reference.divisions.map((d) => [d.code, d])),
    cityByPlatePrefix: citiesByOwnPlatePrefix(reference.divisions),
  };
}

/** Each plate prefix that one city-level unit alone issues; a shared one (Hainan's regional 琼C…) names no city. */
function citiesByOwnPlatePrefix(all: readonly Division[]): ReadonlyMap<string, Division> {
  const byPrefix = new Map<string, Division | null>();
  for (const d of all)
    if (d.platePrefix !== undefined) byPrefix.set(d.platePrefix, byPrefix.has(d.platePrefix) ? null : d);
  return new Map([...byPrefix].filter((entry): entry is [string, Division] => entry[1] !== null));
}

function current(): ActiveReference {
  return (active ??= indexed(henanReference()));
}

/**
 * Makes `reference` (checked by checkProvinceReference) the one every lookup below answers from, for the whole
 * process: the node does this once, at start-up, before anything reads a division.
 */
export function useProvinceReference(reference: ProvinceReference): void {
  if (active?.reference === reference) return;
  active = indexed(reference);
  countyGridCache = undefined;
}

/** The supervised province's 6-digit code, e.g. 410000: the org code of a position outside every county. */
export function provinceCode(): string {
  return current().reference.divisions[0]!.code;
}

/** The supervised province's boundaries (province, cities by code, counties by code), for the wall's map. */
export function provinceGeo(): ProvinceGeo {
  return current().reference.geo;
}

/**
 * The boundaries as the node serves them to walls and consoles (`GET /api/geo/province`): each city's feature
 * also carries its plate prefix from the divisions file, so a screen can show the province's own plates (琼A…).
 */
export function provinceGeoServed(): ProvinceGeo {
  const prefixes = new Map(divisions().flatMap((d) => (d.platePrefix ? [[d.code, d.platePrefix] as const] : [])));
  const geo = provinceGeo();
  return {
    ...geo,
    features: geo.features.map((f) => {
      const prefix = prefixes.get(f.properties.code);
      return prefix === undefined ? f : { ...f, properties: { ...f.properties, plate_prefix: prefix } };
    }),
  };
}

/**
 * The box a position of the province lies in: its outline's bounding box widened to the next 0.1° (Henan:
 * 110.3–116.7 °E, 31.3–36.4 °N). A zone vertex outside it is a slip of the hand or of the axes, never a zone of
 * this province.
 */
export function provinceBox(): { lonMin: number; lonMax: number; latMin: number; latMax: number } {
  const state = current();
  if (state.box) return state.box;
  const outline = boundingBoxOf(state.reference.geo.features[0]!.geometry.coordinates);
  const down = (deg: number): number => Math.floor((deg - BOX_MARGIN_DEG) * 10) / 10;
  const up = (deg: number): number => Math.ceil((deg + BOX_MARGIN_DEG) * 10) / 10;
  state.box = Object.freeze({
    lonMin: down(outline.lon_min_deg),
    lonMax: up(outline.lon_max_deg),
    latMin: down(outline.lat_min_deg),
    latMax: up(outline.lat_max_deg),
  });
  return state.box;
}

/** At least about 1 km between the outline and the edge of provinceBox. */
const BOX_MARGIN_DEG = 0.01;

/** Every division: the province first, then city-level units by code, then county-level units by code. */
export function divisions(): readonly Division[] {
  return current().reference.divisions;
}

export function divisionByCode(code: string): Division | undefined {
  return current().byCode.get(code);
}

/** Direct children of a division, by code. */
export function childrenOf(code: string): readonly Division[] {
  return divisions().filter((d) => d.parentCode === code);
}

/** The division itself followed by its ancestors, e.g. 金水区 → 郑州市 → 河南省; empty for an unknown code. */
export function parentChain(code: string): readonly Division[] {
  const { byCode } = current();
  const chain: Division[] = [];
  for (let at = byCode.get(code); at; at = at.parentCode === null ? undefined : byCode.get(at.parentCode)) {
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
 * The city-level unit that issued a plate of the province, from its first two characters ("豫A12345" → 郑州市);
 * none for a prefix several city-level units share.
 * Separators people type ("豫A·12345", "豫 A-12345") and lower-case letters are tolerated.
 */
export function cityOfPlate(plate: string): Division | undefined {
  const compact = plate.replace(/[\s·.\-_]/g, '').toUpperCase();
  return current().cityByPlatePrefix.get(compact.slice(0, 2));
}

/** Built on first use: county-level outlines (and city-level units with no counties, such as 济源) with their boxes. */
function countyIndexEntries(): readonly CountyIndexEntry[] {
  const state = current();
  if (state.countyIndex) return state.countyIndex;
  const withChildren = new Set(state.reference.divisions.map((d) => d.parentCode));
  const entries: CountyIndexEntry[] = [];
  for (const feature of state.reference.geo.features) {
    const division = state.byCode.get(feature.properties.code);
    if (!division || withChildren.has(division.code)) continue;
    const polygons = feature.geometry.coordinates;
    entries.push({ division, box: boundingBoxOf(polygons), polygons });
  }
  state.countyIndex = entries;
  return entries;
}

/**
 * The most specific division containing a WGS-84 position: a county-level unit, or 济源 (a city-level unit
 * with no counties). Undefined outside the province. Boundaries are simplified to about 100 m, so a position within
 * that distance of a border may be attributed to the neighbour.
 *
 * Every telemetry row is stamped with it, so it answers from a grid (see countyGrid): a position in a cell that
 * no boundary crosses costs an array read, and so does a sub-cell of a crossed cell that no boundary crosses; only
 * positions in crossed sub-cells test the polygons of the counties near them. The answer is the same as testing
 * every county in order (`countyAtByScan`).
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
  return crossedCellAt(grid.crossed.get(cell)!, lon_deg, lat_deg);
}

/**
 * A position in a cell a boundary crosses: answered from the cell's sub-cells, classified like the cells (on first
 * use, once each) but against only the boundary edges that touch the cell. Most sub-cells lie off the boundary and
 * answer with an array read; a position in a sub-cell the boundary crosses tests the polygons of the counties near.
 */
function crossedCellAt(crossed: CrossedCell, lon_deg: number, lat_deg: number): Division | undefined {
  const column = clampSub(Math.floor((lon_deg - crossed.lon0) / SUB_CELL_DEG));
  const row = clampSub(Math.floor((lat_deg - crossed.lat0) / SUB_CELL_DEG));
  const sub = row * SUB_CELLS + column;
  let state = crossed.subCells[sub]!;
  if (state === CELL_UNKNOWN) state = crossed.subCells[sub] = classifySubCell(crossed, column, row);
  if (state >= 0) return crossed.near[state]!.division;
  if (state === CELL_NONE) return undefined;
  for (const entry of crossed.near) if (entryContains(entry, lon_deg, lat_deg)) return entry.division;
  return undefined;
}

/** Rounding can put a position on the cell's edge one sub-cell beyond it: the margin covers the one it is in. */
function clampSub(index: number): number {
  return index < 0 ? 0 : index >= SUB_CELLS ? SUB_CELLS - 1 : index;
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
  /** For a cell a boundary crosses: the counties near it and its sub-cells. */
  readonly crossed: Map<number, CrossedCell>;
}

/** Sub-cells per side of a crossed cell: about 140 m, near the boundaries' own precision. */
const SUB_CELLS = 8;
const SUB_CELL_DEG = COUNTY_CELL_DEG / SUB_CELLS;

interface CrossedCell {
  /** South-west corner of the cell. */
  readonly lon0: number;
  readonly lat0: number;
  /** The counties whose box touches the cell, in scan order. */
  readonly near: readonly CountyIndexEntry[];
  /** The boundary edges touching the cell (its margin included), as [lon a, lat a, lon b, lat b] runs. */
  readonly edges: Float64Array;
  /** Per sub-cell: CELL_UNKNOWN until first used, then an index into `near`, CELL_NONE or CELL_CROSSED. */
  readonly subCells: Int16Array;
}

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

/** The square of `sizeDeg` whose south-west corner is (lon0, lat0), with the margin that makes its edges count. */
function cellBox(lon0: number, lat0: number, sizeDeg: number): BoundingBox {
  return {
    lon_min_deg: lon0 - CELL_MARGIN_DEG,
    lat_min_deg: lat0 - CELL_MARGIN_DEG,
    lon_max_deg: lon0 + sizeDeg + CELL_MARGIN_DEG,
    lat_max_deg: lat0 + sizeDeg + CELL_MARGIN_DEG,
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
  const box = cellBox(lon0, lat0, COUNTY_CELL_DEG);
  const near = grid.entries.filter(
    (e) =>
      e.box.lon_min_deg <= box.lon_max_deg &&
      e.box.lon_max_deg >= box.lon_min_deg &&
      e.box.lat_min_deg <= box.lat_max_deg &&
      e.box.lat_max_deg >= box.lat_min_deg,
  );
  if (near.length === 0) return CELL_NONE;
  const edges = edgesTouching(near, box);
  if (edges.length > 0) {
    grid.crossed.set(row * grid.columns + column, {
      lon0,
      lat0,
      near,
      edges,
      subCells: new Int16Array(SUB_CELLS * SUB_CELLS).fill(CELL_UNKNOWN),
    });
    return CELL_CROSSED;
  }
  const centreLon = lon0 + COUNTY_CELL_DEG / 2;
  const centreLat = lat0 + COUNTY_CELL_DEG / 2;
  const inside = near.find((entry) => entryContains(entry, centreLon, centreLat));
  return inside === undefined ? CELL_NONE : grid.entries.indexOf(inside);
}

/** Every boundary edge of the counties `near` that touches `box`, as [lon a, lat a, lon b, lat b] runs. */
function edgesTouching(near: readonly CountyIndexEntry[], box: BoundingBox): Float64Array {
  const out: number[] = [];
  for (const entry of near)
    for (const polygon of entry.polygons)
      for (const ring of polygon)
        for (let i = 1; i < ring.length; i++) {
          const [ax, ay] = ring[i - 1]!;
          const [bx, by] = ring[i]!;
          if (segmentTouchesBox(ax!, ay!, bx!, by!, box)) out.push(ax!, ay!, bx!, by!);
        }
  return Float64Array.from(out);
}

/**
 * A sub-cell as a cell is classified (`classifyCell`): no edge touching it means one point answers for all of it.
 * Only the cell's own edges can touch a sub-cell, since the sub-cell with its margin lies within the cell's margin.
 */
function classifySubCell(crossed: CrossedCell, column: number, row: number): number {
  const lon0 = crossed.lon0 + column * SUB_CELL_DEG;
  const lat0 = crossed.lat0 + row * SUB_CELL_DEG;
  const box = cellBox(lon0, lat0, SUB_CELL_DEG);
  const edges = crossed.edges;
  for (let i = 0; i < edges.length; i += 4)
    if (segmentTouchesBox(edges[i]!, edges[i + 1]!, edges[i + 2]!, edges[i + 3]!, box)) return CELL_CROSSED;
  const centreLon = lon0 + SUB_CELL_DEG / 2;
  const centreLat = lat0 + SUB_CELL_DEG / 2;
  const inside = crossed.near.findIndex((entry) => entryContains(entry, centreLon, centreLat));
  return inside < 0 ? CELL_NONE : inside;
}
