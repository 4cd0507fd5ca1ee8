/**
 * Issue #15, a clean stop of a stream worker sharing the rules by partition (`--rules-spread partitions`): a centre,
 * a gateway and two stream workers as separate `vigil start --role …` processes on a real Kafka broker and a real
 * PostgreSQL server. Vehicles on every partition are in the middle of overspeed episodes when one worker is sent
 * SIGTERM, as an operator's `systemctl stop` or a rolling upgrade does; fixes keep coming while it stops. The
 * stopping worker snapshots each partition it lets go, with the offsets it evaluated, and commits them; the other is
 * given those partitions and restores them from that snapshot.
 *
 * - The stop ends by itself (exit code 0) within STOP_MS_MAX, and the other worker holds every partition sooner
 *   than the group's session timeout (what a worker that died would take).
 * - The other worker re-reads from Kafka at most the fixes sent since the stop began: nothing the stopping worker
 *   had evaluated. Without the snapshot written when a partition is let go it would re-read every fix since it took
 *   the partition (PHASE_ONE_FIXES_PER_PARTITION a partition at least).
 * - Every episode open at the stop goes on under its id and closes once: two versions (opened, closed), each in
 *   `vigil.alarms` once, the id one engine gives; the closing version carries the speed reported during the stop,
 *   so no fix acknowledged then was lost.
 * - An episode opened while the worker stops is raised once; a vehicle that never sped has no alarm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alarmIdOf } from '../stream/engine/alarm-id.js';
import { metricOf, overspeedRows, type Fix } from './support/crash-restart.js';
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
import { eventually, type VigilProcess } from './support/vigil-process.js';

const PARTITIONS = 4;
/** How long the stop may take (the test's process helper kills it with SIGKILL after 20 s). */
const STOP_MS_MAX = 15_000;
/**
 * The group's session: a worker that dies is dropped after it, one that stops cleanly leaves the group, and its
 * partitions are handed over sooner.
 */
const SESSION_MS = 10_000;
const SPEEDERS = phonesByPartition('01397710', 2, PARTITIONS);
const STOP_SPEEDERS = phonesByPartition('01397720', 1, PARTITIONS);
const STEADY = phonesByPartition('01397730', 1, PARTITIONS);
const ALL = [...SPEEDERS, ...STOP_SPEEDERS, ...STEADY];
/** Fixes each steady vehicle reports before the stop: the bulk of what a snapshot written on the way out covers. */
const STEADY_FIXES = 40;
const PHASE_ONE_FIXES_PER_PARTITION = 2 * 3 + STEADY_FIXES;
/** The speed the speeders report while the worker stops: their closing version's `max_speed_kmh` says it was seen. */
const STOP_SPEED_KMH = 140;
let workers: StreamWorkers;

beforeAll(async () => {
  workers = await StreamWorkers.start({
    name: 'rules-handover',
    partitions: PARTITIONS,
    // 豫AH…, 豫AJ…, 豫AK… for the three sets (their numbers differ at the seventh digit), each plate once.
    plateOf: (phone) => `豫A${'HJK'[Number(phone[6]) - 1]}${phone.slice(-4)}`,
  });
});

afterAll(() => workers?.stop());

const positionsEvaluated = async (worker: VigilProcess): Promise<number> =>
  (await metricOf(worker, 'vigil_rules_events_total', '{input="position"}')) ?? 0;
const replayed = async (worker: VigilProcess): Promise<number> =>
  (await metricOf(worker, 'vigil_rules_replayed_total')) ?? 0;

