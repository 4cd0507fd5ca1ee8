/**
 * Toll transactions, traffic survey counts and rail passenger flows end to end against a real `vigil start`:
 * each posted over real HTTP with a key of its kind; good records land in their ClickHouse tables at once (the
 * answer waits for them), bad ones are refused with their named reasons and kept in `ingest_rejects` while their
 * neighbours go through; a retried batch adds no row; a corrected count replaces the first. A toll transaction
 * whose lane weighed the truck over its limit raises `overload`, and one whose exit is too far from its entry for
 * the time between raises `cloned_plate`, both through the node's own rules. AIS messages made by Vigil's own
 * encoder from the fields of ITU-R M.1371 land as vessel positions and voyage data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';
import { issueKey, postRecords } from './support/ingest-client.js';
import { encodePosition, encodeVoyage, toSentences, type AisPosition } from '../ingest/index.js';

let vigil: VigilProcess;
let admin: string;
const now = Date.now();
const iso = (offsetMs: number): string => new Date(now + offsetMs).toISOString();
const MIN = 60_000;

beforeAll(async () => {
  vigil = await startVigil();
  admin = await vigil.login();
});

afterAll(async () => {
  await vigil?.stop({ removeData: true });
});

async function rows<T extends unknown[]>(sql: string): Promise<T[]> {
  return (await vigil.sql<T>(sql)).rows;
}

async function rejectsOf(source: string, marker: string): Promise<string[]> {
  const result = await rows<[string]>(
    `SELECT reason FROM ingest_rejects WHERE source = '${source}' AND position(raw, '${marker}') > 0 ORDER BY reason`,
  );
  return result.map((r) => r[0]);
}

/** The alarms of a rule for a plate, once there is one: the rules run after the rows are stored. */
async function alarmsOf(rule: string, plate: string): Promise<[string, string, string][]> {
  return eventually(
    async () => {
      const found = await rows<[string, string, string]>(
        `SELECT rule, org_code, details FROM alarms_current WHERE rule = '${rule}' AND plate = '${plate}'`,
      );
      return found.length > 0 ? found : undefined;
    },
    30_000,
    `${rule} alarm for ${plate}`,
  );
}

/** Zhengzhou East toll station, Xinxiang and Anyang on the G4 (positions of the cities, close enough). */
const ZHENGZHOU_EAST = { id: 'S41010101', name: '郑州东站', lat: 34.76, lon: 113.77 };
const XINXIANG = { id: 'S41070201', name: '新乡站', lat: 35.3, lon: 113.93 };
const ANYANG = { id: 'S41050201', name: '安阳站', lat: 36.1, lon: 114.39 };

function toll(
  id: string,
  plate: string,
  entry: typeof ZHENGZHOU_EAST,
  exit: typeof ZHENGZHOU_EAST,
  entryOffsetMs: number,
  exitOffsetMs: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    event_id: id,
    plate,
    plate_color: 2,
    toll_class: '货6',
    axles: 6,
    entry_station_id: entry.id,
    entry_station_name: entry.name,
    entry_time: iso(entryOffsetMs),
    entry_lat: entry.lat,
    entry_lon: entry.lon,
    exit_station_id: exit.id,
    exit_station_name: exit.name,
    exit_time: iso(exitOffsetMs),
    exit_lat: exit.lat,
    exit_lon: exit.lon,
    fee_yuan: 120,
    ...extra,
  };
}

