/**
 * The server side of the wall benchmarks: a real FeedHub fed through the in-process event log (as `vigil start`
 * feeds it) behind a real HTTP server that serves a built wall, its map geography and `/ws`, with N live vehicles
 * that each report on a fixed period with a small move, spread evenly over the period, as JT/T 808 terminals do.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FeedHub, FEED_HUB_DEFAULTS, Router, staticFiles } from '../center/index.js';
import { Metrics, henanGeo, silentLogger, type TelemetryRow } from '../schema/index.js';
import { countyAt, isWithin } from '../schema/reference/divisions.js';
import { MemoryLog, TOPICS } from '../stream/index.js';

export const BENCH_TOKEN = 'bench';
const SEND_EVERY_MS = 100;
const HENAN_BOX = { lonMin: 110.4, lonMax: 116.6, latMin: 31.4, latMax: 36.4 };
const CLASSES = ['coach', 'dangerous_goods', 'heavy_truck', 'tractor', 'bus', 'taxi', 'other'];

export interface FeedServer {
  base: string;
  /** Stops the position traffic (heartbeats go on). */
  stopTraffic(): void;
  close(): Promise<void>;
}

/** Vehicles at random places inside Henan (rejection sampling against the county polygons), deterministic. */
export function placeVehicles(vehicles: number): { lon: Float64Array; lat: Float64Array; county: string[] } {
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const lon = new Float64Array(vehicles);
  const lat = new Float64Array(vehicles);
  const county: string[] = [];
  for (let i = 0; i < vehicles;) {
    const x = HENAN_BOX.lonMin + random() * (HENAN_BOX.lonMax - HENAN_BOX.lonMin);
    const y = HENAN_BOX.latMin + random() * (HENAN_BOX.latMax - HENAN_BOX.latMin);
    const c = countyAt(x, y);
    if (c === undefined) continue;
    lon[i] = x;
    lat[i] = y;
    county.push(c.code);
    i += 1;
  }
  return { lon, lat, county };
}

export async function startFeedServer(options: {
  vehicles: number;
  reportS: number;
  wallDist: string;
  places: ReturnType<typeof placeVehicles>;
}): Promise<FeedServer> {
  const { vehicles, reportS, places } = options;
  const log = new MemoryLog({ partitions: 4, backlogPerPartitionMax: 1_000_000, durableGroups: {} });
  const countyOf = new Map<string, string>();
  const hub = new FeedHub(
    {
      log,
      logger: silentLogger,
      metrics: new Metrics(),
      authenticate: async (token) => {
        if (token !== BENCH_TOKEN) throw new Error('bad token');
        return { userId: 1, username: 'wall-410000', role: 'wall', orgCode: '410000', enterpriseId: null };
      },
      covers: (scope, code) => scope === code || isWithin(code, scope),
      // The bench knows each vehicle's county; the server looks it up with countyAt, which is timed separately.
      vehicleOrgCode: (v) => countyOf.get(v.terminal_id) ?? '410000',
      vehicleClassOf: (terminalId) => CLASSES[Number(terminalId) % CLASSES.length],
      enterpriseOf: () => undefined,
    },
    FEED_HUB_DEFAULTS,
  );
  hub.start();
  const geoJson = JSON.stringify(henanGeo());
  const router = new Router(1 << 20);
  router.add('GET', '/api/geo/province', () => ({ raw: geoJson, headers: { 'content-type': 'application/json' } }));
  const server = createServer((req, res) => void router.handle(req, res, staticFiles(options.wallDist)));
  server.on('upgrade', (req, socket, head) => {
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? undefined;
    void hub.handleUpgrade(req, socket, head, token);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Every vehicle once, so the snapshot holds all of them; then each reports every `reportS` seconds.
  const producer = log.producer();
  const fixOf = (i: number, now: number, step: number): TelemetryRow => {
    const terminal_id = String(13_800_000_000 + i);
    countyOf.set(terminal_id, places.county[i]);
    return {
      terminal_id,
      plate: `豫${'ABCDEFGHJKLMNPQRSU'[i % 18]}${String(i).padStart(5, '0')}`,
      ts: now,
      received_at: now,
      lat: places.lat[i] + step * 1e-4,
      lon: places.lon[i] + step * 1e-4,
      altitude_m: 0,
      speed_kmh: 40 + (i % 60),
      direction_deg: (i * 7) % 360,
      alarm_bits: 0,
      status_bits: 0,
      source: 'demo',
      backfill: 0,
      extras: '',
      org_code: '',
    };
  };
  const t0 = Date.now();
  for (let start = 0; start < vehicles; start += 10_000) {
    const batch = [];
    for (let i = start; i < Math.min(vehicles, start + 10_000); i += 1) batch.push(fixOf(i, t0, 0));
    await producer.send(
      TOPICS.telemetry,
      batch.map((value) => ({ key: value.terminal_id, value })),
    );
  }
  let cursor = 0;
  let step = 0;
  const perSend = Math.max(1, Math.round((vehicles * SEND_EVERY_MS) / (reportS * 1000)));
  let sendsBusy = false;
  const traffic = setInterval(() => {
    if (sendsBusy) return;
    sendsBusy = true;
    const now = Date.now();
    const batch = [];
    for (let k = 0; k < perSend; k += 1) {
      if (cursor === 0) step += 1;
      batch.push(fixOf(cursor, now, step));
      cursor = (cursor + 1) % vehicles;
    }
    void producer
      .send(
        TOPICS.telemetry,
        batch.map((value) => ({ key: value.terminal_id, value })),
      )
      .finally(() => (sendsBusy = false));
  }, SEND_EVERY_MS);
  await new Promise((r) => setTimeout(r, 2_000));
  return {
    base,
    stopTraffic: () => clearInterval(traffic),
    close: async () => {
      clearInterval(traffic);
      await hub.stop();
      server.close();
      await log.close();
    },
  };
}
