/**
 * Speed limits by road and the road/zone rules, on a small OpenStreetMap extract this test writes itself
 * (tests/support/osm-pbf-writer.ts): the file goes through the real `vigil roads import`, the index it writes is
 * what the engine matches fixes to, and a real `vigil start` on that data directory applies a posted limit.
 *
 * The map (Zhengzhou, all roads west–east unless said): 连霍高速 G30 motorway at 34.80°N; 文化路, a residential
 * street at 34.76°N without maxspeed; 经三路 crossing it north–south at 113.62°E with maxspeed 30; 学府路 at
 * 34.72°N with maxspeed 40; the national road G107 north–south at 113.80°E; a parking lot's aisle 330 m north
 * of the motorway.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmRow, TelemetryRow, VehicleClass } from '../schema/index.js';
import { createLogger } from '../schema/index.js';
import { RoadIndex } from '../stream/roads/index.js';
import { loadRoadIndex, roadIndexPath } from '../cli/node/road-index.js';
import { SimulatedTerminal } from '../cli/demo/simulated-terminal.js';
import { locationBody } from '../cli/demo/location.js';
import { writeOsmPbf, type OsmTestNode, type OsmTestWay } from './support/osm-pbf-writer.js';
import { T0, MINUTE, details, engineFor, fix, latest, run, telemetry, vehicle } from './support/rules-trace.js';
import { ALL_RULES, checkRulesConfig, defaultRulesConfig, type RulesConfig } from '../stream/index.js';
import { eventually, startVigil, type VigilProcess, vigilMainArgs } from './support/vigil-process.js';

const run$ = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '..');
const SECOND = 1_000;

const nodes: OsmTestNode[] = [];
const ways: OsmTestWay[] = [];
function way(id: number, points: [number, number][], tags: Record<string, string>): void {
  const refs = points.map(([lon, lat]) => {
    const nodeId = nodes.length + 1;
    nodes.push({ id: nodeId, lon, lat });
    return nodeId;
  });
  ways.push({ id, refs, tags });
}
way(
  1,
  [
    [113.5, 34.8],
    [113.6, 34.8],
    [113.7, 34.8],
  ],
  { highway: 'motorway', ref: 'G30', name: '连霍高速' },
);
way(
  2,
  [
    [113.5, 34.76],
    [113.6, 34.76],
    [113.7, 34.76],
  ],
  { highway: 'residential', name: '文化路' },
);
way(
  3,
  [
    [113.62, 34.7],
    [113.62, 34.78],
  ],
  { highway: 'residential', name: '经三路', maxspeed: '30' },
);
way(
  4,
  [
    [113.5, 34.72],
    [113.7, 34.72],
  ],
  { highway: 'secondary', name: '学府路', maxspeed: '40' },
);
way(
  5,
  [
    [113.8, 34.6],
    [113.8, 34.9],
  ],
  { highway: 'primary', ref: 'G107', name: '107国道' },
);
way(
  6,
  [
    [113.55, 34.803],
    [113.56, 34.803],
  ],
  { highway: 'service', service: 'parking_aisle' },
);
way(
  7,
  [
    [113.5, 34.7],
    [113.51, 34.7],
  ],
  { highway: 'footway', name: '人行道' },
);

let dir: string;
let dataDir: string;
let index: RoadIndex;
let importReport: Record<string, unknown>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-roads-'));
  dataDir = path.join(dir, 'data');
  const file = path.join(dir, 'zhengzhou.osm.pbf');
  writeFileSync(file, writeOsmPbf(nodes, ways));
  const { stdout } = await run$(
    process.execPath,
    [...vigilMainArgs(), 'roads', 'import', file, '--data-dir', dataDir, '--json'],
    { cwd: REPO },
  );
  importReport = JSON.parse(stdout) as Record<string, unknown>;
  index = RoadIndex.fromFile(roadIndexPath(dataDir));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Fixes every 30 s from (lon, lat) along a heading at a constant speed. */
