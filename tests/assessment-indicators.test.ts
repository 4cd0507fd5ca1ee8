/**
 * The assessment indicators on generated facts whose true values come from the generator's plan: vehicles of four
 * units (two Zhengzhou counties, a Luoyang county, the 省直管县 兰考) that report or stay silent on either side of
 * the period's China-time bounds, tracks with labelled breaks, overspeed alarms in several versions, alarm cases,
 * work orders closed on time or late and inspections answered or missed. The expected figures are sums over the
 * plan's labels, never the server's SQL; they are checked at province, city and county level, over a period that
 * crosses the November/December boundary and over one that starts on 1 December.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALARMS,
  ASSESSMENT_INDICATOR_IDS,
  INGEST_REJECTS,
  TELEMETRY,
  tsvEncoderFor,
  VEHICLES,
  type AssessmentItems,
  type AssessmentReport,
  type AssessmentUnit,
  type TableSpec,
} from '../schema/index.js';
import { openAnalytics, type Analytics } from '../store/index.js';
import { startCenterHarness, type CenterHarness } from './support/center-harness.js';
import { harnessStore } from './support/test-postgres.js';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** 00:00 China time of a November or December 2026 day, as epoch ms. */
const beijing = (month: 11 | 12, day: number, hour = 0, minute = 0): number =>
  Date.UTC(2026, month - 1, day, hour, minute) - 8 * HOUR_MS;
/** One step of every track: 0.004° of latitude along a meridian, about 445 m; 5 steps are past the 2 km bound. */
const STEP_DEG = 0.004;
const STEP_KM = 0.4448;

/** A leg between two consecutive fixes: how long, how many steps north, and whether it is a break (断点). */
interface Leg {
  seconds: number;
  steps: number;
  /** The generator's label: > 120 s and > 2 km apart. */
  gap: boolean;
}

interface Track {
  start: number;
  legs: Leg[];
}

interface VehiclePlan {
  plate: string;
  terminal: string;
  home: string;
  /** The enterprise operating it (as mirrored), if any. */
  enterprise?: string;
  /** Single fixes (not part of a track), e.g. on either side of a bound. */
  fixes?: { at: number; positioned: boolean }[];
  tracks?: Track[];
  /** Start times of overspeed episodes. */
  overspeed?: number[];
  /** Start times of gps_drift episodes. */
  drift?: number[];
  /** Fatigue episodes; `end` null while still open. */
  fatigue?: { start: number; end: number | null }[];
  /** Times of frames of the terminal refused at ingest (dead-lettered with its terminal id). */
  rejects?: number[];
}

/** 30-second legs, `n` of them. */
const steady = (n: number): Leg[] => Array.from({ length: n }, () => ({ seconds: 30, steps: 1, gap: false }));
const BREAK: Leg = { seconds: 300, steps: 10, gap: true };
/** Long in time, short in distance (a stop, a slow crawl): continuous. */
const PARKED: Leg = { seconds: 900, steps: 0, gap: false };
const CRAWL: Leg = { seconds: 300, steps: 2, gap: false };
/** Far in distance, short in time (a fast stretch at a 60 s interval): continuous. */
const FAST: Leg = { seconds: 60, steps: 6, gap: false };

