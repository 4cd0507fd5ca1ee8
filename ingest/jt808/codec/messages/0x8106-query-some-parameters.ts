/** 0x8106 query the given terminal parameters (查询指定终端参数): count BYTE, ids DWORD each. Answered 0x0104. */
import type { Result } from '../types.js';
import { ok } from '../types.js';
import { need } from './context.js';

export interface QuerySomeParameters {
  ids: number[];
}

export function decodeQuerySomeParameters(body: Buffer): Result<QuerySomeParameters> {
  const short = need(body, 1, 'parameter id count');
  if (short) return short;
  const count = body[0];
  const shortIds = need(body, 1 + count * 4, `${count} parameter ids`);
  if (shortIds) return shortIds;
  const ids: number[] = [];
  for (let i = 0; i < count; i++) ids.push(body.readUInt32BE(1 + i * 4));
  return ok({ ids });
}

export function encodeQuerySomeParameters(m: QuerySomeParameters): Buffer {
  if (m.ids.length > 255) throw new RangeError(`${m.ids.length} parameter ids, one message holds 255`);
  const out = Buffer.alloc(1 + m.ids.length * 4);
  out[0] = m.ids.length;
  m.ids.forEach((id, i) => out.writeUInt32BE(id >>> 0, 1 + i * 4));
  return out;
}
