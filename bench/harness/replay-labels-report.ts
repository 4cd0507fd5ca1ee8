/**
 * The replay-labels scenario as a results file: `bench/results/replay-labels-<date>.json` and `.md`, with the
 * machine, the workload, the replay's figures, the exactly-once checks and precision/recall per rule.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MachineDescription } from './machine.js';
import type { ReplayLabelsResult } from './replay-labels.js';

export interface ReplayLabelsReport {
  date: string;
  machine: MachineDescription;
  workload: Record<string, number | string>;
  result: ReplayLabelsResult;
}

const pct = (x: number | null): string => (x === null ? '—' : `${(100 * x).toFixed(2)} %`);

export function replayLabelsMarkdown(report: ReplayLabelsReport): string {
  const m = report.machine;
  const { replay: r, checks: c, accuracy: a } = report.result;
  return [
    `# Vigil replay with labels ${report.date}`,
    '',
    `Machine: ${m.cpu_model}, ${m.cpus} CPUs, ${m.memory_gb} GB, ${m.platform} ${m.release} ${m.arch}, Node ${m.node}, load ${m.load_average_1m} at start.`,
    `Workload: ${Object.entries(report.workload)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
    '| figure | value |',
    '|---|---|',
    `| terminals replayed (failed) | ${r.terminals.toLocaleString('en')} (${r.terminals_failed}) |`,
    `| frames acknowledged / sent | ${r.acknowledged.toLocaleString('en')} / ${r.frames_sent.toLocaleString('en')} (retransmitted ${r.retransmitted}, unanswered ${r.unanswered}, refused ${r.rejected}) |`,
    `| acked frames/s | ${r.acked_frames_per_s.toLocaleString('en')} |`,
    `| ack latency p50 / p99 / max | ${r.ack_latency_ms.p50} / ${r.ack_latency_ms.p99} / ${r.ack_latency_ms.max} ms |`,
    `| replay duration | ${r.duration_s} s |`,
    `| drain after the last ack (rules, sinks) | ${report.result.settle_s} s |`,
    `| wall clock of the scenario | ${report.result.wall_clock_s} s |`,
    `| telemetry rows = acked positions, all distinct | ${c.telemetry_rows.toLocaleString('en')} = ${c.positions_acknowledged.toLocaleString('en')}, ${c.telemetry_rows_distinct.toLocaleString('en')} distinct: ${c.telemetry_exactly_once ? 'yes' : '**NO**'} |`,
    `| jt808 rejects = malformed frames sent | ${c.jt808_rejects} = ${c.malformed_sent} |`,
    `| HTTP rows = accepted records | ${Object.entries(c.camera_rows)
      .map(([k, n]) => `${k} ${n.toLocaleString('en')}`)
      .join(
        ', ',
      )}, device_status ${c.device_status_rows.toLocaleString('en')}: ${c.http_rows_match ? 'yes' : '**NO**'} |`,
    ...(c.buses === null
      ? []
      : [
          `| bus rows = sent (timetable, positions, stop delays) | ${c.buses.static_rows_stored} = ${c.buses.static_rows}, ${c.buses.position_rows.toLocaleString('en')} = ${c.buses.positions.toLocaleString('en')}, ${c.buses.stop_delay_rows.toLocaleString('en')} = ${c.buses.stop_delays.toLocaleString('en')} |`,
          `| bus trips stored with their true delay | ${c.buses.trips_matching} / ${c.buses.trips_labelled} (${c.buses.trips_unlabelled} not in the truth) |`,
          `| wall's bus indicators at the last snapshot as the truth (buses, bunching, route delays) | ${c.buses.wall_buses} / ${c.buses.wall_buses_expected} buses, ${c.buses.wall_bunched_matching && c.buses.wall_routes_matching ? 'yes' : '**NO**'} |`,
        ]),
    '',
    `Alarms against ${c.labels.toLocaleString('en')} labels (${c.alarms.toLocaleString('en')} alarm episodes, latest version each):`,
    '',
    '| rule | labels | alarms | labels recalled | alarms matching | precision | recall |',
    '|---|---|---|---|---|---|---|',
    ...[...a.rules, a.total].map(
      (x) =>
        `| ${x.rule} | ${x.labels} | ${x.alarms} | ${x.labelsRecalled} | ${x.alarmsMatched} | ${pct(x.precision)} | ${pct(x.recall)} |`,
    ),
    '',
  ].join('\n');
}

export function writeReplayLabelsReport(dir: string, report: ReplayLabelsReport): { json: string; markdown: string } {
  mkdirSync(dir, { recursive: true });
  const base = path.join(dir, `replay-labels-${report.date}`);
  // Missed labels and false alarms are kept in full only as counts; a few examples say what went wrong.
  const { accuracy } = report.result;
  const slim = {
    ...report,
    result: {
      ...report.result,
      accuracy: {
        rules: accuracy.rules,
        total: accuracy.total,
        missed_examples: accuracy.missed.slice(0, 20),
        false_alarm_examples: accuracy.falseAlarms.slice(0, 20),
        keyless: accuracy.keyless.length,
      },
    },
  };
  writeFileSync(`${base}.json`, `${JSON.stringify(slim, null, 2)}\n`);
  writeFileSync(`${base}.md`, replayLabelsMarkdown(report));
  return { json: `${base}.json`, markdown: `${base}.md` };
}
