/**
 * A JT/T 809-2019 lower platform against a real `vigil start`, beside 2011 ones: written from the standard (the
 * 30-byte header with its UTC time, the 2019 login with the access code repeated, the 2019 vehicle location
 * holding a JT/T 808 0x0200 body), it logs in encrypted, is answered in its own edition, and its real-time and
 * back-filled positions land in ClickHouse; a 查岗 goes out and is answered in 2019, an alarm report and its 0x1412
 * handling result are kept. A 2011 alarm report and a 2011 frame on its
 * link and a login of neither edition are refused with named reasons and kept, and the link goes on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';
import {
  alarmReportData,
  frame809,
  gnssData,
  Jt809Client,
  location2019,
  loginBody,
  loginBody2019,
  vehicleEnvelope,
} from './support/jt809-client.js';

const ACCESS_CODE = 41_000_019;
const USER_ID = 8019;
const PASSWORD = 'Q7#m2019';
const CIPHER = { m1: 30_000_000, ia1: 20_000_000, ic1: 30_000_000 };
const PLATE = '豫A2019X';

let vigil: VigilProcess;
let admin: string;
const clients: Jt809Client[] = [];
/** The alarm the 2019 platform reported, and its 0x1402's frame SN. */
let reported = { alarmId: '', reportSn: 0 };

