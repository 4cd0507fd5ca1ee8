/**
 * Issue #15, a driver's state handed over with the card between stream workers that spread the rules over log
 * partitions (`--rules-spread partitions`, stream/engine/driver-handover.ts): a centre, a gateway and two stream
 * workers as separate `vigil start --role …` processes on a real Kafka broker and a real PostgreSQL server.
 *
 * A driver drives 3 h on a vehicle of one partition, takes the card out, and 5 minutes later puts it in a vehicle of
 * another partition and drives 90 minutes: only counting both stints do they pass the 4 h continuous-driving limit.
 * The engine of the second partition must raise the fatigue alarm once, under the id one engine gives for the same
 * trace (computed here by one in-process engine), and the alarms topic must hold each of its versions once. Then the
 * worker that holds the second vehicle's partition is killed with SIGKILL, the other takes its partitions over and
 * re-evaluates them from their snapshots, and the driver drives on: still one alarm, the same id, no version twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmRow } from '../schema/index.js';
import { KAFKA_LOG_DEFAULTS, KafkaLog, partitionOf, RULES_TOPICS, TOPICS, type EngineEvent } from '../stream/index.js';
import { loggedInTerminal, metricOf, reportFixes, type Fix } from './support/crash-restart.js';
import { RoleCluster } from './support/role-cluster.js';
import { card, engineFor, fix, latest, run, telemetry } from './support/rules-trace.js';
import { eventually, type VigilProcess } from './support/vigil-process.js';
import type { SimulatedTerminal } from '../cli/demo/simulated-terminal.js';

const PARTITIONS = 4;
const MINUTE = 60_000;
const CERTIFICATE = '410102198001011234';
const DRIVER_NAME = '张建国';

/** The first terminal number from `prefix` on a partition other than `not`'s. */
function phoneOn(prefix: string, not: number | undefined): string {
  for (let n = 0; ; n++) {
    const phone = `${prefix}${String(n).padStart(4, '0')}`;
    if (partitionOf(phone, PARTITIONS) !== not) return phone;
  }
}

const FIRST = phoneOn('01396640', undefined);
const SECOND = phoneOn('01396650', partitionOf(FIRST, PARTITIONS));
/** Whole minutes, well in the past, so that the whole trace is at once. */
const T0 = Math.floor((Date.now() - 8 * 60 * MINUTE) / MINUTE) * MINUTE;
const CARD_IN_FIRST = T0 - MINUTE;
const CARD_OUT_FIRST = T0 + 180 * MINUTE;
const CARD_IN_SECOND = T0 + 185 * MINUTE - 30_000;

/** Fixes a minute apart from `from` (inclusive) to `to` (exclusive) at `speedKmh`. */
function minutes(from: number, to: number, speedKmh: number): Fix[] {
  const fixes: Fix[] = [];
  for (let time = from; time < to; time += MINUTE) fixes.push({ speedKmh, time });
  return fixes;
}

/** The first vehicle: 3 h of driving, the card out, 5 minutes parked. */
const FIRST_STINT = minutes(T0, T0 + 180 * MINUTE, 60);
const FIRST_PARKED = minutes(T0 + 180 * MINUTE, T0 + 185 * MINUTE, 0);
/** The second: parked, then 60 minutes of driving (past the limit counting both), then 30 more after the kill. */
const SECOND_PARKED = minutes(T0 + 175 * MINUTE, T0 + 185 * MINUTE, 0);
const SECOND_STINT = minutes(T0 + 185 * MINUTE, T0 + 250 * MINUTE, 60);
const SECOND_AFTER_KILL = minutes(T0 + 250 * MINUTE, T0 + 275 * MINUTE, 60);

/**
 * The fatigue alarms one engine raises for the same trace, in the order the terminals send it (a card read before
 * a fix of the same time takes effect at that fix): the ids the cluster must give.
 */
