/**
 * One terminal of a replay on its own TCP connection: it registers (0x0100), authenticates (0x0102) with the
 * code the platform returned, then sends its recorded frames on schedule, at most `windowFrames` unanswered
 * at a time, and retransmits an unanswered frame with the same bytes, hence the same flow number, as a real
 * terminal does. Malformed frames are sent and expect no answer.
 */
import net from 'node:net';
import {
  decodedFrames,
  FrameSplitter,
  decodeMessage,
  encodeMessage,
  parseFrame,
  type Jt808Message,
} from '../../../ingest/index.js';
import { FRAME_KIND_MALFORMED, type TerminalBlock, type WireFrame } from '../../../fixtures/generator/index.js';
import type { LockstepParticipant } from './lockstep.js';
import type { ReplayStats } from './replay-stats.js';

export interface ConnectionOptions {
  host: string;
  port: number;
  /** Real ms at which data time `dataStartMs` is due; frames later in the data are due proportionally later. */
  realStartMs: number;
  dataStartMs: number;
  /** Recorded frames due before this data time are not sent (a replay started part-way into the data). */
  skipBeforeMs?: number;
  /** Data ms per real ms; Infinity sends as fast as the window allows. */
  speed: number;
  /** Added to every position's device time (0: replay the recorded times). */
  timeShiftMs: number;
  windowFrames: number;
  ackTimeoutMs: number;
  retransmitsMax: number;
  /** Shared by all connections: how many may be registering and authenticating at once. */
  logins: Gate;
  /** At `speed` Infinity: keeps this terminal within one step of data time of the others (see lockstep.ts). */
  lockstep?: LockstepParticipant;
  signal?: AbortSignal;
}

/**
 * A counting semaphore. Registrations are what a platform finds most expensive (a database write each); a
 * replay that starts thousands of terminals at once must not turn that into a storm of retransmitted 0x0100.
 */
