/**
 * The demo's toll, traffic count, rail flow, AIS and bus records over four demo hours, judged by the HTTP
 * ingestion's own normalizers as the node would judge them: none is refused, tolls start after the demo does and
 * are of registered trucks whose journeys make one possible trail each (but the hourly cloned plate), the
 * overweight trucks the wall is meant to show are over their limit, and two buses of route 1 run bunched.
 */
import { describe, expect, it } from 'vitest';
import { normalizeAis } from '../../ingest/http/normalize-ais.js';
import { normalizeRailFlow, normalizeTrafficCount } from '../../ingest/http/normalize-counts.js';
import { normalizeToll } from '../../ingest/http/normalize-toll.js';
import { jsonFeedItems } from '../../ingest/http/gtfs-rt-body.js';
import { normalizeGtfsRt, normalizeGtfsStatic } from '../../ingest/http/normalize-gtfs.js';
import { normalizeRegistryRecord } from '../../ingest/http/normalize-registry.js';
import { busFeedAt, busTimetable } from './demo-buses.js';
import { FLOW_KINDS, flowRecordsAt, tollTruckRegistry } from './demo-flows.js';

const START_MS = Date.UTC(2026, 10, 28, 0, 0, 0);
const NORMALIZE = {
  toll: normalizeToll,
  traffic_count: normalizeTrafficCount,
  rail_flow: normalizeRailFlow,
  ais: normalizeAis,
};

describe('demo flows', () => {
  it('are all accepted by the ingestion, over four demo hours', () => {
    const counts = { toll: 0, traffic_count: 0, rail_flow: 0, ais: 0 };
    const overweight: number[] = [];
    const journeys: { plate: string; entry: string; exit: string; entryMs: number; exitMs: number; id: string }[] = [];
    for (let minute = 1; minute <= 240; minute++) {
      const records = flowRecordsAt(minute, START_MS, 1);
      const ctx = {
        source: 'key:1',
        keyOrgCode: '410000',
        receivedAt: START_MS + minute * 60_000 + 1000,
        futureSkewMsMax: 600_000,
      };
      for (const kind of FLOW_KINDS)
        for (const record of records[kind]) {
          const out = NORMALIZE[kind](record, ctx);
          if (!out.ok) throw new Error(`minute ${minute} ${kind}: ${out.reason}: ${out.detail}`);
          counts[kind]++;
          if (kind === 'toll' && 'transaction' in out.value) {
            expect(out.value.transaction.entry_time).toBeGreaterThanOrEqual(START_MS);
            if (out.value.transaction.gross_kg > 49_000 * 1.05) overweight.push(minute);
            const t = out.value.transaction;
            journeys.push({
              plate: t.plate,
              entry: t.entry_station_id,
              exit: t.exit_station_id,
              entryMs: t.entry_time,
              exitMs: t.exit_time,
              id: t.event_id,
            });
          }
        }
    }
    // 40 trucks, each a journey every hour or two, and one cloned plate an hour.
    expect(counts.toll).toBeGreaterThan(60);
    const registered = new Set(
      tollTruckRegistry(START_MS).map((r) => {
        const out = normalizeRegistryRecord(r, {
          source: 'key:1',
          keyOrgCode: '410000',
          receivedAt: START_MS,
          futureSkewMsMax: 0,
        });
        if (!out.ok) throw new Error(`${out.reason}: ${out.detail}`);
        return r.plate;
      }),
    );
    // Per plate in time order: each journey enters where the last left, after it left, but for the cloned ones.
    let cloned = 0;
    for (const plate of new Set(journeys.map((j) => j.plate))) {
      expect(registered.has(plate)).toBe(true);
      const trail = journeys.filter((j) => j.plate === plate).sort((a, b) => a.entryMs - b.entryMs);
      for (const [i, journey] of trail.entries()) {
        if (i === 0) continue;
        const consistent = journey.entry === trail[i - 1].exit && journey.entryMs >= trail[i - 1].exitMs;
        if (journey.id.includes('cloned')) {
          cloned++;
          expect(consistent).toBe(false);
        } else if (!trail[i - 1].id.includes('cloned')) expect(consistent, `${plate} ${journey.id}`).toBe(true);
      }
    }
    expect(cloned).toBeGreaterThanOrEqual(2);
    // Every interval of the four hours, and the one that ended as the demo began.
    expect(counts.traffic_count).toBe((240 / 5 + 1) * 3 * 2 * 2);
    expect(counts.rail_flow).toBe((240 / 15 + 1) * 3);
    expect(counts.ais).toBe(240 * 3 + 8 * 3);
    expect(overweight.length).toBeGreaterThanOrEqual(5);
  });

  it('publish a bus timetable and feeds the ingestion accepts, with route 1 bunched', () => {
    const ctx = { source: 'key:1', keyOrgCode: '410000', receivedAt: START_MS + 3_600_000, futureSkewMsMax: 600_000 };
    for (const row of busTimetable()) {
      const out = normalizeGtfsStatic(row, ctx);
      if (!out.ok) throw new Error(`${out.reason}: ${out.detail}`);
    }
    const positions: { id: string; lat: number; lon: number }[] = [];
    for (const elapsedS of [0, 20, 1_800, 3_600]) {
      const items = jsonFeedItems(JSON.stringify(busFeedAt(START_MS + elapsedS * 1000, elapsedS)), 20_000);
      expect(items).toHaveLength(16);
      for (const item of items) {
        if (!item.ok) throw new Error(`${item.reason}: ${item.detail}`);
        const out = normalizeGtfsRt(item.value, ctx);
        if (!out.ok) throw new Error(`${out.reason}: ${out.detail}`);
        if (elapsedS === 3_600 && out.value.table === 'positions')
          positions.push({ id: out.value.row.vehicle_id, lat: out.value.row.lat, lon: out.value.row.lon });
      }
    }
    const [first, second] = ['ZZ-R1-1', 'ZZ-R1-2'].map((id) => positions.find((p) => p.id === id));
    const metres = Math.abs((first?.lon ?? 0) - (second?.lon ?? 1)) * 111_200 * Math.cos((34.76 * Math.PI) / 180);
    expect(metres).toBeGreaterThan(50);
    expect(metres).toBeLessThan(300);
  });

  it('are the same for the same seed and minute', () => {
    expect(flowRecordsAt(75, START_MS, 1)).toEqual(flowRecordsAt(75, START_MS, 1));
    expect(flowRecordsAt(75, START_MS, 2)).not.toEqual(flowRecordsAt(75, START_MS, 1));
  });
});
