/** 0x8201 location query; answered with 0x0201: an empty body. Bytes sent anyway are ignored (see context.ts). */
import type { Result } from '../types.js';
import { ok } from '../types.js';
import type { EmptyBody } from './context.js';
import { EMPTY_BODY, NO_BYTES } from './context.js';

export function decodeLocationQuery(_body: Buffer): Result<EmptyBody> {
  return ok(EMPTY_BODY);
}

export function encodeLocationQuery(_body: EmptyBody): Buffer {
  return NO_BYTES;
}
