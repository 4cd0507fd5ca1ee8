/**
 * The analyst-facing ClickHouse tables. Names and columns here are a contract with analysts: add columns,
 * never rename or drop them.
 */
import { column, type RowOf } from './columns.js';
import { ASSESSMENT_ROLLUP_DAYS, ASSESSMENT_VEHICLE_DAYS } from './assessment-tables.js';
import { RAIL_FLOWS, TOLL_TRANSACTIONS, TRAFFIC_COUNTS } from './flow-tables.js';
import { BAD_PLATE_REASON, PLATE_PATTERN } from './plates.js';
import { table, type TableSpec } from './table-spec.js';
import { VESSEL_POSITIONS, VESSEL_VOYAGES } from './vessel-tables.js';
import { MARKET_REGISTRATIONS, TAXI_ORDER_EVENTS, TAXI_PERMITS, TAXI_POSITIONS } from './taxi-tables.js';
import { BUS_POSITIONS, BUS_STOP_DELAYS, GTFS_ROUTES, GTFS_STOPS, GTFS_TRIPS } from './bus-tables.js';

export type { TableSpec } from './table-spec.js';

/** One position fix from any source (JT/T 808, JT/T 809, ...). */
export const TELEMETRY = table({
  name: 'telemetry',
  description: 'Vehicle positions, one row per fix, deduplicated on (terminal_id, ts).',
  columns: {
    terminal_id: column('string', 'terminal number exactly as on the wire, decimal digits', {
      pattern: /^\d{1,20}$/,
      reason: 'bad_terminal_id',
    }),
    plate: column('string', 'plate as registered by the terminal or the registry, may be empty', {
      pattern: PLATE_PATTERN,
      reason: BAD_PLATE_REASON,
    }),
    ts: column('datetime_ms', 'device time of the fix', { reason: 'bad_time' }),
    received_at: column('datetime_ms', 'time Vigil received the fix'),
    lat: column('float64', 'latitude, signed degrees (WGS-84 as reported)', {
      min: -90,
      max: 90,
      reason: 'lat_out_of_range',
    }),
    lon: column('float64', 'longitude, signed degrees', { min: -180, max: 180, reason: 'lon_out_of_range' }),
    altitude_m: column('int32', 'altitude in metres'),
    speed_kmh: column('float32', 'speed from the GNSS in km/h', { min: 0, max: 6553.5, reason: 'speed_out_of_range' }),
    direction_deg: column('uint16', 'heading, 0-359 degrees clockwise from north', {
      max: 359,
      reason: 'direction_out_of_range',
    }),
    alarm_bits: column('uint32', 'JT/T 808 alarm flag DWORD'),
    status_bits: column('uint32', 'JT/T 808 status DWORD'),
    source: column('lowcard', 'jt808 | jt809 | http | demo'),
    backfill: column('uint8', '1 when the fix arrived late as a back-fill (0x0704 type 1 / 0x1203)', {
      max: 1,
      defaultExpression: '0',
    }),
    extras: column('json_text', 'additional items as JSON (mileage, fuel, active-safety alarms, ...)', {
      defaultExpression: "''",
    }),
    org_code: column(
      'lowcard',
      '6-digit county where the fix is (empty outside the province, and for fixes stored before this column existed)',
      { pattern: /^(\d{6})?$/, reason: 'bad_org_code', defaultExpression: "''" },
    ),
  },
  engine: 'ReplacingMergeTree(received_at)',
  orderBy: '(terminal_id, ts)',
  // A vehicle's whole track on one shard: its trips, gaps and drift are computed without crossing shards.
  shardingKey: 'cityHash64(terminal_id)',
  partitionBy: 'toYYYYMM(ts)',
  retention: { column: 'ts', days: 400 },
  orgColumns: ['org_code'],
  // The merge selector's base is how many parts of a like size one merge takes at least: 20 instead of 5 rewrites
  // each row about half as often as a few thousand rows per insert go from small parts to large ones
  // (bench/README.md, "Cost per durable frame"), for about 20 active parts per level instead of 5.
  settings: { merge_selector_base: 20 },
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
    plate: column('string', 'plate of the vehicle', { pattern: PLATE_PATTERN, reason: BAD_PLATE_REASON }),
    started_at: column('datetime_ms', 'device time the episode started'),
    ended_at: column('datetime_ms_nullable', 'device time the episode ended, NULL while open'),
    org_code: column('string', '6-digit division code the alarm belongs to', {
      pattern: /^\d{6}$/,
      reason: 'bad_org_code',
    }),
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
  orgColumns: ['org_code'],
});
export type AlarmRow = RowOf<typeof ALARMS.columns>;

