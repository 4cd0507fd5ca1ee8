/**
 * Issue #15, two centres: a gateway, a stream worker and two centre nodes (`--role center --node-id hall-a|hall-b`)
 * as separate `vigil start` processes on a real Kafka broker (scripts/kafka.sh) and a real PostgreSQL server.
 *
 * - Each centre reads what it shows under consumer groups of its own: the overspeed alarm shows on both feeds (/ws)
 *   and both alarm queues (/api/alarms) with the same id, and each centre's own ClickHouse (chDB) stores it.
 * - Both alarm intakes take every version into the one PostgreSQL server: the alarm is one case with one `raised`
 *   step; acknowledged on one centre, the episode's closing version taken by both leaves it acknowledged.
 * - A handler's 签收 on one centre is pushed live to the feed of the other (the desk-change relay over Kafka), and
 *   once to its own.
 * - The cluster's periodic jobs run on one centre (the advisory lock's holder, named by both in /api/health and
 *   /metrics): only its ClickHouse receives the mirror of the handling steps, only it polls the GTFS-Realtime feed
 *   both were given.
 * - The holder killed with SIGKILL: the other centre takes the jobs over (its mirror and its GTFS-Realtime poll now
 *   run) and keeps showing new alarms on its feed and queue, each one case.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmListAnswer, FeedServerMessage } from '../schema/index.js';
import { loggedInTerminal, metricOf, overspeedRows, reportFixes, type Fix } from './support/crash-restart.js';
import { RoleCluster } from './support/role-cluster.js';
import { eventually, type VigilProcess } from './support/vigil-process.js';

const FIRST = '013966600001';
const SECOND = '013966600002';
const PARTITIONS = 4;
const LEADER_PASSWORD = 'orchard tundra pebble violin';
let cluster: RoleCluster;
/** The bus operator's GTFS-Realtime URL both centres are given: it answers 404, which each poll counts. */
let gtfsFeed: Server;
let gtfsFlags: string[];

beforeAll(async () => {
  gtfsFeed = createServer((_request, response) => response.writeHead(404).end());
  await new Promise<void>((resolve) => gtfsFeed.listen(0, '127.0.0.1', resolve));
  gtfsFlags = [
    '--gtfs-rt-url',
    `http://127.0.0.1:${(gtfsFeed.address() as AddressInfo).port}/vehicle-positions`,
    '--gtfs-rt-key',
    'vk_gtfs_rt_of_the_bus_operator',
    '--gtfs-rt-interval-s',
    '5',
  ];
  cluster = await RoleCluster.start('kafka-centres', 'vigil_centres', PARTITIONS);
});

afterAll(async () => {
  await cluster?.stop();
  gtfsFeed?.close();
});

interface Health {
  status: string;
  node: string;
  cluster_jobs?: { node: string; held: boolean; holder: string | null };
}

async function health(node: VigilProcess): Promise<Health> {
  return (await (await fetch(`${node.baseUrl}/api/health`)).json()) as Health;
}

interface Feed {
  alarms: FeedServerMessage[];
  /** The desk changes (`alarm_state`) it pushed, as alarm id and action. */
  states: { alarmId: string; action: string }[];
  close(): void;
}

/** A centre's feed: the alarm messages and desk changes it pushes, from the moment it opened. */
async function openFeed(node: VigilProcess): Promise<Feed> {
  const socket = new WebSocket(`ws://127.0.0.1:${node.httpPort}/ws?token=${await node.login()}&positions=none`);
  const alarms: FeedServerMessage[] = [];
  const states: Feed['states'] = [];
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as FeedServerMessage;
    if (message.type === 'alarm') alarms.push(message);
    if (message.type === 'alarm_state') states.push({ alarmId: message.alarm.alarm_id, action: message.action });
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return { alarms, states, close: () => socket.close() };
}

