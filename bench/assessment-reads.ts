/**
 * What one assessment read costs the node in CPU: `Assessments.forPrincipal` (GET /api/assessment), `items`
 * (GET /api/assessment/items) and `Rankings.forPrincipal` (GET /api/assessment/ranking, and each 通报), asked again
 * and again for the same period as the 考核 page, its drill-down and a 通报 ask. CPU-seconds of the whole process
 * (`process.cpuUsage`: chDB runs its queries on libuv's threads, PGlite on the main one), so the figure does not
 * depend on how many cores the run gets.
 *
 *   npx tsx bench/assessment-reads.ts [--set empty|month] [--reads 20] [--vehicles 1000] [--days 14]
 *
 * `empty`: Henan's org units and nothing else (what most tests read); `month`: the assessment's month generator
 * (`fixtures/generator/assessment-month.ts`), its closed days rolled up first as the centre does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { HENAN_PROVINCE_CODE, Metrics, silentLogger } from '../schema/index.js';
import { openAnalytics, openOperational, type Analytics, type Sql } from '../store/index.js';
import { seedOrgUnits, type Principal } from '../center/index.js';
import { OrgDirectory } from '../center/org/org-directory.js';
import { AssessmentRollups, Assessments, Rankings } from '../center/assessment/index.js';
import { openAssessmentMonthStore } from './harness/assessment-month-store.js';

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'empty' },
    reads: { type: 'string', default: '20' },
    vehicles: { type: 'string', default: '1000' },
    days: { type: 'string', default: '14' },
  },
});
const log = (line: string): void => void process.stdout.write(`${line}\n`);

interface Store {
  analytics: Analytics;
  sql: Sql;
  org: OrgDirectory;
  now: number;
  from: string;
  to: string;
  days: number;
  close(): Promise<void>;
}

async function emptyStore(): Promise<Store> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-assessment-reads-'));
  const analytics = await openAnalytics({ kind: 'embedded', dataDir });
  const sql = await openOperational({ kind: 'memory' });
  await seedOrgUnits(sql);
  const org = await OrgDirectory.load(sql);
  // As in the tests' centre: noon of 28 November, November asked for (its last days not closed yet).
  const now = Date.UTC(2026, 10, 28, 4);
  const close = async () => {
    await analytics.close();
    await sql.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { analytics, sql, org, now, from: '2026-11-01', to: '2026-11-30', days: 30, close };
}

async function monthStore(): Promise<Store> {
  const store = await openAssessmentMonthStore({
    vehicles: Number(values.vehicles),
    days: Number(values.days),
    intervalSeconds: 60,
    driveMinutes: 480,
    seed: 20261101,
    log,
  });
  const close = async () => {
    await store.analytics.close();
    await store.sql.close();
    rmSync(store.dataDir, { recursive: true, force: true });
  };
  return { ...store, close };
}

const store = values.set === 'month' ? await monthStore() : await emptyStore();
const { analytics, sql, org, now, from, to } = store;
const rollups = new AssessmentRollups(
  { analytics, now: () => now, logger: silentLogger, metrics: new Metrics() },
  { checkIntervalMs: 0, daysMax: store.days + 1 },
);
await rollups.tick();
const assessments = new Assessments({ sql, org, analytics, now: () => now, rollups });
const rankings = new Rankings({ assessments });
const province: Principal = {
  userId: 1,
  username: 'bench',
  role: 'leader',
  orgCode: HENAN_PROVINCE_CODE,
  enterpriseId: null,
};
const city = org.childrenOf(HENAN_PROVINCE_CODE).find((u) => u.level === 'city')!.code;
const period = { from, to };

const cpuSeconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

const reads: [string, () => Promise<unknown>][] = [
  ['assessment: province, its cities', () => assessments.forPrincipal(province, period)],
  ['assessment: province, every county', () => assessments.forPrincipal(province, { ...period, level: 'county' })],
  ['assessment: a city', () => assessments.forPrincipal(province, { ...period, unit: city })],
  ['ranking: province', () => rankings.forPrincipal(province, period)],
  [
    'items: online_rate, a city',
    () => assessments.items(province, { ...period, unit: city, indicator: 'online_rate', limit: 100 }),
  ],
  [
    'items: alarm_handling_rate, a city',
    () => assessments.items(province, { ...period, unit: city, indicator: 'alarm_handling_rate', limit: 100 }),
  ],
];

const runs = Number(values.reads);
log(`| read (${values.set}, ${from}…${to}) | first CPU-s | next ${runs - 1}: CPU-s per read | ms per read (p50) |`);
log('|---|---|---|---|');
let total = 0;
for (const [name, read] of reads) {
  const firstAt = cpuSeconds();
  await read();
  const first = cpuSeconds() - firstAt;
  const ms: number[] = [];
  const startedAt = cpuSeconds();
  for (let i = 1; i < runs; i++) {
    const started = performance.now();
    await read();
    ms.push(performance.now() - started);
  }
  const next = (cpuSeconds() - startedAt) / (runs - 1);
  total += first + next * (runs - 1);
  ms.sort((a, b) => a - b);
  log(`| ${name} | ${first.toFixed(3)} | ${next.toFixed(4)} | ${ms[Math.floor((ms.length - 1) / 2)]!.toFixed(1)} |`);
}
log('');
log(`${reads.length} reads × ${runs}: ${total.toFixed(2)} CPU-s in all`);
log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
await store.close();
