/**
 * HTTP ingestion throughput: batches of 1,000 records of one kind (ANPR by default) posted over loopback HTTP to an
 * embedded node (`startNode`: in-process event log, chDB, PGlite), each answer meaning "every accepted record is
 * durable" (in ClickHouse; committed in PostgreSQL for `taxi_permit` and `market_registration`). Reports records/s
 * and ms per batch (p50, p95, max), sequentially and with a few batches in flight at once. The source key is issued
 * through the API as a province admin, as a real source's would be.
 *
 * `--without-permits` (taxi_order): the fleet holds no permits, so every order step raises `taxi_permit` and the
 * run measures ingestion while the command centre's alarm intake stores those alarms. `--postgres-url` puts the
 * node's operational store on a PostgreSQL server instead of PGlite. Each phase also reports the process's
 * CPU-seconds and how long a `GET /api/health/live` asked every 100 ms took meanwhile (what any other client of the
 * node waits).
 *
 * Run: npx tsx bench/ingest-http.ts [--kind anpr|taxi_position|taxi_order|taxi_permit|market_registration]
 *      [--batches 60] [--batch-size 1000] [--concurrency 4] [--without-permits] [--postgres-url postgres://…]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, Metrics } from '../schema/index.js';
import { startNode } from '../cli/node.js';
import { adminToken, issueSourceKey, loopbackNodeConfig } from './harness/loopback-node.js';
import { creditCodeCheckCharacter } from '../schema/index.js';

const args = process.argv.slice(2);
function flag(name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}
const BATCHES = flag('batches', 60);
const BATCH_SIZE = flag('batch-size', 1_000);
const CONCURRENCY = flag('concurrency', 4);
const KIND = args.includes('--kind') ? args[args.indexOf('--kind') + 1] : 'anpr';
const WITHOUT_PERMITS = args.includes('--without-permits');
const POSTGRES_URL = args.includes('--postgres-url') ? args[args.indexOf('--postgres-url') + 1] : undefined;

/** A plate per record of a run, distinct across the run's batches (100,000 before they repeat). */
function plateOf(batch: number, i: number): string {
  return `豫${'ABCDEFGHJKLMNPQRSU'[i % 18]}${String((batch * BATCH_SIZE + i) % 100_000).padStart(5, '0')}`;
}

/** `YYYYMMDDhhmmss` China time, as the ministry's ride-hailing interfaces write times. */
function compact(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().replace(/[-T:]/g, '').slice(0, 14);
}

/** Records of the other kinds, in the forms docs/sources/taxi.md and market_registration.md give. */
const RECORDS: Record<string, (batch: number, run: string, i: number, now: number) => Record<string, unknown>> = {
  taxi_position: (batch, _run, i, now) => ({
    CompanyId: '91410100MA44XXXX0J',
    VehicleNo: plateOf(batch, i),
    LicenseId: `4101021990${String(i).padStart(8, '0')}`,
    PositionTime: compact(now - (BATCH_SIZE - i) * 1000),
    Longitude: 113_600_000 + (i % 100) * 1000,
    Latitude: 34_700_000 + (i % 100) * 1000,
    Encrypt: 1,
    Speed: i % 60,
    Direction: i % 360,
    BizStatus: (i % 4) + 1,
  }),
  // A fleet of BATCH_SIZE vehicles and drivers, each holding valid permits (registered first, `permitFleet`): an order
  // of an unpermitted vehicle raises an alarm, and a run of those measures the alarm intake instead.
  taxi_order: (batch, run, i, now) => ({
    CompanyId: '91410100MA44XXXX0J',
    OrderId: `${run}-${batch}-${i}`,
    interface: ['OrderMatch', 'OperateDepart', 'OperatePay'][i % 3],
    DistributeTime: compact(now - (BATCH_SIZE - i) * 1000),
    DepTime: compact(now - (BATCH_SIZE - i) * 1000),
    DestTime: compact(now - (BATCH_SIZE - i) * 1000),
    VehicleNo: plateOf(0, i),
    LicenseId: `4101021990${String(i).padStart(8, '0')}`,
    Longitude: 113_600_000 + (i % 100) * 1000,
    Latitude: 34_700_000 + (i % 100) * 1000,
    DepLongitude: 113_600_000,
    DepLatitude: 34_700_000,
    DestLongitude: 113_700_000,
    DestLatitude: 34_800_000,
    FactPrice: 10 + (i % 50),
    DriveMile: 2 + (i % 20),
  }),
  taxi_permit: (batch, run, i) => ({
    permit_type: i % 2 === 0 ? 'vehicle' : 'driver',
    plate: plateOf(batch, i),
    driver_id: `${run}-${batch}-${i}`,
    permit_no: `豫交运管郑字${String(batch * BATCH_SIZE + i).padStart(9, '0')}号`,
    valid_until: '2028-12-31',
  }),
  market_registration: (batch, run, i) => {
    const first17 = `914101${String(run.length % 10)}${String(batch).padStart(4, '0')}${String(i).padStart(6, '0')}`;
    return {
      credit_code: first17 + creditCodeCheckCharacter(first17),
      name: `郑州第${batch}-${i}出行有限公司`,
      status: ['存续', '吊销，未注销', '注销'][i % 3],
      business_scope: '网络预约出租汽车经营服务',
      established_on: '2019-03-12',
    };
  },
};

