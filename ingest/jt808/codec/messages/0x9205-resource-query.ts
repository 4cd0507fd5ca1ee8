/**
 * 0x9205 query the audio/video resource list (查询资源列表, JT/T 1078-2016 table 26): channel BYTE (0 all),
 * start BCD[6], end BCD[6] (zeros: no bound), alarm flags 64BITS (zeros: no condition), media type BYTE (0 audio
 * and video, 1 audio, 2 video, 3 audio or video), stream type BYTE (0 all, 1 main, 2 sub), storage BYTE (0 all,
 * 1 main, 2 disaster backup). The terminal answers 0x1205.
 */
import type { Result } from '../types.js';
import { ok } from '../types.js';
import { need } from './context.js';
import {
  readAlarmFlags64,
  readOptionalTime,
  writeAlarmFlags64,
  writeOptionalTime,
  type AlarmFlags64,
} from './video-fields.js';

export interface ResourceQuery extends AlarmFlags64 {
  channel: number;
  start: number | null;
  end: number | null;
  mediaType: number;
  streamType: number;
  storage: number;
}

const RESOURCE_QUERY_BYTES = 24;

export function decodeResourceQuery(body: Buffer): Result<ResourceQuery> {
  const short = need(body, RESOURCE_QUERY_BYTES, 'resource query');
  if (short) return short;
  return ok({
    channel: body[0],
    start: readOptionalTime(body, 1),
    end: readOptionalTime(body, 7),
    ...readAlarmFlags64(body, 13),
    mediaType: body[21],
    streamType: body[22],
    storage: body[23],
  });
}

export function encodeResourceQuery(q: ResourceQuery): Buffer {
  const out = Buffer.alloc(RESOURCE_QUERY_BYTES);
  out[0] = q.channel;
  writeOptionalTime(out, 1, q.start);
  writeOptionalTime(out, 7, q.end);
  writeAlarmFlags64(out, 13, q);
  out[21] = q.mediaType;
  out[22] = q.streamType;
  out[23] = q.storage;
  return out;
}
