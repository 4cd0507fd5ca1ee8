/**
 * 0x0801 multimedia data upload: the 0x0800 fields, then (2013 and 2019) the 28-byte location basic
 * information without additional items, then the media bytes. 2011 has no location block; a session
 * that knows its terminal speaks 2011 sets header.version = 2011 before decoding. The message is usually
 * subpackaged: decode the reassembled body.
 */
import type { Jt808Version, Result } from '../types.js';
import { ok } from '../types.js';
import type { DecodeContext } from './context.js';
import { need } from './context.js';
import type { LocationBasic } from './location-body.js';
import { LOCATION_BASIC_BYTES, decodeLocationBasic, encodeLocationBasic } from './location-body.js';
import type { MultimediaEvent } from './0x0800-multimedia-event.js';
import { MULTIMEDIA_HEAD_BYTES, readMultimediaHead, writeMultimediaHead } from './0x0800-multimedia-event.js';

export interface MultimediaData extends MultimediaEvent {
  /** Absent in 2011. */
  location?: LocationBasic;
  /** The media bytes; a view of the frame body. */
  data: Buffer;
}

export function decodeMultimediaData(body: Buffer, ctx: DecodeContext): Result<MultimediaData> {
  const hasLocation = ctx.version !== 2011;
  const fixed = MULTIMEDIA_HEAD_BYTES + (hasLocation ? LOCATION_BASIC_BYTES : 0);
  const short = need(body, fixed, 'multimedia data head');
  if (short) return short;
  const media: MultimediaData = { ...readMultimediaHead(body), data: body.subarray(fixed) };
  if (hasLocation) {
    const location = decodeLocationBasic(body, MULTIMEDIA_HEAD_BYTES, ctx.version, ctx.coordinates);
    if (!location.ok) return location;
    media.location = location.value;
  }
  return ok(media);
}

export function encodeMultimediaData(media: MultimediaData, version: Jt808Version): Buffer {
  const parts = [writeMultimediaHead(media)];
  if (version !== 2011) {
    if (!media.location) throw new RangeError('0x0801 needs a location block in 2013 and 2019');
    parts.push(encodeLocationBasic(media.location));
  }
  parts.push(media.data);
  return Buffer.concat(parts);
}
