/**
 * Regenerates the duty console's screenshots in docs/screenshots/ (`npm run docs:screenshots`, which sets
 * `VIGIL_DOC_SCREENSHOTS=1`; without it they go to tests/artifacts/ as every test's do; not part of `npm test`): a real `vigil start` fed only the ways production data arrives — registry upload, JT/T 809 alarm
 * reports, speeding JT/T 808 terminals, a back-filled day of driving — and worked through the API, then every
 * screen photographed in Chromium at 1920×1080 and 3840×2160, zh-CN. `DOCS_SCREENSHOTS=zones` photographs only the
 * zone editor and the terminal settings of the command panel, on a node of their own (a minute instead of many);
 * `DOCS_SCREENSHOTS=assessment` only the 考核 tab (scores, red and black lists, the archived 通报).
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { AlarmListAnswer, FeedAlarmCase } from '../../schema/index.js';
import { locationBody } from '../../cli/demo/location.js';
import { SimulatedTerminal } from '../../cli/demo/simulated-terminal.js';
import { docScreenshotPath, launchBrowser } from '../support/browser.js';
import {
  api,
  backfillTrack,
  createPerson,
  registerVehicles,
  reportAlarms,
  speedingEpisode,
  waitForAlarms,
  workingDay,
  type Person,
} from '../support/console-scenario.js';
import { Jt809Client, loginBody } from '../support/jt809-client.js';
import {
  inspectionAnswer,
  readInspection,
  readSupervision,
  supervisionAnswer,
} from '../support/jt809-requests-wire.js';
import { eventually, startVigil, type VigilProcess } from '../support/vigil-process.js';

const SIZES = [
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
] as const;
const COUNTIES = ['410102', '410103', '410105', '410122', '410182'];
const TRUCK = { plate: '豫A12399', terminal_id: '013955550001' };

async function photoFrom(page: Page, width: number, height: number): Promise<string> {
  return page.evaluate(
    ([w, h]) => {
      const canvas = document.createElement('canvas');
      canvas.width = w;
      canvas.height = h;
      const g = canvas.getContext('2d')!;
      const sky = g.createLinearGradient(0, 0, 0, h);
      sky.addColorStop(0, '#9cc4ea');
      sky.addColorStop(0.55, '#d8e4ee');
      sky.addColorStop(0.56, '#5b5f63');
      sky.addColorStop(1, '#3b3f42');
      g.fillStyle = sky;
      g.fillRect(0, 0, w, h);
      g.fillStyle = '#c8372d';
      g.fillRect(w * 0.2, h * 0.35, w * 0.5, h * 0.28);
      g.fillStyle = '#222';
      for (const x of [0.28, 0.6]) {
        g.beginPath();
        g.arc(w * x, h * 0.66, h * 0.06, 0, Math.PI * 2);
        g.fill();
      }
      g.fillStyle = '#fff';
      g.font = `${Math.round(h / 12)}px sans-serif`;
      g.fillText('豫A12399', w * 0.3, h * 0.52);
      return canvas.toDataURL('image/jpeg', 0.85).split(',')[1];
    },
    [width, height],
  );
}

async function logIn(page: Page, baseUrl: string, person: Person): Promise<void> {
  await page.goto(`${baseUrl}/console`);
  await page.evaluate(() => sessionStorage.clear());
  await page.goto(`${baseUrl}/console`);
  await page.fill('input[name="username"]', person.username);
  await page.fill('input[name="password"]', person.password);
  await page.click('[data-testid="login"]');
  await page.locator('[data-testid="console"]').waitFor();
}

/** Zones of the rules configuration as an administrator would draw them around Zhengzhou. */
const ZONES = [
  {
    id: 'zone-1',
    name: '郑州市区学校路段',
    kind: 'speed_limit',
    speedLimitKmh: 30,
    hours: { from: '07:00', to: '19:00' },
    polygon: [
      [113.6, 34.73],
      [113.7, 34.72],
      [113.72, 34.79],
      [113.63, 34.8],
      [113.6, 34.73],
    ],
  },
  { id: 'zone-2', name: '尖岗水库水源保护区', kind: 'restricted', circle: { center: [113.57, 34.66], radiusM: 3000 } },
  {
    id: 'zone-3',
    name: '京港澳高速郑州段危化品禁行通道',
    kind: 'restricted',
    corridor: {
      path: [
        [113.78, 34.98],
        [113.8, 34.85],
        [113.83, 34.72],
        [113.84, 34.6],
      ],
      widthM: 1500,
    },
  },
  { id: 'zone-4', name: '新郑接驳点', kind: 'relay_point', circle: { center: [113.74, 34.41], radiusM: 600 } },
];

