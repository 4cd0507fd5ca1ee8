/**
 * 0x0805 camera shoot reply (摄像头立即拍摄命令应答, 2013 and later): reply serial WORD, result BYTE (0 ok,
 * 1 failed, 2 channel not supported), then, only when it succeeded, count WORD and that many media id DWORDs.
 */
import type { Result } from '../types.js';
import { ok } from '../types.js';
import { need } from './context.js';

export interface CameraShootReply {
  replySerial: number;
  result: number;
  mediaIds: number[];
}

export function decodeCameraShootReply(body: Buffer): Result<CameraShootReply> {
  const short = need(body, 3, 'camera shoot reply');
  if (short) return short;
  const reply: CameraShootReply = { replySerial: body.readUInt16BE(0), result: body[2], mediaIds: [] };
  if (reply.result !== 0 || body.length === 3) return ok(reply);
  const shortCount = need(body, 5, 'camera shoot reply count');
  if (shortCount) return shortCount;
  const count = body.readUInt16BE(3);
  const shortIds = need(body, 5 + count * 4, `camera shoot reply ${count} media ids`);
  if (shortIds) return shortIds;
  for (let i = 0; i < count; i++) reply.mediaIds.push(body.readUInt32BE(5 + i * 4));
  return ok(reply);
}

export function encodeCameraShootReply(reply: CameraShootReply): Buffer {
  if (reply.result !== 0) {
    const out = Buffer.allocUnsafe(3);
    out.writeUInt16BE(reply.replySerial, 0);
    out[2] = reply.result;
    return out;
  }
  const out = Buffer.allocUnsafe(5 + reply.mediaIds.length * 4);
  out.writeUInt16BE(reply.replySerial, 0);
  out[2] = 0;
  out.writeUInt16BE(reply.mediaIds.length, 3);
  reply.mediaIds.forEach((id, i) => out.writeUInt32BE(id, 5 + i * 4));
  return out;
}
