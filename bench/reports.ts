/**
 * The statistics reports (`Reports.forPrincipal`, what `GET /api/reports` calls) timed on a generated month: the
 * assessment's month generator (`fixtures/generator/assessment-month.ts`: vehicles registered round-robin in Henan's
 * counties, 500 enterprises, an 8-hour drive a day, overspeed and other episodes) straight into chDB, its closed days
 * rolled up as the centre's pass does at start-up, and alarm cases spread over the month's days and counties in
 * PostgreSQL (PGlite). Then the province by unit (weekly, daily), by enterprise, vehicle class and rule, and a city's
 * counties daily, each `--runs` times after a warm-up; p50 and max printed.
 *
 *   npx tsx bench/reports.ts [--vehicles 2000] [--days 30] [--cases-per-day 2000] [--runs 3] [--data-dir /tmp/x --keep]
 */
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Metrics, silentLogger } from '../schema/index.js';
import type { Principal } from '../center/index.js';
import { AssessmentRollups, Assessments } from '../center/assessment/index.js';
import { Reports, type ReportQuery } from '../center/reports/index.js';
import { openAssessmentMonthStore } from './harness/assessment-month-store.js';

const { values } = parseArgs({
  options: {
    vehicles: { type: 'string', default: '2000' },
    days: { type: 'string', default: '30' },
    'cases-per-day': { type: 'string', default: '2000' },
    runs: { type: 'string', default: '3' },
    'data-dir': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const log = (line: string): void => void process.stdout.write(`${line}\n`);
const { analytics, sql, org, dataDir, days, firstDayStartsAt, now, from, to, counties } =
  await openAssessmentMonthStore({
    vehicles: Number(values.vehicles),
    days: Number(values.days),
    intervalSeconds: 60,
    driveMinutes: 480,
    seed: 20261101,
    dataDir: values['data-dir'],
    log,
  });
// Alarm cases: every county, every day, in every state, with rules and enterprises cycling.
{
  const started = performance.now();
  const perDay = Number(values['cases-per-day']);
  await sql.query(
    `INSERT INTO alarm_cases (alarm_id, rule, severity, version, terminal_id, started_at, event_org_code, lat, lon,
       org_code, department, enterprise_id, state, received_at, updated_at)
     SELECT 'bench-' || i, (ARRAY['overspeed','fatigue','night_ban','gps_drift','device_offline'])[1 + i % 5], 'warning', 1,
            '', at, code, 34.7, 113.6, code, 'road_transport', NULL,
            (ARRAY['new','acknowledged','dispatched','dismissed','closed'])[1 + (i / 7) % 5], at, at
       FROM (SELECT i, ($2::text[])[1 + i % array_length($2::text[], 1)] AS code,
                    to_timestamp(($1::bigint + (i::bigint * 86400000 / $3::bigint)) / 1000.0) AS at
               FROM generate_series(0, $3::int * $4::int - 1) AS i) AS c`,
    [firstDayStartsAt, counties, perDay, days],
  );
  log(`${perDay * days} alarm cases in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const rollups = new AssessmentRollups(
  { analytics, now: () => now, logger: silentLogger, metrics: new Metrics() },
  { checkIntervalMs: 0, daysMax: days + 1 },
);
{
  const started = performance.now();
  const pass = await rollups.tick();
  log(
    `rolled up ${pass.rolled.filter((r) => r.rows > 0).length} days in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
const assessments = new Assessments({ sql, org, now: () => now, analytics, rollups });
const reports = new Reports({ sql, analytics, org, now: () => now, assessments });
const leader = (orgCode: string): Principal => ({
  userId: 1,
  username: 'bench',
  role: 'leader',
  orgCode,
  enterpriseId: null,
});

const cases: { name: string; orgCode: string; query: ReportQuery }[] = [
  { name: 'province by unit, weekly', orgCode: '410000', query: { from, to, interval: 'week', by: 'unit' } },
  { name: 'province by unit, daily', orgCode: '410000', query: { from, to, interval: 'day', by: 'unit' } },
  {
    name: 'province by enterprise, weekly',
    orgCode: '410000',
    query: { from, to, interval: 'week', by: 'enterprise' },
  },
  {
    name: 'province by vehicle class, daily',
    orgCode: '410000',
    query: { from, to, interval: 'day', by: 'vehicle_class' },
  },
  { name: 'province by rule, monthly', orgCode: '410000', query: { from, to, interval: 'month', by: 'rule' } },
  { name: 'Zhengzhou by unit, daily', orgCode: '410100', query: { from, to, interval: 'day', by: 'unit' } },
];
const runs = Number(values.runs);
log(
  `machine: ${cpus().length} cores, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
for (const c of cases) {
  await reports.forPrincipal(leader(c.orgCode), c.query); // warm-up
  const ms: number[] = [];
  let points = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const report = await reports.forPrincipal(leader(c.orgCode), c.query);
    ms.push(performance.now() - started);
    points = (report.groups.length + 1) * report.totals.series.length;
  }
  ms.sort((a, b) => a - b);
  log(
    `${c.name}: ${points} points, p50 ${ms[Math.floor(ms.length / 2)]!.toFixed(0)} ms, max ${ms[ms.length - 1]!.toFixed(0)} ms`,
  );
}
await analytics.close();
await sql.close();
if (!values.keep && values['data-dir'] === undefined) rmSync(dataDir, { recursive: true, force: true });
