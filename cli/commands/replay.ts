/**
 * `vigil replay DIR --to HOST:PORT`: replays a generated directory over real JT/T 808 connections (and the
 * HTTP sources with `--http`), shows progress on stderr and reports what was sent, acknowledged,
 * retransmitted and rejected, with acknowledgement latency percentiles.
 */
import path from 'node:path';
import { HTTP_KINDS } from '../../fixtures/generator/index.js';
import { ConfigError, defineFlags, helpText, parseFlags } from '../flags.js';
import { REPLAY_DEFAULTS, readManifest, replayDirectory } from './replay/replay-engine.js';
import { ReplayStats } from './replay/replay-stats.js';

export const REPLAY_SUMMARY = 'Replay a generated directory into a platform over real JT/T 808 (and HTTP sources).';

export const REPLAY_FLAGS = defineFlags([
  { name: 'to', kind: 'string', description: 'JT/T 808 gateway as HOST:PORT (required)' },
  { name: 'http', kind: 'url', description: 'base URL of the platform for HTTP sources (POST /api/ingest/<kind>)' },
  {
    name: 'key',
    kind: 'string',
    description:
      'source API key for --http: one key for every kind, or kind=key,... (anpr, wim, gantry, device_status, toll, taxi_position, taxi_order, taxi_permit, traffic_count, rail_flow, ais, market_registration, registry, gtfs_static, gtfs_rt; gtfs_static:<org>/gtfs_rt:<org> for one bus operator)',
  },
  {
    name: 'speed',
    kind: 'string',
    default: '1',
    description: 'data seconds per real second, or "max" (as fast as acknowledgements allow)',
  },
  {
    name: 'terminals',
    kind: 'integer',
    min: 1,
    max: 2_000_000,
    description: 'replay only the first N terminals (default: all)',
  },
  {
    name: 'concurrency',
    kind: 'integer',
    default: REPLAY_DEFAULTS.concurrency,
    min: 1,
    max: 60_000,
    description: 'connections open at once',
  },
  {
    name: 'window',
    kind: 'integer',
    default: REPLAY_DEFAULTS.windowFrames,
    min: 1,
    max: 256,
    description: 'unanswered frames per connection',
  },
  {
    name: 'ack-timeout-ms',
    kind: 'integer',
    default: REPLAY_DEFAULTS.ackTimeoutMs,
    min: 100,
    max: 600_000,
    description: 'wait for a reply before retransmitting',
  },
  {
    name: 'retransmits',
    kind: 'integer',
    default: REPLAY_DEFAULTS.retransmitsMax,
    min: 0,
    max: 10,
    description: 'retransmissions of an unanswered frame before giving up',
  },
  {
    name: 'lockstep-s',
    kind: 'integer',
    default: REPLAY_DEFAULTS.lockstepMs / 1000,
    min: 0,
    max: 86_400,
    description:
      'at --speed max, the most data seconds one terminal may run ahead of the slowest (0 = each runs free); ' +
      'each step costs at least one acknowledgement round trip, so a larger step replays faster: ' +
      "keep it below the rules' shortest absence limit (30 min by default)",
  },
  { name: 'shift-to-now', kind: 'boolean', default: false, description: 'shift device times so the data starts now' },
  { name: 'json', kind: 'boolean', default: false, description: 'print the final report as JSON on stdout' },
]);

export interface ReplayReport {
  terminals: number;
  terminals_failed: number;
  frames_sent: number;
  acknowledged: number;
  /** Positions in the acknowledged frames: the telemetry rows the platform must hold. */
  positions_acknowledged: number;
  retransmitted: number;
  rejected: number;
  unanswered: number;
  malformed_sent: number;
  ack_latency_ms: { p50: number; p90: number; p99: number; max: number };
  duration_s: number;
  acked_frames_per_s: number;
  http: Record<string, { records: number; accepted: number; rejected: number }>;
  http_retried: number;
  failures: string[];
}

