/**
 * Cuts a TCP byte stream from a terminal into JT/T 1078 packets. Packets follow each other with no separator, so
 * the reader trusts each packet's length; when a packet is malformed (no frame flag where one must be, a length
 * beyond the bound) it reports it and resynchronises at the next frame flag, so one bad packet never costs the
 * stream. The SIM width (6 or 10 BCD bytes) is decided at the first packet by asking which reading names a
 * stream the server requested.
 */
import { nextFrameFlag, parseRtpPacket, type RtpPacket, type RtpRejectReason, type SimBytes } from './rtp-packet.js';
import { readBcdDigits } from '../jt808/codec/bcd.js';

export type ReaderRejectReason = RtpRejectReason | 'garbage' | 'unknown_sim' | 'buffer_overflow';

export type ReadItem =
  { packet: RtpPacket; reject?: undefined } | { reject: ReaderRejectReason; detail: string; raw: Buffer };

export interface RtpReaderOptions {
  /** Largest payload a packet may claim (the standard says 950). */
  payloadBytesMax: number;
  /** Bytes held between reads at most; beyond, they are dropped as `buffer_overflow`. */
  bufferedBytesMax: number;
}

/** Which SIM width names a requested stream: given the 12- and 20-digit readings (null when not BCD). */
export type SimResolver = (sim6: string | null, sim10: string | null) => SimBytes | undefined;

/** Raw bytes kept with a reject, at most: enough for the header that failed. */
const REJECT_RAW_BYTES_MAX = 64;
const EMPTY = Buffer.alloc(0);

export class RtpReader {
  private pending: Buffer = EMPTY;
  simBytes: SimBytes | undefined;

  constructor(
    private readonly options: RtpReaderOptions,
    private readonly resolveSim: SimResolver,
  ) {}

  get bufferedBytes(): number {
    return this.pending.length;
  }

  *push(chunk: Buffer): Generator<ReadItem> {
    let buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let at = 0;
    while (at < buf.length) {
      if (buf.length - at >= 4 && buf.readUInt32BE(at) !== 0x30316364) {
        const next = nextFrameFlag(buf, at + 1);
        const end = next < 0 ? Math.max(at, buf.length - 3) : next;
        if (end > at) yield reject('garbage', `${end - at} bytes outside a packet`, buf, at, end);
        at = end;
        if (next < 0) break;
        continue;
      }
      if (this.simBytes === undefined) {
        if (buf.length - at < 24) break;
        this.simBytes = this.resolveSim(readBcdDigits(buf, at + 8, 6), readBcdDigits(buf, at + 8, 10));
        if (this.simBytes === undefined) {
          const next = nextFrameFlag(buf, at + 1);
          const end = next < 0 ? buf.length : next;
          yield reject('unknown_sim', 'the SIM number names no requested stream', buf, at, end);
          at = end;
          continue;
        }
      }
      const parsed = parseRtpPacket(buf, at, this.simBytes, this.options.payloadBytesMax);
      if (parsed.status === 'need_more') break;
      if (parsed.status === 'reject') {
        const next = nextFrameFlag(buf, at + 1);
        const end = next < 0 ? buf.length : next;
        yield reject(parsed.reason, parsed.detail, buf, at, end);
        at = end;
        continue;
      }
      yield { packet: parsed.packet };
      at += parsed.bytes;
    }
    // What is left is copied out, so the chunk (and the packets' payloads cut from it) are not held by the tail.
    buf = buf.subarray(at);
    if (buf.length > this.options.bufferedBytesMax) {
      yield reject(
        'buffer_overflow',
        `${buf.length} bytes without a whole packet, max allowed ${this.options.bufferedBytesMax}`,
        buf,
        0,
        buf.length,
      );
      buf = EMPTY;
    }
    this.pending = buf.length === 0 ? EMPTY : Buffer.from(buf);
  }
}

function reject(reason: ReaderRejectReason, detail: string, buf: Buffer, start: number, end: number): ReadItem {
  return { reject: reason, detail, raw: Buffer.from(buf.subarray(start, Math.min(end, start + REJECT_RAW_BYTES_MAX))) };
}
