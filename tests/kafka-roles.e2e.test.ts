/**
 * Issue #15, roles: a gateway, a stream worker and a centre as three separate `vigil start --role …` processes on
 * a real Kafka broker (scripts/kafka.sh) and a real PostgreSQL server (Debian's), started at once.
 *
 * - JT/T 808 terminals register, authenticate and report through the gateway (the terminal's auth code is in the
 *   shared PostgreSQL server); every fix acknowledged with a 0x8001 lands once in the centre's ClickHouse.
 * - Only the stream worker runs the rules: the overspeed alarm it raises reaches the centre's feed (/ws) and its
 *   alarm queue (/api/alarms), and is stored once, with the id the feed showed.
 * - A text command posted to the centre reaches the terminal through the gateway holding its session (over the
 *   Kafka topics of downlink commands and their answers); one to a terminal no gateway holds is `terminal_offline`.
 * - The centre killed with SIGKILL and restarted on its data dir stores the fixes reported while it was down, and
 *   none twice; its alarm queue still holds the one alarm.
 * - Each process serves only its role: the gateway has no analysts' SQL and no feed, the centre evaluates no rule.
 * - A role without Kafka or a PostgreSQL server is refused at start-up, naming the flag.
 */
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmListAnswer, FeedServerMessage } from '../schema/index.js';
import { loggedInTerminal, metricOf, overspeedRows, reportFixes, type Fix } from './support/crash-restart.js';
import { RoleCluster } from './support/role-cluster.js';
import { refusedStart } from './support/start-refusal.js';
import { eventually, type VigilProcess } from './support/vigil-process.js';

const SPEEDER = '013977700001';
const STEADY = ['013977700002', '013977700003'];
const PHONES = [SPEEDER, ...STEADY];
const PARTITIONS = 4;
let cluster: RoleCluster;

beforeAll(async () => {
  cluster = await RoleCluster.start('kafka-roles', 'vigil_roles', PARTITIONS);
});

afterAll(() => cluster?.stop());

/** The centre's node id: its sinks into its own chDB read under groups named by it (`sink-telemetry.hall-a`). */
const CENTRE_NODE = 'hall-a';

/** A process of `role` on a data dir of the role's name: a restarted centre finds its own. */
const startRole = (role: string): Promise<VigilProcess> =>
  cluster.startRole(role, role, role === 'center' ? ['--node-id', CENTRE_NODE] : []);

