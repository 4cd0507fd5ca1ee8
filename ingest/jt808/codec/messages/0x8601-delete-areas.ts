/**
 * 0x8601 delete circular areas, 0x8603 rectangular, 0x8605 polygonal, 0x8607 routes (删除圆形/矩形/多边形区域,
 * 删除路线): count BYTE (0 deletes them all), ids DWORD. The four share this layout. Answered 0x0001.
 */
import type { Result } from '../types.js';
import { BodyWriter, readBody } from './body-cursor.js';
import { readIds, writeIds } from './area-fields.js';

export interface DeleteAreas {
  /** Empty: every area (or route) of the kind. */
  ids: number[];
}

export function decodeDeleteAreas(body: Buffer): Result<DeleteAreas> {
  return readBody(body, (c) => ({ ids: readIds(c) }));
}

export function encodeDeleteAreas(m: DeleteAreas): Buffer {
  const w = new BodyWriter();
  writeIds(w, m.ids);
  return w.done();
}
