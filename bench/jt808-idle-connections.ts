/**
 * Memory per idle JT/T 808 connection: N terminals connect, authenticate and then stay silent, and the server
 * process's growth is divided by N. Two servers are measured in the same run: a bare `net` server that holds
 * its sockets and answers every frame with one fixed 0x8001 (the floor Node itself costs), and the gateway
 * composed with the embedded event log, chDB sinks and the PGlite terminal directory. The terminals run in a
 * child process (bench/jt808-load-client.ts), so each process needs one descriptor per connection and each
 * has its own descriptor limit.
 *
 * Memory is measured after full collections at several connection counts on the same server (connections are
 * added from one size to the next; a warm first batch keeps start-up garbage and the first growth of allocator
 * arenas out), and a least-squares line is fitted through the points: its slope is the cost of one idle
 * connection and r² says how linear the growth is, which is what an extrapolation to 50,000 rests on.
 * Reported: RSS, JS heap, and external memory (Buffers and other memory outside the heap that V8 knows of).
 * The client spreads its connections over 127.0.0.x source addresses, so ephemeral ports are not the limit.
 *
 * Run: node --expose-gc --import tsx bench/jt808-idle-connections.ts [--sizes 2500,5000,7500,10000,12500,15000,17500,19000]
 * (steps of 2,500: larger connection storms at once have seen authentications time out on this machine)
 * The largest size must fit under the descriptor limit of each process (`ulimit -n`; 20,000 here), less what
 * the gateway keeps in reserve (ingest/open-files.ts).
 */
import net from 'node:net';
import os from 'node:os';
import { encodeMessage } from '../ingest/index.js';
import { startGatewayNode, type GatewayNode } from '../tests/support/jt808-gateway-node.js';
import { LoadClientProcess } from './jt808-load-client-process.js';

const args = process.argv.slice(2);
function flag(name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}
/** Connection counts at which memory is measured, one server per run, growing from one size to the next. */
const SIZES = (flag('--sizes') ?? flag('--connections') ?? '2500,5000,7500,10000,12500,15000,17500,19000')
  .split(',')
  .map(Number);
if (SIZES.some((n, i) => !Number.isSafeInteger(n) || n < 1 || (i > 0 && n <= SIZES[i - 1]))) {
  throw new RangeError(`--sizes value ${SIZES.join(',')} must be increasing positive integers`);
}
const CONNECTIONS = SIZES[SIZES.length - 1];
/** Connections opened before the first measurement, so that start-up garbage and first arena growth stay out. */
const WARM_CONNECTIONS = Math.min(1_000, Math.floor(SIZES[0] / 2));
const CONNECT_CONCURRENCY = 200;
const FIRST_PHONE = 14_000_000_000;
const AUTH_CODE = 'idle-bench';
const SETTLE_MS = 2_000;

interface Memory {
  rss: number;
  heap: number;
  external: number;
}

/** Memory of the server process with `connected` idle connections open. */
interface Point extends Memory {
  connected: number;
}

/** Least-squares line through (connections, bytes): the slope is bytes per connection, r² how linear it is. */
interface Fit {
  slope: number;
  intercept: number;
  r2: number;
}

interface Series {
  points: Point[];
  rss: Fit;
  heap: Fit;
  external: Fit;
}

/** Connects `count` terminals that authenticate and stay silent; every one must connect. */
async function connectIdle(
  client: LoadClientProcess,
  port: number,
  count: number,
  firstPhone: number,
): Promise<number> {
  const report = await client.ask<'connected'>({
    cmd: 'connect',
    port,
    count,
    firstPhone,
    authCode: AUTH_CODE,
    concurrency: CONNECT_CONCURRENCY,
  });
  if (report.event !== 'connected') throw new Error(`client answered ${(report as { event: string }).event}`);
  if (report.failed > 0)
    throw new Error(`${report.failed} of ${count} connections failed (descriptor limit? ulimit -n)`);
  return report.connected;
}

/** The floor: holds its sockets and answers every frame (the client's 0x0102) with one fixed 0x8001. */
async function startBare(): Promise<{ port: number; close: () => Promise<void> }> {
  const reply = encodeMessage(
    { msgId: 0x8001, body: { replySerial: 1, replyMsgId: 0x0102, result: 0 } },
    { version: 2013, phone: '013000000000', serial: 1 },
  );
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => socket.write(reply));
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  server.maxConnections = 100_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

