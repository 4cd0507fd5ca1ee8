/**
 * `vigil bench`: the standard scenarios on this machine (code in bench/harness/), results in
 * bench/results/<date>.json and .md, compared with the previous results file. `--scenario replay-labels
 * --data DIR` instead replays a generated directory into a fresh node and checks rows and labels
 * (bench/results/replay-labels-<date>.*).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeMachine } from '../../bench/harness/machine.js';
import { buildReport, markdownOf, writeReport } from '../../bench/harness/report.js';
import { runScenarios } from '../../bench/harness/scenarios.js';
import { REPO_ROOT, startVigilNode } from '../../bench/harness/child-process.js';
import { runReplayLabels } from '../../bench/harness/replay-labels.js';
import { alarmLatencyMarkdown, runAlarmLatency, writeAlarmLatencyReport } from '../../bench/harness/alarm-latency.js';
import { durableCostMarkdown, runDurableCost, writeDurableCostReport } from '../../bench/harness/durable-cost.js';
import { replayLabelsMarkdown, writeReplayLabelsReport } from '../../bench/harness/replay-labels-report.js';
import { parseSpeed } from './replay.js';
import { REPLAY_DEFAULTS, readManifest } from './replay/replay-engine.js';
import { ConfigError, defineFlags, helpText, parseFlags, type FlagValues } from '../flags.js';

export const BENCH_SUMMARY =
  'Run the standard benchmarks (ingest, ClickHouse, alarm latency, fan-out, memory) and write bench/results/.';

export const BENCH_FLAGS = defineFlags([
  {
    name: 'scenario',
    kind: 'string',
    default: 'standard',
    choices: ['standard', 'replay-labels', 'alarm-latency', 'durable-cost'],
    description:
      "standard: the figures below; replay-labels: replay --data into a fresh node, check rows and labels; alarm-latency: 0x8001 → feed alarm under background load; durable-cost: the node's CPU per acknowledged 0x0200 and acked frames/s against a bare acking server",
  },
  { name: 'data', kind: 'string', description: 'replay-labels: a directory written by vigil generate' },
  {
    name: 'terminals',
    kind: 'integer',
    min: 1,
    max: 2_000_000,
    description: 'replay-labels: replay only the first N terminals (default: all)',
  },
  {
    name: 'speed',
    kind: 'string',
    default: 'max',
    description: 'replay-labels: data seconds per real second, or "max"',
  },
  {
    name: 'lockstep-s',
    kind: 'integer',
    default: REPLAY_DEFAULTS.lockstepMs / 1000,
    min: 0,
    max: 86_400,
    description: 'replay-labels at --speed max: data seconds one terminal may lead the slowest',
  },
  {
    name: 'vehicles',
    kind: 'integer',
    default: 1000,
    min: 10,
    max: 100_000,
    description: 'generated vehicles replayed in the ingest scenario',
  },
  {
    name: 'hours',
    kind: 'integer',
    default: 1,
    min: 1,
    max: 24,
    description: 'hours of generated traffic per vehicle',
  },
  {
    name: 'seed',
    kind: 'integer',
    default: 1,
    min: 0,
    max: 4_294_967_295,
    description: 'seed of the generated traffic',
  },
  {
    name: 'ws-clients',
    kind: 'integer',
    default: 200,
    min: 1,
    max: 10_000,
    description: 'WebSocket clients of the fan-out scenario',
  },
  {
    name: 'tracked-terminals',
    kind: 'integer',
    default: 2000,
    min: 10,
    max: 50_000,
    description: 'terminals connected and reporting once for the memory figure',
  },
  {
    name: 'alarm-samples',
    kind: 'integer',
    default: 20,
    min: 1,
    max: 1000,
    description: 'overspeed episodes timed in the alarm latency scenario',
  },
  {
    name: 'load-terminals',
    kind: 'integer',
    default: 1000,
    min: 1,
    max: 20_000,
    description: 'alarm-latency, durable-cost: background JT/T 808 terminals',
  },
  {
    name: 'window',
    kind: 'integer',
    default: 4,
    min: 1,
    max: 64,
    description:
      'alarm-latency, durable-cost: frames in flight per background terminal (the maximum load keeps them all full)',
  },
  {
    name: 'saturate-s',
    kind: 'integer',
    default: 10,
    min: 1,
    max: 600,
    description: 'alarm-latency: seconds of saturating load that measure the maximum durable load',
  },
  {
    name: 'loads',
    kind: 'string',
    default: '0,0.25,0.5,0.75',
    description: 'alarm-latency: fractions of the maximum durable load to measure at, comma-separated',
  },
  {
    name: 'browser',
    kind: 'boolean',
    default: false,
    description: 'alarm-latency: also time the console row and the wall list in chromium, at half load',
  },
  {
    name: 'seconds',
    kind: 'integer',
    default: 8,
    min: 1,
    max: 600,
    description: 'durable-cost: seconds of load per server per round',
  },
  {
    name: 'rounds',
    kind: 'integer',
    default: 2,
    min: 1,
    max: 20,
    description: 'durable-cost: rounds, each loading every server in turn',
  },
  {
    name: 'compare-port',
    kind: 'integer',
    min: 1,
    max: 65_535,
    description: 'durable-cost: also load a JT/T 808 server already listening on 127.0.0.1 at this port',
  },
  {
    name: 'compare-pid',
    kind: 'integer',
    min: 1,
    max: 4_194_304,
    description: 'durable-cost: process id of the --compare-port server, whose CPU is measured',
  },
  {
    name: 'compare-name',
    kind: 'string',
    default: 'compare',
    description: 'durable-cost: name of the --compare-port server in the results',
  },
  {
    name: 'cpu-prof',
    kind: 'boolean',
    default: false,
    description: 'durable-cost: profile the node (node --cpu-prof) and print its top self-time functions',
  },
  {
    name: 'results-dir',
    kind: 'string',
    default: path.join(REPO_ROOT, 'bench', 'results'),
    description: 'where the JSON and Markdown results go',
  },
]);
type BenchValues = FlagValues<typeof BENCH_FLAGS>;

export async function benchCommand(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(helpText('bench', BENCH_SUMMARY, BENCH_FLAGS));
    return;
  }
  const { values, positionals } = parseFlags(BENCH_FLAGS, argv, process.env);
  if (positionals.length > 0)
    throw new ConfigError(`unexpected argument ${JSON.stringify(positionals[0])} (see vigil bench --help)`);
  if (values.scenario === 'replay-labels') return replayLabelsBench(values);
  if (values.scenario === 'alarm-latency') return alarmLatencyBench(values);
  if (values.scenario === 'durable-cost') return durableCostBench(values);
  const machine = describeMachine();
  const began = performance.now();
  const result = await runScenarios({
    vehicles: values.vehicles,
    hours: values.hours,
    seed: values.seed,
    wsClients: values['ws-clients'],
    alarmSamples: values['alarm-samples'],
    trackedTerminals: values['tracked-terminals'],
    log: (line) => process.stderr.write(`bench: ${line}\n`),
  });
  const name = new Date().toISOString().slice(0, 16).replace(':', '');
  const report = buildReport(
    values['results-dir'],
    name,
    result,
    machine,
    Math.round((performance.now() - began) / 1000),
  );
  const files = writeReport(values['results-dir'], report);
  console.log(markdownOf(report));
  console.log(`Written ${files.json} and ${files.markdown}`);
}

function parseLoads(text: string): number[] {
  const loads = text.split(',').map(Number);
  for (const load of loads)
    if (!Number.isFinite(load) || load < 0 || load > 1)
      throw new ConfigError(`--loads value ${JSON.stringify(text)}: each fraction must be within 0 and 1`);
  return loads;
}

/** The pages `--browser` opens are the built wall; without a build they never show a login form. */
const WALL_INDEX = path.join(REPO_ROOT, 'wall', 'dist', 'index.html');

