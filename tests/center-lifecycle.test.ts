/**
 * Alarm handling and work orders through the HTTP API, on PGlite and on a real PostgreSQL server: episodes
 * upserted by version, concurrent acknowledgement (one wins, the other 409 with the holder), dismissal with a
 * reason, escalation of unhandled alarms and 督办 of overdue orders with a moved clock, automatic dispatch by
 * configuration, return and transfer, and an audit entry for every step a person took.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedAlarmCase, FeedWorkOrder } from '../schema/index.js';
import {
  alarmRow,
  freshTarget,
  startCenterHarness,
  STORE_KINDS,
  useStoreServer,
  type CenterHarness,
} from './support/center-harness.js';

const HOUR_MS = 3_600_000;

describe.each(STORE_KINDS)('command centre lifecycles on %s', (kind) => {
  const server = useStoreServer(kind);
  let h: CenterHarness;
  let officerA: { id: number; token: string };
  let officerB: { id: number; token: string };
  let cityDispatcher: { id: number; token: string };
  let provinceLeader: { id: number; token: string };
  let enterpriseUser: { id: number; token: string };
  let otherCounty: { id: number; token: string };

  beforeAll(async () => {
    h = await startCenterHarness(await freshTarget(kind, server(), 'lifecycle'));
    expect(
      (
        await h.call(h.adminToken, 'POST', '/api/enterprises', {
          id: 'ZZ-FREIGHT-1',
          name: '郑州货运一公司',
          org_code: '410100',
        })
      ).status,
    ).toBe(201);
    expect(
      (await h.call(h.adminToken, 'POST', '/api/enterprises/ZZ-FREIGHT-1/vehicles', { plate: '豫A10001' })).status,
    ).toBe(201);
    officerA = await h.user('jinshui-duty-a', 'duty_officer', '410105');
    officerB = await h.user('jinshui-duty-b', 'duty_officer', '410105');
    otherCounty = await h.user('zhongyuan-duty', 'duty_officer', '410102');
    cityDispatcher = await h.user('zhengzhou-dispatch', 'dispatcher', '410100');
    provinceLeader = await h.user('henan-leader', 'leader', '410000');
    enterpriseUser = await h.user('zz-freight-1', 'enterprise', '410100', { enterprise_id: 'ZZ-FREIGHT-1' });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('refuses to bind a plate with an invisible or control character (bad_plate)', async () => {
    for (const plate of ['豫A1\u200b0002', '豫A\u202e10002', '豫A\u000710002']) {
      const res = await h.call(h.adminToken, 'POST', '/api/enterprises/ZZ-FREIGHT-1/vehicles', { plate });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'bad_plate' });
    }
  });

  it('stores an episode once, routed by rule and place, and keeps the latest version', async () => {
    const v1 = alarmRow();
    expect(await h.centre.desk.ingest(v1)).toBe(true);
    expect(
      await h.centre.desk.ingest({ ...v1, version: 2, ended_at: v1.started_at + 60_000, severity: 'critical' }),
    ).toBe(true);
    // A replayed older version changes nothing.
    expect(await h.centre.desk.ingest(v1)).toBe(false);
    const got = await h.call<{ alarm: FeedAlarmCase; actions: { action: string }[] }>(
      officerA.token,
      'GET',
      `/api/alarms/${v1.alarm_id}`,
    );
    expect(got.status).toBe(200);
    expect(got.body.alarm).toMatchObject({
      org_code: '410105',
      department: 'enforcement',
      enterprise_id: 'ZZ-FREIGHT-1',
      state: 'new',
      severity: 'critical',
      ended_at: v1.started_at + 60_000,
    });
    expect(got.body.actions.map((a) => a.action)).toEqual(['raised', 'episode_ended']);
    const enforcement = await h.call<{ alarms: FeedAlarmCase[] }>(
      officerA.token,
      'GET',
      '/api/alarms?department=enforcement',
    );
    expect(enforcement.body.alarms.map((a) => a.alarm_id)).toContain(v1.alarm_id);
    const roadTransport = await h.call<{ alarms: FeedAlarmCase[] }>(
      officerA.token,
      'GET',
      '/api/alarms?department=road_transport',
    );
    expect(roadTransport.body.alarms.map((a) => a.alarm_id)).not.toContain(v1.alarm_id);
    const rows = await h.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM alarm_cases WHERE alarm_id = $1', [
      v1.alarm_id,
    ]);
    expect(rows[0].n).toBe(1);
  });

  it('lets one of two concurrent acknowledgements win; the other gets 409 with the holder', async () => {
    const alarm = alarmRow();
    await h.centre.desk.ingest(alarm);
    const [a, b] = await Promise.all([
      h.call<FeedAlarmCase & { held_by?: string; error?: string }>(
        officerA.token,
        'POST',
        `/api/alarms/${alarm.alarm_id}/acknowledge`,
      ),
      h.call<FeedAlarmCase & { held_by?: string; error?: string }>(
        officerB.token,
        'POST',
        `/api/alarms/${alarm.alarm_id}/acknowledge`,
      ),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const [winner, loser] = a.status === 200 ? [a, b] : [b, a];
    expect(winner.body.state).toBe('acknowledged');
    expect(loser.body.error).toBe('held_by_other');
    expect(loser.body.held_by).toBe(winner.body.acknowledged_by);
    const actions = await h.sql.query('SELECT 1 FROM alarm_actions WHERE alarm_id = $1 AND action = $2', [
      alarm.alarm_id,
      'acknowledged',
    ]);
    expect(actions).toHaveLength(1);
  });

  it('dismisses only with a reason and only by the holder, then closes', async () => {
    const alarm = alarmRow();
    await h.centre.desk.ingest(alarm);
    const path = `/api/alarms/${alarm.alarm_id}`;
    expect((await h.call(officerA.token, 'POST', `${path}/acknowledge`)).status).toBe(200);
    const noReason = await h.call(officerA.token, 'POST', `${path}/dismiss`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body).toMatchObject({ error: 'bad_field', field: 'reason' });
    const notHolder = await h.call(officerB.token, 'POST', `${path}/dismiss`, { reason: 'GPS drift' });
    expect(notHolder.status).toBe(409);
    expect(notHolder.body).toMatchObject({ error: 'held_by_other', held_by: 'jinshui-duty-a' });
    const dismissed = await h.call<FeedAlarmCase>(officerA.token, 'POST', `${path}/dismiss`, {
      reason: 'GPS drift near the tunnel',
    });
    expect(dismissed.body).toMatchObject({ state: 'dismissed', dismiss_reason: 'GPS drift near the tunnel' });
    expect((await h.call<FeedAlarmCase>(officerA.token, 'POST', `${path}/close`)).body.state).toBe('closed');
    expect((await h.call(officerA.token, 'POST', `${path}/acknowledge`)).status).toBe(409);
  });

  it('escalates an unhandled alarm to the city, then the province, after each limit', async () => {
    const alarm = alarmRow();
    await h.centre.desk.ingest(alarm);
    h.clock.now += 29 * 60_000;
    expect((await h.centre.supervise()).alarms).toBe(0);
    h.clock.now += 2 * 60_000;
    expect((await h.centre.supervise()).alarms).toBeGreaterThanOrEqual(1);
    const atCity = await h.call<{ alarms: FeedAlarmCase[] }>(cityDispatcher.token, 'GET', '/api/alarms?escalated=true');
    expect(atCity.body.alarms.find((a) => a.alarm_id === alarm.alarm_id)).toMatchObject({
      escalated_to: '410100',
      escalation_level: 1,
      state: 'new',
    });
    h.clock.now += 31 * 60_000;
    await h.centre.supervise();
    const atProvince = await h.call<{ alarms: FeedAlarmCase[] }>(
      provinceLeader.token,
      'GET',
      '/api/alarms?escalated=true',
    );
    expect(atProvince.body.alarms.find((a) => a.alarm_id === alarm.alarm_id)).toMatchObject({
      escalated_to: '410000',
      escalation_level: 2,
    });
    // Handled alarms are never escalated.
    await h.call(provinceLeader.token, 'POST', `/api/alarms/${alarm.alarm_id}/acknowledge`);
    h.clock.now += 60 * 60_000;
    await h.centre.supervise();
    const after = await h.call<{ alarm: FeedAlarmCase }>(provinceLeader.token, 'GET', `/api/alarms/${alarm.alarm_id}`);
    expect(after.body.alarm).toMatchObject({ state: 'acknowledged', escalation_level: 2 });
  });

  it('runs an order from an alarm to 办结, flagging and escalating it when overdue', async () => {
    const alarm = alarmRow();
    await h.centre.desk.ingest(alarm);
    const path = `/api/alarms/${alarm.alarm_id}`;
    await h.call(officerA.token, 'POST', `${path}/acknowledge`);
    const dispatched = await h.call<FeedAlarmCase>(officerA.token, 'POST', `${path}/dispatch`, {
      description: '超速，请执法大队核查',
    });
    expect(dispatched.body.state).toBe('dispatched');
    const id = dispatched.body.work_order_id!;
    const order = (await h.call<{ order: FeedWorkOrder }>(officerA.token, 'GET', `/api/work-orders/${id}`)).body.order;
    expect(order).toMatchObject({
      state: 'issued',
      org_code: '410105',
      department: 'enforcement',
      enterprise_id: 'ZZ-FREIGHT-1',
      source: 'alarm',
      alarm_id: alarm.alarm_id,
    });
    expect(order.deadline_at - order.created_at).toBe(72 * HOUR_MS);
    // Another county cannot see it, let alone sign it.
    expect((await h.call(otherCounty.token, 'POST', `/api/work-orders/${id}/sign`)).status).toBe(404);
    expect((await h.call<FeedWorkOrder>(officerB.token, 'POST', `/api/work-orders/${id}/sign`)).body.state).toBe(
      'signed',
    );
    expect((await h.call<FeedWorkOrder>(officerB.token, 'POST', `/api/work-orders/${id}/start`)).body.state).toBe(
      'in_progress',
    );
    // Accepting is for the supervisors, not the assignee itself.
    expect((await h.call(officerB.token, 'POST', `/api/work-orders/${id}/accept`)).status).toBe(403);

    h.clock.now += 73 * HOUR_MS;
    expect((await h.centre.supervise()).workOrders).toBeGreaterThanOrEqual(1);
    const overdue = await h.call<{ work_orders: FeedWorkOrder[] }>(
      cityDispatcher.token,
      'GET',
      '/api/work-orders?escalated=true',
    );
    expect(overdue.body.work_orders.find((o) => o.id === id)).toMatchObject({ overdue: true, escalated_to: '410100' });
    expect((await h.centre.supervise()).workOrders).toBe(0);

    const feedback = await h.call<FeedWorkOrder>(officerB.token, 'POST', `/api/work-orders/${id}/feedback`, {
      text: '已约谈驾驶员，罚款200元',
      attachments: [
        { name: 'penalty.txt', content_type: 'text/plain', data_base64: Buffer.from('处罚决定书').toString('base64') },
      ],
    });
    expect(feedback.body.state).toBe('feedback_submitted');
    const returned = await h.call<FeedWorkOrder>(cityDispatcher.token, 'POST', `/api/work-orders/${id}/return`, {
      text: '缺少企业整改材料',
    });
    expect(returned.body.state).toBe('returned');
    await h.call(officerB.token, 'POST', `/api/work-orders/${id}/start`);
    await h.call(officerB.token, 'POST', `/api/work-orders/${id}/feedback`, { text: '补充整改材料' });
    const accepted = await h.call<FeedWorkOrder>(cityDispatcher.token, 'POST', `/api/work-orders/${id}/accept`, {
      text: '同意办结',
    });
    expect(accepted.body).toMatchObject({ state: 'accepted', overdue: true });
    expect((await h.call<{ alarm: FeedAlarmCase }>(officerA.token, 'GET', path)).body.alarm.state).toBe('closed');

    const timeline = await h.call<{
      timeline: { kind: string; actor: string; detail: { attachments?: { id: number }[] } }[];
    }>(provinceLeader.token, 'GET', `/api/work-orders/${id}`);
    expect(timeline.body.timeline.map((e) => e.kind)).toEqual([
      'issued',
      'signed',
      'started',
      'overdue_escalated',
      'feedback',
      'returned',
      'started',
      'feedback',
      'accepted',
    ]);
    const attachmentId = timeline.body.timeline[4].detail.attachments![0].id;
    const file = await fetch(`${h.baseUrl}/api/work-orders/${id}/attachments/${attachmentId}`, {
      headers: { authorization: `Bearer ${officerA.token}` },
    });
    expect(await file.text()).toBe('处罚决定书');
  });

  it('dispatches automatically per configuration, with the configured deadline', async () => {
    const put = await h.call(h.adminToken, 'PUT', '/api/config/alarm_routing', {
      value: {
        departments: { overspeed: 'enforcement', '*': 'road_transport' },
        unit: { '*': 'event' },
        level: { '*': 'county' },
        auto_work_order: [{ category: 'overspeed', severities: ['critical'] }],
      },
    });
    expect(put.status).toBe(200);
    const unknownRule = await h.call(h.adminToken, 'PUT', '/api/config/alarm_routing', {
      value: { departments: { no_such_rule: 'safety', '*': 'road_transport' } },
    });
    expect(unknownRule.status).toBe(400);
    expect(unknownRule.body).toMatchObject({ error: 'bad_config', field: 'alarm_routing.departments.no_such_rule' });
    expect(JSON.stringify(unknownRule.body)).toContain('is not a rule id');
    const bad = await h.call(h.adminToken, 'PUT', '/api/config/work_order_deadlines', { value: { default_hours: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'bad_config', field: 'work_order_deadlines.default_hours' });
    // A city admin may not change province-wide configuration.
    const cityAdmin = await h.user('zhengzhou-admin', 'admin', '410100');
    expect(
      (await h.call(cityAdmin.token, 'PUT', '/api/config/escalation', { value: { alarm_unhandled_minutes: 5 } }))
        .status,
    ).toBe(403);
    const alarm = alarmRow({ severity: 'critical' });
    await h.centre.desk.ingest(alarm);
    const got = (
      await h.call<{ alarm: FeedAlarmCase; actions: { action: string; actor: string }[] }>(
        officerA.token,
        'GET',
        `/api/alarms/${alarm.alarm_id}`,
      )
    ).body;
    expect(got.alarm.state).toBe('dispatched');
    expect(got.actions.map((a) => `${a.action}/${a.actor}`)).toEqual(['raised/system', 'dispatched/system']);
    const order = (
      await h.call<{ order: FeedWorkOrder }>(officerA.token, 'GET', `/api/work-orders/${got.alarm.work_order_id}`)
    ).body.order;
    expect(order.deadline_at - order.created_at).toBe(24 * HOUR_MS);
  });

  it("issues top-down only into the issuer's subtree and transfers between units", async () => {
    const outside = await h.call(cityDispatcher.token, 'POST', '/api/work-orders', {
      title: '洛阳检查',
      category: 'inspection',
      severity: 'warning',
      org_code: '410302',
      department: 'safety',
    });
    expect(outside.status).toBe(403);
    const issued = await h.call<FeedWorkOrder>(provinceLeader.token, 'POST', '/api/work-orders', {
      title: '开展危货车辆专项检查',
      category: 'inspection',
      severity: 'warning',
      org_code: '410100',
      department: 'safety',
      deadline_hours: 48,
    });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ source: 'top_down', issuer_org: '410000', state: 'issued' });
    const transferred = await h.call<FeedWorkOrder>(
      cityDispatcher.token,
      'POST',
      `/api/work-orders/${issued.body.id}/transfer`,
      { org_code: '410102', department: 'safety', text: '请中原区落实' },
    );
    expect(transferred.body).toMatchObject({ org_code: '410102', state: 'issued' });
    expect(
      (await h.call<FeedWorkOrder>(otherCounty.token, 'POST', `/api/work-orders/${issued.body.id}/sign`)).body.state,
    ).toBe('signed');
    expect((await h.call(enterpriseUser.token, 'GET', `/api/work-orders/${issued.body.id}`)).status).toBe(404);
    const unknownDept = await h.call(provinceLeader.token, 'POST', '/api/work-orders', {
      title: 'x',
      category: 'inspection',
      severity: 'info',
      org_code: '410100',
      department: 'no_such_dept',
    });
    expect(unknownDept.body).toMatchObject({ error: 'unknown_department' });
  });

  it('audits every step a person took, with who, what and from where', async () => {
    const alarmSteps = await h.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM alarm_actions a WHERE a.actor_id IS NOT NULL AND NOT EXISTS (
         SELECT 1 FROM audit_log l WHERE l.actor_id = a.actor_id AND l.action = 'alarm.' || a.action AND l.target = 'alarm:' || a.alarm_id AND l.peer <> '')`,
    );
    expect(alarmSteps[0].n).toBe(0);
    const perOrder = await h.sql.query<{ order_id: number; events: number; audits: number }>(
      `SELECT e.order_id, count(*)::int AS events,
              (SELECT count(*)::int FROM audit_log l WHERE l.target = 'work_order:' || e.order_id AND l.actor_id IS NOT NULL AND l.peer <> '') AS audits
         FROM work_order_events e WHERE e.actor_id IS NOT NULL GROUP BY e.order_id`,
    );
    expect(perOrder.length).toBeGreaterThan(1);
    for (const row of perOrder) expect(row.audits).toBe(row.events);
    const systemSteps = await h.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE actor = 'system' AND action IN ('alarm.route', 'alarm.escalate', 'work_order.overdue_escalate')`,
    );
    expect(systemSteps[0].n).toBeGreaterThan(5);
    const audit = await h.call<{ entries: { actor: string; action: string; peer: string; at: number }[] }>(
      h.adminToken,
      'GET',
      '/api/audit?action=user.create&limit=50',
    );
    const byAdmin = audit.body.entries.filter((e) => e.actor === 'admin');
    expect(byAdmin.length).toBeGreaterThanOrEqual(6);
    expect(byAdmin.every((e) => e.peer.startsWith('127.0.0.1:') && e.at > 0)).toBe(true);
  });
});
