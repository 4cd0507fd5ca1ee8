/**
 * The shape of a rule-engine snapshot (`<data-dir>/rules/engine-snapshot.json`): everything needed to continue
 * where an engine stood. Rule states are stored by rule id, so a later rule list cannot mix them up.
 */
import type { TelemetryRow } from '../../schema/index.js';
import { partitionOf } from '../log/event-log.js';
import type { DriverFacts } from './rule.js';
import type { CardChange, Episode } from './rule-engine.js';

/** Written now. Format 2: fixes are no longer held back for ordering, gaps are consumed, roadside ids are kept. */
export const SNAPSHOT_FORMAT = 2;
/** Read at start-up: a format-1 snapshot's held fixes are evaluated when it is restored. */
export const SNAPSHOT_FORMATS_READ: readonly number[] = [1, 2];

export interface LaneSnapshot {
  /** Rule id → its state: by id, so a rule list that changes between versions cannot mix states up. */
  states: Record<string, unknown>;
  episodes: [string, Episode][];
  last_ts: number;
  /** Last fix [ts, lat, lon, jump km/h from the fix before] (the jump is absent in older snapshots). */
  fix: [number, number, number] | [number, number, number, number];
}

export interface EngineSnapshot {
  format: number;
  config_version: number;
  camera_max_ts: number;
  roadside_max_ts: number;
  last_clock_ms: number;
  partitions: { max_ts: number }[];
  vehicles: {
    key: string;
    /** So the plate → vehicle cross-reference (cloned plates) survives a restart. */
    plate: string;
    frontier: number;
    first_ts: number | null;
    /** Newest history fix (before `first_ts`) evaluated late; absent in format 1. */
    history_ts?: number;
    gaps: number[];
    live: LaneSnapshot;
    late: LaneSnapshot | null;
    /** Format 1 only: fixes held back for ordering, not yet evaluated. */
    held?: TelemetryRow[] | null;
    /** The driver at the wheel by the last card (absent without one, and in snapshots before drivers). */
    driver?: DriverFacts;
    /** Card changes not yet reached by the vehicle's fixes. */
    cards?: CardChange[];
  }[];
  /** Per-driver rule states by certificate number (absent in snapshots before drivers). */
  drivers?: {
    id: string;
    last_ts: number;
    states: Record<string, unknown>;
    /** The rules spread over partitions: the newest handover taken in, and the last fix when last published. */
    handed_ts?: number;
    published_ts?: number;
  }[];
  plates: { plate: string; lane: LaneSnapshot }[];
  devices: { id: string; org_code: string; lat: number; lon: number; lane: LaneSnapshot }[];
  /** Roadside event keys evaluated, with their `received_at` (absent in format 1). */
  roadside_seen?: [string, number][];
}

/**
 * How a snapshot is stored: in parts, so no single string holds all state (a JavaScript string ends near 512 M
 * characters, which one snapshot of about 925,000 vehicles reached). `ENGINE_PART` is everything but the vehicles,
 * with their number of parts; `vehiclesPart(p)` the JSON array of the vehicles of log partition p
 * (`partitionOf(terminal, parts)`, where the gateways send the vehicle's fixes).
 */
export const ENGINE_PART = 'engine';
export const vehiclesPart = (partition: number): string => `vehicles/${partition}`;

/** The `ENGINE_PART` of a snapshot: the vehicles are in `vehicle_parts` parts of their own. */
export type EngineSnapshotHead = Omit<EngineSnapshot, 'vehicles'> & { vehicle_parts: number };

/** A snapshot's parts put together again (the vehicles of part 0 first); throws naming a part that is missing. */
export function joinSnapshotParts(
  head: EngineSnapshotHead,
  part: (name: string) => string | undefined,
): EngineSnapshot {
  const { vehicle_parts: count, ...rest } = head;
  const vehicles: EngineSnapshot['vehicles'] = [];
  for (let p = 0; p < count; p++) {
    const text = part(vehiclesPart(p));
    if (text === undefined) throw new Error(`snapshot part ${vehiclesPart(p)} is missing (of ${count})`);
    for (const v of JSON.parse(text) as EngineSnapshot['vehicles']) vehicles.push(v);
  }
  return { ...rest, vehicles };
}

/** A whole snapshot as its parts' JSON texts, vehicles in their order within each part (what a capture writes). */
export function splitSnapshot(snapshot: EngineSnapshot, parts: number): Map<string, string> {
  const { vehicles, drivers, plates, devices, roadside_seen, ...clocks } = snapshot;
  const head = { ...clocks, vehicle_parts: parts, drivers, plates, devices, roadside_seen };
  const texts = new Map([[ENGINE_PART, JSON.stringify(head)]]);
  const byPart: EngineSnapshot['vehicles'][] = Array.from({ length: parts }, () => []);
  for (const v of vehicles) byPart[partitionOf(v.key, parts)].push(v);
  byPart.forEach((list, p) => texts.set(vehiclesPart(p), JSON.stringify(list)));
  return texts;
}
