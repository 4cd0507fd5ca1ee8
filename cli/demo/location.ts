/** Builds a 0x0200 body the way a terminal fills it in, from a position in degrees. */
import { deriveLocation, type LocationBody, type Jt808Version } from '../../ingest/index.js';

export interface Fix {
  lat: number;
  lon: number;
  speedKmh: number;
  directionDeg: number;
  time: number;
  alarmBits?: number;
  altitudeM?: number;
}

const STATUS_ACC_ON = 1 << 0;
const STATUS_POSITIONED = 1 << 1;

export function locationBody(fix: Fix, version: Jt808Version): LocationBody {
  const statusBits = STATUS_ACC_ON | STATUS_POSITIONED | (fix.lat < 0 ? 1 << 2 : 0) | (fix.lon < 0 ? 1 << 3 : 0);
  const raw = {
    alarmBits: fix.alarmBits ?? 0,
    statusBits,
    latRaw: Math.round(Math.abs(fix.lat) * 1e6),
    lonRaw: Math.round(Math.abs(fix.lon) * 1e6),
  };
  return {
    ...raw,
    ...deriveLocation(raw, version),
    altitudeM: fix.altitudeM ?? 100,
    speedKmh: Math.round(fix.speedKmh * 10) / 10,
    directionDeg: Math.round(fix.directionDeg) % 360,
    // The wire carries whole seconds.
    time: Math.floor(fix.time / 1000) * 1000,
    extras: { others: [] },
  };
}