async function alarmLatencyBench(values: BenchValues): Promise<void> {
  const machine = describeMachine();
  const loads = parseLoads(values.loads);
  // Checked before the minute of load that comes first, rather than found by a page that times out after it.
  if (values.browser && !existsSync(WALL_INDEX))
    throw new ConfigError(`--browser needs the built wall, ${WALL_INDEX} is missing (npm run build:wall)`);
  const began = performance.now();
  const result = await runAlarmLatency({
    terminals: values['load-terminals'],
    window: values.window,
    saturateSeconds: values['saturate-s'],
    loads,
    samples: values['alarm-samples'],
    browser: values.browser,
    log: (line) => process.stderr.write(`bench: ${line}\n`),
  });
  const date = new Date().toISOString().slice(0, 16).replace(':', '');
  const markdown = alarmLatencyMarkdown(result);
  const files = writeAlarmLatencyReport(
    values['results-dir'],
    { date, machine, seconds: Math.round((performance.now() - began) / 1000), result },
    markdown,
  );
  console.log(markdown);
  console.log(`Written ${files.json} and ${files.markdown}`);
}

async function durableCostBench(values: BenchValues): Promise<void> {
  const port = values['compare-port'];
  const pid = values['compare-pid'];
  if ((port === undefined) !== (pid === undefined))
    throw new ConfigError(
      '--compare-port and --compare-pid go together (the server to load and the process to measure)',
    );
  const name = values['compare-name'];
  if (!/^[a-z][a-z0-9_-]{0,31}$/.test(name) || name === 'bare' || name === 'vigil')
    throw new ConfigError(
      `--compare-name ${JSON.stringify(name)}: 1–32 of a-z 0-9 _ -, starting with a letter, not bare or vigil`,
    );
  const machine = describeMachine();
  const began = performance.now();
  const result = await runDurableCost({
    terminals: values['load-terminals'],
    window: values.window,
    seconds: values.seconds,
    rounds: values.rounds,
    compare: port !== undefined && pid !== undefined ? { name, port, pid } : undefined,
    cpuProfile: values['cpu-prof'],
    log: (line) => process.stderr.write(`bench: ${line}\n`),
  });
  const date = new Date().toISOString().slice(0, 16).replace(':', '');
  const markdown = durableCostMarkdown(result);
  const files = writeDurableCostReport(
    values['results-dir'],
    { date, machine, seconds: Math.round((performance.now() - began) / 1000), result },
    markdown,
  );
  console.log(markdown);
  console.log(`Written ${files.json} and ${files.markdown}`);
  if (!result.checks.rows_cover_acks) process.exitCode = 1;
}

