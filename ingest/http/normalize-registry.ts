/** Registry sync records (vehicles, enterprises, drivers) → typed `RegistryRecord`s. */
import { VEHICLE_CLASSES, type RegistryRecord, type VehicleClass } from '../../schema/index.js';
import {
  asRecord,
  coversOrg,
  normalizeWith,
  optionalNumber,
  optionalPlate,
  optionalText,
  parseTime,
  plateColor,
  RecordProblem,
  requiredPlate,
  requiredText,
  type Outcome,
  type SourceRecord,
} from './fields.js';
import type { NormalizeContext } from './normalize-camera.js';

function optionalTime(record: SourceRecord, field: string, ctx: NormalizeContext): number | null {
  const value = record[field];
  if (value === undefined || value === null || value === '') return null;
  // Validity dates lie in the future by nature, so no future bound applies to them.
  return parseTime(value, field, ctx.receivedAt, Number.MAX_SAFE_INTEGER);
}

function scopedOrg(record: SourceRecord, field: string, ctx: NormalizeContext, fallback: string): string {
  const code = optionalText(record, [field], 6) || fallback;
  if (code === '') return '';
  if (!/^\d{6}$/.test(code))
    throw new RecordProblem('bad_org_code', `${field} ${JSON.stringify(code)} is not a 6-digit division code`);
  if (!coversOrg(ctx.keyOrgCode, code))
    throw new RecordProblem(
      'org_out_of_scope',
      `${field} ${code} is outside the sender's org unit ${ctx.keyOrgCode} (its source key's or uploader's)`,
    );
  return code;
}

function vehicle(record: SourceRecord, ctx: NormalizeContext): RegistryRecord {
  const vehicleClass = requiredText(record, ['vehicle_class'], 'missing_vehicle_class', 32) as VehicleClass;
  if (!VEHICLE_CLASSES.includes(vehicleClass))
    throw new RecordProblem(
      'bad_vehicle_class',
      `vehicle_class ${JSON.stringify(vehicleClass)} is not one of ${VEHICLE_CLASSES.join(', ')}`,
    );
  const terminalId = optionalText(record, ['terminal_id'], 20);
  if (terminalId !== '' && !/^\d{1,20}$/.test(terminalId))
    throw new RecordProblem('bad_terminal_id', `terminal_id ${JSON.stringify(terminalId)} is not 1-20 decimal digits`);
  const axles = optionalNumber(record, ['axles'], 0, 0, 20, 'bad_axles');
  // Driven axles (of the tractor, for a combination): GB 1589 allows a six-axle combination whose tractor has one
  // drive axle 46 t instead of 49 t. Optional; 0 or absent means the registry does not say.
  const driveAxles = optionalNumber(record, ['drive_axles'], 0, 0, 4, 'bad_drive_axles');
  if (!Number.isInteger(driveAxles))
    throw new RecordProblem('bad_drive_axles', `drive_axles ${driveAxles} is not a whole number of axles`);
  if (driveAxles > 0 && axles > 0 && driveAxles > Math.round(axles))
    throw new RecordProblem('bad_drive_axles', `drive_axles ${driveAxles} is more than the vehicle's ${axles} axles`);
  return {
    type: 'vehicle',
    plate: requiredPlate(record),
    plate_color: plateColor(record, true),
    vehicle_class: vehicleClass,
    axles: Math.round(axles),
    ...(driveAxles > 0 ? { drive_axles: driveAxles } : {}),
    enterprise_id: optionalText(record, ['enterprise_id'], 64),
    terminal_id: terminalId,
    permit_valid_until: optionalTime(record, 'permit_valid_until', ctx),
    route_length_km: optionalNumber(record, ['route_length_km'], 0, 0, 10_000, 'bad_route_length_km'),
    home_org_code: scopedOrg(record, 'home_org_code', ctx, ''),
  };
}

function enterprise(record: SourceRecord, ctx: NormalizeContext): RegistryRecord {
  return {
    type: 'enterprise',
    id: requiredText(record, ['id', 'enterprise_id'], 'missing_id', 64),
    name: requiredText(record, ['name'], 'missing_name', 256),
    org_code: scopedOrg(record, 'org_code', ctx, ctx.keyOrgCode),
    business_scope: optionalText(record, ['business_scope'], 256),
    licence_no: optionalText(record, ['licence_no', 'license_no'], 64),
  };
}

function driver(record: SourceRecord, ctx: NormalizeContext): RegistryRecord {
  return {
    type: 'driver',
    id: requiredText(record, ['id', 'driver_id'], 'missing_id', 64),
    name: requiredText(record, ['name'], 'missing_name', 128),
    enterprise_id: optionalText(record, ['enterprise_id'], 64),
    plate: optionalPlate(record, ['plate']),
    qualification_valid_until: optionalTime(record, 'qualification_valid_until', ctx),
  };
}

const BUILDERS: Record<string, (record: SourceRecord, ctx: NormalizeContext) => RegistryRecord> = {
  vehicle,
  enterprise,
  driver,
};

export function normalizeRegistryRecord(value: unknown, ctx: NormalizeContext): Outcome<RegistryRecord> {
  return normalizeWith(() => {
    const record = asRecord(value);
    const type = record.type;
    const build = typeof type === 'string' ? BUILDERS[type] : undefined;
    if (!build)
      throw new RecordProblem('unknown_type', `type ${JSON.stringify(type)} is not one of vehicle, enterprise, driver`);
    return build(record, ctx);
  });
}

/** The idempotency key of a registry record: its identity, so a later record for it supersedes the earlier. */
export function registryKeyOf(record: RegistryRecord): string {
  return record.type === 'vehicle' ? `vehicle:${record.plate}:${record.plate_color}` : `${record.type}:${record.id}`;
}
