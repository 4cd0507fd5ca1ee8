/**
 * The engine's guarantees: each fix evaluated as soon as it is its vehicle's newest, late data evaluated and
 * marked, repeats never duplicated, every input evaluated at most once however often it is delivered,
 * deterministic ids across replays, and a restart from a snapshot in the middle of an episode that neither loses a
 * half-counted clock nor opens the episode twice.
 */
import { describe, expect, it } from 'vitest';
import type { AlarmRow, TelemetryRow } from '../schema/index.js';
import { parseEventLine, type EngineEvent, type EngineSnapshot } from '../stream/index.js';
import { ALL_RULES, compileRulesConfig, defaultRulesConfig } from '../stream/index.js';
import {
  MINUTE,
  T0,
  camera,
  details,
  deviceStatus,
  drive,
  engineFor,
  fix,
  latest,
  run,
  telemetry,
  vehicle,
} from './support/rules-trace.js';

const SECOND = 1_000;

/** Overspeed and drift episodes on one vehicle, fixes every 2 s. */
function trace(): TelemetryRow[] {
  const speedsKmh = [60, 70, 125, 130, 128, 90, 60, 60, 140, 60, 60, 60];
  return speedsKmh.map((speed_kmh, i) => fix('d', T0 + i * 2 * SECOND, { speed_kmh, lon: 113.66 + i * 0.0005 }));
}

function summary(alarms: AlarmRow[]): string[] {
  return alarms.map((a) => `${a.rule} ${a.alarm_id} v${a.version} ${a.started_at}-${a.ended_at} late=${a.late}`);
}

/** Swaps neighbours so each pair arrives newest first, `skewMs` apart in processing time. */
function swapped(rows: TelemetryRow[]): EngineEvent[] {
  const events: EngineEvent[] = [];
  for (let i = 0; i + 1 < rows.length; i += 2) {
    const arrival = rows[i + 1].ts;
    events.push(
      { topic: 'telemetry', at: arrival, value: rows[i + 1] },
      { topic: 'telemetry', at: arrival + 1, value: rows[i] },
    );
  }
  return events;
}

describe('event time', () => {
  it("evaluates a fix as soon as it is its vehicle's newest: the alarm leaves with the fix that raised it", () => {
    const engine = engineFor();
    // Another vehicle on the same partition, far ahead in event time, neither holds this one back nor makes it late.
    engine.onPosition(fix('ahead', T0 + 3_600_000), 0, T0 + 1);
    expect(engine.drainAlarms()).toEqual([]);
    engine.onPosition(fix('v', T0, { speed_kmh: 130 }), 0, T0 + 2);
    expect(engine.drainAlarms().map((a) => [a.rule, a.terminal_id, a.version, a.late])).toEqual([
      ['overspeed', 'v', 1, 0],
    ]);
  });

  it('a fix older than what its vehicle was evaluated with and not filling a gap is skipped', () => {
    const engine = engineFor();
    const alarms = run(swapped(trace()), engine);
    // Each pair arrives newest first: the older fix is skipped, except the very first one, which precedes
    // everything the vehicle was evaluated with and goes to the late lane.
    expect(engine.stats.alreadyEvaluated).toBe(trace().length / 2 - 1);
    expect(engine.stats.late).toBe(1);
    expect(alarms.every((a) => a.late === 0)).toBe(true);
  });

  it('back-fill that fills a gap is evaluated in the late lane and its alarms are marked late', () => {
    const live = [
      ...drive('b', T0, T0 + 10 * MINUTE + 1, MINUTE),
      ...drive('b', T0 + 40 * MINUTE, T0 + 45 * MINUTE, MINUTE),
    ];
    const backfill = [
      fix('b', T0 + 20 * MINUTE, { backfill: 1 }),
      fix('b', T0 + 20 * MINUTE + 30 * SECOND, { backfill: 1, speed_kmh: 150 }),
      fix('b', T0 + 21 * MINUTE, { backfill: 1 }),
    ];
    const repeated = drive('b', T0, T0 + 3 * MINUTE, MINUTE).map((r) => ({ ...r, speed_kmh: 150 }));
    const events: EngineEvent[] = [
      ...telemetry(live),
      ...backfill.map((value) => ({ topic: 'telemetry' as const, at: T0 + 46 * MINUTE, value })),
      ...repeated.map((value, i) => ({ topic: 'telemetry' as const, at: T0 + 47 * MINUTE + i, value })),
    ];
    const engine = engineFor();
    const alarms = latest(run(events, engine), 'overspeed');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({
      late: 1,
      started_at: T0 + 20 * MINUTE + 30 * SECOND,
      ended_at: T0 + 21 * MINUTE,
    });
    // The re-sent fixes at T0..T0+2min were evaluated live already (duplicates) and raise nothing.
    expect(engine.stats.duplicates + engine.stats.alreadyEvaluated).toBe(3);
  });

  it('back-filled fixes still in order are evaluated with the live state and marked late', () => {
    const rows = [
      fix('c', T0),
      fix('c', T0 + 30 * SECOND, { speed_kmh: 150, backfill: 1 }),
      fix('c', T0 + 60 * SECOND),
    ];
    const [alarm] = latest(run(telemetry(rows)), 'overspeed');
    expect(alarm.late).toBe(1);
  });

  it('skips fixes dated far in the future (a terminal clock gone wrong) and counts them', () => {
    const engine = engineFor();
    engine.onPosition(fix('f', T0 + 86_400_000, { speed_kmh: 150 }), 0, T0);
    expect(engine.stats.future).toBe(1);
    expect(engine.drainAlarms()).toEqual([]);
  });
});

