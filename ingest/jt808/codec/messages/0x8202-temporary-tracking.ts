/**
 * 0x8202 temporary location tracking: interval WORD seconds (0 stops tracking), validity DWORD seconds.
 * When the interval is 0 the standard lets the validity be left out, so it is optional here.
 */
import type { Result } from '../types.js';
import { ok } from '../types.js';
import { need } from './context.js';

export interface TemporaryTracking {
  intervalS: number;
  validityS?: number;
}

export function decodeTemporaryTracking(body: Buffer): Result<TemporaryTracking> {
  const short = need(body, 2, 'tracking interval');
  if (short) return short;
  const intervalS = body.readUInt16BE(0);
  if (intervalS === 0 && body.length < 6) return ok({ intervalS });
  const shortValidity = need(body, 6, 'tracking validity');
  if (shortValidity) return shortValidity;
  return ok({ intervalS, validityS: body.readUInt32BE(2) });
}

export function encodeTemporaryTracking(t: TemporaryTracking): Buffer {
  const out = Buffer.allocUnsafe(t.validityS === undefined ? 2 : 6);
  out.writeUInt16BE(t.intervalS, 0);
  if (t.validityS !== undefined) out.writeUInt32BE(t.validityS, 2);
  return out;
}
