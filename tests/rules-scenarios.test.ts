/**
 * Every rule on hand-made traces, at and around its thresholds, across midnight and in China time.
 */
import { describe, expect, it } from 'vitest';
import type { TelemetryRow } from '../schema/index.js';
import { circleOutline, type EngineEvent } from '../stream/index.js';
import {
  LUOYANG,
  MINUTE,
  T0,
  ZHENGZHOU,
  camera,
  chinaTime,
  details,
  deviceStatus,
  drive,
  engineFor,
  fix,
  latest,
  run,
  telemetry,
  vehicle,
} from './support/rules-trace.js';

const SECOND = 1_000;

function speeds(
  terminalId: string,
  start: number,
  stepMs: number,
  values: number[],
  overrides: Partial<TelemetryRow> = {},
): TelemetryRow[] {
  return values.map((speed_kmh, i) => fix(terminalId, start + i * stepMs, { speed_kmh, ...overrides }));
}

describe('overspeed', () => {
  it('does not alarm exactly at the limit, nor for a short or small excess', () => {
    const alarms = run([
      ...telemetry(speeds('1', T0, 10 * SECOND, [100, 100, 100, 100, 100, 100])),
      ...telemetry(speeds('2', T0, 10 * SECOND, [110, 110, 110, 90])),
    ]);
    expect(latest(alarms, 'overspeed')).toEqual([]);
  });

  it('alarms once a small excess is sustained for sustainSeconds, from its first fix', () => {
    const alarms = latest(run(telemetry(speeds('1', T0, 10 * SECOND, [110, 110, 110, 110, 90]))), 'overspeed');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({
      started_at: T0,
      ended_at: T0 + 40 * SECOND,
      severity: 'warning',
      terminal_id: '1',
    });
    expect(details(alarms[0])).toMatchObject({ limit_kmh: 100, max_speed_kmh: 110 });
  });

  it('alarms at the first fix of a large excess, in the county where it happened', () => {
    const [alarm] = latest(run(telemetry(speeds('1', T0, 30 * SECOND, [60, 131.2, 64]))), 'overspeed');
    expect(alarm).toMatchObject({ started_at: T0 + 30 * SECOND, late: 0 });
    expect(alarm.org_code).toMatch(/^4101\d\d$/);
    expect(details(alarm)).toMatchObject({ limit_kmh: 100, night: false });
  });

  it('uses the class limit of the registry and the home county', () => {
    const registry = [
      vehicle({ plate: '豫A00001', terminal_id: '7', vehicle_class: 'dangerous_goods', home_org_code: '410181' }),
    ];
    const [alarm] = latest(
      run(telemetry(speeds('7', T0, 30 * SECOND, [101, 50])), engineFor({ registry })),
      'overspeed',
    );
    expect(details(alarm)).toMatchObject({ limit_kmh: 80, vehicle_class: 'dangerous_goods' });
    expect(alarm.org_code).toBe('410181');
    expect(alarm.plate).toBe('豫A00001');
  });

  it('caps the limit of a coach at night, 22:00-06:00 China time, with the edges exact', () => {
    const at = (h: number, m: number, s = 0) => chinaTime(2026, 11, 28, h, m, s);
    const registry = ['a', 'b', 'c', 'd'].map((id, i) =>
      vehicle({ plate: `豫A0010${i}`, terminal_id: id, vehicle_class: 'coach', home_org_code: '410181' }),
    );
    const pair = (id: string, start: number) =>
      telemetry([
        fix(id, start, { speed_kmh: 85 }),
        fix(id, start + 30 * SECOND, { speed_kmh: 85 }),
        fix(id, start + 40 * SECOND, { speed_kmh: 50 }),
      ]);
    const runOne = (events: EngineEvent[]) => latest(run(events, engineFor({ registry })), 'overspeed');
    const before = runOne(pair('a', at(21, 59, 0)));
    const after = runOne(pair('b', at(22, 0, 0)));
    const lateNight = runOne(pair('c', chinaTime(2026, 11, 29, 5, 59, 0)));
    const morning = runOne(pair('d', chinaTime(2026, 11, 29, 6, 0, 0)));
    // 21:59:30 China is still day although it is 13:59:30 UTC; 22:00 China opens the night cap of 80 km/h.
    expect(before).toEqual([]);
    expect(after).toHaveLength(1);
    expect(details(after[0])).toMatchObject({ limit_kmh: 80, night: true });
    expect(lateNight).toHaveLength(1);
    expect(morning).toEqual([]);
  });

  it('keeps the day limit of freight classes at night (the cap is for passenger vehicles), unless configured', () => {
    // Issue #17's probe: a heavy truck at 90 km/h at 23:00 China time was alarmed against a night cap of 80.
    const at23 = chinaTime(2026, 11, 28, 23, 0, 0);
    const registry = [
      vehicle({ plate: '豫A00201', terminal_id: 'truck', vehicle_class: 'heavy_truck', home_org_code: '410181' }),
      vehicle({ plate: '豫A00202', terminal_id: 'coach', vehicle_class: 'coach', home_org_code: '410181' }),
      vehicle({ plate: '豫A00203', terminal_id: 'other', vehicle_class: 'other', home_org_code: '410181' }),
    ];
    const trace = (id: string) => telemetry(speeds(id, at23, 10 * SECOND, [90, 90, 90, 90, 60]));
    const events = [...trace('truck'), ...trace('coach'), ...trace('other')];
    const byDefault = latest(run(events, engineFor({ registry })), 'overspeed');
    expect(byDefault.map((a) => a.terminal_id)).toEqual(['coach']);
    expect(details(byDefault[0])).toMatchObject({ limit_kmh: 80, night: true, vehicle_class: 'coach' });
    const capped = engineFor({
      registry,
      configure: (c) => (c.rules.overspeed.nightCapClasses = ['coach', 'heavy_truck']),
    });
    const withTrucks = latest(run(events, capped), 'overspeed');
    expect(withTrucks.map((a) => a.terminal_id).sort()).toEqual(['coach', 'truck']);
  });

  it('applies speed-limit zones and per-city overrides', () => {
    const engine = engineFor({
      configure: (c) => {
        c.zones.push({
          id: 'school-1',
          name: 'School zone',
          kind: 'speed_limit',
          speedLimitKmh: 60,
          polygon: [
            [113.6, 34.7],
            [113.7, 34.7],
            [113.7, 34.8],
            [113.6, 34.8],
          ],
        });
        c.cities['410300'] = { overspeed: { limitKmhByClass: { other: 70 } } };
      },
    });
    const alarms = latest(
      run(
        [
          ...telemetry([fix('z1', T0, { speed_kmh: 75 }), fix('z1', T0 + 30 * SECOND, { speed_kmh: 40 })]),
          ...telemetry([
            fix('z2', T0, { speed_kmh: 75, ...LUOYANG }),
            fix('z2', T0 + 30 * SECOND, { speed_kmh: 40, ...LUOYANG }),
          ]),
          ...telemetry([
            fix('z3', T0, { speed_kmh: 90, plate: '豫C12345', ...LUOYANG }),
            fix('z3', T0 + 30 * SECOND, { speed_kmh: 40, plate: '豫C12345', ...LUOYANG }),
          ]),
          ...telemetry([
            fix('z4', T0, { speed_kmh: 90, plate: '豫A12345', ...LUOYANG }),
            fix('z4', T0 + 30 * SECOND, { speed_kmh: 40, plate: '豫A12345', ...LUOYANG }),
          ]),
        ],
        engine,
      ),
      'overspeed',
    );
    const by = (t: string) => alarms.filter((a) => a.terminal_id === t);
    expect(details(by('z1')[0])).toMatchObject({ limit_kmh: 60, zone: 'school-1' });
    expect(by('z2')).toEqual([]);
    // A Luoyang plate (豫C) gets Luoyang's 70 km/h; a Zhengzhou plate (豫A) in Luoyang keeps its own 100.
    expect(details(by('z3')[0])).toMatchObject({ limit_kmh: 70 });
    expect(by('z4')).toEqual([]);
  });

  it('names the speed-limit sign the ADAS camera read as evidence, while it is recent, without changing the limit', () => {
    // The 0x64 item as the gateway stores it: road-sign type 1 (限速标志) with the limit read, 60 km/h.
    const signAt = (ts: number) =>
      fix('sign', ts, {
        speed_kmh: 70,
        extras: JSON.stringify({
          adas: { alarmId: 7, flag: 0, type: 0x10, level: 1, roadSignType: 1, roadSignValue: 60 },
        }),
      });
    const run110 = (id: string, start: number) => speeds(id, start, 10 * SECOND, [110, 110, 110, 110, 60]);
    const withSign = latest(run(telemetry([signAt(T0), ...run110('sign', T0 + MINUTE)])), 'overspeed');
    expect(withSign).toHaveLength(1);
    // The limit applied is still the class's 100: a sign is what the camera read, not what the law says here.
    // The latest version is the closing one, at the fix 100 s after the sign.
    expect(details(withSign[0])).toMatchObject({
      limit_kmh: 100,
      sign_limit_kmh: 60,
      sign_seen_at: T0,
      sign_seconds_before: 100,
      sign_distance_m: 0,
    });
    // Past signEvidenceSeconds (600 s) the sign is forgotten; a height sign (type 2) is never a speed limit.
    const stale = latest(run(telemetry([signAt(T0), ...run110('sign', T0 + 11 * MINUTE)])), 'overspeed');
    expect(details(stale[0])).toMatchObject({ sign_limit_kmh: null });
    const height = fix('h', T0, {
      extras: JSON.stringify({
        adas: { alarmId: 8, flag: 0, type: 0x10, level: 1, roadSignType: 2, roadSignValue: 45 },
      }),
    });
    const heightOnly = latest(run(telemetry([height, ...run110('h', T0 + MINUTE)])), 'overspeed');
    expect(details(heightOnly[0])).toMatchObject({ sign_limit_kmh: null });
    const off = engineFor({ configure: (c) => (c.rules.overspeed.signEvidenceSeconds = 0) });
    const disabled = latest(run(telemetry([signAt(T0), ...run110('sign', T0 + MINUTE)]), off), 'overspeed');
    expect(details(disabled[0])).toMatchObject({ sign_limit_kmh: null });
  });
});

