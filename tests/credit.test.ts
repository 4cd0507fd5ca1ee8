/**
 * Credit (G8) on planned facts: enterprises in 金水区, 中原区 and 洛阳老城区 with alarm cases (some dismissed, some
 * on either side of the window's China-time bound, one credit warning that must not count), work orders closed on
 * time, late, after the day graded or never, and vehicles; drivers whose IC-card reports (driver_events) and
 * episodes (alarms) sit in ClickHouse, a card read badly, a card taken out, a dismissed episode, one of the
 * previous cycle. The expected scores, grades, points and warnings come from the plan's labels and the documented
 * formula computed here — never from the server's SQL. Checked: two days' grades and history, the grade fall
 * raised as a routed alarm, the driver crossing a threshold, the daily tick, deadlines tiered by grade, the
 * refusals of a bad model, and scope (a 郑州 officer never sees 洛阳's enterprise or driver).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALARM_ACTIONS,
  ALARMS,
  createLogger,
  DRIVER_EVENTS,
  TAXI_POSITIONS,
  TELEMETRY,
  tsvEncoderFor,
  type DriverCreditAnswer,
  type EnterpriseCreditAnswer,
  type EnterpriseCreditHistory,
  type TableSpec,
} from '../schema/index.js';
import { openAnalytics, type Analytics } from '../store/index.js';
import { CREDIT_RUN_DEFAULTS, CreditRun } from '../center/credit/index.js';
import {
  freshTarget,
  startCenterHarness,
  STORE_KINDS,
  useStoreServer,
  type CenterHarness,
} from './support/center-harness.js';

const HOUR_MS = 3_600_000;
/** A China-time instant as epoch ms. */
const cn = (month: number, day: number, hour = 0, minute = 0, second = 0): number =>
  Date.UTC(2026, month - 1, day, hour, minute, second) - 8 * HOUR_MS;

/** The model this test configures (not the defaults), so the run must read the version in force. */
const MODEL = {
  window_days: 30,
  alarm_points: { '*': { info: 0, warning: 2, critical: 6 }, overspeed: { info: 0, warning: 1, critical: 4 } },
  violations_cap: 50,
  late_order_points: 10,
  handling_cap: 30,
  grades: [
    { grade: 'AA', min_score: 90 },
    { grade: 'A', min_score: 80 },
    { grade: 'B', min_score: 70 },
    { grade: 'C', min_score: 60 },
    { grade: 'D', min_score: 0 },
  ],
  deadline_factors: { C: 0.5, D: 0.25 },
  driver_cycle_start: '01-01',
  driver_points: { overspeed: 3, fatigue: 6 },
  driver_thresholds: [5, 10],
};
const DAYS = ['2026-11-26', '2026-11-27'] as const;
type Day = (typeof DAYS)[number];

/** An alarm case, labelled with the days whose window it is in and whether it is one that counts at all. */
interface PlannedAlarm {
  rule: string;
  severity: 'info' | 'warning' | 'critical';
  at: number;
  inWindow: Record<Day, boolean>;
  dismissed?: boolean;
}
/** A work order to the enterprise: for each day, due by then, and whether it was closed by its deadline. */
interface PlannedOrder {
  deadline: number;
  closed: number | null;
  due: Record<Day, boolean>;
  onTime: boolean;
}
interface PlannedEnterprise {
  id: string;
  name: string;
  org: string;
  /** Vehicles without a terminal … */
  vehicles: number;
  /** … and those with one (the drivers' trucks below): all are the enterprise's fleet. */
  terminals?: string[];
  alarms: PlannedAlarm[];
  orders: PlannedOrder[];
}

const BOTH = { '2026-11-26': true, '2026-11-27': true };
const ONLY_27 = { '2026-11-26': false, '2026-11-27': true };
const ONLY_26 = { '2026-11-26': true, '2026-11-27': false };
const NEITHER = { '2026-11-26': false, '2026-11-27': false };
const many = (n: number, alarm: PlannedAlarm): PlannedAlarm[] => Array.from({ length: n }, () => alarm);

