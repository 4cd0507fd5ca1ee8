/** The shared accept side over real sockets: per-connection state, the connection bound, the idle sweep. */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
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

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('TcpConnections', () => {
  it('makes state on accept, hands it the bytes, and forgets it on close', async () => {
    const closed: State[] = [];
    server = new TcpConnections<State>({ host: '127.0.0.1', port: 0, connectionsMax: 10, idleTimeoutMs: 60_000 }, {
      open: (socket, peer) => ({ socket, peer, bytes: 0, lastActiveMs: 0 }),
      data: (c, chunk) => (c.bytes += chunk.length),
      closed: (c) => closed.push(c),
      idle: () => undefined,
    });
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
    server = new TcpConnections<State>({ host: '127.0.0.1', port: 0, connectionsMax: 10, idleTimeoutMs: 400 }, {
      open: (socket, peer) => ({ socket, peer, bytes: 0, lastActiveMs: 0 }),
      data: (c, chunk) => (c.bytes += chunk.length),
      closed: () => undefined,
      idle: (c) => idle.push(c),
    });
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

  it('refuses connections beyond connectionsMax', async () => {
    server = new TcpConnections<State>({ host: '127.0.0.1', port: 0, connectionsMax: 2, idleTimeoutMs: 60_000 }, {
      open: (socket, peer) => ({ socket, peer, bytes: 0, lastActiveMs: 0 }),
      data: () => undefined,
      closed: () => undefined,
      idle: () => undefined,
    });
    const port = await server.listen();
    await connect(port);
    await connect(port);
    await until(() => server!.size === 2);
    const third = await connect(port);
    await new Promise((r) => third.once('close', r));
    expect(server.size).toBe(2);
  });
});
