/**
 * Issue #15, a driver's state handed over with the card between stream workers that spread the rules over log
 * partitions (`--rules-spread partitions`, stream/engine/driver-handover.ts): a centre, a gateway and two stream
 * workers as separate `vigil start --role …` processes on a real Kafka broker and a real PostgreSQL server.
 *
 * A driver drives 3 h on a vehicle of one partition, takes the card out, and 5 minutes later puts it in a vehicle of
 * another partition and drives on: only counting both stints do they pass the 4 h continuous-driving limit. The
 * engine of the second partition must raise the fatigue alarm once, under the id one engine gives for the same trace
 * (computed here by one in-process engine), and the alarms topic must hold each of its versions once.
 *
 * - Fetched apart: one partition's runner in this process, its cards' reader made to lag behind its fixes' reader,
 *   still evaluates them in the order received (stream/engine/fixes-and-cards.ts), as a worker taking the partition
 *   over re-evaluates them: the fatigue id one engine gives, not one on another driver's clock.
 * - In time: the first vehicle's engine publishes the state before the driver's first fix in the second is sent (the
 *   case waits for it in the topic).
 *   Then the worker whose engine took it in is killed with SIGKILL, the other takes its partitions over and
 *   re-evaluates them from their snapshots, and the driver drives on.
 * - Late: the worker holding the first vehicle's partition is frozen (SIGSTOP) before the driver's first stint is
 *   sent, so the second vehicle's engine (on the other worker) starts the driver afresh; the group gives the frozen
 *   worker's partitions to the other, which re-evaluates the first stint and publishes the state late, and it is
 *   merged in front of the driver's stint in the second vehicle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metrics, silentLogger, type AlarmRow, type DriverEventRow, type TelemetryRow } from '../schema/index.js';
import {
  KAFKA_LOG_DEFAULTS,
  KafkaLog,
  partitionOf,
  RULES_RUNNER_DEFAULTS,
  RULES_TOPICS,
  RulesRunner,
  TOPICS,
  type Consumer,
  type EngineEvent,
  type EventLog,
} from '../stream/index.js';
import { loggedInTerminal, metricOf, reportFixes, type Fix } from './support/crash-restart.js';
import { RoleCluster } from './support/role-cluster.js';
import { card, engineFor, fix, latest, run, telemetry } from './support/rules-trace.js';
import { eventually, type VigilProcess } from './support/vigil-process.js';
import type { SimulatedTerminal } from '../cli/demo/simulated-terminal.js';

const PARTITIONS = 4;
const MINUTE = 60_000;
const DRIVER_NAME = '张建国';
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
/** The second: parked, 30 minutes of driving (under the limit counting both), then 45 more (past it), then 25. */
const SECOND_PARKED = minutes(T0 + 175 * MINUTE, T0 + 185 * MINUTE, 0);
const SECOND_FIRST_HALF = minutes(T0 + 185 * MINUTE, T0 + 215 * MINUTE, 60);
const SECOND_SECOND_HALF = minutes(T0 + 215 * MINUTE, T0 + 250 * MINUTE, 60);
const SECOND_LAST = minutes(T0 + 250 * MINUTE, T0 + 275 * MINUTE, 60);

/** One driver's move: their certificate, the vehicle they leave and the one they take. */
interface Move {
  certificate: string;
  first: string;
  second: string;
}

/** The first terminal number from `prefix` on a partition other than `not`'s. */
function phoneOn(prefix: string, not: number | undefined, from = 0): string {
  for (let n = from; ; n++) {
    const phone = `${prefix}${String(n).padStart(4, '0')}`;
    if (partitionOf(phone, PARTITIONS) !== not) return phone;
  }
}

/**
 * The fatigue alarms one engine raises for the move, in the order the terminals send it (a card read before a fix of
 * the same time takes effect at that fix): the ids the cluster must give.
 */