describe('fatigue', () => {
  it('does not alarm at exactly 4 h of driving; alarms from the first minute past it', () => {
    const exactly = drive('f1', T0, T0 + 240 * MINUTE + 1, MINUTE);
    expect(latest(run(telemetry(exactly)), 'fatigue')).toEqual([]);
    const [alarm] = latest(run(telemetry([...exactly, fix('f1', T0 + 241 * MINUTE)])), 'fatigue');
    expect(alarm.started_at).toBe(T0 + 240 * MINUTE);
    expect(details(alarm)).toMatchObject({ driving_minutes: 241, limit_minutes: 240 });
  });

  function withRest(id: string, restMinutes: number): TelemetryRow[] {
    const rows = drive(id, T0, T0 + 121 * MINUTE, MINUTE);
    for (let m = 121; m < 121 + restMinutes; m++)
      rows.push(fix(id, T0 + m * MINUTE, { speed_kmh: 0, lon: rows[rows.length - 1].lon }));
    const resume = T0 + (121 + restMinutes) * MINUTE;
    return [...rows, ...drive(id, resume, resume + 200 * MINUTE + 1, MINUTE)];
  }

  it('a rest of 19 minutes does not reset the clock, 20 minutes does', () => {
    const nineteen = latest(run(telemetry(withRest('r19', 19))), 'fatigue');
    const twenty = latest(run(telemetry(withRest('r20', 20))), 'fatigue');
    expect(nineteen).toHaveLength(1);
    expect(twenty).toEqual([]);
  });

  it('closes the episode where the qualifying rest began', () => {
    const rows = drive('f2', T0, T0 + 250 * MINUTE + 1, MINUTE);
    for (let m = 251; m <= 272; m++) rows.push(fix('f2', T0 + m * MINUTE, { speed_kmh: 0 }));
    const [alarm] = latest(run(telemetry(rows)), 'fatigue');
    expect(alarm.ended_at).toBe(T0 + 251 * MINUTE);
  });

  it('coaches: more than 2 h at night alarms across midnight; other vehicles do not', () => {
    const registry = [
      vehicle({ plate: '豫A20001', terminal_id: 'coach', vehicle_class: 'coach' }),
      vehicle({ plate: '豫A20002', terminal_id: 'truck' }),
    ];
    const start = chinaTime(2026, 11, 28, 22, 0);
    const events = [
      ...telemetry(drive('coach', start, start + 122 * MINUTE, MINUTE)),
      ...telemetry(drive('truck', start, start + 122 * MINUTE, MINUTE)),
    ];
    const alarms = latest(run(events, engineFor({ registry })), 'fatigue');
    expect(alarms).toHaveLength(1);
    expect(alarms[0].terminal_id).toBe('coach');
    // 2 h after 22:00 China is midnight China time, 16:00 UTC.
    expect(alarms[0].started_at).toBe(chinaTime(2026, 11, 29, 0, 0));
    expect(details(alarms[0])).toMatchObject({ limit_minutes: 120 });
  });

  it('coaches: more than 8 h of driving in 24 h alarms even with rests between', () => {
    const registry = [vehicle({ plate: '豫A20003', terminal_id: 'coach2', vehicle_class: 'coach' })];
    const rows: TelemetryRow[] = [];
    let t = T0;
    for (let block = 0; block < 3; block++) {
      rows.push(...drive('coach2', t, t + 171 * MINUTE, MINUTE));
      t += 171 * MINUTE;
      for (let m = 0; m < 30; m++) rows.push(fix('coach2', t + m * MINUTE, { speed_kmh: 0 }));
      t += 30 * MINUTE;
    }
    const alarms = latest(run(telemetry(rows), engineFor({ registry })), 'fatigue');
    expect(alarms).toHaveLength(1);
    expect(details(alarms[0])).toMatchObject({ limit_minutes: 480 });
    expect(Number(details(alarms[0]).driving_minutes_24h)).toBeGreaterThan(480);
  });
});

