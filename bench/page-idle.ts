/**
 * What a wall or console page costs while nothing changes: a node without demo traffic, the page opened and settled,
 * then Chromium's CPU per process (browser, renderer, GPU, utility) and the Vigil node's over an idle window read from
 * /proc, the frames the page produced in it (the compositor's frame count from CDP `Performance.getMetrics` and the
 * page's own animation frames), and the requests and feed frames the page made per minute, by path.
 * `npx tsx bench/page-idle.ts [--seconds 30] [--pages wall-4k,wall-1080,console,console-duty] [--alarm]
 * [--node-profile DIR]`: `console` is the admin's, `console-duty` a county duty officer's, `none` the node with no page open; `--alarm` opens a critical
 * alarm and a few warnings first; `--node-profile` makes the node write a CPU profile into DIR when it stops.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../tests/support/browser.js';
import { createPerson, openConsole, registerVehicles, speedingEpisode } from '../tests/support/console-scenario.js';
import { startVigil } from '../tests/support/vigil-process.js';

const TICKS_PER_S = 100;

interface Proc {
  pid: number;
  ppid: number;
  cpuTicks: number;
  kind: string;
}

function readProcs(): Map<number, Proc> {
  const procs = new Map<number, Proc>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Chromium rewrites its command line into one string (its process title): split on spaces as well.
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split(/[\0 ]/);
      const type = cmd.find((arg) => arg.startsWith('--type='))?.slice('--type='.length);
      const sub = cmd.find((arg) => arg.startsWith('--utility-sub-type='))?.slice('--utility-sub-type='.length);
      const kind = !cmd[0].includes('chromium')
        ? 'other'
        : type === undefined
          ? 'browser'
          : sub === undefined
            ? type
            : `${type} ${sub.split('.')[0]}`;
      procs.set(Number(entry), {
        pid: Number(entry),
        ppid: Number(fields[1]),
        cpuTicks: Number(fields[11]) + Number(fields[12]),
        kind,
      });
    } catch {
      // The process ended while being read.
    }
  }
  return procs;
}

function nodeCpuS(pid: number): number {
  return (readProcs().get(pid)?.cpuTicks ?? 0) / TICKS_PER_S;
}

/** Descendants of this process (the browser and everything it started), by pid. */
function descendants(root: number): Map<number, Proc> {
  const all = readProcs();
  const out = new Map<number, Proc>();
  let frontier = [root];
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const p of all.values()) {
      if (frontier.includes(p.ppid) && !out.has(p.pid)) {
        out.set(p.pid, p);
        next.push(p.pid);
      }
    }
    frontier = next;
  }
  return out;
}