function oneEngineFatigue(): AlarmRow[] {
  const rows = (terminalId: string, fixes: Fix[]): EngineEvent[] =>
    telemetry(fixes.map(({ speedKmh, time }) => fix(terminalId, time, { speed_kmh: speedKmh })));
  const cardOf = (terminalId: string, ts: number, certificate?: string): EngineEvent[] => [
    { topic: 'drivers', value: card(terminalId, ts, certificate, certificate ? { driver_name: DRIVER_NAME } : {}) },
  ];
  const events = [
    ...cardOf(FIRST, CARD_IN_FIRST, CERTIFICATE),
    ...rows(FIRST, FIRST_STINT),
    ...cardOf(FIRST, CARD_OUT_FIRST),
    ...rows(FIRST, FIRST_PARKED),
    ...rows(SECOND, SECOND_PARKED),
    ...cardOf(SECOND, CARD_IN_SECOND, CERTIFICATE),
    ...rows(SECOND, [...SECOND_STINT, ...SECOND_AFTER_KILL]),
  ];
  return latest(run(events, engineFor()), 'fatigue');
}

let cluster: RoleCluster;

beforeAll(async () => {
  cluster = await RoleCluster.start('driver-handover', 'vigil_driver_handover', PARTITIONS);
}, 150_000);

afterAll(() => cluster?.stop());

const startWorker = (name: string): Promise<VigilProcess> =>
  cluster.startRole('stream', name, ['--rules-spread', 'partitions', '--rules-snapshot-interval-s', '3600']);

const held = async (node: VigilProcess): Promise<number> => (await metricOf(node, 'vigil_rules_partitions')) ?? -1;

async function insertCard(terminal: SimulatedTerminal, time: number): Promise<void> {
  const reply = await terminal.request({
    msgId: 0x0702,
    body: {
      status: 1,
      time,
      readResult: 0,
      name: DRIVER_NAME,
      certificate: CERTIFICATE,
      authority: '郑州市交通运输局',
      expiry: '2030-06-30',
    },
  });
  expect(reply.body).toMatchObject({ result: 0 });
}

async function takeCardOut(terminal: SimulatedTerminal, time: number): Promise<void> {
  expect((await terminal.request({ msgId: 0x0702, body: { status: 2, time } })).body).toMatchObject({ result: 0 });
}

/** The fatigue alarm ids the centre stored for the two vehicles, by terminal. */
async function fatigueIds(centre: VigilProcess): Promise<string[]> {
  const { rows } = await centre.sql<[string, string]>(
    `SELECT DISTINCT terminal_id, alarm_id FROM alarms WHERE rule = 'fatigue' AND terminal_id IN ('${FIRST}', '${SECOND}') ORDER BY terminal_id, alarm_id`,
  );
  return rows.map(([terminal, id]) => `${terminal}:${id}`);
}

/** Every fatigue record of the two vehicles in the alarms topic, `terminal:id:version`, and the driver states sent. */
async function topics(): Promise<{ alarms: string[]; driverStates: number }> {
  const log = await KafkaLog.connect({
    ...KAFKA_LOG_DEFAULTS,
    brokers: cluster.broker.brokers,
    partitions: PARTITIONS,
    topics: [...Object.values(TOPICS), ...Object.values(RULES_TOPICS)],
    clientId: 'vigil-test',
    connectTimeoutMs: 20_000,
  });
  try {
    const alarms = (await log.readSince<AlarmRow>(TOPICS.alarms, 0))
      .filter((r) => r.value.rule === 'fatigue' && [FIRST, SECOND].includes(r.value.terminal_id))
      .map((r) => `${r.value.terminal_id}:${r.value.alarm_id}:${r.value.version}`)
      .sort();
    const driverStates = (await log.readSince<{ driver_id: string }>(RULES_TOPICS.driverStates, 0)).filter(
      (r) => r.value.driver_id === CERTIFICATE,
    ).length;
    return { alarms, driverStates };
  } finally {
    await log.close();
  }
}