const PLAN: PlannedEnterprise[] = [
  {
    id: 'CR-ZZ-1',
    name: '郑州顺达运输有限公司',
    org: '410105',
    vehicles: 4,
    terminals: ['013900000001', '013900000002'],
    alarms: [
      ...many(4, { rule: 'overspeed', severity: 'warning', at: cn(11, 20, 9), inWindow: BOTH }),
      // Dismissed by an officer as false: never counts.
      { rule: 'overspeed', severity: 'critical', at: cn(11, 21, 9), inWindow: BOTH, dismissed: true },
      // The window of 11-27 (30 days) starts at 10-29 00:00 China time: a second before is out, the instant in;
      // day 26's starts at 10-28 00:00, so the second before is in it.
      { rule: 'fatigue', severity: 'critical', at: cn(10, 28, 23, 59, 59), inWindow: ONLY_26 },
      { rule: 'fatigue', severity: 'critical', at: cn(10, 29), inWindow: BOTH },
      { rule: 'offline', severity: 'warning', at: cn(10, 28), inWindow: ONLY_26 },
      { rule: 'offline', severity: 'warning', at: cn(10, 27, 23, 59, 59), inWindow: NEITHER },
    ],
    orders: [{ deadline: cn(11, 20, 12), closed: cn(11, 20, 11), due: BOTH, onTime: true }],
  },
  {
    id: 'CR-ZZ-2',
    name: '郑州中原货运有限公司',
    org: '410102',
    vehicles: 2,
    alarms: [
      ...many(2, { rule: 'fatigue', severity: 'critical', at: cn(11, 20, 3), inWindow: BOTH }),
      // 23:59:59 of 11-27 is inside day 27; day 26 ended before it.
      ...many(3, { rule: 'overspeed', severity: 'critical', at: cn(11, 27, 23, 59, 59), inWindow: ONLY_27 }),
      // A credit warning about the enterprise itself never feeds its score.
      { rule: 'credit_grade_drop', severity: 'warning', at: cn(11, 22), inWindow: NEITHER },
    ],
    orders: [
      // Open past its deadline: late.
      { deadline: cn(11, 25, 10), closed: null, due: BOTH, onTime: false },
      // Closed the day after day 27, past its deadline: late for day 27, not due on day 26.
      { deadline: cn(11, 27, 10), closed: cn(11, 28, 9), due: ONLY_27, onTime: false },
      // Not due yet on either day.
      { deadline: cn(11, 29, 10), closed: null, due: NEITHER, onTime: false },
    ],
  },
  {
    id: 'CR-ZZ-3',
    name: '金水无车企业',
    org: '410105',
    vehicles: 0,
    // No vehicle: the points are divided by 1, not by 0.
    alarms: many(3, { rule: 'offline', severity: 'warning', at: cn(11, 15), inWindow: BOTH }),
    orders: [],
  },
  {
    id: 'CR-ZZ-4',
    name: '金水危运公司',
    org: '410105',
    vehicles: 1,
    // Both caps bind: 30 critical fatigue alarms (180 points) and 4 late orders (40 points).
    alarms: many(30, { rule: 'fatigue', severity: 'critical', at: cn(11, 10), inWindow: BOTH }),
    orders: many4(),
  },
  {
    id: 'CR-LY-1',
    name: '洛阳老城客运公司',
    org: '410302',
    vehicles: 1,
    terminals: ['013900000003'],
    alarms: [{ rule: 'overspeed', severity: 'warning', at: cn(11, 18), inWindow: BOTH }],
    orders: [],
  },
];

function many4(): PlannedOrder[] {
  return Array.from({ length: 4 }, (_, k) => ({
    deadline: cn(11, 5 + k),
    closed: cn(11, 6 + k),
    due: BOTH,
    onTime: false,
  }));
}

/** docs/credit.md's formula, on the plan's labels. */
function expected(e: PlannedEnterprise, day: Day): { score: number; grade: string } {
  let points = 0;
  for (const a of e.alarms) {
    if (!a.inWindow[day] || a.dismissed) continue;
    const table = a.rule in MODEL.alarm_points ? MODEL.alarm_points[a.rule as 'overspeed'] : MODEL.alarm_points['*'];
    points += table[a.severity];
  }
  const late = e.orders.filter((o) => o.due[day] && !o.onTime).length;
  const score =
    Math.round(
      (100 -
        Math.min(MODEL.violations_cap, points / Math.max(1, e.vehicles + (e.terminals?.length ?? 0))) -
        Math.min(MODEL.handling_cap, late * MODEL.late_order_points)) *
        100,
    ) / 100;
  return { score, grade: MODEL.grades.find((g) => score >= g.min_score)!.grade };
}

