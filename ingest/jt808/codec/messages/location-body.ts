/**
 * The location report body shared by 0x0200, 0x0201, 0x0704 items and 0x0801: 28 bytes of basic
 * information (alarm DWORD, status DWORD, lat/lon DWORD in 1e-6 degree, altitude WORD m, speed WORD
 * 0.1 km/h, direction WORD, time BCD[6] GMT+8), then additional items (0x0200, 0x0201, 0x0704 only).
 */
import { readBcdTimeMs, writeBcdTimeMs } from '../bcd.js';
import type { Jt808Reject, Jt808Version, Result } from '../types.js';
import { ok, reject, truncated } from '../types.js';
import type { LocationExtras } from './location-extras.js';
import { decodeExtras, encodeExtras, lastExtrasError } from './location-extras.js';
import type { LocationStatus } from './location-flags.js';
import { alarmNames, statusFlags } from './location-flags.js';

export const LOCATION_BASIC_BYTES = 28;
const LAT_RAW_MAX = 90_000_000;
const LON_RAW_MAX = 180_000_000;

export interface LocationBasic {
  alarmBits: number;
  statusBits: number;
  /** Unsigned, in 1e-6 degree; the hemisphere is status bit 2. */
  latRaw: number;
  /** Unsigned, in 1e-6 degree; the hemisphere is status bit 3. */
  lonRaw: number;
  /** Signed degrees: negative in the south. */
  lat: number;
  /** Signed degrees: negative in the west. */
  lon: number;
  altitudeM: number;
  speedKmh: number;
  directionDeg: number;
  /** Device time as UTC epoch milliseconds (the wire holds GMT+8). */
  time: number;
  alarms: readonly string[];
  status: LocationStatus;
}

export interface LocationBody extends LocationBasic {
  extras: LocationExtras;
  /** Set when an additional item overran the body; the items before it are in `extras`. */
  extrasError?: string;
}

/** How coordinates outside ±90/±180 degrees are treated. */
export type CoordinateCheck = 'reject' | 'accept';

/** Derived fields from the raw ones; exported so tests and encoders build consistent bodies. */
export function deriveLocation(
  raw: Pick<LocationBasic, 'alarmBits' | 'statusBits' | 'latRaw' | 'lonRaw'>,
  version: Jt808Version,
): Pick<LocationBasic, 'lat' | 'lon' | 'alarms' | 'status'> {
  return {
    lat: (raw.statusBits & 0x04 ? -raw.latRaw : raw.latRaw) / 1e6,
    lon: (raw.statusBits & 0x08 ? -raw.lonRaw : raw.lonRaw) / 1e6,
    alarms: alarmNames(raw.alarmBits, version),
    status: statusFlags(raw.statusBits, version),
  };
}

/** Rejects coordinates beyond ±90/±180 degrees or an invalid time; null when the position is usable. */
function checkBasic(buf: Buffer, at: number, coordinates: CoordinateCheck, time: number): Jt808Reject | null {
  if (coordinates === 'reject') {
    const latRaw = buf.readUInt32BE(at + 8);
    const lonRaw = buf.readUInt32BE(at + 12);
    if (latRaw > LAT_RAW_MAX) return reject('lat_out_of_range', `latitude ${latRaw / 1e6} exceeds 90 degrees`);
    if (lonRaw > LON_RAW_MAX) return reject('lon_out_of_range', `longitude ${lonRaw / 1e6} exceeds 180 degrees`);
  }
  if (time < 0)
    return reject('bad_time', `time ${buf.toString('hex', at + 22, at + 28)} is not a valid BCD YYMMDDhhmmss`);
  return null;
}

/** Decodes the 28 basic bytes at `at`; the caller has checked that they are present. */
export function decodeLocationBasic(
  buf: Buffer,
  at: number,
  version: Jt808Version,
  coordinates: CoordinateCheck,
): Result<LocationBasic> {
  const time = readBcdTimeMs(buf, at + 22);
  const bad = checkBasic(buf, at, coordinates, time);
  if (bad) return bad;
  const alarmBits = buf.readUInt32BE(at);
  const statusBits = buf.readUInt32BE(at + 4);
  const latRaw = buf.readUInt32BE(at + 8);
  const lonRaw = buf.readUInt32BE(at + 12);
  return ok({
    alarmBits,
    statusBits,
    latRaw,
    lonRaw,
    lat: (statusBits & 0x04 ? -latRaw : latRaw) / 1e6,
    lon: (statusBits & 0x08 ? -lonRaw : lonRaw) / 1e6,
    altitudeM: buf.readUInt16BE(at + 16),
    speedKmh: buf.readUInt16BE(at + 18) / 10,
    directionDeg: buf.readUInt16BE(at + 20),
    time,
    alarms: alarmNames(alarmBits, version),
    status: statusFlags(statusBits, version),
  });
}

/**
 * Decodes a location body occupying [start, end): basic information then additional items. Written as
 * one object literal (not basic + extras added later) so every body has the same hidden class: this is
 * the hot path of the whole platform.
 */
export function decodeLocationBody(
  buf: Buffer,
  start: number,
  end: number,
  version: Jt808Version,
  coordinates: CoordinateCheck,
): Result<LocationBody> {
  if (end - start < LOCATION_BASIC_BYTES)
    return truncated('body_truncated', 'location basic information', LOCATION_BASIC_BYTES, end - start);
  const time = readBcdTimeMs(buf, start + 22);
  const bad = checkBasic(buf, start, coordinates, time);
  if (bad) return bad;
  const alarmBits = buf.readUInt32BE(start);
  const statusBits = buf.readUInt32BE(start + 4);
  const latRaw = buf.readUInt32BE(start + 8);
  const lonRaw = buf.readUInt32BE(start + 12);
  const extras = decodeExtras(buf, start + LOCATION_BASIC_BYTES, end);
  const extrasError = lastExtrasError();
  const body: LocationBody = {
    alarmBits,
    statusBits,
    latRaw,
    lonRaw,
    lat: (statusBits & 0x04 ? -latRaw : latRaw) / 1e6,
    lon: (statusBits & 0x08 ? -lonRaw : lonRaw) / 1e6,
    altitudeM: buf.readUInt16BE(start + 16),
    speedKmh: buf.readUInt16BE(start + 18) / 10,
    directionDeg: buf.readUInt16BE(start + 20),
    time,
    alarms: alarmNames(alarmBits, version),
    status: statusFlags(statusBits, version),
    extras,
  };
  if (extrasError !== undefined) body.extrasError = extrasError;
  return ok(body);
}

/** Writes the 28 basic bytes from the raw fields (the derived lat/lon/alarms/status are not read). */
export function encodeLocationBasic(loc: LocationBasic): Buffer {
  const out = Buffer.allocUnsafe(LOCATION_BASIC_BYTES);
  out.writeUInt32BE(loc.alarmBits >>> 0, 0);
  out.writeUInt32BE(loc.statusBits >>> 0, 4);
  out.writeUInt32BE(loc.latRaw, 8);
  out.writeUInt32BE(loc.lonRaw, 12);
  out.writeUInt16BE(loc.altitudeM, 16);
  out.writeUInt16BE(Math.round(loc.speedKmh * 10), 18);
  out.writeUInt16BE(loc.directionDeg, 20);
  writeBcdTimeMs(out, 22, loc.time);
  return out;
}

export function encodeLocationBody(loc: LocationBody): Buffer {
  return Buffer.concat([encodeLocationBasic(loc), encodeExtras(loc.extras)]);
}
