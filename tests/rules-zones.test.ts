/**
 * Zones drawn in the console as circles and route corridors, and zones with a daily window, evaluated by the
 * real engine: the geofence rule opens in a restricted circle and corridor, the overspeed rule lowers the limit
 * inside a speed-limit corridor only during its hours.
 */
import { describe, expect, it } from 'vitest';
import {
  MINUTE,
  T0,
  ZHENGZHOU,
  chinaTime,
  details,
  engineFor,
  fix,
  latest,
  run,
  telemetry,
  vehicle,
} from './support/rules-trace.js';

const SECOND = 1_000;
/** Degrees of latitude in 100 m. */
const LAT_100M = 100 / 111_195;

describe('geofence on drawn shapes', () => {
  it('opens inside a restricted circle, not outside its radius', () => {
    const registry = [vehicle({ plate: '豫A51001', terminal_id: 'dg', vehicle_class: 'dangerous_goods' })];
    const engine = engineFor({
      registry,
      configure: (c) =>
        c.zones.push({
          id: 'circle',
          name: '水源地',
          kind: 'restricted',
          circle: { center: [ZHENGZHOU.lon, ZHENGZHOU.lat], radiusM: 1_000 },
        }),
    });
    const rows = [
      fix('dg', T0, { lat: ZHENGZHOU.lat + 10.5 * LAT_100M, lon: ZHENGZHOU.lon }),
      fix('dg', T0 + MINUTE, { lat: ZHENGZHOU.lat + 9.5 * LAT_100M, lon: ZHENGZHOU.lon }),
    ];
    const alarms = latest(run(telemetry(rows), engine), 'geofence');
    expect(alarms.map((a) => a.started_at)).toEqual([T0 + MINUTE]);
    expect(details(alarms[0])).toMatchObject({ zone: 'circle', zone_name: '水源地' });
  });

  it('opens inside a restricted corridor (half its width either side of the route) and closes on leaving it', () => {
    const registry = [vehicle({ plate: '豫A51002', terminal_id: 'dg', vehicle_class: 'dangerous_goods' })];
    const engine = engineFor({
      registry,
      configure: (c) =>
        c.zones.push({
          id: 'route',
          name: '隧道通道',
          kind: 'restricted',
          // An east-west route 0.1° long through Zhengzhou, 400 m wide.
          corridor: {
            path: [
              [ZHENGZHOU.lon - 0.05, ZHENGZHOU.lat],
              [ZHENGZHOU.lon + 0.05, ZHENGZHOU.lat],
            ],
            widthM: 400,
          },
        }),
    });
    const rows = [
      fix('dg', T0, { lat: ZHENGZHOU.lat + 2.2 * LAT_100M }),
      fix('dg', T0 + MINUTE, { lat: ZHENGZHOU.lat + 1.8 * LAT_100M }),
      fix('dg', T0 + 2 * MINUTE, { lat: ZHENGZHOU.lat - 1.8 * LAT_100M }),
      fix('dg', T0 + 3 * MINUTE, { lat: ZHENGZHOU.lat - 2.2 * LAT_100M }),
    ];
    const [alarm] = latest(run(telemetry(rows), engine), 'geofence');
    expect(alarm).toMatchObject({ started_at: T0 + MINUTE, ended_at: T0 + 3 * MINUTE });
  });
});

describe('overspeed in a speed-limit corridor with hours', () => {
  it('lowers the limit inside the corridor during its window, not outside it', () => {
    const registry = [
      vehicle({ plate: '豫A51003', terminal_id: 'day' }),
      vehicle({ plate: '豫A51004', terminal_id: 'night' }),
    ];
    const engine = engineFor({
      registry,
      configure: (c) =>
        c.zones.push({
          id: 'school-road',
          name: '学校路段',
          kind: 'speed_limit',
          speedLimitKmh: 40,
          hours: { from: '07:00', to: '19:00' },
          corridor: {
            path: [
              [ZHENGZHOU.lon - 0.05, ZHENGZHOU.lat],
              [ZHENGZHOU.lon + 0.05, ZHENGZHOU.lat],
            ],
            widthM: 100,
          },
        }),
    });
    const at = (h: number) => chinaTime(2026, 11, 28, h, 0);
    const trace = (id: string, start: number) =>
      [70, 70, 70, 70, 70, 30].map((speed_kmh, i) =>
        fix(id, start + i * 10 * SECOND, { speed_kmh, lat: ZHENGZHOU.lat }),
      );
    const alarms = latest(run(telemetry([...trace('day', at(10)), ...trace('night', at(21))]), engine), 'overspeed');
    expect(alarms.map((a) => a.terminal_id)).toEqual(['day']);
    expect(details(alarms[0])).toMatchObject({ limit_kmh: 40, zone: 'school-road' });
  });
});
