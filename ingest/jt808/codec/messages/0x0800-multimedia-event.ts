/** 0x0800 multimedia event: media id DWORD, type BYTE, format BYTE, event BYTE, channel BYTE. */
import type { Result } from '../types.js';
import { ok } from '../types.js';
import { need } from './context.js';

export interface MultimediaEvent {
  mediaId: number;
  /** 0 image, 1 audio, 2 video. */
  mediaType: number;
  /** 0 JPEG, 1 TIF, 2 MP3, 3 WAV, 4 WMV. */
  mediaFormat: number;
  /** 0 platform command, 1 timed, 2 robbery alarm, 3 collision/rollover alarm, 4 door open, 5 door closed, ... */
  eventCode: number;
  channelId: number;
}

export const MULTIMEDIA_HEAD_BYTES = 8;

export function readMultimediaHead(body: Buffer): MultimediaEvent {
  return {
    mediaId: body.readUInt32BE(0),
    mediaType: body[4],
    mediaFormat: body[5],
    eventCode: body[6],
    channelId: body[7],
  };
}

export function writeMultimediaHead(event: MultimediaEvent): Buffer {
  const out = Buffer.allocUnsafe(MULTIMEDIA_HEAD_BYTES);
  out.writeUInt32BE(event.mediaId, 0);
  out[4] = event.mediaType;
  out[5] = event.mediaFormat;
  out[6] = event.eventCode;
  out[7] = event.channelId;
  return out;
}

export function decodeMultimediaEvent(body: Buffer): Result<MultimediaEvent> {
  const short = need(body, MULTIMEDIA_HEAD_BYTES, 'multimedia event');
  if (short) return short;
  return ok(readMultimediaHead(body));
}

export function encodeMultimediaEvent(event: MultimediaEvent): Buffer {
  return writeMultimediaHead(event);
}
