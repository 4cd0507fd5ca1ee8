/**
 * New embedded stores from a template cluster: a store made this way is migrated and usable like one made by
 * initdb, keeps its data to itself, and the template is only used when the environment asks for it.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { POSTGRES_MIGRATIONS } from '../schema/index.js';
import { openOperational } from './postgres.js';
import { PGLITE_TEMPLATE_ENV, seedFromTemplate } from './pglite-template.js';

const root = mkdtempSync(path.join(tmpdir(), 'vigil-pglite-template-test-'));
const env = { [PGLITE_TEMPLATE_ENV]: path.join(root, 'templates') };
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Where openOperational keeps the cluster of a data dir. */
const clusterOf = (dataDir: string): string => path.join(dataDir, 'postgres');

describe('PGlite template', () => {
  it('does nothing unless the environment names a template directory', async () => {
    const dir = clusterOf(path.join(root, 'untouched'));
    await seedFromTemplate(dir, {});
    expect(existsSync(dir)).toBe(false);
  });

  it('makes the template once and fills new stores from it; each is migrated and keeps its data to itself', async () => {
    const [a, b] = [path.join(root, 'a'), path.join(root, 'b')];
    await Promise.all([seedFromTemplate(clusterOf(a), env), seedFromTemplate(clusterOf(b), env)]);
    expect(readdirSync(env[PGLITE_TEMPLATE_ENV]).filter((f) => f.startsWith('pglite-'))).toHaveLength(1);
    for (const dir of [a, b]) expect(existsSync(path.join(clusterOf(dir), 'PG_VERSION'))).toBe(true);
    const [one, two] = await Promise.all([
      openOperational({ kind: 'embedded', dataDir: a }),
      openOperational({ kind: 'embedded', dataDir: b }),
    ]);
    try {
      for (const sql of [one, two])
        expect((await sql.query<{ id: number }>('SELECT id FROM schema_migrations')).length).toBe(
          POSTGRES_MIGRATIONS.length,
        );
      await one.exec('CREATE TABLE only_here (x int)');
      expect(await two.query(`SELECT to_regclass('only_here')::text AS relation`)).toEqual([{ relation: null }]);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('leaves a directory that already holds a cluster alone', async () => {
    const dir = clusterOf(path.join(root, 'a'));
    const before = readdirSync(dir).sort();
    await seedFromTemplate(dir, env);
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});
