/**
 * Fields the JT/T 1078 messages carried over JT/T 808 share: the media server's address (0x9101, 0x9201), a
 * BCD[6] time where all zeros means "no condition" (0x9205, 0x1205, 0x9201, 0x9202), and the 64-bit alarm flags
 * whose low 32 bits are the 0x0200 alarm bits and whose high 32 bits are the video alarms of JT/T 1078 table 13.
 */
import { readBcdTimeMs, writeBcdTimeMs } from '../bcd.js';
import { decodeGbk, encodeGbk } from '../text.js';
import type { Jt808Reject } from '../types.js';
import { need } from './context.js';

/** Where the terminal sends its stream: IP (or host name) and the TCP and UDP ports (0 = not offered). */
export interface MediaServerAddress {
  host: string;
  tcpPort: number;
  udpPort: number;
}

/** Decodes `len BYTE, host STRING, tcp WORD, udp WORD` at `at`; returns the address and the offset after it. */
export function decodeServerAddress(
  body: Buffer,
  at: number,
  what: string,
): { value: MediaServerAddress; next: number } | Jt808Reject {
  const short = need(body, at + 1, `${what} server address length`);
  if (short) return short;
  const hostBytes = body[at];
  const shortHost = need(body, at + 1 + hostBytes + 4, `${what} server address`);
  if (shortHost) return shortHost;
  const host = decodeGbk(body, at + 1, at + 1 + hostBytes);
  const p = at + 1 + hostBytes;
  return { value: { host, tcpPort: body.readUInt16BE(p), udpPort: body.readUInt16BE(p + 2) }, next: p + 4 };
}

export function encodeServerAddress(address: MediaServerAddress): Buffer {
  const host = encodeGbk(address.host);
  if (host.length > 255) throw new RangeError(`server address "${address.host}" takes ${host.length} bytes, max 255`);
  const out = Buffer.alloc(1 + host.length + 4);
  out[0] = host.length;
  host.copy(out, 1);
  out.writeUInt16BE(address.tcpPort, 1 + host.length);
  out.writeUInt16BE(address.udpPort, 3 + host.length);
  return out;
}

/** A BCD[6] GMT+8 time, or null when the six bytes are zero (or not a time): "no condition". */
export function readOptionalTime(body: Buffer, at: number): number | null {
  const time = readBcdTimeMs(body, at);
  return time < 0 ? null : time;
}

export function writeOptionalTime(out: Buffer, at: number, time: number | null): void {
  if (time === null) out.fill(0, at, at + 6);
  else writeBcdTimeMs(out, at, time);
}

/** The 64-bit alarm flags: low 32 bits as in 0x0200, high 32 bits the JT/T 1078 video alarms. */
export interface AlarmFlags64 {
  alarmBits: number;
  videoAlarmBits: number;
}

export function readAlarmFlags64(body: Buffer, at: number): AlarmFlags64 {
  return { videoAlarmBits: body.readUInt32BE(at), alarmBits: body.readUInt32BE(at + 4) };
}

export function writeAlarmFlags64(out: Buffer, at: number, flags: AlarmFlags64): void {
  out.writeUInt32BE(flags.videoAlarmBits >>> 0, at);
  out.writeUInt32BE(flags.alarmBits >>> 0, at + 4);
}