describe('toll transactions', () => {
  it('land in toll_transactions and as entry and exit sightings; bad ones are refused one by one', async () => {
    const { key } = await issueKey(vigil.baseUrl, admin, 'toll');
    const overweight = toll('toll-e2e-1', '豫A·T0001', ZHENGZHOU_EAST, XINXIANG, -60 * MIN, -20 * MIN, {
      gross_kg: 58_000,
      axle_weights_kg: [7000, 10_500, 10_100, 10_100, 10_200, 10_100],
    });
    const unweighed = toll('toll-e2e-2', '豫A·T0002', ZHENGZHOU_EAST, XINXIANG, -55 * MIN, -15 * MIN);
    const batch = [
      overweight,
      toll('toll-e2e-3', '豫A·T0003', ZHENGZHOU_EAST, XINXIANG, -20 * MIN, -30 * MIN),
      unweighed,
      { ...toll('toll-e2e-4', '豫A·T0004', ZHENGZHOU_EAST, XINXIANG, -50 * MIN, -10 * MIN), plate: undefined },
      toll('toll-e2e-5', '豫A·T0005', ZHENGZHOU_EAST, XINXIANG, -50 * MIN, -10 * MIN, {
        gross_kg: 30_000,
        axle_weights_kg: [7000, 9000],
      }),
      toll('toll-e2e-6', '豫A·T0006', ZHENGZHOU_EAST, XINXIANG, -50 * MIN, -10 * MIN, { toll_class: '货9' }),
    ];
    const posted = await postRecords(vigil.baseUrl, 'toll', key, batch);
    expect(posted.status).toBe(200);
    expect(posted.body.accepted).toBe(2);
    expect(posted.body.rejected?.map((r) => [r.index, r.reason])).toEqual([
      [1, 'exit_before_entry'],
      [3, 'missing_plate'],
      [4, 'axle_count_mismatch'],
      [5, 'bad_toll_class'],
    ]);
    // Durable before the answer: the transactions and their sightings are there at once.
    const transactions = await rows<[string, string, number, string, number, string, string]>(
      `SELECT event_id, plate, toll_class, weighed_at, gross_kg, entry_station_id, exit_station_name
         FROM toll_transactions FINAL WHERE event_id LIKE 'toll-e2e-%' ORDER BY event_id`,
    );
    expect(transactions.map((r) => [r[0], r[1], Number(r[2]), r[3], Number(r[4]), r[5], r[6]])).toEqual([
      ['toll-e2e-1', '豫AT0001', 16, 'entry', 58_000, 'S41010101', '新乡站'],
      ['toll-e2e-2', '豫AT0002', 16, '', 0, 'S41010101', '新乡站'],
    ]);
    const sightings = await rows<[string, string, string, number]>(
      `SELECT event_id, device_id, direction, gross_kg FROM camera_events FINAL
        WHERE kind = 'toll' AND event_id LIKE 'toll-e2e-%' ORDER BY event_id`,
    );
    expect(sightings.map((r) => [r[0], r[1], r[2], Number(r[3])])).toEqual([
      ['toll-e2e-1:entry', 'S41010101', 'entry', 58_000],
      ['toll-e2e-1:exit', 'S41070201', 'exit', 0],
      ['toll-e2e-2:entry', 'S41010101', 'entry', 0],
      ['toll-e2e-2:exit', 'S41070201', 'exit', 0],
    ]);
    expect(await rejectsOf('http:toll', 'toll-e2e-')).toEqual([
      'axle_count_mismatch',
      'bad_toll_class',
      'exit_before_entry',
      'missing_plate',
    ]);

    const retry = await postRecords(vigil.baseUrl, 'toll', key, [overweight, unweighed]);
    expect(retry.body).toMatchObject({ accepted: 2, duplicates: 2, rejected: [] });
    const [[count]] = await rows<[string]>(`SELECT count() FROM toll_transactions WHERE event_id LIKE 'toll-e2e-%'`);
    expect(Number(count)).toBe(2);
  });

  it('raises overload from the weighing lane, and joins with the sightings and the alarm on the plate', async () => {
    const alarms = await alarmsOf('overload', '豫AT0001');
    expect(alarms).toHaveLength(1);
    const details = JSON.parse(alarms[0][2]) as Record<string, unknown>;
    expect(details).toMatchObject({ weighed_by: 'toll', site: 'S41010101', gross_kg: 58_000, limit_kg: 49_000 });
    // The county of the entry station the truck was weighed at, in Zhengzhou.
    expect(alarms[0][1]).toMatch(/^4101\d\d$/);
    const joined = await rows<[string, string, string]>(
      `SELECT t.event_id, c.event_id, a.rule
         FROM toll_transactions AS t
         JOIN camera_events AS c ON c.plate = t.plate AND c.kind = 'toll'
         JOIN alarms_current AS a ON a.plate = t.plate
        WHERE t.plate = '豫AT0001' ORDER BY c.event_id`,
    );
    expect(joined).toEqual([
      ['toll-e2e-1', 'toll-e2e-1:entry', 'overload'],
      ['toll-e2e-1', 'toll-e2e-1:exit', 'overload'],
    ]);
  });

  it('raises cloned_plate when the exit is too far from the entry for the time between them', async () => {
    const { key } = await issueKey(vigil.baseUrl, admin, 'toll');
    // Zhengzhou East to Anyang is some 160 km in a straight line: 20 minutes would take 480 km/h.
    const posted = await postRecords(vigil.baseUrl, 'toll', key, [
      toll('toll-e2e-clone-1', '豫A·C0001', ZHENGZHOU_EAST, ANYANG, -40 * MIN, -20 * MIN),
    ]);
    expect(posted.body).toMatchObject({ accepted: 1, rejected: [] });
    const alarms = await alarmsOf('cloned_plate', '豫AC0001');
    const details = JSON.parse(alarms[0][2]) as { distance_km: number; implied_speed_kmh: number };
    expect(details.distance_km).toBeGreaterThan(140);
    expect(details.implied_speed_kmh).toBeGreaterThan(200);
  });
});

