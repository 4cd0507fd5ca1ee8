/**
 * The normalizers of toll transactions, traffic survey counts, rail passenger flows and AIS messages, on records
 * written by hand (AIS by Vigil's own encoder) after docs/sources/toll.md, traffic_count.md, rail_flow.md, ais.md: what a good record becomes, and the named
 * reason of each bad one.
 */
import { describe, expect, it } from 'vitest';
import { encodePosition, encodeVoyage, toSentences } from '../ais/index.js';
import { normalizeAis } from './normalize-ais.js';
import { countReportId, normalizeRailFlow, normalizeTrafficCount } from './normalize-counts.js';
import { normalizeToll, TOLL_TRIP_HOURS_MAX } from './normalize-toll.js';

const NOW = Date.UTC(2026, 10, 28, 2, 0, 0);
const ctx = { source: 'key:9', keyOrgCode: '410000', receivedAt: NOW, futureSkewMsMax: 600_000 };
const MIN = 60_000;

/** Zhengzhou East (郑州东) toll station to Xinxiang (新乡) on G4, a 6-axle truck weighed at the entry lane. */
const TOLL = {
  event_id: 'G4101-20261128-0001',
  plate: '豫A·H5678',
  plate_color: '黄',
  toll_class: '货6',
  axles: 6,
  entry_station_id: 'S41010101',
  entry_station_name: '郑州东站',
  entry_time: '2026-11-28 08:10:00',
  entry_lat: 34.76,
  entry_lon: 113.77,
  exit_station_id: 'S41070201',
  exit_station_name: '新乡站',
  exit_time: '2026-11-28 09:05:00',
  exit_lat: 35.3,
  exit_lon: 113.93,
  gross_kg: 55_000,
  axle_weights_kg: [7000, 10_000, 9500, 9500, 9500, 9500],
  fee_yuan: 268.5,
  obu_id: 'OBU410100000123',
};

function reasonOf(outcome: { ok: boolean; reason?: string }): string | undefined {
  return outcome.ok ? undefined : outcome.reason;
}

describe('toll transactions', () => {
  it('become a toll_transactions row and an entry and an exit sighting, the weight on the weighed one', () => {
    const out = normalizeToll(TOLL, ctx);
    if (!out.ok) throw new Error(`${out.reason}: ${out.detail}`);
    const { transaction, sightings } = out.value;
    expect(transaction).toMatchObject({
      event_id: 'G4101-20261128-0001',
      plate: '豫AH5678',
      plate_color: 2,
      toll_class: 16,
      axles: 6,
      entry_time: Date.UTC(2026, 10, 28, 0, 10, 0),
      exit_time: Date.UTC(2026, 10, 28, 1, 5, 0),
      weighed_at: 'entry',
      gross_kg: 55_000,
      fee_yuan: 268.5,
      source: 'key:9',
    });
    // The exit station stands in Xinxiang (4107xx), the entry in Zhengzhou (4101xx).
    expect(transaction.org_code).toMatch(/^4107\d\d$/);
    expect(transaction.entry_org_code).toMatch(/^4101\d\d$/);
    const [entry, exit] = sightings;
    expect(entry).toMatchObject({
      event_id: 'G4101-20261128-0001:entry',
      kind: 'toll',
      device_id: 'S41010101',
      ts: transaction.entry_time,
      org_code: transaction.entry_org_code,
      gross_kg: 55_000,
      axle_weights_kg: TOLL.axle_weights_kg,
      axles: 6,
    });
    expect(exit).toMatchObject({
      event_id: 'G4101-20261128-0001:exit',
      device_id: 'S41070201',
      ts: transaction.exit_time,
      org_code: transaction.org_code,
      gross_kg: 0,
      axle_weights_kg: [],
    });
  });

  it('puts the weight on the exit sighting when the exit lane weighed, and on neither when none did', () => {
    const atExit = normalizeToll({ ...TOLL, weighed_at: 'exit' }, ctx);
    expect(atExit.ok && atExit.value.sightings.map((s) => s.gross_kg)).toEqual([0, 55_000]);
    const unweighed = normalizeToll({ ...TOLL, gross_kg: undefined, axle_weights_kg: undefined }, ctx);
    expect(unweighed.ok && unweighed.value.transaction.weighed_at).toBe('');
    expect(unweighed.ok && unweighed.value.sightings.map((s) => s.gross_kg)).toEqual([0, 0]);
  });

  it('files an entry without a position under the exit station unit', () => {
    const out = normalizeToll({ ...TOLL, entry_lat: undefined, entry_lon: undefined }, ctx);
    if (!out.ok) throw new Error(out.reason);
    expect(out.value.transaction.entry_org_code).toBe('');
    expect(out.value.sightings[0].org_code).toBe(out.value.transaction.org_code);
  });

  it.each([
    [{ event_id: undefined }, 'missing_event_id'],
    [{ plate: undefined }, 'missing_plate'],
    [{ plate: '豫A\u200b12345' }, 'bad_plate'],
    [{ entry_station_id: '' }, 'missing_entry_station_id'],
    [{ exit_station_id: undefined }, 'missing_exit_station_id'],
    [{ entry_time: 'this morning' }, 'bad_time'],
    [{ exit_time: NOW + 3_600_000 }, 'time_in_future'],
    [{ exit_time: '2026-11-28 08:00:00' }, 'exit_before_entry'],
    [{ entry_time: NOW - (TOLL_TRIP_HOURS_MAX + 1) * 3_600_000 }, 'trip_too_long'],
    [{ toll_class: '货9' }, 'bad_toll_class'],
    [{ toll_class: 7 }, 'bad_toll_class'],
    [{ axles: 1 }, 'bad_axles'],
    [{ axles: 5.5 }, 'bad_axles'],
    [{ axles: undefined, axle_weights_kg: undefined }, 'missing_axles'],
    [{ gross_kg: 900_000 }, 'bad_weight'],
    [{ axle_weights_kg: [7000, 10_000] }, 'axle_count_mismatch'],
    [{ gross_kg: undefined }, 'missing_gross_kg'],
    [{ weighed_at: 'gantry' }, 'bad_weighed_at'],
    [{ fee_yuan: -1 }, 'bad_fee'],
    [{ exit_lat: 91 }, 'lat_out_of_range'],
    [{ org_code: '4101' }, 'bad_org_code'],
  ])('refuses %o as %s', (change, reason) => {
    expect(reasonOf(normalizeToll({ ...TOLL, ...change }, ctx))).toBe(reason);
  });

  it('refuses an exit station outside the key unit, and files one without a unit under the key', () => {
    const inXinxiang = { ...TOLL, org_code: '410702' };
    expect(reasonOf(normalizeToll(inXinxiang, { ...ctx, keyOrgCode: '410100' }))).toBe('org_out_of_scope');
    expect(reasonOf(normalizeToll(inXinxiang, { ...ctx, keyOrgCode: '410700' }))).toBeUndefined();
    // As for every kind: coordinates outside the key's unit and no org_code file the record under the key's unit.
    const out = normalizeToll(TOLL, { ...ctx, keyOrgCode: '410100' });
    expect(out.ok && out.value.transaction.org_code).toBe('410100');
  });

  it('accepts the numeric JT/T 489 codes and reads the class as vehicle_class too', () => {
    const passenger = normalizeToll({ ...TOLL, toll_class: undefined, vehicle_class: 1 }, ctx);
    expect(passenger.ok && passenger.value.transaction.toll_class).toBe(1);
    const special = normalizeToll({ ...TOLL, toll_class: '专3' }, ctx);
    expect(special.ok && special.value.transaction.toll_class).toBe(23);
  });
});

