/**
 * A vehicle's registration for the upper platform's static data request (0x9601), from the registry: the plate
 * and colour it asked about must match a registered vehicle, whose home division and operating enterprise (its id
 * and, from `enterprises`, its name) are what Vigil knows of it. The registry holds no JT/T 415 vehicle type or
 * transport industry code, and no owner telephone: those go empty.
 */
import type { VehicleRecord } from '../../schema/index.js';
import type { StaticInfoSource } from '../../ingest/index.js';
import type { Sql } from '../../store/index.js';

export interface VehicleStaticInfoDeps {
  vehicleOf(plate: string, plateColor: number): VehicleRecord | undefined;
  sql: Pick<Sql, 'query'>;
}

export function vehicleStaticInfoSource(deps: VehicleStaticInfoDeps): StaticInfoSource {
  return async (plate, plateColor) => {
    const vehicle = deps.vehicleOf(plate, plateColor);
    if (vehicle === undefined) return undefined;
    const enterprise =
      vehicle.enterprise_id === ''
        ? []
        : await deps.sql.query<{ name: string }>('SELECT name FROM enterprises WHERE id = $1', [vehicle.enterprise_id]);
    return {
      vin: vehicle.plate,
      plateColor: vehicle.plate_color,
      vehicleType: '',
      transType: '',
      nationality: vehicle.home_org_code,
      ownerId: vehicle.enterprise_id,
      ownerName: enterprise[0]?.name ?? '',
      ownerTel: '',
    };
  };
}
