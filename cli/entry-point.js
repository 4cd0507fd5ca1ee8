/**
 * Which `main` the `vigil` executable runs: the compiled one in dist/ (`npm run build:node`, see
 * tsconfig.build.json) when it is current, so that a production start transpiles nothing; otherwise the source
 * through tsx, as during development. "Current" means the build finished (it writes dist/.built last) after the
 * newest source file was changed; a build older than the sources is never run, so an edited checkout cannot start
 * yesterday's code.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** What the compiled node is built from (tsconfig.build.json follows `cli/main.ts` through these). */
export const SOURCE_DIRS = [
  'cli',
  'center',
  'ingest',
  'schema',
  'store',
  'stream',
  'fixtures',
  'bench',
  'tests/support',
];
export const BUILD_STAMP = path.join('dist', '.built');

/**
 * Threads of libuv's pool the node runs with (UV_THREADPOOL_SIZE, read once when the pool first starts, so it can
 * only be given from outside the process). On Kafka every consumer's poll (node-rdkafka's `consume`) holds one of
 * the pool's threads while it waits, and a node has about thirty consumers: with the default 4 threads every file
 * write, chDB call, password hash or DNS lookup queued behind the polls (the rules' snapshot took 8–11 s to write,
 * start-up 15 s instead of 5, a clean stop over 20 s). Idle threads cost no CPU.
 */
export const THREADPOOL_SIZE = 64;

/** `env` with the pool size Vigil runs with, unless the operator set one. */
export function tunedEnvironment(env) {
  return env.UV_THREADPOOL_SIZE === undefined ? { ...env, UV_THREADPOOL_SIZE: String(THREADPOOL_SIZE) } : env;
}

/** TypeScript other than tests, and the JSON the code imports (schema/reference); not reports or fixtures' data. */
function compiledFrom(file) {
  if (/\.tsx?$/.test(file)) return !file.endsWith('.test.ts');
  return file.endsWith('.json') && file.includes(`${path.sep}schema${path.sep}`);
}

/** Newest modification time (ms) of the sources the build reads, or 0 when there are none. */
export function newestSourceMtimeMs(root) {
  let newest = 0;
  const visit = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (compiledFrom(full)) newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) visit(path.join(root, dir));
  return Math.max(newest, statSync(path.join(root, 'package.json')).mtimeMs);
}

/**
 * `{ script, compiled, stale }`: the file to run, whether it is the compiled one, and whether a compiled build
 * exists but is older than the sources (worth a word to the operator).
 */
export function entryPoint(root) {
  const source = { script: path.join(root, 'cli', 'main.ts'), compiled: false };
  let builtAt;
  try {
    builtAt = statSync(path.join(root, BUILD_STAMP)).mtimeMs;
  } catch {
    return { ...source, stale: false };
  }
  if (builtAt < newestSourceMtimeMs(root)) return { ...source, stale: true };
  return { script: path.join(root, 'dist', 'cli', 'main.js'), compiled: true, stale: false };
}
