/**
 * What the rules and the feed know about a vehicle, from the registry: looked up by terminal number first
 * (JT/T 808), then by plate (JT/T 809, roadside sightings). An unknown vehicle gets class `other`.
 */
import { cityOfPlate, type VehicleClass, type VehicleRecord, type VehicleRegistry } from '../../schema/index.js';

export function registeredVehicle(registry: VehicleRegistry, terminalId: string, plate: string): VehicleRecord | undefined {
  return (terminalId !== '' ? registry.byTerminal(terminalId) : undefined) ?? (plate !== '' ? registry.byPlate(plate) : undefined);
}

export function vehicleClassOf(registry: VehicleRegistry, terminalId: string, plate = ''): VehicleClass {
  return registeredVehicle(registry, terminalId, plate)?.vehicle_class ?? 'other';
}

export interface RegistryVehicleFacts {
  terminalId: string;
  plate: string;
  vehicleClass: VehicleClass;
  registered: boolean;
  homeOrgCode?: string;
  cityCode: string;
  routeLengthKm: number;
  axles: number;
  permitValidUntil: number | null;
}

/** The engine's `VehicleFacts` of one vehicle. */
export function vehicleFactsOf(registry: VehicleRegistry, terminalId: string, plate: string): RegistryVehicleFacts {
  const vehicle = registeredVehicle(registry, terminalId, plate);
  const homeOrgCode = vehicle && vehicle.home_org_code !== '' ? vehicle.home_org_code : undefined;
  return {
    terminalId,
    plate: plate || vehicle?.plate || '',
    vehicleClass: vehicle?.vehicle_class ?? 'other',
    registered: vehicle !== undefined,
    ...(homeOrgCode !== undefined ? { homeOrgCode } : {}),
    cityCode: homeOrgCode !== undefined ? homeOrgCode.slice(0, 4) : (cityOfPlate(plate)?.code.slice(0, 4) ?? ''),
    routeLengthKm: vehicle?.route_length_km ?? 0,
    axles: vehicle?.axles ?? 0,
    permitValidUntil: vehicle?.permit_valid_until ?? null,
  };
}