function oneEngineFatigue(move: Move): AlarmRow[] {
  const rows = (terminalId: string, fixes: Fix[]): EngineEvent[] =>
    telemetry(fixes.map(({ speedKmh, time }) => fix(terminalId, time, { speed_kmh: speedKmh })));
  const cardOf = (terminalId: string, ts: number, certificate?: string): EngineEvent[] => [
    { topic: 'drivers', value: card(terminalId, ts, certificate, certificate ? { driver_name: DRIVER_NAME } : {}) },
  ];
  const events = [
    ...cardOf(move.first, CARD_IN_FIRST, move.certificate),
    ...rows(move.first, FIRST_STINT),
    ...cardOf(move.first, CARD_OUT_FIRST),
    ...rows(move.first, FIRST_PARKED),
    ...rows(move.second, SECOND_PARKED),
    ...cardOf(move.second, CARD_IN_SECOND, move.certificate),
    ...rows(move.second, [...SECOND_FIRST_HALF, ...SECOND_SECOND_HALF, ...SECOND_LAST]),
  ];
  return latest(run(events, engineFor()), 'fatigue');
}

let cluster: RoleCluster;
let centre: VigilProcess;
let gateway: VigilProcess;
/** The first case's first worker, started beside the centre and the gateway. */
let streamA: VigilProcess;

const startWorker = (name: string): Promise<VigilProcess> =>
  cluster.startRole('stream', name, ['--rules-spread', 'partitions', '--rules-snapshot-interval-s', '3600']);

beforeAll(async () => {
  cluster = await RoleCluster.start('driver-handover', 'vigil_driver_handover', PARTITIONS);
  [centre, gateway, streamA] = await Promise.all([
    cluster.startRole('center', 'center'),
    cluster.startRole('gateway', 'gateway'),
    startWorker('stream-a'),
  ]);
});

afterAll(() => cluster?.stop());

const metric = async (node: VigilProcess, name: string, labels = ''): Promise<number> =>
  (await metricOf(node, name, labels)) ?? 0;

/** Two workers both holding partitions: the first starts alone, the second joins (`running` may hold one already). */
async function twoWorkers(names: [string, string], running?: VigilProcess): Promise<VigilProcess[]> {
  const workers = running ? [running] : [await startWorker(names[0])];
  await eventually(
    async () => ((await metric(workers[0], 'vigil_rules_partitions')) === PARTITIONS ? true : undefined),
    60_000,
    'one worker holding every partition',
  );
  workers.push(await startWorker(names[1]));
  await eventually(
    async () => {
      const [a, b] = [
        await metric(workers[0], 'vigil_rules_partitions'),
        await metric(workers[1], 'vigil_rules_partitions'),
      ];
      return a > 0 && b > 0 && a + b === PARTITIONS ? true : undefined;
    },
    60_000,
    'both workers holding partitions',
  );
  return workers;
}

async function insertCard(terminal: SimulatedTerminal, time: number, certificate: string): Promise<void> {
  const reply = await terminal.request({
    msgId: 0x0702,
    body: {
      status: 1,
      time,
      readResult: 0,
      name: DRIVER_NAME,
      certificate,
      authority: '郑州市交通运输局',
      expiry: '2030-06-30',
    },
  });
  expect(reply.body).toMatchObject({ result: 0 });
}

async function takeCardOut(terminal: SimulatedTerminal, time: number): Promise<void> {
  expect((await terminal.request({ msgId: 0x0702, body: { status: 2, time } })).body).toMatchObject({ result: 0 });
}

/** A plate of its own for each terminal: the sets differ at the seventh digit. */
const terminalOf = (phone: string): Promise<SimulatedTerminal> =>
  loggedInTerminal(gateway, phone, `豫A${phone[6]}${phone.slice(-4)}`);

/** The driver's first vehicle: the card in, 3 h of driving, the card out, parked. */
async function firstStint(move: Move): Promise<void> {
  const first = await terminalOf(move.first);
  await insertCard(first, CARD_IN_FIRST, move.certificate);
  await reportFixes(first, FIRST_STINT);
  await takeCardOut(first, CARD_OUT_FIRST);
  await reportFixes(first, FIRST_PARKED);
  first.close();
}

