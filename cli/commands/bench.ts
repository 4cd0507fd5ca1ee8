/**
 * `vigil bench`: the standard scenarios on this machine (code in bench/harness/), results in
 * bench/results/<date>.json and .md, compared with the previous results file.
 */
import path from 'node:path';
import { describeMachine } from '../../bench/harness/machine.js';
import { buildReport, markdownOf, writeReport } from '../../bench/harness/report.js';
import { runScenarios } from '../../bench/harness/scenarios.js';
import { REPO_ROOT } from '../../bench/harness/child-process.js';
import { ConfigError, helpText, parseFlags, type FlagSpec } from '../flags.js';

export const BENCH_SUMMARY = 'Run the standard benchmarks (ingest, ClickHouse, alarm latency, fan-out, memory) and write bench/results/.';

export const BENCH_FLAGS: readonly FlagSpec[] = [
  { name: 'vehicles', kind: 'integer', default: 1000, min: 10, max: 100_000, description: 'generated vehicles replayed in the ingest scenario' },
  { name: 'hours', kind: 'integer', default: 1, min: 1, max: 24, description: 'hours of generated traffic per vehicle' },
  { name: 'seed', kind: 'integer', default: 1, min: 0, max: 4_294_967_295, description: 'seed of the generated traffic' },
  { name: 'ws-clients', kind: 'integer', default: 200, min: 1, max: 10_000, description: 'WebSocket clients of the fan-out scenario' },
  { name: 'tracked-terminals', kind: 'integer', default: 2000, min: 10, max: 50_000, description: 'terminals connected and reporting once for the memory figure' },
  { name: 'alarm-samples', kind: 'integer', default: 20, min: 1, max: 1000, description: 'overspeed episodes timed in the alarm latency scenario' },
  { name: 'results-dir', kind: 'string', default: path.join(REPO_ROOT, 'bench', 'results'), description: 'where the JSON and Markdown results go' },
];

export async function benchCommand(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(helpText('bench', BENCH_SUMMARY, BENCH_FLAGS));
    return;
  }
  const { values, positionals } = parseFlags(BENCH_FLAGS, argv, process.env);
  if (positionals.length > 0) throw new ConfigError(`unexpected argument ${JSON.stringify(positionals[0])} (see vigil bench --help)`);
  const machine = describeMachine();
  const began = performance.now();
  const result = await runScenarios({
    vehicles: values.vehicles as number,
    hours: values.hours as number,
    seed: values.seed as number,
    wsClients: values['ws-clients'] as number,
    alarmSamples: values['alarm-samples'] as number,
    trackedTerminals: values['tracked-terminals'] as number,
    log: (line) => process.stderr.write(`bench: ${line}\n`),
  });
  const name = new Date().toISOString().slice(0, 16).replace(':', '');
  const report = buildReport(values['results-dir'] as string, name, result, machine, Math.round((performance.now() - began) / 1000));
  const files = writeReport(values['results-dir'] as string, report);
  console.log(markdownOf(report));
  console.log(`Written ${files.json} and ${files.markdown}`);
}
