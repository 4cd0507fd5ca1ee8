/**
 * `vigil start --demo` posts the committed sample's roadside records through the node's own HTTP ingestion,
 * with source keys it issues itself, time-shifted like the JT/T 808 replay: device reports arrive within
 * seconds, all with device times of now, so none is refused as `time_in_future`. The sample replays at real
 * speed and its first ANPR and weigh-in-motion records are 275 s in, so the demo starts 270 s into it
 * (`--demo-start-s`): they arrive within seconds too, and what came before is left out rather than sent late.
 * The demo's own counting and shipping sources (cli/demo/demo-flows.ts) post from its first minute: its ships'
 * AIS reports are stored, none refused; its bus operator's timetable and GTFS-Realtime feed from its first seconds,
 * and its toll trucks are in the registry before their first journey. Its 44 taxis and ride-hailing cars
 * (cli/demo/demo-taxis.ts) report positions from the first seconds, their permits posted first, none refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

/** Five seconds before the sample's first ANPR and weigh-in-motion records. */
const DEMO_START_S = 270;

let vigil: VigilProcess;
let startedAt: number;

beforeAll(async () => {
  startedAt = Date.now();
  vigil = await startVigil({
    store: 'embedded',
    args: ['--demo', '--demo-vehicles', '20', '--demo-start-s', String(DEMO_START_S), '--log-level', 'warn'],
  });
});

afterAll(async () => {
  await vigil?.stop({ removeData: true });
});

const count = async (sql: string): Promise<number> => Number((await vigil.sql<[string]>(sql)).rows[0][0]);

describe('vigil start --demo: roadside records through HTTP ingestion', () => {
  it('stores the sample device reports, time-shifted to now', async () => {
    await eventually(
      async () => ((await count('SELECT count() FROM device_status')) > 0 ? true : undefined),
      120_000,
      'device_status rows',
    );
    const [[oldest, newest]] = (
      await vigil.sql<[string, string]>(
        'SELECT toUnixTimestamp64Milli(min(ts)), toUnixTimestamp64Milli(max(ts)) FROM device_status',
      )
    ).rows;
    expect(Number(oldest)).toBeGreaterThanOrEqual(startedAt - 60_000);
    expect(Number(newest)).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it('stores ANPR and weigh-in-motion events in camera_events, time-shifted, none refused', async () => {
    const kinds = await eventually(
      async () => {
        const rows = (await vigil.sql<[string, string]>('SELECT kind, count() FROM camera_events GROUP BY kind')).rows;
        const byKind = Object.fromEntries(rows.map(([k, n]) => [k, Number(n)]));
        return byKind.anpr > 0 && byKind.wim > 0 ? byKind : undefined;
      },
      90_000,
      'ANPR and WIM rows in camera_events',
    );
    expect(kinds.anpr).toBeGreaterThan(0);
    const [[oldest, newest]] = (
      await vigil.sql<[string, string]>(
        'SELECT toUnixTimestamp64Milli(min(ts)), toUnixTimestamp64Milli(max(ts)) FROM camera_events',
      )
    ).rows;
    expect(Number(oldest)).toBeGreaterThanOrEqual(startedAt - 60_000);
    expect(Number(newest)).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(await count("SELECT count() FROM ingest_rejects WHERE reason = 'time_in_future'")).toBe(0);
    expect(vigil.stderr()).not.toContain('demo traffic failed');
  });

  it('posts the demo ships by AIS from its first minute, none refused', async () => {
    const vessels = await eventually(
      async () => {
        const n = await count('SELECT uniqExact(mmsi) FROM vessel_positions');
        return n > 0 ? n : undefined;
      },
      150_000,
      'vessel_positions rows',
    );
    expect(vessels).toBe(3);
    expect(await count("SELECT count() FROM ingest_rejects WHERE source = 'http:ais'")).toBe(0);
    expect(vigil.stderr()).not.toContain('demo flows');
  });

  it('posts the bus timetable and feed from the start and registers the toll trucks, none refused', async () => {
    const buses = await eventually(
      async () => {
        const n = await count('SELECT uniqExact(vehicle_id) FROM bus_positions');
        return n >= 8 ? n : undefined;
      },
      90_000,
      'bus_positions of 8 buses',
    );
    expect(buses).toBe(8);
    expect(await count('SELECT uniqExact(route_id) FROM gtfs_routes FINAL')).toBe(2);
    expect(await count('SELECT count() FROM bus_stop_delays')).toBeGreaterThan(0);
    expect(await count("SELECT count() FROM ingest_rejects WHERE source IN ('http:gtfs_rt', 'http:gtfs_static')")).toBe(
      0,
    );
    // The registry is mirrored to ClickHouse a little after it is written.
    await eventually(
      async () =>
        (await count("SELECT count() FROM vehicles FINAL WHERE plate LIKE '豫A7%'")) >= 40 ? true : undefined,
      60_000,
      'the 40 toll trucks in vehicles',
    );
    expect(vigil.stderr()).not.toContain('demo flows');
    expect(vigil.stderr()).not.toContain('demo bus feed');
  });

  it('posts the taxis and ride-hailing cars with their permits from the start, none refused', async () => {
    const cars = await eventually(
      async () => {
        const n = await count('SELECT uniqExact(plate) FROM taxi_positions');
        return n >= 44 ? n : undefined;
      },
      90_000,
      'taxi_positions of 44 cars',
    );
    expect(cars).toBe(44);
    expect(await count('SELECT uniqExact(substring(org_code, 1, 4)) FROM taxi_positions')).toBe(2);
    // The permits are mirrored to ClickHouse a little after they are written: a vehicle and a driver permit per car.
    await eventually(
      async () =>
        (await count("SELECT count() FROM taxi_permits FINAL WHERE permit_no LIKE 'DEMO-%'")) >= 88 ? true : undefined,
      60_000,
      'the 88 demo permits in taxi_permits',
    );
    expect(
      await count(
        "SELECT count() FROM ingest_rejects WHERE source IN ('http:taxi_position', 'http:taxi_permit', 'http:taxi_order')",
      ),
    ).toBe(0);
    expect(vigil.stderr()).not.toContain('demo taxis');
  });
});
