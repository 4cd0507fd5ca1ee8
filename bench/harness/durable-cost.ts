/**
 * `vigil bench --scenario durable-cost`: what a durable 0x0200 costs the whole node (issue #13 goal 2), against a
 * bare acknowledging server driven by the same load client in the same run.
 *
 * Servers, each in its own process and each with its own load client process (`bench/jt808-load-client.ts`, whose
 * CPU is not counted): the bare server (`ack-server.ts`: splits frames, answers 0x8001, nothing else), a real
 * `vigil start` (embedded chDB and PGlite, started with the flags of the `vigil` executable), and optionally any
 * other JT/T 808 server already listening (`compare`: its port and pid, e.g. go-jt808 built outside the repo). The
 * terminals register and authenticate once; then in each round every server in turn gets `window` frames in flight
 * per terminal for `seconds`. CPU is the server process's user + system time over the load and its drain
 * (`/proc/<pid>/stat`: every thread, chDB's included), divided by the frames it acknowledged in that time.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LoadClientProcess } from '../jt808-load-client-process.js';
import { startChild, startVigilNode, type Child } from './child-process.js';
import { summarizeCpuProfile, type ProfileLine, type ProfileWindow } from './cpu-profile-summary.js';

export interface DurableCostOptions {
  terminals: number;
  window: number;
  seconds: number;
  rounds: number;
  /** Another server to measure with the same client: its JT/T 808 port and its process id. */
  compare?: { name: string; port: number; pid: number };
  /** Profile the node (`node --cpu-prof`) and summarize its top self-time frames. */
  cpuProfile: boolean;
  log: (line: string) => void;
}

export interface ServerRun {
  server: string;
  round: number;
  acked_frames_per_s: number;
  cpu_us_per_frame: number;
  /** Cores the server used during the load (CPU time over the load's seconds). */
  cpu_cores: number;
  refused: number;
}

export interface DurableCostResult {
  terminals: number;
  window: number;
  seconds: number;
  runs: ServerRun[];
  /** Median per server over the rounds. */
  summary: { server: string; acked_frames_per_s: number; cpu_us_per_frame: number }[];
  /** Node ÷ bare server (frames/s: higher is better; CPU: lower is better), and node ÷ compare when given. */
  ratios: Record<string, number>;
  checks: { rows_in_clickhouse: number; frames_acked_by_node: number; rows_cover_acks: boolean };
  /**
   * From the node's `/metrics` after the rounds (registration included, a few thousand frames): rows per telemetry
   * insert, insert ms, and positions per batch of one socket read (absent where the gateway does not count them).
   */
  node_batches: {
    telemetry_inserts: number;
    rows_per_insert: number;
    insert_ms_mean: number;
    /** How long a batch's first row waited for the rest (linger, or the insert in flight); absent if not counted. */
    gather_ms_mean?: number;
    /** TabSeparated encoding of a batch on the main thread. */
    encode_ms_mean?: number;
    positions_per_read_batch?: number;
  };
  profile?: ProfileLine[];
  /** The node's CPU over its loads, by thread name, as µs per acknowledged frame. */
  node_threads: { thread: string; cpu_us_per_frame: number }[];
}

const ADMIN_PASSWORD = 'bench durable cost staple';
/** Phones of the three servers' terminals, far apart so that no two share a phone. */
const FIRST_PHONE = { bare: 17_000_000_000, node: 17_100_000_000, compare: 17_200_000_000 };
const CLOCK_TICKS_PER_S = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** User + system CPU of a process, all threads, in microseconds. */
function processCpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), from field 3: utime is field 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S) * 1e6;
}

/**
 * CPU microseconds per thread name (`/proc/<pid>/task/<tid>/comm`: the JS main thread is the process's name, libuv
 * and V8 workers and chDB's pools have their own), so the node's cost can be split between JS and chDB. A thread
 * that ended between two readings is missing from the second.
 */