describe('night_ban', () => {
  const registry = [
    vehicle({ plate: '豫A30001', terminal_id: 'long', vehicle_class: 'coach', route_length_km: 150 }),
    vehicle({ plate: '豫A30002', terminal_id: 'short', vehicle_class: 'coach', route_length_km: 80 }),
  ];

  it('alarms a long-distance coach moving from 02:00 China time and closes at 05:00', () => {
    const events = [
      ...telemetry(drive('long', chinaTime(2026, 11, 28, 1, 50), chinaTime(2026, 11, 28, 2, 10), MINUTE)),
      ...telemetry(drive('long', chinaTime(2026, 11, 28, 4, 50), chinaTime(2026, 11, 28, 5, 5), MINUTE)),
      ...telemetry(drive('short', chinaTime(2026, 11, 28, 2, 0), chinaTime(2026, 11, 28, 2, 30), MINUTE)),
    ].sort((a, b) => a.value.ts - b.value.ts);
    const alarms = latest(run(events, engineFor({ registry })), 'night_ban');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({
      terminal_id: 'long',
      started_at: chinaTime(2026, 11, 28, 2, 0),
      ended_at: chinaTime(2026, 11, 28, 5, 0),
    });
  });

  it('exempts a coach that stood 20 min at a relay point (接驳) for relayValidMinutes after it left', () => {
    const coaches = ['relayed', 'brief', 'stale'].map((id, i) =>
      vehicle({ plate: `豫A3100${i}`, terminal_id: id, vehicle_class: 'coach', route_length_km: 300 }),
    );
    const engine = engineFor({
      registry: coaches,
      configure: (c) => {
        c.zones.push({
          id: 'relay-zz',
          name: '郑州接驳点',
          kind: 'relay_point',
          polygon: circleOutline(ZHENGZHOU.lon, ZHENGZHOU.lat, 500),
        });
      },
    });
    const stand = (id: string, from: number, minutesLong: number) =>
      Array.from({ length: minutesLong + 1 }, (_, m) => fix(id, from + m * MINUTE, { speed_kmh: 0 }));
    const at = (d: number, h: number, m: number) => chinaTime(2026, 11, d, h, m);
    const rows = [
      // 01:35-01:55 at the relay point (20 min), then on the road through the ban: exempt.
      ...stand('relayed', at(28, 1, 35), 20),
      ...drive('relayed', at(28, 1, 56), at(28, 2, 30), MINUTE),
      // 19 min is not a relay stop.
      ...stand('brief', at(28, 1, 36), 19),
      ...drive('brief', at(28, 1, 56), at(28, 2, 30), MINUTE),
      // A relay at 21:00 is more than 240 min before 02:00.
      ...stand('stale', at(27, 21, 0), 25),
      ...drive('stale', at(27, 21, 26), at(27, 21, 40), MINUTE),
      ...drive('stale', at(28, 2, 0), at(28, 2, 30), MINUTE),
    ].sort((a, b) => a.ts - b.ts);
    const alarms = latest(run(telemetry(rows), engine), 'night_ban');
    expect(alarms.map((a) => [a.terminal_id, a.started_at]).sort()).toEqual([
      ['brief', at(28, 2, 0)],
      ['stale', at(28, 2, 0)],
    ]);
  });
});

