/**
 * 0x9202 remote playback control (平台下发远程录像回放控制, JT/T 1078-2016 table 25): channel BYTE, control
 * BYTE (0 start, 1 pause, 2 end, 3 fast forward, 4 key-frame rewind, 5 seek, 6 key frames only), speed BYTE
 * (0 none, 1 1×, 2 2×, 3 4×, 4 8×, 5 16×; for 3 and 4), seek position BCD[6] (for 5). Answered 0x0001.
 */
import type { Result } from '../types.js';
import { ok } from '../types.js';
import { need } from './context.js';
import { readOptionalTime, writeOptionalTime } from './video-fields.js';

export interface PlaybackControl {
  channel: number;
  /** 0 start, 1 pause, 2 end, 3 fast forward, 4 key-frame rewind, 5 seek, 6 key frames only. */
  control: number;
  speed: number;
  /** Epoch ms of a seek; null (zeros) otherwise. */
  position: number | null;
}

const PLAYBACK_CONTROL_BYTES = 9;

export function decodePlaybackControl(body: Buffer): Result<PlaybackControl> {
  const short = need(body, PLAYBACK_CONTROL_BYTES, 'playback control');
  if (short) return short;
  return ok({ channel: body[0], control: body[1], speed: body[2], position: readOptionalTime(body, 3) });
}

export function encodePlaybackControl(c: PlaybackControl): Buffer {
  const out = Buffer.alloc(PLAYBACK_CONTROL_BYTES);
  out[0] = c.channel;
  out[1] = c.control;
  out[2] = c.speed;
  writeOptionalTime(out, 3, c.position);
  return out;
}
