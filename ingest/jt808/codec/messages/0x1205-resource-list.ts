/**
 * 0x1205 the terminal's audio/video resource list (终端上传音视频资源列表, JT/T 1078-2016 tables 27 and 28), the
 * answer to 0x9205 and to 0x9201: flow number WORD of the request, item count DWORD, then 28 bytes per item:
 * channel BYTE, start BCD[6], end BCD[6], alarm flags 64BITS, media type BYTE (0 audio and video, 1 audio,
 * 2 video), stream type BYTE (1 main, 2 sub), storage BYTE (1 main, 2 disaster backup), file size DWORD bytes.
 * A long list is subpackaged, like any message.
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

export interface VideoResource extends AlarmFlags64 {
  channel: number;
  start: number | null;
  end: number | null;
  mediaType: number;
  streamType: number;
  storage: number;
  fileBytes: number;
}

export interface ResourceList {
  replySerial: number;
  resources: VideoResource[];
}

const ITEM_BYTES = 28;

export function decodeResourceList(body: Buffer): Result<ResourceList> {
  const short = need(body, 6, 'resource list head');
  if (short) return short;
  const count = body.readUInt32BE(2);
  // The count is checked against the bytes present before anything is allocated for it.
  const shortItems = need(body, 6 + count * ITEM_BYTES, `resource list of ${count} items`);
  if (shortItems) return shortItems;
  const resources: VideoResource[] = [];
  for (let i = 0, p = 6; i < count; i++, p += ITEM_BYTES) {
    resources.push({
      channel: body[p],
      start: readOptionalTime(body, p + 1),
      end: readOptionalTime(body, p + 7),
      ...readAlarmFlags64(body, p + 13),
      mediaType: body[p + 21],
      streamType: body[p + 22],
      storage: body[p + 23],
      fileBytes: body.readUInt32BE(p + 24),
    });
  }
  return ok({ replySerial: body.readUInt16BE(0), resources });
}

export function encodeResourceList(list: ResourceList): Buffer {
  const out = Buffer.alloc(6 + list.resources.length * ITEM_BYTES);
  out.writeUInt16BE(list.replySerial, 0);
  out.writeUInt32BE(list.resources.length, 2);
  list.resources.forEach((r, i) => {
    const p = 6 + i * ITEM_BYTES;
    out[p] = r.channel;
    writeOptionalTime(out, p + 1, r.start);
    writeOptionalTime(out, p + 7, r.end);
    writeAlarmFlags64(out, p + 13, r);
    out[p + 21] = r.mediaType;
    out[p + 22] = r.streamType;
    out[p + 23] = r.storage;
    out.writeUInt32BE(r.fileBytes, p + 24);
  });
  return out;
}
