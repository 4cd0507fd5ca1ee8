/**
 * The operational store: PostgreSQL, embedded as PGlite (on disk under the data dir) or a PostgreSQL server.
 * Callers see only `Sql`, so the same queries run on both.
 */
import { PGlite } from '@electric-sql/pglite';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { POSTGRES_MIGRATIONS, type PostgresMigration } from '../schema/index.js';
import { loadPg, type Pg } from './pg-client.js';
import { seedFromTemplate, templateTar, type MigrateCluster } from './pglite-template.js';
import { tuneWasmTiering } from './wasm-tiering.js';

export type OperationalTarget =
  | { kind: 'embedded'; dataDir: string }
  | { kind: 'memory' }
  /** A PostgreSQL server, `postgres://user:pass@host:5432/db`; `poolSize` bounds its connections. */
  | { kind: 'server'; url: string; poolSize?: number };

/** Connections to a PostgreSQL server at most, unless the target says otherwise. */
export const SERVER_POOL_SIZE_DEFAULT = 10;

export interface Sql {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  /** Runs a script of several statements (migrations). */
  exec(script: string): Promise<void>;
  /** Runs `work` in one transaction; a thrown error rolls it back. */
  transaction<T>(work: (tx: Omit<Sql, 'transaction' | 'close'>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openOperational(
  target: OperationalTarget,
  migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS,
): Promise<Sql> {
  if (target.kind === 'server') {
    const { sql, pool } = serverSql(await loadPg(), target.url, target.poolSize ?? SERVER_POOL_SIZE_DEFAULT);
    try {
      // Several nodes may start against one server at once: a session-level advisory lock lets one migrate.
      const lock = await checkOut(pool);
      try {
        await lock.client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        await migrate(sql, migrations);
      } finally {
        if (lock.failure() === undefined)
          await lock.client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
        lock.release();
      }
    } catch (error) {
      await sql.close();
      throw error;
    }
    return sql;
  }
  // Before any PGlite instance (the template's included) is made: V8 reads it then (store/wasm-tiering.ts).
  tuneWasmTiering();
  let db: PGlite;
  if (target.kind === 'embedded') {
    const dir = path.join(target.dataDir, 'postgres');
    mkdirSync(dir, { recursive: true });
    await seedFromTemplate(dir, migrations, migrateCluster);
    db = await PGlite.create(dir);
  } else {
    const tar = await templateTar(migrations, migrateCluster);
    db = await PGlite.create(tar === undefined ? {} : { loadDataDir: tar });
  }
  const sql = pgliteSql(db);
  await migrate(sql, migrations);
  return sql;
}

/** A new PGlite cluster brought to the schema of `migrations`, to be the template of new stores. */
export const migrateCluster: MigrateCluster = (db, migrations) => migrate(pgliteSql(db), migrations);

function pgliteSql(db: PGlite): Sql {
  return {
    query: async <R>(text: string, params?: unknown[]) => (await db.query<R>(text, params)).rows,
    exec: async (script) => {
      await db.exec(script);
    },
    transaction: (work) =>
      db.transaction(async (tx) =>
        work({
          query: async <R>(text: string, params?: unknown[]) => (await tx.query<R>(text, params)).rows,
          exec: async (script) => {
            await tx.exec(script);
          },
        }),
      ),
    close: () => db.close(),
  };
}

/**
 * bigint columns (ids) come back from PGlite as numbers; the server's driver would give strings. Parsing them
 * as numbers here keeps rows identical on both (ids stay far below 2^53).
 */
function serverTypes(pg: Pg): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: string) =>
      oid === pg.types.builtins.INT8
        ? (text: string) => Number(text)
        : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
}

/** Arbitrary but fixed: the key of the advisory lock held while migrating a server. */
const MIGRATION_LOCK_KEY = 0x7669_6769;

/**
 * A connection taken out of the pool, listened to while it is out. The pool listens to its idle connections only:
 * a server that ends the session of one taken out (a fast shutdown, a failover) between two of its statements has no
 * query to hand the error to, so the connection emits it, and an error nobody listens for reaches
 * `uncaughtException`, which closes the node. Here it is kept instead: the next statement fails with it, and
 * `release` hands the broken connection back to be destroyed rather than reused.
 */
async function checkOut(
  pool: pg.Pool,
): Promise<{ client: pg.PoolClient; failure(): Error | undefined; release(): void }> {
  const client = await pool.connect();
  let failed: Error | undefined;
  const onError = (error: Error): void => {
    failed ??= error;
  };
  client.on('error', onError);
  return {
    client,
    failure: () => failed,
    release: () => {
      client.off('error', onError);
      client.release(failed);
    },
  };
}

function serverSql(pg: Pg, url: string, poolSize: number): { sql: Sql; pool: pg.Pool } {
  // Migrating holds one connection for the lock and needs another for the work.
  if (!Number.isInteger(poolSize) || poolSize < 2)
    throw new Error(`postgres poolSize value ${poolSize} is less than min allowed 2`);
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types: serverTypes(pg) });
  // An idle connection that the server drops must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const query = async <R>(client: pg.Pool | pg.PoolClient, text: string, params?: unknown[]): Promise<R[]> =>
    (await client.query(text, params as unknown[] | undefined)).rows as R[];
  const sql: Sql = {
    query: (text, params) => query(pool, text, params),
    exec: async (script) => {
      await pool.query(script);
    },
    transaction: async (work) => {
      // A transaction needs one connection for all of its statements.
      const { client, failure, release } = await checkOut(pool);
      try {
        await client.query('BEGIN');
        const result = await work({
          query: (text, params) => query(client, text, params),
          exec: async (script) => {
            await client.query(script);
          },
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        if (failure() === undefined) await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        release();
      }
    },
    close: () => pool.end(),
  };
  return { sql, pool };
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in its own transaction with its record.
 * A start with nothing new to apply only reads: no DDL, not even the `IF NOT EXISTS` kind, so a restart never
 * takes a catalog lock or writes the catalog.
 */
export async function migrate(sql: Sql, migrations: readonly PostgresMigration[]): Promise<number[]> {
  const [tracked] = await sql.query<{ relation: string | null }>(
    `SELECT to_regclass('schema_migrations')::text AS relation`,
  );
  if (tracked?.relation == null)
    await sql.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
  const applied = new Set((await sql.query<{ id: number }>('SELECT id FROM schema_migrations')).map((r) => r.id));
  const newlyApplied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.id - b.id)) {
    if (applied.has(migration.id)) continue;
    await sql.transaction(async (tx) => {
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [migration.id, migration.name]);
    });
    newlyApplied.push(migration.id);
  }
  return newlyApplied;
}
