/**
 * The vehicle location of JT/T 809-2019 (0x1202, and each item of 0x1203), which replaces 2011's fixed 36-byte
 * GNSS_DATA with the terminal's own JT/T 808 location report and the alarm state of the platforms it passed:
 *
 *   ENCRYPT u8 | DATA_LENGTH u32 | GNSS_DATA [DATA_LENGTH] (a JT/T 808 0x0200 body: 28 basic bytes, GMT+8 BCD
 *   time, speed in 0.1 km/h, then additional items) | PLATFORM_ID1 [11] | ALARM1 u32 | PLATFORM_ID2 [11] |
 *   ALARM2 u32 | PLATFORM_ID3 [11] | ALARM3 u32
 *
 * PLATFORM_ID1..3 name the platforms that raised the alarm, of the city and of the province (an 11-byte code of
 * the platform's division and number), each with its alarm bits.
 */
import { writeBcdTimeMs } from '../jt808/codec/bcd.js';
import { decodeLocationBody, LOCATION_BASIC_BYTES } from '../jt808/codec/messages/location-body.js';
import { encodeExtras } from '../jt808/codec/messages/location-extras.js';
import { decodePaddedField, encodePaddedField } from '../jt808/codec/text.js';
import type { Parsed } from './frame.js';
import type { GnssData, PlatformAlarm } from './messages.js';

export const PLATFORM_ID_BYTES = 11;
const PLATFORM_ALARMS = 3;
const PLATFORM_ALARMS_BYTES = PLATFORM_ALARMS * (PLATFORM_ID_BYTES + 4);
const HEAD_BYTES = 1 + 4;
/** The smallest 2019 location: the head, the 28 basic bytes of 0x0200, the three platform alarms. */
export const LOCATION_2019_BYTES_MIN = HEAD_BYTES + LOCATION_BASIC_BYTES + PLATFORM_ALARMS_BYTES;

/** A decoded 2019 location and how many bytes it took (items of 0x1203 follow each other). */
export interface Location2019 {
  gnss: GnssData;
  bytes: number;
}

export function decodeLocation2019(data: Buffer, offset = 0): Parsed<Location2019> {
  const have = data.length - offset;
  if (have < HEAD_BYTES) return truncated('2019 location', have, LOCATION_2019_BYTES_MIN);
  const gnssBytes = data.readUInt32BE(offset + 1);
  const bytes = HEAD_BYTES + gnssBytes + PLATFORM_ALARMS_BYTES;
  if (have < bytes) return truncated(`2019 location with ${gnssBytes} bytes of GNSS_DATA`, have, bytes);
  const start = offset + HEAD_BYTES;
  const location = decodeLocationBody(data, start, start + gnssBytes, 2019, 'reject');
  if (!location.ok)
    return {
      ok: false,
      reason: location.reason === 'body_truncated' ? 'frame_truncated' : location.reason,
      detail: `2019 GNSS_DATA: ${location.detail}`,
    };
  const l = location.value;
  const platformAlarms: PlatformAlarm[] = [];
  for (let i = 0, at = start + gnssBytes; i < PLATFORM_ALARMS; i++, at += PLATFORM_ID_BYTES + 4)
    platformAlarms.push({
      platformId: decodePaddedField(data, at, at + PLATFORM_ID_BYTES),
      alarmBits: data.readUInt32BE(at + PLATFORM_ID_BYTES),
    });
  return {
    ok: true,
    value: {
      bytes,
      gnss: {
        coordinatesEncrypted: data[offset] === 1,
        time: l.time,
        lon: l.lon,
        lat: l.lat,
        speedKmh: l.speedKmh,
        tachographSpeedKmh: l.extras.tachographSpeedKmh ?? 0,
        mileageKm: l.extras.mileageKm ?? 0,
        directionDeg: l.directionDeg,
        altitudeM: l.altitudeM,
        statusBits: l.statusBits,
        alarmBits: l.alarmBits,
        platformAlarms,
      },
    },
  };
}

