/**
 * The rules snapshot stored in parts (snapshot-store.ts): the shared state, and the vehicles of each log partition in
 * a part of their own, in PostgreSQL (`rules_snapshot_parts`, stream workers of a cluster) and in the data dir's
 * file. A snapshot of one text (the single row of `rules_snapshots`, or the file, before parts) is read once on an
 * upgrade and an open episode goes on under the same id; the first snapshot in parts replaces it. The snapshot of one
 * partition of rules shared by partition is written only by the worker that claimed it last.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AlarmRow } from '../schema/index.js';
import { openOperational, type Sql } from '../store/index.js';
import {
  ENGINE_PART,
  WHOLE_SNAPSHOT,
  fileSnapshotStore,
  partitionOf,
  postgresSnapshotStore,
  snapshotFileOf,
  vehiclesPart,
  type EngineSnapshot,
  type SnapshotStore,
  SnapshotFencedError,
} from '../stream/index.js';
import { RULES_LOG_PARTITIONS, rulesOnMemoryLog, startInProcessRules } from './support/in-process-rules.js';
import { T0, fix } from './support/rules-trace.js';
import { eventually } from './support/vigil-process.js';

const SECOND = 1_000;
const PARTITIONS = RULES_LOG_PARTITIONS;
const VEHICLES = 24;
const NAME = 'cluster';
const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-rules-parts-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const node = (snapshots: SnapshotStore) => startInProcessRules({ snapshots });

/** Every vehicle driving; vehicle 0 over the limit from its second fix on. */
const start = (): ReturnType<typeof fix>[] =>
  Array.from({ length: VEHICLES }, (_, i) => [
    fix(`v${i}`, T0),
    fix(`v${i}`, T0 + 30 * SECOND, { speed_kmh: i === 0 ? 140 : 60 }),
  ]).flat();

async function openEpisode(store: SnapshotStore): Promise<AlarmRow> {
  const first = await node(store);
  await first.send(start());
  const opened = await eventually(
    async () => first.alarms.find((a) => a.rule === 'overspeed'),
    10_000,
    'overspeed opened',
  );
  await eventually(async () => first.runner.engine.stats.positions === 2 * VEHICLES || undefined, 10_000, 'fixes');
  await first.stop();
  return opened;
}

async function closeEpisode(store: SnapshotStore, opened: AlarmRow): Promise<void> {
  const second = await node(store);
  expect(second.runner.engine.vehicleCount).toBe(VEHICLES);
  await second.send([fix('v0', T0 + 60 * SECOND, { speed_kmh: 60 })]);
  const closed = await eventually(
    async () => second.alarms.find((a) => a.rule === 'overspeed'),
    10_000,
    'overspeed closed',
  );
  expect(closed).toMatchObject({ alarm_id: opened.alarm_id, version: 2, ended_at: T0 + 60 * SECOND });
  expect(second.alarms.filter((a) => a.rule === 'overspeed')).toHaveLength(1);
  await second.stop();
}

/** The parts hold every vehicle once, each in the part of its log partition. */
function expectVehiclesByPartition(parts: Map<string, string>): void {
  expect([...parts.keys()].sort()).toEqual(
    [ENGINE_PART, ...Array.from({ length: PARTITIONS }, (_, p) => vehiclesPart(p))].sort(),
  );
  let count = 0;
  for (let p = 0; p < PARTITIONS; p++) {
    const vehicles = JSON.parse(parts.get(vehiclesPart(p)) ?? '') as EngineSnapshot['vehicles'];
    for (const v of vehicles) expect(partitionOf(v.key, PARTITIONS), v.key).toBe(p);
    count += vehicles.length;
  }
  expect(count).toBe(VEHICLES);
}

