/**
 * The console's JT/T 809 page (下级平台) in real Chromium against a real `vigil start`, with a lower platform
 * written from the standard logged in over TCP: the province administrator sees the platform and its link
 * state; the province's duty officer picks it from the list of the platforms the province supervises, sends a 查岗 and
 * a 督办 of an alarm the platform itself reported, picked from the queue; the platform receives 0x9301 and
 * 0x9401 on its main link, decoded here independently of Vigil's codec, and answers; the page shows the answer,
 * its time and the result, the deadline counting down until then. A refusal shows as a sentence.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformInspectionSchedule } from '../schema/index.js';
import { chinaDateTime } from '../wall/src/console/console-time.js';
import { artifactPath, launchBrowser, shootForDocs, type TestBrowser } from './support/browser.js';
import { api, createPerson, openConsole, type Person, registerVehicles } from './support/console-scenario.js';
import { alarmReportData, Jt809Client, loginBody, vehicleEnvelope } from './support/jt809-client.js';
import { inspectionAnswer, readInspection, readSupervision, supervisionAnswer } from './support/jt809-requests-wire.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

const ACCESS_CODE = 41_000_809;
const USER_ID = 8809;
const PASSWORD = 'Rq8#0w9b';
const PLATE = '豫A8J809';
const QUESTION = '请报告今日值班人员姓名';
const ANSWER = '值班员李四在岗，设备正常';

let vigil: VigilProcess;
let browser: TestBrowser;
let admin: string;
let officer: Person;
let platform: Jt809Client;

async function openJt809(person: { username: string; password: string }): Promise<Page> {
  const page = await openConsole(vigil, browser, person, 'jt809');
  await page.locator('[data-testid="jt809-page"]').waitFor();
  return page;
}

beforeAll(async () => {
  vigil = await startVigil();
  admin = await vigil.login();
  officer = await createPerson(vigil, admin, 'henan-809', 'duty_officer', '410000', { display_name: '王督办' });
  await registerVehicles(vigil, admin, [{ plate: PLATE, terminal_id: '013980900001', home_org_code: '410102' }]);
  await api(vigil, admin, 'POST', '/api/jt809/platforms', {
    access_code: ACCESS_CODE,
    user_id: USER_ID,
    password: PASSWORD,
    name: '郑州某运输企业监控平台',
    org_code: '410000',
  });
  platform = new Jt809Client({ accessCode: ACCESS_CODE });
  await platform.connect('127.0.0.1', vigil.jt809Port);
  platform.send(0x1001, loginBody(USER_ID, PASSWORD));
  expect((await platform.answer(0x1002)).body[0]).toBe(0);
  // The platform reports an overspeed warning (WARN_TYPE 0x0001) of one of its vehicles: an alarm in the queue.
  platform.send(0x1400, vehicleEnvelope(PLATE, 2, 0x1402, alarmReportData(1, 0x0001, Date.now(), 80_901, '超速')));
  await eventually(
    async () => {
      const { alarms } = await api<{ alarms: { plate: string }[] }>(vigil, officer.token, 'GET', '/api/alarms');
      return alarms.some((a) => a.plate === PLATE) ? true : undefined;
    },
    60_000,
    "the platform's alarm in the province's queue",
  );
  browser = await launchBrowser({ width: 1920, height: 1080 });
});

afterAll(async () => {
  platform?.close();
  await browser?.close();
  await vigil?.stop({ removeData: true });
});

describe('console: JT/T 809 查岗 and 督办 of a lower platform', () => {
  it("shows the administrator the platform with its main link's state", async () => {
    const page = await openJt809({ username: 'admin', password: vigil.adminPassword });
    const row = page.locator(`[data-testid="jt809-platform"][data-access-code="${ACCESS_CODE}"]`);
    await row.waitFor();
    expect(await row.locator('[data-testid="jt809-main-link"]').getAttribute('data-state')).toBe('logged_in');
    expect(await row.locator('[data-testid="jt809-main-link"]').textContent()).toBe('已登录');
    // Recognized from its login: the test platform speaks 2011.
    expect(await row.locator('[data-testid="jt809-edition"]').textContent()).toBe('JT/T 809-2011');
    expect(await row.textContent()).toContain('郑州某运输企业监控平台');
    // Registered today, the platform has no 考核 figure yet: not graded, inspected daily by the scheduler. The
    // screen shows what the server's schedule says.
    // Its 查岗 of today is either still to come, or was due already and is sent at the scheduler's next tick.
    const schedule = await eventually(
      async () => {
        const { platforms } = await api<{ platforms: PlatformInspectionSchedule[] }>(
          vigil,
          admin,
          'GET',
          '/api/jt809/platforms/schedule',
        );
        const mine = platforms.find((p) => p.access_code === ACCESS_CODE);
        return mine && (mine.sent_in_slot || Date.parse(mine.due_at) > Date.now()) ? mine : undefined;
      },
      60_000,
      "the platform's scheduled 查岗 sent or still to come",
    );
    expect(schedule).toMatchObject({ grade: null, score: null, interval_hours: 24 });
    expect(await row.locator('[data-testid="jt809-grade"]').textContent()).toBe('未定级');
    expect(await row.locator('[data-testid="jt809-interval"]').textContent()).toBe('每 1 天');
    const shown = chinaDateTime(Date.parse(schedule.sent_in_slot ? schedule.next_due_at : schedule.due_at));
    await eventually(
      async () =>
        (await row.locator('[data-testid="jt809-next-inspection"]').textContent()) === shown ? true : undefined,
      15_000,
      `the next scheduled 查岗 shown as ${shown}`,
    );
    if (schedule.sent_in_slot) {
      // The scheduled 查岗 reached the platform, sent by the scheduler.
      const asked = readInspection((await platform.answer(0x9300, 10_000)).body);
      expect(asked.question).toContain('定时查岗');
      expect(await row.locator('[data-testid="jt809-last-scheduled"]').textContent()).toContain('待应答');
    }
    await shootForDocs(page, 'console-jt809-schedule');
    await page.close();
    // The scheduler's 15 s tick, the platform's login and the page under load can together take past a minute.
  });

  it('sends a 查岗 from the screen; the platform answers; the screen shows the answer and when', async () => {
    const page = await openJt809(officer);
    // The officer's unit supervises the platform, so the officer's list has it.
    await page.click(`[data-testid="jt809-platform"][data-access-code="${ACCESS_CODE}"]`);
    await page.fill('[data-testid="jt809-question"]', QUESTION);
    await page.fill('[data-testid="jt809-inspect-minutes"]', '5');
    await page.click('[data-testid="jt809-inspect-send"]');
    const request = readInspection(
      (await platform.answer(0x9300, 10_000, (a) => readInspection(a.body).question === QUESTION)).body,
    );
    expect(request.question).toBe(QUESTION);
    const row = page.locator(`[data-testid="jt809-inspection"][data-info-id="${request.infoId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('sent');
    expect(await row.locator('[data-testid="jt809-countdown"]').textContent()).toMatch(/^剩余 [45]分/);
    platform.send(0x1300, inspectionAnswer(ACCESS_CODE, request.infoId, ANSWER));
    await eventually(
      async () => ((await row.getAttribute('data-status')) === 'answered' ? true : undefined),
      20_000,
      'the inspection shown answered',
    );
    expect(await row.locator('[data-testid="jt809-answer"]').textContent()).toContain(ANSWER);
    expect(await row.locator('[data-testid="jt809-inspection-status"]').textContent()).toBe('已应答');
    expect(await row.locator('[data-testid="jt809-answered-at"]').textContent()).toMatch(/\d\d:\d\d:\d\d$/);
    expect(await row.locator('[data-testid="jt809-countdown"]').count()).toBe(0);
    await page.screenshot({ path: artifactPath('console-jt809-inspection.png') });
    await page.close();
  });

  it('sends a 督办 of an alarm picked from the queue; the platform answers; the screen shows the result', async () => {
    const page = await openJt809(officer);
    await page.click(`[data-testid="jt809-platform"][data-access-code="${ACCESS_CODE}"]`);
    await page.locator('[data-testid="jt809-supervise-form"]').waitFor();
    // By plate without a warning type first: refused, and said as a sentence.
    await page.click('[data-testid="jt809-source-plate"]');
    await page.fill('[data-testid="jt809-plate"]', PLATE);
    await page.click('[data-testid="jt809-supervise-send"]');
    await eventually(
      async () => {
        const errors = await page.locator('[data-testid="toast-error"]').allTextContents();
        return errors.some((t) => t.includes('请选择报警类型')) ? true : undefined;
      },
      10_000,
      'the refusal as a sentence',
    );
    await page.click('[data-testid="jt809-source-alarm"]');
    const option = await eventually(
      async () => {
        const texts = await page.locator('[data-testid="jt809-alarm"] option').allTextContents();
        return texts.find((t) => t.startsWith(PLATE));
      },
      15_000,
      "the platform's alarm offered from the queue",
    );
    await page.selectOption('[data-testid="jt809-alarm"]', { label: option });
    await page.selectOption('[data-testid="jt809-level"]', 'urgent');
    await page.fill('[data-testid="jt809-supervisor"]', '王督办');
    await page.click('[data-testid="jt809-supervise-send"]');
    const request = readSupervision((await platform.answer(0x9400, 15_000)).body);
    expect(request).toMatchObject({ plate: PLATE, warnType: 0x0001, supervisor: '王督办' });
    const row = page.locator(`[data-testid="jt809-supervision"][data-supervision-id="${request.supervisionId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('sent');
    expect(await row.textContent()).toContain('紧急');
    platform.send(0x1400, supervisionAnswer(PLATE, 2, request.supervisionId, 0));
    await eventually(
      async () => ((await row.getAttribute('data-status')) === 'answered' ? true : undefined),
      20_000,
      'the supervision shown answered',
    );
    expect(await row.locator('[data-testid="jt809-result"]').textContent()).toBe('处理完毕');
    expect(await row.locator('[data-testid="jt809-supervision-status"]').textContent()).toBe('已回复');
    await page.screenshot({ path: artifactPath('console-jt809-supervision.png') });
    await page.close();
  });
});
