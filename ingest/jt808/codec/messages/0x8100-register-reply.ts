/**
 * 0x8100 registration reply: reply serial WORD, result BYTE (0 ok, 1 vehicle registered, 2 vehicle not in
 * database, 3 terminal registered, 4 terminal not in database), auth code (GBK) only when result is 0.
 */
import { decodeGbk, encodeGbk } from '../text.js';
import type { Result } from '../types.js';
import { ok } from '../types.js';
import { need } from './context.js';

export interface RegisterReply {
  replySerial: number;
  result: number;
  /** Present only when result is 0. */
  authCode?: string;
}

export function decodeRegisterReply(body: Buffer): Result<RegisterReply> {
  const short = need(body, 3, 'register reply');
  if (short) return short;
  const reply: RegisterReply = { replySerial: body.readUInt16BE(0), result: body[2] };
  if (reply.result === 0) reply.authCode = decodeGbk(body, 3, body.length);
  return ok(reply);
}

export function encodeRegisterReply(reply: RegisterReply): Buffer {
  const head = Buffer.allocUnsafe(3);
  head.writeUInt16BE(reply.replySerial, 0);
  head[2] = reply.result;
  if (reply.result !== 0) return head;
  return Buffer.concat([head, encodeGbk(reply.authCode ?? '')]);
}
