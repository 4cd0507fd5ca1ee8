/**
 * HTTP ingestion throughput: batches of 1,000 ANPR records posted over loopback HTTP to an embedded node
 * (`startNode`: in-process event log, chDB, PGlite), each answer meaning "every accepted record is in
 * ClickHouse". Reports records/s and ms per batch (p50, p95, max), sequentially and with a few batches in
 * flight at once. The source key is issued through the API as a province admin, as a real source's would be.
 *
 * Run: npx tsx bench/ingest-http.ts [--batches 60] [--batch-size 1000] [--concurrency 4]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, Metrics } from '../schema/index.js';
import { startNode } from '../cli/node.js';

const args = process.argv.slice(2);
function flag(name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}
const BATCHES = flag('batches', 60);
const BATCH_SIZE = flag('batch-size', 1_000);
const CONCURRENCY = flag('concurrency', 4);
const ADMIN_PASSWORD = 'bench lantern river staple';

function anprBatch(batch: number, run: string): string {
  const now = Date.now();
  const records = Array.from({ length: BATCH_SIZE }, (_, i) => ({
    event_id: `${run}-${batch}-${i}`,
    camera_id: `KK-4101${String(i % 20).padStart(2, '0')}-${i % 8}`,
    plate: `豫${'ABCDEFGHJKLMNPQRSU'[i % 18]}${String((batch * BATCH_SIZE + i) % 100_000).padStart(5, '0')}`,
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
  const res = await fetch(`${baseUrl}/api/ingest/anpr`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body,
  });
  const result = (await res.json()) as { accepted?: number; rejected?: unknown[] };
  if (res.status !== 200 || result.accepted !== BATCH_SIZE)
    throw new Error(`batch failed: ${res.status} ${JSON.stringify(result).slice(0, 300)}`);
  return performance.now() - started;
}

async function phase(name: string, baseUrl: string, key: string, concurrency: number): Promise<void> {
  const bodies = Array.from({ length: BATCHES }, (_, b) => anprBatch(b, `${name}-${Date.now()}`));
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) latencies.push(await post(baseUrl, key, bodies[next++]));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const records = BATCHES * BATCH_SIZE;
  console.log(
    `${name.padEnd(12)} concurrency ${concurrency}: ${Math.round(records / seconds).toLocaleString('en-US')} records/s; ms per batch of ${BATCH_SIZE}: ` +
      `p50 ${percentile(latencies, 50).toFixed(1)}, p95 ${percentile(latencies, 95).toFixed(1)}, max ${latencies[latencies.length - 1].toFixed(1)} (${BATCHES} batches, body ${Math.round(bodies[0].length / 1024)} KiB)`,
  );
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-ingest-'));
  const logger = createLogger(() => undefined, 'error');
  const node = await startNode(
    {
      dataDir,
      httpHost: '127.0.0.1',
      httpPort: 0,
      jt808Host: '127.0.0.1',
      jt808Port: 0,
      jt809Host: '127.0.0.1',
      jt809Port: 0,
      jt1078Host: '127.0.0.1',
      jt1078LivePort: 0,
      jt1078PlaybackPort: 0,
      attachmentPort: 0,
      adminPassword: ADMIN_PASSWORD,
      logPartitions: 8,
      requireTerminalAuth: true,
      ingestRecordsPerSecondPerKey: 1_000_000,
    },
    logger,
    new Metrics(),
  );
  const baseUrl = `http://127.0.0.1:${node.httpPort}`;
  try {
    const login = (await (
      await fetch(`${baseUrl}/api/auth/login`, {
        method: 'POST',
        body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
      })
    ).json()) as { token: string };
    const issued = await fetch(`${baseUrl}/api/sources/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${login.token}` },
      body: JSON.stringify({ kind: 'anpr', org_code: '410100', name: 'bench' }),
    });
    const { key } = (await issued.json()) as { key: string };
    console.log(
      `node ${process.version}, ${BATCH_SIZE} ANPR records per batch, embedded node (chDB + PGlite), loopback HTTP`,
    );
    await phase('warm-up', baseUrl, key, 1);
    await phase('sequential', baseUrl, key, 1);
    await phase('concurrent', baseUrl, key, CONCURRENCY);
    const stored = await node.analytics.queryInternal(`SELECT count() FROM camera_events WHERE kind = 'anpr'`);
    console.log(`rows in camera_events: ${String(stored.rows[0][0])} (expected ${3 * BATCHES * BATCH_SIZE})`);
  } finally {
    await node.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
