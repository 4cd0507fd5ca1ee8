/** 0x8702 ask for the driver's identity (上报驾驶员身份信息请求); answered with 0x0702: an empty body. Bytes sent anyway are ignored (see context.ts). */
import type { Result } from '../types.js';
import { ok } from '../types.js';
import type { EmptyBody } from './context.js';
import { EMPTY_BODY, NO_BYTES } from './context.js';

export function decodeDriverInfoRequest(_body: Buffer): Result<EmptyBody> {
  return ok(EMPTY_BODY);
}

export function encodeDriverInfoRequest(_body: EmptyBody): Buffer {
  return NO_BYTES;
}
