/**
 * 0x8604 set a polygonal area (设置多边形区域), one per message: id DWORD, attributes WORD, the optional time window
 * and speed limit, vertex count WORD, vertices (latitude, longitude DWORD, 1e-6 degree), and in 2019 the name
 * (area-fields.ts). Answered 0x0001.
 */
import type { Jt808Version, Result } from '../types.js';
import type { DecodeContext } from './context.js';
import { BodyWriter, readBody } from './body-cursor.js';
import {
  readName,
  readSpeed,
  readTimes,
  writeName,
  writeSpeed,
  writeTimes,
  type AreaLimits,
  type Point,
} from './area-fields.js';

export interface PolygonArea extends AreaLimits {
  id: number;
  vertices: Point[];
  /** 2019 only. */
  name?: string;
}

export function decodeSetPolygonArea(body: Buffer, ctx: DecodeContext): Result<PolygonArea> {
  return readBody(body, (c) => {
    const area: PolygonArea = { id: c.u32('area id'), attributes: c.u16('area attributes'), vertices: [] };
    readTimes(c, area.attributes, area);
    readSpeed(c, area.attributes, ctx.version, area);
    const count = c.u16('vertex count');
    for (let i = 0; i < count; i++)
      area.vertices.push({ latRaw: c.u32(`vertex ${i + 1} latitude`), lonRaw: c.u32(`vertex ${i + 1} longitude`) });
    const name = readName(c, ctx.version);
    if (name !== undefined) area.name = name;
    return area;
  });
}

export function encodeSetPolygonArea(a: PolygonArea, version: Jt808Version): Buffer {
  const w = new BodyWriter().u32(a.id).u16(a.attributes);
  writeTimes(w, a);
  writeSpeed(w, a, version);
  w.u16(a.vertices.length);
  for (const v of a.vertices) w.u32(v.latRaw).u32(v.lonRaw);
  writeName(w, a.name, version);
  return w.done();
}