/** Drivers: terminals, cards and episodes in ClickHouse; `counts` says which episodes are theirs on each day. */
const T = { zz: '013900000001', zz2: '013900000002', ly: '013900000003' };
interface PlannedEpisode {
  id: string;
  terminal: string;
  rule: string;
  at: number;
  /** The certificate the episode is attributed to (null: nobody's), and the days whose cycle holds it. */
  driver: string | null;
  counts: Record<Day, boolean>;
  dismissed?: boolean;
}
const CARDS = [
  // D1 takes the wheel of the 郑州 truck on 11-01 and leaves it on 11-26 at noon.
  { terminal: T.zz, at: cn(11, 1, 8), status: 1, read: 0, certificate: '410105199001011234', name: '张师傅' },
  { terminal: T.zz, at: cn(11, 26, 12), status: 2, read: 0, certificate: '', name: '' },
  // D1 again from 11-27 on the other 郑州 truck.
  { terminal: T.zz2, at: cn(11, 27, 6), status: 1, read: 0, certificate: '410105199001011234', name: '张师傅' },
  // The card of the Luoyang driver.
  { terminal: T.ly, at: cn(11, 2, 8), status: 1, read: 0, certificate: '410302198505055678', name: '李师傅' },
  // Earlier on the Luoyang truck a card that could not be read: nobody's episodes.
  { terminal: T.ly, at: cn(10, 1, 8), status: 1, read: 1, certificate: '', name: '' },
];
const EPISODES: PlannedEpisode[] = [
  { id: 'cr-e1', terminal: T.zz, rule: 'overspeed', at: cn(11, 10, 9), driver: 'D1', counts: BOTH },
  { id: 'cr-e2', terminal: T.zz, rule: 'overspeed', at: cn(11, 11, 9), driver: 'D1', counts: BOTH, dismissed: true },
  // After the card went out: nobody's.
  { id: 'cr-e3', terminal: T.zz, rule: 'overspeed', at: cn(11, 26, 13), driver: null, counts: NEITHER },
  // On day 27, on the other truck: 3 + 6 = 9 points, past the threshold 5.
  { id: 'cr-e4', terminal: T.zz2, rule: 'fatigue', at: cn(11, 27, 7), driver: 'D1', counts: ONLY_27 },
  // A rule without points counts nothing.
  { id: 'cr-e5', terminal: T.zz2, rule: 'gps_drift', at: cn(11, 27, 8), driver: 'D1', counts: NEITHER },
  // The Luoyang driver.
  { id: 'cr-e6', terminal: T.ly, rule: 'overspeed', at: cn(11, 3, 9), driver: 'D3', counts: BOTH },
  { id: 'cr-e7', terminal: T.ly, rule: 'fatigue', at: cn(11, 4, 9), driver: 'D3', counts: BOTH },
  // Before the Luoyang card: the unread card was in, nobody's.
  { id: 'cr-e8', terminal: T.ly, rule: 'overspeed', at: cn(10, 10, 9), driver: null, counts: NEITHER },
];
const CERT: Record<string, string> = { D1: '410105199001011234', D3: '410302198505055678' };

function expectedPoints(driver: string, day: Day): number {
  return EPISODES.filter((e) => e.driver === driver && e.counts[day] && !e.dismissed).reduce(
    (sum, e) => sum + (MODEL.driver_points[e.rule as 'overspeed'] ?? 0),
    0,
  );
}

async function insert(analytics: Analytics, table: TableSpec, rows: Record<string, unknown>[], token: string) {
  const encoder = tsvEncoderFor(table);
  await analytics.writer.insertTabSeparated(table.name, encoder.columns, encoder.encodeRows(rows), token);
}

