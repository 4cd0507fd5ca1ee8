/** 0x0004 query server time (2019); answered with 0x8004: an empty body. Bytes sent anyway are ignored (see context.ts). */
import type { Result } from '../types.js';
import { ok } from '../types.js';
import type { EmptyBody } from './context.js';
import { EMPTY_BODY, NO_BYTES } from './context.js';

export function decodeServerTimeQuery(_body: Buffer): Result<EmptyBody> {
  return ok(EMPTY_BODY);
}

export function encodeServerTimeQuery(_body: EmptyBody): Buffer {
  return NO_BYTES;
}