/** The zone editor (an administrator editing the corridor) and the command panel's terminal settings. */
async function zoneScreens(vigil: Awaited<ReturnType<typeof startVigil>>, admin: string): Promise<void> {
  const rules = await api<{ config: Record<string, unknown> }>(vigil, admin, 'GET', '/api/rules');
  await api(vigil, admin, 'PUT', '/api/rules', {
    config: { ...rules.config, zones: ZONES },
    comment: '郑州市交警支队通知：学校路段限速、水源地与高速通道危化品禁行',
  });
  const terminal = new SimulatedTerminal({ phone: '013955550077', plate: '豫A77321', plateColor: 2, version: 2013 });
  await terminal.connect('127.0.0.1', vigil.jt808Port);
  await terminal.logIn();
  const place = (lat: number, lon: number, ago: number) =>
    locationBody({ lat, lon, speedKmh: 0, directionDeg: 0, time: Date.now() - ago }, 2013);
  terminal.onCommand = (command) =>
    command.msgId === 0x8802
      ? terminal.send({
          msgId: 0x0802,
          body: {
            replySerial: command.serial,
            items: [
              { mediaId: 1201, mediaType: 0, channel: 1, eventCode: 4, location: place(34.75, 113.66, 5_400_000) },
              { mediaId: 1202, mediaType: 0, channel: 2, eventCode: 1, location: place(34.76, 113.68, 3_600_000) },
              { mediaId: 1203, mediaType: 0, channel: 1, eventCode: 5, location: place(34.77, 113.7, 600_000) },
            ],
          },
        })
      : terminal.send({ msgId: 0x0001, body: { replySerial: command.serial, replyMsgId: command.msgId, result: 0 } });
  await terminal.request({ msgId: 0x0200, body: place(34.75, 113.66, 0) });
  try {
    for (const size of SIZES) {
      const b = await launchBrowser(size, { locale: 'zh-CN' });
      const page = await b.context.newPage();
      const shot = async (name: string) => {
        const file = docScreenshotPath(`${name}-${size.width}x${size.height}.png`);
        await page.screenshot({ path: file });
        console.log(`  ${path.relative(process.cwd(), file)}`);
      };
      await logIn(page, vigil.baseUrl, { username: 'admin', password: vigil.adminPassword, token: admin });
      await page.click('[data-testid="tab-zones"]');
      await page.locator('[data-testid="zone-map"][data-ready="true"]').waitFor();
      await page.locator('[data-zone-id="zone-3"] [data-testid="zone-edit"]').click();
      await page.locator('[data-testid="zone-name"]').waitFor();
      // The map has drawn the corridor at its new view once it reports being idle.
      await page.locator('[data-testid="zone-map"][data-idle="true"]').waitFor();
      await shot('console-zones');
      await page.click('[data-testid="tab-vehicle"]');
      await page.fill('[data-testid="vehicle-search"]', '豫A77321');
      await page.keyboard.press('Enter');
      await page.click('[data-testid="media-search"] summary');
      await page.locator('[data-testid="media-search-send"]').click();
      await page.locator('[data-testid="media-table"]').waitFor();
      await page.locator('[data-testid="media-table"]').scrollIntoViewIfNeeded();
      await shot('console-terminal-settings');
      await page.click('[data-testid="terminal-control"] summary');
      await page.selectOption('[data-testid="control-command"]', '5');
      await page.click('[data-testid="control-send"]');
      await page.locator('[data-testid="command-confirm"]').waitFor();
      await shot('console-terminal-control');
      await b.close();
    }
  } finally {
    terminal.close();
  }
}

/**
 * Cities with fleets of their own shape — how many vehicles have a terminal, how many reported this month, how many
 * sped — so that scores differ and the default rules put names on the red and black lists.
 */
