/**
 * Subpackaged messages (body attribute bit 13) on their way to being whole: per-connection reassembly, the
 * gateway-wide byte bound, the answer to each packet, and the requests for missing packets.
 *
 * Acknowledging packets. Terminals expect a 0x8001 for each packet they send (many send the next one only
 * after it), so every packet but the last (index < total) is answered 0x8001 result 0 on receipt when it does
 * not complete its message. That answer says "packet received and held", never "message durable": the packet
 * lives only in this process until the message is whole. The answer to the message is the one a terminal
 * reads as "stored", so it goes only once the whole message is durable: a 0x8001 to the packet that completed
 * it and to the last packet (the two differ when packets came out of order), or for a 0x0801 upload the
 * 0x8800. The last packet is never answered on receipt, because a terminal that sent it on a new connection
 * (its first connection broke) would take that answer for the message's. A terminal keeps its packets until
 * the message's answer (it may be asked for any of them by 0x8003 or 0x8800), so packets lost with a
 * connection or a restart are asked for again, not lost.
 *
 * Missing packets. A message still incomplete `reassemblyTimeoutMs` after its first packet is asked for what
 * is missing: a 0x0801 upload with 0x8800 (media id and missing indexes; the media id is in packet 1, so
 * without packet 1 it gets a 0x8003 instead), any other message with 0x8003. Lists longer than one message can
 * carry are split over several. After one more timeout the message is dropped as `reassembly_timeout`.
 *
 * Late packets. A packet resent after its message completed (the terminal missed or did not wait for our
 * answer, on this connection or an earlier one) is recognised from the terminal's completed messages (see
 * completed-messages.ts) and never reassembled again: a packet but the last is answered "received" at once,
 * as in reassembly; the last gets the message's own answer (0x8001 with its result, or 0x8800 for a stored
 * upload), once the message has it, that is once it is durable, so it never says "stored" early. A message
 * answered with a failure is forgotten at once, so that the terminal's resend of it is handled afresh.
 */
import type { Jt808Frame, Jt808Header, Jt808Version, ReassemblerOptions, ReassemblyExpiry } from '../codec/index.js';
import { MULTIMEDIA_RESEND_IDS_MAX, originalSerialOf, resendIdsPerRequestMax } from '../codec/index.js';
import { CompletedMessages, type CompletedMessage, type MessageAnswer } from './completed-messages.js';
import type { Connection } from './connection.js';
import type { GatewayOptions } from './options.js';
import { RESULT, type Outbox, type ReassembledHeader } from './outbox.js';

/** How often incomplete subpackaged messages are checked against their timeout, at most. */
const REASSEMBLY_SWEEP_MS_MAX = 1_000;

