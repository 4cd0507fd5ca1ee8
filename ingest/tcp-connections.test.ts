/** The shared accept side over real sockets: per-connection state, the connection bound, the idle sweep. */
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Metrics, createLogger } from '../schema/index.js';
import {
  HTTP_HEADROOM_CONNECTIONS,
  OPEN_FILES_RESERVE,
  OpenFilesBudget,
  openFilesLimit,
  openFilesNote,
} from './open-files.js';
import { TcpConnections, type TcpConnection } from './tcp-connections.js';

interface State extends TcpConnection {
  peer: string;
  bytes: number;
}

let server: TcpConnections<State> | undefined;
const clients: net.Socket[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.close();
  server = undefined;
});

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port });
  clients.push(socket);
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  return socket;
}

function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  return vi.waitFor(
    () => {
      if (!condition()) throw new Error('condition not met in time');
    },
    { timeout: timeoutMs, interval: 10 },
  );
}

describe('TcpConnections', () => {
  it('makes state on accept, hands it the bytes, and forgets it on close', async () => {
    const closed: State[] = [];
    server = new TcpConnections<State>(
      { host: '127.0.0.1', port: 0, connectionsMax: 10, idleTimeoutMs: 60_000 },
      {
        open: (socket, peer) => ({ socket, peer, bytes: 0, lastActiveMs: 0 }),
        data: (c, chunk) => (c.bytes += chunk.length),
        closed: (c) => closed.push(c),
        idle: () => undefined,
      },
    );
    const port = await server.listen();
    const client = await connect(port);
    client.write(Buffer.alloc(100));
    await until(() => [...server!].some((c) => c.bytes === 100));
    expect([...server][0].peer).toMatch(/^127\.0\.0\.1:\d+$/);
    client.destroy();
    await until(() => closed.length === 1);
    expect(server.size).toBe(0);
  });

  it('closes a silent connection after the idle timeout and keeps one that sends', async () => {
    const idle: State[] = [];
    server = new TcpConnections<State>(
      { host: '127.0.0.1', port: 0, connectionsMax: 10, idleTimeoutMs: 400 },
      {
        open: (socket, peer) => ({ socket, peer, bytes: 0, lastActiveMs: 0 }),
        data: (c, chunk) => (c.bytes += chunk.length),
        closed: () => undefined,
        idle: (c) => idle.push(c),
      },
    );
    const port = await server.listen();
    const silent = await connect(port);
    const talking = await connect(port);
    const silentClosed = new Promise((r) => silent.once('close', r));
    const timer = setInterval(() => talking.write('x'), 100);
    try {
      await silentClosed;
      expect(idle).toHaveLength(1);
      await until(() => server!.size === 1);
      expect(talking.destroyed).toBe(false);
    } finally {
      clearInterval(timer);
    }
  });

  it('refuses connections beyond connectionsMax and counts them', async () => {
    const metrics = new Metrics();
    server = new TcpConnections<State>(
      { host: '127.0.0.1', port: 0, connectionsMax: 2, idleTimeoutMs: 60_000 },
      {
        open: (socket, peer) => ({ socket, peer, bytes: 0, lastActiveMs: 0 }),
        data: () => undefined,
        closed: () => undefined,
        idle: () => undefined,
      },
      { server: 'test', metrics, logger: createLogger(() => undefined), budget: new OpenFilesBudget(undefined) },
    );
    const port = await server.listen();
    await connect(port);
    await connect(port);
    await until(() => server!.size === 2);
    const third = await connect(port);
    await new Promise((r) => third.once('close', r));
    expect(server.size).toBe(2);
    await until(() =>
      metrics.render().includes('vigil_tcp_connections_refused_total{server="test",reason="connections_max"} 1'),
    );
  });

  it('counts refusals by reason, logs them once per interval, and accepts again when a place is free', async () => {
    const metrics = new Metrics();
    const lines: string[] = [];
    // 1,000 descriptors, of which the rest of the process holds 678, the reserve keeps 256 and the HTTP server's
    // headroom 64: two connections fit.
    let othersInUse = 1_000 - OPEN_FILES_RESERVE - HTTP_HEADROOM_CONNECTIONS - 2;
    let nowMs = 0;
    const held: { budget?: OpenFilesBudget } = {};
    const budget = new OpenFilesBudget(
      1_000,
      () => othersInUse + (held.budget?.open ?? 0),
      () => nowMs,
    );
    held.budget = budget;
    server = new TcpConnections<State>(
      { host: '127.0.0.1', port: 0, connectionsMax: 10, idleTimeoutMs: 60_000 },
      {
        open: (socket, peer) => ({ socket, peer, bytes: 0, lastActiveMs: 0 }),
        data: (c, chunk) => (c.bytes += chunk.length),
        closed: () => undefined,
        idle: () => undefined,
      },
      { server: 'test', metrics, logger: createLogger((l) => lines.push(l)), budget },
    );
    const port = await server.listen();
    const first = await connect(port);
    await connect(port);
    await until(() => server!.size === 2);
    // The process budget (2) is tighter than connectionsMax (10): five more are closed on accept as fd_limit.
    const refused = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const socket = await connect(port);
        await new Promise((r) => socket.once('close', r));
      }),
    );
    expect(refused).toHaveLength(5);
    const rendered = metrics.render();
    expect(rendered).toContain('vigil_tcp_connections_refused_total{server="test",reason="fd_limit"} 5');
    expect(rendered).toContain('vigil_process_open_files_limit 1000');
    expect(lines.filter((l) => l.includes('connections refused'))).toHaveLength(1);
    expect(budget.open).toBe(2);
    first.destroy();
    await until(() => server!.size === 1 && budget.open === 1);
    const next = await connect(port);
    next.write('x');
    await until(() => [...server!].some((c) => c.bytes === 1));
    expect(server.size).toBe(2);
    // The rest of the process closes two files: counted again (not sooner than a second later), they go to terminals.
    othersInUse -= 2;
    const early = await connect(port);
    await new Promise((r) => early.once('close', r));
    nowMs += 1_000;
    await connect(port);
    await connect(port);
    await until(() => server!.size === 4);
    // The budget counts the HTTP server's headroom too; the TCP servers stop short of it.
    expect(budget.connectionsMax).toBe(4 + HTTP_HEADROOM_CONNECTIONS);
  });
});

