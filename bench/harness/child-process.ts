/**
 * Processes under test, started with `node --import tsx` so that the child's pid is the process whose
 * memory we read (no wrapper in between), and stopped by the harness that started them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PACKAGE_ROOT } from '../../schema/index.js';

/** The children run from source through tsx, also when `vigil bench` itself runs compiled (dist/). */
export const REPO_ROOT = PACKAGE_ROOT;

const GC_SETTLE_MS = 1500;

export interface Child {
  process: ChildProcess;
  /** First stdout line that parsed as JSON with the wanted key. */
  ready: Record<string, unknown>;
  rssBytes(): number;
  /** Resident memory after a full garbage collection in the child. */
  settledRssBytes(): Promise<number>;
  output(): string;
  stop(): Promise<void>;
}

export async function startChild(
  args: string[],
  readyKey: string,
  env: Record<string, string> = {},
  timeoutMs = 120_000,
): Promise<Child> {
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', '--import', './bench/harness/gc-on-signal.ts', ...args],
    { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${args.join(' ')} not ready in ${timeoutMs} ms\n${out}\n${err}`)),
      timeoutMs,
    );
    const check = (): void => {
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const value = JSON.parse(line) as Record<string, unknown>;
          if (readyKey in value) {
            clearTimeout(timer);
            resolve(value);
            return;
          }
        } catch {
          // not a JSON line
        }
      }
    };
    child.stdout.on('data', check);
    void exited.then(() => reject(new Error(`${args.join(' ')} exited before ready\n${out}\n${err}`)));
  });
  const rss = (): number => {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status);
    return kb ? Number(kb[1]) * 1024 : 0;
  };
  return {
    process: child,
    ready,
    rssBytes: rss,
    settledRssBytes: async () => {
      child.kill('SIGUSR2');
      await new Promise((resolve) => setTimeout(resolve, GC_SETTLE_MS));
      return rss();
    },
    output: () => `${out}\n${err}`,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killed);
    },
  };
}

/**
 * A `vigil start` node for a benchmark, with every listener (HTTP, JT/T 808, 809 and 1078) on a free loopback port
 * so that two benchmarks, or a benchmark and a running node, never collide. Ready once it prints its ports.
 */
export function startVigilNode(
  dataDir: string,
  options: { adminPassword: string; args?: string[]; nodeFlags?: string[] },
): Promise<Child> {
  const listeners = ['http', 'jt808', 'jt809'].flatMap((name) => [
    `--${name}-host`,
    '127.0.0.1',
    `--${name}-port`,
    '0',
  ]);
  return startChild(
    [
      ...(options.nodeFlags ?? []),
      'cli/main.ts',
      'start',
      '--data-dir',
      dataDir,
      ...listeners,
      '--jt1078-host',
      '127.0.0.1',
      '--jt1078-live-port',
      '0',
      '--jt1078-playback-port',
      '0',
      '--attachment-port',
      '0',
      '--log-level',
      'warn',
      ...(options.args ?? []),
    ],
    'http_port',
    { VIGIL_ADMIN_PASSWORD: options.adminPassword },
  );
}
