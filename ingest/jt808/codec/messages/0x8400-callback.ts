/**
 * 0x8400 call back (电话回拨): flag BYTE (0 a normal call, 1 monitoring: the terminal answers silently), phone
 * number STRING of at most 20 characters. Answered 0x0001.
 */
import { decodeGbk, encodeGbk } from '../text.js';
import type { Result } from '../types.js';
import { ok } from '../types.js';
import { need } from './context.js';

export interface Callback {
  /** 0 normal call, 1 monitoring. */
  flag: number;
  phone: string;
}

export function decodeCallback(body: Buffer): Result<Callback> {
  const short = need(body, 1, 'callback flag');
  if (short) return short;
  return ok({ flag: body[0], phone: decodeGbk(body, 1, body.length) });
}

export function encodeCallback(m: Callback): Buffer {
  return Buffer.concat([Buffer.from([m.flag]), encodeGbk(m.phone)]);
}