/**
 * The dead-letter table: everything rejected at the edge, with its raw bytes and a named reason. It has no org
 * column (a frame refused before it was understood belongs to no unit), so only province-level analysts read it.
 */
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
  retention: { column: 'received_at', days: 90 },
});
export type IngestRejectRow = RowOf<typeof INGEST_REJECTS.columns>;

/**
 * Every step of alarm handling in the command centres (raised, acknowledged, dismissed, dispatched,
 * escalated, closed), mirrored from PostgreSQL for analysts. One row per action; replays collapse on action_id.
 */
export const ALARM_ACTIONS = table({
  name: 'alarm_actions',
  description: 'Alarm handling steps of the command centres, one row per action (mirrored from PostgreSQL).',
  columns: {
    action_id: column('uint64', 'id of the action in the operational store, unique'),
    alarm_id: column('string', 'the alarm episode acted on'),
    action: column('lowcard', 'raised | updated | acknowledged | dismissed | dispatched | escalated | closed'),
    from_state: column('lowcard', 'state before the action, empty when raised'),
    to_state: column('lowcard', 'new | acknowledged | dispatched | dismissed | closed'),
    actor: column('string', 'username, or system'),
    org_code: column('string', 'org unit handling the alarm at the time'),
    department: column('lowcard', 'department the alarm was routed to'),
    rule: column('lowcard', 'rule that raised the alarm'),
    severity: column('lowcard', 'info | warning | critical'),
    detail: column('json_text', 'reason, work order, escalation target as JSON'),
    at: column('datetime_ms', 'when the action happened'),
  },
  engine: 'ReplacingMergeTree',
  orderBy: '(alarm_id, action_id)',
  partitionBy: 'toYYYYMM(at)',
  orgColumns: ['org_code'],
});
export type AlarmActionRow = RowOf<typeof ALARM_ACTIONS.columns>;

/** Every event of every work order (工单), mirrored from PostgreSQL: the full timeline for analysts. */
export const WORK_ORDER_EVENTS = table({
  name: 'work_order_events',
  description: 'Work-order timeline events (issued, signed, feedback, accepted, escalated, ...), one row per event.',
  columns: {
    event_id: column('uint64', 'id of the event in the operational store, unique'),
    order_id: column('uint64', 'work order number'),
    kind: column(
      'lowcard',
      'issued | signed | started | feedback | accepted | returned | transferred | comment | claimed | self_check | explanation | rectification | review | overdue_escalated',
    ),
    from_state: column('lowcard', 'state before the event'),
    to_state: column('lowcard', 'state after the event'),
    actor: column('string', 'username, or system'),
    actor_org: column('string', 'org unit of the actor'),
    org_code: column('string', 'assignee org unit after the event'),
    issuer_org: column('string', 'org unit that issued the order'),
    department: column('lowcard', 'assignee department'),
    enterprise_id: column('string', 'enterprise the order is addressed to, empty when none'),
    category: column('lowcard', 'category (the alarm rule for orders from alarms)'),
    severity: column('lowcard', 'info | warning | critical'),
    alarm_id: column('string', 'alarm the order came from, empty for top-down orders'),
    deadline_at: column('datetime_ms', 'deadline of the order (限时办结)'),
    overdue: column('uint8', '1 once the order passed its deadline unfinished', { max: 1 }),
    text: column('string', 'text of the event (feedback, comment, reason)'),
    detail: column('json_text', 'attachments and other detail as JSON'),
    at: column('datetime_ms', 'when the event happened'),
  },
  engine: 'ReplacingMergeTree',
  orderBy: '(order_id, event_id)',
  partitionBy: 'toYYYYMM(at)',
  // An order is seen by the units it is assigned to and by the unit that issued it, as in the work-order API.
  orgColumns: ['org_code', 'issuer_org'],
});
export type WorkOrderEventRow = RowOf<typeof WORK_ORDER_EVENTS.columns>;

