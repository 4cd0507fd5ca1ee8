/**
 * JT/T 809 frames: `0x5B | length u32 | sn u32 | msg id u16 | access code u32 | version [3] | encrypt flag u8 |
 * encrypt key u32 | [2019: time u64] | body | crc u16 | 0x5D`, big-endian, with 0x5B 0x5A 0x5D 0x5E escaped
 * between the flags. `length` counts the whole unescaped frame, flags included. The 2019 edition adds the
 * sender's UTC time (seconds since the epoch) to the header, 30 bytes instead of 22; escaping, CRC and the body
 * cipher are the same in both. The first 22 bytes mean the same in both editions, so length, CRC, message id and
 * access code are read before the edition is known; only where the body starts depends on it.
 */
import { applyCipher, type Jt809CipherKeys } from './cipher.js';
import { crc16, type CrcVariant } from './crc.js';

export const HEAD_FLAG = 0x5b;
export const TAIL_FLAG = 0x5d;
/** The two editions of the standard Vigil speaks, JT/T 809-2011 and JT/T 809-2019. */
export type Jt809Edition = 2011 | 2019;
export const JT809_EDITIONS: readonly Jt809Edition[] = [2011, 2019];

/** Header bytes per edition; the fields both share come first. */
export const HEADER_BYTES_OF: Record<Jt809Edition, number> = { 2011: 22, 2019: 30 };
const COMMON_HEADER_BYTES = 22;

/**
 * The earliest header time a 2019 frame may carry, 2019-01-01T00:00:00Z: the edition did not exist before. A
 * smaller value, or one beyond 32 bits of seconds, is not a time, which is how a 2011 frame sent on a 2019 link
 * (body bytes where the time should be) is caught rather than read eight bytes off.
 */
export const EDITION_2019_TIME_MIN_S = 1_546_300_800;

/** The version Vigil writes when it speaks first (the field's encoding is major, minor, patch). */
export const DEFAULT_VERSION: [number, number, number] = [1, 0, 0];

export interface Jt809Header {
  length: number;
  sn: number;
  msgId: number;
  accessCode: number;
  version: [number, number, number];
  encrypted: boolean;
  encryptKey: number;
  edition: Jt809Edition;
  /** 2019: the sender's UTC time in epoch ms (whole seconds on the wire); absent in 2011 frames. */
  time?: number;
}

export interface Jt809Frame {
  header: Jt809Header;
  /** Decrypted body. */
  body: Buffer;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string; detail: string };

/** 0x5B → 0x5A 0x01, 0x5A → 0x5A 0x02, 0x5D → 0x5E 0x01, 0x5E → 0x5E 0x02. */
export function escape(data: Buffer): Buffer {
  const out: number[] = [];
  for (const byte of data) {
    if (byte === 0x5b) out.push(0x5a, 0x01);
    else if (byte === 0x5a) out.push(0x5a, 0x02);
    else if (byte === 0x5d) out.push(0x5e, 0x01);
    else if (byte === 0x5e) out.push(0x5e, 0x02);
    else out.push(byte);
  }
  return Buffer.from(out);
}

export function unescape(data: Buffer): Parsed<Buffer> {
  const out = Buffer.alloc(data.length);
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i];
    if (byte === 0x5a || byte === 0x5e) {
      const next = data[i + 1];
      if (next !== 0x01 && next !== 0x02)
        return {
          ok: false,
          reason: 'bad_escape',
          detail: `0x${byte.toString(16)} at ${i} followed by ${next === undefined ? 'nothing' : `0x${next.toString(16)}`}`,
        };
      out[n++] = byte === 0x5a ? (next === 0x01 ? 0x5b : 0x5a) : next === 0x01 ? 0x5d : 0x5e;
      i++;
    } else {
      out[n++] = byte;
    }
  }
  return { ok: true, value: out.subarray(0, n) };
}

