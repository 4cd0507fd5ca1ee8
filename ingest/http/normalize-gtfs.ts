/**
 * GTFS records → the bus tables (schema/bus-tables.ts). A GTFS-Realtime entity (gtfs-rt-body.ts) is a vehicle
 * position → one `bus_positions` row, or a trip update → one `bus_stop_delays` row per stop time update that
 * states a delay; alerts and the other entity kinds are refused as `unsupported_entity`. A GTFS static row
 * (gtfs-zip.ts, or a JSON/CSV record naming its `type`) → `gtfs_routes`, `gtfs_stops` or `gtfs_trips`. Every row
 * is filed under the key's unit as `feed_org`, the namespace of the feed's ids. Field names follow
 * docs/sources/buses.md.
 */
import {
  BUS_POSITIONS,
  BUS_STOP_DELAYS,
  countyAt,
  GTFS_ROUTES,
  GTFS_STOPS,
  GTFS_TRIPS,
  type BusPositionRow,
  type BusStopDelayRow,
  type GtfsRouteRow,
  type GtfsStopRow,
  type GtfsTripRow,
} from '../../schema/index.js';
import {
  asRecord,
  coversOrg,
  normalizeWith,
  optionalText,
  orgCodeOf,
  parseTime,
  RecordProblem,
  refuseUnstorable,
  requiredNumber,
  requiredText,
  wholeNumber,
  type Outcome,
  type SourceRecord,
} from './fields.js';
import type { GtfsRtEntityValue } from './gtfs-rt-body.js';
import type { NormalizeContext } from './normalize-camera.js';

export type GtfsRtRecord =
  | { table: 'positions'; row: BusPositionRow }
  | { table: 'delays'; trip_id: string; ts: number; rows: BusStopDelayRow[] };

export type GtfsStaticRecord =
  { table: 'routes'; row: GtfsRouteRow } | { table: 'stops'; row: GtfsStopRow } | { table: 'trips'; row: GtfsTripRow };

/** A stop time update that states no time (SKIPPED) or says the feed knows none (NO_DATA): nothing to store. */
const NO_TIME = new Set(['SKIPPED', 'NO_DATA']);
/** Metres per second to km/h. */
const KMH_PER_MS = 3.6;

const round = (value: number, decimals: number): number => Math.round(value * 10 ** decimals) / 10 ** decimals;

function part(value: unknown): SourceRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as SourceRecord) : {};
}

const text = (record: SourceRecord, name: string): string => optionalText(record, [name], 64);

/** The entity's own time, else the feed header's; GTFS-Realtime times are POSIX seconds. */
function timeOf(own: unknown, value: GtfsRtEntityValue, ctx: NormalizeContext): number {
  const seconds = typeof own === 'number' && own > 0 ? own : value.header_timestamp;
  if (seconds === undefined)
    throw new RecordProblem('missing_timestamp', 'neither the entity nor the feed header has a timestamp');
  return parseTime(seconds, 'timestamp', ctx.receivedAt, ctx.futureSkewMsMax);
}

/** A position inside a county of another unit than the key's is not this operator's bus. */
function refuseOutOfScope(lon: number, lat: number, keyOrgCode: string, what: string): void {
  const county = countyAt(lon, lat)?.code;
  if (county !== undefined && !coversOrg(keyOrgCode, county))
    throw new RecordProblem(
      'position_out_of_scope',
      `${what} at ${lat}, ${lon} lies in ${county}, outside the sender's org unit ${keyOrgCode}`,
    );
}

function directionOf(trip: SourceRecord): number {
  return trip.directionId === 0 || trip.directionId === 1 ? trip.directionId : 2;
}

