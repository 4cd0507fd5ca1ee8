/**
 * The same analyst tables laid out on one ClickHouse server (or the embedded chDB), or across the shards and
 * replicas of a ClickHouse cluster. On a cluster each table of `tables.ts` becomes two:
 *
 * - `<name>_local` on every node (`ON CLUSTER`), with the Replicated variant of the table's engine, so every
 *   shard's rows live on each of its replicas;
 * - `<name>`, a `Distributed` table over those, under the table's own name: the sinks insert into it and
 *   analysts, views and the node's own queries read it, so nothing above the store knows the layout.
 *
 * A row goes to the shard its sharding key picks. The key must be a deterministic function of the row's sorting
 * key: a replacing table removes duplicates only within a shard, and a retried insert is recognised by its
 * deduplication token only if it splits into the same blocks for the same shards. `rand()` would break both.
 */
import { createTableStatement, quoteIdentifier, quoteString } from './ddl.js';
import type { ColumnsSpec } from './columns.js';
import type { TableSpec } from './tables.js';

export type DdlLayout = { kind: 'single' } | { kind: 'cluster'; cluster: string };

export const SINGLE_LAYOUT: DdlLayout = { kind: 'single' };

/** The suffix of a distributed table's shard-local table. */
export const LOCAL_TABLE_SUFFIX = '_local';

/**
 * A cluster name as `remote_servers` may declare it. Checked before it goes into any statement: it is quoted in
 * `ON CLUSTER` and written as a string in the `Distributed` engine.
 */
export const CLUSTER_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

/** Why a cluster name cannot be used, or undefined when it can. */
export function clusterNameProblem(name: string): string | undefined {
  return CLUSTER_NAME_PATTERN.test(name)
    ? undefined
    : `cluster name ${JSON.stringify(name)} must be 1-64 letters, digits, "_", "." or "-" (not starting with "." or "-")`;
}

/** One table as the server holds it: its name, columns, how to create it and how an ALTER of it begins. */
export interface PhysicalTable {
  name: string;
  columns: ColumnsSpec;
  create: string;
  alterPrefix: string;
  /** The engine settings its CREATE names (none for a distributed table). */
  settings: Record<string, string | number>;
}

/** The server tables one table spec becomes in `layout` (one, or the local and the distributed table). */
export function physicalTablesOf(table: TableSpec, layout: DdlLayout): PhysicalTable[] {
  if (layout.kind === 'single')
    return [
      {
        name: table.name,
        columns: table.columns,
        create: createTableStatement(table),
        alterPrefix: `ALTER TABLE ${quoteIdentifier(table.name)}`,
        settings: table.settings ?? {},
      },
    ];
  const onCluster = `ON CLUSTER ${quoteCluster(layout.cluster)}`;
  const localName = `${table.name}${LOCAL_TABLE_SUFFIX}`;
  const localSettings = replicatedSettings(table.settings);
  const local = createTableStatement(
    {
      ...table,
      name: localName,
      engine: replicatedEngine(table.engine),
      settings: localSettings,
    },
    onCluster,
  );
  const distributed =
    `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(table.name)} ${onCluster} AS ${quoteIdentifier(localName)}\n` +
    `ENGINE = Distributed(${quoteString(layout.cluster)}, currentDatabase(), ${quoteString(localName)}, ${shardingKeyOf(table)})\n` +
    `COMMENT ${quoteString(table.description)}`;
  // The local table first: the distributed one copies its columns.
  return [
    {
      name: localName,
      columns: table.columns,
      create: local,
      alterPrefix: `ALTER TABLE ${quoteIdentifier(localName)} ${onCluster}`,
      settings: localSettings,
    },
    {
      name: table.name,
      columns: table.columns,
      create: distributed,
      alterPrefix: `ALTER TABLE ${quoteIdentifier(table.name)} ${onCluster}`,
      settings: {},
    },
  ];
}

/** The same `CREATE VIEW IF NOT EXISTS <name> …` run on every node of the cluster. */
export function viewStatementIn(statement: string, layout: DdlLayout): string {
  if (layout.kind === 'single') return statement;
  const head = /^\s*CREATE\s+VIEW\s+IF\s+NOT\s+EXISTS\s+`?\w+`?/i.exec(statement);
  if (head === null)
    throw new Error(`view statement does not start with CREATE VIEW IF NOT EXISTS <name>: ${statement}`);
  return `${head[0]} ON CLUSTER ${quoteCluster(layout.cluster)}${statement.slice(head[0].length)}`;
}

/** A table's sharding key: its own, or a hash of its whole sorting key (so equal keys share a shard). */
export function shardingKeyOf(table: TableSpec): string {
  const key = table.shardingKey ?? `cityHash64(${table.orderBy.replace(/^\((.*)\)$/s, '$1')})`;
  if (/\brand\w*\s*\(|\bnow\w*\s*\(|\bgenerateUUID/i.test(key))
    throw new Error(
      `table ${table.name}: sharding key ${key} is not deterministic; a retried insert would split differently`,
    );
  return key;
}

const MERGE_TREE_ENGINE = /^(\w*MergeTree)(?:\((.*)\))?$/s;

/**
 * The Replicated variant of a MergeTree-family engine, its replication path from the server's macros: every
 * node declares `{shard}` and `{replica}` (docs/operations.md); `{database}` and `{table}` the server fills in.
 */
export function replicatedEngine(engine: string): string {
  const match = MERGE_TREE_ENGINE.exec(engine.trim());
  if (match === null || match[1].startsWith('Replicated'))
    throw new Error(`engine ${engine} is not a plain MergeTree-family engine; no Replicated variant is derived`);
  const args = ["'/clickhouse/tables/{shard}/{database}/{table}'", "'{replica}'"];
  if (match[2] !== undefined && match[2].trim() !== '') args.push(match[2].trim());
  return `Replicated${match[1]}(${args.join(', ')})`;
}

/**
 * Replicated tables keep insert tokens in the keeper (`replicated_deduplication_window`) instead of the
 * non-replicated window: the sinks' retried batches stay harmless with the same depth as embedded.
 */
function replicatedSettings(settings: TableSpec['settings']): Record<string, string | number> {
  const { non_replicated_deduplication_window: window, ...rest } = settings ?? {};
  return window === undefined ? rest : { replicated_deduplication_window: window, ...rest };
}

function quoteCluster(name: string): string {
  const problem = clusterNameProblem(name);
  if (problem !== undefined) throw new Error(problem);
  return `\`${name}\``;
}
