/**
 * One PostgreSQL server for the nodes of a test run, a database each.
 *
 * A node on its embedded PGlite pays about 1 CPU-s more to start than one on a PostgreSQL server (PGlite boots
 * PostgreSQL compiled to WebAssembly in the node's own process), and every statement it runs afterwards costs the
 * node's main thread far more than on a server. The shared files start about a hundred nodes, most of them to test
 * something other than where the accounts are kept, so `vitest.config.ts` runs this as the shared project's global
 * set-up: one server (Debian's, as `postgres-server.ts` starts it) and a template database migrated once, which
 * each node's database is copied from (`CREATE DATABASE … TEMPLATE`, cheaper than migrating).
 *
 * `startVigil` puts such a node on it unless the test asks for the embedded store (`store: 'embedded'`) or names
 * a store itself: the files that prove the default start, its data directory and its crashes keep PGlite, which
 * the in-process tests cover too. A node's database is named after its data directory, so a restart on the same
 * directory finds its data again, as on PGlite.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { OperationalTarget } from '../../store/index.js';
import { openOperational } from '../../store/index.js';
import { createDatabase, startPostgresServer, type PostgresServer } from './postgres-server.js';

/** Where the run's server is, for the test processes (set by the global set-up, inherited by its workers). */
const SERVER_ENV = 'VIGIL_TEST_POSTGRES_SERVER';
const TEMPLATE = 'vigil_template';
/** Three files at a time, up to three nodes each, ten connections in a node's pool, and the files' own clients. */
const MAX_CONNECTIONS = 300;

/** vitest's global set-up: starts the server and migrates the template; what it returns stops the server. */
export default async function setup(): Promise<() => Promise<void>> {
  const server: PostgresServer = await startPostgresServer({ maxConnections: MAX_CONNECTIONS });
  try {
    const template = await createDatabase(server, TEMPLATE);
    await (await openOperational({ kind: 'server', url: template, poolSize: 2 })).close();
  } catch (error) {
    await server.stop();
    throw error;
  }
  process.env[SERVER_ENV] = server.url;
  return async () => {
    delete process.env[SERVER_ENV];
    await server.stop();
  };
}

/** The run's server, when the project runs on one. */
export function testPostgresServer(): string | undefined {
  return process.env[SERVER_ENV] || undefined;
}

const created = new Map<string, Promise<string>>();

/**
 * The database of the node on `dataDir` on the run's server (made from the template the first time), or undefined
 * when the run has no server.
 */
export async function nodeDatabaseUrl(dataDir: string): Promise<string | undefined> {
  const server = sharedServer();
  if (server === undefined) return undefined;
  const name = `vigil_${createHash('sha256').update(dataDir).digest('hex').slice(0, 24)}`;
  let url = created.get(name);
  if (url === undefined) {
    url = createDatabase(server, name, TEMPLATE);
    created.set(name, url);
  }
  return url;
}

/**
 * The operational store a node started by `startVigil` on `dataDir` uses, for a test that seeds it before the
 * node starts (a source key, an assessment's facts): its database on the run's server, else its embedded PGlite.
 */
export async function nodeOperationalTarget(dataDir: string): Promise<OperationalTarget> {
  const url = await nodeDatabaseUrl(dataDir);
  return url === undefined ? { kind: 'embedded', dataDir } : { kind: 'server', url };
}

/**
 * A fresh operational store for an in-process harness (`startCenterHarness`): a new database on the run's server,
 * copied from the template, else PGlite in memory. A database costs the server about 70 ms; a PGlite store about
 * 0.8 CPU-s of the test's own process, and every statement far more. The harness files whose subject is PGlite's
 * own behaviour ask for `{ kind: 'memory' }` themselves, and the unit tests beside the code all run on it.
 */
export async function harnessStore(): Promise<OperationalTarget> {
  const server = sharedServer();
  if (server === undefined) return { kind: 'memory' };
  return { kind: 'server', url: await createDatabase(server, `vigil_h${randomBytes(8).toString('hex')}`, TEMPLATE) };
}

/**
 * The run's server as a suite's own (`useStoreServer`), or undefined when the run has none: the suite then starts
 * one. Stopping it is left to the run.
 */
export function sharedServer(): PostgresServer | undefined {
  const url = testPostgresServer();
  if (url === undefined) return undefined;
  return { url, port: Number(new URL(url).port), stop: async () => undefined };
}