function vehiclePosition(vehicle: SourceRecord, value: GtfsRtEntityValue, ctx: NormalizeContext): BusPositionRow {
  const descriptor = part(vehicle.vehicle);
  const trip = part(vehicle.trip);
  const vehicleId = requiredText(descriptor, ['id'], 'missing_vehicle_id', 64);
  if (vehicle.position === undefined) throw new RecordProblem('missing_position', 'vehicle.position is required');
  const position = part(vehicle.position);
  // GTFS-Realtime sends 32-bit floats, which hold a longitude near 113° to some 8e-6°: five decimals (about 1 m)
  // are what the feed measured, the sixth is the float's noise.
  const lat = round(requiredNumber(position, ['latitude'], -90, 90, 'missing_position', 'lat_out_of_range'), 5);
  const lon = round(requiredNumber(position, ['longitude'], -180, 180, 'missing_position', 'lon_out_of_range'), 5);
  if (lat === 0 && lon === 0)
    throw new RecordProblem('missing_position', 'latitude 0, longitude 0 is the default of a receiver without a fix');
  refuseOutOfScope(lon, lat, ctx.keyOrgCode, `vehicle ${vehicleId}`);
  // -1 stands for "not given" in the table; a feed's own -1 is a wrong value, not an absent one.
  const bearing = typeof position.bearing === 'number' ? round(position.bearing, 1) : undefined;
  if (bearing !== undefined && !(bearing >= 0 && bearing <= 360))
    throw new RecordProblem('bad_bearing', `bearing ${bearing} is outside [0, 360]`);
  const speed = typeof position.speed === 'number' ? position.speed : undefined;
  if (speed !== undefined && !(speed >= 0)) throw new RecordProblem('bad_speed', `speed ${speed} m/s is negative`);
  const row: BusPositionRow = {
    org_code: orgCodeOf({}, ctx.keyOrgCode, lon, lat),
    feed_org: ctx.keyOrgCode,
    vehicle_id: vehicleId,
    label: text(descriptor, 'label'),
    plate: text(descriptor, 'licensePlate'),
    route_id: text(trip, 'routeId'),
    trip_id: text(trip, 'tripId'),
    direction_id: directionOf(trip),
    stop_id: text(vehicle, 'stopId'),
    current_status: typeof vehicle.currentStatus === 'string' ? vehicle.currentStatus : '',
    ts: timeOf(vehicle.timestamp, value, ctx),
    lat,
    lon,
    bearing_deg: bearing ?? -1,
    speed_kmh: speed === undefined ? -1 : round(speed * KMH_PER_MS, 1),
    received_at: ctx.receivedAt,
    source: ctx.source,
  };
  refuseUnstorable(BUS_POSITIONS, row, ctx.receivedAt);
  return row;
}

function delayOf(event: unknown): number | undefined {
  const delay = part(event).delay;
  return typeof delay === 'number' ? delay : undefined;
}

function tripDelays(update: SourceRecord, value: GtfsRtEntityValue, ctx: NormalizeContext): GtfsRtRecord {
  const trip = part(update.trip);
  const tripId = requiredText(trip, ['tripId'], 'missing_trip_id', 64);
  const ts = timeOf(update.timestamp, value, ctx);
  const stops = Array.isArray(update.stopTimeUpdate) ? (update.stopTimeUpdate as unknown[]).map(part) : [];
  // The trip's own delay stands for the stops that state none (GTFS-Realtime: a delay propagates down the trip).
  const tripDelay = typeof update.delay === 'number' ? update.delay : undefined;
  if (stops.length === 0 && tripDelay === undefined)
    throw new RecordProblem('missing_stop_time_updates', `trip ${tripId} has no stop time update and no delay`);
  const common = {
    org_code: ctx.keyOrgCode,
    feed_org: ctx.keyOrgCode,
    trip_id: tripId,
    start_date: text(trip, 'startDate'),
    route_id: text(trip, 'routeId'),
    vehicle_id: text(part(update.vehicle), 'id'),
    ts,
    received_at: ctx.receivedAt,
    source: ctx.source,
  };
  const rows: BusStopDelayRow[] = [];
  for (const [i, stop] of stops.entries()) {
    if (typeof stop.scheduleRelationship === 'string' && NO_TIME.has(stop.scheduleRelationship)) continue;
    const stopSequence = wholeNumber(stop, ['stopSequence'], 0, 0, 0xffffffff, 'bad_stop_time_update');
    const stopId = text(stop, 'stopId');
    if (stop.stopSequence === undefined && stopId === '')
      throw new RecordProblem('bad_stop_time_update', `stop_time_update ${i} names neither stop_sequence nor stop_id`);
    const arrival = delayOf(stop.arrival) ?? delayOf(stop.departure) ?? tripDelay;
    if (arrival === undefined)
      throw new RecordProblem(
        'missing_delay',
        `stop_time_update ${i} (${stopId || `sequence ${stopSequence}`}) states no delay, only times`,
      );
    const row: BusStopDelayRow = {
      ...common,
      stop_sequence: stopSequence,
      stop_id: stopId,
      arrival_delay_s: arrival,
      departure_delay_s: delayOf(stop.departure) ?? arrival,
    };
    refuseUnstorable(BUS_STOP_DELAYS, row, ctx.receivedAt);
    rows.push(row);
  }
  if (stops.length === 0 && tripDelay !== undefined) {
    const row: BusStopDelayRow = {
      ...common,
      stop_sequence: 0,
      stop_id: '',
      arrival_delay_s: tripDelay,
      departure_delay_s: tripDelay,
    };
    refuseUnstorable(BUS_STOP_DELAYS, row, ctx.receivedAt);
    rows.push(row);
  }
  return { table: 'delays', trip_id: tripId, ts, rows };
}

const OTHER_ENTITIES = ['alert', 'shape', 'stop', 'tripModifications'];