describe('offline', () => {
  it('opens when a monitored terminal falls silent past the limit, from its last fix; closes when heard again', () => {
    const registry = [vehicle({ plate: '豫A40001', terminal_id: 'off1' })];
    const rows = drive('off1', T0, T0 + 10 * MINUTE + 1, MINUTE);
    const unregistered = drive('off2', T0, T0 + 10 * MINUTE + 1, MINUTE);
    const back = fix('off1', T0 + 60 * MINUTE);
    const events: EngineEvent[] = [
      ...telemetry([...rows, ...unregistered].sort((a, b) => a.ts - b.ts)),
      { topic: 'telemetry', value: back },
    ];
    const versions = run(events, engineFor({ registry })).filter((a) => a.rule === 'offline');
    expect(versions.map((a) => a.version)).toEqual([1, 2]);
    expect(versions[0]).toMatchObject({ terminal_id: 'off1', started_at: T0 + 10 * MINUTE, ended_at: null });
    expect(versions[1].ended_at).toBe(T0 + 60 * MINUTE);
  });
});

describe('gps_drift', () => {
  it('opens on an impossible jump and closes at the first plausible step', () => {
    const rows = [
      fix('g', T0),
      fix('g', T0 + 30 * SECOND, { lat: ZHENGZHOU.lat + 0.45 }),
      fix('g', T0 + 60 * SECOND),
      fix('g', T0 + 90 * SECOND, { lon: ZHENGZHOU.lon + 0.001 }),
    ];
    const alarms = latest(run(telemetry(rows)), 'gps_drift');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ started_at: T0 + 30 * SECOND, ended_at: T0 + 90 * SECOND });
    expect(Number(details(alarms[0]).implied_speed_kmh)).toBeGreaterThan(5_000);
  });
});

