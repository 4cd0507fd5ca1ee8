/**
 * The accept side shared by the TCP ingest servers (JT/T 808 gateway, JT/T 809 server): a listening server
 * with a bound on open connections, per-connection state made on accept, and idle connections closed by one
 * sweep over all of them.
 *
 * Idle connections are the common case (tens of thousands of terminals heart-beating), so a connection costs
 * no closure and no timer of its own: the socket listeners are shared functions that find their state through
 * a symbol on the socket, and a single interval timer closes whatever has been silent for `idleTimeoutMs`. A
 * per-socket `setTimeout` would hold a timer object per connection and re-arm it on every read.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpConnectionsOptions {
  host: string;
  port: number;
  /** Open connections at most; new ones beyond are closed by the server at once. */
  connectionsMax: number;
  /** A connection that sent nothing for this long is closed. */
  idleTimeoutMs: number;
}

/** What the helper needs of a connection's state: its socket and when it last sent something. */
export interface TcpConnection {
  readonly socket: net.Socket;
  /** Time of the last bytes received (or of the accept), in ms of the helper's clock. */
  lastActiveMs: number;
}

export interface TcpConnectionHandlers<C extends TcpConnection> {
  /** Makes the state of a new connection; `peer` is `address:port`. */
  open(socket: net.Socket, peer: string): C;
  data(connection: C, chunk: Buffer): void;
  /** The socket closed (for any reason); the connection is already out of the open set. */
  closed(connection: C): void;
  /** The connection is about to be closed for idleness (for a metric). */
  idle(connection: C): void;
}

/** The idle sweep runs this many times per idle timeout, so a silent connection lives at most 1/8 longer. */
const IDLE_SWEEPS_PER_TIMEOUT = 8;
/** And at least this far apart, so that a tiny timeout in a test does not spin. */
const IDLE_SWEEP_MS_MIN = 10;

const STATE = Symbol('vigil.tcpConnection');

interface TaggedSocket<C> extends net.Socket {
  [STATE]?: C;
}

export class TcpConnections<C extends TcpConnection> implements Iterable<C> {
  private server: net.Server | undefined;
  private readonly open = new Set<C>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly onData: (this: net.Socket, chunk: Buffer) => void;
  private readonly onClose: (this: net.Socket) => void;

  constructor(
    private readonly options: TcpConnectionsOptions,
    private readonly handlers: TcpConnectionHandlers<C>,
    private readonly now: () => number = Date.now,
  ) {
    const open = this.open;
    const clock = now;
    // Shared by every socket: the state is found on the socket, so accepting allocates no closures.
    this.onData = function onData(this: TaggedSocket<C>, chunk: Buffer): void {
      const connection = this[STATE];
      if (connection === undefined) return;
      connection.lastActiveMs = clock();
      handlers.data(connection, chunk);
    };
    this.onClose = function onClose(this: TaggedSocket<C>): void {
      const connection = this[STATE];
      if (connection === undefined) return;
      open.delete(connection);
      handlers.closed(connection);
    };
  }

  get size(): number {
    return this.open.size;
  }

  [Symbol.iterator](): Iterator<C> {
    return this.open.values();
  }

  async listen(): Promise<number> {
    const server = net.createServer((socket) => this.accept(socket));
    server.maxConnections = this.options.connectionsMax;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    const sweepMs = Math.max(IDLE_SWEEP_MS_MIN, Math.floor(this.options.idleTimeoutMs / IDLE_SWEEPS_PER_TIMEOUT));
    this.sweepTimer = setInterval(() => this.sweepIdle(), sweepMs);
    this.sweepTimer.unref();
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const c of this.open) c.socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(socket: TaggedSocket<C>): void {
    const connection = this.handlers.open(socket, `${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}`);
    connection.lastActiveMs = this.now();
    socket[STATE] = connection;
    this.open.add(connection);
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.on('error', destroySelf);
    socket.on('close', this.onClose);
  }

  /** Closes every connection silent for the idle timeout; one pass over the open set. */
  private sweepIdle(): void {
    const silentSinceMs = this.now() - this.options.idleTimeoutMs;
    for (const c of this.open) {
      if (c.lastActiveMs > silentSinceMs || c.socket.destroyed) continue;
      this.handlers.idle(c);
      c.socket.destroy();
    }
  }
}

function destroySelf(this: net.Socket): void {
  this.destroy();
}
