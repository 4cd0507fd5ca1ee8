/**
 * PostgreSQL migrations on a real PGlite (on disk, reopened as at a restart): applied once, and a start with
 * nothing new to apply runs no DDL at all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { POSTGRES_MIGRATIONS } from '../schema/index.js';
import { migrate, openOperational, type Sql } from './postgres.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-pg-migrations-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The real store, with every statement it is sent written down. */
function recording(sql: Sql): { sql: Sql; statements: string[] } {
  const statements: string[] = [];
  const record = <T extends Pick<Sql, 'query' | 'exec'>>(target: T): T => ({
    ...target,
    query: (text: string, params?: unknown[]) => {
      statements.push(text);
      return target.query(text, params);
    },
    exec: (script: string) => {
      statements.push(script);
      return target.exec(script);
    },
  });
  return {
    statements,
    sql: { ...record(sql), transaction: (work) => sql.transaction((tx) => work(record(tx))), close: () => sql.close() },
  };
}

const DDL = /\b(CREATE|ALTER|DROP)\b/i;

describe('PostgreSQL migrations', () => {
  it('applies every migration at the first start and runs no DDL at the next', async () => {
    const first = await openOperational({ kind: 'embedded', dataDir }, []);
    const firstRun = recording(first);
    expect(await migrate(firstRun.sql, POSTGRES_MIGRATIONS)).toEqual(
      POSTGRES_MIGRATIONS.map((m) => m.id).sort((a, b) => a - b),
    );
    expect(firstRun.statements.some((s) => DDL.test(s))).toBe(true);
    await first.close();

    const next = await openOperational({ kind: 'embedded', dataDir }, []);
    const nextRun = recording(next);
    expect(await migrate(nextRun.sql, POSTGRES_MIGRATIONS)).toEqual([]);
    expect(nextRun.statements.filter((s) => DDL.test(s))).toEqual([]);
    await next.close();
  });
});
