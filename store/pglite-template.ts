/**
 * A new embedded operational store made by copying a PGlite cluster that already holds the schema, instead of
 * running initdb and every migration, when `VIGIL_PGLITE_TEMPLATE_DIR` names a directory to keep that cluster in.
 * initdb and the migrations cost 2–5 s of CPU per store (most of a fresh node's start-up); a copy about 0.3 s. The
 * test suites set it (vitest.config.ts) because they make a new store for almost every node they start and every
 * in-memory store of their harnesses; a production node makes its store once and leaves it unset.
 *
 * The template is one migrated cluster per PGlite version and list of migrations (a cluster made by another
 * version must not be copied, and a store must hold exactly the migrations it is opened with; `migrate` then finds
 * nothing to do). It is made on first use in a scratch directory and renamed into place, so processes starting at
 * the same time never copy half a template; the loser of that race throws its own away. Beside it lies the same
 * cluster as a tar file, which an in-memory store loads instead of a directory.
 *
 * A copy leaves out the databases `template0` and `template1` (half the cluster's 1,200 files): a store only ever
 * opens `postgres`, and copying costs kernel time by the file (the bytes, even the 16 MB WAL segment, cost little).
 * Such a store cannot run CREATE DATABASE, which nothing in Vigil does.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { PostgresMigration } from '../schema/index.js';

export const PGLITE_TEMPLATE_ENV = 'VIGIL_PGLITE_TEMPLATE_DIR';

/** The directories (under `base/`) of `template1` and `template0`, whose OIDs PostgreSQL fixes at initdb. */
const TEMPLATE_DATABASE_OIDS = [1, 4];

/** A cluster's files exist in `dir` (PostgreSQL writes PG_VERSION first of all). */
function hasCluster(dir: string): boolean {
  return existsSync(path.join(dir, 'PG_VERSION'));
}

/** The installed PGlite's version, from its package.json (which its exports do not list, so found from its entry). */
function pgliteVersion(): string {
  for (
    let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
    ;
    dir = path.dirname(dir)
  ) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (name === '@electric-sql/pglite' && version !== undefined) return version;
    }
    if (path.dirname(dir) === dir) throw new Error('the installed @electric-sql/pglite has no package.json');
  }
}

/** Brings a new cluster to the schema of `migrations` (store/postgres.ts's `migrate`, passed in to keep one copy). */
export type MigrateCluster = (db: PGlite, migrations: readonly PostgresMigration[]) => Promise<unknown>;

/** The template's name: the PGlite version and a digest of the migrations it holds. */
function templateName(migrations: readonly PostgresMigration[]): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(migrations.map((m) => [m.id, m.name, m.sql])))
    .digest('hex')
    .slice(0, 16);
  return `pglite-${pgliteVersion()}-${digest}`;
}

async function templateCluster(
  root: string,
  migrations: readonly PostgresMigration[],
  migrateCluster: MigrateCluster,
): Promise<string> {
  const template = path.join(root, templateName(migrations));
  if (hasCluster(template)) return template;
  mkdirSync(root, { recursive: true });
  const scratch = path.join(root, `.making-${process.pid}-${Date.now()}`);
  const db = await PGlite.create(scratch);
  try {
    await migrateCluster(db, migrations);
    // The tar is in place before the cluster, whose PG_VERSION says the template is whole.
    writeFileSync(`${scratch}.tar`, new Uint8Array(await (await db.dumpDataDir('none')).arrayBuffer()));
  } finally {
    await db.close();
  }
  renameSync(`${scratch}.tar`, `${template}.tar`);
  try {
    renameSync(scratch, template);
  } catch (error) {
    // Another process put its template in place first: use that one.
    rmSync(scratch, { recursive: true, force: true });
    if (!hasCluster(template)) throw error;
  }
  return template;
}

/** The template directory the environment names, if any. */
function templateRoot(env: NodeJS.ProcessEnv): string | undefined {
  const root = env[PGLITE_TEMPLATE_ENV];
  return root === undefined || root === '' ? undefined : root;
}

/**
 * Fills an empty store directory from the template of `migrations` when the environment names a template
 * directory; otherwise, or when the directory already holds a cluster, does nothing.
 */
export async function seedFromTemplate(
  dir: string,
  migrations: readonly PostgresMigration[],
  migrateCluster: MigrateCluster,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const root = templateRoot(env);
  if (root === undefined || hasCluster(dir)) return;
  const template = await templateCluster(root, migrations, migrateCluster);
  const unused = TEMPLATE_DATABASE_OIDS.map((oid) => path.join(template, 'base', String(oid)));
  cpSync(template, dir, { recursive: true, filter: (source) => !unused.includes(source) });
}

/**
 * The template of `migrations` as a tar file's contents, for an in-memory store to load (PGlite's `loadDataDir`),
 * when the environment names a template directory; otherwise undefined.
 */
export async function templateTar(
  migrations: readonly PostgresMigration[],
  migrateCluster: MigrateCluster,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Blob | undefined> {
  const root = templateRoot(env);
  if (root === undefined) return undefined;
  return new Blob([readFileSync(`${await templateCluster(root, migrations, migrateCluster)}.tar`)]);
}
