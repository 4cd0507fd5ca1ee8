/** 0x8203 manual alarm confirmation: alarm serial WORD (0 = all), alarm type DWORD (bits as 0x0200's alarm). */
import type { Result } from '../types.js';
import { ok } from '../types.js';
import { need } from './context.js';

export interface AlarmConfirmation {
  alarmSerial: number;
  alarmTypeBits: number;
}

export function decodeAlarmConfirmation(body: Buffer): Result<AlarmConfirmation> {
  const short = need(body, 6, 'alarm confirmation');
  if (short) return short;
  return ok({ alarmSerial: body.readUInt16BE(0), alarmTypeBits: body.readUInt32BE(2) });
}

export function encodeAlarmConfirmation(c: AlarmConfirmation): Buffer {
  const out = Buffer.allocUnsafe(6);
  out.writeUInt16BE(c.alarmSerial, 0);
  out.writeUInt32BE(c.alarmTypeBits >>> 0, 2);
  return out;
}
