/**
 * 0x8802 search stored media (存储多媒体数据检索): media type BYTE (0 image, 1 audio, 2 video), channel BYTE (0 all),
 * event code BYTE (0 platform command, 1 timed, 2 robbery alarm, 3 collision, …), start BCD[6], end BCD[6] (zeros:
 * no bound). The terminal answers 0x0802.
 */
import type { Result } from '../types.js';
import { BodyWriter, readBody } from './body-cursor.js';

export interface StoredMediaSearch {
  mediaType: number;
  channel: number;
  eventCode: number;
  start: number | null;
  end: number | null;
}

export function decodeStoredMediaSearch(body: Buffer): Result<StoredMediaSearch> {
  return readBody(body, (c) => ({
    mediaType: c.u8('media type'),
    channel: c.u8('channel'),
    eventCode: c.u8('event code'),
    start: c.time('start time'),
    end: c.time('end time'),
  }));
}

export function encodeStoredMediaSearch(m: StoredMediaSearch): Buffer {
  return new BodyWriter().u8(m.mediaType).u8(m.channel).u8(m.eventCode).time(m.start).time(m.end).done();
}
