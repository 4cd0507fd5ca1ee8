/**
 * JT/T 809 message bodies (2011 layouts unless marked 2019) of the main link that Vigil receives as the upper platform, and the answers it
 * sends. Strings are GBK, fixed-width fields padded with 0x00.
 */
import { decodePaddedField } from '../jt808/codec/text.js';
import type { Jt809Edition, Parsed } from './frame.js';

export const MSG = {
  loginRequest: 0x1001,
  loginResponse: 0x1002,
  logoutRequest: 0x1003,
  logoutResponse: 0x1004,
  keepAlive: 0x1005,
  keepAliveResponse: 0x1006,
  disconnectNotice: 0x1007,
  exchange: 0x1200,
  warning: 0x1400,
} as const;

export const EXCHANGE = { realTimeLocation: 0x1202, historyLocation: 0x1203 } as const;
export const WARNING = { alarmReport: 0x1402, alarmResult: 0x1403 } as const;

/** 0x1403 RESULT: what the lower platform did about an alarm it reported. */
export const ALARM_RESULT = { handling: 0, handled: 1, notHandled: 2, willHandle: 3 } as const;

/** 0x1403: the handling result of an alarm the platform reported (INFO_ID of its 0x1402, RESULT). */
export interface AlarmResult {
  infoId: number;
  result: number;
}

export function decodeAlarmResult(data: Buffer): Parsed<AlarmResult> {
  if (data.length < 5) return truncated('0x1403', data.length, 5);
  return { ok: true, value: { infoId: data.readUInt32BE(0), result: data[4] } };
}

/** 0x1002 results. */
export const LOGIN_RESULT = {
  ok: 0,
  badIp: 1,
  badAccessCode: 2,
  unknownUser: 3,
  badPassword: 4,
  busy: 5,
  other: 9,
} as const;

/**
 * The one result Vigil answers for any credential failure (unknown access code, wrong user id, wrong password):
 * 9, "other", since the specific codes 2, 3 and 4 would tell a prober which access codes and user ids exist.
 */
export const JT809_LOGIN_REFUSED = LOGIN_RESULT.other;

/** Bytes of PASSWORD in the 0x1001 body (USERID 4, PASSWORD 8, DOWN_LINK_IP 32, DOWN_LINK_PORT 2): the longest a platform password can be. */
export const JT809_PASSWORD_FIELD_BYTES = 8;

export interface LoginRequest {
  userId: number;
  password: string;
  /** 2019 only: MSG_GNSSCENTERID, the access code again, after the password. */
  accessCode?: number;
  downLinkIp: string;
  downLinkPort: number;
}

/** 0x1001 body bytes: USERID 4, PASSWORD 8, [2019: MSG_GNSSCENTERID 4,] DOWN_LINK_IP 32, DOWN_LINK_PORT 2. */
export const LOGIN_BYTES_OF: Record<Jt809Edition, number> = {
  2011: 4 + JT809_PASSWORD_FIELD_BYTES + 32 + 2,
  2019: 4 + JT809_PASSWORD_FIELD_BYTES + 4 + 32 + 2,
};

export function decodeLogin(body: Buffer, edition: Jt809Edition = 2011): Parsed<LoginRequest> {
  const need = LOGIN_BYTES_OF[edition];
  if (body.length < need) return truncated(`${edition} 0x1001`, body.length, need);
  const ip = edition === 2019 ? 16 : 12;
  const login: LoginRequest = {
    userId: body.readUInt32BE(0),
    password: decodePaddedField(body, 4, 4 + JT809_PASSWORD_FIELD_BYTES),
    downLinkIp: decodePaddedField(body, ip, ip + 32),
    downLinkPort: body.readUInt16BE(ip + 32),
  };
  if (edition === 2019) login.accessCode = body.readUInt32BE(12);
  return { ok: true, value: login };
}

export function encodeLoginResponse(result: number, verifyCode: number): Buffer {
  const body = Buffer.alloc(5);
  body[0] = result;
  body.writeUInt32BE(verifyCode >>> 0, 1);
  return body;
}

/** The vehicle part shared by 0x1200 and 0x1400 bodies: plate [21], colour, sub-type, sub-body length. */
export interface VehicleEnvelope {
  plate: string;
  plateColor: number;
  dataType: number;
  data: Buffer;
}

const ENVELOPE_BYTES = 21 + 1 + 2 + 4;

export function decodeEnvelope(body: Buffer): Parsed<VehicleEnvelope> {
  if (body.length < ENVELOPE_BYTES) return truncated('vehicle envelope', body.length, ENVELOPE_BYTES);
  const dataLength = body.readUInt32BE(24);
  if (body.length < ENVELOPE_BYTES + dataLength)
    return truncated(`sub-body 0x${body.readUInt16BE(22).toString(16)}`, body.length, ENVELOPE_BYTES + dataLength);
  return {
    ok: true,
    value: {
      plate: decodePaddedField(body, 0, 21),
      plateColor: body[21],
      dataType: body.readUInt16BE(22),
      data: body.subarray(ENVELOPE_BYTES, ENVELOPE_BYTES + dataLength),
    },
  };
}