const VEHICLES_PLAN: VehiclePlan[] = [
  // 金水区 (Zhengzhou): four tracked vehicles, one silent since before the period, one without a terminal.
  {
    plate: '豫A7A001',
    terminal: '013900070001',
    enterprise: 'ASSESS-JS',
    home: '410105',
    tracks: [{ start: beijing(11, 26, 8), legs: [...steady(20), BREAK, ...steady(10), PARKED, ...steady(5)] }],
    overspeed: [beijing(11, 26, 8, 5), beijing(11, 26, 8, 20)],
    // 30 minutes of fatigue driving, and one episode that began the day before the period and ran 90 minutes in.
    fatigue: [
      { start: beijing(11, 26, 9), end: beijing(11, 26, 9, 30) },
      { start: beijing(11, 24, 22, 30), end: beijing(11, 25, 1, 30) },
    ],
    rejects: [beijing(11, 26, 8, 1), beijing(11, 26, 8, 2)],
  },
  {
    plate: '豫A7A002',
    terminal: '013900070002',
    enterprise: 'ASSESS-JS',
    home: '410105',
    tracks: [{ start: beijing(11, 28, 14), legs: [...steady(12), CRAWL, FAST, ...steady(3)] }],
    // One episode just before the period starts does not count.
    overspeed: [beijing(11, 28, 14, 3), beijing(11, 24, 23, 59)],
    drift: [beijing(11, 28, 14, 5), beijing(11, 28, 14, 6)],
  },
  {
    plate: '豫A7A003',
    terminal: '013900070003',
    home: '410105',
    tracks: [
      { start: beijing(11, 25, 9), legs: steady(8) },
      { start: beijing(12, 2, 22), legs: [...steady(4), BREAK, BREAK, ...steady(2)] },
    ],
    // Drift before the period: not in it.
    drift: [beijing(11, 24, 12)],
  },
  {
    plate: '豫A7A004',
    terminal: '013900070004',
    home: '410105',
    // Drives through midnight into December: both months hold part of the track.
    tracks: [{ start: beijing(11, 30, 23, 50), legs: [...steady(30), BREAK, ...steady(10)] }],
    overspeed: [beijing(11, 30, 23, 55), beijing(12, 1, 0, 5)],
    // Still open: it counts up to the end of each period, and from the start of one that begins after it.
    fatigue: [{ start: beijing(11, 30, 23, 0), end: null }],
  },
  {
    plate: '豫A7A005',
    terminal: '013900070005',
    enterprise: 'ASSESS-JS',
    home: '410105',
    // The last millisecond of 24 November, China time: before the period.
    fixes: [{ at: beijing(11, 25) - 1, positioned: true }],
    rejects: [beijing(11, 25) - 1],
  },
  { plate: '豫A7A006', terminal: '', enterprise: 'ASSESS-JS', home: '410105' },
  // 中原区 (Zhengzhou): one fix at the period's first instant, one at the instant after it, one never positioned.
  { plate: '豫A7B001', terminal: '013900070101', home: '410102', fixes: [{ at: beijing(11, 25), positioned: true }] },
  { plate: '豫A7B002', terminal: '013900070102', home: '410102', fixes: [{ at: beijing(12, 3), positioned: true }] },
  {
    plate: '豫A7B003',
    terminal: '013900070103',
    home: '410102',
    fixes: [
      { at: beijing(11, 27, 10), positioned: false },
      { at: beijing(11, 27, 10, 1), positioned: false },
    ],
    overspeed: [beijing(11, 27, 10)],
    rejects: [beijing(11, 27, 10, 2)],
  },
  // 老城区 (Luoyang)
  {
    plate: '豫C7C001',
    terminal: '013900070201',
    enterprise: 'ASSESS-LY',
    home: '410302',
    tracks: [{ start: beijing(11, 30, 23, 40), legs: [...steady(40), BREAK, ...steady(40)] }],
    overspeed: [beijing(12, 1, 0, 10)],
    drift: [beijing(12, 1, 0, 20)],
  },
  {
    plate: '豫C7C002',
    terminal: '013900070202',
    home: '410302',
    tracks: [{ start: beijing(12, 1, 6), legs: steady(25) }],
  },
  { plate: '豫C7C003', terminal: '013900070203', home: '410302' },
  // 兰考县, the 省直管县 the province commands
  {
    plate: '豫B7D001',
    terminal: '013900070301',
    enterprise: 'ASSESS-LK',
    home: '410225',
    tracks: [{ start: beijing(11, 29, 12), legs: [...steady(6), BREAK, ...steady(6)] }],
  },
  { plate: '豫B7D002', terminal: '013900070302', home: '410225' },
];

/** The enterprises of the plan and the unit each is registered in. */
const ENTERPRISES_PLAN: Record<string, string> = {
  'ASSESS-JS': '410105',
  'ASSESS-LY': '410302',
  'ASSESS-LK': '410225',
};

/** The desks' facts per unit. */
interface DeskPlan {
  org: string;
  /** Alarm cases: when received, and whether still new. */
  alarms: { at: number; handled: boolean; enterprise?: string }[];
  orders: { deadline: number; closed: number | null; enterprise?: string }[];
  inspections: { sent: number; deadline: number; answered: number | null }[];
}

const NOW = beijing(12, 3, 12);

const DESKS_PLAN: DeskPlan[] = [
  {
    org: '410105',
    alarms: [
      { at: beijing(11, 25), handled: true },
      { at: beijing(11, 27, 9), handled: false, enterprise: 'ASSESS-JS' },
      { at: beijing(11, 30, 23, 59), handled: true },
      { at: beijing(12, 1, 0, 1), handled: true, enterprise: 'ASSESS-JS' },
      { at: beijing(11, 25) - 1, handled: true },
      { at: beijing(12, 3, 8), handled: false },
    ],
    orders: [
      { deadline: beijing(11, 26, 18), closed: beijing(11, 26, 10), enterprise: 'ASSESS-JS' },
      { deadline: beijing(11, 28, 18), closed: beijing(11, 29, 9), enterprise: 'ASSESS-JS' },
      { deadline: beijing(12, 1, 18), closed: null },
      { deadline: beijing(12, 2, 18), closed: beijing(12, 2, 18) },
      // Due today: on time, and one still open before its deadline (not due yet).
      { deadline: beijing(12, 3, 20), closed: beijing(12, 3, 10) },
      { deadline: beijing(12, 3, 20), closed: null },
    ],
    inspections: [
      { sent: beijing(11, 25, 10), deadline: beijing(11, 25, 10, 10), answered: beijing(11, 25, 10, 3) },
      { sent: beijing(11, 29, 10), deadline: beijing(11, 29, 10, 10), answered: null },
      { sent: beijing(12, 1, 2), deadline: beijing(12, 1, 2, 10), answered: beijing(12, 1, 2, 9) },
      { sent: beijing(12, 3, 11, 55), deadline: beijing(12, 3, 12, 5), answered: null },
    ],
  },
  {
    org: '410102',
    alarms: [{ at: beijing(11, 28, 3), handled: false }],
    orders: [{ deadline: beijing(11, 30, 12), closed: beijing(11, 30, 11) }],
    inspections: [{ sent: beijing(11, 26, 15), deadline: beijing(11, 26, 15, 10), answered: null }],
  },
  {
    org: '410302',
    alarms: [
      { at: beijing(11, 30, 20), handled: true, enterprise: 'ASSESS-LY' },
      { at: beijing(12, 2, 20), handled: true, enterprise: 'ASSESS-JS' },
    ],
    orders: [{ deadline: beijing(12, 1, 12), closed: beijing(12, 1, 13), enterprise: 'ASSESS-LY' }],
    inspections: [{ sent: beijing(12, 1, 9), deadline: beijing(12, 1, 9, 10), answered: beijing(12, 1, 9, 1) }],
  },
  {
    org: '410225',
    alarms: [{ at: beijing(11, 29, 1), handled: false }],
    orders: [],
    inspections: [{ sent: beijing(11, 29, 1), deadline: beijing(11, 29, 1, 10), answered: beijing(11, 29, 1, 2) }],
  },
  // The city's own desk.
  {
    org: '410100',
    alarms: [{ at: beijing(11, 26, 12), handled: true }],
    orders: [],
    inspections: [],
  },
];

