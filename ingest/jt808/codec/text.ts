/**
 * GBK strings and the fixed-width padded fields of JT/T 808.
 * The standard pads fixed fields with trailing 0x00; some terminals pad on the left, and some pad
 * with ASCII '0' (0x30) instead. We trim 0x00 on both ends (never significant in a text field) and
 * leave '0' alone by default, because '0' is a legitimate character in maker and terminal ids;
 * callers that know a vendor left-pads with '0' ask for it with `zeroPadding: 'trim-leading'`.
 */
import iconv from 'iconv-lite';

function isAscii(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] >= 0x80) return false;
  return true;
}

/** Decodes GBK bytes [start, end); ASCII-only text (the common case) skips iconv. */
export function decodeGbk(buf: Buffer, start: number, end: number): string {
  if (end <= start) return '';
  if (isAscii(buf, start, end)) return buf.toString('latin1', start, end);
  return iconv.decode(buf.subarray(start, end), 'gbk');
}

export function encodeGbk(text: string): Buffer {
  return iconv.encode(text, 'gbk');
}

export type ZeroPadding = 'keep' | 'trim-leading';

/** Decodes a fixed-width padded field: strips 0x00 on both ends, and leading '0' when asked. */
export function decodePaddedField(buf: Buffer, start: number, end: number, zeroPadding: ZeroPadding = 'keep'): string {
  let s = start;
  let e = end;
  while (s < e && buf[s] === 0x00) s++;
  while (e > s && buf[e - 1] === 0x00) e--;
  if (zeroPadding === 'trim-leading') while (s < e && buf[s] === 0x30) s++;
  return decodeGbk(buf, s, e);
}

/**
 * Encodes text into exactly `width` bytes, padded on the right with 0x00 as the standard says.
 * Throws when the text does not fit: silently cutting an id would be a programmer error.
 */
export function encodePaddedField(text: string, width: number): Buffer {
  const bytes = encodeGbk(text);
  if (bytes.length > width) throw new RangeError(`"${text}" takes ${bytes.length} bytes, field holds ${width}`);
  const out = Buffer.alloc(width);
  bytes.copy(out, 0);
  return out;
}
