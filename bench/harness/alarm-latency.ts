/**
 * `vigil bench --scenario alarm-latency`: from the 0x8001 that acknowledges a violating fix to the `alarm` message
 * on a `/ws?positions=none` feed client, with a real `vigil start` (embedded chDB, rules, hub) under background
 * JT/T 808 load (issue #13 goal 1: p99 ≤ 200 ms at half of the node's maximum durable load).
 *
 * 1. Maximum durable load: `terminals` registered terminals keep `window` frames in flight each for
 *    `saturateSeconds`; acknowledged frames per second is the node's ceiling with this client on this machine.
 * 2. For each fraction of it (`loads`), the same terminals send at that rate (paced, in the load client's own
 *    process, each terminal at most once a second dated now, as real terminals report) while `samples` other terminals each send a normal fix, then one at 130 km/h (30 % over a 100 km/h
 *    limit: an overspeed alarm at once); the time from reading that fix's 0x8001 to reading the alarm on the feed
 *    is one sample. The baseline figure is the round trip of one fix at the same load (send → 0x8001).
 * 3. With `browser`, at half load, a duty console (`/console`, logged in) and the wall (`/wall`, kiosk token) in
 *    headless Chromium: time from the 0x8001 to the alarm on each page (same machine, same clock): on the console
 *    its entry in the queue's arrivals bar (or a row), on the wall its row in the live alarm list.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import type { Page } from 'playwright-core';
import type { FeedServerMessage } from '../../schema/index.js';
import { SimulatedTerminal } from '../../cli/demo/simulated-terminal.js';
import { locationBody } from '../../cli/demo/location.js';
import type { TestBrowser } from '../../tests/support/browser.js';
import { LoadClientProcess } from '../jt808-load-client-process.js';
import { startVigilNode, type Child } from './child-process.js';

export interface AlarmLatencyOptions {
  terminals: number;
  window: number;
  saturateSeconds: number;
  /** Fractions of the maximum durable load, e.g. [0, 0.25, 0.5, 0.75]. */
  loads: number[];
  samples: number;
  browser: boolean;
  log: (line: string) => void;
}

export interface LatencyFigures {
  samples: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

export interface AlarmLatencyStep {
  load_fraction: number;
  offered_frames_per_s: number;
  acked_frames_per_s: number;
  /** 0x8001 → feed `alarm` message. */
  alarm: LatencyFigures;
  /** Baseline in the same step: one fix sent → its 0x8001. */
  ack_round_trip: LatencyFigures;
  /** With `browser` at half load: 0x8001 → the row on the console's queue and on the wall's list. */
  console_row?: LatencyFigures;
  wall_row?: LatencyFigures;
}

export interface AlarmLatencyResult {
  max_durable_frames_per_s: number;
  terminals: number;
  window: number;
  steps: AlarmLatencyStep[];
}

const ADMIN_PASSWORD = 'bench alarm latency staple';
const FIRST_PHONE = 15_000_000_000;
const SAMPLE_FIRST_PHONE = 16_000_000_000;
const ALARM_WAIT_MS_MAX = 15_000;
/** Background load runs this long before the first sample, so the samples see it in its steady state. */
const WARM_UP_MS = 3_000;

function figures(values: number[]): LatencyFigures {
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number): number =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  const round = (x: number): number => Math.round(x * 10) / 10;
  return { samples: values.length, p50_ms: round(q(0.5)), p99_ms: round(q(0.99)), max_ms: round(sorted.at(-1) ?? 0) };
}

async function startNode(dataDir: string): Promise<Child> {
  // As the vigil executable starts the node (cli/vigil.js).
  return startVigilNode(dataDir, { adminPassword: ADMIN_PASSWORD, nodeFlags: ['--max-semi-space-size=64'] });
}