describe('geofence', () => {
  it('accepts a zone given as a circle outline', () => {
    const registry = [vehicle({ plate: '豫A50003', terminal_id: 'dg2', vehicle_class: 'dangerous_goods' })];
    const engine = engineFor({
      registry,
      configure: (c) =>
        c.zones.push({
          id: 'seat',
          name: 'City seat',
          kind: 'restricted',
          polygon: circleOutline(ZHENGZHOU.lon, ZHENGZHOU.lat, 1_000),
        }),
    });
    const rows = [
      fix('dg2', T0, { lat: ZHENGZHOU.lat + 0.0095 }),
      fix('dg2', T0 + MINUTE, { lat: ZHENGZHOU.lat + 0.0085 }),
    ];
    // 0.0095° of latitude is about 1.06 km from the centre (outside a 1 km circle), 0.0085° about 0.95 km (inside).
    expect(latest(run(telemetry(rows), engine), 'geofence').map((a) => a.started_at)).toEqual([T0 + MINUTE]);
  });

  it('opens on entry of a dangerous-goods vehicle, turns critical past the dwell limit, closes on exit', () => {
    const registry = [
      vehicle({ plate: '豫A50001', terminal_id: 'dg', vehicle_class: 'dangerous_goods' }),
      vehicle({ plate: '豫A50002', terminal_id: 'hv' }),
    ];
    const engine = engineFor({
      registry,
      configure: (c) =>
        c.zones.push({
          id: 'reservoir',
          name: 'Reservoir protection area',
          kind: 'restricted',
          polygon: [
            [113.64, 34.73],
            [113.68, 34.73],
            [113.68, 34.77],
            [113.64, 34.77],
          ],
        }),
    });
    const outside = { lat: 34.7, lon: 113.66 };
    const trace = (id: string) => [
      fix(id, T0, outside),
      fix(id, T0 + MINUTE, { lat: 34.72, lon: 113.66 }),
      ...Array.from({ length: 14 }, (_, i) => fix(id, T0 + (2 + i) * MINUTE, { speed_kmh: 5 })),
      fix(id, T0 + 16 * MINUTE, outside),
    ];
    const versions = run(telemetry([...trace('dg'), ...trace('hv')].sort((a, b) => a.ts - b.ts)), engine).filter(
      (a) => a.rule === 'geofence',
    );
    expect(new Set(versions.map((a) => a.terminal_id))).toEqual(new Set(['dg']));
    expect(new Set(versions.map((a) => a.alarm_id)).size).toBe(1);
    expect(versions.map((a) => a.version)).toEqual(versions.map((_, i) => i + 1));
    expect(versions[0]).toMatchObject({ severity: 'warning', started_at: T0 + 2 * MINUTE, ended_at: null });
    // Critical from the first fix past 10 minutes of dwell (entered at minute 2).
    const firstCritical = versions.find((a) => a.severity === 'critical');
    expect(firstCritical && details(firstCritical).dwell_minutes).toBe(11);
    expect(versions[versions.length - 1]).toMatchObject({ severity: 'critical', ended_at: T0 + 16 * MINUTE });
  });
});

