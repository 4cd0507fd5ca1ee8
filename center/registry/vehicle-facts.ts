/**
 * What the feed knows about a vehicle, from the registry: looked up by terminal number first
 * (JT/T 808), then by plate (JT/T 809, roadside sightings). An unknown vehicle gets class `other`.
 */
import { type VehicleClass, type VehicleRecord, type VehicleRegistry } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import { ownerOf } from '../org/org-admin.js';

export function registeredVehicle(
  registry: VehicleRegistry,
  terminalId: string,
  plate: string,
): VehicleRecord | undefined {
  return (
    (terminalId !== '' ? registry.byTerminal(terminalId) : undefined) ??
    (plate !== '' ? registry.byPlate(plate) : undefined)
  );
}

export function vehicleClassOf(registry: VehicleRegistry, terminalId: string, plate = ''): VehicleClass {
  return registeredVehicle(registry, terminalId, plate)?.vehicle_class ?? 'other';
}

/**
 * The enterprise a terminal's vehicle belongs to, as the alarm desk decides it (`ownerOf`): the centres' binding
 * of its plate first, else the registry's. Enterprise accounts read a vehicle only when this is theirs.
 */
export async function vehicleEnterpriseOf(
  sql: Pick<Sql, 'query'>,
  registry: VehicleRegistry,
  terminalId: string,
): Promise<string | null> {
  let plate = registry.byTerminal(terminalId)?.plate ?? '';
  if (plate === '') {
    const rows = await sql.query<{ plate: string }>('SELECT plate FROM terminals WHERE phone = $1', [terminalId]);
    plate = rows[0]?.plate ?? '';
  }
  return (await ownerOf(sql, plate, terminalId)).enterpriseId;
}
