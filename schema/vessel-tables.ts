/**
 * Shipping (guideline G6: 水运): what vessels on the province's inland waterways broadcast over AIS, as decoded
 * by ingest/ais. Position reports (message types 1-3) and static and voyage data (type 5) are two tables, as
 * they are two kinds of message; both are keyed by the vessel's MMSI and the receiver's time, and join on
 * `mmsi` (a vessel's name and type for its positions) and on `org_code` with the rest.
 */
import { column, type RowOf } from './columns.js';
import { table } from './table-spec.js';

const COMMON = {
  mmsi: column('uint32', 'maritime mobile service identity of the vessel (9 digits; 412-414 for China)', {
    min: 1,
    max: 999_999_999,
    reason: 'bad_mmsi',
  }),
  ts: column('datetime_ms', 'when the receiving station heard the message', { reason: 'bad_time' }),
  station_id: column('string', 'the AIS receiving station, empty when not given', { defaultExpression: "''" }),
  org_code: column('string', '6-digit division: the county at the position, else the key unit', {
    pattern: /^\d{6}$/,
    reason: 'bad_org_code',
  }),
  raw: column('string', 'the !AIVDM sentences as received, one per line'),
  received_at: column('datetime_ms', 'time Vigil received the record'),
  source: column('lowcard', 'API key (key:<id>) that delivered it'),
};

export const VESSEL_POSITIONS = table({
  name: 'vessel_positions',
  description: 'AIS position reports of class A vessels (message types 1-3), deduplicated on (mmsi, ts).',
  columns: {
    ...COMMON,
    message_type: column('uint8', 'AIS message type: 1, 2 or 3', { min: 1, max: 3 }),
    nav_status: column(
      'uint8',
      'navigational status: 0 under way using engine, 1 at anchor, 5 moored, 15 undefined, ...',
      {
        max: 15,
      },
    ),
    lat: column('float64', 'latitude, signed degrees (WGS-84)', { min: -90, max: 90, reason: 'lat_out_of_range' }),
    lon: column('float64', 'longitude, signed degrees', { min: -180, max: 180, reason: 'lon_out_of_range' }),
    speed_knots: column('float32', 'speed over ground, knots; -1 when not available', { min: -1, max: 102.2 }),
    course_deg: column('float32', 'course over ground, degrees; -1 when not available', { min: -1, max: 359.9 }),
    heading_deg: column('float32', 'true heading, degrees; -1 when not available', { min: -1, max: 359 }),
    utc_second: column('uint8', 'UTC second of the fix as the vessel sent it; 60 when not available', { max: 60 }),
  },
  engine: 'ReplacingMergeTree(received_at)',
  orderBy: '(mmsi, ts)',
  shardingKey: 'cityHash64(mmsi)',
  partitionBy: 'toYYYYMM(ts)',
  retention: { column: 'ts', days: 400 },
  orgColumns: ['org_code'],
});
export type VesselPositionRow = RowOf<typeof VESSEL_POSITIONS.columns>;

export const VESSEL_VOYAGES = table({
  name: 'vessel_voyages',
  description: 'AIS static and voyage data of class A vessels (message type 5), deduplicated on (mmsi, ts).',
  columns: {
    ...COMMON,
    imo: column('uint32', 'IMO number, 0 when not available (most inland vessels)'),
    call_sign: column('string', 'call sign'),
    name: column('string', 'vessel name'),
    ship_type: column('uint8', 'type of ship and cargo: 60-69 passenger, 70-79 cargo, 80-89 tanker, ...'),
    length_m: column('uint16', 'length overall, m (bow plus stern dimension)'),
    beam_m: column('uint16', 'beam, m (port plus starboard dimension)'),
    draught_m: column('float32', 'present draught, m; 0 when not available', { min: 0, max: 25.5 }),
    destination: column('string', 'destination as entered by the crew'),
    eta: column('string', 'estimated arrival as sent, MM-DD HH:mm UTC without a year; empty when not available', {
      defaultExpression: "''",
    }),
  },
  engine: 'ReplacingMergeTree(received_at)',
  orderBy: '(mmsi, ts)',
  shardingKey: 'cityHash64(mmsi)',
  partitionBy: 'toYYYYMM(ts)',
  retention: { column: 'ts', days: 400 },
  orgColumns: ['org_code'],
});
export type VesselVoyageRow = RowOf<typeof VESSEL_VOYAGES.columns>;