async function writeFacts(h: CenterHarness, analytics: Analytics): Promise<void> {
  let n = 0;
  for (const e of PLAN) {
    await h.sql.query('INSERT INTO enterprises (id, name, org_code) VALUES ($1, $2, $3)', [e.id, e.name, e.org]);
    for (let v = 0; v < e.vehicles; v++)
      await h.sql.query(
        `INSERT INTO vehicles (plate, plate_color, vehicle_class, enterprise_id, home_org_code) VALUES ($1, 2, 'heavy_truck', $2, $3)`,
        [`豫${e.org === '410302' ? 'C' : 'A'}C${PLAN.indexOf(e)}${String(v).padStart(3, '0')}`, e.id, e.org],
      );
    for (const a of e.alarms)
      await h.sql.query(
        `INSERT INTO alarm_cases (alarm_id, rule, severity, version, started_at, event_org_code, lat, lon, org_code,
           department, enterprise_id, state, received_at, updated_at)
         VALUES ($1, $2, $3, 1, $4, $5, 34, 113, $5, 'road_transport', $6, $7, $4, $4)`,
        [`cr-case-${++n}`, a.rule, a.severity, new Date(a.at), e.org, e.id, a.dismissed ? 'dismissed' : 'acknowledged'],
      );
    for (const o of e.orders)
      await h.sql.query(
        `INSERT INTO work_orders (title, source, category, severity, issuer_org, org_code, department, enterprise_id,
           state, deadline_at, created_at, updated_at, closed_at)
         VALUES ('整改', 'top_down', 'rectification', 'warning', '410000', $1, 'road_transport', $2, $3, $4, $5, $5, $6)`,
        [
          e.org,
          e.id,
          o.closed === null ? 'in_progress' : 'accepted',
          new Date(o.deadline),
          new Date(o.deadline - 72 * HOUR_MS),
          o.closed === null ? null : new Date(o.closed),
        ],
      );
  }
  await h.sql.query(
    `INSERT INTO vehicles (plate, plate_color, vehicle_class, enterprise_id, terminal_id, home_org_code)
     VALUES ('豫A90001', 2, 'heavy_truck', 'CR-ZZ-1', $1, '410105'), ('豫A90002', 2, 'heavy_truck', 'CR-ZZ-1', $2, '410105'),
            ('豫C90003', 2, 'heavy_truck', 'CR-LY-1', $3, '410302')`,
    [T.zz, T.zz2, T.ly],
  );
  // D1 is registered with its enterprise; the Luoyang driver is known only from the card.
  await h.sql.query(`INSERT INTO drivers (id, name, enterprise_id) VALUES ($1, '张三', 'CR-ZZ-1')`, [CERT.D1]);
  await insert(
    analytics,
    DRIVER_EVENTS,
    CARDS.map((c) => ({
      terminal_id: c.terminal,
      plate: '',
      ts: c.at,
      received_at: c.at + 1_000,
      status: c.status,
      read_result: c.read,
      driver_name: c.name,
      certificate: c.certificate,
      authority: '',
      certificate_valid_until: null,
      org_code: '',
      source: 'jt808',
    })),
    'credit-cards',
  );
  const plateOf = (terminal: string): string =>
    terminal === T.zz ? '豫A90001' : terminal === T.zz2 ? '豫A90002' : '豫C90003';
  await insert(
    analytics,
    ALARMS,
    EPISODES.map((e) => ({
      alarm_id: e.id,
      rule: e.rule,
      rule_version: 1,
      severity: 'warning',
      terminal_id: e.terminal,
      plate: plateOf(e.terminal),
      started_at: e.at,
      ended_at: e.at + 60_000,
      org_code: e.terminal === T.ly ? '410302' : '410105',
      lat: 34,
      lon: 113,
      late: 0,
      details: '{}',
      version: 1,
      updated_at: e.at + 60_000,
    })),
    'credit-episodes',
  );
  await insert(
    analytics,
    ALARM_ACTIONS,
    EPISODES.filter((e) => e.dismissed).map((e, i) => ({
      action_id: 9_000 + i,
      alarm_id: e.id,
      action: 'dismissed',
      from_state: 'new',
      to_state: 'dismissed',
      actor: 'officer',
      org_code: '410105',
      department: 'enforcement',
      rule: e.rule,
      severity: 'warning',
      detail: '{}',
      at: e.at + HOUR_MS,
    })),
    'credit-dismissals',
  );
}

