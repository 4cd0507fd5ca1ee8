/**
 * `GET /api/summary/trends` against hand-built history: alarms received on chosen Beijing days (the centre's clock
 * moved to each), some handled, work orders issued; the 30 days, today's row equal to today's summary, and this
 * month so far against the same days of last month, for the province and a city.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CentreSummary, CentreTrends } from '../schema/index.js';
import { alarmRow, startCenterHarness, type CenterHarness } from './support/center-harness.js';
import { harnessStore } from './support/test-postgres.js';

const DAY_MS = 86_400_000;
/** 2026-12-05 10:00 Beijing: day 5 of December. */
const NOW = Date.UTC(2026, 11, 5, 2, 0, 0);
const BEIJING_DAY_START = (utc: number) => Math.floor((utc + 8 * 3_600_000) / DAY_MS) * DAY_MS - 8 * 3_600_000;

let h: CenterHarness;
let officer: string;
let cityWall: string;

async function alarmAt(at: number, handled: boolean, overrides: Parameters<typeof alarmRow>[0] = {}): Promise<void> {
  h.clock.now = at;
  const alarm = alarmRow({ started_at: at - 60_000, updated_at: at - 60_000, ...overrides });
  await h.centre.desk.ingest(alarm);
  if (handled) {
    const acknowledged = await h.call(officer, 'POST', `/api/alarms/${alarm.alarm_id}/acknowledge`, {});
    expect(acknowledged.status).toBe(200);
  }
}

beforeAll(async () => {
  h = await startCenterHarness(await harnessStore());
  officer = (await h.user('sheng-duty', 'duty_officer', '410000')).token;
  cityWall = (await h.user('wall-zz', 'wall', '410100')).token;
  const dispatcher = (await h.user('sheng-dispatch', 'dispatcher', '410000')).token;
  // Last month: Nov 2 (in the same days as Dec 1–5) twice, one handled; Nov 20 (after them) once.
  await alarmAt(Date.UTC(2026, 10, 2, 3), true);
  await alarmAt(Date.UTC(2026, 10, 2, 4), false);
  await alarmAt(Date.UTC(2026, 10, 20, 3), true);
  // This month: Dec 1 in 洛阳 (not Zhengzhou's), Dec 4 twice, today once unhandled and once handled.
  await alarmAt(Date.UTC(2026, 11, 1, 3), true, { org_code: '410302', lat: 34.68519, lon: 112.46354 });
  await alarmAt(Date.UTC(2026, 11, 4, 3), true);
  await alarmAt(Date.UTC(2026, 11, 4, 5), true);
  await alarmAt(NOW - 3_600_000, false);
  await alarmAt(NOW - 1_800_000, true);
  h.clock.now = NOW - 600_000;
  const issued = await h.call(dispatcher, 'POST', '/api/work-orders', {
    title: '检查',
    category: 'overspeed',
    severity: 'warning',
    org_code: '410105',
    department: 'enforcement',
  });
  expect(issued.status, JSON.stringify(issued.body)).toBe(201);
  h.clock.now = NOW;
});

afterAll(async () => {
  await h?.close();
});

describe('trends beside the summary', () => {
  it('gives 30 Beijing days, today last and equal to the summary', async () => {
    const trends = (await h.call<CentreTrends>(officer, 'GET', '/api/summary/trends')).body;
    const summary = (await h.call<CentreSummary>(officer, 'GET', '/api/summary')).body;
    expect(trends.days).toHaveLength(30);
    const today = trends.days[29];
    expect(today.day_start).toBe(BEIJING_DAY_START(NOW));
    expect(today).toMatchObject({
      alarms_received: summary.totals.alarms_received,
      alarms_handled: summary.totals.alarms_handled,
      work_orders_issued: 1,
    });
    expect(today.alarms_received).toBe(2);
    expect(trends.days[28]).toMatchObject({ alarms_received: 2, alarms_handled: 2, handling_rate: 1 });
    expect(trends.days[25]).toMatchObject({ alarms_received: 1, alarms_handled: 1 }); // Dec 1
    expect(trends.days.find((d) => d.day_start === BEIJING_DAY_START(Date.UTC(2026, 10, 20, 3)))).toMatchObject({
      alarms_received: 1,
    });
    expect(trends.days.reduce((n, d) => n + d.alarms_received, 0)).toBe(6); // Nov 2 is more than 30 days back
  });

  it('compares this month so far with the same days of last month', async () => {
    const { month } = (await h.call<CentreTrends>(officer, 'GET', '/api/summary/trends')).body;
    expect(month.this_month).toMatchObject({
      from: Date.UTC(2026, 10, 30, 16),
      to: BEIJING_DAY_START(NOW) + DAY_MS,
      alarms_received: 5,
      alarms_handled: 4,
      work_orders_issued: 1,
      work_orders_accepted: 0,
    });
    expect(month.this_month.handling_rate).toBeCloseTo(0.8, 10);
    expect(month.last_month).toMatchObject({
      from: Date.UTC(2026, 9, 31, 16),
      to: Date.UTC(2026, 10, 5, 16),
      alarms_received: 2,
      alarms_handled: 1,
      handling_rate: 0.5,
    });
  });

  it("limits a city's trends to its own view", async () => {
    const trends = (await h.call<CentreTrends>(cityWall, 'GET', '/api/summary/trends')).body;
    expect(trends.scope).toMatchObject({ org_code: '410100', level: 'city' });
    expect(trends.month.this_month.alarms_received).toBe(4);
    expect(trends.days[25].alarms_received).toBe(0);
  });
});
