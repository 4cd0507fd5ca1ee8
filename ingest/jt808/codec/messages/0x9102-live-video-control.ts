/**
 * 0x9102 real-time audio/video transmission control (音视频实时传输控制, JT/T 1078-2016 table 18): logical
 * channel BYTE, command BYTE (0 close the transmission, 1 switch stream, 2 pause every stream of the channel,
 * 3 resume, 4 close the two-way intercom), close type BYTE (0 close audio and video, 1 close audio only, 2 close
 * video only), switch to stream type BYTE (0 main, 1 sub). Answered 0x0001.
 */
import type { Result } from '../types.js';
import { ok } from '../types.js';
import { need } from './context.js';

export interface LiveVideoControl {
  channel: number;
  /** 0 close, 1 switch stream, 2 pause, 3 resume, 4 close intercom. */
  command: number;
  /** 0 audio and video, 1 audio only, 2 video only. */
  closeType: number;
  /** 0 main, 1 sub. */
  streamType: number;
}

const LIVE_VIDEO_CONTROL_BYTES = 4;

export function decodeLiveVideoControl(body: Buffer): Result<LiveVideoControl> {
  const short = need(body, LIVE_VIDEO_CONTROL_BYTES, 'live video control');
  if (short) return short;
  return ok({ channel: body[0], command: body[1], closeType: body[2], streamType: body[3] });
}

export function encodeLiveVideoControl(c: LiveVideoControl): Buffer {
  return Buffer.from([c.channel, c.command, c.closeType, c.streamType]);
}
