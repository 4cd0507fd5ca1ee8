/**
 * City buses end to end against a real `vigil start`: a Zhengzhou operator's GTFS static zip (routes, stops, trips)
 * and its GTFS-Realtime feed, encoded here with MobilityData's generated classes (gtfs-realtime-bindings), are posted
 * over real HTTP with source keys of their kinds. Good entities and rows land in the bus tables at once (the answer
 * waits for them); each bad one is refused alone with its named reason and kept in `ingest_rejects`; a replayed
 * feed adds no row; a Zhengzhou key cannot file a bus or a stop of Luoyang, and Luoyang's timetable does not rename
 * Zhengzhou's routes. `GET /api/summary/flows` then answers each wall with its own buses and, per route, the
 * average delay and bunched pairs computed from the feed's known values.
 */
import GtfsRealtimeBindings from 'gtfs-realtime-bindings';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CentreFlows } from '../schema/index.js';
import { issueKey, postRecords, type PostResult } from './support/ingest-client.js';
import { docScreenshotPath, launchBrowser, refreshingPictures, type TestBrowser } from './support/browser.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

const rt = GtfsRealtimeBindings.transit_realtime;
type Entity = GtfsRealtimeBindings.transit_realtime.IFeedEntity;

const PASSWORD = 'a long enough password';
const SIZES = [
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
] as const;
let browser: TestBrowser | undefined;
let cityToken = '';
const MIN = 60_000;
let vigil: VigilProcess;
let admin: string;
const now = Date.now();
const seconds = (offsetMs: number): number => Math.floor((now + offsetMs) / 1000);
const keys = { zhengzhouStatic: '', zhengzhouRt: '', luoyangStatic: '', luoyangRt: '' };

/** Near 二七广场 in Zhengzhou, and a point of Luoyang's old town. */
const CENTRE = { lat: 34.757, lon: 113.665 };
const LUOYANG = { lat: 34.683, lon: 112.454 };

function feed(entities: Entity[], headerTimestamp: number | null = seconds(0)): Uint8Array {
  const header =
    headerTimestamp === null
      ? { gtfsRealtimeVersion: '2.0' }
      : { gtfsRealtimeVersion: '2.0', timestamp: headerTimestamp };
  return rt.FeedMessage.encode(rt.FeedMessage.create({ header, entity: entities })).finish();
}

function position(
  vehicleId: string,
  at: { lat: number; lon: number },
  offsetMs: number,
  trip: { tripId?: string; routeId?: string; directionId?: number } = {},
): Entity {
  return {
    id: `vp-${vehicleId}-${offsetMs}`,
    vehicle: {
      vehicle: {
        id: vehicleId,
        label: `${vehicleId}号车`,
        licensePlate: `豫A${vehicleId.replace(/\D/g, '').padStart(5, '0')}`,
      },
      trip,
      position: { latitude: at.lat, longitude: at.lon, bearing: 90, speed: 5 },
      timestamp: seconds(offsetMs),
      currentStatus: rt.VehiclePosition.VehicleStopStatus.IN_TRANSIT_TO,
    },
  };
}

function update(
  tripId: string,
  offsetMs: number,
  stops: { seq: number; arrival?: number; departure?: number }[],
): Entity {
  return {
    id: `tu-${tripId}-${offsetMs}`,
    tripUpdate: {
      trip: { tripId, startDate: '20261206' },
      timestamp: seconds(offsetMs),
      stopTimeUpdate: stops.map((s) => ({
        stopSequence: s.seq,
        ...(s.arrival === undefined ? {} : { arrival: { delay: s.arrival } }),
        ...(s.departure === undefined ? {} : { departure: { delay: s.departure } }),
      })),
    },
  };
}

