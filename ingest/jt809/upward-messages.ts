/**
 * JT/T 809-2011 main-link bodies Vigil sends when it is itself a lower platform (to the ministry's 联网联控 system
 * or any upper platform), and the answers it reads there: the mirror of messages.ts. Strings are GBK,
 * fixed-width fields padded with 0x00; times in GNSS_DATA are China Standard Time (GMT+8).
 */
import { encodeGbk, encodePaddedField } from '../jt808/codec/text.js';
import type { Jt809Edition, Parsed } from './frame.js';
import {
  GNSS_BYTES,
  JT809_PASSWORD_FIELD_BYTES,
  LOGIN_BYTES_OF,
  type AlarmReport,
  type GnssData,
  type LoginRequest,
} from './messages.js';

/** 0x1001: USERID 4, PASSWORD 8, [2019: MSG_GNSSCENTERID 4,] DOWN_LINK_IP 32, DOWN_LINK_PORT 2. */
export function encodeLoginRequest(login: LoginRequest, edition: Jt809Edition = 2011): Buffer {
  const body = Buffer.alloc(LOGIN_BYTES_OF[edition]);
  body.writeUInt32BE(login.userId >>> 0, 0);
  encodePaddedField(login.password, JT809_PASSWORD_FIELD_BYTES).copy(body, 4);
  const ip = edition === 2019 ? 16 : 12;
  if (edition === 2019) body.writeUInt32BE((login.accessCode ?? 0) >>> 0, 12);
  encodePaddedField(login.downLinkIp, 32).copy(body, ip);
  body.writeUInt16BE(login.downLinkPort, ip + 32);
  return body;
}

/** 0x1002: RESULT 1, VERIFY_CODE 4. */
export function decodeLoginResponse(body: Buffer): Parsed<{ result: number; verifyCode: number }> {
  if (body.length < 5)
    return { ok: false, reason: 'frame_truncated', detail: `0x1002 has ${body.length} bytes, needs 5` };
  return { ok: true, value: { result: body[0], verifyCode: body.readUInt32BE(1) } };
}

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** GNSS_DATA (36 bytes) of a position; coordinates as plain WGS-84 (not the national encryption). */
export function encodeGnss(g: Omit<GnssData, 'coordinatesEncrypted'>): Buffer {
  const d = Buffer.alloc(GNSS_BYTES);
  const china = new Date(g.time + CHINA_OFFSET_MS);
  d[0] = 0;
  d[1] = china.getUTCDate();
  d[2] = china.getUTCMonth() + 1;
  d.writeUInt16BE(china.getUTCFullYear(), 3);
  d[5] = china.getUTCHours();
  d[6] = china.getUTCMinutes();
  d[7] = china.getUTCSeconds();
  d.writeUInt32BE(Math.round(Math.abs(g.lon) * 1e6), 8);
  d.writeUInt32BE(Math.round(Math.abs(g.lat) * 1e6), 12);
  d.writeUInt16BE(clamp(Math.round(g.speedKmh), 0xffff), 16);
  d.writeUInt16BE(clamp(Math.round(g.tachographSpeedKmh), 0xffff), 18);
  d.writeUInt32BE(clamp(Math.round(g.mileageKm), 0xffffffff), 20);
  d.writeUInt16BE(clamp(Math.round(g.directionDeg), 359), 24);
  d.writeUInt16BE(clamp(Math.round(g.altitudeM), 0xffff), 26);
  // Status bits follow JT/T 808: bit 2 south, bit 3 west.
  const hemispheres = (g.lat < 0 ? 0b100 : 0) | (g.lon < 0 ? 0b1000 : 0);
  d.writeUInt32BE(((g.statusBits & ~0b1100) | hemispheres) >>> 0, 28);
  d.writeUInt32BE(g.alarmBits >>> 0, 32);
  return d;
}

/** 0x1402 sub-body: WARN_SRC 1, WARN_TYPE 2, WARN_TIME 8 (UTC seconds), INFO_ID 4, INFO_LENGTH 4, INFO_CONTENT. */
export function encodeAlarmReport(a: AlarmReport): Buffer {
  const text = encodeGbk(a.info);
  const fixed = Buffer.alloc(19);
  fixed[0] = a.warnSource;
  fixed.writeUInt16BE(a.warnType, 1);
  fixed.writeBigUInt64BE(BigInt(Math.floor(a.warnTime / 1000)), 3);
  fixed.writeUInt32BE(a.infoId >>> 0, 11);
  fixed.writeUInt32BE(text.length, 15);
  return Buffer.concat([fixed, text]);
}

function clamp(value: number, max: number): number {
  return Math.min(Math.max(value, 0), max);
}
