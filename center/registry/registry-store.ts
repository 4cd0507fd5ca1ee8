/**
 * The vehicle, enterprise and driver registry in PostgreSQL, with the vehicles (and the drivers, whom the rules
 * look up at every card inserted) also held in memory so the rules and the feed can look them up without a query. Writes go to PostgreSQL first
 * and reach memory only once committed, so memory never knows something the database would forget.
 *
 * A writer (a source key, bound to an org unit) creates and updates only rows of its own subtree: an existing
 * row of another unit, or a reference to another unit's enterprise, is refused by name (`registry-scope.ts`).
 */
import type {
  DriverRecord,
  LicenceRecord,
  RegistryRecord,
  TaxiPermitRecord,
  TaxiPermitType,
  VehicleClass,
  VehicleRecord,
  VehicleRegistry,
} from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import type { RegistryRefusal, RegistryWriter, RegistryWriterIdentity } from '../../ingest/index.js';
import { LicenceStore } from './licence-store.js';
import { registryRecordRefusal } from './registry-scope.js';

type Tx = Pick<Sql, 'query'>;

export interface RegistryCounts {
  vehicles: number;
  enterprises: number;
  drivers: number;
}

export class RegistryStore implements VehicleRegistry, RegistryWriter {
  private readonly byPlateColor = new Map<string, VehicleRecord>();
  private readonly byPlateOnly = new Map<string, VehicleRecord>();
  private readonly byTerminalId = new Map<string, VehicleRecord>();
  private readonly drivers = new Map<string, DriverRecord>();

  private constructor(
    private readonly sql: Sql,
    private readonly licences: LicenceStore,
  ) {}

  /** Opens the registry and loads every vehicle, driver and taxi permit into memory. */
  static async open(sql: Sql): Promise<RegistryStore> {
    const store = new RegistryStore(sql, await LicenceStore.open(sql));
    const rows = await sql.query<Record<string, unknown>>(
      'SELECT plate, plate_color, vehicle_class, axles, drive_axles, enterprise_id, terminal_id, permit_valid_until, route_length_km, home_org_code FROM vehicles',
    );
    for (const row of rows) store.remember(vehicleOfRow(row));
    const drivers = await sql.query<Record<string, unknown>>(
      'SELECT id, name, enterprise_id, plate, qualification_valid_until FROM drivers',
    );
    for (const row of drivers) store.drivers.set(String(row.id), driverOfRow(row));
    return store;
  }

  taxiPermit(type: TaxiPermitType, subject: string): TaxiPermitRecord | undefined {
    return this.licences.permit(type, subject);
  }

  upsertLicences(records: readonly LicenceRecord[], writer: RegistryWriterIdentity): Promise<RegistryRefusal[]> {
    return this.licences.upsert(records, writer);
  }

  byDriver(certificate: string): DriverRecord | undefined {
    return this.drivers.get(certificate);
  }

  byTerminal(terminalId: string): VehicleRecord | undefined {
    return this.byTerminalId.get(terminalId);
  }

  /** The vehicle with this plate; when several colours share a plate, the one written last. */
  byPlate(plate: string): VehicleRecord | undefined {
    return this.byPlateOnly.get(plate);
  }

  byPlateAndColor(plate: string, plateColor: number): VehicleRecord | undefined {
    return this.byPlateColor.get(`${plate}|${plateColor}`);
  }

  get vehicleCount(): number {
    return this.byPlateColor.size;
  }

