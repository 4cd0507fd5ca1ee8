/**
 * The analyst-facing ClickHouse tables. Names and columns here are a contract with analysts: add columns,
 * never rename or drop them.
 */
import { column, type ColumnsSpec, type RowOf } from './columns.js';

export interface TableSpec<C extends ColumnsSpec = ColumnsSpec> {
  name: string;
  description: string;
  columns: C;
  engine: string;
  orderBy: string;
  partitionBy?: string;
  ttl?: string;
  settings?: Record<string, string | number>;
}

/**
 * Non-replicated MergeTree tables ignore insert deduplication tokens unless a window is set; the sinks rely on
 * tokens to make retried batches harmless, so every table keeps the tokens of its last inserts.
 */
const DEDUPLICATION_SETTINGS = { non_replicated_deduplication_window: 10_000 };

function table<C extends ColumnsSpec>(spec: TableSpec<C>): TableSpec<C> {
  return { ...spec, settings: { ...DEDUPLICATION_SETTINGS, ...spec.settings } };
}

/** One position fix from any source (JT/T 808, JT/T 809, ...). */
export const TELEMETRY = table({
  name: 'telemetry',
  description: 'Vehicle positions, one row per fix, deduplicated on (terminal_id, ts).',
  columns: {
    terminal_id: column('string', 'terminal number exactly as on the wire, decimal digits', { pattern: /^\d{1,20}$/, reason: 'bad_terminal_id' }),
    plate: column('string', 'plate as registered by the terminal or the registry, may be empty'),
    ts: column('datetime_ms', 'device time of the fix', { reason: 'bad_time' }),
    received_at: column('datetime_ms', 'time Vigil received the fix'),
    lat: column('float64', 'latitude, signed degrees (WGS-84 as reported)', { min: -90, max: 90, reason: 'lat_out_of_range' }),
    lon: column('float64', 'longitude, signed degrees', { min: -180, max: 180, reason: 'lon_out_of_range' }),
    altitude_m: column('int32', 'altitude in metres'),
    speed_kmh: column('float32', 'speed from the GNSS in km/h', { min: 0, max: 6553.5, reason: 'speed_out_of_range' }),
    direction_deg: column('uint16', 'heading, 0-359 degrees clockwise from north', { max: 359, reason: 'direction_out_of_range' }),
    alarm_bits: column('uint32', 'JT/T 808 alarm flag DWORD'),
    status_bits: column('uint32', 'JT/T 808 status DWORD'),
    source: column('lowcard', 'jt808 | jt809 | http | demo'),
    backfill: column('uint8', '1 when the fix arrived late as a back-fill (0x0704 type 1 / 0x1203)', { max: 1, defaultExpression: '0' }),
    extras: column('json_text', 'additional items as JSON (mileage, fuel, active-safety alarms, ...)', { defaultExpression: "''" }),
  },
  engine: 'ReplacingMergeTree(received_at)',
  orderBy: '(terminal_id, ts)',
  partitionBy: 'toYYYYMM(ts)',
  ttl: 'toDateTime(ts) + INTERVAL 400 DAY',
});
export type TelemetryRow = RowOf<typeof TELEMETRY.columns>;

/** Alarm episodes: each update of an episode is a new row with a higher version; FINAL gives the latest. */
export const ALARMS = table({
  name: 'alarms',
  description: 'Alarm episodes raised by the rules; one alarm_id per episode, latest version wins.',
  columns: {
    alarm_id: column('string', 'deterministic id from rule, vehicle and episode start'),
    rule: column('lowcard', 'rule id, e.g. overspeed'),
    rule_version: column('uint32', 'version of the rule configuration that raised it'),
    severity: column('lowcard', 'info | warning | critical'),
    terminal_id: column('string', 'terminal of the vehicle, may be empty for roadside sources'),
    plate: column('string', 'plate of the vehicle'),
    started_at: column('datetime_ms', 'device time the episode started'),
    ended_at: column('datetime_ms_nullable', 'device time the episode ended, NULL while open'),
    org_code: column('string', '6-digit division code the alarm belongs to', { pattern: /^\d{6}$/, reason: 'bad_org_code' }),
    lat: column('float64', 'where the episode started', { min: -90, max: 90 }),
    lon: column('float64', 'where the episode started', { min: -180, max: 180 }),
    late: column('uint8', '1 when raised from back-filled data', { max: 1 }),
    details: column('json_text', 'evidence as JSON: readings, thresholds, positions'),
    version: column('uint64', 'update counter of the episode; ReplacingMergeTree keeps the highest'),
    updated_at: column('datetime_ms', 'processing time of this version'),
  },
  engine: 'ReplacingMergeTree(version)',
  orderBy: '(alarm_id)',
  partitionBy: 'toYYYYMM(started_at)',
});
export type AlarmRow = RowOf<typeof ALARMS.columns>;

/** The dead-letter table: everything rejected at the edge, with its raw bytes and a named reason. */
export const INGEST_REJECTS = table({
  name: 'ingest_rejects',
  description: 'Rejected frames and records, kept with their raw bytes and a named reason.',
  columns: {
    received_at: column('datetime_ms', 'when it arrived'),
    source: column('lowcard', 'jt808 | jt809 | http:<kind>'),
    reason: column('lowcard', 'named reason, e.g. check_mismatch'),
    detail: column('string', 'human-readable detail of the reason', { defaultExpression: "''" }),
    raw: column('string', 'raw bytes, hex for binary sources, text for HTTP records'),
    peer: column('string', 'remote address or API key id'),
    terminal_id: column('string', 'terminal when known', { defaultExpression: "''" }),
  },
  engine: 'MergeTree',
  orderBy: '(received_at)',
  partitionBy: 'toYYYYMM(received_at)',
  ttl: 'toDateTime(received_at) + INTERVAL 90 DAY',
});
export type IngestRejectRow = RowOf<typeof INGEST_REJECTS.columns>;

export const ANALYTICS_TABLES: readonly TableSpec[] = [TELEMETRY, ALARMS, INGEST_REJECTS];
