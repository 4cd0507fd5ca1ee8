/**
 * Start-up schema migration on a real chDB: a restart writes no table metadata at all (files compared by
 * modification time and content), an added column is one ALTER that rewrites only its table's file, and an ALTER
 * whose metadata file was left empty (what a full disk did) is undone at the next start instead of keeping the
 * engine from loading.
 */
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANALYTICS_TABLES, createTableStatement, quoteString, TELEMETRY, type TableSpec } from '../schema/index.js';
import { openAnalytics, type Analytics } from './clickhouse.js';
import { planMigration, withSettingsKnownTo } from './clickhouse-migrations.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function freshDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-migrations-'));
  dirs.push(dir);
  return dir;
}

/** The tables as the version before telemetry's org_code declared them: the upgrade adds that one column. */
const BEFORE_ORG_CODE: readonly TableSpec[] = ANALYTICS_TABLES.map((table) =>
  table === TELEMETRY
    ? { ...table, columns: Object.fromEntries(Object.entries(table.columns).filter(([name]) => name !== 'org_code')) }
    : table,
);

/** Every metadata file of the engine, by path inside the data dir: modification time and content. */
function metadataFiles(dataDir: string): Map<string, { mtimeMs: number; content: string }> {
  const files = new Map<string, { mtimeMs: number; content: string }>();
  const metadata = realpathSync(path.join(dataDir, 'clickhouse', 'metadata', 'default'));
  for (const name of readdirSync(metadata)) {
    const file = path.join(metadata, name);
    files.set(name, { mtimeMs: statSync(file).mtimeMs, content: readFileSync(file, 'utf8') });
  }
  return files;
}

async function open(dataDir: string, tables: readonly TableSpec[] = ANALYTICS_TABLES): Promise<Analytics> {
  return openAnalytics({ kind: 'embedded', dataDir }, tables);
}

async function scalar(analytics: Analytics, sql: string): Promise<unknown> {
  return (await analytics.queryInternal(sql)).rows[0]?.[0];
}

