/**
 * A duty officer works a shift's queue of more than 500 alarms in real Chromium against a real `vigil start`:
 * the alarms come from a lower platform's JT/T 809 reports and from terminals speeding over JT/T 808. The queue
 * shows critical alarms first and counts exactly what the API counts, pages through every alarm once, filters by
 * severity and unit with counts equal to the API's, is worked from the keyboard (j/k, a, x with a reason, d with
 * a chosen unit, department and deadline, confirmed), keeps its rows still while alarms arrive and announces them
 * in a bar, shows who holds an alarm someone else took, and draws attention to a new critical alarm (sound
 * started, title and tab icon counting). An admin is offered no handling buttons.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AlarmListAnswer, WorkOrderDetail } from '../schema/index.js';
import { artifactPath, launchBrowser, shootAtPictureSizes, type TestBrowser } from './support/browser.js';
import {
  api,
  createPerson,
  registerVehicles,
  reportAlarms,
  speedingEpisode,
  waitForAlarms,
  type Person,
} from './support/console-scenario.js';
import { ADMIN_PASSWORD, eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

const COUNTIES = ['410102', '410103', '410105', '410122'];
const REPORTS = 520;
const OPEN = 'state=new,acknowledged';

let vigil: VigilProcess;
let admin: string;
let officer: Person;
let colleague: Person;
let browser: TestBrowser;
let page: Page;

async function apiTotal(query: string): Promise<number> {
  return (await api<AlarmListAnswer>(vigil, officer.token, 'GET', `/api/alarms?${query}&limit=1`)).total;
}

async function shownTotal(): Promise<number> {
  return Number(await page.locator('[data-testid="queue-total"]').getAttribute('data-total'));
}

async function waitShownTotal(expected: number): Promise<void> {
  await eventually(async () => ((await shownTotal()) === expected ? true : undefined), 15_000, `total ${expected}`);
}

async function rowIds(): Promise<string[]> {
  return page
    .locator('[data-testid="queue-row"]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-alarm-id') ?? ''));
}

async function selectedRow() {
  return page.locator('[data-testid="queue-row"][aria-selected="true"]');
}

beforeAll(async () => {
  vigil = await startVigil();
  admin = await vigil.login();
  officer = await createPerson(vigil, admin, 'zz-duty', 'duty_officer', '410100', { display_name: '郑州值班员' });
  colleague = await createPerson(vigil, admin, 'zz-duty-2', 'duty_officer', '410100', { display_name: '值班员乙' });
  const fleet = Array.from({ length: 40 }, (_, i) => ({
    plate: `豫A${String(61000 + i)}`,
    terminal_id: `01396100${String(i).padStart(4, '0')}`,
    home_org_code: COUNTIES[i % COUNTIES.length],
  }));
  await registerVehicles(vigil, admin, fleet);
  const t0 = Date.now() - 3 * 3_600_000;
  await reportAlarms(
    vigil,
    admin,
    Array.from({ length: REPORTS }, (_, i) => ({
      plate: fleet[i % fleet.length].plate,
      warnType: 1 + (i % 3),
      timeMs: t0 + i * 10_000,
      info: `下级平台报警 ${i}`,
    })),
  );
  // Three critical overspeeds (over 150 km/h) and one warning, from terminals on the road.
  for (const [i, speed] of [165, 171, 158, 131].entries())
    await speedingEpisode(vigil.jt808Port, `01397100000${i}`, `豫A7100${i}`, speed);
  await waitForAlarms(vigil, officer.token, OPEN, REPORTS + 4, 90_000);
  await waitForAlarms(vigil, officer.token, `${OPEN}&severity=critical`, 3, 30_000);
  browser = await launchBrowser({ width: 1920, height: 1080 });
  page = await browser.context.newPage();
  await page.goto(`${vigil.baseUrl}/console`);
  await page.fill('input[name="username"]', officer.username);
  await page.fill('input[name="password"]', officer.password);
  await page.click('[data-testid="login"]');
  await page.locator('[data-testid="queue-row"]').first().waitFor({ timeout: 30_000 });
});

afterAll(async () => {
  await browser?.close();
  await vigil?.stop({ removeData: true });
});

describe('an officer works a queue of more than 500 alarms', () => {
  it('shows critical alarms first and counts exactly what the API counts', async () => {
    const total = await apiTotal(OPEN);
    expect(total).toBeGreaterThan(500);
    await waitShownTotal(total);
    const severities = await page
      .locator('[data-testid="queue-row"]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-severity')));
    expect(severities.slice(0, 3)).toEqual(['critical', 'critical', 'critical']);
    expect(severities.slice(3).every((s) => s !== 'critical')).toBe(true);
    // The critical row stands out by more than a border: its badge is filled and its text bold.
    const critical = page.locator('[data-testid="queue-row"][data-severity="critical"]').first();
    expect(await critical.locator('.severity-badge').innerText()).toContain('严重');
    expect(await critical.evaluate((row) => getComputedStyle(row).fontWeight)).toBe('700');
    await expect(page.locator('[data-testid="queue-range"]').innerText()).resolves.toBe(`第 1–50 条 / 共 ${total} 条`);
    const shot = artifactPath('console-queue-1920x1080.png');
    await page.screenshot({ path: shot });
    console.log(`screenshot: ${shot}`);
  });

  it('pages through every alarm exactly once', async () => {
    const total = await apiTotal(OPEN);
    const seen: string[] = [];
    for (;;) {
      seen.push(...(await rowIds()));
      const next = page.locator('[data-testid="page-next"]');
      if (await next.isDisabled()) break;
      const first = (await rowIds())[0];
      await next.click();
      await eventually(async () => ((await rowIds())[0] !== first ? true : undefined), 10_000, 'the next page');
    }
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);
    // Back to the first page.
    await page.keyboard.press('n');
    await eventually(
      async () =>
        (await page.locator('[data-testid="queue-range"]').innerText()).startsWith('第 1–50') ? true : undefined,
      10_000,
      'the first page',
    );
  });

  it('filters by severity and by unit, counting what the API counts', async () => {
    await page.selectOption('[data-testid="filter-severity"]', 'critical');
    await waitShownTotal(await apiTotal(`${OPEN}&severity=critical`));
    expect(await page.locator('[data-testid="queue-row"]').count()).toBe(3);
    await page.selectOption('[data-testid="filter-severity"]', '');
    await page.selectOption('[data-testid="filter-unit"]', '410105');
    const jinshui = await apiTotal(`${OPEN}&org_code=410105`);
    expect(jinshui).toBeGreaterThan(100);
    await waitShownTotal(jinshui);
    const units = await page.locator('[data-testid="queue-row"] td:nth-child(5)').allInnerTexts();
    expect(units.every((u) => u.startsWith('金水区'))).toBe(true);
    await page.selectOption('[data-testid="filter-unit"]', '');
    await waitShownTotal(await apiTotal(OPEN));
  });

  it('is worked from the keyboard: j/k move, a takes, x dismisses with a reason, d dispatches with a confirmation', async () => {
    const ids = await rowIds();
    await page
      .locator('[data-testid="queue-row"]')
      .first()
      .click({ position: { x: 5, y: 5 } });
    expect(await (await selectedRow()).getAttribute('data-alarm-id')).toBe(ids[0]);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    expect(await (await selectedRow()).getAttribute('data-alarm-id')).toBe(ids[1]);

    await page.keyboard.press('a');
    const taken = page.locator(`[data-testid="queue-row"][data-alarm-id="${ids[1]}"]`);
    await eventually(
      async () => ((await taken.getAttribute('data-state')) === 'acknowledged' ? true : undefined),
      10_000,
      'taken',
    );
    await expect(taken.locator('[data-testid="holder"]').innerText()).resolves.toBe('我已签收');
    // The row stays where it was although it now sorts after every new alarm.
    expect((await rowIds())[1]).toBe(ids[1]);

    await page.keyboard.press('x');
    await page.locator('[data-testid="dismiss-dialog"]').waitFor();
    expect(await page.locator('[data-testid="confirm-dismiss"]').isDisabled()).toBe(true);
    await page.fill('[data-testid="dismiss-reason"]', '定位漂移，经核实车辆未超速');
    await page.click('[data-testid="confirm-dismiss"]');
    await eventually(
      async () => ((await taken.getAttribute('data-state')) === 'dismissed' ? true : undefined),
      10_000,
      'dismissed',
    );
    const dismissed = await api<{ alarm: { state: string; dismiss_reason: string } }>(
      vigil,
      officer.token,
      'GET',
      `/api/alarms/${ids[1]}`,
    );
    expect(dismissed.alarm).toMatchObject({ state: 'dismissed', dismiss_reason: '定位漂移，经核实车辆未超速' });
    // 签收 and 误报排除 name the officer by display name, the username in the tooltip.
    const steps = await eventually(
      async () => {
        const who = await page
          .locator('[data-testid="alarm-history"] .timeline-who')
          .evaluateAll((items) => items.map((i) => [i.textContent ?? '', i.getAttribute('title')]));
        return who.filter(([, title]) => title !== null).length >= 2 ? who : undefined;
      },
      10_000,
      'the 签收 and 误报排除 steps in the history',
    );
    const byOfficer = steps.filter(([, title]) => title === 'zz-duty');
    expect(byOfficer).toHaveLength(2);
    for (const [text] of byOfficer) expect(text).toMatch(/^郑州值班员/);
    await shootAtPictureSizes(page, 'console-alarm-steps');

    await page.keyboard.press('k');
    expect(await (await selectedRow()).getAttribute('data-alarm-id')).toBe(ids[0]);
    await page.keyboard.press('d');
    await page.locator('[data-testid="dispatch-dialog"]').waitFor();
    await page.selectOption('[data-testid="dispatch-unit"]', '410105');
    await eventually(
      async () =>
        (await page.locator('[data-testid="dispatch-department"] option[value="enforcement"]').count()) > 0
          ? true
          : undefined,
      10_000,
      'departments of 金水区',
    );
    await page.selectOption('[data-testid="dispatch-department"]', 'enforcement');
    await page.selectOption('[data-testid="dispatch-deadline"]', '24');
    expect(await page.locator('[data-testid="dispatch-title"]').inputValue()).toMatch(/^超速报警 豫A7100\d$/);
    await page.click('[data-testid="dispatch-next"]');
    const confirmText = await page.locator('[data-testid="dispatch-confirm-text"]').innerText();
    expect(confirmText).toContain('派往 金水区 · 执法');
    expect(confirmText).toContain('24 小时');
    const before = Date.now();
    await page.click('[data-testid="dispatch-confirm"]');
    await page.locator('[data-testid="toast-ok"]', { hasText: '已派单，工单 #' }).waitFor({ timeout: 10_000 });
    const alarm = await api<{ alarm: { state: string; work_order_id: number } }>(
      vigil,
      officer.token,
      'GET',
      `/api/alarms/${ids[0]}`,
    );
    expect(alarm.alarm.state).toBe('dispatched');
    const order = await api<WorkOrderDetail>(
      vigil,
      officer.token,
      'GET',
      `/api/work-orders/${alarm.alarm.work_order_id}`,
    );
    expect(order.order).toMatchObject({ org_code: '410105', department: 'enforcement', issuer_org: '410100' });
    expect(order.order.title).toMatch(/^超速报警 豫A7100\d$/);
    expect(Math.abs(order.order.deadline_at - (before + 24 * 3_600_000))).toBeLessThan(60_000);

    await page.keyboard.press('?');
    await page.locator('[data-testid="help-dialog"]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="help-dialog"]').waitFor({ state: 'detached' });
  });

  it('keeps its rows still while alarms arrive, announces them, and shows who took an alarm', async () => {
    // A fresh page: the alarms dispatched and dismissed above leave the open queue.
    await page.keyboard.press('n');
    await eventually(
      async () =>
        (await page
          .locator(
            '[data-testid="queue-row"][data-state="dispatched"], [data-testid="queue-row"][data-state="dismissed"]',
          )
          .count()) === 0
          ? true
          : undefined,
      10_000,
      'the reloaded page',
    );
    const before = await rowIds();
    const total = await apiTotal(OPEN);
    await reportAlarms(vigil, admin, [
      { plate: '豫A61001', warnType: 2, timeMs: Date.now() - 1_000, info: '新报警 1' },
      { plate: '豫A61002', warnType: 2, timeMs: Date.now() - 2_000, info: '新报警 2' },
      { plate: '豫A61003', warnType: 2, timeMs: Date.now() - 3_000, info: '新报警 3' },
    ]);
    await waitForAlarms(vigil, officer.token, OPEN, total + 3);
    const bar = page.locator('[data-testid="arrivals-bar"]');
    await bar.waitFor({ timeout: 15_000 });
    // The bar shows at the first arrival; the other two follow it on the feed.
    await eventually(
      async () => ((await bar.getAttribute('data-arrived')) === '3' ? true : undefined),
      15_000,
      'three arrivals announced',
    );
    await expect(bar.innerText()).resolves.toContain('3 条新报警');
    expect(await rowIds()).toEqual(before);

    // Another officer takes the third row: it says who, and offers this officer nothing.
    const third = before[2];
    await api(vigil, colleague.token, 'POST', `/api/alarms/${third}/acknowledge`);
    const row = page.locator(`[data-testid="queue-row"][data-alarm-id="${third}"]`);
    await row.locator('[data-testid="holder"]').waitFor({ timeout: 15_000 });
    // Named as the consoles name people: the display name, the username in its tooltip.
    await expect(row.locator('[data-testid="holder"]').innerText()).resolves.toContain('值班员乙');
    await expect(row.locator('[data-testid="holder"]').getAttribute('title')).resolves.toBe('zz-duty-2');
    expect(await row.locator('button[data-testid="acknowledge"]').count()).toBe(0);
    expect(await row.locator('button[data-testid="dispatch"]').count()).toBe(0);

    await page.click('[data-testid="show-arrivals"]');
    await bar.waitFor({ state: 'detached', timeout: 10_000 });
    await waitShownTotal(await apiTotal(OPEN));
  });

  it('sounds, retitles the tab and counts in its icon when a critical alarm arrives', async () => {
    const criticalBefore = await apiTotal('state=new&severity=critical');
    await eventually(
      async () =>
        (await page.evaluate(() => window.__vigilConsole?.criticalCount)) === criticalBefore ? true : undefined,
      15_000,
      'the critical count',
    );
    const cuesBefore = await page.evaluate(() => window.__vigilConsole?.cues.length ?? 0);
    const chipBefore = await page.locator('[data-testid="critical-chip"]').elementHandle();
    await speedingEpisode(vigil.jt808Port, '013971000009', '豫A71009', 176);
    await eventually(
      async () =>
        (await page.evaluate(() => window.__vigilConsole?.cues.length ?? 0)) > cuesBefore ? true : undefined,
      30_000,
      'the critical-alarm cue',
    );
    const cue = await page.evaluate(() => window.__vigilConsole!.cues.at(-1)!);
    expect(cue.contextState).toBe('running');
    expect(cue.oscillators).toBeGreaterThan(0);
    const count = criticalBefore + 1;
    await eventually(
      async () => ((await page.title()).startsWith(`(${count}) 严重报警未签收`) ? true : undefined),
      10_000,
      'the title',
    );
    await expect(page.locator('link[rel="icon"]').getAttribute('data-count')).resolves.toBe(String(count));
    expect(await page.locator('link[rel="icon"]').getAttribute('href')).toMatch(/^data:image\/png;base64,/);
    await expect(page.locator('[data-testid="critical-chip"]').innerText()).resolves.toContain(
      `严重报警未签收 ${count}`,
    );
    // A new count is a new chip, whose pulse starts again (it stops after a few seconds).
    if (criticalBefore > 0) expect(await chipBefore!.evaluate((chip) => chip.isConnected)).toBe(false);
    else expect(chipBefore).toBeNull();
    // Muting is remembered for the workstation: no sound for the next one.
    await page.click('[data-testid="sound-toggle"]');
    expect(await page.evaluate(() => localStorage.getItem('vigil.console.sound'))).toBe('off');
  });

  it('offers an admin no handling buttons and says which account handles alarms', async () => {
    const adminPage = await browser.context.newPage();
    await adminPage.goto(`${vigil.baseUrl}/console`);
    await adminPage.evaluate(() => sessionStorage.clear());
    await adminPage.reload();
    await adminPage.fill('input[name="username"]', 'admin');
    await adminPage.fill('input[name="password"]', ADMIN_PASSWORD);
    await adminPage.click('[data-testid="login"]');
    await adminPage.locator('[data-testid="queue-row"]').first().waitFor({ timeout: 20_000 });
    await expect(adminPage.locator('[data-testid="read-only-notice"]').innerText()).resolves.toContain('值班员');
    expect(await adminPage.locator('[data-testid="queue-row"] button[data-testid="acknowledge"]').count()).toBe(0);
    expect(await adminPage.locator('[data-testid="queue-row"] button[data-testid="dispatch"]').count()).toBe(0);
    await adminPage.close();
  });
});