/** Alarm arrival times (performance.now) by terminal, from one feed client. */
async function openFeed(port: number, token: string): Promise<{ alarmAt: Map<string, number>; close: () => void }> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}&positions=none`);
  const alarmAt = new Map<string, number>();
  socket.on('message', (data: Buffer) => {
    const m = JSON.parse(data.toString()) as FeedServerMessage;
    if (m.type === 'alarm' && !alarmAt.has(m.alarm.terminal_id)) alarmAt.set(m.alarm.terminal_id, performance.now());
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return { alarmAt, close: () => socket.close() };
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined || performance.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * Records in the page, every 10 ms, the wall-clock time each text of `selector` rows first appears: the pages and
 * this process share the machine's clock.
 */
async function watchRows(page: Page, selector: string): Promise<void> {
  await page.evaluate((sel) => {
    const seen: Record<string, number> = {};
    (window as unknown as { __rowsSeen: Record<string, number> }).__rowsSeen = seen;
    setInterval(() => {
      const now = Date.now();
      for (const row of document.querySelectorAll(sel)) {
        const text = (row as HTMLElement).innerText;
        if (!(text in seen)) seen[text] = now;
      }
    }, 10);
  }, selector);
}

async function rowSeenAt(page: Page, plate: string): Promise<number | undefined> {
  return page.evaluate((p) => {
    const seen = (window as unknown as { __rowsSeen: Record<string, number> }).__rowsSeen;
    const times = Object.entries(seen)
      .filter(([text]) => text.includes(p))
      .map(([, at]) => at);
    return times.length > 0 ? Math.min(...times) : undefined;
  }, plate);
}

interface Pages {
  browser: TestBrowser;
  console: Page;
  wall: Page;
}

async function openPages(baseUrl: string, wallToken: string): Promise<Pages> {
  // Loaded here, not at the top: playwright-core is a development dependency, and `vigil` (whose `bench` command
  // reaches this module) must start on an install without them.
  const { launchBrowser } = await import('../../tests/support/browser.js');
  const browser = await launchBrowser({ width: 1920, height: 1080 });
  const consolePage = await browser.context.newPage();
  await consolePage.goto(`${baseUrl}/console`);
  await consolePage.fill('input[name="username"]', 'admin');
  await consolePage.fill('input[name="password"]', ADMIN_PASSWORD);
  await consolePage.click('[data-testid="login"]');
  await consolePage.locator('[data-testid="alarm-queue"]').waitFor({ timeout: 60_000 });
  // The queue keeps its rows still and announces new alarms in its arrivals bar (rule and plate): either counts.
  await watchRows(consolePage, '[data-testid="queue-row"], [data-testid="arrivals-bar"] .arrival');
  const wall = await browser.context.newPage();
  await wall.goto(`${baseUrl}/wall?token=${encodeURIComponent(wallToken)}&render=lite`);
  await wall.locator('[data-testid="alarm-list"]').waitFor({ timeout: 60_000 });
  await watchRows(wall, '[data-testid="alarm-item"]');
  return { browser, console: consolePage, wall };
}

const PLATE_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
function samplePlate(n: number): string {
  let out = '';
  for (let i = 0; i < 4; i++, n = Math.floor(n / 34)) out = PLATE_CHARS[n % 34] + out;
  return `豫Q${out}`;
}

interface StepSamples {
  alarm: number[];
  ack: number[];
  consoleRow: number[];
  wallRow: number[];
}

/** One violating fix per sample terminal, timed from its 0x8001 to the feed (and the pages, when given). */
async function sample(
  jt808Port: number,
  alarmAt: Map<string, number>,
  samples: number,
  serial: { next: number },
  pages: Pages | undefined,
): Promise<StepSamples> {
  const out: StepSamples = { alarm: [], ack: [], consoleRow: [], wallRow: [] };
  for (let n = 0; n < samples; n++) {
    const index = serial.next++;
    const phone = String(SAMPLE_FIRST_PHONE + index).padStart(12, '0');
    const plate = samplePlate(index);
    const t = new SimulatedTerminal({ phone, plate, plateColor: 2, version: 2013 });
    await t.connect('127.0.0.1', jt808Port);
    try {
      await t.logIn();
      const now = Math.floor(Date.now() / 1000) * 1000;
      const body = (speedKmh: number, time: number) =>
        locationBody({ lat: 34.75, lon: 113.62 + (index % 100) * 0.001, speedKmh, directionDeg: 90, time }, 2013);
      const sent = performance.now();
      await t.request({ msgId: 0x0200, body: body(60, now - 30_000) });
      out.ack.push(performance.now() - sent);
      await t.request({ msgId: 0x0200, body: body(130, now) });
      const ackedAt = performance.now();
      const ackedWallClock = Date.now();
      const at = await waitFor(() => alarmAt.get(phone), ALARM_WAIT_MS_MAX);
      if (at !== undefined) out.alarm.push(at - ackedAt);
      if (pages) {
        const deadline = Date.now() + ALARM_WAIT_MS_MAX;
        let consoleAt: number | undefined;
        let wallAt: number | undefined;
        while ((consoleAt === undefined || wallAt === undefined) && Date.now() < deadline) {
          consoleAt ??= await rowSeenAt(pages.console, plate);
          wallAt ??= await rowSeenAt(pages.wall, plate);
          await new Promise((r) => setTimeout(r, 50));
        }
        if (consoleAt !== undefined) out.consoleRow.push(consoleAt - ackedWallClock);
        if (wallAt !== undefined) out.wallRow.push(wallAt - ackedWallClock);
      }
    } finally {
      t.close();
    }
  }
  return out;
}

export async function runAlarmLatency(options: AlarmLatencyOptions): Promise<AlarmLatencyResult> {
  const { log } = options;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-alarm-latency-'));
  let node: Child | undefined;
  const client = new LoadClientProcess();
  let pages: Pages | undefined;
  let feed: { alarmAt: Map<string, number>; close: () => void } | undefined;
  try {
    node = await startNode(dataDir);
    const httpPort = node.ready.http_port as number;
    const jt808Port = node.ready.jt808_port as number;
    const baseUrl = `http://127.0.0.1:${httpPort}`;
    const login = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    feed = await openFeed(httpPort, token);

    log(`connecting and registering ${options.terminals} background terminals`);
    const connected = await client.ask<'connected'>({
      cmd: 'connect',
      port: jt808Port,
      count: options.terminals,
      firstPhone: FIRST_PHONE,
      authCode: '',
      register: true,
      concurrency: 100,
    });
    if (connected.connected < options.terminals)
      throw new Error(`${connected.failed} of ${options.terminals} background terminals could not log in`);

    log(`maximum durable load: ${options.window} frames in flight per terminal for ${options.saturateSeconds} s`);
    // Encoded before each load so the client spends its time on sockets; beyond these it encodes as it goes.
    const framesPerTerminal = Math.min(2_000, Math.ceil((40_000 * options.saturateSeconds) / options.terminals));
    const saturated = await client.ask<'loaded'>({
      cmd: 'load',
      seconds: options.saturateSeconds,
      window: options.window,
      framesPerTerminal,
    });
    const max = saturated.acked / saturated.seconds;
    log(`maximum durable load ${Math.round(max)} acked frames/s`);

    const steps: AlarmLatencyStep[] = [];
    const serial = { next: 0 };
    const stepsToRun = options.loads.map((f) => ({ fraction: f, browser: false }));
    if (options.browser) stepsToRun.push({ fraction: 0.5, browser: true });
    for (const step of stepsToRun) {
      if (step.browser) {
        log('opening the duty console and the wall in chromium');
        pages = await openPages(baseUrl, String(new URL(String(node.ready.wall_url)).searchParams.get('token')));
      }
      const offered = Math.round(max * step.fraction);
      log(`load ${step.fraction} of the maximum (${offered} frames/s)${step.browser ? ' with the pages open' : ''}`);
      const running =
        offered > 0
          ? client.ask<'loaded'>({
              cmd: 'load',
              seconds: 600,
              window: options.window,
              framesPerTerminal,
              framesPerSecond: offered,
            })
          : undefined;
      const started = performance.now();
      if (running) await new Promise((r) => setTimeout(r, WARM_UP_MS));
      const got = await sample(jt808Port, feed.alarmAt, options.samples, serial, step.browser ? pages : undefined);
      let acked = 0;
      if (running) {
        client.tell({ cmd: 'stop' });
        const report = await running;
        acked = report.acked / report.seconds;
      }
      const result: AlarmLatencyStep = {
        load_fraction: step.fraction,
        offered_frames_per_s: offered,
        acked_frames_per_s: Math.round(acked),
        alarm: figures(got.alarm),
        ack_round_trip: figures(got.ack),
        ...(step.browser ? { console_row: figures(got.consoleRow), wall_row: figures(got.wallRow) } : {}),
      };
      steps.push(result);
      log(
        `  alarm p50 ${result.alarm.p50_ms} ms, p99 ${result.alarm.p99_ms} ms, max ${result.alarm.max_ms} ms ` +
          `(${result.alarm.samples}/${options.samples} samples, ${Math.round((performance.now() - started) / 1000)} s)`,
      );
    }
    return { max_durable_frames_per_s: Math.round(max), terminals: options.terminals, window: options.window, steps };
  } finally {
    feed?.close();
    await pages?.browser.close();
    await client.close();
    await node?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Writes the JSON and Markdown results next to the other scenarios' (`alarm-latency-<date>.*`). */
export function writeAlarmLatencyReport(
  dir: string,
  report: { date: string } & Record<string, unknown>,
  markdown: string,
): { json: string; markdown: string } {
  mkdirSync(dir, { recursive: true });
  const json = path.join(dir, `alarm-latency-${report.date}.json`);
  const md = path.join(dir, `alarm-latency-${report.date}.md`);
  writeFileSync(json, `${JSON.stringify(report, null, 1)}\n`);
  writeFileSync(md, `${markdown}\n`);
  return { json, markdown: md };
}

export function alarmLatencyMarkdown(result: AlarmLatencyResult): string {
  const lines = [
    `Maximum durable load: ${result.max_durable_frames_per_s} acknowledged frames/s (${result.terminals} terminals × ${result.window} in flight).`,
    '',
    '| load | offered frames/s | acked frames/s | alarm p50 ms | alarm p99 ms | alarm max ms | samples | baseline: fix → 0x8001 p50 / p99 ms |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const s of result.steps) {
    const label = s.console_row ? `${s.load_fraction} (pages open)` : String(s.load_fraction);
    lines.push(
      `| ${label} | ${s.offered_frames_per_s} | ${s.acked_frames_per_s} | ${s.alarm.p50_ms} | ${s.alarm.p99_ms} | ${s.alarm.max_ms} | ${s.alarm.samples} | ${s.ack_round_trip.p50_ms} / ${s.ack_round_trip.p99_ms} |`,
    );
  }
  for (const s of result.steps) {
    if (!s.console_row || !s.wall_row) continue;
    lines.push(
      '',
      `At load ${s.load_fraction}, 0x8001 → row on the page: console p50 ${s.console_row.p50_ms} ms, p99 ${s.console_row.p99_ms} ms, max ${s.console_row.max_ms} ms (${s.console_row.samples} samples); ` +
        `wall p50 ${s.wall_row.p50_ms} ms, p99 ${s.wall_row.p99_ms} ms, max ${s.wall_row.max_ms} ms (${s.wall_row.samples} samples).`,
    );
  }
  return lines.join('\n');
}