describe('open-file limit', () => {
  it('reads the soft limit from /proc/self/limits text', () => {
    const text =
      'Limit                     Soft Limit           Hard Limit           Units\nMax open files            20000                20000                files\n';
    expect(openFilesLimit(text)).toBe(20_000);
    expect(
      openFilesLimit('Max open files            unlimited            unlimited            files\n'),
    ).toBeUndefined();
  });

  it('warns naming keys, values and the limit when bounds the operator set do not fit, and is silent when they do', () => {
    const bounds = [
      { key: 'jt808.connectionsMax', value: 100_000, explicit: true },
      { key: 'jt809.connectionsMax', value: 1_000, explicit: false },
    ];
    const note = openFilesNote(bounds, { limit: 20_000, connectionsMax: 19_500 });
    expect(note?.level).toBe('warn');
    expect(note?.message).toContain('open-file limit 20000');
    expect(note?.message).toContain('jt808.connectionsMax=100000 + jt809.connectionsMax=1000 = 101000');
    expect(note?.message).toContain('LimitNOFILE');
    expect(note?.message).toContain('ulimit -n');
    expect(openFilesNote(bounds, { limit: 200_000, connectionsMax: 199_000 })).toBeUndefined();
    expect(openFilesNote(bounds, { limit: undefined, connectionsMax: undefined })).toBeUndefined();
  });

  it('only informs when the built-in defaults are what does not fit: a default start is not a fault', () => {
    const defaults = [
      { key: 'jt808.connectionsMax', value: 100_000, explicit: false },
      { key: 'http.connectionsMax', value: 2_000, explicit: false },
    ];
    const note = openFilesNote(defaults, { limit: 20_000, connectionsMax: 19_500 });
    expect(note?.level).toBe('info');
    expect(note?.message).toContain('accepts about 19500 connections');
    expect(note?.message).toContain('LimitNOFILE');
  });
});
