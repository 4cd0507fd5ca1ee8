/**
 * Counts per interval → `traffic_counts` rows (traffic survey stations, 交调站) and `rail_flows` rows (rail
 * station passenger flows). Both are identified by what they count (station, interval, and for traffic the
 * direction, lane and vehicle class), not by a report id: a later report of the same interval replaces the
 * earlier one in ClickHouse. Field names follow docs/sources/traffic_count.md and rail_flow.md.
 */
import { RAIL_FLOWS, TRAFFIC_COUNTS, type RailFlowRow, type TrafficCountRow } from '../../schema/index.js';
import { countingInterval } from './counting-interval.js';
import {
  asRecord,
  coordinates,
  normalizeWith,
  optionalNumber,
  optionalText,
  orgCodeOf,
  RecordProblem,
  refuseUnstorable,
  requiredText,
  requiredWholeNumber,
  wholeNumber,
  type Outcome,
} from './fields.js';
import type { NormalizeContext } from './normalize-camera.js';

/** Vehicles one lane and class can pass in a day is far below this; more is a counter fault. */
const VOLUME_MAX = 1_000_000;
/** Passengers through one station in one interval: Zhengzhou East, the busiest, handles some 10^5 a day. */
const PASSENGERS_MAX = 10_000_000;

export function normalizeTrafficCount(value: unknown, ctx: NormalizeContext): Outcome<TrafficCountRow> {
  return normalizeWith(() => {
    const record = asRecord(value);
    const stationId = requiredText(record, ['station_id'], 'missing_station_id', 64);
    const vehicleClass = requiredText(record, ['vehicle_class'], 'missing_vehicle_class', 32);
    const interval = countingInterval(record, ctx.receivedAt, ctx.futureSkewMsMax);
    const volume = requiredWholeNumber(record, ['volume', 'count'], 0, VOLUME_MAX, 'missing_volume', 'bad_volume');
    const meanSpeed = optionalNumber(record, ['mean_speed_kmh', 'speed_kmh'], 0, 0, 300, 'speed_out_of_range');
    // A speed measured over no vehicles is a detector fault or a shifted column, not a count to keep.
    if (volume === 0 && meanSpeed > 0)
      throw new RecordProblem('speed_without_vehicles', `mean_speed_kmh ${meanSpeed} is given for a volume of 0`);
    const { lat, lon } = coordinates(record);
    const row: TrafficCountRow = {
      station_id: stationId,
      station_name: optionalText(record, ['station_name'], 64),
      road: optionalText(record, ['road', 'route'], 16),
      direction: optionalText(record, ['direction'], 16),
      lane: wholeNumber(record, ['lane'], 0, 0, 99, 'bad_lane'),
      vehicle_class: vehicleClass,
      ...interval,
      volume,
      mean_speed_kmh: meanSpeed,
      occupancy_percent: optionalNumber(record, ['occupancy_percent'], 0, 0, 100, 'bad_occupancy'),
      lat,
      lon,
      org_code: orgCodeOf(record, ctx.keyOrgCode, lon, lat),
      received_at: ctx.receivedAt,
      source: ctx.source,
    };
    refuseUnstorable(TRAFFIC_COUNTS, row, ctx.receivedAt);
    return row;
  });
}

export function normalizeRailFlow(value: unknown, ctx: NormalizeContext): Outcome<RailFlowRow> {
  return normalizeWith(() => {
    const record = asRecord(value);
    const stationId = requiredText(record, ['station_id'], 'missing_station_id', 64);
    const interval = countingInterval(record, ctx.receivedAt, ctx.futureSkewMsMax);
    const passengers = (field: string) =>
      requiredWholeNumber(record, [field], 0, PASSENGERS_MAX, `missing_${field}`, 'bad_passengers');
    const { lat, lon } = coordinates(record);
    const row: RailFlowRow = {
      station_id: stationId,
      station_name: optionalText(record, ['station_name'], 64),
      ...interval,
      arrivals: passengers('arrivals'),
      departures: passengers('departures'),
      lat,
      lon,
      org_code: orgCodeOf(record, ctx.keyOrgCode, lon, lat),
      received_at: ctx.receivedAt,
      source: ctx.source,
    };
    refuseUnstorable(RAIL_FLOWS, row, ctx.receivedAt);
    return row;
  });
}

/**
 * What makes a count report a retry rather than a correction: its interval's identity and its values. A retried
 * batch is answered as duplicates without reaching the log; a corrected count goes through and replaces.
 */
export function countReportId(row: TrafficCountRow | RailFlowRow): string {
  return 'vehicle_class' in row
    ? [
        row.station_id,
        row.interval_start,
        row.direction,
        row.lane,
        row.vehicle_class,
        row.interval_minutes,
        row.volume,
        row.mean_speed_kmh,
        row.occupancy_percent,
        row.org_code,
      ].join('\u0000')
    : [row.station_id, row.interval_start, row.interval_minutes, row.arrivals, row.departures, row.org_code].join(
        '\u0000',
      );
}
