/**
 * The fleet the state benchmarks track (bench/state-memory.ts, bench/rules-snapshot.ts): `vehicles` registered
 * vehicles of every class in turn, each with a home county, reporting every 30 s while driving from 10:00 China
 * time (a day run, so the night rules hold no state), so that every position rule keeps state for each of them.
 */
import type { TelemetryRow, VehicleClass, VehicleRecord } from '../../schema/index.js';
import { jt808Fix } from '../../tests/support/analytics-rows.js';

export const FLEET_REPORT_MS = 30_000;
/** 10:00 China time, 2026-11-28. */
export const FLEET_T0 = Date.UTC(2026, 10, 28, 2, 0, 0);
export const FLEET_CLASSES: readonly VehicleClass[] = [
  'coach',
  'dangerous_goods',
  'heavy_truck',
  'tractor',
  'bus',
  'taxi',
  'other',
];
const COUNTIES = ['410102', '410105', '410181', '410302', '410502', '410702', '411302'];

const fleetTerminal = (i: number): string => String(13_900_000_000 + i);
const plateOf = (i: number): string => `豫A${String(i).padStart(5, '0')}`;

/** Vehicle `i`'s fix of report `step`: driving north at 60 km/h, or at 135 when `speeding`. */
export function fleetFix(i: number, step: number, speeding: boolean): TelemetryRow {
  const ts = FLEET_T0 + step * FLEET_REPORT_MS + (i % 1000);
  return jt808Fix({
    terminal_id: fleetTerminal(i),
    plate: plateOf(i),
    ts,
    lat: 34.2 + (i % 500) * 0.002 + step * 0.002,
    lon: 112.5 + Math.floor(i / 500) * 0.005,
    speed_kmh: speeding ? 135 : 60,
  });
}

/** The registry of the fleet, as the rules read it. */
export function fleetRegistry(vehicles: number): {
  byTerminal: (t: string) => VehicleRecord | undefined;
  byPlate: () => undefined;
} {
  const records = new Map<string, VehicleRecord>();
  for (let i = 0; i < vehicles; i++) {
    const vehicleClass = FLEET_CLASSES[i % FLEET_CLASSES.length];
    records.set(fleetTerminal(i), {
      plate: plateOf(i),
      plate_color: 2,
      vehicle_class: vehicleClass,
      axles: 2 + (i % 5),
      enterprise_id: `e${i % 200}`,
      terminal_id: fleetTerminal(i),
      permit_valid_until: FLEET_T0 + 365 * 86_400_000,
      route_length_km: vehicleClass === 'coach' ? 80 + (i % 300) : 0,
      home_org_code: COUNTIES[i % COUNTIES.length],
    });
  }
  return { byTerminal: (t) => records.get(t), byPlate: () => undefined };
}
