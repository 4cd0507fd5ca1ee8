/**
 * Results as `bench/results/<date>.json` and a Markdown table beside it, compared with the newest earlier
 * results file. Ratios are compared, not raw figures, because raw figures move with the machine's load.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MachineDescription } from './machine.js';
import type { BenchResult, Figure } from './scenarios.js';

export interface BenchReport extends BenchResult {
  date: string;
  machine: MachineDescription;
  duration_s: number;
  previous: string | null;
  /** Per figure: previous ratio and the change of the ratio in percent. */
  comparison: Record<string, { previous_ratio: number; change_percent: number }>;
}

function previousReport(dir: string, name: string): { file: string; report: BenchReport } | undefined {
  if (!existsSync(dir)) return undefined;
  // Standard results are named by date; other scenarios' files (replay-labels-…) have other figures.
  const files = readdirSync(dir)
    .filter((f) => /^\d/.test(f) && f.endsWith('.json') && f < `${name}.json`)
    .sort();
  const file = files.at(-1);
  return file ? { file, report: JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as BenchReport } : undefined;
}

export function buildReport(
  dir: string,
  name: string,
  result: BenchResult,
  machine: MachineDescription,
  durationS: number,
): BenchReport {
  const previous = previousReport(dir, name);
  const comparison: BenchReport['comparison'] = {};
  for (const f of result.figures) {
    const old = previous?.report.figures.find((p) => p.name === f.name);
    if (old && old.ratio > 0)
      comparison[f.name] = {
        previous_ratio: old.ratio,
        change_percent: Math.round(((f.ratio - old.ratio) / old.ratio) * 1000) / 10,
      };
  }
  return { date: name, machine, duration_s: durationS, ...result, previous: previous?.file ?? null, comparison };
}

function row(f: Figure, report: BenchReport): string {
  const c = report.comparison[f.name];
  const better = c ? (f.higher_is_better ? c.change_percent > 0 : c.change_percent < 0) : false;
  const change = c
    ? `${c.previous_ratio} → ${f.ratio} (${c.change_percent > 0 ? '+' : ''}${c.change_percent} %${c.change_percent === 0 ? '' : better ? ', better' : ', worse'})`
    : '—';
  return `| ${f.name} | ${f.value.toLocaleString('en')} ${f.unit} | ${f.baseline.toLocaleString('en')} (${f.baseline_name}) | ${f.ratio} | ${change} |`;
}

export function markdownOf(report: BenchReport): string {
  const m = report.machine;
  return [
    `# Vigil benchmark ${report.date}`,
    '',
    `Machine: ${m.cpu_model}, ${m.cpus} CPUs, ${m.memory_gb} GB, ${m.platform} ${m.release} ${m.arch}, Node ${m.node}, load ${m.load_average_1m} at start.`,
    `Workload: ${Object.entries(report.workload)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}. Run took ${report.duration_s} s.`,
    '',
    '| figure | value | baseline (same run) | ratio | ratio vs previous |',
    '|---|---|---|---|---|',
    ...report.figures.map((f) => row(f, report)),
    '',
    `Checks: ${Object.entries(report.checks)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    `Previous results: ${report.previous ?? 'none'}.`,
    '',
  ].join('\n');
}

export function writeReport(dir: string, report: BenchReport): { json: string; markdown: string } {
  mkdirSync(dir, { recursive: true });
  const json = path.join(dir, `${report.date}.json`);
  const markdown = path.join(dir, `${report.date}.md`);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(markdown, markdownOf(report));
  return { json, markdown };
}
