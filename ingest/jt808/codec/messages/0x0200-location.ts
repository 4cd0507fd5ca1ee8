/** 0x0200 location report: the location body (see location-body.ts) is the whole message body. */
import type { Jt808Version, Result } from '../types.js';
import type { DecodeContext } from './context.js';
import type { LocationBody } from './location-body.js';
import { decodeLocationBody, encodeLocationBody } from './location-body.js';

export function decodeLocation(body: Buffer, ctx: DecodeContext): Result<LocationBody> {
  return decodeLocationBody(body, 0, body.length, ctx.version, ctx.coordinates);
}

export function encodeLocation(loc: LocationBody, _version: Jt808Version): Buffer {
  return encodeLocationBody(loc);
}