describe('episodes and replays', () => {
  it('replaying the same data yields the same alarm ids and versions', () => {
    const events = telemetry([...trace(), ...drive('e', T0, T0 + 250 * MINUTE, MINUTE)].sort((a, b) => a.ts - b.ts));
    expect(summary(run(events))).toEqual(summary(run(events)));
  });

  it('a repeated fix (retransmission) produces no extra version', () => {
    const rows = [fix('r', T0), fix('r', T0 + 2 * SECOND, { speed_kmh: 150 }), fix('r', T0 + 4 * SECOND)];
    const events: EngineEvent[] = [
      ...telemetry(rows),
      { topic: 'telemetry', at: T0 + 5 * SECOND, value: rows[1] },
      { topic: 'telemetry', at: T0 + 60 * SECOND, value: rows[1] },
    ];
    expect(
      run(events)
        .filter((a) => a.rule === 'overspeed')
        .map((a) => a.version),
    ).toEqual([1, 2]);
  });
});

/**
 * Live fixes with overspeed episodes, an outage back-filled after the vehicle came back, a gap that is filled out
 * of order, overload and unlicensed sightings and device statuses: input of every kind the runner may deliver again.
 */
function mixedInput(): EngineEvent[] {
  const live = [
    ...drive('m', T0, T0 + 10 * MINUTE, 30 * SECOND),
    ...drive('m', T0 + 30 * MINUTE, T0 + 40 * MINUTE, 30 * SECOND, { speed_kmh: 135 }),
  ];
  const backfill = drive('m', T0 + 10 * MINUTE, T0 + 30 * MINUTE, 30 * SECOND, { speed_kmh: 140, backfill: 1 });
  const events: EngineEvent[] = [
    ...telemetry(trace()),
    ...live.map((value) => ({ topic: 'telemetry' as const, at: value.ts + 500, value })),
    ...backfill.map((value, i) => ({ topic: 'telemetry' as const, at: T0 + 41 * MINUTE + i, value })),
  ];
  for (let i = 0; i < 6; i++) {
    const ts = T0 + i * 7 * MINUTE;
    const wim = camera({ plate: `豫A5${i}`, ts, kind: 'wim', device_id: 'wim-1', axles: 2, gross_kg: 24_000 });
    events.push({ topic: 'camera', at: ts + 200, value: wim });
    events.push({ topic: 'camera', at: ts + 300, value: camera({ plate: '豫A90001', ts: ts + 100 }) });
    const status = deviceStatus({ ts, status: i % 2 === 0 ? 'offline' : 'online', device_id: 'gantry-1' });
    events.push({ topic: 'devices', at: ts + 400, value: status });
  }
  return events.sort((a, b) => (a.at ?? a.value.ts) - (b.at ?? b.value.ts));
}

