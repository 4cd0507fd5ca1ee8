/**
 * Reassembly of subpackaged messages (body attribute bit 13). Packets of one message share phone, message
 * id and total, and carry consecutive flow numbers, so the flow number of packet 1 (serial − index + 1)
 * identifies the message even when packets arrive out of order. Every dimension is bounded; a message
 * still incomplete after `timeoutMs` is reported with its missing indexes so the gateway can send 0x8003,
 * and dropped after `resendRoundsMax` such rounds. We assume resent packets keep their original flow
 * numbers (the standard asks for the same packets); a terminal that renumbers them restarts the message.
 */
import type { Jt808Frame, Jt808Header, Jt808RejectReason } from './types.js';

export interface ReassemblerOptions {
  /** Largest `total` accepted in a packet header. */
  packetsPerMessageMax: number;
  /** Largest reassembled body. */
  bytesPerMessageMax: number;
  /** Messages being reassembled at once (per connection, if the gateway keeps one per session). */
  pendingMessagesMax: number;
  /** Time without completion before the missing packets are reported. */
  timeoutMs: number;
  /** 0x8003 rounds before an incomplete message is dropped; default 1. */
  resendRoundsMax?: number;
  /** Clock in ms; injectable for tests and simulation. */
  now?: () => number;
}

export type ReassemblyResult =
  | { status: 'pending' }
  | { status: 'duplicate' }
  /** `parts`: the packet bodies in index order, when the message came in more than one packet. */
  | { status: 'complete'; frame: Jt808Frame; parts?: Buffer[] }
  | { status: 'rejected'; reason: Jt808RejectReason; detail: string };

export interface ReassemblyExpiry {
  /** `resend`: ask for `missing` with 0x8003; `dropped`: gave up (reason `reassembly_timeout`). */
  status: 'resend' | 'dropped';
  /** Header of the first packet received (phone, msgId, version for the 0x8003 reply). */
  header: Jt808Header;
  /** Flow number of packet 1: the 0x8003 "original serial". */
  originalSerial: number;
  total: number;
  /** 1-based indexes not received. */
  missing: number[];
  /** Body of packet 1 when it was received (a 0x0801's media id is in it), else undefined. */
  firstBody: Buffer | undefined;
}

interface Pending {
  header: Jt808Header;
  originalSerial: number;
  parts: (Buffer | undefined)[];
  received: number;
  bytes: number;
  deadlineMs: number;
  resendsLeft: number;
}

/** Flow number of packet 1 of a message, from any of its packets (packets carry consecutive flow numbers). */
export function originalSerialOf(serial: number, index: number): number {
  return (serial - index + 1) & 0xffff;
}

