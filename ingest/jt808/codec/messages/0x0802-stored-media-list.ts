/**
 * 0x0802 the stored media found (存储多媒体数据检索应答), the answer to 0x8802: flow number WORD of the search,
 * count WORD, then per item: media id DWORD, media type BYTE, channel BYTE, event code BYTE and the 28 basic bytes
 * of a location report (where and when it was taken).
 */
import type { Jt808Version, Result } from '../types.js';
import { ok } from '../types.js';
import type { DecodeContext } from './context.js';
import { need } from './context.js';
import type { LocationBasic } from './location-body.js';
import { decodeLocationBasic, encodeLocationBasic, LOCATION_BASIC_BYTES } from './location-body.js';

export interface StoredMedia {
  mediaId: number;
  mediaType: number;
  channel: number;
  eventCode: number;
  location: LocationBasic;
}

export interface StoredMediaList {
  replySerial: number;
  items: StoredMedia[];
}

const ITEM_BYTES = 7 + LOCATION_BASIC_BYTES;

export function decodeStoredMediaList(body: Buffer, ctx: DecodeContext): Result<StoredMediaList> {
  const short = need(body, 4, 'stored media list head');
  if (short) return short;
  const count = body.readUInt16BE(2);
  const shortItems = need(body, 4 + count * ITEM_BYTES, `stored media list of ${count} items`);
  if (shortItems) return shortItems;
  const items: StoredMedia[] = [];
  for (let i = 0, p = 4; i < count; i++, p += ITEM_BYTES) {
    const location = decodeLocationBasic(body, p + 7, ctx.version, ctx.coordinates);
    if (!location.ok) return location;
    items.push({
      mediaId: body.readUInt32BE(p),
      mediaType: body[p + 4],
      channel: body[p + 5],
      eventCode: body[p + 6],
      location: location.value,
    });
  }
  return ok({ replySerial: body.readUInt16BE(0), items });
}

export function encodeStoredMediaList(m: StoredMediaList, _version: Jt808Version): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(m.replySerial, 0);
  head.writeUInt16BE(m.items.length, 2);
  const parts: Buffer[] = [head];
  for (const item of m.items) {
    const fixed = Buffer.alloc(7);
    fixed.writeUInt32BE(item.mediaId >>> 0, 0);
    fixed[4] = item.mediaType;
    fixed[5] = item.channel;
    fixed[6] = item.eventCode;
    parts.push(fixed, encodeLocationBasic(item.location));
  }
  return Buffer.concat(parts);
}