export interface FrameOptions {
  crc: CrcVariant;
  /** `strict` refuses a frame whose CRC is wrong; `ignore` accepts it (platforms with a broken CRC). */
  checksum: 'strict' | 'ignore';
  /** The cipher keys of the platform with this access code, or null when it has none. */
  keysOf(accessCode: number): Jt809CipherKeys | null;
  /**
   * The edition of the link (2011 when omitted), or a function choosing it from the fields both editions share:
   * a server recognizes a platform's edition from its login before the link's edition is fixed.
   */
  edition?: Jt809Edition | ((common: CommonHeader) => Parsed<Jt809Edition>);
}

/** The header fields at the same place in both editions, and the unescaped frame length. */
export interface CommonHeader {
  msgId: number;
  accessCode: number;
  version: [number, number, number];
  frameBytes: number;
}

/** Parses one frame, flags included. */
export function parseFrame(raw: Buffer, options: FrameOptions): Parsed<Jt809Frame> {
  if (raw[0] !== HEAD_FLAG || raw[raw.length - 1] !== TAIL_FLAG)
    return { ok: false, reason: 'bad_flags', detail: 'frame does not start with 0x5B and end with 0x5D' };
  const unescaped = unescape(raw.subarray(1, raw.length - 1));
  if (!unescaped.ok) return unescaped;
  const data = unescaped.value;
  if (data.length < COMMON_HEADER_BYTES + 2) return tooShort(data.length, COMMON_HEADER_BYTES);
  const common: CommonHeader = {
    msgId: data.readUInt16BE(8),
    accessCode: data.readUInt32BE(10),
    version: [data[14], data[15], data[16]],
    frameBytes: data.length + 2,
  };
  const chosen =
    typeof options.edition === 'function'
      ? options.edition(common)
      : { ok: true as const, value: options.edition ?? 2011 };
  if (!chosen.ok) return chosen;
  const edition = chosen.value;
  const headerBytes = HEADER_BYTES_OF[edition];
  if (data.length < headerBytes + 2) return tooShort(data.length, headerBytes);
  const header: Jt809Header = {
    length: data.readUInt32BE(0),
    sn: data.readUInt32BE(4),
    msgId: data.readUInt16BE(8),
    accessCode: data.readUInt32BE(10),
    version: [data[14], data[15], data[16]],
    encrypted: data[17] === 1,
    encryptKey: data.readUInt32BE(18),
    edition,
  };
  if (edition === 2019) {
    const seconds = data.readBigUInt64BE(22);
    if (seconds < BigInt(EDITION_2019_TIME_MIN_S) || seconds > 0xffffffffn)
      return {
        ok: false,
        reason: 'bad_header_time',
        detail: `2019 header time ${seconds} is not a UTC time in seconds from 2019 on`,
      };
    header.time = Number(seconds) * 1000;
  }
  if (header.length !== data.length + 2)
    return {
      ok: false,
      reason: 'length_mismatch',
      detail: `header says ${header.length} bytes, frame has ${data.length + 2}`,
    };
  const expected = data.readUInt16BE(data.length - 2);
  const actual = crc16(data, options.crc, 0, data.length - 2);
  if (options.checksum === 'strict' && expected !== actual) {
    return {
      ok: false,
      reason: 'crc_mismatch',
      detail: `crc 0x${expected.toString(16)} in frame, 0x${actual.toString(16)} computed (${options.crc})`,
    };
  }
  let body: Buffer = Buffer.from(data.subarray(headerBytes, data.length - 2));
  if (header.encrypted) {
    const keys = options.keysOf(header.accessCode);
    if (!keys)
      return {
        ok: false,
        reason: 'no_cipher_keys',
        detail: `encrypted frame from access code ${header.accessCode}, which has no M1/IA1/IC1`,
      };
    body = applyCipher(body, header.encryptKey, keys);
  }
  return { ok: true, value: { header, body } };
}

function tooShort(have: number, headerBytes: number): { ok: false; reason: string; detail: string } {
  return {
    ok: false,
    reason: 'frame_truncated',
    detail: `${have + 2} bytes, ${headerBytes + 4} at least; ${headerBytes + 2 - have} missing`,
  };
}

