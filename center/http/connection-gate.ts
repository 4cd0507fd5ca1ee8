/**
 * Who may open an HTTP connection: at most `connectionsMax` at once (WebSocket feeds included: an upgraded
 * socket stays counted until it closes), at most `connectionsPerAddressMax` from one address, and only while the
 * process's descriptor budget — shared with the JT/T 808/809 servers and kept short of the stores' reserve — has
 * room. Idle sockets held open by the thousand once starved the sinks of descriptors; now the excess is answered
 * 503 at once, closed, counted by reason (`vigil_http_connections_refused_total{reason}`) and logged at most every
 * 10 s.
 */
import type { Socket } from 'node:net';
import type { Counter, Logger, Metrics } from '../../schema/index.js';

/**
 * The process's descriptor budget (`OpenFilesBudget` of ingest/open-files.ts, handed over by `cli/`): every
 * connection of every listener draws one descriptor from it, and it refuses before the stores' reserve.
 */
export interface DescriptorBudget {
  /** The open-file limit, undefined where unknown. */
  readonly limit: number | undefined;
  /** Connections the budget allows now, over all listeners; undefined when unbounded. */
  readonly connectionsMax: number | undefined;
  /** Connections open now over all listeners. */
  open: number;
  admits(): boolean;
}

/** Why a connection was refused, the `reason` label of `vigil_http_connections_refused_total`. */
export type HttpRefusalReason = 'connections_max' | 'per_address_max' | 'fd_limit' | 'accept_error';

const REFUSAL_LOG_INTERVAL_MS = 10_000;

const ADMITTED = Symbol('vigil.httpAdmitted');

interface GatedSocket extends Socket {
  [ADMITTED]?: boolean;
}

export interface ConnectionGateOptions {
  connectionsMax: number;
  connectionsPerAddressMax: number;
}

export class ConnectionGate {
  private open = 0;
  private readonly perAddress = new Map<string, number>();
  private readonly refusedCounter: Counter;
  private readonly refusalsUnlogged = new Map<HttpRefusalReason, number>();
  private refusalLoggedAtMs = -Infinity;

  constructor(
    private readonly options: ConnectionGateOptions,
    private readonly deps: { logger: Logger; metrics: Metrics; budget?: DescriptorBudget; now?: () => number },
  ) {
    this.refusedCounter = deps.metrics.counter(
      'vigil_http_connections_refused_total',
      'HTTP connections answered 503 and closed on accept, by reason (connections_max, per_address_max, fd_limit, accept_error)',
      ['reason'],
    );
    deps.metrics.onCollect(() =>
      deps.metrics
        .gauge('vigil_http_connections', 'Open HTTP connections, WebSocket feeds included')
        .set(undefined, this.open),
    );
  }

  get size(): number {
    return this.open;
  }

  /** Admits a new socket (and counts it until it closes), or says why not. */
  admit(socket: Socket): HttpRefusalReason | undefined {
    const address = socket.remoteAddress ?? '';
    const fromAddress = this.perAddress.get(address) ?? 0;
    if (this.open >= this.options.connectionsMax) return this.refused('connections_max');
    if (fromAddress >= this.options.connectionsPerAddressMax) return this.refused('per_address_max');
    if (this.deps.budget && !this.deps.budget.admits()) return this.refused('fd_limit');
    this.open++;
    this.perAddress.set(address, fromAddress + 1);
    if (this.deps.budget) this.deps.budget.open++;
    (socket as GatedSocket)[ADMITTED] = true;
    socket.once('close', () => this.release(address));
    return undefined;
  }

  /** Whether a socket was admitted (a refused one is being closed and must not be answered). */
  static admitted(socket: Socket): boolean {
    return (socket as GatedSocket)[ADMITTED] === true;
  }

  /** Counts a refusal and logs refusals at most once per interval, with how many since the last line. */
  refused(reason: HttpRefusalReason, code?: string): HttpRefusalReason {
    this.refusedCounter.inc({ reason });
    this.refusalsUnlogged.set(reason, (this.refusalsUnlogged.get(reason) ?? 0) + 1);
    const nowMs = (this.deps.now ?? Date.now)();
    if (nowMs - this.refusalLoggedAtMs >= REFUSAL_LOG_INTERVAL_MS) {
      this.refusalLoggedAtMs = nowMs;
      const counts = Object.fromEntries(this.refusalsUnlogged);
      this.refusalsUnlogged.clear();
      this.deps.logger.warn('http connections refused', {
        ...counts,
        ...(code === undefined ? {} : { code }),
        open: this.open,
        connectionsMax: this.options.connectionsMax,
        connectionsPerAddressMax: this.options.connectionsPerAddressMax,
        openFilesBudget: this.deps.budget?.connectionsMax,
        openFilesLimit: this.deps.budget?.limit,
        nextLogAfterMs: REFUSAL_LOG_INTERVAL_MS,
      });
    }
    return reason;
  }

  private release(address: string): void {
    this.open--;
    const left = (this.perAddress.get(address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(address, left);
    else this.perAddress.delete(address);
    if (this.deps.budget) this.deps.budget.open--;
  }
}
