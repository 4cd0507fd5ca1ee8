/**
 * Memory per tracked vehicle in the two places that keep state for every vehicle: the rule engine and the feed hub
 * (issue #13 goal 3: at most 1 KB each at 100,000 vehicles).
 *
 *   node --expose-gc --import tsx bench/state-memory.ts [--vehicles 100000] [--minutes 30] [--engine-only]
 *
 * Every vehicle is in the registry (classes in turn, a home county), reports every 30 s for `minutes` of event time
 * while driving (so every position rule holds state for it: fatigue's driving clock, overspeed, night ban, offline,
 * drift, zones) and one in 50 is speeding at the end (an open alarm episode). The hub gets the same vehicles'
 * latest fixes through the in-process log. Each figure is the growth of the V8 heap after a full collection, divided
 * by the vehicles; the engine's snapshot size per vehicle is printed too. Traffic is generated as it is fed, so
 * the heap holds only what the component keeps. A small engine runs the same traffic first and is dropped: what the
 * first engine of a process allocates once (compiled code, lookup tables filled on first use) is not per vehicle.
 * `--engine-only` skips the hub (tests/rules-state-memory.test.ts bounds the engine's figure).
 */
import type { TelemetryRow } from '../schema/index.js';
import { Metrics, countyAt, isWithin, silentLogger } from '../schema/index.js';
import {
  ALL_RULES,
  MemoryLog,
  RULE_ENGINE_DEFAULTS,
  RuleEngine,
  TOPICS,
  compileRulesConfig,
  defaultRulesConfig,
} from '../stream/index.js';
import { FEED_HUB_DEFAULTS, FeedHub } from '../center/index.js';
import { FLEET_CLASSES, FLEET_REPORT_MS, FLEET_T0, fleetFix, fleetRegistry } from './harness/tracked-fleet.js';

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const VEHICLES = flag('vehicles', 100_000);
const MINUTES = flag('minutes', 30);
const ENGINE_ONLY = process.argv.includes('--engine-only');
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

function heapAfterGc(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

/** One in 50 speeds at the end: an open episode each. */
function fixOf(i: number, step: number): TelemetryRow {
  return fleetFix(i, step, i % 50 === 0 && step >= (MINUTES * 60_000) / FLEET_REPORT_MS - 2);
}

async function engineBytes(vehicles: number): Promise<{
  perVehicle: number;
  snapshotPerVehicle: number;
  snapshotMs: number;
  opened: number;
}> {
  const registry = fleetRegistry(vehicles);
  const before = heapAfterGc();
  let now = FLEET_T0;
  const engine = new RuleEngine(
    ALL_RULES,
    compileRulesConfig(defaultRulesConfig(ALL_RULES), 1, ALL_RULES),
    { registry, now: () => now },
    RULE_ENGINE_DEFAULTS,
  );
  const steps = (MINUTES * 60_000) / FLEET_REPORT_MS;
  let opened = 0;
  for (let step = 0; step < steps; step++) {
    for (let i = 0; i < vehicles; i++) {
      const row = fixOf(i, step);
      now = row.received_at;
      engine.onPosition(row, i % 16, now);
    }
    engine.tick(now);
    for (const alarm of engine.drainAlarms()) if (alarm.version === 1) opened++;
  }
  const after = heapAfterGc();
  // What the runner does on the event loop every snapshot interval (the file write comes on top).
  const snapshotStarted = performance.now();
  const snapshotBytes = JSON.stringify(engine.snapshot()).length;
  const snapshotMs = performance.now() - snapshotStarted;
  if (engine.vehicleCount !== vehicles) throw new Error(`engine tracks ${engine.vehicleCount} vehicles`);
  return { perVehicle: (after - before) / vehicles, snapshotPerVehicle: snapshotBytes / vehicles, snapshotMs, opened };
}

async function hubBytes(): Promise<number> {
  const log = new MemoryLog({ partitions: 4, backlogPerPartitionMax: 1_000_000, durableGroups: {} });
  const metrics = new Metrics();
  const before = heapAfterGc();
  const hub = new FeedHub(
    {
      log,
      logger: silentLogger,
      metrics,
      authenticate: () => Promise.reject(new Error('no clients in this benchmark')),
      covers: (scope, code) => scope === code || isWithin(code, scope),
      vehicleOrgCode: (v) => countyAt(v.lon, v.lat)?.code ?? '410000',
      vehicleClassOf: (terminalId) => FLEET_CLASSES[Number(terminalId) % FLEET_CLASSES.length],
      enterpriseOf: () => undefined,
    },
    FEED_HUB_DEFAULTS,
  );
  hub.start();
  const producer = log.producer();
  for (let step = 0; step < 2; step++)
    for (let i = 0; i < VEHICLES; i += 10_000) {
      const rows = [];
      for (let k = i; k < Math.min(VEHICLES, i + 10_000); k++) rows.push(fixOf(k, step));
      await producer.send(
        TOPICS.telemetry,
        rows.map((value) => ({ key: value.terminal_id, value })),
      );
    }
  while (hub.vehicleCount < VEHICLES || log.backlog(TOPICS.telemetry) > 4 * 1024)
    await new Promise((r) => setTimeout(r, 50));
  // Ticks have sent what changed (to nobody): the hub holds its steady state.
  await new Promise((r) => setTimeout(r, 2 * FEED_HUB_DEFAULTS.tickMs));
  const after = heapAfterGc();
  await hub.stop();
  await log.close();
  return (after - before) / VEHICLES;
}

await engineBytes(Math.min(VEHICLES, 2_000));
const engine = await engineBytes(VEHICLES);
const hub = ENGINE_ONLY ? undefined : await hubBytes();
console.log(
  JSON.stringify(
    {
      vehicles: VEHICLES,
      minutes_of_reports: MINUTES,
      engine_heap_bytes_per_vehicle: Math.round(engine.perVehicle),
      engine_snapshot_bytes_per_vehicle: Math.round(engine.snapshotPerVehicle),
      engine_snapshot_serialize_ms: Math.round(engine.snapshotMs),
      engine_episodes_opened: engine.opened,
      hub_heap_bytes_per_vehicle: hub === undefined ? undefined : Math.round(hub),
      node: process.version,
    },
    null,
    1,
  ),
);