async function postBytes(kind: string, key: string, body: Uint8Array, contentType: string): Promise<PostResult> {
  const res = await fetch(`${vigil.baseUrl}/api/ingest/${kind}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': contentType },
    body: Buffer.from(body),
  });
  return { status: res.status, body: (await res.json()) as PostResult['body'], headers: res.headers };
}

const reasons = (posted: PostResult) => posted.body.rejected?.map((r) => [r.index, r.reason]);

async function rows<T extends unknown[]>(sql: string): Promise<T[]> {
  return (await vigil.sql<T>(sql)).rows;
}

async function flowsOf(token: string): Promise<CentreFlows> {
  const response = await fetch(`${vigil.baseUrl}/api/summary/flows`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as CentreFlows;
}

async function wallToken(username: string, orgCode: string): Promise<string> {
  const response = await fetch(`${vigil.baseUrl}/api/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}` },
    body: JSON.stringify({ username, password: PASSWORD, role: 'wall', org_code: orgCode }),
  });
  expect(response.status).toBeLessThan(300);
  return vigil.login(username, PASSWORD);
}

const csv = (lines: string[]): Uint8Array => strToU8(`${lines.join('\r\n')}\r\n`);

/** The Zhengzhou timetable: routes 2 and B1 with their stops and trips, and one bad row in each file. */
const ZHENGZHOU_ZIP = zipSync({
  'routes.txt': csv([
    'route_id,agency_id,route_short_name,route_long_name,route_type',
    'R2,ZZBUS,2,火车站—市体育中心,3',
    'RB1,ZZBUS,,快速公交B1线,3',
    'R9,ZZBUS,9,坏线路,bus',
  ]),
  'stops.txt': csv([
    'stop_id,stop_name,stop_lat,stop_lon',
    'S1,二七广场,34.7570,113.6650',
    'S2,火车站,95,113.6600',
    'S3,洛阳老城,34.6830,112.4540',
  ]),
  'trips.txt': csv([
    'route_id,service_id,trip_id,trip_headsign,direction_id',
    'R2,WK,T2-1,市体育中心,0',
    'R2,WK,T2-2,市体育中心,0',
    'R2,WK,T2-3,火车站,1',
    'RB1,WK,TB1-1,东站,0',
    ',WK,T9-1,无线路,0',
  ]),
  'calendar.txt': csv(['service_id,monday', 'WK,1']),
});

/** What the Zhengzhou feed holds, good entities first (their indexes in the answer are their places here). */
const ZHENGZHOU_FEED: Entity[] = [
  // Route 2 outbound: two buses some 140 m apart (bunched), V1 heard earlier elsewhere; V3 inbound beside them.
  position('V1', { lat: 34.74, lon: 113.64 }, -5 * MIN, { tripId: 'T2-1', routeId: 'R2', directionId: 0 }),
  position('V1', CENTRE, -60_000, { tripId: 'T2-1', routeId: 'R2', directionId: 0 }),
  position('V2', { lat: CENTRE.lat + 0.001, lon: CENTRE.lon + 0.001 }, -50_000, {
    tripId: 'T2-2',
    routeId: 'R2',
    directionId: 0,
  }),
  // No route in the feed: its trip's route comes from trips.txt.
  position('V3', { lat: CENTRE.lat + 0.0005, lon: CENTRE.lon }, -40_000, { tripId: 'T2-3', directionId: 1 }),
  position('V4', { lat: 34.8, lon: 113.7 }, -30_000, { tripId: 'TB1-1', routeId: 'RB1', directionId: 0 }),
  // Heard half an hour ago: off the map.
  position('V6', { lat: 34.78, lon: 113.68 }, -30 * MIN, { tripId: 'T2-9', routeId: 'R2', directionId: 0 }),
  update('T2-1', -60_000, [
    { seq: 5, arrival: 120 },
    { seq: 6, arrival: 180 },
  ]),
  update('T2-2', -10 * MIN, [{ seq: 3, arrival: 60 }]),
  update('T2-2', -50_000, [{ seq: 3, arrival: 240 }]),
  update('T2-3', -40_000, [{ seq: 2, arrival: -30 }]),
  update('TB1-1', -30_000, [{ seq: 1, departure: 30 }]),
  // Bad: latitude out of range, no vehicle id, a bus in Luoyang, an alert, no trip id, a stop time without delay.
  position('V7', { lat: 91, lon: 113.6 }, -20_000),
  { id: 'no-id', vehicle: { position: { latitude: CENTRE.lat, longitude: CENTRE.lon }, timestamp: seconds(-20_000) } },
  position('V8', LUOYANG, -20_000),
  { id: 'alert', alert: { headerText: { translation: [{ text: '道路施工', language: 'zh' }] } } },
  {
    id: 'no-trip',
    tripUpdate: { trip: { routeId: 'R2' }, stopTimeUpdate: [{ stopSequence: 1, arrival: { delay: 5 } }] },
  },
  {
    id: 'times-only',
    tripUpdate: { trip: { tripId: 'T2-5' }, stopTimeUpdate: [{ stopSequence: 1, arrival: { time: seconds(0) } }] },
  },
];
const GOOD_ENTITIES = 11;

beforeAll(async () => {
  vigil = await startVigil();
  admin = await vigil.login();
  keys.zhengzhouStatic = (await issueKey(vigil.baseUrl, admin, 'gtfs_static', '410100', '郑州公交 GTFS')).key;
  keys.zhengzhouRt = (await issueKey(vigil.baseUrl, admin, 'gtfs_rt', '410100', '郑州公交实时')).key;
  keys.luoyangStatic = (await issueKey(vigil.baseUrl, admin, 'gtfs_static', '410300', '洛阳公交 GTFS')).key;
  keys.luoyangRt = (await issueKey(vigil.baseUrl, admin, 'gtfs_rt', '410300', '洛阳公交实时')).key;
});

afterAll(async () => {
  await browser?.close();
  await vigil?.stop({ removeData: true });
});

describe('GTFS static', () => {
  it('stores routes, stops and trips from the zip; bad rows are refused one by one', async () => {
    const posted = await postBytes('gtfs_static', keys.zhengzhouStatic, ZHENGZHOU_ZIP, 'application/zip');
    expect(posted.status).toBe(200);
    // Rows in the order routes, stops, trips: 3 + 3 + 5.
    expect(reasons(posted)).toEqual([
      [2, 'bad_route_type'],
      [4, 'lat_out_of_range'],
      [5, 'position_out_of_scope'],
      [10, 'missing_route_id'],
    ]);
    expect(posted.body.accepted).toBe(7);
    const routes = await rows<[string, string, string, number]>(
      "SELECT route_id, short_name, long_name, route_type FROM gtfs_routes FINAL WHERE org_code = '410100' ORDER BY route_id",
    );
    expect(routes.map((r) => [r[0], r[1], r[2], Number(r[3])])).toEqual([
      ['R2', '2', '火车站—市体育中心', 3],
      ['RB1', '', '快速公交B1线', 3],
    ]);
    const trips = await rows<[string, string, number]>(
      "SELECT trip_id, route_id, direction_id FROM gtfs_trips FINAL WHERE org_code = '410100' ORDER BY trip_id",
    );
    expect(trips.map((r) => [r[0], r[1], Number(r[2])])).toEqual([
      ['T2-1', 'R2', 0],
      ['T2-2', 'R2', 0],
      ['T2-3', 'R2', 1],
      ['TB1-1', 'RB1', 0],
    ]);
    expect(await rows("SELECT stop_id, name FROM gtfs_stops FINAL WHERE org_code = '410100'")).toEqual([
      ['S1', '二七广场'],
    ]);
    const refused = await rows<[string]>(
      "SELECT reason FROM ingest_rejects WHERE source = 'http:gtfs_static' AND position(raw, 'stops.txt') > 0 ORDER BY reason",
    );
    expect(refused.map((r) => r[0])).toEqual(['lat_out_of_range', 'position_out_of_scope']);
  });

  it("takes another city's timetable under its own unit, renaming none of Zhengzhou's routes", async () => {
    const posted = await postRecords(vigil.baseUrl, 'gtfs_static', keys.luoyangStatic, [
      { type: 'route', route_id: 'R2', route_short_name: '洛阳2路', route_type: 3 },
      { type: 'stop', stop_id: 'S1', stop_name: '二七广场', stop_lat: CENTRE.lat, stop_lon: CENTRE.lon },
      { type: 'calendar', service_id: 'WK' },
    ]);
    expect(reasons(posted)).toEqual([
      [1, 'position_out_of_scope'],
      [2, 'bad_type'],
    ]);
    expect(
      await rows("SELECT org_code, short_name FROM gtfs_routes FINAL WHERE route_id = 'R2' ORDER BY org_code"),
    ).toEqual([
      ['410100', '2'],
      ['410300', '洛阳2路'],
    ]);
  });
});

describe('GTFS static uploaded from the console', () => {
  it('takes routes, stops and trips as rows of one CSV, bound to the uploader’s unit', async () => {
    const response = await fetch(`${vigil.baseUrl}/api/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: JSON.stringify({ username: 'zhengzhou-data', password: PASSWORD, role: 'admin', org_code: '410100' }),
    });
    expect(response.status).toBeLessThan(300);
    const token = await vigil.login('zhengzhou-data', PASSWORD);
    const file = [
      'type,route_id,route_short_name,route_type,stop_id,stop_name,stop_lat,stop_lon,trip_id',
      'route,R66,66,3,,,,,',
      'stop,,,,S66,紫荆山,34.7640,113.6790,',
      'trip,R66,,,,,,,T66-1',
      'stop,,,,S67,洛阳站,34.6830,112.4540,',
    ].join('\r\n');
    const uploaded = await fetch(`${vigil.baseUrl}/api/uploads?kind=gtfs_static&filename=gtfs-66.csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: file,
    });
    const body = (await uploaded.json()) as { accepted: number; rejected: number; errors: { reason: string }[] };
    expect([uploaded.status, body.accepted, body.rejected, body.errors.map((e) => e.reason)]).toEqual([
      201,
      3,
      1,
      ['position_out_of_scope'],
    ]);
    expect(
      await rows("SELECT route_id, source FROM gtfs_routes FINAL WHERE org_code = '410100' AND route_id = 'R66'"),
    ).toEqual([['R66', 'upload:410100']]);
    const gtfsRt = await fetch(`${vigil.baseUrl}/api/uploads?kind=gtfs_rt&filename=feed.csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: 'entity\r\nx',
    });
    expect(gtfsRt.status).toBe(400);
  });
});