const ASSESSED_CITIES = [
  { code: '410100', vehicles: 8, terminals: 8, online: 8, speeding: 0 },
  { code: '410300', vehicles: 8, terminals: 8, online: 7, speeding: 1 },
  { code: '410700', vehicles: 6, terminals: 6, online: 6, speeding: 2 },
  { code: '410200', vehicles: 6, terminals: 5, online: 4, speeding: 1 },
  { code: '410400', vehicles: 6, terminals: 6, online: 3, speeding: 2 },
  { code: '410500', vehicles: 5, terminals: 3, online: 1, speeding: 1 },
] as const;

/** The 考核 tab as a province leader sees it after generating this month's 通报: scores, lists and the archive. */
async function assessmentScreens(vigil: VigilProcess, admin: string): Promise<void> {
  const leader = await createPerson(vigil, admin, 'henan-assessor', 'leader', '410000', { display_name: '考核科' });
  const fleet = ASSESSED_CITIES.flatMap((city, c) =>
    Array.from({ length: city.vehicles }, (_, i) => ({
      plate: `豫${'ACBDEFGH'[c]}8${String(8000 + i)}`,
      terminal_id: i < city.terminals ? `0139880${c}${String(i).padStart(4, '0')}` : '',
      home_org_code: city.code,
      online: i < city.online,
      speeding: i < city.speeding,
    })),
  );
  await registerVehicles(vigil, admin, fleet);
  for (const v of fleet.filter((f) => f.online))
    await speedingEpisode(vigil.jt808Port, v.terminal_id, v.plate, v.speeding ? 128 : 82);
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const from = `${today.slice(0, 7)}-01`;
  await eventually(
    async () => {
      const r = await api<{ totals: { figures: { online_rate: { numerator: number } } } }>(
        vigil,
        leader.token,
        'GET',
        `/api/assessment?from=${from}&to=${today}`,
      );
      return r.totals.figures.online_rate.numerator >= fleet.filter((f) => f.online).length ? true : undefined;
    },
    60_000,
    'the fleet in the assessment',
  );
  await api(vigil, leader.token, 'POST', '/api/assessment/circulars', { from, to: today });
  for (const size of SIZES) {
    const b = await launchBrowser(size, { locale: 'zh-CN' });
    const page = await b.context.newPage();
    const shot = async (name: string) => {
      const file = docScreenshotPath(`${name}-${size.width}x${size.height}.png`);
      await page.screenshot({ path: file });
      console.log(`  ${path.relative(process.cwd(), file)}`);
    };
    await logIn(page, vigil.baseUrl, leader);
    await page.click('[data-testid="tab-assessment"]');
    await page.locator('[data-testid="assessment-table"]').waitFor();
    await page.locator('[data-testid="assessment-circular"]').first().waitFor();
    await shot('console-assessment');
    await page.locator('[data-testid="assessment-circulars"]').scrollIntoViewIfNeeded();
    await shot('console-assessment-circulars');
    await b.close();
  }
}

const LOWER = { accessCode: 41_000_888, userId: 8888, password: 'Rq8#0w9b' };

/**
 * A lower platform on line, asked and supervised by the province's leader through the API: an inspection answered,
 * one left unanswered past a short deadline, one still open; a supervision of a queued alarm answered, one by plate
 * overdue, one open. The platform stays logged in (keep-alives) for the photographs; close it afterwards.
 */
