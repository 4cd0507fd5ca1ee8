/**
 * One terminal of a replay on its own TCP connection: it registers (0x0100), authenticates (0x0102) with the
 * code the platform returned, then sends its recorded frames on schedule, at most `windowFrames` unanswered
 * at a time, and retransmits an unanswered frame with the same bytes, hence the same flow number, as a real
 * terminal does. Malformed frames are sent and expect no answer.
 */
import net from 'node:net';
import { FrameSplitter, decodeMessage, encodeMessage, parseFrame, type Jt808Message } from '../../../ingest/index.js';
import { FRAME_KIND_MALFORMED, type TerminalBlock, type WireFrame } from '../../../fixtures/generator/index.js';
import type { ReplayStats } from './replay-stats.js';

export interface ConnectionOptions {
  host: string;
  port: number;
  /** Real ms at which data time `dataStartMs` is due; frames later in the data are due proportionally later. */
  realStartMs: number;
  dataStartMs: number;
  /** Data ms per real ms; Infinity sends as fast as the window allows. */
  speed: number;
  /** Added to every position's device time (0: replay the recorded times). */
  timeShiftMs: number;
  windowFrames: number;
  ackTimeoutMs: number;
  retransmitsMax: number;
  /** Shared by all connections: how many may be registering and authenticating at once. */
  logins: Gate;
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
  /** Resolves the wait of a register/authenticate request. */
  onReply?: (msgId: number, body: Record<string, unknown>) => void;
}

const SPLITTER_FRAME_BYTES_MAX = 4096;
const SWEEP_MS = 200;

export class ReplayConnection {
  private socket: net.Socket | undefined;
  private readonly splitter = new FrameSplitter({ frameBytesMax: SPLITTER_FRAME_BYTES_MAX });
  private readonly pending = new Map<number, Pending>();
  private slotWaiter: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly block: TerminalBlock,
    private readonly options: ConnectionOptions,
    private readonly stats: ReplayStats,
  ) {}

  async run(): Promise<void> {
    this.stats.terminalsStarted++;
    const sweep = setInterval(() => this.sweep(), SWEEP_MS);
    try {
      await this.connect();
      await this.options.logins.enter();
      try {
        await this.logIn();
      } finally {
        this.options.logins.leave();
      }
      for (const frame of this.block.frames) {
        if (this.closed || this.options.signal?.aborted) break;
        await this.due(frame.sendMs);
        if (frame.kind === FRAME_KIND_MALFORMED) {
          this.socket!.write(frame.bytes);
          this.stats.malformedSent++;
          continue;
        }
        while (this.pending.size >= this.options.windowFrames && !this.closed) await new Promise<void>((resolve) => (this.slotWaiter = resolve));
        if (this.closed) break;
        this.send(this.bytesOf(frame));
      }
      while (this.pending.size > 0 && !this.closed && !this.options.signal?.aborted) await new Promise<void>((resolve) => (this.slotWaiter = resolve));
      this.stats.terminalsDone++;
    } catch (error) {
      this.stats.terminalsFailed++;
      this.stats.noteFailure(this.block.identity.phone, error);
    } finally {
      clearInterval(sweep);
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

  private header(serial: number): { version: 2011 | 2013 | 2019; protocolVersion: number; phone: string; serial: number } {
    const id = this.block.identity;
    return { version: id.version, protocolVersion: id.protocolVersion, phone: id.phone, serial };
  }

  private request(message: Jt808Message, serial: number): Promise<{ msgId: number; body: Record<string, unknown> }> {
    const bytes = encodeMessage(message, this.header(serial));
    return new Promise((resolve, reject) => {
      const now = performance.now();
      this.pending.set(serial, {
        bytes, firstSentAt: now, lastSentAt: now, attempts: 1,
        onReply: (msgId, body) => (msgId < 0 ? reject(new Error('no reply')) : resolve({ msgId, body })),
      });
      this.socket!.write(bytes);
    });
  }

  private async logIn(): Promise<void> {
    const id = this.block.identity;
    const layout = id.version;
    const registered = await this.request({
      msgId: 0x0100,
      body: { provinceId: id.provinceId, cityId: id.cityId, maker: id.maker, model: id.model, terminalId: id.deviceId, plateColor: id.plateColor, plate: id.plate, layout },
    }, 1);
    const authCode = registered.body.authCode;
    if (registered.body.result !== 0 || typeof authCode !== 'string') throw new Error(`registration refused: ${String(registered.body.result)}`);
    const body = id.version === 2019 ? { authCode, imei: `86${id.phone.slice(-13)}`, softwareVersion: '1.0.0' } : { authCode };
    const authenticated = await this.request({ msgId: 0x0102, body }, 2);
    if (authenticated.body.result !== 0) throw new Error(`authentication refused: ${String(authenticated.body.result)}`);
  }

  /** Waits until the frame's send time comes round on the replay's clock. */
  private async due(sendMs: number): Promise<void> {
    if (!Number.isFinite(this.options.speed)) return;
    const at = this.options.realStartMs + (sendMs - this.options.dataStartMs) / this.options.speed;
    const wait = at - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 2_147_000_000)));
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
    return encodeMessage(message, { version: h.version, protocolVersion: h.protocolVersion, phone: h.phone, serial: h.serial });
  }

  private send(bytes: Buffer): void {
    const serial = serialOf(bytes);
    const now = performance.now();
    this.pending.set(serial, { bytes, firstSentAt: now, lastSentAt: now, attempts: 1 });
    this.stats.framesSent++;
    this.socket!.write(bytes);
  }

  private onData(chunk: Buffer): void {
    for (const item of this.splitter.push(chunk)) {
      if (item.reason !== undefined) continue;
      const frame = parseFrame(item.raw);
      if (!frame.ok) continue;
      const message = decodeMessage(frame.value);
      if (!message.ok) continue;
      const { msgId } = message.value;
      if (msgId !== 0x8001 && msgId !== 0x8100) continue;
      const body = message.value.body as unknown as Record<string, unknown>;
      const serial = body.replySerial as number;
      const pending = this.pending.get(serial);
      if (!pending) continue;
      this.pending.delete(serial);
      if (pending.onReply) {
        pending.onReply(msgId, body);
        continue;
      }
      this.stats.ackLatency.record(performance.now() - pending.firstSentAt);
      if (body.result === 0) this.stats.acknowledged++;
      else this.stats.rejected++;
      const waiter = this.slotWaiter;
      this.slotWaiter = undefined;
      waiter?.();
    }
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

/** The flow number of an escaped frame without decoding it: header bytes after id, attributes and phone. */
function serialOf(frame: Buffer): number {
  const parsed = parseFrame(frame);
  if (!parsed.ok) throw new Error(`a recorded frame does not parse: ${parsed.reason}`);
  return parsed.value.header.serial;
}
