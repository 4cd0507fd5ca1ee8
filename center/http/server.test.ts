/**
 * The node's HTTP server with its bounds, on real sockets: connections beyond `connectionsMax` (WebSocket feeds
 * included), beyond `connectionsPerAddressMax` or past the descriptor budget answered 503 with a reason and
 * counted; a connection that sends nothing closed after the headers timeout; malformed HTTP answered as JSON.
 */
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { Metrics, silentLogger } from '../../schema/index.js';
import { MemoryLog } from '../../stream/index.js';
import type { Principal } from '../auth/accounts.js';
import { FeedHub, FEED_HUB_DEFAULTS } from '../hub/feed-hub.js';
import type { DescriptorBudget } from './connection-gate.js';
import { Router } from './router.js';
import { listenHttp, type HttpNode } from './server.js';
import { HTTP_SERVER_DEFAULTS, type HttpServerOptions } from './server-options.js';

const WALL: Principal = { userId: 1, username: 'wall-410000', role: 'wall', orgCode: '410000', enterpriseId: null };

interface Harness {
  node: HttpNode;
  metrics: Metrics;
  close(): Promise<void>;
}

const open: Harness[] = [];
const sockets: net.Socket[] = [];

async function start(options: Partial<HttpServerOptions> = {}, budget?: DescriptorBudget): Promise<Harness> {
  const metrics = new Metrics();
  const log = new MemoryLog({ partitions: 1, backlogPerPartitionMax: 1_000, durableGroups: {} });
  const hub = new FeedHub(
    {
      log,
      logger: silentLogger,
      metrics,
      authenticate: async (token) => {
        if (token !== 'wall') throw new Error('bad token');
        return WALL;
      },
      covers: () => true,
      vehicleOrgCode: () => '410000',
      vehicleClassOf: () => 'coach',
      enterpriseOf: () => undefined,
    },
    { ...FEED_HUB_DEFAULTS, heartbeatMs: 60_000 },
  );
  hub.start();
  const router = new Router(1 << 16, { logger: silentLogger, metrics });
  router.add('GET', '/api/health', () => ({ body: { status: 'ok' } }));
  let node: HttpNode;
  try {
    node = await listenHttp(
      { ...HTTP_SERVER_DEFAULTS, host: '127.0.0.1', port: 0, ...options },
      { router, fallback: () => ({ body: {} }), hub, logger: silentLogger, metrics, budget },
    );
  } catch (error) {
    await hub.stop();
    await log.close();
    throw error;
  }
  const harness = {
    node,
    metrics,
    close: async () => {
      await hub.stop();
      await node.close();
      await log.close();
    },
  };
  open.push(harness);
  return harness;
}

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const h of open.splice(0)) await h.close();
});

/** An idle connection, and what the server wrote on it until it closed. */
interface Idle {
  socket: net.Socket;
  received: () => string;
  closed: Promise<void>;
}

async function idle(port: number, localAddress = '127.0.0.1'): Promise<Idle> {
  const socket = net.connect({ host: '127.0.0.1', port, localAddress });
  sockets.push(socket);
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, received: () => received, closed };
}

function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return vi.waitFor(
    () => {
      if (!condition()) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: 10 },
  );
}

function refusedCount(metrics: Metrics, reason: string): number {
  return metrics.counter('vigil_http_connections_refused_total', '', ['reason']).get({ reason });
}

/** The JSON body of a raw HTTP answer. */
function bodyOf(raw: string): Record<string, unknown> {
  return JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
}

async function health(port: number): Promise<number> {
  return (await fetch(`http://127.0.0.1:${port}/api/health`)).status;
}