/** GNSS_DATA: 36 bytes; date and time are China Standard Time (GMT+8). */
export interface GnssData {
  /** 1 when the coordinates are encrypted by the national scheme (not decryptable here). */
  coordinatesEncrypted: boolean;
  time: number;
  lon: number;
  lat: number;
  speedKmh: number;
  tachographSpeedKmh: number;
  mileageKm: number;
  directionDeg: number;
  altitudeM: number;
  statusBits: number;
  alarmBits: number;
  /** 2019: the alarm state of the platforms the position passed (PLATFORM_ID1..3, ALARM1..3). */
  platformAlarms?: PlatformAlarm[];
}

/** One PLATFORM_ID / ALARM pair of a 2019 location. */
export interface PlatformAlarm {
  platformId: string;
  alarmBits: number;
}

export const GNSS_BYTES = 36;

export function decodeGnss(data: Buffer, offset = 0): Parsed<GnssData> {
  if (data.length < offset + GNSS_BYTES) return truncated('GNSS_DATA', data.length - offset, GNSS_BYTES);
  const d = data.subarray(offset, offset + GNSS_BYTES);
  const day = d[1];
  const month = d[2];
  const year = d.readUInt16BE(3);
  const [hour, minute, second] = [d[5], d[6], d[7]];
  const time = Date.UTC(year, month - 1, day, hour - 8, minute, second);
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    !Number.isFinite(time)
  ) {
    return {
      ok: false,
      reason: 'bad_time',
      detail: `GNSS time ${year}-${month}-${day} ${hour}:${minute}:${second} is not a date`,
    };
  }
  const statusBits = d.readUInt32BE(28);
  // Status bits follow JT/T 808: bit 2 south, bit 3 west.
  const latSign = statusBits & 0b100 ? -1 : 1;
  const lonSign = statusBits & 0b1000 ? -1 : 1;
  return {
    ok: true,
    value: {
      coordinatesEncrypted: d[0] === 1,
      time,
      lon: (lonSign * d.readUInt32BE(8)) / 1e6,
      lat: (latSign * d.readUInt32BE(12)) / 1e6,
      speedKmh: d.readUInt16BE(16),
      tachographSpeedKmh: d.readUInt16BE(18),
      mileageKm: d.readUInt32BE(20),
      directionDeg: d.readUInt16BE(24),
      altitudeM: d.readUInt16BE(26),
      statusBits,
      alarmBits: d.readUInt32BE(32),
    },
  };
}

/** 0x1203: a count (1-5 in the standard) then that many GNSS_DATA. */
export function decodeHistory(data: Buffer): {
  items: GnssData[];
  errors: { index: number; reason: string; detail: string }[];
} {
  const items: GnssData[] = [];
  const errors: { index: number; reason: string; detail: string }[] = [];
  if (data.length < 1)
    return { items, errors: [{ index: 0, reason: 'frame_truncated', detail: '0x1203 without a count' }] };
  const count = data[0];
  for (let i = 0; i < count; i++) {
    const gnss = decodeGnss(data, 1 + i * GNSS_BYTES);
    if (gnss.ok) items.push(gnss.value);
    else errors.push({ index: i, reason: gnss.reason, detail: gnss.detail });
  }
  return { items, errors };
}

/** 0x1402 alarm report: source, type, time (UTC seconds), info id, info text. */
export interface AlarmReport {
  warnSource: number;
  warnType: number;
  warnTime: number;
  infoId: number;
  info: string;
}

export function decodeAlarmReport(data: Buffer): Parsed<AlarmReport> {
  const fixed = 1 + 2 + 8 + 4 + 4;
  if (data.length < fixed) return truncated('0x1402', data.length, fixed);
  const infoLength = data.readUInt32BE(15);
  if (data.length < fixed + infoLength) return truncated('0x1402 info', data.length, fixed + infoLength);
  const seconds = Number(data.readBigUInt64BE(3));
  return {
    ok: true,
    value: {
      warnSource: data[0],
      warnType: data.readUInt16BE(1),
      warnTime: seconds * 1000,
      infoId: data.readUInt32BE(11),
      info: decodePaddedField(data, fixed, fixed + infoLength),
    },
  };
}

function truncated(what: string, have: number, need: number): { ok: false; reason: string; detail: string } {
  return {
    ok: false,
    reason: 'frame_truncated',
    detail: `${what} has ${have} bytes, needs ${need}; ${need - have} missing`,
  };
}
