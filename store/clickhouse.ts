/**
 * One ClickHouse client for the whole process, over @clickhouse/client. Embedded, the connection is chDB's
 * in-process engine; at scale it is a ClickHouse server URL. Nothing outside this file knows which.
 *
 * Three kinds of use, each on connections of its own: the sinks' inserts (`writer`), the node's own reads
 * (`queryInternal`: the feed hub, the vehicle track, tests), and analysts' SQL (`analysts`, a sandbox with its
 * own sessions and queue, store/analyst-sql/). An analyst's query can therefore neither change what the node's
 * reads see nor make them wait.
 */
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ANALYTICS_TABLES, SINGLE_LAYOUT, type DdlLayout, type TableSpec } from '../schema/index.js';
import { AnalystQueries, drain } from './analyst-sql/analyst-queries.js';
import { ANALYST_SQL_DEFAULTS, checkAnalystSqlLimits, type AnalystSqlLimits } from './analyst-sql/limits.js';
import { migrateAnalytics, restoreInterruptedAlters, type AnalyticsMigration } from './clickhouse-migrations.js';
import { embeddedRowWriter, serverRowWriter, type RowWriter } from './row-writer.js';

/**
 * Embedded chDB under `dataDir`, or a ClickHouse server. `analystUrl` names the server user analysts' queries run
 * as (a read-only user, see docs/security.md); without it they run as the user of `url`.
 */
export type AnalyticsTarget =
  | { kind: 'embedded'; dataDir: string }
  | {
      kind: 'server';
      url: string;
      analystUrl?: string;
      /** A cluster of `remote_servers` to lay the tables out on (schema/cluster-ddl.ts); one server when absent. */
      cluster?: string;
    };

export interface Analytics {
  client: ClickHouseClient;
  /** The sinks' insert path: TabSeparated bytes with their column list and a per-insert deduplication token, several inserts at once. */
  writer: RowWriter;
  target: AnalyticsTarget;
  /** One server (or chDB), or a cluster's shard-local and distributed tables. */
  layout: DdlLayout;
  /** What start-up changed in the schema (nothing on a normal restart) and what it found different. */
  migration: AnalyticsMigration;
  /**
   * The node's own reads: SQL Vigil wrote (never an analyst's text), read-only, with a row and time bound, on a
   * session analysts never use. `sql` must not have a SETTINGS or FORMAT clause of its own.
   */
  queryInternal(sql: string, options?: InternalQueryOptions): Promise<QueryResultTable>;
  /**
   * The node's own writes of derived data (an `INSERT … SELECT` of a rollup, the `ALTER … DELETE` of its superseded
   * rows): SQL Vigil wrote, on the same session as `queryInternal`, so a long rollup never holds up the sinks'
   * inserts. On a cluster an insert is acknowledged only once every shard stored it, as the sinks' are.
   */
  commandInternal(sql: string, options?: { executionSecondsMax?: number }): Promise<void>;
  /** Analysts' SQL: the sandbox (one allowed statement, server-set limits, rows scoped to the caller). */
  analysts: AnalystQueries;
  close(): Promise<void>;
}

export interface InternalQueryOptions {
  rowsMax?: number;
  executionSecondsMax?: number;
}

export interface QueryResultTable {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  /** More rows than `rowsMax` were there; `rows` holds the first `rowsMax`. */
  truncated: boolean;
}

/** The rows of a result as objects by column name. */
export function rowObjects(
  result: Pick<QueryResultTable, 'rows'> & { columns: { name: string }[] },
): Record<string, unknown>[] {
  const names = result.columns.map((c) => c.name);
  return result.rows.map((values) => Object.fromEntries(names.map((name, i) => [name, values[i]])));
}

export interface AnalyticsOptions {
  /** Bounds of analysts' SQL (ANALYST_SQL_DEFAULTS when not given). */
  analystLimits?: AnalystSqlLimits;
}

/** Views that make the replacing tables pleasant to query: the latest version of each alarm. Analysts may read them. */
export const ANALYST_VIEWS: readonly { name: string; statement: string }[] = [
  { name: 'alarms_current', statement: 'CREATE VIEW IF NOT EXISTS alarms_current AS SELECT * FROM alarms FINAL' },
  { name: 'telemetry_dedup', statement: 'CREATE VIEW IF NOT EXISTS telemetry_dedup AS SELECT * FROM telemetry FINAL' },
];

