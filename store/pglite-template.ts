/**
 * A new embedded operational store made by copying an empty PGlite cluster instead of running initdb, when
 * `VIGIL_PGLITE_TEMPLATE_DIR` names a directory to keep that cluster in. initdb costs 3–5 s of CPU per store (most
 * of a fresh node's start-up); a copy about 0.2 s. The test suites set it (vitest.config.ts) because they make a
 * new store for almost every node they start; a production node makes its store once and leaves it unset.
 *
 * The template is one empty cluster per PGlite version (a cluster made by another version must not be copied), made
 * on first use in a scratch directory and renamed into place, so processes starting at the same time never copy half
 * a template; the loser of that race throws its own away.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

export const PGLITE_TEMPLATE_ENV = 'VIGIL_PGLITE_TEMPLATE_DIR';

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

async function templateCluster(root: string): Promise<string> {
  const template = path.join(root, `pglite-${pgliteVersion()}`);
  if (hasCluster(template)) return template;
  mkdirSync(root, { recursive: true });
  const scratch = path.join(root, `.making-${process.pid}-${Date.now()}`);
  const db = await PGlite.create(scratch);
  await db.close();
  try {
    renameSync(scratch, template);
  } catch (error) {
    // Another process put its template in place first: use that one.
    rmSync(scratch, { recursive: true, force: true });
    if (!hasCluster(template)) throw error;
  }
  return template;
}

/** Fills an empty store directory from the template when the environment names one; otherwise does nothing. */
export async function seedFromTemplate(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const root = env[PGLITE_TEMPLATE_ENV];
  if (root === undefined || root === '' || hasCluster(dir)) return;
  cpSync(await templateCluster(root), dir, { recursive: true });
}
