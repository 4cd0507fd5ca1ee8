/**
 * A real PostgreSQL server for tests, from Debian's `postgresql` package: a throw-away cluster (initdb) in a
 * temp dir, started on a free port as the `postgres` OS user (the server refuses to run as root), stopped and
 * removed by the test that started it. When the binaries are missing the start fails with what to install:
 * a suite that claims to test against a server must never pass without one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { unassignedPort } from './free-port.js';

const POSTGRES_LIB = '/usr/lib/postgresql';

export interface PostgresServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

function binDir(): string {
  const versions = existsSync(POSTGRES_LIB)
    ? readdirSync(POSTGRES_LIB)
        .filter((v) => existsSync(path.join(POSTGRES_LIB, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    const where = process.env.CI
      ? 'CI must install it (.ci/run does: apt-get install -y postgresql)'
      : 'install it: apt-get install -y postgresql';
    throw new Error(`PostgreSQL server binaries not found under ${POSTGRES_LIB}/*/bin; ${where}`);
  }
  return path.join(POSTGRES_LIB, versions[0], 'bin');
}

/** Runs a command as the `postgres` user when we are root (the server refuses root), else as ourselves. */
function asPostgres(command: string, args: string[]): { command: string; args: string[] } {
  if (userInfo().uid !== 0) return { command, args };
  return { command: 'runuser', args: ['-u', 'postgres', '--', command, ...args] };
}

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string): number => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || uid <= 0)
    throw new Error('the postgres OS user is missing; the postgresql package creates it');
  return { uid, gid };
}

/**
 * `maxConnections` bounds the server's sessions (50 by default: a suite's few nodes and harnesses); the server every
 * node of a test run shares (tests/support/test-postgres.ts) needs more, as each node's pool holds up to ten.
 */
export async function startPostgresServer(options: { maxConnections?: number } = {}): Promise<PostgresServer> {
  const bin = binDir();
  const root = mkdtempSync(path.join(tmpdir(), 'vigil-pg-'));
  const dataDir = path.join(root, 'data');
  if (userInfo().uid === 0) {
    const { uid, gid } = postgresIds();
    chownSync(root, uid, gid);
  }
  chmodSync(root, 0o700);
  const init = asPostgres(path.join(bin, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    'vigil',
    '--auth=trust',
    '--encoding=UTF8',
    '--no-sync',
  ]);
  const initResult = spawnSync(init.command, init.args, { encoding: 'utf8' });
  if (initResult.status !== 0) throw new Error(`initdb failed (${initResult.status}): ${initResult.stderr}`);
  // Outside the ephemeral range: a port released by `listen(0)` could be taken by any connection before postgres binds.
  const port = await unassignedPort();
  const run = asPostgres(path.join(bin, 'postgres'), [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-h',
    '127.0.0.1',
    '-k',
    root,
    '-c',
    'fsync=off',
    '-c',
    `max_connections=${options.maxConnections ?? 50}`,
  ]);
  const child: ChildProcess = spawn(run.command, run.args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`postgres did not start in 30 s:\n${log}`)), 30_000);
    const check = (): void => {
      if (log.includes('ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr?.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`postgres exited before ready:\n${log}`));
    });
  });
  return {
    url: `postgres://vigil@127.0.0.1:${port}/postgres`,
    port,
    stop: async () => {
      // runuser does not pass signals on, so the postmaster is signalled by the pid it wrote itself.
      // SIGINT is PostgreSQL's fast shutdown: it ends sessions and stops cleanly.
      const postmasterPid = readPostmasterPid(dataDir);
      if (postmasterPid !== undefined) signal(postmasterPid, 'SIGINT');
      else if (child.exitCode === null) child.kill('SIGINT');
      // The bound's timer must not keep a process alive once the server is gone (vitest's main process stops it).
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000).unref())]);
      if (child.exitCode === null) {
        if (postmasterPid !== undefined) signal(postmasterPid, 'SIGKILL');
        child.kill('SIGKILL');
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function readPostmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/**
 * A fresh database on a running server, so each suite starts from nothing: empty, or a copy of `template` (a
 * database no session is connected to).
 */
export async function createDatabase(server: PostgresServer, name: string, template?: string): Promise<string> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}${template === undefined ? '' : ` TEMPLATE ${template}`}`);
  } finally {
    await client.end();
  }
  return server.url.replace(/\/postgres$/, `/${name}`);
}
