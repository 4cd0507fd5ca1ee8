/**
 * A month of assessment indicators for every unit of the province, from the raw facts and from the daily
 * aggregates, on the same generated month: 10,000 vehicles × 30 days of positions, alarm episodes and refused frames
 * written straight into chDB (`fixtures/generator/assessment-month.ts`), rolled up day by day as the centre does at
 * start-up, then `Assessments.forPrincipal` timed for the province (its cities, every county, every enterprise,
 * every lower platform), each city and each county. Every figure of the two paths is compared as well.
 *
 *   npx tsx bench/assessment-rollups.ts [--vehicles 10000] [--days 30] [--interval-s 60] [--drive-min 480]
 *     [--runs 5] [--raw-runs 1] [--raw-units 3] [--data-dir /tmp/x --keep] [--passes-only]
 *
 * `--data-dir` with `--keep` keeps the generated store, and a later run with the same directory skips generating
 * and rolling up. The raw path of a county or city is timed on `--raw-units` of each (it takes seconds a unit).
 * `--passes-only` stops after timing the rollup's passes (the first counts every month, the next ones only changes).
 */
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { HENAN_PROVINCE_CODE, Metrics, silentLogger, type AssessmentReport } from '../schema/index.js';
import type { Principal } from '../center/index.js';
import { AssessmentRollups, Assessments, type AssessmentQuery } from '../center/assessment/index.js';
import { openAssessmentMonthStore } from './harness/assessment-month-store.js';

const { values } = parseArgs({
  options: {
    vehicles: { type: 'string', default: '10000' },
    days: { type: 'string', default: '30' },
    'interval-s': { type: 'string', default: '60' },
    'drive-min': { type: 'string', default: '480' },
    seed: { type: 'string', default: '20261101' },
    runs: { type: 'string', default: '5' },
    'raw-runs': { type: 'string', default: '1' },
    'raw-units': { type: 'string', default: '3' },
    'data-dir': { type: 'string' },
    keep: { type: 'boolean', default: false },
    'passes-only': { type: 'boolean', default: false },
  },
});
const log = (line: string): void => void process.stdout.write(`${line}\n`);
const { analytics, sql, org, dataDir, days, now, from, to, counties } = await openAssessmentMonthStore({
  vehicles: Number(values.vehicles),
  days: Number(values.days),
  intervalSeconds: Number(values['interval-s']),
  driveMinutes: Number(values['drive-min']),
  seed: Number(values.seed),
  dataDir: values['data-dir'],
  platforms: true,
  log,
});

const rollups = new AssessmentRollups(
  { analytics, now: () => now, logger: silentLogger, metrics: new Metrics() },
  { checkIntervalMs: 0, daysMax: days + 1 },
);
{
  const started = performance.now();
  const pass = await rollups.tick();
  const rolled = pass.rolled.filter((r) => r.rows > 0);
  log(
    `first pass: rolled up ${rolled.length} days (${rolled.reduce((n, r) => n + r.rows, 0)} vehicle-days), ` +
      `${pass.scannedMonths} months of telemetry counted, ${((performance.now() - started) / 1000).toFixed(2)} s`,
  );
  for (let i = 0; i < 3; i++) {
    const again = performance.now();
    const idle = await rollups.tick();
    log(
      `next pass: ${idle.rolled.length} days rolled, ${idle.scannedMonths} months counted, ` +
        `${((performance.now() - again) / 1000).toFixed(2)} s (the late-data check)`,
    );
  }
}
if (values['passes-only']) {
  await analytics.close();
  await sql.close();
  process.exit(0);
}

const deps = { sql, org, now: () => now };
const aggregated = new Assessments({ ...deps, analytics, rollups });
// As if the month's last day were today: it is computed from the raw facts (all of it: today at midnight).
const lastDay = Number(to.replaceAll('-', ''));
const withToday = new Assessments({
  ...deps,
  analytics,
  rollups: {
    storedDays: async (startsAt, endsAt, options) => {
      const stored = await rollups.storedDays(startsAt, endsAt, options);
      stored.delete(lastDay);
      return stored;
    },
  },
});
// The raw path may take longer than the node's 60 s bound of its own reads.
const raw = new Assessments({
  ...deps,
  analytics: { queryInternal: (text, o) => analytics.queryInternal(text, { ...o, executionSecondsMax: 3600 }) },
});
const leader = (orgCode: string): Principal => ({
  userId: 1,
  username: 'bench',
  role: 'leader',
  orgCode,
  enterpriseId: null,
});

interface Timing {
  name: string;
  rows: number;
  aggregatesMs: number[];
  rawMs: number[];
}

async function time(assessments: Assessments, principal: Principal, query: AssessmentQuery, runs: number) {
  const ms: number[] = [];
  let report: AssessmentReport | undefined;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    report = await assessments.forPrincipal(principal, query);
    ms.push(performance.now() - started);
  }
  return { ms, report: report! };
}

