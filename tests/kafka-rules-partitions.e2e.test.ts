/**
 * Issue #15, the rules spread over stream workers by log partition (`--rules-spread partitions`): a centre, a
 * gateway and two stream workers as separate `vigil start --role …` processes on a real Kafka broker and a real
 * PostgreSQL server. Both workers run rules at once, each those of the telemetry partitions the group assigns it.
 * Vehicles on every partition open overspeed episodes; one worker is killed with SIGKILL in the middle of them;
 * the other is assigned its partitions, restores their snapshots from PostgreSQL, re-evaluates from Kafka what they
 * do not cover and goes on.
 *
 * - Both workers hold partitions before the kill, all of them together; the survivor all of them after.
 * - Every episode opened before the kill is closed after it under the same id (one alarm, two versions), whichever
 *   worker opened it; the ids are those one engine gives (`alarmIdOf` of the rule, terminal and start).
 * - Alarms opened after the kill are raised once; a vehicle that never sped has none.
 * - The alarms topic holds every version once: nothing was sent twice by the worker that took over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmRow } from '../schema/index.js';
import { KAFKA_LOG_DEFAULTS, KafkaLog, partitionOf, TOPICS } from '../stream/index.js';
import { alarmIdOf } from '../stream/engine/alarm-id.js';
import { loggedInTerminal, metricOf, overspeedRows, reportFixes, type Fix } from './support/crash-restart.js';
import { RoleCluster } from './support/role-cluster.js';
import { eventually, type VigilProcess } from './support/vigil-process.js';

const PARTITIONS = 4;

/** Terminal numbers, `per` on each partition, so that whichever worker dies held some of them. */
function phonesByPartition(prefix: string, per: number): string[] {
  const found: string[] = [];
  const count = new Array<number>(PARTITIONS).fill(0);
  for (let n = 0; found.length < per * PARTITIONS; n++) {
    const phone = `${prefix}${String(n).padStart(4, '0')}`;
    const p = partitionOf(phone, PARTITIONS);
    if (count[p] < per) {
      count[p]++;
      found.push(phone);
    }
  }
  return found;
}

const SPEEDERS = phonesByPartition('01396610', 2);
const LATE_SPEEDERS = phonesByPartition('01396620', 1);
const STEADY = phonesByPartition('01396630', 1);
const ALL = [...SPEEDERS, ...LATE_SPEEDERS, ...STEADY];
let cluster: RoleCluster;

beforeAll(async () => {
  cluster = await RoleCluster.start('rules-partitions', 'vigil_rules_partitions', PARTITIONS);
}, 150_000);

afterAll(() => cluster?.stop());

const startRole = (role: string, name: string, extra: string[] = []): Promise<VigilProcess> =>
  cluster.startRole(role, name, extra);
/** Only the snapshots taken when a partition is taken: the survivor re-evaluates all the dead worker saw. */
const startWorker = (name: string): Promise<VigilProcess> =>
  startRole('stream', name, ['--rules-spread', 'partitions', '--rules-snapshot-interval-s', '3600']);

async function report(gateway: VigilProcess, phone: string, fixes: Fix[]): Promise<void> {
  // 豫AX…, 豫AY…, 豫AZ… for the three sets (their numbers differ at the seventh digit), each plate once.
  const terminal = await loggedInTerminal(gateway, phone, `豫A${'XYZ'[Number(phone[6]) - 1]}${phone.slice(-4)}`);
  try {
    await reportFixes(terminal, fixes);
  } finally {
    terminal.close();
  }
}

const held = async (node: VigilProcess): Promise<number> => (await metricOf(node, 'vigil_rules_partitions')) ?? -1;

/** `terminal:alarm_id:version` of every overspeed record of the test's terminals in the alarms topic. */
async function alarmsInTopic(): Promise<string[]> {
  const log = await KafkaLog.connect({
    ...KAFKA_LOG_DEFAULTS,
    brokers: cluster.broker.brokers,
    partitions: PARTITIONS,
    topics: Object.values(TOPICS),
    clientId: 'vigil-test',
    connectTimeoutMs: 20_000,
  });
  try {
    return (await log.readSince<AlarmRow>(TOPICS.alarms, 0))
      .filter((r) => r.value.rule === 'overspeed' && ALL.includes(r.value.terminal_id))
      .map((r) => `${r.value.terminal_id}:${r.value.alarm_id}:${r.value.version}`)
      .sort();
  } finally {
    await log.close();
  }
}

async function overspeedIds(centre: VigilProcess, phones: readonly string[]): Promise<Map<string, string[]>> {
  const { rows } = await centre.sql<[string, string]>(
    `SELECT DISTINCT terminal_id, alarm_id FROM alarms WHERE rule = 'overspeed' AND terminal_id IN (${phones
      .map((p) => `'${p}'`)
      .join(',')}) ORDER BY terminal_id, alarm_id`,
  );
  const out = new Map<string, string[]>();
  for (const [terminal, id] of rows) out.set(terminal, [...(out.get(terminal) ?? []), id]);
  return out;
}

