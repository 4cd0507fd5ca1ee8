/**
 * A driver's state handed over between the engines of the rules spread over log partitions
 * (stream/engine/driver-handover.ts): a driver drives c1 (partition 0's engine), takes the card out, and drives c2
 * (partition 1's). One engine carries their fatigue clock to c2; two engines must give the same alarm, under the
 * same id, whether c1's engine published the driver's state before the driver's first fix in c2 was evaluated, or
 * only after (partitions lag), and across a restart of c2's engine from its snapshot.
 */
import { describe, expect, it } from 'vitest';
import type { AlarmRow, TelemetryRow } from '../schema/index.js';
import {
  ALL_RULES,
  DriverHandoverBoard,
  handoverKey,
  handoverProblem,
  RULE_ENGINE_DEFAULTS,
  RuleEngine,
  compileRulesConfig,
  defaultRulesConfig,
  type EngineEvent,
} from '../stream/index.js';
import { alarmIdOf } from '../stream/engine/alarm-id.js';
import {
  MINUTE,
  T0,
  card,
  driverRecord,
  drive,
  engineFor,
  fix,
  latest,
  registryOf,
  run,
  telemetry,
  vehicle,
} from './support/rules-trace.js';

const coach = vehicle({ plate: '豫A50001', terminal_id: 'c1', vehicle_class: 'coach' });
const other = vehicle({ plate: '豫A50002', terminal_id: 'c2', vehicle_class: 'coach' });
const drivers = [driverRecord({ id: 'A' })];

function stop(terminalId: string, from: number, minutes: number, last: TelemetryRow): TelemetryRow[] {
  return Array.from({ length: minutes }, (_, m) =>
    fix(terminalId, from + m * MINUTE, { speed_kmh: 0, lon: last.lon, lat: last.lat }),
  );
}

const byTime = (events: EngineEvent[]): EngineEvent[] => [...events].sort((a, b) => a.value.ts - b.value.ts);

/**
 * Driver A drives c1 for 3 h, takes the card out and parks; `gapMinutes` later drives c2 for 90 min. Each vehicle's
 * events in event-time order.
 */
function moves(gapMinutes: number): { c1: EngineEvent[]; c2: EngineEvent[] } {
  const inC1 = drive('c1', T0, T0 + 180 * MINUTE, MINUTE);
  const parked = stop('c1', T0 + 180 * MINUTE, 60, inC1[inC1.length - 1]);
  const from = T0 + (180 + gapMinutes) * MINUTE;
  const waiting = stop('c2', T0 + 120 * MINUTE, 60 + gapMinutes, fix('c2', T0));
  const inC2 = drive('c2', from, from + 90 * MINUTE, MINUTE);
  const cards = (rows: ReturnType<typeof card>[]): EngineEvent[] => rows.map((value) => ({ topic: 'drivers', value }));
  return {
    c1: byTime([
      ...telemetry([...inC1, ...parked], 0),
      ...cards([card('c1', T0 - MINUTE, 'A'), card('c1', T0 + 180 * MINUTE)]),
    ]),
    c2: byTime([...telemetry([...waiting, ...inC2], 1), ...cards([card('c2', from - 30_000, 'A')])]),
  };
}

/** Two engines, one per partition, and the board every worker reads `vigil.driver-state` into. */
class TwoPartitions {
  readonly board = new DriverHandoverBoard();
  readonly engines: RuleEngine[];
  readonly alarms: AlarmRow[] = [];
  published = 0;

  constructor(handOver = true) {
    this.engines = [0, 1].map((p) => this.engineOf(p, handOver));
  }

  engineOf(partition: number, handOver = true): RuleEngine {
    let now = 0;
    return new RuleEngine(
      ALL_RULES,
      compileRulesConfig(defaultRulesConfig(ALL_RULES), 1, ALL_RULES),
      {
        registry: registryOf([coach, other], drivers),
        now: () => now++,
        ...(handOver ? { driverHandovers: this.board.forPartition(partition) } : {}),
      },
      RULE_ENGINE_DEFAULTS,
    );
  }

  /** Evaluates events on partition `p`'s engine, then publishes what it handed over (as its runner would). */
  feed(p: number, events: EngineEvent[], engine = this.engines[p]): void {
    this.alarms.push(...run(events, engine));
    for (const handover of engine.drainHandovers()) {
      this.published++;
      this.board.offer({ ...handover, partition: p });
    }
  }

  fatigue(): AlarmRow[] {
    return latest(this.alarms, 'fatigue');
  }
}

