/**
 * Memory per idle JT/T 808 connection: N terminals connect, authenticate and then stay silent, and the server
 * process's growth is divided by N. Two servers are measured in the same run: a bare `net` server that holds
 * its sockets and answers every frame with one fixed 0x8001 (the floor Node itself costs), and the gateway
 * composed with the embedded event log, chDB sinks and the PGlite terminal directory. The terminals run in a
 * child process (bench/jt808-load-client.ts), so each process needs one descriptor per connection and each
 * has its own descriptor limit.
 *
 * Memory is measured after full collections, from a warm first quarter of the connections to all of them, so
 * that start-up garbage and the first growth of allocator arenas stay out of the figure. Reported per
 * connection: RSS, JS heap, and external memory (Buffers and other memory outside the heap that V8 knows of).
 *
 * Run: node --expose-gc --import tsx bench/jt808-idle-connections.ts [--connections 19000]
 * The default stays under a descriptor limit of 20,000 per process; check yours with `ulimit -n`.
 */
import net from 'node:net';
import os from 'node:os';
import { encodeMessage } from '../ingest/index.js';
import { startGatewayNode, type GatewayNode } from '../tests/support/jt808-gateway-node.js';
import { LoadClientProcess } from './jt808-load-client-process.js';

const args = process.argv.slice(2);
const at = args.indexOf('--connections');
const CONNECTIONS = at >= 0 ? Number(args[at + 1]) : 19_000;
const CONNECT_CONCURRENCY = 200;
const FIRST_PHONE = 14_000_000_000;
const AUTH_CODE = 'idle-bench';
const SETTLE_MS = 2_000;

interface Memory {
  rss: number;
  heap: number;
  external: number;
}

interface PerConnection extends Memory {
  connected: number;
}

/** Connects `count` terminals that authenticate and stay silent; every one must connect. */
async function connectIdle(client: LoadClientProcess, port: number, count: number, firstPhone: number): Promise<number> {
  const report = await client.ask<'connected'>({ cmd: 'connect', port, count, firstPhone, authCode: AUTH_CODE, concurrency: CONNECT_CONCURRENCY });
  if (report.event !== 'connected') throw new Error(`client answered ${(report as { event: string }).event}`);
  if (report.failed > 0) throw new Error(`${report.failed} of ${count} connections failed (descriptor limit? ulimit -n)`);
  return report.connected;
}

/** The floor: holds its sockets and answers every frame (the client's 0x0102) with one fixed 0x8001. */
async function startBare(): Promise<{ port: number; close: () => Promise<void> }> {
  const reply = encodeMessage({ msgId: 0x8001, body: { replySerial: 1, replyMsgId: 0x0102, result: 0 } }, { version: 2013, phone: '013000000000', serial: 1 });
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

async function idleMemory(port: number, connections: number): Promise<PerConnection> {
  const client = new LoadClientProcess();
  try {
    const warm = Math.floor(connections / 4);
    const first = await connectIdle(client, port, warm, FIRST_PHONE);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const before = await settledMemory();
    const all = await connectIdle(client, port, connections - warm, FIRST_PHONE + warm);
    // Let the buffers of the connection storm be released before measuring what idle connections keep.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const after = await settledMemory();
    const n = Math.max(1, all - first);
    return { rss: (after.rss - before.rss) / n, heap: (after.heap - before.heap) / n, external: (after.external - before.external) / n, connected: all };
  } finally {
    await client.close();
  }
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

function line(name: string, m: PerConnection): string {
  return `${name.padEnd(8)} ${fmt(m.rss).padStart(7)} B RSS  ${fmt(m.heap).padStart(6)} B heap  ${fmt(m.external).padStart(5)} B external  per connection (${m.connected} idle connections)`;
}

async function main(): Promise<void> {
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') console.warn('run with node --expose-gc for stable figures');
  const bare = await startBare();
  const floor = await idleMemory(bare.port, CONNECTIONS);
  await bare.close();
  console.log(line('bare', floor));

  const node = await startGatewayNode({ partitions: 8 });
  try {
    await provision(node, CONNECTIONS);
    const gateway = await idleMemory(node.port, CONNECTIONS);
    console.log(line('gateway', gateway));
    console.log(`ratio gateway/bare: RSS ${(gateway.rss / floor.rss).toFixed(2)}, heap ${(gateway.heap / floor.heap).toFixed(2)}`);
    // Extrapolated only: 50,000 connections need 50,000 descriptors in the gateway's process.
    console.log(`50,000 idle connections at this rate: ${fmt((gateway.rss * 50_000) / 1e6)} MB RSS (extrapolated, not measured)`);
    console.log(JSON.stringify({ connections: gateway.connected, machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}`, node: process.version, bare: floor, gateway }));
  } finally {
    await node.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
