/**
 * The durable path alone, without sockets: the in-process event log and the telemetry TableSink on chDB, with
 * many simulated terminals each keeping a window of one-row sends in flight, as the JT/T 808 gateway does
 * (one send per 0x0200, acknowledged once the row is in ClickHouse). Reports durable rows/s, the process CPU
 * per row (all threads, chDB's included: a figure the machine's load changes much less than rows/s), and the
 * inserts the sink made. The baseline in the same run is the same load on a log without a durable group
 * (sends resolve on append, nothing is written), i.e. what the producers and the log cost by themselves.
 *
 * Run: npx tsx bench/table-sink.ts [--terminals 2000] [--window 4] [--seconds 10] [--depth 2] [--linger-ms 5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Metrics, TELEMETRY, silentLogger, type TelemetryRow } from '../schema/index.js';
import { openAnalytics } from '../store/index.js';
import { MemoryLog, TableSink, TOPICS } from '../stream/index.js';

const args = process.argv.slice(2);
function flag(name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}
const TERMINALS = flag('terminals', 2_000);
const WINDOW = flag('window', 4);
const SECONDS = flag('seconds', 10);
const DEPTH = flag('depth', 2);
const LINGER_MS = flag('linger-ms', 5);

function fix(terminal: number, seq: number): TelemetryRow {
  const now = Date.now();
  return {
    terminal_id: String(13_000_000_000 + terminal),
    plate: '',
    ts: Date.UTC(2026, 0, 1) + seq * 1000,
    received_at: now,
    lat: 34 + (seq % 1000) * 1e-4,
    lon: 113.5,
    altitude_m: 100,
    speed_kmh: 60,
    direction_deg: 90,
    alarm_bits: 0,
    status_bits: 3,
    source: 'jt808',
    backfill: 0,
    extras: '{"mileage_km":1520.4}',
    org_code: '410102',
  };
}

/** Keeps `WINDOW` sends in flight per terminal for `SECONDS`; returns the sends acknowledged in that time. */
async function drive(log: MemoryLog): Promise<{ acked: number; seconds: number; cpuMicros: number }> {
  const producer = log.producer();
  let acked = 0;
  let running = true;
  const seqs = new Array<number>(TERMINALS).fill(0);
  const loops: Promise<void>[] = [];
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let t = 0; t < TERMINALS; t++) {
    for (let w = 0; w < WINDOW; w++) {
      loops.push(
        (async () => {
          for (let n = 1; running; n++) {
            const value = fix(t, ++seqs[t]);
            await producer.send(TOPICS.telemetry, [{ key: value.terminal_id, value }]);
            if (running) acked++;
            // A send that resolves at once (the baseline) must not keep timers and I/O from ever running.
            if (n % 64 === 0) await new Promise((r) => setImmediate(r));
          }
        })(),
      );
    }
  }
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  running = false;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await Promise.all(loops);
  return { acked, seconds, cpuMicros: cpu.user + cpu.system };
}

async function main(): Promise<void> {
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  console.log(
    `node ${process.version}, ${TERMINALS} terminals × ${WINDOW} sends in flight, ${SECONDS} s, sink depth ${DEPTH}, linger ${LINGER_MS} ms`,
  );

  const bare = new MemoryLog({ partitions: 8, backlogPerPartitionMax: 50_000, durableGroups: {} });
  const base = await drive(bare);
  await bare.close();
  console.log(
    `baseline (log acks on append): ${fmt(base.acked / base.seconds)} sends/s, ${(base.cpuMicros / base.acked).toFixed(1)} µs CPU per send`,
  );

  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-sink-'));
  const analytics = await openAnalytics({ kind: 'embedded', dataDir });
  const metrics = new Metrics();
  const log = new MemoryLog({
    partitions: 8,
    backlogPerPartitionMax: 50_000,
    durableGroups: { [TOPICS.telemetry]: 'sink-telemetry' },
  });
  const sink = new TableSink(
    log,
    TOPICS.telemetry,
    'sink-telemetry',
    analytics.writer,
    TELEMETRY,
    { logger: silentLogger, metrics },
    { lingerMs: LINGER_MS, insertsInFlightMax: DEPTH },
  );
  sink.start();
  try {
    const run = await drive(log);
    const rows = Number((await analytics.queryInternal('SELECT count() FROM telemetry')).rows[0][0]);
    const text = metrics.render();
    const metric = (name: string): number =>
      Number(new RegExp(`^${name}\\{table="telemetry"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    const inserts = metric('vigil_sink_insert_seconds_count');
    const rate = run.acked / run.seconds;
    console.log(
      `durable (row in ClickHouse):   ${fmt(rate)} rows/s, ${(run.cpuMicros / run.acked).toFixed(1)} µs CPU per row, ratio to baseline ${(rate / (base.acked / base.seconds)).toFixed(3)}`,
    );
    console.log(
      `  ${inserts} inserts of ${fmt(metric('vigil_sink_rows_total') / inserts)} rows, ${((metric('vigil_sink_insert_seconds_sum') / inserts) * 1000).toFixed(1)} ms each; ` +
        `encoding ${((metric('vigil_sink_encode_seconds_sum') / inserts) * 1000).toFixed(1)} ms each; rows in ClickHouse ${fmt(rows)} ≥ acked ${fmt(run.acked)}: ${rows >= run.acked}`,
    );
  } finally {
    await sink.stop();
    await log.close();
    await analytics.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
