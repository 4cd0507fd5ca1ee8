/**
 * The command-centre summary (`GET /api/summary`) against a hand-built set of alarm cases, work orders and
 * vehicles, on PGlite and on a real PostgreSQL server: every figure is counted by hand below. The clock is the
 * harness's, 2026-11-28 08:00 Beijing time, so "today" began at 2026-11-27 16:00 UTC.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CentreSummary, SummaryUnit } from '../schema/index.js';
import { MemoryLog } from '../stream/index.js';
import { CentreSummaries } from '../center/summary/centre-summary.js';
import { OnlineVehicles, ONLINE_VEHICLES_DEFAULTS } from '../center/summary/online-vehicles.js';
import {
  freshTarget,
  startCenterHarness,
  STORE_KINDS,
  useStoreServer,
  type CenterHarness,
} from './support/center-harness.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
// 金水区 (Zhengzhou), where an unregistered vehicle is heard.
const JINSHUI = { lat: 34.80109, lon: 113.65453 };

interface AlarmCase {
  id: string;
  org: string;
  state: string;
  receivedAgoMs: number;
  enterprise?: string;
}

interface Order {
  org: string;
  state: string;
  deadlineInMs: number;
  enterprise?: string;
}

// The clock stands at 08:00 Beijing: 8 h into the day.
const ALARMS: AlarmCase[] = [
  { id: 'a1', org: '410105', state: 'new', receivedAgoMs: 1 * HOUR_MS, enterprise: 'ZZ-1' },
  { id: 'a2', org: '410105', state: 'acknowledged', receivedAgoMs: 2 * HOUR_MS, enterprise: 'ZZ-1' },
  { id: 'a3', org: '410102', state: 'dispatched', receivedAgoMs: 3 * HOUR_MS },
  { id: 'a4', org: '410100', state: 'dismissed', receivedAgoMs: 4 * HOUR_MS },
  { id: 'a5', org: '410302', state: 'closed', receivedAgoMs: 5 * HOUR_MS },
  { id: 'a6', org: '410302', state: 'new', receivedAgoMs: 7 * HOUR_MS },
  // One minute before midnight Beijing: yesterday's, counted nowhere.
  { id: 'a7', org: '410105', state: 'acknowledged', receivedAgoMs: 8 * HOUR_MS + MINUTE_MS, enterprise: 'ZZ-1' },
  // The province's own: in the province's totals, in no city's row.
  { id: 'a8', org: '410000', state: 'new', receivedAgoMs: 30 * MINUTE_MS },
];

const ORDERS: Order[] = [
  { org: '410105', state: 'issued', deadlineInMs: 2 * HOUR_MS, enterprise: 'ZZ-1' },
  // Falls due once the clock moves 90 minutes.
  { org: '410105', state: 'in_progress', deadlineInMs: 1 * HOUR_MS },
  { org: '410102', state: 'accepted', deadlineInMs: -5 * HOUR_MS },
  { org: '410302', state: 'signed', deadlineInMs: -1 * HOUR_MS },
  { org: '410100', state: 'returned', deadlineInMs: 10 * HOUR_MS, enterprise: 'ZZ-1' },
];

function unit(summary: CentreSummary, code: string): SummaryUnit {
  const found = summary.units.find((u) => u.org_code === code);
  if (found === undefined) throw new Error(`no unit ${code} in ${summary.units.map((u) => u.org_code).join(',')}`);
  return found;
}

describe.each(STORE_KINDS)('command-centre summary on %s', (kind) => {
  const server = useStoreServer(kind);
  let h: CenterHarness;
  const tokens: Record<string, string> = {};

  async function summaryOf(who: string): Promise<CentreSummary> {
    const reply = await h.call<CentreSummary>(tokens[who], 'GET', '/api/summary');
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body;
  }

  beforeAll(async () => {
    h = await startCenterHarness(await freshTarget(kind, server(), 'summary'));
    const now = h.clock.now;
    expect(
      (await h.call(h.adminToken, 'POST', '/api/enterprises', { id: 'ZZ-1', name: '郑州企业', org_code: '410100' }))
        .status,
    ).toBe(201);
    for (const a of ALARMS) {
      const at = new Date(now - a.receivedAgoMs);
      await h.sql.query(
        `INSERT INTO alarm_cases (alarm_id, rule, severity, version, started_at, event_org_code, lat, lon, org_code, department, enterprise_id, state, received_at, updated_at)
         VALUES ($1, 'overspeed', 'warning', 1, $2, $3, 34.8, 113.6, $3, 'road_transport', $4, $5, $2, $2)`,
        [a.id, at, a.org, a.enterprise ?? null, a.state],
      );
    }
    for (const [index, o] of ORDERS.entries()) {
      await h.sql.query(
        `INSERT INTO work_orders (title, source, category, severity, issuer_org, org_code, department, enterprise_id, state, deadline_at, created_at, updated_at)
         VALUES ($1, 'top_down', 'overspeed', 'warning', '410000', $2, 'road_transport', $3, $4, $5, $6, $6)`,
        [
          `order ${index}`,
          o.org,
          o.enterprise ?? null,
          o.state,
          new Date(now + o.deadlineInMs),
          new Date(now - HOUR_MS),
        ],
      );
    }
    // Registered vehicles: two at home in 金水区 (one of ZZ-1), one in 洛阳老城区, one with no known home.
    const vehicles = [
      ['豫A00001', '410105', 'ZZ-1', 'T1'],
      ['豫A00002', '410105', '', 'T3'],
      ['豫C00001', '410302', '', 'T2'],
      ['豫A00009', '', '', 'T4'],
    ];
    for (const [plate, home, enterprise, terminal] of vehicles) {
      await h.sql.query(
        `INSERT INTO vehicles (plate, plate_color, vehicle_class, enterprise_id, terminal_id, home_org_code) VALUES ($1, 2, 'heavy_truck', $2, $3, $4)`,
        [plate, enterprise, terminal, home],
      );
    }
    tokens.admin = h.adminToken;
    tokens.provinceWall = h.adminToken;
    tokens.cityWall = (await h.user('wall-zz', 'wall', '410100')).token;
    tokens.countyOfficer = (await h.user('officer-jinshui', 'duty_officer', '410105')).token;
    tokens.enterprise = (await h.user('enterprise-zz', 'enterprise', '410100', { enterprise_id: 'ZZ-1' })).token;
  });

  afterAll(async () => {
    await h?.close();
  });

  it('counts the province: alarms today, handling rate, open and overdue orders, cities ranked by handling rate', async () => {
    const s = await summaryOf('admin');
    expect(s.scope).toEqual({
      kind: 'org',
      org_code: '410000',
      name: '河南省',
      level: 'province',
      directly_administered: false,
      enterprise_id: null,
    });
    expect(s.day_start).toBe(Date.UTC(2026, 10, 27, 16, 0, 0));
    expect(s.totals).toMatchObject({
      alarms_received: 7,
      alarms_handled: 4,
      work_orders_open: 4,
      work_orders_overdue: 1,
    });
    expect(s.totals.handling_rate).toBeCloseTo(4 / 7, 10);
    expect(s.units.every((u) => u.level === 'city' || u.level === 'county')).toBe(true);
    expect(s.units.length).toBeGreaterThanOrEqual(18);
    expect(s.units.slice(0, 2).map((u) => [u.org_code, u.alarms_received, u.alarms_handled, u.handling_rate])).toEqual([
      ['410100', 4, 3, 0.75],
      ['410300', 2, 1, 0.5],
    ]);
    expect(s.units.slice(2).every((u) => u.handling_rate === null && u.alarms_received === 0)).toBe(true);
    expect(unit(s, '410100')).toMatchObject({ work_orders_open: 3, work_orders_overdue: 0 });
    expect(unit(s, '410300')).toMatchObject({ work_orders_open: 1, work_orders_overdue: 1 });
  });

  it('limits a city wall to its counties and its own items', async () => {
    const s = await summaryOf('cityWall');
    expect(s.scope.org_code).toBe('410100');
    expect(s.totals).toMatchObject({
      alarms_received: 4,
      alarms_handled: 3,
      work_orders_open: 3,
      work_orders_overdue: 0,
    });
    expect(s.units.every((u) => u.level === 'county' && u.org_code.startsWith('4101'))).toBe(true);
    expect(s.units.slice(0, 2).map((u) => [u.org_code, u.alarms_received, u.alarms_handled, u.handling_rate])).toEqual([
      ['410102', 1, 1, 1],
      ['410105', 2, 1, 0.5],
    ]);
    expect(unit(s, '410105')).toMatchObject({ work_orders_open: 2, vehicles_monitored: 2 });
  });

  it('shows a county its own figures as its only unit', async () => {
    const s = await summaryOf('countyOfficer');
    expect(s.totals).toMatchObject({
      alarms_received: 2,
      alarms_handled: 1,
      handling_rate: 0.5,
      work_orders_open: 2,
      work_orders_overdue: 0,
    });
    expect(s.units).toHaveLength(1);
    expect(s.units[0]).toMatchObject({ org_code: '410105', alarms_received: 2, work_orders_open: 2 });
  });

  it("shows an enterprise only its own enterprise's alarms, orders and vehicles, without units", async () => {
    const s = await summaryOf('enterprise');
    expect(s.scope).toMatchObject({ kind: 'enterprise', enterprise_id: 'ZZ-1' });
    expect(s.totals).toMatchObject({
      alarms_received: 2,
      alarms_handled: 1,
      handling_rate: 0.5,
      work_orders_open: 2,
      work_orders_overdue: 0,
      vehicles_monitored: 1,
    });
    expect(s.units).toEqual([]);
  });

  it('counts an order overdue once the clock passes its deadline, before any supervision pass flags it', async () => {
    h.clock.now += 90 * MINUTE_MS;
    try {
      expect((await summaryOf('admin')).totals).toMatchObject({ work_orders_open: 4, work_orders_overdue: 2 });
      expect((await summaryOf('cityWall')).totals).toMatchObject({ work_orders_open: 3, work_orders_overdue: 1 });
      expect((await summaryOf('enterprise')).totals).toMatchObject({ work_orders_overdue: 0 });
    } finally {
      h.clock.now -= 90 * MINUTE_MS;
    }
  });

  it('counts monitored and online vehicles by home unit, unregistered ones where they were heard', async () => {
    const now = h.clock.now;
    const online = new OnlineVehicles(
      {
        log: new MemoryLog({ partitions: 1, backlogPerPartitionMax: 10, durableGroups: {} }),
        countyAt: () => '410105',
      },
      ONLINE_VEHICLES_DEFAULTS,
    );
    const registry = new Map([
      ['T1', { home_org_code: '410105', enterprise_id: 'ZZ-1' }],
      ['T2', { home_org_code: '410302', enterprise_id: '' }],
      ['T3', { home_org_code: '410105', enterprise_id: '' }],
      ['T4', { home_org_code: '', enterprise_id: '' }],
    ]);
    online.accept('T1', '豫A00001', now - 1 * MINUTE_MS, now - 1 * MINUTE_MS, JINSHUI.lon, JINSHUI.lat);
    // Heard 30 minutes ago: monitored, not online.
    online.accept('T2', '豫C00001', now - 30 * MINUTE_MS, now - 30 * MINUTE_MS, 112.45, 34.68);
    // Registered without a home unit, and unregistered: both belong to the county they were heard in.
    online.accept('T4', '豫A00009', now - 2 * MINUTE_MS, now - 2 * MINUTE_MS, JINSHUI.lon, JINSHUI.lat);
    online.accept('T9', '豫A99999', now - 3 * MINUTE_MS, now - 3 * MINUTE_MS, JINSHUI.lon, JINSHUI.lat);
    // Heard 25 hours ago and unregistered: forgotten.
    online.accept('T8', '豫A88888', now - 25 * HOUR_MS, now - 25 * HOUR_MS, JINSHUI.lon, JINSHUI.lat);
    const summaries = new CentreSummaries({
      sql: h.sql,
      org: h.centre.org,
      now: () => h.clock.now,
      online,
      vehicleOf: (terminalId) => registry.get(terminalId),
    });
    const principal = async (token: string) => h.accounts.authenticate(token);

    const province = await summaries.forPrincipal(await principal(tokens.admin));
    // Registered with a home: T1, T3 (金水区), T2 (老城区); heard without one: T4, T9 (金水区).
    expect(province.totals).toMatchObject({ vehicles_monitored: 5, vehicles_online: 3 });
    expect(province.totals.online_rate).toBeCloseTo(3 / 5, 10);
    expect(province.online_window_minutes).toBe(10);
    expect(unit(province, '410100')).toMatchObject({ vehicles_monitored: 4, vehicles_online: 3 });
    expect(unit(province, '410300')).toMatchObject({ vehicles_monitored: 1, vehicles_online: 0, online_rate: 0 });
    const enterprise = await summaries.forPrincipal(await principal(tokens.enterprise));
    expect(enterprise.totals).toMatchObject({ vehicles_monitored: 1, vehicles_online: 1, online_rate: 1 });
    expect(online.size).toBe(4);
  });

  it('is documented in the OpenAPI document and refuses a caller without a token', async () => {
    const docs = await h.call<{ paths: Record<string, { get?: { description: string } }> }>(
      h.adminToken,
      'GET',
      '/api/docs',
    );
    expect(docs.body.paths['/api/summary']?.get?.description).toContain('wall');
    const anonymous = await fetch(`${h.baseUrl}/api/summary`);
    expect(anonymous.status).toBe(401);
  });
});
