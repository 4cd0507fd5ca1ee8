/**
 * Lower platforms graded by their own 考核 figures, and 查岗 scheduled by grade. Five JT/T 809 platforms (four in
 * 郑州, one in 洛阳) have a planned history of 查岗 answered and left unanswered; with no vehicle forwarded, the 查岗
 * response rate is their only figure, so the plan alone fixes each score (100 × answered ÷ due) and grade. The
 * daily credit run grades them; a day of scheduler ticks (every five minutes, on the harness's clock) then sends
 * each platform as many 查岗 as its grade's interval fits in a Beijing day — none to a platform while it is not
 * logged in — each in the first half of its slot, audited, and never twice for a slot: not after a restart, not
 * with two schedulers ticking at once. The platform's link is a recording stand-in for the JT/T 809 server
 * (tests/jt809-requests.e2e.test.ts runs the real one); what it receives is decoded with Vigil's own decoder.
 * The 通报 of the platforms is opened (PDF with pdf.js, DOCX's document.xml, XLSX with exceljs) and checked against
 * the plan's scores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metrics, silentLogger, type CircularRecord, type PlatformInspectionSchedule } from '../schema/index.js';
import { openAnalytics, type Analytics, type Sql } from '../store/index.js';
import { decodeInspection, decodePlatformExchange } from '../ingest/jt809/supervision-messages.js';
import { inspectionSlot, Jt809Requests, SCHEDULER_NAME, type Jt809RequestLink } from '../center/index.js';
import { docxText, pdfText } from './support/export-text.js';
import { startCenterHarness, type CenterHarness } from './support/center-harness.js';
import { harnessStore } from './support/test-postgres.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** 00:00 China time of 2026-11-28: the day graded is 2026-11-27, its window 21–27 November. */
const DAY_START = Date.UTC(2026, 10, 27, 16);
const QUESTION = '定时查岗测试：请回复值班员姓名。';

const MODEL = {
  platform_window_days: 7,
  inspection_hours: { AA: 24, A: 12, B: 8, C: 6, D: 4 },
  inspection_hours_ungraded: 12,
  inspection_deadline_minutes: 15,
  inspection_question: QUESTION,
};

/** The plan: per platform, 查岗 in the window answered on time and left unanswered, and the truth it implies. */
const PLAN = [
  { code: 41_000_101, org: '410100', answered: 10, missed: 0, score: 100, grade: 'AA', hours: 24 },
  { code: 41_000_102, org: '410100', answered: 7, missed: 3, score: 70, grade: 'B', hours: 8 },
  { code: 41_000_103, org: '410100', answered: 2, missed: 8, score: 20, grade: 'D', hours: 4 },
  // Answered only before the window: no figure, no grade, the ungraded interval.
  { code: 41_000_104, org: '410100', answered: 0, missed: 0, score: null, grade: null, hours: 12 },
  { code: 41_000_301, org: '410300', answered: 5, missed: 5, score: 50, grade: 'D', hours: 4 },
] as const;
/** 41000104 logs in only at 12:00 China time: its first 12-hour slot passes without a 查岗. */
const LATE_LOGIN = 41_000_104;
const LATE_LOGIN_AT = DAY_START + 12 * HOUR_MS;

interface Sent {
  code: number;
  at: number;
  infoId: number;
  question: string;
}

