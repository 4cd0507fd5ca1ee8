/**
 * The upward link speaking JT/T 809-2019 (`--jt809-upward-edition 2019`) to a test upper platform written from
 * the standard: the 2019 login (the access code after the password) in a 30-byte header carrying Vigil's UTC time
 * and the configured version, encrypted with the upper platform's keys; a terminal's positions go up as 2019
 * locations (a JT/T 808 0x0200 body and three platform alarm pairs), the overspeed alarm as a 2019 0x1402; the
 * upper platform's 2019 查岗 and 督办 (written here byte by byte) are listed and answered from the API in 2019,
 * naming each request by its frame SN, and a 督办 cut short is skipped without losing the link.
 */
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, shootForDocs } from './support/browser.js';
import { issueKey, postRecords } from './support/ingest-client.js';
import { vehicleEnvelope } from './support/jt809-client.js';
import { createPerson, openConsole } from './support/console-scenario.js';
import { location2019Of, UpperPlatform } from './support/jt809-upper-platform.js';
import { driveOverspeedEpisode } from './support/overspeed-episode.js';
import { eventually, startVigil, until, type VigilProcess } from './support/vigil-process.js';

const KEYS = { m1: 30_000_000, ia1: 20_000_000, ic1: 10_000_000 };
const ACCESS_CODE = 41_000_002;
const USER_ID = 4_102;
const PASSWORD = 'hn2019pw';
const PLATE = '豫A9U809';
const PLATFORM_ID = '41000000009';

let upper: UpperPlatform;
let vigil: VigilProcess;
beforeAll(async () => {
  upper = new UpperPlatform({
    keys: KEYS,
    edition: 2019,
    loginResult: (userId, password) => (userId === USER_ID && password === PASSWORD ? 0 : 4),
  });
  const port = await upper.listen();
  vigil = await startVigil({
    args: [
      ...['--jt809-upward', `127.0.0.1:${port}`, '--jt809-upward-access-code', String(ACCESS_CODE)],
      ...['--jt809-upward-user-id', String(USER_ID), '--jt809-upward-keys', `${KEYS.m1},${KEYS.ia1},${KEYS.ic1}`],
      ...['--jt809-upward-edition', '2019', '--jt809-upward-version', '1.2.15'],
      ...['--jt809-upward-platform-id', PLATFORM_ID],
      '--no-require-terminal-auth',
    ],
    env: { VIGIL_JT809_UPWARD_PASSWORD: PASSWORD },
  });
});
afterAll(async () => {
  await vigil?.stop();
  await upper?.close();
});

