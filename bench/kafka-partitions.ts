/**
 * The rules spread over stream workers by log partition (`--rules-spread partitions`) with 1 and 2 workers, in one
 * run on one machine: a real single-node broker (scripts/kafka.sh), a PostgreSQL server, a centre, a gateway and
 * the workers, each a `vigil start` child process; terminals in a load-client process keep `--window` 0x0200 frames
 * in flight each (a 0x8001 means "in Kafka with acks=all").
 *
 * Each round runs the workers of one count, alternating 1, 2, 1, 2, … (the machine is shared: alternate runs so
 * that other work weighs on both alike):
 * 1. Backlog: with no worker running, the load runs `--backlog-seconds`; the acknowledged fixes wait in Kafka.
 * 2. Drain: the workers start at once and evaluate the backlog; rule evaluations/s is the fixes taken from the
 *    moment every worker is ready to the last (the group's assignment, the snapshots' restore and, with two, a
 *    rebalance fall in it, as workers joining a cluster with a backlog meet them) over that time, and the workers'
 *    CPU-seconds over it: CPU per fix is the figure a machine other than this shared one can be sized by.
 * 3. Live: once the group has settled (every worker running partitions), the load runs `--seconds`: acknowledged
 *    fixes/s through Kafka, evaluations/s (the load's fixes over its time and the workers' catch-up after it), the
 *    workers' CPU per fix, and the alarm latency under that load
 *    (`--alarm-samples` terminals: a violating fix's 0x8001 → its alarm on the centre's feed). Then
 *    `--idle-seconds` without load: the workers' CPU with nothing to read (each partition a worker runs keeps a
 *    Kafka reader of its own for each input other than the fixes), their resident memory and threads.
 * 4. The workers are stopped with SIGTERM (each partition snapshotted and let go), timed.
 *
 *   npx tsx bench/kafka-partitions.ts [--rounds 2] [--terminals 200] [--window 4] [--seconds 10]
 *     [--backlog-seconds 10] [--alarm-samples 20] [--partitions 8] [--idle-seconds 5] [--spread partitions]
 *
 * `--spread standby` runs the baseline instead: one worker running every partition's rules in one engine (the
 * default spread), every round.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { benchFlags, defineFlags, KAFKA_LOAD_FLAGS } from './bench-flags.js';
import { alarmTimes, latencyFigures, sampleAlarms } from './harness/kafka-alarm-latency.js';
import { LoadClientProcess } from './jt808-load-client-process.js';
import { RoleCluster } from '../tests/support/role-cluster.js';
import type { VigilProcess } from '../tests/support/vigil-process.js';

const FIRST_PHONE = 13_800_000_000;
const POLL_MS = 100;
const DRAIN_MS_MAX = 300_000;

const FLAGS = defineFlags([
  ...KAFKA_LOAD_FLAGS,
  { name: 'rounds', description: 'rounds of each worker count', kind: 'integer', default: 2, min: 1, max: 100 },
  {
    name: 'backlog-seconds',
    description: 'length of the load left in Kafka before the workers start',
    kind: 'integer',
    default: 10,
    min: 1,
    max: 3_600,
  },
  { name: 'partitions', description: 'partitions of each topic', kind: 'integer', default: 8, min: 1, max: 256 },
  {
    name: 'idle-seconds',
    description: 'time without load, for the idle CPU',
    kind: 'integer',
    default: 5,
    min: 0,
    max: 3_600,
  },
  {
    name: 'spread',
    // `standby`: the baseline, one worker running every partition's rules in one engine, 1 worker every round.
    description: 'how the workers share the rules (standby: the baseline, one worker every round)',
    kind: 'string',
    default: 'partitions',
    choices: ['partitions', 'standby'],
  },
]);
const {
  rounds,
  terminals,
  window,
  seconds,
  'backlog-seconds': backlogSeconds,
  'alarm-samples': alarmSamples,
  partitions,
  'idle-seconds': idleSeconds,
  spread,
} = benchFlags('bench/kafka-partitions.ts', 'Rules spread over stream workers by partition, 1 and 2 workers.', FLAGS);

/** Sum of the samples of `names` (each a metric name, or a name with its labels) on the node's /metrics. */
async function metricSum(node: VigilProcess, names: readonly string[]): Promise<number> {
  const text = await (await fetch(`${node.baseUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    if (names.some((n) => line.startsWith(`${n} `) || (!n.includes('{') && line.startsWith(`${n}{`))))
      sum += Number(line.split(' ').pop());
  }
  return sum;
}

/** Fixes a worker took from its partitions: evaluated, or skipped (already evaluated, duplicate, future). */
const FIXES_TAKEN = ['vigil_rules_events_total{input="position"}', 'vigil_rules_skipped_total'];

async function fixesTaken(workers: readonly VigilProcess[]): Promise<number> {
  return (await Promise.all(workers.map((w) => metricSum(w, FIXES_TAKEN)))).reduce((a, b) => a + b, 0);
}

/** CPU-seconds (user and system, every thread) of the processes so far, from /proc. */
function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5), 12 and 13 after the command's parenthesis.
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}

/** Polls until the workers took `target` fixes more than `base`; when they had (performance.now()) and how many. */
async function untilTaken(
  workers: readonly VigilProcess[],
  target: number,
  base: number,
): Promise<{ doneAt: number; taken: number }> {
  const deadline = performance.now() + DRAIN_MS_MAX;
  for (;;) {
    const taken = (await fixesTaken(workers).catch(() => base)) - base;
    const now = performance.now();
    if (taken >= target) return { doneAt: now, taken };
    if (now > deadline) throw new Error(`the workers took ${taken} of ${target} fixes in ${DRAIN_MS_MAX} ms`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Resident memory (MB) and threads of a process, from /proc (librdkafka runs threads of its own per client). */
function residentAndThreads(pid: number): { rss_mb: number; threads: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rss_mb: Math.round(field('VmRSS') / 1024), threads: field('Threads') };
}

/** Until every worker runs some partitions' rules and together all of them (the group's rebalances are over). */
async function untilSettled(workers: readonly VigilProcess[]): Promise<void> {
  const deadline = performance.now() + DRAIN_MS_MAX;
  for (;;) {
    const held = await Promise.all(workers.map((w) => metricSum(w, ['vigil_rules_partitions']).catch(() => 0)));
    if (spread === 'standby' || (held.every((h) => h > 0) && held.reduce((a, b) => a + b, 0) === partitions)) return;
    if (performance.now() > deadline) throw new Error(`the workers' partitions did not settle: ${held.join(', ')}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const loadAverage = (): number => round1(os.loadavg()[0]);

const cluster = await RoleCluster.start('bench-kafka-partitions', 'vigil_bench_partitions', partitions);
const client = new LoadClientProcess();
try {
  const start = (role: string, name: string, extra: string[] = []): Promise<VigilProcess> =>
    cluster.startRole(role, name, extra);
  const startWorkers = (count: number): Promise<VigilProcess[]> =>
    Promise.all(Array.from({ length: count }, (_, i) => start('stream', `stream-${i}`, ['--rules-spread', spread])));
  const stopWorkers = async (workers: VigilProcess[]): Promise<number> => {
    const at = performance.now();
    const codes = await Promise.all(workers.map((w) => w.stop()));
    for (const w of workers) cluster.forget(w);
    if (codes.some((c) => c !== 0)) throw new Error(`a worker stopped with ${codes.join(', ')}`);
    return Math.round(performance.now() - at);
  };

  const [center, gateway] = await Promise.all([start('center', 'center'), start('gateway', 'gateway')]);
  const connected = await client.ask<'connected'>({
    cmd: 'connect',
    port: gateway.jt808Port,
    count: terminals,
    firstPhone: FIRST_PHONE,
    authCode: '',
    register: true,
    concurrency: 50,
  });
  if (connected.connected < terminals)
    throw new Error(`${connected.failed} of ${terminals} terminals could not log in`);
  const framesPerTerminal = Math.min(2_000, Math.ceil((60_000 * Math.max(seconds, backlogSeconds)) / terminals));
  const feed = await alarmTimes(center);
  // A short warm-up (JIT, producer connections, partition leaders); the fixes wait for the first round's workers.
  const warmUp = await client.ask<'loaded'>({ cmd: 'load', seconds: 2, window, framesPerTerminal });

  let pending = warmUp.ackedWithDrain;
  const results: Record<string, unknown>[] = [];
  for (let r = 0; r < (spread === 'standby' ? rounds : rounds * 2); r++) {
    const count = spread === 'standby' ? 1 : (r % 2) + 1;
    const loadBefore = loadAverage();
    // 1. The backlog, no worker running (the first round's holds the warm-up's fixes too).
    const backlog = await client.ask<'loaded'>({ cmd: 'load', seconds: backlogSeconds, window, framesPerTerminal });
    pending += backlog.ackedWithDrain;
    // 2. The workers drain it. A worker starts taking fixes before its ready line (and one of two before the other is
    // ready): the rate and the CPU are those from the moment both are ready to the last fix, over the fixes taken in
    // between, and the time from spawning them to the last fix is said too.
    const spawnedAt = performance.now();
    const workers = await startWorkers(count);
    const pids = workers.map((w) => w.nodePid);
    const cpuAtReady = cpuSeconds(pids);
    const readyAt = performance.now();
    const takenAtReady = await fixesTaken(workers);
    const drain = await untilTaken(workers, pending, 0);
    const drainCpu = cpuSeconds(pids) - cpuAtReady;
    const drainSeconds = (drain.doneAt - readyAt) / 1000;
    const drained = drain.taken - takenAtReady;
    // The live load runs on a settled group: a partition moved during it holds its fixes for the handover.
    await untilSettled(workers);
    // 3. Live load, with the alarm samples taken while it runs.
    const base = await fixesTaken(workers);
    const cpuAtLive = cpuSeconds(pids);
    const loading = client.ask<'loaded'>({ cmd: 'load', seconds, window, framesPerTerminal });
    // Polled from the load's end, while the samples may still run: until the load's fixes are evaluated.
    const caughtUp = loading.then(async (live) => {
      const endedAt = performance.now();
      return { live, endedAt, ...(await untilTaken(workers, live.ackedWithDrain, base)) };
    });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const samples = await sampleAlarms(gateway.jt808Port, feed.alarmAt, r * alarmSamples, alarmSamples);
    const { live, endedAt: loadEndedAt, doneAt, taken: liveTaken } = await caughtUp;
    const liveCpu = cpuSeconds(pids) - cpuAtLive;
    // The samples' fixes too, whose evaluation that CPU includes.
    const liveTakenAll = (await fixesTaken(workers)) - base;
    // The load's own time (the client's report may come later on a loaded machine) and the catch-up after it.
    const liveSeconds = live.seconds + Math.max(0, doneAt - loadEndedAt) / 1000;
    // Idle: what the workers' readers and timers cost with nothing to read.
    const cpuAtIdle = cpuSeconds(pids);
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    const idleCpu = cpuSeconds(pids) - cpuAtIdle;
    const held = await Promise.all(workers.map((w) => metricSum(w, ['vigil_rules_partitions'])));
    const resources = workers.map((w) => residentAndThreads(w.nodePid));
    // 4. A clean stop; fixes sent after are the next round's backlog.
    const stopMs = await stopWorkers(workers);
    pending = 0;
    const result = {
      workers: count,
      load_average: [loadBefore, loadAverage()],
      backlog_fixes: drain.taken,
      spawn_to_drained_s: round1((drain.doneAt - spawnedAt) / 1000),
      taken_before_ready: takenAtReady,
      drain_s: round1(drainSeconds),
      drain_evaluations_per_s: Math.round(drained / drainSeconds),
      drain_worker_cpu_s: round1(drainCpu),
      drain_us_cpu_per_fix: Math.round((drainCpu * 1e6) / drained),
      acked_fixes_per_s: Math.round(live.acked / live.seconds),
      live_evaluations_per_s: Math.round(liveTaken / liveSeconds),
      caught_up_after_load_s: round1((doneAt - loadEndedAt) / 1000),
      live_worker_cpu_s: round1(liveCpu),
      live_us_cpu_per_fix: Math.round((liveCpu * 1e6) / liveTakenAll),
      alarm_latency_under_load: latencyFigures(samples),
      partitions_held: held,
      idle_worker_cpu_percent: round1((idleCpu / idleSeconds) * 100),
      worker_rss_mb: resources.map((x) => x.rss_mb),
      worker_threads: resources.map((x) => x.threads),
      stop_ms: stopMs,
    };
    results.push(result);
    console.log(
      JSON.stringify({ bench: 'kafka-partitions', spread, partitions, terminals, window, seconds, ...result }),
    );
  }
  feed.close();
  const mean = (count: number, key: string): number => {
    const own = results.filter((x) => x.workers === count).map((x) => x[key] as number);
    return own.reduce((a, b) => a + b, 0) / own.length;
  };
  const ratio = (key: string): number => Math.round((mean(2, key) / mean(1, key)) * 100) / 100;
  if (spread === 'partitions')
    console.log(
      JSON.stringify({
        bench: 'kafka-partitions',
        summary: true,
        ratio_2_to_1: {
          acked_fixes_per_s: ratio('acked_fixes_per_s'),
          drain_evaluations_per_s: ratio('drain_evaluations_per_s'),
          live_evaluations_per_s: ratio('live_evaluations_per_s'),
          drain_us_cpu_per_fix: ratio('drain_us_cpu_per_fix'),
          live_us_cpu_per_fix: ratio('live_us_cpu_per_fix'),
        },
      }),
    );
} finally {
  await client.close();
  await cluster.stop();
}