describe('traffic counts', () => {
  it('land per station, lane, class and interval; a correction replaces, a retry adds nothing', async () => {
    const { key } = await issueKey(vigil.baseUrl, admin, 'traffic_count', '410100', 'Zhengzhou survey stations');
    // The last quarter hour that is over, on a quarter-hour boundary as survey stations count.
    const start = Math.floor((now - 15 * MIN) / (15 * MIN)) * 15 * MIN;
    const base = {
      station_id: 'JD-e2e-G107',
      station_name: '新郑观测站',
      road: 'G107',
      direction: '上行',
      lane: 1,
      interval_start: new Date(start).toISOString(),
      interval_minutes: 15,
      lat: 34.4,
      lon: 113.74,
      // 新郑市, where the station stands.
      org_code: '410184',
    };
    const cars = { ...base, vehicle_class: '中小客车', volume: 212, mean_speed_kmh: 63.4 };
    const trucks = { ...base, vehicle_class: '特大型货车', volume: 17, mean_speed_kmh: 52 };
    const posted = await postRecords(
      vigil.baseUrl,
      'traffic_count',
      key,
      [
        cars,
        { ...base, vehicle_class: '大客车', volume: 0, mean_speed_kmh: 40 },
        trucks,
        { ...base, vehicle_class: '大型货车', volume: 5, interval_start: new Date(now + 60 * MIN).toISOString() },
        { ...base, volume: 5 },
        { ...base, vehicle_class: '大型货车', volume: 5, org_code: '410302' },
      ],
      true,
    );
    expect(posted.status).toBe(200);
    expect(posted.body.rejected?.map((r) => [r.index, r.reason])).toEqual([
      [1, 'speed_without_vehicles'],
      [3, 'time_in_future'],
      [4, 'missing_vehicle_class'],
      [5, 'org_out_of_scope'],
    ]);
    const query = `SELECT vehicle_class, volume, mean_speed_kmh, org_code FROM traffic_counts FINAL
                    WHERE station_id = 'JD-e2e-G107' ORDER BY vehicle_class`;
    const stored = (await rows<[string, number, number, string]>(query)).map((r) => [r[0], Number(r[1]), r[3]]);
    expect(stored).toEqual([
      ['中小客车', 212, '410184'],
      ['特大型货车', 17, '410184'],
    ]);
    expect(await rejectsOf('http:traffic_count', 'JD-e2e-G107')).toEqual([
      'missing_vehicle_class',
      'org_out_of_scope',
      'speed_without_vehicles',
      'time_in_future',
    ]);

    const retry = await postRecords(vigil.baseUrl, 'traffic_count', key, [cars, trucks]);
    expect(retry.body).toMatchObject({ accepted: 2, duplicates: 2 });
    const corrected = await postRecords(vigil.baseUrl, 'traffic_count', key, [{ ...cars, volume: 215 }]);
    expect(corrected.body).toMatchObject({ accepted: 1, duplicates: 0 });
    const after = (await rows<[string, number, number, string]>(query)).map((r) => [r[0], Number(r[1])]);
    expect(after).toEqual([
      ['中小客车', 215],
      ['特大型货车', 17],
    ]);
  });
});

