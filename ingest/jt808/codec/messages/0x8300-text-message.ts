/**
 * 0x8300 text message: flag BYTE (bits: 0 emergency, 2 terminal display, 3 TTS, ...), then GBK text;
 * 2019 adds a text type BYTE (1 notice, 2 service) after the flag.
 */
import { decodeGbk, encodeGbk } from '../text.js';
import type { Jt808Version, Result } from '../types.js';
import { ok } from '../types.js';
import type { DecodeContext } from './context.js';
import { need } from './context.js';

export interface TextMessage {
  flags: number;
  /** 2019 only. */
  textType?: number;
  text: string;
}

export function decodeTextMessage(body: Buffer, ctx: DecodeContext): Result<TextMessage> {
  const is2019 = ctx.version === 2019;
  const short = need(body, is2019 ? 2 : 1, 'text message head');
  if (short) return short;
  if (!is2019) return ok({ flags: body[0], text: decodeGbk(body, 1, body.length) });
  return ok({ flags: body[0], textType: body[1], text: decodeGbk(body, 2, body.length) });
}

export function encodeTextMessage(msg: TextMessage, version: Jt808Version): Buffer {
  const head = version === 2019 ? Buffer.from([msg.flags, msg.textType ?? 1]) : Buffer.from([msg.flags]);
  return Buffer.concat([head, encodeGbk(msg.text)]);
}
