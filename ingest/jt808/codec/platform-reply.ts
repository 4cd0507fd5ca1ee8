/**
 * The 0x8001 platform general reply written straight into its frame, for the gateway's hot path: one reply per
 * acknowledged 0x0200. The generic path (`encodeMessage` → body buffer → `buildFrame`, with a header object, the
 * phone's BCD from its string, an unescaped copy and an escaped copy) costs three buffers and several objects per
 * reply; here the header, which is the same for every reply to one terminal, is built and escaped once, and a
 * reply is written byte by byte into a buffer that holds the replies of its connection for one write. The bytes
 * are exactly `encodeMessage`'s (a test compares them).
 */
import { writeBcdDigits } from './bcd.js';
import { ESCAPE, FLAG } from './frame.js';
import type { Jt808Version } from './types.js';

const MSG_ID = 0x8001;
/** replySerial (2), replyMsgId (2), result (1). */
const BODY_BYTES = 5;
const VERSION_BIT = 1 << 14;

export class PlatformReplyFrames {
  /** The header up to the phone, escaped, and the XOR of its unescaped bytes. */
  private readonly prefix: Buffer;
  private readonly prefixXor: number;

  constructor(
    readonly version: Exclude<Jt808Version, 2011>,
    readonly protocolVersion: number,
    readonly phone: string,
  ) {
    const is2019 = version === 2019;
    const plain = Buffer.alloc(is2019 ? 15 : 10);
    plain.writeUInt16BE(MSG_ID, 0);
    plain.writeUInt16BE(BODY_BYTES | (is2019 ? VERSION_BIT : 0), 2);
    if (is2019) plain[4] = protocolVersion & 0xff;
    writeBcdDigits(plain, is2019 ? 5 : 4, is2019 ? 10 : 6, phone);
    let xor = 0;
    for (const b of plain) xor ^= b;
    this.prefixXor = xor;
    const escaped: number[] = [];
    for (const b of plain) pushEscaped(escaped, b);
    this.prefix = Buffer.from(escaped);
  }

  /** Whether replies for this header can use these frames. */
  fits(version: Exclude<Jt808Version, 2011>, protocolVersion: number, phone: string): boolean {
    return (
      this.version === version &&
      this.phone === phone &&
      (version !== 2019 || (this.protocolVersion & 0xff) === (protocolVersion & 0xff))
    );
  }

  /** The whole frame, flags included, of a 0x8001 with flow number `serial`, as a buffer of its own. */
  frame(serial: number, replySerial: number, replyMsgId: number, result: number): Buffer {
    const out = Buffer.allocUnsafe(this.bytesMax);
    const end = this.writeFrame(out, 0, serial, replySerial, replyMsgId, result);
    return out.subarray(0, end);
  }

  /** Bytes of a frame at most, every tail byte escaped. */
  get bytesMax(): number {
    return this.prefix.length + 2 * (BODY_BYTES + 3) + 2;
  }

  /**
   * Writes the frame into `out` from `at` (which must have `bytesMax` bytes of room) and returns where it ends:
   * replies of one connection written one after another into one buffer cost no buffer each.
   */
  writeFrame(out: Buffer, at: number, serial: number, replySerial: number, replyMsgId: number, result: number): number {
    const t0 = (serial >> 8) & 0xff;
    const t1 = serial & 0xff;
    const t2 = (replySerial >> 8) & 0xff;
    const t3 = replySerial & 0xff;
    const t4 = (replyMsgId >> 8) & 0xff;
    const t5 = replyMsgId & 0xff;
    const t6 = result & 0xff;
    const check = this.prefixXor ^ t0 ^ t1 ^ t2 ^ t3 ^ t4 ^ t5 ^ t6;
    const prefix = this.prefix;
    out[at] = FLAG;
    let n = at + 1;
    // A dozen bytes: a loop costs less than `copy`'s call into C++.
    for (let i = 0; i < prefix.length; i++) out[n++] = prefix[i];
    n = putEscaped(out, n, t0);
    n = putEscaped(out, n, t1);
    n = putEscaped(out, n, t2);
    n = putEscaped(out, n, t3);
    n = putEscaped(out, n, t4);
    n = putEscaped(out, n, t5);
    n = putEscaped(out, n, t6);
    n = putEscaped(out, n, check);
    out[n] = FLAG;
    return n + 1;
  }
}

function putEscaped(out: Buffer, n: number, b: number): number {
  if (b === FLAG) {
    out[n] = ESCAPE;
    out[n + 1] = 0x02;
    return n + 2;
  }
  if (b === ESCAPE) {
    out[n] = ESCAPE;
    out[n + 1] = 0x01;
    return n + 2;
  }
  out[n] = b;
  return n + 1;
}

function pushEscaped(out: number[], b: number): void {
  if (b === FLAG) out.push(ESCAPE, 0x02);
  else if (b === ESCAPE) out.push(ESCAPE, 0x01);
  else out.push(b);
}
