import { describe, expect, it } from 'vitest';
import type { ConfigProblem } from './config-spec.js';
import { distanceKm } from './geo.js';
import {
  checkZoneHours,
  checkZoneShape,
  compileShape,
  distanceToPathM,
  insideShape,
  insideZone,
} from './zone-geometry.js';

/** Zhengzhou, and how many degrees of latitude / longitude make 100 m there. */
const LON = 113.65;
const LAT = 34.75;
const LAT_100M = 100 / 111_195;
const LON_100M = LAT_100M / Math.cos((LAT * Math.PI) / 180);

function codes(zone: Record<string, unknown>): (string | undefined)[] {
  const problems: ConfigProblem[] = [];
  checkZoneShape(zone, 'zones[0]', problems);
  return problems.map((p) => p.code);
}

describe('circle', () => {
  const circle = compileShape({ circle: { center: [LON, LAT], radiusM: 500 } });
  it('holds the points within its radius and no others', () => {
    expect(insideShape(circle, LON + 4.9 * LON_100M, LAT)).toBe(true);
    expect(insideShape(circle, LON, LAT - 4.9 * LAT_100M)).toBe(true);
    expect(insideShape(circle, LON + 5.1 * LON_100M, LAT)).toBe(false);
    expect(insideShape(circle, LON + 3.6 * LON_100M, LAT + 3.6 * LAT_100M)).toBe(false); // 509 m on the diagonal
    expect(insideShape(circle, LON + 3.5 * LON_100M, LAT + 3.5 * LAT_100M)).toBe(true); // 495 m
  });
});

describe('corridor', () => {
  // An L-shaped route: 2 km east, then 2 km north; 200 m wide, so 100 m either side.
  const path: [number, number][] = [
    [LON, LAT],
    [LON + 20 * LON_100M, LAT],
    [LON + 20 * LON_100M, LAT + 20 * LAT_100M],
  ];
  const corridor = compileShape({ corridor: { path, widthM: 200 } });
  it('is the buffer of half its width around the polyline, on every segment', () => {
    expect(insideShape(corridor, LON + 10 * LON_100M, LAT + 0.9 * LAT_100M)).toBe(true);
    expect(insideShape(corridor, LON + 10 * LON_100M, LAT - 1.1 * LAT_100M)).toBe(false);
    expect(insideShape(corridor, LON + 20.9 * LON_100M, LAT + 10 * LAT_100M)).toBe(true);
    expect(insideShape(corridor, LON + 21.1 * LON_100M, LAT + 10 * LAT_100M)).toBe(false);
    // Beyond the first end, the buffer is round: 90 m west of it is inside, 110 m is not.
    expect(insideShape(corridor, LON - 0.9 * LON_100M, LAT)).toBe(true);
    expect(insideShape(corridor, LON - 1.1 * LON_100M, LAT)).toBe(false);
    // The inside of the L, far from both legs.
    expect(insideShape(corridor, LON + 10 * LON_100M, LAT + 10 * LAT_100M)).toBe(false);
  });
  it('measures distance to the polyline like the great circle at these sizes', () => {
    const lon = LON + 7 * LON_100M;
    const lat = LAT + 3 * LAT_100M;
    expect(distanceToPathM(path, lon, lat)).toBeCloseTo(distanceKm(lat, lon, LAT, lon) * 1000, 0);
  });
});

describe('hours', () => {
  const zone = {
    shape: compileShape({ circle: { center: [LON, LAT], radiusM: 500 } }),
    hours: [7 * 60, 19 * 60] as const,
  };
  it('applies a zone only in its China-time window', () => {
    const noonChina = Date.UTC(2026, 5, 1, 4, 0); // 12:00 in China
    const nightChina = Date.UTC(2026, 5, 1, 14, 0); // 22:00 in China
    expect(insideZone(zone, LON, LAT, noonChina)).toBe(true);
    expect(insideZone(zone, LON, LAT, nightChina)).toBe(false);
    expect(insideZone({ ...zone, hours: null }, LON, LAT, nightChina)).toBe(true);
  });
  it('refuses malformed and empty windows by name', () => {
    const problems: ConfigProblem[] = [];
    checkZoneHours({ from: '7:00', to: '19:00' }, 'h', problems);
    checkZoneHours({ from: '08:00', to: '08:00' }, 'h', problems);
    expect(problems.map((p) => [p.key, p.code])).toEqual([
      ['h.from', 'hours_invalid'],
      ['h', 'hours_invalid'],
    ]);
  });
});

describe('checks', () => {
  const square: [number, number][] = [
    [113.6, 34.7],
    [113.7, 34.7],
    [113.7, 34.8],
    [113.6, 34.8],
  ];
  it('accepts a ring open or closed, a circle and a corridor within bounds', () => {
    expect(codes({ polygon: square })).toEqual([]);
    expect(codes({ polygon: [...square, square[0]] })).toEqual([]);
    expect(codes({ circle: { center: [LON, LAT], radiusM: 50 } })).toEqual([]);
    expect(codes({ corridor: { path: square.slice(0, 2), widthM: 5000 } })).toEqual([]);
  });
  it('names each geometry problem', () => {
    expect(codes({})).toEqual(['shape_missing']);
    expect(codes({ polygon: square, circle: { center: [LON, LAT], radiusM: 500 } })).toEqual(['shape_ambiguous']);
    expect(codes({ polygon: [square[0], square[1], square[0]] })).toEqual(['ring_too_few_points']);
    expect(codes({ polygon: square.slice(0, 2) })).toEqual(['ring_too_few_points']);
    expect(
      codes({
        polygon: [
          [113.6, 34.7],
          [113.65, 34.75],
          [113.7, 34.8],
        ],
      }),
    ).toEqual(['ring_degenerate']);
    // A bow tie: the edges 0→1 and 2→3 cross.
    expect(codes({ polygon: [square[0], square[2], square[1], square[3]] })).toEqual(['ring_self_intersecting']);
    expect(codes({ polygon: Array.from({ length: 2001 }, (_, i) => [113 + i / 10_000, 34 + (i % 2) / 100]) })).toEqual([
      'ring_too_many_points',
    ]);
    expect(codes({ polygon: [...square.slice(0, 3), [121.47, 31.23]] })).toEqual(['position_outside_province']);
    // Latitude and longitude swapped: outside the province, not silently somewhere in the ocean.
    expect(codes({ circle: { center: [LAT, LON], radiusM: 500 } })).toEqual(['position_outside_province']);
    expect(codes({ circle: { center: [LON, LAT], radiusM: 49 } })).toEqual(['radius_out_of_range']);
    expect(codes({ circle: { center: [LON, LAT], radiusM: 50_001 } })).toEqual(['radius_out_of_range']);
    expect(codes({ corridor: { path: [square[0]], widthM: 100 } })).toEqual(['path_too_few_points']);
    expect(codes({ corridor: { path: square, widthM: 9 } })).toEqual(['width_out_of_range']);
    expect(codes({ corridor: { path: square, widthM: 100, buffer: 3 } })).toEqual(['unknown_key']);
    expect(codes({ polygon: [[113.6, 'x'], ...square] })).toEqual(['position_invalid']);
  });
});
