/**
 * The state the gateway keeps per TCP connection. Idle connections are the common case (tens of thousands of
 * terminals heart-beating), so everything not needed by an idle session is allocated on first use.
 */
import type net from 'node:net';
import { FrameSplitter, Reassembler, type Jt808Version, type LocationBody, type ReassemblerOptions } from '../codec/index.js';

/** What a terminal answered to a downlink command. */
export interface CommandAnswer {
  /** 0x0001 result: 0 ok, 1 fail, 2 bad message, 3 unsupported, 4 alarm confirmed. 0 for a 0x0201 answer. */
  result: number;
  /** The position of a 0x0201 answer to 0x8201. */
  location?: LocationBody;
}

export interface PendingDownlink {
  msgId: number;
  resolve: (answer: CommandAnswer) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class Connection {
  readonly splitter: FrameSplitter;
  phone: string | undefined;
  plate = '';
  version: Jt808Version = 2013;
  protocolVersion = 0;
  authenticated = false;
  inFlight = 0;
  paused = false;
  /** Writes are corked until the next tick (see Jt808Gateway.send). */
  corked = false;
  private serial = 0;
  private downlinks: Map<number, PendingDownlink> | undefined;
  private recent: Map<number, RecentFix> | undefined;
  reassembler: Reassembler | undefined;

  constructor(
    readonly socket: net.Socket,
    readonly peer: string,
    frameBytesMax: number,
  ) {
    this.splitter = new FrameSplitter({ frameBytesMax });
  }

  nextSerial(): number {
    this.serial = (this.serial + 1) & 0xffff;
    return this.serial;
  }

  get pendingDownlinks(): ReadonlyMap<number, PendingDownlink> {
    return this.downlinks ?? EMPTY;
  }

  addDownlink(serial: number, pending: PendingDownlink): void {
    (this.downlinks ??= new Map()).set(serial, pending);
  }

  takeDownlink(serial: number): PendingDownlink | undefined {
    const pending = this.downlinks?.get(serial);
    if (pending) this.downlinks?.delete(serial);
    return pending;
  }

  /** Fails every command still waiting, when the connection goes away. */
  failDownlinks(error: Error): void {
    if (!this.downlinks) return;
    for (const pending of this.downlinks.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.downlinks.clear();
  }

  /**
   * The durability of an earlier, identical position (same device time, same fingerprint), if this session
   * still remembers it. A different position with the same device time is not a retransmission.
   */
  recentFix(ts: number, fingerprint: number): Promise<void> | undefined {
    const fix = this.recent?.get(ts);
    return fix !== undefined && fix.fingerprint === fingerprint ? fix.durable : undefined;
  }

  /**
   * Remembers a position being made durable. The memory is bounded: the oldest entry goes first (a Map
   * iterates in insertion order). A failed write is forgotten, so that a retransmission tries again.
   */
  rememberFix(ts: number, fingerprint: number, durable: Promise<void>, entriesMax: number): void {
    const recent = (this.recent ??= new Map());
    const fix: RecentFix = { durable, fingerprint };
    recent.delete(ts);
    recent.set(ts, fix);
    if (recent.size > entriesMax) recent.delete(recent.keys().next().value as number);
    durable.catch(() => {
      if (recent.get(ts) === fix) recent.delete(ts);
    });
  }

  reassemblerFor(options: ReassemblerOptions): Reassembler {
    return (this.reassembler ??= new Reassembler(options));
  }
}

const EMPTY: ReadonlyMap<number, PendingDownlink> = new Map();

interface RecentFix {
  durable: Promise<void>;
  fingerprint: number;
}
