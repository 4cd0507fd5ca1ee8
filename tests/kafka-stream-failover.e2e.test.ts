/**
 * Issue #15, failover of the stream worker: a centre, a gateway and two stream workers as separate
 * `vigil start --role …` processes on a real Kafka broker and a real PostgreSQL server. One worker runs the rules
 * (it holds the rules lock), the other stands by. The one running them is killed with SIGKILL in the middle of an
 * overspeed episode; the standby takes the lock, restores the snapshot the dead worker kept in PostgreSQL,
 * re-evaluates from Kafka everything since, and goes on.
 *
 * - The episode opened by the dead worker is closed by the other under the same id: one alarm, two versions.
 * - An alarm opened after the kill is raised once; no vehicle gets an alarm it should not.
 * - The alarms topic holds every version once: the worker that took over re-evaluated what the dead one had seen
 *   and sent none of its versions again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricOf, overspeedRows } from './support/crash-restart.js';
import {
  rulesActive as active,
  overspeedEnd,
  overspeedStart,
  steadyFixes,
  StreamWorkers,
} from './support/stream-workers.js';
import { eventually } from './support/vigil-process.js';

const SPEEDER = '013955500001';
const STEADY = ['013955500002', '013955500003'];
const PHONES = [SPEEDER, ...STEADY];
const PARTITIONS = 4;
let workers: StreamWorkers;

beforeAll(async () => {
  workers = await StreamWorkers.start({
    name: 'stream-failover',
    partitions: PARTITIONS,
    plateOf: (phone) => `豫A5S${phone.slice(-3)}`,
  });
});

afterAll(() => workers?.stop());

describe('the stream worker running the rules killed mid-episode (vigil start --role stream, twice)', () => {
  it('is replaced by the standby, and every alarm is raised once with the same id', async () => {
    // Only the start-up snapshot: the worker taking over re-evaluates everything the dead one saw. The first worker
    // starts beside the centre and the gateway; the second once the first runs the rules, so that it stands by.
    const [{ centre, gateway }, first] = await Promise.all([
      workers.startCentreAndGateway(),
      workers.startWorker('stream-a', 'standby'),
    ]);
    const second = await workers.startWorker('stream-b', 'standby');
    // One runs the rules, the other stands by.
    expect(await active(first)).toBe(1);
    expect(await active(second)).toBe(0);

    const t0 = Math.floor(Date.now() / 1000) * 1000 - 120_000;
    await workers.report(gateway, SPEEDER, overspeedStart(t0));
    await workers.reportEach(gateway, STEADY, steadyFixes(t0, 5));
    await eventually(
      async () => ((await overspeedRows(centre, SPEEDER)).alarmIds > 0 ? true : undefined),
      60_000,
      'the overspeed alarm opened by the first worker',
    );
    const { rows: opened } = await centre.sql<[string]>(
      `SELECT alarm_id FROM alarms WHERE terminal_id = '${SPEEDER}' AND rule = 'overspeed'`,
    );

    await first.crash();
    const killedAt = performance.now();
    // The episode goes on and closes, and another vehicle speeds, while the rules change hands.
    await workers.report(gateway, SPEEDER, overspeedEnd(t0 + 20_000));
    await workers.report(gateway, STEADY[0], [
      { speedKmh: 130, time: t0 + 40_000 },
      { speedKmh: 130, time: t0 + 41_000 },
    ]);
    await eventually(async () => ((await active(second)) === 1 ? true : undefined), 60_000, 'the standby taking over');
    const tookOverMs = Math.round(performance.now() - killedAt);

    const closed = await eventually(
      async () => {
        const rows = await overspeedRows(centre, SPEEDER);
        return rows.closed ? rows : undefined;
      },
      90_000,
      'the overspeed alarm closed by the second worker',
    );
    expect(closed).toEqual({ alarmIds: 1, version: 2, closed: true, duplicates: 0 });
    const closedAfterKillMs = Math.round(performance.now() - killedAt);
    const { rows: ids } = await centre.sql<[string]>(
      `SELECT DISTINCT alarm_id FROM alarms WHERE terminal_id = '${SPEEDER}' AND rule = 'overspeed'`,
    );
    expect(ids).toEqual(opened);
    await eventually(
      async () => ((await overspeedRows(centre, STEADY[0])).alarmIds > 0 ? true : undefined),
      60_000,
      'the alarm raised after the kill',
    );
    expect(await overspeedRows(centre, STEADY[0])).toEqual({ alarmIds: 1, version: 1, closed: false, duplicates: 0 });
    expect((await overspeedRows(centre, STEADY[1])).alarmIds).toBe(0);
    // The worker that took over re-evaluated what the dead one had seen before it took new input.
    expect(await metricOf(second, 'vigil_rules_replayed_total')).toBeGreaterThanOrEqual(13);

    // Each version is in the alarms topic once: none was sent again by the worker that took over.
    const sent = await workers.alarmsInTopic(PHONES);
    expect(sent).toHaveLength(3);
    expect(new Set(sent).size).toBe(3);
    expect(sent.filter((s) => s.startsWith(SPEEDER)).map((s) => s.split(':')[2])).toEqual(['1', '2']);
    console.log(
      JSON.stringify({
        stream_failover: {
          took_over_ms: tookOverMs,
          closed_alarm_stored_ms: closedAfterKillMs,
          versions_sent: sent.length,
        },
      }),
    );
  }, 420_000);
});
