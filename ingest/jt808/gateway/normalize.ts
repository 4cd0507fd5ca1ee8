/** Turns decoded JT/T 808 locations into telemetry rows, the normalized form every source shares. */
import { countyAt, type TelemetryRow } from '../../../schema/index.js';
import type { LocationBody } from '../codec/index.js';

export function telemetryFromLocation(
  phone: string,
  plate: string,
  location: LocationBody,
  receivedAt: number,
  backfill: boolean,
): TelemetryRow {
  return {
    terminal_id: phone,
    plate,
    ts: location.time,
    received_at: receivedAt,
    lat: location.lat,
    lon: location.lon,
    altitude_m: location.altitudeM,
    speed_kmh: location.speedKmh,
    direction_deg: location.directionDeg,
    alarm_bits: location.alarmBits,
    status_bits: location.statusBits,
    source: 'jt808',
    backfill: backfill ? 1 : 0,
    extras: hasExtras(location) ? JSON.stringify(location.extras) : '',
    // The county where the fix is: what analysts' reads of telemetry are scoped by.
    org_code: countyAt(location.lon, location.lat)?.code ?? '',
  };
}

/** Runs for every position: a key walk without the per-call entry arrays of Object.entries. */
function hasExtras(location: LocationBody): boolean {
  const extras = location.extras as unknown as Record<string, unknown>;
  for (const key in extras) {
    if (!Object.prototype.hasOwnProperty.call(extras, key)) continue;
    const value = extras[key];
    if (key === 'others' ? (value as unknown[]).length > 0 : value !== undefined) return true;
  }
  return false;
}

/**
 * A 32-bit fingerprint of what a position says (everything but the arrival time), to tell an exact
 * retransmission from a different report that happens to carry the same device time.
 */
export function fingerprintOf(row: TelemetryRow): number {
  // Runs for every position: a pure function per value, not a closure made per call.
  let hash = mix(0x811c9dc5, Math.round(row.lat * 1e6));
  hash = mix(hash, Math.round(row.lon * 1e6));
  hash = mix(hash, Math.round(row.speed_kmh * 10));
  hash = mix(hash, row.direction_deg);
  hash = mix(hash, row.altitude_m);
  hash = mix(hash, row.alarm_bits);
  hash = mix(hash, row.status_bits);
  hash = mix(hash, row.backfill);
  for (let i = 0; i < row.extras.length; i++) hash = Math.imul(hash ^ row.extras.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** FNV-1a over the low and the high 32 bits of `value`. */
function mix(hash: number, value: number): number {
  const low = Math.imul(hash ^ (value | 0), 0x01000193);
  return Math.imul(low ^ ((value / 0x100000000) | 0), 0x01000193);
}