async function settledMemory(): Promise<Memory> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 500));
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, external: m.external };
}

/** Opens connections up to each size in turn and measures the settled memory at each. */
async function idleMemory(port: number): Promise<Series> {
  const client = new LoadClientProcess();
  try {
    let connected = await connectIdle(client, port, WARM_CONNECTIONS, FIRST_PHONE);
    const points: Point[] = [];
    for (const size of SIZES) {
      // The client answers with all the terminals it holds.
      if (size > connected) connected = await connectIdle(client, port, size - connected, FIRST_PHONE + connected);
      // Let the buffers of the connection storm be released before measuring what idle connections keep.
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      points.push({ ...(await settledMemory()), connected });
    }
    return {
      points,
      rss: fit(points, (p) => p.rss),
      heap: fit(points, (p) => p.heap),
      external: fit(points, (p) => p.external),
    };
  } finally {
    await client.close();
  }
}

function fit(points: readonly Point[], y: (p: Point) => number): Fit {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.connected, 0) / n;
  const my = points.reduce((s, p) => s + y(p), 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const p of points) {
    sxy += (p.connected - mx) * (y(p) - my);
    sxx += (p.connected - mx) ** 2;
    syy += (y(p) - my) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: sxx === 0 || syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

async function provision(node: GatewayNode, count: number): Promise<void> {
  await node.sql.query(
    `INSERT INTO terminals (phone, auth_code) SELECT lpad(g::text, 12, '0'), $1 FROM generate_series($2::bigint, $3::bigint) g ON CONFLICT (phone) DO NOTHING`,
    [AUTH_CODE, FIRST_PHONE, FIRST_PHONE + count - 1],
  );
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function report(name: string, series: Series): void {
  const { points } = series;
  for (const [i, p] of points.entries()) {
    const prev = points[i - 1];
    const step =
      prev === undefined
        ? ''
        : `   step ${fmt((p.rss - prev.rss) / (p.connected - prev.connected)).padStart(6)} B RSS/conn`;
    console.log(
      `${name.padEnd(8)} ${String(p.connected).padStart(6)} idle  ${fmt(p.rss / 1e6).padStart(5)} MB RSS  ${fmt(p.heap / 1e6).padStart(4)} MB heap${step}`,
    );
  }
  const f = (x: Fit): string => `${fmt(x.slope)} B/conn (r² ${x.r2.toFixed(4)})`;
  console.log(`${name.padEnd(8)} slope: RSS ${f(series.rss)}, heap ${f(series.heap)}, external ${f(series.external)}`);
}

async function main(): Promise<void> {
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function')
    console.warn('run with node --expose-gc for stable figures');
  const loadStart = os.loadavg()[0];
  // Collect what loading the modules left behind, so that its release does not fall inside the first step.
  await settledMemory();
  const bare = await startBare();
  const floor = await idleMemory(bare.port);
  await bare.close();
  report('bare', floor);

  const node = await startGatewayNode({ partitions: 8 });
  try {
    await provision(node, CONNECTIONS);
    const gateway = await idleMemory(node.port).catch((error: unknown) => {
      // Say why the gateway turned connections away (refusal reasons, rejects), then fail.
      console.error(
        node.metrics
          .render()
          .split('\n')
          .filter((l) => /refused|rejects|open_files|jt808_|jt809_|sink_insert_failures/.test(l) && !l.startsWith('#'))
          .join('\n'),
      );
      throw error;
    });
    report('gateway', gateway);
    console.log(
      `ratio gateway/bare (slopes): RSS ${(gateway.rss.slope / floor.rss.slope).toFixed(2)}, heap ${(gateway.heap.slope / floor.heap.slope).toFixed(2)}`,
    );
    // Extrapolated along the fitted line: 50,000 connections need 50,000 descriptors in the gateway's process.
    const at50k = gateway.rss.intercept + gateway.rss.slope * 50_000;
    console.log(
      `50,000 idle connections on the fitted line: ${fmt(at50k / 1e6)} MB RSS, ${fmt((gateway.rss.slope * 50_000) / 1e6)} MB of it for the connections (extrapolated from ${SIZES.join(', ')}, not measured)`,
    );
    const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}`;
    console.log(
      JSON.stringify({
        sizes: SIZES,
        machine,
        node: process.version,
        load1: [loadStart, os.loadavg()[0]],
        bare: floor,
        gateway,
      }),
    );
  } finally {
    await node.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