/** The fatigue alarm ids the centre stored for the move's vehicles, `terminal:id`. */
async function fatigueIds(move: Move): Promise<string[]> {
  const { rows } = await centre.sql<[string, string]>(
    `SELECT DISTINCT terminal_id, alarm_id FROM alarms WHERE rule = 'fatigue' AND terminal_id IN ('${move.first}', '${move.second}') ORDER BY terminal_id, alarm_id`,
  );
  return rows.map(([terminal, id]) => `${terminal}:${id}`);
}

async function storedVersion(move: Move): Promise<number> {
  const { rows } = await centre.sql<[string]>(
    `SELECT toString(max(version)) FROM alarms WHERE rule = 'fatigue' AND terminal_id = '${move.second}'`,
  );
  return Number(rows[0]?.[0] ?? 0);
}

/** A log client of the test's broker. */
const connectLog = (): Promise<KafkaLog> =>
  KafkaLog.connect({
    ...KAFKA_LOG_DEFAULTS,
    brokers: cluster.broker.brokers,
    partitions: PARTITIONS,
    topics: [...Object.values(TOPICS), ...Object.values(RULES_TOPICS)],
    clientId: 'vigil-test',
    connectTimeoutMs: 20_000,
  });

/** The last fix counted in the newest state of the driver published to `vigil.driver-state` (-Infinity: none). */
async function lastPublished(certificate: string): Promise<number> {
  const log = await connectLog();
  try {
    let last = -Infinity;
    for (const { value } of await log.readSince<{ driver_id: string; last_ts: number }>(RULES_TOPICS.driverStates, 0))
      if (value.driver_id === certificate) last = Math.max(last, value.last_ts);
    return last;
  } finally {
    await log.close();
  }
}

/** Every fatigue record of the move's vehicles in the alarms topic, `terminal:id:version`, and the driver's states sent. */
async function topics(move: Move): Promise<{ alarms: string[]; driverStates: number }> {
  const log = await connectLog();
  try {
    const alarms = (await log.readSince<AlarmRow>(TOPICS.alarms, 0))
      .filter((r) => r.value.rule === 'fatigue' && [move.first, move.second].includes(r.value.terminal_id))
      .map((r) => `${r.value.terminal_id}:${r.value.alarm_id}:${r.value.version}`)
      .sort();
    const driverStates = (await log.readSince<{ driver_id: string }>(RULES_TOPICS.driverStates, 0)).filter(
      (r) => r.value.driver_id === move.certificate,
    ).length;
    return { alarms, driverStates };
  } finally {
    await log.close();
  }
}

/** The drivers' states taken in by the workers, by how. */
async function handoversTaken(workers: readonly VigilProcess[]): Promise<Record<string, number>> {
  const taken: Record<string, number> = { at_arrival: 0, merged_late: 0 };
  for (const w of workers)
    for (const how of Object.keys(taken))
      taken[how] += await metric(w, 'vigil_rules_driver_handovers_total', `{how="${how}"}`);
  return taken;
}

/** The alarm stored and sent is the one of the reference, once: one id, its versions each once, as many as one engine's. */
async function expectOneEngineAlarm(
  move: Move,
  expected: AlarmRow[],
): Promise<{ alarms: string[]; driverStates: number }> {
  const expectedIds = expected.map((a) => `${move.second}:${a.alarm_id}`);
  await eventually(
    async () => ((await storedVersion(move)) >= expected[0].version ? true : undefined),
    90_000,
    'the fatigue alarm of the second vehicle, to its last version',
  );
  const { rows } = await centre.sql<[string, string]>(
    `SELECT toString(toUnixTimestamp64Milli(started_at)), details FROM alarms WHERE rule = 'fatigue' AND terminal_id = '${move.second}' ORDER BY version DESC LIMIT 1`,
  );
  // Where the limit was crossed, counting both stints.
  expect(Number(rows[0][0]) - T0).toBe(expected[0].started_at - T0);
  expect(JSON.parse(rows[0][1])).toMatchObject({ driver_id: move.certificate, limit_minutes: 240 });
  expect(await fatigueIds(move)).toEqual(expectedIds);
  const sent = await topics(move);
  expect(new Set(sent.alarms.map((a) => a.split(':').slice(0, 2).join(':')))).toEqual(new Set(expectedIds));
  expect(new Set(sent.alarms).size).toBe(sent.alarms.length);
  expect(sent.alarms).toHaveLength(expected[0].version);
  expect(sent.driverStates).toBeGreaterThan(0);
  return sent;
}

