/**
 * The live feed and the wall with 100,000 live vehicles: bytes one wall client receives (per second, and the
 * snapshot on connecting, as the application sees them and on the wire), and what each update costs the browser at
 * 3840×2160 and 1920×1080. The server is a real FeedHub behind a real HTTP server (`wall-feed-server.ts`); the
 * browser is Debian's chromium with software WebGL (`wall-browser.ts`).
 *
 * Run (after `npm run build:wall`):
 *   npx tsx bench/wall-feed.ts [--vehicles 100000] [--report-s 30] [--seconds 15] [--render lite|full]
 *                              [--sizes 3840x2160,1920x1080] [--query pixel-ratio=0.5] [--trace-s 0] [--dist wall/dist]
 *                              [--baseline deck|none]
 *
 * Reports: per client and protocol, feed bytes/s and snapshot bytes; per browser size, the time to apply a positions
 * frame, to draw the vehicles, and a redraw's whole frame (to the next animation frame, so including compositing),
 * the base map's redraws, main-thread task time and the CPU of chromium's renderer and GPU processes; then, as a
 * baseline measured in the same run, the first size with the vehicles drawn by deck.gl instead of the 2D canvas.
 */
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { countyAt } from '../schema/reference/divisions.js';
import { measureWall, type WallFigures } from './wall-browser.js';
import { BENCH_TOKEN, placeVehicles, startFeedServer } from './wall-feed-server.js';

const args = process.argv.slice(2);
function flag(name: string, fallback: string): string {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
}
const VEHICLES = Number(flag('vehicles', '100000'));
const REPORT_S = Number(flag('report-s', '30'));
const SECONDS = Number(flag('seconds', '15'));
const RENDER = flag('render', 'lite');
const SIZES = flag('sizes', '3840x2160,1920x1080')
  .split(',')
  .map((s) => s.split('x').map(Number) as [number, number]);
const QUERY = flag('query', '');
/** Also record a chromium trace for this many seconds per size and print self time per thread and event. */
const TRACE_S = Number(flag('trace-s', '0'));
/** Also measure the first size with vehicles drawn by deck.gl (the wall before the 2D-canvas layer), as a baseline. */
const BASELINE = flag('baseline', 'deck');
/** The built wall to serve; `--dist` lets a run use its own build while wall/dist is rebuilt by someone else. */
const WALL_DIST = flag('dist', fileURLToPath(new URL('../wall/dist', import.meta.url)));
/** How long a client listens after its snapshot before its bytes per second are counted. */
const SETTLE_MS = 3_000;

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

interface ClientFigures {
  snapshotBytes: number;
  snapshotWireBytes: number;
  bytesPerS: number;
  wireBytesPerS: number;
}

/**
 * One Node WebSocket client: the snapshot is everything up to the first positions (the JSON snapshot itself, or the
 * binary positions frame that follows the table), then bytes are counted over a window. "Wire" is what the TCP
 * socket read, i.e. after permessage-deflate when `deflate` is on.
 */
async function measureClient(base: string, query: string, deflate: boolean): Promise<ClientFigures> {
  const socket = new WebSocket(`${base.replace('http', 'ws')}/ws?token=${BENCH_TOKEN}${query}`, {
    perMessageDeflate: deflate,
  });
  const wire = () => (socket as unknown as { _socket: { bytesRead: number } })._socket.bytesRead;
  let bytes = 0;
  let snapshotBytes = 0;
  let snapshotWireBytes = 0;
  let snapshotDone: () => void = () => undefined;
  const snapshot = new Promise<void>((resolve) => (snapshotDone = resolve));
  let inSnapshot = true;
  socket.on('message', (data: Buffer, isBinary: boolean) => {
    bytes += data.length;
    if (!inSnapshot) return;
    const isPositions = isBinary
      ? data[0] === 1
      : data.subarray(0, 40).toString().includes('"snapshot"') && !query.includes('positions=');
    if (!isPositions) return;
    inSnapshot = false;
    snapshotBytes = bytes;
    snapshotWireBytes = wire();
    snapshotDone();
  });
  await snapshot;
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const bytesBefore = bytes;
  const wireBefore = wire();
  const startedAt = Date.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const seconds = (Date.now() - startedAt) / 1000;
  const figures = {
    snapshotBytes,
    snapshotWireBytes,
    bytesPerS: (bytes - bytesBefore) / seconds,
    wireBytesPerS: (wire() - wireBefore) / seconds,
  };
  socket.close();
  return figures;
}

