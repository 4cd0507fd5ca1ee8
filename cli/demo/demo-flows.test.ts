/**
 * The demo's toll, traffic count, rail flow and AIS records over four demo hours, judged by the HTTP
 * ingestion's own normalizers as the node would judge them: none is refused, tolls start after the demo does,
 * and the overweight trucks the wall is meant to show are over their limit.
 */
import { describe, expect, it } from 'vitest';
import { normalizeAis } from '../../ingest/http/normalize-ais.js';
import { normalizeRailFlow, normalizeTrafficCount } from '../../ingest/http/normalize-counts.js';
import { normalizeToll } from '../../ingest/http/normalize-toll.js';
import { FLOW_KINDS, flowRecordsAt } from './demo-flows.js';

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
          }
        }
    }
    // Every minute one trip ends, once the demo has run long enough for its entry to be after the start.
    expect(counts.toll).toBeGreaterThan(150);
    expect(counts.traffic_count).toBe((240 / 5) * 3 * 2 * 2);
    expect(counts.rail_flow).toBe((240 / 15) * 3);
    expect(counts.ais).toBe(240 * 3 + 8 * 3);
    expect(overweight.length).toBeGreaterThanOrEqual(10);
  });

  it('are the same for the same seed and minute', () => {
    expect(flowRecordsAt(75, START_MS, 1)).toEqual(flowRecordsAt(75, START_MS, 1));
    expect(flowRecordsAt(75, START_MS, 2)).not.toEqual(flowRecordsAt(75, START_MS, 1));
  });
});
