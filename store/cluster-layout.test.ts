/**
 * The ClickHouse cluster layout (schema/cluster-ddl.ts) and its migration plan. No ClickHouse server of a
 * current version can be installed on these machines, so the generated DDL is checked as text and by the
 * engine's own parser: chDB (ClickHouse 26) formats every statement with `formatQuery`, which refuses anything
 * it cannot parse. What a parser cannot tell (the keeper paths, the cluster's macros) docs/operations.md leaves
 * to the operator's first start, which logs every statement it runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALARMS,
  ANALYTICS_TABLES,
  INGEST_REJECTS,
  TELEMETRY,
  clusterNameProblem,
  createTableStatement,
  physicalTablesOf,
  replicatedEngine,
  shardingKeyOf,
  type TableSpec,
} from '../schema/index.js';
import { ANALYST_VIEWS, CLUSTER_INSERT_SETTINGS, openAnalytics, type Analytics } from './clickhouse.js';
import { planMigration } from './clickhouse-migrations.js';

const CLUSTER = { kind: 'cluster', cluster: 'vigil_province' } as const;
const VIEWS = ANALYST_VIEWS.map((v) => v.statement);

let dir: string;
let analytics: Analytics;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-cluster-ddl-'));
  analytics = await openAnalytics({ kind: 'embedded', dataDir: dir });
});
afterAll(async () => {
  await analytics.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The statement as the engine's parser formats it; throws with the engine's message when it cannot parse it. */