  async upsert(records: readonly RegistryRecord[], writer: RegistryWriterIdentity): Promise<RegistryRefusal[]> {
    const vehicles: VehicleRecord[] = [];
    const drivers: DriverRecord[] = [];
    const { source } = writer;
    const refusals = await this.sql.transaction(async (tx) => {
      const refused: RegistryRefusal[] = [];
      for (const [index, record] of records.entries()) {
        const refusal = await registryRecordRefusal(tx, record, writer.orgCode);
        if (refusal) {
          refused.push({ index, ...refusal });
          continue;
        }
        if (record.type === 'vehicle') {
          const { type: _type, ...vehicle } = record;
          await upsertVehicle(tx, vehicle, source);
          vehicles.push(vehicle);
        } else if (record.type === 'enterprise') {
          await tx.query(
            `INSERT INTO enterprises (id, name, org_code, business_scope, licence_no, source, updated_at) VALUES ($1, $2, $3, $4, $5, $6, now())
             ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, org_code = EXCLUDED.org_code, business_scope = EXCLUDED.business_scope,
               licence_no = EXCLUDED.licence_no, source = EXCLUDED.source, updated_at = now()`,
            [record.id, record.name, record.org_code, record.business_scope, record.licence_no, source],
          );
        } else {
          await tx.query(
            `INSERT INTO drivers (id, name, enterprise_id, plate, qualification_valid_until, source, updated_at) VALUES ($1, $2, $3, $4, $5, $6, now())
             ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, enterprise_id = EXCLUDED.enterprise_id, plate = EXCLUDED.plate,
               qualification_valid_until = EXCLUDED.qualification_valid_until, source = EXCLUDED.source, updated_at = now()`,
            [
              record.id,
              record.name,
              record.enterprise_id,
              record.plate,
              timestampOf(record.qualification_valid_until),
              source,
            ],
          );
          const { type: _type, ...driver } = record;
          drivers.push(driver);
        }
      }
      return refused;
    });
    for (const vehicle of vehicles) this.remember(vehicle);
    for (const driver of drivers) this.drivers.set(driver.id, driver);
    return refusals;
  }

  async counts(): Promise<RegistryCounts> {
    const [row] = await this.sql.query<Record<string, unknown>>(
      'SELECT (SELECT count(*) FROM vehicles) AS vehicles, (SELECT count(*) FROM enterprises) AS enterprises, (SELECT count(*) FROM drivers) AS drivers',
    );
    return { vehicles: Number(row.vehicles), enterprises: Number(row.enterprises), drivers: Number(row.drivers) };
  }

  private remember(vehicle: VehicleRecord): void {
    const previous = this.byPlateColor.get(`${vehicle.plate}|${vehicle.plate_color}`);
    // A terminal moved to another vehicle must stop pointing at the old one.
    if (previous && previous.terminal_id !== '' && this.byTerminalId.get(previous.terminal_id) === previous)
      this.byTerminalId.delete(previous.terminal_id);
    this.byPlateColor.set(`${vehicle.plate}|${vehicle.plate_color}`, vehicle);
    this.byPlateOnly.set(vehicle.plate, vehicle);
    if (vehicle.terminal_id !== '') this.byTerminalId.set(vehicle.terminal_id, vehicle);
  }
}

async function upsertVehicle(tx: Tx, v: VehicleRecord, source: string): Promise<void> {
  await tx.query(
    `INSERT INTO vehicles (plate, plate_color, vehicle_class, axles, enterprise_id, terminal_id, permit_valid_until, route_length_km, home_org_code, source, drive_axles, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())
     ON CONFLICT (plate, plate_color) DO UPDATE SET vehicle_class = EXCLUDED.vehicle_class, axles = EXCLUDED.axles, drive_axles = EXCLUDED.drive_axles,
       enterprise_id = EXCLUDED.enterprise_id, terminal_id = EXCLUDED.terminal_id, permit_valid_until = EXCLUDED.permit_valid_until,
       route_length_km = EXCLUDED.route_length_km, home_org_code = EXCLUDED.home_org_code, source = EXCLUDED.source, updated_at = now()`,
    [
      v.plate,
      v.plate_color,
      v.vehicle_class,
      v.axles,
      v.enterprise_id,
      v.terminal_id,
      timestampOf(v.permit_valid_until),
      v.route_length_km,
      v.home_org_code,
      source,
      v.drive_axles ?? 0,
    ],
  );
}

function timestampOf(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function vehicleOfRow(row: Record<string, unknown>): VehicleRecord {
  const permit = row.permit_valid_until;
  return {
    plate: String(row.plate),
    plate_color: Number(row.plate_color),
    vehicle_class: row.vehicle_class as VehicleClass,
    axles: Number(row.axles),
    ...(Number(row.drive_axles) > 0 ? { drive_axles: Number(row.drive_axles) } : {}),
    enterprise_id: String(row.enterprise_id),
    terminal_id: String(row.terminal_id),
    permit_valid_until: permit === null || permit === undefined ? null : new Date(permit as string | Date).getTime(),
    route_length_km: Number(row.route_length_km),
    home_org_code: String(row.home_org_code),
  };
}

function driverOfRow(row: Record<string, unknown>): DriverRecord {
  const until = row.qualification_valid_until;
  return {
    id: String(row.id),
    name: String(row.name),
    enterprise_id: String(row.enterprise_id),
    plate: String(row.plate ?? ''),
    qualification_valid_until:
      until === null || until === undefined ? null : new Date(until as string | Date).getTime(),
  };
}
