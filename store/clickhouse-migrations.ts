/**
 * Brings the ClickHouse schema to the table specs at start-up, writing only what changes something. It reads
 * what exists (`system.tables`, `system.columns`), then creates the tables and views that are missing, adds the
 * columns that are missing, re-comments the columns whose description changed and sets the engine settings whose
 * value differs from the spec's (a merge setting tuned since the table was made), one ALTER per table. A normal
 * restart therefore issues no DDL and writes no table metadata: every ALTER rewrites its table's metadata file,
 * and one cut short by a full disk used to leave that file empty, which the engine then refused to load.
 *
 * Differences it must not resolve by itself (a column's type or default changed, by a spec or by hand) are
 * reported as drift for the operator; the sinks' explicit column lists keep working meanwhile.
 *
 * Embedded, a table's metadata file is copied aside before its ALTER and put back at the next start if the ALTER
 * left it empty, so that even a disk filling up during the ALTER cannot keep the node from starting again.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  SINGLE_LAYOUT,
  clickhouseTypeOf,
  physicalTablesOf,
  quoteIdentifier,
  quoteString,
  viewStatementIn,
  type DdlLayout,
  type TableSpec,
} from '../schema/index.js';
import { columnDefinition } from '../schema/index.js';

export interface AnalyticsMigration {
  /** The DDL statements run, in order; empty on a normal restart. */
  applied: string[];
  /** The names of the tables and views `applied` created. */
  created: string[];
  /** The statements of `applied` that altered existing tables. */
  altered: string[];
  /** Differences left alone, one sentence each (a column's type or default differs from its spec). */
  drift: string[];
}

/** Where the engine keeps the metadata of the default database, and where Vigil keeps copies during an ALTER. */
export interface EmbeddedMetadata {
  metadataDir: string;
  backupDir: string;
}

interface ExistingColumn {
  table: string;
  name: string;
  type: string;
  default_kind: string;
  default_expression: string;
  comment: string;
}

export async function migrateAnalytics(
  client: ClickHouseClient,
  tables: readonly TableSpec[],
  views: readonly string[],
  embedded?: EmbeddedMetadata,
  layout: DdlLayout = SINGLE_LAYOUT,
): Promise<AnalyticsMigration> {
  const tableRows = await rows<{ name: string; engine_full: string }>(
    client,
    'SELECT name, engine_full FROM system.tables WHERE database = currentDatabase()',
  );
  const existingTables = new Set(tableRows.map((r) => r.name));
  const settings = new Map(tableRows.map((r) => [r.name, settingsOfEngine(r.engine_full)]));
  const columns = await rows<ExistingColumn>(
    client,
    'SELECT table, name, type, default_kind, default_expression, comment FROM system.columns WHERE database = currentDatabase()',
  );
  const known = await rows<{ name: string }>(client, 'SELECT name FROM system.merge_tree_settings');
  const usable = withSettingsKnownTo(new Set(known.map((r) => r.name)), tables);
  const plan = planMigration(usable.tables, views, existingTables, columns, layout, settings);
  plan.drift.push(...usable.drift);
  for (const step of plan.steps) {
    if (step.alters !== undefined && embedded) backUpMetadata(embedded, step.alters);
    await client.command({ query: step.statement });
    if (step.alters !== undefined && embedded) checkAlteredMetadata(embedded, step.alters);
  }
  if (embedded) removeBackups(embedded);
  return {
    applied: plan.steps.map((s) => s.statement),
    created: plan.steps.flatMap((s) => (s.creates === undefined ? [] : [s.creates])),
    altered: plan.steps.filter((s) => s.alters !== undefined).map((s) => s.statement),
    drift: plan.drift,
  };
}

/**
 * The specs without the engine settings the server does not know, and a sentence for each left out: a tuning
 * setting newer than an operator's ClickHouse server (`merge_selector_base` of telemetry) must not stop the node's
 * start with a refused CREATE or ALTER. The tables work without it, only with the server's default.
 */