function driveFrom(
  terminalId: string,
  start: [number, number],
  headingDeg: number,
  speedKmh: number,
  count: number,
  overrides: Partial<TelemetryRow> = {},
): TelemetryRow[] {
  const rows: TelemetryRow[] = [];
  const rad = (headingDeg * Math.PI) / 180;
  for (let i = 0; i < count; i++) {
    const km = (speedKmh * i * 30) / 3600;
    rows.push(
      fix(terminalId, T0 + i * 30 * SECOND, {
        lon: start[0] + (km * Math.sin(rad)) / (111.195 * Math.cos((start[1] * Math.PI) / 180)),
        lat: start[1] + (km * Math.cos(rad)) / 111.195,
        speed_kmh: speedKmh,
        direction_deg: headingDeg,
        ...overrides,
      }),
    );
  }
  return rows;
}

function overspeedOf(
  vehicleClass: VehicleClass,
  rows: TelemetryRow[],
  withIndex = true,
  configure?: (c: RulesConfig) => void,
): AlarmRow[] {
  const engine = engineFor({
    registry: [vehicle({ plate: '豫A7R001', terminal_id: rows[0].terminal_id, vehicle_class: vehicleClass })],
    roads: withIndex ? index : undefined,
    configure,
  });
  return latest(run(telemetry(rows), engine), 'overspeed');
}

describe('vigil roads import', () => {
  it('keeps the highways with their type and maxspeed and reports what it kept', () => {
    expect(importReport).toMatchObject({
      ways: 6,
      segments: 8,
      withMaxspeed: 2,
      withoutMaxspeed: 4,
      byType: { expressway: 1, national: 1, provincial: 0, urban: 4 },
    });
    const at = (lon: number, lat: number, heading: number) => index.match(lon, lat, heading, 60)?.road;
    expect(at(113.55, 34.8001, 90)).toMatchObject({ type: 'expressway', ref: 'G30', name: '连霍高速' });
    expect(at(113.8002, 34.7, 0)).toMatchObject({ type: 'national', ref: 'G107', maxspeed: undefined });
    expect(at(113.6, 34.7201, 270)).toMatchObject({ name: '学府路', maxspeed: 40 });
    // 200 m from every road: no match.
    expect(at(113.55, 34.782, 90)).toBeUndefined();
    // The footway was left out.
    expect(at(113.505, 34.7, 90)).toBeUndefined();
  });

  it('matches at a crossing by heading: east on 文化路, north on 经三路', () => {
    expect(index.match(113.62, 34.76, 90, 50)?.road.name).toBe('文化路');
    expect(index.match(113.62, 34.76, 0, 50)?.road.name).toBe('经三路');
    expect(index.match(113.6201, 34.7601, 180, 50)?.road.name).toBe('经三路');
  });

  it('refuses a file that is not OSM PBF, or cut short, with a named error and exit code 2', async () => {
    const notPbf = path.join(dir, 'roads.csv');
    writeFileSync(notPbf, 'way,highway,maxspeed\n1,motorway,120\n');
    const cut = path.join(dir, 'cut.osm.pbf');
    writeFileSync(cut, writeOsmPbf(nodes, ways).subarray(0, 200));
    const cases = [
      [notPbf, 'not_osm_pbf'],
      [cut, 'truncated'],
      [path.join(dir, 'missing.osm.pbf'), 'file_unreadable'],
    ] as const;
    const results = await Promise.all(
      cases.map(([file]) =>
        run$(process.execPath, [...vigilMainArgs(), 'roads', 'import', file, '--data-dir', path.join(dir, 'other')], {
          cwd: REPO,
        }).then(
          () => undefined,
          (error: { code: number; stderr: string }) => error,
        ),
      ),
    );
    cases.forEach(([, code], i) => {
      expect(results[i]?.code).toBe(2);
      expect(results[i]?.stderr).toContain(code);
    });
  });
});

