/**
 * What the feed knows about a vehicle, from the registry: looked up by terminal number first
 * (JT/T 808), then by plate (JT/T 809, roadside sightings). An unknown vehicle gets class `other`.
 */
import { type VehicleClass, type VehicleRecord, type VehicleRegistry } from '../../schema/index.js';

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
