/**
 * The vehicle query's answers kept while nothing it reads changes (fact-cache.ts), on a real embedded chDB: a read
 * is served again only while its tables' parts stay as they were and its period is over, and an assessment answers
 * what it answers without the cache after late data, a rollup of that day, a new vehicle.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assessmentMonthDaySql,
  assessmentMonthVehiclesSql,
  type AssessmentMonthOptions,
} from '../../fixtures/generator/index.js';
import { Metrics, silentLogger, type AssessmentReport } from '../../schema/index.js';
import { openAnalytics, openOperational, type Analytics, type Sql } from '../../store/index.js';
import type { Principal } from '../auth/accounts.js';
import { OrgDirectory } from '../org/org-directory.js';
import { seedOrgUnits } from '../org/org-units.js';
import { Assessments } from './assessments.js';
import { CLOCK_MARGIN_MS, FactCache } from './fact-cache.js';
import { AssessmentRollups } from './rollups.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const FIRST_DAY = Date.UTC(2026, 9, 10) - 8 * HOUR_MS;
/** Two October days of a dozen vehicles in two Zhengzhou counties; "now" is noon of the day after. */
const MONTH: AssessmentMonthOptions = {
  vehicles: 12,
  firstDayStartsAt: FIRST_DAY,
  days: 2,
  counties: ['410102', '410105'],
  intervalSeconds: 120,
  driveMinutes: 120,
  seed: 2010,
};
const NOW = FIRST_DAY + 2 * DAY_MS + 12 * HOUR_MS;
const PERIOD = { from: '2026-10-10', to: '2026-10-11', level: 'county' as const };
const province: Principal = { userId: 1, username: 'p', role: 'leader', orgCode: '410000', enterpriseId: null };

