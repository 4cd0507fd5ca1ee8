/** 0x0001 terminal general reply and 0x8001 platform general reply share one layout. */
import type { Result } from '../types.js';
import { ok } from '../types.js';
import { need } from './context.js';

export interface GeneralReply {
  /** Flow number of the message answered. */
  replySerial: number;
  /** Id of the message answered. */
  replyMsgId: number;
  /** 0 ok, 1 fail, 2 bad message, 3 unsupported, 4 alarm confirmed (platform reply only). */
  result: number;
}

const GENERAL_REPLY_BYTES = 5;

export function decodeGeneralReply(body: Buffer): Result<GeneralReply> {
  const short = need(body, GENERAL_REPLY_BYTES, 'general reply');
  if (short) return short;
  return ok({ replySerial: body.readUInt16BE(0), replyMsgId: body.readUInt16BE(2), result: body[4] });
}

export function encodeGeneralReply(reply: GeneralReply): Buffer {
  const out = Buffer.allocUnsafe(GENERAL_REPLY_BYTES);
  out.writeUInt16BE(reply.replySerial, 0);
  out.writeUInt16BE(reply.replyMsgId, 2);
  out[4] = reply.result;
  return out;
}