interface Fix {
  at: number;
  lat: number;
  positioned: boolean;
}

/** Every fix of a vehicle, and its legs with the times of both ends. */
function fixesOf(plan: VehiclePlan): { fixes: Fix[]; legs: (Leg & { from: number; to: number })[] } {
  const fixes: Fix[] = (plan.fixes ?? []).map((f) => ({ at: f.at, lat: 34.5, positioned: f.positioned }));
  const legs: (Leg & { from: number; to: number })[] = [];
  // A vehicle sets off again where it stopped: the pause between its tracks is a long leg of no distance.
  let lat = 34.0;
  for (const track of plan.tracks ?? []) {
    let at = track.start;
    fixes.push({ at, lat, positioned: true });
    for (const leg of track.legs) {
      const from = at;
      at += leg.seconds * 1000;
      lat += leg.steps * STEP_DEG;
      fixes.push({ at, lat, positioned: true });
      legs.push({ ...leg, from, to: at });
    }
  }
  return { fixes, legs };
}

interface Expected {
  entry: [number, number];
  online: [number, number];
  /** In steps: continuous, total. */
  track: [number, number];
  overspeed: [number, number];
  alarms: [number, number];
  orders: [number, number];
  inspections: [number, number];
  /** Qualified positions, and every report (positions and refused frames) of the vehicles with a terminal. */
  qualified: [number, number];
  /** Online vehicles that drifted, and online vehicles. */
  drift: [number, number];
  /** Fatigue minutes inside the period, and online vehicles. */
  fatigue: [number, number];
}

/**
 * The plan's truth for the units `codes` over [from, to), from the labels above; with `enterprise`, for that
 * enterprise's vehicles and its alarm cases and orders within `codes` (and no inspections).
 */
function expected(codes: readonly string[], from: number, to: number, enterprise?: string): Expected {
  const mine = (item: { enterprise?: string }): boolean => enterprise === undefined || item.enterprise === enterprise;
  const inside = (t: number): boolean => t >= from && t < to;
  const e: Expected = {
    entry: [0, 0],
    online: [0, 0],
    track: [0, 0],
    overspeed: [0, 0],
    alarms: [0, 0],
    orders: [0, 0],
    inspections: [0, 0],
    qualified: [0, 0],
    drift: [0, 0],
    fatigue: [0, 0],
  };
  const vehicles = VEHICLES_PLAN.filter((v) =>
    enterprise === undefined ? codes.includes(v.home) : v.enterprise === enterprise,
  );
  for (const plan of vehicles) {
    e.entry[1]++;
    if (plan.terminal === '') continue;
    e.entry[0]++;
    e.online[1]++;
    const { fixes, legs } = fixesOf(plan);
    const online = fixes.some((f) => inside(f.at));
    if (online) e.online[0]++;
    if (online) e.overspeed[1]++;
    e.overspeed[0] += (plan.overspeed ?? []).filter(inside).length;
    for (const fix of fixes.filter((f) => inside(f.at))) {
      e.qualified[1]++;
      // The plan's fixes are in Henan at 53 km/h heading north: qualified exactly when positioned.
      if (fix.positioned) e.qualified[0]++;
    }
    e.qualified[1] += (plan.rejects ?? []).filter(inside).length;
    if (online) e.drift[1]++;
    if (online && (plan.drift ?? []).some(inside)) e.drift[0]++;
    if (online) e.fatigue[1]++;
    for (const episode of plan.fatigue ?? []) {
      const end = Math.min(episode.end ?? to, to);
      e.fatigue[0] += Math.max(0, end - Math.max(episode.start, from)) / MINUTE_MS;
    }
    for (const leg of legs.filter((l) => inside(l.from) && inside(l.to))) {
      e.track[1] += leg.steps;
      if (!leg.gap) e.track[0] += leg.steps;
    }
  }
  for (const desk of DESKS_PLAN.filter((d) => codes.includes(d.org))) {
    for (const alarm of desk.alarms.filter((a) => inside(a.at) && mine(a))) {
      e.alarms[1]++;
      if (alarm.handled) e.alarms[0]++;
    }
    for (const order of desk.orders.filter((o) => inside(o.deadline) && mine(o))) {
      if (order.closed !== null || order.deadline <= NOW) e.orders[1]++;
      if (order.closed !== null && order.closed <= order.deadline) e.orders[0]++;
    }
    for (const inspection of desk.inspections.filter((i) => inside(i.sent) && enterprise === undefined)) {
      if (inspection.answered !== null || inspection.deadline <= NOW) e.inspections[1]++;
      if (inspection.answered !== null && inspection.answered <= inspection.deadline) e.inspections[0]++;
    }
  }
  return e;
}