describe('overspeed by road', () => {
  it('a dangerous-goods truck at 75 km/h: alarmed on an urban street (60), not on the expressway (80)', () => {
    const town = overspeedOf('dangerous_goods', driveFrom('dg1', [113.52, 34.7601], 90, 75, 6));
    expect(town).toHaveLength(1);
    expect(details(town[0])).toMatchObject({
      limit_kmh: 60,
      limit_source: 'road_type',
      road: { name: '文化路', type: 'urban' },
    });
    expect(overspeedOf('dangerous_goods', driveFrom('dg2', [113.52, 34.8001], 90, 75, 6))).toEqual([]);
    // Without the road index the class limit (80) applies everywhere, as before.
    expect(overspeedOf('dangerous_goods', driveFrom('dg3', [113.52, 34.7601], 90, 75, 6), false)).toEqual([]);
  });

  it('a coach at 95 km/h on a national road (80 for its class) is alarmed once sustained; on the expressway not', () => {
    const national = overspeedOf('coach', driveFrom('c1', [113.8001, 34.62], 0, 95, 4));
    expect(national).toHaveLength(1);
    expect(details(national[0])).toMatchObject({
      limit_kmh: 80,
      limit_source: 'road_type',
      road: { ref: 'G107', type: 'national' },
      sustained_seconds: 30,
    });
    expect(overspeedOf('coach', driveFrom('c2', [113.52, 34.8001], 90, 95, 4))).toEqual([]);
    // The class default per road type is configuration.
    expect(
      overspeedOf('coach', driveFrom('c3', [113.8001, 34.62], 0, 95, 4), true, (c) => {
        c.rules.overspeed.nationalLimitKmhByClass = { coach: 100, dangerous_goods: 60, other: 80 };
      }),
    ).toEqual([]);
  });

  it('a posted maxspeed of 40 applies 40; a posted limit above a class cap is capped', () => {
    const posted = overspeedOf('other', driveFrom('p1', [113.52, 34.7201], 90, 55, 3));
    expect(posted).toHaveLength(1);
    expect(details(posted[0])).toMatchObject({
      limit_kmh: 40,
      limit_source: 'road_maxspeed',
      road: { name: '学府路' },
    });
    expect(overspeedOf('other', driveFrom('p2', [113.52, 34.7201], 90, 40, 3))).toEqual([]);
  });

  it('crossing a 30 km/h street at 50 km/h along a 60 km/h one is no overspeed (heading agreement)', () => {
    // Fixes at the crossing itself, heading east along 文化路.
    const rows = driveFrom('x1', [113.6195, 34.76], 90, 50, 3).map((r) => ({ ...r, lon: 113.62 }));
    expect(overspeedOf('other', rows)).toEqual([]);
  });

  it('a speed-limit zone still comes first', () => {
    const alarms = overspeedOf('dangerous_goods', driveFrom('z1', [113.52, 34.8001], 90, 75, 4), true, (c) => {
      c.zones.push({
        id: 'work-zone',
        name: '施工路段',
        kind: 'speed_limit',
        speedLimitKmh: 60,
        corridor: {
          path: [
            [113.5, 34.8],
            [113.7, 34.8],
          ],
          widthM: 60,
        },
      });
    });
    expect(alarms).toHaveLength(1);
    expect(details(alarms[0])).toMatchObject({ limit_kmh: 60, limit_source: 'zone', zone: 'work-zone' });
  });
});

describe('overtime_parking', () => {
  const standing = (id: string, lon: number, lat: number, minutes: number) =>
    Array.from({ length: minutes + 1 }, (_, i) =>
      fix(id, T0 + i * MINUTE, { lon, lat, speed_kmh: 0, direction_deg: 0 }),
    );
  const parkingAlarms = (rows: TelemetryRow[], withIndex = true, configure?: (c: RulesConfig) => void) =>
    latest(
      run(
        telemetry(rows),
        engineFor({
          registry: [vehicle({ plate: '豫A7R002', terminal_id: rows[0].terminal_id })],
          roads: withIndex ? index : undefined,
          configure,
        }),
      ),
      'overtime_parking',
    );

  it('standing 15 min on the expressway alarms from the stop; in the parking lot beside it not', () => {
    const onMotorway = parkingAlarms(standing('s1', 113.58, 34.80005, 15));
    expect(onMotorway).toHaveLength(1);
    expect(onMotorway[0].started_at).toBe(T0);
    expect(details(onMotorway[0])).toMatchObject({ place: 'expressway', place_name: 'G30 连霍高速', minutes_max: 10 });
    expect(parkingAlarms(standing('s2', 113.555, 34.803, 15))).toEqual([]);
    // 9 minutes is within the limit; without the index the expressway is unknown.
    expect(parkingAlarms(standing('s3', 113.58, 34.80005, 9))).toEqual([]);
    expect(parkingAlarms(standing('s4', 113.58, 34.80005, 15), false)).toEqual([]);
  });

  it('a no_parking zone with its own limit, without a road index; moving on closes the alarm', () => {
    const rows = [
      ...standing('s5', 113.66, 34.75, 6),
      fix('s5', T0 + 7 * MINUTE, { lon: 113.661, lat: 34.75, speed_kmh: 30 }),
    ];
    const alarms = parkingAlarms(rows, false, (c) => {
      c.zones.push({
        id: 'school-gate',
        name: '学校门口',
        kind: 'no_parking',
        parkingMinutesMax: 5,
        circle: { center: [113.66, 34.75], radiusM: 100 },
      });
    });
    expect(alarms).toHaveLength(1);
    expect(alarms[0].ended_at).toBe(T0 + 7 * MINUTE);
    expect(details(alarms[0])).toMatchObject({ place: 'zone', zone: 'school-gate', minutes_max: 5 });
  });
});

