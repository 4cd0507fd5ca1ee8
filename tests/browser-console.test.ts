/**
 * The duty console in a real browser against a real `vigil start`: a refused login says so; a duty officer logs
 * in and works the alarm queue (acknowledges an alarm raised over JT/T 808 and dispatches it as a work order that
 * then shows on the board with its deadline); the vehicle page replays the track from ClickHouse with the vehicle's alarms and
 * sends a location query that the terminal answers and takes a photo (0x8801) that shows once uploaded; logging out
 * revokes the session. 1920×1080 screenshots go
 * to tests/artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { locationBody } from '../cli/demo/location.js';
import { SimulatedTerminal } from '../cli/demo/simulated-terminal.js';
import { PAGE_CSP } from '../center/index.js';
import { artifactPath, launchBrowser, shootAtPictureSizes, type TestBrowser } from './support/browser.js';
import { ADMIN_PASSWORD, eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

const PHONE = '013912348001';
const PLATE = '豫A8C001';
const OFFICER = {
  username: 'duty.province',
  password: 'duty-officer-passphrase',
  role: 'duty_officer',
  org_code: '410000',
};
const LEADER = {
  username: 'leader.province',
  password: 'leader-on-duty-passphrase',
  role: 'leader',
  org_code: '410000',
};

let vigil: VigilProcess;
let browser: TestBrowser;
let page: Page;
let terminal: SimulatedTerminal;
let alarmId: string;
/** A 48×32 JPEG the terminal's camera "takes" (made by the browser before the terminal connects). */
let photoJpeg: Buffer;

async function logIn(username: string, password: string): Promise<void> {
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('[data-testid="login"]');
}

beforeAll(async () => {
  vigil = await startVigil();
  browser = await launchBrowser({ width: 1920, height: 1080 });
  page = await browser.context.newPage();
  photoJpeg = Buffer.from(
    await page.evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 48;
      canvas.height = 32;
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#3a7';
      g.fillRect(0, 0, 48, 32);
      return canvas.toDataURL('image/jpeg').split(',')[1];
    }),
    'base64',
  );
  terminal = new SimulatedTerminal({ phone: PHONE, plate: PLATE, plateColor: 2, version: 2013 });
  await terminal.connect('127.0.0.1', vigil.jt808Port);
  await terminal.logIn();
  // The terminal answers the platform's commands the way a real one does.
  terminal.onCommand = (command) => {
    if (command.msgId === 0x8201)
      terminal.send({
        msgId: 0x0201,
        body: {
          replySerial: command.serial,
          location: locationBody({ lat: 34.76, lon: 113.7, speedKmh: 40, directionDeg: 0, time: Date.now() }, 2013),
        },
      });
    else if (command.msgId === 0x8801) {
      // Take a photo now: answer with its media id, then upload it, as a camera terminal does.
      terminal.send({ msgId: 0x0805, body: { replySerial: command.serial, result: 0, mediaIds: [901] } });
      terminal.send({
        msgId: 0x0801,
        body: {
          mediaId: 901,
          mediaType: 0,
          mediaFormat: 0,
          eventCode: 0,
          channelId: 1,
          location: locationBody({ lat: 34.76, lon: 113.7, speedKmh: 0, directionDeg: 0, time: Date.now() }, 2013),
          data: photoJpeg,
        },
      });
    } else if (command.msgId === 0x8104) {
      // Its parameters: the speed limit and report interval (DWORDs) and the server address (text).
      const dword = (value: number): Buffer =>
        Buffer.from([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]);
      terminal.send({
        msgId: 0x0104,
        body: {
          replySerial: command.serial,
          params: [
            { id: 0x0055, value: dword(100) },
            { id: 0x0029, value: dword(30) },
            { id: 0x0013, value: Buffer.from('vigil.example.cn') },
          ],
        },
      });
    } else if (command.msgId === 0x8702)
      // The driver's card as the terminal read it; 0x0702 names the 0x8702 it answers by no flow number.
      terminal.send({
        msgId: 0x0702,
        body: {
          status: 1,
          time: Date.now(),
          readResult: 0,
          name: '张建国',
          certificate: '410105198001010011',
          authority: '郑州市交通运输局',
          expiry: '2028-06-30',
        },
      });
    else if (command.msgId === 0x8500)
      terminal.send({
        msgId: 0x0500,
        body: {
          replySerial: command.serial,
          location: locationBody({ lat: 34.76, lon: 113.7, speedKmh: 0, directionDeg: 0, time: Date.now() }, 2013),
        },
      });
    else terminal.send({ msgId: 0x0001, body: { replySerial: command.serial, replyMsgId: command.msgId, result: 0 } });
  };
  const now = Date.now();
  const fixes = [50, 70, 131, 134, 66, 55].map((speedKmh, i) => ({ speedKmh, time: now - (6 - i) * 30_000 }));
  for (const [i, { speedKmh, time }] of fixes.entries()) {
    const reply = await terminal.request({
      msgId: 0x0200,
      body: locationBody({ lat: 34.75 + i * 0.004, lon: 113.66 + i * 0.003, speedKmh, directionDeg: 45, time }, 2013),
    });
    expect(reply.msgId).toBe(0x8001);
  }
  const rows = await eventually(
    async () => {
      const r = await vigil.sql<[string]>(`SELECT alarm_id FROM alarms_current WHERE terminal_id = '${PHONE}'`);
      return r.rows.length > 0 ? r.rows : undefined;
    },
    30_000,
    'the alarm in ClickHouse',
  );
  alarmId = rows[0][0];
});

