/**
 * The standard scenarios. Each returns its figures and the same figure measured on the baseline in the same
 * run, so that `ratio` (figure ÷ baseline) cancels most of a shared machine's noise.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import type { FeedServerMessage } from '../../schema/index.js';
import { generateTraffic, type GeneratedManifest } from '../../fixtures/generator/index.js';
import { encodeTerminalMessage } from '../../cli/commands/wire-codec.js';
import { replayDirectory } from '../../cli/commands/replay/replay-engine.js';
import { ReplayStats } from '../../cli/commands/replay/replay-stats.js';
import { SimulatedTerminal } from '../../cli/demo/simulated-terminal.js';
import { locationBody } from '../../cli/demo/location.js';
import { startChild, startVigilNode, type Child } from './child-process.js';

export interface Figure {
  name: string;
  unit: string;
  value: number;
  baseline: number;
  baseline_name: string;
  /** value ÷ baseline. */
  ratio: number;
  /** true when a larger value is better. */
  higher_is_better: boolean;
}

export interface BenchOptions {
  vehicles: number;
  hours: number;
  seed: number;
  wsClients: number;
  alarmSamples: number;
  /** Terminals connected, logged in and reporting once for the memory figure. */
  trackedTerminals: number;
  log: (line: string) => void;
}

const ADMIN_PASSWORD = 'bench horse battery staple';

function figure(
  name: string,
  unit: string,
  value: number,
  baseline: number,
  baselineName: string,
  higherIsBetter: boolean,
): Figure {
  const round = (x: number): number => Math.round(x * 100) / 100;
  return {
    name,
    unit,
    value: round(value),
    baseline: round(baseline),
    baseline_name: baselineName,
    ratio: baseline > 0 ? round(value / baseline) : 0,
    higher_is_better: higherIsBetter,
  };
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

async function replay(dir: string, port: number, terminals: number): Promise<{ stats: ReplayStats; seconds: number }> {
  const stats = new ReplayStats();
  const began = performance.now();
  await replayDirectory(
    {
      dir,
      host: '127.0.0.1',
      port,
      speed: Infinity,
      terminalsMax: terminals,
      concurrency: terminals,
      windowFrames: 4,
      ackTimeoutMs: 30_000,
      retransmitsMax: 3,
      shiftToNow: false,
    },
    stats,
  );
  return { stats, seconds: (performance.now() - began) / 1000 };
}

async function startNode(dataDir: string): Promise<Child> {
  return startVigilNode(dataDir, { adminPassword: ADMIN_PASSWORD });
}

async function login(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  return ((await res.json()) as { token: string }).token;
}

async function sqlCount(baseUrl: string, token: string, sql: string): Promise<number> {
  const res = await fetch(`${baseUrl}/api/sql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify({ sql }),
  });
  const body = (await res.json()) as { rows: unknown[][] };
  return Number(body.rows[0][0]);
}

function openFeeds(port: number, token: string, count: number): Promise<WebSocket[]> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const socket = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`);
          socket.once('open', () => resolve(socket));
          socket.once('error', reject);
        }),
    ),
  );
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Growth of a process's resident memory per connected terminal that has logged in and reported once, measured
 * on a freshly started process (before any bulk traffic leaves garbage behind that would hide the figure).
 * Resident memory moves by megabytes with the allocator and the collector, more than a few thousand terminals
 * add, so it is sampled after a full collection at `RSS_SAMPLES` points as terminals are added and the figure
 * is the least-squares slope over all of them, not the difference of two noisy readings.
 */
async function rssPerTrackedTerminal(
  child: Child,
  port: number,
  count: number,
  phoneBase: number,
): Promise<{ bytesPerTerminal: number; tracked: number }> {
  await sleep(2000);
  const samples: { tracked: number; rss: number }[] = [{ tracked: 0, rss: await child.settledRssBytes() }];
  const terminals: SimulatedTerminal[] = [];
  const nowS = Math.floor(Date.now() / 1000) * 1000;
  let tracked = 0;
  const sampleEvery = Math.max(RSS_BATCH, Math.ceil(count / (RSS_SAMPLES - 1) / RSS_BATCH) * RSS_BATCH);
  for (let i = 0; i < count; i += RSS_BATCH) {
    await Promise.all(
      Array.from({ length: Math.min(RSS_BATCH, count - i) }, async (_, k) => {
        const n = i + k;
        const t = new SimulatedTerminal({
          phone: `0${phoneBase + n}`,
          plate: `豫A${plateSerial(n)}`,
          plateColor: 2,
          version: 2013,
        });
        terminals.push(t);
        await t.connect('127.0.0.1', port);
        await t.logIn();
        await t.request({
          msgId: 0x0200,
          body: locationBody(
            {
              lat: 34 + (n % 100) / 100,
              lon: 113 + Math.floor(n / 100) / 100,
              speedKmh: 40,
              directionDeg: 0,
              time: nowS,
            },
            2013,
          ),
        });
        tracked++;
      }),
    );
    if (tracked % sampleEvery === 0 || tracked === count) samples.push({ tracked, rss: await child.settledRssBytes() });
  }
  for (const t of terminals) t.close();
  return { bytesPerTerminal: slope(samples.map((x) => [x.tracked, x.rss])), tracked };
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / sxx;
}