export class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async enter(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  leave(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

interface Pending {
  bytes: Buffer;
  firstSentAt: number;
  lastSentAt: number;
  attempts: number;
  /** Positions the frame carries (1 for 0x0200, the item count for 0x0704, 0 otherwise). */
  positions: number;
  /** Resolves the wait of a register/authenticate request. */
  onReply?: (msgId: number, body: Record<string, unknown>) => void;
}

const SPLITTER_FRAME_BYTES_MAX = 4096;
const SWEEP_MS = 200;
/** Heartbeat interval while a terminal waits for its next frame's time (platforms close idle connections). */
const HEARTBEAT_MS = 60_000;

export class ReplayConnection {
  private socket: net.Socket | undefined;
  private readonly splitter = new FrameSplitter({ frameBytesMax: SPLITTER_FRAME_BYTES_MAX });
  private readonly pending = new Map<number, Pending>();
  private slotWaiter: (() => void) | undefined;
  private closed = false;
  /** Flow number of the latest recorded frame sent. */
  private lastSerial = 0;

  constructor(
    private readonly block: TerminalBlock,
    private readonly options: ConnectionOptions,
    private readonly stats: ReplayStats,
  ) {}

  async run(): Promise<void> {
    this.stats.terminalsStarted++;
    const sweep = setInterval(() => this.sweep(), SWEEP_MS);
    try {
      // Connect only once it is this terminal's turn to log in: a connection left idle while thousands of
      // others register would be closed by the platform's idle timeout, as it should be.
      await this.options.logins.enter();
      try {
        await this.connect();
        await this.logIn();
      } finally {
        this.options.logins.leave();
      }
      const skipBeforeMs = this.options.skipBeforeMs ?? -Infinity;
      for (const frame of this.block.frames) {
        if (this.closed || this.options.signal?.aborted) break;
        if (frame.sendMs < skipBeforeMs) continue;
        await this.due(frame.sendMs);
        if (frame.kind === FRAME_KIND_MALFORMED) {
          this.socket!.write(frame.bytes);
          this.stats.malformedSent++;
          continue;
        }
        while (this.pending.size >= this.options.windowFrames && !this.closed)
          await new Promise<void>((resolve) => (this.slotWaiter = resolve));
        if (this.closed) break;
        this.send(this.bytesOf(frame));
      }
      while (this.pending.size > 0 && !this.closed && !this.options.signal?.aborted)
        await new Promise<void>((resolve) => (this.slotWaiter = resolve));
      this.stats.terminalsDone++;
    } catch (error) {
      this.stats.terminalsFailed++;
      this.stats.noteFailure(this.block.identity.phone, error);
    } finally {
      clearInterval(sweep);
      this.options.lockstep?.leave();
      this.stats.unanswered += this.pending.size;
      this.pending.clear();
      this.closed = true;
      this.socket?.destroy();
    }
  }

  private connect(): Promise<void> {
    const socket = net.connect({ host: this.options.host, port: this.options.port });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.onClose());
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
  }

  private onClose(): void {
    this.closed = true;
    this.slotWaiter?.();
    for (const p of this.pending.values()) p.onReply?.(-1, {});
  }

  private header(serial: number): {
    version: 2011 | 2013 | 2019;
    protocolVersion: number;
    phone: string;
    serial: number;
  } {
    const id = this.block.identity;
    return { version: id.version, protocolVersion: id.protocolVersion, phone: id.phone, serial };
  }

  private request(message: Jt808Message, serial: number): Promise<{ msgId: number; body: Record<string, unknown> }> {
    const bytes = encodeMessage(message, this.header(serial));
    return new Promise((resolve, reject) => {
      const now = performance.now();
      this.pending.set(serial, {
        bytes,
        firstSentAt: now,
        lastSentAt: now,
        attempts: 1,
        positions: 0,
        onReply: (msgId, body) => (msgId < 0 ? reject(new Error('no reply')) : resolve({ msgId, body })),
      });
      this.socket!.write(bytes);
    });
  }

  private async logIn(): Promise<void> {
    const id = this.block.identity;
    const layout = id.version;
    const registered = await this.request(
      {
        msgId: 0x0100,
        body: {
          provinceId: id.provinceId,
          cityId: id.cityId,
          maker: id.maker,
          model: id.model,
          terminalId: id.deviceId,
          plateColor: id.plateColor,
          plate: id.plate,
          layout,
        },
      },
      1,
    );
    const authCode = registered.body.authCode;
    if (registered.body.result !== 0 || typeof authCode !== 'string')
      throw new Error(`registration refused: ${String(registered.body.result)}`);
    const body =
      id.version === 2019 ? { authCode, imei: `86${id.phone.slice(-13)}`, softwareVersion: '1.0.0' } : { authCode };
    const authenticated = await this.request({ msgId: 0x0102, body }, 2);
    if (authenticated.body.result !== 0)
      throw new Error(`authentication refused: ${String(authenticated.body.result)}`);
  }

  /**
   * Waits until the frame's send time comes round on the replay's clock (or the lockstep's horizon). A long
   * wait is kept alive with heartbeats, as a terminal with nothing to report does: otherwise the platform's
   * idle timeout would close a connection waiting for slower terminals.
   */
  private async due(sendMs: number): Promise<void> {
    let waited: Promise<unknown>;
    const lockstep = this.options.lockstep;
    if (lockstep) {
      if (lockstep.isDue(sendMs)) return;
      waited = lockstep.due(sendMs);
    } else {
      if (!Number.isFinite(this.options.speed)) return;
      const wait = this.options.realStartMs + (sendMs - this.options.dataStartMs) / this.options.speed - Date.now();
      if (wait <= 0) return;
      waited = new Promise((resolve) => setTimeout(resolve, Math.min(wait, 2_147_000_000)));
    }
    const heartbeats = setInterval(() => this.heartbeat(), HEARTBEAT_MS);
    try {
      await waited;
    } finally {
      clearInterval(heartbeats);
    }
  }

  /** A 0x0002 outside the recording, on a flow number half the counter away from the recorded frames'. */
  private heartbeat(): void {
    if (this.closed || !this.socket) return;
    const serial = (this.lastSerial + 0x8000) & 0xffff;
    if (this.pending.has(serial)) return;
    const bytes = encodeMessage({ msgId: 0x0002, body: {} }, this.header(serial));
    const now = performance.now();
    this.pending.set(serial, {
      bytes,
      firstSentAt: now,
      lastSentAt: now,
      attempts: 1,
      positions: 0,
      onReply: () => undefined,
    });
    this.socket.write(bytes);
  }

  private bytesOf(frame: WireFrame): Buffer {
    if (this.options.timeShiftMs === 0) return frame.bytes;
    const parsed = parseFrame(frame.bytes);
    if (!parsed.ok) return frame.bytes;
    const decoded = decodeMessage(parsed.value);
    if (!decoded.ok) return frame.bytes;
    const message = decoded.value;
    const shift = this.options.timeShiftMs;
    if (message.msgId === 0x0200) message.body.time += shift;
    else if (message.msgId === 0x0704) for (const item of message.body.items) item.time += shift;
    else return frame.bytes;
    const h = parsed.value.header;
    return encodeMessage(message, {
      version: h.version,
      protocolVersion: h.protocolVersion,
      phone: h.phone,
      serial: h.serial,
    });
  }

  private send(bytes: Buffer): void {
    const { serial, positions } = framedOf(bytes);
    this.lastSerial = serial;
    const now = performance.now();
    this.pending.set(serial, { bytes, firstSentAt: now, lastSentAt: now, attempts: 1, positions });
    this.stats.framesSent++;
    this.socket!.write(bytes);
  }

  private onData(chunk: Buffer): void {
    for (const { message } of decodedFrames(this.splitter, chunk)) {
      const { msgId } = message;
      if (msgId !== 0x8001 && msgId !== 0x8100) continue;
      const body = message.body as unknown as Record<string, unknown>;
      const serial = body.replySerial as number;
      const pending = this.pending.get(serial);
      if (!pending) continue;
      this.pending.delete(serial);
      if (pending.onReply) {
        pending.onReply(msgId, body);
        this.wakeSender();
        continue;
      }
      this.stats.ackLatency.record(performance.now() - pending.firstSentAt);
      if (body.result === 0) {
        this.stats.acknowledged++;
        this.stats.positionsAcknowledged += pending.positions;
      } else this.stats.rejected++;
      this.wakeSender();
    }
  }

  private wakeSender(): void {
    const waiter = this.slotWaiter;
    this.slotWaiter = undefined;
    waiter?.();
  }

  /** Retransmits what has waited too long, gives up after the last attempt. */
  private sweep(): void {
    const now = performance.now();
    for (const [serial, p] of this.pending) {
      if (now - p.lastSentAt < this.options.ackTimeoutMs) continue;
      if (p.attempts > this.options.retransmitsMax) {
        this.pending.delete(serial);
        if (p.onReply) p.onReply(-1, {});
        else this.stats.unanswered++;
        continue;
      }
      p.attempts++;
      p.lastSentAt = now;
      if (!p.onReply) this.stats.retransmitted++;
      this.socket?.write(p.bytes);
    }
    if (this.pending.size < this.options.windowFrames) {
      const waiter = this.slotWaiter;
      this.slotWaiter = undefined;
      waiter?.();
    }
  }
}

/**
 * The flow number of a recorded frame and the positions it carries, from its header and the first bytes of
 * its body (a 0x0704 body starts with its item count), without decoding the body.
 */
function framedOf(frame: Buffer): { serial: number; positions: number } {
  const parsed = parseFrame(frame);
  if (!parsed.ok) throw new Error(`a recorded frame does not parse: ${parsed.reason}`);
  const { header, body } = parsed.value;
  const positions =
    header.msgId === 0x0200 ? 1 : header.msgId === 0x0704 && body.length >= 2 ? body.readUInt16BE(0) : 0;
  return { serial: header.serial, positions };
}