describe('FactCache', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-fact-cache-'));
  let analytics: Analytics;
  let sql: Sql;
  let org: OrgDirectory;
  /** The engine's reads, by their first words: the cache's look at the parts, and the reads it makes. */
  const issued: string[] = [];
  const reads = () => issued.filter((text) => !text.includes('system.parts')).length;
  let counted: Pick<Analytics, 'queryInternal' | 'layout'>;

  beforeAll(async () => {
    analytics = await openAnalytics({ kind: 'embedded', dataDir });
    sql = await openOperational({ kind: 'memory' });
    await seedOrgUnits(sql);
    org = await OrgDirectory.load(sql);
    counted = {
      layout: analytics.layout,
      queryInternal: (text, options) => {
        issued.push(text);
        return analytics.queryInternal(text, options);
      },
    };
  });

  afterAll(async () => {
    await analytics?.close();
    await sql?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves a read again until a table it reads changes, whatever happens to the others', async () => {
    const cache = new FactCache(counted);
    const read = {
      sql: 'SELECT count() FROM vehicles FINAL',
      rowsMax: 1,
      tables: ['vehicles'] as const,
      endsAt: NOW,
    };
    const count = async () => Number((await cache.query(read)).rows[0]![0]);
    issued.length = 0;
    expect(await count()).toBe(0);
    expect(await count()).toBe(0);
    expect(reads()).toBe(1);
    // Telemetry is not read by this query: its new parts keep the answer.
    for (const statement of assessmentMonthDaySql(MONTH, 0)) await analytics.commandInternal(statement);
    expect(await count()).toBe(0);
    expect(reads()).toBe(1);
    await analytics.commandInternal(assessmentMonthVehiclesSql(MONTH, NOW));
    expect(await count()).toBe(MONTH.vehicles);
    expect(reads()).toBe(2);
    expect(cache.stats()).toEqual({ hits: 2, reads: 4 });
    // Another row limit is another answer.
    await cache.query({ ...read, rowsMax: 2 });
    expect(reads()).toBe(3);
  });

  it('reads every time a period the wall clock has not passed yet, and every time without a layout', async () => {
    const ahead = { sql: 'SELECT count() FROM vehicles FINAL', rowsMax: 1, tables: ['vehicles'] as const };
    const cache = new FactCache(counted, 8, () => NOW);
    issued.length = 0;
    await cache.query({ ...ahead, endsAt: NOW + 1 });
    await cache.query({ ...ahead, endsAt: NOW + 1 });
    expect(reads()).toBe(2);
    // Nor one that ended less than the clocks' margin ago; one that ended before it is kept.
    await cache.query({ ...ahead, endsAt: NOW - CLOCK_MARGIN_MS + 1 });
    await cache.query({ ...ahead, endsAt: NOW - CLOCK_MARGIN_MS + 1 });
    expect(reads()).toBe(4);
    await cache.query({ ...ahead, endsAt: NOW - CLOCK_MARGIN_MS });
    await cache.query({ ...ahead, endsAt: NOW - CLOCK_MARGIN_MS });
    expect(reads()).toBe(5);
    const unknown = new FactCache({ queryInternal: counted.queryInternal });
    issued.length = 0;
    await unknown.query({ ...ahead, endsAt: NOW - DAY_MS });
    await unknown.query({ ...ahead, endsAt: NOW - DAY_MS });
    expect(reads()).toBe(2);
    expect(issued.some((text) => text.includes('system.parts'))).toBe(false);
  });

  it('keeps at most its rows in all, the least recently used answers leaving first', async () => {
    const cache = new FactCache(counted, 3);
    const read = (sql: string) => cache.query({ sql, rowsMax: 10, tables: ['vehicles'], endsAt: NOW });
    const one = (n: number) => read(`SELECT ${n}`);
    issued.length = 0;
    await one(1);
    await one(2);
    await one(1);
    await one(3); // least recently used first: 2, 1, 3
    await read('SELECT 4 FROM numbers(2)'); // two rows: 2 and 1 leave
    expect(reads()).toBe(4);
    await one(3);
    expect(reads()).toBe(4);
    await one(1); // read again; 4 leaves
    await one(3);
    expect(reads()).toBe(5);
    await read('SELECT 4 FROM numbers(2)');
    expect(reads()).toBe(6);
    // An answer larger than the whole cache is not kept, and drives none out.
    await read('SELECT 5 FROM numbers(4)');
    await read('SELECT 5 FROM numbers(4)');
    expect(reads()).toBe(8);
    await read('SELECT 4 FROM numbers(2)');
    expect(reads()).toBe(8);
  });

  it('answers as an assessment without it does: late data, the rollup of that day, a new vehicle', async () => {
    const now = () => NOW;
    const rollups = new AssessmentRollups(
      { analytics, now, logger: silentLogger, metrics: new Metrics() },
      { checkIntervalMs: 0, daysMax: 30 },
    );
    const cached = new Assessments({ sql, org, now, analytics: counted, rollups });
    // The same reads without a layout: never kept.
    const uncached = new Assessments({ sql, org, now, analytics: { queryInternal: analytics.queryInternal }, rollups });
    const online = (report: AssessmentReport) => report.totals.figures.online_rate.numerator;
    const expectSame = async (): Promise<AssessmentReport> => {
      const answer = await cached.forPrincipal(province, PERIOD);
      expect(answer.units).toEqual((await uncached.forPrincipal(province, PERIOD)).units);
      expect(answer.totals).toEqual((await uncached.forPrincipal(province, PERIOD)).totals);
      return answer;
    };

    // Both days closed and rolled up; only the first has data yet.
    expect((await rollups.tick()).rolled.length).toBe(30);
    const first = await expectSame();
    expect(online(first)).toBeGreaterThan(0);
    const { hits } = cached.facts.stats();
    expect(online(await expectSame())).toBe(online(first));
    expect(cached.facts.stats().hits).toBe(hits + 1);

    // The second day's facts arrive late: the stored days answer as before, cache or not, until rolled again.
    for (const statement of assessmentMonthDaySql(MONTH, 1)) await analytics.commandInternal(statement);
    expect(online(await expectSame())).toBe(online(first));
    const pass = await rollups.tick();
    expect(pass.rolled.find((r) => r.day === 20261011)).toMatchObject({ reason: 'late_data' });
    const rolled = await expectSame();
    expect(rolled.totals.figures.data_qualified_rate.denominator).toBeGreaterThan(
      first.totals.figures.data_qualified_rate.denominator,
    );

    // A vehicle registered since (the registry as it is now counts in every period's denominators).
    const before = rolled.totals.figures.entry_rate.denominator;
    await analytics.commandInternal(assessmentMonthVehiclesSql({ ...MONTH, vehicles: MONTH.vehicles + 1 }, NOW + 1));
    expect((await expectSame()).totals.figures.entry_rate.denominator).toBe(before + 1);
  });
});