export function parseHostPort(value: string, flag: string): { host: string; port: number } {
  const match = /^(.+):(\d{1,5})$/.exec(value);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65535)
    throw new ConfigError(`${flag} value ${JSON.stringify(value)} is not HOST:PORT with a port in 1..65535`);
  return { host: match[1], port };
}

const HTTP_KEY_KINDS: readonly string[] = [...HTTP_KINDS, 'registry', 'gtfs_static', 'gtfs_rt'];
/** A bus operator's own key: `gtfs_rt:410100=KEY` (a feed's keys are bound to its city). */
const BUS_FEED_KEY = /^(?:gtfs_static|gtfs_rt):\d{6}$/;

/** `KEY` (every kind) or `anpr=K1,wim=K2,…` (keys are bound to one kind each). */
export function parseKeys(value: string): Record<string, string> {
  if (!value.includes('=')) return { '*': value };
  const keys: Record<string, string> = {};
  for (const part of value.split(',')) {
    const [kind, key] = part.split('=', 2);
    if ((!HTTP_KEY_KINDS.includes(kind) && !BUS_FEED_KEY.test(kind)) || !key)
      throw new ConfigError(
        `--key part ${JSON.stringify(part.replace(/=.*/, '=***'))} is not kind=key with a kind of ${HTTP_KEY_KINDS.join(', ')} (or gtfs_static:<org>, gtfs_rt:<org>)`,
      );
    keys[kind] = key;
  }
  return keys;
}

export function parseSpeed(value: string): number {
  if (value === 'max') return Infinity;
  const speed = Number(value);
  if (!Number.isFinite(speed) || speed <= 0 || speed > 1_000_000)
    throw new ConfigError(`--speed value ${JSON.stringify(value)} is not "max" or a number in (0..1000000]`);
  return speed;
}

const round = (x: number): number => Math.round(x * 100) / 100;

export function reportOf(stats: ReplayStats, durationMs: number): ReplayReport {
  const h = stats.ackLatency;
  return {
    terminals: stats.terminalsStarted,
    terminals_failed: stats.terminalsFailed,
    frames_sent: stats.framesSent,
    acknowledged: stats.acknowledged,
    positions_acknowledged: stats.positionsAcknowledged,
    retransmitted: stats.retransmitted,
    rejected: stats.rejected,
    unanswered: stats.unanswered,
    malformed_sent: stats.malformedSent,
    ack_latency_ms: {
      p50: round(h.quantile(0.5)),
      p90: round(h.quantile(0.9)),
      p99: round(h.quantile(0.99)),
      max: round(h.maxMs),
    },
    duration_s: round(durationMs / 1000),
    acked_frames_per_s: Math.round(stats.acknowledged / Math.max(durationMs / 1000, 1e-3)),
    http: Object.fromEntries(stats.http),
    http_retried: stats.httpRetried,
    failures: stats.failures,
  };
}

function progressLine(stats: ReplayStats, framesTotal: number, terminalsTotal: number): string {
  const done = stats.acknowledged + stats.rejected + stats.unanswered;
  const share = framesTotal > 0 ? Math.min(1, done / framesTotal) : 0;
  const width = 24;
  const bar = '#'.repeat(Math.round(share * width)).padEnd(width, '.');
  const httpRecords = [...stats.http.values()].reduce((n, e) => n + e.records, 0);
  return `replay [${bar}] ${(share * 100).toFixed(0).padStart(3)}% frames ${done.toLocaleString('en')}/${framesTotal.toLocaleString('en')} acked ${stats.acknowledged.toLocaleString('en')} retx ${stats.retransmitted} rej ${stats.rejected} | terminals ${stats.terminalsDone}/${terminalsTotal} | http ${httpRecords.toLocaleString('en')}`;
}