async function parsed(statement: string): Promise<string> {
  const result = await analytics.client.query({
    query: 'SELECT formatQuery({statement:String}) AS formatted',
    query_params: { statement },
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ formatted: string }>();
  return row.formatted;
}

describe('the cluster layout of the analyst tables', () => {
  const plan = planMigration(ANALYTICS_TABLES, VIEWS, new Set(), [], CLUSTER);

  it('creates every table as a replicated shard-local table and a distributed table of its own name, then the views', () => {
    const created = plan.steps.map((s) => /^CREATE (?:TABLE|VIEW) IF NOT EXISTS `?(\w+)`?/.exec(s.statement)?.[1]);
    expect(created).toEqual([
      ...ANALYTICS_TABLES.flatMap((t) => [`${t.name}_local`, t.name]),
      ...ANALYST_VIEWS.map((v) => v.name),
    ]);
    for (const step of plan.steps) expect(step.statement).toContain('ON CLUSTER `vigil_province`');
  });

  it('writes statements the ClickHouse parser accepts, and the parser is strict enough to refuse a broken one', async () => {
    for (const step of plan.steps) await expect(parsed(step.statement)).resolves.toMatch(/^CREATE/);
    const broken = plan.steps[0].statement.replace('ENGINE = Replicated', 'ENGINE = (Replicated');
    await expect(parsed(broken)).rejects.toThrow(/Syntax error/);
  });

  it('keeps each table version column, ordering, partitions, TTL and insert-token depth on the shard-local table', () => {
    const [local, distributed] = physicalTablesOf(TELEMETRY, CLUSTER);
    expect(local.create).toContain(
      "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', received_at)",
    );
    expect(local.create).toContain('ORDER BY (terminal_id, ts)');
    expect(local.create).toContain('PARTITION BY toYYYYMM(ts)');
    expect(local.create).toContain('TTL ');
    expect(local.create).toContain('SETTINGS replicated_deduplication_window = 10000');
    expect(local.create).not.toContain('non_replicated_deduplication_window');
    expect(distributed.create).toContain(
      "ENGINE = Distributed('vigil_province', currentDatabase(), 'telemetry_local', cityHash64(terminal_id))",
    );
    expect(distributed.create).toContain('AS `telemetry_local`');
  });

  it('sends a row to the shard of its sorting key, so duplicates and retried batches meet on one shard', () => {
    expect(shardingKeyOf(ALARMS)).toBe('cityHash64(alarm_id)');
    expect(shardingKeyOf(INGEST_REJECTS)).toBe('cityHash64(received_at)');
    // A vehicle's track stays on one shard (a prefix of telemetry's sorting key).
    expect(shardingKeyOf(TELEMETRY)).toBe('cityHash64(terminal_id)');
    const random: TableSpec = { ...INGEST_REJECTS, shardingKey: 'rand()' };
    expect(() => shardingKeyOf(random)).toThrow(/not deterministic/);
  });

  it('derives the Replicated variant of every engine the tables use, and no other', () => {
    expect(replicatedEngine('MergeTree')).toBe(
      "ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')",
    );
    expect(replicatedEngine('ReplacingMergeTree(version)')).toMatch(/^ReplicatedReplacingMergeTree\(.*, version\)$/);
    expect(() => replicatedEngine('ReplicatedMergeTree')).toThrow(/not a plain/);
    expect(() => replicatedEngine('Log')).toThrow(/not a plain/);
  });

  it('adds a missing column to both tables of a cluster, on every node, and changes nothing when all is there', async () => {
    const existing = ANALYTICS_TABLES.flatMap((t) => [t.name, `${t.name}_local`]).concat(
      ANALYST_VIEWS.map((v) => v.name),
    );
    const columns = ANALYTICS_TABLES.flatMap((t) =>
      [t.name, `${t.name}_local`].flatMap((table) =>
        Object.entries(t.columns)
          .filter(([name]) => !(t === TELEMETRY && name === 'org_code'))
          .map(([name, spec]) => ({
            table,
            name,
            type: '',
            default_kind: spec.defaultExpression === undefined ? '' : 'DEFAULT',
            default_expression: spec.defaultExpression ?? '',
            comment: spec.description,
          })),
      ),
    );
    const upgrade = planMigration(ANALYTICS_TABLES, VIEWS, new Set(existing), columns, CLUSTER);
    expect(upgrade.steps.map((s) => s.statement.split(' ADD')[0])).toEqual([
      'ALTER TABLE `telemetry_local` ON CLUSTER `vigil_province`',
      'ALTER TABLE `telemetry` ON CLUSTER `vigil_province`',
    ]);
    for (const step of upgrade.steps)
      await expect(parsed(step.statement)).resolves.toMatch(/ADD COLUMN IF NOT EXISTS `org_code`/);
    const withOrgCode = columns.concat(
      ['telemetry', 'telemetry_local'].map((table) => ({
        table,
        name: 'org_code',
        type: '',
        default_kind: 'DEFAULT',
        default_expression: TELEMETRY.columns.org_code.defaultExpression ?? '',
        comment: TELEMETRY.columns.org_code.description,
      })),
    );
    expect(planMigration(ANALYTICS_TABLES, VIEWS, new Set(existing), withOrgCode, CLUSTER).steps).toEqual([]);
  });

  it('leaves the one-server layout exactly as it was', () => {
    const single = planMigration(ANALYTICS_TABLES, VIEWS, new Set(), []);
    expect(single.steps.map((s) => s.statement)).toEqual([
      ...ANALYTICS_TABLES.map((t) => createTableStatement(t)),
      ...VIEWS,
    ]);
  });

  it('inserts with settings the engine knows', async () => {
    const names = Object.keys(CLUSTER_INSERT_SETTINGS);
    const result = await analytics.client.query({
      query: 'SELECT name FROM system.settings WHERE name IN {names:Array(String)} ORDER BY name',
      query_params: { names },
      format: 'JSONEachRow',
    });
    expect((await result.json<{ name: string }>()).map((r) => r.name)).toEqual([...names].sort());
  });

  it('refuses a cluster name that cannot be quoted safely, naming the rule', () => {
    expect(clusterNameProblem('vigil-henan.prod')).toBeUndefined();
    expect(clusterNameProblem("x' , evil")).toMatch(/must be 1-64 letters/);
    expect(clusterNameProblem('')).toMatch(/must be/);
    expect(() => physicalTablesOf(ALARMS, { kind: 'cluster', cluster: 'a`b' })).toThrow(/must be/);
  });
});