const pairs = (alarms: AlarmRow[]): string[] => alarms.map((a) => `${a.alarm_id} v${a.version}`);

describe('restart from a snapshot', () => {
  const roundTrip = (s: EngineSnapshot): EngineSnapshot => JSON.parse(JSON.stringify(s)) as EngineSnapshot;

  it('evaluates input delivered again after a restart at most once: the alarms of one delivery, none twice', () => {
    const registry = [vehicle({ plate: '豫A90001', permit_valid_until: T0 - 86_400_000 })];
    const events = mixedInput();
    const once = run(events, engineFor({ registry }));
    expect(new Set(once.map((a) => a.rule))).toEqual(
      new Set(['overspeed', 'overload', 'unlicensed', 'device_offline']),
    );
    expect(once.some((a) => a.late === 1)).toBe(true);
    for (const cut of [0.3, 0.6, 0.9]) {
      const at = Math.floor(events.length * cut);
      const before = engineFor({ registry });
      const first = run(events.slice(0, at), before);
      const after = engineFor({ registry });
      // Restored at the time the snapshot was taken, as the runner does before it replays.
      const takenAt = events[at - 1].at ?? events[at - 1].value.ts;
      after.restore(roundTrip(before.snapshot()), takenAt);
      // The replay starts well before the snapshot: a third of what it covered comes again.
      const second = run(events.slice(Math.floor(at * 0.66)), after);
      const both = pairs([...first, ...second]);
      expect(both.length, `cut ${cut}: no version twice`).toBe(new Set(both).size);
      expect(new Set(both), `cut ${cut}`).toEqual(new Set(pairs(once)));
    }
  });

  it('keeps a half-counted fatigue clock: 3 h before the restart + 1.5 h after alarm at 4 h', () => {
    const rows = drive('k', T0, T0 + 270 * MINUTE, MINUTE);
    const before = engineFor();
    const first = run(telemetry(rows.filter((r) => r.ts <= T0 + 180 * MINUTE)), before);
    expect(latest(first, 'fatigue')).toEqual([]);
    const after = engineFor();
    after.restore(roundTrip(before.snapshot()), T0 + 181 * MINUTE);
    const second = latest(run(telemetry(rows.filter((r) => r.ts > T0 + 180 * MINUTE)), after), 'fatigue');
    expect(second).toHaveLength(1);
    expect(second[0].started_at).toBe(T0 + 240 * MINUTE);
    // The same as without a restart.
    expect(second[0].alarm_id).toBe(latest(run(telemetry(rows)), 'fatigue')[0].alarm_id);
  });

  it('closes an episode opened before the restart under the same id, without opening it again', () => {
    const before = engineFor();
    const opened = run(
      telemetry([
        fix('o', T0),
        fix('o', T0 + 30 * SECOND, { speed_kmh: 140 }),
        fix('o', T0 + 60 * SECOND, { speed_kmh: 145 }),
      ]),
      before,
    ).filter((a) => a.rule === 'overspeed');
    expect(opened.map((a) => [a.version, a.ended_at])).toEqual([[1, null]]);
    const after = engineFor();
    after.restore(roundTrip(before.snapshot()), T0 + 61 * SECOND);
    const resumed = run(
      telemetry([
        fix('o', T0 + 60 * SECOND, { speed_kmh: 145 }),
        fix('o', T0 + 90 * SECOND, { speed_kmh: 146 }),
        fix('o', T0 + 120 * SECOND),
      ]),
      after,
    ).filter((a) => a.rule === 'overspeed');
    expect(resumed.map((a) => [a.alarm_id, a.version, a.ended_at])).toEqual([
      [opened[0].alarm_id, 2, T0 + 120 * SECOND],
    ]);
    expect(details(resumed[0])).toMatchObject({ max_speed_kmh: 146 });
  });

  it('restores a format-1 snapshot and evaluates the fixes it held back for ordering', () => {
    const before = engineFor();
    run(telemetry([fix('h', T0)]), before);
    const snapshot = roundTrip(before.snapshot());
    // What the engine wrote when it held fixes back until a partition's watermark passed them.
    const v1 = {
      ...snapshot,
      format: 1,
      roadside_seen: undefined,
      vehicles: snapshot.vehicles.map((v) => ({
        ...v,
        history_ts: undefined,
        partition: 0,
        held: [fix('h', T0 + 30 * SECOND, { speed_kmh: 150 })],
      })),
    };
    const after = engineFor();
    after.restore(v1, T0 + 31 * SECOND);
    expect(after.drainAlarms().map((a) => [a.rule, a.started_at])).toEqual([['overspeed', T0 + 30 * SECOND]]);
  });
});

