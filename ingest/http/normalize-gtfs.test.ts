/**
 * GTFS bodies and records without a node: feeds encoded here with gtfs-realtime-bindings (and their JSON forms as
 * the specification names the fields), zips built with fflate, each cut into records and normalized one by one.
 */
import GtfsRealtimeBindings from 'gtfs-realtime-bindings';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { BodyError, type BodyItem } from './body-items.js';
import { jsonFeedItems, protobufFeedItems } from './gtfs-rt-body.js';
import { gtfsZipItems } from './gtfs-zip.js';
import { normalizeGtfsRt, normalizeGtfsStatic, type GtfsRtRecord } from './normalize-gtfs.js';

const rt = GtfsRealtimeBindings.transit_realtime;
const NOW = Date.UTC(2026, 11, 6, 8, 0, 0);
const NOW_S = NOW / 1000;
const ctx = { source: 'key:7', keyOrgCode: '410100', receivedAt: NOW, futureSkewMsMax: 600_000 };

function normalized(item: BodyItem): ReturnType<typeof normalizeGtfsRt> | { ok: false; reason: string } {
  return item.ok ? normalizeGtfsRt(item.value, ctx) : { ok: false, reason: item.reason };
}

function delays(record: ReturnType<typeof normalizeGtfsRt>): [number, string, number, number][] {
  if (!record.ok || record.value.table !== 'delays') throw new Error(JSON.stringify(record));
  return (record.value as Extract<GtfsRtRecord, { table: 'delays' }>).rows.map((r) => [
    r.stop_sequence,
    r.stop_id,
    r.arrival_delay_s,
    r.departure_delay_s,
  ]);
}

describe('GTFS-Realtime feeds', () => {
  it('reads a binary feed entity by entity, the header time standing in for an entity without one', () => {
    const bytes = rt.FeedMessage.encode(
      rt.FeedMessage.create({
        header: { gtfsRealtimeVersion: '2.0', timestamp: NOW_S - 5 },
        entity: [
          {
            id: '1',
            vehicle: {
              vehicle: { id: 'B1', licensePlate: '豫A 12345' },
              position: { latitude: 34.757, longitude: 113.665, bearing: 181.5, speed: 10 },
              currentStatus: rt.VehiclePosition.VehicleStopStatus.STOPPED_AT,
            },
          },
        ],
      }),
    ).finish();
    const [item] = protobufFeedItems(bytes, 10);
    const out = normalized(item!);
    expect(out).toMatchObject({
      ok: true,
      value: {
        table: 'positions',
        row: {
          vehicle_id: 'B1',
          plate: '豫A 12345',
          ts: NOW - 5_000,
          lat: 34.757,
          lon: 113.665,
          bearing_deg: 181.5,
          speed_kmh: 36,
          current_status: 'STOPPED_AT',
          feed_org: '410100',
          direction_id: 2,
        },
      },
    });
  });

  it('refuses a feed whose framing runs past its end, and an entity whose bytes are broken alone', () => {
    expect(() => protobufFeedItems(Uint8Array.from([0x12, 0x09, 0x0a]), 10)).toThrow(BodyError);
    const good = rt.FeedEntity.encode({ id: 'a', vehicle: { vehicle: { id: 'X' } } }).finish();
    const bytes = Uint8Array.from([0x12, good.length, ...good, 0x12, 0x02, 0x0a, 0x07]);
    expect(protobufFeedItems(bytes, 10).map((i) => (i.ok ? 'ok' : i.reason))).toEqual(['ok', 'bad_protobuf']);
    // The same bytes as a Node Buffer, as an HTTP body arrives: an id cut short is refused, not taken shorter.
    const body = Buffer.from(bytes);
    expect(protobufFeedItems(body, 10).map((i) => (i.ok ? 'ok' : i.reason))).toEqual(['ok', 'bad_protobuf']);
    expect(() => protobufFeedItems(bytes, 1)).toThrow('2 entities exceed the 1 allowed per request');
  });

  it('takes the JSON form in snake_case with enum names, and refuses unknown fields and wrong types', () => {
    const feed = {
      header: { gtfs_realtime_version: '2.0', timestamp: NOW_S },
      entity: [
        {
          id: 'u',
          trip_update: {
            trip: { trip_id: 'T1', start_date: '20261206', schedule_relationship: 'SCHEDULED' },
            stop_time_update: [
              { stop_sequence: 1, arrival: { delay: 60 }, departure: { delay: 90 } },
              { stop_sequence: 2, schedule_relationship: 'SKIPPED' },
              { stop_id: 'S3', departure: { delay: 30 } },
            ],
          },
        },
        { id: 'v', vehicle: { vehicle: { id: 'B2' }, position: { latitude: 34.7, longitude: 113.6, heading: 3 } } },
        { id: 'w', vehicle: { vehicle: { id: 'B3' }, current_status: 'PARKED' } },
        { id: 'x', vehicle: { vehicle: { id: 4 }, position: { latitude: [1], longitude: 113.6 } } },
      ],
    };
    const items = jsonFeedItems(JSON.stringify(feed), 10);
    expect(delays(normalized(items[0]!) as ReturnType<typeof normalizeGtfsRt>)).toEqual([
      [1, '', 60, 90],
      [0, 'S3', 30, 30],
    ]);
    // PARKED is no VehicleStopStatus: the class's check refuses it as a wrong value.
    expect(items.slice(1).map((i) => (i.ok ? 'ok' : i.reason))).toEqual([
      'unknown_field',
      'invalid_entity',
      'invalid_entity',
    ]);
    expect(items[1]).toMatchObject({ detail: 'entity.vehicle.position.heading is not a field of GTFS-Realtime' });
    expect(() => jsonFeedItems('{"header":{}}', 10)).toThrow('an object with an entity list');
  });

  it("lets a trip's delay stand for the stops that state none, and refuses what cannot be a delay", () => {
    const entity = (tripUpdate: object) => ({ entity: { id: 'e', tripUpdate }, header_timestamp: NOW_S });
    expect(delays(normalizeGtfsRt(entity({ trip: { tripId: 'T' }, delay: 45 }), ctx))).toEqual([[0, '', 45, 45]]);
    expect(
      delays(normalizeGtfsRt(entity({ trip: { tripId: 'T' }, delay: 45, stopTimeUpdate: [{ stopSequence: 4 }] }), ctx)),
    ).toEqual([[4, '', 45, 45]]);
    const reasons = [
      entity({ trip: { tripId: 'T' } }),
      entity({ trip: { tripId: 'T' }, stopTimeUpdate: [{ arrival: { delay: 1 } }] }),
      entity({ trip: { tripId: 'T' }, stopTimeUpdate: [{ stopSequence: 1, arrival: { time: NOW_S } }] }),
      entity({ trip: { tripId: 'T' }, stopTimeUpdate: [{ stopSequence: 1, arrival: { delay: 90_000 } }] }),
      entity({ trip: {}, delay: 5 }),
      { entity: { id: 'e', tripUpdate: { trip: { tripId: 'T' }, delay: 5 } } },
      { entity: { id: 'e', tripUpdate: { trip: { tripId: 'T' }, delay: 5, timestamp: NOW_S + 3_600 } } },
      { entity: { id: 'e', isDeleted: true } },
      { entity: { id: 'e' } },
    ].map((value) => {
      const out = normalizeGtfsRt(value, ctx);
      return out.ok ? 'ok' : out.reason;
    });
    expect(reasons).toEqual([
      'missing_stop_time_updates',
      'bad_stop_time_update',
      'missing_delay',
      'delay_out_of_range',
      'missing_trip_id',
      'missing_timestamp',
      'time_in_future',
      'unsupported_entity',
      'empty_entity',
    ]);
  });

  it('refuses positions without a fix, out of range or outside the key’s unit', () => {
    const at = (position: object | undefined, extra: object = {}) =>
      normalizeGtfsRt({ entity: { vehicle: { vehicle: { id: 'B' }, position, timestamp: NOW_S, ...extra } } }, ctx);
    const reasons = [
      at(undefined),
      at({ latitude: 0, longitude: 0 }),
      at({ latitude: 34.7, longitude: 190 }),
      at({ latitude: 34.683, longitude: 112.454 }),
      at({ latitude: 34.7, longitude: 113.6, bearing: 400 }),
      at({ latitude: 34.7, longitude: 113.6, bearing: -1 }),
      at({ latitude: 34.7, longitude: 113.6, speed: -1 }),
      at({ latitude: 34.7, longitude: 113.6, speed: 60 }),
    ].map((out) => (out.ok ? 'ok' : out.reason));
    expect(reasons).toEqual([
      'missing_position',
      'missing_position',
      'lon_out_of_range',
      'position_out_of_scope',
      'bad_bearing',
      'bad_bearing',
      'bad_speed',
      'bad_speed',
    ]);
  });
});

