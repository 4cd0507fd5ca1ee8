/**
 * What a rules snapshot costs the node's event loop at scale (issue #13): the `RulesRunner` of a node, its engine
 * holding `--vehicles` vehicles (every one registered and driving, so every position rule holds state), writes its
 * snapshot to a file store in a temporary data dir (or, with `--store postgres`, to `rules_snapshot_parts` of an
 * embedded PostgreSQL, as stream workers of a cluster do), as every `--rules-snapshot-interval-s` does. The vehicles
 * are spread over `--partitions` log partitions; the snapshot keeps each partition's vehicles in a part of its own.
 *
 *   node --import tsx bench/rules-snapshot.ts [--vehicles 100000] [--minutes 30] [--rounds 3] [--partitions 4]
 *     [--store file|postgres]
 *
 * Each round takes two snapshots: one idle (nothing else to do: its wall and CPU time are the snapshot's own), and
 * one while fixes keep arriving (batches of 500 on every turn of the event loop, as the rules' consumer delivers
 * them: the fixes evaluated during it show whether the node went on working). For both, the longest the event loop
 * went without running a 1 ms timer is the stall a gateway's acknowledgements and the alarms would wait for.
 * The snapshot is read back into a new engine at the end, which must hold every vehicle. With `--store postgres`
 * the same snapshot is also written as one text to the single row of `rules_snapshots`, as before parts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TelemetryRow } from '../schema/index.js';
import { Metrics, silentLogger } from '../schema/index.js';
import { ALL_RULES, MemoryLog, RULES_RUNNER_DEFAULTS, RuleEngine, RulesRunner } from '../stream/index.js';
import { compileRulesConfig, defaultRulesConfig, fileSnapshotStore, snapshotFileOf } from '../stream/index.js';
import { partitionOf, postgresSnapshotStore } from '../stream/index.js';
import { openOperational } from '../store/index.js';
import { FLEET_REPORT_MS, FLEET_T0, fleetFix, fleetRegistry } from './harness/tracked-fleet.js';

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const VEHICLES = flag('vehicles', 100_000);
const MINUTES = flag('minutes', 30);
const ROUNDS = flag('rounds', 3);
const PARTITIONS = flag('partitions', 4);
const STORE = process.argv.includes('--store') ? process.argv[process.argv.indexOf('--store') + 1] : 'file';
if (STORE !== 'file' && STORE !== 'postgres') throw new Error(`--store value ${STORE} is not one of file, postgres`);
const LIVE_BATCH = 500;

const registry = fleetRegistry(VEHICLES);
/** One in 50 speeds: open episodes in the snapshot. */
const fixOf = (i: number, step: number): TelemetryRow => fleetFix(i, step, i % 50 === 0);

const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-rules-snapshot-'));
let now = FLEET_T0;
const log = new MemoryLog({ partitions: PARTITIONS, backlogPerPartitionMax: 1_000, durableGroups: {} });
const sql =
  STORE === 'postgres' ? await openOperational({ kind: 'embedded', dataDir: path.join(dataDir, 'pg') }) : null;
const file = path.join(dataDir, 'rules', 'engine-snapshot.json');
const store = sql ? postgresSnapshotStore(sql, 'bench') : fileSnapshotStore(file);
const runner = new RulesRunner(
  { log, logger: silentLogger, metrics: new Metrics(), registry, dataDir, now: () => now, snapshots: store },
  RULES_RUNNER_DEFAULTS,
);
const engine = runner.engine;
const steps = (MINUTES * 60_000) / FLEET_REPORT_MS;
const fillStarted = performance.now();
let step = 0;
for (; step < steps; step++) {
  for (let i = 0; i < VEHICLES; i++) {
    const row = fixOf(i, step);
    now = row.received_at;
    engine.onPosition(row, partitionOf(row.terminal_id, PARTITIONS), now);
  }
  engine.tick(now);
  engine.drainAlarms();
}
const fillMs = performance.now() - fillStarted;

