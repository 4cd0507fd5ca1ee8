/**
 * Rule states as earlier versions of the engine wrote them into snapshots still restore and count on: a coach's
 * fatigue driving per hour as a ring of 168 slots (or 24, before the weekly limit) and driver_mismatch's
 * `{ card: '' }` for a vehicle without a card, where the engine now keeps driving hours as pairs and no state.
 */
import { describe, expect, it } from 'vitest';
import type { AlarmRow, TelemetryRow } from '../schema/index.js';
import type { EngineSnapshot } from '../stream/index.js';
import { MINUTE, T0, details, drive, engineFor, fix, latest, run, telemetry, vehicle } from './support/rules-trace.js';

const registry = [vehicle({ plate: '豫A20009', terminal_id: 'coach9', vehicle_class: 'coach' })];

/** Three blocks of 2 h 51 min at the wheel with 30 min of rest after each: over 8 h in 24 h during the third. */
function coachDay(): TelemetryRow[] {
  const rows: TelemetryRow[] = [];
  let t = T0;
  for (let block = 0; block < 3; block++) {
    rows.push(...drive('coach9', t, t + 171 * MINUTE, MINUTE));
    t += 171 * MINUTE;
    for (let m = 0; m < 30; m++) rows.push(fix('coach9', t + m * MINUTE, { speed_kmh: 0 }));
    t += 30 * MINUTE;
  }
  return rows;
}

const roundTrip = (s: EngineSnapshot): EngineSnapshot => JSON.parse(JSON.stringify(s)) as EngineSnapshot;

/**
 * The coach's states as the engine wrote them before 2026-12-07: driving seconds in a ring indexed by hour number
 * (`hourly[h % slots]` for the newest `slots` hours up to `hour`) and driver_mismatch held for a card-less vehicle.
 */
function asWrittenBefore(snapshot: EngineSnapshot, slots: number): EngineSnapshot {
  const old = roundTrip(snapshot);
  const states = old.vehicles.find((v) => v.key === 'coach9')!.live.states;
  const fatigue = states.fatigue as { driven?: number[]; hourly?: number[]; hour: number };
  const ring = new Array<number>(slots).fill(0);
  const driven = fatigue.driven!;
  for (let j = 0; j < driven.length; j += 2)
    if (driven[j] > fatigue.hour - slots) ring[driven[j] % slots] = driven[j + 1];
  delete fatigue.driven;
  fatigue.hourly = ring;
  states.driver_mismatch = { card: '' };
  return old;
}

const summary = (alarms: AlarmRow[]): unknown[] =>
  latest(alarms, 'fatigue').map((a) => [a.alarm_id, a.version, a.started_at, a.ended_at, details(a)]);

describe('rule states of earlier snapshots', () => {
  const rows = coachDay();
  const cut = T0 + 2 * 201 * MINUTE;
  const uninterrupted = run(telemetry(rows), engineFor({ registry }));

  it.each([168, 24])('a coach fatigue ring of %i hourly slots counts on as if the engine never stopped', (slots) => {
    const before = engineFor({ registry });
    run(telemetry(rows.filter((r) => r.ts < cut)), before);
    const snapshot = roundTrip(before.snapshot());
    const fatigue = snapshot.vehicles.find((v) => v.key === 'coach9')!.live.states.fatigue as Record<string, unknown>;
    // Only the hours driven are kept, not a slot for every hour of the week.
    expect((fatigue.driven as number[]).length).toBeLessThanOrEqual(2 * 8);
    expect(fatigue.hourly).toBeUndefined();

    const restored = engineFor({ registry });
    restored.restore(asWrittenBefore(snapshot, slots), cut);
    const after = run(telemetry(rows.filter((r) => r.ts >= cut)), restored);
    // The third block alone is under 8 h: the daily alarm needs the hours counted before the restart.
    const daily = latest(after, 'fatigue');
    expect(daily).toHaveLength(1);
    expect(details(daily[0])).toMatchObject({ limit_minutes: 480 });
    expect(summary(after)).toEqual(summary(uninterrupted));
    // The restored state is written back in the current form.
    const rewritten = roundTrip(restored.snapshot()).vehicles.find((v) => v.key === 'coach9')!.live.states;
    expect(Object.keys(rewritten.fatigue as object)).toContain('driven');
    expect(Object.keys(rewritten.fatigue as object)).not.toContain('hourly');
  });

  it('driver_mismatch holds no state for a vehicle without a card, and its old empty state judges the same', () => {
    const engine = engineFor({ registry });
    run(telemetry(rows.slice(0, 10)), engine);
    expect(engine.snapshot().vehicles[0].live.states.driver_mismatch).toBeUndefined();
  });
});