export function withSettingsKnownTo(
  known: ReadonlySet<string>,
  tables: readonly TableSpec[],
): { tables: TableSpec[]; drift: string[] } {
  const drift: string[] = [];
  const kept = tables.map((table) => {
    if (table.settings === undefined) return table;
    const entries = Object.entries(table.settings);
    const usable = entries.filter(([name]) => known.has(name));
    if (usable.length === entries.length) return table;
    for (const [name, value] of entries)
      if (!known.has(name))
        drift.push(`${table.name}: engine setting ${name} = ${value} is not known to this server, left out`);
    return { ...table, settings: Object.fromEntries(usable) };
  });
  return { tables: kept, drift };
}

interface Step {
  statement: string;
  /** The table or view the statement creates. */
  creates?: string;
  /** The existing table whose metadata the statement rewrites. */
  alters?: string;
}

/** What to run to bring `existing` to the specs; pure, so the decision can be tested without an engine. */
export function planMigration(
  tables: readonly TableSpec[],
  views: readonly string[],
  existingTables: ReadonlySet<string>,
  existingColumns: readonly ExistingColumn[],
  layout: DdlLayout = SINGLE_LAYOUT,
  /** Per existing table, its engine settings as the server shows them; tables absent here are not compared. */
  existingSettings?: ReadonlyMap<string, ReadonlyMap<string, string>>,
): { steps: Step[]; drift: string[] } {
  const steps: Step[] = [];
  const drift: string[] = [];
  // On a cluster a spec is two server tables (shard-local and distributed); each is brought to the spec alone.
  for (const table of tables.flatMap((spec) => physicalTablesOf(spec, layout))) {
    if (!existingTables.has(table.name)) {
      steps.push({ statement: table.create, creates: table.name });
      continue;
    }
    const have = new Map(existingColumns.filter((c) => c.table === table.name).map((c) => [c.name, c]));
    const changes: string[] = [];
    for (const [name, spec] of Object.entries(table.columns)) {
      const column = have.get(name);
      if (column === undefined) {
        changes.push(`ADD COLUMN IF NOT EXISTS ${columnDefinition(name, spec)}`);
        continue;
      }
      const type = clickhouseTypeOf(spec.kind);
      if (column.type !== type)
        drift.push(`${table.name}.${name} is ${column.type}, its spec says ${type}: left as it is`);
      const defaultExpression = column.default_kind === 'DEFAULT' ? column.default_expression : undefined;
      if (defaultExpression !== spec.defaultExpression)
        drift.push(
          `${table.name}.${name} has DEFAULT ${defaultExpression ?? '(none)'}, its spec says ${spec.defaultExpression ?? '(none)'}: left as it is`,
        );
      if (column.comment !== spec.description)
        changes.push(`COMMENT COLUMN ${quoteIdentifier(name)} ${quoteString(spec.description)}`);
    }
    const haveSettings = existingSettings?.get(table.name);
    if (haveSettings !== undefined)
      for (const [name, value] of Object.entries(table.settings)) {
        const wanted = typeof value === 'number' ? String(value) : quoteString(value);
        if (haveSettings.get(name) !== wanted) changes.push(`MODIFY SETTING ${name} = ${wanted}`);
      }
    if (changes.length > 0) steps.push({ statement: `${table.alterPrefix} ${changes.join(', ')}`, alters: table.name });
  }
  for (const view of views)
    if (!existingTables.has(viewName(view)))
      steps.push({ statement: viewStatementIn(view, layout), creates: viewName(view) });
  return { steps, drift };
}

/**
 * The settings of a table as `system.tables.engine_full` shows them (`… SETTINGS a = 1, b = 'x'`), values as
 * written there: numbers bare, strings quoted.
 */
export function settingsOfEngine(engineFull: string): Map<string, string> {
  const out = new Map<string, string>();
  const at = engineFull.lastIndexOf(' SETTINGS ');
  if (at < 0) return out;
  for (const pair of engineFull.slice(at + ' SETTINGS '.length).split(/,\s*(?=[a-z_0-9]+ = )/)) {
    const eq = pair.indexOf(' = ');
    if (eq > 0) out.set(pair.slice(0, eq).trim(), pair.slice(eq + 3).trim());
  }
  return out;
}

