/** 0x0002 terminal heartbeat: an empty body. Bytes sent anyway are ignored (see context.ts). */
import type { Result } from '../types.js';
import { ok } from '../types.js';
import type { EmptyBody } from './context.js';
import { EMPTY_BODY, NO_BYTES } from './context.js';

export function decodeHeartbeat(_body: Buffer): Result<EmptyBody> {
  return ok(EMPTY_BODY);
}

export function encodeHeartbeat(_body: EmptyBody): Buffer {
  return NO_BYTES;
}
