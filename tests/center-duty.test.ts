/**
 * 7×24 duty across two levels, through the HTTP API on the centres' own clock: the province's leader puts
 * Zhengzhou's day and night shifts on the roster; the province sees Zhengzhou's post unattended until its officer
 * signs in; the day officer hands over an open alarm and an open work order with notes, the night officer
 * acknowledges; the day's duty log (and its CSV) holds it all; the province inspects Zhengzhou's post (查岗), answered
 * in time, and a post drawn at random that never answers, with the response rates that follow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alarmRow, startCenterHarness, type CenterHarness } from './support/center-harness.js';
import { harnessStore } from './support/test-postgres.js';

const HOUR_MS = 3_600_000;
/** 2026-12-05 08:05 Beijing. */
const DAY_SHIFT_START = Date.UTC(2026, 11, 5, 0, 0, 0);

let h: CenterHarness;
const t: Record<string, string> = {};
const ids: Record<string, number> = {};

interface Shift {
  id: number;
  phase: string;
  actions: string[];
  people: { user_id: number; name: string; post: string; signed_in_at: number | null }[];
}
interface Post {
  org_code: string;
  attended: boolean;
  reason: string | null;
  leader_on_duty: string | null;
  officers_on_duty: string[];
}

async function posts(token: string): Promise<Post[]> {
  const reply = await h.call<{ posts: Post[] }>(token, 'GET', '/api/duty/posts');
  expect(reply.status).toBe(200);
  return reply.body.posts;
}

beforeAll(async () => {
  h = await startCenterHarness(await harnessStore());
  h.clock.now = DAY_SHIFT_START + 5 * 60_000;
  for (const [name, role, org] of [
    ['sheng-leader', 'leader', '410000'],
    ['sheng-duty', 'duty_officer', '410000'],
    ['zz-leader', 'leader', '410100'],
    ['zz-day', 'duty_officer', '410100'],
    ['zz-night', 'duty_officer', '410100'],
    ['ly-duty', 'duty_officer', '410300'],
  ] as const) {
    const user = await h.user(name, role, org, { display_name: name });
    t[name] = user.token;
    ids[name] = user.id;
  }
});

afterAll(async () => {
  await h?.close();
});

describe('rosters and posts', () => {
  it("lets the province's leader roster Zhengzhou's shifts, and refuses a bad roster naming why", async () => {
    // The roster form's choice of people: Zhengzhou's officers for the province's leader; none of Luoyang's.
    const people = await h.call<{ people: { user_id: number; role: string }[] }>(
      t['sheng-leader'],
      'GET',
      '/api/duty/people?org_code=410100',
    );
    expect(people.status).toBe(200);
    expect(people.body.people.map((x) => x.user_id).sort()).toEqual(
      [ids['zz-leader'], ids['zz-day'], ids['zz-night']].sort(),
    );
    expect((await h.call(t['zz-leader'], 'GET', '/api/duty/people?org_code=410300')).status).toBe(404);
    const day = await h.call<Shift>(t['sheng-leader'], 'POST', '/api/duty/shifts', {
      org_code: '410100',
      name: '白班',
      starts_at: DAY_SHIFT_START,
      ends_at: DAY_SHIFT_START + 12 * HOUR_MS,
      officers: [ids['zz-day']],
      leaders: [ids['zz-leader']],
    });
    expect(day.status, JSON.stringify(day.body)).toBe(201);
    expect(day.body.phase).toBe('current');
    ids.dayShift = day.body.id;
    const night = await h.call<Shift>(t['sheng-leader'], 'POST', '/api/duty/shifts', {
      org_code: '410100',
      name: '夜班',
      starts_at: DAY_SHIFT_START + 12 * HOUR_MS,
      ends_at: DAY_SHIFT_START + 24 * HOUR_MS,
      officers: [ids['zz-night']],
    });
    expect(night.status).toBe(201);
    ids.nightShift = night.body.id;
    const overlap = await h.call(t['zz-leader'], 'POST', '/api/duty/shifts', {
      org_code: '410100',
      name: '加班',
      starts_at: DAY_SHIFT_START + 11 * HOUR_MS,
      ends_at: DAY_SHIFT_START + 13 * HOUR_MS,
      officers: [ids['zz-day']],
    });
    expect(overlap.status).toBe(409);
    const foreign = await h.call(t['zz-leader'], 'POST', '/api/duty/shifts', {
      org_code: '410100',
      name: '白班',
      starts_at: DAY_SHIFT_START + 30 * HOUR_MS,
      ends_at: DAY_SHIFT_START + 36 * HOUR_MS,
      officers: [ids['ly-duty']],
    });
    expect(foreign.status).toBe(400);
    expect(String(foreign.body.detail)).toContain('410100');
    const byOfficer = await h.call(t['zz-day'], 'POST', '/api/duty/shifts', {
      org_code: '410100',
      name: '白班',
      starts_at: DAY_SHIFT_START + 30 * HOUR_MS,
      ends_at: DAY_SHIFT_START + 36 * HOUR_MS,
      officers: [ids['zz-day']],
    });
    expect(byOfficer.status).toBe(403);
    const roster = await h.call<{ shifts: Shift[] }>(t['zz-day'], 'GET', '/api/duty/roster');
    expect(roster.body.shifts.map((s) => s.id)).toEqual([ids.dayShift, ids.nightShift]);
  });

  it('shows the province an unattended post until its officer signs in', async () => {
    const zz = async () => (await posts(t['sheng-duty'])).find((p) => p.org_code === '410100')!;
    expect(await zz()).toMatchObject({ attended: true, reason: null });
    h.clock.now = DAY_SHIFT_START + 20 * 60_000;
    expect(await zz()).toMatchObject({ attended: false, reason: 'not_signed_in' });
    const before = async (token: string) =>
      (await h.call<{ shifts: Shift[] }>(token, 'GET', '/api/duty/roster?org_code=410100')).body.shifts.map(
        (s) => s.actions,
      );
    // The console offers exactly what the server allows: the day shift's officer and leader may sign in to it; the
    // night officer not yet, and the province, who only looks at the roster, may do nothing on it.
    expect(await before(t['zz-day'])).toEqual([['sign_in'], []]);
    expect(await before(t['zz-leader'])).toEqual([['sign_in'], []]);
    expect(await before(t['zz-night'])).toEqual([[], []]);
    expect(await before(t['sheng-duty'])).toEqual([[], []]);
    expect((await posts(t['sheng-duty'])).find((p) => p.org_code === '410300')).toMatchObject({
      attended: false,
      reason: 'no_shift',
    });
    const signed = await h.call<Shift>(t['zz-day'], 'POST', `/api/duty/shifts/${ids.dayShift}/sign-in`, {});
    expect(signed.status).toBe(200);
    expect(signed.body.actions).toEqual(['hand_over']);
    expect(await zz()).toMatchObject({ attended: true, officers_on_duty: ['zz-day'], leader_on_duty: 'zz-leader' });
    const again = await h.call(t['zz-day'], 'POST', `/api/duty/shifts/${ids.dayShift}/sign-in`, {});
    expect(again.body.error).toBe('already_signed_in');
    const notMine = await h.call(t['zz-night'], 'POST', `/api/duty/shifts/${ids.dayShift}/sign-in`, {});
    expect(notMine.status).toBe(403);
    const early = await h.call(t['zz-night'], 'POST', `/api/duty/shifts/${ids.nightShift}/sign-in`, {});
    expect(early.body.error).toBe('outside_shift');
  });
});

