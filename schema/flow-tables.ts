/**
 * The tables of the sources that count and charge rather than sight one vehicle at one place (guideline G6):
 * expressway toll transactions, trunk-road traffic counts (交调站) and rail passenger flows. Each is its own
 * table because each has its own natural key and its own questions; they join the rest on the plate
 * (`toll_transactions` with `camera_events`, `telemetry`, `vehicles`, `alarms`) or on the division code
 * (`org_code` with `org_units` and every other table).
 */
import { column, type RowOf } from './columns.js';
import { BAD_PLATE_REASON, PLATE_PATTERN } from './plates.js';
import { table } from './table-spec.js';

const ORG_CODE_PATTERN = /^\d{6}$/;
/** Station ids are the source's own; required and bounded like the device ids of `camera_events`. */
const STATION_ID = { pattern: /^.{1,64}$/, reason: 'bad_station_id' };

/**
 * One expressway toll transaction (通行交易): the vehicle entered at one station and left at another, and the exit
 * charged it. `org_code` is where the exit station stands (the key's unit must cover it); `entry_org_code` is the
 * county of the entry station when its position is given and inside the province, so a county sees the
 * journeys that began at its stations. Deduplicated on (source, event_id).
 */
export const TOLL_TRANSACTIONS = table({
  name: 'toll_transactions',
  description:
    'Expressway toll transactions (entry and exit station, times, plate, class, axles, weight where weighed), deduplicated on (source, event_id).',
  columns: {
    event_id: column('string', "the toll system's transaction id, unique per source", {
      pattern: /^.{1,120}$/,
      reason: 'bad_event_id',
    }),
    plate: column('string', 'plate as the toll system recorded it, without separators', {
      pattern: PLATE_PATTERN,
      reason: BAD_PLATE_REASON,
    }),
    plate_color: column('uint8', 'JT/T 415 plate colour code, 0 when unknown', { max: 9, reason: 'bad_plate_color' }),
    toll_class: column(
      'uint8',
      'toll vehicle class of JT/T 489-2019: 1-4 passenger (客1-客4), 11-16 truck (货1-货6), 21-26 special (专1-专6); 0 unknown',
      { max: 26, reason: 'bad_toll_class' },
    ),
    axles: column('uint8', 'axle count, 0 when not given', { max: 20, reason: 'bad_axles' }),
    entry_station_id: column('string', 'toll station the vehicle entered at', STATION_ID),
    entry_station_name: column('string', 'its name, e.g. 郑州东站', { defaultExpression: "''" }),
    entry_time: column('datetime_ms', 'when the vehicle entered', { reason: 'bad_time' }),
    entry_lat: column('float64', 'latitude of the entry station, 0 when not given', {
      min: -90,
      max: 90,
      reason: 'lat_out_of_range',
    }),
    entry_lon: column('float64', 'longitude of the entry station, 0 when not given', {
      min: -180,
      max: 180,
      reason: 'lon_out_of_range',
    }),
    entry_org_code: column('lowcard', 'county of the entry station, empty when its position is unknown or outside', {
      pattern: /^(\d{6})?$/,
      reason: 'bad_org_code',
      defaultExpression: "''",
    }),
    exit_station_id: column('string', 'toll station the vehicle left at (where it was charged)', STATION_ID),
    exit_station_name: column('string', 'its name', { defaultExpression: "''" }),
    exit_time: column('datetime_ms', 'when the vehicle left', { reason: 'bad_time' }),
    exit_lat: column('float64', 'latitude of the exit station, 0 when not given', {
      min: -90,
      max: 90,
      reason: 'lat_out_of_range',
    }),
    exit_lon: column('float64', 'longitude of the exit station, 0 when not given', {
      min: -180,
      max: 180,
      reason: 'lon_out_of_range',
    }),
    weighed_at: column('lowcard', "'entry' or 'exit': the station whose lane weighed the vehicle; empty when none did"),
    gross_kg: column('uint32', 'gross weight the lane measured, kg; 0 when not weighed', {
      max: 500_000,
      reason: 'bad_weight',
    }),
    axle_weights_kg: column(
      'uint32_array',
      'weight per axle the lane measured, kg, front to back; empty when not given',
    ),
    fee_yuan: column('float64', 'amount charged, yuan; 0 when not given', {
      min: 0,
      max: 1_000_000,
      reason: 'bad_fee',
    }),
    obu_id: column('string', 'ETC on-board unit id, empty for a cash or card (MTC) lane', { defaultExpression: "''" }),
    org_code: column('string', '6-digit division where the exit station stands', {
      pattern: ORG_CODE_PATTERN,
      reason: 'bad_org_code',
    }),
    received_at: column('datetime_ms', 'time Vigil received the record'),
    source: column('lowcard', 'API key (key:<id>) that delivered it'),
  },
  engine: 'ReplacingMergeTree(received_at)',
  orderBy: '(source, event_id)',
  partitionBy: 'toYYYYMM(exit_time)',
  retention: { column: 'exit_time', days: 400 },
  orgColumns: ['org_code', 'entry_org_code'],
});
export type TollTransactionRow = RowOf<typeof TOLL_TRANSACTIONS.columns>;