describe('rail passenger flows', () => {
  it('land per station and interval; bad ones are refused with their reasons', async () => {
    const { key } = await issueKey(vigil.baseUrl, admin, 'rail_flow', '410100', 'Zhengzhou rail hubs');
    const start = Math.floor((now - 60 * MIN) / (60 * MIN)) * 60 * MIN;
    const hour = { interval_start: new Date(start).toISOString(), interval_minutes: 60 };
    const posted = await postRecords(vigil.baseUrl, 'rail_flow', key, [
      { station_id: 'ZAF-e2e', station_name: '郑州东', ...hour, arrivals: 8123, departures: 9410, org_code: '410104' },
      { station_id: 'ZZF-e2e', station_name: '郑州', ...hour, arrivals: 5012, departures: '4870', org_code: '410103' },
      { station_id: 'ZAF-e2e', ...hour, departures: 10 },
      { station_id: 'ZAF-e2e', ...hour, interval_minutes: 0, arrivals: 1, departures: 1 },
      { station_id: 'LYF-e2e', ...hour, arrivals: 1, departures: 1, org_code: '410302' },
    ]);
    expect(posted.body.accepted).toBe(2);
    expect(posted.body.rejected?.map((r) => [r.index, r.reason])).toEqual([
      [2, 'missing_arrivals'],
      [3, 'bad_interval_minutes'],
      [4, 'org_out_of_scope'],
    ]);
    const stored = await rows<[string, string, number, number, string]>(
      `SELECT station_id, station_name, arrivals, departures, org_code FROM rail_flows FINAL
        WHERE station_id LIKE '%-e2e' ORDER BY station_id`,
    );
    expect(stored.map((r) => [r[0], r[1], Number(r[2]), Number(r[3]), r[4]])).toEqual([
      ['ZAF-e2e', '郑州东', 8123, 9410, '410104'],
      ['ZZF-e2e', '郑州', 5012, 4870, '410103'],
    ]);
    expect(await rejectsOf('http:rail_flow', '-e2e')).toEqual([
      'bad_interval_minutes',
      'missing_arrivals',
      'org_out_of_scope',
    ]);
  });

  it('take a CSV export as it is: good rows land, a bad row is refused alone', async () => {
    const { key } = await issueKey(vigil.baseUrl, admin, 'rail_flow', '410100', 'Zhengzhou rail statistics export');
    const start = new Date(Math.floor((now - 120 * MIN) / (60 * MIN)) * 60 * MIN).toISOString();
    const csv = [
      'station_id,station_name,interval_start,interval_minutes,arrivals,departures,org_code',
      `ZAF-csv,郑州东,${start},60,7650,8832,410104`,
      `ZZF-csv,"郑州, 老站",${start},60,,4870,410103`,
      `ZZF-csv,郑州,${start},60,4101,4870`,
      `ZZF-csv,郑州,${start},60,4101,4870,410103`,
    ].join('\r\n');
    const res = await fetch(`${vigil.baseUrl}/api/ingest/rail_flow`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
      body: csv,
    });
    const body = (await res.json()) as { accepted: number; rejected: { index: number; reason: string }[] };
    expect(res.status).toBe(200);
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r) => [r.index, r.reason])).toEqual([
      [1, 'missing_arrivals'],
      [2, 'bad_csv_row'],
    ]);
    const stored = await rows<[string, string, number, number]>(
      `SELECT station_id, station_name, arrivals, departures FROM rail_flows FINAL
        WHERE station_id LIKE '%-csv' ORDER BY station_id`,
    );
    expect(stored.map((r) => [r[0], r[1], Number(r[2]), Number(r[3])])).toEqual([
      ['ZAF-csv', '郑州东', 7650, 8832],
      ['ZZF-csv', '郑州', 4101, 4870],
    ]);
    expect(await rejectsOf('http:rail_flow', '-csv')).toEqual(['bad_csv_row', 'missing_arrivals']);
  });

  it('keys are bound to their kind', async () => {
    const { key } = await issueKey(vigil.baseUrl, admin, 'rail_flow');
    const wrong = await postRecords(vigil.baseUrl, 'traffic_count', key, []);
    expect([wrong.status, wrong.body.error]).toEqual([403, 'wrong_kind']);
    const unknown = await postRecords(vigil.baseUrl, 'ferries', key, []);
    for (const kind of ['toll', 'traffic_count', 'rail_flow', 'ais']) expect(unknown.body.detail).toContain(kind);
  });
});

