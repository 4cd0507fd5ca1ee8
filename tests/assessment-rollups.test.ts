/**
 * The assessment's daily aggregates against the raw facts, on a generated fleet (fixtures/generator/assessment-month.ts)
 * driving through the November/December midnight: every figure of every unit, enterprise and lower platform is the
 * same whether a period is read from the stored days (and today's raw facts) or from the raw facts of the whole
 * period. Then what can go wrong with a stored day: late data for a closed day (stale until the next pass, which
 * rolls that day alone again), the same data replayed (rolled again, counted once), thresholds changed (the stored
 * days are not used until rolled with them), and a roll cut short (the previous generation stays in force).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AssessmentRollups,
  Assessments,
  supersededGenerationsSql,
  type AssessmentQuery,
} from '../center/assessment/index.js';
import type { Principal } from '../center/index.js';
import {
  assessmentMonthDaySql,
  assessmentMonthTerminal,
  assessmentMonthVehiclesSql,
  type AssessmentMonthOptions,
} from '../fixtures/generator/index.js';
import {
  createLogger,
  Metrics,
  type AssessmentRanking,
  type AssessmentReport,
  type AssessmentUnit,
} from '../schema/index.js';
import { openAnalytics, type Analytics } from '../store/index.js';
import { startCenterHarness, type CenterHarness } from './support/center-harness.js';
import { harnessStore } from './support/test-postgres.js';

const HOUR_MS = 3_600_000;
const beijing = (month: 11 | 12, day: number, hour = 0, minute = 0): number =>
  Date.UTC(2026, month - 1, day, hour, minute) - 8 * HOUR_MS;
/** Noon of 3 December: 28 November … 2 December are closed days, 3 December is today. */
const NOW = beijing(12, 3, 12);
/** Two Zhengzhou counties, a Luoyang county and the 省直管县 兰考. */
const COUNTIES = ['410102', '410105', '410302', '410225'];
const MONTH: AssessmentMonthOptions = {
  vehicles: 120,
  firstDayStartsAt: beijing(11, 28),
  days: 6,
  counties: COUNTIES,
  intervalSeconds: 60,
  driveMinutes: 240,
  seed: 1612,
};
/** Two platforms supervised by Zhengzhou, three by the province. */
const PLATFORMS: [number, string][] = [
  [1001, '410100'],
  [1002, '410100'],
  [1003, '410000'],
  [1004, '410000'],
  [1005, '410000'],
];

const PERIODS: [string, string][] = [
  ['2026-11-28', '2026-12-03'],
  ['2026-11-29', '2026-11-30'],
  ['2026-12-01', '2026-12-01'],
  ['2026-12-01', '2026-12-03'],
];
const LEVELS: AssessmentQuery['level'][] = [undefined, 'county', 'enterprise', 'platform'];

const province: Principal = { userId: 1, username: 'p', role: 'leader', orgCode: '410000', enterpriseId: null };

