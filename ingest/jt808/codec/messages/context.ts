/**
 * What every message decoder receives besides the body. Decoders accept trailing bytes after a fixed
 * layout (later protocol revisions append fields, and rejecting them would drop good data); they reject
 * only bodies too short for their layout, saying how many bytes were missing.
 */
import type { ZeroPadding } from '../text.js';
import type { Jt808Reject, Jt808Version } from '../types.js';
import { truncated } from '../types.js';
import type { CoordinateCheck } from './location-body.js';

export interface DecodeContext {
  version: Jt808Version;
  coordinates: CoordinateCheck;
  zeroPadding: ZeroPadding;
}

/** A reject when `body` has fewer than `bytes` bytes, else null. */
export function need(body: Buffer, bytes: number, what: string): Jt808Reject | null {
  return body.length < bytes ? truncated('body_truncated', what, bytes, body.length) : null;
}

/** A body of zero bytes shared by the messages that carry none. */
export type EmptyBody = Record<string, never>;
export const EMPTY_BODY: EmptyBody = Object.freeze({}) as EmptyBody;
export const NO_BYTES: Buffer = Buffer.alloc(0);