function checkPositive(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} value ${value} is less than min allowed 1`);
}

export class Reassembler {
  readonly #opts: Required<Omit<ReassemblerOptions, 'now'>>;
  readonly #now: () => number;
  readonly #pending = new Map<string, Pending>();
  #pendingBytes = 0;

  constructor(opts: ReassemblerOptions) {
    checkPositive('packetsPerMessageMax', opts.packetsPerMessageMax);
    checkPositive('bytesPerMessageMax', opts.bytesPerMessageMax);
    checkPositive('pendingMessagesMax', opts.pendingMessagesMax);
    checkPositive('timeoutMs', opts.timeoutMs);
    const resendRoundsMax = opts.resendRoundsMax ?? 1;
    if (!Number.isInteger(resendRoundsMax) || resendRoundsMax < 0)
      throw new RangeError(`resendRoundsMax value ${resendRoundsMax} is less than min allowed 0`);
    this.#opts = { ...opts, resendRoundsMax };
    this.#now = opts.now ?? Date.now;
  }

  get pendingMessages(): number {
    return this.#pending.size;
  }

  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** Adds one packet. A frame without `packet` (or 1 of 1) is complete at once. */
  push(frame: Jt808Frame): ReassemblyResult {
    const packet = frame.header.packet;
    if (packet === undefined || packet.total === 1)
      return { status: 'complete', frame: this.#whole(frame.header, frame.header.serial, [frame.body]) };
    if (packet.total > this.#opts.packetsPerMessageMax) {
      return {
        status: 'rejected',
        reason: 'too_many_packets',
        detail: `${packet.total} packets exceed ${this.#opts.packetsPerMessageMax}`,
      };
    }
    const originalSerial = originalSerialOf(frame.header.serial, packet.index);
    const key = `${frame.header.phone}:${frame.header.msgId}:${originalSerial}:${packet.total}`;
    let entry = this.#pending.get(key);
    if (entry === undefined) {
      if (this.#pending.size >= this.#opts.pendingMessagesMax) {
        return {
          status: 'rejected',
          reason: 'reassembly_full',
          detail: `${this.#pending.size} messages pending, max ${this.#opts.pendingMessagesMax}`,
        };
      }
      entry = {
        header: frame.header,
        originalSerial,
        parts: new Array<Buffer | undefined>(packet.total),
        received: 0,
        bytes: 0,
        deadlineMs: this.#now() + this.#opts.timeoutMs,
        resendsLeft: this.#opts.resendRoundsMax,
      };
      this.#pending.set(key, entry);
    }
    if (entry.parts[packet.index - 1] !== undefined) return { status: 'duplicate' };
    if (entry.bytes + frame.body.length > this.#opts.bytesPerMessageMax) {
      this.#drop(key, entry);
      return {
        status: 'rejected',
        reason: 'message_too_large',
        detail: `reassembled body would exceed ${this.#opts.bytesPerMessageMax} bytes`,
      };
    }
    entry.parts[packet.index - 1] = Buffer.from(frame.body);
    entry.received++;
    entry.bytes += frame.body.length;
    this.#pendingBytes += frame.body.length;
    if (entry.received < packet.total) return { status: 'pending' };
    this.#drop(key, entry);
    const parts = entry.parts as Buffer[];
    return { status: 'complete', frame: this.#whole(entry.header, originalSerial, parts), parts };
  }

  /** Whether a packet belongs to a message this reassembler is still waiting on. */
  holds(frame: Jt808Frame): boolean {
    const packet = frame.header.packet;
    if (packet === undefined || packet.total === 1 || this.#pending.size === 0) return false;
    return this.#pending.has(
      `${frame.header.phone}:${frame.header.msgId}:${originalSerialOf(frame.header.serial, packet.index)}:${packet.total}`,
    );
  }

  /** Reports messages past their deadline; call it on a timer. */
  expire(): ReassemblyExpiry[] {
    const now = this.#now();
    const expired: ReassemblyExpiry[] = [];
    for (const [key, entry] of this.#pending) {
      if (now < entry.deadlineMs) continue;
      const missing: number[] = [];
      for (let i = 0; i < entry.parts.length; i++) if (entry.parts[i] === undefined) missing.push(i + 1);
      const base = {
        header: entry.header,
        originalSerial: entry.originalSerial,
        total: entry.parts.length,
        missing,
        firstBody: entry.parts[0],
      };
      if (entry.resendsLeft > 0) {
        entry.resendsLeft--;
        entry.deadlineMs = now + this.#opts.timeoutMs;
        expired.push({ status: 'resend', ...base });
      } else {
        this.#drop(key, entry);
        expired.push({ status: 'dropped', ...base });
      }
    }
    return expired;
  }

  #drop(key: string, entry: Pending): void {
    this.#pending.delete(key);
    this.#pendingBytes -= entry.bytes;
  }

  #whole(first: Jt808Header, serial: number, parts: Buffer[]): Jt808Frame {
    const body = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    const header: Jt808Header = { ...first, serial, bodyLength: body.length };
    delete header.packet;
    return { header, body };
  }
}