/** Requests by method and path (query left out) and feed frames received, counted from when `reset` is called. */
function countTraffic(context: BrowserContext): { reset(): void; report(seconds: number): string } {
  let requests = new Map<string, number>();
  let frames = 0;
  context.on('request', (request) => {
    const key = `${request.method()} ${new URL(request.url()).pathname}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
  });
  // A page's feed socket is opened as it loads: listen from the page's creation.
  context.on('page', (page) => page.on('websocket', (socket) => socket.on('framereceived', () => (frames += 1))));
  return {
    reset() {
      requests = new Map();
      frames = 0;
    },
    report(seconds) {
      const perMinute = (n: number): string => ((n * 60) / seconds).toFixed(1);
      const list = [...requests]
        .sort((a, b) => b[1] - a[1])
        .map(([key, n]) => `${key} ${perMinute(n)}`)
        .join(', ');
      return `per minute: ${list === '' ? 'no requests' : list}; feed frames ${perMinute(frames)}`;
    },
  };
}

async function measureIdle(page: Page, seconds: number, nodePid: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metric = async (name: string): Promise<number> =>
    (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === name)?.value ?? 0;
  await page.evaluate('window.__idleFrames = 0');
  const animations = await page.evaluate<string[]>(
    `document.getAnimations().filter((a) => a.playState === 'running')
      .map((a) => (a.animationName ?? a.constructor.name) + ' on ' + (a.effect?.target?.className ?? '?'))`,
  );
  const before = descendants(process.pid);
  const layoutsBefore = await metric('LayoutCount');
  const stylesBefore = await metric('RecalcStyleCount');
  const taskBefore = await metric('TaskDuration');
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const after = descendants(process.pid);
  const layouts = (await metric('LayoutCount')) - layoutsBefore;
  const styles = (await metric('RecalcStyleCount')) - stylesBefore;
  const task = (await metric('TaskDuration')) - taskBefore;
  const frames = await page.evaluate<number>('window.__idleFrames');
  const byKind = new Map<string, number>();
  for (const p of after.values()) {
    if (p.kind === 'other') continue;
    const was = before.get(p.pid)?.cpuTicks ?? 0;
    byKind.set(p.kind, (byKind.get(p.kind) ?? 0) + (p.cpuTicks - was) / TICKS_PER_S);
  }
  const node = ((after.get(nodePid)?.cpuTicks ?? 0) - (before.get(nodePid)?.cpuTicks ?? 0)) / TICKS_PER_S;
  const chromium = [...byKind.values()].reduce((sum, value) => sum + value, 0);
  const split = [...byKind]
    .filter(([, value]) => value >= 0.01)
    .map(([kind, value]) => `${kind} ${value.toFixed(2)}`)
    .join(', ');
  console.log(
    `  ${seconds} s idle: chromium ${chromium.toFixed(2)} CPU-s (${split}), vigil node ${node.toFixed(2)} CPU-s; ` +
      `page: ${frames} animation frames, ${layouts} layouts, ${styles} style recalcs, main-thread tasks ${task.toFixed(2)} s`,
  );
  console.log(`  running animations: ${animations.length === 0 ? 'none' : animations.join('; ')}`);
  await cdp.detach();
}

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    pages: { type: 'string', default: 'wall-4k,wall-1080,console' },
    alarm: { type: 'boolean', default: false },
    'node-profile': { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const profileDir = values['node-profile'];
const vigil = await startVigil(
  profileDir === undefined ? {} : { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] },
);
try {
  const admin = await vigil.login();
  const duty = await createPerson(vigil, admin, 'idle-duty', 'duty_officer', '410100');
  if (values.alarm) {
    // One critical alarm (170 km/h) and three warnings, from terminals of a county under the duty officer's unit.
    await registerVehicles(
      vigil,
      admin,
      [0, 1, 2, 3].map((i) => ({ plate: `豫A7190${i}`, terminal_id: `01397100090${i}`, home_org_code: '410102' })),
    );
    await speedingEpisode(vigil.jt808Port, '013971000900', '豫A71900', 170);
    for (const i of [1, 2, 3]) await speedingEpisode(vigil.jt808Port, `01397100090${i}`, `豫A7190${i}`, 110);
  }
  const nodePid = vigil.nodePid;
  for (const name of values.pages.split(',')) {
    if (name === 'none') {
      // The node alone, no page open: what the pages' figures are to be compared with.
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      const before = nodeCpuS(nodePid);
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      console.log(`no page:\n  ${seconds} s idle: vigil node ${(nodeCpuS(nodePid) - before).toFixed(2)} CPU-s`);
      continue;
    }
    const size = name === 'wall-4k' ? { width: 3840, height: 2160 } : { width: 1920, height: 1080 };
    const browser = await launchBrowser(size);
    // Counts the animation frames the page's own code asks for, without asking for any itself (a frame loop of the
    // measurement's own would keep the compositor drawing). A string: tsx would wrap a function in a helper.
    await browser.context.addInitScript(
      `window.__idleFrames = 0; { const raf = window.requestAnimationFrame.bind(window);
       window.requestAnimationFrame = (cb) => raf((t) => { window.__idleFrames += 1; cb(t); }); }`,
    );
    const traffic = countTraffic(browser.context);
    try {
      let page: Page;
      if (name.startsWith('wall')) {
        page = await browser.context.newPage();
        await page.goto(`${vigil.baseUrl}/wall?token=${encodeURIComponent(vigil.wallToken)}`);
        await page.locator('.maplibregl-canvas').waitFor({ state: 'attached', timeout: 60_000 });
      } else {
        const person = name === 'console-duty' ? duty : { username: 'admin', password: vigil.adminPassword };
        page = await openConsole(vigil, browser, person);
      }
      // Let the first loads and draws settle.
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      console.log(`${name} (${size.width}×${size.height}${values.alarm ? ', alarms open' : ''}):`);
      traffic.reset();
      await measureIdle(page, seconds, nodePid);
      console.log(`  ${traffic.report(seconds)}`);
    } finally {
      await browser.close();
    }
  }
} finally {
  await vigil.stop({ removeData: true });
}