function printBrowser(width: number, height: number, f: WallFigures, query: string): void {
  const perUpdate = (msPerS: number) => f1(msPerS / Math.max(0.1, f.updates / f.seconds));
  console.log(
    `browser ${width}x${height} (${f.renderer}, render=${RENDER}${query ? `, ${query}` : ''}): all ${VEHICLES} vehicles shown after ${f1(f.loadedInS)} s`,
  );
  console.log(
    `  updates applied: ${f.updates} in ${f1(f.seconds)} s; apply a frame p50 ${f1(percentile(f.applyMs, 50))} ms, p95 ${f1(percentile(f.applyMs, 95))} ms`,
  );
  console.log(
    `  vehicle redraws: ${f.drawMs.length}; draw p50 ${f1(percentile(f.drawMs, 50))} ms, p95 ${f1(percentile(f.drawMs, 95))} ms`,
  );
  console.log(
    `  frame per update (redraw to the next animation frame): ${f.frameMs.length} timed, p50 ${f1(percentile(f.frameMs, 50))} ms, p95 ${f1(percentile(f.frameMs, 95))} ms, max ${f1(Math.max(...f.frameMs))} ms`,
  );
  console.log(`  base map (maplibre) redraws: ${f.mapRenders}`);
  console.log(
    `  main-thread task time ${f1(f.taskMsPerS)} ms/s (${perUpdate(f.taskMsPerS)} ms per update); CPU: renderer ${f1(f.rendererMsPerS)} ms/s, GPU process ${f1(f.gpuMsPerS)} ms/s (${perUpdate(f.gpuMsPerS)} ms per update)`,
  );
  if (f.trace) console.log(f.trace);
}

async function main(): Promise<void> {
  console.log(`placing ${VEHICLES} vehicles inside Henan...`);
  const places = placeVehicles(VEHICLES);
  const server = await startFeedServer({ vehicles: VEHICLES, reportS: REPORT_S, wallDist: WALL_DIST, places });
  try {
    console.log(
      `${VEHICLES} vehicles, each reporting every ${REPORT_S} s (${Math.round(VEHICLES / REPORT_S)} fixes/s), ${SECONDS} s windows`,
    );
    const clients: [string, string, boolean][] = [
      ['protocol 3 (binary table + positions), deflate', '&positions=binary&protocol=3', true],
      ['protocol 3, no deflate', '&positions=binary&protocol=3', false],
      ['protocol 2 (JSON table, binary positions), deflate', '&positions=binary', true],
      ['JSON positions, deflate', '', true],
    ];
    for (const [name, query, deflate] of clients) {
      const c = await measureClient(server.base, query, deflate);
      console.log(
        `feed, ${name}: ${f1(c.bytesPerS / 1024)} KiB/s per client (wire ${f1(c.wireBytesPerS / 1024)} KiB/s); snapshot ${mib(c.snapshotBytes)} (wire ${mib(c.snapshotWireBytes)})`,
      );
    }
    // countyAt per fix is what the hub pays for scoping in `vigil start`: time it on the same places.
    const countyStart = performance.now();
    for (let i = 0; i < 20_000; i += 1) countyAt(places.lon[i % VEHICLES], places.lat[i % VEHICLES]);
    console.log(
      `countyAt per fix (server-side scoping): ${f1(((performance.now() - countyStart) / 20_000) * 1000)} µs`,
    );
    for (const [width, height] of SIZES) {
      const figures = await measureWall(server.base, BENCH_TOKEN, {
        width,
        height,
        render: RENDER,
        query: QUERY,
        vehicles: VEHICLES,
        seconds: SECONDS,
        traceS: TRACE_S,
      });
      printBrowser(width, height, figures, QUERY);
    }
    if (BASELINE === 'deck') {
      const [width, height] = SIZES[0];
      const query = [QUERY, 'vehicle-layer=deck'].filter((q) => q !== '').join('&');
      const figures = await measureWall(server.base, BENCH_TOKEN, {
        width,
        height,
        render: RENDER,
        query,
        vehicles: VEHICLES,
        seconds: SECONDS,
        traceS: TRACE_S,
      });
      console.log('baseline, vehicles drawn by deck.gl (ScatterplotLayer, binary attributes):');
      printBrowser(width, height, figures, query);
    }
  } finally {
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
