/** The registry vehicle classes the feed names (`FeedVehicle.vehicle_class`); anything else is `other`. */
export const VEHICLE_CLASSES = ['coach', 'dangerous_goods', 'heavy_truck', 'tractor', 'bus', 'taxi', 'other'] as const;

export type VehicleClass = (typeof VEHICLE_CLASSES)[number];

const OTHER_INDEX = VEHICLE_CLASSES.indexOf('other');
const INDEX_BY_CLASS: ReadonlyMap<string, number> = new Map(VEHICLE_CLASSES.map((name, index) => [name, index]));

export function vehicleClassIndex(name: string): number {
  return INDEX_BY_CLASS.get(name) ?? OTHER_INDEX;
}
