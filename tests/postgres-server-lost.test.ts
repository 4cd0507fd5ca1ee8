/**
 * The operational store when its PostgreSQL server goes away under an open transaction (a fast shutdown, a failover,
 * a restart): the server ends the session between two of the transaction's statements, so its connection has no
 * query running to hand the error to. The transaction must fail with that error and the process go on; an error
 * nobody listened for would reach `uncaughtException` and close the whole node (`cli/last-resort.ts`).
 */
import { afterAll, expect, it } from 'vitest';
import { openOperational, type Sql } from '../store/index.js';
import { createDatabase, startPostgresServer, type PostgresServer } from './support/postgres-server.js';
import { until } from './support/vigil-process.js';

let server: PostgresServer | undefined;
let sql: Sql | undefined;

afterAll(async () => {
  await sql?.close().catch(() => undefined);
  await server?.stop();
});

it('fails a transaction open when the server shuts down, without an uncaught error', async () => {
  server = await startPostgresServer();
  sql = await openOperational({ kind: 'server', url: await createDatabase(server, 'lost_test') });
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown): void => void uncaught.push(error);
  process.on('uncaughtException', onUncaught);
  try {
    let firstStatementDone = false;
    let goOn!: () => void;
    const held = new Promise<void>((resolve) => (goOn = resolve));
    const outcome = sql
      .transaction(async (tx) => {
        await tx.query('SELECT 1');
        firstStatementDone = true;
        await held;
        await tx.query('SELECT 2');
      })
      .then(
        () => 'committed',
        (error: unknown) => error,
      );
    await until(() => firstStatementDone, 15_000, "the transaction's first statement");
    // The session ends while the transaction waits between statements, with no query of its own running.
    await server.stop();
    server = undefined;
    goOn();
    const result = await outcome;
    expect(result).toBeInstanceOf(Error);
    expect(uncaught).toEqual([]);
  } finally {
    process.off('uncaughtException', onUncaught);
  }
});
