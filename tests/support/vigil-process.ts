/**
 * Starts a real Vigil node as a child process (`vigil start`) on free ports with its own data dir, as an
 * operator would, and gives tests its ports, tokens and an authenticated API client.
 */
import { entryPoint, tunedEnvironment } from '../../cli/entry-point.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeDatabaseUrl } from './test-postgres.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

let nodeEntry: string[] | undefined;

/**
 * Node arguments that run Vigil's `main`, by the launcher's own rule (cli/entry-point.js): the compiled one in dist/
 * when that build is current (`npm test` builds it first), otherwise `cli/main.ts` through tsx. Loading tsx and
 * transpiling the node cost about 1–2 s of CPU at every start, and the suite starts over a hundred nodes. A build
 * older than any source is never run, so an edited checkout tests its sources. Decided once per test file.
 */
export function vigilMainArgs(): string[] {
  if (!nodeEntry) {
    const entry = entryPoint(REPO_ROOT);
    nodeEntry = entry.compiled ? [entry.script] : ['--import', 'tsx', entry.script];
  }
  return nodeEntry;
}

export interface VigilProcess {
  /** What the process runs (`--role`; `all` unless given). Ports and the wall token of parts its role does not run are 0 and ''. */
  role: string;
  httpPort: number;
  jt808Port: number;
  /** JT/T 809 main-link port (always a free port in tests). */
  jt809Port: number;
  /** JT/T 1078 media ports for live video and playback (free ports in tests). */
  jt1078LivePort: number;
  /** Only when the node was started with --jt1078-live-udp-port. */
  jt1078LiveUdpPort?: number;
  jt1078PlaybackPort: number;
  /** The active-safety attachment server (a free port in tests). */
  attachmentPort: number;
  /** Only when the node was started with --ais-tcp-port / --ais-udp-port. */
  aisTcpPort?: number;
  aisUdpPort?: number;
  wallToken: string;
  baseUrl: string;
  dataDir: string;
  adminPassword: string;
  stdout: () => string;
  stderr: () => string;
  /** Process id of what was spawned (the launcher when `launcher` was set). */
  pid: number;
  /** Process id of the node itself, as its ready line states (a child of what was spawned). */
  nodePid: number;
  /** Kills the node itself with SIGKILL, as a crash would, and waits until what was spawned has exited. */
  crash(): Promise<void>;
  /** Logs in and returns a bearer token. */
  login(username?: string, password?: string): Promise<string>;
  /** Runs SQL through the analyst API as admin. */
  sql<T = unknown[]>(sql: string): Promise<{ columns: { name: string; type: string }[]; rows: T[] }>;
  /** Stops the process (SIGTERM) and waits for it; keeps the data dir unless `removeData`. */
  stop(options?: { removeData?: boolean }): Promise<number | null>;
}

export interface StartOptions {
  dataDir?: string;
  args?: string[];
  env?: Record<string, string>;
  /** Flags of Node itself before the script, e.g. `--cpu-prof` (which Node does not take from NODE_OPTIONS). */
  nodeFlags?: string[];
  httpPort?: number;
  jt808Port?: number;
  /** Start through the `vigil` executable (cli/vigil.js), as an installed Vigil runs, instead of tsx directly. */
  launcher?: boolean;
  /**
   * Open-file limit of the node (`ulimit -n`, soft and hard: Node raises its soft limit to the hard one at start,
   * so only a lower hard limit holds).
   */
  openFilesLimit?: number;
  /**
   * `embedded` keeps the node on PGlite in its data dir, the default an operator gets. Otherwise a node whose
   * arguments name no `--postgres-url` gets a database of its own on the test run's PostgreSQL server when the run
   * has one (tests/support/test-postgres.ts says why).
   */
  store?: 'embedded';
}

export const ADMIN_PASSWORD = 'correct horse battery staple';

/**
 * How long a node may take to be ready: about 3 s alone, but a node on Kafka waited more than 90 s for its broker's
 * group at a load average of 35 (a budget, not a wait: a ready node goes on at once).
 */
const READY_MS = 180_000;

