/**
 * A real Vigil node whose open-file limit is low (`ulimit -n 800`), flooded with idle HTTP connections — the
 * attack that once took the descriptors the sinks need (19,600 idle sockets: chDB inserts failed, ingestion
 * stalled). The HTTP server draws from the same descriptor budget as the JT/T 808/809 servers, so past it new
 * HTTP connections get 503 fd_limit and are counted, while the stores keep their reserve: records posted on a
 * connection opened before the flood still land in ClickHouse, and terminals keep being acknowledged (a 0x8001
 * means the fix is stored). Once the flood goes, HTTP and terminals connect again.
 */
import { readdirSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationBody } from '../cli/demo/location.js';
import { TestTerminal } from './support/jt808-test-terminal.js';
import { eventually, startVigil, until as untilShared, type VigilProcess } from './support/vigil-process.js';

/**
 * A node holds about 210 descriptors after start (chDB, PGlite, listeners) and some 300 once it has worked a while
 * (PGlite opens a file per relation it touches, ClickHouse one per thread for its statistics); it keeps
 * OPEN_FILES_RESERVE (256) free for the stores and HTTP_HEADROOM_CONNECTIONS (64) of the rest for HTTP, which at
 * this limit leaves terminals room after the flood, and HTTP some 200–300 connections during it.
 */
const OPEN_FILES_LIMIT = 800;
/** Fewer descriptors than a started node holds: the connections that certainly do not fit are at least FLOOD − (limit − this). */
const IN_USE_AT_START_MIN = 150;
/** Far more idle HTTP connections than the limit allows. */
const FLOOD_CONNECTIONS = 800;

let vigil: VigilProcess;
/** One kept-alive connection opened before the flood, for the API calls made during it. */
const keptAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
const flood: { socket: net.Socket; received: () => string; closedAt: () => number | undefined }[] = [];
let admin: string;
let sourceKey: string;

beforeAll(async () => {
  vigil = await startVigil({
    openFilesLimit: OPEN_FILES_LIMIT,
    // The flood must stay for the test's length (the headers timeout would close it, see center/http/server.test.ts);
    // the kept-alive connection too.
    args: ['--http-headers-timeout-ms', '120000', '--http-keep-alive-timeout-ms', '120000'],
  });
});

afterAll(async () => {
  for (const f of flood.splice(0)) f.socket.destroy();
  keptAlive.destroy();
  await vigil?.stop({ removeData: true });
});