describe('bounds', () => {
  it('forgets quiet vehicles beyond vehiclesMax but never one with an open alarm', () => {
    const bounded = engineFor({ options: { vehiclesMax: 10 } });
    bounded.onPosition(fix('alarming', T0, { speed_kmh: 150 }), 0, T0 + 10 * SECOND);
    for (let i = 0; i < 30; i++) bounded.onPosition(fix(`q${i}`, T0 + i), 0, T0 + 10 * SECOND);
    expect(bounded.vehicleCount).toBeLessThanOrEqual(10);
    expect(bounded.stats.evicted).toBeGreaterThan(0);
    bounded.onPosition(fix('alarming', T0 + 30 * SECOND), 0, T0 + 40 * SECOND);
    expect(
      bounded
        .drainAlarms()
        .filter((a) => a.terminal_id === 'alarming')
        .map((a) => a.version),
    ).toEqual([1, 2]);
  });

  it('keeps the state of a typical vehicle well under 1 KB in a snapshot', () => {
    const engine = engineFor();
    run(telemetry(drive('s', T0, T0 + 60 * MINUTE, 30 * SECOND)), engine);
    const bytes = JSON.stringify(engine.snapshot().vehicles[0]).length;
    expect(bytes).toBeLessThan(1024);
  });
});

describe('driving the engine from a file of events', () => {
  it('replays JSON lines to the same alarms as the events themselves, and names a bad line', () => {
    const events = telemetry(trace());
    const lines = events
      .map((e) => JSON.stringify({ topic: `vigil.${e.topic}`, partition: 0, value: e.value }))
      .join('\n');
    const parsed = lines
      .split('\n')
      .map((line, i) => parseEventLine(line, i + 1))
      .filter((e): e is EngineEvent => e !== undefined);
    expect(summary(run(parsed))).toEqual(summary(run(events)));
    expect(() => parseEventLine('{"topic":"gps","value":{"ts":1}}', 7)).toThrow(/line 7: topic "gps"/);
  });
});

describe('configuration changes', () => {
  it('switching a rule off closes its open episodes; the next version of the configuration applies at once', () => {
    const engine = engineFor();
    const opened = run(telemetry([fix('w', T0), fix('w', T0 + 30 * SECOND, { speed_kmh: 140 })]), engine).filter(
      (a) => a.rule === 'overspeed',
    );
    expect(opened.map((a) => a.ended_at)).toEqual([null]);
    const config = defaultRulesConfig(ALL_RULES);
    config.rules.overspeed.enabled = false;
    engine.setConfig(compileRulesConfig(config, 2, ALL_RULES));
    const closed = engine.drainAlarms();
    expect(closed.map((a) => [a.alarm_id, a.version, a.ended_at, a.rule_version])).toEqual([
      [opened[0].alarm_id, 2, T0 + 30 * SECOND, 2],
    ]);
    expect(
      run(telemetry([fix('w', T0 + 60 * SECOND, { speed_kmh: 150 }), fix('w', T0 + 90 * SECOND)]), engine).filter(
        (a) => a.rule === 'overspeed',
      ),
    ).toEqual([]);
  });
});
