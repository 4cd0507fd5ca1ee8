/**
 * 0x8803 upload stored media (存储多媒体数据上传命令): media type BYTE, channel BYTE, event code BYTE, start BCD[6],
 * end BCD[6], delete flag BYTE (1 delete once uploaded). Answered 0x0001; the files then arrive as 0x0801.
 */
import type { Result } from '../types.js';
import { BodyWriter, readBody } from './body-cursor.js';
import type { StoredMediaSearch } from './0x8802-stored-media-search.js';

export interface StoredMediaUpload extends StoredMediaSearch {
  /** 1: delete on the terminal once uploaded. */
  deleteAfter: number;
}

export function decodeStoredMediaUpload(body: Buffer): Result<StoredMediaUpload> {
  return readBody(body, (c) => ({
    mediaType: c.u8('media type'),
    channel: c.u8('channel'),
    eventCode: c.u8('event code'),
    start: c.time('start time'),
    end: c.time('end time'),
    deleteAfter: c.u8('delete flag'),
  }));
}

export function encodeStoredMediaUpload(m: StoredMediaUpload): Buffer {
  return new BodyWriter()
    .u8(m.mediaType)
    .u8(m.channel)
    .u8(m.eventCode)
    .time(m.start)
    .time(m.end)
    .u8(m.deleteAfter)
    .done();
}
