/**
 * BCD helpers for the terminal phone number and for the YYMMDDhhmmss times (GMT+8).
 * Lookup tables keep the hot path free of per-digit string building.
 */

/** Two-digit string for each valid BCD byte; '' marks a byte with a nibble above 9. */
const BCD_PAIR: readonly string[] = Array.from({ length: 256 }, (_, b) =>
  b >> 4 <= 9 && (b & 0x0f) <= 9 ? String(b >> 4) + String(b & 0x0f) : '',
);

/** Decodes `length` BCD bytes to their digits, or returns null if any nibble is above 9. */
export function readBcdDigits(buf: Buffer, offset: number, length: number): string | null {
  let digits = '';
  for (let i = offset; i < offset + length; i++) {
    const pair = BCD_PAIR[buf[i]];
    if (pair === '') return null;
    digits += pair;
  }
  return digits;
}

/**
 * Phone numbers repeat on every frame of a connection, so decoded numbers are memoised. The key is the
 * numeric value of the last six bytes (48 bits, exact in a double); for 2019's ten bytes the memo is used
 * only when the first four bytes are zero, which holds for the 11-digit mobile numbers in use.
 */
const PHONE_MEMO_ENTRIES_MAX = 65_536;
const phoneMemo = [new Map<number, string>(), new Map<number, string>()];

export function readPhone(buf: Buffer, offset: number, length: 6 | 10): string | null {
  const lowAt = offset + length - 6;
  if (length === 10 && buf.readUInt32BE(offset) !== 0) return readBcdDigits(buf, offset, length);
  const memo = phoneMemo[length === 10 ? 1 : 0];
  // The 48-bit key by hand: readUIntBE validates its arguments on every call, which shows in profiles.
  const low32 = ((buf[lowAt + 2] << 24) | (buf[lowAt + 3] << 16) | (buf[lowAt + 4] << 8) | buf[lowAt + 5]) >>> 0;
  const key = (buf[lowAt] * 0x100 + buf[lowAt + 1]) * 0x100000000 + low32;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const digits = readBcdDigits(buf, offset, length);
  if (digits === null) return null;
  if (memo.size >= PHONE_MEMO_ENTRIES_MAX) memo.clear();
  memo.set(key, digits);
  return digits;
}

/**
 * Writes `digits` as BCD into `length` bytes, left-padded with zeros (the phone number is stored
 * right-aligned). Throws on a non-digit or too many digits: that is a programmer error on encode.
 */
export function writeBcdDigits(buf: Buffer, offset: number, length: number, digits: string): void {
  if (!/^[0-9]*$/.test(digits)) throw new RangeError(`BCD value "${digits}" has a non-digit`);
  if (digits.length > length * 2) throw new RangeError(`BCD value "${digits}" exceeds ${length * 2} digits`);
  const padded = digits.padStart(length * 2, '0');
  for (let i = 0; i < length; i++) {
    buf[offset + i] = ((padded.charCodeAt(2 * i) - 48) << 4) | (padded.charCodeAt(2 * i + 1) - 48);
  }
}

const GMT8_OFFSET_MS = 8 * 3600 * 1000;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm); cheaper than Date.UTC. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function bcdByte(b: number): number {
  const hi = b >> 4;
  const lo = b & 0x0f;
  return hi > 9 || lo > 9 ? -1 : hi * 10 + lo;
}

/**
 * Reads a BCD[6] YYMMDDhhmmss time in GMT+8 and returns UTC epoch milliseconds (local − 8 h),
 * or -1 when a digit is not BCD or the date does not exist. Years are 2000 + YY: the protocol
 * dates from 2011, so a two-digit year cannot mean the 1900s.
 */
export function readBcdTimeMs(buf: Buffer, offset: number): number {
  const yy = bcdByte(buf[offset]);
  const month = bcdByte(buf[offset + 1]);
  const day = bcdByte(buf[offset + 2]);
  const hour = bcdByte(buf[offset + 3]);
  const minute = bcdByte(buf[offset + 4]);
  const second = bcdByte(buf[offset + 5]);
  if (yy < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return -1;
  if (second < 0 || second > 59) return -1;
  const year = 2000 + yy;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysMax = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  if (day > daysMax) return -1;
  return daysFromCivil(year, month, day) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 - GMT8_OFFSET_MS;
}

/** Writes epoch milliseconds as BCD[6] YYMMDDhhmmss in GMT+8; the year must be 2000..2099. */
export function writeBcdTimeMs(buf: Buffer, offset: number, timeMs: number): void {
  const local = new Date(timeMs + GMT8_OFFSET_MS);
  const year = local.getUTCFullYear();
  if (!Number.isFinite(timeMs) || year < 2000 || year > 2099) {
    throw new RangeError(`time ${timeMs} is outside 2000..2099 (GMT+8), which BCD[6] cannot hold`);
  }
  const parts = [
    year - 2000,
    local.getUTCMonth() + 1,
    local.getUTCDate(),
    local.getUTCHours(),
    local.getUTCMinutes(),
    local.getUTCSeconds(),
  ];
  for (let i = 0; i < 6; i++) buf[offset + i] = (Math.floor(parts[i] / 10) << 4) | (parts[i] % 10);
}
