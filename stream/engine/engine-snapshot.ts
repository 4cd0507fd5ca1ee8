/**
 * The shape of a rule-engine snapshot (`<data-dir>/rules/engine-snapshot.json`): everything needed to continue
 * where an engine stood. Rule states are stored by rule id, so a later rule list cannot mix them up.
 */
import type { TelemetryRow } from '../../schema/index.js';
import type { Episode } from './rule-engine.js';

export const SNAPSHOT_FORMAT = 1;

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
    partition: number;
    frontier: number;
    first_ts: number | null;
    gaps: number[];
    live: LaneSnapshot;
    late: LaneSnapshot | null;
    held: TelemetryRow[] | null;
  }[];
  plates: { plate: string; lane: LaneSnapshot }[];
  devices: { id: string; org_code: string; lat: number; lon: number; lane: LaneSnapshot }[];
}
