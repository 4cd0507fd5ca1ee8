/**
 * The operational store against a real PostgreSQL server: same migrations, same `Sql` contract as PGlite —
 * numbers for bigint ids, JSON for jsonb, one connection per transaction, rollback on error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOperational, type Sql } from '../store/index.js';
import { createDatabase, startPostgresServer, type PostgresServer } from './support/postgres-server.js';

let server: PostgresServer;
let sql: Sql;

beforeAll(async () => {
  server = await startPostgresServer();
  sql = await openOperational({ kind: 'server', url: await createDatabase(server, 'store_test') });
});

afterAll(async () => {
  await sql?.close();
  await server?.stop();
});

describe('PostgreSQL server as the operational store', () => {
  it('applies the migrations once and reports bigint ids as numbers', async () => {
    const applied = await sql.query<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
    expect(applied.length).toBeGreaterThan(1);
    expect(typeof applied[0].id).toBe('number');
    const rows = await sql.query<{ n: number; j: { a: number } }>(`SELECT 7::bigint AS n, '{"a":1}'::jsonb AS j`);
    expect(rows[0]).toEqual({ n: 7, j: { a: 1 } });
  });

  it('rolls a failed transaction back and keeps a committed one', async () => {
    await sql.exec('CREATE TABLE t (k text PRIMARY KEY)');
    await expect(
      sql.transaction(async (tx) => {
        await tx.query(`INSERT INTO t VALUES ('rolled-back')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await sql.transaction(async (tx) => {
      await tx.query(`INSERT INTO t VALUES ('kept')`);
    });
    expect(await sql.query('SELECT k FROM t')).toEqual([{ k: 'kept' }]);
  });

  it('lets several nodes start against one server at once: each migration runs once', async () => {
    const url = await createDatabase(server, 'race_test');
    const nodes = await Promise.all([1, 2, 3].map(() => openOperational({ kind: 'server', url })));
    const applied = await nodes[0].query<{ id: number; n: number }>(
      'SELECT id, count(*)::int AS n FROM schema_migrations GROUP BY id',
    );
    expect(applied.length).toBeGreaterThan(1);
    expect(applied.every((r) => r.n === 1)).toBe(true);
    for (const node of nodes) await node.close();
    await expect(openOperational({ kind: 'server', url, poolSize: 1 })).rejects.toThrow(
      'poolSize value 1 is less than min allowed 2',
    );
  });

  it('refuses updates of the append-only audit log', async () => {
    await sql.query(`INSERT INTO audit_log (actor, action) VALUES ('test', 'x')`);
    await expect(sql.query(`UPDATE audit_log SET action = 'y'`)).rejects.toThrow(/append-only/);
  });
});
