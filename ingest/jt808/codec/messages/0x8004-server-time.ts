/**
 * 0x8004 server time reply (2019): BCD[6] YYMMDDhhmmss. The 2019 text names the field "UTC time"
 * (GMT+0), unlike every other time in the protocol (GMT+8). We follow the text; if a terminal model
 * proves to expect GMT+8, this is the one constant to change (SERVER_TIME_OFFSET_MS).
 */
import { readBcdTimeMs, writeBcdTimeMs } from '../bcd.js';
import type { Result } from '../types.js';
import { ok, reject } from '../types.js';
import { need } from './context.js';

/** Offset added to UTC before writing; readBcdTimeMs/writeBcdTimeMs work in GMT+8, so undo that. */
const SERVER_TIME_OFFSET_MS = -8 * 3600 * 1000;

export interface ServerTime {
  /** UTC epoch milliseconds, whole seconds. */
  time: number;
}

export function decodeServerTime(body: Buffer): Result<ServerTime> {
  const short = need(body, 6, 'server time');
  if (short) return short;
  const gmt8 = readBcdTimeMs(body, 0);
  if (gmt8 < 0) return reject('bad_time', `server time ${body.toString('hex', 0, 6)} is not a valid BCD YYMMDDhhmmss`);
  return ok({ time: gmt8 - SERVER_TIME_OFFSET_MS });
}

export function encodeServerTime(st: ServerTime): Buffer {
  const out = Buffer.allocUnsafe(6);
  writeBcdTimeMs(out, 0, st.time + SERVER_TIME_OFFSET_MS);
  return out;
}