describe('terminal_alarm', () => {
  it('opens while the emergency bit is set and closes when it clears', () => {
    const rows = [
      fix('t', T0),
      fix('t', T0 + 30 * SECOND, { alarm_bits: 1 }),
      fix('t', T0 + 60 * SECOND, { alarm_bits: 1 }),
      fix('t', T0 + 90 * SECOND),
    ];
    const versions = run(telemetry(rows)).filter((a) => a.rule === 'terminal_alarm');
    expect(versions.map((a) => [a.version, a.severity, a.ended_at])).toEqual([
      [1, 'critical', null],
      [2, 'critical', T0 + 90 * SECOND],
    ]);
    expect(details(versions[0])).toMatchObject({ bit: 0, name: 'emergency' });
  });

  it('ignores bits the configuration does not list', () => {
    expect(run(telemetry([fix('t', T0, { alarm_bits: 1 << 9 })])).filter((a) => a.rule === 'terminal_alarm')).toEqual(
      [],
    );
  });
});

describe('adas and dsm', () => {
  const extras = (item: string, value: Record<string, unknown>) => JSON.stringify({ [item]: value, others: [] });

  it('opens an ADAS alarm on its start flag with the level as severity, and closes it on its end flag', () => {
    const rows = [
      fix('v', T0, { extras: extras('adas', { alarmId: 7, flag: 1, type: 1, level: 2, speedKmh: 62, time: T0 }) }),
      fix('v', T0 + 20 * SECOND, {
        extras: extras('adas', { alarmId: 8, flag: 2, type: 1, level: 2, time: T0 + 20 * SECOND }),
      }),
    ];
    const versions = run(telemetry(rows)).filter((a) => a.rule === 'adas');
    expect(versions.map((a) => [a.version, a.severity, a.ended_at])).toEqual([
      [1, 'critical', null],
      [2, 'critical', T0 + 20 * SECOND],
    ]);
    expect(details(versions[0])).toMatchObject({ name: 'forward_collision', level: 2 });
  });

  it('raises a one-off DSM alarm for flag 0', () => {
    const rows = [fix('v', T0, { extras: extras('dsm', { alarmId: 9, flag: 0, type: 2, level: 1, time: T0 }) })];
    const [alarm] = run(telemetry(rows)).filter((a) => a.rule === 'dsm');
    expect(alarm).toMatchObject({ severity: 'warning', started_at: T0, ended_at: T0 });
    expect(details(alarm)).toMatchObject({ name: 'handheld_phone' });
  });
});

