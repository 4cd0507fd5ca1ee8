/**
 * A snapshot the engine serializes in slices while it goes on evaluating (snapshot-capture.ts) is the state at the
 * moment it began, byte for byte: vehicles driving on, drivers changing vehicles, late lanes opening and closing,
 * roadside sightings and device reports, the absence clock, all while it is being written. Restored, it gives the
 * same alarms, under the same ids and versions, as the engine that went on.
 */
import { describe, expect, it } from 'vitest';
import type { AlarmRow } from '../schema/index.js';
import type { EngineEvent, EngineSnapshot, EngineSnapshotHead } from '../stream/index.js';
import {
  ALL_RULES,
  ENGINE_PART,
  compileRulesConfig,
  defaultRulesConfig,
  joinSnapshotParts,
  partitionOf,
  splitSnapshot,
  vehiclesPart,
} from '../stream/index.js';
import {
  MINUTE,
  T0,
  camera,
  card,
  deviceStatus,
  drive,
  driverRecord,
  engineFor,
  run,
  vehicle,
} from './support/rules-trace.js';

const SECOND = 1_000;
const VEHICLES = 150;
/** Log partitions: the snapshot keeps the vehicles of each in a part of its own. */
const PARTS = 4;
/** Input evaluated between two slices of the snapshot. */
const EVENTS_PER_SLICE = 60;
const CUT_AT = T0 + 22 * MINUTE;

const terminal = (i: number): string => `t${i}`;
const registry = Array.from({ length: 10 }, (_, i) =>
  vehicle({
    plate: `豫A1000${i}`,
    terminal_id: terminal(i),
    // One without a valid permit: sightings of it are unlicensed.
    permit_valid_until: i === 9 ? T0 - 86_400_000 : Date.UTC(2030, 0, 1),
  }),
);
const drivers = [1, 2, 3, 4, 5].map((n) => driverRecord({ id: `D${n}` }));

/** 40 minutes of a small province: input of every kind, each vehicle on its own second of the half minute. */
function input(): EngineEvent[] {
  const events: EngineEvent[] = [];
  for (let i = 0; i < VEHICLES; i++) {
    // Vehicles created last report first, so the engine changes them before the snapshot's slices reach them.
    const offset = (VEHICLES - 1 - i) * 200;
    const plate = i < registry.length ? registry[i].plate : '';
    // A heavy truck, the last vehicle to appear (the snapshot's last slice), reports briefly and falls silent: the
    // absence clock raises its offline alarm just after the cut.
    const [from, until] = i === 3 ? [T0 - 10 * MINUTE, T0 - 8 * MINUTE] : [T0 - 12 * MINUTE, T0 + 40 * MINUTE];
    for (const row of drive(terminal(i), from + offset, until, 30 * SECOND, { plate })) {
      if (i === 7 && row.ts >= T0 + 10 * MINUTE && row.ts < T0 + 20 * MINUTE) continue;
      const speeding = i % 10 === 0 && row.ts >= T0 + 18 * MINUTE && row.ts < T0 + 30 * MINUTE;
      const value = { ...row, speed_kmh: speeding ? 135 : 60 };
      events.push({ topic: 'telemetry', partition: i % 4, at: value.ts + 500, value });
    }
  }
  // The outage of t7 back-filled just before the cut (a late lane open then, closed by the clock while the snapshot
  // is written), and history of t8 back-filled after it (a late lane opened meanwhile).
  for (const [k, row] of drive(terminal(7), T0 + 10 * MINUTE, T0 + 20 * MINUTE, 30 * SECOND, {
    plate: registry[7].plate,
    backfill: 1,
    speed_kmh: 140,
  }).entries())
    events.push({ topic: 'telemetry', partition: 3, at: CUT_AT - 5 * SECOND + k, value: row });
  for (const [k, row] of drive(terminal(8), T0 - 10 * MINUTE, T0, 30 * SECOND, { backfill: 1 }).entries())
    events.push({ topic: 'telemetry', partition: 0, at: CUT_AT + 3 * SECOND + k, value: row });
  // Drivers: cards in, one driver moving to another vehicle across the cut.
  for (let n = 1; n <= 5; n++) {
    const value = card(terminal(n), T0 + MINUTE, `D${n}`);
    events.push({ topic: 'drivers', at: value.ts, value });
  }
  for (const [ts, terminalId, certificate] of [
    [CUT_AT + 2 * SECOND, terminal(1), undefined],
    [CUT_AT + 4 * SECOND, terminal(60), 'D1'],
  ] as const) {
    const value = card(terminalId, ts, certificate);
    events.push({ topic: 'drivers', at: ts, value });
  }
  // Roadside: ANPR and weigh-in-motion sightings, gantry statuses, every minute.
  for (let m = 0; m < 40; m++) {
    const ts = T0 + m * MINUTE + 7 * SECOND;
    const wim = camera({ plate: `豫A5${m % 6}`, ts, kind: 'wim', device_id: 'wim-1', axles: 2, gross_kg: 24_000 });
    events.push({ topic: 'camera', at: ts + 200, value: wim });
    events.push({ topic: 'camera', at: ts + 300, value: camera({ plate: registry[9].plate, ts: ts + 100 }) });
    const status = deviceStatus({ ts, status: m % 4 === 0 ? 'offline' : 'online', device_id: 'gantry-1' });
    events.push({ topic: 'devices', at: ts + 400, value: status });
  }
  return events.sort((a, b) => (a.at ?? a.value.ts) - (b.at ?? b.value.ts));
}