afterAll(async () => {
  terminal?.close();
  await browser?.close();
  await vigil?.stop({ removeData: true });
});

describe('the duty console in chromium', () => {
  it('refuses a wrong password and says so', async () => {
    await page.goto(`${vigil.baseUrl}/console`);
    await logIn('admin', 'not the password');
    await expect(page.locator('[data-testid="login-error"]').innerText()).resolves.toContain('用户名或密码错误');
  });

  it('works the alarm queue: acknowledge, then dispatch as a work order with a deadline on the board', async () => {
    const admin = await vigil.login();
    const created = await fetch(`${vigil.baseUrl}/api/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(OFFICER),
    });
    expect(created.status).toBe(201);
    await logIn(OFFICER.username, OFFICER.password);
    const row = page.locator(`[data-testid="queue-row"][data-alarm-id="${alarmId}"]`);
    await row.waitFor({ timeout: 30_000 });
    await expect(row.getAttribute('data-state')).resolves.toBe('new');
    const queueShot = artifactPath('console-queue-1920x1080.png');
    await page.screenshot({ path: queueShot });
    console.log(`screenshot: ${queueShot}`);
    await row.locator('[data-testid="acknowledge"]').click();
    await eventually(
      async () => ((await row.getAttribute('data-state')) === 'acknowledged' ? true : undefined),
      15_000,
      'acknowledged in the queue',
    );
    await row.locator('[data-testid="dispatch"]').click();
    await page.click('[data-testid="dispatch-next"]');
    await page.click('[data-testid="dispatch-confirm"]');
    // A dispatched alarm leaves the queue and its work order appears on the board.
    await eventually(
      async () => ((await row.getAttribute('data-state')) === 'dispatched' ? true : undefined),
      15_000,
      'dispatched',
    );
    await page.click('[data-testid="tab-orders"]');
    const card = page.locator(`[data-testid="order-row"][data-alarm-id="${alarmId}"]`);
    await card.waitFor({ timeout: 15_000 });
    await expect(card.innerText()).resolves.toMatch(/剩余 \d+(天|小时)/);
    const boardShot = artifactPath('console-orders-1920x1080.png');
    await page.screenshot({ path: boardShot });
    console.log(`screenshot: ${boardShot}`);
    const stored = (await vigil.sql<[string]>(`SELECT count() FROM alarms_current WHERE alarm_id = '${alarmId}'`)).rows;
    expect(Number(stored[0][0])).toBe(1);
  });

  it('replays the vehicle track from ClickHouse, lists its alarm, sends a location query and takes a photo', async () => {
    if ((await page.locator('[data-testid="console"]').count()) === 0) await logIn('admin', ADMIN_PASSWORD);
    // The driver puts their card in: the track shows who is at the wheel.
    const cardIn = Math.floor((Date.now() - 20_000) / 1000) * 1000;
    const card = { status: 1, time: cardIn, readResult: 0, name: '李卫东', certificate: 'QC4101050001' };
    expect((await terminal.request({ msgId: 0x0702, body: { ...card, authority: '郑州市交通运输局' } })).msgId).toBe(
      0x8001,
    );
    await page.click('[data-testid="tab-vehicle"]');
    await page.fill('[data-testid="vehicle-search"]', PHONE);
    await page.keyboard.press('Enter');
    const svg = page.locator('[data-testid="track-svg"]');
    await svg.waitFor({ timeout: 15_000 });
    await expect(svg.getAttribute('data-points')).resolves.toBe('6');
    await expect(page.locator('[data-testid="track-driver"]').innerText()).resolves.toContain(
      '当前驾驶员 李卫东（从业资格证 QC4101050001）',
    );
    await expect(page.locator('.vehicle-side').innerText()).resolves.toContain('超速');
    await page.click('[data-testid="replay"]');
    await page.click('[data-testid="location-query"]');
    const outcome = page.locator('[data-testid="command-outcome"]');
    await expect(outcome.innerText({ timeout: 15_000 })).resolves.toContain('成功 (34.76000, 113.70000)');
    // The terminal's parameters and its driver, read back into tables a duty officer reads.
    await page.click('[data-testid="parameters-query"]');
    const parameters = page.locator('[data-testid="parameters-table"]');
    await parameters.waitFor({ timeout: 15_000 });
    await expect(parameters.locator('tr[data-parameter-id="85"]').innerText()).resolves.toMatch(/最高速度.*\s+100$/);
    await expect(parameters.locator('tr[data-parameter-id="41"]').innerText()).resolves.toMatch(/缺省汇报间隔.*\s+30$/);
    await expect(parameters.locator('tr[data-parameter-id="19"]').innerText()).resolves.toContain('vigil.example.cn');
    await page.click('[data-testid="driver-info"]');
    const driver = page.locator('[data-testid="driver-table"]');
    await driver.waitFor({ timeout: 15_000 });
    await expect(driver.innerText()).resolves.toMatch(
      /张建国[\s\S]*410105198001010011[\s\S]*郑州市交通运输局[\s\S]*已插卡/,
    );
    // Temporary tracking with the officer's interval and duration, as the terminal receives them.
    await page.fill('[data-testid="tracking-interval"]', '5');
    await page.fill('[data-testid="tracking-minutes"]', '2');
    await page.click('[data-testid="tracking-send"]');
    await expect(outcome.innerText({ timeout: 15_000 })).resolves.toContain('每 5 秒上报一次位置，持续 2 分钟');
    expect(terminal.received.find((r) => r.msgId === 0x8202)?.body).toEqual({ intervalS: 5, validityS: 120 });
    // Commands that act on the vehicle are not offered to a duty officer (the next test gives them to a leader).
    expect(await page.locator('[data-testid="sensitive-commands"]').count()).toBe(0);
    // Take a photo now: it shows among the terminal's photos once uploaded.
    await page.click('[data-testid="take-photo"]');
    const photo = page.locator('[data-testid="media-photo"][data-media-id="901"] img');
    await photo.waitFor({ timeout: 20_000 });
    await eventually(
      async () => ((await photo.evaluate((img: HTMLImageElement) => img.naturalWidth)) === 48 ? true : undefined),
      10_000,
      'the photo decoded',
    );
    const shot = artifactPath('console-1920x1080.png');
    await page.screenshot({ path: shot });
    console.log(`screenshot: ${shot}`);
  });

  it('offers a leader the commands that act on the vehicle, each only after a confirmation', async () => {
    const admin = await vigil.login();
    const created = await fetch(`${vigil.baseUrl}/api/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(LEADER),
    });
    expect(created.status).toBe(201);
    // A tab of its own: the console keeps its session per tab (sessionStorage), so no second browser is needed.
    const leaderPage = await browser.context.newPage();
    try {
      await leaderPage.goto(`${vigil.baseUrl}/console`);
      await leaderPage.fill('input[name="username"]', LEADER.username);
      await leaderPage.fill('input[name="password"]', LEADER.password);
      await leaderPage.click('[data-testid="login"]');
      await leaderPage.click('[data-testid="tab-vehicle"]');
      await leaderPage.fill('[data-testid="vehicle-search"]', PHONE);
      await leaderPage.keyboard.press('Enter');
      await leaderPage.locator('[data-testid="sensitive-commands"]').waitFor({ timeout: 15_000 });
      const locks = () => terminal.received.filter((r) => r.msgId === 0x8500);
      await leaderPage.click('[data-testid="doors-lock"]');
      const dialog = leaderPage.locator('[data-testid="command-confirm"]');
      await dialog.waitFor();
      await expect(dialog.innerText()).resolves.toContain(`向 ${PLATE} 下发车门加锁指令`);
      // Cancelled: nothing is sent.
      await leaderPage.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      await leaderPage.click('[data-testid="doors-lock"]');
      await leaderPage.screenshot({ path: artifactPath('console-command-confirm-1920x1080.png') });
      expect(locks()).toEqual([]);
      await leaderPage.click('[data-testid="command-confirm-send"]');
      await expect(
        leaderPage.locator('[data-testid="command-outcome"]').innerText({ timeout: 15_000 }),
      ).resolves.toContain('成功 (34.76000, 113.70000)');
      expect(locks().map((r) => r.body)).toEqual([{ flags: 1 }]);
      // A call back needs a number the terminal can dial before anything is asked.
      await leaderPage.fill('[data-testid="callback-phone"]', '12a');
      await leaderPage.click('[data-testid="callback"]');
      await expect(leaderPage.locator('[data-testid="command-outcome"]').innerText()).resolves.toContain('3–20 位数字');
      expect(await dialog.count()).toBe(0);
      await shootAtPictureSizes(leaderPage, 'console-commands');
    } finally {
      await leaderPage.close();
    }
  });

  it('logs out and the session token stops working', async () => {
    const token = await page.evaluate(
      () => (JSON.parse(sessionStorage.getItem('vigil.console_session') ?? '{}') as { token?: string }).token ?? '',
    );
    expect(token).not.toBe('');
    await page.click('[data-testid="logout"]');
    await page.locator('[data-testid="login-form"]').waitFor();
    const me = await fetch(`${vigil.baseUrl}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(401);
  });

  it('ran under the page Content-Security-Policy without violating it', async () => {
    const html = await fetch(`${vigil.baseUrl}/console`);
    expect(html.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(browser.cspViolations()).toEqual([]);
  });

  it('speaks English with ?lang=en, refusals included', async () => {
    await page.goto(`${vigil.baseUrl}/console?lang=en`);
    await logIn(OFFICER.username, 'wrong password');
    await expect(page.locator('[data-testid="login-error"]').innerText()).resolves.toBe(
      'Login failed: Wrong user name or password.',
    );
    await logIn(OFFICER.username, OFFICER.password);
    await expect(page.locator('[data-testid="tab-alarms"]').innerText()).resolves.toContain('Alarm queue');
    await expect(page.locator('[data-testid="queue-total"]').innerText()).resolves.toMatch(/^\d+ alarms/);
  });
});
