/**
 * A rules snapshot does not stall the node: with tens of thousands of vehicles, whose state takes the better part of
 * a second to serialize in one go, a 1 ms timer keeps running while the runner writes its snapshot and fixes
 * arriving meanwhile are evaluated. The bound is relative to what serializing that state at once costs on this
 * machine at this moment (a blocking snapshot stalls at least that long), so a loaded machine does not decide it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TelemetryRow } from '../schema/index.js';
import { fileSnapshotStore, snapshotFileOf } from '../stream/index.js';
import { RULES_LOG_PARTITIONS, rulesOnMemoryLog } from './support/in-process-rules.js';
import { T0, engineFor, fix, registryOf, vehicle } from './support/rules-trace.js';

const VEHICLES = 60_000;
const REPORTS = 3;
/** A blocking snapshot stalls at least as long as serializing the state at once; this one a fraction of that. */
const STALL_SHARE_MAX = 1 / 3;

const terminal = (i: number): string => String(13_800_000_000 + i);
const registry = registryOf(
  Array.from({ length: 7 }, (_, k) => vehicle({ plate: `豫A0000${k}`, terminal_id: terminal(k) })),
);

function report(i: number, step: number): TelemetryRow {
  const ts = T0 + step * 30_000 + (i % 1000);
  return fix(terminal(i), ts, {
    received_at: ts + 1_000,
    lat: 34.2 + (i % 500) * 0.002 + step * 0.002,
    lon: 112.5 + Math.floor(i / 500) * 0.005,
    speed_kmh: i % 50 === 0 ? 135 : 60,
  });
}

let dataDir: string | undefined;
afterEach(() => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

describe('a rules snapshot of many vehicles', () => {
  it('keeps the event loop running while it is serialized and written', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-snapshot-stall-'));
    let now = T0;
    // Never started: the test feeds its engine directly and asks it for the snapshot.
    const { log, runner } = rulesOnMemoryLog({ registry, dataDir, now: () => now });
    const engine = runner.engine;
    let step = 0;
    for (; step < REPORTS; step++)
      for (let i = 0; i < VEHICLES; i++) {
        const row = report(i, step);
        now = row.received_at;
        engine.onPosition(row, i % RULES_LOG_PARTITIONS, now);
      }
    engine.drainAlarms();

    let started = performance.now();
    const blockingMs = JSON.stringify(engine.snapshot()).length > 0 ? performance.now() - started : 0;

    // A timer that must keep firing, and fixes that keep arriving, while the snapshot is taken.
    let last = performance.now();
    let longestGapMs = 0;
    let timerRuns = 0;
    const timer = setInterval(() => {
      const at = performance.now();
      longestGapMs = Math.max(longestGapMs, at - last);
      last = at;
      timerRuns++;
    }, 1);
    let fed = 0;
    let feeding = true;
    const feed = (): void => {
      if (!feeding) return;
      for (let k = 0; k < 200; k++, fed++) {
        const row = report(fed % VEHICLES, step + Math.floor(fed / VEHICLES));
        now = row.received_at;
        engine.onPosition(row, fed % RULES_LOG_PARTITIONS, now);
      }
      engine.drainAlarms();
      setImmediate(feed);
    };
    await new Promise((resolve) => setTimeout(resolve, 10));
    last = started = performance.now();
    setImmediate(feed);
    await runner.snapshotNow();
    const snapshotMs = performance.now() - started;
    longestGapMs = Math.max(longestGapMs, performance.now() - last);
    feeding = false;
    clearInterval(timer);
    await log.close();

    const context = `blocking ${blockingMs.toFixed(0)} ms, snapshot ${snapshotMs.toFixed(0)} ms`;
    expect(longestGapMs, context).toBeLessThan(blockingMs * STALL_SHARE_MAX);
    expect(timerRuns, context).toBeGreaterThan(10);
    expect(fed, context).toBeGreaterThan(0);
    // Complete, and the state as it was when it began: every vehicle, the fixes fed meanwhile not in it.
    const parts = await fileSnapshotStore(path.join(dataDir, 'rules', 'engine-snapshot.json')).read();
    const file = snapshotFileOf(parts ?? new Map());
    expect(file.engine.vehicles).toHaveLength(VEHICLES);
    const frontiers = new Map(file.engine.vehicles.map((v) => [v.key, v.frontier]));
    expect(frontiers.get(terminal(0))).toBe(report(0, REPORTS - 1).ts);
    const restored = engineFor();
    restored.restore(file.engine, now);
    expect(restored.vehicleCount).toBe(VEHICLES);
  });
});
