/**
 * The road index file (`<data-dir>/roads/road-index.bin`): roads and their straight segments, bucketed in a
 * grid of `cellDeg` cells so that a lookup reads the few segments near a position. Layout, little-endian:
 *
 *   "VIGILRD1" | uint32 header length | header JSON (UTF-8) | padding to 8 | the sections of `header.sections`,
 *   each at its byte offset from the start of the file, 8-aligned:
 *   roadMeta   Uint8Array(roads × 4): type code, highway code, maxspeed, maxspeed:hgv (0 = not tagged)
 *   roadName   Int32Array(roads): index in header.names, -1 when unnamed
 *   roadRef    Int32Array(roads): index in header.refs, -1 when no ref
 *   segCoords  Int32Array(segments × 4): a.lon, a.lat, b.lon, b.lat in micro-degrees
 *   segRoad    Uint32Array(segments): the road of each segment
 *   cellKeys   Float64Array(cells): the occupied cells' keys, ascending (looked up by binary search: a
 *              province has a million occupied cells, which a Map would hold at ten times the bytes)
 *   cellStart  Uint32Array(cells + 1): where each cell's segment list starts in cellSegs
 *   cellSegs   Uint32Array: segment numbers, cell by cell
 *
 * Micro-degrees (0.11 m) are far finer than a GPS fix and halve the size of doubles.
 */

export const ROAD_INDEX_MAGIC = 'VIGILRD1';
export const ROAD_INDEX_FORMAT = 'vigil-roads/1';
/**
 * ~220 m × 180 m in Henan: a city cell holds a dozen segments, so a lookup tests a few dozen at most (at 0.01°
 * a dense district put hundreds in a cell and a lookup took ten times as long; bench/road-match.ts).
 */
export const ROAD_INDEX_CELL_DEG = 0.002;
export const ROAD_INDEX_DIR = 'roads';
export const ROAD_INDEX_FILE = 'road-index.bin';

export const SECTION_NAMES = [
  'roadMeta',
  'roadName',
  'roadRef',
  'segCoords',
  'segRoad',
  'cellKeys',
  'cellStart',
  'cellSegs',
] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

export interface RoadIndexSummary {
  /** Ways kept (highways of `KEPT_HIGHWAYS` with at least one segment). */
  ways: number;
  segments: number;
  withMaxspeed: number;
  withoutMaxspeed: number;
  /** Ways per road type. */
  byType: Record<string, number>;
}

export interface RoadIndexHeader {
  format: typeof ROAD_INDEX_FORMAT;
  cellDeg: number;
  /** Epoch ms the index was built. */
  builtAt: number;
  /** The OSM file it was built from (base name). */
  source: string;
  summary: RoadIndexSummary;
  names: string[];
  refs: string[];
  sections: Record<SectionName, { offset: number; bytes: number }>;
}

/** Grid cell key (an integer exact in a double): rows of 200,000 columns cover every longitude at 0.002°. */
export function cellKeyOf(cx: number, cy: number): number {
  return (cy + 100_000) * 200_000 + (cx + 100_000);
}

export class RoadIndexFileError extends Error {
  constructor(
    readonly code: 'road_index_unreadable' | 'road_index_not_vigil' | 'road_index_corrupt',
    message: string,
  ) {
    super(message);
    this.name = 'RoadIndexFileError';
  }
}
