/**
 * The payload armoring of AIS sentences (ITU-R M.1371 carried in IEC 61162-1 / NMEA 0183 `!AIVDM`): every
 * payload character carries six bits, most significant first, and texts inside a message use a six-bit
 * character set of their own. No I/O; the decoder and the encoder share these tables.
 */

export class AisProblem extends Error {
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(detail);
  }
}

/** Six-bit value of a payload character: '0'..'W' are 0..39, '`'..'w' are 40..63. */
export function armoredValue(char: string): number | undefined {
  const code = char.charCodeAt(0);
  if (code >= 48 && code <= 87) return code - 48;
  if (code >= 96 && code <= 119) return code - 56;
  return undefined;
}

export function armoredChar(value: number): string {
  return String.fromCharCode(value < 40 ? value + 48 : value + 56);
}

/** The six-bit text alphabet: value 0 is '@', the padding that ends a name. */
export const SIXBIT_TEXT = '@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !"#$%&\'()*+,-./0123456789:;<=>?';

/** The bits of a payload, one per byte, after the fill bits of its last sentence are dropped. */
export function payloadBits(payload: string, fillBits: number): Uint8Array {
  const bits = new Uint8Array(payload.length * 6);
  for (let i = 0; i < payload.length; i++) {
    const value = armoredValue(payload[i]);
    if (value === undefined)
      throw new AisProblem(
        'bad_payload_character',
        `payload character ${JSON.stringify(payload[i])} at ${i} is not in the six-bit armoring`,
      );
    for (let b = 0; b < 6; b++) bits[i * 6 + b] = (value >> (5 - b)) & 1;
  }
  return bits.subarray(0, Math.max(0, bits.length - fillBits));
}

/** Reads fields of a message's bits by offset and width, as the standard's tables give them. */
export class BitReader {
  constructor(readonly bits: Uint8Array) {}

  get length(): number {
    return this.bits.length;
  }

  uint(start: number, width: number): number {
    let value = 0;
    for (let i = start; i < start + width; i++) value = value * 2 + this.bits[i];
    return value;
  }

  /** A two's-complement field. */
  int(start: number, width: number): number {
    const value = this.uint(start, width);
    return this.bits[start] === 1 ? value - 2 ** width : value;
  }

  /** Six-bit text, without the '@' padding and trailing spaces. */
  text(start: number, width: number): string {
    let out = '';
    for (let i = start; i + 6 <= start + width; i += 6) out += SIXBIT_TEXT[this.uint(i, 6)];
    return out.replace(/@.*$/, '').trimEnd();
  }
}

/** Writes fields into a message's bits, for the encoder. */
export class BitWriter {
  private readonly bits: number[] = [];

  uint(value: number, width: number): this {
    for (let b = width - 1; b >= 0; b--) this.bits.push(Math.floor(value / 2 ** b) % 2);
    return this;
  }

  int(value: number, width: number): this {
    return this.uint(value < 0 ? value + 2 ** width : value, width);
  }

  text(value: string, width: number): this {
    const chars = width / 6;
    const padded = value.toUpperCase().padEnd(chars, '@').slice(0, chars);
    for (const char of padded) {
      const code = SIXBIT_TEXT.indexOf(char);
      this.uint(code < 0 ? 0 : code, 6);
    }
    return this;
  }

  /** The armored payload and the fill bits that complete its last character. */
  payload(): { payload: string; fillBits: number } {
    const fillBits = (6 - (this.bits.length % 6)) % 6;
    const bits = [...this.bits, ...new Array<number>(fillBits).fill(0)];
    let payload = '';
    for (let i = 0; i < bits.length; i += 6) {
      let value = 0;
      for (let b = 0; b < 6; b++) value = value * 2 + bits[i + b];
      payload += armoredChar(value);
    }
    return { payload, fillBits };
  }
}