/** The longest gap between runs of a 1 ms timer while `work` runs, less the timer's own 1 ms. */
async function stallWhile<T>(work: () => Promise<T>): Promise<{ value: T; maxStallMs: number }> {
  let last = performance.now();
  let maxGap = 0;
  const timer = setInterval(() => {
    const at = performance.now();
    maxGap = Math.max(maxGap, at - last);
    last = at;
  }, 1);
  // Let the timer run once before the work starts, so its first gap is not the start-up.
  await new Promise((r) => setTimeout(r, 20));
  last = performance.now();
  maxGap = 0;
  const value = await work();
  maxGap = Math.max(maxGap, performance.now() - last);
  clearInterval(timer);
  return { value, maxStallMs: Math.max(0, maxGap - 1) };
}

/** Feeds the next report of every vehicle, a batch per event-loop turn, until `stop` says so; returns fixes fed. */
function liveTraffic(): { stop: () => number } {
  let fed = 0;
  let i = 0;
  let running = true;
  const turn = (): void => {
    if (!running) return;
    for (let k = 0; k < LIVE_BATCH; k++, i++) {
      if (i === VEHICLES) {
        i = 0;
        step++;
      }
      const row = fixOf(i, step);
      now = row.received_at;
      engine.onPosition(row, partitionOf(row.terminal_id, PARTITIONS), now);
      fed++;
    }
    engine.drainAlarms();
    setImmediate(turn);
  };
  setImmediate(turn);
  return {
    stop: () => {
      running = false;
      return fed;
    },
  };
}

/** The stored snapshot's size, its parts and its largest part (the longest string a node holds to read it back). */
async function stored(): Promise<{ bytes: number; parts: number; largest: number }> {
  const parts = [...((await store.read()) ?? new Map<string, string>()).values()].map((t) => Buffer.byteLength(t));
  return { bytes: parts.reduce((a, b) => a + b, 0), parts: parts.length, largest: Math.max(...parts) };
}

const rounds: Record<string, number>[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const idle = await stallWhile(() => runner.snapshotNow());
  const wallMs = performance.now() - t0 - 20;
  const cpu = process.cpuUsage(cpu0);
  const { bytes, parts, largest } = await stored();
  const traffic = liveTraffic();
  const t1 = performance.now();
  const busy = await stallWhile(() => runner.snapshotNow());
  const busyWallMs = performance.now() - t1 - 20;
  const fed = traffic.stop();
  rounds.push({
    idle_wall_ms: Math.round(wallMs),
    idle_cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
    idle_max_stall_ms: Math.round(idle.maxStallMs),
    busy_wall_ms: Math.round(busyWallMs),
    busy_max_stall_ms: Math.round(busy.maxStallMs),
    fixes_evaluated_during_busy_snapshot: fed,
    snapshot_bytes: bytes,
    parts,
    largest_part_bytes: largest,
  });
}

const restored = new RuleEngine(ALL_RULES, compileRulesConfig(defaultRulesConfig(ALL_RULES), 1, ALL_RULES), {
  registry,
  now: () => now,
});
const readStarted = performance.now();
const parts = await store.read();
restored.restore(snapshotFileOf(parts ?? new Map()).engine, now);
const restoreMs = Math.round(performance.now() - readStarted);
/** As before parts: the same snapshot as one text in one row (what `postgresSnapshotStore` wrote until migration 37). */
let wholeRowWriteMs: number | undefined;
if (sql) {
  const whole = JSON.stringify(snapshotFileOf(parts ?? new Map()));
  const t = performance.now();
  await sql.query(
    `INSERT INTO rules_snapshots (name, taken_at, body) VALUES ($1, now(), $2)
     ON CONFLICT (name) DO UPDATE SET taken_at = EXCLUDED.taken_at, body = EXCLUDED.body`,
    ['bench', whole],
  );
  wholeRowWriteMs = Math.round(performance.now() - t);
  await sql.close();
}
if (restored.vehicleCount !== VEHICLES) throw new Error(`restored ${restored.vehicleCount} of ${VEHICLES} vehicles`);
rmSync(dataDir, { recursive: true, force: true });
await log.close();

console.log(
  JSON.stringify(
    {
      vehicles: VEHICLES,
      partitions: PARTITIONS,
      store: STORE,
      minutes_of_reports: MINUTES,
      fill_ms: Math.round(fillMs),
      rounds,
      read_and_restore_ms: restoreMs,
      ...(wholeRowWriteMs !== undefined ? { whole_row_write_ms: wholeRowWriteMs } : {}),
      node: process.version,
    },
    null,
    1,
  ),
);
