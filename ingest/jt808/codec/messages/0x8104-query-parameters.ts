/** 0x8104 query every terminal parameter (查询终端参数); answered with 0x0104: an empty body. Bytes sent anyway are ignored (see context.ts). */
import type { Result } from '../types.js';
import { ok } from '../types.js';
import type { EmptyBody } from './context.js';
import { EMPTY_BODY, NO_BYTES } from './context.js';

export function decodeQueryParameters(_body: Buffer): Result<EmptyBody> {
  return ok(EMPTY_BODY);
}

export function encodeQueryParameters(_body: EmptyBody): Buffer {
  return NO_BYTES;
}