describe.each(STORE_KINDS)('credit on %s: enterprise grades, driver points, warnings, tiers and scope', (kind) => {
  const server = useStoreServer(kind);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-credit-'));
  let analytics: Analytics;
  let h: CenterHarness;
  let city: string;
  let leader: string;

  beforeAll(async () => {
    analytics = await openAnalytics({ kind: 'embedded', dataDir });
    h = await startCenterHarness(await freshTarget(kind, server(), 'vigil_credit'), { analytics });
    await writeFacts(h, analytics);
    const put = await h.call(h.adminToken, 'PUT', '/api/config/credit', { value: MODEL });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    city = (await h.user('cr-zz-officer', 'duty_officer', '410100')).token;
    leader = (await h.user('cr-province-leader', 'leader', '410000')).token;
  });

  afterAll(async () => {
    await h?.close();
    await analytics?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a bad model naming the key, the value and the bound', async () => {
    const bad = async (value: unknown) => (await h.call(h.adminToken, 'PUT', '/api/config/credit', { value })).body;
    expect(await bad({ ...MODEL, window_days: 0 })).toMatchObject({
      error: 'bad_config',
      field: 'credit.window_days',
      problem: 'out_of_bounds',
    });
    expect(
      await bad({
        ...MODEL,
        grades: [
          { grade: 'A', min_score: 80 },
          { grade: 'B', min_score: 85 },
        ],
      }),
    ).toMatchObject({ field: 'credit.grades[1].min_score', problem: 'out_of_bounds' });
    expect(
      await bad({
        ...MODEL,
        grades: [
          { grade: 'A', min_score: 80 },
          { grade: 'B', min_score: 10 },
        ],
      }),
    ).toMatchObject({ field: 'credit.grades[1].min_score' });
    expect(await bad({ ...MODEL, driver_points: { driver_points: 3 } })).toMatchObject({
      field: 'credit.driver_points.driver_points',
      problem: 'unknown_rule',
    });
    expect(await bad({ ...MODEL, driver_cycle_start: '02-29' })).toMatchObject({ field: 'credit.driver_cycle_start' });
    expect(await bad({ ...MODEL, deadline_factors: { E: 2 } })).toMatchObject({ field: 'credit.deadline_factors.E' });
    expect(await bad({ ...MODEL, colour: 'red' })).toMatchObject({ field: 'credit.colour', problem: 'bad_value' });
    // The routing configuration takes the credit warnings' rule ids like any rule's.
    const routing = await h.call(h.adminToken, 'PUT', '/api/config/alarm_routing', {
      value: {
        departments: {
          '*': 'road_transport',
          credit_grade_drop: 'road_transport',
          driver_points: 'road_transport',
          deregistered_operating: 'enforcement',
        },
      },
    });
    expect(routing.status, JSON.stringify(routing.body)).toBe(200);
  });

  it('grades every enterprise on two days exactly as the plan says, and keeps the history', async () => {
    const first = await h.centre.credit.runDay(DAYS[0]);
    // No day before it: no grade falls; the Luoyang driver's 9 points reach the threshold 5 (from 0).
    expect(first).toMatchObject({ day: DAYS[0], enterprises: PLAN.length, drivers: 2, warnings: 1 });
    // The harness clock is 2026-11-28 08:00 China time: the tick grades yesterday, once.
    const ticked = await h.centre.credit.tick();
    expect(ticked).toHaveLength(1);
    expect(ticked[0]).toMatchObject({ day: DAYS[1], enterprises: PLAN.length });
    expect(await h.centre.credit.tick()).toEqual([]);

    for (const day of DAYS) {
      const answer = (await h.call<EnterpriseCreditAnswer>(h.adminToken, 'GET', `/api/credit/enterprises?date=${day}`))
        .body;
      expect(answer.day).toBe(day);
      const got = Object.fromEntries(
        answer.enterprises.map((e) => [e.enterprise_id, { score: e.score, grade: e.grade }]),
      );
      expect(got).toEqual(Object.fromEntries(PLAN.map((e) => [e.id, expected(e, day)])));
      const counts: Record<string, number> = Object.fromEntries(MODEL.grades.map((g) => [g.grade, 0]));
      for (const e of PLAN) counts[expected(e, day).grade]++;
      expect(answer.counts).toEqual(counts);
    }
    // The planned fall of 中原: from A to C; the capped one sits at D both days.
    expect(expected(PLAN[1], DAYS[0]).grade).toBe('A');
    expect(expected(PLAN[1], DAYS[1]).grade).toBe('C');
    expect(expected(PLAN[3], DAYS[1])).toEqual({ score: 20, grade: 'D' });

    const latest = (await h.call<EnterpriseCreditAnswer>(h.adminToken, 'GET', '/api/credit/enterprises')).body;
    expect(latest.day).toBe(DAYS[1]);
    expect(latest.window).toEqual({ from: '2026-10-29', to: DAYS[1] });
    const fallen = latest.enterprises.find((e) => e.enterprise_id === 'CR-ZZ-2')!;
    expect(fallen.previous_grade).toBe('A');
    expect(fallen.facts).toMatchObject({ vehicles: 2, orders_due: 2, orders_late: 2, handling_deduction: 20 });
    expect(latest.enterprises.find((e) => e.enterprise_id === 'CR-ZZ-1')!.facts.vehicles).toBe(6);

    const history = (
      await h.call<EnterpriseCreditHistory>(h.adminToken, 'GET', '/api/credit/enterprises/CR-ZZ-2/history')
    ).body;
    expect(history.days.map((d) => [d.day, d.score, d.grade])).toEqual(
      [...DAYS].reverse().map((day) => [day, expected(PLAN[1], day).score, expected(PLAN[1], day).grade]),
    );
    expect(history.days.every((d) => d.config_version === 1)).toBe(true);
  });

  it('raises the grade fall as an alarm of the enterprise, routed like alarms', async () => {
    const cases = await h.sql.query<{
      rule: string;
      enterprise_id: string;
      org_code: string;
      department: string;
      severity: string;
      details: Record<string, unknown>;
    }>(
      "SELECT rule, enterprise_id, org_code, department, severity, details FROM alarm_cases WHERE rule = 'credit_grade_drop' AND state = 'new'",
    );
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({
      enterprise_id: 'CR-ZZ-2',
      org_code: '410102',
      department: 'road_transport',
      severity: 'warning',
      details: { previous_grade: 'A', grade: 'C', day: DAYS[1] },
    });
    // Redoing the day raises nothing twice.
    await h.centre.credit.runDay(DAYS[1]);
    const again = await h.sql.query(
      "SELECT 1 FROM alarm_cases WHERE rule IN ('credit_grade_drop', 'driver_points') AND alarm_id NOT LIKE 'cr-case-%'",
    );
    expect(again).toHaveLength(3);
  });

  it('counts drivers’ points from the cards in the terminals, and warns at a threshold', async () => {
    for (const day of DAYS) {
      const answer = (await h.call<DriverCreditAnswer>(h.adminToken, 'GET', `/api/credit/drivers?date=${day}`)).body;
      const got = Object.fromEntries(answer.drivers.map((d) => [d.certificate, d.points]));
      const want = Object.fromEntries(
        ['D1', 'D3'].map((d) => [CERT[d], expectedPoints(d, day)]).filter(([, p]) => Number(p) > 0),
      );
      expect(got).toEqual(want);
    }
    const d1 = (
      await h.call<DriverCreditAnswer>(h.adminToken, 'GET', `/api/credit/drivers?date=${DAYS[1]}`)
    ).body.drivers.find((d) => d.certificate === CERT.D1)!;
    expect(d1).toMatchObject({
      name: '张三',
      enterprise_id: 'CR-ZZ-1',
      org_code: '410105',
      cycle_start: '2026-01-01',
      // gps_drift scores no points in the model: not listed.
      violations: { overspeed: 1, fatigue: 1 },
      threshold: 5,
    });
    // 3 points on day 26, 9 on day 27: the threshold 5 is crossed on day 27, once.
    expect(expectedPoints('D1', DAYS[0])).toBeLessThan(5);
    expect(expectedPoints('D1', DAYS[1])).toBeGreaterThanOrEqual(5);
    const warned = await h.sql.query<{
      enterprise_id: string;
      org_code: string;
      plate: string;
      details: Record<string, unknown>;
    }>(
      "SELECT enterprise_id, org_code, plate, details FROM alarm_cases WHERE rule = 'driver_points' ORDER BY started_at",
    );
    expect(warned).toEqual([
      // The Luoyang driver, unknown to the registry: placed by the enterprise of the truck, warned on day 26.
      {
        enterprise_id: 'CR-LY-1',
        org_code: '410302',
        plate: '豫C90003',
        details: expect.objectContaining({ certificate: CERT.D3, points: 9, threshold: 5, day: DAYS[0] }),
      },
      {
        enterprise_id: 'CR-ZZ-1',
        org_code: '410105',
        plate: '豫A90002',
        details: expect.objectContaining({ certificate: CERT.D1, points: 9, threshold: 5 }),
      },
    ]);
    // Still 9 on day 27: no threshold crossed again, no second warning.
    expect(expectedPoints('D3', DAYS[1])).toBe(9);
  });

  it('shortens the deadline of a work order to an enterprise by its grade', async () => {
    const issue = async (enterprise: string, org: string) =>
      h.call<{ id: number; deadline_at: number; created_at: number }>(leader, 'POST', '/api/work-orders', {
        title: '整改',
        category: 'rectification',
        severity: 'warning',
        org_code: org,
        department: 'road_transport',
        enterprise_id: enterprise,
      });
    // Default work_order_deadlines: 72 h for a warning. 中原 is C (factor 0.5), 顺达 AA (not listed: 1).
    const c = await issue('CR-ZZ-2', '410102');
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    expect(c.body.deadline_at - h.clock.now).toBe(36 * HOUR_MS);
    const aa = await issue('CR-ZZ-1', '410105');
    expect(aa.body.deadline_at - h.clock.now).toBe(72 * HOUR_MS);
    const events = await h.sql.query<{ detail: Record<string, unknown> }>(
      "SELECT detail FROM work_order_events WHERE order_id = $1 AND kind = 'issued'",
      [c.body.id],
    );
    expect(events[0].detail).toMatchObject({ credit_grade: 'C', deadline_factor: 0.5, deadline_hours: 36 });
  });

  it('shows a city officer only the enterprises and drivers of its city', async () => {
    const answer = (await h.call<EnterpriseCreditAnswer>(city, 'GET', '/api/credit/enterprises')).body;
    expect(answer.enterprises.map((e) => e.enterprise_id).sort()).toEqual(
      PLAN.filter((e) => e.org.startsWith('4101'))
        .map((e) => e.id)
        .sort(),
    );
    expect((await h.call(city, 'GET', '/api/credit/enterprises?unit=410302')).status).toBe(404);
    expect((await h.call(city, 'GET', '/api/credit/enterprises/CR-LY-1/history')).status).toBe(404);
    expect((await h.call(city, 'GET', '/api/credit/enterprises/CR-ZZ-1/history')).status).toBe(200);
    const drivers = (await h.call<DriverCreditAnswer>(city, 'GET', '/api/credit/drivers')).body;
    expect(drivers.drivers.map((d) => d.certificate)).toEqual([CERT.D1]);
    // The province sees both cities; a unit narrows it.
    const ly = (await h.call<EnterpriseCreditAnswer>(h.adminToken, 'GET', '/api/credit/enterprises?unit=410300')).body;
    expect(ly.enterprises.map((e) => e.enterprise_id)).toEqual(['CR-LY-1']);
    const bad = await h.call(h.adminToken, 'GET', '/api/credit/enterprises?date=2026-02-30');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ field: 'date' });
  });

  it('grades the days the node was down for when it comes back, oldest first, up to the back-fill bound', async () => {
    const gradedDays = async () =>
      (await h.sql.query<{ day: string }>('SELECT day::text AS day FROM credit_runs ORDER BY day')).map((r) => r.day);
    const enterpriseRows = async (day: string) =>
      Number(
        (await h.sql.query<{ n: number }>('SELECT count(*) AS n FROM credit_enterprise_days WHERE day = $1', [day]))[0]
          .n,
      );
    const resumedAt = h.clock.now;
    try {
      // Back on 1 December, 08:00 China time, after 28, 29 and 30 November went by ungraded.
      h.clock.now = Date.UTC(2026, 11, 1, 0, 0, 0);
      const graded = await h.centre.credit.tick();
      expect(graded.map((d) => d.day)).toEqual(['2026-11-28', '2026-11-29', '2026-11-30']);
      expect(await h.centre.credit.tick()).toEqual([]);
      expect(await gradedDays()).toEqual([...DAYS, '2026-11-28', '2026-11-29', '2026-11-30']);
      for (const day of ['2026-11-28', '2026-11-29', '2026-11-30']) expect(await enterpriseRows(day)).toBe(PLAN.length);

      // Back on 7 December after six days down, with room for two: the two latest days, and the gap logged.
      const lines: string[] = [];
      const run = new CreditRun(
        {
          sql: h.sql,
          config: h.centre.config,
          now: () => h.clock.now,
          logger: createLogger((line) => lines.push(line), 'warn'),
          raise: () => Promise.resolve(),
        },
        { ...CREDIT_RUN_DEFAULTS, checkIntervalMs: 0, backfillDaysMax: 2 },
      );
      h.clock.now = Date.UTC(2026, 11, 7, 0, 0, 0);
      expect((await run.tick()).map((d) => d.day)).toEqual(['2026-12-05', '2026-12-06']);
      expect(await gradedDays()).toEqual([
        ...DAYS,
        '2026-11-28',
        '2026-11-29',
        '2026-11-30',
        '2026-12-05',
        '2026-12-06',
      ]);
      expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toMatchObject([
        {
          level: 'warn',
          message: 'credit days left ungraded: more than the back-fill allows',
          from: '2026-12-01',
          to: '2026-12-04',
          days: 4,
          backfill_days_max: 2,
        },
      ]);
    } finally {
      h.clock.now = resumedAt;
    }
  });
  it('warns of every revoked or struck-off enterprise whose vehicles still ran on the day, once a day', async () => {
    // 顺达 (CR-ZZ-1) revoked on 11-20 and its terminal reported on 11-27; 中原货运 (CR-ZZ-2) struck off (no date) and
    // its car ran for a taxi platform on 11-27; 洛阳 (CR-LY-1) struck off only on 11-28; 中原危货 (CR-ZZ-4) active.
    const register = async (id: string, status: string, text: string, changedOn: number | null) =>
      h.sql.query(
        `INSERT INTO market_registrations (credit_code, name, status, status_text, status_changed_on, org_code, source)
         VALUES ($1, $1, $2, $3, $4, '410100', 'key:1')`,
        [id, status, text, changedOn === null ? null : new Date(changedOn)],
      );
    await register('CR-ZZ-1', 'revoked', '吊销，未注销', cn(11, 20));
    await register('CR-ZZ-2', 'cancelled', '注销', null);
    await register('CR-LY-1', 'cancelled', '注销', cn(11, 28));
    await register('CR-ZZ-4', 'active', '存续', null);
    const fix = (terminal: string, plate: string, at: number) => ({
      terminal_id: terminal,
      plate,
      ts: at,
      received_at: at,
      lat: 34.75,
      lon: 113.65,
      altitude_m: 100,
      speed_kmh: 40,
      direction_deg: 90,
      alarm_bits: 0,
      status_bits: 0,
      source: 'jt808',
      backfill: 0,
      extras: '{}',
      org_code: '410105',
    });
    await insert(
      analytics,
      TELEMETRY,
      [
        fix(T.zz, '豫A90001', cn(11, 27, 10)),
        fix(T.ly, '豫C90003', cn(11, 27, 11)),
        // The day before the day graded: not this day's running.
        fix(T.zz2, '豫A90002', cn(11, 26, 23, 59, 59)),
      ],
      'credit-deregistered-fixes',
    );
    const taxi = (plate: string, at: number) => ({
      service: 'taxi',
      company_id: 'C',
      plate,
      plate_color: 2,
      driver_id: '',
      ts: at,
      lat: 34.75,
      lon: 113.65,
      org_code: '410102',
      speed_kmh: 30,
      heading_deg: 0,
      biz_state: 'hired',
      order_id: '',
      received_at: at,
      source: 'key:1',
    });
    await insert(
      analytics,
      TAXI_POSITIONS,
      [taxi('豫AC1000', cn(11, 27, 12)), taxi('豫AC3000', cn(11, 27, 12))],
      'credit-deregistered-taxis',
    );
    await h.centre.credit.runDay(DAYS[1]);
    const warned = async () =>
      h.sql.query<{
        enterprise_id: string;
        org_code: string;
        department: string;
        severity: string;
        plate: string;
        details: Record<string, unknown>;
      }>(
        `SELECT enterprise_id, org_code, department, severity, plate, details FROM alarm_cases
          WHERE rule = 'deregistered_operating' ORDER BY enterprise_id`,
      );
    expect(await warned()).toEqual([
      {
        enterprise_id: 'CR-ZZ-1',
        org_code: '410105',
        department: 'enforcement',
        severity: 'critical',
        plate: '豫A90001',
        details: expect.objectContaining({
          day: DAYS[1],
          market_status: 'revoked',
          market_status_text: '吊销，未注销',
          market_status_changed_on: cn(11, 20),
          vehicles_operating: 1,
          plates: ['豫A90001'],
        }),
      },
      {
        enterprise_id: 'CR-ZZ-2',
        org_code: '410102',
        department: 'enforcement',
        severity: 'critical',
        plate: '豫AC1000',
        details: expect.objectContaining({ market_status: 'cancelled', market_status_changed_on: null }),
      },
    ]);
    // Redoing the day raises nothing twice; a credit warning never feeds a score.
    await h.centre.credit.runDay(DAYS[1]);
    expect(await warned()).toHaveLength(2);
  });
});