export interface BuildOptions {
  sn: number;
  msgId: number;
  accessCode: number;
  version?: [number, number, number];
  /** 2011 when omitted. */
  edition?: Jt809Edition;
  /** 2019: the header time in epoch ms (whole seconds are written); now when omitted. */
  time?: number;
  crc?: CrcVariant;
  /** Encrypts the body with these keys and this seed. */
  cipher?: { keys: Jt809CipherKeys; encryptKey: number };
}

export function buildFrame(body: Buffer, options: BuildOptions): Buffer {
  const edition = options.edition ?? 2011;
  const headerBytes = HEADER_BYTES_OF[edition];
  const data = Buffer.alloc(headerBytes + body.length + 2);
  data.writeUInt32BE(headerBytes + body.length + 4, 0);
  data.writeUInt32BE(options.sn >>> 0, 4);
  data.writeUInt16BE(options.msgId, 8);
  data.writeUInt32BE(options.accessCode >>> 0, 10);
  const [a, b, c] = options.version ?? DEFAULT_VERSION;
  data[14] = a;
  data[15] = b;
  data[16] = c;
  data[17] = options.cipher ? 1 : 0;
  data.writeUInt32BE(options.cipher ? options.cipher.encryptKey >>> 0 : 0, 18);
  if (edition === 2019) data.writeBigUInt64BE(BigInt(Math.floor((options.time ?? Date.now()) / 1000)), 22);
  (options.cipher ? applyCipher(body, options.cipher.encryptKey, options.cipher.keys) : body).copy(data, headerBytes);
  data.writeUInt16BE(crc16(data, options.crc ?? 'ccitt-false', 0, data.length - 2), data.length - 2);
  return Buffer.concat([Buffer.from([HEAD_FLAG]), escape(data), Buffer.from([TAIL_FLAG])]);
}

/**
 * Cuts a byte stream into frames between 0x5B and 0x5D. Bytes outside a frame are garbage and reported; a frame
 * longer than `frameBytesMax` is dropped rather than buffered without end.
 */
export class Jt809FrameSplitter {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly frameBytesMax: number) {}

  get bufferedBytes(): number {
    return this.buffer.length;
  }

  push(chunk: Buffer): ({ raw: Buffer; reason?: undefined } | { raw: Buffer; reason: string; detail: string })[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: ({ raw: Buffer; reason?: undefined } | { raw: Buffer; reason: string; detail: string })[] = [];
    for (;;) {
      const start = this.buffer.indexOf(HEAD_FLAG);
      if (start < 0) {
        if (this.buffer.length > 0)
          out.push({ raw: this.buffer, reason: 'garbage', detail: `${this.buffer.length} bytes outside any frame` });
        this.buffer = Buffer.alloc(0);
        break;
      }
      if (start > 0)
        out.push({ raw: this.buffer.subarray(0, start), reason: 'garbage', detail: `${start} bytes before a frame` });
      const end = this.buffer.indexOf(TAIL_FLAG, start + 1);
      if (end < 0) {
        this.buffer = this.buffer.subarray(start);
        if (this.buffer.length > this.frameBytesMax) {
          out.push({
            raw: this.buffer.subarray(0, 64),
            reason: 'frame_too_large',
            detail: `more than ${this.frameBytesMax} bytes without 0x5D`,
          });
          this.buffer = Buffer.alloc(0);
        }
        break;
      }
      // A second head flag before the tail means the first frame was cut short.
      const restart = this.buffer.indexOf(HEAD_FLAG, start + 1);
      if (restart >= 0 && restart < end) {
        out.push({
          raw: this.buffer.subarray(start, restart),
          reason: 'frame_truncated',
          detail: 'a new frame began before this one ended',
        });
        this.buffer = this.buffer.subarray(restart);
        continue;
      }
      out.push({ raw: Buffer.from(this.buffer.subarray(start, end + 1)) });
      this.buffer = this.buffer.subarray(end + 1);
    }
    return out;
  }
}
