/**
 * A real Vigil node in a child process whose open-file limit is low (`ulimit -n`, soft and hard: Node raises
 * its soft limit to the hard one at start, so only a lower hard limit holds), flooded with more terminal
 * connections than it can open. DESIGN.md contract 4: the process and the authenticated sessions survive and
 * keep being served (their positions still become durable and acknowledged), connections beyond capacity are
 * closed promptly and counted with a reason, the refusals are logged without a flood, and accepting resumes by
 * itself once descriptors are free.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationBody } from '../cli/demo/location.js';
import { TestTerminal } from './support/jt808-test-terminal.js';
import { until as untilShared, vigilMainArgs } from './support/vigil-process.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/**
 * A node holds about 310 descriptors after start (chDB, PGlite's table files, about 170 of them, listeners) and
 * keeps OPEN_FILES_RESERVE (256) free for them, which leaves room for about 130 terminals.
 */
const OPEN_FILES_LIMIT = 700;
/** Fewer descriptors than a started node holds: the connections that certainly do not fit are at least FLOOD − (limit − this). */
const IN_USE_AT_START_MIN = 150;
/** Far more connections than the limit allows. */
const FLOOD_CONNECTIONS = 500;

let child: ChildProcess;
let dataDir: string;
let out = '';
let err = '';
let ports: { http_port: number; jt808_port: number };
const flood: net.Socket[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-fd-'));
  const args = [
    ...vigilMainArgs(),
    'start',
    '--data-dir',
    dataDir,
    '--http-host',
    '127.0.0.1',
    '--http-port',
    '0',
    '--jt808-host',
    '127.0.0.1',
    '--jt808-port',
    '0',
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
  ];
  child = spawn('bash', ['-c', `ulimit -n ${OPEN_FILES_LIMIT} && exec "$0" "$@"`, process.execPath, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, VIGIL_ADMIN_PASSWORD: 'correct horse battery staple' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  ports = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`vigil did not become ready in 120 s\nstdout:\n${out}\nstderr:\n${err}`)),
      120_000,
    );
    child.once('exit', (code) =>
      reject(new Error(`vigil exited with ${code} before ready\nstdout:\n${out}\nstderr:\n${err}`)),
    );
    child.stdout?.on('data', () => {
      const line = out.split('\n').find((l) => l.startsWith('{"event":"ready"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { http_port: number; jt808_port: number });
      }
    });
  });
});

afterAll(async () => {
  for (const s of flood.splice(0)) s.destroy();
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Waits for `condition`, naming the node's last log lines if it never holds. */
function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  return untilShared(condition, timeoutMs, () => `${what}\nstderr:\n${err.slice(-4000)}`);
}

async function metric(line: RegExp): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${ports.http_port}/metrics`)).text();
  const match = text.split('\n').find((l) => line.test(l));
  return match === undefined ? 0 : Number(match.slice(match.lastIndexOf(' ') + 1));
}

let phoneCounter = 0;
async function loggedIn(): Promise<TestTerminal> {
  phoneCounter++;
  const terminal = await TestTerminal.connect(
    ports.jt808_port,
    `0139100${String(phoneCounter).padStart(5, '0')}`,
    2013,
  );
  expect(await terminal.authenticate(await terminal.register(`豫F${String(phoneCounter).padStart(5, '0')}`))).toBe(0);
  return terminal;
}

async function reportPosition(terminal: TestTerminal, i: number): Promise<number> {
  const body = locationBody(
    { lat: 34.7 + i * 0.001, lon: 113.6, speedKmh: 40, directionDeg: 90, time: Date.UTC(2026, 10, 28, 1, 0, i) },
    2013,
  );
  return (await terminal.replyTo(terminal.send({ msgId: 0x0200, body }), 30_000)).result;
}

/** Opens a raw connection and notes whether and when the server closed it. */
function floodConnection(): { socket: net.Socket; closedAt: () => number | undefined } {
  const socket = net.connect({ host: '127.0.0.1', port: ports.jt808_port });
  let closedAtMs: number | undefined;
  socket.on('error', () => undefined);
  socket.on('close', () => (closedAtMs = Date.now()));
  flood.push(socket);
  return { socket, closedAt: () => closedAtMs };
}

describe('JT/T 808 gateway at the open-file limit', () => {
  it('keeps the process and the sessions, refuses and counts the excess promptly, and resumes accepting', async () => {
    // Start-up said once (as information: these are the built-in defaults, not the operator's bounds) that the
    // default bounds do not fit, naming keys, values, the limit and the remedy.
    const startWarnings = (out + err)
      .split('\n')
      .filter((l) => l.includes(`within its open-file limit ${OPEN_FILES_LIMIT}`));
    expect(startWarnings).toHaveLength(1);
    expect(startWarnings[0]).toContain('"level":"info"');
    expect(startWarnings[0]).toContain('jt808.connectionsMax=100000 + jt809.connectionsMax=1000');
    expect(startWarnings[0]).toContain('LimitNOFILE');

    const sessions = [await loggedIn(), await loggedIn(), await loggedIn()];
    for (const [i, t] of sessions.entries()) expect(await reportPosition(t, i)).toBe(0);

    const floodStartMs = Date.now();
    const attempts = Array.from({ length: FLOOD_CONNECTIONS }, () => floodConnection());
    // Every attempt completes the TCP handshake in the kernel; those beyond capacity must then be closed by
    // the server, not left hanging in the accept queue.
    await until(
      () =>
        attempts.filter((a) => a.closedAt() !== undefined).length >=
        FLOOD_CONNECTIONS - (OPEN_FILES_LIMIT - IN_USE_AT_START_MIN),
      60_000,
      'excess connections closed',
    );
    const refusedMs = Math.max(...attempts.map((a) => a.closedAt() ?? 0)) - floodStartMs;
    expect(refusedMs).toBeLessThan(30_000);
    const held = attempts.filter((a) => a.closedAt() === undefined).length;
    expect(held).toBeGreaterThan(0);

    // The refusals are counted with a reason.
    const closedByServer = attempts.filter((a) => a.closedAt() !== undefined).length;
    await until(
      async () =>
        (await metric(/^vigil_tcp_connections_refused_total\{server="jt808",reason="fd_limit"\}/)) >= closedByServer,
      10_000,
      'refusals counted',
    );
    expect(await metric(/^vigil_process_open_files_limit /)).toBe(OPEN_FILES_LIMIT);

    // The process is alive and the authenticated sessions keep being served, durably, while at capacity.
    expect(child.exitCode).toBeNull();
    for (const [i, t] of sessions.entries()) expect(await reportPosition(t, 100 + i)).toBe(0);

    // Logged, but not once per refusal.
    const refusalLogs = err
      .split('\n')
      .concat(out.split('\n'))
      .filter((l) => l.includes('connections refused')).length;
    expect(refusalLogs).toBeGreaterThan(0);
    expect(refusalLogs).toBeLessThan(10);

    // Free the descriptors: a new terminal connects, registers, authenticates and reports.
    for (const s of flood.splice(0)) s.destroy();
    await until(
      async () => (await metric(/^vigil_jt808_connections /)) <= sessions.length,
      30_000,
      'flood connections released',
    );
    const late = await loggedIn();
    expect(await reportPosition(late, 200)).toBe(0);
    expect(child.exitCode).toBeNull();
  });
});
