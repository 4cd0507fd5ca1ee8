/**
 * The generator's city buses replayed into a spawned `vigil start`: the last hour up to now generated (a small
 * fleet, so the test stays short), then replayed at full speed with keys bound to each bus operator's city. Every
 * operator's GTFS static zip and every GTFS-Realtime snapshot (protobuf, encoded by the generator with
 * gtfs-realtime-bindings) is accepted whole, ClickHouse holds one position per bus and snapshot and one delay per
 * trip update, and the wall's bus summary (`GET /api/summary/flows`) shows every bus and, per route, the average
 * delay and the bunched pairs the generator's truth (`bus-labels.ndjson`) says it should.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusRouteIndicator } from '../schema/index.js';
import { BUS_FEED_INTERVAL_S, HTTP_KINDS, type BusLabel, type GeneratedManifest } from '../fixtures/generator/index.js';
import type { ReplayStats } from '../cli/commands/replay/replay-stats.js';
import { replayGenerated, type GeneratedReplay } from './support/generated-replay.js';
import type { VigilProcess } from './support/vigil-process.js';

const HOUR_MS = 3_600_000;
let replay: GeneratedReplay;
let dir: string;
let vigil: VigilProcess;
let manifest: GeneratedManifest;
let stats: ReplayStats;
let token: string;

beforeAll(async () => {
  // The hour before now, on the feeds' 30 s grid: the wall shows what was heard in the last minutes.
  const step = BUS_FEED_INTERVAL_S * 1000;
  const startMs = Math.floor(Date.now() / step) * step - HOUR_MS;
  replay = await replayGenerated({
    prefix: 'vigil-bus-replay-',
    traffic: { vehicles: 4, hours: 1, seed: 21, startMs },
    vigilArgs: ['--log-level', 'warn'],
    keys: async (issue, generated) => {
      const keys: Record<string, string> = {};
      for (const kind of [...HTTP_KINDS, 'registry']) keys[kind] = await issue(kind, '410000');
      // Each operator's feed under a key of its own city, as in production.
      for (const feed of generated.buses!.feeds)
        for (const kind of ['gtfs_static', 'gtfs_rt'])
          keys[`${kind}:${feed.org_code}`] = await issue(kind, feed.org_code);
      return keys;
    },
  });
  ({ dir, vigil, manifest, stats, token } = replay);
});

afterAll(() => replay?.close());

const busLabels = (): BusLabel[] =>
  readFileSync(path.join(dir, manifest.buses!.labels), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as BusLabel);

describe('generated city buses replayed into vigil start', () => {
  it('posts every timetable row and every snapshot entity, all accepted', async () => {
    const feeds = manifest.buses!.feeds;
    expect(feeds.map((f) => f.org_code)).toEqual(['410100', '410300']);
    expect(stats.failures).toEqual([]);
    const staticRows = feeds.reduce((n, f) => n + f.static_rows, 0);
    const entities = feeds.reduce((n, f) => n + f.entities, 0);
    const http = Object.fromEntries(stats.http);
    expect(http.gtfs_static).toEqual({ records: staticRows, accepted: staticRows, rejected: 0 });
    expect(http.gtfs_rt).toEqual({ records: entities, accepted: entities, rejected: 0 });
    // Half the entities are positions, half trip updates with one stop each.
    const rows = await vigil.sql<[string, string]>(
      "SELECT (SELECT count() FROM bus_positions FINAL), (SELECT count() FROM bus_stop_delays FINAL WHERE feed_org IN ('410100', '410300'))",
    );
    expect(rows.rows[0].map(Number)).toEqual([entities / 2, entities / 2]);
    const routes = await vigil.sql<[string]>('SELECT count() FROM gtfs_routes FINAL');
    expect(Number(routes.rows[0][0])).toBe(5);
  });

  it("shows every bus, and each route's delay and bunching as the generator's truth has them", async () => {
    const res = await fetch(`${vigil.baseUrl}/api/summary/flows`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const flows = (await res.json()) as {
      generated_at: number;
      bus_delay_window_minutes: number;
      buses: { vehicle_id: string; bunched: boolean }[];
      bus_routes: BusRouteIndicator[];
    };
    const labels = busLabels();
    const last = Math.max(...labels.map((l) => l.end));
    expect(flows.generated_at - last).toBeLessThan(10 * 60_000);
    // Every bus of the last snapshot, bunched exactly when the truth has it in a bunched pair then.
    const bunchedNow = labels.filter((l) => l.indicator === 'bus_bunching' && l.start <= last && l.end >= last);
    expect(bunchedNow.length).toBeGreaterThan(0);
    const bunchedIds = new Set(bunchedNow.flatMap((l) => l.vehicle_ids));
    expect(flows.buses).toHaveLength(20);
    for (const bus of flows.buses) expect(bus.bunched, bus.vehicle_id).toBe(bunchedIds.has(bus.vehicle_id));
    // Per route: the trips reported within the delay window, each the delay it ran.
    const from = flows.generated_at - flows.bus_delay_window_minutes * 60_000;
    const expected = [...new Set(labels.map((l) => `${l.feed_org}/${l.route_id}`))].sort().map((key) => {
      const trips = labels.filter(
        (l) => l.indicator === 'bus_delay' && `${l.feed_org}/${l.route_id}` === key && l.end >= from,
      );
      return {
        key,
        trips_reporting: trips.length,
        average_delay_s: Math.round(trips.reduce((s, t) => s + t.delay_s!, 0) / trips.length),
        bunched_pairs: bunchedNow.filter((l) => `${l.feed_org}/${l.route_id}` === key).length,
        buses: 4,
      };
    });
    const shown = flows.bus_routes
      .map((r) => ({
        key: `${r.feed_org}/${r.route_id}`,
        trips_reporting: r.trips_reporting,
        average_delay_s: r.average_delay_s,
        bunched_pairs: r.bunched_pairs,
        buses: r.buses,
      }))
      .sort((a, b) => a.key.localeCompare(b.key));
    expect(shown).toEqual(expected);
    expect(flows.bus_routes.find((r) => r.route_id === 'ZZBUS-R1')?.route_name).toBe('2路');
  });
});
