/**
 * What the wall costs the browser: Debian's chromium (headless, `--disable-gpu`, so WebGL is SwiftShader software
 * rendering and compositing is software too) opens `/wall` at a given size while the feed runs; the page's own
 * timings are read (`window.__vigilWall.timings()`, with `&timing=finish` so a draw is timed until the software GPU
 * has finished it), plus Chrome's main-thread task time and the CPU of chromium's renderer and GPU processes from
 * `/proc`, and optionally a trace of where the time goes (`chromium-trace.ts`).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { launchBrowser } from '../tests/support/browser.js';
import { traceSummary } from './chromium-trace.js';

export interface WallRun {
  width: number;
  height: number;
  render: string;
  /** Extra query parameters for the page, e.g. `pixel-ratio=0.5`. */
  query?: string;
  vehicles: number;
  seconds: number;
  traceS?: number;
  /** CSS injected into the page, to see what hiding a part of it saves (probes only). */
  css?: string;
  /** Where to save a screenshot at the end of the run. */
  screenshot?: string;
}

export interface WallFigures {
  renderer: string;
  loadedInS: number;
  updates: number;
  seconds: number;
  applyMs: number[];
  drawMs: number[];
  /** A redraw's whole frame: from the layers being rebuilt to the next animation frame after deck.gl drew them. */
  frameMs: number[];
  mapRenders: number;
  taskMsPerS: number;
  rendererMsPerS: number;
  gpuMsPerS: number;
  trace: string;
}

/**
 * CPU seconds (user + system) used so far by this benchmark's own chromium processes whose command line contains
 * `marker`: descendants of this Node process, so other browsers running on a shared machine are not counted.
 */
function chromiumCpuSeconds(marker: string): number {
  const ticksPerSecond = 100;
  const parentOf = new Map<number, number>();
  const stats = new Map<number, string[]>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parentOf.set(Number(pid), Number(fields[1]));
      stats.set(Number(pid), fields);
    } catch {
      // The process ended while being read.
    }
  }
  const isOurs = (pid: number): boolean => {
    for (
      let at = parentOf.get(pid), hops = 0;
      at !== undefined && at > 1 && hops < 32;
      at = parentOf.get(at), hops += 1
    ) {
      if (at === process.pid) return true;
    }
    return false;
  };
  let total = 0;
  for (const [pid, fields] of stats) {
    try {
      if (!isOurs(pid)) continue;
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes('chromium') || !cmdline.includes(marker)) continue;
      total += (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
    } catch {
      // The process ended while being read.
    }
  }
  return total;
}

export async function measureWall(base: string, token: string, run: WallRun): Promise<WallFigures> {
  const browser = await launchBrowser({ width: run.width, height: run.height });
  try {
    const page = await browser.context.newPage();
    await page.goto(
      `${base}/wall?token=${token}&render=${run.render}&timing=finish${run.query ? `&${run.query}` : ''}`,
    );
    const loadStart = Date.now();
    await page.waitForFunction((n) => (window.__vigilWall?.vehicleCount ?? 0) >= n, run.vehicles, {
      timeout: 180_000,
      polling: 500,
    });
    const loadedInS = (Date.now() - loadStart) / 1000;
    if (run.css) await page.addStyleTag({ content: run.css });
    await page.waitForTimeout(5_000);
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const taskDuration = async (): Promise<number> => {
      const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
      return metrics.find((m) => m.name === 'TaskDuration')?.value ?? Number.NaN;
    };
    const before = await page.evaluate(() => window.__vigilWall?.timings());
    const taskBefore = await taskDuration();
    const gpuBefore = chromiumCpuSeconds('--type=gpu-process');
    const rendererBefore = chromiumCpuSeconds('--type=renderer');
    const startedAt = Date.now();
    await page.waitForTimeout(run.seconds * 1000);
    const seconds = (Date.now() - startedAt) / 1000;
    const after = await page.evaluate(() => window.__vigilWall?.timings());
    const taskMsPerS = (((await taskDuration()) - taskBefore) * 1000) / seconds;
    const gpuMsPerS = ((chromiumCpuSeconds('--type=gpu-process') - gpuBefore) * 1000) / seconds;
    const rendererMsPerS = ((chromiumCpuSeconds('--type=renderer') - rendererBefore) * 1000) / seconds;
    const renderer = await page.evaluate(() => window.__vigilWall?.renderer ?? 'unknown');
    const trace = run.traceS ? await traceSummary(cdp, run.traceS) : '';
    if (run.screenshot !== undefined) await page.screenshot({ path: run.screenshot });
    const updates = (after?.frames ?? 0) - (before?.frames ?? 0);
    const draws = (after?.draws ?? 0) - (before?.draws ?? 0);
    const redraws = (after?.redraws ?? 0) - (before?.redraws ?? 0);
    return {
      renderer,
      loadedInS,
      updates,
      seconds,
      applyMs: (after?.applyFrameMs ?? []).slice(-Math.max(1, updates)),
      drawMs: draws > 0 ? (after?.drawMs ?? []).slice(-draws) : [],
      frameMs: redraws > 0 ? (after?.frameMs ?? []).slice(-redraws) : [],
      mapRenders: (after?.mapRenders ?? 0) - (before?.mapRenders ?? 0),
      taskMsPerS,
      rendererMsPerS,
      gpuMsPerS,
      trace,
    };
  } finally {
    await browser.close();
  }
}
