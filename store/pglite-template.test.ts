/**
 * New embedded stores from a template cluster: a store made this way holds exactly the migrations it is opened
 * with and is usable like one made by initdb and `migrate`, keeps its data to itself, and the template is only used
 * when the environment asks for it. In-memory stores load the same template from its tar file.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { POSTGRES_MIGRATIONS } from '../schema/index.js';
import { migrateCluster, openOperational } from './postgres.js';
import { PGLITE_TEMPLATE_ENV, seedFromTemplate, templateTar } from './pglite-template.js';

const root = mkdtempSync(path.join(tmpdir(), 'vigil-pglite-template-test-'));
const env = { [PGLITE_TEMPLATE_ENV]: path.join(root, 'templates') };
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Where openOperational keeps the cluster of a data dir. */
const clusterOf = (dataDir: string): string => path.join(dataDir, 'postgres');
const seed = (dataDir: string, migrations = POSTGRES_MIGRATIONS) =>
  seedFromTemplate(clusterOf(dataDir), migrations, migrateCluster, env);
const migrationIds = async (sql: Awaited<ReturnType<typeof openOperational>>): Promise<number[]> =>
  (await sql.query<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id')).map((r) => r.id);
const ALL_IDS = POSTGRES_MIGRATIONS.map((m) => m.id).sort((a, b) => a - b);

describe('PGlite template', () => {
  it('does nothing unless the environment names a template directory', async () => {
    const dir = clusterOf(path.join(root, 'untouched'));
    await seedFromTemplate(dir, POSTGRES_MIGRATIONS, migrateCluster, {});
    expect(existsSync(dir)).toBe(false);
    expect(await templateTar(POSTGRES_MIGRATIONS, migrateCluster, {})).toBeUndefined();
  });

  it('makes the template once and fills new stores from it; each is migrated and keeps its data to itself', async () => {
    const [a, b] = [path.join(root, 'a'), path.join(root, 'b')];
    await Promise.all([seed(a), seed(b)]);
    const made = readdirSync(env[PGLITE_TEMPLATE_ENV]).filter((f) => f.startsWith('pglite-'));
    // One cluster, and the same as a tar file for in-memory stores.
    expect(made.filter((f) => !f.endsWith('.tar'))).toHaveLength(1);
    expect(made.filter((f) => f.endsWith('.tar'))).toHaveLength(1);
    for (const dir of [a, b]) expect(existsSync(path.join(clusterOf(dir), 'PG_VERSION'))).toBe(true);
    // Only the database a store opens; template0 and template1 stay behind.
    for (const dir of [a, b]) expect(readdirSync(path.join(clusterOf(dir), 'base'))).toEqual(['5']);
    const [one, two] = await Promise.all([
      openOperational({ kind: 'embedded', dataDir: a }),
      openOperational({ kind: 'embedded', dataDir: b }),
    ]);
    try {
      for (const sql of [one, two]) expect(await migrationIds(sql)).toEqual(ALL_IDS);
      await one.exec('CREATE TABLE only_here (x int)');
      await one.exec('INSERT INTO only_here VALUES (7)');
      await one.exec('VACUUM');
      expect(await two.query(`SELECT to_regclass('only_here')::text AS relation`)).toEqual([{ relation: null }]);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
    const reopened = await openOperational({ kind: 'embedded', dataDir: a });
    try {
      expect(await reopened.query('SELECT x FROM only_here')).toEqual([{ x: 7 }]);
    } finally {
      await reopened.close();
    }
    // Making a template runs initdb and every migration: seconds of CPU, a minute on a loaded machine.
  }, 180_000);

  it('holds exactly the migrations a store is opened with; the later ones are applied when it is opened with them', async () => {
    const older = POSTGRES_MIGRATIONS.filter((m) => m.id < ALL_IDS[ALL_IDS.length - 1]);
    const dataDir = path.join(root, 'older');
    await seed(dataDir, older);
    expect(readdirSync(env[PGLITE_TEMPLATE_ENV]).filter((f) => /^pglite-.*[^r]$/.test(f))).toHaveLength(2);
    const before = await openOperational({ kind: 'embedded', dataDir }, older);
    try {
      expect(await migrationIds(before)).toEqual(older.map((m) => m.id).sort((x, y) => x - y));
    } finally {
      await before.close();
    }
    const after = await openOperational({ kind: 'embedded', dataDir });
    try {
      expect(await migrationIds(after)).toEqual(ALL_IDS);
    } finally {
      await after.close();
    }
  }, 180_000);

  it('gives in-memory stores the migrated template, each its own', async () => {
    const tar = await templateTar(POSTGRES_MIGRATIONS, migrateCluster, env);
    expect(tar?.size).toBeGreaterThan(1_000_000);
    // The suites' own template directory (vitest.config.ts) is what openOperational reads.
    expect(process.env[PGLITE_TEMPLATE_ENV]).toBeTruthy();
    const [one, two] = await Promise.all([openOperational({ kind: 'memory' }), openOperational({ kind: 'memory' })]);
    try {
      for (const sql of [one, two]) expect(await migrationIds(sql)).toEqual(ALL_IDS);
      await one.exec('CREATE TABLE only_here (x int)');
      expect(await two.query(`SELECT to_regclass('only_here')::text AS relation`)).toEqual([{ relation: null }]);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  }, 180_000);

  it('leaves a directory that already holds a cluster alone', async () => {
    const dir = clusterOf(path.join(root, 'a'));
    const before = readdirSync(dir).sort();
    await seed(path.join(root, 'a'));
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});