const BENCH_ADMIN_PASSWORD = 'bench replay labels staple';

async function replayLabelsBench(values: BenchValues): Promise<void> {
  if (values.data === undefined)
    throw new ConfigError('--scenario replay-labels needs --data DIR (a directory written by vigil generate)');
  const dir = path.resolve(values.data);
  const manifest = readManifest(dir);
  const speed = parseSpeed(values.speed);
  const machine = describeMachine();
  const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-labels-'));
  log(`starting vigil start (embedded) in ${dataDir}`);
  // The sources post as fast as the replay allows: the per-key rate limit is raised out of the way.
  const node = await startVigilNode(dataDir, {
    adminPassword: BENCH_ADMIN_PASSWORD,
    args: ['--ingest-rate-per-key', '1000000'],
  });
  try {
    const baseUrl = `http://127.0.0.1:${node.ready.http_port as number}`;
    const res = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      body: JSON.stringify({ username: 'admin', password: BENCH_ADMIN_PASSWORD }),
    });
    const { token } = (await res.json()) as { token: string };
    const result = await runReplayLabels(
      { baseUrl, jt808Port: node.ready.jt808_port as number, token },
      {
        dir,
        speed,
        terminals: values.terminals,
        lockstepMs: values['lockstep-s'] * 1000,
        log,
      },
    );
    const report = {
      date: new Date().toISOString().slice(0, 16).replace(':', ''),
      machine,
      workload: {
        data: dir,
        vehicles: manifest.vehicles,
        hours: manifest.hours,
        seed: manifest.seed,
        terminals: result.replay.terminals,
        speed: values.speed,
        lockstep_s: values['lockstep-s'],
        node_rss_mb_after: Math.round(node.rssBytes() / 2 ** 20),
      },
      result,
    };
    const files = writeReplayLabelsReport(values['results-dir'], report);
    console.log(replayLabelsMarkdown(report));
    console.log(`Written ${files.json} and ${files.markdown}`);
    const c = result.checks;
    if (
      !c.telemetry_exactly_once ||
      !c.http_rows_match ||
      c.buses?.holds === false ||
      c.jt808_rejects !== c.malformed_sent ||
      result.replay.terminals_failed > 0
    )
      process.exitCode = 1;
  } finally {
    await node.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