describe('GTFS-Realtime', () => {
  it('stores vehicle positions and stop delays; each bad entity is refused alone with its reason', async () => {
    const bytes = feed(ZHENGZHOU_FEED);
    // One more entity whose bytes are broken: field 1 (id) declares 5 bytes and holds 1.
    const broken = Buffer.concat([Buffer.from(bytes), Buffer.from([0x12, 0x03, 0x0a, 0x05, 0x41])]);
    const posted = await postBytes('gtfs_rt', keys.zhengzhouRt, broken, 'application/x-protobuf');
    expect(posted.status).toBe(200);
    expect(reasons(posted)).toEqual([
      [11, 'lat_out_of_range'],
      [12, 'missing_vehicle_id'],
      [13, 'position_out_of_scope'],
      [14, 'unsupported_entity'],
      [15, 'missing_trip_id'],
      [16, 'missing_delay'],
      [17, 'bad_protobuf'],
    ]);
    expect([posted.body.accepted, posted.body.duplicates]).toEqual([GOOD_ENTITIES, 0]);
    const positions = await rows<[string, string, string, string, number, number, string]>(
      `SELECT vehicle_id, route_id, trip_id, plate, speed_kmh, bearing_deg, org_code FROM bus_positions FINAL
        WHERE feed_org = '410100' ORDER BY vehicle_id, ts`,
    );
    expect(positions.map((r) => [r[0], r[1], r[2], r[3], Number(r[4]), Number(r[5])])).toEqual([
      ['V1', 'R2', 'T2-1', '豫A00001', 18, 90],
      ['V1', 'R2', 'T2-1', '豫A00001', 18, 90],
      ['V2', 'R2', 'T2-2', '豫A00002', 18, 90],
      ['V3', '', 'T2-3', '豫A00003', 18, 90],
      ['V4', 'RB1', 'TB1-1', '豫A00004', 18, 90],
      ['V6', 'R2', 'T2-9', '豫A00006', 18, 90],
    ]);
    // Positions in Zhengzhou's city are filed under its county there.
    for (const r of positions) expect(r[6]).toMatch(/^4101\d\d$/);
    const delays = await rows<[string, number, number, number]>(
      `SELECT trip_id, stop_sequence, arrival_delay_s, departure_delay_s FROM bus_stop_delays FINAL
        WHERE feed_org = '410100' ORDER BY trip_id, ts, stop_sequence`,
    );
    expect(delays.map((r) => [r[0], Number(r[1]), Number(r[2]), Number(r[3])])).toEqual([
      ['T2-1', 5, 120, 120],
      ['T2-1', 6, 180, 180],
      ['T2-2', 3, 60, 60],
      ['T2-2', 3, 240, 240],
      ['T2-3', 2, -30, -30],
      ['TB1-1', 1, 30, 30],
    ]);
    // Kept in ingest_rejects under the key that sent them (the positions' source).
    const refused = await rows<[string]>(
      `SELECT reason FROM ingest_rejects WHERE source = 'http:gtfs_rt'
         AND peer = (SELECT any(source) FROM bus_positions WHERE feed_org = '410100') ORDER BY reason`,
    );
    expect(refused.map((r) => r[0])).toEqual([
      'bad_protobuf',
      'lat_out_of_range',
      'missing_delay',
      'missing_trip_id',
      'missing_vehicle_id',
      'position_out_of_scope',
      'unsupported_entity',
    ]);
  });

  it('answers a replayed feed as duplicates and adds no row', async () => {
    const count = async () =>
      rows<[number, number]>(
        `SELECT (SELECT count() FROM bus_positions WHERE feed_org = '410100'),
                (SELECT count() FROM bus_stop_delays WHERE feed_org = '410100')`,
      );
    const before = await count();
    const posted = await postBytes(
      'gtfs_rt',
      keys.zhengzhouRt,
      feed(ZHENGZHOU_FEED.slice(0, GOOD_ENTITIES)),
      'application/x-protobuf',
    );
    expect([posted.status, posted.body.accepted, posted.body.duplicates]).toEqual([200, GOOD_ENTITIES, GOOD_ENTITIES]);
    expect(await count()).toEqual(before);
  });

  it('takes the JSON form, refusing unknown fields and entities without any time', async () => {
    const body = JSON.stringify({
      header: { gtfs_realtime_version: '2.0' },
      entity: [
        {
          id: 'ly-1',
          vehicle: {
            vehicle: { id: 'L1', label: '洛阳1路-01' },
            trip: { trip_id: 'LT1', route_id: 'R2', direction_id: 0 },
            position: { latitude: LUOYANG.lat, longitude: LUOYANG.lon, speed: 4 },
            current_status: 'STOPPED_AT',
            timestamp: seconds(-20_000),
          },
        },
        { id: 'ly-2', vehicle: { vehicle: { id: 'L2' }, position: { latitude: LUOYANG.lat, longitude: LUOYANG.lon } } },
        { id: 'ly-3', vehicle: { vehicle: { id: 'L3', colour: 'red' }, timestamp: seconds(0) } },
        { id: 'ly-4', vehicle: { vehicle: { id: 'L4' }, position: { latitude: 'north', longitude: 1 } } },
        position('L5', CENTRE, -20_000),
      ],
    });
    const posted = await postRecords(vigil.baseUrl, 'gtfs_rt', keys.luoyangRt, body);
    expect(reasons(posted)).toEqual([
      [1, 'missing_timestamp'],
      [2, 'unknown_field'],
      [3, 'invalid_entity'],
      [4, 'position_out_of_scope'],
    ]);
    expect(
      await rows("SELECT vehicle_id, current_status, speed_kmh FROM bus_positions FINAL WHERE feed_org = '410300'"),
    ).toEqual([['L1', 'STOPPED_AT', 14.4]]);
  });

  it('binds keys to their kind', async () => {
    const wrong = await postBytes('gtfs_rt', keys.zhengzhouStatic, feed([]), 'application/x-protobuf');
    expect([wrong.status, wrong.body.error]).toEqual([403, 'wrong_kind']);
  });
});