describe('cloned_plate', () => {
  it('alarms on two plate reads too far apart for the time between, not on plausible ones', () => {
    const events: EngineEvent[] = [
      { topic: 'camera', value: camera({ plate: '豫A12345', ts: T0, device_id: 'cam-zz' }) },
      {
        topic: 'camera',
        value: camera({ plate: '豫A12345', ts: T0 + 10 * MINUTE, device_id: 'cam-ly', ...LUOYANG, org_code: '410302' }),
      },
      { topic: 'camera', value: camera({ plate: '豫A67890', ts: T0, device_id: 'cam-zz' }) },
      {
        topic: 'camera',
        value: camera({ plate: '豫A67890', ts: T0 + 90 * MINUTE, device_id: 'cam-ly', ...LUOYANG, org_code: '410302' }),
      },
    ];
    const alarms = latest(run(events), 'cloned_plate');
    expect(alarms).toHaveLength(1);
    // An unregistered plate belongs to the county of the camera that caught the conflict.
    expect(alarms[0]).toMatchObject({ plate: '豫A12345', severity: 'critical', org_code: '410302' });
    expect(Number(details(alarms[0]).distance_km)).toBeGreaterThan(100);
  });

  it('compares a plate read with the GPS fix of the vehicle carrying the plate', () => {
    const registry = [vehicle({ plate: '豫A55555', terminal_id: 'gps1' })];
    const events: EngineEvent[] = [
      { topic: 'telemetry', value: fix('gps1', T0, { plate: '豫A55555' }) },
      {
        topic: 'camera',
        value: camera({ plate: '豫A55555', ts: T0 + 5 * MINUTE, device_id: 'cam-ly', ...LUOYANG, org_code: '410302' }),
      },
    ];
    const [alarm] = latest(run(events, engineFor({ registry })), 'cloned_plate');
    expect(details(alarm)).toMatchObject({ other: { source: 'gps:gps1' } });
  });

  it('does not compare a read with a GPS fix that itself jumped impossibly (drift), but with a plausible one', () => {
    const registry = [vehicle({ plate: '豫A55556', terminal_id: 'gps2' })];
    const events: EngineEvent[] = [
      { topic: 'telemetry', value: fix('gps2', T0, { plate: '豫A55556' }) },
      // 30 s later the fix says Luoyang, 120 km away: satellite drift, not the vehicle.
      { topic: 'telemetry', value: fix('gps2', T0 + 30 * SECOND, { plate: '豫A55556', ...LUOYANG }) },
      { topic: 'camera', value: camera({ plate: '豫A55556', ts: T0 + 40 * SECOND, device_id: 'cam-zz' }) },
    ];
    expect(latest(run(events, engineFor({ registry })), 'cloned_plate')).toEqual([]);
    // The same read against a fix that arrived by a plausible path does alarm.
    const plausible: EngineEvent[] = [
      { topic: 'telemetry', value: fix('gps2', T0 - 3 * 60 * MINUTE, { plate: '豫A55556', ...LUOYANG }) },
      { topic: 'telemetry', value: fix('gps2', T0 + 30 * SECOND, { plate: '豫A55556', ...LUOYANG }) },
      { topic: 'camera', value: camera({ plate: '豫A55556', ts: T0 + 40 * SECOND, device_id: 'cam-zz' }) },
    ];
    expect(latest(run(plausible, engineFor({ registry })), 'cloned_plate')).toHaveLength(1);
  });

  it('reports a conflicting read once: the genuine read after a clone read is not a second alarm', () => {
    const XINYANG = { lat: 32.13, lon: 114.07 };
    const events: EngineEvent[] = [
      { topic: 'camera', value: camera({ plate: '豫A24680', ts: T0, device_id: 'cam-zz' }) },
      // A clone in Xinyang (about 290 km away) 10 min later: alarm.
      {
        topic: 'camera',
        value: camera({ plate: '豫A24680', ts: T0 + 10 * MINUTE, device_id: 'cam-xy', ...XINYANG, org_code: '411502' }),
      },
      // The genuine vehicle read in Zhengzhou 61 min after the clone read (past the cooldown, still > 200 km/h
      // from it): the same conflict, already reported.
      { topic: 'camera', value: camera({ plate: '豫A24680', ts: T0 + 71 * MINUTE, device_id: 'cam-zz2' }) },
      // The clone read in Xinyang again 10 min later: a new conflict, alarmed.
      {
        topic: 'camera',
        value: camera({ plate: '豫A24680', ts: T0 + 81 * MINUTE, device_id: 'cam-xy', ...XINYANG, org_code: '411502' }),
      },
    ];
    const alarms = latest(run(events), 'cloned_plate');
    expect(alarms.map((a) => a.started_at)).toEqual([T0 + 10 * MINUTE, T0 + 81 * MINUTE]);
  });
});