/**
 * JT/T 808 multimedia (0x0800 announcements and 0x0801 uploads) and the active-safety attachments terminals
 * upload to the attachment server (T/JSATL 12). The media bytes live on disk under the data
 * dir; this table says what arrived, from whom, where and where its file is. No org column (many rows have no
 * position): province-level analysts only.
 */
export const MEDIA_EVENTS = table({
  name: 'media_events',
  description: 'Multimedia events and uploads from terminals; one row per (terminal, media id, stored file).',
  columns: {
    terminal_id: column('string', 'terminal number exactly as on the wire', {
      pattern: /^\d{1,20}$/,
      reason: 'bad_terminal_id',
    }),
    media_id: column('uint32', 'media id chosen by the terminal; 0 for an active-safety attachment'),
    media_type: column('uint8', '0 image, 1 audio, 2 video; attachments also 3 text, 4 other'),
    format: column('uint8', '0 JPEG, 1 TIF, 2 MP3, 3 WAV, 4 WMV, 255 another (see the path)'),
    event_code: column(
      'uint8',
      '0 platform command, 1 timed, 2 robbery alarm, 3 collision/rollover, 4 door open, 5 door closed, ...; for an attachment its alarm item (100 ADAS, 101 DSM, 102 tyre, 103 blind spot)',
    ),
    channel: column('uint8', 'camera or microphone channel'),
    ts: column('datetime_ms', 'device time of the upload (0x0801); arrival time for a 0x0800 announcement'),
    lat: column('float64', 'latitude at capture, signed degrees; 0 when unknown', {
      min: -90,
      max: 90,
      reason: 'lat_out_of_range',
    }),
    lon: column('float64', 'longitude at capture, signed degrees; 0 when unknown', {
      min: -180,
      max: 180,
      reason: 'lon_out_of_range',
    }),
    bytes: column('uint32', 'size of the stored media file; 0 for an announcement'),
    path: column(
      'string',
      'file path relative to the data dir; empty for an announcement; attachments/<terminal>/<alarm number>/<name> for an active-safety attachment',
    ),
    received_at: column('datetime_ms', 'time Vigil received it'),
  },
  engine: 'ReplacingMergeTree(received_at)',
  orderBy: '(terminal_id, media_id, path)',
  partitionBy: 'toYYYYMM(received_at)',
});
export type MediaEventRow = RowOf<typeof MEDIA_EVENTS.columns>;

/**
 * Roadside sightings of a vehicle: ANPR plate reads, weigh-in-motion readings and ETC gantry passes in one
 * table with a `kind` column. Analysts follow a plate across all three at once (where was it seen, what did it
 * weigh), the kinds share most columns, and one table keeps one sink, one deduplication key and one retention;
 * the few kind-specific columns stay at their defaults for the other kinds. Deduplicated on
 * (kind, source, event_id): a source retrying a batch never makes a second row. A toll transaction (its whole
 * record is in `toll_transactions`) adds its entry and its exit here as two sightings, so a plate's trail and the
 * rules that read sightings (overload, cloned_plate) see the expressway too.
 */