describe('route_deviation', () => {
  const route = (c: RulesConfig) =>
    c.zones.push({
      id: 'line-9',
      name: '郑州—开封班线',
      kind: 'route',
      vehicles: ['豫A7R003'],
      corridor: {
        path: [
          [113.5, 34.76],
          [113.7, 34.76],
        ],
        widthM: 200,
      },
    });
  const deviations = (plate: string, rows: TelemetryRow[]) =>
    latest(
      run(
        telemetry(rows),
        engineFor({
          registry: [vehicle({ plate, terminal_id: rows[0].terminal_id, vehicle_class: 'coach' })],
          configure: route,
        }),
      ),
      'route_deviation',
    );

  it('the assigned coach leaving its corridor for more than 120 s alarms; an unassigned one not', () => {
    const rows = [
      ...driveFrom('r1', [113.52, 34.7601], 90, 60, 4),
      ...driveFrom('r1', [113.55, 34.7601], 0, 60, 8).map((r) => ({ ...r, ts: r.ts + 2 * MINUTE })),
    ];
    const alarms = deviations('豫A7R003', rows);
    expect(alarms).toHaveLength(1);
    const d = details(alarms[0]);
    expect(d.routes).toEqual(['line-9']);
    // Its second fix outside was already more than 1000 m beyond the corridor's edge.
    expect(d.beyond_m as number).toBeGreaterThanOrEqual(1000);
    expect(deviations('豫A7R004', rows)).toEqual([]);
  });

  it('driving 300 m beside the corridor alarms once that has lasted 120 s', () => {
    const rows = driveFrom('r3', [113.52, 34.7627], 90, 60, 8);
    const alarms = deviations('豫A7R003', rows);
    expect(alarms).toHaveLength(1);
    expect(alarms[0].started_at).toBe(T0);
    expect(details(alarms[0])).toMatchObject({ outside_seconds: 120, beyond_m: 200 });
  });

  it('a brief step outside the corridor and back is no deviation', () => {
    const rows = [
      fix('r2', T0, { lon: 113.55, lat: 34.76 }),
      fix('r2', T0 + 30 * SECOND, { lon: 113.555, lat: 34.7625 }),
      fix('r2', T0 + 60 * SECOND, { lon: 113.56, lat: 34.76 }),
      fix('r2', T0 + 240 * SECOND, { lon: 113.57, lat: 34.76 }),
    ];
    expect(deviations('豫A7R003', rows)).toEqual([]);
  });
});

describe('area_entry_exit', () => {
  const areas = (c: RulesConfig) => {
    c.zones.push(
      {
        id: 'centre',
        name: '市中心限行区',
        kind: 'area',
        direction: 'entry',
        classes: ['dangerous_goods'],
        hours: { from: '07:00', to: '20:00' },
        polygon: [
          [113.6, 34.74],
          [113.64, 34.74],
          [113.64, 34.78],
          [113.6, 34.78],
        ],
      },
      {
        id: 'depot',
        name: '危化品停车场',
        kind: 'area',
        direction: 'both',
        circle: { center: [113.66, 34.76], radiusM: 500 },
      },
    );
  };
  it('entry only where the area says so, in its hours, for its classes; both directions where asked', () => {
    // East along 文化路 (T0 is 10:00 China time): into the centre, out of it, through the depot circle.
    const rows = driveFrom('a1', [113.59, 34.76], 90, 60, 20);
    const alarmsFor = (vehicleClass: VehicleClass, shift = 0) =>
      latest(
        run(
          telemetry(rows.map((r) => ({ ...r, ts: r.ts + shift }))),
          engineFor({
            registry: [vehicle({ plate: '豫A7R005', terminal_id: 'a1', vehicle_class: vehicleClass })],
            configure: areas,
          }),
        ),
        'area_entry_exit',
      )
        .map((a) => `${String(details(a).zone)}:${String(details(a).direction)}`)
        .sort();
    expect(alarmsFor('dangerous_goods')).toEqual(['centre:entry', 'depot:entry', 'depot:exit']);
    expect(alarmsFor('heavy_truck')).toEqual(['depot:entry', 'depot:exit']);
    // At 23:00 China time the centre's hours are over.
    expect(alarmsFor('dangerous_goods', 13 * 60 * MINUTE)).toEqual(['depot:entry', 'depot:exit']);
  });
});

