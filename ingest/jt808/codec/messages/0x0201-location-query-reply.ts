/** 0x0201 location query reply: reply serial WORD (of the 0x8201), then a location body. */
import type { Jt808Version, Result } from '../types.js';
import { ok } from '../types.js';
import type { DecodeContext } from './context.js';
import { need } from './context.js';
import type { LocationBody } from './location-body.js';
import { decodeLocationBody, encodeLocationBody } from './location-body.js';

export interface LocationQueryReply {
  replySerial: number;
  location: LocationBody;
}

export function decodeLocationQueryReply(body: Buffer, ctx: DecodeContext): Result<LocationQueryReply> {
  const short = need(body, 2, 'location query reply serial');
  if (short) return short;
  const location = decodeLocationBody(body, 2, body.length, ctx.version, ctx.coordinates);
  if (!location.ok) return location;
  return ok({ replySerial: body.readUInt16BE(0), location: location.value });
}

export function encodeLocationQueryReply(reply: LocationQueryReply, _version: Jt808Version): Buffer {
  const serial = Buffer.allocUnsafe(2);
  serial.writeUInt16BE(reply.replySerial);
  return Buffer.concat([serial, encodeLocationBody(reply.location)]);
}