function checkUnit(unit: AssessmentUnit | undefined, e: Expected, what: string): void {
  expect(unit, what).toBeDefined();
  const f = unit!.figures;
  const pair = (id: keyof typeof f, [numerator, denominator]: [number, number]): void => {
    expect({ id, numerator: f[id].numerator, denominator: f[id].denominator }, what).toEqual({
      id,
      numerator,
      denominator,
    });
    if (denominator === 0) expect(f[id].value, `${what} ${id}`).toBeNull();
    else expect(f[id].value, `${what} ${id}`).toBeCloseTo(numerator / denominator, 12);
  };
  pair('entry_rate', e.entry);
  pair('online_rate', e.online);
  pair('avg_overspeed_count', e.overspeed);
  pair('alarm_handling_rate', e.alarms);
  pair('ontime_closure_rate', e.orders);
  pair('inspection_response_rate', e.inspections);
  pair('data_qualified_rate', e.qualified);
  pair('drift_rate', e.drift);
  pair('avg_fatigue_minutes', e.fatigue);
  // Kilometres along a meridian: the ratio of steps, and each distance within 0.5 % of the steps' length.
  const track = f.track_completeness;
  const [continuous, total] = e.track;
  if (total === 0) {
    expect(track.denominator, what).toBe(0);
    expect(track.value, what).toBeNull();
  } else {
    expect(track.value!, `${what} track_completeness`).toBeCloseTo(continuous / total, 4);
    expect(Math.abs(track.denominator - total * STEP_KM) / (total * STEP_KM), what).toBeLessThan(0.005);
    expect(Math.abs(track.numerator - continuous * STEP_KM) / Math.max(1, continuous * STEP_KM), what).toBeLessThan(
      0.005,
    );
  }
}

async function insert(analytics: Analytics, table: TableSpec, rows: Record<string, unknown>[], token: string) {
  const encoder = tsvEncoderFor(table);
  await analytics.writer.insertTabSeparated(table.name, encoder.columns, encoder.encodeRows(rows), token);
}

