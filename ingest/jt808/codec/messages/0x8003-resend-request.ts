/**
 * 0x8003 resend subpackage request: original serial WORD (of the first packet), count, packet ids WORD[n].
 * The count is a BYTE in 2013 and a WORD in 2019. (2011 has no such message; we use the 2013 layout.)
 */
import type { Jt808Version, Result } from '../types.js';
import { ok, truncated } from '../types.js';
import type { DecodeContext } from './context.js';
import { need } from './context.js';

export interface ResendRequest {
  originalSerial: number;
  /** 1-based packet indexes to resend. */
  packetIds: number[];
}

/**
 * Packet ids one 0x8003 can carry: the BYTE count caps 2011/2013 at 255; in 2019 the WORD count would allow
 * more, but a body is at most 1023 bytes, so 509 (2 + 2 + 2 × 509 = 1022).
 */
export function resendIdsPerRequestMax(version: Jt808Version): number {
  return version === 2019 ? 509 : 0xff;
}

export function decodeResendRequest(body: Buffer, ctx: DecodeContext): Result<ResendRequest> {
  const countBytes = ctx.version === 2019 ? 2 : 1;
  const short = need(body, 2 + countBytes, 'resend request head');
  if (short) return short;
  const count = countBytes === 2 ? body.readUInt16BE(2) : body[2];
  const listAt = 2 + countBytes;
  if (body.length < listAt + 2 * count)
    return truncated('body_truncated', `resend list of ${count} ids`, listAt + 2 * count, body.length);
  const packetIds: number[] = [];
  for (let i = 0; i < count; i++) packetIds.push(body.readUInt16BE(listAt + 2 * i));
  return ok({ originalSerial: body.readUInt16BE(0), packetIds });
}

export function encodeResendRequest(req: ResendRequest, version: Jt808Version): Buffer {
  const countBytes = version === 2019 ? 2 : 1;
  if (req.packetIds.length > (countBytes === 2 ? 0xffff : 0xff))
    throw new RangeError(`${req.packetIds.length} packet ids exceed the count field`);
  const out = Buffer.allocUnsafe(2 + countBytes + 2 * req.packetIds.length);
  out.writeUInt16BE(req.originalSerial, 0);
  if (countBytes === 2) out.writeUInt16BE(req.packetIds.length, 2);
  else out[2] = req.packetIds.length;
  req.packetIds.forEach((id, i) => out.writeUInt16BE(id, 2 + countBytes + 2 * i));
  return out;
}
