/**
 * The alarm queue and the work-order list a duty console works from, through the HTTP API on PGlite and a real
 * PostgreSQL server: the urgency order, keyset pages over more than 500 alarms that neither repeat nor skip a row
 * while alarms keep arriving, counts equal to the rows, every filter, and the steps each role is offered — each
 * offered step succeeds when posted, each step not offered is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmListAnswer, AlarmQueueRow, WorkOrderDetail, WorkOrderListAnswer } from '../schema/index.js';
import {
  alarmRow,
  freshTarget,
  startCenterHarness,
  STORE_KINDS,
  useStoreServer,
  type CenterHarness,
} from './support/center-harness.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const ALARMS = 530;
/** Counties of 郑州 the generated alarms happen in: 中原区, 金水区 (lat/lon inside each). */
const PLACES = [
  { org: '410102', lat: 34.748, lon: 113.61 },
  { org: '410105', lat: 34.80109, lon: 113.65453 },
];
const RULES = ['overspeed', 'fatigue', 'night_ban'];

async function allPages(
  h: CenterHarness,
  token: string,
  query: string,
  limit: number,
  between?: (page: number) => Promise<void>,
): Promise<{ rows: AlarmQueueRow[]; pages: AlarmListAnswer[] }> {
  const rows: AlarmQueueRow[] = [];
  const pages: AlarmListAnswer[] = [];
  let after: string | null = null;
  do {
    const reply: { status: number; body: AlarmListAnswer } = await h.call<AlarmListAnswer>(
      token,
      'GET',
      `/api/alarms?${query}&limit=${limit}${after === null ? '' : `&after=${after}`}`,
    );
    expect(reply.status).toBe(200);
    pages.push(reply.body);
    rows.push(...reply.body.alarms);
    after = reply.body.next;
    await between?.(pages.length);
  } while (after !== null);
  return { rows, pages };
}

function rank(a: AlarmQueueRow): number {
  const state = a.state === 'new' ? 0 : a.state === 'acknowledged' ? 1 : 2;
  const severity = a.severity === 'critical' ? 0 : a.severity === 'warning' ? 1 : 2;
  return state * 3 + severity;
}

