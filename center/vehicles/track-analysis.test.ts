import { describe, expect, it } from 'vitest';
import { analyzeTrack, thinTrack, type TrackPoint } from './track-analysis.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 11, 5, 0, 0, 0);

/** Drives east along the 34.75° parallel at `kmh` for `minutes`, a fix every 30 s, from `lon`. */
function drive(start: number, lon: number, kmh: number, minutes: number): TrackPoint[] {
  const degPerKm = 1 / (111.32 * Math.cos((34.75 * Math.PI) / 180));
  return Array.from({ length: minutes * 2 }, (_, i) => [
    start + i * 30_000,
    lon + ((kmh * i) / 120) * degPerKm,
    34.75,
    kmh,
  ]);
}

function stand(start: number, lon: number, minutes: number): TrackPoint[] {
  return Array.from({ length: minutes * 2 }, (_, i) => [start + i * 30_000, lon, 34.75, 0]);
}

describe('track analysis', () => {
  it('measures distance, and finds stops and the trips between them', () => {
    const leg1 = drive(T0, 113.6, 60, 30); // 30 min at 60 km/h ≈ 30 km
    const end1 = leg1.at(-1)!;
    const parked = stand(end1[0] + 30_000, end1[1], 20);
    const leg2 = drive(parked.at(-1)![0] + 30_000, end1[1], 40, 15); // ≈ 10 km
    const brief = stand(leg2.at(-1)![0] + 30_000, leg2.at(-1)![1], 2); // a red light: no stop
    const result = analyzeTrack([...leg1, ...parked, ...leg2, ...brief]);
    expect(result.mileage_km).toBeGreaterThan(38.5);
    expect(result.mileage_km).toBeLessThan(40.5);
    expect(result.stops).toHaveLength(1);
    expect(result.stops[0].from).toBe(parked[0][0]);
    expect(result.stops[0].to).toBe(parked.at(-1)![0]);
    expect(result.trips.map((t) => Math.round(t.km))).toEqual([30, 10]);
    expect(result.trips.map((t) => t.max_speed_kmh)).toEqual([60, 40]);
  });

  it('counts a long silence in the same place as standing, and ignores a GPS jump', () => {
    const before = drive(T0, 113.6, 50, 10);
    const last = before.at(-1)!;
    const afterSilence: TrackPoint = [last[0] + 45 * MINUTE, last[1] + 0.0005, last[2], 0];
    const jump: TrackPoint = [afterSilence[0] + 30_000, last[1] + 2, last[2], 0];
    const back: TrackPoint = [jump[0] + 30_000, afterSilence[1], last[2], 0];
    const result = analyzeTrack([...before, afterSilence, jump, back]);
    expect(result.stops).toHaveLength(1);
    expect(result.stops[0].from).toBe(last[0]);
    // The 180 km out and back in a minute is not driving.
    expect(result.mileage_km).toBeLessThan(10);
  });

  it('thins a long track to a bound, keeping its ends and the edges of stops', () => {
    const points = [...drive(T0, 113.6, 60, 600), ...stand(T0 + 600 * MINUTE, 113.9, 30)];
    const { stops } = analyzeTrack(points);
    const thin = thinTrack(points, stops, 500);
    expect(thin.length).toBeLessThanOrEqual(500);
    expect(thin.length).toBeGreaterThan(400);
    expect(thin[0]).toBe(points[0]);
    expect(thin.at(-1)).toBe(points.at(-1));
    expect(thin.some((p) => p[0] === stops[0].from)).toBe(true);
    for (let i = 1; i < thin.length; i++) expect(thin[i][0]).toBeGreaterThan(thin[i - 1][0]);
  });
});