describe('a node with the road index', () => {
  let vigil: VigilProcess | undefined;
  afterAll(async () => {
    await vigil?.stop();
  });

  it('loads it at start and applies a posted limit to a fix over JT/T 808', async () => {
    vigil = await startVigil({ dataDir });
    expect(vigil.stdout() + vigil.stderr()).toContain('road index loaded');
    const phone = '013912347001';
    const terminal = new SimulatedTerminal({ phone, plate: '豫A7R006', plateColor: 2, version: 2013 });
    await terminal.connect('127.0.0.1', vigil.jt808Port);
    await terminal.logIn();
    const start = Math.floor(Date.now() / 1000) * 1000 - 10 * MINUTE;
    for (let i = 0; i < 3; i++) {
      const reply = await terminal.request({
        msgId: 0x0200,
        body: locationBody(
          {
            lat: 34.7201,
            lon: 113.52 + i * 0.005,
            speedKmh: 60,
            directionDeg: 90,
            time: start + i * 30 * SECOND,
            alarmBits: 0,
          },
          2013,
        ),
      });
      expect(reply.body).toMatchObject({ result: 0 });
    }
    const rows = await eventually(
      async () => {
        const r = await vigil!.sql<[string]>(
          `SELECT details FROM alarms_current WHERE terminal_id = '${phone}' AND rule = 'overspeed'`,
        );
        return r.rows.length === 1 ? r.rows : undefined;
      },
      20_000,
      'overspeed on 学府路',
    );
    expect(JSON.parse(rows[0][0])).toMatchObject({
      limit_kmh: 40,
      limit_source: 'road_maxspeed',
      road: { name: '学府路', maxspeed: 40 },
    });
    terminal.close();
  });

  it('without an index the node notes that limits fall back to class defaults', () => {
    const lines: string[] = [];
    expect(
      loadRoadIndex(
        path.join(dir, 'empty'),
        createLogger((l) => lines.push(l)),
      ),
    ).toBeUndefined();
    expect(lines.join('')).toContain('no road index');
    const broken = path.join(dir, 'broken');
    const file = roadIndexPath(broken);
    rmSync(broken, { recursive: true, force: true });
    // A damaged file is an error in the log, and the node goes on without it.
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'VIGILRD1garbage');
    expect(
      loadRoadIndex(
        broken,
        createLogger((l) => lines.push(l)),
      ),
    ).toBeUndefined();
    expect(lines.join('')).toContain('road_index_corrupt');
  });
});

describe('the zone kinds of the new rules', () => {
  it('refuses a route without plates or not a corridor, and fields on kinds they do not belong to', () => {
    const config = defaultRulesConfig(ALL_RULES);
    const circle = { center: [113.66, 34.75] as [number, number], radiusM: 300 };
    config.zones.push(
      { id: 'r1', name: '', kind: 'route', circle },
      {
        id: 'r2',
        name: '',
        kind: 'route',
        vehicles: [''],
        corridor: {
          path: [
            [113.6, 34.7],
            [113.7, 34.7],
          ],
          widthM: 100,
        },
      },
      { id: 'a1', name: '', kind: 'area', direction: 'sideways' as never, circle },
      { id: 'p1', name: '', kind: 'no_parking', parkingMinutesMax: 0, circle },
      { id: 's1', name: '', kind: 'restricted', direction: 'entry', vehicles: ['豫A12345'], circle },
    );
    expect(checkRulesConfig(config, ALL_RULES).map((p) => p.key)).toEqual([
      'zones[0].vehicles',
      'zones[0].corridor',
      'zones[1].vehicles[0]',
      'zones[2].direction',
      'zones[3].parkingMinutesMax',
      'zones[4].vehicles',
      'zones[4].direction',
    ]);
  });
});