/** The overspeed alarm ids of `phone` a centre's feed showed, once it showed one. */
async function feedIds(feed: { alarms: FeedServerMessage[] }, phone: string, what: string): Promise<string[]> {
  const ids = (): string[] => [
    ...new Set(
      feed.alarms.flatMap((m) =>
        m.type === 'alarm' && m.alarm.terminal_id === phone && m.alarm.rule === 'overspeed' ? [m.alarm.alarm_id] : [],
      ),
    ),
  ];
  return eventually(() => (ids().length > 0 ? ids() : undefined), 60_000, what);
}

/** The overspeed alarm ids of `phone` on a centre's queue (/api/alarms), once it holds one. */
async function queueIds(node: VigilProcess, token: string, phone: string): Promise<string[]> {
  return eventually(
    async () => {
      const res = await fetch(`${node.baseUrl}/api/alarms?limit=500`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (res.status !== 200) return undefined;
      const ids = ((await res.json()) as AlarmListAnswer).alarms
        .filter((a) => a.terminal_id === phone && a.rule === 'overspeed')
        .map((a) => a.alarm_id);
      return ids.length > 0 ? ids : undefined;
    },
    60_000,
    `${phone}'s alarm on the queue of ${node.baseUrl}`,
  );
}

describe('two centres of one cluster (vigil start --role center --node-id …)', () => {
  it('both show every alarm, store one case of it, and one runs the periodic jobs until it dies', async () => {
    const postgres = new pg.Client({ connectionString: cluster.postgresUrl });
    await postgres.connect();
    try {
      const [hallA, hallB, , gateway] = await Promise.all([
        cluster.startRole('center', 'hall-a', ['--node-id', 'hall-a', ...gtfsFlags]),
        cluster.startRole('center', 'hall-b', ['--node-id', 'hall-b', ...gtfsFlags]),
        cluster.startRole('stream', 'stream'),
        cluster.startRole('gateway', 'gateway'),
      ]);
      const centres = [hallA, hallB];

      // One centre holds the cluster's jobs, and both name it.
      const [healthA, healthB] = await eventually(
        async () => {
          const answers = await Promise.all(centres.map(health));
          return answers.every((h) => h.cluster_jobs?.holder !== null) ? answers : undefined;
        },
        15_000,
        'both centres naming the holder of the cluster jobs',
      );
      expect([healthA.node, healthB.node]).toEqual(['hall-a', 'hall-b']);
      expect([healthA.cluster_jobs?.held, healthB.cluster_jobs?.held].filter(Boolean)).toEqual([true]);
      const holderName = healthA.cluster_jobs?.held ? 'hall-a' : 'hall-b';
      expect(healthB.cluster_jobs?.holder).toBe(holderName);
      const [holder, standby] = holderName === 'hall-a' ? [hallA, hallB] : [hallB, hallA];
      expect(await metricOf(holder, 'vigil_cluster_jobs_active')).toBe(1);
      expect(await metricOf(standby, 'vigil_cluster_jobs_active')).toBe(0);
      expect(await metricOf(standby, 'vigil_cluster_jobs_holder', `{node="${holderName}"}`)).toBe(1);
      // The GTFS-Realtime poll is one of the jobs: the holder fetches the feed, the standby does not.
      const polls = async (centre: VigilProcess): Promise<number> =>
        (await metricOf(centre, 'vigil_gtfs_rt_polls_total', '{outcome="fetch_failed"}')) ?? 0;
      await eventually(async () => ((await polls(holder)) > 0 ? true : undefined), 15_000, "the holder's GTFS poll");

      const feeds = await Promise.all(centres.map(openFeed));
      const tokens = await Promise.all(centres.map((c) => c.login()));

      // An overspeed episode opens: both feeds and both queues show the one alarm, under the same id.
      const t0 = Math.floor(Date.now() / 1000) * 1000 - 120_000;
      const report = async (phone: string, fixes: Fix[]): Promise<void> => {
        const terminal = await loggedInTerminal(gateway, phone, `豫A6C${phone.slice(-3)}`);
        try {
          await reportFixes(terminal, fixes);
        } finally {
          terminal.close();
        }
      };
      await report(FIRST, [
        { speedKmh: 60, time: t0 },
        { speedKmh: 130, time: t0 + 1_000 },
        { speedKmh: 130, time: t0 + 2_000 },
      ]);
      const [onFeedA, onFeedB] = await Promise.all(
        feeds.map((feed, i) => feedIds(feed, FIRST, `the first alarm on centre ${i}'s feed`)),
      );
      expect(onFeedA).toHaveLength(1);
      expect(onFeedB).toEqual(onFeedA);
      const alarmId = onFeedA[0];
      for (const [i, centre] of centres.entries()) expect(await queueIds(centre, tokens[i], FIRST)).toEqual([alarmId]);
      // Each centre's own ClickHouse stores the alarm (its sinks read every record under groups of their own).
      for (const centre of centres)
        await eventually(
          async () => ((await overspeedRows(centre, FIRST)).alarmIds > 0 ? true : undefined),
          30_000,
          `the first alarm in ${centre.baseUrl}'s ClickHouse`,
        );
      for (const centre of centres)
        expect(await overspeedRows(centre, FIRST)).toEqual({ alarmIds: 1, version: 1, closed: false, duplicates: 0 });

      // Both intakes took version 1 into the one PostgreSQL: one case, raised once.
      const steps = async (id: string): Promise<string[]> =>
        (
          await postgres.query<{ action: string }>('SELECT action FROM alarm_actions WHERE alarm_id = $1 ORDER BY id', [
            id,
          ])
        ).rows.map((r) => r.action);
      const cases = async (phone: string): Promise<{ alarm_id: string; version: number; state: string }[]> =>
        (
          await postgres.query<{ alarm_id: string; version: number; state: string }>(
            "SELECT alarm_id, version::int AS version, state FROM alarm_cases WHERE terminal_id = $1 AND rule = 'overspeed'",
            [phone],
          )
        ).rows;
      expect(await cases(FIRST)).toEqual([{ alarm_id: alarmId, version: 1, state: 'new' }]);
      expect(await steps(alarmId)).toEqual(['raised']);

      // A province leader, created on one node and logged in on the other (accounts and sessions are in the one
      // PostgreSQL), acknowledges the alarm on the standby; the closing version, taken by both intakes, leaves the
      // handler's state alone.
      const standbyToken = tokens[centres.indexOf(standby)];
      const created = await fetch(`${holder.baseUrl}/api/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[centres.indexOf(holder)]}` },
        body: JSON.stringify({
          username: 'hall-leader',
          password: LEADER_PASSWORD,
          role: 'leader',
          org_code: '410000',
        }),
      });
      expect(created.status).toBe(201);
      const leaderToken = await standby.login('hall-leader', LEADER_PASSWORD);
      const acknowledged = await fetch(`${standby.baseUrl}/api/alarms/${alarmId}/acknowledge`, {
        method: 'POST',
        headers: { authorization: `Bearer ${leaderToken}` },
      });
      expect(acknowledged.status).toBe(200);
      // The 签收 is pushed live to the holder's feed through the relay, and once to the standby's own.
      const acknowledgedOn = (feed: Feed): number =>
        feed.states.filter((m) => m.alarmId === alarmId && m.action === 'acknowledged').length;
      const [holderFeed, standbyOwnFeed] = [feeds[centres.indexOf(holder)], feeds[centres.indexOf(standby)]];
      await eventually(
        () => (acknowledgedOn(holderFeed) > 0 ? true : undefined),
        15_000,
        "the standby's 签收 on the holder's feed",
      );
      expect(acknowledgedOn(standbyOwnFeed)).toBe(1);
      await report(FIRST, [{ speedKmh: 60, time: t0 + 3_000 }]);
      const closed = await eventually(
        async () => {
          const rows = await cases(FIRST);
          return rows[0]?.version === 2 ? rows : undefined;
        },
        60_000,
        'the closing version in PostgreSQL',
      );
      expect(closed).toEqual([{ alarm_id: alarmId, version: 2, state: 'acknowledged' }]);
      // Both intakes have taken version 2 once each centre's ClickHouse holds it (the intakes lead the sinks or
      // follow them closely; the steps are checked once both are there).
      for (const centre of centres)
        await eventually(
          async () => {
            const { rows } = await centre.sql<[string]>(
              `SELECT max(version) FROM alarms FINAL WHERE alarm_id = '${alarmId}'`,
            );
            return Number(rows[0][0]) === 2 ? true : undefined;
          },
          30_000,
          `version 2 in ${centre.baseUrl}'s ClickHouse`,
        );
      const versionsTaken = async (centre: VigilProcess): Promise<number> =>
        ((await metricOf(centre, 'vigil_center_alarm_versions_total', '{outcome="stored"}')) ?? 0) +
        ((await metricOf(centre, 'vigil_center_alarm_versions_total', '{outcome="duplicate"}')) ?? 0);
      for (const centre of centres)
        await eventually(
          async () => ((await versionsTaken(centre)) >= 2 ? true : undefined),
          30_000,
          `both versions taken by ${centre.baseUrl}'s intake`,
        );
      expect(await steps(alarmId)).toEqual(['raised', 'acknowledged', 'episode_ended']);

      // The mirror of the handling steps is a cluster job: the holder's ClickHouse has them, the standby's none.
      const mirrored = async (centre: VigilProcess, id: string): Promise<number> =>
        Number(
          (await centre.sql<[string]>(`SELECT count() FROM alarm_actions FINAL WHERE alarm_id = '${id}'`)).rows[0][0],
        );
      await eventually(
        async () => ((await mirrored(holder, alarmId)) === 3 ? true : undefined),
        30_000,
        "the handling steps in the holder's ClickHouse",
      );
      expect(await mirrored(standby, alarmId)).toBe(0);
      expect(await polls(standby)).toBe(0);
      // Each feed showed the 签收 once: the relay does not push a node's own changes back to it.
      expect([acknowledgedOn(holderFeed), acknowledgedOn(standbyOwnFeed)]).toEqual([1, 1]);

      // The holder dies; the standby takes the jobs over and keeps showing new alarms.
      const standbyFeed = feeds[centres.indexOf(standby)];
      feeds[centres.indexOf(holder)].close();
      await holder.crash();
      cluster.forget(holder);
      const takenOver = await eventually(
        async () => {
          const answer = await health(standby);
          return answer.cluster_jobs?.held ? answer : undefined;
        },
        30_000,
        'the standby holding the cluster jobs',
      );
      expect(takenOver.cluster_jobs).toEqual({
        node: standby === hallA ? 'hall-a' : 'hall-b',
        held: true,
        holder: takenOver.node,
      });
      expect(await metricOf(standby, 'vigil_cluster_jobs_active')).toBe(1);
      await eventually(async () => ((await polls(standby)) > 0 ? true : undefined), 15_000, "the survivor's GTFS poll");

      await report(SECOND, [
        { speedKmh: 60, time: t0 + 10_000 },
        { speedKmh: 130, time: t0 + 11_000 },
        { speedKmh: 130, time: t0 + 12_000 },
      ]);
      const [secondId] = await feedIds(standbyFeed, SECOND, "the second alarm on the survivor's feed");
      expect(await queueIds(standby, standbyToken, SECOND)).toEqual([secondId]);
      expect(await cases(SECOND)).toEqual([{ alarm_id: secondId, version: 1, state: 'new' }]);
      expect(await steps(secondId)).toEqual(['raised']);
      // Its mirror runs now: the new alarm's step reaches its ClickHouse.
      await eventually(
        async () => ((await mirrored(standby, secondId)) === 1 ? true : undefined),
        30_000,
        "the second alarm's step in the survivor's ClickHouse",
      );
      standbyFeed.close();
    } finally {
      await postgres.end();
    }
  }, 300_000);
});
