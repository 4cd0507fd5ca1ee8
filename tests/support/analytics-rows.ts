/**
 * Rows the tests insert straight into the analytical store when what they check reads the store, not the way the
 * rows arrive: one JT/T 808 fix (a jt808 position report, received a second after it was taken, not back-filled,
 * ACC on and positioned) and one registered vehicle (a yellow-plated, three-axle heavy truck of the registry, no
 * enterprise, no permit). Only what a test varies is a parameter; the rest is the same everywhere.
 */
import type { TelemetryRow, VehicleRow } from '../../schema/index.js';

export interface Jt808FixFields {
  terminal_id: string;
  plate: string;
  ts: number;
  lat: number;
  lon: number;
  speed_kmh: number;
}

/** A JT/T 808 fix of `terminal_id` at `ts`: received at ts + 1000, 100 m up, heading north, status ACC on + fixed. */
export function jt808Fix(fields: Jt808FixFields): TelemetryRow {
  return {
    terminal_id: fields.terminal_id,
    plate: fields.plate,
    ts: fields.ts,
    received_at: fields.ts + 1000,
    lat: fields.lat,
    lon: fields.lon,
    altitude_m: 100,
    speed_kmh: fields.speed_kmh,
    direction_deg: 0,
    alarm_bits: 0,
    status_bits: 0b11,
    source: 'jt808',
    backfill: 0,
    extras: '',
    org_code: '',
  };
}

export interface RegisteredVehicleFields {
  plate: string;
  terminal_id: string;
  home_org_code: string;
  /** When the registry last changed the record and when it was mirrored. */
  at: number;
  vehicle_class?: string;
  axles?: number;
  enterprise_id?: string;
  enterprise_org_code?: string;
}

/** A vehicle of the registry: a yellow-plated three-axle heavy truck without enterprise unless told otherwise. */
export function registeredVehicle(fields: RegisteredVehicleFields): VehicleRow {
  return {
    plate: fields.plate,
    plate_color: 2,
    vehicle_class: fields.vehicle_class ?? 'heavy_truck',
    axles: fields.axles ?? 3,
    enterprise_id: fields.enterprise_id ?? '',
    enterprise_org_code: fields.enterprise_org_code ?? '',
    home_org_code: fields.home_org_code,
    terminal_id: fields.terminal_id,
    permit_valid_until: null,
    route_length_km: 0,
    source: 'test',
    updated_at: fields.at,
    mirrored_at: fields.at,
  };
}