describe('bus indicators in GET /api/summary/flows', () => {
  it('answer each wall with its own buses, and per route the average delay and bunched pairs', async () => {
    cityToken = await wallToken('wall-buses-zhengzhou', '410100');
    const city = await flowsOf(cityToken);
    expect(city.buses.map((b) => [b.vehicle_id, b.route_id, b.route_name, b.direction_id, b.bunched])).toEqual([
      ['V1', 'R2', '2', 0, true],
      ['V2', 'R2', '2', 0, true],
      ['V3', 'R2', '2', 1, false],
      ['V4', 'RB1', '快速公交B1线', 0, false],
    ]);
    // The latest fix of V1 is where it is.
    expect([city.buses[0]!.lat, city.buses[0]!.lon]).toEqual([CENTRE.lat, CENTRE.lon]);
    expect(
      city.bus_routes.map((r) => [
        r.route_id,
        r.route_name,
        r.buses,
        r.trips_reporting,
        r.average_delay_s,
        r.bunched_pairs,
      ]),
    ).toEqual([
      // Route 2: the first stop of each trip's latest update: T2-1 120 s, T2-2 240 s (not its earlier 60), T2-3 -30 s.
      ['R2', '2', 3, 3, 110, 1],
      ['RB1', '快速公交B1线', 1, 1, 30, 0],
    ]);
    expect([city.bus_window_minutes, city.bunching_distance_m]).toEqual([10, 300]);
    // The province sees Luoyang's bus too; Luoyang's route R2 is its own.
    const province = await flowsOf(vigil.wallToken);
    expect(province.buses.map((b) => [b.feed_org, b.vehicle_id, b.route_name])).toEqual([
      ['410100', 'V1', '2'],
      ['410100', 'V2', '2'],
      ['410100', 'V3', '2'],
      ['410100', 'V4', '快速公交B1线'],
      ['410300', 'L1', '洛阳2路'],
    ]);
    // A county sees the buses in its own county only.
    const county = city.buses[3]!.org_code;
    const countyFlows = await flowsOf(await wallToken('wall-buses-county', county));
    expect(countyFlows.buses.map((b) => b.vehicle_id)).toContain('V4');
    expect(countyFlows.buses.every((b) => b.org_code === county)).toBe(true);
    const luoyang = await flowsOf(await wallToken('wall-buses-luoyang', '410300'));
    expect(luoyang.buses.map((b) => b.vehicle_id)).toEqual(['L1']);
    expect(luoyang.bus_routes.map((r) => [r.route_id, r.route_name, r.buses, r.average_delay_s])).toEqual([
      ['R2', '洛阳2路', 1, null],
    ]);
  });
});

