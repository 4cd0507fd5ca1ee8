/**
 * The insert path of the sinks: rows already encoded as JSONEachRow go to ClickHouse with a deduplication token
 * that belongs to that one insert.
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

export interface RowWriter {
  /**
   * Inserts `body`, one JSON object per line (JSONEachRow), into `table`. An insert carrying a token already
   * seen within the table's deduplication window is dropped as a duplicate block, so a retry or replay of the
   * same batch under the same token writes nothing twice. Resolves once the rows are committed.
   */
  insertJsonEachRow(table: string, body: Buffer, deduplicationToken: string): Promise<void>;
  /** Inserts that can run at the same time; more wait for a free session. */
  readonly insertsInFlightMax: number;
  close(): Promise<void>;
}

/** Writer sessions of the embedded engine; also the bound on inserts running at once. */
export const EMBEDDED_WRITER_SESSIONS = 3;
/** Concurrent inserts to a ClickHouse server (HTTP requests of the client's pool). */
export const SERVER_INSERTS_IN_FLIGHT_MAX = 4;

export function embeddedRowWriter(chdbPath: string, sessions = EMBEDDED_WRITER_SESSIONS): RowWriter {
  if (!Number.isInteger(sessions) || sessions < 1) throw new Error(`writer sessions value ${sessions} is less than min allowed 1`);
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
    insertJsonEachRow: async (table, body, deduplicationToken) => {
      const session = await acquire();
      try {
        await session.chdb.rawInsert({ table, values: body, format: 'JSONEachRow', settings: { insert_deduplication_token: deduplicationToken, insert_deduplicate: 1 } });
      } finally {
        release(session);
      }
    },
    close: async () => {
      for (const session of all) await session.close();
    },
  };
}

export function serverRowWriter(client: ClickHouseClient, inFlightMax = SERVER_INSERTS_IN_FLIGHT_MAX): RowWriter {
  return {
    insertsInFlightMax: inFlightMax,
    insertJsonEachRow: async (table, body, deduplicationToken) => {
      // A byte stream (not object mode) is sent as it is: the rows are already JSONEachRow.
      await client.insert({
        table,
        values: Readable.from([body], { objectMode: false }),
        format: 'JSONEachRow',
        clickhouse_settings: { insert_deduplication_token: deduplicationToken, insert_deduplicate: 1 },
      });
    },
    // The client belongs to the Analytics handle, which closes it.
    close: async () => undefined,
  };
}
