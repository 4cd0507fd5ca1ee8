/**
 * City buses (城市公交): what a bus operator publishes as GTFS (General Transit Feed Specification). GTFS-Realtime
 * vehicle positions and trip updates are `bus_positions` and `bus_stop_delays`; GTFS static, the timetable's
 * routes, stops and trips, is `gtfs_routes`, `gtfs_stops` and `gtfs_trips`. Ids are the operator's own, unique
 * only within its feed, so every table carries `feed_org`, the org unit of the source key that sent it: positions
 * name their route with `(feed_org, route_id)`, or through their trip with `(feed_org, trip_id)`. `org_code` is
 * where the row belongs for scoping (a position's county, else the feed's unit), as in the other tables.
 */
import { column, type RowOf } from './columns.js';
import { table } from './table-spec.js';

const ORG = {
  org_code: column(
    'string',
    '6-digit division: the county at the position when inside the feed unit, else the feed unit',
    {
      pattern: /^\d{6}$/,
      reason: 'bad_org_code',
    },
  ),
  feed_org: column('string', 'org unit of the source key that sent the feed; ids are unique within it', {
    pattern: /^\d{6}$/,
    reason: 'bad_org_code',
  }),
};

const id = (description: string, reason: string) => column('string', description, { pattern: /^.{1,64}$/su, reason });
const optionalId = (description: string) =>
  column('string', `${description}, empty when not given`, { pattern: /^.{0,64}$/su, defaultExpression: "''" });

const TAIL = {
  received_at: column('datetime_ms', 'time Vigil received the feed'),
  source: column('lowcard', 'API key (key:<id>) or upload (upload:<org code>) that delivered it'),
};

export const BUS_POSITIONS = table({
  name: 'bus_positions',
  description: 'GTFS-Realtime vehicle positions of city buses, deduplicated on (feed_org, vehicle_id, ts).',
  columns: {
    ...ORG,
    vehicle_id: id("the feed's vehicle id (VehicleDescriptor.id)", 'missing_vehicle_id'),
    label: optionalId('label shown to riders, often the fleet number (VehicleDescriptor.label)'),
    plate: optionalId('licence plate (VehicleDescriptor.license_plate)'),
    route_id: optionalId('route of the trip as the feed named it'),
    trip_id: optionalId('trip the bus is serving'),
    direction_id: column('uint8', 'direction of the trip: 0 or 1; 2 when not given', { max: 2 }),
    stop_id: optionalId('stop the bus is at or heading for'),
    current_status: column('lowcard', 'INCOMING_AT | STOPPED_AT | IN_TRANSIT_TO; empty when not given', {
      defaultExpression: "''",
    }),
    ts: column('datetime_ms', 'when the position was measured (VehiclePosition.timestamp, else the feed header)', {
      reason: 'bad_time',
    }),
    lat: column('float64', 'latitude, signed degrees (WGS-84)', { min: -90, max: 90, reason: 'lat_out_of_range' }),
    lon: column('float64', 'longitude, signed degrees', { min: -180, max: 180, reason: 'lon_out_of_range' }),
    bearing_deg: column('float32', 'bearing clockwise from true north, degrees; -1 when not given', {
      min: -1,
      max: 360,
      reason: 'bad_bearing',
    }),
    speed_kmh: column('float32', 'speed, km/h (the feed sends m/s); -1 when not given', {
      min: -1,
      max: 200,
      reason: 'bad_speed',
    }),
    ...TAIL,
  },
  engine: 'ReplacingMergeTree(received_at)',
  orderBy: '(feed_org, vehicle_id, ts)',
  shardingKey: 'cityHash64(feed_org, vehicle_id)',
  partitionBy: 'toYYYYMM(ts)',
  retention: { column: 'ts', days: 400 },
  orgColumns: ['org_code', 'feed_org'],
});
export type BusPositionRow = RowOf<typeof BUS_POSITIONS.columns>;