async function lowerPlatform(vigil: VigilProcess, admin: string, leader: Person): Promise<Jt809Client> {
  await api(vigil, admin, 'POST', '/api/jt809/platforms', {
    access_code: LOWER.accessCode,
    user_id: LOWER.userId,
    password: LOWER.password,
    name: '郑州某物流企业监控平台',
    org_code: '410100',
  });
  const lower = new Jt809Client({ accessCode: LOWER.accessCode });
  await lower.connect('127.0.0.1', vigil.jt809Port);
  lower.send(0x1001, loginBody(LOWER.userId, LOWER.password));
  if ((await lower.answer(0x1002)).body[0] !== 0) throw new Error('the lower platform could not log in');
  const keepAlive = setInterval(() => lower.send(0x1005, Buffer.alloc(0)), 30_000);
  keepAlive.unref();
  const base = `/api/jt809/platforms/${LOWER.accessCode}`;
  const ask = async (question: string, minutes: number) => {
    await api(vigil, leader.token, 'POST', `${base}/inspections`, { question, deadline_minutes: minutes });
    return readInspection(
      (await lower.answer(0x9300, 10_000, (a) => readInspection(a.body).question === question)).body,
    );
  };
  const supervise = async (body: Record<string, unknown>) => {
    await api(vigil, leader.token, 'POST', `${base}/supervisions`, body);
    return readSupervision((await lower.answer(0x9400)).body);
  };
  const answered = await ask('请报告今日值班人员姓名及联系电话', 10);
  lower.send(0x1300, inspectionAnswer(LOWER.accessCode, answered.infoId, '值班员李四、王五在岗，电话 0371-65550123'));
  await ask('请确认监控大屏及报警提示音工作正常', 0.05);
  const [queued] = (
    await api<AlarmListAnswer>(
      vigil,
      leader.token,
      'GET',
      `/api/alarms?state=new,acknowledged&sort=urgency&limit=1&plate=${encodeURIComponent('豫A61000')}`,
    )
  ).alarms;
  const handled = await supervise({ alarm_id: queued.alarm_id, deadline_minutes: 30, level: 'urgent' });
  lower.send(0x1400, supervisionAnswer(handled.plate, 2, handled.supervisionId, 0));
  await supervise({ plate: TRUCK.plate, plate_color: 2, warn_type: 0x0002, deadline_minutes: 0.05, level: 'urgent' });
  await ask('请报告本企业车辆今日上线率', 20);
  await supervise({ plate: '豫A61003', plate_color: 2, warn_type: 0x0001, deadline_minutes: 120 });
  await eventually(
    async () => {
      const [i, s] = await Promise.all([
        api<{ inspections: { status: string; sent_by: string }[] }>(vigil, leader.token, 'GET', `${base}/inspections`),
        api<{ supervisions: { status: string }[] }>(vigil, leader.token, 'GET', `${base}/supervisions`),
      ]);
      // The leader's requests; the node's own scheduled 查岗 (sent by 定时查岗) may be among them too.
      const asked = i.inspections.filter((r) => r.sent_by !== '定时查岗');
      const states = [...asked, ...s.supervisions].map((r) => r.status).sort();
      return states.join() === 'answered,answered,overdue,sent,sent,unanswered' ? true : undefined;
    },
    30_000,
    "the lower platform's requests in every state",
  );
  return lower;
}