describe('assessment daily aggregates (assessment_vehicle_days)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-assessment-rollups-'));
  let analytics: Analytics;
  let h: CenterHarness;
  let raw: Assessments;
  let daily: Assessments;
  let rollups: AssessmentRollups;
  const logged: Record<string, unknown>[] = [];
  const metrics = new Metrics();

  beforeAll(async () => {
    analytics = await openAnalytics({ kind: 'embedded', dataDir });
    h = await startCenterHarness(await harnessStore(), { analytics });
    h.clock.now = NOW;
    for (let e = 0; e < MONTH.vehicles; e++)
      await h.sql.query('INSERT INTO enterprises (id, name, org_code) VALUES ($1, $2, $3)', [
        `BE-${e}`,
        `企业${e}`,
        COUNTIES[e % COUNTIES.length],
      ]);
    for (const [accessCode, orgCode] of PLATFORMS)
      await h.sql.query(
        `INSERT INTO jt809_platforms (access_code, user_id, password_hash, name, org_code) VALUES ($1, $1, 'x', $2, $3)`,
        [accessCode, `平台${accessCode}`, orgCode],
      );
    await analytics.commandInternal(assessmentMonthVehiclesSql(MONTH, NOW));
    for (let d = 0; d < MONTH.days; d++)
      for (const statement of assessmentMonthDaySql(MONTH, d)) await analytics.commandInternal(statement);
    const deps = { sql: h.sql, org: h.centre.org, now: () => h.clock.now, config: h.centre.config };
    raw = new Assessments({ ...deps, analytics: { queryInternal: analytics.queryInternal.bind(analytics) } });
    // The centre's own rollup is what its API reads; this one logs and counts where the test can see it.
    rollups = new AssessmentRollups(
      {
        analytics,
        config: h.centre.config,
        now: () => h.clock.now,
        logger: createLogger((line) => logged.push(JSON.parse(line) as Record<string, unknown>), 'info'),
        metrics,
      },
      { checkIntervalMs: 0, daysMax: 390 },
    );
    daily = new Assessments({ ...deps, analytics, rollups });
  });

  afterAll(async () => {
    await h?.close();
    await analytics?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Every figure of every row of both answers, the same: counts exactly, kilometres to a micrometre. */
  function expectSame(a: AssessmentReport, b: AssessmentReport, what: string): void {
    const key = (u: AssessmentUnit) => `${u.org_code}/${u.enterprise_id ?? ''}/${u.access_code ?? ''}`;
    expect(a.units.map(key), what).toEqual(b.units.map(key));
    for (const [x, y] of [[a.totals, b.totals] as const, ...a.units.map((u, i) => [u, b.units[i]!] as const)])
      for (const [id, f] of Object.entries(x.figures)) {
        const g = y.figures[id as keyof typeof y.figures];
        const where = `${what} ${key(x)} ${id}`;
        if (id === 'track_completeness') {
          expect(f.numerator, where).toBeCloseTo(g.numerator, 6);
          expect(f.denominator, where).toBeCloseTo(g.denominator, 6);
        } else expect({ n: f.numerator, d: f.denominator }, where).toEqual({ n: g.numerator, d: g.denominator });
        if (g.value === null) expect(f.value, where).toBeNull();
        else expect(f.value!, where).toBeCloseTo(g.value, 9);
      }
  }

  async function bothPaths(): Promise<void> {
    for (const [from, to] of PERIODS)
      for (const level of LEVELS) {
        const query = { from, to, level };
        expectSame(
          await daily.forPrincipal(province, query),
          await raw.forPrincipal(province, query),
          `${from}…${to} ${level ?? 'children'}`,
        );
      }
  }

  const report = (assessments: Assessments, from: string, to: string) =>
    assessments.forPrincipal(province, { from, to, level: 'county' });

  it('rolls up every closed day with facts, logs its progress and counts it, and then has nothing to do', async () => {
    // A rollup being stopped (the node shutting down) rolls no further day, however many are due.
    const stopped = new AssessmentRollups(
      {
        analytics,
        config: h.centre.config,
        now: () => h.clock.now,
        logger: createLogger(() => undefined),
        metrics: new Metrics(),
      },
      { checkIntervalMs: 0, daysMax: 390 },
    );
    await stopped.stop();
    expect((await stopped.tick()).rolled).toEqual([]);
    // One part per month, so that no merge runs between the passes below and changes a month's parts.
    await analytics.commandInternal('OPTIMIZE TABLE telemetry FINAL');
    const pass = await rollups.tick();
    // The first pass counts November's and December's fixes; the next one, nothing having come in, neither.
    expect(pass.scannedMonths).toBe(2);
    expect(pass.rolled.filter((r) => r.rows > 0)).toEqual(
      [20261202, 20261201, 20261130, 20261129, 20261128].map((day) => ({
        day,
        reason: 'missing',
        rows: expect.any(Number) as number,
      })),
    );
    // Each rolled day holds a row per terminal that reported, had an episode or a refused frame that day.
    for (const r of pass.rolled.filter((x) => x.rows > 0)) expect(r.rows).toBeGreaterThan(50);
    const progress = logged.filter((l) => l.message === 'assessment day rolled up');
    expect(progress.map((l) => `${String(l.done)}/${String(l.of)} ${String(l.day)}`)).toEqual([
      '1/5 20261202',
      '2/5 20261201',
      '3/5 20261130',
      '4/5 20261129',
      '5/5 20261128',
    ]);
    expect(metrics.render()).toMatch(/vigil_assessment_rollup_days_total\{reason="missing"\} 390/);
    expect(metrics.render()).toMatch(/vigil_assessment_rollup_days_pending 0/);
    const again = await rollups.tick();
    expect(again.rolled).toEqual([]);
    expect(again.current).toBe(390);
    expect(again.scannedMonths).toBe(0);
  });

  it('answers every period, level and row the same from the stored days as from the raw facts', async () => {
    const stored = await rollups.storedDays(beijing(11, 28), beijing(12, 4), await rollups.thresholds());
    expect([...stored.keys()].sort()).toEqual([20261128, 20261129, 20261130, 20261201, 20261202]);
    await bothPaths();
    // The generated month has every kind of fact in it, so the comparison compared something.
    const whole = (await raw.forPrincipal(province, { from: '2026-11-28', to: '2026-12-03' })).totals.figures;
    for (const id of ['online_rate', 'avg_overspeed_count', 'drift_rate', 'avg_fatigue_minutes'] as const)
      expect(whole[id].numerator, id).toBeGreaterThan(0);
    expect(whole.track_completeness.value!).toBeLessThan(1);
    expect(whole.data_qualified_rate.value!).toBeLessThan(1);
    const platforms = await raw.forPrincipal(province, { from: '2026-11-28', to: '2026-12-03', level: 'platform' });
    expect(platforms.units.map((u) => u.access_code)).toEqual([1001, 1002, 1003, 1004, 1005]);
    for (const unit of platforms.units) expect(unit.figures.online_rate.denominator).toBeGreaterThan(0);
  }, 300_000);

  it('reflects late data for a closed day once the next pass has rolled that day again, and counts a replay once', async () => {
    // A vehicle that drove on 29 November back-fills a drive at night and an overspeed episode of that night.
    const terminal = assessmentMonthTerminal(7);
    const plate = '豫A000007';
    const fixes = Array.from({ length: 31 }, (_, k) => {
      const ts = beijing(11, 29, 2) + k * 60_000;
      return `('${terminal}', '${plate}', fromUnixTimestamp64Milli(toInt64(${ts})), now64(3), ${30 + k * 0.004}, 113.1, 0, 50, 0, 0, 3, 'jt808', 1, '', '')`;
    });
    const lateRows = async () => {
      await analytics.commandInternal(
        `INSERT INTO telemetry (terminal_id, plate, ts, received_at, lat, lon, altitude_m, speed_kmh, direction_deg, alarm_bits, status_bits, source, backfill, extras, org_code) VALUES ${fixes.join(', ')}`,
      );
      await analytics.commandInternal(
        `INSERT INTO alarms (alarm_id, rule, rule_version, severity, terminal_id, plate, started_at, ended_at, org_code, lat, lon, late, details, version, updated_at)
         VALUES ('late-overspeed-7', 'overspeed', 1, 'warning', '${terminal}', '${plate}', fromUnixTimestamp64Milli(toInt64(${beijing(11, 29, 2, 10)})),
                 fromUnixTimestamp64Milli(toInt64(${beijing(11, 29, 2, 12)})), '410105', 30, 113.1, 1, '{}', 1, now64(3))`,
      );
    };
    const before = await report(daily, '2026-11-29', '2026-11-30');
    await lateRows();
    const truth = await report(raw, '2026-11-29', '2026-11-30');
    expect(truth.totals.figures.avg_overspeed_count.numerator).toBe(
      before.totals.figures.avg_overspeed_count.numerator + 1,
    );
    expect(truth.totals.figures.track_completeness.denominator).toBeGreaterThan(
      before.totals.figures.track_completeness.denominator + 13,
    );
    // Until the next pass the stored day is what it was.
    const stale = await report(daily, '2026-11-29', '2026-11-30');
    expect(stale.totals.figures).toEqual(before.totals.figures);

    const pass = await rollups.tick();
    expect(pass.rolled).toEqual([{ day: 20261129, reason: 'late_data', rows: expect.any(Number) as number }]);
    // Only November's fixes were counted again: December's parts had not changed.
    expect(pass.scannedMonths).toBe(1);
    expectSame(await report(daily, '2026-11-29', '2026-11-30'), truth, 'after the re-roll');

    // The same rows again (a replay): the day is rolled again and nothing is counted twice.
    await lateRows();
    expect((await rollups.tick()).rolled.map((r) => [r.day, r.reason])).toEqual([[20261129, 'late_data']]);
    const replayed = await report(daily, '2026-11-29', '2026-11-30');
    expectSame(replayed, truth, 'after the replay');
    expectSame(replayed, await report(raw, '2026-11-29', '2026-11-30'), 'raw after the replay');
  }, 300_000);

  it('does not use days rolled with other thresholds, and rolls them again with the ones in force', async () => {
    const put = await h.call(h.adminToken, 'PUT', '/api/config/assessment', {
      value: { track_gap_seconds: 120, track_gap_km: 1, overspeed_rules: ['overspeed'] },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const changed = await rollups.thresholds();
    expect((await rollups.storedDays(beijing(11, 28), beijing(12, 3), changed)).size).toBe(0);
    const figures = await report(daily, '2026-11-28', '2026-12-02');
    expectSame(figures, await report(raw, '2026-11-28', '2026-12-02'), 'raw days under new thresholds');
    const pass = await rollups.tick();
    expect(pass.rolled.filter((r) => r.rows > 0).map((r) => [r.day, r.reason])).toEqual(
      [20261202, 20261201, 20261130, 20261129, 20261128].map((day) => [day, 'parameters']),
    );
    expect((await rollups.storedDays(beijing(11, 28), beijing(12, 3), changed)).size).toBe(5);
    expectSame(await report(daily, '2026-11-28', '2026-12-02'), figures, 'rolled with the new thresholds');
    await h.call(h.adminToken, 'PUT', '/api/config/assessment', {
      value: { track_gap_seconds: 120, track_gap_km: 2, overspeed_rules: ['overspeed'] },
    });
    await rollups.tick();
  }, 300_000);

  it('keeps the generation in force when a roll is cut short before its record', async () => {
    const before = await report(daily, '2026-11-30', '2026-11-30');
    // Rows of a newer generation of 30 November, as a roll that stopped before writing its record leaves them.
    await analytics.commandInternal(
      `INSERT INTO assessment_vehicle_days (day, rolled_at, terminal_id, fixes, positioned, overspeed, track_m, continuous_m)
       SELECT day, rolled_at + INTERVAL 1 HOUR, terminal_id, fixes * 2, positioned, overspeed + 5, track_m * 3, 0
       FROM assessment_vehicle_days WHERE day = 20261130`,
    );
    expectSame(await report(daily, '2026-11-30', '2026-11-30'), before, 'with a cut-short generation');
    expectSame(before, await report(raw, '2026-11-30', '2026-11-30'), 'raw');
  });

  it('deletes superseded generations on one server and on every shard of a cluster, in SQL the engine parses', async () => {
    const single = supersededGenerationsSql(20261130, NOW, { kind: 'single' });
    expect(single).toMatch(/^ALTER TABLE `assessment_vehicle_days` DELETE WHERE day = 20261130 AND rolled_at </);
    const cluster = supersededGenerationsSql(20261130, NOW, { kind: 'cluster', cluster: 'vigil_province' });
    expect(cluster).toMatch(/^ALTER TABLE `assessment_vehicle_days_local` ON CLUSTER `vigil_province` DELETE WHERE/);
    for (const statement of [single, cluster]) {
      const parsed = await analytics.client.query({
        query: 'SELECT formatQuery({statement:String}) AS formatted',
        query_params: { statement },
        format: 'JSONEachRow',
      });
      expect((await parsed.json<{ formatted: string }>())[0]!.formatted).toMatch(/^ALTER TABLE/);
    }
  });

  it('answers lower platforms over the API in the caller’s scope: a city sees the platforms it supervises', async () => {
    // 查岗 of platform 1001 over JT/T 809: one answered in time, one missed, one answered late, one not yet due.
    const inspections: [number, number, string, number | null][] = [
      [beijing(11, 28, 9), beijing(11, 28, 9, 10), 'answered', beijing(11, 28, 9, 4)],
      [beijing(11, 29, 9), beijing(11, 29, 9, 10), 'unanswered', null],
      [beijing(11, 30, 9), beijing(11, 30, 9, 10), 'answered', beijing(11, 30, 9, 30)],
      [beijing(12, 2, 23, 58), NOW + HOUR_MS, 'sent', null],
    ];
    for (const [i, [sent, deadline, status, answered]] of inspections.entries())
      await h.sql.query(
        `INSERT INTO jt809_inspections (access_code, info_id, object_type, question, sent_by_name, sent_at, sent_link,
           deadline_at, status, answered_at)
         VALUES (1001, $1, 1, '在岗吗', '值班员', $2, 'main', $3, $4, $5)`,
        [i + 1, new Date(sent), new Date(deadline), status, answered === null ? null : new Date(answered)],
      );
    const city = (await h.user('rollup-zhengzhou', 'analyst', '410100')).token;
    const cityAnswer = await h.call<AssessmentReport>(
      city,
      'GET',
      '/api/assessment?from=2026-11-28&to=2026-12-02&level=platform',
    );
    expect(cityAnswer.status, JSON.stringify(cityAnswer.body)).toBe(200);
    expect(cityAnswer.body.level).toBe('platform');
    expect(cityAnswer.body.units.map((u) => [u.access_code, u.org_code, u.name])).toEqual([
      [1001, '410100', '平台1001'],
      [1002, '410100', '平台1002'],
    ]);
    // A platform's vehicles: those it forwarded (a third of the fleet, spread over five platforms).
    const forwarded = cityAnswer.body.units[0]!.figures.online_rate.denominator;
    expect(forwarded).toBeGreaterThan(3);
    expect(forwarded).toBeLessThan(MONTH.vehicles / 3);
    expect(cityAnswer.body.units[0]!.figures.alarm_handling_rate.value).toBeNull();
    expect(cityAnswer.body.units[0]!.figures.inspection_response_rate).toEqual({
      value: 1 / 3,
      numerator: 1,
      denominator: 3,
    });
    expect(cityAnswer.body.units[1]!.figures.inspection_response_rate.value).toBeNull();
    const provinceToken = (await h.user('rollup-province', 'leader', '410000')).token;
    const all = await h.call<AssessmentReport>(
      provinceToken,
      'GET',
      '/api/assessment?from=2026-11-28&to=2026-12-02&level=platform',
    );
    expect(all.body.units.map((u) => u.access_code)).toEqual([1001, 1002, 1003, 1004, 1005]);
    // Ranked too: every platform scored on the figures it has (no alarm handling, no closure), no 通报 offered.
    const ranked = await h.call<AssessmentRanking>(
      provinceToken,
      'GET',
      '/api/assessment/ranking?from=2026-11-28&to=2026-12-02&level=platform',
    );
    expect(ranked.status, JSON.stringify(ranked.body).slice(0, 300)).toBe(200);
    expect(ranked.body.units.map((u) => u.access_code).sort()).toEqual([1001, 1002, 1003, 1004, 1005]);
    for (const unit of ranked.body.units) {
      const weight = (id: string) => unit.contributions.find((c) => c.indicator === id)!.effective_weight;
      expect(weight('alarm_handling_rate')).toBe(0);
      expect(weight('ontime_closure_rate')).toBe(0);
      expect(unit.figures).toEqual(all.body.units.find((u) => u.access_code === unit.access_code)!.figures);
    }
    expect(ranked.body.units.filter((u) => u.score !== null).length).toBeGreaterThan(0);
    // An analyst drafts 通报, of lower platforms too.
    expect(ranked.body.actions).toEqual(['generate_circular']);
    // The workbook names each platform by its access code, as 下级平台.
    const res = await fetch(`${h.baseUrl}/api/assessment?from=2026-11-28&to=2026-12-02&level=platform&format=xlsx`, {
      headers: { authorization: `Bearer ${city}` },
    });
    expect(res.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet('考核指标')!;
    expect([4, 5].map((r) => [sheet.getRow(r).getCell(1).value, sheet.getRow(r).getCell(3).value])).toEqual([
      ['1001', '下级平台'],
      ['1002', '下级平台'],
    ]);
    expectSame(
      cityAnswer.body,
      await raw.forPrincipal(
        { ...province, orgCode: '410100' },
        { from: '2026-11-28', to: '2026-12-02', level: 'platform' },
      ),
      'API against raw',
    );
  });
  it('keeps a day once its refused frames pass their retention: rolled once more before, never after', async () => {
    // The open fatigue episodes end (else they would reach into every day until the clock's, each to be rolled up).
    await analytics.commandInternal(
      `INSERT INTO alarms SELECT alarm_id, rule, rule_version, severity, terminal_id, plate, started_at,
         started_at + INTERVAL 1 HOUR, org_code, lat, lon, late, details, version + 1, updated_at
       FROM alarms FINAL WHERE ended_at IS NULL`,
    );
    await rollups.tick();
    const before = await report(daily, '2026-11-28', '2026-12-02');
    expectSame(before, await report(raw, '2026-11-28', '2026-12-02'), 'with every episode ended');
    const figure = before.totals.figures.data_qualified_rate;
    expect(figure.denominator).toBeGreaterThan(figure.numerator);
    // 85 days on, the month's refused frames are past the 80 days their counts are compared for: each day with facts
    // is rolled once more (its sources are now counted without them), while the frames are still stored.
    h.clock.now = NOW + 85 * 24 * HOUR_MS;
    const crossing = new Map((await rollups.tick()).rolled.map((r) => [r.day, r.reason]));
    for (const day of [20261128, 20261129, 20261130, 20261201, 20261202]) expect(crossing.get(day)).toBe('late_data');
    expect(crossing.get(20261203)).toBe('missing');
    expectSame(await report(daily, '2026-11-28', '2026-12-02'), before, 'rolled 85 days on');
    expect((await rollups.tick()).rolled).toEqual([]);
    // The engine deletes them (their retention ended): nothing is rolled again, and the stored days keep them.
    await analytics.commandInternal('ALTER TABLE ingest_rejects DELETE WHERE 1 SETTINGS mutations_sync = 1');
    expect((await rollups.tick()).rolled).toEqual([]);
    const kept = await report(daily, '2026-11-28', '2026-12-02');
    expectSame(kept, before, 'after the refused frames were deleted');
    const rawNow = await report(raw, '2026-11-28', '2026-12-02');
    expect(rawNow.totals.figures.data_qualified_rate.denominator).toBeLessThan(
      before.totals.figures.data_qualified_rate.denominator,
    );
    h.clock.now = NOW;
  });
});