beforeAll(async () => {
  vigil = await startVigil();
  admin = await vigil.login();
  const created = await fetch(`${vigil.baseUrl}/api/jt809/platforms`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}` },
    body: JSON.stringify({
      access_code: ACCESS_CODE,
      user_id: USER_ID,
      password: PASSWORD,
      name: '某2019版监控平台',
      org_code: '410100',
      ...CIPHER,
    }),
  });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  for (const c of clients) c.close();
  await vigil?.stop({ removeData: true });
});

async function client(edition: 2011 | 2019): Promise<Jt809Client> {
  const c = new Jt809Client({ accessCode: ACCESS_CODE, cipher: CIPHER, edition });
  await c.connect('127.0.0.1', vigil.jt809Port);
  clients.push(c);
  return c;
}

async function rejects(): Promise<[string, string][]> {
  return (
    await vigil.sql<[string, string]>(
      `SELECT reason, detail FROM ingest_rejects WHERE source = 'jt809' ORDER BY reason`,
    )
  ).rows;
}

describe('JT/T 809-2019 lower platform → Vigil', () => {
  it('logs in with the 2019 login and is answered in 2019', async () => {
    const c = await client(2019);
    c.send(0x1001, loginBody2019(USER_ID, 'wrong!!!', ACCESS_CODE), { encrypt: true });
    expect((await c.answer(0x1002)).body[0]).toBe(9);
    const before = Math.floor(Date.now() / 1000);
    c.send(0x1001, loginBody2019(USER_ID, PASSWORD, ACCESS_CODE), { encrypt: true });
    const answer = await c.answer(0x1002);
    expect(answer.body[0]).toBe(0);
    expect(answer.body).toHaveLength(5);
    // The answer's header has the 2019 time: read at the 2019 offsets, it is Vigil's clock now.
    expect(answer.timeS).toBeGreaterThanOrEqual(before - 1);
    expect(answer.timeS).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 1);
    c.send(0x1005, Buffer.alloc(0));
    expect((await c.answer(0x1006)).accessCode).toBe(ACCESS_CODE);
    const platforms = (await (
      await fetch(`${vigil.baseUrl}/api/jt809/platforms`, { headers: { authorization: `Bearer ${admin}` } })
    ).json()) as { platforms: { access_code: number; main_link: string; edition: number | null }[] };
    expect(platforms.platforms.find((p) => p.access_code === ACCESS_CODE)).toMatchObject({
      main_link: 'logged_in',
      edition: 2019,
    });
  });

  it('stores 2019 real-time and back-filled positions; refuses what it does not read, and goes on', async () => {
    const c = clients[0];
    const t0 = Date.now() - 120_000;
    const fix = { time: t0, lat: 34.757, lon: 113.64, speedKmh: 72.5, directionDeg: 90, mileageKm: 12_345.6 };
    c.send(0x1200, vehicleEnvelope(PLATE, 2, 0x1202, location2019(fix, [{ id: '41000000001', alarm: 0b100 }])), {
      encrypt: true,
    });
    const history = Buffer.concat([
      Buffer.from([2]),
      location2019({ ...fix, time: t0 - 60_000, speedKmh: 60 }),
      location2019({ ...fix, time: t0 - 30_000, speedKmh: 61 }),
    ]);
    c.send(0x1200, vehicleEnvelope(PLATE, 2, 0x1203, history));
    // A 2011 alarm report on this 2019 link: 2019's 0x1400 has no vehicle envelope, so the plate is read as
    // DATA_TYPE and DATA_LENGTH, whose length runs past the body: refused by name, not misread.
    c.send(0x1400, vehicleEnvelope(PLATE, 2, 0x1402, alarmReportData(1, 2, t0, 7, '疲劳')));
    // A 2011 position on this 2019 link: its plate is where the 2019 header time would be.
    c.write(frame809(0x1200, vehicleEnvelope(PLATE, 2, 0x1202, gnssData(fix)), { sn: 99, accessCode: ACCESS_CODE }));
    c.send(0x1005, Buffer.alloc(0));
    await c.answer(0x1006);

    const rows = await eventually(async () => {
      const result = await vigil.sql<[string, number, number, number, string]>(
        `SELECT plate, speed_kmh, backfill, toUnixTimestamp64Milli(ts), extras FROM telemetry WHERE source = 'jt809' ORDER BY ts`,
      );
      return result.rows.length >= 3 ? result.rows : undefined;
    });
    expect(rows.map((r) => [r[0], Number(r[1]), Number(r[2]), Number(r[3])])).toEqual([
      [PLATE, 60, 1, Math.floor((t0 - 60_000) / 1000) * 1000],
      [PLATE, 61, 1, Math.floor((t0 - 30_000) / 1000) * 1000],
      [PLATE, 72.5, 0, Math.floor(t0 / 1000) * 1000],
    ]);
    expect(JSON.parse(rows[2][4])).toEqual({
      platform: ACCESS_CODE,
      mileage_km: 12_345.6,
      tachograph_speed_kmh: 0,
      platform_alarms: [{ platform_id: '41000000001', alarm_bits: 0b100 }],
    });
    const refused = await eventually(async () => {
      const r = await rejects();
      return r.length >= 2 ? r : undefined;
    });
    expect(refused.map((r) => r[0])).toEqual(['bad_header_time', 'frame_truncated']);
  });

  it('refuses a login of neither edition with a named reason, and a 2011 platform logs in beside', async () => {
    const odd = await client(2011);
    odd.write(frame809(0x1001, Buffer.alloc(48), { sn: 1, accessCode: ACCESS_CODE }));
    odd.send(0x1005, Buffer.alloc(0));
    // No login answer for a login of no known edition; the link stays up.
    await odd.answer(0x1006);
    const refused = await eventually(async () => (await rejects()).find((r) => r[0] === 'unknown_edition'));
    expect(refused[1]).toContain('0x1001 login of 74 bytes');

    // 2019 repeats the access code in the login body: one that names another platform is no login.
    const other = await client(2019);
    other.send(0x1001, loginBody2019(USER_ID, PASSWORD, ACCESS_CODE + 1), { encrypt: true });
    expect((await other.answer(0x1002)).body[0]).toBe(9);
    const mismatch = await eventually(async () => (await rejects()).find((r) => r[0] === 'login_access_code_mismatch'));
    expect(mismatch[1]).toBe(`0x1001 body names access code ${ACCESS_CODE + 1}, its header ${ACCESS_CODE}`);

    const c2011 = await client(2011);
    c2011.send(0x1001, loginBody(USER_ID, PASSWORD), { encrypt: true });
    expect((await c2011.answer(0x1002)).body[0]).toBe(0);
  });

  it('sends a 查岗 in 2019 and records the 2019 answer that names it by its frame SN', async () => {
    const c = await client(2019);
    c.send(0x1001, loginBody2019(USER_ID, PASSWORD, ACCESS_CODE), { encrypt: true });
    expect((await c.answer(0x1002)).body[0]).toBe(0);
    const sent = await fetch(`${vigil.baseUrl}/api/jt809/platforms/${ACCESS_CODE}/inspections`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: JSON.stringify({ question: '请报值班人员姓名', deadline_minutes: 10 }),
    });
    expect(sent.status).toBe(201);
    const { info_id: infoId } = (await sent.json()) as { info_id: number };
    const request = await c.answer(0x9300);
    // 0x9300 head, then the 2019 0x9301: OBJECT_TYPE, OBJECT_ID [20], ANSWER_TIME, INFO_ID, INFO_LENGTH, content.
    expect(request.body.readUInt16BE(0)).toBe(0x9301);
    const d = request.body.subarray(6);
    expect(request.body.readUInt32BE(2)).toBe(request.body.length - 6);
    expect(d[0]).toBe(1);
    expect(d.subarray(1, 21).toString('latin1').replace(/\0+$/, '')).toBe(String(ACCESS_CODE));
    expect(d[21]).toBe(255); // ten minutes, more than a byte of seconds holds
    expect(d.readUInt32BE(22)).toBe(infoId);
    expect(iconv.decode(d.subarray(30, 30 + d.readUInt32BE(26)), 'gbk')).toBe('请报值班人员姓名');

    // The 2019 answer, written here byte by byte: OBJECT_TYPE, RESPONDER [16], RESPONDER_TEL [20], OBJECT_ID [20],
    // SOURCE_DATA_TYPE 0x9301, SOURCE_MSG_SN of the 0x9300 frame, INFO_LENGTH, content. No INFO_ID.
    const answerText = iconv.encode('值班员王五', 'gbk');
    const answer = Buffer.alloc(67 + answerText.length);
    answer[0] = 1;
    answer.write('wang wu', 1, 'latin1');
    answer.write('0371-5550000', 17, 'latin1');
    answer.write(String(ACCESS_CODE), 37, 'latin1');
    answer.writeUInt16BE(0x9301, 57);
    answer.writeUInt32BE(request.sn, 59);
    answer.writeUInt32BE(answerText.length, 63);
    answerText.copy(answer, 67);
    const exchange = (dataType: number, data: Buffer) => {
      const head = Buffer.alloc(6);
      head.writeUInt16BE(dataType, 0);
      head.writeUInt32BE(data.length, 2);
      return Buffer.concat([head, data]);
    };
    // First one naming an SN Vigil never sent: refused by name; the link goes on.
    const stray = Buffer.from(answer);
    stray.writeUInt32BE(request.sn + 1000, 59);
    c.send(0x1300, exchange(0x1301, stray));
    c.send(0x1300, exchange(0x1301, answer));
    const answered = await eventually(async () => {
      const list = (await (
        await fetch(`${vigil.baseUrl}/api/jt809/platforms/${ACCESS_CODE}/inspections`, {
          headers: { authorization: `Bearer ${admin}` },
        })
      ).json()) as { inspections: { info_id: number; status: string; answer: string | null; answered_by: string }[] };
      const mine = list.inspections.find((i) => i.info_id === infoId);
      return mine?.status === 'answered' ? mine : undefined;
    });
    expect(answered).toMatchObject({ answer: '值班员王五', answered_by: String(ACCESS_CODE) });
    const stranger = await eventually(async () => (await rejects()).find((r) => r[0] === 'unknown_source_msg_sn'));
    expect(stranger[1]).toContain(`MSG_SN ${request.sn + 1000}`);
  });

  it('keeps a 2019 alarm report (0x1402) and its handling result (0x1412) as a step of the alarm', async () => {
    const c = clients[clients.length - 1];
    const warnTime = Date.now() - 60_000;
    // 2019 0x1402 by hand: SOURCE_PLATFORM_ID [11], WARN_TYPE, WARN_TIME, START_TIME, END_TIME, VEHICLE_NO [21],
    // VEHICLE_COLOR, DESTINATION_PLATFORM_ID [11], DRV_LINE_ID, INFO_LENGTH, INFO_CONTENT.
    const info = iconv.encode('疲劳驾驶', 'gbk');
    const report = Buffer.alloc(78 + info.length);
    report.write('41010012345', 0, 'latin1');
    report.writeUInt16BE(0x0002, 11);
    report.writeBigUInt64BE(BigInt(Math.floor(warnTime / 1000)), 13);
    report.writeBigUInt64BE(BigInt(Math.floor((warnTime - 30_000) / 1000)), 21);
    report.writeBigUInt64BE(BigInt(Math.floor(warnTime / 1000)), 29);
    iconv.encode(PLATE, 'gbk').copy(report, 37);
    report[58] = 2;
    report.writeUInt32BE(0, 70);
    report.writeUInt32BE(info.length, 74);
    info.copy(report, 78);
    const warning = (dataType: number, data: Buffer) => {
      const head = Buffer.alloc(6);
      head.writeUInt16BE(dataType, 0);
      head.writeUInt32BE(data.length, 2);
      return Buffer.concat([head, data]);
    };
    c.send(0x1400, warning(0x1402, report));
    const reportSn = c.lastSn;
    // A report cut short: refused by name, and the link goes on.
    c.send(0x1400, warning(0x1402, report.subarray(0, 40)));
    const result = Buffer.alloc(7);
    result.writeUInt16BE(0x1402, 0);
    result.writeUInt32BE(reportSn, 2);
    result[6] = 1;
    c.send(0x1400, warning(0x1412, result));
    c.send(0x1005, Buffer.alloc(0));
    await c.answer(0x1006);
    const alarmId = await eventually(async () => {
      const answer = await fetch(`${vigil.baseUrl}/api/alarms?rule=jt809_report&plate=${encodeURIComponent(PLATE)}`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      return ((await answer.json()) as { alarms: { alarm_id: string }[] }).alarms[0]?.alarm_id;
    });
    const alarm = await eventually(async () => {
      const answer = await fetch(`${vigil.baseUrl}/api/alarms/${alarmId}`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      const body = (await answer.json()) as {
        alarm: { details: Record<string, unknown> };
        actions: { action: string; detail: Record<string, unknown> }[];
      };
      return body.actions.some((a) => a.action === 'platform_result') ? body : undefined;
    });
    expect(alarm.actions.find((a) => a.action === 'platform_result')?.detail).toMatchObject({
      platform: ACCESS_CODE,
      msg_sn: reportSn,
      result: 1,
      result_name: 'handled',
    });
    const cut = await eventually(async () =>
      (await rejects()).find((r) => r[0] === 'frame_truncated' && r[1].includes('0x1402')),
    );
    expect(cut[1]).toContain('0x1402 has 40 bytes, needs 78');
    reported = { alarmId, reportSn };
  });

  it('sends a 2019 督办 of the alarm the platform reported and records the 0x1401 naming it by frame SN', async () => {
    const c = clients[clients.length - 1];
    const post = (body: unknown) =>
      fetch(`${vigil.baseUrl}/api/jt809/platforms/${ACCESS_CODE}/supervisions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}` },
        body: JSON.stringify(body),
      });
    // A vehicle named directly has no 2019 report to point at: a 2019 督办 cannot name it.
    const direct = await post({ plate: PLATE, plate_color: 2, warn_type: 1, deadline_minutes: 60 });
    expect(direct.status).toBe(409);
    expect(await direct.json()).toMatchObject({ error: 'platform_edition_unsupported', edition: 2019 });

    const sent = await post({ alarm_id: reported.alarmId, plate_color: 2, deadline_minutes: 60, level: 'urgent' });
    expect(sent.status).toBe(201);
    const { supervision_id: supervisionId } = (await sent.json()) as { supervision_id: number };
    const request = await c.answer(0x9400);
    // No vehicle envelope in 2019: DATA_TYPE 0x9401, DATA_LENGTH 102, then SOURCE_PLATFORM_ID [11], WARN_TIME,
    // SOURCE_DATA_TYPE 0x1402, SOURCE_MSG_SN of the report, SUPERVISION_ENDTIME, SUPERVISION_LEVEL, ….
    expect([request.body.readUInt16BE(0), request.body.readUInt32BE(2)]).toEqual([0x9401, 102]);
    const d = request.body.subarray(6);
    expect(d.subarray(0, 11).toString('latin1')).toBe('41010012345');
    expect([d.readUInt16BE(19), d.readUInt32BE(21), d[33]]).toEqual([0x1402, reported.reportSn, 0]);
    const endS = Number(d.readBigUInt64BE(25));
    expect(Math.abs(endS - (Date.now() / 1000 + 3_600))).toBeLessThan(120);

    const reply = Buffer.alloc(13);
    reply.writeUInt16BE(0x1401, 0);
    reply.writeUInt32BE(7, 2);
    reply.writeUInt16BE(0x9401, 6);
    reply.writeUInt32BE(request.sn, 8);
    reply[12] = 1;
    c.send(0x1400, reply);
    const answered = await eventually(async () => {
      const list = (await (
        await fetch(`${vigil.baseUrl}/api/jt809/platforms/${ACCESS_CODE}/supervisions`, {
          headers: { authorization: `Bearer ${admin}` },
        })
      ).json()) as { supervisions: { supervision_id: number; status: string; result: number | null }[] };
      const mine = list.supervisions.find((x) => x.supervision_id === supervisionId);
      return mine?.status === 'answered' ? mine : undefined;
    });
    expect(answered.result).toBe(1);
  });
});