describe('two stream workers sharing the rules by partition, one killed mid-episode', () => {
  it('the other takes its partitions over; every alarm is raised once with the ids one engine gives', async () => {
    const [centre, gateway] = await Promise.all([startRole('center', 'center'), startRole('gateway', 'gateway')]);
    const first = await startWorker('stream-a');
    await eventually(async () => ((await held(first)) === PARTITIONS ? true : undefined), 60_000, 'a holding all');
    const second = await startWorker('stream-b');
    // Cooperative-sticky: the first lets half go, the second takes them.
    await eventually(
      async () => {
        const [a, b] = [await held(first), await held(second)];
        return a > 0 && b > 0 && a + b === PARTITIONS ? [a, b] : undefined;
      },
      60_000,
      'both workers holding partitions',
    );

    const t0 = Math.floor(Date.now() / 1000) * 1000 - 120_000;
    for (const phone of SPEEDERS)
      await report(gateway, phone, [
        { speedKmh: 60, time: t0 },
        { speedKmh: 130, time: t0 + 1_000 },
        { speedKmh: 130, time: t0 + 2_000 },
      ]);
    for (const phone of STEADY)
      await report(
        gateway,
        phone,
        Array.from({ length: 5 }, (_, i) => ({ speedKmh: 60, time: t0 + i * 1_000 })),
      );
    const opened = await eventually(
      async () => {
        const ids = await overspeedIds(centre, SPEEDERS);
        return ids.size === SPEEDERS.length ? ids : undefined;
      },
      60_000,
      'the overspeed alarms opened on every partition',
    );

    await first.crash();
    cluster.forget(first);
    const killedAt = performance.now();
    for (const phone of SPEEDERS)
      await report(gateway, phone, [
        { speedKmh: 130, time: t0 + 20_000 },
        { speedKmh: 60, time: t0 + 21_000 },
      ]);
    for (const phone of LATE_SPEEDERS)
      await report(gateway, phone, [
        { speedKmh: 60, time: t0 + 39_000 },
        { speedKmh: 130, time: t0 + 40_000 },
        { speedKmh: 130, time: t0 + 41_000 },
      ]);
    await eventually(
      async () => ((await held(second)) === PARTITIONS ? true : undefined),
      60_000,
      'the survivor holding every partition',
    );
    const tookOverMs = Math.round(performance.now() - killedAt);

    await eventually(
      async () => {
        for (const phone of SPEEDERS) if (!(await overspeedRows(centre, phone)).closed) return undefined;
        return true;
      },
      90_000,
      'every episode closed after the kill',
    );
    const closedAfterKillMs = Math.round(performance.now() - killedAt);
    for (const phone of SPEEDERS)
      expect(await overspeedRows(centre, phone)).toEqual({ alarmIds: 1, version: 2, closed: true, duplicates: 0 });
    // The same ids before and after the kill, and those one engine gives: the rule, the vehicle and the start.
    expect(await overspeedIds(centre, SPEEDERS)).toEqual(opened);
    for (const phone of SPEEDERS) expect(opened.get(phone)).toEqual([alarmIdOf('overspeed', phone, t0 + 1_000)]);

    await eventually(
      async () => ((await overspeedIds(centre, LATE_SPEEDERS)).size === LATE_SPEEDERS.length ? true : undefined),
      60_000,
      'the alarms raised after the kill',
    );
    for (const phone of LATE_SPEEDERS) {
      expect(await overspeedRows(centre, phone)).toEqual({ alarmIds: 1, version: 1, closed: false, duplicates: 0 });
      expect((await overspeedIds(centre, [phone])).get(phone)).toEqual([alarmIdOf('overspeed', phone, t0 + 40_000)]);
    }
    for (const phone of STEADY) expect((await overspeedRows(centre, phone)).alarmIds).toBe(0);
    // The survivor re-evaluated what the dead worker had seen of its partitions before it took new input, and holds
    // every vehicle's state.
    expect(await metricOf(second, 'vigil_rules_replayed_total')).toBeGreaterThan(0);
    expect(await metricOf(second, 'vigil_rules_vehicles')).toBe(ALL.length);

    // Each version is in the alarms topic once.
    const sent = await alarmsInTopic();
    expect(sent).toHaveLength(SPEEDERS.length * 2 + LATE_SPEEDERS.length);
    expect(new Set(sent).size).toBe(sent.length);
    console.log(
      JSON.stringify({
        rules_partitions_failover: {
          partitions: PARTITIONS,
          took_over_ms: tookOverMs,
          closed_alarms_stored_ms: closedAfterKillMs,
          versions_sent: sent.length,
          replayed: await metricOf(second, 'vigil_rules_replayed_total'),
        },
      }),
    );
  }, 480_000);
});
