/**
 * The zones of one kind indexed by a grid of 0.05° cells (about 5 km), so that a rule testing every position
 * against them looks at the few zones near the position instead of walking all of them: a zone is listed in
 * every cell its bounding box touches, and a position outside a zone's box is outside the zone
 * (`insideShape` rejects it on that box first). Most positions are in no zone's cell and cost one map lookup.
 */
import type { CompiledZone } from '../engine/rule.js';
import type { CompiledShape } from './zone-geometry.js';

const CELL_DEG = 0.05;
/** Cells per row of the key: wider than the 7,200 columns of 0.05° around the globe. */
const ROW = 8192;
/** A zone whose box spans more cells than this is listed once, as near every position, instead of cell by cell. */
const CELLS_PER_ZONE_MAX = 4096;

const NONE: readonly number[] = Object.freeze([]) as readonly number[];

export class ZoneGrid {
  /** Cell key → indexes into `zones` of the zones listed there, ascending (configuration order). */
  private readonly cells = new Map<number, readonly number[]>();
  /** Zones near every position (boxes too wide to list cell by cell), ascending; what an empty cell holds. */
  private readonly everywhere: readonly number[];

  constructor(readonly zones: readonly CompiledZone[]) {
    const everywhere: number[] = [];
    const byCell = new Map<number, number[]>();
    zones.forEach((zone, i) => {
      const box = boxOf(zone.shape);
      const x0 = Math.floor(box.lonMin / CELL_DEG);
      const x1 = Math.floor(box.lonMax / CELL_DEG);
      const y0 = Math.floor(box.latMin / CELL_DEG);
      const y1 = Math.floor(box.latMax / CELL_DEG);
      const count = (x1 - x0 + 1) * (y1 - y0 + 1);
      // An empty polygon's box is inverted (nothing is inside it), a non-finite one cannot be listed by cell.
      if (!(count >= 1)) return;
      if (count > CELLS_PER_ZONE_MAX) {
        everywhere.push(i);
        return;
      }
      for (let x = x0; x <= x1; x++)
        for (let y = y0; y <= y1; y++) {
          const key = x * ROW + y;
          let list = byCell.get(key);
          if (list === undefined) byCell.set(key, (list = []));
          list.push(i);
        }
    });
    this.everywhere = everywhere.length > 0 ? everywhere : NONE;
    for (const [key, list] of byCell)
      this.cells.set(key, everywhere.length > 0 ? mergeAscending(list, everywhere) : list);
  }

  /**
   * Indexes into `zones` (ascending) of the zones that may contain the position; every zone containing it is
   * among them. The same array for positions in the same cell.
   */
  near(lon: number, lat: number): readonly number[] {
    return this.cells.get(Math.floor(lon / CELL_DEG) * ROW + Math.floor(lat / CELL_DEG)) ?? this.everywhere;
  }
}

function boxOf(shape: CompiledShape): { lonMin: number; lonMax: number; latMin: number; latMax: number } {
  return shape.kind === 'polygon' ? shape.polygon : shape.box;
}

/** The union of two ascending index lists, ascending, without repeats. */
export function mergeAscending(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    if (i < a.length && a[i] === next) i++;
    if (j < b.length && b[j] === next) j++;
    out.push(next);
  }
  return out;
}