describe('handover', () => {
  it('carries open alarms, open orders and notes to the next shift, whose officer acknowledges', async () => {
    const routing = await h.call<{ value: Record<string, unknown> }>(h.adminToken, 'GET', '/api/config/alarm_routing');
    await h.call(h.adminToken, 'PUT', '/api/config/alarm_routing', {
      value: { ...routing.body.value, level: { '*': 'city' } },
    });
    const alarm = alarmRow({ plate: '豫A88801' });
    await h.centre.desk.ingest(alarm);
    const order = await h.call<{ id: number }>(t['sheng-leader'], 'POST', '/api/work-orders', {
      title: '检查重点企业',
      category: 'overspeed',
      severity: 'warning',
      org_code: '410100',
      department: 'road_transport',
    });
    expect(order.status).toBe(201);
    h.clock.now = DAY_SHIFT_START + 11 * HOUR_MS + 50 * 60_000;
    const handover = await h.call<{
      id: number;
      to_shift_id: number;
      actions: string[];
      open_alarms: { total: number; items: { alarm_id: string }[] };
      open_orders: { total: number; items: { id: number }[] };
    }>(t['zz-day'], 'POST', `/api/duty/shifts/${ids.dayShift}/handover`, { notes: '金水区超速车辆继续跟踪' });
    expect(handover.status, JSON.stringify(handover.body)).toBe(201);
    expect(handover.body.to_shift_id).toBe(ids.nightShift);
    expect(handover.body.actions).toEqual([]);
    const incoming = await h.call<{ actions: string[] }>(t['zz-night'], 'GET', '/api/duty/handovers?org_code=410100');
    expect(incoming.body).toMatchObject({ handovers: [{ id: handover.body.id, actions: ['acknowledge'] }] });
    expect(handover.body.open_alarms.items.map((a) => a.alarm_id)).toEqual([alarm.alarm_id]);
    expect(handover.body.open_orders.items.map((o) => o.id)).toEqual([order.body.id]);
    expect((await h.call(t['zz-day'], 'POST', `/api/duty/shifts/${ids.dayShift}/handover`, {})).body.error).toBe(
      'already_handed_over',
    );
    expect((await h.call(t['zz-day'], 'POST', `/api/duty/handovers/${handover.body.id}/acknowledge`, {})).status).toBe(
      403,
    );
    const taken = await h.call<{ acknowledged_by_name: string; acknowledged_at: number }>(
      t['zz-night'],
      'POST',
      `/api/duty/handovers/${handover.body.id}/acknowledge`,
      { note: '已接班，继续跟踪' },
    );
    expect(taken.status).toBe(200);
    expect(taken.body.acknowledged_by_name).toBe('zz-night');
    expect(taken.body).toMatchObject({ actions: [] });
    const night = await h.call<{ shifts: Shift[] }>(t['zz-night'], 'GET', `/api/duty/roster`);
    const nightShift = night.body.shifts.find((s) => s.id === ids.nightShift)!;
    expect(nightShift.people[0].signed_in_at).not.toBeNull();
    await h.call(h.adminToken, 'PUT', '/api/config/alarm_routing', { value: routing.body.value });
  });

  it("keeps the day's duty log, and exports it as CSV", async () => {
    await h.call(t['zz-day'], 'POST', '/api/duty/log', { text: '与交警支队电话核实事故' });
    const log = await h.call<{ entries: { kind: string; actor: string; text: string }[] }>(
      t['zz-leader'],
      'GET',
      '/api/duty/log?day=2026-12-05',
    );
    const kinds = log.body.entries.map((e) => e.kind);
    for (const kind of ['shift_created', 'signed_in', 'handover', 'handover_acknowledged', 'note', 'alarm.raised'])
      expect(kinds).toContain(kind);
    const csv = await fetch(`${h.baseUrl}/api/duty/log?day=2026-12-05&format=csv`, {
      headers: { authorization: `Bearer ${t['zz-leader']}` },
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await csv.arrayBuffer());
    // A byte-order mark first, so that spreadsheet programs read UTF-8.
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.slice(3));
    expect(text.startsWith('时间(北京),单位,科室,人员,事项,内容,关联')).toBe(true);
    expect(text).toContain('与交警支队电话核实事故');
    expect(text.split('\n').filter((line) => line !== '').length).toBe(log.body.entries.length + 1);
    expect((await h.call(t['ly-duty'], 'GET', '/api/duty/log?org_code=410100')).status).toBe(404);
  });
});

