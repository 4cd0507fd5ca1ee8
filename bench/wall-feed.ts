/**
 * The live feed and the wall with 100,000 live vehicles: bytes per second one wall client receives, and what each
 * update costs the browser. A real FeedHub (fed through the in-process event log, as `vigil start` feeds it)
 * behind a real HTTP server that serves the built wall, its map geography and `/ws`; every vehicle reports on a
 * fixed period with a small move, spread evenly over the period, as JT/T 808 terminals do. The browser is Debian's
 * chromium at 3840×2160 with software WebGL (SwiftShader), driven by playwright-core.
 *
 * Run (after `npm run build:wall`):
 *   npx tsx bench/wall-feed.ts [--vehicles 100000] [--report-s 30] [--seconds 30] [--render full|lite]
 *
 * Reports: binary feed bytes/s per client (and JSON positions for comparison), snapshot bytes; per update
 * (one positions frame a second): time to apply the frame, deck.gl draw time (main thread), main-thread task time
 * per second (Chrome's TaskDuration), and chromium's GPU-process CPU time per second (where software WebGL runs).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { FeedHub, FEED_HUB_DEFAULTS, Router, staticFiles } from '../center/index.js';
import { Metrics, henanGeo, silentLogger, type TelemetryRow } from '../schema/index.js';
import { countyAt, isWithin } from '../schema/reference/divisions.js';
import { MemoryLog, TOPICS } from '../stream/index.js';
import { launchBrowser } from '../tests/support/browser.js';

const args = process.argv.slice(2);
function flag(name: string, fallback: string): string {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
}
const VEHICLES = Number(flag('vehicles', '100000'));
const REPORT_S = Number(flag('report-s', '30'));
const SECONDS = Number(flag('seconds', '30'));
const RENDER = flag('render', 'full');
/** Also record a CPU profile of the page for this many seconds and print where the main thread spends it. */
const PROFILE_S = Number(flag('profile-s', '0'));
const SEND_EVERY_MS = 100;
const WALL_DIST = fileURLToPath(new URL('../wall/dist', import.meta.url));
const TOKEN = 'bench';
const HENAN_BOX = { lonMin: 110.4, lonMax: 116.6, latMin: 31.4, latMax: 36.4 };
const CLASSES = ['coach', 'dangerous_goods', 'heavy_truck', 'tractor', 'bus', 'taxi', 'other'];

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');

/** Vehicles at random places inside Henan (rejection sampling against the county polygons), deterministic. */
function placeVehicles(): { lon: Float64Array; lat: Float64Array; county: string[] } {
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const lon = new Float64Array(VEHICLES);
  const lat = new Float64Array(VEHICLES);
  const county: string[] = [];
  for (let i = 0; i < VEHICLES; ) {
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

/** CPU seconds (user + system) used so far by chromium processes whose command line contains `marker`. */
function chromiumCpuSeconds(marker: string): number {
  const ticksPerSecond = 100;
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes('chromium') || !cmdline.includes(marker)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
    } catch {
      // The process ended while being read.
    }
  }
  return total;
}

