/** 0x0500 vehicle control answer (车辆控制应答): flow number WORD of the 0x8500, then the terminal's position. */
import type { Jt808Version, Result } from '../types.js';
import { ok } from '../types.js';
import type { DecodeContext } from './context.js';
import { need } from './context.js';
import type { LocationBody } from './location-body.js';
import { decodeLocationBody, encodeLocationBody } from './location-body.js';

export interface VehicleControlReply {
  replySerial: number;
  location: LocationBody;
}

export function decodeVehicleControlReply(body: Buffer, ctx: DecodeContext): Result<VehicleControlReply> {
  const short = need(body, 2, 'vehicle control answer serial');
  if (short) return short;
  const location = decodeLocationBody(body, 2, body.length, ctx.version, ctx.coordinates);
  if (!location.ok) return location;
  return ok({ replySerial: body.readUInt16BE(0), location: location.value });
}

export function encodeVehicleControlReply(reply: VehicleControlReply, _version: Jt808Version): Buffer {
  const serial = Buffer.allocUnsafe(2);
  serial.writeUInt16BE(reply.replySerial);
  return Buffer.concat([serial, encodeLocationBody(reply.location)]);
}