describe('GTFS static', () => {
  const csv = (lines: string[]) => strToU8(`\uFEFF${lines.join('\n')}\n`);

  it('reads routes, stops and trips from a zip (in a folder too), in that order, each row with its type', () => {
    const zip = zipSync({
      'feed/trips.txt': csv(['trip_id,route_id,direction_id', 'T1,R1,1']),
      'feed/routes.txt': csv(['route_id,route_short_name,route_type', 'R1,1,3', 'R2,2,3,extra']),
      'feed/agency.txt': csv(['agency_id', 'A']),
    });
    const items = gtfsZipItems(zip, 10);
    expect(items.map((i) => (i.ok ? (i.value as { type: string }).type : i.reason))).toEqual([
      'route',
      'bad_csv_row',
      'trip',
    ]);
    expect(items[1]!.raw).toBe('routes.txt line 3: R2,2,3,extra');
    expect(normalizeGtfsStatic(items[2]!.ok ? items[2]!.value : null, ctx)).toMatchObject({
      ok: true,
      value: { table: 'trips', row: { trip_id: 'T1', route_id: 'R1', direction_id: 1, org_code: '410100' } },
    });
    expect(() => gtfsZipItems(zipSync({ 'agency.txt': csv(['agency_id']) }), 10)).toThrow('holds none of');
    expect(() => gtfsZipItems(strToU8('not a zip'), 10)).toThrow(BodyError);
    expect(() => gtfsZipItems(zip, 1)).toThrow("the feed's routes, stops and trips exceed 1 rows");
  });

  it('refuses rows with their reasons', () => {
    const reasons = [
      { type: 'route', route_id: 'R', route_type: '3' },
      { type: 'route', route_id: 'R', route_short_name: '1' },
      { type: 'route', route_id: 'R', route_short_name: '1', route_type: 'bus' },
      { type: 'stop', stop_id: 'S', stop_lat: '34.7' },
      { type: 'stop', stop_id: 'S', stop_lat: '34.683', stop_lon: '112.454' },
      { type: 'trip', trip_id: 'T' },
      { type: 'trip', trip_id: 'T', route_id: 'R', direction_id: '2' },
      { type: 'calendar' },
      { route_id: 'R' },
    ].map((row) => {
      const out = normalizeGtfsStatic(row, ctx);
      return out.ok ? 'ok' : out.reason;
    });
    expect(reasons).toEqual([
      'missing_route_name',
      'missing_route_type',
      'bad_route_type',
      'missing_position',
      'position_out_of_scope',
      'missing_route_id',
      'bad_direction_id',
      'bad_type',
      'missing_type',
    ]);
  });
});