function threadCpuUs(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/[0-9]+$/, '');
      const label = tid === String(pid) ? `${name} (main thread)` : name;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const us = ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S) * 1e6;
      out.set(label, (out.get(label) ?? 0) + us);
    } catch {
      // the thread ended while being read
    }
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function startNode(dataDir: string, profileDir: string | undefined): Promise<Child> {
  return startVigilNode(dataDir, {
    adminPassword: ADMIN_PASSWORD,
    // As the vigil executable starts the node (cli/vigil.js).
    nodeFlags: ['--max-semi-space-size=64', ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [])],
  });
}

interface Target {
  name: string;
  port: number;
  pid: number;
  client: LoadClientProcess;
}

export async function runDurableCost(options: DurableCostOptions): Promise<DurableCostResult> {
  const { log } = options;
  const work = mkdtempSync(path.join(tmpdir(), 'vigil-bench-durable-cost-'));
  const profileDir = options.cpuProfile ? path.join(work, 'profile') : undefined;
  let bare: Child | undefined;
  let node: Child | undefined;
  const targets: Target[] = [];
  let nodeStopped = false;
  try {
    bare = await startChild(['bench/harness/ack-server-main.ts'], 'port');
    node = await startNode(path.join(work, 'data'), profileDir);
    const servers = [
      { name: 'bare', port: bare.ready.port as number, pid: bare.process.pid as number },
      { name: 'vigil', port: node.ready.jt808_port as number, pid: node.process.pid as number },
      ...(options.compare ? [options.compare] : []),
    ];
    for (const s of servers) {
      const client = new LoadClientProcess();
      targets.push({ ...s, client });
      log(`${s.name}: registering and authenticating ${options.terminals} terminals`);
      const first = s.name === 'bare' ? FIRST_PHONE.bare : s.name === 'vigil' ? FIRST_PHONE.node : FIRST_PHONE.compare;
      const connected = await client.ask<'connected'>({
        cmd: 'connect',
        port: s.port,
        count: options.terminals,
        firstPhone: first,
        authCode: '',
        register: true,
        concurrency: 100,
      });
      if (connected.connected < options.terminals)
        throw new Error(`${s.name}: ${connected.failed} of ${options.terminals} terminals could not log in`);
    }
    const framesPerTerminal = Math.min(2_000, Math.ceil((60_000 * options.seconds) / options.terminals));
    const runs: ServerRun[] = [];
    let nodeAcked = 0;
    const nodeThreadsUs = new Map<string, number>();
    const nodeLoadWindows: ProfileWindow[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      for (const t of targets) {
        const cpuBefore = processCpuUs(t.pid);
        const threadsBefore = t.name === 'vigil' ? threadCpuUs(t.pid) : undefined;
        const loadFromUs = monotonicUs();
        const report = await t.client.ask<'loaded'>({
          cmd: 'load',
          seconds: options.seconds,
          window: options.window,
          framesPerTerminal,
        });
        const cpuUs = processCpuUs(t.pid) - cpuBefore;
        if (threadsBefore) {
          nodeLoadWindows.push({ fromUs: loadFromUs, toUs: monotonicUs() });
          nodeAcked += report.ackedWithDrain;
          for (const [name, us] of threadCpuUs(t.pid))
            nodeThreadsUs.set(name, (nodeThreadsUs.get(name) ?? 0) + us - (threadsBefore.get(name) ?? 0));
        }
        const run: ServerRun = {
          server: t.name,
          round,
          acked_frames_per_s: Math.round(report.acked / report.seconds),
          cpu_us_per_frame: Math.round((cpuUs / Math.max(1, report.ackedWithDrain)) * 10) / 10,
          // Over the load's seconds; the CPU also holds the short drain after it, so this reads a little high.
          cpu_cores: Math.round((cpuUs / 1e6 / report.seconds) * 100) / 100,
          refused: report.refused,
        };
        runs.push(run);
        log(
          `round ${round} ${t.name}: ${run.acked_frames_per_s} acked frames/s, ${run.cpu_us_per_frame} µs CPU per frame ` +
            `(${run.cpu_cores} cores), ${run.refused} refused`,
        );
      }
    }
    const baseUrl = `http://127.0.0.1:${node.ready.http_port as number}`;
    const login = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    const counted = await fetch(`${baseUrl}/api/sql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ sql: 'SELECT count() FROM telemetry' }),
    });
    const rows = Number(((await counted.json()) as { rows: unknown[][] }).rows[0][0]);
    const metricsText = await (await fetch(`${baseUrl}/metrics`)).text();
    const inserts = metricValue(metricsText, 'vigil_sink_insert_seconds_count{table="telemetry"}') ?? 0;
    const batches = metricValue(metricsText, 'vigil_jt808_position_batches_total');
    const round1 = (n: number): number => Math.round(n * 10) / 10;
    const nodeBatches = {
      telemetry_inserts: inserts,
      rows_per_insert: round1(
        (metricValue(metricsText, 'vigil_sink_rows_total{table="telemetry"}') ?? 0) / Math.max(1, inserts),
      ),
      insert_ms_mean: round1(
        ((metricValue(metricsText, 'vigil_sink_insert_seconds_sum{table="telemetry"}') ?? 0) * 1000) /
          Math.max(1, inserts),
      ),
      ...meanMs(metricsText, 'vigil_sink_gather_seconds', 'gather_ms_mean'),
      ...meanMs(metricsText, 'vigil_sink_encode_seconds', 'encode_ms_mean'),
      ...(batches
        ? { positions_per_read_batch: round1((metricValue(metricsText, 'vigil_jt808_frames_total') ?? 0) / batches) }
        : {}),
    };

    const summary = targets.map((t) => {
      const mine = runs.filter((r) => r.server === t.name);
      return {
        server: t.name,
        acked_frames_per_s: Math.round(median(mine.map((r) => r.acked_frames_per_s))),
        cpu_us_per_frame: Math.round(median(mine.map((r) => r.cpu_us_per_frame)) * 10) / 10,
      };
    });
    const of = (name: string) => summary.find((s) => s.server === name)!;
    const ratio = (a: number, b: number): number => (b > 0 ? Math.round((a / b) * 100) / 100 : 0);
    const ratios: Record<string, number> = {
      vigil_frames_per_s_over_bare: ratio(of('vigil').acked_frames_per_s, of('bare').acked_frames_per_s),
      vigil_cpu_per_frame_over_bare: ratio(of('vigil').cpu_us_per_frame, of('bare').cpu_us_per_frame),
    };
    if (options.compare) {
      const c = of(options.compare.name);
      ratios[`vigil_cpu_per_frame_over_${options.compare.name}`] = ratio(
        of('vigil').cpu_us_per_frame,
        c.cpu_us_per_frame,
      );
      ratios[`${options.compare.name}_frames_per_s_over_bare`] = ratio(
        c.acked_frames_per_s,
        of('bare').acked_frames_per_s,
      );
    }

    let profile: ProfileLine[] | undefined;
    if (profileDir) {
      // The profile is written when the node exits.
      await node.stop();
      nodeStopped = true;
      const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
      if (file) profile = summarizeCpuProfile(readFileSync(path.join(profileDir, file), 'utf8'), 25, nodeLoadWindows);
    }
    return {
      terminals: options.terminals,
      window: options.window,
      seconds: options.seconds,
      runs,
      summary,
      ratios,
      checks: { rows_in_clickhouse: rows, frames_acked_by_node: nodeAcked, rows_cover_acks: rows >= nodeAcked },
      node_batches: nodeBatches,
      ...(profile ? { profile } : {}),
      node_threads: [...nodeThreadsUs.entries()]
        .filter(([, us]) => us > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([thread, us]) => ({ thread, cpu_us_per_frame: Math.round((us / Math.max(1, nodeAcked)) * 10) / 10 })),
    };
  } finally {
    for (const t of targets) await t.client.close();
    if (!nodeStopped) await node?.stop();
    await bare?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** The value of one sample line of a Prometheus text exposition (`name{labels}` exactly as rendered). */
/** Mean of a telemetry histogram in ms, under `key`; nothing when the node does not count it. */
function meanMs<K extends string>(text: string, histogram: string, key: K): Partial<Record<K, number>> {
  const count = metricValue(text, `${histogram}_count{table="telemetry"}`);
  const sum = metricValue(text, `${histogram}_sum{table="telemetry"}`);
  if (!count || sum === undefined) return {};
  return { [key]: Math.round((sum * 10_000) / count) / 10 } as Partial<Record<K, number>>;
}

function metricValue(text: string, sample: string): number | undefined {
  for (const line of text.split('\n')) if (line.startsWith(`${sample} `)) return Number(line.slice(sample.length + 1));
  return undefined;
}

export function durableCostMarkdown(result: DurableCostResult): string {
  const lines = [
    `${result.terminals} terminals × ${result.window} frames in flight, ${result.seconds} s per run; CPU of the whole ` +
      'server process (all threads) per acknowledged 0x0200.',
    '',
    '| round | server | acked frames/s | µs CPU per frame | cores used | refused |',
    '|---|---|---|---|---|---|',
    ...result.runs.map(
      (r) =>
        `| ${r.round} | ${r.server} | ${r.acked_frames_per_s} | ${r.cpu_us_per_frame} | ${r.cpu_cores} | ${r.refused} |`,
    ),
    '',
    `Medians: ${result.summary.map((s) => `${s.server} ${s.acked_frames_per_s} frames/s at ${s.cpu_us_per_frame} µs`).join('; ')}.`,
    `Ratios: ${Object.entries(result.ratios)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    `Rows in ClickHouse ${result.checks.rows_in_clickhouse} ≥ frames the node acknowledged ${result.checks.frames_acked_by_node}: ${result.checks.rows_cover_acks}.`,
  ];
  const b = result.node_batches;
  lines.push(
    '',
    `Telemetry inserts: ${b.telemetry_inserts}, ${b.rows_per_insert} rows and ${b.insert_ms_mean} ms each on average` +
      (b.gather_ms_mean !== undefined ? `, after ${b.gather_ms_mean} ms gathering its rows` : '') +
      (b.encode_ms_mean !== undefined ? ` and ${b.encode_ms_mean} ms encoding them` : '') +
      (b.positions_per_read_batch !== undefined
        ? `; positions per batch of one socket read: ${b.positions_per_read_batch}.`
        : '.'),
  );
  lines.push(
    '',
    `Node CPU by thread over its loads, µs per acknowledged frame: ${result.node_threads
      .map((t) => `${t.thread} ${t.cpu_us_per_frame}`)
      .join(', ')}.`,
  );
  if (result.profile) {
    lines.push(
      '',
      'Node profile, main thread, top self time as a share of its busy time during its loads (idle left out):',
      '',
      '| self % | function | where |',
      '|---|---|---|',
    );
    for (const p of result.profile) lines.push(`| ${p.self_percent} | ${p.function} | ${p.where} |`);
  }
  return lines.join('\n');
}

export function writeDurableCostReport(
  dir: string,
  report: { date: string } & Record<string, unknown>,
  markdown: string,
): { json: string; markdown: string } {
  mkdirSync(dir, { recursive: true });
  const json = path.join(dir, `durable-cost-${report.date}.json`);
  const md = path.join(dir, `durable-cost-${report.date}.md`);
  writeFileSync(json, `${JSON.stringify(report, null, 1)}\n`);
  writeFileSync(md, `${markdown}\n`);
  return { json, markdown: md };
}

/** The monotonic clock in microseconds, the clock of a V8 `.cpuprofile`'s sample times. */
function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
