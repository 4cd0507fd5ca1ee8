/**
 * A cursor over a message body for layouts with optional and repeated parts (areas, routes, driver information):
 * reading past the end throws `BodyShort`, which `readBody` turns into the codec's `body_truncated` reject, so
 * that each decoder reads field after field without checking lengths at every step. Writing appends to a list.
 */
import { readBcdTimeMs, writeBcdTimeMs } from '../bcd.js';
import { decodeGbk, encodeGbk } from '../text.js';
import type { Result } from '../types.js';
import { ok, truncated } from '../types.js';

class BodyShort extends Error {
  constructor(
    readonly what: string,
    readonly needed: number,
    readonly have: number,
  ) {
    super(what);
  }
}

export class BodyCursor {
  constructor(
    private readonly body: Buffer,
    public at = 0,
  ) {}

  get left(): number {
    return this.body.length - this.at;
  }

  private take(bytes: number, what: string): number {
    if (this.at + bytes > this.body.length) throw new BodyShort(what, this.at + bytes, this.body.length);
    const at = this.at;
    this.at += bytes;
    return at;
  }

  u8(what: string): number {
    return this.body[this.take(1, what)];
  }

  u16(what: string): number {
    return this.body.readUInt16BE(this.take(2, what));
  }

  u32(what: string): number {
    return this.body.readUInt32BE(this.take(4, what));
  }

  /** BCD[6] GMT+8 time; null when zeros or not a time. */
  time(what: string): number | null {
    const time = readBcdTimeMs(this.body, this.take(6, what));
    return time < 0 ? null : time;
  }

  /** `bytes` bytes of GBK text, padding 0x00 removed. */
  text(bytes: number, what: string): string {
    const at = this.take(bytes, what);
    let end = at + bytes;
    while (end > at && this.body[end - 1] === 0) end--;
    return decodeGbk(this.body, at, end);
  }

  bytes(count: number, what: string): Buffer {
    const at = this.take(count, what);
    return Buffer.from(this.body.subarray(at, at + count));
  }
}

/** Runs a decoder over a cursor; a read past the end becomes `body_truncated` naming what was missing. */
export function readBody<T>(body: Buffer, read: (c: BodyCursor) => T): Result<T> {
  try {
    return ok(read(new BodyCursor(body)));
  } catch (error) {
    if (error instanceof BodyShort) return truncated('body_truncated', error.what, error.needed, error.have);
    throw error;
  }
}

/** Bytes appended in order, joined at the end. */
export class BodyWriter {
  private readonly parts: Buffer[] = [];

  u8(v: number): this {
    this.parts.push(Buffer.from([v & 0xff]));
    return this;
  }

  u16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v & 0xffff);
    this.parts.push(b);
    return this;
  }

  u32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    this.parts.push(b);
    return this;
  }

  /** BCD[6] GMT+8; zeros for null. */
  time(v: number | null | undefined): this {
    const b = Buffer.alloc(6);
    if (v !== null && v !== undefined) writeBcdTimeMs(b, 0, v);
    this.parts.push(b);
    return this;
  }

  /** GBK text padded with 0x00 to `width` bytes (throws when it does not fit: a programmer error). */
  fixedText(v: string, width: number): this {
    const bytes = encodeGbk(v);
    if (bytes.length > width) throw new RangeError(`"${v}" takes ${bytes.length} bytes, field holds ${width}`);
    const b = Buffer.alloc(width);
    bytes.copy(b);
    this.parts.push(b);
    return this;
  }

  raw(b: Buffer): this {
    this.parts.push(b);
    return this;
  }

  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export { encodeGbk };
