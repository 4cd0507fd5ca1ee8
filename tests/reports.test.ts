/**
 * The statistics reports (GET /api/reports) on generated facts whose true counts come from the plan below: vehicles
 * of two Zhengzhou counties, a Luoyang county and the 省直管县 兰考 that report on either side of the last midnight of
 * November (a month boundary) and of Sunday 29 November (a week boundary) in China time, overspeed episodes in two
 * versions, fixes stored twice, alarm cases routed to every level in every state. Every figure of every group and
 * interval is checked against sums over the plan, never against the server's SQL, by day, week and month, grouped
 * by unit, enterprise, vehicle class and rule, over the raw facts and over the daily aggregates; then the scope (a
 * city sees only its own), the refusals naming their field and the XLSX read back with exceljs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALARMS,
  REPORT_FIGURE_IDS,
  TELEMETRY,
  tsvEncoderFor,
  VEHICLES,
  type ReportAnswer,
  type ReportGroup,
  type ReportValues,
  type TableSpec,
} from '../schema/index.js';
import { openAnalytics, type Analytics } from '../store/index.js';
import { startCenterHarness, type CenterHarness } from './support/center-harness.js';
import { harnessStore } from './support/test-postgres.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** An instant in China time (UTC+8) of 2026. */
const beijing = (month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number =>
  Date.UTC(2026, month - 1, day, hour, minute, second, ms) - 8 * HOUR_MS;
/** 00:00 China time of a day YYYY-MM-DD, computed here, not by the server. */
const dayStart = (text: string): number => {
  const [y, m, d] = text.split('-').map(Number);
  return Date.UTC(y!, m! - 1, d!) - 8 * HOUR_MS;
};
/** Wednesday 9 December 2026, noon in China: the week of 7 December and the month of December are not over. */
const NOW = beijing(12, 9, 12);

interface VehiclePlan {
  plate: string;
  terminal: string;
  home: string;
  vehicleClass: string;
  enterprise: string;
  /** Device times of its fixes; `unpositioned` ones count as positions stored too. */
  fixes: number[];
  unpositioned?: number[];
  overspeed?: number[];
  fatigue?: number[];
}

const VEHICLES_PLAN: VehiclePlan[] = [
  {
    plate: '豫A8R001',
    terminal: '013900080001',
    home: '410105',
    vehicleClass: 'heavy_truck',
    enterprise: 'REP-ZZ',
    // The last second of Sunday 29 November, the first of Monday 30 November, the first of December, next week.
    fixes: [beijing(11, 20, 10), beijing(11, 29, 23, 59, 59), beijing(11, 30), beijing(12, 1), beijing(12, 8, 9)],
    overspeed: [beijing(10, 31, 23, 59, 59), beijing(11, 29, 23, 50), beijing(12, 1)],
    // Not an overspeed rule: counts nowhere.
    fatigue: [beijing(12, 1, 1)],
  },
  {
    plate: '豫A8R002',
    terminal: '013900080002',
    home: '410102',
    vehicleClass: 'coach',
    enterprise: 'REP-ZZ',
    fixes: [beijing(11, 30, 23, 59, 59, 999), beijing(12, 2, 8)],
    unpositioned: [beijing(12, 2, 8, 0, 30)],
    overspeed: [beijing(11, 30, 12)],
  },
  // Entered, never online.
  {
    plate: '豫A8R003',
    terminal: '013900080003',
    home: '410105',
    vehicleClass: 'dangerous_goods',
    enterprise: '',
    fixes: [],
  },
  // Without a terminal: not entered.
  { plate: '豫A8R004', terminal: '', home: '410105', vehicleClass: 'taxi', enterprise: '', fixes: [] },
  {
    plate: '豫C8R001',
    terminal: '013900080101',
    home: '410302',
    vehicleClass: 'taxi',
    enterprise: 'REP-LY',
    fixes: [beijing(11, 29, 12), beijing(12, 1, 12)],
    overspeed: [beijing(12, 1, 12, 5)],
  },
  {
    plate: '豫H8R001',
    terminal: '013900080201',
    home: '410225',
    vehicleClass: 'bus',
    enterprise: '',
    fixes: [beijing(12, 3, 10)],
  },
];

const ENTERPRISES_PLAN: Record<string, string> = { 'REP-ZZ': '410105', 'REP-LY': '410302' };

interface CasePlan {
  org: string;
  rule: string;
  terminal: string;
  enterprise: string | null;
  at: number;
  state: 'new' | 'acknowledged' | 'dispatched' | 'dismissed' | 'closed';
}

const CASES_PLAN: CasePlan[] = [
  {
    org: '410105',
    rule: 'overspeed',
    terminal: '013900080001',
    enterprise: 'REP-ZZ',
    at: beijing(11, 18),
    state: 'new',
  },
  {
    org: '410105',
    rule: 'overspeed',
    terminal: '013900080001',
    enterprise: 'REP-ZZ',
    at: beijing(11, 29, 23, 59, 59),
    state: 'acknowledged',
  },
  {
    org: '410105',
    rule: 'overspeed',
    terminal: '013900080001',
    enterprise: 'REP-ZZ',
    at: beijing(11, 30),
    state: 'new',
  },
  {
    org: '410102',
    rule: 'fatigue',
    terminal: '013900080002',
    enterprise: 'REP-ZZ',
    at: beijing(12, 1),
    state: 'closed',
  },
  // The city's own desk, a case of no registered vehicle.
  {
    org: '410100',
    rule: 'overspeed',
    terminal: '',
    enterprise: null,
    at: beijing(11, 30, 23, 59, 59),
    state: 'dispatched',
  },
  {
    org: '410302',
    rule: 'overspeed',
    terminal: '013900080101',
    enterprise: 'REP-LY',
    at: beijing(12, 1, 12, 5),
    state: 'dismissed',
  },
  {
    org: '410225',
    rule: 'device_offline',
    terminal: '013900080201',
    enterprise: null,
    at: beijing(12, 8, 10),
    state: 'new',
  },
  // The province's own desk: in the province's totals, in no city's row.
  { org: '410000', rule: 'fatigue', terminal: '', enterprise: null, at: beijing(12, 2), state: 'closed' },
];

/** Which facts a group holds: vehicles (null: vehicle figures do not apply) and alarm cases. */
interface Selection {
  vehicle: ((v: VehiclePlan) => boolean) | null;
  alarm: (c: CasePlan) => boolean;
}

/** The figures of a selection in [s, e), summed over the plan. */
function expectedValues(sel: Selection, s: number, e: number): ReportValues {
  const inside = (at: number): boolean => at >= s && at < e;
  const cases = CASES_PLAN.filter((c) => sel.alarm(c) && inside(c.at));
  const raised = cases.length;
  const handled = cases.filter((c) => c.state !== 'new').length;
  const vehicles = sel.vehicle === null ? null : VEHICLES_PLAN.filter((v) => v.terminal !== '' && sel.vehicle!(v));
  const entered = vehicles?.length ?? null;
  const online = vehicles?.filter((v) => [...v.fixes, ...(v.unpositioned ?? [])].some(inside)).length ?? null;
  return {
    alarms_raised: raised,
    alarms_handled: handled,
    handling_rate: raised === 0 ? null : handled / raised,
    entered_vehicles: entered,
    online_vehicles: online,
    online_rate: entered === null || entered === 0 ? null : online! / entered,
    positions:
      vehicles === null
        ? null
        : vehicles.reduce((n, v) => n + [...v.fixes, ...(v.unpositioned ?? [])].filter(inside).length, 0),
    overspeed_episodes:
      vehicles === null ? null : vehicles.reduce((n, v) => n + (v.overspeed ?? []).filter(inside).length, 0),
  };
}

/** Every point of a group against the plan, its change against the interval before (the first: the baseline). */
function checkGroup(report: ReportAnswer, group: ReportGroup | undefined, sel: Selection, what: string): void {
  expect(group, what).toBeDefined();
  expect(group!.series.map((p) => p.interval.from)).toEqual(report.totals.series.map((p) => p.interval.from));
  let before = expectedValues(sel, dayStart(report.baseline.from), dayStart(report.baseline.to) + DAY_MS);
  for (const point of group!.series) {
    const s = dayStart(point.interval.from);
    const e = dayStart(point.interval.to) + DAY_MS;
    expect([point.interval.starts_at, point.interval.ends_at], `${what} ${point.interval.from}`).toEqual([s, e]);
    const expected = expectedValues(sel, s, e);
    for (const id of REPORT_FIGURE_IDS) {
      const label = `${what} ${point.interval.from} ${id}`;
      if (expected[id] === null) expect(point.values[id], label).toBeNull();
      else expect(point.values[id], label).toBeCloseTo(expected[id], 9);
      const change = expected[id] === null || before[id] === null ? null : expected[id] - before[id];
      if (change === null) expect(point.change[id], `${label} change`).toBeNull();
      else expect(point.change[id], `${label} change`).toBeCloseTo(change, 9);
    }
    before = expected;
  }
}

/** What a unit's row covers: itself and, for a city, its counties (兰考 is the province's, not Kaifeng's). */
const within = (group: string) => (code: string) =>
  code === group ||
  (group.endsWith('00') && code !== '410225' && code.startsWith(group.slice(0, 4)) && group !== '410000');

/** The rules with cases of a selection from the baseline's start to the period's end, in the order of their ids. */
function rulesOf(report: ReportAnswer, alarm: (c: CasePlan) => boolean): string[] {
  const [s, e] = [dayStart(report.baseline.from), dayStart(report.period.to) + DAY_MS];
  return [...new Set(CASES_PLAN.filter((c) => alarm(c) && c.at >= s && c.at < e).map((c) => c.rule))].sort();
}

const PERIODS = [
  // Widened to Monday 23 November … Sunday 13 December; baseline the week of 16 November.
  {
    interval: 'week',
    from: '2026-11-25',
    to: '2026-12-08',
    starts: ['2026-11-23', '2026-11-30', '2026-12-07'],
    ends: ['2026-11-29', '2026-12-06', '2026-12-13'],
    complete: [true, true, false],
    baseline: ['2026-11-16', '2026-11-22'],
  },
  // Widened to November and December; baseline October.
  {
    interval: 'month',
    from: '2026-11-10',
    to: '2026-12-02',
    starts: ['2026-11-01', '2026-12-01'],
    ends: ['2026-11-30', '2026-12-31'],
    complete: [true, false],
    baseline: ['2026-10-01', '2026-10-31'],
  },
  {
    interval: 'day',
    from: '2026-11-29',
    to: '2026-12-02',
    starts: ['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02'],
    ends: ['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02'],
    complete: [true, true, true, true],
    baseline: ['2026-11-28', '2026-11-28'],
  },
] as const;

async function insert(analytics: Analytics, table: TableSpec, rows: Record<string, unknown>[], token: string) {
  const encoder = tsvEncoderFor(table);
  await analytics.writer.insertTabSeparated(table.name, encoder.columns, encoder.encodeRows(rows), token);
}

async function writeFacts(h: CenterHarness, analytics: Analytics): Promise<void> {
  for (const v of VEHICLES_PLAN)
    await h.sql.query(
      `INSERT INTO vehicles (plate, plate_color, vehicle_class, enterprise_id, terminal_id, home_org_code, source)
       VALUES ($1, 2, $2, $3, $4, $5, 'test')`,
      [v.plate, v.vehicleClass, v.enterprise, v.terminal, v.home],
    );
  await insert(
    analytics,
    VEHICLES,
    VEHICLES_PLAN.map((v) => ({
      plate: v.plate,
      plate_color: 2,
      vehicle_class: v.vehicleClass,
      axles: 2,
      enterprise_id: v.enterprise,
      enterprise_org_code: ENTERPRISES_PLAN[v.enterprise] ?? '',
      home_org_code: v.home,
      terminal_id: v.terminal,
      permit_valid_until: null,
      route_length_km: 0,
      source: 'test',
      updated_at: NOW - DAY_MS * 30,
      mirrored_at: NOW - DAY_MS * 30,
    })),
    'report-vehicles',
  );
  const fix = (v: VehiclePlan, at: number, positioned: boolean) => ({
    terminal_id: v.terminal,
    plate: v.plate,
    ts: at,
    received_at: at + 1000,
    lat: positioned ? 34.7 : 0,
    lon: positioned ? 113.6 : 0,
    altitude_m: 100,
    speed_kmh: 40,
    direction_deg: 0,
    alarm_bits: 0,
    status_bits: positioned ? 0b11 : 0b01,
    source: 'jt808',
    backfill: 0,
    extras: '',
    org_code: '',
  });
  const telemetry = VEHICLES_PLAN.flatMap((v) => [
    ...v.fixes.map((at) => fix(v, at, true)),
    ...(v.unpositioned ?? []).map((at) => fix(v, at, false)),
  ]);
  await insert(analytics, TELEMETRY, telemetry, 'report-telemetry');
  // The same fixes received again (a replay): stored once.
  await insert(
    analytics,
    TELEMETRY,
    telemetry.map((row) => ({ ...row, received_at: row.received_at + 5000 })),
    'report-telemetry-replay',
  );
  const episode = (v: VehiclePlan, rule: string, i: number, start: number, version: number) => ({
    alarm_id: `report-${rule}-${v.terminal}-${i}`,
    rule,
    rule_version: 1,
    severity: 'warning',
    terminal_id: v.terminal,
    plate: v.plate,
    started_at: start,
    ended_at: version === 2 ? start + 60_000 : null,
    org_code: v.home,
    lat: 34.7,
    lon: 113.6,
    late: 0,
    details: '{}',
    version,
    updated_at: start + version,
  });
  // Each episode in two versions (opened, then ended): one episode.
  const alarms = VEHICLES_PLAN.flatMap((v) => [
    ...(v.overspeed ?? []).flatMap((start, i) => [1, 2].map((version) => episode(v, 'overspeed', i, start, version))),
    ...(v.fatigue ?? []).map((start, i) => episode(v, 'fatigue', i, start, 2)),
  ]);
  await insert(analytics, ALARMS, alarms, 'report-alarms');
  let n = 0;
  for (const c of CASES_PLAN) {
    const at = new Date(c.at);
    await h.sql.query(
      `INSERT INTO alarm_cases (alarm_id, rule, severity, version, terminal_id, started_at, event_org_code, lat, lon,
         org_code, department, state, received_at, updated_at, enterprise_id)
       VALUES ($1, $2, 'warning', 1, $3, $4, $5, 34, 113, $5, 'road_transport', $6, $4, $4, $7)`,
      [`report-case-${++n}`, c.rule, c.terminal, at, c.org, c.state, c.enterprise],
    );
  }
}

const PATHS = [
  { name: 'the raw facts', rolled: false },
  { name: 'the daily aggregates', rolled: true },
];

describe.each(PATHS)('statistics reports (GET /api/reports) over $name', ({ rolled }) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-reports-'));
  let analytics: Analytics;
  let h: CenterHarness;
  let province: string;
  let zhengzhou: string;

  beforeAll(async () => {
    analytics = await openAnalytics({ kind: 'embedded', dataDir });
    // Without the store's writes the centre keeps no aggregates and reads the raw facts of every period.
    const reads = { queryInternal: analytics.queryInternal.bind(analytics) };
    h = await startCenterHarness(await harnessStore(), { analytics: rolled ? analytics : reads });
    h.clock.now = NOW;
    for (const [id, orgCode] of Object.entries(ENTERPRISES_PLAN))
      expect(
        (await h.call(h.adminToken, 'POST', '/api/enterprises', { id, name: `企业${id}`, org_code: orgCode })).status,
      ).toBe(201);
    await writeFacts(h, analytics);
    if (rolled) {
      await h.centre.rollups!.tick();
      const options = await h.centre.rollups!.thresholds();
      // The closed days with facts are stored: the reports read them from the aggregates.
      const stored = await h.centre.rollups!.storedDays(beijing(10, 31), beijing(12, 9), options);
      expect([...stored.keys()]).toEqual(expect.arrayContaining([20261031, 20261129, 20261130, 20261201, 20261208]));
    } else expect(h.centre.rollups).toBeUndefined();
    province = (await h.user('report-province', 'leader', '410000')).token;
    zhengzhou = (await h.user('report-zhengzhou', 'analyst', '410100')).token;
  });

  afterAll(async () => {
    await h?.close();
    await analytics?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const ask = async (token: string, query: string): Promise<ReportAnswer> => {
    const reply = await h.call<ReportAnswer>(token, 'GET', `/api/reports?${query}`);
    expect(reply.status, JSON.stringify(reply.body).slice(0, 300)).toBe(200);
    return reply.body;
  };

  describe.each(PERIODS)('by $interval', (period) => {
    const query = (by: string) => `from=${period.from}&to=${period.to}&interval=${period.interval}&by=${by}`;

    it('cuts China-time intervals, Monday weeks and calendar months, with a baseline before the first', async () => {
      const report = await ask(province, query('unit'));
      expect(report.period.from).toBe(period.starts[0]);
      expect(report.period.to).toBe(period.ends[period.ends.length - 1]);
      expect(report.totals.series.map((p) => p.interval.from)).toEqual(period.starts);
      expect(report.totals.series.map((p) => p.interval.to)).toEqual(period.ends);
      expect(report.totals.series.map((p) => p.interval.complete)).toEqual(period.complete);
      expect([report.baseline.from, report.baseline.to]).toEqual(period.baseline);
    });

    it('gives every unit row its subtree’s figures, and the province’s totals', async () => {
      const report = await ask(province, query('unit'));
      checkGroup(report, report.totals, { vehicle: () => true, alarm: () => true }, 'province totals');
      // The cities and, beside them, the 省直管县 兰考 the province commands.
      for (const code of ['410100', '410200', '410300', '410225'])
        checkGroup(
          report,
          report.groups.find((g) => g.key === code),
          { vehicle: (v) => within(code)(v.home), alarm: (c) => within(code)(c.org) },
          `unit ${code}`,
        );
    });

    it('gives each enterprise its vehicles wherever registered and its cases within the scope', async () => {
      const report = await ask(province, query('enterprise'));
      expect(report.groups.map((g) => g.key)).toEqual(['REP-LY', 'REP-ZZ']);
      for (const id of ['REP-LY', 'REP-ZZ'])
        checkGroup(
          report,
          report.groups.find((g) => g.key === id),
          { vehicle: (v) => v.enterprise === id, alarm: (c) => c.enterprise === id },
          `enterprise ${id}`,
        );
    });

    it('gives each vehicle class its vehicles and the cases of vehicles of the class', async () => {
      const report = await ask(province, query('vehicle_class'));
      const classOf = (terminal: string): string =>
        VEHICLES_PLAN.find((v) => v.terminal === terminal && terminal !== '')?.vehicleClass ?? 'unknown';
      expect(report.groups.map((g) => g.key)).toContain('unknown');
      for (const key of ['heavy_truck', 'coach', 'dangerous_goods', 'taxi', 'bus', 'tractor'])
        checkGroup(
          report,
          report.groups.find((g) => g.key === key),
          { vehicle: (v) => v.vehicleClass === key, alarm: (c) => classOf(c.terminal) === key },
          `class ${key}`,
        );
      const unknown = report.groups.find((g) => g.key === 'unknown')!;
      expect(unknown.name).toBe('未登记车辆');
      checkGroup(report, unknown, { vehicle: () => false, alarm: (c) => classOf(c.terminal) === 'unknown' }, 'unknown');
    });

    it('gives each rule with cases its alarms, and no vehicle figures', async () => {
      const report = await ask(province, query('rule'));
      const rules = rulesOf(report, () => true);
      expect(rules.length).toBeGreaterThanOrEqual(2);
      expect(report.groups.map((g) => g.key)).toEqual(rules);
      expect(report.groups.find((g) => g.key === 'overspeed')!.name).toBe('超速报警');
      for (const rule of rules)
        checkGroup(
          report,
          report.groups.find((g) => g.key === rule),
          { vehicle: null, alarm: (c) => c.rule === rule },
          `rule ${rule}`,
        );
    });

    it('shows a city only its own units and facts', async () => {
      const report = await ask(zhengzhou, query('unit'));
      expect(report.scope.org_code).toBe('410100');
      expect(report.groups.every((g) => g.key.startsWith('4101') && g.key !== '410100')).toBe(true);
      checkGroup(
        report,
        report.totals,
        { vehicle: (v) => within('410100')(v.home), alarm: (c) => within('410100')(c.org) },
        'Zhengzhou totals',
      );
      for (const code of ['410105', '410102'])
        checkGroup(
          report,
          report.groups.find((g) => g.key === code),
          { vehicle: (v) => v.home === code, alarm: (c) => c.org === code },
          `Zhengzhou ${code}`,
        );
      const enterprises = await ask(zhengzhou, query('enterprise'));
      expect(enterprises.groups.map((g) => g.key)).toEqual(['REP-ZZ']);
      const rules = await ask(zhengzhou, query('rule'));
      // Luoyang's, 兰考's and the province's cases are not the city's.
      expect(rules.groups.map((g) => g.key)).toEqual(rulesOf(rules, (c) => within('410100')(c.org)));
      expect(rules.groups.map((g) => g.key)).not.toContain('device_offline');
      checkGroup(
        rules,
        rules.groups.find((g) => g.key === 'fatigue'),
        { vehicle: null, alarm: (c) => c.rule === 'fatigue' && within('410100')(c.org) },
        'Zhengzhou fatigue',
      );
    });
  });

  it('narrows to a unit the caller sees and does not disclose another city’s', async () => {
    const jinshui = await ask(zhengzhou, 'from=2026-11-29&to=2026-12-01&interval=day&by=unit&unit=410105');
    expect(jinshui.scope.org_code).toBe('410105');
    checkGroup(
      jinshui,
      jinshui.totals,
      { vehicle: (v) => v.home === '410105', alarm: (c) => c.org === '410105' },
      'Jinshui totals',
    );
    for (const unit of ['410300', '410302', '999999']) {
      const reply = await h.call(
        zhengzhou,
        'GET',
        `/api/reports?from=2026-11-29&to=2026-12-01&interval=day&by=unit&unit=${unit}`,
      );
      expect(reply.status, unit).toBe(404);
    }
    const enterprise = await h.user(`report-enterprise-${rolled}`, 'enterprise', '410105', { enterprise_id: 'REP-ZZ' });
    const refused = await h.call(
      enterprise.token,
      'GET',
      '/api/reports?from=2026-11-29&to=2026-12-01&interval=day&by=unit',
    );
    expect(refused.status).toBe(403);
  });

  it.each([
    ['from=2026-11-31&to=2026-12-01&interval=day&by=unit', 'from'],
    ['from=2026-12-01&to=2026-11-30&interval=day&by=unit', 'to'],
    ['from=2026-12-01&to=20261202&interval=day&by=unit', 'to'],
    // 93 daily points.
    ['from=2026-09-01&to=2026-12-02&interval=day&by=unit', 'to'],
    ['from=2025-01-01&to=2026-12-02&interval=month&by=unit', 'to'],
    ['from=2026-11-01&to=2026-12-02&interval=hour&by=unit', 'interval'],
    ['from=2026-11-01&to=2026-12-02&by=unit', 'interval'],
    ['from=2026-11-01&to=2026-12-02&interval=week&by=driver', 'by'],
    ['from=2026-11-01&to=2026-12-02&interval=week&by=unit&format=pdf', 'format'],
  ])('refuses %s naming %s', async (query, field) => {
    const reply = await h.call<{ error: string; field: string }>(province, 'GET', `/api/reports?${query}`);
    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe('bad_field');
    expect(reply.body.field).toBe(field);
  });

  // Last: it registers enterprises every other check would list.
  it('refuses more than 1,000 groups naming by, and more than 20,000 points naming to', async () => {
    // 250 enterprises in 涧西区 and 760 in 西工区: 1,012 in the province, 1,010 in 洛阳, 250 in 涧西区.
    for (const [org, n] of [
      ['410305', 250],
      ['410303', 760],
    ] as const)
      await h.sql.query(
        `INSERT INTO enterprises (id, name, org_code)
         SELECT 'BOUND-' || $1 || '-' || i, '企业' || i, $1 FROM generate_series(1, $2::int) AS i`,
        [org, n],
      );
    const refused = async (token: string, query: string) =>
      (await h.call<{ error: string; field: string }>(token, 'GET', `/api/reports?${query}`)).body;
    expect(await refused(province, 'from=2026-11-01&to=2026-11-30&interval=month&by=enterprise')).toMatchObject({
      error: 'bad_field',
      field: 'by',
    });
    // (250 enterprises + the totals) × 92 days = 23,092 points.
    expect(
      await refused(province, 'from=2026-09-01&to=2026-12-01&interval=day&by=enterprise&unit=410305'),
    ).toMatchObject({ error: 'bad_field', field: 'to' });
    // By week the same days are 14 points a group: answered.
    const weekly = await ask(province, 'from=2026-09-01&to=2026-12-01&interval=week&by=enterprise&unit=410305');
    expect(weekly.groups).toHaveLength(250);
  });

  it('exports the same series as an XLSX workbook with Chinese headers', async () => {
    const query = 'from=2026-11-25&to=2026-12-08&interval=week&by=unit';
    const report = await ask(province, query);
    const res = await fetch(`${h.baseUrl}/api/reports?${query}&format=xlsx`, {
      headers: { authorization: `Bearer ${province}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('report-410000-unit-week-2026-11-23-2026-12-13.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet('统计报表')!;
    expect(String(sheet.getRow(1).getCell(1).value)).toContain('2026-11-23 至 2026-12-13，北京时间');
    const headers = (sheet.getRow(2).values as unknown[]).slice(1);
    expect(headers.slice(0, 5)).toEqual(['单位代码', '单位名称', '起始日', '截止日', '区间已结束']);
    expect(headers.slice(5, 5 + REPORT_FIGURE_IDS.length)).toEqual(report.figures.map((f) => f.name));
    expect(headers).toContain('报警数较上期');
    // Every row: the totals first, then each unit, one row per interval, each figure and change as in the JSON.
    const groups = [report.totals, ...report.groups];
    const rows = groups.flatMap((g) => g.series.map((p) => ({ g, p })));
    expect(sheet.rowCount).toBe(2 + rows.length);
    rows.forEach(({ g, p }, i) => {
      const cells = (sheet.getRow(3 + i).values as unknown[]).slice(1);
      expect(cells[0]).toBe(g.key);
      expect([cells[2], cells[3], cells[4]]).toEqual([
        p.interval.from,
        p.interval.to,
        p.interval.complete ? '是' : '否',
      ]);
      REPORT_FIGURE_IDS.forEach((id, k) => {
        expect(cells[5 + k] ?? null, `${g.key} ${p.interval.from} ${id}`).toEqual(p.values[id]);
        expect(cells[5 + REPORT_FIGURE_IDS.length + k] ?? null, `${g.key} ${p.interval.from} ${id} change`).toEqual(
          p.change[id],
        );
      });
    });
    const notes = workbook.getWorksheet('指标说明')!;
    expect(String(notes.getRow(2).getCell(2).value)).toBe('报警数');
  });
});
