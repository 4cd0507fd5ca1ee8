/**
 * One ClickHouse client for the whole process, over @clickhouse/client. Embedded, the connection is chDB's
 * in-process engine; at scale it is a ClickHouse server URL. Nothing outside this file knows which.
 */
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ANALYTICS_TABLES, type TableSpec } from '../schema/index.js';
import { migrateAnalytics, restoreInterruptedAlters, type AnalyticsMigration } from './clickhouse-migrations.js';
import { embeddedRowWriter, serverRowWriter, type RowWriter } from './row-writer.js';

export type AnalyticsTarget = { kind: 'embedded'; dataDir: string } | { kind: 'server'; url: string };

export interface Analytics {
  client: ClickHouseClient;
  /** The sinks' insert path: TabSeparated bytes with their column list and a per-insert deduplication token, several inserts at once. */
  writer: RowWriter;
  target: AnalyticsTarget;
  /** What start-up changed in the schema (nothing on a normal restart) and what it found different. */
  migration: AnalyticsMigration;
  /** Runs a read-only query and returns column metadata and rows as arrays. */
  queryReadOnly(sql: string, options?: ReadOnlyQueryOptions): Promise<QueryResultTable>;
  close(): Promise<void>;
}

export interface ReadOnlyQueryOptions {
  rowsMax?: number;
  executionSecondsMax?: number;
}

export interface QueryResultTable {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  rowsBeforeLimit?: number;
}

/** Views that make the replacing tables pleasant to query: the latest version of each alarm. */
const VIEW_STATEMENTS = [
  `CREATE VIEW IF NOT EXISTS alarms_current AS SELECT * FROM alarms FINAL`,
  `CREATE VIEW IF NOT EXISTS telemetry_dedup AS SELECT * FROM telemetry FINAL`,
];

export async function openAnalytics(
  target: AnalyticsTarget,
  tables: readonly TableSpec[] = ANALYTICS_TABLES,
): Promise<Analytics> {
  const connect = (): ClickHouseClient =>
    target.kind === 'embedded'
      ? embeddedClient(target.dataDir)
      : createClient({ url: target.url, request_timeout: 60_000 });
  const embedded = target.kind === 'embedded' ? embeddedMetadataOf(target.dataDir) : undefined;
  // Before the engine reads its metadata: an ALTER cut short at the last start must not keep it from loading.
  if (embedded) restoreInterruptedAlters(embedded);
  const client = connect();
  // chDB applies per-query settings as SET statements that stay in force on its session, so the analysts'
  // read-only queries get a session of their own: `readonly` set there can never reach the writers.
  const readerClient = connect();
  const migration = await migrateAnalytics(client, tables, VIEW_STATEMENTS, embedded);
  const writer = target.kind === 'embedded' ? embeddedRowWriter(chdbPathOf(target.dataDir)) : serverRowWriter(client);
  return {
    client,
    writer,
    target,
    migration,
    queryReadOnly: (sql, options) => queryReadOnly(readerClient, sql, options),
    close: async () => {
      await writer.close();
      await readerClient.close();
      await client.close();
    },
  };
}

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

const READ_ONLY_ROWS_MAX = 100_000;
const READ_ONLY_SECONDS_MAX = 60;

/**
 * Table functions an analyst may use. Everything else (file, url, s3, remote, mysql, executable, ...) would
 * read the server's disk or reach other hosts, which `readonly` alone does not prevent.
 */
const ALLOWED_TABLE_FUNCTIONS = new Set([
  'numbers',
  'numbers_mt',
  'zeros',
  'zeros_mt',
  'generateRandom',
  'values',
  'view',
  'null',
  'generate_series',
]);

export class QueryRefusedError extends Error {
  readonly reason = 'query_refused';
}

async function queryReadOnly(
  client: ClickHouseClient,
  sql: string,
  options: ReadOnlyQueryOptions = {},
): Promise<QueryResultTable> {
  const query = stripTrailingSemicolons(sql);
  if (/\binto\s+outfile\b/i.test(query)) throw new QueryRefusedError('INTO OUTFILE is not allowed');
  await refuseForeignTableFunctions(client, query);
  const result = await client.query({
    query,
    format: 'JSONCompactEachRowWithNamesAndTypes',
    clickhouse_settings: {
      // readonly=2 makes the server itself refuse writes and DDL (and changing `readonly`), while still
      // letting the analyst tune harmless settings of their own query.
      readonly: '2',
      max_execution_time: options.executionSecondsMax ?? READ_ONLY_SECONDS_MAX,
      max_result_rows: String(options.rowsMax ?? READ_ONLY_ROWS_MAX),
      result_overflow_mode: 'break',
    },
  });
  const lines = (await result.text()).split('\n').filter((line) => line.length > 0);
  const names = JSON.parse(lines[0] ?? '[]') as string[];
  const types = JSON.parse(lines[1] ?? '[]') as string[];
  return {
    columns: names.map((name, i) => ({ name, type: types[i] })),
    rows: lines.slice(2).map((line) => JSON.parse(line) as unknown[]),
  };
}

async function refuseForeignTableFunctions(client: ClickHouseClient, query: string): Promise<void> {
  // ClickHouse parses the query itself, so the check sees exactly what would run, not a regex's guess.
  let ast: string;
  try {
    const result = await client.query({ query: `EXPLAIN AST ${query}`, format: 'TabSeparatedRaw' });
    // chDB quotes each line of EXPLAIN output whatever the format asked; a server does not. Accept both.
    ast = (await result.text())
      .split('\n')
      .map((line) => line.replace(/^"|"$/g, ''))
      .join('\n');
  } catch (error) {
    // A query that does not parse cannot run either: let the query itself fail, so the analyst reads
    // ClickHouse's message about their own text rather than about the EXPLAIN wrapped around it.
    if (/syntax error/i.test((error as Error).message)) return;
    throw error;
  }
  const lines = ast.split('\n');
  for (let i = 0; i < lines.length - 1; i++) {
    if (!lines[i].trim().startsWith('TableExpression')) continue;
    const fn = /^\s*Function (\w+)/.exec(lines[i + 1]);
    if (fn && !ALLOWED_TABLE_FUNCTIONS.has(fn[1]))
      throw new QueryRefusedError(`table function ${fn[1]}() is not allowed`);
  }
}

function stripTrailingSemicolons(sql: string): string {
  return sql.trim().replace(/;+\s*$/, '');
}
