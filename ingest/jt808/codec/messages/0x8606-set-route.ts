/**
 * 0x8606 set a route (设置路线), one per message: id DWORD, attributes WORD (bit 0: a time window follows, BCD[6]
 * start and end), point count WORD, then per inflection point: point id DWORD, segment id DWORD, latitude and
 * longitude DWORD (1e-6 degree), segment width BYTE m, segment attributes BYTE (bit 0: driving-time limits follow,
 * "too long" and "too short" WORD s; bit 1: a speed limit follows, top speed WORD km/h, overspeed duration BYTE s,
 * and in 2019 a night top speed WORD), and in 2019 the route's name (length WORD, GBK). Answered 0x0001.
 */
import type { Jt808Version, Result } from '../types.js';
import type { DecodeContext } from './context.js';
import { BodyWriter, readBody } from './body-cursor.js';
import { AREA_BY_TIME, readName, writeName } from './area-fields.js';

export interface RoutePoint {
  pointId: number;
  segmentId: number;
  latRaw: number;
  lonRaw: number;
  widthM: number;
  segmentAttributes: number;
  /** Present when segment attribute bit 0 is set. */
  tooLongS?: number;
  tooShortS?: number;
  /** Present when segment attribute bit 1 is set (the night speed in 2019 only). */
  speedMaxKmh?: number;
  overspeedS?: number;
  nightSpeedMaxKmh?: number;
}

export interface Route {
  id: number;
  attributes: number;
  start?: number | null;
  end?: number | null;
  points: RoutePoint[];
  /** 2019 only. */
  name?: string;
}

const SEGMENT_DRIVING_TIME = 0x01;
const SEGMENT_SPEED_LIMIT = 0x02;

export function decodeSetRoute(body: Buffer, ctx: DecodeContext): Result<Route> {
  return readBody(body, (c) => {
    const route: Route = { id: c.u32('route id'), attributes: c.u16('route attributes'), points: [] };
    if (route.attributes & AREA_BY_TIME) {
      route.start = c.time('route start time');
      route.end = c.time('route end time');
    }
    const count = c.u16('inflection point count');
    for (let i = 0; i < count; i++) {
      const p: RoutePoint = {
        pointId: c.u32('point id'),
        segmentId: c.u32('segment id'),
        latRaw: c.u32('point latitude'),
        lonRaw: c.u32('point longitude'),
        widthM: c.u8('segment width'),
        segmentAttributes: c.u8('segment attributes'),
      };
      if (p.segmentAttributes & SEGMENT_DRIVING_TIME) {
        p.tooLongS = c.u16('segment too-long threshold');
        p.tooShortS = c.u16('segment too-short threshold');
      }
      if (p.segmentAttributes & SEGMENT_SPEED_LIMIT) {
        p.speedMaxKmh = c.u16('segment top speed');
        p.overspeedS = c.u8('segment overspeed duration');
        if (ctx.version === 2019) p.nightSpeedMaxKmh = c.u16('segment night top speed');
      }
      route.points.push(p);
    }
    const name = readName(c, ctx.version);
    if (name !== undefined) route.name = name;
    return route;
  });
}

export function encodeSetRoute(r: Route, version: Jt808Version): Buffer {
  const w = new BodyWriter().u32(r.id).u16(r.attributes);
  if (r.attributes & AREA_BY_TIME) w.time(r.start).time(r.end);
  w.u16(r.points.length);
  for (const p of r.points) {
    w.u32(p.pointId).u32(p.segmentId).u32(p.latRaw).u32(p.lonRaw).u8(p.widthM).u8(p.segmentAttributes);
    if (p.segmentAttributes & SEGMENT_DRIVING_TIME) w.u16(p.tooLongS ?? 0).u16(p.tooShortS ?? 0);
    if (p.segmentAttributes & SEGMENT_SPEED_LIMIT) {
      w.u16(p.speedMaxKmh ?? 0).u8(p.overspeedS ?? 0);
      if (version === 2019) w.u16(p.nightSpeedMaxKmh ?? 0);
    }
  }
  writeName(w, r.name, version);
  return w.done();
}