describe("one partition's fixes and driver cards, their topics fetched apart", () => {
  it('are evaluated in the order received even when the cards are fetched after the fixes: the ids one engine gives', async () => {
    // A driver drives 3 h, another takes the wheel (their card read between two fixes) and drives 4 h 10 min: one
    // engine reading in the order received raises the fatigue alarm of the second driver's clock only.
    const terminal = '013966800000';
    const partition = partitionOf(terminal, PARTITIONS);
    const SWAP = T0 + 180 * MINUTE + 30_000;
    const fixes = [...minutes(T0, T0 + 430 * MINUTE, 60)].map(({ speedKmh, time }) =>
      fix(terminal, time, { speed_kmh: speedKmh }),
    );
    const cards = [card(terminal, T0 - MINUTE, '410102197001011234'), card(terminal, SWAP, '410102199001011234')];
    const received: EngineEvent[] = [
      ...cards.slice(0, 1).map((value) => ({ topic: 'drivers' as const, value })),
      ...telemetry(fixes.filter((f) => f.ts < SWAP)),
      { topic: 'drivers', value: cards[1] },
      ...telemetry(fixes.filter((f) => f.ts > SWAP)),
    ];
    const expected = latest(run(received, engineFor()), 'fatigue');
    expect(expected.map((a) => [a.terminal_id, a.started_at - T0])).toEqual([[terminal, 421 * MINUTE]]);

    const log = await connectLog();
    const sent: AlarmRow[] = [];
    let runner: RulesRunner | undefined;
    try {
      const ends = new Map<string, number>();
      for (const topic of [TOPICS.telemetry, TOPICS.camera, TOPICS.devices, TOPICS.drivers, TOPICS.taxiOrders])
        ends.set(topic, (await log.endOffsets(topic))[partition]);
      const producer = log.producer();
      await producer.send(
        TOPICS.drivers,
        cards.map((value) => ({ key: terminal, value })),
      );
      await producer.send(
        TOPICS.telemetry,
        fixes.map((value) => ({ key: terminal, value })),
      );
      // The cards' reader lags behind the fixes' by construction: the fixes come in one batch, and a card is handed on
      // only once the fixes' reader has handed on a fix received after it (as a fetch of the cards that comes back
      // later than the fixes' does).
      let fixesHandedUpTo = -Infinity;
      const fixesReader = (inner: Consumer<TelemetryRow>): Consumer<TelemetryRow> => ({
        ...inner,
        poll: async (recordsMax, waitMs) => {
          if (fixesHandedUpTo > -Infinity) return inner.poll(recordsMax, waitMs);
          const batch: Awaited<ReturnType<Consumer<TelemetryRow>['poll']>> = [];
          while (batch.length < fixes.length) batch.push(...(await inner.poll(fixes.length - batch.length, waitMs)));
          for (const r of batch) fixesHandedUpTo = Math.max(fixesHandedUpTo, r.value.received_at);
          return batch;
        },
      });
      const lagging = (inner: Consumer<DriverEventRow>): Consumer<DriverEventRow> => {
        const fetched: Awaited<ReturnType<Consumer<DriverEventRow>['poll']>> = [];
        return {
          ...inner,
          poll: async (recordsMax, waitMs) => {
            fetched.push(...(await inner.poll(recordsMax, waitMs)));
            let n = 0;
            while (n < fetched.length && n < recordsMax && fetched[n].value.received_at < fixesHandedUpTo) n++;
            return fetched.splice(0, n);
          },
        };
      };
      // The runner's own alarms, apart from those of the cluster's workers, which read the same partition.
      const tapped = Object.create(log) as EventLog;
      tapped.producer = () => ({
        send: async (topic, messages) => {
          if (topic === TOPICS.alarms) sent.push(...messages.map((m) => m.value as AlarmRow));
          else await log.producer().send(topic, messages);
        },
      });
      runner = new RulesRunner(
        {
          log: tapped,
          logger: silentLogger,
          metrics: new Metrics(),
          partition: {
            index: partition,
            readers: async () => {
              const [f, camera, devices, d, orders] = await Promise.all(
                [TOPICS.telemetry, TOPICS.camera, TOPICS.devices, TOPICS.drivers, TOPICS.taxiOrders].map((topic) =>
                  log.partitionReader<unknown>(topic, partition, ends.get(topic)),
                ),
              );
              return [
                fixesReader(f as Consumer<TelemetryRow>),
                camera,
                devices,
                lagging(d as Consumer<DriverEventRow>),
                orders,
              ] as Consumer<unknown>[];
            },
          },
        },
        RULES_RUNNER_DEFAULTS,
      );
      await runner.start();
      await eventually(
        async () =>
          runner!.engine.stats.positions >= fixes.length && runner!.engine.stats.driverEvents >= 2 ? true : undefined,
        60_000,
        'every fix and card of the partition evaluated',
      );
      await runner.stop();
      runner = undefined;
      const got = latest(
        sent.filter((a) => a.terminal_id === terminal),
        'fatigue',
      );
      expect(got.map((a) => [a.alarm_id, a.started_at - T0])).toEqual(
        expected.map((a) => [a.alarm_id, a.started_at - T0]),
      );
    } finally {
      await runner?.stop();
      await log.close();
    }
  });
});

