/**
 * The insert path of the sinks: rows already encoded as TabSeparated (`schema/tsv-rows.ts`) go to ClickHouse with
 * their column list and a deduplication token that belongs to that one insert.
 *
 * Embedded, each insert hands its bytes to chDB's raw insert on one of a few writer sessions of its own: the
 * engine parses the payload itself (no client stream, no SQL string holding the whole batch), and the token is
 * a query-level `SETTINGS` clause of the INSERT, so it can never linger on a session and reach another insert.
 * chDB runs the queries of one session one after the other, so inserts meant to overlap need sessions of their
 * own; each session runs one insert at a time. With a ClickHouse server the same bytes go over HTTP through
 * @clickhouse/client, whose settings are per request.
 */
import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection, type ChdbConnection } from 'chdb/connection';
import { TSV_INSERT_SETTINGS } from '../schema/index.js';

export interface RowWriter {
  /**
   * Inserts `body`, TabSeparated rows whose fields are `columns` in that order (a table encoder's output), into
   * `table`; columns not named take their DEFAULT, and so does an empty field. An insert carrying a token already
   * seen within the table's deduplication window is dropped as a duplicate block, so a retry or replay of the
   * same batch under the same token writes nothing twice. Resolves once the rows are committed.
   */
  insertTabSeparated(
    table: string,
    columns: readonly string[],
    body: Buffer,
    deduplicationToken: string,
  ): Promise<void>;
  /** Inserts that can run at the same time; more wait for a free session. */
  readonly insertsInFlightMax: number;
  close(): Promise<void>;
}

/** Writer sessions of the embedded engine; also the bound on inserts running at once. */
export const EMBEDDED_WRITER_SESSIONS = 3;
/** Concurrent inserts to a ClickHouse server (HTTP requests of the client's pool). */
export const SERVER_INSERTS_IN_FLIGHT_MAX = 4;

export function embeddedRowWriter(chdbPath: string, sessions = EMBEDDED_WRITER_SESSIONS): RowWriter {
  if (!Number.isInteger(sessions) || sessions < 1)
    throw new Error(`writer sessions value ${sessions} is less than min allowed 1`);
  const free: ChdbConnection[] = Array.from({ length: sessions }, () => createChdbConnection({ path: chdbPath }));
  const all = [...free];
  // At most one waiter per insert that could not get a session; inserts come from the sinks, each of which
  // keeps a bounded number in flight, so this queue is bounded by sinks × their depth.
  const waiting: ((session: ChdbConnection) => void)[] = [];
  const acquire = (): Promise<ChdbConnection> => {
    const session = free.pop();
    return session ? Promise.resolve(session) : new Promise((resolve) => waiting.push(resolve));
  };
  const release = (session: ChdbConnection): void => {
    const next = waiting.shift();
    if (next) next(session);
    else free.push(session);
  };
  return {
    insertsInFlightMax: sessions,
    insertTabSeparated: async (table, columns, body, deduplicationToken) => {
      const session = await acquire();
      try {
        await session.chdb.rawInsert({
          table,
          columns,
          values: body,
          format: 'TabSeparated',
          settings: insertSettings(deduplicationToken),
        });
      } finally {
        release(session);
      }
    },
    close: async () => {
      for (const session of all) await session.close();
    },
  };
}

export function serverRowWriter(
  client: ClickHouseClient,
  inFlightMax = SERVER_INSERTS_IN_FLIGHT_MAX,
  /** Settings of every insert on top of the token and the TabSeparated ones (a cluster's, store/clickhouse.ts). */
  layoutSettings: Readonly<Record<string, string | number>> = {},
): RowWriter {
  return {
    insertsInFlightMax: inFlightMax,
    insertTabSeparated: async (table, columns, body, deduplicationToken) => {
      // A byte stream (not object mode) is sent as it is: the rows are already TabSeparated.
      await client.insert({
        table,
        columns: [...columns] as [string, ...string[]],
        values: Readable.from([body], { objectMode: false }),
        format: 'TabSeparated',
        clickhouse_settings: { ...layoutSettings, ...insertSettings(deduplicationToken) },
      });
    },
    // The client belongs to the Analytics handle, which closes it.
    close: async () => undefined,
  };
}

/** Query-level settings of one insert: its token, and how its TabSeparated fields are read. */
function insertSettings(
  deduplicationToken: string,
): { insert_deduplication_token: string; insert_deduplicate: 1 } & typeof TSV_INSERT_SETTINGS {
  return { insert_deduplication_token: deduplicationToken, insert_deduplicate: 1, ...TSV_INSERT_SETTINGS };
}
