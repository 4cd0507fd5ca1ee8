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
import { alarmIdOf } from '../stream/engine/alarm-id.js';
import { metricOf, overspeedRows } from './support/crash-restart.js';
import {
  overspeedIds,
  overspeedEnd,
  overspeedStart,
  phonesByPartition,
  steadyFixes,
  StreamWorkers,
  untilOverspeedClosed,
  untilOverspeedIds,
} from './support/stream-workers.js';

const PARTITIONS = 4;
const SPEEDERS = phonesByPartition('01396610', 2, PARTITIONS);
const LATE_SPEEDERS = phonesByPartition('01396620', 1, PARTITIONS);
const STEADY = phonesByPartition('01396630', 1, PARTITIONS);
const ALL = [...SPEEDERS, ...LATE_SPEEDERS, ...STEADY];
let workers: StreamWorkers;

beforeAll(async () => {
  workers = await StreamWorkers.start({
    name: 'rules-partitions',
    partitions: PARTITIONS,
    // 豫AX…, 豫AY…, 豫AZ… for the three sets (their numbers differ at the seventh digit), each plate once.
    plateOf: (phone) => `豫A${'XYZ'[Number(phone[6]) - 1]}${phone.slice(-4)}`,
  });
});

afterAll(() => workers?.stop());

describe('two stream workers sharing the rules by partition, one killed mid-episode', () => {
  it('the other takes its partitions over; every alarm is raised once with the ids one engine gives', async () => {
    // Only the snapshots taken when a partition is taken: the survivor re-evaluates all the dead worker saw.
    const [{ centre, gateway }, { first, second }] = await Promise.all([
      workers.startCentreAndGateway(),
      workers.startSharingWorkers(),
    ]);

    const t0 = Math.floor(Date.now() / 1000) * 1000 - 120_000;
    await workers.reportEach(gateway, SPEEDERS, overspeedStart(t0));
    await workers.reportEach(gateway, STEADY, steadyFixes(t0, 5));
    const opened = await untilOverspeedIds(centre, SPEEDERS, 'the overspeed alarms opened on every partition');

    await first.crash();
    workers.cluster.forget(first);
    const killedAt = performance.now();
    await workers.reportEach(gateway, SPEEDERS, overspeedEnd(t0 + 20_000));
    await workers.reportEach(gateway, LATE_SPEEDERS, overspeedStart(t0 + 39_000));
    await workers.untilHolding(second, PARTITIONS, 'the survivor holding every partition');
    const tookOverMs = Math.round(performance.now() - killedAt);

    await untilOverspeedClosed(centre, SPEEDERS, 'every episode closed after the kill');
    const closedAfterKillMs = Math.round(performance.now() - killedAt);
    for (const phone of SPEEDERS)
      expect(await overspeedRows(centre, phone)).toEqual({ alarmIds: 1, version: 2, closed: true, duplicates: 0 });
    // The same ids before and after the kill, and those one engine gives: the rule, the vehicle and the start.
    expect(await overspeedIds(centre, SPEEDERS)).toEqual(opened);
    for (const phone of SPEEDERS) expect(opened.get(phone)).toEqual([alarmIdOf('overspeed', phone, t0 + 1_000)]);

    await untilOverspeedIds(centre, LATE_SPEEDERS, 'the alarms raised after the kill');
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
    const sent = await workers.alarmsInTopic(ALL);
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