describe('the rules snapshot in parts', () => {
  it('in PostgreSQL: one row a partition, and a single-row snapshot of before is read once on upgrade', async () => {
    const sql: Sql = await openOperational({ kind: 'embedded', dataDir: path.join(dataDir, 'pg') });
    try {
      const store = postgresSnapshotStore(sql, NAME);
      const opened = await openEpisode(store);
      const parts = await store.read();
      expect(parts).toBeDefined();
      expectVehiclesByPartition(parts ?? new Map());

      // As a node before parts left it: the same snapshot as one text in rules_snapshots, no part.
      const whole = JSON.stringify(snapshotFileOf(parts ?? new Map()));
      await sql.query('DELETE FROM rules_snapshot_parts');
      await sql.query(`INSERT INTO rules_snapshots (name, taken_at, body) VALUES ($1, now(), $2)`, [NAME, whole]);
      expect([...((await store.read()) ?? new Map()).keys()]).toEqual([WHOLE_SNAPSHOT]);

      await closeEpisode(store, opened);
      expect(await sql.query('SELECT name FROM rules_snapshots')).toEqual([]);
      expectVehiclesByPartition((await store.read()) ?? new Map());
    } finally {
      await sql.close();
    }
  });

  it('in the data dir: one line a part, and a file of one JSON text of before is read once on upgrade', async () => {
    const file = path.join(dataDir, 'rules', 'engine-snapshot.json');
    const store = fileSnapshotStore(file);
    const opened = await openEpisode(store);
    const parts = (await store.read()) ?? new Map<string, string>();
    expectVehiclesByPartition(parts);

    writeFileSync(file, JSON.stringify(snapshotFileOf(parts)));
    expect([...((await store.read()) ?? new Map()).keys()]).toEqual([WHOLE_SNAPSHOT]);
    await closeEpisode(store, opened);
    expectVehiclesByPartition((await store.read()) ?? new Map());
  });

  it('asks a store that fails to answer again, and neither starts nor writes when it never answers', async () => {
    const file = path.join(dataDir, 'flaky', 'engine-snapshot.json');
    const good = fileSnapshotStore(file);
    const opened = await openEpisode(good);
    const lost = () => new Error('Connection terminated unexpectedly');

    // Twice no answer, as from a database connection lost mid-restore, then the snapshot: every vehicle comes back.
    let failures = 2;
    const flaky: SnapshotStore = {
      ...good,
      read: async () => {
        if (failures-- > 0) throw lost();
        return good.read();
      },
    };
    await closeEpisode(flaky, opened);

    // Never an answer: the start fails naming the store, and a stop after it leaves the snapshot as it was.
    const before = readFileSync(file, 'utf8');
    const dead: SnapshotStore = { ...good, read: () => Promise.reject(lost()) };
    const { log, runner } = rulesOnMemoryLog({ snapshots: dead });
    await expect(runner.start()).rejects.toThrow(/could not be read \(4 attempts\): Error: Connection terminated/);
    await runner.stop();
    expect(readFileSync(file, 'utf8')).toBe(before);
    await log.close();

    // A snapshot whose content makes no sense is another matter: the rules start without it rather than never.
    const garbled = path.join(dataDir, 'garbled', 'engine-snapshot.json');
    mkdirSync(path.dirname(garbled), { recursive: true });
    writeFileSync(garbled, 'not a snapshot\n');
    const fresh = await node(fileSnapshotStore(garbled));
    expect(fresh.runner.engine.vehicleCount).toBe(0);
    await fresh.stop();
  });

  it('fenced by its holder: a writer whose partition another claimed since writes nothing', async () => {
    const sql: Sql = await openOperational({ kind: 'memory' });
    const part = (text: string) => [{ name: ENGINE_PART, pieces: [text] }];
    const before = postgresSnapshotStore(sql, 'rules/p1', 'worker-a');
    await before.claim!();
    await before.write(part('{"by":"a"}'), T0);
    // Another worker is assigned the partition and claims it; the first learns late that it lost it.
    const after = postgresSnapshotStore(sql, 'rules/p1', 'worker-b');
    await after.claim!();
    await expect(before.write(part('{"by":"a, late"}'), T0 + SECOND)).rejects.toThrow(SnapshotFencedError);
    expect((await after.read())?.get(ENGINE_PART)).toBe('{"by":"a"}');
    await after.write(part('{"by":"b"}'), T0 + 2 * SECOND);
    expect((await before.read())?.get(ENGINE_PART)).toBe('{"by":"b"}');
    // Another partition, and the unfenced store of the one-worker rules, are not held back by it.
    const unfenced = postgresSnapshotStore(sql, NAME);
    await unfenced.write(part('{"by":"one"}'), T0);
    expect((await unfenced.read())?.get(ENGINE_PART)).toBe('{"by":"one"}');
    await sql.close();
  });
});