describe('lower platforms: credit grade from their figures, 查岗 scheduled by grade', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-platform-schedule-'));
  let analytics: Analytics;
  let h: CenterHarness;
  let sql: Sql;
  let requests: Jt809Requests;
  let officer: { token: string };
  let wall: { token: string };
  const sent: Sent[] = [];
  const link: Jt809RequestLink = {
    linkState: (code) => (code === LATE_LOGIN && h.clock.now < LATE_LOGIN_AT ? 'disconnected' : 'logged_in'),
    sendToPlatform: (code, _msgId, body) => {
      const exchange = decodePlatformExchange(body);
      if (!exchange.ok) throw new Error(`undecodable 查岗 body: ${exchange.reason}`);
      const inspection = decodeInspection(exchange.value.data);
      if (!inspection.ok) throw new Error(`undecodable 查岗: ${inspection.reason}`);
      sent.push({ code, at: h.clock.now, infoId: inspection.value.infoId, question: inspection.value.text });
      return { link: 'main' };
    },
  };
  const makeRequests = (s: Sql, config: CenterHarness['centre']['config']) =>
    new Jt809Requests({
      sql: s,
      link,
      logger: silentLogger,
      metrics: new Metrics(),
      config,
      now: () => h.clock.now,
      scheduleOptions: { tickIntervalMs: 0 },
    });

  beforeAll(async () => {
    analytics = await openAnalytics({ kind: 'embedded', dataDir });
    h = await startCenterHarness(
      await harnessStore(),
      { analytics: { queryInternal: analytics.queryInternal.bind(analytics) } },
      {},
      (router, accounts, centre, s) => {
        sql = s;
        requests = makeRequests(s, centre.config);
        requests.register(router, accounts);
      },
    );
    h.clock.now = DAY_START + 8 * HOUR_MS;
    officer = await h.user('zz_schedule', 'duty_officer', '410100');
    wall = await h.user('zz_wall', 'wall', '410100');
    for (const p of PLAN)
      await sql.query(
        `INSERT INTO jt809_platforms (access_code, user_id, password_hash, name, org_code) VALUES ($1, 1, 'x', $2, $3)`,
        [p.code, `平台${p.code}`, p.org],
      );
    // The history: 查岗 sent on 25 November at 10:00 China time, ten minutes to answer.
    let infoId = 1;
    const sentAt = Date.UTC(2026, 10, 25, 2);
    const history = async (code: number, at: number, answered: boolean) =>
      sql.query(
        `INSERT INTO jt809_inspections (access_code, info_id, object_type, object_id, question, sent_by_name, sent_at,
                                        sent_link, deadline_at, status, answered_at, answer)
         VALUES ($1, $2, 1, $3, '历史查岗', '值班员', $4, 'main', $5, $6, $7, $8)`,
        [
          code,
          infoId++,
          String(code),
          new Date(at),
          new Date(at + 10 * 60_000),
          answered ? 'answered' : 'unanswered',
          answered ? new Date(at + 60_000) : null,
          answered ? '在岗' : null,
        ],
      );
    for (const p of PLAN) {
      for (let i = 0; i < p.answered; i++) await history(p.code, sentAt + i * HOUR_MS, true);
      for (let i = 0; i < p.missed; i++) await history(p.code, sentAt + (p.answered + i) * HOUR_MS, false);
    }
    // Outside the window: before it (20 November) and after the day graded (28 November).
    await history(LATE_LOGIN, Date.UTC(2026, 10, 20, 2), true);
    await history(PLAN[0].code, DAY_START + HOUR_MS, false);
  });

  afterAll(async () => {
    await h?.close();
    await analytics?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses bad schedule values naming the key, the value and the bound', async () => {
    const bad = async (value: unknown) => (await h.call(h.adminToken, 'PUT', '/api/config/credit', { value })).body;
    expect(await bad({ ...MODEL, inspection_hours: { ...MODEL.inspection_hours, D: 0 } })).toMatchObject({
      error: 'bad_config',
      field: 'credit.inspection_hours.D',
      problem: 'out_of_bounds',
    });
    expect(await bad({ ...MODEL, inspection_hours: { ...MODEL.inspection_hours, E: 4 } })).toMatchObject({
      field: 'credit.inspection_hours.E',
      problem: 'bad_value',
    });
    expect(await bad({ ...MODEL, inspection_hours: { ...MODEL.inspection_hours, C: 1.5 } })).toMatchObject({
      field: 'credit.inspection_hours.C',
      problem: 'bad_value',
    });
    expect(await bad({ ...MODEL, inspection_hours_ungraded: 721 })).toMatchObject({
      field: 'credit.inspection_hours_ungraded',
      problem: 'out_of_bounds',
    });
    expect(await bad({ ...MODEL, platform_window_days: 0 })).toMatchObject({
      field: 'credit.platform_window_days',
      problem: 'out_of_bounds',
    });
    expect(await bad({ ...MODEL, inspection_question: '查'.repeat(201) })).toMatchObject({
      field: 'credit.inspection_question',
      problem: 'out_of_bounds',
    });
    const refused = (await bad({ ...MODEL, inspection_deadline_minutes: 0 })) as { message?: string; field?: string };
    expect(refused.field).toBe('credit.inspection_deadline_minutes');
    expect(JSON.stringify(refused)).toContain('less than min allowed 1');
  });

  it('grades each platform from its window of 查岗 as the plan implies', async () => {
    expect((await h.call(h.adminToken, 'PUT', '/api/config/credit', { value: MODEL })).status).toBe(200);
    const result = await h.centre.credit.runDay('2026-11-27');
    expect(result.platforms).toBe(PLAN.length);
    const rows = await sql.query<{ access_code: unknown; score: unknown; grade: string | null }>(
      `SELECT access_code, score, grade FROM credit_platform_days WHERE day = '2026-11-27' ORDER BY access_code`,
    );
    expect(
      rows.map((r) => ({
        code: Number(r.access_code),
        score: r.score === null ? null : Number(r.score),
        grade: r.grade,
      })),
    ).toEqual(PLAN.map((p) => ({ code: p.code, score: p.score, grade: p.grade })));
  });

  it('writes a 通报 of the lower platforms as PDF, DOCX and XLSX naming each with its access code and score', async () => {
    const created = await h.call<CircularRecord>(h.adminToken, 'POST', '/api/assessment/circulars', {
      from: '2026-11-21',
      to: '2026-11-27',
      level: 'platform',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const title = '河南省交通运输厅关于2026年11月21日至2026年11月27日下级监控平台运行考核情况的通报';
    expect(created.body).toMatchObject({ level: 'platform', period: { from: '2026-11-21', to: '2026-11-27' } });
    const file = async (format: string) => {
      const res = await fetch(`${h.baseUrl}${created.body.files.find((f) => f.format === format)!.href}`, {
        headers: { authorization: `Bearer ${h.adminToken}` },
      });
      expect(res.status).toBe(200);
      return Buffer.from(await res.arrayBuffer());
    };
    const ranked = PLAN.filter((p) => p.score !== null);
    const pdf = (await pdfText(await file('pdf'))).replace(/\s+/g, '');
    const docx = await docxText(await file('docx'));
    for (const text of [pdf, docx]) {
      expect(text).toContain(created.body.title);
      for (const p of ranked) {
        expect(text).toContain(`平台${p.code}（接入码${p.code}）`);
        expect(text).toContain(p.score!.toFixed(2));
      }
      expect(text).toContain(`监管的下级平台共${PLAN.length}个，纳入排名${ranked.length}个`);
      expect(text).toContain(`未纳入排名的下级平台（1个）：平台${LATE_LOGIN}（接入码${LATE_LOGIN}）`);
    }
    expect(created.body.title).toBe(title);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await file('xlsx')) as unknown as ArrayBuffer);
    const rows = new Map<number, ExcelJS.Row>();
    workbook.getWorksheet('排名')!.eachRow((row, i) => {
      if (i > 1) rows.set(Number(row.getCell(2).value), row);
    });
    for (const p of PLAN) {
      expect(rows.get(p.code)!.getCell(3).value).toBe(`平台${p.code}`);
      expect(rows.get(p.code)!.getCell(4).value).toBe(p.score);
    }
    // The best first: 100, 70, 50, 20.
    expect(rows.get(PLAN[0].code)!.getCell(1).value).toBe(1);
    expect(rows.get(PLAN[2].code)!.getCell(1).value).toBe(4);
  });

  it('sends a Beijing day of 查岗 by grade, each once in its slot, in the first half of the slot', async () => {
    for (let t = DAY_START; t < DAY_START + DAY_MS; t += 5 * 60_000) {
      h.clock.now = t;
      await requests.scheduled!.tick();
    }
    for (const p of PLAN) {
      const mine = sent.filter((s) => s.code === p.code);
      // Slots are aligned to China midnight and these intervals divide a day; the late platform loses its first.
      const expected = p.code === LATE_LOGIN ? 24 / p.hours - 1 : 24 / p.hours;
      expect({ code: p.code, count: mine.length }).toEqual({ code: p.code, count: expected });
      const slots = mine.map((s) => inspectionSlot(p.code, p.hours, s.at));
      expect(new Set(slots.map((s) => s.start)).size).toBe(mine.length);
      for (const [i, s] of mine.entries()) {
        const slot = slots[i];
        // Sent at the first tick at or after the slot's due time, which lies in the slot's first half.
        expect(s.at).toBeGreaterThanOrEqual(slot.dueAt);
        expect(p.code === LATE_LOGIN ? s.at - Math.max(slot.dueAt, LATE_LOGIN_AT) : s.at - slot.dueAt).toBeLessThan(
          5 * 60_000,
        );
        expect(slot.dueAt - slot.start).toBeLessThan((p.hours * HOUR_MS) / 2);
        expect(s.question).toBe(QUESTION);
      }
    }
    // Recorded with the grade that set the slot, the inspection sent by the scheduler, and audited.
    const recorded = await sql.query<{ access_code: unknown; grade: string | null; interval_hours: number }>(
      'SELECT access_code, grade, interval_hours FROM jt809_scheduled_inspections ORDER BY access_code, slot_start',
    );
    expect(recorded).toHaveLength(sent.length);
    for (const r of recorded) {
      const p = PLAN.find((x) => x.code === Number(r.access_code))!;
      expect({ grade: r.grade, hours: Number(r.interval_hours) }).toEqual({ grade: p.grade, hours: p.hours });
    }
    const [{ n: bySchedulerRows }] = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM jt809_inspections WHERE sent_by IS NULL AND sent_by_name = $1 AND question = $2`,
      [SCHEDULER_NAME, QUESTION],
    );
    expect(bySchedulerRows).toBe(sent.length);
    const [{ n: audited }] = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log
        WHERE action = 'jt809_inspection.send' AND actor = $1 AND actor_id IS NULL AND (detail->>'scheduled')::boolean`,
      [SCHEDULER_NAME],
    );
    expect(audited).toBe(sent.length);
  });

  it('does not send twice for a slot: after a restart, or with two schedulers ticking at once', async () => {
    const before = sent.length;
    // The last slot of the day is done: a restarted scheduler ticking again sends nothing.
    const restarted = makeRequests(sql, h.centre.config);
    expect(await restarted.scheduled!.tick()).toEqual({ sent: 0, deferred: 0 });
    expect(sent.length).toBe(before);
    // The next day, two schedulers tick together every five minutes: each slot is still inspected once.
    const nextDay = DAY_START + DAY_MS;
    let total = 0;
    for (let t = nextDay; t < nextDay + DAY_MS; t += 5 * 60_000) {
      h.clock.now = t;
      const [a, b] = await Promise.all([requests.scheduled!.tick(), restarted.scheduled!.tick()]);
      total += a.sent + b.sent;
    }
    const next = sent.slice(before);
    expect(total).toBe(next.length);
    for (const p of PLAN)
      expect({ code: p.code, count: next.filter((s) => s.code === p.code).length }).toEqual({
        code: p.code,
        count: 24 / p.hours,
      });
  });

  it('shows a centre its platforms with their grade and next scheduled 查岗, not another city’s', async () => {
    const answer = await h.call<{ platforms: PlatformInspectionSchedule[] }>(
      officer.token,
      'GET',
      '/api/jt809/platforms/schedule',
    );
    expect(answer.status).toBe(200);
    const zhengzhou = PLAN.filter((p) => p.org === '410100');
    expect(answer.body.platforms.map((p) => p.access_code)).toEqual(zhengzhou.map((p) => p.code));
    for (const p of zhengzhou) {
      const row = answer.body.platforms.find((r) => r.access_code === p.code)!;
      const slot = inspectionSlot(p.code, p.hours, h.clock.now);
      expect(row).toMatchObject({ grade: p.grade, score: p.score, interval_hours: p.hours, day: '2026-11-27' });
      expect(row.sent_in_slot).toBe(true);
      expect(row.next_due_at).toBe(new Date(inspectionSlot(p.code, p.hours, slot.end).dueAt).toISOString());
      expect(row.last).toMatchObject({ slot_start: new Date(slot.start).toISOString(), status: 'sent' });
    }
    const province = await h.call<{ platforms: unknown[] }>(h.adminToken, 'GET', '/api/jt809/platforms/schedule');
    expect(province.body.platforms).toHaveLength(PLAN.length);
    expect((await h.call(wall.token, 'GET', '/api/jt809/platforms/schedule')).status).toBe(403);
  });
});
