/**
 * The operational store: PostgreSQL, embedded as PGlite (on disk under the data dir) or a PostgreSQL server.
 * Callers see only `Sql`, so the same queries run on both.
 */
import { PGlite } from '@electric-sql/pglite';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { POSTGRES_MIGRATIONS, type PostgresMigration } from '../schema/index.js';

export type OperationalTarget = { kind: 'embedded'; dataDir: string } | { kind: 'memory' };

export interface Sql {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  /** Runs a script of several statements (migrations). */
  exec(script: string): Promise<void>;
  /** Runs `work` in one transaction; a thrown error rolls it back. */
  transaction<T>(work: (tx: Omit<Sql, 'transaction' | 'close'>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openOperational(target: OperationalTarget, migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS): Promise<Sql> {
  let db: PGlite;
  if (target.kind === 'embedded') {
    const dir = path.join(target.dataDir, 'postgres');
    mkdirSync(dir, { recursive: true });
    db = await PGlite.create(dir);
  } else {
    db = await PGlite.create();
  }
  const sql = pgliteSql(db);
  await migrate(sql, migrations);
  return sql;
}

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

export async function migrate(sql: Sql, migrations: readonly PostgresMigration[]): Promise<number[]> {
  await sql.query(`CREATE TABLE IF NOT EXISTS schema_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
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
