import { describe, expect, it } from 'vitest';
import type { CompiledZone } from '../engine/rule.js';
import { compileShape, insideShape, type ZoneShapeFields } from './zone-geometry.js';
import { ZoneGrid, mergeAscending } from './zone-grid.js';

/** A deterministic stream of numbers in [0, 1). */
function numbers(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
}

function zone(i: number, shape: ZoneShapeFields): CompiledZone {
  return {
    id: `z${i}`,
    name: `z${i}`,
    kind: 'area',
    shape: compileShape(shape),
    speedLimitKmh: Infinity,
    classes: [],
    hours: null,
    vehicles: new Set(),
    direction: 'both',
    parkingMinutesMax: undefined,
  };
}

describe('ZoneGrid', () => {
  it('lists every zone holding a position among those near it, in configuration order', () => {
    const next = numbers(7);
    const lon = (): number => 113 + next() * 2;
    const lat = (): number => 34 + next() * 2;
    const zones: CompiledZone[] = [];
    for (let i = 0; i < 60; i++) {
      const kind = i % 4;
      if (kind === 0) zones.push(zone(i, { circle: { center: [lon(), lat()], radiusM: 50 + next() * 20_000 } }));
      else if (kind === 1)
        zones.push(
          zone(i, {
            corridor: {
              path: [
                [lon(), lat()],
                [lon(), lat()],
              ],
              widthM: 10 + next() * 4_000,
            },
          }),
        );
      else if (kind === 2) {
        const [x, y, d] = [lon(), lat(), 0.01 + next() * 0.3];
        zones.push(
          zone(i, {
            polygon: [
              [x, y],
              [x + d, y],
              [x + d, y + d * 2],
              [x, y + d],
            ],
          }),
        );
      } else
        zones.push(
          zone(i, {
            polygon: [
              [100, 20],
              [130, 20],
              [130, 45],
              [100, 45],
            ],
          }),
        ); // wider than a cell list
    }
    const grid = new ZoneGrid(zones);
    let held = 0;
    const missed: string[] = [];
    for (let k = 0; k < 5_000; k++) {
      const [x, y] = [lon(), lat()];
      const near = grid.near(x, y);
      for (let j = 1; j < near.length; j++) if (near[j] <= near[j - 1]) missed.push(`unordered at ${x},${y}`);
      zones.forEach((z, i) => {
        if (!insideShape(z.shape, x, y)) return;
        held++;
        if (!near.includes(i)) missed.push(`zone ${i} at ${x},${y}`);
      });
    }
    expect(missed).toEqual([]);
    // The property was tested on positions inside zones, not only on empty cells.
    expect(held).toBeGreaterThan(5_000);
    expect(grid.near(Number.NaN, 34)).toEqual(zones.flatMap((_, i) => (i % 4 === 3 ? [i] : [])));
  });

  it('merges ascending index lists without repeats', () => {
    expect(mergeAscending([1, 4, 7], [2, 4, 9])).toEqual([1, 2, 4, 7, 9]);
    expect(mergeAscending([], [3])).toEqual([3]);
  });
});