describe('ClickHouse start-up migration', () => {
  it('creates everything on a first start, and a restart runs no DDL and writes no metadata', async () => {
    const dataDir = freshDir();
    const first = await open(dataDir);
    expect(first.migration.applied).toHaveLength(ANALYTICS_TABLES.length + 2);
    expect(first.migration.created).toEqual([
      ...ANALYTICS_TABLES.map((t) => t.name),
      'alarms_current',
      'telemetry_dedup',
    ]);
    expect(first.migration.altered).toEqual([]);
    expect(first.migration.drift).toEqual([]);
    await first.close();
    const before = metadataFiles(dataDir);
    expect(before.size).toBe(ANALYTICS_TABLES.length + 2);
    // Past the file systems' timestamp granularity, so that a rewrite would show.
    await new Promise((r) => setTimeout(r, 20));
    const again = await open(dataDir);
    expect(again.migration).toEqual({ applied: [], created: [], altered: [], drift: [] });
    await again.close();
    expect(metadataFiles(dataDir)).toEqual(before);
  });

  it('adds a new column with one ALTER that rewrites only its table, then leaves it alone', async () => {
    const dataDir = freshDir();
    const first = await open(dataDir, BEFORE_ORG_CODE);
    await first.client.command({
      query: `INSERT INTO telemetry (terminal_id, plate, ts, received_at, lat, lon, altitude_m, speed_kmh, direction_deg, alarm_bits, status_bits, source) VALUES ('13900000001', '豫A1', now64(3), now64(3), 34, 113, 0, 0, 0, 0, 0, 'jt808')`,
    });
    await first.close();
    const before = metadataFiles(dataDir);
    await new Promise((r) => setTimeout(r, 20));
    const upgraded = await open(dataDir);
    expect(upgraded.migration.applied).toEqual([
      `ALTER TABLE \`telemetry\` ADD COLUMN IF NOT EXISTS \`org_code\` LowCardinality(String) DEFAULT '' COMMENT ${quoteString(TELEMETRY.columns.org_code.description)}`,
    ]);
    expect(upgraded.migration.altered).toEqual(upgraded.migration.applied);
    expect(upgraded.migration.created).toEqual([]);
    try {
      expect(await scalar(upgraded, `SELECT concat(plate, '/', org_code) FROM telemetry`)).toBe('豫A1/');
    } finally {
      await upgraded.close();
    }
    const after = metadataFiles(dataDir);
    for (const [name, file] of after) {
      if (name === 'telemetry.sql') expect(file).not.toEqual(before.get(name));
      else expect(file, name).toEqual(before.get(name));
    }
    const again = await open(dataDir);
    expect(again.migration.applied).toEqual([]);
    await again.close();
    expect(metadataFiles(dataDir)).toEqual(after);
  });

  it('leaves out an engine setting the server does not know, saying so, and keeps the others', () => {
    const known = new Set(['index_granularity', 'non_replicated_deduplication_window']);
    const { tables, drift } = withSettingsKnownTo(known, ANALYTICS_TABLES);
    const telemetry = tables.find((t) => t.name === TELEMETRY.name)!;
    expect(telemetry.settings).not.toHaveProperty('merge_selector_base');
    expect(drift).toEqual(['telemetry: engine setting merge_selector_base = 20 is not known to this server, left out']);
    expect(createTableStatement(telemetry)).not.toMatch(/merge_selector_base/);
    // Tables whose settings the server knows are the specs themselves.
    const others = ANALYTICS_TABLES.filter((t) => t !== TELEMETRY && t.settings !== undefined);
    for (const table of others)
      if (Object.keys(table.settings!).every((name) => known.has(name)))
        expect(tables.find((t) => t.name === table.name)).toBe(table);
    // The engine here knows every setting of the specs.
    expect(withSettingsKnownTo(new Set(Object.keys(TELEMETRY.settings ?? {})), [TELEMETRY]).drift).toEqual([]);
  });

  it('sets an engine setting the spec changed since the table was made, with one ALTER, then leaves it alone', async () => {
    const dataDir = freshDir();
    const { merge_selector_base: base, ...olderSettings } = TELEMETRY.settings ?? {};
    expect(base).toBe(20);
    const older = ANALYTICS_TABLES.map((table) =>
      table === TELEMETRY ? { ...table, settings: olderSettings } : table,
    );
    const first = await open(dataDir, older);
    expect(await scalar(first, "SELECT engine_full FROM system.tables WHERE name = 'telemetry'")).not.toMatch(
      /merge_selector_base/,
    );
    await first.close();
    const upgraded = await open(dataDir);
    try {
      expect(upgraded.migration.applied).toEqual(['ALTER TABLE `telemetry` MODIFY SETTING merge_selector_base = 20']);
      expect(await scalar(upgraded, "SELECT engine_full FROM system.tables WHERE name = 'telemetry'")).toMatch(
        /merge_selector_base = 20/,
      );
    } finally {
      await upgraded.close();
    }
    const again = await open(dataDir);
    expect(again.migration.applied).toEqual([]);
    await again.close();
  });

  it('puts back the metadata an ALTER left empty, and makes the change again', async () => {
    const dataDir = freshDir();
    const first = await open(dataDir, BEFORE_ORG_CODE);
    await first.client.command({
      query: `INSERT INTO telemetry (terminal_id, plate, ts, received_at, lat, lon, altitude_m, speed_kmh, direction_deg, alarm_bits, status_bits, source) VALUES ('13900000002', '豫A2', now64(3), now64(3), 34, 113, 0, 0, 0, 0, 0, 'jt808')`,
    });
    await first.close();
    // The state a full disk left mid-ALTER: the copy made before it, and an empty table file.
    const metadata = realpathSync(path.join(dataDir, 'clickhouse', 'metadata', 'default'));
    const backupDir = path.join(dataDir, 'clickhouse-alter-backup');
    mkdirSync(backupDir);
    writeFileSync(path.join(backupDir, 'telemetry.sql'), readFileSync(path.join(metadata, 'telemetry.sql')));
    truncateSync(path.join(metadata, 'telemetry.sql'), 0);
    const next = await open(dataDir);
    try {
      expect(next.migration.applied).toHaveLength(1);
      expect(await scalar(next, `SELECT plate FROM telemetry`)).toBe('豫A2');
    } finally {
      await next.close();
    }
    expect(readdirSync(dataDir)).not.toContain('clickhouse-alter-backup');
  });
});

describe('planMigration', () => {
  const columnsOf = (table: TableSpec) =>
    Object.entries(table.columns).map(([name, spec]) => ({
      table: table.name,
      name,
      type: name === 'speed_kmh' ? 'Float64' : 'String',
      default_kind: spec.defaultExpression === undefined ? '' : 'DEFAULT',
      default_expression: spec.defaultExpression ?? '',
      comment: name === 'plate' ? 'old words' : spec.description,
    }));

  it('re-comments a column whose description changed and reports a type it must not change', () => {
    const { steps, drift } = planMigration([TELEMETRY], [], new Set(['telemetry']), columnsOf(TELEMETRY));
    expect(steps.map((s) => s.statement)).toEqual([
      `ALTER TABLE \`telemetry\` COMMENT COLUMN \`plate\` '${TELEMETRY.columns.plate.description}'`,
    ]);
    expect(drift).toContain('telemetry.speed_kmh is Float64, its spec says Float32: left as it is');
  });

  it('creates only the views that are missing', () => {
    const view = 'CREATE VIEW IF NOT EXISTS alarms_current AS SELECT * FROM alarms FINAL';
    expect(planMigration([], [view], new Set(['alarms_current']), []).steps).toEqual([]);
    expect(planMigration([], [view], new Set(), []).steps).toEqual([{ statement: view, creates: 'alarms_current' }]);
  });
});