export const BUS_STOP_DELAYS = table({
  name: 'bus_stop_delays',
  description:
    'GTFS-Realtime trip updates of city buses, one row per stop time update that states a delay; deduplicated on ' +
    '(feed_org, trip_id, start_date, stop_sequence, stop_id, ts), so each prediction of a stop is kept.',
  columns: {
    ...ORG,
    trip_id: id('trip the update is for (TripDescriptor.trip_id)', 'missing_trip_id'),
    start_date: optionalId('service date of the trip, YYYYMMDD'),
    route_id: optionalId('route of the trip as the feed named it'),
    vehicle_id: optionalId('bus serving the trip'),
    stop_sequence: column('uint32', 'stop_sequence of the stop in the trip; 0 when the update names only its stop'),
    stop_id: optionalId('stop the update is for'),
    arrival_delay_s: column('int32', 'predicted (or past) arrival delay, seconds late; negative early', {
      min: -86_400,
      max: 86_400,
      reason: 'delay_out_of_range',
    }),
    departure_delay_s: column('int32', 'predicted departure delay, seconds; equals the arrival delay when not given', {
      min: -86_400,
      max: 86_400,
      reason: 'delay_out_of_range',
    }),
    ts: column('datetime_ms', 'when the prediction was made (TripUpdate.timestamp, else the feed header)', {
      reason: 'bad_time',
    }),
    ...TAIL,
  },
  engine: 'ReplacingMergeTree(received_at)',
  orderBy: '(feed_org, trip_id, start_date, stop_sequence, stop_id, ts)',
  shardingKey: 'cityHash64(feed_org, trip_id)',
  partitionBy: 'toYYYYMM(ts)',
  retention: { column: 'ts', days: 400 },
  orgColumns: ['org_code', 'feed_org'],
});
export type BusStopDelayRow = RowOf<typeof BUS_STOP_DELAYS.columns>;

const STATIC_ORG = {
  org_code: column('string', 'org unit of the feed (the source key or uploader); ids are unique within it', {
    pattern: /^\d{6}$/,
    reason: 'bad_org_code',
  }),
};

export const GTFS_ROUTES = table({
  name: 'gtfs_routes',
  description: "GTFS static routes (routes.txt) of a unit's bus operator; a later upload replaces a route.",
  columns: {
    ...STATIC_ORG,
    route_id: id('route_id', 'missing_route_id'),
    short_name: column('string', 'route_short_name, the number riders know (e.g. 2, B1)'),
    long_name: column('string', 'route_long_name'),
    route_type: column('uint16', 'route_type: 3 bus, 0 tram, 1 metro, 11 trolleybus, ...', {
      reason: 'bad_route_type',
    }),
    agency_id: column('string', 'agency_id, empty when the feed has one agency'),
    ...TAIL,
  },
  engine: 'ReplacingMergeTree(received_at)',
  orderBy: '(org_code, route_id)',
  orgColumns: ['org_code'],
});
export type GtfsRouteRow = RowOf<typeof GTFS_ROUTES.columns>;

export const GTFS_STOPS = table({
  name: 'gtfs_stops',
  description: "GTFS static stops (stops.txt) of a unit's bus operator; a later upload replaces a stop.",
  columns: {
    ...STATIC_ORG,
    stop_id: id('stop_id', 'missing_stop_id'),
    name: column('string', 'stop_name'),
    lat: column('float64', 'stop_lat', { min: -90, max: 90, reason: 'lat_out_of_range' }),
    lon: column('float64', 'stop_lon', { min: -180, max: 180, reason: 'lon_out_of_range' }),
    ...TAIL,
  },
  engine: 'ReplacingMergeTree(received_at)',
  orderBy: '(org_code, stop_id)',
  orgColumns: ['org_code'],
});
export type GtfsStopRow = RowOf<typeof GTFS_STOPS.columns>;

export const GTFS_TRIPS = table({
  name: 'gtfs_trips',
  description: "GTFS static trips (trips.txt) of a unit's bus operator: each trip's route; a later upload replaces.",
  columns: {
    ...STATIC_ORG,
    trip_id: id('trip_id', 'missing_trip_id'),
    route_id: id('route_id of the trip', 'missing_route_id'),
    service_id: column('string', 'service_id (the calendar the trip runs on)'),
    direction_id: column('uint8', 'direction_id: 0 or 1; 2 when not given', { max: 2, reason: 'bad_direction_id' }),
    headsign: column('string', 'trip_headsign'),
    ...TAIL,
  },
  engine: 'ReplacingMergeTree(received_at)',
  orderBy: '(org_code, trip_id)',
  orgColumns: ['org_code'],
});
export type GtfsTripRow = RowOf<typeof GTFS_TRIPS.columns>;