let mismatches = 0;
function compare(a: AssessmentReport, b: AssessmentReport, what: string): void {
  for (const [x, y] of [[a.totals, b.totals], ...a.units.map((u, i) => [u, b.units[i]!])] as const)
    for (const [id, f] of Object.entries(x.figures)) {
      const g = y.figures[id as keyof typeof y.figures];
      const close = (p: number, q: number) => Math.abs(p - q) <= 1e-6 * Math.max(1, Math.abs(p));
      if (!close(f.numerator, g.numerator) || !close(f.denominator, g.denominator)) {
        mismatches++;
        if (mismatches <= 10)
          log(`MISMATCH ${what} ${x.org_code}/${x.enterprise_id} ${id}: ${JSON.stringify(f)} vs ${JSON.stringify(g)}`);
      }
    }
}

const runs = Number(values.runs);
const rawRuns = Number(values['raw-runs']);
const timings: Timing[] = [];
async function measure(
  name: string,
  orgCode: string,
  query: AssessmentQuery,
  withRaw: boolean,
  assessments = aggregated,
): Promise<Timing> {
  const principal = leader(orgCode);
  await assessments.forPrincipal(principal, query); // warm-up
  const a = await time(assessments, principal, query, runs);
  const timing: Timing = { name, rows: a.report.units.length, aggregatesMs: a.ms, rawMs: [] };
  if (withRaw) {
    const r = await time(raw, principal, query, rawRuns);
    timing.rawMs = r.ms;
    compare(a.report, r.report, name);
  }
  timings.push(timing);
  log(
    `${name}: aggregates ${a.ms.map((ms) => ms.toFixed(0)).join(' ')} ms; raw ${timing.rawMs.map((ms) => ms.toFixed(0)).join(' ')} ms`,
  );
  return timing;
}

const period = { from, to };
await measure('province: cities and 省直管县', HENAN_PROVINCE_CODE, period, true);
await measure('province: every county', HENAN_PROVINCE_CODE, { ...period, level: 'county' }, true);
await measure('province: every enterprise', HENAN_PROVINCE_CODE, { ...period, level: 'enterprise' }, true);
await measure('province: every lower platform', HENAN_PROVINCE_CODE, { ...period, level: 'platform' }, false);
await measure('province, last day as today (raw)', HENAN_PROVINCE_CODE, period, false, withToday);
const cities = org.childrenOf(HENAN_PROVINCE_CODE).filter((u) => u.level === 'city');
const rawUnits = Number(values['raw-units']);
for (const [i, city] of cities.entries())
  await measure(`city ${city.code}`, HENAN_PROVINCE_CODE, { ...period, unit: city.code }, i < rawUnits);
const countyUnits = counties.filter((code) => org.get(code) !== undefined);
for (const [i, code] of countyUnits.entries())
  await measure(`county ${code}`, HENAN_PROVINCE_CODE, { ...period, unit: code }, i < rawUnits);

const p50 = (ms: number[]) => [...ms].sort((x, y) => x - y)[Math.floor((ms.length - 1) / 2)] ?? NaN;
const max = (ms: number[]) => Math.max(...ms);
const fmt = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(ms < 10 ? 1 : 0) : '–');
log('');
log(`| request | rows | aggregates p50 / max ms | raw p50 / max ms | raw ÷ aggregates (p50) |`);
log(`|---|---|---|---|---|`);
const groups: [string, (t: Timing) => boolean][] = [
  ['province: cities and 省直管县', (t) => t.name.startsWith('province: cities')],
  ['province: every county', (t) => t.name === 'province: every county'],
  ['province: every enterprise', (t) => t.name === 'province: every enterprise'],
  ['province: every lower platform', (t) => t.name === 'province: every lower platform'],
  ['province: cities, the last day as today (raw)', (t) => t.name === 'province, last day as today (raw)'],
  [`each city (${cities.length})`, (t) => t.name.startsWith('city ')],
  [`each county (${countyUnits.length})`, (t) => t.name.startsWith('county ')],
];
for (const [name, match] of groups) {
  const chosen = timings.filter(match);
  const agg = chosen.flatMap((t) => t.aggregatesMs);
  const rawMs = chosen.flatMap((t) => t.rawMs);
  const rows = chosen.length === 1 ? String(chosen[0]!.rows) : `${chosen.length} requests`;
  log(
    `| ${name} | ${rows} | ${fmt(p50(agg))} / ${fmt(max(agg))} | ${rawMs.length ? `${fmt(p50(rawMs))} / ${fmt(max(rawMs))}` : '–'} | ${rawMs.length ? `${(p50(rawMs) / p50(agg)).toFixed(0)}×` : '–'} |`,
  );
}
const everyUnit = timings.filter((t) => t.name.startsWith('city ') || t.name.startsWith('county '));
log('');
log(
  `every unit one by one (${everyUnit.length} requests, ${runs} runs each): ` +
    `${fmt(everyUnit.reduce((n, t) => n + p50(t.aggregatesMs), 0))} ms in all from the aggregates`,
);
log(`figures compared raw against aggregates: ${mismatches} mismatches`);
log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

await analytics.close();
await sql.close();
if (!values.keep) rmSync(dataDir, { recursive: true, force: true });
