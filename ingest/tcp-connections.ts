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
import type { Counter, Logger, Metrics } from '../schema/index.js';
import { HTTP_HEADROOM_CONNECTIONS, processOpenFilesBudget, type OpenFilesBudget } from './open-files.js';

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

/** Where refusals are counted and logged; `server` is the metric label (`jt808`, `jt809`). */
export interface TcpConnectionsObserver {
  server: string;
  metrics: Metrics;
  logger: Logger;
  /** The process's descriptor budget shared by all servers; the process-wide one unless a test gives its own. */
  budget?: OpenFilesBudget;
}

/** Why a connection was closed on accept, the `reason` label of `vigil_tcp_connections_refused_total`. */
export type RefusalReason = 'fd_limit' | 'connections_max' | 'accept_error';

/** Refusals are logged at most once per this interval per server, with the count since the last line. */
const REFUSAL_LOG_INTERVAL_MS = 10_000;

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
  private readonly budget: OpenFilesBudget;
  private readonly refusedCounter: Counter | undefined;
  /** Refusals not yet logged, by reason, and when the last refusal line was written. */
  private readonly refusalsUnlogged = new Map<RefusalReason, number>();
  private refusalLoggedAtMs = -Infinity;

  constructor(
    private readonly options: TcpConnectionsOptions,
    private readonly handlers: TcpConnectionHandlers<C>,
    private readonly observer?: TcpConnectionsObserver,
    private readonly now: () => number = Date.now,
  ) {
    const open = this.open;
    const clock = now;
    const budget = observer?.budget ?? processOpenFilesBudget();
    this.budget = budget;
    this.refusedCounter = observer?.metrics.counter(
      'vigil_tcp_connections_refused_total',
      'TCP connections closed on accept, by server and reason (fd_limit, connections_max, accept_error)',
      ['server', 'reason'],
    );
    if (observer && budget.limit !== undefined) {
      observer.metrics
        .gauge('vigil_process_open_files_limit', 'Open-file (descriptor) limit of the process')
        .set(undefined, budget.limit);
    }
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
      budget.open--;
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
    // Node closes a connection beyond maxConnections itself and says so with 'drop'.
    server.on('drop', () => this.refused('connections_max'));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // After listening, errors come from accept(2). On EMFILE/ENFILE libuv has already accepted and closed the
    // pending connections (it keeps one spare descriptor for that), so the server goes on listening: count it.
    server.on('error', (error: NodeJS.ErrnoException) =>
      this.refused(error.code === 'EMFILE' || error.code === 'ENFILE' ? 'fd_limit' : 'accept_error', error.code),
    );
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
    // The HTTP server's share stays free: consoles and /metrics must reach a node that terminals flood.
    if (!this.budget.admits(HTTP_HEADROOM_CONNECTIONS)) {
      socket.destroy();
      this.refused('fd_limit');
      return;
    }
    this.budget.open++;
    const connection = this.handlers.open(socket, `${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}`);
    connection.lastActiveMs = this.now();
    socket[STATE] = connection;
    this.open.add(connection);
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.on('error', destroySelf);
    socket.on('close', this.onClose);
  }

  /** Counts a refused connection and logs refusals at most once per interval, with how many since the last line. */
  private refused(reason: RefusalReason, code?: string): void {
    if (!this.observer) return;
    this.refusedCounter?.inc({ server: this.observer.server, reason });
    this.refusalsUnlogged.set(reason, (this.refusalsUnlogged.get(reason) ?? 0) + 1);
    const nowMs = this.now();
    if (nowMs - this.refusalLoggedAtMs < REFUSAL_LOG_INTERVAL_MS) return;
    this.refusalLoggedAtMs = nowMs;
    const counts = Object.fromEntries(this.refusalsUnlogged);
    this.refusalsUnlogged.clear();
    this.observer.logger.warn('connections refused', {
      server: this.observer.server,
      ...counts,
      ...(code === undefined ? {} : { code }),
      open: this.open.size,
      connectionsMax: this.options.connectionsMax,
      openFilesBudget: this.budget.connectionsMax,
      openFilesLimit: this.budget.limit,
      nextLogAfterMs: REFUSAL_LOG_INTERVAL_MS,
    });
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