async function main(): Promise<void> {
  console.log(`placing ${VEHICLES} vehicles inside Henan...`);
  const places = placeVehicles();
  const log = new MemoryLog({ partitions: 4, backlogPerPartitionMax: 1_000_000, durableGroups: {} });
  const metrics = new Metrics();
  const countyOf = new Map<string, string>();
  const hub = new FeedHub(
    {
      log,
      logger: silentLogger,
      metrics,
      authenticate: async (token) => {
        if (token !== TOKEN) throw new Error('bad token');
        return { userId: 1, username: 'wall-410000', role: 'wall', orgCode: '410000', enterpriseId: null };
      },
      covers: (scope, code) => scope === code || isWithin(code, scope),
      // The bench knows each vehicle's county; the server looks it up with countyAt, which is timed separately below.
      vehicleOrgCode: (v) => countyOf.get(v.terminal_id) ?? '410000',
      vehicleClassOf: (terminalId) => CLASSES[Number(terminalId) % CLASSES.length],
      enterpriseOf: () => undefined,
    },
    FEED_HUB_DEFAULTS,
  );
  hub.start();
  const geoJson = JSON.stringify(henanGeo());
  const router = new Router(1 << 20);
  router.add('GET', '/api/geo/henan', () => ({ raw: geoJson, headers: { 'content-type': 'application/json' } }));
  const server = createServer((req, res) => void router.handle(req, res, staticFiles(WALL_DIST)));
  server.on('upgrade', (req, socket, head) => {
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? undefined;
    void hub.handleUpgrade(req, socket, head, token);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Every vehicle once, so the snapshot holds all of them; then each reports every REPORT_S seconds.
  const producer = log.producer();
  const t0 = Date.now();
  const fixOf = (i: number, now: number, step: number): TelemetryRow => {
    const terminal_id = String(100_000_000 + i);
    countyOf.set(terminal_id, places.county[i]);
    return {
      terminal_id, plate: `豫A${String(i).padStart(5, '0')}`, ts: now, received_at: now, lat: places.lat[i] + step * 1e-4, lon: places.lon[i] + step * 1e-4,
      altitude_m: 0, speed_kmh: 40 + (i % 60), direction_deg: (i * 7) % 360, alarm_bits: 0, status_bits: 0, source: 'demo', backfill: 0, extras: '',
    };
  };
  for (let start = 0; start < VEHICLES; start += 10_000) {
    const batch = [];
    for (let i = start; i < Math.min(VEHICLES, start + 10_000); i += 1) batch.push(fixOf(i, t0, 0));
    await producer.send(TOPICS.telemetry, batch.map((value) => ({ key: value.terminal_id, value })));
  }
  let cursor = 0;
  let step = 0;
  const perSend = Math.max(1, Math.round((VEHICLES * SEND_EVERY_MS) / (REPORT_S * 1000)));
  let sendsBusy = false;
  const traffic = setInterval(() => {
    if (sendsBusy) return;
    sendsBusy = true;
    const now = Date.now();
    const batch = [];
    for (let k = 0; k < perSend; k += 1) {
      if (cursor === 0) step += 1;
      batch.push(fixOf(cursor, now, step));
      cursor = (cursor + 1) % VEHICLES;
    }
    void producer.send(TOPICS.telemetry, batch.map((value) => ({ key: value.terminal_id, value }))).finally(() => (sendsBusy = false));
  }, SEND_EVERY_MS);
  await new Promise((r) => setTimeout(r, 2_000));

  // Node clients: binary (what the wall uses) and JSON positions, for comparison.
  const measureClient = async (positions: 'binary' | 'json'): Promise<{ snapshotBytes: number; bytesPerS: number; framesPerS: number }> => {
    const url = `${base.replace('http', 'ws')}/ws?token=${TOKEN}${positions === 'binary' ? '&positions=binary' : ''}`;
    const socket = new WebSocket(url);
    let bytes = 0;
    let frames = 0;
    let snapshotBytes = 0;
    let measuring = false;
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (!measuring) {
        snapshotBytes += data.length;
        return;
      }
      bytes += data.length;
      if (isBinary || data.subarray(0, 20).toString().includes('positions')) frames += 1;
    });
    await new Promise((r) => socket.once('open', r));
    await new Promise((r) => setTimeout(r, 3_000));
    measuring = true;
    const startedAt = Date.now();
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const seconds = (Date.now() - startedAt) / 1000;
    socket.close();
    return { snapshotBytes, bytesPerS: bytes / seconds, framesPerS: frames / seconds };
  };
  const binary = await measureClient('binary');
  const json = await measureClient('json');

  // countyAt per fix is what the hub pays for scoping in `vigil start`: time it on the same places.
  const countyStart = performance.now();
  for (let i = 0; i < 20_000; i += 1) countyAt(places.lon[i], places.lat[i]);
  const countyAtUs = ((performance.now() - countyStart) / 20_000) * 1000;

  console.log(`browser: chromium 3840x2160, render=${RENDER}`);
  const browser = await launchBrowser({ width: 3840, height: 2160 });
  const page = await browser.context.newPage();
  await page.goto(`${base}/wall?token=${TOKEN}&render=${RENDER}&timing=finish`);
  const loadStart = Date.now();
  await page.waitForFunction((n) => (window.__vigilWall?.vehicleCount ?? 0) >= n, VEHICLES, { timeout: 180_000, polling: 500 });
  const loadedInS = (Date.now() - loadStart) / 1000;
  await page.waitForTimeout(5_000);
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const taskDuration = async (): Promise<number> => {
    const { metrics: list } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    return list.find((m) => m.name === 'TaskDuration')?.value ?? Number.NaN;
  };
  const before = await page.evaluate(() => window.__vigilWall?.timings());
  const taskBefore = await taskDuration();
  const gpuBefore = chromiumCpuSeconds('--type=gpu-process');
  const rendererBefore = chromiumCpuSeconds('--type=renderer');
  const startedAt = Date.now();
  await page.waitForTimeout(SECONDS * 1000);
  const seconds = (Date.now() - startedAt) / 1000;
  const after = await page.evaluate(() => window.__vigilWall?.timings());
  const taskMsPerS = ((await taskDuration()) - taskBefore) * 1000 / seconds;
  const gpuMsPerS = (chromiumCpuSeconds('--type=gpu-process') - gpuBefore) * 1000 / seconds;
  const rendererMsPerS = (chromiumCpuSeconds('--type=renderer') - rendererBefore) * 1000 / seconds;
  const renderer = await page.evaluate(() => window.__vigilWall?.renderer ?? 'unknown');
  // The same page with no position updates (only the clock and heartbeats): what the browser spends when idle.
  clearInterval(traffic);
  await page.waitForTimeout(3_000);
  const idleStart = Date.now();
  const gpuIdleBefore = chromiumCpuSeconds('--type=gpu-process');
  const taskIdleBefore = await taskDuration();
  await page.waitForTimeout(10_000);
  const idleSeconds = (Date.now() - idleStart) / 1000;
  const gpuIdleMsPerS = (chromiumCpuSeconds('--type=gpu-process') - gpuIdleBefore) * 1000 / idleSeconds;
  const taskIdleMsPerS = ((await taskDuration()) - taskIdleBefore) * 1000 / idleSeconds;
  const scriptMsPerS = await (async () => {
    const { metrics: list } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    return list.filter((m) => /Duration$/.test(m.name)).map((m) => `${m.name} ${f1(m.value)} s`).join(', ');
  })();
  console.log(`  cumulative page metrics: ${scriptMsPerS}`);
  if (PROFILE_S > 0) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
    await page.waitForTimeout(PROFILE_S * 1000);
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] } };
    const selfUs = new Map<string, number>();
    const nodeById = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const frame = nodeById.get(id)?.callFrame;
      const key = frame ? `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop() ?? ''}:${frame.lineNumber}` : '?';
      selfUs.set(key, (selfUs.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
    });
    console.log(`  main-thread profile, ${PROFILE_S} s, self time:`);
    for (const [key, us] of [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`    ${f1(us / 1000 / PROFILE_S)} ms/s  ${key}`);
  }
  clearInterval(traffic);
  await browser.close();
  await hub.stop();
  server.close();
  await log.close();

  const updates = (after?.frames ?? 0) - (before?.frames ?? 0);
  const draws = (after?.draws ?? 0) - (before?.draws ?? 0);
  const recentApply = (after?.applyFrameMs ?? []).slice(-Math.max(1, updates));
  const recentDraw = (after?.drawMs ?? []).slice(-Math.max(1, draws));
  const fixesPerS = VEHICLES / REPORT_S;
  console.log(`\n${VEHICLES} vehicles, each reporting every ${REPORT_S} s (${Math.round(fixesPerS)} fixes/s), hub tick ${FEED_HUB_DEFAULTS.tickMs} ms, ${SECONDS} s windows`);
  console.log(`feed, binary positions: ${(binary.bytesPerS / 1024).toFixed(1)} KiB/s per client, ${f1(binary.framesPerS)} frames/s, snapshot ${(binary.snapshotBytes / 1024 / 1024).toFixed(2)} MiB`);
  console.log(`feed, JSON positions:   ${(json.bytesPerS / 1024).toFixed(1)} KiB/s per client, snapshot ${(json.snapshotBytes / 1024 / 1024).toFixed(2)} MiB`);
  console.log(`countyAt per fix (server-side scoping): ${countyAtUs.toFixed(1)} µs`);
  console.log(`browser (${renderer}), all ${VEHICLES} vehicles shown after ${f1(loadedInS)} s`);
  console.log(`  updates applied: ${updates} in ${f1(seconds)} s; apply a frame: p50 ${f1(percentile(recentApply, 50))} ms, p95 ${f1(percentile(recentApply, 95))} ms, max ${f1(Math.max(...recentApply))} ms`);
  console.log(`  deck.gl draws: ${draws}; draw incl. waiting for the (software) GPU: p50 ${f1(percentile(recentDraw, 50))} ms, p95 ${f1(percentile(recentDraw, 95))} ms, max ${f1(Math.max(...recentDraw))} ms`);
  console.log(`  main-thread task time: ${f1(taskMsPerS)} ms per second (${f1(taskMsPerS / Math.max(1, updates / seconds))} ms per update)`);
  console.log(`  CPU: renderer process ${f1(rendererMsPerS)} ms/s, GPU process (software WebGL) ${f1(gpuMsPerS)} ms/s`);
  console.log(`  idle (no position updates, 10 s): main-thread task time ${f1(taskIdleMsPerS)} ms/s, GPU process ${f1(gpuIdleMsPerS)} ms/s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
