/** 0x0900 uplink pass-through (and 0x8900 downlink): type BYTE, then opaque data. */
import type { Result } from '../types.js';
import { ok } from '../types.js';
import { need } from './context.js';

export interface PassThrough {
  /** 0x00 GNSS detail, 0x0B IC card, 0x41/0x42 serial ports, 0xF0-0xFF user-defined. */
  type: number;
  data: Buffer;
}

export function decodePassThrough(body: Buffer): Result<PassThrough> {
  const short = need(body, 1, 'pass-through type');
  if (short) return short;
  return ok({ type: body[0], data: body.subarray(1) });
}

export function encodePassThrough(pass: PassThrough): Buffer {
  return Buffer.concat([Buffer.from([pass.type]), pass.data]);
}