async function writeFacts(h: CenterHarness, analytics: Analytics): Promise<void> {
  const now = NOW;
  await insert(
    analytics,
    VEHICLES,
    VEHICLES_PLAN.map((v) => ({
      plate: v.plate,
      plate_color: 2,
      vehicle_class: 'heavy_truck',
      axles: 3,
      enterprise_id: v.enterprise ?? '',
      enterprise_org_code: v.enterprise === undefined ? '' : ENTERPRISES_PLAN[v.enterprise]!,
      home_org_code: v.home,
      terminal_id: v.terminal,
      permit_valid_until: null,
      route_length_km: 0,
      source: 'test',
      updated_at: now,
      mirrored_at: now,
    })),
    'assessment-vehicles',
  );
  const telemetry = VEHICLES_PLAN.filter((v) => v.terminal !== '').flatMap((v) =>
    fixesOf(v).fixes.map((fix) => ({
      terminal_id: v.terminal,
      plate: v.plate,
      ts: fix.at,
      received_at: fix.at + 1000,
      lat: fix.positioned ? fix.lat : 0,
      lon: fix.positioned ? 113.65 : 0,
      altitude_m: 100,
      speed_kmh: 53,
      direction_deg: 0,
      alarm_bits: 0,
      status_bits: fix.positioned ? 0b11 : 0b01,
      source: 'jt808',
      backfill: 0,
      extras: '',
      org_code: '',
    })),
  );
  await insert(analytics, TELEMETRY, telemetry, 'assessment-telemetry');
  // The same fixes again, received later (a replay): the track must not count them twice.
  await insert(
    analytics,
    TELEMETRY,
    telemetry.map((row) => ({ ...row, received_at: row.received_at + 5000 })),
    'assessment-telemetry-replay',
  );
  const alarms = VEHICLES_PLAN.flatMap((v) =>
    (v.overspeed ?? []).flatMap((start, i) =>
      // Each episode in two versions (opened, then ended): one episode.
      [1, 2].map((version) => ({
        alarm_id: `assess-${v.terminal}-${i}`,
        rule: 'overspeed',
        rule_version: 1,
        severity: 'warning',
        terminal_id: v.terminal,
        plate: v.plate,
        started_at: start,
        ended_at: version === 2 ? start + MINUTE_MS : null,
        org_code: v.home,
        lat: 34,
        lon: 113.65,
        late: 0,
        details: '{}',
        version,
        updated_at: start + version,
      })),
    ),
  );
  // Other rules' episodes: fatigue (an open one in two versions, the first ended, to check the latest wins) and
  // drift. None of them is an overspeed.
  for (const v of VEHICLES_PLAN) {
    for (const [i, episode] of (v.fatigue ?? []).entries())
      alarms.push({
        ...alarms[0]!,
        alarm_id: `assess-fatigue-${v.terminal}-${i}`,
        rule: 'fatigue',
        terminal_id: v.terminal,
        plate: v.plate,
        started_at: episode.start,
        ended_at: episode.end,
        version: 2,
      });
    for (const [i, start] of (v.drift ?? []).entries())
      alarms.push({
        ...alarms[0]!,
        alarm_id: `assess-drift-${v.terminal}-${i}`,
        rule: 'gps_drift',
        terminal_id: v.terminal,
        plate: v.plate,
        started_at: start,
        ended_at: start + MINUTE_MS,
        version: 1,
      });
  }
  const stale = alarms.find((a) => a.alarm_id.startsWith('assess-fatigue-013900070004'));
  if (stale) alarms.push({ ...stale, ended_at: stale.started_at + MINUTE_MS, version: 1 });
  await insert(analytics, ALARMS, alarms, 'assessment-alarms');
  await insert(
    analytics,
    INGEST_REJECTS,
    VEHICLES_PLAN.flatMap((v) =>
      (v.rejects ?? []).map((at, i) => ({
        received_at: at,
        source: 'jt808',
        reason: 'bad_time',
        detail: '',
        raw: `frame ${i}`,
        peer: '127.0.0.1',
        terminal_id: v.terminal,
      })),
    ),
    'assessment-rejects',
  );

  let n = 0;
  for (const desk of DESKS_PLAN) {
    for (const alarm of desk.alarms) {
      const at = new Date(alarm.at);
      await h.sql.query(
        `INSERT INTO alarm_cases (alarm_id, rule, severity, version, started_at, event_org_code, lat, lon, org_code,
           department, state, received_at, updated_at, enterprise_id)
         VALUES ($1, 'overspeed', 'warning', 1, $2, $3, 34, 113, $3, 'road_transport', $4, $2, $2, $5)`,
        [`assess-case-${++n}`, at, desk.org, alarm.handled ? 'acknowledged' : 'new', alarm.enterprise ?? null],
      );
    }
    for (const order of desk.orders)
      await h.sql.query(
        `INSERT INTO work_orders (title, source, category, severity, issuer_org, org_code, department, state,
           deadline_at, created_at, updated_at, closed_at, enterprise_id)
         VALUES ('整改', 'top_down', 'rectification', 'warning', '410000', $1, 'road_transport', $2, $3, $4, $4, $5, $6)`,
        [
          desk.org,
          order.closed === null ? 'in_progress' : 'accepted',
          new Date(order.deadline),
          new Date(order.deadline - 48 * HOUR_MS),
          order.closed === null ? null : new Date(order.closed),
          order.enterprise ?? null,
        ],
      );
    for (const inspection of desk.inspections) {
      const missed = inspection.answered === null && inspection.deadline <= NOW;
      await h.sql.query(
        `INSERT INTO duty_inspections (from_org, to_org, mode, question, sent_by_name, sent_at, deadline_at, status,
           answered_at, answered_by_name, answer)
         VALUES ('410000', $1, 'random', '在岗吗', '省值班员', $2, $3, $4, $5, $6, $7)`,
        [
          desk.org,
          new Date(inspection.sent),
          new Date(inspection.deadline),
          inspection.answered !== null ? 'answered' : missed ? 'missed' : 'sent',
          inspection.answered === null ? null : new Date(inspection.answered),
          inspection.answered === null ? null : '值班员',
          inspection.answered === null ? null : '在岗',
        ],
      );
    }
  }
}

/**
 * Every check runs twice: over the raw facts of the period (no aggregates), and over the daily aggregates of every
 * closed day rolled up before the first request (today, 3 December, still from the raw facts).
 */
const PATHS = [
  { name: 'the raw facts', rolled: false },
  { name: 'the daily aggregates', rolled: true },
];

