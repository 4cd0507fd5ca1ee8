/**
 * The Zhengzhou flow end to end through the HTTP API of a real `vigil start`: a terminal of an enterprise's
 * truck speeds in 金水区; the alarm reaches the county's queue; the province leader signs for it and pushes it
 * as a work order to the enterprise and its city authority; the enterprise claims, self-checks and explains;
 * the city dispatcher reviews with a notification letter (抄告函) and hands the case to the county's
 * enforcement department; the county duty officer claims and handles it, the enterprise uploads its
 * rectification, the county reports back; the city dispatcher accepts (办结) and the alarm closes. Every step
 * is pushed on the WebSocket to those whose scope covers it (and not to another city), and mirrored to
 * ClickHouse for analysts; the OpenAPI document describes the routes used.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { FeedAlarmCase, FeedServerMessage, FeedWorkOrder } from '../schema/index.js';
import { SimulatedTerminal } from '../cli/demo/simulated-terminal.js';
import { locationBody } from '../cli/demo/location.js';
import { createDatabase, startPostgresServer, type PostgresServer } from './support/postgres-server.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

const PASSWORD = 'a long enough password';
const PLATE = '豫A12399';
let vigil: VigilProcess;
let admin: string;

async function call<T = Record<string, unknown>>(
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${vigil.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function ok<T = Record<string, unknown>>(
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const reply = await call<T>(token, method, path, body);
  if (reply.status >= 300) throw new Error(`${method} ${path} → ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

async function account(
  username: string,
  role: string,
  orgCode: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  await ok(admin, 'POST', '/api/users', { username, password: PASSWORD, role, org_code: orgCode, ...extra });
  return vigil.login(username, PASSWORD);
}

function feed(token: string): { messages: FeedServerMessage[]; socket: WebSocket; opened: Promise<void> } {
  const socket = new WebSocket(`ws://127.0.0.1:${vigil.httpPort}/ws?token=${token}`);
  const messages: FeedServerMessage[] = [];
  socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString()) as FeedServerMessage));
  return {
    messages,
    socket,
    opened: new Promise((resolve, reject) => (socket.once('open', () => resolve()), socket.once('error', reject))),
  };
}

describe.each(['pglite', 'postgres'] as const)('the Zhengzhou flow through the API of a running node on %s', (kind) => {
  let server: PostgresServer | undefined;

  beforeAll(async () => {
    const args: string[] = [];
    if (kind === 'postgres') {
      server = await startPostgresServer();
      args.push('--postgres-url', await createDatabase(server, 'vigil'));
    }
    vigil = await startVigil(kind === 'pglite' ? { store: 'embedded' } : { args });
    admin = await vigil.login();
  });

  afterAll(async () => {
    await vigil?.stop({ removeData: true });
    await server?.stop();
  });

  it('takes an alarm from a speeding truck to an accepted work order, each level doing its part', async () => {
    await ok(admin, 'POST', '/api/enterprises', { id: 'ZZ-LOGISTICS', name: '郑州某物流有限公司', org_code: '410100' });
    await ok(admin, 'POST', '/api/enterprises/ZZ-LOGISTICS/vehicles', { plate: PLATE });
    const countyOfficer = await account('jinshui-duty', 'duty_officer', '410105');
    const cityDispatcher = await account('zhengzhou-dispatcher', 'dispatcher', '410100');
    const provinceLeader = await account('henan-leader', 'leader', '410000');
    const enterprise = await account('zz-logistics', 'enterprise', '410100', { enterprise_id: 'ZZ-LOGISTICS' });
    const luoyangOfficer = await account('luoyang-duty', 'duty_officer', '410302');
    const enterpriseFeed = feed(enterprise);
    const luoyangFeed = feed(luoyangOfficer);
    await Promise.all([enterpriseFeed.opened, luoyangFeed.opened]);

    // The truck speeds in 金水区 over real JT/T 808.
    const terminal = new SimulatedTerminal({ phone: '013955550001', plate: PLATE, plateColor: 2, version: 2013 });
    await terminal.connect('127.0.0.1', vigil.jt808Port);
    await terminal.logIn();
    const start = Date.UTC(2026, 10, 28, 2, 0, 0);
    for (const [i, speedKmh] of [70, 150, 152, 60].entries()) {
      await terminal.request({
        msgId: 0x0200,
        body: locationBody(
          { lat: 34.80109 + i * 0.0005, lon: 113.65453, speedKmh, directionDeg: 0, time: start + i * 30_000 },
          2013,
        ),
      });
    }
    terminal.close();

    // 1. The county sees it in its queue, routed to enforcement and bound to the enterprise.
    const alarm = await eventually(
      async () => {
        const list = await ok<{ alarms: FeedAlarmCase[] }>(countyOfficer, 'GET', '/api/alarms?state=new');
        return list.alarms.find((a) => a.plate === PLATE && a.rule === 'overspeed');
      },
      30_000,
      'the alarm in the county queue',
    );
    expect(alarm).toMatchObject({ org_code: '410105', department: 'enforcement', enterprise_id: 'ZZ-LOGISTICS' });
    // Another city cannot see it, nor act on it by id.
    expect((await call(luoyangOfficer, 'GET', `/api/alarms/${alarm.alarm_id}`)).status).toBe(404);
    expect((await call(luoyangOfficer, 'POST', `/api/alarms/${alarm.alarm_id}/acknowledge`)).status).toBe(404);

    // 2. The province leader signs for it and pushes it to the enterprise and its city authority.
    await ok(provinceLeader, 'POST', `/api/alarms/${alarm.alarm_id}/acknowledge`);
    const dispatched = await ok<FeedAlarmCase>(provinceLeader, 'POST', `/api/alarms/${alarm.alarm_id}/dispatch`, {
      org_code: '410100',
      department: 'road_transport',
      title: `${PLATE} 超速违法 请企业整改`,
      description: '省平台推送：请企业认领、自查并说明情况，市交通运输局核查',
    });
    const orderId = dispatched.work_order_id!;
    expect(dispatched.state).toBe('dispatched');

    // 3. The enterprise claims, self-checks and explains; it sees only its own orders.
    const mine = await ok<{ work_orders: FeedWorkOrder[] }>(enterprise, 'GET', '/api/work-orders');
    expect(mine.work_orders.map((o) => o.id)).toEqual([orderId]);
    expect((await ok<FeedWorkOrder>(enterprise, 'POST', `/api/work-orders/${orderId}/claim`)).state).toBe('signed');
    await ok(enterprise, 'POST', `/api/work-orders/${orderId}/self-check`, { text: '经自查，驾驶员赶时间超速，属实' });
    await ok(enterprise, 'POST', `/api/work-orders/${orderId}/explanation`, {
      text: '已对驾驶员停班教育',
      attachments: [
        { name: '情况说明.txt', content_type: 'text/plain', data_base64: Buffer.from('情况说明').toString('base64') },
      ],
    });
    // The enterprise cannot close its own case.
    expect((await call(enterprise, 'POST', `/api/work-orders/${orderId}/accept`)).status).toBe(403);

    // 4. The city reviews with a notification letter, starts rectification and hands the case to the county's enforcement.
    await ok(cityDispatcher, 'POST', `/api/work-orders/${orderId}/review`, {
      text: '核查属实，已向企业发抄告函',
      attachments: [
        {
          name: '抄告函.pdf',
          content_type: 'application/pdf',
          data_base64: Buffer.from('%PDF-1.4 抄告函').toString('base64'),
        },
      ],
    });
    await ok(cityDispatcher, 'POST', `/api/work-orders/${orderId}/start`);
    const transferred = await ok<FeedWorkOrder>(cityDispatcher, 'POST', `/api/work-orders/${orderId}/transfer`, {
      org_code: '410105',
      department: 'enforcement',
      text: '请金水区执法大队立案处理',
    });
    expect(transferred).toMatchObject({ state: 'issued', org_code: '410105', department: 'enforcement' });

    // 5. The county enforcement claims and handles the case; the enterprise uploads its rectification.
    await ok(countyOfficer, 'POST', `/api/work-orders/${orderId}/sign`);
    await ok(countyOfficer, 'POST', `/api/work-orders/${orderId}/start`);
    await ok(enterprise, 'POST', `/api/work-orders/${orderId}/rectification`, {
      text: '已加装限速提醒并培训全体驾驶员',
      attachments: [
        {
          name: '培训记录.jpg',
          content_type: 'image/jpeg',
          data_base64: Buffer.from([0xff, 0xd8, 0xff, 0xe0]).toString('base64'),
        },
      ],
    });
    await ok(countyOfficer, 'POST', `/api/work-orders/${orderId}/feedback`, { text: '已立案处罚，企业整改到位' });

    // 6. The city accepts (办结); the alarm's loop closes.
    expect(
      (await ok<FeedWorkOrder>(cityDispatcher, 'POST', `/api/work-orders/${orderId}/accept`, { text: '同意办结' }))
        .state,
    ).toBe('accepted');
    const closed = await ok<{ alarm: FeedAlarmCase; actions: { action: string; actor: string }[] }>(
      countyOfficer,
      'GET',
      `/api/alarms/${alarm.alarm_id}`,
    );
    expect(closed.alarm.state).toBe('closed');
    expect(closed.actions.map((a) => `${a.action}/${a.actor}`)).toEqual(
      expect.arrayContaining([
        'raised/system',
        'acknowledged/henan-leader',
        'dispatched/henan-leader',
        'closed/zhengzhou-dispatcher',
      ]),
    );

    // The province leader follows the whole timeline.
    const { timeline } = await ok<{ timeline: { kind: string; actor: string }[] }>(
      provinceLeader,
      'GET',
      `/api/work-orders/${orderId}`,
    );
    expect(timeline.map((e) => `${e.kind}/${e.actor}`)).toEqual([
      'issued/henan-leader',
      'claimed/zz-logistics',
      'self_check/zz-logistics',
      'explanation/zz-logistics',
      'review/zhengzhou-dispatcher',
      'started/zhengzhou-dispatcher',
      'transferred/zhengzhou-dispatcher',
      'signed/jinshui-duty',
      'started/jinshui-duty',
      'rectification/zz-logistics',
      'feedback/jinshui-duty',
      'accepted/zhengzhou-dispatcher',
    ]);

    // Pushed to the enterprise as it happened; nothing of it reached Luoyang.
    const pushed = await eventually(
      async () => {
        const events = enterpriseFeed.messages.filter(
          (m): m is Extract<FeedServerMessage, { type: 'work_order' }> =>
            m.type === 'work_order' && m.order.id === orderId,
        );
        return events.some((m) => m.event === 'accepted') ? events : undefined;
      },
      10_000,
      'work-order pushes to the enterprise',
    );
    expect(pushed[0].event).toBe('issued');
    expect(luoyangFeed.messages.filter((m) => m.type === 'work_order' || m.type === 'alarm_state')).toEqual([]);
    enterpriseFeed.socket.close();
    luoyangFeed.socket.close();

    // Mirrored to ClickHouse for analysts.
    const mirrored = await eventually(
      async () => {
        const r = await vigil.sql<[string, string]>(
          `SELECT kind, actor FROM work_order_events FINAL WHERE order_id = ${orderId} ORDER BY event_id`,
        );
        return r.rows.length === timeline.length ? r.rows : undefined;
      },
      15_000,
      'work-order events in ClickHouse',
    );
    expect(mirrored.map(([kind]) => kind)).toEqual(timeline.map((e) => e.kind));
    const actions = await eventually(
      async () => {
        const r = await vigil.sql<[string]>(
          `SELECT action FROM alarm_actions FINAL WHERE alarm_id = '${alarm.alarm_id}' ORDER BY action_id`,
        );
        return r.rows.some(([a]) => a === 'closed') ? r.rows.map(([a]) => a) : undefined;
      },
      15_000,
      'alarm actions in ClickHouse',
    );
    expect(actions).toEqual(expect.arrayContaining(['raised', 'acknowledged', 'dispatched', 'closed']));

    // The OpenAPI document describes what was used.
    const docs = (await (await fetch(`${vigil.baseUrl}/api/docs`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(docs.openapi).toBe('3.1.0');
    for (const path of [
      '/api/alarms/{id}/acknowledge',
      '/api/alarms/{id}/dispatch',
      '/api/work-orders/{id}/claim',
      '/api/work-orders/{id}/self-check',
      '/api/work-orders/{id}/accept',
      '/api/users',
    ]) {
      expect(Object.keys(docs.paths)).toContain(path);
    }
  });
});
