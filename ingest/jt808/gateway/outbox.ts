/**
 * What every part of the gateway sends: frames to a terminal (one write per tick), 0x8001 replies, and rejects to
 * the dead-letter topic with their counter. Shared by the gateway, its subpackage handling and its media
 * handling, so that each of them writes and dead-letters the same way.
 */
import type { IngestRejectRow, Logger, Metrics } from '../../../schema/index.js';
import { TOPICS, type Producer } from '../../../stream/index.js';
import { encodeMessage, PlatformReplyFrames, type Jt808Header, type Jt808Message } from '../codec/index.js';
import type { Connection } from './connection.js';

/** 0x8001 result codes. */
export const RESULT = { ok: 0, fail: 1, badMessage: 2, unsupported: 3 } as const;

/**
 * The header of a reassembled message: its serial is the packet that completed it. When that is not the
 * message's last packet (index = total), the last packet, which got no answer on receipt, is answered too.
 */
export interface ReassembledHeader extends Jt808Header {
  lastPacketSerial?: number;
  /** Told the result the message was answered with, for its packets resent later (see Subpackages). */
  onAnswer?: (result: number) => void;
}

export class Outbox {
  constructor(
    readonly producer: Producer,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /** 0x8001 to the frame of `header` (for a reassembled message, see ReassembledHeader). */
  reply(c: Connection, header: ReassembledHeader, result: number): void {
    this.replyFrame(c, header.phone, header.serial, header.msgId, result);
    const last = header.lastPacketSerial;
    if (last !== undefined && last !== header.serial) this.replyFrame(c, header.phone, last, header.msgId, result);
    header.onAnswer?.(result);
  }

  /** One 0x8001, written straight into its frame (the bytes `send` would write, for less garbage per reply). */
  private replyFrame(c: Connection, phone: string, replySerial: number, replyMsgId: number, result: number): void {
    const serial = c.nextSerial();
    if (c.socket.destroyed) return;
    const version = c.version === 2011 ? 2013 : c.version;
    let frames = c.replyFrames;
    if (frames === undefined || !frames.fits(version, c.protocolVersion, phone))
      frames = c.replyFrames = new PlatformReplyFrames(version, c.protocolVersion, phone);
    // Replies queued one after another share a buffer (a run), written into byte by byte.
    let run = c.replyRun;
    if (run === undefined || c.replyRunEnd + frames.bytesMax > run.length) {
      run = Buffer.allocUnsafe(REPLY_RUN_BYTES);
      this.queue(c, run);
      c.replyRun = run;
      c.replyRunEnd = 0;
    }
    c.replyRunEnd = frames.writeFrame(run, c.replyRunEnd, serial, replySerial, replyMsgId, result);
  }

  /** Writes a message in the edition the terminal spoke; returns the flow number used. */
  send(c: Connection, phone: string, message: Jt808Message): number {
    const serial = c.nextSerial();
    if (c.socket.destroyed) return serial;
    const frame = encodeMessage(message, {
      version: c.version === 2011 ? 2013 : c.version,
      protocolVersion: c.protocolVersion,
      phone,
      serial,
    });
    this.queue(c, frame);
    return serial;
  }

  private queue(c: Connection, frame: Buffer): void {
    // A committed sink batch releases many replies of one connection in the same tick: collecting them until
    // the next tick and writing them as one buffer costs one write, where corking still handed the socket one
    // chunk each (a writev of many small buffers). The order of the frames is the order of the calls.
    sealReplyRun(c);
    const pending = c.pendingFrames;
    if (pending.length === 0) process.nextTick(flush, c);
    pending.push(frame);
  }

  /** Counts a reject and makes its dead-letter row, for callers that publish rows in a batch. */
  rejectRow(
    c: Connection,
    raw: Buffer,
    reason: string,
    detail: string,
    terminalId: string | undefined,
  ): IngestRejectRow {
    this.counter('vigil_ingest_rejects_total', 'Rejected frames and records by reason', ['source', 'reason']).inc({
      source: 'jt808',
      reason,
    });
    return {
      received_at: this.now(),
      source: 'jt808',
      reason,
      detail,
      raw: raw.toString('hex'),
      peer: c.peer,
      terminal_id: terminalId ?? '',
    };
  }

  /** Dead-letters without waiting: used where there is nothing to acknowledge. */
  rejectRaw(c: Connection, raw: Buffer, reason: string, detail: string, terminalId: string | undefined): void {
    const row = this.rejectRow(c, raw, reason, detail, terminalId);
    this.producer.send(TOPICS.rejects, [{ key: row.terminal_id || c.peer, value: row }]).catch((error: unknown) => {
      this.logger.error('could not store a reject', { reason, error: String(error) });
    });
  }

  /** Dead-letters and waits until the reject is durable, before the reply that reports it. */
  async rejectRawDurably(
    c: Connection,
    raw: Buffer,
    reason: string,
    detail: string,
    terminalId: string | undefined,
  ): Promise<void> {
    const row = this.rejectRow(c, raw, reason, detail, terminalId);
    await this.producer.send(TOPICS.rejects, [{ key: row.terminal_id || c.peer, value: row }]);
  }

  counter(name: string, help: string, labels: string[] = []) {
    return this.metrics.counter(name, help, labels);
  }
}

/** Replies of one run: a dozen 2013 replies of about 20 bytes (a read's four positions take four). */
const REPLY_RUN_BYTES = 256;

/** Cuts the open run of replies (the last pending buffer) to the bytes written; later frames go after it. */
function sealReplyRun(c: Connection): void {
  const run = c.replyRun;
  if (run === undefined) return;
  const pending = c.pendingFrames;
  pending[pending.length - 1] = run.subarray(0, c.replyRunEnd);
  c.replyRun = undefined;
}

function flush(c: Connection): void {
  sealReplyRun(c);
  const pending = c.pendingFrames;
  // Frames for a socket destroyed meanwhile are dropped, as a destroyed socket drops its queued writes.
  if (!c.socket.destroyed) c.socket.write(pending.length === 1 ? pending[0]! : Buffer.concat(pending));
  pending.length = 0;
}