describe('a gateway, a stream worker and a centre as separate processes (vigil start --role)', () => {
  it('stores every acknowledged fix once in the centre and shows the stream worker’s alarm on its feed', async () => {
    // All three at once: they migrate and seed the one PostgreSQL server without tripping over each other.
    const [centre, stream, gateway] = await Promise.all([
      startRole('center'),
      startRole('stream'),
      startRole('gateway'),
    ]);
    for (const node of [centre, stream, gateway])
      expect((await fetch(`${node.baseUrl}/api/health/ready`)).status).toBe(200);
    // Only the gateway has terminal ports; only the centre has the wall.
    expect([centre.role, stream.role, gateway.role]).toEqual(['center', 'stream', 'gateway']);
    expect(gateway.jt808Port).toBeGreaterThan(0);
    expect(centre.jt808Port).toBe(0);
    expect(stream.jt808Port).toBe(0);
    expect(centre.wallToken).not.toBe('');
    expect(gateway.wallToken).toBe('');

    const token = await centre.login();
    const feed = new WebSocket(`ws://127.0.0.1:${centre.httpPort}/ws?token=${token}&positions=none`);
    const feedAlarms: FeedServerMessage[] = [];
    feed.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as FeedServerMessage;
      if (message.type === 'alarm') feedAlarms.push(message);
    });
    await new Promise((resolve, reject) => {
      feed.once('open', resolve);
      feed.once('error', reject);
    });

    // Terminals report through the gateway: an overspeed episode and two steady vehicles.
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 120_000;
    const acknowledged = new Map<string, number[]>();
    const report = async (phone: string, fixes: Fix[]): Promise<void> => {
      const terminal = await loggedInTerminal(gateway, phone, `豫A7K${phone.slice(-3)}`);
      try {
        acknowledged.set(phone, [...(acknowledged.get(phone) ?? []), ...(await reportFixes(terminal, fixes))]);
      } finally {
        terminal.close();
      }
    };
    await report(SPEEDER, [
      { speedKmh: 60, time: t0 },
      { speedKmh: 130, time: t0 + 1_000 },
      { speedKmh: 130, time: t0 + 2_000 },
    ]);
    for (const phone of STEADY)
      await report(
        phone,
        Array.from({ length: 5 }, (_, i) => ({ speedKmh: 60, time: t0 + i * 1_000 })),
      );
    const expected = [...acknowledged.values()].reduce((n, times) => n + times.length, 0);
    expect(expected).toBe(13);

    // Every acknowledged fix is in the centre's ClickHouse, once.
    const inPhones = `terminal_id IN (${PHONES.map((p) => `'${p}'`).join(', ')})`;
    const stored = await eventually(
      async () => {
        const { rows } = await centre.sql<[string, string]>(
          `SELECT count(), uniqExact(terminal_id, ts) FROM telemetry WHERE ${inPhones}`,
        );
        return Number(rows[0][0]) >= expected ? rows[0].map(Number) : undefined;
      },
      60_000,
      `${expected} fixes in the centre's ClickHouse`,
    );
    expect(stored).toEqual([expected, expected]);
    const { rows: times } = await centre.sql<[string, string]>(
      `SELECT terminal_id, toString(toUnixTimestamp64Milli(ts)) FROM telemetry WHERE ${inPhones} ORDER BY ts`,
    );
    for (const phone of PHONES)
      expect(times.filter(([p]) => p === phone).map(([, ts]) => Number(ts))).toEqual(
        [...(acknowledged.get(phone) ?? [])].sort((a, b) => a - b),
      );

    // The stream worker raised the alarm; the centre stored it once and showed it on its feed and its queue.
    await eventually(
      async () => ((await overspeedRows(centre, SPEEDER)).alarmIds > 0 ? true : undefined),
      60_000,
      'the overspeed alarm in the centre',
    );
    expect(await overspeedRows(centre, SPEEDER)).toEqual({ alarmIds: 1, version: 1, closed: false, duplicates: 0 });
    for (const phone of STEADY) expect((await overspeedRows(centre, phone)).alarmIds).toBe(0);
    const { rows: ids } = await centre.sql<[string]>(
      `SELECT alarm_id FROM alarms WHERE terminal_id = '${SPEEDER}' AND rule = 'overspeed'`,
    );
    const alarmId = ids[0][0];
    const onFeed = await eventually(
      () =>
        feedAlarms.find((m) => m.type === 'alarm' && m.alarm.terminal_id === SPEEDER && m.alarm.rule === 'overspeed'),
      30_000,
      "the overspeed alarm on the centre's feed",
    );
    expect(onFeed.type === 'alarm' && onFeed.alarm.alarm_id).toBe(alarmId);
    const queue = await eventually(
      async () => {
        const res = await fetch(`${centre.baseUrl}/api/alarms?limit=500`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const answer = res.status === 200 ? ((await res.json()) as AlarmListAnswer) : undefined;
        return answer?.alarms.some((a) => a.terminal_id === SPEEDER) ? answer : undefined;
      },
      30_000,
      "the alarm on the centre's queue",
    );
    expect(
      queue.alarms.filter((a) => a.terminal_id === SPEEDER && a.rule === 'overspeed').map((a) => a.alarm_id),
    ).toEqual([alarmId]);
    feed.close();

    // A command from the centre reaches the terminal through the gateway holding its session, and the terminal's
    // answer comes back; a terminal no gateway holds is offline.
    const listener = await loggedInTerminal(gateway, STEADY[0], `豫A7K${STEADY[0].slice(-3)}`);
    const texts: string[] = [];
    listener.onCommand = (command) => {
      if (command.msgId === 0x8300) texts.push((command.body as { text: string }).text);
      listener.send({ msgId: 0x0001, body: { replySerial: command.serial, replyMsgId: command.msgId, result: 0 } });
    };
    const command = async (phone: string): Promise<{ status: number; body: Record<string, unknown> }> => {
      const res = await fetch(`${centre.baseUrl}/api/terminals/${phone}/commands`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify({ type: 'text', text: '请减速慢行' }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const sent = await command(STEADY[0]);
    expect(sent).toMatchObject({ status: 200, body: { terminal_id: STEADY[0], result: 0, result_name: 'ok' } });
    expect(texts).toEqual(['请减速慢行']);
    const offline = await command(STEADY[1]);
    expect(offline).toMatchObject({ status: 404, body: { error: 'terminal_offline' } });
    listener.close();

    // The rules ran in the stream worker, on every fix, and nowhere else.
    expect(await metricOf(stream, 'vigil_rules_events_total', '{input="position"}')).toBeGreaterThanOrEqual(expected);
    expect(await metricOf(centre, 'vigil_rules_events_total', '{input="position"}')).toBeUndefined();
    expect(await metricOf(gateway, 'vigil_rules_events_total', '{input="position"}')).toBeUndefined();
    // The gateway serves no analysts' SQL and no feed; the stream worker no wall.
    const gatewayToken = await gateway.login();
    const sqlOnGateway = await fetch(`${gateway.baseUrl}/api/sql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gatewayToken}` },
      body: JSON.stringify({ sql: 'SELECT 1' }),
    });
    expect(sqlOnGateway.status).toBe(404);
    expect((await fetch(`${stream.baseUrl}/wall`)).status).toBe(404);
    const feedOnGateway = await new Promise<string>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${gateway.httpPort}/ws?token=${gatewayToken}`);
      socket.once('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
      socket.once('open', () => resolve('open'));
      socket.once('error', (error) => resolve(String(error)));
    });
    expect(feedOnGateway).toBe('404');

    // The centre is killed with SIGKILL once its sinks' commits are acknowledged; fixes reported meanwhile wait in
    // Kafka, and the restarted centre stores them, and nothing twice.
    for (const group of ['sink-telemetry', 'sink-alarms'])
      await eventually(
        async () =>
          (await metricOf(
            centre,
            'vigil_log_lag',
            `{topic="${group === 'sink-alarms' ? 'vigil.alarms' : 'vigil.telemetry'}",group="${group}.${CENTRE_NODE}"}`,
          )) === 0
            ? true
            : undefined,
        30_000,
        `${group} committed`,
      );
    await centre.crash();
    cluster.forget(centre);
    await report(
      STEADY[1],
      Array.from({ length: 3 }, (_, i) => ({ speedKmh: 60, time: t0 + 60_000 + i * 1_000 })),
    );
    const restarted = await startRole('center');
    const all = expected + 3;
    const afterRestart = await eventually(
      async () => {
        const { rows } = await restarted.sql<[string, string]>(
          `SELECT count(), uniqExact(terminal_id, ts) FROM telemetry WHERE ${inPhones}`,
        );
        return Number(rows[0][1]) >= all ? rows[0].map(Number) : undefined;
      },
      60_000,
      `${all} fixes in the restarted centre's ClickHouse`,
    );
    expect(afterRestart).toEqual([all, all]);
    expect(await overspeedRows(restarted, SPEEDER)).toEqual({ alarmIds: 1, version: 1, closed: false, duplicates: 0 });
    const restartedToken = await restarted.login();
    const queueAfter = (await (
      await fetch(`${restarted.baseUrl}/api/alarms?limit=500`, {
        headers: { authorization: `Bearer ${restartedToken}` },
      })
    ).json()) as AlarmListAnswer;
    expect(queueAfter.alarms.filter((a) => a.terminal_id === SPEEDER).map((a) => a.alarm_id)).toEqual([alarmId]);

    // Each stops cleanly: the gateway first (nothing new comes in), the centre last (it stores what is left).
    for (const node of [gateway, stream, restarted]) expect(await node.stop()).toBe(0);
    for (const node of [gateway, stream, restarted]) cluster.forget(node);
  }, 420_000);

  it('refuses a role without Kafka or without a PostgreSQL server, naming the flag', () => {
    const cli = (extra: string[]) => refusedStart(path.join(cluster.root, 'refused'), extra);
    const noKafka = cli(['--role', 'stream', '--postgres-url', cluster.postgresUrl]);
    expect(noKafka.status).toBe(2);
    expect(noKafka.stderr).toContain('--role stream needs --kafka-brokers');
    const noPostgres = cli(['--role', 'center', '--kafka-brokers', cluster.broker.brokers]);
    expect(noPostgres.status).toBe(2);
    expect(noPostgres.stderr).toContain('--role center needs --postgres-url');
  });
});