describe('HTTP server bounds', () => {
  it('answers the connection past connectionsMax 503 connections_max, counts it, and admits again once one closes', async () => {
    const h = await start({ connectionsMax: 3 });
    const held = [await idle(h.node.port), await idle(h.node.port), await idle(h.node.port)];
    const refused = await idle(h.node.port);
    await refused.closed;
    expect(refused.received()).toMatch(/^HTTP\/1\.1 503 /);
    expect(refused.received()).toMatch(/\r\nretry-after: 5\r\n/);
    expect(bodyOf(refused.received())).toMatchObject({ error: 'connections_max' });
    expect(refusedCount(h.metrics, 'connections_max')).toBe(1);
    // The held ones are untouched.
    for (const c of held) expect(c.socket.destroyed).toBe(false);
    held[0].socket.destroy();
    await held[0].closed;
    await until(() => h.metrics.render().includes('vigil_http_connections 2'), 5_000, 'the closed one released');
    expect(await health(h.node.port)).toBe(200);
  });

  it('bounds the connections of one address, not of the others', async () => {
    const h = await start({ connectionsMax: 10, connectionsPerAddressMax: 2 });
    await idle(h.node.port, '127.0.0.1');
    await idle(h.node.port, '127.0.0.1');
    const third = await idle(h.node.port, '127.0.0.1');
    await third.closed;
    expect(bodyOf(third.received())).toMatchObject({ error: 'per_address_max' });
    const other = await idle(h.node.port, '127.0.0.2');
    expect(other.socket.destroyed).toBe(false);
    expect(refusedCount(h.metrics, 'per_address_max')).toBe(1);
  });

  it('draws every connection from the shared descriptor budget and refuses past it as fd_limit', async () => {
    // A budget of two connections, as the process's open-file budget would give when near its limit.
    const budget: DescriptorBudget = {
      limit: 1_000,
      connectionsMax: 2,
      open: 0,
      admits(): boolean {
        return this.open < 2;
      },
    };
    const h = await start({}, budget);
    await idle(h.node.port);
    await idle(h.node.port);
    expect(budget.open).toBe(2);
    const refused = await idle(h.node.port);
    await refused.closed;
    expect(bodyOf(refused.received())).toMatchObject({ error: 'fd_limit' });
    expect(refusedCount(h.metrics, 'fd_limit')).toBe(1);
    for (const s of sockets.splice(0)) s.destroy();
    await until(() => budget.open === 0, 5_000, 'descriptors returned to the budget');
  });

  it('counts a WebSocket feed as a connection for as long as it is open', async () => {
    const h = await start({ connectionsMax: 2 });
    const ws = new WebSocket(`ws://127.0.0.1:${h.node.port}/ws?token=wall`);
    await new Promise<void>((resolve, reject) => {
      ws.once('message', () => resolve());
      ws.once('error', reject);
    });
    await idle(h.node.port);
    const refused = await idle(h.node.port);
    await refused.closed;
    expect(bodyOf(refused.received())).toMatchObject({ error: 'connections_max' });
    ws.close();
    await new Promise((resolve) => ws.once('close', resolve));
    await until(() => h.metrics.render().includes('vigil_http_connections 1'), 5_000, 'the feed released');
    expect(await health(h.node.port)).toBe(200);
  });

  it('closes a connection that sends no request within the headers timeout, with 408 request_timeout', async () => {
    const h = await start({ headersTimeoutMs: 1_000, requestTimeoutMs: 2_000 });
    const startedMs = Date.now();
    const silent = await idle(h.node.port);
    await silent.closed;
    const closedAfterMs = Date.now() - startedMs;
    expect(closedAfterMs).toBeGreaterThanOrEqual(900);
    expect(closedAfterMs).toBeLessThan(5_000);
    expect(silent.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(bodyOf(silent.received())).toMatchObject({ error: 'request_timeout' });
  });

  it('answers malformed HTTP and oversized headers as JSON errors and stays up', async () => {
    const h = await start({ headerBytesMax: 2_048 });
    const cases: [string, string, string][] = [
      ['GARBAGE\r\n\r\n', '400', 'bad_request'],
      [`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(4_000)}\r\n\r\n`, '431', 'headers_too_large'],
      ['GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n', '', ''],
      ['GET //[ HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n', '404', 'not_found'],
      ['GET * HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n', '400', 'bad_path'],
    ];
    for (const [request, status, reason] of cases) {
      const c = await idle(h.node.port);
      c.socket.write(request);
      await c.closed;
      if (status === '') continue;
      expect(c.received().slice(9, 12), request.slice(0, 30)).toBe(status);
      expect(bodyOf(c.received()), request.slice(0, 30)).toMatchObject({ error: reason });
      expect(c.received()).toContain('x-content-type-options: nosniff');
    }
    expect(await health(h.node.port)).toBe(200);
  });

  it('refuses bounds that cannot work at start, naming the option, value and bound', async () => {
    await expect(start({ connectionsMax: 0 })).rejects.toThrow(
      'http server option connectionsMax value 0 is less than min allowed 1',
    );
    await expect(start({ headersTimeoutMs: 30_000, requestTimeoutMs: 10_000 })).rejects.toThrow(
      'http server option headersTimeoutMs value 30000 is greater than max allowed 10000 (requestTimeoutMs)',
    );
  });
});
