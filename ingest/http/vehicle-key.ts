/**
 * The partition key of a record about a plate: the terminal the registry gives the plate, so a roadside sighting,
 * a toll transaction or a taxi-order step lands on the log partition of the vehicle's own fixes and driver cards
 * (keyed by terminal). The rules run per partition (docs/operations.md, "Cluster"): a cloned-plate check compares
 * the sighting with the vehicle's fixes, which must therefore be read by the same worker. A plate the registry
 * does not know, or knows without a terminal, is keyed by itself: its records stay in order together, and its
 * cloned-plate check sees only the vehicles of its own partition.
 */
import type { VehicleRegistry } from '../../schema/index.js';

/** What the key needs of the registry: its vehicles by plate (the same lookup the rules use). */
export type PlateRegistry = Pick<VehicleRegistry, 'byPlate'>;

/** The vehicle's terminal id when the registry has one for `plate`, else the plate; '' for an unread plate. */
export function vehicleKeyOfPlate(registry: PlateRegistry, plate: string): string {
  if (plate === '') return '';
  const terminal = registry.byPlate(plate)?.terminal_id;
  return terminal !== undefined && terminal !== '' ? terminal : plate;
}
