/**
 * 0x9101 real-time audio/video transmission request (实时音视频传输请求, JT/T 1078-2016 table 17): server IP
 * length BYTE, server IP STRING, TCP port WORD, UDP port WORD, logical channel BYTE, data type BYTE (0 audio and
 * video, 1 video, 2 two-way intercom, 3 monitor, 4 centre broadcast, 5 pass-through), stream type BYTE (0 main,
 * 1 sub). The terminal answers 0x0001, then connects to the server and sends its stream (JT/T 1078 RTP packets).
 */
import type { Result } from '../types.js';
import { ok } from '../types.js';
import { need } from './context.js';
import { decodeServerAddress, encodeServerAddress, type MediaServerAddress } from './video-fields.js';

export interface LiveVideoRequest {
  server: MediaServerAddress;
  channel: number;
  /** 0 audio and video, 1 video, 2 two-way intercom, 3 monitor, 4 centre broadcast, 5 pass-through. */
  dataType: number;
  /** 0 main stream, 1 sub stream. */
  streamType: number;
}

export function decodeLiveVideoRequest(body: Buffer): Result<LiveVideoRequest> {
  const address = decodeServerAddress(body, 0, 'live video request');
  if ('ok' in address) return address;
  const short = need(body, address.next + 3, 'live video request channel and types');
  if (short) return short;
  const p = address.next;
  return ok({ server: address.value, channel: body[p], dataType: body[p + 1], streamType: body[p + 2] });
}

export function encodeLiveVideoRequest(r: LiveVideoRequest): Buffer {
  return Buffer.concat([encodeServerAddress(r.server), Buffer.from([r.channel, r.dataType, r.streamType])]);
}