/** A request on the kept-alive connection. */
function api(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: vigil.httpPort,
        method,
        path,
        agent: keptAlive,
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path} was not answered in 30 s`)));
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Waits for `condition`, naming the node's last log lines if it never holds. */
function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  return untilShared(condition, timeoutMs, () => `${what}\nstderr:\n${vigil.stderr().slice(-4000)}`);
}

async function metric(line: RegExp): Promise<number> {
  const text = (await api('GET', '/metrics')).body;
  const match = text.split('\n').find((l) => line.test(l));
  return match === undefined ? 0 : Number(match.slice(match.lastIndexOf(' ') + 1));
}

let phoneCounter = 0;
async function loggedIn(): Promise<TestTerminal> {
  phoneCounter++;
  const terminal = await TestTerminal.connect(vigil.jt808Port, `0139200${String(phoneCounter).padStart(5, '0')}`, 2013);
  expect(await terminal.authenticate(await terminal.register(`豫G${String(phoneCounter).padStart(5, '0')}`))).toBe(0);
  return terminal;
}

/**
 * A terminal that connects as a real one does: a connection closed before its registration is answered (the
 * budget is counted again at most once a second, so the edge may still refuse in the second after a flood) is
 * tried again after a pause, until `timeoutMs`.
 */
async function reconnecting(timeoutMs: number): Promise<TestTerminal> {
  return eventually(
    async () => {
      phoneCounter++;
      const phone = `0139200${String(phoneCounter).padStart(5, '0')}`;
      const terminal = await TestTerminal.connect(vigil.jt808Port, phone, 2013);
      const refused = terminal.closed.then(() => 'closed' as const);
      const registering = terminal.register(`豫G${String(phoneCounter).padStart(5, '0')}`);
      // Closed first: the registration's own timeout rejects later, unheard.
      registering.catch(() => undefined);
      const outcome = await Promise.race([registering, refused]);
      if (outcome === 'closed') return undefined;
      expect(await terminal.authenticate(outcome)).toBe(0);
      return terminal;
    },
    timeoutMs,
    () =>
      `a terminal connection that stays open; the node holds ${readdirSync(`/proc/${vigil.nodePid}/fd`).length} descriptors`,
    250,
  );
}

async function reportPosition(terminal: TestTerminal, i: number): Promise<number> {
  const body = locationBody(
    { lat: 34.7 + i * 0.001, lon: 113.6, speedKmh: 40, directionDeg: 90, time: Date.now() - 60_000 + i * 1_000 },
    2013,
  );
  return (await terminal.replyTo(terminal.send({ msgId: 0x0200, body }), 30_000)).result;
}

/** Posts one ANPR read on the kept-alive connection; 200 means it is in ClickHouse. */
async function postRead(eventId: string): Promise<{ status: number; body: string }> {
  const record = {
    event_id: eventId,
    camera_id: 'ZZ-CAM-FD',
    plate: '豫A12345',
    plate_color: 1,
    time: new Date(Date.now() - 30_000).toISOString(),
  };
  return api('POST', '/api/ingest/anpr', sourceKey, [record]);
}

function floodConnection(): (typeof flood)[number] {
  const socket = net.connect({ host: '127.0.0.1', port: vigil.httpPort });
  let received = '';
  let closedAtMs: number | undefined;
  socket.on('data', (d: Buffer) => (received += d.toString()));
  socket.on('error', () => undefined);
  socket.on('close', () => (closedAtMs = Date.now()));
  const entry = { socket, received: () => received, closedAt: () => closedAtMs };
  flood.push(entry);
  return entry;
}

describe('HTTP server at the open-file limit', () => {
  it('refuses and counts idle sockets past the shared budget while the sinks insert and terminals are acknowledged', async () => {
    // The start-up note (the defaults do not fit under this limit) counts the HTTP bound with the terminals'.
    const note = vigil
      .stderr()
      .split('\n')
      .find((l) => l.includes(`within its open-file limit ${OPEN_FILES_LIMIT}`));
    expect(note).toContain('http.connectionsMax=2000');
    expect(note).toContain('"level":"info"');

    admin = JSON.parse(
      (await api('POST', '/api/auth/login', undefined, { username: 'admin', password: vigil.adminPassword })).body,
    ).token as string;
    const issued = await api('POST', '/api/sources/keys', admin, { kind: 'anpr', org_code: '410100', name: 'fd' });
    sourceKey = (JSON.parse(issued.body) as { key: string }).key;
    expect((await postRead('fd-before')).status).toBe(200);
    const sessions = [await loggedIn(), await loggedIn(), await loggedIn()];
    for (const [i, t] of sessions.entries()) expect(await reportPosition(t, i)).toBe(0);

    const attempts = Array.from({ length: FLOOD_CONNECTIONS }, () => floodConnection());
    await until(
      () =>
        attempts.filter((a) => a.closedAt() !== undefined).length >=
        FLOOD_CONNECTIONS - (OPEN_FILES_LIMIT - IN_USE_AT_START_MIN),
      60_000,
      'excess HTTP connections closed',
    );
    // Every attempt accepted by now: held by the server (besides the kept-alive connection) or refused, counted,
    // and seen closed by the client (which may see a close after it was counted).
    const closedCount = (): number => attempts.filter((a) => a.closedAt() !== undefined).length;
    let counted = 0;
    let open = 0;
    await until(
      async () => {
        counted = await metric(/^vigil_http_connections_refused_total\{reason="fd_limit"\}/);
        open = await metric(/^vigil_http_connections /);
        return counted > 0 && closedCount() === counted && counted + open - 1 === FLOOD_CONNECTIONS;
      },
      30_000,
      'every flood connection held or refused, counted and seen closed',
    );
    const refused = attempts.filter((a) => a.closedAt() !== undefined);
    const held = attempts.length - refused.length;
    expect(held).toBe(open - 1);
    expect(held).toBeGreaterThan(0);
    // Those refused were told why, as the API tells its errors.
    const answered = refused.filter((a) => a.received().startsWith('HTTP/1.1 503'));
    expect(answered.length).toBeGreaterThan(refused.length / 2);
    for (const a of answered) expect(a.received()).toContain('{"error":"fd_limit"');

    // At capacity: the stores still insert (ingestion answers 200 only once ClickHouse has the row; a 0x8001 only
    // once the fix is stored), and the sessions keep being served.
    for (let i = 0; i < 3; i++) expect((await postRead(`fd-during-${i}`)).status).toBe(200);
    for (const [i, t] of sessions.entries()) expect(await reportPosition(t, 100 + i)).toBe(0);
    const stored = await api('POST', '/api/sql', admin, {
      sql: "SELECT count() FROM camera_events WHERE event_id LIKE 'fd-%'",
    });
    expect(JSON.parse(stored.body)).toMatchObject({ rows: [[4]] });
    // One budget for every listener: a new terminal connection is refused now too, while the store is not.
    const terminalAttempt = net.connect({ host: '127.0.0.1', port: vigil.jt808Port });
    terminalAttempt.on('error', () => undefined);
    await new Promise((resolve) => terminalAttempt.once('close', resolve));
    expect(await metric(/^vigil_tcp_connections_refused_total\{server="jt808",reason="fd_limit"\}/)).toBeGreaterThan(0);

    // Logged, but not once per refusal.
    const refusalLogs = vigil
      .stderr()
      .split('\n')
      .filter((l) => l.includes('http connections refused')).length;
    expect(refusalLogs).toBeGreaterThan(0);
    expect(refusalLogs).toBeLessThan(10);

    // The flood goes: new HTTP connections and new terminals are accepted again.
    for (const f of flood.splice(0)) f.socket.destroy();
    await until(async () => (await metric(/^vigil_http_connections /)) <= 2, 30_000, 'flood connections released');
    expect((await fetch(`${vigil.baseUrl}/api/health`)).status).toBe(200);
    const late = await reconnecting(15_000);
    expect(await reportPosition(late, 200)).toBe(0);
  });
});