describe('the wall in chromium', () => {
  for (const size of SIZES) {
    it(`shows Zhengzhou's buses on their own layer and the bus routes panel at ${size.width}×${size.height}`, async () => {
      expect(cityToken, 'the summary test made the city wall').not.toBe('');
      browser ??= await launchBrowser(SIZES[1]);
      const page = await browser.context.newPage();
      try {
        await page.setViewportSize(size);
        await page.goto(`${vigil.baseUrl}/wall?token=${encodeURIComponent(cityToken)}`);
        await page.locator('.maplibregl-canvas').waitFor({ state: 'attached', timeout: 60_000 });
        const shown = await eventually(
          async () => {
            const rows = await page
              .locator('[data-testid="bus-route"]')
              .evaluateAll((items) =>
                items.map((item) => [item.getAttribute('data-route-id'), (item.textContent ?? '').replace(/\s+/g, '')]),
              );
            return rows.length === 2 ? rows : undefined;
          },
          60_000,
          'the bus routes panel',
        );
        expect(shown).toEqual([
          ['R2', '23辆晚点1.8分串车1'],
          ['RB1', '快速公交B1线1辆晚点0.5分串车0'],
        ]);
        await expect.poll(() => page.locator('[data-testid="legend-buses"]').getAttribute('data-count')).toBe('4');
        expect(await page.locator('[data-testid="legend-buses"]').textContent()).toBe('公交 4');
        // Only for the picture (nothing is decided by it): the map's first frames may come after the panels.
        if (refreshingPictures()) await page.waitForTimeout(1_500);
        const name = `wall-buses-city-${size.width}x${size.height}.png`;
        await page.screenshot({ path: docScreenshotPath(name) });
        // The bus panel stays inside the screen and overlaps no other panel.
        const problems = await page.evaluate(() => {
          const out: string[] = [];
          const boxes = [...document.querySelectorAll('.panel-right .panel-section, .legend')].map((el) => ({
            name: el.querySelector('.panel-title span')?.textContent ?? el.className,
            box: el.getBoundingClientRect(),
          }));
          for (const [i, a] of boxes.entries()) {
            if (a.box.bottom > window.innerHeight + 0.5) out.push(`${a.name} leaves the screen`);
            for (const b of boxes.slice(i + 1))
              if (
                a.box.left < b.box.right - 0.5 &&
                b.box.left < a.box.right - 0.5 &&
                a.box.top < b.box.bottom - 0.5 &&
                b.box.top < a.box.bottom - 0.5
              )
                out.push(`${a.name} overlaps ${b.name}`);
          }
          for (const row of document.querySelectorAll('.bus-row'))
            for (const cell of row.children)
              if (cell.getBoundingClientRect().right > row.getBoundingClientRect().right + 0.5)
                out.push(`${row.textContent}: runs past its row`);
          return out;
        });
        expect(problems).toEqual([]);
      } finally {
        await page.close();
      }
    });
  }
});