describe('two stream workers sharing the rules by partition, one stopped cleanly mid-episode', () => {
  it('hands its partitions over through the snapshot it wrote on the way out: nothing re-read, lost or doubled', async () => {
    const [{ centre, gateway }, { first, second, split }] = await Promise.all([
      workers.startCentreAndGateway(),
      workers.startSharingWorkers(),
    ]);

    const t0 = Math.floor(Date.now() / 1000) * 1000 - 120_000;
    const report = (phones: readonly string[], fixes: Fix[]): Promise<number> =>
      workers.reportEach(gateway, phones, fixes);
    const phaseOne =
      (await report(SPEEDERS, overspeedStart(t0))) + (await report(STEADY, steadyFixes(t0, STEADY_FIXES)));
    expect(phaseOne).toBe(PHASE_ONE_FIXES_PER_PARTITION * PARTITIONS);
    const opened = await untilOverspeedIds(centre, SPEEDERS, 'the overspeed alarms opened on every partition');
    // Every fix so far evaluated by one worker or the other: what the stopping one's snapshot is to cover.
    await eventually(
      async () =>
        (await positionsEvaluated(first)) + (await positionsEvaluated(second)) === phaseOne ? true : undefined,
      60_000,
      'every fix of the first phase evaluated',
    );
    const replayedBefore = await replayed(second);

    // SIGTERM, and fixes while the worker stops: the speeders' episodes go on faster, others start speeding.
    const stopAt = performance.now();
    let sentSinceStop = 0;
    const [exitCode] = await Promise.all([
      first.stop().then((code) => {
        workers.cluster.forget(first);
        return code;
      }),
      (async () => {
        sentSinceStop += await report(SPEEDERS, [{ speedKmh: STOP_SPEED_KMH, time: t0 + 10_000 }]);
        sentSinceStop += await report(STOP_SPEEDERS, overspeedStart(t0 + 30_000));
      })(),
    ]);
    const stopMs = Math.round(performance.now() - stopAt);
    expect(exitCode).toBe(0);
    expect(stopMs).toBeLessThan(STOP_MS_MAX);
    await workers.untilHolding(second, PARTITIONS, 'the other worker holding every partition');
    const tookOverMs = Math.round(performance.now() - stopAt);
    expect(tookOverMs).toBeLessThan(SESSION_MS);

    await untilOverspeedIds(centre, STOP_SPEEDERS, 'the alarms opened while the worker stopped');
    sentSinceStop += await report(SPEEDERS, overspeedEnd(t0 + 20_000));
    await untilOverspeedClosed(centre, SPEEDERS, 'every episode closed after the stop');

    // The other worker re-read only what reached Kafka since the stop began, never what the stopping one evaluated.
    const replayedAfterStop = (await replayed(second)) - replayedBefore;
    expect(replayedAfterStop).toBeLessThanOrEqual(sentSinceStop);
    expect(sentSinceStop).toBeLessThan(PHASE_ONE_FIXES_PER_PARTITION);
    expect(await metricOf(second, 'vigil_rules_vehicles')).toBe(ALL.length);

    // Each open episode went on under its id, the id one engine gives, and closed once.
    expect(await overspeedIds(centre, SPEEDERS)).toEqual(opened);
    for (const phone of SPEEDERS) {
      expect(opened.get(phone)).toEqual([alarmIdOf('overspeed', phone, t0 + 1_000)]);
      expect(await overspeedRows(centre, phone)).toEqual({ alarmIds: 1, version: 2, closed: true, duplicates: 0 });
    }
    for (const phone of STOP_SPEEDERS) {
      expect(await overspeedRows(centre, phone)).toEqual({ alarmIds: 1, version: 1, closed: false, duplicates: 0 });
      expect((await overspeedIds(centre, [phone])).get(phone)).toEqual([alarmIdOf('overspeed', phone, t0 + 31_000)]);
    }
    for (const phone of STEADY) expect((await overspeedRows(centre, phone)).alarmIds).toBe(0);

    // Each version is in the alarms topic once, in order: opened, closed; never closed and opened again.
    const records = await workers.alarmRecords(ALL);
    const sent = records.map((a) => `${a.terminal_id}:${a.alarm_id}:${a.version}`);
    expect(sent).toHaveLength(SPEEDERS.length * 2 + STOP_SPEEDERS.length);
    expect(new Set(sent).size).toBe(sent.length);
    for (const phone of SPEEDERS) {
      const own = records.filter((a) => a.terminal_id === phone);
      expect(own.map((a) => [a.version, a.ended_at === null])).toEqual([
        [1, true],
        [2, false],
      ]);
      // The fix acknowledged while the worker stopped was evaluated by one of them.
      expect((JSON.parse(own[1].details) as { max_speed_kmh: number }).max_speed_kmh).toBe(STOP_SPEED_KMH);
    }
    console.log(
      JSON.stringify({
        rules_partitions_handover: {
          partitions: PARTITIONS,
          held_before: split,
          stop_ms: stopMs,
          took_over_ms: tookOverMs,
          replayed_after_stop: replayedAfterStop,
          sent_since_stop: sentSinceStop,
          versions_sent: sent.length,
        },
      }),
    );
  }, 480_000);
});