describe('AIS', () => {
  it('decodes position reports and voyage data into their tables; bad messages are refused alone', async () => {
    const { key } = await issueKey(vigil.baseUrl, admin, 'ais', '411600', 'Zhoukou waterway AIS base stations');
    // A cargo ship on the Shaying river (沙颍河) at Zhoukou, and another moored there.
    const underWay: AisPosition = {
      type: 1,
      mmsi: 413_812_345,
      navStatus: 0,
      speedKnots: 6.4,
      lon: 114.6518,
      lat: 33.6239,
      courseDeg: 97.3,
      headingDeg: 96,
      utcSecond: 42,
    };
    const moored: AisPosition = {
      ...underWay,
      type: 3,
      mmsi: 413_812_346,
      navStatus: 5,
      speedKnots: 0,
      headingDeg: null,
    };
    const voyage = toSentences(
      encodeVoyage({
        type: 5,
        mmsi: 413_812_345,
        imo: 0,
        callSign: 'BRZK7',
        name: 'YU ZHOU HUO 1234',
        shipType: 70,
        lengthM: 68,
        beamM: 11,
        draughtM: 3.2,
        destination: 'ZHOUKOU PORT',
        eta: { month: 11, day: 28, hour: 18, minute: 30 },
      }),
      7,
    );
    const [position] = toSentences(encodePosition(underWay));
    const broken = position.slice(0, -2) + (position.endsWith('00') ? '01' : '00');
    const posted = await postRecords(
      vigil.baseUrl,
      'ais',
      key,
      [
        { station_id: 'AIS-ZK-01', time: iso(-30_000), sentences: [position] },
        { station_id: 'AIS-ZK-01', time: iso(-29_000), sentences: voyage },
        { station_id: 'AIS-ZK-01', time: iso(-28_000), sentences: [broken] },
        { station_id: 'AIS-ZK-01', time: iso(-27_000), sentences: [voyage[1]] },
        { station_id: 'AIS-ZK-01', time: iso(-26_000), nmea: toSentences(encodePosition(moored)).join('\n') },
        { station_id: 'AIS-ZK-01', time: iso(-25_000) },
      ],
      true,
    );
    expect(posted.status).toBe(200);
    expect(posted.body.rejected?.map((r) => [r.index, r.reason])).toEqual([
      [2, 'nmea_checksum_mismatch'],
      [3, 'bad_fragments'],
      [5, 'missing_sentences'],
    ]);
    const positions = await rows<[number, number, number, number, number, string]>(
      `SELECT mmsi, message_type, nav_status, speed_knots, heading_deg, org_code FROM vessel_positions FINAL
        WHERE station_id = 'AIS-ZK-01' ORDER BY mmsi`,
    );
    expect(positions.map((r) => r.map(Number))).toEqual([
      [413_812_345, 1, 0, 6.4, 96, Number(positions[0][5])],
      [413_812_346, 3, 5, 0, -1, Number(positions[1][5])],
    ]);
    // Positions in Zhoukou's city are filed under its county there.
    expect(positions[0][5]).toMatch(/^4116\d\d$/);
    const named = await rows<[string, string, number, string]>(
      `SELECT v.name, v.destination, v.length_m, v.eta FROM vessel_positions AS p FINAL
         JOIN vessel_voyages AS v FINAL ON v.mmsi = p.mmsi WHERE p.station_id = 'AIS-ZK-01'`,
    );
    expect(named.map((r) => [r[0], r[1], Number(r[2]), r[3]])).toEqual([
      ['YU ZHOU HUO 1234', 'ZHOUKOU PORT', 68, '11-28 18:30'],
    ]);
    expect(await rejectsOf('http:ais', 'AIS-ZK-01')).toEqual([
      'bad_fragments',
      'missing_sentences',
      'nmea_checksum_mismatch',
    ]);
  });
});