export function formatReport(r: ReplayReport): string {
  const lines = [
    `Replayed ${r.terminals} terminals in ${r.duration_s} s (${r.terminals_failed} failed)`,
    `  frames sent ${r.frames_sent}, acknowledged ${r.acknowledged} (${r.positions_acknowledged} positions), retransmitted ${r.retransmitted}, rejected ${r.rejected}, unanswered ${r.unanswered}, malformed sent ${r.malformed_sent}`,
    `  ack latency p50 ${r.ack_latency_ms.p50} ms, p90 ${r.ack_latency_ms.p90} ms, p99 ${r.ack_latency_ms.p99} ms, max ${r.ack_latency_ms.max} ms; ${r.acked_frames_per_s} acked frames/s`,
  ];
  for (const [kind, e] of Object.entries(r.http))
    lines.push(`  http ${kind}: ${e.records} records, ${e.accepted} accepted, ${e.rejected} rejected`);
  if (r.http_retried > 0) lines.push(`  http batches posted again after 429/503: ${r.http_retried}`);
  for (const failure of r.failures) lines.push(`  failed: ${failure}`);
  return lines.join('\n');
}

export async function replayCommand(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(helpText('replay DIR', REPLAY_SUMMARY, REPLAY_FLAGS));
    return;
  }
  const { values, positionals } = parseFlags(REPLAY_FLAGS, argv, process.env);
  if (positionals.length !== 1)
    throw new ConfigError('vigil replay needs exactly one DIR (a directory written by vigil generate)');
  if (values.to === undefined) throw new ConfigError('--to (VIGIL_TO) is required: the JT/T 808 gateway as HOST:PORT');
  if ((values.http === undefined) !== (values.key === undefined))
    throw new ConfigError('--http and --key go together: the URL and the source API key');
  const dir = path.resolve(positionals[0]);
  const manifest = readManifest(dir);
  const { host, port } = parseHostPort(values.to, '--to');
  const terminalsMax = values.terminals ?? manifest.counts.terminals;
  const terminalsTotal = Math.min(terminalsMax, manifest.counts.terminals);
  const framesTotal = Math.round((manifest.counts.frames * terminalsTotal) / Math.max(1, manifest.counts.terminals));
  const speed = parseSpeed(values.speed);
  if (Number.isFinite(speed) && values.concurrency < terminalsTotal) {
    process.stderr.write(
      `replay: --concurrency ${values.concurrency} is below the ${terminalsTotal} terminals: later terminals start late and catch up\n`,
    );
  }
  const stats = new ReplayStats();
  const tty = process.stderr.isTTY;
  let lastLine = 0;
  const timer = setInterval(() => {
    if (!tty && Date.now() - lastLine < 5000) return;
    lastLine = Date.now();
    process.stderr.write(
      tty
        ? `\r${progressLine(stats, framesTotal, terminalsTotal)}`
        : `${progressLine(stats, framesTotal, terminalsTotal)}\n`,
    );
  }, 500);
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  const began = performance.now();
  try {
    await replayDirectory(
      {
        dir,
        host,
        port,
        speed,
        terminalsMax,
        concurrency: values.concurrency,
        windowFrames: values.window,
        ackTimeoutMs: values['ack-timeout-ms'],
        retransmitsMax: values.retransmits,
        shiftToNow: values['shift-to-now'],
        lockstepMs: values['lockstep-s'] * 1000,
        // Both or neither (checked above).
        http:
          values.http !== undefined && values.key !== undefined
            ? {
                url: values.http,
                keys: parseKeys(values.key),
                batchRecords: REPLAY_DEFAULTS.batchRecords,
              }
            : undefined,
        signal: abort.signal,
      },
      stats,
    );
  } finally {
    clearInterval(timer);
  }
  process.stderr.write(`${tty ? '\r' : ''}${progressLine(stats, framesTotal, terminalsTotal)}\n`);
  const report = reportOf(stats, performance.now() - began);
  console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
  if (report.terminals_failed > 0 || report.unanswered > 0) process.exitCode = 1;
}