export const CAMERA_EVENTS = table({
  name: 'camera_events',
  description:
    'Roadside sightings (anpr | wim | gantry | toll), one row per source event, deduplicated on (kind, source, event_id).',
  columns: {
    event_id: column('string', 'source-supplied id, unique per source', {
      pattern: /^.{1,128}$/,
      reason: 'bad_event_id',
    }),
    kind: column(
      'lowcard',
      'anpr | wim | gantry | toll (a toll transaction seen at its entry and at its exit station, event_id <id>:entry and <id>:exit)',
    ),
    device_id: column('string', 'camera id, WIM site id, gantry id or toll station id', {
      pattern: /^.{1,64}$/,
      reason: 'missing_device_id',
    }),
    plate: column('string', 'plate as read, empty when unread (a gantry pass may carry only the OBU id)', {
      pattern: PLATE_PATTERN,
      reason: BAD_PLATE_REASON,
    }),
    plate_color: column('uint8', 'JT/T 415 plate colour code, 0 when unknown', { max: 9, reason: 'bad_plate_color' }),
    ts: column('datetime_ms', 'event time at the device', { reason: 'bad_time' }),
    received_at: column('datetime_ms', 'time Vigil received the record'),
    lat: column('float64', 'latitude of the device, 0 when not given', {
      min: -90,
      max: 90,
      reason: 'lat_out_of_range',
    }),
    lon: column('float64', 'longitude of the device, 0 when not given', {
      min: -180,
      max: 180,
      reason: 'lon_out_of_range',
    }),
    org_code: column('string', '6-digit division where the device stands', {
      pattern: /^\d{6}$/,
      reason: 'bad_org_code',
    }),
    lane: column('uint8', 'anpr/wim: lane number, 0 when unknown', { max: 99, reason: 'bad_lane' }),
    direction: column('string', 'anpr: direction of travel as the source names it', { defaultExpression: "''" }),
    confidence: column('float32', 'anpr: plate read confidence 0..1', { min: 0, max: 1, reason: 'bad_confidence' }),
    image_ref: column('string', 'anpr: reference (URL or key) of the picture at the source', {
      defaultExpression: "''",
    }),
    axles: column('uint8', 'wim, toll: axle count, 0 for other kinds or when not given', {
      max: 20,
      reason: 'bad_axles',
    }),
    gross_kg: column('uint32', 'wim: gross weight in kg; toll: on the sighting whose lane weighed, else 0', {
      max: 500_000,
      reason: 'bad_weight',
    }),
    axle_weights_kg: column('uint32_array', 'wim, toll (the weighed sighting): weight per axle in kg, front to back'),
    speed_kmh: column('float32', 'wim: speed over the scale in km/h', {
      min: 0,
      max: 300,
      reason: 'speed_out_of_range',
    }),
    obu_id: column('string', 'gantry: ETC on-board unit id', { defaultExpression: "''" }),
    source: column('lowcard', 'API key (key:<id>) or platform that delivered it'),
  },
  engine: 'ReplacingMergeTree(received_at)',
  orderBy: '(kind, source, event_id)',
  partitionBy: 'toYYYYMM(ts)',
  retention: { column: 'ts', days: 400 },
  orgColumns: ['org_code'],
});
export type CameraEventRow = RowOf<typeof CAMERA_EVENTS.columns>;

/** Health reports of roadside equipment (cameras, WIM sites, gantries). */
export const DEVICE_STATUS = table({
  name: 'device_status',
  description:
    'Roadside equipment health reports (online | offline | fault), deduplicated on (device_id, source, event_id).',
  columns: {
    event_id: column('string', 'source-supplied id, or device_id@ts when the source gives none', {
      pattern: /^.{1,128}$/,
      reason: 'bad_event_id',
    }),
    device_id: column('string', 'camera id, WIM site id or gantry id', {
      pattern: /^.{1,64}$/,
      reason: 'missing_device_id',
    }),
    device_kind: column('lowcard', 'camera | wim | gantry | other'),
    status: column('lowcard', 'online | offline | fault'),
    ts: column('datetime_ms', 'time of the report at the device', { reason: 'bad_time' }),
    received_at: column('datetime_ms', 'time Vigil received the report'),
    org_code: column('string', '6-digit division where the device stands', {
      pattern: /^\d{6}$/,
      reason: 'bad_org_code',
    }),
    detail: column('string', 'fault description or other detail from the source', { defaultExpression: "''" }),
    source: column('lowcard', 'API key (key:<id>) that delivered it'),
  },
  engine: 'ReplacingMergeTree(received_at)',
  orderBy: '(device_id, source, event_id)',
  partitionBy: 'toYYYYMM(ts)',
  retention: { column: 'ts', days: 400 },
  orgColumns: ['org_code'],
});
export type DeviceStatusRow = RowOf<typeof DEVICE_STATUS.columns>;