/** Index of the first event of `events` at or after event time `ts`. */
const at = (events: EngineEvent[], ts: number): number => events.findIndex((e) => e.value.ts >= ts);

describe("a driver's state handed over between partitions' engines", () => {
  const oneEngine = latest(
    run(
      byTime([...moves(5).c1, ...moves(5).c2]),
      engineFor({ registry: [coach, other], drivers, options: RULE_ENGINE_DEFAULTS }),
    ),
    'fatigue',
  );

  it('one engine alarms on c2 where 3 h in c1 and 60 min in c2 make 4 h (the reference)', () => {
    expect(oneEngine).toHaveLength(1);
    expect(oneEngine[0].terminal_id).toBe('c2');
    expect(oneEngine[0].started_at).toBe(T0 + 245 * MINUTE);
    expect(oneEngine[0].alarm_id).toBe(alarmIdOf('fatigue', 'c2#continuous', T0 + 245 * MINUTE));
  });

  it('without the handover, c2 starts the driver afresh and the alarm is missed', () => {
    const split = new TwoPartitions(false);
    const { c1, c2 } = moves(5);
    split.feed(0, c1);
    split.feed(1, c2);
    expect(split.published).toBe(0);
    expect(split.fatigue()).toEqual([]);
  });

  it('published at the card-out and taken at the first fix in c2: the same alarm, the same id', () => {
    const split = new TwoPartitions();
    const { c1, c2 } = moves(5);
    split.feed(0, c1);
    expect(split.board.size).toBe(1);
    split.feed(1, c2);
    expect(split.fatigue().map((a) => [a.alarm_id, a.started_at, a.terminal_id])).toEqual(
      oneEngine.map((a) => [a.alarm_id, a.started_at, a.terminal_id]),
    );
    expect(split.engines[1].stats.handoversTaken).toBe(1);
  });

  for (const [when, minutes] of [
    ['before the limit is crossed', 30],
    ['after the limit is crossed (4 h counting both)', 70],
  ] as const) {
    it(`arriving late, ${when}: merged in front of the stint, the same alarm and id`, () => {
      const split = new TwoPartitions();
      const { c1, c2 } = moves(5);
      const cut = at(c2, T0 + (185 + minutes) * MINUTE);
      split.feed(1, c2.slice(0, cut));
      expect(split.fatigue()).toEqual([]);
      split.feed(0, c1);
      split.feed(1, c2.slice(cut));
      expect(split.engines[1].stats.handoversMerged).toBe(1);
      expect(split.fatigue().map((a) => [a.alarm_id, a.started_at])).toEqual(
        oneEngine.map((a) => [a.alarm_id, a.started_at]),
      );
      expect(latest(split.alarms, 'fatigue')[0].version).toBeGreaterThanOrEqual(1);
    });
  }

  it("a coach driver's 24 h sum counts the hours of both vehicles, however late the first one's arrive", () => {
    // c1: 2 h, 30 min rest, 2 h, the card out; c2 5 min later: 2 h, 30 min rest, 2 h 10 min: 8 h 10 min in 24 h.
    const legs = (terminalId: string, from: number, lengths: number[]): TelemetryRow[] => {
      const rows: TelemetryRow[] = [];
      let t = from;
      for (const [i, length] of lengths.entries()) {
        rows.push(...drive(terminalId, t, t + length * MINUTE, MINUTE));
        t += length * MINUTE;
        if (i < lengths.length - 1) rows.push(...stop(terminalId, t, 30, rows[rows.length - 1]));
        t += 30 * MINUTE;
      }
      return rows;
    };
    const cards = (rows: ReturnType<typeof card>[]): EngineEvent[] =>
      rows.map((value) => ({ topic: 'drivers', value }));
    const c1 = byTime([
      ...telemetry([...legs('c1', T0, [120, 120]), ...stop('c1', T0 + 270 * MINUTE, 10, fix('c1', T0))], 0),
      ...cards([card('c1', T0 - MINUTE, 'A'), card('c1', T0 + 270 * MINUTE)]),
    ]);
    const c2 = byTime([
      ...telemetry(
        [...stop('c2', T0 + 260 * MINUTE, 15, fix('c2', T0)), ...legs('c2', T0 + 275 * MINUTE, [120, 130])],
        1,
      ),
      ...cards([card('c2', T0 + 275 * MINUTE - 30_000, 'A')]),
    ]);
    const reference = latest(
      run(byTime([...c1, ...c2]), engineFor({ registry: [coach, other], drivers })),
      'fatigue',
    ).map((a) => [a.alarm_id, a.started_at, a.terminal_id]);
    expect(reference).toHaveLength(1);
    expect(reference[0][1]).toBe(T0 + (275 + 120 + 30 + 120) * MINUTE);
    for (const cutMinutes of [undefined, 60, 200]) {
      const split = new TwoPartitions();
      const cut = cutMinutes === undefined ? 0 : at(c2, T0 + (275 + cutMinutes) * MINUTE);
      if (cutMinutes === undefined) split.feed(0, c1);
      split.feed(1, c2.slice(0, cut));
      if (cutMinutes !== undefined) split.feed(0, c1);
      split.feed(1, c2.slice(cut));
      expect(split.fatigue().map((a) => [a.alarm_id, a.started_at, a.terminal_id])).toEqual(reference);
    }
  });

  it('a rest long enough while changing vehicles gives no alarm, in either order', () => {
    for (const late of [false, true]) {
      const split = new TwoPartitions();
      const { c1, c2 } = moves(25);
      if (!late) split.feed(0, c1);
      split.feed(1, c2.slice(0, at(c2, T0 + 240 * MINUTE)));
      if (late) split.feed(0, c1);
      split.feed(1, c2.slice(at(c2, T0 + 240 * MINUTE)));
      expect(split.fatigue()).toEqual([]);
    }
  });

  it('a handover merged once however often it is read, and again the same after a restart from a snapshot', () => {
    const split = new TwoPartitions();
    const { c1, c2 } = moves(5);
    const cut = at(c2, T0 + 215 * MINUTE);
    split.feed(1, c2.slice(0, cut));
    const snapshot = JSON.parse(JSON.stringify(split.engines[1].snapshot())) as ReturnType<RuleEngine['snapshot']>;
    split.feed(0, c1);
    // The same state read twice (a worker re-reading the compacted topic) is taken in once.
    const handover = split.board.forPartition(1).latest('A');
    expect(handover?.partition).toBe(0);
    expect(split.board.offer({ ...handover! })).toBe(false);
    split.feed(1, c2.slice(cut));
    expect(split.engines[1].stats.handoversMerged).toBe(1);
    const first = split.fatigue();

    // c2's partition restarts from the snapshot taken before the handover arrived, the handover on the board now.
    const restarted = split.engineOf(1);
    restarted.restore(snapshot);
    const again = latest(run(c2.slice(cut), restarted), 'fatigue');
    expect(again.map((a) => [a.alarm_id, a.started_at])).toEqual(first.map((a) => [a.alarm_id, a.started_at]));
  });

  it("the state of a driver from the engine's own partition is not taken (it holds them already)", () => {
    const board = new DriverHandoverBoard();
    board.offer({ driver_id: 'A', last_ts: T0, terminal_id: 'c1', partition: 0, states: {}, published_at: 0 });
    expect(board.forPartition(0).latest('A')).toBeUndefined();
    expect(board.forPartition(1).latest('A')?.terminal_id).toBe('c1');
    // An older state of the driver from the same partition does not replace a newer one; another partition's is kept
    // beside it, and the newest of the others is the one given.
    expect(
      board.offer({ driver_id: 'A', last_ts: T0 - 1, terminal_id: 'c1', partition: 0, states: {}, published_at: 1 }),
    ).toBe(false);
    board.offer({ driver_id: 'A', last_ts: T0 - 1, terminal_id: 'c9', partition: 2, states: {}, published_at: 2 });
    expect(board.forPartition(1).latest('A')?.terminal_id).toBe('c1');
    expect(board.forPartition(0).latest('A')?.terminal_id).toBe('c9');
  });

  it('a record of the topic that is not a driver state is refused with a named reason', () => {
    const good = { driver_id: 'A', last_ts: T0, terminal_id: 'c1', partition: 0, states: {}, published_at: 0 };
    expect(handoverProblem(good)).toBeUndefined();
    expect(handoverProblem('text')).toBe('not_an_object');
    expect(handoverProblem({ ...good, driver_id: '' })).toBe('driver_id_missing');
    expect(handoverProblem({ ...good, last_ts: 'soon' })).toBe('last_ts_missing');
    expect(handoverProblem({ ...good, partition: 1.5 })).toBe('partition_missing');
    expect(handoverProblem({ ...good, states: [] })).toBe('states_missing');
    expect(handoverKey(good)).toBe('A/0');
  });

  it('one engine for every partition publishes nothing (the embedded node is unchanged)', () => {
    const engine = engineFor({ registry: [coach, other], drivers });
    const { c1, c2 } = moves(5);
    run(byTime([...c1, ...c2]), engine);
    expect(engine.drainHandovers()).toEqual([]);
  });
});
