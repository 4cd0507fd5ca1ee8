/**
 * The process's open-file budget for connections, one for every listener: the JT/T 808 and 809 servers and the
 * HTTP server with its WebSockets (`cli/` hands this budget to `center/`'s HTTP server). Every connection holds
 * a descriptor, and so do chDB's parts and PGlite's files. If connections take the last descriptor, the store
 * cannot open a file and nothing is acknowledged any more, so every listener stops accepting a reserve short of
 * the limit (reason `fd_limit`) and leaves that reserve to the stores.
 *
 * Node raises its soft limit to the hard limit at start, so the limit read here is effectively the hard one.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Descriptors kept free for the stores and their growth (merges, parts, clients) beyond what the process held when the budget was first measured. */
export const OPEN_FILES_RESERVE = 256;

/** The soft open-file limit from /proc/self/limits; undefined where there is none (not Linux) or it is unlimited. */
export function openFilesLimit(limitsText?: string): number | undefined {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return undefined;
    }
  }
  const line = text.split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
  if (soft === undefined || !/^\d+$/.test(soft)) return undefined;
  return Number(soft);
}

/** Descriptors the process holds now; undefined where /proc is not available. */
export function openFilesInUse(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

/**
 * Connections of the budget the TCP servers leave to the HTTP server: however many terminals and platforms
 * connect, the duty console, the API and `/metrics` stay reachable. The HTTP server has its own bounds
 * (`connectionsMax`, per address) well below the budget on a machine set up as docs/operations.md says.
 */
export const HTTP_HEADROOM_CONNECTIONS = 64;

/** How often, at most, the descriptors in use are counted again when a connection is at the edge of the budget. */
const REMEASURE_MS_MIN = 1_000;

/**
 * Connections all listeners of the process may hold together before refusing with `fd_limit`: the limit,
 * less the descriptors held by everything but these connections, less the reserve. What the rest holds is
 * counted at the first use and again (at most once a second) whenever a connection would be refused, so that
 * files the store closed meanwhile are given to terminals and files it opened are kept from them. Counting
 * /proc/self/fd costs a few milliseconds at 20,000 descriptors, so it is never done below the edge.
 */
export class OpenFilesBudget {
  /** Open connections over all listeners of the process (TCP servers, HTTP server). */
  open = 0;
  private connectionsMaxNow: number | undefined;
  private measuredAtMs = -Infinity;

  constructor(
    /** Undefined where the limit is unknown: then only each server's `connectionsMax` bounds connections. */
    readonly limit: number | undefined,
    private readonly filesInUse: () => number | undefined = openFilesInUse,
    private readonly now: () => number = Date.now,
  ) {
    this.measure();
  }

  /** Connections the budget allows now; undefined when unbounded. */
  get connectionsMax(): number | undefined {
    return this.connectionsMaxNow;
  }

  /**
   * Whether one more connection fits with `headroomConnections` of the budget still left over for others; true
   * where the limit is unknown.
   */
  admits(headroomConnections = 0): boolean {
    const fits = (): boolean =>
      this.connectionsMaxNow === undefined || this.open + headroomConnections < this.connectionsMaxNow;
    if (fits()) return true;
    if (this.now() - this.measuredAtMs < REMEASURE_MS_MIN) return false;
    this.measure();
    return fits();
  }

  private measure(): void {
    this.measuredAtMs = this.now();
    const inUse = this.limit === undefined ? undefined : this.filesInUse();
    if (this.limit === undefined || inUse === undefined) {
      this.connectionsMaxNow = undefined;
      return;
    }
    const others = Math.max(0, inUse - this.open);
    this.connectionsMaxNow = Math.max(0, this.limit - others - OPEN_FILES_RESERVE);
  }
}

let processBudget: OpenFilesBudget | undefined;

/** The one budget of this process, made on first use. */
export function processOpenFilesBudget(): OpenFilesBudget {
  processBudget ??= new OpenFilesBudget(openFilesLimit());
  return processBudget;
}

export interface ConnectionBound {
  /** The configuration key, e.g. `jt808.connectionsMax`. */
  key: string;
  value: number;
  /** Set by the operator rather than left at its built-in default. */
  explicit: boolean;
}

export interface OpenFilesNote {
  /**
   * `warn` when a bound the operator set does not fit (they asked for something the machine will refuse);
   * `info` when only the built-in defaults — sized for a province, far above a default machine's limit — do not:
   * a default start on a default machine is normal, not a fault to warn about.
   */
  level: 'info' | 'warn';
  message: string;
}

/**
 * What to say when the connection bounds do not fit under the open-file limit, naming the keys, values and the
 * limit and how to raise it; undefined when they fit or the limit is unknown. Never an error: the servers refuse
 * beyond the budget instead (reason fd_limit), and the defaults must start on a machine with a small limit.
 */
export function openFilesNote(
  bounds: readonly ConnectionBound[],
  budget: Pick<OpenFilesBudget, 'limit' | 'connectionsMax'>,
): OpenFilesNote | undefined {
  if (budget.limit === undefined || budget.connectionsMax === undefined) return undefined;
  const total = bounds.reduce((sum, b) => sum + b.value, 0);
  if (total <= budget.connectionsMax) return undefined;
  const named = bounds.map((b) => `${b.key}=${b.value}`).join(' + ');
  const raise = `systemd LimitNOFILE=${total + 4 * OPEN_FILES_RESERVE}, or ulimit -Hn and ulimit -n before start`;
  if (!bounds.some((b) => b.explicit))
    return {
      level: 'info',
      message:
        `this node accepts about ${budget.connectionsMax} connections (terminals, platforms, HTTP) within its open-file limit ${budget.limit}; ` +
        `the default bounds (${named}) need ${total} plus ${OPEN_FILES_RESERVE} reserved. For more, raise the hard limit (${raise}).`,
    };
  return {
    level: 'warn',
    message:
      `open-file limit ${budget.limit} is below the configured connection bounds ${named} = ${total} plus ${OPEN_FILES_RESERVE} reserved ` +
      `and the descriptors already in use; connections (terminals, platforms, HTTP) beyond ${budget.connectionsMax} will be refused (reason fd_limit). ` +
      `Raise the hard limit (${raise}) or lower the bounds.`,
  };
}