/**
 * Counts of a traffic survey station (交调站) per interval, lane and vehicle class. The row's identity is the
 * interval of a station's lane and class, not the report: a station correcting an interval sends it again and
 * the later report replaces the earlier one (ReplacingMergeTree on received_at), so sums never count one
 * interval twice.
 */
export const TRAFFIC_COUNTS = table({
  name: 'traffic_counts',
  description:
    'Traffic survey station (交调站) counts per station, direction, lane, vehicle class and interval; a later report of an interval replaces the earlier.',
  columns: {
    station_id: column('string', 'survey station id as the survey system names it', STATION_ID),
    station_name: column('string', 'station name', { defaultExpression: "''" }),
    road: column('string', 'route the station counts, e.g. G107, S312; empty when not given', {
      defaultExpression: "''",
    }),
    direction: column('lowcard', 'direction as the source names it (上行 / 下行, east, ...); empty when not given'),
    lane: column('uint8', 'lane number, 0 for the whole direction', { max: 99, reason: 'bad_lane' }),
    vehicle_class: column('lowcard', "the survey's vehicle class code or name as sent, e.g. 1 or 中小客车", {
      pattern: /^.{1,32}$/,
      reason: 'bad_vehicle_class',
    }),
    interval_start: column('datetime_ms', 'start of the counting interval', { reason: 'bad_time' }),
    interval_minutes: column('uint16', 'length of the interval, minutes (1-1440)', {
      min: 1,
      max: 1440,
      reason: 'bad_interval_minutes',
    }),
    volume: column('uint32', 'vehicles counted in the interval', { max: 1_000_000, reason: 'bad_volume' }),
    mean_speed_kmh: column('float32', 'mean spot speed of the vehicles counted, km/h; 0 when none or not measured', {
      min: 0,
      max: 300,
      reason: 'speed_out_of_range',
    }),
    occupancy_percent: column('float32', 'time occupancy of the detector, percent; 0 when not measured', {
      min: 0,
      max: 100,
      reason: 'bad_occupancy',
    }),
    lat: column('float64', 'latitude of the station, 0 when not given', {
      min: -90,
      max: 90,
      reason: 'lat_out_of_range',
    }),
    lon: column('float64', 'longitude of the station, 0 when not given', {
      min: -180,
      max: 180,
      reason: 'lon_out_of_range',
    }),
    org_code: column('string', '6-digit division where the station stands', {
      pattern: ORG_CODE_PATTERN,
      reason: 'bad_org_code',
    }),
    received_at: column('datetime_ms', 'time Vigil received the report; the latest report of an interval wins'),
    source: column('lowcard', 'API key (key:<id>) that delivered it'),
  },
  engine: 'ReplacingMergeTree(received_at)',
  orderBy: '(station_id, interval_start, direction, lane, vehicle_class)',
  partitionBy: 'toYYYYMM(interval_start)',
  retention: { column: 'interval_start', days: 400 },
  orgColumns: ['org_code'],
});
export type TrafficCountRow = RowOf<typeof TRAFFIC_COUNTS.columns>;

/**
 * Passengers arriving at and departing from a rail station (a transport hub) per interval. Like the traffic
 * counts, a later report of a station's interval replaces the earlier one.
 */
export const RAIL_FLOWS = table({
  name: 'rail_flows',
  description:
    'Rail station passenger flows (arrivals, departures) per station and interval; a later report of an interval replaces the earlier.',
  columns: {
    station_id: column(
      'string',
      "station id as the railway's system names it, e.g. its telegraph code ZAF",
      STATION_ID,
    ),
    station_name: column('string', 'station name, e.g. 郑州东', { defaultExpression: "''" }),
    interval_start: column('datetime_ms', 'start of the interval', { reason: 'bad_time' }),
    interval_minutes: column('uint16', 'length of the interval, minutes (1-1440)', {
      min: 1,
      max: 1440,
      reason: 'bad_interval_minutes',
    }),
    arrivals: column('uint32', 'passengers who arrived (left trains) in the interval', {
      max: 10_000_000,
      reason: 'bad_passengers',
    }),
    departures: column('uint32', 'passengers who departed (boarded trains) in the interval', {
      max: 10_000_000,
      reason: 'bad_passengers',
    }),
    lat: column('float64', 'latitude of the station, 0 when not given', {
      min: -90,
      max: 90,
      reason: 'lat_out_of_range',
    }),
    lon: column('float64', 'longitude of the station, 0 when not given', {
      min: -180,
      max: 180,
      reason: 'lon_out_of_range',
    }),
    org_code: column('string', '6-digit division where the station stands', {
      pattern: ORG_CODE_PATTERN,
      reason: 'bad_org_code',
    }),
    received_at: column('datetime_ms', 'time Vigil received the report; the latest report of an interval wins'),
    source: column('lowcard', 'API key (key:<id>) that delivered it'),
  },
  engine: 'ReplacingMergeTree(received_at)',
  orderBy: '(station_id, interval_start)',
  partitionBy: 'toYYYYMM(interval_start)',
  retention: { column: 'interval_start', days: 400 },
  orgColumns: ['org_code'],
});
export type RailFlowRow = RowOf<typeof RAIL_FLOWS.columns>;
