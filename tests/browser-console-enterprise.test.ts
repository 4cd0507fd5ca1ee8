/**
 * An enterprise's workspace and the vehicle page, in real Chromium against a real `vigil start`. A transport
 * company sees its own alarm and the rectification order the county made of it, and nothing of another company;
 * it claims the order, reports its self-check, uploads rectification evidence and reports back, and may not
 * close it itself; the city accepts. On the vehicle page it finds only its own vehicles and replays a day of its
 * truck's driving (2,881 fixes back-filled over JT/T 808): mileage, stops and trips as the server computed them,
 * the replay clock moving through the day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AlarmListAnswer, FeedAlarmCase, TrackAnswer, WorkOrderDetail } from '../schema/index.js';
import { chinaInputValue } from '../wall/src/console/console-time.js';
import { artifactPath, launchBrowser, type TestBrowser } from './support/browser.js';
import {
  api,
  backfillTrack,
  createPerson,
  registerVehicles,
  speedingEpisode,
  waitForAlarms,
  workingDay,
  type Person,
} from './support/console-scenario.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

const OURS = { plate: '豫A12399', terminal_id: '013955550001' };
const THEIRS = { plate: '豫B55501', terminal_id: '013955550002' };
const DAY_MS = 24 * 3_600_000;

let vigil: VigilProcess;
let admin: string;
let company: Person;
let county: Person;
let city: Person;
let browser: TestBrowser;
let page: Page;
let dayStart: number;
let orderId: number;

async function offered(): Promise<string[]> {
  return page
    .locator('[data-testid="order-actions"] button')
    .evaluateAll((buttons) => buttons.map((b) => (b.getAttribute('data-testid') ?? '').replace('order-', '')));
}

async function orderState(state: string): Promise<void> {
  await eventually(
    async () =>
      (await page.locator('[data-testid="order-detail"]').getAttribute('data-state')) === state ? true : undefined,
    15_000,
    `order ${state}`,
  );
}

async function step(action: string, text: string, file?: { name: string; mimeType: string; buffer: Buffer }) {
  await page.click(`[data-testid="order-${action}"]`);
  await page.locator(`[data-testid="step-form"][data-action="${action}"]`).waitFor();
  await page.fill('[data-testid="step-text"]', text);
  if (file) {
    await page.setInputFiles('[data-testid="step-files"]', file);
    await page.locator('[data-testid="step-file-list"] li').waitFor();
  }
  await page.click('[data-testid="step-submit"]');
  await page.locator(`[data-testid="timeline-event"][data-kind="${action}"]`).first().waitFor({ timeout: 15_000 });
}

beforeAll(async () => {
  vigil = await startVigil();
  admin = await vigil.login();
  await api(vigil, admin, 'POST', '/api/enterprises', {
    id: 'ZZ-LOGISTICS',
    name: '郑州某物流有限公司',
    org_code: '410100',
  });
  await api(vigil, admin, 'POST', '/api/enterprises', { id: 'KF-TRANS', name: '开封某运输公司', org_code: '410200' });
  await registerVehicles(vigil, admin, [
    { ...OURS, home_org_code: '410105', enterprise_id: 'ZZ-LOGISTICS' },
    { ...THEIRS, home_org_code: '410202', enterprise_id: 'KF-TRANS' },
  ]);
  company = await createPerson(vigil, admin, 'zz-logistics', 'enterprise', '410100', { enterprise_id: 'ZZ-LOGISTICS' });
  county = await createPerson(vigil, admin, 'jinshui-duty', 'duty_officer', '410105');
  city = await createPerson(vigil, admin, 'zz-dispatcher', 'dispatcher', '410100');
  // A day of driving, back-filled, ending ten minutes ago; then both trucks speed.
  dayStart = Date.now() - DAY_MS - 10 * 60_000;
  await backfillTrack(vigil.jt808Port, OURS.terminal_id, OURS.plate, workingDay(dayStart, 24));
  await speedingEpisode(vigil.jt808Port, OURS.terminal_id, OURS.plate, 132, { lat: 34.80109, lon: 113.65453 });
  await speedingEpisode(vigil.jt808Port, THEIRS.terminal_id, THEIRS.plate, 133, { lat: 34.8, lon: 114.3 });
  await waitForAlarms(vigil, admin, `plate=${encodeURIComponent(OURS.plate)}&rule=overspeed`, 1, 60_000);
  await waitForAlarms(vigil, admin, `plate=${encodeURIComponent(THEIRS.plate)}&rule=overspeed`, 1, 60_000);
  // The county makes a rectification order of its alarm; the enterprise is on it because the truck is theirs.
  const [alarm] = (
    await api<AlarmListAnswer>(vigil, county.token, 'GET', `/api/alarms?plate=${encodeURIComponent(OURS.plate)}`)
  ).alarms;
  expect(alarm.enterprise_id).toBe('ZZ-LOGISTICS');
  const dispatched = await api<FeedAlarmCase>(vigil, county.token, 'POST', `/api/alarms/${alarm.alarm_id}/dispatch`, {
    department: 'enforcement',
    description: '请企业认领并自查整改，上传整改材料',
  });
  orderId = dispatched.work_order_id!;
  browser = await launchBrowser({ width: 1920, height: 1080 });
  page = await browser.context.newPage();
  await page.goto(`${vigil.baseUrl}/console`);
  await page.fill('input[name="username"]', company.username);
  await page.fill('input[name="password"]', company.password);
  await page.click('[data-testid="login"]');
  await page.locator('[data-testid="console"][data-role="enterprise"]').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await vigil?.stop({ removeData: true });
});

describe('an enterprise rectifies, and replays a day of its truck', () => {
  it('sees its own alarms and nothing of another company', async () => {
    await expect(page.locator('[data-testid="tab-alarms"]').innerText()).resolves.toContain('本企业报警');
    await page.click('[data-testid="view-all"]');
    const ours = await api<AlarmListAnswer>(vigil, company.token, 'GET', '/api/alarms?limit=500');
    expect(ours.total).toBeGreaterThan(0);
    expect(ours.alarms.every((a) => a.enterprise_id === 'ZZ-LOGISTICS')).toBe(true);
    await eventually(
      async () => ((await page.locator('[data-testid="queue-row"]').count()) === ours.total ? true : undefined),
      15_000,
      'its alarms',
    );
    const plates = await page.locator('[data-testid="queue-row"] td:nth-child(4)').allInnerTexts();
    expect(new Set(plates)).toEqual(new Set([OURS.plate]));
    // No handling buttons: the enterprise answers through its orders.
    expect(await page.locator('[data-testid="queue-row"] button[data-testid="acknowledge"]').count()).toBe(0);
    // By id, another company's alarm does not exist for it.
    const [theirs] = (
      await api<AlarmListAnswer>(vigil, admin, 'GET', `/api/alarms?plate=${encodeURIComponent(THEIRS.plate)}`)
    ).alarms;
    const probe = await fetch(`${vigil.baseUrl}/api/alarms/${theirs.alarm_id}`, {
      headers: { authorization: `Bearer ${company.token}` },
    });
    expect(probe.status).toBe(404);
  });

  it('claims the order, reports its self-check, uploads rectification evidence and reports back', async () => {
    await page.click('[data-testid="tab-orders"]');
    await expect(page.locator('[data-testid="tab-orders"]').innerText()).resolves.toContain('整改工单');
    const row = page.locator(`[data-testid="order-row"][data-order-id="${orderId}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="order-row"]').count()).toBe(1);
    await row.click();
    await page.locator(`[data-testid="order-detail"][data-order-id="${orderId}"]`).waitFor();
    expect(await offered()).toEqual(['claim', 'comment']);
    await page.click('[data-testid="order-claim"]');
    await orderState('signed');
    expect(await offered()).toEqual(['start', 'self_check', 'explanation', 'rectification', 'comment']);
    await step('self_check', '经自查，驾驶员赶时间超速，情况属实');
    const evidence = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
      Buffer.alloc(2048, 7),
      Buffer.from([0xff, 0xd9]),
    ]);
    await step('rectification', '已对驾驶员停班教育，全员培训并加装限速提醒', {
      name: '培训记录.jpg',
      mimeType: 'image/jpeg',
      buffer: evidence,
    });
    await page.click('[data-testid="order-start"]');
    await orderState('in_progress');
    await step('feedback', '整改完成，请验收');
    await orderState('feedback_submitted');
    // It cannot close its own case.
    expect(await offered()).not.toContain('accept');
    const refused = await fetch(`${vigil.baseUrl}/api/work-orders/${orderId}/accept`, {
      method: 'POST',
      headers: { authorization: `Bearer ${company.token}` },
      body: '{}',
    });
    expect(refused.status).toBe(403);
    const shot = artifactPath('console-enterprise-order-1920x1080.png');
    await page.screenshot({ path: shot });
    console.log(`screenshot: ${shot}`);
    // The city accepts; the enterprise sees it closed, with its own steps in the timeline.
    await api(vigil, city.token, 'POST', `/api/work-orders/${orderId}/accept`, { text: '整改到位，同意办结' });
    await orderState('accepted');
    const { timeline } = await api<WorkOrderDetail>(vigil, company.token, 'GET', `/api/work-orders/${orderId}`);
    expect(timeline.map((e) => `${e.kind}/${e.actor}`)).toEqual([
      'issued/jinshui-duty',
      'claimed/zz-logistics',
      'self_check/zz-logistics',
      'rectification/zz-logistics',
      'started/zz-logistics',
      'feedback/zz-logistics',
      'accepted/zz-dispatcher',
    ]);
    const files = timeline.find((e) => e.kind === 'rectification')!.detail.attachments!;
    expect(files.map((f) => f.name)).toEqual(['培训记录.jpg']);
  });

  it('finds only its own vehicles', async () => {
    await page.click('[data-testid="tab-vehicle"]');
    await page.locator('[data-testid="my-vehicles"] option').nth(1).waitFor({ state: 'attached', timeout: 10_000 });
    const mine = await page.locator('[data-testid="my-vehicles"] option').allInnerTexts();
    expect(mine.slice(1)).toEqual([OURS.plate]);
    await page.fill('[data-testid="vehicle-search"]', THEIRS.plate);
    await page.keyboard.press('Enter');
    await expect(page.locator('[data-testid="vehicle-error"]').innerText({ timeout: 10_000 })).resolves.toContain(
      '没有找到该车辆',
    );
    const probe = await fetch(`${vigil.baseUrl}/api/vehicles/${THEIRS.terminal_id}/track`, {
      headers: { authorization: `Bearer ${company.token}` },
    });
    expect(probe.status).toBe(404);
  });

  it('replays 24 hours of its truck with the mileage, stops and trips the server computed', async () => {
    await page.selectOption('[data-testid="my-vehicles"]', OURS.terminal_id);
    await page.fill('[data-testid="window-from"]', chinaInputValue(dayStart));
    await page.fill('[data-testid="window-to"]', chinaInputValue(dayStart + DAY_MS + 60_000));
    await page.click('[data-testid="window-apply"]');
    const from = Math.floor(dayStart / 60_000) * 60_000;
    const expected = await api<TrackAnswer>(
      vigil,
      company.token,
      'GET',
      `/api/vehicles/${OURS.terminal_id}/track?from=${from}&to=${from + DAY_MS + 60_000}`,
    );
    expect(expected.raw_points).toBe(2881);
    expect(expected.stops.length).toBeGreaterThanOrEqual(18);
    expect(expected.trips.length).toBe(expected.stops.length + 1);
    // Twenty legs of 7–14 km between the day's waypoints.
    expect(expected.mileage_km).toBeGreaterThan(200);
    expect(expected.mileage_km).toBeLessThan(280);
    const svg = page.locator('[data-testid="track-svg"]');
    await eventually(
      async () => ((await svg.getAttribute('data-points')) === String(expected.points.length) ? true : undefined),
      20_000,
      'the day drawn',
    );
    await expect(page.locator('[data-testid="track-summary"]').innerText()).resolves.toContain(
      `里程 ${expected.mileage_km.toFixed(1)} km`,
    );
    expect(await page.locator('[data-testid="track-stops"] li').count()).toBe(expected.stops.length);
    expect(await page.locator('[data-testid="track-trips"] li').count()).toBe(expected.trips.length);
    // Replay at 3600×: the clock moves through the day.
    const clock = page.locator('[data-testid="replay-clock"]');
    const t0 = Number(await clock.getAttribute('data-t'));
    expect(t0).toBe(expected.points[0][0]);
    await page.selectOption('[data-testid="replay-speed"]', '3600');
    await page.click('[data-testid="replay"]');
    await eventually(
      async () => (Number(await clock.getAttribute('data-t')) > t0 + 3_600_000 ? true : undefined),
      20_000,
      'an hour replayed',
    );
    await page.click('[data-testid="replay"]');
    // Jumping to a stop puts the clock there.
    await page.locator('[data-testid="track-stops"] button').nth(3).click();
    await expect(clock.getAttribute('data-t')).resolves.toBe(String(expected.stops[3].from));
    const shot = artifactPath('console-vehicle-24h-1920x1080.png');
    await page.screenshot({ path: shot });
    console.log(`screenshot: ${shot}`);
  });

  it('reads a month at most per request, reduced on the server', async () => {
    const to = Date.now();
    const month = await api<TrackAnswer>(
      vigil,
      company.token,
      'GET',
      `/api/vehicles/${OURS.terminal_id}/track?from=${to - 31 * DAY_MS}&to=${to}`,
    );
    expect(month.resolution_ms).toBeGreaterThan(1_000);
    expect(month.points.length).toBeLessThanOrEqual(5_000);
    expect(month.raw_points).toBeGreaterThanOrEqual(2881);
    const tooLong = await fetch(
      `${vigil.baseUrl}/api/vehicles/${OURS.terminal_id}/track?from=${to - 32 * DAY_MS}&to=${to}`,
      { headers: { authorization: `Bearer ${company.token}` } },
    );
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { error: string }).error).toBe('window_too_long');
  });
});