const RSS_SAMPLES = 6;
const RSS_BATCH = 100;
const PLATE_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

function plateSerial(n: number): string {
  let out = '';
  for (let i = 0; i < 5; i++, n = Math.floor(n / 34)) out = PLATE_CHARS[n % 34] + out;
  return `Z${out.slice(1)}`;
}

export interface BenchResult {
  figures: Figure[];
  checks: Record<string, number | boolean>;
  workload: Record<string, number | string>;
}

export async function runScenarios(options: BenchOptions): Promise<BenchResult> {
  const { log } = options;
  const work = mkdtempSync(path.join(tmpdir(), 'vigil-bench-'));
  const figures: Figure[] = [];
  const checks: Record<string, number | boolean> = {};
  let node: Child | undefined;
  let baseline: Child | undefined;
  try {
    log(`generating ${options.vehicles} vehicles × ${options.hours} h (seed ${options.seed})`);
    const dir = path.join(work, 'traffic');
    const manifest: GeneratedManifest = generateTraffic(
      {
        vehicles: options.vehicles,
        hours: options.hours,
        seed: options.seed,
        outDir: dir,
        startMs: Date.parse('2026-11-02T08:00:00+08:00'),
      },
      encodeTerminalMessage,
    );

    log('baseline: replaying into the acknowledge-only server');
    baseline = await startChild(['bench/harness/ack-server-main.ts'], 'port');
    const baseRss = await rssPerTrackedTerminal(
      baseline,
      baseline.ready.port as number,
      options.trackedTerminals,
      19_700_000_000,
    );
    const base = await replay(dir, baseline.ready.port as number, options.vehicles);
    const baseFps = base.stats.acknowledged / base.seconds;

    log('ingest: replaying into vigil start (embedded chDB)');
    node = await startNode(path.join(work, 'data'));
    const httpPort = node.ready.http_port as number;
    const baseUrl = `http://127.0.0.1:${httpPort}`;
    log(`memory: ${options.trackedTerminals} terminals connected, logged in, reporting once`);
    const nodeRss = await rssPerTrackedTerminal(
      node,
      node.ready.jt808_port as number,
      options.trackedTerminals,
      19_700_000_000,
    );
    const ingest = await replay(dir, node.ready.jt808_port as number, options.vehicles);
    const rssAfter = node.rssBytes();
    const fps = ingest.stats.acknowledged / ingest.seconds;
    figures.push(figure('ingest_acked_frames_per_s', 'frames/s', fps, baseFps, 'ack-only server frames/s', true));
    figures.push(
      figure(
        'ingest_ack_latency_p50_ms',
        'ms',
        ingest.stats.ackLatency.quantile(0.5),
        base.stats.ackLatency.quantile(0.5),
        'ack-only server p50 ms',
        false,
      ),
    );
    figures.push(
      figure(
        'ingest_ack_latency_p99_ms',
        'ms',
        ingest.stats.ackLatency.quantile(0.99),
        base.stats.ackLatency.quantile(0.99),
        'ack-only server p99 ms',
        false,
      ),
    );
    const token = await login(baseUrl);
    // The memory scenario's terminals (phones 0197…) are not part of the generated traffic.
    const rows = await sqlCount(
      baseUrl,
      token,
      "SELECT count() FROM telemetry FINAL WHERE NOT startsWith(terminal_id, '0197')",
    );
    figures.push(
      figure('clickhouse_rows_per_s', 'rows/s', rows / ingest.seconds, baseFps, 'ack-only server frames/s', true),
    );
    figures.push(
      figure(
        'rss_bytes_per_tracked_vehicle',
        'bytes',
        nodeRss.bytesPerTerminal,
        baseRss.bytesPerTerminal,
        'ack-only server bytes per connection',
        false,
      ),
    );
    checks.tracked_terminals = nodeRss.tracked;
    checks.frames_expected = manifest.counts.frames;
    checks.frames_acknowledged = ingest.stats.acknowledged;
    checks.rows_expected = manifest.counts.positions;
    checks.rows_in_clickhouse = rows;
    checks.rows_match = rows === manifest.counts.positions;
    checks.node_rss_mb_after = Math.round(rssAfter / 2 ** 20);

    log(`alarm latency: ${options.alarmSamples} overspeed episodes, frame sent → alarm on a WebSocket client`);
    const [feed] = await openFeeds(httpPort, token, 1);
    const alarmAt = new Map<string, number>();
    feed.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString()) as FeedServerMessage;
      if (m.type === 'alarm' && !alarmAt.has(m.alarm.terminal_id)) alarmAt.set(m.alarm.terminal_id, performance.now());
    });
    const alarmLatencies: number[] = [];
    const baseRtts: number[] = [];
    const nowS = Math.floor(Date.now() / 1000) * 1000;
    for (let i = 0; i < options.alarmSamples; i++) {
      const phone = `0${19_900_000_000 + i}`;
      const t = new SimulatedTerminal({
        phone,
        plate: `豫A9B${String(i).padStart(3, '0')}`,
        plateColor: 2,
        version: 2013,
      });
      await t.connect('127.0.0.1', node.ready.jt808_port as number);
      await t.logIn();
      let sentAt = 0;
      for (let k = 0; k < 6 && !alarmAt.has(phone); k++) {
        sentAt = performance.now();
        await t.request({
          msgId: 0x0200,
          body: locationBody(
            { lat: 34.75, lon: 113.62 + k * 0.01, speedKmh: 135, directionDeg: 90, time: nowS + k * 30_000 },
            2013,
          ),
        });
        for (let w = 0; w < 40 && !alarmAt.has(phone); w++) await new Promise((r) => setTimeout(r, 25));
      }
      if (alarmAt.has(phone)) alarmLatencies.push(alarmAt.get(phone)! - sentAt);
      t.close();
      const b = new SimulatedTerminal({ phone, plate: 'baseline', plateColor: 2, version: 2013 });
      await b.connect('127.0.0.1', baseline.ready.port as number);
      await b.logIn();
      const before = performance.now();
      await b.request({
        msgId: 0x0200,
        body: locationBody({ lat: 34.75, lon: 113.62, speedKmh: 135, directionDeg: 90, time: nowS }, 2013),
      });
      baseRtts.push(performance.now() - before);
      b.close();
    }
    feed.close();
    checks.alarm_samples_answered = alarmLatencies.length;
    figures.push(
      figure(
        'alarm_latency_p50_ms',
        'ms',
        quantile(alarmLatencies, 0.5),
        quantile(baseRtts, 0.5),
        'ack-only server round trip p50 ms',
        false,
      ),
    );
    figures.push(
      figure(
        'alarm_latency_p99_ms',
        'ms',
        quantile(alarmLatencies, 0.99),
        quantile(baseRtts, 0.99),
        'ack-only server round trip p99 ms',
        false,
      ),
    );

    log(`fan-out: positions to ${options.wsClients} WebSocket clients`);
    const fanout = async (clients: number, offset: number): Promise<number[]> => {
      const sockets = await openFeeds(httpPort, token, clients);
      const phone = `0${19_800_000_000 + offset}`;
      const pending = new Map<number, number>();
      const latencies: number[] = [];
      for (const s of sockets) {
        s.on('message', (data: Buffer) => {
          const m = JSON.parse(data.toString()) as FeedServerMessage;
          if (m.type !== 'positions') return;
          for (const v of m.vehicles) {
            const sent = v.terminal_id === phone ? pending.get(v.ts) : undefined;
            if (sent !== undefined) latencies.push(performance.now() - sent);
          }
        });
      }
      const t = new SimulatedTerminal({
        phone,
        plate: `豫A8C${String(offset).padStart(3, '0')}`,
        plateColor: 2,
        version: 2013,
      });
      await t.connect('127.0.0.1', node!.ready.jt808_port as number);
      await t.logIn();
      for (let k = 0; k < 10; k++) {
        const ts = nowS + 600_000 + k * 30_000;
        pending.set(ts, performance.now());
        await t.request({
          msgId: 0x0200,
          body: locationBody({ lat: 34.7, lon: 113.6 + k * 0.001, speedKmh: 50, directionDeg: 90, time: ts }, 2013),
        });
        // Longer than the hub's 1 s tick, which keeps only a vehicle's latest position per tick.
        await sleep(1100);
      }
      await sleep(1500);
      t.close();
      for (const s of sockets) s.close();
      return latencies;
    };
    const one = await fanout(1, 1);
    const many = await fanout(options.wsClients, 2);
    checks.fanout_deliveries = many.length;
    checks.fanout_deliveries_expected = options.wsClients * 10;
    figures.push(
      figure(
        `fanout_${options.wsClients}_clients_p50_ms`,
        'ms',
        quantile(many, 0.5),
        quantile(one, 0.5),
        '1 client p50 ms',
        false,
      ),
    );
    figures.push(
      figure(
        `fanout_${options.wsClients}_clients_p99_ms`,
        'ms',
        quantile(many, 0.99),
        quantile(one, 0.99),
        '1 client p99 ms',
        false,
      ),
    );
    return {
      figures,
      checks,
      workload: {
        tracked_terminals: options.trackedTerminals,
        vehicles: options.vehicles,
        hours: options.hours,
        seed: options.seed,
        frames: manifest.counts.frames,
        positions: manifest.counts.positions,
        ws_clients: options.wsClients,
        alarm_samples: options.alarmSamples,
      },
    };
  } finally {
    await node?.stop();
    await baseline?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