describe('JT/T 809-2019 upward link', () => {
  it('logs in with the 2019 login and header, and reports positions as 2019 locations', async () => {
    await until(() => upper.of(0x1001).length >= 1, 20_000, 'the login (0x1001)');
    const login = upper.of(0x1001)[0];
    expect(login.body).toHaveLength(50);
    expect(login.body.readUInt32BE(0)).toBe(USER_ID);
    expect(login.body.subarray(4, 12).toString('latin1')).toBe(PASSWORD);
    expect(login.body.readUInt32BE(12)).toBe(ACCESS_CODE);
    expect(login.version).toEqual([1, 2, 15]);
    expect(Math.abs((login.timeS ?? 0) - Date.now() / 1000)).toBeLessThan(60);

    const startedAt = Date.now();
    await driveOverspeedEpisode(vigil.jt808Port, '013912348092', PLATE);
    const positions = await eventually(
      async () => {
        const mine = upper.envelopesOf(0x1200, PLATE);
        return mine.length >= 4 ? mine : undefined;
      },
      30_000,
      'four positions upward (0x1202)',
    );
    for (const p of positions) expect(p.dataType).toBe(0x1202);
    const fastest = positions.map((p) => location2019Of(p.data)).sort((a, b) => b.speedKmh - a.speedKmh)[0];
    // 2019 keeps JT/T 808's 0.1 km/h; the three PLATFORM_ID/ALARM pairs (45 bytes) follow the 0x0200 body.
    expect(fastest.speedKmh).toBe(133.5);
    expect(fastest.lon).toBeCloseTo(113.66, 5);
    expect(fastest.time).toBeGreaterThan(startedAt - 5_000);
    expect(fastest.rest).toBe(45);

    // The overspeed alarm goes up as a 2019 0x1402 (no vehicle envelope; the vehicle inside), read here at the
    // standard's offsets: SOURCE_PLATFORM_ID [11], WARN_TYPE, WARN_TIME, START_TIME, END_TIME, VEHICLE_NO [21], ….
    const alarm = await eventually(
      async () => upper.of(0x1400).find((m) => m.body.readUInt16BE(0) === 0x1402),
      30_000,
      'the overspeed alarm as a 2019 0x1402',
    );
    const d = alarm.body.subarray(6);
    expect(alarm.body.readUInt32BE(2)).toBe(d.length);
    expect(d.subarray(0, 11).toString('latin1')).toBe(PLATFORM_ID);
    expect(d.readUInt16BE(11)).toBe(0x0001);
    const warnTimeS = Number(d.readBigUInt64BE(13));
    expect(warnTimeS * 1000).toBeGreaterThan(startedAt - 60_000);
    expect(Number(d.readBigUInt64BE(21))).toBe(warnTimeS);
    expect(iconv.decode(d.subarray(37, 58), 'gbk').replace(/\0+$/, '')).toBe(PLATE);
    expect(d.readUInt32BE(74)).toBe(d.length - 78);
    // Keep-alives and answers go on in 2019: the upper platform parsed every frame at the 2019 offsets.
    for (const m of upper.messages) expect(m.timeS).toBeGreaterThan(1_546_300_800);
  });

  it("answers the upper platform's 2019 查岗 and 督办, naming each by its frame SN", async () => {
    const admin = await vigil.login();
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${vigil.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${admin}` },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };
    const head = (dataType: number, data: Buffer) => {
      const out = Buffer.alloc(6);
      out.writeUInt16BE(dataType, 0);
      out.writeUInt32BE(data.length, 2);
      return Buffer.concat([out, data]);
    };
    // 2019 0x9301: OBJECT_TYPE, OBJECT_ID [20], ANSWER_TIME, INFO_ID, INFO_LENGTH, INFO_CONTENT.
    const question = iconv.encode('请报告值班人员', 'gbk');
    const inspection = Buffer.alloc(30 + question.length);
    inspection[0] = 1;
    inspection.write(String(ACCESS_CODE), 1, 'latin1');
    inspection[21] = 180;
    inspection.writeUInt32BE(9_019, 22);
    inspection.writeUInt32BE(question.length, 26);
    question.copy(inspection, 30);
    const inspectionSn = upper.send(0x9300, head(0x9301, inspection), ACCESS_CODE);
    // 2019 0x9401: SOURCE_PLATFORM_ID [11], WARN_TIME, SOURCE_DATA_TYPE, SOURCE_MSG_SN, SUPERVISION_ENDTIME,
    // SUPERVISION_LEVEL, SUPERVISOR [16], SUPERVISOR_TEL [20], SUPERVISOR_EMAIL [32]: 102 bytes.
    const supervision = Buffer.alloc(102);
    supervision.write('41000000001', 0, 'latin1');
    supervision.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000) - 600), 11);
    supervision.writeUInt16BE(0x1402, 19);
    supervision.writeUInt32BE(31, 21);
    supervision.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000) + 3_600), 25);
    supervision[33] = 0;
    supervision.write('Zhao Liu', 34, 'latin1');
    supervision.write('010-65290000', 50, 'latin1');
    // One cut short first: skipped and counted, and the link reads the next.
    upper.send(0x9400, head(0x9401, supervision.subarray(0, 60)), ACCESS_CODE);
    const supervisionSn = upper.send(0x9400, head(0x9401, supervision), ACCESS_CODE);

    type View = { id: number; kind: string; question: string | null; request_id: number; supervisor: string | null };
    const requests = await eventually(
      async () => {
        const list = (await call('GET', '/api/jt809/upper/requests')).json.requests as View[];
        return list.length >= 2 ? list : undefined;
      },
      20_000,
      'both 2019 requests listed',
    );
    const listedInspection = requests.find((r) => r.kind === 'inspection');
    const listedSupervision = requests.find((r) => r.kind === 'supervision');
    expect(listedInspection).toMatchObject({ request_id: 9_019, question: '请报告值班人员' });
    expect(listedSupervision).toMatchObject({ request_id: supervisionSn, supervisor: 'Zhao Liu' });

    const answered = await call('POST', `/api/jt809/upper/requests/${listedInspection?.id}/answer`, {
      answer: '值班员张三',
    });
    expect(answered.status).toBe(200);
    const answer = await eventually(async () => upper.of(0x1300)[0], 10_000, 'the 2019 0x1301');
    expect(answer.body.readUInt16BE(0)).toBe(0x1301);
    const a = answer.body.subarray(6);
    // OBJECT_TYPE, RESPONDER [16], RESPONDER_TEL [20], OBJECT_ID [20], SOURCE_DATA_TYPE, SOURCE_MSG_SN, content.
    expect(a[0]).toBe(1);
    expect(a.subarray(37, 57).toString('latin1').replace(/\0+$/, '')).toBe(String(ACCESS_CODE));
    expect([a.readUInt16BE(57), a.readUInt32BE(59)]).toEqual([0x9301, inspectionSn]);
    expect(iconv.decode(a.subarray(67, 67 + a.readUInt32BE(63)), 'gbk')).toBe('值班员张三');

    // On the console the 2019 督办 shows what it names (no vehicle, no warning type): the supervisor and deadline.
    const browser = await launchBrowser({ width: 1920, height: 1080 }, { locale: 'zh-CN' });
    try {
      const officer = await createPerson(vigil, admin, 'upper_duty_2019', 'duty_officer', '410000');
      const page = await openConsole(vigil, browser, officer, 'jt809');
      const row = page.locator('[data-testid="upper-request"][data-kind="supervision"]', { hasText: 'Zhao Liu' });
      await row.waitFor({ timeout: 20_000 });
      const cell = (await row.locator('td').nth(2).innerText()).trim();
      expect(cell.startsWith('Zhao Liu 010-65290000')).toBe(true);
      await shootForDocs(page, 'console-jt809-upper-2019');
      expect(browser.cspViolations()).toEqual([]);
    } finally {
      await browser.close();
    }

    expect(
      (await call('POST', `/api/jt809/upper/requests/${listedSupervision?.id}/answer`, { result: 1 })).status,
    ).toBe(200);
    const result = await eventually(
      async () => upper.of(0x1400).find((m) => m.body.readUInt16BE(0) === 0x1401),
      10_000,
      'the 2019 0x1401',
    );
    // SOURCE_DATA_TYPE 0x9401, SOURCE_MSG_SN of the 督办's frame, RESULT.
    expect(result.body.readUInt32BE(2)).toBe(7);
    expect([result.body.readUInt16BE(6), result.body.readUInt32BE(8), result.body[12]]).toEqual([
      0x9401,
      supervisionSn,
      1,
    ]);
    const metrics = await (await fetch(`${vigil.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/vigil_jt809_upward_bad_frames_total [1-9]/);
    expect(metrics).toMatch(/vigil_jt809_upward_logged_in 1/);
  });

  it("answers the upper platform's 0x9601 in 2019: the request's frame SN before CAR_INFO", async () => {
    const admin = await vigil.login();
    const { key } = await issueKey(vigil.baseUrl, admin, 'registry');
    const registered = await postRecords(vigil.baseUrl, 'registry', key, [
      {
        type: 'enterprise',
        id: '91410100MA00002019',
        name: '郑州某危货运输有限公司',
        org_code: '410102',
        business_scope: 'dangerous_goods',
        licence_no: '豫交运管许可郑字410100002019号',
      },
      {
        type: 'vehicle',
        plate: '豫A2S019',
        plate_color: 2,
        vehicle_class: 'dangerous_goods',
        axles: 3,
        enterprise_id: '91410100MA00002019',
        terminal_id: '013980962019',
        permit_valid_until: null,
        route_length_km: 0,
        home_org_code: '410102',
      },
    ]);
    expect(registered.body).toMatchObject({ accepted: 2, rejected: [] });
    const sn = upper.send(0x9600, vehicleEnvelope('豫A2S019', 2, 0x9601, Buffer.alloc(0)), ACCESS_CODE);
    const answer = await eventually(
      async () => upper.envelopesOf(0x1600, '豫A2S019')[0],
      20_000,
      'the 2019 0x1601 answer',
    );
    // The envelope keeps the vehicle; the data is SOURCE_DATA_TYPE 0x9601, SOURCE_MSG_SN, then CAR_INFO.
    expect([answer.plateColor, answer.dataType, answer.data.readUInt16BE(0), answer.data.readUInt32BE(2)]).toEqual([
      2,
      0x1601,
      0x9601,
      sn,
    ]);
    expect(iconv.decode(answer.data.subarray(6), 'gbk')).toMatch(/^VIN:=豫A2S019;VEHICLE_COLOR:=2;/);
  });
});
