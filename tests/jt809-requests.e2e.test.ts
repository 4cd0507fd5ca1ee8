/**
 * JT/T 809 inspections (查岗) and alarm supervisions (督办) end to end against a real `vigil start`: a lower
 * platform written from the standard logs in over a real TCP socket; a duty officer's API request reaches it as
 * 0x9300/0x9301 or 0x9400/0x9401 on its main link, decoded here independently of Vigil's codec; its 0x1301 and
 * 0x1401 answers show in the API as answered; the first answer wins, and a repeated one is counted and, when it
 * differs, kept in the audit log; an inspection left unanswered turns `unanswered`
 * after its short deadline; requests to a platform that is unknown or not logged in are refused with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';
import { issueKey, postRecords } from './support/ingest-client.js';
import { alarmReportData, Jt809Client, loginBody, vehicleEnvelope } from './support/jt809-client.js';
import { Jt809DownLink } from './support/jt809-down-link.js';
import {
  inspectionAnswer as answerInspection,
  readInspection,
  readSupervision,
  supervisionAnswer,
} from './support/jt809-requests-wire.js';

const ACCESS_CODE = 41_000_002;
const USER_ID = 8002;
const PASSWORD = 'Rq8#0w9b';
const PLATE = '豫A80911';

let vigil: VigilProcess;
let admin: string;
let platform: Jt809Client;
const downLink = new Jt809DownLink(41_000_004);

beforeAll(async () => {
  vigil = await startVigil();
  admin = await vigil.login();
});

afterAll(async () => {
  platform?.close();
  await downLink.close().catch(() => undefined);
  await vigil?.stop({ removeData: true });
});

async function api(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${vigil.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${admin}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** vigil_jt809_answers_repeated_total for one answer message id, from /metrics (0 when not yet counted). */
async function repeatedAnswers(msgId: string): Promise<number> {
  const text = await (await fetch(`${vigil.baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`vigil_jt809_answers_repeated_total{msg_id="${msgId}"}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

/** The audit log's entries of one action, oldest first: who and what. */
async function repeatAudits(action: string): Promise<{ actor: unknown; detail: unknown }[]> {
  const entries = (await api('GET', `/api/audit?action=${action}`)).body.entries as Record<string, unknown>[];
  return entries.reverse().map((e) => ({ actor: e.actor, detail: e.detail }));
}

/** This test's platform answers a 查岗. */
const inspectionAnswer = (infoId: number, text: string): Buffer => answerInspection(ACCESS_CODE, infoId, text);

const base = `/api/jt809/platforms/${ACCESS_CODE}`;

describe('JT/T 809 inspections and supervisions → lower platform', () => {
  it('refuses requests to an unknown platform and to one that is not logged in, naming why', async () => {
    expect(
      (
        await api('POST', '/api/jt809/platforms', {
          access_code: ACCESS_CODE,
          user_id: USER_ID,
          password: PASSWORD,
          name: '某企业监控平台',
          org_code: '410100',
        })
      ).status,
    ).toBe(201);
    const unknown = await api('POST', '/api/jt809/platforms/999/inspections', { question: '在吗' });
    expect([unknown.status, unknown.body.error]).toEqual([404, 'platform_unknown']);
    const offline = await api('POST', `${base}/inspections`, { question: '在吗' });
    expect([offline.status, offline.body.error]).toEqual([409, 'platform_not_logged_in']);
    expect(offline.body).toMatchObject({ main_link: 'disconnected' });
    expect(String(offline.body.detail)).toContain('disconnected');
    const badDeadline = await api('POST', `${base}/inspections`, { question: '在吗', deadline_minutes: 0 });
    expect([badDeadline.status, badDeadline.body.error]).toEqual([400, 'bad_deadline_minutes']);
    expect((await api('GET', `${base}/inspections`)).body.inspections).toEqual([]);

    platform = new Jt809Client({ accessCode: ACCESS_CODE });
    await platform.connect('127.0.0.1', vigil.jt809Port);
    platform.send(0x1001, loginBody(USER_ID, PASSWORD));
    expect((await platform.answer(0x1002)).body[0]).toBe(0);
    const listed = (await api('GET', '/api/jt809/platforms')).body.platforms as {
      access_code: number;
      main_link: string;
    }[];
    expect(listed.find((p) => p.access_code === ACCESS_CODE)?.main_link).toBe('logged_in');
  });

  it('sends an inspection the platform answers; a repeated answer changes nothing and is counted and audited', async () => {
    const sent = await api('POST', `${base}/inspections`, { question: '请报值班人员姓名' });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ status: 'sent', link: 'main', question: '请报值班人员姓名', answer: null });
    const request = readInspection(
      (await platform.answer(0x9300, 10_000, (a) => readInspection(a.body).question === '请报值班人员姓名')).body,
    );
    expect(request).toEqual({
      objectType: 1,
      objectId: String(ACCESS_CODE),
      infoId: sent.body.info_id,
      question: '请报值班人员姓名',
    });
    // Ten minutes by default.
    expect(Date.parse(String(sent.body.deadline_at)) - Date.parse(String(sent.body.sent_at))).toBe(600_000);

    platform.send(0x1300, inspectionAnswer(request.infoId, '值班员张三'));
    platform.send(0x1300, inspectionAnswer(request.infoId, '重放的应答'));
    platform.send(0x1300, inspectionAnswer(request.infoId, '值班员张三'));
    const answered = await eventually(
      async () => {
        const list = (await api('GET', `${base}/inspections`)).body.inspections as Record<string, unknown>[];
        return list[0]?.status === 'answered' ? list[0] : undefined;
      },
      20_000,
      'the inspection to be answered',
    );
    expect(answered).toMatchObject({ info_id: request.infoId, answer: '值班员张三', answered_by: String(ACCESS_CODE) });
    // The replay was processed in order behind the first answer: a keep-alive answer proves it was handled.
    platform.send(0x1005, Buffer.alloc(0));
    await platform.answer(0x1006);
    const after = (await api('GET', `${base}/inspections`)).body.inspections as Record<string, unknown>[];
    expect(after[0]).toMatchObject({ answer: '值班员张三', answered_at: answered.answered_at });
    // Both repeats are counted; only the one that says something else is kept in the audit log.
    expect(await repeatedAnswers('0x1301')).toBe(2);
    expect(await repeatAudits('jt809_inspection.answer_repeated')).toEqual([
      {
        actor: `jt809_platform:${ACCESS_CODE}`,
        detail: {
          info_id: request.infoId,
          first: { answer: '值班员张三', answered_by: String(ACCESS_CODE) },
          repeated: { answer: '重放的应答', answered_by: String(ACCESS_CODE) },
        },
      },
    ]);
    // An answer to an inspection never sent is dead-lettered with its reason; the link carries on.
    platform.send(0x1300, inspectionAnswer(4_000_000_000, '无此查岗'));
    const rejects = await eventually(
      async () => {
        const rows = (
          await vigil.sql<[string, string]>(`SELECT reason, detail FROM ingest_rejects WHERE source = 'jt809'`)
        ).rows;
        return rows.length > 0 ? rows : undefined;
      },
      20_000,
      'the unmatched answer to be dead-lettered',
    );
    expect(rejects.map((r) => r[0])).toEqual(['unknown_info_id']);
  });

  it('turns an inspection left unanswered past its deadline unanswered, and keeps a late answer as such', async () => {
    const sent = await api('POST', `${base}/inspections`, { question: '查岗', deadline_minutes: 0.05 });
    expect(sent.status).toBe(201);
    const request = readInspection(
      (await platform.answer(0x9300, 10_000, (a) => readInspection(a.body).question === '查岗')).body,
    );
    const expired = await eventually(
      async () => {
        const list = (await api('GET', `${base}/inspections`)).body.inspections as Record<string, unknown>[];
        const mine = list.find((i) => i.info_id === request.infoId);
        return mine?.status === 'unanswered' ? mine : undefined;
      },
      30_000,
      'the inspection to turn unanswered',
    );
    expect(expired.answer).toBeNull();
    platform.send(0x1300, inspectionAnswer(request.infoId, '迟到的应答'));
    const late = await eventually(
      async () => {
        const list = (await api('GET', `${base}/inspections`)).body.inspections as Record<string, unknown>[];
        const mine = list.find((i) => i.info_id === request.infoId);
        return mine?.answer ? mine : undefined;
      },
      20_000,
      'the late answer to be recorded',
    );
    expect(late).toMatchObject({ status: 'unanswered', answer: '迟到的应答' });
  });

  it('lets staff of the supervising unit send and read, and nobody outside it', async () => {
    const as = async (token: string, method: string, path: string, body?: unknown) => {
      const response = await fetch(`${vigil.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const users = [
      { username: 'zz.duty', password: 'zhengzhou-duty-pass', role: 'duty_officer', org_code: '410100' },
      { username: 'ly.duty', password: 'luoyang-duty-pass', role: 'duty_officer', org_code: '410300' },
      { username: 'zz.analyst', password: 'zhengzhou-analyst-pass', role: 'analyst', org_code: '410100' },
    ];
    const tokens: string[] = [];
    for (const user of users) {
      expect((await api('POST', '/api/users', user)).status).toBe(201);
      tokens.push(await vigil.login(user.username, user.password));
    }
    const [zhengzhou, luoyang, analyst] = tokens;
    expect((await as(zhengzhou, 'GET', `${base}/inspections`)).status).toBe(200);
    const outside = await as(luoyang, 'POST', `${base}/inspections`, { question: '越权查岗' });
    expect([outside.status, outside.body.error]).toEqual([404, 'platform_unknown']);
    expect((await as(luoyang, 'GET', `${base}/supervisions`)).status).toBe(404);
    expect((await as(analyst, 'GET', `${base}/inspections`)).status).toBe(200);
    expect((await as(analyst, 'POST', `${base}/inspections`, { question: '分析员查岗' })).status).toBe(403);
    const sent = await as(zhengzhou, 'POST', `${base}/inspections`, { question: '郑州值班查岗' });
    expect(sent.body).toMatchObject({ status: 'sent', sent_by: 'zz.duty' });
    const asked = await platform.answer(0x9300, 10_000, (a) => readInspection(a.body).question === '郑州值班查岗');
    expect(readInspection(asked.body).question).toBe('郑州值班查岗');
  });

  it('sends a supervision of a named vehicle the platform answers', async () => {
    const missing = await api('POST', `${base}/supervisions`, { plate: PLATE, plate_color: 2, warn_type: 1 });
    expect([missing.status, missing.body.error]).toEqual([400, 'deadline_required']);
    const sent = await api('POST', `${base}/supervisions`, {
      plate: PLATE,
      plate_color: 2,
      warn_type: 1,
      warn_time: '2026-11-28T01:00:00Z',
      deadline_minutes: 30,
      level: 'urgent',
      supervisor: '李四',
      supervisor_tel: '0371-12345678',
      supervisor_email: 'duty@ha.example',
    });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ status: 'sent', level: 'urgent', plate: PLATE, result: null });
    const request = readSupervision((await platform.answer(0x9400)).body);
    expect(request).toMatchObject({
      plate: PLATE,
      plateColor: 2,
      warnSource: 3,
      warnType: 1,
      warnTimeS: Date.parse('2026-11-28T01:00:00Z') / 1000,
      supervisionId: sent.body.supervision_id,
      level: 0,
      supervisor: '李四',
      tel: '0371-12345678',
      email: 'duty@ha.example',
    });
    expect(request.endTimeS).toBe(Math.floor(Date.parse(String(sent.body.deadline_at)) / 1000));

    // 处理中, then 已处理 twice: the first answer stands, the later ones are counted and audited.
    platform.send(0x1400, supervisionAnswer(PLATE, 2, request.supervisionId, 1));
    platform.send(0x1400, supervisionAnswer(PLATE, 2, request.supervisionId, 0));
    platform.send(0x1400, supervisionAnswer(PLATE, 2, request.supervisionId, 0));
    const answered = await eventually(
      async () => {
        const list = (await api('GET', `${base}/supervisions`)).body.supervisions as Record<string, unknown>[];
        return list[0]?.status === 'answered' ? list[0] : undefined;
      },
      20_000,
      'the supervision to be answered',
    );
    expect(answered).toMatchObject({ status: 'answered', supervision_id: request.supervisionId, result: 1 });
    // The repeats were processed in order behind the first answer: a keep-alive answer proves it.
    platform.send(0x1005, Buffer.alloc(0));
    await platform.answer(0x1006);
    const after = (await api('GET', `${base}/supervisions`)).body.supervisions as Record<string, unknown>[];
    expect(after[0]).toMatchObject({ result: 1, answered_at: answered.answered_at });
    expect(await repeatedAnswers('0x1401')).toBe(2);
    const repeat = { supervision_id: request.supervisionId, first: { result: 1 }, repeated: { result: 0 } };
    expect(await repeatAudits('jt809_supervision.answer_repeated')).toEqual([
      { actor: `jt809_platform:${ACCESS_CODE}`, detail: repeat },
      { actor: `jt809_platform:${ACCESS_CODE}`, detail: repeat },
    ]);
  });

  it('supervises a Vigil alarm by its id, taking plate, colour, type and time from it', async () => {
    const { key } = await issueKey(vigil.baseUrl, admin, 'registry');
    await postRecords(vigil.baseUrl, 'registry', key, [
      {
        type: 'vehicle',
        plate: PLATE,
        plate_color: 2,
        vehicle_class: 'heavy_truck',
        terminal_id: '013980911001',
        home_org_code: '410102',
      },
    ]);
    const warnTime = Date.now() - 60_000;
    platform.send(0x1400, vehicleEnvelope(PLATE, 2, 0x1402, alarmReportData(2, 0x0002, warnTime, 91, '疲劳驾驶')));
    const alarmId = await eventually(
      async () => (await vigil.sql<[string]>(`SELECT alarm_id FROM alarms WHERE rule = 'jt809_report'`)).rows[0]?.[0],
      20_000,
      'the reported alarm',
    );
    const sent = await eventually(
      async () => {
        const attempt = await api('POST', `${base}/supervisions`, { alarm_id: alarmId, deadline_minutes: 60 });
        return attempt.status === 201 ? attempt.body : undefined;
      },
      30_000,
      'the alarm case to exist',
    );
    expect(sent).toMatchObject({
      alarm_id: alarmId,
      plate: PLATE,
      plate_color: 2,
      warn_src: 2,
      warn_type: 2,
      level: 'ordinary',
    });
    const request = readSupervision((await platform.answer(0x9400)).body);
    expect(request).toMatchObject({
      plate: PLATE,
      warnType: 2,
      warnTimeS: Math.floor(warnTime / 1000),
      supervisionId: sent.supervision_id,
      level: 1,
      supervisor: 'admin',
    });
  });
});

describe('JT/T 809 sub link', () => {
  it('connects back to the down-link address with the verify code, carries requests, and falls back to the main link', async () => {
    const code = 41_000_004;
    expect(
      (
        await api('POST', '/api/jt809/platforms', {
          access_code: code,
          user_id: 8004,
          password: 'Sub4#Lk9',
          name: '有从链路的平台',
          org_code: '410100',
        })
      ).status,
    ).toBe(201);
    const downPort = await downLink.listen();
    const c = new Jt809Client({ accessCode: code });
    await c.connect('127.0.0.1', vigil.jt809Port);
    try {
      c.send(0x1001, loginBody(8004, 'Sub4#Lk9', '127.0.0.1', downPort));
      const loginAnswer = await c.answer(0x1002);
      expect(loginAnswer.body[0]).toBe(0);
      const verifyCode = loginAnswer.body.readUInt32BE(1);
      const subLogin = await eventually(async () => downLink.of(0x9001)[0], 20_000, 'Vigil to log in on the sub link');
      expect(subLogin.body.readUInt32BE(0)).toBe(verifyCode);
      const listed = await eventually(
        async () => {
          const platforms = (await api('GET', '/api/jt809/platforms')).body.platforms as {
            access_code: number;
            main_link: string;
            sub_link: string;
          }[];
          const mine = platforms.find((p) => p.access_code === code);
          return mine?.sub_link === 'logged_in' ? mine : undefined;
        },
        20_000,
        'the sub link to show logged in',
      );
      expect(listed.main_link).toBe('logged_in');

      const sent = await api('POST', `/api/jt809/platforms/${code}/inspections`, { question: '从链路查岗' });
      expect(sent.body).toMatchObject({ status: 'sent', link: 'sub' });
      const onSub = await eventually(async () => downLink.of(0x9300)[0], 20_000, 'the inspection on the sub link');
      const request = readInspection(onSub.body);
      expect(request.infoId).toBe(sent.body.info_id);
      // The answer comes back on the main link.
      c.send(0x1300, inspectionAnswer(request.infoId, '在岗'));
      await eventually(
        async () => {
          const list = (await api('GET', `/api/jt809/platforms/${code}/inspections`)).body.inspections as Record<
            string,
            unknown
          >[];
          return list[0]?.status === 'answered' ? true : undefined;
        },
        20_000,
        'the answer',
      );

      // With the down-link server gone the sub link cannot come back; requests take the main link.
      await downLink.close();
      await eventually(
        async () => {
          const platforms = (await api('GET', '/api/jt809/platforms')).body.platforms as {
            access_code: number;
            sub_link: string;
          }[];
          return platforms.find((p) => p.access_code === code)?.sub_link !== 'logged_in' ? true : undefined;
        },
        20_000,
        'the sub link to go down',
      );
      const fallback = await api('POST', `/api/jt809/platforms/${code}/inspections`, { question: '主链路查岗' });
      expect(fallback.body).toMatchObject({ status: 'sent', link: 'main' });
      const asked = await c.answer(0x9300, 10_000, (a) => readInspection(a.body).question === '主链路查岗');
      expect(readInspection(asked.body).question).toBe('主链路查岗');
    } finally {
      c.close();
    }
  });
});