export class Subpackages {
  /** Bytes held over all connections (bounded by `reassemblyBytesTotalMax`). */
  bytes = 0;
  /** Connections with at least one message in reassembly: the sweep visits only these. */
  private readonly reassembling = new Set<Connection>();
  private readonly reassembly: ReassemblerOptions;
  /** Messages completed recently, per terminal, for their late packets. */
  readonly completed: CompletedMessages;
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: GatewayOptions,
    private readonly out: Outbox,
    now: () => number,
  ) {
    this.reassembly = {
      packetsPerMessageMax: options.packetsPerMessageMax,
      bytesPerMessageMax: options.reassemblyBytesPerMessageMax,
      pendingMessagesMax: options.reassemblyMessagesPerConnectionMax,
      timeoutMs: options.reassemblyTimeoutMs,
      resendRoundsMax: 1,
      now,
    };
    this.completed = new CompletedMessages(
      {
        perTerminalMax: options.completedMessagesPerTerminalMax,
        messagesTotalMax: options.completedMessagesTotalMax,
        packetsTotalMax: options.completedPacketsTotalMax,
        ageMsMax: options.completedMessageAgeMsMax,
      },
      now,
    );
  }

  start(): void {
    const sweepMs = Math.max(10, Math.min(REASSEMBLY_SWEEP_MS_MAX, Math.floor(this.options.reassemblyTimeoutMs / 4)));
    this.sweepTimer = setInterval(() => this.sweep(), sweepMs);
    this.sweepTimer.unref();
  }

  stop(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
  }

  /**
   * Adds one packet; returns the whole message once its last packet arrived, with the flow number of that
   * packet (the one whose answer acknowledges the message). Other packets are answered here.
   */
  onPacket(c: Connection, frame: Jt808Frame, raw: Buffer): Jt808Frame | undefined {
    const { header } = frame;
    const packet = header.packet as { total: number; index: number };
    // A packet of a message still in reassembly here belongs to it, whatever completed before.
    if (c.reassembler?.holds(frame) !== true) {
      const late = this.completed.find(
        header.phone,
        keyOf(header.msgId, originalSerialOf(header.serial, packet.index), packet.total),
        packet.index,
        frame.body,
      );
      if (late !== undefined) {
        this.onLatePacket(c, header, late);
        return undefined;
      }
    }
    if (this.bytes + frame.body.length > this.options.reassemblyBytesTotalMax) {
      this.out.rejectRaw(
        c,
        raw,
        'reassembly_full',
        `${this.bytes} bytes in reassembly, max ${this.options.reassemblyBytesTotalMax}`,
        header.phone,
      );
      this.out.reply(c, header, RESULT.fail);
      return undefined;
    }
    const reassembler = c.reassemblerFor(this.reassembly);
    const before = reassembler.pendingBytes;
    const result = reassembler.push(frame);
    this.bytes += reassembler.pendingBytes - before;
    if (reassembler.pendingMessages > 0) this.reassembling.add(c);
    else this.reassembling.delete(c);
    switch (result.status) {
      case 'pending':
        if (packet.index < packet.total) this.out.reply(c, header, RESULT.ok);
        return undefined;
      case 'duplicate':
        // The terminal did not see our answer to this packet; it is held, so the same answer holds.
        this.countDuplicate();
        if (packet.index < packet.total) this.out.reply(c, header, RESULT.ok);
        return undefined;
      case 'rejected':
        this.out.rejectRaw(c, raw, result.reason, result.detail, header.phone);
        this.out.reply(c, header, RESULT.badMessage);
        return undefined;
      case 'complete': {
        this.out.counter('vigil_jt808_reassembled_total', 'Subpackaged messages reassembled').inc();
        // The reassembled header carries the flow number of packet 1; the last packet's follows from it.
        const firstSerial = result.frame.header.serial;
        const lastPacketSerial = (firstSerial + packet.total - 1) & 0xffff;
        const completed = this.completed.remember(
          header.phone,
          keyOf(header.msgId, firstSerial, packet.total),
          result.parts ?? [result.frame.body],
        );
        const body = result.frame.body;
        const mediaId = header.msgId === 0x0801 && body.length >= 4 ? body.readUInt32BE(0) : undefined;
        const whole: CompletingHeader = {
          ...result.frame.header,
          serial: header.serial,
          lastPacketSerial,
          onAnswer: (answer) => this.settle(completed, { kind: 'result', result: answer }),
          // Handled without a 0x8001: a stored upload (answered 0x8800), or a message answered otherwise.
          onHandled: () =>
            this.settle(completed, mediaId === undefined ? { kind: 'none' } : { kind: 'upload', mediaId }),
        };
        return { header: whole, body };
      }
    }
  }

  /** Called once the gateway is done with a frame: a reassembled message then has its answer. */
  handled(header: Jt808Header): void {
    (header as CompletingHeader).onHandled?.();
  }

  /** A packet of a message completed before, on this connection or an earlier one of the terminal. */
  private onLatePacket(c: Connection, header: Jt808Header, message: CompletedMessage): void {
    this.countDuplicate();
    const packet = header.packet as { total: number; index: number };
    // The same answer as a packet held in reassembly: "received", never "stored".
    if (packet.index < packet.total) {
      this.out.reply(c, header, RESULT.ok);
      return;
    }
    // The last packet's answer is the message's: it waits until the message has one.
    message.whenAnswered((answer) => {
      if (answer.kind === 'result') this.out.reply(c, header, answer.result);
      else if (answer.kind === 'upload')
        this.out.send(c, header.phone, { msgId: 0x8800, body: { mediaId: answer.mediaId, packetIds: [] } });
    });
  }

  private settle(message: CompletedMessage, answer: MessageAnswer): void {
    // A message that failed is forgotten, so that the terminal's resend of it is tried again.
    if (answer.kind === 'result' && answer.result !== RESULT.ok) this.completed.forget(message);
    message.settle(answer);
  }

  private countDuplicate(): void {
    this.out
      .counter(
        'vigil_jt808_duplicate_packets_total',
        'Subpackage packets received twice, in reassembly or after their message completed',
      )
      .inc();
  }

  /** Forgets what a closed connection held. */
  closed(c: Connection): void {
    if (c.reassembler) this.bytes -= c.reassembler.pendingBytes;
    this.reassembling.delete(c);
  }

  /** Asks for the missing packets of overdue messages, and drops those already asked for. */
  private sweep(): void {
    this.completed.expire();
    for (const c of this.reassembling) {
      const reassembler = c.reassembler;
      if (!reassembler) continue;
      const before = reassembler.pendingBytes;
      for (const expiry of reassembler.expire()) {
        if (expiry.status === 'resend') this.askForMissing(c, expiry);
        else {
          const detail = `0x${expiry.header.msgId.toString(16).padStart(4, '0')} from serial ${expiry.originalSerial}: packets ${expiry.missing.join(',')} of ${expiry.total} never arrived`;
          this.out.rejectRaw(c, Buffer.alloc(0), 'reassembly_timeout', detail, expiry.header.phone);
        }
      }
      this.bytes += reassembler.pendingBytes - before;
      if (reassembler.pendingMessages === 0) this.reassembling.delete(c);
    }
  }

  private askForMissing(c: Connection, expiry: ReassemblyExpiry): void {
    const phone = expiry.header.phone;
    const first = expiry.firstBody;
    if (expiry.header.msgId === 0x0801 && first !== undefined && first.length >= 4) {
      const mediaId = first.readUInt32BE(0);
      for (const packetIds of chunks(expiry.missing, MULTIMEDIA_RESEND_IDS_MAX)) {
        this.out
          .counter('vigil_jt808_resend_requests_total', 'Requests for missing subpackage packets (0x8003, 0x8800)')
          .inc();
        this.out.send(c, phone, { msgId: 0x8800, body: { mediaId, packetIds } });
      }
      return;
    }
    const version: Jt808Version = c.version === 2011 ? 2013 : c.version;
    for (const packetIds of chunks(expiry.missing, resendIdsPerRequestMax(version))) {
      this.out
        .counter('vigil_jt808_resend_requests_total', 'Requests for missing subpackage packets (0x8003, 0x8800)')
        .inc();
      this.out.send(c, phone, { msgId: 0x8003, body: { originalSerial: expiry.originalSerial, packetIds } });
    }
  }
}

/**
 * A reassembled message's header while the gateway handles it: `onAnswer` (see ReassembledHeader) and
 * `onHandled` tell the message's memory how it was answered.
 */
interface CompletingHeader extends ReassembledHeader {
  onHandled?: () => void;
}

/** What identifies a subpackaged message of a terminal: message id, flow number of packet 1, packet count. */
function keyOf(msgId: number, firstSerial: number, total: number): string {
  return `${msgId}:${firstSerial}:${total}`;
}

function chunks(ids: number[], sizeMax: number): number[][] {
  const out: number[][] = [];
  for (let at = 0; at < ids.length; at += sizeMax) out.push(ids.slice(at, at + sizeMax));
  return out;
}
