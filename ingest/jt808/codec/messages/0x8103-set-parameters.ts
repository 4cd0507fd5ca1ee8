/** 0x8103 set terminal parameters (设置终端参数): the parameter list of terminal-parameters.ts. Answered 0x0001. */
import type { Result } from '../types.js';
import { ok } from '../types.js';
import { need } from './context.js';
import { decodeParameters, encodeParameters, type TerminalParameter } from './terminal-parameters.js';

export interface SetParameters {
  params: TerminalParameter[];
}

export function decodeSetParameters(body: Buffer): Result<SetParameters> {
  const short = need(body, 1, 'parameter count');
  if (short) return short;
  const params = decodeParameters(body, 1, body[0]);
  return 'ok' in params ? params : ok({ params });
}

export function encodeSetParameters(m: SetParameters): Buffer {
  return encodeParameters(m.params);
}
