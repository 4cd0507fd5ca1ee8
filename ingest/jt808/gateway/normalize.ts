/** Turns decoded JT/T 808 locations into telemetry rows, the normalized form every source shares. */
import type { TelemetryRow } from '../../../schema/index.js';
import type { LocationBody } from '../codec/index.js';

export function telemetryFromLocation(phone: string, plate: string, location: LocationBody, receivedAt: number, backfill: boolean): TelemetryRow {
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
  };
}

function hasExtras(location: LocationBody): boolean {
  for (const [key, value] of Object.entries(location.extras)) {
    if (key === 'others' ? (value as unknown[]).length > 0 : value !== undefined) return true;
  }
  return false;
}
