/**
 * Duty across two levels on screen, in real Chromium against a real `vigil start`, each officer in their own tab:
 * the province sees Zhengzhou's post unattended until its day officer signs in on the console; the province's
 * officer sends Zhengzhou a 查岗 from the console and the day officer answers it before the deadline, the answer
 * and the response rate showing at the province; the day officer hands over with notes, the night officer sees
 * the handover and acknowledges it. Each page shows only the buttons the server offers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactPath, launchBrowser, type TestBrowser } from './support/browser.js';
import { api, createPerson, openConsole, type Person } from './support/console-scenario.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

const MINUTE_MS = 60_000;

let vigil: VigilProcess;
let browser: TestBrowser;
let provinceLeader: Person;
let provinceOfficer: Person;
let zzDay: Person;
let zzNight: Person;
let dayShiftId: number;
const pages = new Map<string, Page>();

async function userId(admin: string, username: string): Promise<number> {
  const { users } = await api<{ users: { id: number; username: string }[] }>(vigil, admin, 'GET', '/api/users');
  return users.find((u) => u.username === username)!.id;
}

async function open(person: Person): Promise<Page> {
  const existing = pages.get(person.username);
  if (existing) {
    await existing.bringToFront();
    return existing;
  }
  const page = await openConsole(vigil, browser, person, 'duty');
  await page.locator('[data-testid="duty-page"]').waitFor();
  pages.set(person.username, page);
  return page;
}

async function attribute(page: Page, selector: string, name: string, want: string, what: string): Promise<void> {
  await eventually(
    async () => ((await page.locator(selector).first().getAttribute(name)) === want ? true : undefined),
    15_000,
    what,
  );
}

beforeAll(async () => {
  vigil = await startVigil();
  const admin = await vigil.login();
  provinceLeader = await createPerson(vigil, admin, 'henan-leader', 'leader', '410000');
  provinceOfficer = await createPerson(vigil, admin, 'henan-duty', 'duty_officer', '410000');
  zzDay = await createPerson(vigil, admin, 'zz-day', 'duty_officer', '410100');
  zzNight = await createPerson(vigil, admin, 'zz-night', 'duty_officer', '410100');
  // The day shift began 20 minutes ago (past the 15-minute grace), the night shift follows it.
  const now = Date.now();
  const day = await api<{ id: number }>(vigil, provinceLeader.token, 'POST', '/api/duty/shifts', {
    org_code: '410100',
    name: '白班',
    starts_at: now - 20 * MINUTE_MS,
    ends_at: now + 40 * MINUTE_MS,
    officers: [await userId(admin, 'zz-day')],
  });
  dayShiftId = day.id;
  await api(vigil, provinceLeader.token, 'POST', '/api/duty/shifts', {
    org_code: '410100',
    name: '夜班',
    starts_at: now + 40 * MINUTE_MS,
    ends_at: now + 12 * 60 * MINUTE_MS,
    officers: [await userId(admin, 'zz-night')],
  });
  browser = await launchBrowser({ width: 1920, height: 1080 });
});

afterAll(async () => {
  await browser?.close();
  await vigil?.stop({ removeData: true });
});

describe('duty on screen across the province and Zhengzhou', () => {
  it('shows the province an unattended post until the day officer signs in on the console', async () => {
    const province = await open(provinceOfficer);
    const zzPost = '[data-testid="duty-post"][data-org="410100"]';
    await attribute(province, zzPost, 'data-attended', 'false', 'Zhengzhou unattended');
    expect(await province.locator(zzPost).innerText()).toContain('无人签到');

    const day = await open(zzDay);
    const shift = day.locator(`[data-testid="duty-shift"][data-shift-id="${dayShiftId}"]`);
    await shift.locator('[data-testid="duty-sign-in"]').waitFor();
    expect(await shift.locator('[data-testid="duty-hand-over"]').count()).toBe(0);
    await shift.locator('[data-testid="duty-sign-in"]').click();
    await shift.locator('[data-testid="duty-hand-over"]').waitFor();
    expect(await shift.locator('[data-testid="duty-sign-in"]').count()).toBe(0);
    expect(await shift.innerText()).toContain('已签到');

    await province.bringToFront();
    await attribute(province, zzPost, 'data-attended', 'true', 'Zhengzhou attended');
    expect(await province.locator(zzPost).innerText()).toContain('zz-day');
  });

  it('lets the province inspect Zhengzhou (查岗), answered on the console in time, with its response rate', async () => {
    const province = await open(provinceOfficer);
    await province.selectOption('[data-testid="duty-inspect-target"]', '410100');
    await province.fill('[data-testid="duty-inspect-question"]', '请报告在岗人员');
    await province.click('[data-testid="duty-inspect-send"]');
    const sent = province.locator('[data-testid="duty-sent-inspection"]');
    await attribute(province, '[data-testid="duty-sent-inspection"]', 'data-status', 'sent', 'inspection sent');
    const id = await sent.first().getAttribute('data-inspection-id');

    const day = await open(zzDay);
    const received = day.locator(`[data-testid="duty-inspection"][data-inspection-id="${id}"]`);
    await received.waitFor({ timeout: 15_000 });
    expect(await received.innerText()).toContain('请报告在岗人员');
    await received.locator('[data-testid="duty-answer-text"]').fill('值班员 zz-day 在岗，设备正常');
    await received.locator('[data-testid="duty-answer"]').click();
    await attribute(
      day,
      `[data-testid="duty-inspection"][data-inspection-id="${id}"]`,
      'data-status',
      'answered',
      'answered',
    );
    expect(await received.locator('[data-testid="duty-answer"]').count()).toBe(0);

    await province.bringToFront();
    await attribute(
      province,
      `[data-testid="duty-sent-inspection"][data-inspection-id="${id}"]`,
      'data-status',
      'answered',
      'answer seen',
    );
    expect(await sent.first().innerText()).toContain('值班员 zz-day 在岗，设备正常');
    // The province itself was never asked anything, so it has no answer box of its own.
    expect(await province.locator('[data-testid="duty-answer"]').count()).toBe(0);
    await eventually(
      async () =>
        (await province
          .locator('[data-testid="duty-rate"][data-org="410100"] [data-testid="duty-rate-value"]')
          .innerText()) === '100%'
          ? true
          : undefined,
      15_000,
      'rate 100%',
    );
    const rates = await api<{ units: { org_code: string; answered: number }[] }>(
      vigil,
      provinceOfficer.token,
      'GET',
      '/api/duty/inspections/rates',
    );
    expect(rates.units.find((u) => u.org_code === '410100')?.answered).toBe(1);
    await province.screenshot({ path: artifactPath('console-duty-province-1920x1080.png'), fullPage: true });
  });

  it('hands the day shift over with notes, acknowledged by the night officer on the console', async () => {
    const day = await open(zzDay);
    const shift = day.locator(`[data-testid="duty-shift"][data-shift-id="${dayShiftId}"]`);
    await shift.locator('[data-testid="duty-hand-over"]').click();
    await day.fill('[data-testid="duty-handover-notes"]', '金水区超速车辆继续跟踪');
    await day.click('[data-testid="duty-handover-confirm"]');
    await day.locator('[data-testid="duty-handover"]').first().waitFor({ timeout: 15_000 });
    expect(await day.locator('[data-testid="duty-handover"]').first().innerText()).toContain('待接班确认');
    // Only the incoming officer may acknowledge.
    expect(await day.locator('[data-testid="duty-acknowledge"]').count()).toBe(0);
    expect(await shift.locator('[data-testid="duty-hand-over"]').count()).toBe(0);

    const night = await open(zzNight);
    const handover = night.locator('[data-testid="duty-handover"]').first();
    await handover.locator('[data-testid="duty-acknowledge"]').waitFor({ timeout: 15_000 });
    expect(await handover.innerText()).toContain('金水区超速车辆继续跟踪');
    await handover.locator('[data-testid="duty-acknowledge-note"]').fill('已接班');
    await handover.locator('[data-testid="duty-acknowledge"]').click();
    await eventually(
      async () =>
        (await handover.locator('[data-testid="duty-handover-state"]').innerText()).includes('zz-night')
          ? true
          : undefined,
      15_000,
      'acknowledged',
    );
    expect(await handover.locator('[data-testid="duty-acknowledge"]').count()).toBe(0);
    await night.screenshot({ path: artifactPath('console-duty-city-1920x1080.png'), fullPage: true });
    const handovers = await api<{ handovers: { acknowledged_by_name: string | null; notes: string }[] }>(
      vigil,
      zzNight.token,
      'GET',
      '/api/duty/handovers',
    );
    expect(handovers.handovers[0]).toMatchObject({ acknowledged_by_name: 'zz-night', notes: '金水区超速车辆继续跟踪' });
  });

  it('lets the province leader put a shift of Zhengzhou on the roster from the console, and says why an overlapping one is refused', async () => {
    const leader = await open(provinceLeader);
    const form = leader.locator('[data-testid="duty-roster-form"]');
    await form.waitFor({ timeout: 15_000 });
    await form.locator('[data-testid="roster-unit"]').selectOption('410100');
    const zzDayId = await userId(await vigil.login(), 'zz-day');
    const pick = form.locator(`[data-testid="roster-officers"] input[data-user-id="${zzDayId}"]`);
    await pick.waitFor({ timeout: 15_000 });
    // Zhengzhou's officers only: none of the province's own people.
    expect(await form.locator('[data-testid="roster-officers"]').innerText()).not.toContain('henan-duty');
    // Tomorrow's day shift, after tonight's: China time in the form, as the officers read it.
    const dayStart = Date.now() + 13 * 60 * MINUTE_MS;
    const china = (ms: number): string => new Date(ms + 8 * 60 * MINUTE_MS).toISOString().slice(0, 16);
    await form.locator('[data-testid="roster-name"]').fill('次日白班');
    await form.locator('[data-testid="roster-from"]').fill(china(dayStart));
    await form.locator('[data-testid="roster-to"]').fill(china(dayStart + 12 * 60 * MINUTE_MS));
    // Nobody on duty: said before anything is sent.
    await form.locator('[data-testid="roster-submit"]').click();
    await expect(form.locator('[data-testid="roster-problem"]').innerText()).resolves.toContain('至少选一名');
    await pick.check();
    await form.locator('[data-testid="roster-submit"]').click();
    const roster = async () =>
      (
        await api<{ shifts: { name: string; starts_at: number; people: { user_id: number }[] }[] }>(
          vigil,
          provinceLeader.token,
          'GET',
          `/api/duty/roster?org_code=410100&from=${Date.now()}&to=${Date.now() + 2 * 24 * 60 * MINUTE_MS}`,
        )
      ).shifts.filter((x) => x.name === '次日白班');
    const added = await eventually(
      async () => ((await roster()).length === 1 ? await roster() : undefined),
      15_000,
      'the new shift',
    );
    expect(added[0].people.map((x) => x.user_id)).toEqual([zzDayId]);
    expect(Math.abs(added[0].starts_at - dayStart)).toBeLessThan(60_000);
    await leader.screenshot({ path: artifactPath('console-duty-roster-1920x1080.png'), fullPage: true });
    // The same slot again overlaps: refused, in words.
    await pick.check();
    await form.locator('[data-testid="roster-submit"]').click();
    await leader.getByText('该岗位在这段时间已有班次').first().waitFor({ timeout: 15_000 });
    expect(await roster()).toHaveLength(1);
  });
});
