/**
 * 0x8800 multimedia data upload reply, the platform's answer to a whole 0x0801: media id DWORD, then, only when
 * packets are missing, their count BYTE and their 1-based indexes WORD[n]. "All received" is the media id
 * alone (the layout is the same in 2011, 2013 and 2019). A count of 0 after the id is read as "all received"
 * too, since some terminals and platforms write it.
 */
import type { Result } from '../types.js';
import { ok, truncated } from '../types.js';
import { need } from './context.js';

export interface MultimediaUploadReply {
  mediaId: number;
  /** 1-based packet indexes to upload again; empty when the whole upload was received. */
  packetIds: number[];
}

/** The count is one byte: one 0x8800 names at most this many packets. */
export const MULTIMEDIA_RESEND_IDS_MAX = 0xff;

export function decodeMultimediaUploadReply(body: Buffer): Result<MultimediaUploadReply> {
  const short = need(body, 4, 'multimedia upload reply');
  if (short) return short;
  const mediaId = body.readUInt32BE(0);
  if (body.length === 4) return ok({ mediaId, packetIds: [] });
  const count = body[4];
  if (body.length < 5 + 2 * count)
    return truncated('body_truncated', `resend list of ${count} ids`, 5 + 2 * count, body.length);
  const packetIds: number[] = [];
  for (let i = 0; i < count; i++) packetIds.push(body.readUInt16BE(5 + 2 * i));
  return ok({ mediaId, packetIds });
}

export function encodeMultimediaUploadReply(reply: MultimediaUploadReply): Buffer {
  const count = reply.packetIds.length;
  if (count > MULTIMEDIA_RESEND_IDS_MAX)
    throw new RangeError(`${count} packet ids exceed the count field (max ${MULTIMEDIA_RESEND_IDS_MAX})`);
  const out = Buffer.allocUnsafe(count === 0 ? 4 : 5 + 2 * count);
  out.writeUInt32BE(reply.mediaId, 0);
  if (count === 0) return out;
  out[4] = count;
  for (let i = 0; i < count; i++) out.writeUInt16BE(reply.packetIds[i], 5 + 2 * i);
  return out;
}
