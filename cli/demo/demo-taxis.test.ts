/**
 * The demo's taxis and ride-hailing cars over three demo hours, judged by the HTTP ingestion's own normalizers as the
 * node would judge them: nothing is refused, every car stays on its city's roads (its county is Zhengzhou's or
 * Luoyang's) moving at city speed between reports, and every order runs created → dispatched → picked up → dropped
 * off in time order, by a car and driver the demo's permits license, with a fare, after the demo's start.
 */
import { describe, expect, it } from 'vitest';
import { normalizeTaxiOrder, normalizeTaxiPermit, normalizeTaxiPosition } from '../../ingest/http/normalize-taxi.js';
import { DEMO_TAXI_PLATES, TAXI_REPORT_EVERY_S, taxiPermits, taxiRecordsAt } from './demo-taxis.js';

const START_MS = Date.UTC(2026, 11, 7, 1, 0, 0);
const HOURS = 3;

function ctxAt(elapsedS: number) {
  return {
    source: 'key:1',
    keyOrgCode: '410000',
    receivedAt: START_MS + elapsedS * 1000 + 500,
    futureSkewMsMax: 600_000,
  };
}

function unwrap<T>(out: { ok: true; value: T } | { ok: false; reason: string; detail: string }, what: string): T {
  if (!out.ok) throw new Error(`${what}: ${out.reason}: ${out.detail}`);
  return out.value;
}

describe('demo taxis', () => {
  it('are accepted, drive their cities at city speed, and serve orders in order', () => {
    const permits = taxiPermits(START_MS).flatMap((p, i) => {
      const record = unwrap(normalizeTaxiPermit(p, ctxAt(0)), `permit ${i}`);
      return record.type === 'taxi_permit' ? [record] : [];
    });
    const licensedPlates = new Set(permits.filter((p) => p.permit_type === 'vehicle').map((p) => p.subject));
    const licensedDrivers = new Set(permits.filter((p) => p.permit_type === 'driver').map((p) => p.subject));
    expect(licensedPlates.size).toBe(DEMO_TAXI_PLATES.length);
    expect(DEMO_TAXI_PLATES.length).toBeGreaterThanOrEqual(36);

    const last = new Map<string, { lat: number; lon: number; ts: number }>();
    const cities = new Map<string, Set<string>>();
    const steps = new Map<string, { event: string; ts: number; plate: string; driver: string; fare: number }[]>();
    let hired = 0;
    let positions = 0;
    for (let elapsed = 0; elapsed <= HOURS * 3600; elapsed += TAXI_REPORT_EVERY_S) {
      const records = taxiRecordsAt(elapsed, START_MS);
      expect(records.positions.length).toBe(DEMO_TAXI_PLATES.length);
      for (const record of records.positions) {
        const row = unwrap(normalizeTaxiPosition(record, ctxAt(elapsed)), `position at ${elapsed}`);
        positions++;
        expect(row.ts).toBe(START_MS + elapsed * 1000);
        const city = row.org_code.slice(0, 4);
        if (!cities.has(city)) cities.set(city, new Set());
        cities.get(city)?.add(row.plate);
        if (row.biz_state === 'hired') hired++;
        const before = last.get(row.plate);
        if (before !== undefined) {
          const km = Math.hypot((row.lat - before.lat) * 111.2, (row.lon - before.lon) * 111.2 * 0.82);
          // Under 40 km/h over 20 s (and a turn at the end of the road): at most some 230 m, and it moves.
          expect(km).toBeLessThan(0.25);
          expect(km).toBeGreaterThan(0);
        }
        last.set(row.plate, row);
      }
      for (const record of records.orders) {
        const row = unwrap(normalizeTaxiOrder(record, ctxAt(elapsed)), `order at ${elapsed}`);
        expect(row.ts).toBeGreaterThanOrEqual(START_MS);
        expect(row.ts).toBeLessThanOrEqual(START_MS + elapsed * 1000);
        const list = steps.get(row.order_id) ?? [];
        list.push({ event: row.event, ts: row.ts, plate: row.plate, driver: row.driver_id, fare: row.fare_yuan });
        steps.set(row.order_id, list);
      }
    }
    // Zhengzhou (4101) and Luoyang (4103), and only those.
    expect([...cities.keys()].sort()).toEqual(['4101', '4103']);
    expect(cities.get('4101')?.size).toBe(36);
    expect(cities.get('4103')?.size).toBe(8);
    // Most runs carry a passenger; every third is cruised vacant.
    expect(hired / positions).toBeGreaterThan(0.4);
    expect(hired / positions).toBeLessThan(0.8);
    // Dozens of orders over three hours, each one's steps in time order; an order begun is finished unless the
    // three hours ended first.
    expect(steps.size).toBeGreaterThan(100);
    let finished = 0;
    for (const [id, list] of steps) {
      const events = list.map((s) => s.event);
      expect(['created', 'dispatched', 'picked_up', 'dropped_off'].slice(0, events.length), id).toEqual(events);
      expect(list.map((s) => s.ts)).toEqual([...list.map((s) => s.ts)].sort((a, b) => a - b));
      for (const step of list.slice(1)) {
        expect(licensedPlates.has(step.plate), step.plate).toBe(true);
        expect(licensedDrivers.has(step.driver), step.driver).toBe(true);
      }
      if (events.length === 4) {
        finished++;
        expect(list[3].fare).toBeGreaterThan(7);
      }
    }
    expect(finished / steps.size).toBeGreaterThan(0.8);
  });
});
