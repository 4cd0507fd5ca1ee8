/**
 * 0x0104 the terminal's parameters (查询终端参数应答), the answer to 0x8104 and 0x8106: flow number WORD of the
 * query, then the parameter list of terminal-parameters.ts.
 */
import type { Result } from '../types.js';
import { ok } from '../types.js';
import { need } from './context.js';
import { decodeParameters, encodeParameters, type TerminalParameter } from './terminal-parameters.js';

export interface ParametersReply {
  replySerial: number;
  params: TerminalParameter[];
}

export function decodeParametersReply(body: Buffer): Result<ParametersReply> {
  const short = need(body, 3, 'parameters answer head');
  if (short) return short;
  const params = decodeParameters(body, 3, body[2]);
  return 'ok' in params ? params : ok({ replySerial: body.readUInt16BE(0), params });
}

export function encodeParametersReply(m: ParametersReply): Buffer {
  const serial = Buffer.alloc(2);
  serial.writeUInt16BE(m.replySerial);
  return Buffer.concat([serial, encodeParameters(m.params)]);
}
