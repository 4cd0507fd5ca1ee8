/**
 * 0x9201 remote playback request (平台下发远程录像回放请求, JT/T 1078-2016 table 24): server IP length BYTE,
 * server IP STRING, TCP port WORD, UDP port WORD, logical channel BYTE, media type BYTE (0 audio and video,
 * 1 audio, 2 video, 3 audio or video), stream type BYTE (0 either, 1 main, 2 sub), storage BYTE (0 either, 1 main,
 * 2 disaster backup), playback mode BYTE (0 normal, 1 fast forward, 2 key-frame rewind, 3 key frames only,
 * 4 single frame), speed BYTE (0 none, 1 1×, 2 2×, 3 4×, 4 8×, 5 16×), start BCD[6], end BCD[6] (zeros: to the
 * end of the recording). The terminal answers 0x1205 with the recordings it will play, then streams them to the
 * server like a live stream.
 */
import type { Result } from '../types.js';
import { ok } from '../types.js';
import { need } from './context.js';
import {
  decodeServerAddress,
  encodeServerAddress,
  readOptionalTime,
  writeOptionalTime,
  type MediaServerAddress,
} from './video-fields.js';

export interface PlaybackRequest {
  server: MediaServerAddress;
  channel: number;
  mediaType: number;
  streamType: number;
  storage: number;
  /** 0 normal, 1 fast forward, 2 key-frame rewind, 3 key frames only, 4 single frame. */
  mode: number;
  /** 0 none, 1 1×, 2 2×, 3 4×, 4 8×, 5 16×. */
  speed: number;
  /** Epoch ms; null when the wire holds zeros. */
  start: number | null;
  end: number | null;
}

const AFTER_ADDRESS_BYTES = 18;

export function decodePlaybackRequest(body: Buffer): Result<PlaybackRequest> {
  const address = decodeServerAddress(body, 0, 'playback request');
  if ('ok' in address) return address;
  const p = address.next;
  const short = need(body, p + AFTER_ADDRESS_BYTES, 'playback request fields');
  if (short) return short;
  return ok({
    server: address.value,
    channel: body[p],
    mediaType: body[p + 1],
    streamType: body[p + 2],
    storage: body[p + 3],
    mode: body[p + 4],
    speed: body[p + 5],
    start: readOptionalTime(body, p + 6),
    end: readOptionalTime(body, p + 12),
  });
}

export function encodePlaybackRequest(r: PlaybackRequest): Buffer {
  const tail = Buffer.alloc(AFTER_ADDRESS_BYTES);
  tail[0] = r.channel;
  tail[1] = r.mediaType;
  tail[2] = r.streamType;
  tail[3] = r.storage;
  tail[4] = r.mode;
  tail[5] = r.speed;
  writeOptionalTime(tail, 6, r.start);
  writeOptionalTime(tail, 12, r.end);
  return Buffer.concat([encodeServerAddress(r.server), tail]);
}