async function main(): Promise<void> {
  const vigil = await startVigil();
  if (process.env.DOCS_SCREENSHOTS === 'zones' || process.env.DOCS_SCREENSHOTS === 'assessment') {
    try {
      if (process.env.DOCS_SCREENSHOTS === 'zones') await zoneScreens(vigil, await vigil.login());
      else await assessmentScreens(vigil, await vigil.login());
    } finally {
      await vigil.stop({ removeData: true });
    }
    return;
  }
  try {
    const admin = await vigil.login();
    await api(vigil, admin, 'POST', '/api/enterprises', {
      id: 'ZZ-LOGISTICS',
      name: '郑州某物流有限公司',
      org_code: '410100',
    });
    const fleet = Array.from({ length: 40 }, (_, i) => ({
      plate: `豫A${String(61000 + i)}`,
      terminal_id: `01396100${String(i).padStart(4, '0')}`,
      home_org_code: COUNTIES[i % COUNTIES.length],
    }));
    await registerVehicles(vigil, admin, [
      ...fleet,
      { ...TRUCK, home_org_code: '410105', enterprise_id: 'ZZ-LOGISTICS', vehicle_class: 'dangerous_goods' },
    ]);
    const duty = await createPerson(vigil, admin, 'zz-duty', 'duty_officer', '410100', { display_name: '王值班' });
    const colleague = await createPerson(vigil, admin, 'zz-duty-2', 'duty_officer', '410100', {
      display_name: '李值班',
    });
    const leader = await createPerson(vigil, admin, 'henan-leader', 'leader', '410000', {
      display_name: '省厅带班领导',
    });
    const dispatcher = await createPerson(vigil, admin, 'zz-dispatcher', 'dispatcher', '410100', {
      display_name: '郑州调度 张',
    });
    const county = await createPerson(vigil, admin, 'jinshui-duty', 'duty_officer', '410105', {
      display_name: '金水区 赵',
    });
    const company = await createPerson(vigil, admin, 'zz-logistics', 'enterprise', '410100', {
      enterprise_id: 'ZZ-LOGISTICS',
    });
    console.log('fleet and accounts ready');

    await backfillTrack(
      vigil.jt808Port,
      TRUCK.terminal_id,
      TRUCK.plate,
      workingDay(Date.now() - 24 * 3_600_000 - 600_000, 24),
    );
    const t0 = Date.now() - 2 * 3_600_000;
    await reportAlarms(
      vigil,
      admin,
      Array.from({ length: 160 }, (_, i) => ({
        plate: fleet[i % fleet.length].plate,
        warnType: 1 + (i % 3),
        timeMs: t0 + i * 30_000,
        info: `下级平台报警 ${i}`,
      })),
    );
    for (const [i, speed] of [168, 159, 131].entries())
      await speedingEpisode(vigil.jt808Port, `01397100000${i}`, `豫A7100${i}`, speed);
    await speedingEpisode(vigil.jt808Port, TRUCK.terminal_id, TRUCK.plate, 171, { lat: 34.80109, lon: 113.65453 });
    await waitForAlarms(vigil, duty.token, 'state=new,acknowledged', 164, 120_000);
    console.log('alarms in');

    // Some alarms taken by a colleague; unhandled ones escalate after a minute (supervision runs every 30 s).
    const first = await api<AlarmListAnswer>(
      vigil,
      colleague.token,
      'GET',
      '/api/alarms?state=new&sort=urgency&limit=12',
    );
    for (const a of first.alarms.slice(6, 9))
      await api(vigil, colleague.token, 'POST', `/api/alarms/${a.alarm_id}/acknowledge`);
    await api(vigil, admin, 'PUT', '/api/config/escalation', { value: { alarm_unhandled_minutes: 1 } });
    await waitForAlarms(vigil, leader.token, 'escalated=true', 1, 150_000);
    await api(vigil, admin, 'PUT', '/api/config/escalation', { value: { alarm_unhandled_minutes: 30 } });
    console.log('escalations in');

    const browser = await launchBrowser({ width: 1920, height: 1080 }, { locale: 'zh-CN' });
    const helper = await browser.context.newPage();
    await helper.goto(`${vigil.baseUrl}/console`);
    const photo = await photoFrom(helper, 1280, 960);
    await browser.close();

    // The Zhengzhou flow through the API: the province's order reaches the county, which reports back with a photo.
    const order = await api<{ id: number }>(vigil, leader.token, 'POST', '/api/work-orders', {
      title: '郑州市危险货物运输企业专项检查',
      description: '请于48小时内完成辖区危险货物运输企业专项检查，反馈检查照片和处理结果',
      category: 'inspection',
      severity: 'warning',
      org_code: '410100',
      department: 'road_transport',
      deadline_hours: 48,
    });
    await api(vigil, dispatcher.token, 'POST', `/api/work-orders/${order.id}/transfer`, {
      org_code: '410105',
      department: 'enforcement',
      text: '请金水区执法大队立案检查',
    });
    await api(vigil, county.token, 'POST', `/api/work-orders/${order.id}/sign`, {});
    await api(vigil, county.token, 'POST', `/api/work-orders/${order.id}/start`, {});
    await api(vigil, county.token, 'POST', `/api/work-orders/${order.id}/feedback`, {
      text: '已对辖区3家企业现场检查，责令1家整改，整改到位',
      attachments: [{ name: '现场检查.jpg', content_type: 'image/jpeg', data_base64: photo }],
    });
    // The enterprise's truck: the county makes a rectification order of its alarm; the company claims it.
    const [alarm] = (
      await api<AlarmListAnswer>(
        vigil,
        county.token,
        'GET',
        `/api/alarms?plate=${encodeURIComponent(TRUCK.plate)}&rule=overspeed`,
      )
    ).alarms;
    const dispatched = await api<FeedAlarmCase>(vigil, county.token, 'POST', `/api/alarms/${alarm.alarm_id}/dispatch`, {
      department: 'enforcement',
      description: '请企业认领并自查整改，上传整改材料',
    });
    const rectification = dispatched.work_order_id!;
    await api(vigil, company.token, 'POST', `/api/work-orders/${rectification}/claim`, {});
    await api(vigil, company.token, 'POST', `/api/work-orders/${rectification}/self-check`, {
      text: '经自查，驾驶员赶时间超速，情况属实',
    });
    console.log('orders in');
    const lower = await lowerPlatform(vigil, admin, leader);
    console.log('JT/T 809 requests in');

    for (const size of SIZES) {
      const b = await launchBrowser(size, { locale: 'zh-CN' });
      const page = await b.context.newPage();
      const shot = async (name: string) => {
        const file = docScreenshotPath(`${name}-${size.width}x${size.height}.png`);
        await page.screenshot({ path: file });
        console.log(`  ${path.relative(process.cwd(), file)}`);
      };
      await page.goto(`${vigil.baseUrl}/console`);
      await page.locator('[data-testid="login-form"]').waitFor();
      await shot('console-login');

      await logIn(page, vigil.baseUrl, duty);
      await page
        .locator('[data-testid="queue-row"]')
        .nth(3)
        .click({ position: { x: 5, y: 5 } });
      await page.locator('[data-testid="alarm-history"] li').first().waitFor();
      await shot('console-queue');
      await page
        .locator('[data-testid="queue-row"]')
        .first()
        .click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('d');
      await page.locator('[data-testid="dispatch-dialog"]').waitFor();
      await page.selectOption('[data-testid="dispatch-department"]', 'enforcement');
      await page.selectOption('[data-testid="dispatch-deadline"]', '24');
      await shot('console-dispatch');
      await page.click('[data-testid="dispatch-next"]');
      await shot('console-dispatch-confirm');
      await page.keyboard.press('Escape');
      await page.keyboard.press('?');
      await page.locator('[data-testid="help-dialog"]').waitFor();
      await shot('console-shortcuts');
      await page.keyboard.press('Escape');

      await logIn(page, vigil.baseUrl, dispatcher);
      await page.click('[data-testid="tab-orders"]');
      await page.locator(`[data-testid="order-row"][data-order-id="${order.id}"]`).click();
      await page.locator('[data-testid="attachment-image"]').waitFor();
      await eventually(
        async () =>
          (await page
            .locator('[data-testid="attachment-image"]')
            .evaluate((img: HTMLImageElement) => img.naturalWidth)) > 0
            ? true
            : undefined,
        10_000,
        'the photo',
      );
      await page.click('[data-testid="order-accept"]');
      await page.fill('[data-testid="step-text"]', '同意办结');
      await shot('console-order');

      await logIn(page, vigil.baseUrl, leader);
      await page.click('[data-testid="tab-orders"]');
      await page.click('[data-testid="issue-order"]');
      await page.fill('[data-testid="issue-title"]', '开展节前道路运输安全隐患排查');
      await page.locator('[data-testid="issue-department"] option').first().waitFor({ state: 'attached' });
      await shot('console-issue-order');
      await page.keyboard.press('Escape');

      await logIn(page, vigil.baseUrl, company);
      await page.click('[data-testid="tab-orders"]');
      await page.locator(`[data-testid="order-row"][data-order-id="${rectification}"]`).click();
      await page.click('[data-testid="order-rectification"]');
      await page.fill('[data-testid="step-text"]', '已对驾驶员停班教育，全员培训并加装限速提醒');
      await shot('console-enterprise');

      await logIn(page, vigil.baseUrl, dispatcher);
      await page.click('[data-testid="tab-vehicle"]');
      await page.fill('[data-testid="vehicle-search"]', TRUCK.plate);
      await page.keyboard.press('Enter');
      await page.locator('[data-testid="track-svg"]').waitFor();
      await page.click('[data-testid="window-24h"]');
      await eventually(
        async () =>
          Number(await page.locator('[data-testid="track-svg"]').getAttribute('data-points')) > 2000 ? true : undefined,
        20_000,
        'the day',
      );
      await page.locator('[data-testid="track-stops"] button').nth(6).click();
      await shot('console-vehicle');

      await logIn(page, vigil.baseUrl, { username: 'admin', password: vigil.adminPassword, token: admin });
      await page.locator('[data-testid="read-only-notice"]').waitFor();
      await shot('console-admin');

      await page.click('[data-testid="tab-jt809"]');
      await page.locator(`[data-testid="jt809-platform"][data-access-code="${LOWER.accessCode}"]`).waitFor();
      await page.locator('[data-testid="jt809-supervision"]').nth(2).waitFor();
      await page.locator('[data-testid="jt809-alarm"] option').first().waitFor({ state: 'attached' });
      await shot('console-jt809');

      await b.close();
    }
    lower.close();
    await zoneScreens(vigil, admin);
    await assessmentScreens(vigil, admin);
  } finally {
    await vigil.stop({ removeData: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