describe("a driver's state handed over between stream workers sharing the rules by partition", () => {
  it('a driver who changes to a vehicle of another partition is alarmed once, with the id one engine gives', async () => {
    const expected = oneEngineFatigue();
    // The reference: one alarm on the second vehicle, which neither stint alone would raise.
    expect(expected.map((a) => a.terminal_id)).toEqual([SECOND]);
    const expectedIds = expected.map((a) => `${SECOND}:${a.alarm_id}`);

    const [centre, gateway] = await Promise.all([
      cluster.startRole('center', 'center'),
      cluster.startRole('gateway', 'gateway'),
    ]);
    const workers = [await startWorker('stream-a')];
    await eventually(async () => ((await held(workers[0])) === PARTITIONS ? true : undefined), 60_000, 'a holding all');
    workers.push(await startWorker('stream-b'));
    await eventually(
      async () => {
        const [a, b] = [await held(workers[0]), await held(workers[1])];
        return a > 0 && b > 0 && a + b === PARTITIONS ? true : undefined;
      },
      60_000,
      'both workers holding partitions',
    );

    const first = await loggedInTerminal(gateway, FIRST, '豫AH0001');
    await insertCard(first, CARD_IN_FIRST);
    await reportFixes(first, FIRST_STINT);
    await takeCardOut(first, CARD_OUT_FIRST);
    await reportFixes(first, FIRST_PARKED);
    first.close();

    const second = await loggedInTerminal(gateway, SECOND, '豫AH0002');
    await reportFixes(second, SECOND_PARKED);
    await insertCard(second, CARD_IN_SECOND);
    await reportFixes(second, SECOND_STINT);
    const raised = await eventually(
      async () => {
        const ids = await fatigueIds(centre);
        return ids.length > 0 ? ids : undefined;
      },
      90_000,
      'the fatigue alarm of the second vehicle',
    );
    const { rows: stored } = await centre.sql<[string, string]>(
      `SELECT toString(toUnixTimestamp64Milli(started_at)), details FROM alarms WHERE rule = 'fatigue' AND terminal_id = '${SECOND}' ORDER BY version DESC LIMIT 1`,
    );
    // Where the limit was crossed, counting both stints (the reference's evidence is that of its last version).
    expect(Number(stored[0][0]) - T0).toBe(expected[0].started_at - T0);
    expect(JSON.parse(stored[0][1])).toMatchObject({ driver_id: CERTIFICATE, limit_minutes: 240 });
    expect(raised).toEqual(expectedIds);

    // The worker whose engine raised it (the one holding the second vehicle's partition, if it can be told; else
    // either) is killed; the other takes every partition over, and the driver drives on.
    let victim = 0;
    const handovers: Record<string, number> = {};
    for (const [i, w] of workers.entries()) {
      for (const how of ['at_arrival', 'merged_late']) {
        const n = (await metricOf(w, 'vigil_rules_driver_handovers_total', `{how="${how}"}`)) ?? 0;
        handovers[how] = (handovers[how] ?? 0) + n;
        if (n > 0) victim = i;
      }
    }
    // The state was taken in by the second vehicle's engine, in time or late (either gives the same alarm).
    expect(handovers.at_arrival + handovers.merged_late).toBeGreaterThan(0);
    await workers[victim].crash();
    cluster.forget(workers[victim]);
    const survivor = workers[1 - victim];
    await reportFixes(second, SECOND_AFTER_KILL);
    second.close();
    await eventually(
      async () => ((await held(survivor)) === PARTITIONS ? true : undefined),
      60_000,
      'the survivor holding every partition',
    );
    const expectedVersion = expected[0].version;
    await eventually(
      async () => {
        const { rows } = await centre.sql<[string]>(
          `SELECT toString(max(version)) FROM alarms WHERE rule = 'fatigue' AND terminal_id = '${SECOND}'`,
        );
        return Number(rows[0]?.[0] ?? 0) >= expectedVersion ? true : undefined;
      },
      90_000,
      'the alarm updated after the kill',
    );
    expect(await fatigueIds(centre)).toEqual(expectedIds);

    const sent = await topics();
    // One alarm, each of its versions once, the versions one engine gives for the whole trace.
    expect(new Set(sent.alarms.map((a) => a.split(':').slice(0, 2).join(':')))).toEqual(new Set(expectedIds));
    expect(new Set(sent.alarms).size).toBe(sent.alarms.length);
    expect(sent.alarms).toHaveLength(expectedVersion);
    expect(sent.driverStates).toBeGreaterThan(0);
    console.log(
      JSON.stringify({
        driver_handover: {
          partitions: [partitionOf(FIRST, PARTITIONS), partitionOf(SECOND, PARTITIONS)],
          alarm: expectedIds[0],
          versions_sent: sent.alarms.length,
          driver_states_sent: sent.driverStates,
          handovers_taken: handovers,
        },
      }),
    );
  }, 480_000);
});