/** 0x1202 in 2019: one location, its fix. */
export function decodeRealTimeLocation2019(data: Buffer): Parsed<GnssData> {
  const location = decodeLocation2019(data);
  return location.ok ? { ok: true, value: location.value.gnss } : location;
}

/** 0x1203 in 2019: GNSS_CNT u8, then that many 2019 locations; an item that does not parse ends the list. */
export function decodeHistory2019(data: Buffer): {
  items: GnssData[];
  errors: { index: number; reason: string; detail: string }[];
} {
  const items: GnssData[] = [];
  const errors: { index: number; reason: string; detail: string }[] = [];
  if (data.length < 1)
    return { items, errors: [{ index: 0, reason: 'frame_truncated', detail: '0x1203 without a count' }] };
  const count = data[0];
  let at = 1;
  for (let i = 0; i < count; i++) {
    const location = decodeLocation2019(data, at);
    if (!location.ok) {
      // Items are of varying length: past a bad one, where the next begins is unknown, so the rest count as bad.
      for (let j = i; j < count; j++)
        errors.push({
          index: j,
          reason: location.reason,
          detail: j === i ? location.detail : `after item ${i}, which did not parse`,
        });
      break;
    }
    items.push(location.value.gnss);
    at += location.value.bytes;
  }
  return { items, errors };
}

/** A 2019 location of a position Vigil holds: plain coordinates, mileage and tachograph speed as 0x01 and 0x03. */
export function encodeLocation2019(g: Omit<GnssData, 'coordinatesEncrypted'>): Buffer {
  const basic = Buffer.alloc(LOCATION_BASIC_BYTES);
  // Status bits follow JT/T 808: bit 2 south, bit 3 west.
  const hemispheres = (g.lat < 0 ? 0b100 : 0) | (g.lon < 0 ? 0b1000 : 0);
  basic.writeUInt32BE(g.alarmBits >>> 0, 0);
  basic.writeUInt32BE(((g.statusBits & ~0b1100) | hemispheres) >>> 0, 4);
  basic.writeUInt32BE(Math.round(Math.abs(g.lat) * 1e6), 8);
  basic.writeUInt32BE(Math.round(Math.abs(g.lon) * 1e6), 12);
  basic.writeUInt16BE(clamp(Math.round(g.altitudeM), 0xffff), 16);
  basic.writeUInt16BE(clamp(Math.round(g.speedKmh * 10), 0xffff), 18);
  basic.writeUInt16BE(clamp(Math.round(g.directionDeg), 359), 20);
  writeBcdTimeMs(basic, 22, g.time);
  const extras = encodeExtras({
    others: [],
    ...(g.mileageKm > 0 ? { mileageKm: g.mileageKm } : {}),
    ...(g.tachographSpeedKmh > 0 ? { tachographSpeedKmh: g.tachographSpeedKmh } : {}),
  });
  const gnss = Buffer.concat([basic, extras]);
  const head = Buffer.alloc(HEAD_BYTES);
  head.writeUInt32BE(gnss.length, 1);
  const alarms = Buffer.alloc(PLATFORM_ALARMS_BYTES);
  (g.platformAlarms ?? []).slice(0, PLATFORM_ALARMS).forEach((p, i) => {
    const at = i * (PLATFORM_ID_BYTES + 4);
    encodePaddedField(p.platformId, PLATFORM_ID_BYTES).copy(alarms, at);
    alarms.writeUInt32BE(p.alarmBits >>> 0, at + PLATFORM_ID_BYTES);
  });
  return Buffer.concat([head, gnss, alarms]);
}

function clamp(value: number, max: number): number {
  return Math.min(Math.max(value, 0), max);
}

function truncated(what: string, have: number, need: number): { ok: false; reason: string; detail: string } {
  return {
    ok: false,
    reason: 'frame_truncated',
    detail: `${what} has ${have} bytes, needs ${need}; ${need - have} missing`,
  };
}
