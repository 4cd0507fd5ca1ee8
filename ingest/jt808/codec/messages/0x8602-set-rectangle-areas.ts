/**
 * 0x8602 set rectangular areas (设置矩形区域): setting BYTE (0 replace all, 1 append, 2 modify), count BYTE, then
 * per area: id DWORD, attributes WORD, top-left latitude and longitude, bottom-right latitude and longitude (DWORD,
 * 1e-6 degree), the optional time window and speed limit, and in 2019 the name (area-fields.ts). Answered 0x0001.
 */
import type { Jt808Version, Result } from '../types.js';
import type { DecodeContext } from './context.js';
import { BodyWriter, readBody } from './body-cursor.js';
import { readName, readSpeed, readTimes, writeName, writeSpeed, writeTimes, type AreaLimits } from './area-fields.js';

export interface RectangleArea extends AreaLimits {
  id: number;
  topLatRaw: number;
  leftLonRaw: number;
  bottomLatRaw: number;
  rightLonRaw: number;
  /** 2019 only. */
  name?: string;
}

export interface SetRectangleAreas {
  setting: number;
  areas: RectangleArea[];
}

export function decodeSetRectangleAreas(body: Buffer, ctx: DecodeContext): Result<SetRectangleAreas> {
  return readBody(body, (c) => {
    const setting = c.u8('area setting');
    const count = c.u8('area count');
    const areas: RectangleArea[] = [];
    for (let i = 0; i < count; i++) {
      const area: RectangleArea = {
        id: c.u32('area id'),
        attributes: c.u16('area attributes'),
        topLatRaw: c.u32('top-left latitude'),
        leftLonRaw: c.u32('top-left longitude'),
        bottomLatRaw: c.u32('bottom-right latitude'),
        rightLonRaw: c.u32('bottom-right longitude'),
      };
      readTimes(c, area.attributes, area);
      readSpeed(c, area.attributes, ctx.version, area);
      const name = readName(c, ctx.version);
      if (name !== undefined) area.name = name;
      areas.push(area);
    }
    return { setting, areas };
  });
}

export function encodeSetRectangleAreas(m: SetRectangleAreas, version: Jt808Version): Buffer {
  const w = new BodyWriter().u8(m.setting).u8(m.areas.length);
  for (const a of m.areas) {
    w.u32(a.id).u16(a.attributes).u32(a.topLatRaw).u32(a.leftLonRaw).u32(a.bottomLatRaw).u32(a.rightLonRaw);
    writeTimes(w, a);
    writeSpeed(w, a, version);
    writeName(w, a.name, version);
  }
  return w.done();
}