describe("a driver's state handed over between stream workers sharing the rules by partition", () => {
  let survivor: VigilProcess;

  it('in time, then the worker that took it in killed: one alarm, with the id one engine gives', async () => {
    const first = phoneOn('01396640', undefined);
    const move: Move = {
      certificate: '410102198001011234',
      first,
      second: phoneOn('01396650', partitionOf(first, PARTITIONS)),
    };
    const expected = oneEngineFatigue(move);
    // The reference: one alarm on the second vehicle, which neither stint alone would raise.
    expect(expected.map((a) => a.terminal_id)).toEqual([move.second]);

    const workers = await twoWorkers(['stream-a', 'stream-b'], streamA);
    await firstStint(move);
    // In time by construction: the driver's state after their last fix in the first vehicle is published before any
    // fix of theirs in the second is sent. (A worker that has just joined may still be restoring its partitions; were
    // the second vehicle's fixes all evaluated before the state came, it would be merged at the driver's next fix,
    // which this case sends only once the alarm is there.)
    await eventually(
      async () => ((await lastPublished(move.certificate)) >= FIRST_STINT.at(-1)!.time ? true : undefined),
      90_000,
      "the driver's state after the first stint published",
    );
    const second = await terminalOf(move.second);
    await reportFixes(second, SECOND_PARKED);
    await insertCard(second, CARD_IN_SECOND, move.certificate);
    await reportFixes(second, [...SECOND_FIRST_HALF, ...SECOND_SECOND_HALF]);
    await eventually(
      async () => ((await fatigueIds(move)).length > 0 ? true : undefined),
      90_000,
      'the fatigue alarm of the second vehicle',
    );
    const taken = await handoversTaken(workers);
    expect(taken.at_arrival + taken.merged_late).toBeGreaterThan(0);

    // The worker whose engine took the state in is killed; the other takes every partition over, and the driver
    // drives on.
    let victim = 0;
    for (const [i, w] of workers.entries())
      if ((await metric(w, 'vigil_rules_driver_handovers_total', '{how="at_arrival"}')) > 0) victim = i;
    await workers[victim].crash();
    cluster.forget(workers[victim]);
    survivor = workers[1 - victim];
    await reportFixes(second, SECOND_LAST);
    second.close();
    await eventually(
      async () => ((await metric(survivor, 'vigil_rules_partitions')) === PARTITIONS ? true : undefined),
      60_000,
      'the survivor holding every partition',
    );
    const sent = await expectOneEngineAlarm(move, expected);
    console.log(
      JSON.stringify({
        driver_handover_in_time: {
          partitions: [partitionOf(move.first, PARTITIONS), partitionOf(move.second, PARTITIONS)],
          versions_sent: sent.alarms.length,
          driver_states_sent: sent.driverStates,
          handovers_taken: taken,
        },
      }),
    );
  }, 480_000);

  it('late, from a worker frozen and replaced: merged in front of the stint, one alarm, the same id', async () => {
    const workers = await twoWorkers(['stream-a', 'stream-c'], survivor);
    // Which worker holds which vehicle: each one's first fix (parked, before any card) is counted by its holder.
    const holderOf = async (phone: string, time: number): Promise<VigilProcess> => {
      const before = await Promise.all(workers.map((w) => metric(w, 'vigil_rules_vehicles')));
      const terminal = await terminalOf(phone);
      await reportFixes(terminal, [{ speedKmh: 0, time }]);
      terminal.close();
      return eventually(
        async () => {
          for (const [i, w] of workers.entries()) if ((await metric(w, 'vigil_rules_vehicles')) > before[i]) return w;
          return undefined;
        },
        30_000,
        `the worker holding ${phone}`,
      );
    };
    const first = phoneOn('01396660', undefined);
    const frozen = await holderOf(first, T0 - 10 * MINUTE);
    let second = '';
    for (let n = 0; second === ''; n++) {
      const candidate = phoneOn('01396670', partitionOf(first, PARTITIONS), n);
      if ((await holderOf(candidate, T0 + 170 * MINUTE)) !== frozen) second = candidate;
      n = Number(candidate.slice(-4));
    }
    const move: Move = { certificate: '410102198502021234', first, second };
    const expected = oneEngineFatigue(move);
    expect(expected.map((a) => a.terminal_id)).toEqual([move.second]);
    const other = workers.find((w) => w !== frozen)!;

    // The first vehicle's worker stops in its tracks: its partitions' input waits in Kafka.
    const replayedBefore = await metric(other, 'vigil_rules_replayed_total');
    process.kill(frozen.nodePid, 'SIGSTOP');
    try {
      const terminal = await terminalOf(move.second);
      await reportFixes(terminal, SECOND_PARKED);
      await insertCard(terminal, CARD_IN_SECOND, move.certificate);
      await reportFixes(terminal, SECOND_FIRST_HALF);
      await firstStint(move);
      // The group drops the frozen worker; the other takes its partitions, re-evaluates the first stint and
      // publishes the driver's state, which its engine of the second vehicle merges at the driver's next fix.
      await eventually(
        async () => {
          const replayed = (await metric(other, 'vigil_rules_replayed_total')) - replayedBefore;
          const held = await metric(other, 'vigil_rules_partitions');
          return held === PARTITIONS && replayed >= FIRST_STINT.length ? true : undefined;
        },
        90_000,
        "the other worker holding the frozen one's partitions, the first stint re-evaluated",
      );
      await reportFixes(terminal, [...SECOND_SECOND_HALF, ...SECOND_LAST]);
      terminal.close();
      const sent = await expectOneEngineAlarm(move, expected);
      const taken = await handoversTaken([other]);
      expect(taken.merged_late).toBeGreaterThan(0);
      console.log(
        JSON.stringify({
          driver_handover_late: {
            partitions: [partitionOf(move.first, PARTITIONS), partitionOf(move.second, PARTITIONS)],
            versions_sent: sent.alarms.length,
            driver_states_sent: sent.driverStates,
            handovers_taken: taken,
          },
        }),
      );
    } finally {
      await frozen.crash();
      cluster.forget(frozen);
    }
  }, 480_000);
});
