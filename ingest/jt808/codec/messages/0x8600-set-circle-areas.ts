/**
 * 0x8600 set circular areas (设置圆形区域): setting BYTE (0 replace all, 1 append, 2 modify), count BYTE, then per
 * area: id DWORD, attributes WORD, centre latitude and longitude DWORD (1e-6 degree), radius DWORD m, the optional
 * time window and speed limit, and in 2019 the name (area-fields.ts). Answered 0x0001.
 */
import type { Jt808Version, Result } from '../types.js';
import type { DecodeContext } from './context.js';
import { BodyWriter, readBody } from './body-cursor.js';
import { readName, readSpeed, readTimes, writeName, writeSpeed, writeTimes, type AreaLimits } from './area-fields.js';

export interface CircleArea extends AreaLimits {
  id: number;
  latRaw: number;
  lonRaw: number;
  radiusM: number;
  /** 2019 only. */
  name?: string;
}

export interface SetCircleAreas {
  /** 0 replace all, 1 append, 2 modify. */
  setting: number;
  areas: CircleArea[];
}

export function decodeSetCircleAreas(body: Buffer, ctx: DecodeContext): Result<SetCircleAreas> {
  return readBody(body, (c) => {
    const setting = c.u8('area setting');
    const count = c.u8('area count');
    const areas: CircleArea[] = [];
    for (let i = 0; i < count; i++) {
      const area: CircleArea = {
        id: c.u32('area id'),
        attributes: c.u16('area attributes'),
        latRaw: c.u32('centre latitude'),
        lonRaw: c.u32('centre longitude'),
        radiusM: c.u32('radius'),
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

export function encodeSetCircleAreas(m: SetCircleAreas, version: Jt808Version): Buffer {
  const w = new BodyWriter().u8(m.setting).u8(m.areas.length);
  for (const a of m.areas) {
    w.u32(a.id).u16(a.attributes).u32(a.latRaw).u32(a.lonRaw).u32(a.radiusM);
    writeTimes(w, a);
    writeSpeed(w, a, version);
    writeName(w, a.name, version);
  }
  return w.done();
}
