/**
 * 0x8105 terminal control (终端控制): command BYTE (1 wireless upgrade, 2 connect to a given server, 3 power off,
 * 4 reset, 5 factory reset, 6 close data communication, 7 close all wireless communication), then for 1 and 2 the
 * command's parameters as one GBK string of fields separated by ';'. Answered 0x0001.
 */
import { decodeGbk, encodeGbk } from '../text.js';
import type { Result } from '../types.js';
import { ok } from '../types.js';
import { need } from './context.js';

export interface TerminalControl {
  command: number;
  /** The ';'-separated parameters of commands 1 and 2; '' for the others. */
  params: string;
}

export function decodeTerminalControl(body: Buffer): Result<TerminalControl> {
  const short = need(body, 1, 'terminal control command');
  if (short) return short;
  return ok({ command: body[0], params: decodeGbk(body, 1, body.length) });
}

export function encodeTerminalControl(m: TerminalControl): Buffer {
  return Buffer.concat([Buffer.from([m.command]), encodeGbk(m.params)]);
}