const setup = { registry, drivers };
const pairs = (alarms: AlarmRow[]): string[] => alarms.map((a) => `${a.rule} ${a.alarm_id} v${a.version}`).sort();

describe('a rules snapshot serialized while the engine goes on', () => {
  it('is the state at the moment it began, and restored gives the same alarms as the engine that went on', () => {
    const events = input();
    const cut = events.findIndex((e) => (e.at ?? e.value.ts) >= CUT_AT);
    const engine = engineFor(setup);
    run(events.slice(0, cut), engine);
    const atCut = splitSnapshot(engine.snapshot(), PARTS);
    const parsed = engine.snapshot();
    // The state has every kind of subject the slices must keep as it was.
    expect(parsed.vehicles.length).toBe(VEHICLES);
    expect(parsed.drivers?.length).toBeGreaterThanOrEqual(4);
    expect(parsed.vehicles.some((v) => v.late !== null)).toBe(true);
    expect(parsed.plates.length).toBeGreaterThan(0);
    expect(parsed.devices.length).toBeGreaterThanOrEqual(2);

    const capture = engine.beginSnapshot(PARTS);
    const went: AlarmRow[] = [];
    let slices = 0;
    for (let i = cut; i < events.length; i += EVENTS_PER_SLICE) {
      went.push(...run(events.slice(i, i + EVENTS_PER_SLICE), engine));
      if (!capture.done) {
        // A zero budget: the fewest subjects per slice, the most input between slices.
        capture.step(0);
        slices++;
      }
    }
    expect(capture.done).toBe(true);
    expect(slices).toBeGreaterThan(4);
    expect(capture.texts()).toEqual(atCut);
    // The engine went on: alarms of every kind of input after the cut, the silent truck's offline among them.
    expect(new Set(went.map((a) => a.rule))).toEqual(new Set(['overspeed', 'overload', 'device_offline', 'offline']));

    const restored = engineFor(setup);
    const texts = capture.texts();
    // Every part holds vehicles of its partition only, and every vehicle is in one.
    const head = JSON.parse(texts.get(ENGINE_PART) ?? '') as EngineSnapshotHead;
    expect(head.vehicle_parts).toBe(PARTS);
    for (let p = 0; p < PARTS; p++) {
      const keys = (JSON.parse(texts.get(vehiclesPart(p)) ?? '') as EngineSnapshot['vehicles']).map((v) => v.key);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(partitionOf(key, PARTS)).toBe(p);
    }
    const whole = joinSnapshotParts(head, (name) => texts.get(name));
    expect(whole.vehicles.length).toBe(VEHICLES);
    restored.restore(whole, CUT_AT);
    const again: AlarmRow[] = [];
    for (let i = cut; i < events.length; i += EVENTS_PER_SLICE)
      again.push(...run(events.slice(i, i + EVENTS_PER_SLICE), restored));
    expect(pairs(again)).toEqual(pairs(went));
  });

  it('is finished at once when a new configuration arrives between two slices, and stays whole', () => {
    const events = input();
    const cut = events.findIndex((e) => (e.at ?? e.value.ts) >= CUT_AT);
    const engine = engineFor(setup);
    run(events.slice(0, cut), engine);
    const atCut = splitSnapshot(engine.snapshot(), PARTS);
    const capture = engine.beginSnapshot(PARTS);
    capture.step(0);
    run(events.slice(cut, cut + EVENTS_PER_SLICE), engine);
    // A rule switched off closes its episodes in every vehicle: the snapshot is made whole first.
    const config = defaultRulesConfig(ALL_RULES);
    (config.rules.overspeed as { enabled: boolean }).enabled = false;
    engine.setConfig(compileRulesConfig(config, 2, ALL_RULES));
    expect(capture.done).toBe(true);
    // The writer's next slice finds nothing more to do.
    expect(capture.step(0)).toBe(true);
    expect(capture.texts()).toEqual(atCut);
  });
});
