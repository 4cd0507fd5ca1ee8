/**
 * Vigil as a JT/T 809 lower platform of an upper one (the ministry's 联网联控 system): a real node started with
 * --jt809-upward logs in to a test upper platform written from the standard, with its user, password and access
 * code, encrypting with the upper platform's keys; the positions a terminal reports over JT/T 808 and the
 * overspeed alarm the rules raise from them arrive upward as 0x1202 and 0x1402; when the upper platform drops the
 * link, Vigil logs in again and goes on reporting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, launchBrowser } from './support/browser.js';
import { createPerson, openConsole } from './support/console-scenario.js';
import { vehicleEnvelope } from './support/jt809-client.js';
import {
  envelopeOf,
  gnssOf,
  inspectionAnswerOf,
  inspectionRequestBody,
  supervisionRequestData,
  UpperPlatform,
} from './support/jt809-upper-platform.js';
import { driveOverspeedEpisode } from './support/overspeed-episode.js';
import { eventually, startVigil, until, type VigilProcess } from './support/vigil-process.js';

const KEYS = { m1: 30_000_000, ia1: 20_000_000, ic1: 10_000_000 };
const ACCESS_CODE = 41_000_001;
const USER_ID = 4_101;
const PASSWORD = 'hn809pw';
const PLATE = '豫A8U809';
const PHONE = '013912348090';

let upper: UpperPlatform;
let vigil: VigilProcess;
beforeAll(async () => {
  upper = new UpperPlatform({
    keys: KEYS,
    loginResult: (userId, password) => (userId === USER_ID && password === PASSWORD ? 0 : 4),
  });
  const port = await upper.listen();
  vigil = await startVigil({
    args: [
      ...['--jt809-upward', `127.0.0.1:${port}`, '--jt809-upward-access-code', String(ACCESS_CODE)],
      ...['--jt809-upward-user-id', String(USER_ID), '--jt809-upward-keys', `${KEYS.m1},${KEYS.ia1},${KEYS.ic1}`],
      '--no-require-terminal-auth',
    ],
    env: { VIGIL_JT809_UPWARD_PASSWORD: PASSWORD },
  });
});
afterAll(async () => {
  await vigil?.stop();
  await upper?.close();
});

describe('JT/T 809 upward link', () => {
  it('logs in, reports positions and the overspeed alarm, and logs in again after the link drops', async () => {
    await until(() => upper.of(0x1001).length >= 1, 20_000, 'the login (0x1001)');
    const login = upper.of(0x1001)[0];
    expect(login.accessCode).toBe(ACCESS_CODE);
    expect(login.body.readUInt32BE(0)).toBe(USER_ID);

    const startedAt = Date.now();
    await driveOverspeedEpisode(vigil.jt808Port, PHONE, PLATE);
    const positions = await eventually(
      async () => {
        const mine = upper.envelopesOf(0x1200, PLATE);
        return mine.length >= 4 ? mine : undefined;
      },
      30_000,
      'four positions upward (0x1202)',
    );
    for (const p of positions) expect(p.dataType).toBe(0x1202);
    const fastest = positions.map((p) => gnssOf(p.data)).sort((a, b) => b.speedKmh - a.speedKmh)[0];
    // 133.5 km/h on the wire of JT/T 808 is a whole km/h in GNSS_DATA; the place is the episode's (Zhengzhou).
    expect(fastest.speedKmh).toBe(134);
    expect(fastest.lon).toBeCloseTo(113.66, 5);
    expect(fastest.time).toBeGreaterThan(startedAt - 5_000);

    const alarm = await eventually(
      async () =>
        upper
          .of(0x1400)
          .map((m) => envelopeOf(m.body))
          .find((e) => e.plate === PLATE),
      30_000,
      'the overspeed alarm upward (0x1402)',
    );
    expect(alarm.dataType).toBe(0x1402);
    expect(alarm.data[0]).toBe(3); // WARN_SRC: a government platform
    expect(alarm.data.readUInt16BE(1)).toBe(0x0001); // WARN_TYPE: overspeed
    const warnTimeMs = Number(alarm.data.readBigUInt64BE(3)) * 1000;
    expect(Math.abs(warnTimeMs - fastest.time)).toBeLessThanOrEqual(2_000);
    // One report per episode, not one per update of it.
    expect(
      upper
        .of(0x1400)
        .map((m) => envelopeOf(m.body))
        .filter((e) => e.plate === PLATE),
    ).toHaveLength(1);

    upper.dropLinks();
    await until(() => upper.of(0x1001).some((m) => m.connection > login.connection), 20_000, 'a second login');
    const before = upper.of(0x1200).length;
    await driveOverspeedEpisode(vigil.jt808Port, '013912348091', '豫A8U810');
    await until(
      () =>
        upper
          .of(0x1200)
          .slice(before)
          .some((m) => envelopeOf(m.body).plate === '豫A8U810'),
      30_000,
      'positions after the new login',
    );
  });

  it("takes the upper platform's 查岗 and 督办, and sends the duty console's answers up once", async () => {
    const admin = await vigil.login();
    const call = async (method: string, url: string, body?: unknown) => {
      const res = await fetch(`${vigil.baseUrl}${url}`, {
        method,
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    await until(() => upper.of(0x1001).length > 0, 20_000, 'a login');
    upper.send(0x9300, inspectionRequestBody('41000001', 5_150, '请报告值班人员姓名'), ACCESS_CODE);
    const warnTime = Date.now() - 60_000;
    upper.send(
      0x9400,
      vehicleEnvelope(PLATE, 2, 0x9401, supervisionRequestData(7_001, 0x0001, warnTime, Date.now() + 3_600_000)),
      ACCESS_CODE,
    );
    type View = { id: number; kind: string; question: string | null; plate: string | null; request_id: number };
    const requests = await eventually(
      async () => {
        const list = (await call('GET', '/api/jt809/upper/requests')).json.requests as View[];
        return list.length >= 2 ? list : undefined;
      },
      20_000,
      'both requests listed',
    );
    const inspection = requests.find((r) => r.kind === 'inspection');
    const supervision = requests.find((r) => r.kind === 'supervision');
    expect(inspection).toMatchObject({ request_id: 5_150, question: '请报告值班人员姓名' });
    expect(supervision).toMatchObject({ request_id: 7_001, plate: PLATE });

    expect(
      (await call('POST', `/api/jt809/upper/requests/${inspection?.id}/answer`, { answer: '值班员张三' })).status,
    ).toBe(200);
    const answered = await eventually(async () => upper.of(0x1300)[0], 10_000, 'the 0x1301 answer');
    expect(inspectionAnswerOf(answered.body)).toEqual({ dataType: 0x1301, infoId: 5_150, text: '值班员张三' });
    // Once: a second answer is refused.
    expect(await call('POST', `/api/jt809/upper/requests/${inspection?.id}/answer`, { answer: '再答' })).toMatchObject({
      status: 409,
      json: { error: 'already_answered' },
    });

    expect((await call('POST', `/api/jt809/upper/requests/${supervision?.id}/answer`, { result: 9 })).status).toBe(400);
    expect((await call('POST', `/api/jt809/upper/requests/${supervision?.id}/answer`, { result: 0 })).status).toBe(200);
    const result = await eventually(
      async () =>
        upper
          .of(0x1400)
          .map((m) => envelopeOf(m.body))
          .find((e) => e.dataType === 0x1401),
      10_000,
      'the 0x1401 result',
    );
    expect([result.plate, result.data.readUInt32BE(0), result.data[4]]).toEqual([PLATE, 7_001, 0]);

    // A city's duty officer has no part in it.
    await call('POST', '/api/users', {
      username: 'zz_upper',
      password: 'correct horse battery staple',
      role: 'duty_officer',
      org_code: '410100',
    });
    const city = await vigil.login('zz_upper', 'correct horse battery staple');
    const cityList = await fetch(`${vigil.baseUrl}/api/jt809/upper/requests`, {
      headers: { authorization: `Bearer ${city}` },
    });
    expect(cityList.status).toBe(403);
  });

  it('lets the duty officer answer a 查岗 from the 下级平台 page, at 1920x1080 and 3840x2160', async () => {
    const admin = await vigil.login();
    for (const [i, viewport] of [
      { width: 1920, height: 1080 },
      { width: 3840, height: 2160 },
    ].entries()) {
      const infoId = 6_000 + i;
      upper.send(
        0x9300,
        inspectionRequestBody('41000001', infoId, `请于5分钟内报告值班情况（第${i + 1}次）`),
        ACCESS_CODE,
      );
      const browser = await launchBrowser(viewport, { locale: 'zh-CN' });
      try {
        const officer = await createPerson(vigil, admin, `upper_duty_${i}`, 'duty_officer', '410000');
        const page = await openConsole(vigil, browser, officer, 'jt809');
        const row = page.locator(`[data-testid="upper-request"][data-kind="inspection"]`, {
          hasText: `第${i + 1}次`,
        });
        await row.waitFor({ timeout: 20_000 });
        await row.locator('[data-testid="upper-answer-text"]').fill(`值班员王五，电话0371-0000000${i}`);
        const shot = artifactPath(`console-jt809-upper-${viewport.width}x${viewport.height}.png`);
        await page.screenshot({ path: shot });
        console.log(`screenshot: ${shot}`);
        await row.locator('[data-testid="upper-answer-send"]').click();
        await row.locator('[data-testid="upper-answer"]').waitFor({ timeout: 10_000 });
        const answered = await eventually(
          async () =>
            upper
              .of(0x1300)
              .map((m) => inspectionAnswerOf(m.body))
              .find((a) => a.infoId === infoId),
          10_000,
          'the answer upward',
        );
        expect(answered.text).toBe(`值班员王五，电话0371-0000000${i}`);
        expect(browser.cspViolations()).toEqual([]);
      } finally {
        await browser.close();
      }
    }
  });
});