const COUNT = {
  station_id: 'JD-G107-K712',
  station_name: '新郑观测站',
  road: 'G107',
  direction: '上行',
  lane: 1,
  vehicle_class: '中小客车',
  interval_start: '2026-11-28 09:00:00',
  interval_minutes: 15,
  volume: 212,
  mean_speed_kmh: 63.4,
  occupancy_percent: 7.5,
  lat: 34.4,
  lon: 113.74,
};

describe('traffic counts', () => {
  it('become a traffic_counts row in the county of the station', () => {
    const out = normalizeTrafficCount(COUNT, ctx);
    if (!out.ok) throw new Error(`${out.reason}: ${out.detail}`);
    expect(out.value).toMatchObject({
      station_id: 'JD-G107-K712',
      road: 'G107',
      direction: '上行',
      lane: 1,
      vehicle_class: '中小客车',
      interval_start: Date.UTC(2026, 10, 28, 1, 0, 0),
      interval_minutes: 15,
      volume: 212,
      mean_speed_kmh: 63.4,
      source: 'key:9',
    });
    expect(out.value.org_code).toMatch(/^4101\d\d$/);
  });

  it.each([
    [{ station_id: undefined }, 'missing_station_id'],
    [{ vehicle_class: '' }, 'missing_vehicle_class'],
    [{ interval_start: 'morning' }, 'bad_time'],
    [{ interval_minutes: undefined }, 'missing_interval_minutes'],
    [{ interval_minutes: 0 }, 'bad_interval_minutes'],
    [{ interval_minutes: 2000 }, 'bad_interval_minutes'],
    [{ interval_minutes: 7.5 }, 'bad_interval_minutes'],
    // 09:55 China time for 15 min ends 10:10, after the server clock of 10:00 plus the 10 min skew allowed.
    [{ interval_start: '2026-11-28 09:56:00' }, 'interval_not_over'],
    [{ volume: undefined }, 'missing_volume'],
    [{ volume: -3 }, 'bad_volume'],
    [{ volume: 'many' }, 'bad_volume'],
    [{ mean_speed_kmh: 400 }, 'speed_out_of_range'],
    [{ volume: 0 }, 'speed_without_vehicles'],
    [{ occupancy_percent: 120 }, 'bad_occupancy'],
    [{ lane: 100 }, 'bad_lane'],
    [{ org_code: '410300' }, 'org_out_of_scope'],
  ])('refuses %o as %s', (change, reason) => {
    expect(reasonOf(normalizeTrafficCount({ ...COUNT, ...change }, { ...ctx, keyOrgCode: '410100' }))).toBe(reason);
  });

  it('tells a retried report from a corrected one', () => {
    const first = normalizeTrafficCount(COUNT, ctx);
    const again = normalizeTrafficCount({ ...COUNT }, { ...ctx, receivedAt: NOW + MIN });
    const corrected = normalizeTrafficCount({ ...COUNT, volume: 215 }, ctx);
    if (!first.ok || !again.ok || !corrected.ok) throw new Error('not normalized');
    expect(countReportId(again.value)).toBe(countReportId(first.value));
    expect(countReportId(corrected.value)).not.toBe(countReportId(first.value));
  });
});

