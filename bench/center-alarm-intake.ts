/**
 * How many alarm versions per second the command centres store, on PGlite or a PostgreSQL server, two ways:
 *
 * - `desk`: `AlarmDesk.ingest` one version at a time (route, insert, action row, audit entry, one transaction each);
 * - `intake`: the versions sent to the event log and taken by the centre's `AlarmIntake` as a node runs it (a poll
 *   of up to `batchMax` versions per transaction), one in `--ended-every` alarms followed later by a second
 *   version that ends its episode. Meanwhile a probe reads the store every 20 ms, as an HTTP answer that needs
 *   the database would, and the event loop's delay is sampled: what the rest of the node waits behind the intake.
 *
 * Each phase prints alarms/s, the process's CPU-seconds, and for `intake` the probe's and the loop's delays.
 *
 *   npx tsx bench/center-alarm-intake.ts [--alarms 2000] [--ended-every 4] [--phases desk,intake] [--postgres-url postgres://…]
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { HENAN_PROVINCE_CODE, Metrics, silentLogger, type AlarmRow } from '../schema/index.js';
import { openOperational } from '../store/index.js';
import { MemoryLog, TOPICS } from '../stream/index.js';
import { Accounts, Router, seedOrgUnits, startCommandCentre } from '../center/index.js';

const { values } = parseArgs({
  options: {
    alarms: { type: 'string', default: '2000' },
    'ended-every': { type: 'string', default: '4' },
    phases: { type: 'string', default: 'desk,intake' },
    'postgres-url': { type: 'string' },
  },
});
const count = Number(values.alarms);
const endedEvery = Number(values['ended-every']);
const phases = values.phases.split(',');
const store = values['postgres-url'] ? 'postgres' : 'pglite';
const sql = await openOperational(
  values['postgres-url'] ? { kind: 'server', url: values['postgres-url'] } : { kind: 'memory' },
);
await seedOrgUnits(sql);
const accounts = new Accounts(sql);
await accounts.ensureAdmin(HENAN_PROVINCE_CODE, 'bench lantern river staple');
const log = new MemoryLog({ partitions: 1, backlogPerPartitionMax: 4 * count + 1_000, durableGroups: {} });
const centre = await startCommandCentre({
  sql,
  accounts,
  log,
  logger: silentLogger,
  metrics: new Metrics(),
  provinceCode: HENAN_PROVINCE_CODE,
  router: new Router(1 << 20),
  supervisionIntervalMs: 0,
});

function alarmOf(prefix: string, i: number, at: number): AlarmRow {
  return {
    alarm_id: `${prefix}-${i}`,
    rule: i % 3 === 0 ? 'fatigue' : 'overspeed',
    rule_version: 1,
    severity: 'warning',
    terminal_id: String(13900000000 + i),
    plate: `豫A${String(i).padStart(5, '0')}`,
    started_at: at,
    ended_at: null,
    org_code: '410105',
    lat: 34.6 + (i % 50) * 0.01,
    lon: 113.5 + (i % 40) * 0.01,
    late: 0,
    details: '{}',
    version: 1,
    updated_at: at,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return round2((used.user + used.system) / 1e6);
}

async function deskPhase(): Promise<void> {
  const run = `desk-${Date.now()}`;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < count; i++) await centre.desk.ingest(alarmOf(run, i, Date.now() - 60_000 + i));
  const seconds = (performance.now() - started) / 1000;
  console.log(
    JSON.stringify({
      store,
      phase: 'desk, one version per transaction',
      versions: count,
      versions_per_s: Math.round(count / seconds),
      ms_per_version: round2((seconds * 1000) / count),
      cpu_s: cpuSeconds(cpu),
    }),
  );
}

async function intakePhase(): Promise<void> {
  const run = `intake-${Date.now()}`;
  const first = Array.from({ length: count }, (_, i) => alarmOf(run, i, Date.now() - 60_000 + i));
  // The second versions come after every first one, as an episode's end comes after it was raised.
  const ends = first
    .filter((_, i) => endedEvery > 0 && i % endedEvery === 0)
    .map((a) => ({ ...a, version: 2, ended_at: a.started_at + 30_000, updated_at: a.started_at + 30_000 }));
  const versions = [...first, ...ends];
  const expected = { cases: count, ended: ends.length };

  const probeWaits: number[] = [];
  let probing = true;
  const probe = (async () => {
    while (probing) {
      const asked = performance.now();
      await sql.query('SELECT count(*) FROM org_units');
      probeWaits.push(performance.now() - asked);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const producer = log.producer();
  for (let i = 0; i < versions.length; i += 500)
    await producer.send(
      TOPICS.alarms,
      versions.slice(i, i + 500).map((value) => ({ key: value.org_code, value })),
    );
  for (;;) {
    const [done] = await sql.query<{ cases: number; ended: number }>(
      `SELECT count(*)::int AS cases, count(*) FILTER (WHERE version = 2)::int AS ended FROM alarm_cases WHERE alarm_id LIKE $1`,
      [`${run}-%`],
    );
    if (done.cases === expected.cases && done.ended === expected.ended) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuS = cpuSeconds(cpu);
  loop.disable();
  probing = false;
  await probe;
  probeWaits.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      store,
      phase: 'intake from the log',
      versions: versions.length,
      alarms: count,
      versions_per_s: Math.round(versions.length / seconds),
      ms_per_version: round2((seconds * 1000) / versions.length),
      cpu_s: cpuS,
      seconds: round2(seconds),
      // Reads asked every 20 ms: far fewer than seconds × 50 means the event loop was held between them.
      probe_reads: probeWaits.length,
      probe_read_ms: {
        p50: round2(percentile(probeWaits, 50)),
        p99: round2(percentile(probeWaits, 99)),
        max: round2(probeWaits[probeWaits.length - 1] ?? 0),
      },
      // No sample at all when the loop never turned during the phase.
      event_loop_delay_ms: { samples: loop.count, p99: round2(loop.percentile(99) / 1e6), max: round2(loop.max / 1e6) },
    }),
  );
}

console.log(`node ${process.version}, load average ${(await import('node:os')).loadavg().map(round2).join(' ')}`);
for (const phase of phases) {
  if (phase === 'desk') await deskPhase();
  else if (phase === 'intake') await intakePhase();
  else throw new Error(`phases value ${phase} is not one of desk, intake`);
}
const superviseStarted = performance.now();
await centre.supervise();
console.log(JSON.stringify({ supervision_pass_ms: Math.round(performance.now() - superviseStarted) }));
await centre.close();
await log.close();
await sql.close();