/** Where the run's rows end up, to count them. */
const STORED: Record<string, string> = {
  anpr: `SELECT count() FROM camera_events WHERE kind = 'anpr'`,
  taxi_position: 'SELECT count() FROM taxi_positions',
  taxi_order: 'SELECT count() FROM taxi_order_events',
};

function batchOf(batch: number, run: string): string {
  if (KIND === 'anpr') return anprBatch(batch, run);
  const now = Date.now();
  return JSON.stringify(Array.from({ length: BATCH_SIZE }, (_, i) => RECORDS[KIND](batch, run, i, now)));
}

function anprBatch(batch: number, run: string): string {
  const now = Date.now();
  const records = Array.from({ length: BATCH_SIZE }, (_, i) => ({
    event_id: `${run}-${batch}-${i}`,
    camera_id: `KK-4101${String(i % 20).padStart(2, '0')}-${i % 8}`,
    plate: plateOf(batch, i),
    plate_color: (i % 5) + 1,
    time: new Date(now - (BATCH_SIZE - i) * 10).toISOString(),
    lane: (i % 4) + 1,
    direction: i % 2 === 0 ? 'east' : 'west',
    confidence: 0.9 + (i % 10) / 100,
    image_ref: `oss://checkpoints/${run}/${batch}/${i}.jpg`,
    lat: 34.7 + (i % 100) / 1000,
    lon: 113.6 + (i % 100) / 1000,
  }));
  return JSON.stringify(records);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function post(baseUrl: string, key: string, body: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}/api/ingest/${KIND}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body,
  });
  const result = (await res.json()) as { accepted?: number; rejected?: unknown[] };
  if (res.status !== 200 || result.accepted !== BATCH_SIZE)
    throw new Error(`batch failed: ${res.status} ${JSON.stringify(result).slice(0, 300)}`);
  return performance.now() - started;
}

/** Valid vehicle and driver permits for the order run's fleet, posted with a key of their own. */
async function permitFleet(baseUrl: string, token: string): Promise<void> {
  const key = await issueSourceKey(baseUrl, token, 'taxi_permit', '410100');
  const permits = Array.from({ length: BATCH_SIZE }, (_, i) => [
    { permit_type: 'vehicle', plate: plateOf(0, i), permit_no: `V-${i}`, valid_until: '2030-12-31' },
    { permit_type: 'driver', driver_id: `4101021990${String(i).padStart(8, '0')}`, permit_no: `D-${i}` },
  ]).flat();
  const res = await fetch(`${baseUrl}/api/ingest/taxi_permit`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(permits),
  });
  const result = (await res.json()) as { accepted?: number };
  if (result.accepted !== permits.length) throw new Error(`fleet permits refused: ${JSON.stringify(result)}`);
}