describe('查岗 of a lower centre', () => {
  it('is answered in time by the post inspected, refused after its deadline, and counted in the rates', async () => {
    const sent = await h.call<{ id: number; to_org: string; status: string }>(
      t['sheng-duty'],
      'POST',
      '/api/duty/inspections',
      { to_org: '410100', question: '请报告当前在岗人员', deadline_minutes: 5 },
    );
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const received = await h.call<{ inspections: { id: number; can_answer: boolean }[] }>(
      t['zz-night'],
      'GET',
      '/api/duty/inspections',
    );
    expect(received.body.inspections.find((i) => i.id === sent.body.id)?.can_answer).toBe(true);
    h.clock.now += 90_000;
    const answered = await h.call<{ status: string; response_s: number }>(
      t['zz-night'],
      'POST',
      `/api/duty/inspections/${sent.body.id}/answer`,
      { answer: '值班员 zz-night 在岗' },
    );
    expect(answered.body).toMatchObject({ status: 'answered', response_s: 90 });

    const random = await h.call<{ id: number; to_org: string; mode: string }>(
      t['sheng-duty'],
      'POST',
      '/api/duty/inspections',
      { question: '请回复', deadline_minutes: 2 },
    );
    expect(random.body.mode).toBe('random');
    expect((await h.centre.org.childrenOf('410000')).map((u) => u.code)).toContain(random.body.to_org);
    h.clock.now += 3 * 60_000;
    expect((await h.centre.supervise()).inspectionsMissed).toBe(1);
    const officer = await h.user('late-officer', 'duty_officer', random.body.to_org);
    const late = await h.call(officer.token, 'POST', `/api/duty/inspections/${random.body.id}/answer`, {
      answer: '在',
    });
    expect(late.body.error).toBe('deadline_passed');

    const rates = await h.call<{
      units: {
        org_code: string;
        answered: number;
        missed: number;
        response_rate: number | null;
        response_s_avg: number | null;
      }[];
    }>(t['sheng-leader'], 'GET', `/api/duty/inspections/rates?from=${DAY_SHIFT_START}`);
    expect(rates.body.units.find((u) => u.org_code === random.body.to_org)).toMatchObject({
      missed: 1,
      response_rate: 0,
    });
    if (random.body.to_org !== '410100')
      expect(rates.body.units.find((u) => u.org_code === '410100')).toMatchObject({
        answered: 1,
        response_rate: 1,
        response_s_avg: 90,
      });
  });

  it('refuses an inspection upwards or sideways', async () => {
    const up = await h.call(t['zz-night'], 'POST', '/api/duty/inspections', { to_org: '410000', question: '?' });
    expect(up.status).toBe(403);
    const sideways = await h.call(t['zz-night'], 'POST', '/api/duty/inspections', { to_org: '410300', question: '?' });
    expect(sideways.status).toBe(403);
    expect((await h.call(t['zz-night'], 'POST', '/api/duty/inspections/abc/answer', { answer: 'x' })).status).toBe(404);
  });
});