/**
 * Driver identity cards (JT/T 808 0x0702): one row per card inserted or taken out at a terminal, what the rules
 * read to know who is driving (fatigue per driver, `driver_mismatch`). The ID card number the 2019 message also
 * carries is personal data no rule needs, so it is not stored. Deduplicated on (terminal_id, ts, status): a
 * terminal repeating an unanswered report makes no second row.
 */
export const DRIVER_EVENTS = table({
  name: 'driver_events',
  description:
    'Driver IC card in/out reports (JT/T 808 0x0702), one row per card event, deduplicated on (terminal_id, ts, status).',
  columns: {
    terminal_id: column('string', 'terminal number exactly as on the wire', {
      pattern: /^\d{1,20}$/,
      reason: 'bad_terminal_id',
    }),
    plate: column('string', 'plate the terminal authenticated with, may be empty', {
      pattern: PLATE_PATTERN,
      reason: BAD_PLATE_REASON,
    }),
    ts: column('datetime_ms', 'card time at the terminal (arrival time for 2011 terminals, which send none)', {
      reason: 'bad_time',
    }),
    received_at: column('datetime_ms', 'time Vigil received the report'),
    status: column('uint8', '1 card inserted (驾驶员上班), 2 card taken out (下班)', {
      min: 1,
      max: 2,
      reason: 'bad_card_status',
    }),
    read_result: column(
      'uint8',
      'card inserted: 0 read, 1 key refused, 2 card locked, 3 card pulled out, 4 checksum error; 0 when taken out',
      { max: 255 },
    ),
    driver_name: column('string', 'driver name on the card, empty unless read', { defaultExpression: "''" }),
    certificate: column('string', 'qualification certificate number (从业资格证号), empty unless read', {
      pattern: /^.{0,40}$/,
      reason: 'bad_certificate',
      defaultExpression: "''",
    }),
    authority: column('string', 'authority that issued the certificate, empty unless read', {
      defaultExpression: "''",
    }),
    certificate_valid_until: column(
      'datetime_ms_nullable',
      "end of the certificate's last valid day (China time) as the card says; NULL when not read or not a date",
    ),
    org_code: column(
      'lowcard',
      "6-digit county of the terminal's last fix on this connection; empty when none was reported yet",
      { pattern: /^(\d{6})?$/, reason: 'bad_org_code', defaultExpression: "''" },
    ),
    source: column('lowcard', 'jt808 | demo'),
  },
  engine: 'ReplacingMergeTree(received_at)',
  orderBy: '(terminal_id, ts, status)',
  partitionBy: 'toYYYYMM(ts)',
  retention: { column: 'ts', days: 400 },
  orgColumns: ['org_code'],
});
export type DriverEventRow = RowOf<typeof DRIVER_EVENTS.columns>;

/**
 * The registry mirrored for analysts, so a query can name a city, an enterprise or a vehicle class. PostgreSQL
 * holds the truth; the mirror copies a table whole whenever it changed, and a key's latest copy wins (FINAL).
 */
const REGISTRY_VERSION_COLUMN = {
  mirrored_at: column('datetime_ms', 'when Vigil copied this version of the row; FINAL keeps the latest'),
};

/** Org units (province, cities, 省直管县, counties), one row per division code. */
export const ORG_UNITS = table({
  name: 'org_units',
  description: 'Org units of the province (province, city, county), mirrored from the operational store.',
  columns: {
    code: column('string', '6-digit division code'),
    name: column('string', 'name of the unit, e.g. 郑州市'),
    level: column('lowcard', 'province | city | county'),
    parent_code: column('string', 'code of the unit above, empty for the province'),
    directly_administered: column('uint8', '1 for a county administered by the province directly (省直管县)', {
      max: 1,
    }),
    ...REGISTRY_VERSION_COLUMN,
  },
  engine: 'ReplacingMergeTree(mirrored_at)',
  orderBy: '(code)',
  orgColumns: ['code'],
});
export type OrgUnitRow = RowOf<typeof ORG_UNITS.columns>;