export async function startVigil(options: StartOptions = {}): Promise<VigilProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'vigil-test-'));
  // Without the launcher, node itself runs `main` (compiled, or loading tsx with `--import`) rather than the tsx
  // executable, which would run the node as its own child and relay signals to it: one process, and its exit code is
  // the node's own (tsx kills a child that is slow to confirm a relayed SIGTERM, which a loaded machine made look
  // like a failed shutdown).
  const command = process.execPath;
  // VIGIL_TEST_CPU_PROF=DIR: every node a test starts writes a CPU profile into DIR when it stops (CONTRIBUTING.md).
  const profileDir = process.env.VIGIL_TEST_CPU_PROF;
  const namesStore =
    (options.args ?? []).includes('--postgres-url') ||
    options.env?.VIGIL_POSTGRES_URL !== undefined ||
    process.env.VIGIL_POSTGRES_URL !== undefined;
  const storeUrl = options.store === 'embedded' || namesStore ? undefined : await nodeDatabaseUrl(dataDir);
  const args = [
    ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    ...(options.nodeFlags ?? []),
    ...(options.launcher ? ['cli/vigil.js'] : vigilMainArgs()),
    'start',
    '--data-dir',
    dataDir,
    '--http-host',
    '127.0.0.1',
    '--http-port',
    String(options.httpPort ?? 0),
    '--jt808-host',
    '127.0.0.1',
    '--jt808-port',
    String(options.jt808Port ?? 0),
    '--jt809-host',
    '127.0.0.1',
    '--jt809-port',
    '0',
    '--jt1078-live-port',
    '0',
    '--jt1078-playback-port',
    '0',
    '--attachment-port',
    '0',
    ...(storeUrl === undefined ? [] : ['--postgres-url', storeUrl]),
    ...(options.args ?? []),
  ];
  const limited = options.openFilesLimit !== undefined;
  const child: ChildProcess = spawn(
    limited ? 'bash' : command,
    limited ? ['-c', `ulimit -n ${options.openFilesLimit} && exec "$0" "$@"`, command, ...args] : args,
    {
      cwd: REPO_ROOT,
      // Started without the launcher, the node gets the environment the launcher would give it.
      env: {
        ...(options.launcher ? process.env : tunedEnvironment(process.env)),
        VIGIL_ADMIN_PASSWORD: ADMIN_PASSWORD,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // A role that does not run a listener (or the wall) leaves its port (or URL) out of the ready line.
  const ready = await new Promise<{
    role: string;
    pid: number;
    http_port: number;
    jt808_port?: number;
    jt809_port?: number;
    jt1078_live_port?: number;
    jt1078_playback_port?: number;
    jt1078_live_udp_port?: number;
    attachment_port?: number;
    ais_tcp_port?: number;
    ais_udp_port?: number;
    wall_url?: string;
  }>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A node still starting would otherwise outlive the test that gave up on it, busy on a loaded machine.
      child.kill('SIGKILL');
      reject(new Error(`vigil did not become ready in ${READY_MS / 1000} s\nstdout:\n${out}\nstderr:\n${err}`));
    }, READY_MS);
    const check = (): void => {
      const line = out.split('\n').find((l) => l.startsWith('{"event":"ready"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as typeof ready);
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`vigil exited with ${code} before ready\nstdout:\n${out}\nstderr:\n${err}`));
    });
  });
  const baseUrl = `http://127.0.0.1:${ready.http_port}`;
  let adminToken: string | undefined;
  const login = async (username = 'admin', password = ADMIN_PASSWORD): Promise<string> => {
    const res = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      body: JSON.stringify({ username, password }),
    });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { token: string }).token;
  };
  return {
    role: ready.role,
    httpPort: ready.http_port,
    jt808Port: ready.jt808_port ?? 0,
    jt809Port: ready.jt809_port ?? 0,
    jt1078LivePort: ready.jt1078_live_port ?? 0,
    jt1078PlaybackPort: ready.jt1078_playback_port ?? 0,
    jt1078LiveUdpPort: ready.jt1078_live_udp_port,
    attachmentPort: ready.attachment_port ?? 0,
    aisTcpPort: ready.ais_tcp_port,
    aisUdpPort: ready.ais_udp_port,
    wallToken: ready.wall_url === undefined ? '' : (new URL(ready.wall_url).searchParams.get('token') ?? ''),
    baseUrl,
    dataDir,
    adminPassword: ADMIN_PASSWORD,
    stdout: () => out,
    stderr: () => err,
    pid: child.pid ?? 0,
    nodePid: ready.pid,
    crash: async () => {
      process.kill(ready.pid, 'SIGKILL');
      // Without the launcher the node is what was spawned; with it, the launcher relays the node's death.
      const code = await Promise.race([exited, new Promise<number | null>((r) => setTimeout(() => r(-1), 20_000))]);
      if (code === -1) child.kill('SIGKILL');
    },
    login,
    sql: async <T>(sql: string) => {
      adminToken ??= await login();
      const res = await fetch(`${baseUrl}/api/sql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ sql }),
      });
      const body = (await res.json()) as {
        columns: { name: string; type: string }[];
        rows: T[];
        error?: string;
        detail?: string;
      };
      if (res.status !== 200) throw new Error(`sql failed: ${res.status} ${body.error}: ${body.detail}`);
      return body;
    },
    stop: async ({ removeData = false } = {}) => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<number | null>((r) => setTimeout(() => r(-1), 20_000))]);
      if (code === -1) child.kill('SIGKILL');
      if (removeData) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

/**
 * The one way tests wait for something: polls `probe` until it returns a value that is not undefined (an error it
 * throws counts as "not yet"), or fails after `timeoutMs` naming `what` — a function is asked only then, for
 * context such as a node's last log lines — and the probe's last error. Never a fixed sleep: a fast machine goes
 * on at once, a slow one waits up to the bound.
 */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
  what: string | (() => string) = 'condition',
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  const named = typeof what === 'function' ? what() : what;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${named}${lastError ? `: ${String(lastError)}` : ''}`);
}

/** `eventually` for a yes/no condition. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  what: string | (() => string) = 'condition',
  intervalMs = 50,
): Promise<void> {
  await eventually(async () => ((await condition()) ? true : undefined), timeoutMs, what, intervalMs);
}