export function normalizeGtfsRt(value: unknown, ctx: NormalizeContext): Outcome<GtfsRtRecord> {
  return normalizeWith(() => {
    const given = asRecord(value) as unknown as GtfsRtEntityValue;
    const entity = asRecord(given.entity);
    if (entity.isDeleted === true)
      throw new RecordProblem('unsupported_entity', 'a deleted entity (incremental feeds) is not stored');
    if (entity.vehicle !== undefined)
      return { table: 'positions', row: vehiclePosition(part(entity.vehicle), given, ctx) } as const;
    if (entity.tripUpdate !== undefined) return tripDelays(part(entity.tripUpdate), given, ctx);
    const other = OTHER_ENTITIES.find((name) => entity[name] !== undefined);
    throw new RecordProblem(
      other === undefined ? 'empty_entity' : 'unsupported_entity',
      other === undefined
        ? 'the entity holds no vehicle position and no trip update'
        : `${other} entities are not stored (only vehicle positions and trip updates are)`,
    );
  });
}

/** A position measured twice, or a trip's prediction made once, is one: what a replayed feed repeats. */
export function gtfsRtReportId(record: GtfsRtRecord): string {
  if (record.table === 'positions')
    return `gtfs_rt/positions/${record.row.feed_org}/${record.row.vehicle_id}/${record.row.ts}`;
  const first = record.rows[0];
  return `gtfs_rt/delays/${first?.feed_org ?? ''}/${record.trip_id}/${first?.start_date ?? ''}/${record.ts}`;
}

const STATIC_TYPES = ['route', 'stop', 'trip'] as const;

function staticRow(record: SourceRecord, ctx: NormalizeContext): GtfsStaticRecord {
  const type = optionalText(record, ['type'], 16);
  const tail = { org_code: ctx.keyOrgCode, received_at: ctx.receivedAt, source: ctx.source };
  switch (type) {
    case 'route': {
      const shortName = optionalText(record, ['route_short_name'], 64);
      const longName = optionalText(record, ['route_long_name'], 256);
      if (shortName === '' && longName === '')
        throw new RecordProblem('missing_route_name', 'route_short_name or route_long_name is required');
      const row: GtfsRouteRow = {
        ...tail,
        route_id: requiredText(record, ['route_id'], 'missing_route_id', 64),
        short_name: shortName,
        long_name: longName,
        route_type: wholeNumber(record, ['route_type'], -1, 0, 1702, 'bad_route_type'),
        agency_id: optionalText(record, ['agency_id'], 64),
      };
      if (row.route_type === -1) throw new RecordProblem('missing_route_type', 'route_type is required');
      refuseUnstorable(GTFS_ROUTES, row, ctx.receivedAt);
      return { table: 'routes', row };
    }
    case 'stop': {
      const stopId = requiredText(record, ['stop_id'], 'missing_stop_id', 64);
      const lat = requiredNumber(record, ['stop_lat'], -90, 90, 'missing_position', 'lat_out_of_range');
      const lon = requiredNumber(record, ['stop_lon'], -180, 180, 'missing_position', 'lon_out_of_range');
      refuseOutOfScope(lon, lat, ctx.keyOrgCode, `stop ${stopId}`);
      const row: GtfsStopRow = { ...tail, stop_id: stopId, name: optionalText(record, ['stop_name'], 256), lat, lon };
      refuseUnstorable(GTFS_STOPS, row, ctx.receivedAt);
      return { table: 'stops', row };
    }
    case 'trip': {
      const row: GtfsTripRow = {
        ...tail,
        trip_id: requiredText(record, ['trip_id'], 'missing_trip_id', 64),
        route_id: requiredText(record, ['route_id'], 'missing_route_id', 64),
        service_id: optionalText(record, ['service_id'], 64),
        direction_id: wholeNumber(record, ['direction_id'], 2, 0, 1, 'bad_direction_id'),
        headsign: optionalText(record, ['trip_headsign'], 256),
      };
      refuseUnstorable(GTFS_TRIPS, row, ctx.receivedAt);
      return { table: 'trips', row };
    }
    default:
      throw new RecordProblem(
        type === '' ? 'missing_type' : 'bad_type',
        `type must be one of ${STATIC_TYPES.join(', ')}${type === '' ? '' : `, got ${JSON.stringify(type)}`}`,
      );
  }
}

export function normalizeGtfsStatic(value: unknown, ctx: NormalizeContext): Outcome<GtfsStaticRecord> {
  return normalizeWith(() => staticRow(asRecord(value), ctx));
}

/** A row sent again unchanged is a retry; a changed one (a renamed route) is new and replaces the stored one. */
export function gtfsStaticReportId(record: GtfsStaticRecord): string {
  const { received_at: _received, source: _source, ...content } = record.row;
  return `gtfs_static/${record.table}/${JSON.stringify(content)}`;
}
