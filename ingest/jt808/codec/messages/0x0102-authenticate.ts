/**
 * 0x0102 terminal authentication.
 *   2011/2013: the whole body is the auth code (GBK).
 *   2019: code length BYTE, code, IMEI BYTE[15], software version BYTE[20] (0x00-padded; trimmed here).
 */
import { decodeGbk, decodePaddedField, encodeGbk, encodePaddedField } from '../text.js';
import type { Jt808Version, Result } from '../types.js';
import { ok, truncated } from '../types.js';
import type { DecodeContext } from './context.js';
import { need } from './context.js';

export interface Authenticate {
  authCode: string;
  /** 2019 only. */
  imei?: string;
  /** 2019 only. */
  softwareVersion?: string;
}

const IMEI_BYTES = 15;
const SOFTWARE_VERSION_BYTES = 20;

export function decodeAuthenticate(body: Buffer, ctx: DecodeContext): Result<Authenticate> {
  if (ctx.version !== 2019) {
    let end = body.length;
    while (end > 0 && body[end - 1] === 0) end--;
    return ok({ authCode: decodeGbk(body, 0, end) });
  }
  const short = need(body, 1, '2019 authentication code length');
  if (short) return short;
  const codeBytes = body[0];
  const needed = 1 + codeBytes + IMEI_BYTES + SOFTWARE_VERSION_BYTES;
  if (body.length < needed) return truncated('body_truncated', '2019 authentication', needed, body.length);
  const imeiAt = 1 + codeBytes;
  const versionAt = imeiAt + IMEI_BYTES;
  return ok({
    authCode: decodeGbk(body, 1, imeiAt),
    imei: decodePaddedField(body, imeiAt, versionAt),
    softwareVersion: decodePaddedField(body, versionAt, versionAt + SOFTWARE_VERSION_BYTES),
  });
}

export function encodeAuthenticate(auth: Authenticate, version: Jt808Version): Buffer {
  const code = encodeGbk(auth.authCode);
  if (version !== 2019) return code;
  if (code.length > 255) throw new RangeError(`auth code of ${code.length} bytes exceeds 255`);
  return Buffer.concat([
    Buffer.from([code.length]),
    code,
    encodePaddedField(auth.imei ?? '', IMEI_BYTES),
    encodePaddedField(auth.softwareVersion ?? '', SOFTWARE_VERSION_BYTES),
  ]);
}