const FLOW = {
  station_id: 'ZAF',
  station_name: '郑州东',
  interval_start: '2026-11-28 08:00:00',
  interval_minutes: 60,
  arrivals: 8123,
  departures: 9410,
  lat: 34.76,
  lon: 113.78,
};

describe('rail passenger flows', () => {
  it('become a rail_flows row', () => {
    const out = normalizeRailFlow(FLOW, ctx);
    if (!out.ok) throw new Error(`${out.reason}: ${out.detail}`);
    expect(out.value).toMatchObject({
      station_id: 'ZAF',
      station_name: '郑州东',
      interval_start: Date.UTC(2026, 10, 28, 0, 0, 0),
      interval_minutes: 60,
      arrivals: 8123,
      departures: 9410,
    });
    expect(out.value.org_code).toMatch(/^4101\d\d$/);
  });

  it('reads counts sent as text, as a CSV export gives them', () => {
    const out = normalizeRailFlow({ ...FLOW, arrivals: '8123', departures: '9410', interval_minutes: '60' }, ctx);
    expect(out.ok && [out.value.arrivals, out.value.departures, out.value.interval_minutes]).toEqual([8123, 9410, 60]);
  });

  it.each([
    [{ station_id: ' ' }, 'missing_station_id'],
    [{ arrivals: undefined }, 'missing_arrivals'],
    [{ departures: undefined }, 'missing_departures'],
    [{ arrivals: -1 }, 'bad_passengers'],
    [{ departures: 1.5 }, 'bad_passengers'],
    [{ interval_start: '2026-11-28 09:55:00', interval_minutes: 60 }, 'interval_not_over'],
    [{ interval_start: '2024-01-01 00:00:00' }, 'too_old_for_retention'],
    [{ lon: 181 }, 'lon_out_of_range'],
  ])('refuses %o as %s', (change, reason) => {
    expect(reasonOf(normalizeRailFlow({ ...FLOW, ...change }, ctx))).toBe(reason);
  });
});

describe('AIS records', () => {
  const position = toSentences(
    encodePosition({
      type: 2,
      mmsi: 413_900_001,
      navStatus: 1,
      speedKnots: null,
      lon: 113.62,
      lat: 34.75,
      courseDeg: null,
      headingDeg: null,
      utcSecond: null,
    }),
  );

  it('become a vessel_positions row at the receiving time, not-available readings as -1', () => {
    const out = normalizeAis({ station_id: 'AIS-1', time: NOW - MIN, sentences: position }, ctx);
    if (!out.ok) throw new Error(`${out.reason}: ${out.detail}`);
    expect(out.value).toMatchObject({
      table: 'positions',
      row: {
        mmsi: 413_900_001,
        ts: NOW - MIN,
        message_type: 2,
        nav_status: 1,
        speed_knots: -1,
        course_deg: -1,
        heading_deg: -1,
        utc_second: 60,
        station_id: 'AIS-1',
        raw: position[0],
      },
    });
    expect(out.value.row.org_code).toMatch(/^4101\d\d$/);
  });

  it('keep an ETA the vessel did not give as empty, and file voyage data under the key unit', () => {
    const voyage = toSentences(
      encodeVoyage({
        type: 5,
        mmsi: 413_900_001,
        imo: 9_123_456,
        callSign: 'BQ1',
        name: 'HE NAN 1',
        shipType: 60,
        lengthM: 40,
        beamM: 8,
        draughtM: 0,
        destination: '',
        eta: { month: 0, day: 0, hour: 24, minute: 60 },
      }),
    );
    const out = normalizeAis({ time: NOW, nmea: voyage.join('\r\n') }, ctx);
    if (!out.ok) throw new Error(`${out.reason}: ${out.detail}`);
    expect(out.value).toMatchObject({
      table: 'voyages',
      row: { imo: 9_123_456, name: 'HE NAN 1', eta: '', destination: '', org_code: '410000', station_id: '' },
    });
  });

  it.each([
    [{ sentences: undefined }, 'missing_sentences'],
    [{ sentences: [] }, 'missing_sentences'],
    [{ sentences: [1, 2] }, 'missing_sentences'],
    [{ time: undefined }, 'bad_time'],
    [{ sentences: ['!AIVDM,1,1,,A,,0*26'] }, 'payload_too_short'],
  ])('refuse %o as %s', (change, reason) => {
    expect(reasonOf(normalizeAis({ time: NOW, sentences: position, ...change }, ctx))).toBe(reason);
  });
});