describe('overload', () => {
  const wim = (plate: string, ts: number, axles: number, grossKg: number) => ({
    topic: 'camera' as const,
    value: camera({ plate, ts, kind: 'wim', device_id: 'wim-1', axles, gross_kg: grossKg }),
  });

  it('alarms above the axle limit plus tolerance, not at it', () => {
    const alarms = latest(
      run([wim('豫A1', T0, 2, 18_900), wim('豫A2', T0, 2, 18_901), wim('豫A3', T0, 2, 24_000)]),
      'overload',
    );
    expect(alarms.map((a) => [a.plate, a.severity])).toEqual([
      ['豫A2', 'warning'],
      ['豫A3', 'critical'],
    ]);
    expect(details(alarms[0])).toMatchObject({ limit_kg: 18_000, tolerance_percent: 5 });
  });

  it('uses the combination limit for tractors, and for vehicles the registry does not know unless configured', () => {
    // Issue #17's probe: an unregistered 3-axle combination at 27.5 t was judged against the 25 t of a rigid truck.
    const registry = [
      vehicle({ plate: '豫A7', vehicle_class: 'tractor', axles: 3 }),
      vehicle({ plate: '豫A9', vehicle_class: 'heavy_truck', axles: 3 }),
    ];
    const events = [wim('豫A7', T0, 3, 27_500), wim('豫A8', T0, 3, 27_500), wim('豫A9', T0, 3, 27_500)];
    const alarms = latest(run(events, engineFor({ registry })), 'overload');
    expect(alarms.map((a) => a.plate)).toEqual(['豫A9']);
    expect(details(alarms[0])).toMatchObject({ limit_kg: 25_000, configuration: 'rigid', reason: 'gross' });
    const strict = engineFor({ registry, configure: (c) => (c.rules.overload.unregisteredAsCombination = false) });
    const strictAlarms = latest(run(events, strict), 'overload');
    expect(strictAlarms.map((a) => a.plate).sort()).toEqual(['豫A8', '豫A9']);
    expect(details(strictAlarms.find((a) => a.plate === '豫A8')!)).toMatchObject({ configuration: 'unregistered' });
  });

  it('alarms on one axle over the single-axle limit plus tolerance, even when the gross weight is legal', () => {
    const weighed = (plate: string, axleWeightsKg: number[]) => ({
      topic: 'camera' as const,
      value: camera({
        plate,
        ts: T0,
        kind: 'wim',
        device_id: 'wim-1',
        axles: axleWeightsKg.length,
        gross_kg: axleWeightsKg.reduce((a, b) => a + b, 0),
        axle_weights_kg: axleWeightsKg,
      }),
    });
    // 11,500 kg + 5 % = 12,075 kg is the most one axle may weigh on the scale.
    const alarms = latest(
      run([
        weighed('豫B1', [5_000, 12_075]),
        weighed('豫B2', [4_900, 12_080]),
        weighed('豫B3', [9_000, 6_000, 16_000]),
      ]),
      'overload',
    );
    expect(alarms.map((a) => [a.plate, a.severity])).toEqual([
      ['豫B2', 'warning'],
      ['豫B3', 'critical'],
    ]);
    expect(details(alarms[0])).toMatchObject({
      reason: 'axle',
      gross_kg: 16_980,
      limit_kg: 18_000,
      axle_limit_kg: 11_500,
      axles_over: [{ axle: 2, kg: 12_080 }],
    });
    expect(details(alarms[1])).toMatchObject({ reason: 'gross_and_axle', axles_over: [{ axle: 3, kg: 16_000 }] });
  });
});

describe('unlicensed', () => {
  it('alarms once per cooldown on a plate whose permit expired; not on valid or unknown plates', () => {
    const registry = [
      vehicle({ plate: '豫A90001', permit_valid_until: T0 - 86_400_000 }),
      vehicle({ plate: '豫A90002' }),
      vehicle({ plate: '豫A90003', permit_valid_until: null }),
    ];
    const sight = (plate: string, ts: number): EngineEvent => ({ topic: 'camera', value: camera({ plate, ts }) });
    const alarms = latest(
      run(
        [
          sight('豫A90001', T0),
          sight('豫A90002', T0),
          sight('豫A99999', T0),
          sight('豫A90003', T0),
          sight('豫A90001', T0 + 60 * MINUTE),
        ],
        engineFor({ registry }),
      ),
      'unlicensed',
    );
    expect(alarms.map((a) => [a.plate, details(a).reason])).toEqual([
      ['豫A90001', 'permit_expired'],
      ['豫A90003', 'no_permit'],
    ]);
  });
});

describe('device_offline', () => {
  it('opens on a fault report and closes on online; a silent device alarms from its last sign of life', () => {
    const events: EngineEvent[] = [
      { topic: 'devices', value: deviceStatus({ ts: T0, status: 'fault', detail: 'lens' }) },
      { topic: 'devices', value: deviceStatus({ ts: T0 + 5 * MINUTE, status: 'online' }) },
      {
        topic: 'camera',
        value: camera({ plate: '豫A1', ts: T0 + 6 * MINUTE, device_id: 'cam-9', org_code: '410302' }),
      },
    ];
    const versions = run(events, engineFor(), T0 + 45 * MINUTE).filter((a) => a.rule === 'device_offline');
    const fault = versions.filter((a) => a.alarm_id === versions[0].alarm_id);
    expect(fault.map((a) => [a.version, a.ended_at])).toEqual([
      [1, null],
      [2, T0 + 5 * MINUTE],
    ]);
    expect(details(fault[0])).toMatchObject({ status: 'fault', detail: 'lens' });
    const silent = versions.filter((a) => details(a).silent_minutes !== undefined);
    expect(silent.map((a) => a.started_at)).toContain(T0 + 6 * MINUTE);
    expect(silent.find((a) => a.started_at === T0 + 6 * MINUTE)?.org_code).toBe('410302');
  });
});