describe('a whole fleet in one feed', () => {
  it("takes a feed of 6,000 buses whole, beyond one request's 5,000 records, and the province's map shows them", async () => {
    const fleet: Entity[] = Array.from({ length: 6_000 }, (_, i) =>
      position(
        `F${i}`,
        { lat: LUOYANG.lat - 0.03 + Math.floor(i / 100) * 0.0005, lon: LUOYANG.lon - 0.03 + (i % 100) * 0.0005 },
        -15_000,
        // No route in the feed: the summary looks the 6,000 trips up in gtfs_trips (where they are not).
        { tripId: `FT${i}`, directionId: i % 2 },
      ),
    );
    const posted = await postBytes('gtfs_rt', keys.luoyangRt, feed(fleet), 'application/x-protobuf');
    expect([posted.status, posted.body.accepted, posted.body.rejected?.length]).toEqual([200, 6_000, 0]);
    expect(
      await rows("SELECT count() FROM bus_positions FINAL WHERE feed_org = '410300' AND startsWith(vehicle_id, 'F')"),
    ).toEqual([[6_000]]);
    const province = await flowsOf(vigil.wallToken);
    expect(province.buses.length).toBe(6_005);
    expect(province.buses.filter((b) => b.feed_org === '410300' && b.route_id === '').length).toBe(6_000);
    // Most bunched first, then the latest; a route without trip updates last.
    expect(province.bus_routes.map((r) => [r.feed_org, r.route_id])).toEqual([
      ['410100', 'R2'],
      ['410100', 'RB1'],
      ['410300', 'R2'],
    ]);
  });
});