/** Times a liveness request every 100 ms until stopped: what a client of the node waits meanwhile. */
function liveProbe(baseUrl: string): { stop(): Promise<{ waits: number[]; resets: number }> } {
  const waits: number[] = [];
  let resets = 0;
  let running = true;
  const done = (async () => {
    while (running) {
      const asked = performance.now();
      try {
        await (await fetch(`${baseUrl}/api/health/live`)).text();
      } catch {
        // A connection the server closed while the event loop stalled (its idle timer fired late): asked again.
        resets++;
        continue;
      }
      waits.push(performance.now() - asked);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return { waits: waits.sort((a, b) => a - b), resets };
    },
  };
}

async function phase(name: string, baseUrl: string, key: string, concurrency: number): Promise<void> {
  const bodies = Array.from({ length: BATCHES }, (_, b) => batchOf(b, `${name}-${Date.now()}`));
  const latencies: number[] = [];
  let next = 0;
  const probe = liveProbe(baseUrl);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) latencies.push(await post(baseUrl, key, bodies[next++]));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const { waits: live, resets } = await probe.stop();
  latencies.sort((a, b) => a - b);
  const records = BATCHES * BATCH_SIZE;
  console.log(
    `${name.padEnd(12)} concurrency ${concurrency}: ${Math.round(records / seconds).toLocaleString('en-US')} records/s; ms per batch of ${BATCH_SIZE}: ` +
      `p50 ${percentile(latencies, 50).toFixed(1)}, p95 ${percentile(latencies, 95).toFixed(1)}, max ${latencies[latencies.length - 1].toFixed(1)} (${BATCHES} batches, body ${Math.round(bodies[0].length / 1024)} KiB); ` +
      `CPU ${((used.user + used.system) / 1e6).toFixed(1)} s; /api/health/live ms p50 ${percentile(live, 50).toFixed(1)}, p99 ${percentile(live, 99).toFixed(1)}, max ${(live[live.length - 1] ?? 0).toFixed(1)}${resets > 0 ? ` (${resets} reset)` : ''}`,
  );
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-ingest-'));
  const logger = createLogger(() => undefined, 'error');
  const node = await startNode(
    loopbackNodeConfig(dataDir, { ingestRecordsPerSecondPerKey: 1_000_000, postgresUrl: POSTGRES_URL }),
    logger,
    new Metrics(),
  );
  const baseUrl = `http://127.0.0.1:${node.httpPort}`;
  try {
    const token = await adminToken(baseUrl);
    const key = await issueSourceKey(baseUrl, token, KIND, '410100');
    if (KIND === 'taxi_order' && !WITHOUT_PERMITS) await permitFleet(baseUrl, token);
    console.log(
      `node ${process.version}, ${BATCH_SIZE} ${KIND} records per batch${WITHOUT_PERMITS ? ' (fleet without permits)' : ''}, ` +
        `embedded node (chDB + ${POSTGRES_URL ? 'PostgreSQL server' : 'PGlite'}), loopback HTTP, load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
    );
    await phase('warm-up', baseUrl, key, 1);
    await phase('sequential', baseUrl, key, 1);
    await phase('concurrent', baseUrl, key, CONCURRENCY);
    if (WITHOUT_PERMITS) {
      // The answers do not wait for the alarms: time how long the intake still takes to store them all.
      const caughtUp = performance.now();
      const raised = async (): Promise<number> =>
        Number(
          (await node.analytics.queryInternal(`SELECT count() FROM alarms FINAL WHERE rule = 'taxi_permit'`))
            .rows[0][0],
        );
      const stored = async (): Promise<number> =>
        Number(
          (
            await node.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM alarm_cases WHERE rule = 'taxi_permit'`)
          )[0].n,
        );
      let last = -1;
      for (;;) {
        const [r, s] = [await raised(), await stored()];
        if (s === r && s === last) break;
        last = s;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      console.log(
        `alarms raised ${last}, all in the command centre ${((performance.now() - caughtUp) / 1000).toFixed(1)} s after the last answer`,
      );
    }
    if (STORED[KIND]) {
      const stored = await node.analytics.queryInternal(STORED[KIND]);
      console.log(`rows stored: ${String(stored.rows[0][0])} (expected ${3 * BATCHES * BATCH_SIZE})`);
    }
  } finally {
    await node.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