describe.each(STORE_KINDS)('the duty queue on %s', (kind) => {
  const server = useStoreServer(kind);
  let h: CenterHarness;
  let officer: { id: number; token: string };
  let otherOfficer: { id: number; token: string };
  let cityDispatcher: { id: number; token: string };
  let analyst: { id: number; token: string };
  let countyOfficer: { id: number; token: string };
  const ids: string[] = [];

  beforeAll(async () => {
    h = await startCenterHarness(await freshTarget(kind, server(), 'queue'));
    officer = await h.user('zz-duty-a', 'duty_officer', '410100', { display_name: '值班员甲' });
    otherOfficer = await h.user('zz-duty-b', 'duty_officer', '410100');
    cityDispatcher = await h.user('zz-dispatch', 'dispatcher', '410100');
    analyst = await h.user('zz-analyst', 'analyst', '410100');
    countyOfficer = await h.user('jinshui-duty', 'duty_officer', '410105');
    // 530 alarms received a minute apart: every 7th critical, rules and counties in turn, every 5th ended.
    for (let i = 0; i < ALARMS; i++) {
      const place = PLACES[i % PLACES.length];
      const row = alarmRow({
        rule: RULES[i % RULES.length],
        severity: i % 7 === 0 ? 'critical' : 'warning',
        plate: `豫A${String(10000 + i)}`,
        terminal_id: `0139${String(i).padStart(8, '0')}`,
        lat: place.lat,
        lon: place.lon,
        org_code: place.org,
        started_at: h.clock.now - 5 * MINUTE_MS,
        ended_at: i % 5 === 0 ? h.clock.now : null,
      });
      expect(await h.centre.desk.ingest(row)).toBe(true);
      ids.push(row.alarm_id);
      h.clock.now += MINUTE_MS;
    }
  });

  afterAll(async () => {
    await h?.close();
  });

  it('pages the whole queue by urgency without repeats or gaps, with counts equal to the rows', async () => {
    // Take a few first: they move behind the unhandled ones.
    for (const id of ids.slice(1, 4))
      expect((await h.call(officer.token, 'POST', `/api/alarms/${id}/acknowledge`)).status).toBe(200);
    const { rows, pages } = await allPages(h, officer.token, 'state=new,acknowledged&sort=urgency', 100);
    expect(pages.length).toBe(6);
    expect(rows.length).toBe(ALARMS);
    expect(new Set(rows.map((r) => r.alarm_id)).size).toBe(ALARMS);
    for (const page of pages) {
      expect(page.total).toBe(ALARMS);
      expect((page.counts.state.new ?? 0) + (page.counts.state.acknowledged ?? 0)).toBe(ALARMS);
      expect(page.counts.state.acknowledged).toBe(3);
      expect(page.counts.severity.critical).toBe(Math.ceil(ALARMS / 7));
    }
    // Critical and unhandled first, then the longest waiting first within a rank.
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1], rows[i]];
      expect(rank(a) < rank(b) || (rank(a) === rank(b) && a.received_at <= b.received_at)).toBe(true);
    }
    expect(rows[0]).toMatchObject({ alarm_id: ids[0], severity: 'critical', state: 'new' });
    expect(rows.slice(-3).map((r) => r.state)).toEqual(['acknowledged', 'acknowledged', 'acknowledged']);
    // The holder is named; a new alarm says when it escalates.
    expect(rows.at(-1)!).toMatchObject({ acknowledged_by: 'zz-duty-a', acknowledged_by_display: '值班员甲' });
    expect(rows[0].due_at).toBe(rows[0].received_at + 30 * MINUTE_MS);
    expect(rows.at(-1)!.due_at).toBeNull();
  });

  it('keeps pages consistent while alarms arrive, and counts the arrivals since a moment', async () => {
    const snapshot = h.clock.now;
    const arrived: string[] = [];
    const { rows } = await allPages(h, officer.token, 'state=new&sort=received', 120, async (page) => {
      // Two alarms arrive after each page: newer than the snapshot, so they sort before every row already read.
      for (let i = 0; i < 2; i++) {
        h.clock.now += 1_000;
        const row = alarmRow({ started_at: h.clock.now, plate: `豫B${page}${i}` });
        await h.centre.desk.ingest(row);
        arrived.push(row.alarm_id);
      }
    });
    expect(new Set(rows.map((r) => r.alarm_id)).size).toBe(rows.length);
    expect(rows.length).toBe(ALARMS - 3);
    expect(rows.some((r) => arrived.includes(r.alarm_id))).toBe(false);
    const since = await h.call<AlarmListAnswer>(
      officer.token,
      'GET',
      `/api/alarms?state=new&since=${snapshot}&limit=1`,
    );
    expect(since.body.arrived_since).toBe(arrived.length);
    expect(since.body.total).toBe(ALARMS - 3 + arrived.length);
    expect(since.body.alarms.length).toBe(1);
  });

  it('filters by severity, rule, unit, department, plate, ongoing, time and ids, counting what it filters', async () => {
    const q = async (query: string) =>
      (await h.call<AlarmListAnswer>(officer.token, 'GET', `/api/alarms?${query}`)).body;
    const critical = await q('severity=critical&limit=500');
    expect(critical.total).toBe(critical.alarms.length);
    expect(critical.alarms.every((a) => a.severity === 'critical')).toBe(true);
    expect(critical.total).toBe(Math.ceil(ALARMS / 7));
    const fatigueInJinshui = await q('rule=fatigue&org_code=410105&limit=500');
    expect(fatigueInJinshui.total).toBeGreaterThan(0);
    expect(fatigueInJinshui.alarms.every((a) => a.rule === 'fatigue' && a.org_code === '410105')).toBe(true);
    const two = await q('rule=fatigue,night_ban&limit=500');
    expect(two.total).toBe(ids.filter((_, i) => i % 3 !== 0).length);
    expect((await q('department=enforcement&limit=1')).total).toBeGreaterThan(0);
    expect((await q('plate=A10007')).alarms.map((a) => a.plate)).toEqual(['豫A10007']);
    const ended = await q('ongoing=false&limit=500');
    expect(ended.total).toBe(Math.ceil(ALARMS / 5));
    expect(ended.alarms.every((a) => a.ended_at !== null)).toBe(true);
    const first = (await q(`ids=${ids[0]}`)).alarms[0];
    const window = await q(`from=${first.received_at}&to=${first.received_at + 10 * MINUTE_MS}&limit=500`);
    expect(window.total).toBe(10);
    const some = await q(`ids=${ids.slice(10, 15).join(',')}`);
    expect(some.alarms.map((a) => a.alarm_id).sort()).toEqual(ids.slice(10, 15).sort());
    // A unit outside the caller's scope, a bad list value and a forged cursor are refused by name.
    expect((await h.call(countyOfficer.token, 'GET', '/api/alarms?org_code=410100')).status).toBe(403);
    expect((await h.call(officer.token, 'GET', '/api/alarms?state=new,open')).body).toMatchObject({
      error: 'bad_field',
      field: 'state',
    });
    expect((await h.call(officer.token, 'GET', '/api/alarms?sort=urgency&after=bm9wZQ')).body).toMatchObject({
      error: 'bad_field',
      field: 'after',
    });
  });

  it('offers each role exactly the steps it may take, and an offered step succeeds', async () => {
    const row = async (token: string, id: string) =>
      (await h.call<AlarmListAnswer>(token, 'GET', `/api/alarms?ids=${id}`)).body.alarms[0];
    const [fresh, held] = [ids[20], ids[21]];
    expect((await row(officer.token, fresh)).actions).toEqual(['acknowledge', 'dismiss', 'dispatch']);
    expect((await row(analyst.token, fresh)).actions).toEqual([]);
    expect((await row(h.adminToken, fresh)).actions).toEqual([]);
    expect((await h.call(h.adminToken, 'POST', `/api/alarms/${fresh}/acknowledge`)).status).toBe(403);
    expect((await h.call(officer.token, 'POST', `/api/alarms/${held}/acknowledge`)).status).toBe(200);
    expect((await row(officer.token, held)).actions).toEqual(['dismiss', 'dispatch']);
    // Someone else's alarm offers nothing, and trying says who holds it.
    expect((await row(otherOfficer.token, held)).actions).toEqual([]);
    const refused = await h.call(otherOfficer.token, 'POST', `/api/alarms/${held}/dispatch`, {});
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'held_by_other', held_by: 'zz-duty-a' });
    // The single-alarm route offers the same.
    const one = await h.call<{ alarm: AlarmQueueRow }>(officer.token, 'GET', `/api/alarms/${held}`);
    expect(one.body.alarm.actions).toEqual(['dismiss', 'dispatch']);
    // Dismissed: close is offered and works.
    expect(
      (await h.call(officer.token, 'POST', `/api/alarms/${held}/dismiss`, { reason: '误报：GPS漂移' })).status,
    ).toBe(200);
    expect((await row(officer.token, held)).actions).toEqual(['close']);
    expect((await h.call(officer.token, 'POST', `/api/alarms/${held}/close`)).status).toBe(200);
    expect((await row(officer.token, held)).actions).toEqual([]);
  });

  it('names the work order after the rule in Chinese and offers 督办 only once it is overdue', async () => {
    const alarmId = ids[30];
    const dispatched = await h.call<AlarmQueueRow>(officer.token, 'POST', `/api/alarms/${alarmId}/dispatch`, {
      org_code: '410105',
      department: 'enforcement',
      deadline_hours: 2,
    });
    expect(dispatched.status).toBe(200);
    const orderId = dispatched.body.work_order_id!;
    const detail = async (token: string) =>
      (await h.call<WorkOrderDetail>(token, 'GET', `/api/work-orders/${orderId}`)).body;
    expect((await detail(officer.token)).order.title).toBe('超速报警 豫A10030');
    expect((await detail(countyOfficer.token)).order.actions).toEqual(['sign', 'review', 'transfer', 'comment']);
    expect((await detail(cityDispatcher.token)).order.actions).toEqual(['review', 'transfer', 'comment']);
    expect(
      (await h.call(cityDispatcher.token, 'POST', `/api/work-orders/${orderId}/urge`, { text: '请尽快办理' })).body,
    ).toMatchObject({ error: 'not_overdue' });
    h.clock.now += 3 * HOUR_MS;
    expect((await detail(cityDispatcher.token)).order.actions).toEqual(['review', 'transfer', 'urge', 'comment']);
    expect((await detail(countyOfficer.token)).order.actions).not.toContain('urge');
    expect(
      (await h.call(cityDispatcher.token, 'POST', `/api/work-orders/${orderId}/urge`, { text: '已超期，请今日办结' }))
        .status,
    ).toBe(200);
    const after = await detail(countyOfficer.token);
    expect(after.order.urged_at).toBe(h.clock.now);
    expect(after.timeline.map((e) => `${e.kind}/${e.actor}`)).toEqual(['issued/zz-duty-a', 'urged/zz-dispatch']);
    // Every offered step is accepted by the server and every other one refused, for each role, in this state.
    for (const user of [countyOfficer, cityDispatcher, analyst, officer]) {
      const offered = new Set((await detail(user.token)).order.actions);
      for (const action of ['sign', 'start', 'feedback', 'accept', 'return', 'claim']) {
        const status = (await h.call(user.token, 'POST', `/api/work-orders/${orderId}/${action}`, { text: '测试' }))
          .status;
        if (offered.has(action as never)) expect(status, `${action} offered`).toBe(200);
        else expect(status, `${action} not offered`).toBeGreaterThanOrEqual(400);
        if (status === 200) break;
      }
    }
  });

  it('lists work orders by deadline in keyset pages, counting overdue ones', async () => {
    for (let i = 0; i < 7; i++)
      await h.call(cityDispatcher.token, 'POST', '/api/work-orders', {
        title: `专项检查 ${i}`,
        category: 'inspection',
        severity: 'warning',
        org_code: '410105',
        department: 'road_transport',
        deadline_hours: 1 + i,
      });
    const seen: number[] = [];
    let after: string | null = null;
    let answer: WorkOrderListAnswer;
    do {
      answer = (
        await h.call<WorkOrderListAnswer>(
          countyOfficer.token,
          'GET',
          `/api/work-orders?sort=deadline&limit=3${after === null ? '' : `&after=${after}`}`,
        )
      ).body;
      seen.push(...answer.work_orders.map((o) => o.id));
      after = answer.next;
    } while (after !== null);
    expect(seen.length).toBe(answer.total);
    expect(new Set(seen).size).toBe(seen.length);
    const all = (
      await h.call<WorkOrderListAnswer>(countyOfficer.token, 'GET', '/api/work-orders?sort=deadline&limit=500')
    ).body;
    expect(all.work_orders.map((o) => o.id)).toEqual(seen);
    const deadlines = all.work_orders.map((o) => o.deadline_at);
    expect([...deadlines].sort((a, b) => a - b)).toEqual(deadlines);
    const overdue = (await h.call<WorkOrderListAnswer>(countyOfficer.token, 'GET', '/api/work-orders?overdue=true'))
      .body;
    expect(overdue.total).toBe(all.counts.overdue);
    expect(overdue.work_orders.every((o) => o.deadline_at <= h.clock.now || o.overdue)).toBe(true);
    const mine = (await h.call<WorkOrderListAnswer>(cityDispatcher.token, 'GET', '/api/work-orders?assignee=issued'))
      .body;
    expect(mine.work_orders.every((o) => o.issuer_org === '410100')).toBe(true);
    expect(mine.total).toBeGreaterThanOrEqual(8);
  });
});
