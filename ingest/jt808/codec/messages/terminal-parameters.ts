/**
 * The parameter list of 0x8103 (set) and 0x0104 (answer to 0x8104/0x8106): count BYTE, then per parameter its id
 * DWORD, value length BYTE and value. Values stay bytes here: their type (DWORD, WORD, BYTE, STRING) depends on
 * the id (JT/T 808-2019 table 14), which the API's parameter table knows.
 */
import type { Jt808Reject } from '../types.js';
import { need } from './context.js';

export interface TerminalParameter {
  id: number;
  value: Buffer;
}

/** Decodes `count` parameters from `at`; a list that overruns the body is a reject naming the parameter. */
export function decodeParameters(body: Buffer, at: number, count: number): TerminalParameter[] | Jt808Reject {
  const params: TerminalParameter[] = [];
  let p = at;
  for (let i = 0; i < count; i++) {
    const short = need(body, p + 5, `parameter ${i + 1} of ${count} head`);
    if (short) return short;
    const length = body[p + 4];
    const shortValue = need(body, p + 5 + length, `parameter 0x${body.readUInt32BE(p).toString(16)} value`);
    if (shortValue) return shortValue;
    params.push({ id: body.readUInt32BE(p), value: Buffer.from(body.subarray(p + 5, p + 5 + length)) });
    p += 5 + length;
  }
  return params;
}

export function encodeParameters(params: readonly TerminalParameter[]): Buffer {
  if (params.length > 255) throw new RangeError(`${params.length} parameters, one message holds 255`);
  const parts: Buffer[] = [Buffer.from([params.length])];
  for (const param of params) {
    if (param.value.length > 255) throw new RangeError(`parameter 0x${param.id.toString(16)} value over 255 bytes`);
    const head = Buffer.alloc(5);
    head.writeUInt32BE(param.id >>> 0, 0);
    head[4] = param.value.length;
    parts.push(head, param.value);
  }
  return Buffer.concat(parts);
}
