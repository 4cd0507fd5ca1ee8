/**
 * 0x8801 camera shoot immediately (立即拍摄): channel BYTE, command WORD (0 stop, 0xFFFF record video, else the
 * number of photos), interval WORD seconds (photo interval or video length), save flag BYTE (1 keep on the
 * terminal, 0 upload now), resolution BYTE (1 320×240 … 8 1920×1080 (2019)), quality BYTE (1 best … 10),
 * brightness BYTE 0-255, contrast BYTE 0-127, saturation BYTE 0-127, chroma BYTE 0-255. The terminal answers
 * 0x0805 with the media ids, then uploads each photo as 0x0801.
 */
import type { Result } from '../types.js';
import { ok } from '../types.js';
import { need } from './context.js';

export interface CameraShoot {
  channel: number;
  command: number;
  intervalS: number;
  /** 1 keep on the terminal, 0 upload now. */
  save: number;
  resolution: number;
  quality: number;
  brightness: number;
  contrast: number;
  saturation: number;
  chroma: number;
}

const CAMERA_SHOOT_BYTES = 12;

export function decodeCameraShoot(body: Buffer): Result<CameraShoot> {
  const short = need(body, CAMERA_SHOOT_BYTES, 'camera shoot command');
  if (short) return short;
  return ok({
    channel: body[0],
    command: body.readUInt16BE(1),
    intervalS: body.readUInt16BE(3),
    save: body[5],
    resolution: body[6],
    quality: body[7],
    brightness: body[8],
    contrast: body[9],
    saturation: body[10],
    chroma: body[11],
  });
}

export function encodeCameraShoot(c: CameraShoot): Buffer {
  const out = Buffer.allocUnsafe(CAMERA_SHOOT_BYTES);
  out[0] = c.channel;
  out.writeUInt16BE(c.command, 1);
  out.writeUInt16BE(c.intervalS, 3);
  out[5] = c.save;
  out[6] = c.resolution;
  out[7] = c.quality;
  out[8] = c.brightness;
  out[9] = c.contrast;
  out[10] = c.saturation;
  out[11] = c.chroma;
  return out;
}