describe.each(PATHS)('assessment indicators (GET /api/assessment) over $name', ({ rolled }) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-assessment-'));
  let analytics: Analytics;
  let h: CenterHarness;
  let province: string;
  let zhengzhou: string;
  let jinshui: string;
  let enterprise: string;

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
      const pass = await h.centre.rollups!.tick();
      // Every closed day with facts, 24 November to 2 December, is stored; the periods asked end on 3 December.
      expect(pass.rolled.filter((r) => r.rows > 0).map((r) => r.day)).toEqual([
        20261202, 20261201, 20261130, 20261129, 20261128, 20261127, 20261126, 20261125, 20261124,
      ]);
      const stored = await h.centre.rollups!.storedDays(
        beijing(11, 25),
        beijing(12, 4),
        await h.centre.rollups!.thresholds(),
      );
      expect(stored.size).toBe(8);
    } else expect(h.centre.rollups).toBeUndefined();
    province = (await h.user('assess-province', 'leader', '410000')).token;
    zhengzhou = (await h.user('assess-zhengzhou', 'analyst', '410100')).token;
    jinshui = (await h.user('assess-jinshui', 'duty_officer', '410105')).token;
    await h.call(h.adminToken, 'POST', '/api/enterprises', { id: 'ASSESS-E', name: '考核企业', org_code: '410105' });
    enterprise = (await h.user('assess-enterprise', 'enterprise', '410105', { enterprise_id: 'ASSESS-E' })).token;
  });

  afterAll(async () => {
    await h?.close();
    await analytics?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (token: string, query: string) => h.call<AssessmentReport>(token, 'GET', `/api/assessment?${query}`);
  const ZHENGZHOU_COUNTIES = ['410100', '410102', '410105'];
  const ALL = [...ZHENGZHOU_COUNTIES, '410302', '410225'];

  it('answers the province per city and 省直管县 across the month boundary, every figure from the plan', async () => {
    const from = beijing(11, 25);
    const to = beijing(12, 3);
    const { status, body } = await get(province, 'from=2026-11-25&to=2026-12-02');
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.period).toEqual({
      from: '2026-11-25',
      to: '2026-12-02',
      days: 8,
      starts_at: from,
      ends_at: to,
      time_zone: 'Asia/Shanghai',
    });
    expect(body.level).toBe('children');
    checkUnit(body.totals, expected(ALL, from, to), 'province');
    const unit = (code: string) => body.units.find((u) => u.org_code === code);
    checkUnit(unit('410100'), expected(ZHENGZHOU_COUNTIES, from, to), '郑州市');
    checkUnit(unit('410300'), expected(['410302'], from, to), '洛阳市');
    const lankao = unit('410225');
    expect(lankao?.directly_administered).toBe(true);
    checkUnit(lankao, expected(['410225'], from, to), '兰考县');
    // Kaifeng is 兰考's statistical city, but the province commands 兰考: Kaifeng's row holds none of it.
    checkUnit(unit('410200'), expected([], from, to), '开封市');
    // Sanity of the plan itself: the bounds and labels are exercised.
    const all = expected(ALL, from, to);
    expect(all.online[0]).toBeLessThan(all.online[1]);
    expect(all.track[0]).toBeLessThan(all.track[1]);
    expect(all.orders[0]).toBeLessThan(all.orders[1]);
    expect(all.inspections[0]).toBeLessThan(all.inspections[1]);
  });

  it('answers December alone, and November alone, from the same facts', async () => {
    for (const [query, from, to] of [
      ['from=2026-12-01&to=2026-12-03', beijing(12, 1), beijing(12, 4)],
      ['from=2026-11-01&to=2026-11-30', beijing(11, 1), beijing(12, 1)],
    ] as const) {
      const { status, body } = await get(province, `${query}&level=county`);
      expect(status, JSON.stringify(body)).toBe(200);
      checkUnit(body.totals, expected(ALL, from, to), `province ${query}`);
      for (const code of ['410102', '410105', '410302', '410225'])
        checkUnit(
          body.units.find((u) => u.org_code === code),
          expected([code], from, to),
          `${code} ${query}`,
        );
      expect(body.units.every((u) => u.level === 'county')).toBe(true);
    }
  });

  it('answers a city for itself and its counties, a county for itself, and lists cities at level=city', async () => {
    const from = beijing(11, 25);
    const to = beijing(12, 3);
    const city = await get(zhengzhou, 'from=2026-11-25&to=2026-12-02');
    expect(city.status, JSON.stringify(city.body)).toBe(200);
    checkUnit(city.body.totals, expected(ZHENGZHOU_COUNTIES, from, to), 'Zhengzhou totals');
    checkUnit(
      city.body.units.find((u) => u.org_code === '410105'),
      expected(['410105'], from, to),
      'Zhengzhou 金水区',
    );
    expect(city.body.units.some((u) => u.org_code === '410302')).toBe(false);

    const county = await get(jinshui, 'from=2026-11-25&to=2026-12-02');
    checkUnit(county.body.totals, expected(['410105'], from, to), '金水区');
    expect(county.body.units).toEqual([]);

    const cities = await get(province, 'from=2026-11-25&to=2026-12-02&level=city');
    expect(cities.body.units.map((u) => u.org_code)).toEqual(expect.arrayContaining(['410100', '410300', '410225']));
    expect(cities.body.units.some((u) => u.org_code === '410105')).toBe(false);
    checkUnit(
      cities.body.units.find((u) => u.org_code === '410100'),
      expected(ZHENGZHOU_COUNTIES, from, to),
      'level=city 郑州市',
    );

    const narrowed = await get(province, 'from=2026-11-25&to=2026-12-02&unit=410100');
    checkUnit(narrowed.body.totals, expected(ZHENGZHOU_COUNTIES, from, to), 'unit=410100');
  });

  it('keeps callers in their scope and refuses a bad period naming the field', async () => {
    expect((await get(zhengzhou, 'from=2026-11-25&to=2026-12-02&unit=410300')).status).toBe(404);
    expect((await get(jinshui, 'from=2026-11-25&to=2026-12-02&unit=410100')).status).toBe(404);
    expect((await get(enterprise, 'from=2026-11-25&to=2026-12-02')).status).toBe(403);
    const refusals: [string, string][] = [
      ['to=2026-12-02', 'from'],
      ['from=2026-11-25', 'to'],
      ['from=2026-02-30&to=2026-03-02', 'from'],
      ['from=2026-12-02&to=2026-11-25', 'to'],
      ['from=2025-01-01&to=2026-01-02', 'to'],
      ['from=20261125&to=2026-12-02', 'from'],
      ['from=2026-11-25&to=2026-12-02&level=town', 'level'],
      ['from=2026-11-25&to=2026-12-02&format=pdf', 'format'],
    ];
    for (const [query, field] of refusals) {
      const reply = await h.call<{ error: string; field: string }>(province, 'GET', `/api/assessment?${query}`);
      expect({ query, status: reply.status, field: reply.body.field }).toEqual({ query, status: 400, field });
    }
    const county = await h.call<{ field: string }>(
      jinshui,
      'GET',
      '/api/assessment?from=2026-11-25&to=2026-11-25&level=city',
    );
    expect({ status: county.status, field: county.body.field }).toEqual({ status: 400, field: 'level' });
    // A whole leap year is allowed.
    expect((await get(province, 'from=2028-01-01&to=2028-12-31')).status).toBe(200);
  });

  it('answers per enterprise: its vehicles, and its alarm cases and orders within what the caller sees', async () => {
    const from = beijing(11, 25);
    const to = beijing(12, 3);
    const all = await get(province, 'from=2026-11-25&to=2026-12-02&level=enterprise');
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body.units.map((u) => u.enterprise_id)).toEqual(['ASSESS-E', 'ASSESS-JS', 'ASSESS-LK', 'ASSESS-LY']);
    for (const id of [...Object.keys(ENTERPRISES_PLAN), 'ASSESS-E'])
      checkUnit(
        all.body.units.find((u) => u.enterprise_id === id),
        expected(ALL, from, to, id),
        `province ${id}`,
      );
    expect(all.body.units.find((u) => u.enterprise_id === 'ASSESS-E')!.figures.online_rate.value).toBeNull();
    checkUnit(all.body.totals, expected(ALL, from, to), 'province totals at level=enterprise');
    // Zhengzhou sees its own enterprises; the alarm of ASSESS-JS routed to Luoyang is not in its figure.
    const city = await get(zhengzhou, 'from=2026-11-25&to=2026-12-02&level=enterprise');
    expect(city.body.units.map((u) => u.enterprise_id)).toEqual(['ASSESS-E', 'ASSESS-JS']);
    checkUnit(city.body.units[1], expected(ZHENGZHOU_COUNTIES, from, to, 'ASSESS-JS'), 'Zhengzhou ASSESS-JS');
    expect(city.body.units[1]!.figures.alarm_handling_rate.denominator).toBeLessThan(
      all.body.units[1]!.figures.alarm_handling_rate.denominator,
    );
  });

  it('lists the rows behind every figure, whose sums are the figure', async () => {
    const from = beijing(11, 25);
    const to = beijing(12, 3);
    const ids = ASSESSMENT_INDICATOR_IDS;
    for (const [token, codes, what] of [
      [jinshui, ['410105'], '金水区'],
      [province, ALL, 'province'],
    ] as [string, readonly string[], string][]) {
      const report = (await get(token, 'from=2026-11-25&to=2026-12-02')).body;
      for (const id of ids) {
        const reply = await h.call<AssessmentItems>(
          token,
          'GET',
          `/api/assessment/items?indicator=${id}&from=2026-11-25&to=2026-12-02`,
        );
        expect(reply.status, JSON.stringify(reply.body)).toBe(200);
        const { items, figure, truncated } = reply.body;
        expect(truncated).toBe(false);
        expect(figure).toEqual(report.totals.figures[id]);
        const sum = (key: 'numerator' | 'denominator'): number => items.reduce((n, item) => n + item[key], 0);
        expect(sum('numerator'), `${what} ${id}`).toBeCloseTo(figure.numerator, 2);
        expect(sum('denominator'), `${what} ${id}`).toBeCloseTo(figure.denominator, 2);
        expect(
          items.every((item) => codes.includes(item.org_code)),
          `${what} ${id}`,
        ).toBe(true);
      }
    }
    // The offline vehicles of 金水区 are named: the one silent since before the period.
    const online = await h.call<AssessmentItems>(
      jinshui,
      'GET',
      '/api/assessment/items?indicator=online_rate&from=2026-11-25&to=2026-12-02',
    );
    const e = expected(['410105'], from, to);
    expect(online.body.items.filter((item) => item.numerator === 0).map((item) => item.id)).toEqual(['豫A7A005/2']);
    expect(online.body.items.length).toBe(e.online[1]);
    const late = await h.call<AssessmentItems>(
      jinshui,
      'GET',
      '/api/assessment/items?indicator=ontime_closure_rate&from=2026-11-25&to=2026-12-02&limit=1',
    );
    expect({ n: late.body.items.length, truncated: late.body.truncated }).toEqual({ n: 1, truncated: true });
    expect(
      (
        await h.call(
          zhengzhou,
          'GET',
          '/api/assessment/items?indicator=online_rate&from=2026-11-25&to=2026-12-02&unit=410300',
        )
      ).status,
    ).toBe(404);
    const bad = await h.call<{ field: string }>(
      province,
      'GET',
      '/api/assessment/items?indicator=happiness&from=2026-11-25&to=2026-12-02',
    );
    expect({ status: bad.status, field: bad.body.field }).toEqual({ status: 400, field: 'indicator' });
  });

  it('computes with the thresholds of the configuration in force, and names its version', async () => {
    const from = beijing(11, 25);
    const to = beijing(12, 3);
    const before = (await get(province, 'from=2026-11-25&to=2026-12-02')).body;
    expect(before.parameters).toEqual({
      config_version: 0,
      track_gap_seconds: 120,
      track_gap_km: 2,
      overspeed_rules: ['overspeed'],
      fatigue_rules: ['fatigue', 'terminal_fatigue'],
      drift_rules: ['gps_drift'],
    });
    const refused = await h.call<{ field: string }>(h.adminToken, 'PUT', '/api/config/assessment', {
      value: { track_gap_seconds: 120, track_gap_km: 2, overspeed_rules: ['speeding'] },
    });
    expect({ status: refused.status, field: refused.body.field }).toEqual({
      status: 400,
      field: 'assessment.overspeed_rules[0]',
    });
    // Breaks of the plan are 10 steps (about 4.4 km): with 5 km they are continuous; fatigue counts as overspeed.
    // A value without fatigue_rules and drift_rules (as versions saved before them) takes their defaults.
    const put = await h.call(h.adminToken, 'PUT', '/api/config/assessment', {
      value: { track_gap_seconds: 120, track_gap_km: 5, overspeed_rules: ['overspeed', 'fatigue'] },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const after = (await get(province, 'from=2026-11-25&to=2026-12-02')).body;
    expect(after.parameters).toMatchObject({ config_version: 1, track_gap_km: 5 });
    const e = expected(ALL, from, to);
    expect(after.totals.figures.track_completeness.value).toBeCloseTo(1, 6);
    expect(after.totals.figures.track_completeness.denominator).toBeCloseTo(
      before.totals.figures.track_completeness.denominator,
      3,
    );
    const fatigueStarted = VEHICLES_PLAN.flatMap((v) => v.fatigue ?? []).filter(
      (f) => f.start >= from && f.start < to,
    ).length;
    expect(fatigueStarted).toBeGreaterThan(0);
    expect(after.totals.figures.avg_overspeed_count.numerator).toBe(e.overspeed[0] + fatigueStarted);
    expect(after.parameters).toMatchObject({ fatigue_rules: ['fatigue', 'terminal_fatigue'] });
    // Back to the defaults for the other tests.
    await h.call(h.adminToken, 'PUT', '/api/config/assessment', {
      value: { track_gap_seconds: 120, track_gap_km: 2, overspeed_rules: ['overspeed'] },
    });
  });

  it('gives analysts the same online vehicles with the documented example SQL', async () => {
    const doc = readFileSync(path.join(import.meta.dirname, '..', 'docs', 'assessment.md'), 'utf8');
    const example = /```sql\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const result = await analytics.analysts.run(example!, { userKey: 'assessment-doc', orgCodes: 'all' });
    const november = (code: string) => expected([code], beijing(11, 1), beijing(12, 1)).online;
    expect(result.rows.map((row) => row.map(String))).toEqual(
      ['410102', '410105', '410225', '410302'].map((code) => [code, ...november(code).reverse().map(String)]),
    );
  });

  it('exports the same figures as an XLSX workbook with Chinese headers', async () => {
    const json = (await get(province, 'from=2026-11-25&to=2026-12-02')).body;
    const res = await fetch(`${h.baseUrl}/api/assessment?from=2026-11-25&to=2026-12-02&format=xlsx`, {
      headers: { authorization: `Bearer ${province}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toContain('assessment-410000-2026-11-25-2026-12-02.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet('考核指标')!;
    expect(String(sheet.getCell('A1').value)).toContain('2026-11-25 至 2026-12-02');
    const headers = (sheet.getRow(2).values as unknown[]).slice(1);
    expect(headers.slice(0, 4)).toEqual(['代码', '名称', '层级', '入网率']);
    expect(headers).toContain('上线率');
    expect(headers).toContain('查岗响应率');
    expect(headers).toContain('上线率分母（入网车辆数）');
    const column = (header: string): number => headers.indexOf(header) + 1;
    // Row 3 is the province as a whole, then one row per unit in the answer's order.
    const rows = [json.totals, ...json.units];
    expect(sheet.rowCount).toBe(2 + rows.length);
    rows.forEach((unit, i) => {
      const row = sheet.getRow(3 + i);
      expect(row.getCell(1).value).toBe(unit.org_code);
      const online = unit.figures.online_rate;
      expect(row.getCell(column('上线率')).value).toBe(online.value);
      expect(row.getCell(column('上线率分子（考核期内至少上报一次位置的入网车辆数）')).value).toBe(online.numerator);
      expect(row.getCell(column('工单按时办结率分母（考核期内到期的工单数）')).value).toBe(
        unit.figures.ontime_closure_rate.denominator,
      );
    });
    const zhengzhouRow = sheet.getRow(3 + 1 + json.units.findIndex((u) => u.org_code === '410100'));
    expect(zhengzhouRow.getCell(2).value).toBe('郑州市');
    expect(zhengzhouRow.getCell(3).value).toBe('市');
    const e = expected(ZHENGZHOU_COUNTIES, beijing(11, 25), beijing(12, 3));
    expect(zhengzhouRow.getCell(column('报警处理率')).value).toBeCloseTo(e.alarms[0] / e.alarms[1], 12);
    expect(sheet.getRow(3 + 1 + json.units.findIndex((u) => u.org_code === '410225')).getCell(3).value).toBe(
      '省直管县',
    );
    expect(sheet.getColumn(column('上线率')).numFmt).toBe('0.00%');
    const notes = workbook.getWorksheet('指标说明')!;
    expect((notes.getRow(1).values as unknown[]).slice(1)).toEqual(['指标编号', '指标名称', '分子', '分母', '单位']);
    expect(notes.getRow(2).getCell(1).value).toBe('entry_rate');
  });
});
