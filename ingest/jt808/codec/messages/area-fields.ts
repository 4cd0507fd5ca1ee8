/**
 * What the area and route messages (0x8600-0x8607) share. An area's attribute WORD says which optional parts
 * follow: bit 0 a time window (start and end BCD[6]), bit 1 a speed limit (top speed WORD km/h and overspeed
 * duration BYTE s, and in 2019 a night top speed WORD); 2019 adds the area's name (length WORD, GBK). Coordinates
 * stay raw (1e-6 degree, unsigned; bits 6 and 7 of the attributes say south and west).
 */
import type { Jt808Version } from '../types.js';
import { encodeGbk, type BodyCursor, type BodyWriter } from './body-cursor.js';

export const AREA_BY_TIME = 0x0001;
export const AREA_SPEED_LIMIT = 0x0002;

export interface AreaLimits {
  attributes: number;
  /** Present when attribute bit 0 is set. */
  start?: number | null;
  end?: number | null;
  /** Present when attribute bit 1 is set. */
  speedMaxKmh?: number;
  overspeedS?: number;
  /** 2019, present when attribute bit 1 is set. */
  nightSpeedMaxKmh?: number;
}

export interface Point {
  latRaw: number;
  lonRaw: number;
}

export function readTimes(c: BodyCursor, attributes: number, out: AreaLimits): void {
  if ((attributes & AREA_BY_TIME) === 0) return;
  out.start = c.time('area start time');
  out.end = c.time('area end time');
}

export function readSpeed(c: BodyCursor, attributes: number, version: Jt808Version, out: AreaLimits): void {
  if ((attributes & AREA_SPEED_LIMIT) === 0) return;
  out.speedMaxKmh = c.u16('area top speed');
  out.overspeedS = c.u8('area overspeed duration');
  if (version === 2019) out.nightSpeedMaxKmh = c.u16('area night top speed');
}

export function writeTimes(w: BodyWriter, a: AreaLimits): void {
  if ((a.attributes & AREA_BY_TIME) === 0) return;
  w.time(a.start).time(a.end);
}

export function writeSpeed(w: BodyWriter, a: AreaLimits, version: Jt808Version): void {
  if ((a.attributes & AREA_SPEED_LIMIT) === 0) return;
  w.u16(a.speedMaxKmh ?? 0).u8(a.overspeedS ?? 0);
  if (version === 2019) w.u16(a.nightSpeedMaxKmh ?? 0);
}

/** 2019's name: length WORD and GBK text. */
export function readName(c: BodyCursor, version: Jt808Version): string | undefined {
  if (version !== 2019) return undefined;
  return c.text(c.u16('area name length'), 'area name');
}

export function writeName(w: BodyWriter, name: string | undefined, version: Jt808Version): void {
  if (version !== 2019) return;
  const bytes = encodeGbk(name ?? '');
  w.u16(bytes.length).raw(bytes);
}

/** Area ids of the delete messages 0x8601/0x8603/0x8605/0x8607: count BYTE (0 = all), ids DWORD. */
export function readIds(c: BodyCursor): number[] {
  const count = c.u8('area count');
  const ids: number[] = [];
  for (let i = 0; i < count; i++) ids.push(c.u32(`area id ${i + 1} of ${count}`));
  return ids;
}

export function writeIds(w: BodyWriter, ids: readonly number[]): void {
  if (ids.length > 125) throw new RangeError(`${ids.length} area ids, one message holds 125`);
  w.u8(ids.length);
  for (const id of ids) w.u32(id);
}
