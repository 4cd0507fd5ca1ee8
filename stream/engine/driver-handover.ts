/**
 * A driver's state handed over between the engines of the rules spread over log partitions. Vehicles are keyed by
 * terminal, so the engine of the partition of the vehicle where a driver's card is in keeps their per-driver state
 * (fatigue); a driver who changes to a vehicle of another partition would start afresh there. Instead each engine
 * publishes a driver's state when their card goes out (when it is read, and after each fix before it), and every
 * `DRIVER_HANDOVER_INTERVAL_MS` of their driving, to the compacted topic `vigil.driver-state` keyed by driver and
 * partition (`handoverKey`: compaction keeps each partition's newest state of the driver, so a late state from one
 * partition does not replace, nor is replaced by, another's). Every stream worker reads that topic whole into a
 * `DriverHandoverBoard`, and an engine takes from it the newest state of a driver published by another partition:
 *
 * - at their first fix here when it is newer than what this engine holds of them: it is their state (one engine's);
 * - when it arrives after their stint here had begun without it (the other partition lagged), and ends before that
 *   stint: put in front of the stint by the rule (`PositionRule.mergeEarlier`), the state one engine would have.
 *   Alarms that the merged state raises open at the driver's next fix here, with the start one engine gives.
 *
 * A handover is a state, not an event: sending one again, or an older one after a newer, changes nothing (the
 * newest by the driver's last fix wins), so the exactly-once of alarms rests on the engines' snapshots as before.
 */

import { RULES_TOPICS } from '../log/event-log.js';

/** The topic of drivers' states, keyed by driver id, compacted (the newest record of each driver is kept). */
export const DRIVER_STATE_TOPIC = RULES_TOPICS.driverStates;

/** While a driver drives, their state is published at least this often, event time. */
export const DRIVER_HANDOVER_INTERVAL_MS = 300_000;

/** Drivers' states a worker keeps from the topic at most; the ones published longest ago go first. */
export const DRIVER_HANDOVERS_MAX = 500_000;

export interface DriverHandover {
  driver_id: string;
  /** Event time of the driver's last fix counted in these states. */
  last_ts: number;
  /** The vehicle of that fix. */
  terminal_id: string;
  /** The log partition whose engine published it (-1 when the engine runs every partition). */
  partition: number;
  /** Per-driver rule states by rule id, as the engine's snapshot holds them. */
  states: Record<string, unknown>;
  /** Processing time it was published, epoch ms. */
  published_at: number;
}

/** The record key of a driver's state in `vigil.driver-state`: the driver and the partition that published it. */
export function handoverKey(handover: Pick<DriverHandover, 'driver_id' | 'partition'>): string {
  return `${handover.driver_id}/${handover.partition}`;
}

/** Where an engine looks up the newest state of a driver published by another partition's engine. */
export interface DriverHandovers {
  latest(driverId: string): DriverHandover | undefined;
}

/** Refusals of a record read from the driver-state topic: named, counted by the reader, never fatal. */
export function handoverProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not_an_object';
  const h = value as Partial<DriverHandover>;
  if (typeof h.driver_id !== 'string' || h.driver_id === '') return 'driver_id_missing';
  if (typeof h.last_ts !== 'number' || !Number.isFinite(h.last_ts)) return 'last_ts_missing';
  if (typeof h.partition !== 'number' || !Number.isInteger(h.partition)) return 'partition_missing';
  if (typeof h.states !== 'object' || h.states === null || Array.isArray(h.states)) return 'states_missing';
  return undefined;
}

/**
 * The newest state of each driver from each partition read from the topic, by their last fix; bounded by drivers,
 * the least recently updated go first.
 */
export class DriverHandoverBoard {
  /** Per driver, one state per partition that published one (a driver drives on a few partitions at most). */
  private readonly byDriver = new Map<string, DriverHandover[]>();

  constructor(private readonly driversMax = DRIVER_HANDOVERS_MAX) {}

  get size(): number {
    return this.byDriver.size;
  }

  /**
   * Keeps `handover` unless the board holds one of the driver's from the same partition with a later or the same
   * last fix; returns whether it kept it.
   */
  offer(handover: DriverHandover): boolean {
    const held = this.byDriver.get(handover.driver_id) ?? [];
    const same = held.findIndex((h) => h.partition === handover.partition);
    if (same >= 0 && held[same].last_ts >= handover.last_ts) return false;
    const next = same >= 0 ? held.map((h, i) => (i === same ? handover : h)) : [...held, handover];
    // Deleted first, so that the map's order is the order of updates and the oldest is the first.
    this.byDriver.delete(handover.driver_id);
    this.byDriver.set(handover.driver_id, next);
    if (this.byDriver.size > this.driversMax) this.byDriver.delete(this.byDriver.keys().next().value!);
    return true;
  }

  /**
   * The engine of partition `own` looks up the newest state the other partitions published (its own states it
   * holds already).
   */
  forPartition(own: number): DriverHandovers {
    return {
      latest: (driverId) => {
        let newest: DriverHandover | undefined;
        for (const h of this.byDriver.get(driverId) ?? [])
          if (h.partition !== own && (newest === undefined || h.last_ts > newest.last_ts)) newest = h;
        return newest;
      },
    };
  }
}