/** Transport enterprises (运输企业), one row per enterprise id. */
export const ENTERPRISES = table({
  name: 'enterprises',
  description: 'Transport enterprises of the registry, mirrored from the operational store.',
  columns: {
    enterprise_id: column('string', 'enterprise id of the registry'),
    name: column('string', 'registered name'),
    org_code: column('string', 'org unit the enterprise is registered in'),
    business_scope: column('string', 'business scope as registered'),
    licence_no: column('string', 'operating licence number'),
    market_status: column(
      'lowcard',
      "market supervision's status (market_registrations): active, revoked, cancelled, moved_out, other; empty when none",
      { defaultExpression: "''" },
    ),
    market_status_changed_on: column(
      'datetime_ms_nullable',
      'date the register revoked or cancelled it, NULL when not',
    ),
    source: column('lowcard', 'where the registry got the record'),
    updated_at: column('datetime_ms', 'last change in the registry'),
    ...REGISTRY_VERSION_COLUMN,
  },
  engine: 'ReplacingMergeTree(mirrored_at)',
  orderBy: '(enterprise_id)',
  orgColumns: ['org_code'],
});
export type EnterpriseRow = RowOf<typeof ENTERPRISES.columns>;

/** Vehicles of the registry, one row per (plate, plate colour). */
export const VEHICLES = table({
  name: 'vehicles',
  description: 'Vehicles of the registry with their enterprise and terminal, mirrored from the operational store.',
  columns: {
    plate: column('string', 'plate'),
    plate_color: column('uint8', 'JT/T 808 plate colour code (1 blue, 2 yellow, ...)'),
    vehicle_class: column('lowcard', 'coach | dangerous_goods | heavy_truck | tractor | bus | taxi | other'),
    axles: column('uint8', 'number of axles, 0 when unknown'),
    enterprise_id: column(
      'string',
      'enterprise operating the vehicle (bound by the command centres, else the registry), empty when none',
    ),
    enterprise_org_code: column('string', 'org unit of that enterprise, empty when none'),
    home_org_code: column('string', 'org unit the vehicle is registered in, may be empty'),
    terminal_id: column('string', 'terminal fitted to the vehicle, empty when none'),
    permit_valid_until: column('datetime_ms_nullable', 'end of the operating permit, NULL when unknown'),
    route_length_km: column('float32', 'route length of a scheduled service, 0 otherwise'),
    source: column('lowcard', 'where the registry got the record'),
    updated_at: column('datetime_ms', 'last change in the registry'),
    ...REGISTRY_VERSION_COLUMN,
  },
  engine: 'ReplacingMergeTree(mirrored_at)',
  orderBy: '(plate, plate_color)',
  // A vehicle is seen where it is registered and where its enterprise is.
  orgColumns: ['home_org_code', 'enterprise_org_code'],
});
export type VehicleRow = RowOf<typeof VEHICLES.columns>;

export const ANALYTICS_TABLES: readonly TableSpec[] = [
  TELEMETRY,
  ALARMS,
  INGEST_REJECTS,
  ALARM_ACTIONS,
  WORK_ORDER_EVENTS,
  MEDIA_EVENTS,
  CAMERA_EVENTS,
  DEVICE_STATUS,
  DRIVER_EVENTS,
  ORG_UNITS,
  ENTERPRISES,
  VEHICLES,
  TOLL_TRANSACTIONS,
  TRAFFIC_COUNTS,
  RAIL_FLOWS,
  VESSEL_POSITIONS,
  VESSEL_VOYAGES,
  BUS_POSITIONS,
  BUS_STOP_DELAYS,
  GTFS_ROUTES,
  GTFS_STOPS,
  GTFS_TRIPS,
  TAXI_POSITIONS,
  TAXI_ORDER_EVENTS,
  TAXI_PERMITS,
  MARKET_REGISTRATIONS,
  ASSESSMENT_VEHICLE_DAYS,
  ASSESSMENT_ROLLUP_DAYS,
];