const CREATE_VIEW = /^\s*CREATE\s+VIEW\s+IF\s+NOT\s+EXISTS\s+`?(\w+)`?\s/i;

/** The name a `CREATE VIEW IF NOT EXISTS <name> AS …` statement creates. */
function viewName(statement: string): string {
  const name = CREATE_VIEW.exec(statement)?.[1];
  if (name === undefined)
    throw new Error(`view statement does not start with CREATE VIEW IF NOT EXISTS <name>: ${statement}`);
  return name;
}

async function rows<T>(client: ClickHouseClient, query: string): Promise<T[]> {
  const result = await client.query({ query, format: 'JSONEachRow' });
  return result.json<T>();
}

const METADATA_SUFFIX = '.sql';

/** Copies a table's metadata file aside (through a temporary name, so a copy is whole or absent). */
function backUpMetadata(embedded: EmbeddedMetadata, table: string): void {
  const source = path.join(embedded.metadataDir, `${table}${METADATA_SUFFIX}`);
  if (!isWholeMetadata(source)) return;
  mkdirSync(embedded.backupDir, { recursive: true });
  const target = path.join(embedded.backupDir, `${table}${METADATA_SUFFIX}`);
  // A copy that cannot be made (the disk is full) stops the start here, before the ALTER has touched anything.
  copyFileSync(source, `${target}.tmp`);
  renameSync(`${target}.tmp`, target);
}

/**
 * A metadata file as the engine writes it: `ATTACH …` and a final newline. The engine does not always report a
 * write it could not finish (with a few KB left on the disk an ALTER "succeeded" and left the file empty).
 */
function isWholeMetadata(file: string): boolean {
  if (!existsSync(file)) return false;
  const text = readFileSync(file, 'utf8');
  return text.startsWith('ATTACH') && text.endsWith('\n');
}

/** After an ALTER: its metadata file must be whole, else the previous one is put back and the start stops. */
function checkAlteredMetadata(embedded: EmbeddedMetadata, table: string): void {
  const file = path.join(embedded.metadataDir, `${table}${METADATA_SUFFIX}`);
  if (isWholeMetadata(file)) return;
  const restored = restoreFromBackup(embedded, `${table}${METADATA_SUFFIX}`);
  throw new Error(
    `clickhouse could not write the metadata of table ${table} (${file}) after an ALTER; is the disk full? ` +
      (restored
        ? 'Its previous definition is back in place, and the change is made again at the next start.'
        : 'No copy of its previous definition was made.'),
  );
}

function restoreFromBackup(embedded: EmbeddedMetadata, file: string): boolean {
  const backup = path.join(embedded.backupDir, file);
  if (!existsSync(backup)) return false;
  const target = path.join(embedded.metadataDir, file);
  // The engine deletes leftover `.sql.tmp` files itself, so a copy cut short here is harmless too.
  copyFileSync(backup, `${target}.tmp`);
  renameSync(`${target}.tmp`, target);
  return true;
}

function removeBackups(embedded: EmbeddedMetadata): void {
  rmSync(embedded.backupDir, { recursive: true, force: true });
}

/**
 * Before the engine opens: puts back the metadata file of any table whose ALTER was cut short (the file is
 * missing, empty or cut short, and a whole copy was made before the ALTER). Copies whose table file is whole are
 * stale (the ALTER finished, or never ran) and are dropped. Returns the tables restored.
 */
export function restoreInterruptedAlters(embedded: EmbeddedMetadata): string[] {
  if (!existsSync(embedded.backupDir)) return [];
  const restored: string[] = [];
  for (const file of readdirSync(embedded.backupDir)) {
    if (!file.endsWith(METADATA_SUFFIX) || !isWholeMetadata(path.join(embedded.backupDir, file))) continue;
    if (isWholeMetadata(path.join(embedded.metadataDir, file))) continue;
    restoreFromBackup(embedded, file);
    restored.push(file.slice(0, -METADATA_SUFFIX.length));
  }
  removeBackups(embedded);
  return restored;
}
