/**
 * The daily aggregates behind the assessment indicators (docs/assessment.md, "Daily aggregates"): one row per
 * Beijing day and terminal with the day's facts, and one record per day saying which generation of those rows is
 * complete and what it was computed from. Rows are only ever added: a re-roll of a day writes a new generation
 * (`rolled_at`) and then its record, so a reader never sees half a day, and an older generation is deleted only
 * after the newer one's record is stored.
 */
import { column, type RowOf } from './columns.js';
import { table } from './table-spec.js';

/** Per Beijing day and terminal: what the indicators sum over the days of a period. */
export const ASSESSMENT_VEHICLE_DAYS = table({
  name: 'assessment_vehicle_days',
  description:
    'Daily aggregates of the assessment indicators: one row per Beijing day, terminal and rollup generation (rolled_at); read the generation named in assessment_rollup_days.',
  columns: {
    day: column('uint32', 'Beijing calendar day as YYYYMMDD (China Standard Time)'),
    rolled_at: column(
      'datetime_ms',
      'when this generation of the day was computed; the day record names the one in force',
    ),
    terminal_id: column('string', 'terminal number'),
    home_org_code: column(
      'string',
      'org unit the vehicle was registered in when the day was rolled up, empty when unknown',
    ),
    enterprise_id: column('string', 'enterprise operating the vehicle when the day was rolled up, empty when none'),
    vehicle_class: column('lowcard', 'vehicle class of the registry when the day was rolled up, empty when unknown'),
    platform: column(
      'uint32',
      'access code of the JT/T 809 lower platform that forwarded its last fix of the day, 0 when none did',
    ),
    fixes: column('uint32', 'stored positions with device time in the day (duplicates once)'),
    qualified: column('uint32', 'of them qualified (positioned, in China, at most 160 km/h, heading below 360)'),
    positioned: column('uint32', 'of them positioned (status bit 1): the fixes the track is made of'),
    rejected: column('uint32', 'frames of the terminal refused at ingest that arrived in the day'),
    track_m: column('float64', 'track length between consecutive positioned fixes within the day, metres'),
    continuous_m: column('float64', 'of it without breaks (断点), metres'),
    first_ts: column('datetime_ms', 'device time of the first positioned fix of the day (0 when none)'),
    first_lat: column('float64', 'its latitude'),
    first_lon: column('float64', 'its longitude'),
    last_ts: column('datetime_ms', 'device time of the last positioned fix of the day (0 when none)'),
    last_lat: column('float64', 'its latitude'),
    last_lon: column('float64', 'its longitude'),
    overspeed: column('uint32', 'overspeed episodes started in the day'),
    drift: column('uint32', 'drift episodes started in the day'),
    fatigue_ms: column('uint64', 'milliseconds of fatigue episodes inside the day'),
  },
  // A generation never replaces another (rolled_at is in the key): a roll cut short cannot hide the one in force.
  // What the engine removes is an identical row inserted twice.
  engine: 'ReplacingMergeTree',
  orderBy: '(day, rolled_at, terminal_id)',
  partitionBy: 'intDiv(day, 100)',
  // A terminal's days on one shard, as its track (telemetry is sharded by terminal too).
  shardingKey: 'cityHash64(terminal_id)',
  orgColumns: ['home_org_code'],
});
export type AssessmentVehicleDayRow = RowOf<typeof ASSESSMENT_VEHICLE_DAYS.columns>;

/** Per Beijing day: the generation of `assessment_vehicle_days` in force, its thresholds and the sources it read. */
export const ASSESSMENT_ROLLUP_DAYS = table({
  name: 'assessment_rollup_days',
  description:
    'Which generation of assessment_vehicle_days is complete for a Beijing day, with the thresholds and the source row counts it was computed from; the latest record wins (FINAL).',
  columns: {
    day: column('uint32', 'Beijing calendar day as YYYYMMDD'),
    rolled_at: column('datetime_ms', 'the generation of assessment_vehicle_days in force for the day'),
    parameters: column('json_text', 'the thresholds it was computed with (configuration assessment), as JSON'),
    sources: column(
      'string',
      "row counts of the day's sources read just before the roll (telemetry/alarms/rejects); a change means late data",
    ),
    vehicle_rows: column('uint64', 'rows of the generation'),
    seconds: column('float32', 'how long the roll took'),
  },
  engine: 'ReplacingMergeTree(rolled_at)',
  orderBy: '(day)',
});
export type AssessmentRollupDayRow = RowOf<typeof ASSESSMENT_ROLLUP_DAYS.columns>;
