/**
 * The state the gateway keeps per TCP connection. Idle connections are the common case (tens of thousands of
 * terminals heart-beating), so everything not needed by an idle session is allocated on first use.
 */
import type net from 'node:net';
import {
  FrameSplitter,
  Reassembler,
  type Jt808Message,
  type Jt808Version,
  type LocationBody,
  type ReassemblerOptions,
  type PlatformReplyFrames,
} from '../codec/index.js';
import type { TcpConnection } from '../../tcp-connections.js';
import type { TerminalFixes } from './recent-fixes.js';

/** What a terminal answered to a downlink command. */
export interface CommandAnswer {
  /** 0x0001 result: 0 ok, 1 fail, 2 bad message, 3 unsupported, 4 alarm confirmed. 0 for a 0x0201 answer. */
  result: number;
  /** The position of a 0x0201 answer to 0x8201. */
  location?: LocationBody;
  /** The media ids of a 0x0805 answer to 0x8801 (each photo then arrives as 0x0801). */
  mediaIds?: number[];
  /** The terminal's own answering message when it is not 0x0001 (0x1205 to 0x9205/0x9201, 0x0104, 0x0702, 0x0802). */
  message?: Jt808Message;
}

export interface PendingDownlink {
  msgId: number;
  resolve: (answer: CommandAnswer) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class Connection implements TcpConnection {
  readonly splitter: FrameSplitter;
  lastActiveMs = 0;
  phone: string | undefined;
  plate = '';
  version: Jt808Version = 2013;
  protocolVersion = 0;
  authenticated = false;
  inFlight = 0;
  paused = false;
  /** Frames to write at the end of this tick, as one buffer (see Outbox.send); at most one tick's replies. */
  readonly pendingFrames: Buffer[] = [];
  /** The 0x8001 frames of the terminal last answered on this connection (see Outbox.reply). */
  replyFrames: PlatformReplyFrames | undefined;
  /** The last of `pendingFrames` while 0x8001s are being written into it, and the end of what they wrote. */
  replyRun: Buffer | undefined;
  replyRunEnd = 0;
  private serial = 0;
  private downlinks: Map<number, PendingDownlink> | undefined;
  reassembler: Reassembler | undefined;
  /** The replay guard of the terminal this connection reports for (see RecentFixes), looked up once. */
  fixes: TerminalFixes | undefined;
  fixesPhone: string | undefined;
  /** County of the last position accepted on this connection: where a driver card report is filed. */
  orgCode = '';

  constructor(
    readonly socket: net.Socket,
    readonly peer: string,
    frameBytesMax: number,
    checksum: 'strict' | 'ignore',
  ) {
    this.splitter = new FrameSplitter({ frameBytesMax, parse: checksum === 'strict' ? undefined : { checksum } });
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

  /** The flow number of the oldest command of this message id awaiting an answer (for answers without one). */
  pendingSerialOf(msgId: number): number | undefined {
    if (!this.downlinks) return undefined;
    for (const [serial, pending] of this.downlinks) if (pending.msgId === msgId) return serial;
    return undefined;
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

  reassemblerFor(options: ReassemblerOptions): Reassembler {
    return (this.reassembler ??= new Reassembler(options));
  }
}

const EMPTY: ReadonlyMap<number, PendingDownlink> = new Map();