export async function openAnalytics(
  target: AnalyticsTarget,
  tables: readonly TableSpec[] = ANALYTICS_TABLES,
  options: AnalyticsOptions = {},
): Promise<Analytics> {
  const analystLimits = options.analystLimits ?? ANALYST_SQL_DEFAULTS;
  checkAnalystSqlLimits(analystLimits);
  const connect = (): ClickHouseClient =>
    target.kind === 'embedded'
      ? embeddedClient(target.dataDir)
      : createClient({ url: target.url, request_timeout: 60_000 });
  const embedded = target.kind === 'embedded' ? embeddedMetadataOf(target.dataDir) : undefined;
  // Before the engine reads its metadata: an ALTER cut short at the last start must not keep it from loading.
  if (embedded) restoreInterruptedAlters(embedded);
  const client = connect();
  // chDB runs the queries of one session one after the other: the node's own reads get a session of their own.
  const internalClient = connect();
  // Embedded, each concurrent analyst query has a chDB session of its own; a server gives every request one, so
  // one client (of the analysts' user) with a connection per concurrent query serves them all.
  const analystServerClient =
    target.kind === 'server'
      ? createClient({
          url: target.analystUrl ?? target.url,
          request_timeout: (analystLimits.executionSecondsMax + 30) * 1000,
          max_open_connections: analystLimits.sessions,
        })
      : undefined;
  const analystSessions = Array.from({ length: analystLimits.sessions }, () => analystServerClient ?? connect());
  const layout = layoutOf(target);
  const migration = await migrateAnalytics(
    client,
    tables,
    ANALYST_VIEWS.map((v) => v.statement),
    embedded,
    layout,
  );
  const writer =
    target.kind === 'embedded'
      ? embeddedRowWriter(chdbPathOf(target.dataDir))
      : serverRowWriter(client, undefined, layout.kind === 'cluster' ? CLUSTER_INSERT_SETTINGS : {});
  const analysts = await AnalystQueries.open(analystSessions, {
    limits: analystLimits,
    tables,
    views: ANALYST_VIEWS.map((v) => v.name),
  });
  return {
    client,
    writer,
    target,
    layout,
    migration,
    queryInternal: (sql, queryOptions) => queryInternal(internalClient, sql, queryOptions),
    commandInternal: async (sql, commandOptions) => {
      await internalClient.command({
        query: sql,
        clickhouse_settings: {
          max_execution_time: commandOptions?.executionSecondsMax ?? INTERNAL_COMMAND_SECONDS_MAX,
          ...(layout.kind === 'cluster' ? CLUSTER_INSERT_SETTINGS : {}),
        },
      });
    },
    analysts,
    close: async () => {
      await writer.close();
      await internalClient.close();
      if (analystServerClient) await analystServerClient.close();
      else for (const session of analystSessions) await session.close();
      await client.close();
    },
  };
}

export function layoutOf(target: AnalyticsTarget): DdlLayout {
  return target.kind === 'server' && target.cluster !== undefined
    ? { kind: 'cluster', cluster: target.cluster }
    : SINGLE_LAYOUT;
}

/**
 * An insert into a distributed table is acknowledged only once every shard it touches has stored its part (a
 * background insert would answer from a local spool the node could lose, breaking "acknowledged is durable"),
 * and each shard then sees the sink's deduplication token, so a retried batch is recognised there.
 */
export const CLUSTER_INSERT_SETTINGS = { distributed_foreground_insert: 1 } as const;

function chdbPathOf(dataDir: string): string {
  return path.join(dataDir, 'clickhouse');
}

/** The engine's metadata of the default database, and Vigil's copies of it during an ALTER (outside the engine's tree). */
function embeddedMetadataOf(dataDir: string): { metadataDir: string; backupDir: string } {
  return {
    metadataDir: path.join(chdbPathOf(dataDir), 'metadata', 'default'),
    backupDir: path.join(dataDir, 'clickhouse-alter-backup'),
  };
}

function embeddedClient(dataDir: string): ClickHouseClient {
  const chdbPath = chdbPathOf(dataDir);
  mkdirSync(chdbPath, { recursive: true });
  // chdb pins its own copy of @clickhouse/client-common; the two Connection types are the same contract.
  const connection = createChdbConnection({ path: chdbPath }) as unknown as NonNullable<
    Parameters<typeof createClient>[0]
  >['connection'];
  return createClient({ connection });
}

const INTERNAL_ROWS_MAX = 100_000;
const INTERNAL_SECONDS_MAX = 60;
/** A rollup of a province's day reads the day's telemetry twice; on a loaded box that can take minutes. */
const INTERNAL_COMMAND_SECONDS_MAX = 600;

async function queryInternal(
  client: ClickHouseClient,
  sql: string,
  options: InternalQueryOptions = {},
): Promise<QueryResultTable> {
  const rowsMax = options.rowsMax ?? INTERNAL_ROWS_MAX;
  // Settings of the query itself, never of the session (chDB would keep those for the session's next query).
  const settings = [
    `max_result_rows = ${rowsMax + 1}`,
    `result_overflow_mode = 'break'`,
    `max_execution_time = ${options.executionSecondsMax ?? INTERNAL_SECONDS_MAX}`,
    'readonly = 1',
  ].join(', ');
  let text: string;
  try {
    const result = await client.query({
      query: `${sql}\nSETTINGS ${settings}`,
      format: 'JSONCompactEachRowWithNamesAndTypes',
    });
    text = await result.text();
  } catch (error) {
    await drain(client);
    throw error;
  }
  const lines = text.split('\n').filter((line) => line.length > 0);
  const names = JSON.parse(lines[0] ?? '[]') as string[];
  const types = JSON.parse(lines[1] ?? '[]') as string[];
  const rows = lines.slice(2).map((line) => JSON.parse(line) as unknown[]);
  return {
    columns: names.map((name, i) => ({ name, type: types[i] })),
    rows: rows.slice(0, rowsMax),
    truncated: rows.length > rowsMax,
  };
}
