/**
 * Drivers (issue #17): fatigue counted per driver from the JT/T 808 0x0702 cards, coaches' 8 h per 24 h and 44 h
 * per 7 days per driver, and `driver_mismatch` against the driver registry. Hand-made traces through the engine.
 */
import { describe, expect, it } from 'vitest';
import type { TelemetryRow } from '../schema/index.js';
import type { EngineEvent } from '../stream/index.js';
import {
  MINUTE,
  T0,
  card,
  chinaTime,
  details,
  drive,
  driverRecord,
  engineFor,
  fix,
  latest,
  run,
  telemetry,
  vehicle,
} from './support/rules-trace.js';

const HOUR = 60 * MINUTE;

/** A stop of `minutes` at the last position of `rows`, one fix a minute from `from`. */
function stop(terminalId: string, from: number, minutes: number, last: TelemetryRow): TelemetryRow[] {
  const rows: TelemetryRow[] = [];
  for (let m = 0; m < minutes; m++)
    rows.push(fix(terminalId, from + m * MINUTE, { speed_kmh: 0, lon: last.lon, lat: last.lat }));
  return rows;
}

const cards = (...rows: ReturnType<typeof card>[]): EngineEvent[] => rows.map((value) => ({ topic: 'drivers', value }));

/** Events in event-time order, as a terminal sends them (cards and fixes interleaved). */
function ordered(events: EngineEvent[]): EngineEvent[] {
  return [...events].sort((a, b) => a.value.ts - b.value.ts);
}

describe('fatigue per driver', () => {
  const coach = vehicle({ plate: '豫A50001', terminal_id: 'c1', vehicle_class: 'coach' });
  const other = vehicle({ plate: '豫A50002', terminal_id: 'c2', vehicle_class: 'coach' });
  const drivers = [driverRecord({ id: 'A' }), driverRecord({ id: 'B' })];

  /** Driver A drives 3 h 55 min, the coach stops 5 min, then 3 h 55 min more (by B when `swap`). */
  function twoDriverCoach(withCards: boolean): EngineEvent[] {
    const first = drive('c1', T0, T0 + 235 * MINUTE, MINUTE);
    const rest = stop('c1', T0 + 235 * MINUTE, 5, first[first.length - 1]);
    const second = drive('c1', T0 + 240 * MINUTE, T0 + 475 * MINUTE, MINUTE, {
      lon: first[first.length - 1].lon,
    });
    const events: EngineEvent[] = telemetry([...first, ...rest, ...second]);
    if (withCards)
      events.push(
        ...cards(
          card('c1', T0 - MINUTE, 'A'),
          card('c1', T0 + 237 * MINUTE),
          card('c1', T0 + 237 * MINUTE + 30_000, 'B'),
        ),
      );
    return ordered(events);
  }

  it('a two-driver coach that swaps after 3 h 55 min with a 5-minute stop raises no fatigue alarm', () => {
    const alarms = latest(run(twoDriverCoach(true), engineFor({ registry: [coach], drivers })), 'fatigue');
    expect(alarms).toEqual([]);
  });

  it('without cards the same trace is one driver for 7 h 50 min (the per-vehicle fallback) and alarms', () => {
    const alarms = latest(run(twoDriverCoach(false), engineFor({ registry: [coach], drivers })), 'fatigue');
    expect(alarms).toHaveLength(1);
    expect(alarms[0].started_at).toBe(T0 + 245 * MINUTE);
    expect(details(alarms[0]).driver_id).toBeUndefined();
  });

  /** Driver A drives c1 for 3 h, takes the card out, and `gapMinutes` later drives c2 for 90 min. */
  function moves(gapMinutes: number): EngineEvent[] {
    const inC1 = drive('c1', T0, T0 + 180 * MINUTE, MINUTE);
    const parked = stop('c1', T0 + 180 * MINUTE, 60, inC1[inC1.length - 1]);
    const from = T0 + (180 + gapMinutes) * MINUTE;
    // c2 stood parked before A took it.
    const waiting = stop('c2', T0 + 120 * MINUTE, 60 + gapMinutes, fix('c2', T0));
    const inC2 = drive('c2', from, from + 90 * MINUTE, MINUTE);
    return ordered([
      ...telemetry([...inC1, ...parked, ...waiting, ...inC2]),
      ...cards(card('c1', T0 - MINUTE, 'A'), card('c1', T0 + 180 * MINUTE), card('c2', from - 30_000, 'A')),
    ]);
  }

  it('a driver who moves to another vehicle without a rest carries their clock there, and is alarmed', () => {
    const alarms = latest(run(moves(5), engineFor({ registry: [coach, other], drivers })), 'fatigue');
    expect(alarms).toHaveLength(1);
    expect(alarms[0].terminal_id).toBe('c2');
    // 180 min in c1 + 60 in c2 = 4 h, crossed 55 min after A set off in c2 (the 5 min change was no rest).
    expect(alarms[0].started_at).toBe(T0 + (185 + 60) * MINUTE);
    expect(details(alarms[0])).toMatchObject({ driver_id: 'A', limit_minutes: 240 });
  });

  it('a driver who rested 25 minutes before taking another vehicle starts a fresh clock', () => {
    expect(latest(run(moves(25), engineFor({ registry: [coach, other], drivers })), 'fatigue')).toEqual([]);
  });

  it('a card taken out mid-shift leaves the vehicle on the same clock (whoever drives on is unidentified)', () => {
    const rows = drive('c1', T0, T0 + 250 * MINUTE, MINUTE);
    const events = ordered([...telemetry(rows), ...cards(card('c1', T0 - MINUTE, 'A'), card('c1', T0 + 120 * MINUTE))]);
    const alarms = latest(run(events, engineFor({ registry: [coach], drivers })), 'fatigue');
    expect(alarms).toHaveLength(1);
    expect(alarms[0].started_at).toBe(T0 + 240 * MINUTE);
  });

  it("a driver's clock survives a restart of the engine (snapshot and restore)", () => {
    const all = moves(5);
    const cut = all.findIndex((e) => e.topic === 'drivers' && e.value.terminal_id === 'c2');
    const before = engineFor({ registry: [coach, other], drivers });
    run(all.slice(0, cut), before);
    const after = engineFor({ registry: [coach, other], drivers });
    after.restore(JSON.parse(JSON.stringify(before.snapshot())) as ReturnType<typeof before.snapshot>);
    const alarms = latest(run(all.slice(cut), after), 'fatigue');
    expect(alarms).toHaveLength(1);
    expect(details(alarms[0])).toMatchObject({ driver_id: 'A' });
  });

  /** Seven days of 7 h a day in legs of 3 h, 3 h and 1 h with 30-minute rests, from 08:00 China time. */
  function week(terminalId: string): EngineEvent[] {
    const rows: TelemetryRow[] = [];
    for (let day = 0; day < 7; day++) {
      let t = chinaTime(2026, 11, 23 + day, 8, 0);
      for (const legHours of [3, 3, 1]) {
        const leg = drive(terminalId, t, t + legHours * HOUR, 2 * MINUTE);
        rows.push(...leg);
        t += legHours * HOUR;
        for (let m = 0; m < 30; m += 2) rows.push(fix(terminalId, t + m * MINUTE, { speed_kmh: 0 }));
        t += 30 * MINUTE;
      }
      // Parked overnight, reporting every 30 minutes.
      for (let m = 0; m < 14 * 60; m += 30) rows.push(fix(terminalId, t + m * MINUTE, { speed_kmh: 0 }));
    }
    return ordered([...telemetry(rows), ...cards(card(terminalId, chinaTime(2026, 11, 23, 7, 0), 'W'))]);
  }

  it('coaches: 49 h in 7 days, never 3.5 h at a stretch nor 8 h in a day, alarms on the weekly limit only', () => {
    const registry = [vehicle({ plate: '豫A50003', terminal_id: 'w1', vehicle_class: 'coach' })];
    const alarms = latest(run(week('w1'), engineFor({ registry, drivers: [driverRecord({ id: 'W' })] })), 'fatigue');
    expect(alarms).toHaveLength(1);
    expect(details(alarms[0])).toMatchObject({ limit_minutes: 2640, driver_id: 'W' });
    expect(Number(details(alarms[0]).driving_minutes_7d)).toBeGreaterThan(2640);
    // 44 h are reached 2 h into the seventh day: 6 × 7 h, then the first leg's second hour.
    expect(alarms[0].started_at).toBe(chinaTime(2026, 11, 29, 10, 0));
  });

  it('the weekly limit is configurable and is for coaches only', () => {
    const registry = [
      vehicle({ plate: '豫A50004', terminal_id: 'w2', vehicle_class: 'coach' }),
      vehicle({ plate: '豫A50005', terminal_id: 'w3', vehicle_class: 'heavy_truck' }),
    ];
    const relaxed = engineFor({
      registry,
      configure: (c) => (c.rules.fatigue.coachWeeklyDrivingMinutesMax = 50 * 60),
    });
    expect(latest(run(week('w2'), relaxed), 'fatigue')).toEqual([]);
    expect(latest(run(week('w3'), engineFor({ registry })), 'fatigue')).toEqual([]);
  });
});

describe('driver_mismatch', () => {
  const truck = vehicle({ plate: '豫A60001', terminal_id: 't1', enterprise_id: 'e1' });
  const cardThenDrive = (certificate: string, overrides = {}): EngineEvent[] => [
    ...cards(card('t1', T0, certificate, overrides)),
    ...telemetry(drive('t1', T0 + MINUTE, T0 + 10 * MINUTE, MINUTE)),
  ];
  const mismatches = (
    events: EngineEvent[],
    drivers = [
      driverRecord({ id: 'OK' }),
      driverRecord({ id: 'OLD', qualification_valid_until: T0 - 86_400_000 }),
      driverRecord({ id: 'ELSE', enterprise_id: 'e9' }),
    ],
  ) => latest(run(events, engineFor({ registry: [truck], drivers })), 'driver_mismatch');

  it('a registered driver of the enterprise with a valid qualification raises nothing', () => {
    expect(mismatches(cardThenDrive('OK'))).toEqual([]);
  });

  it('an expired qualification alarms at the time the card went in, critical', () => {
    const [alarm, ...more] = mismatches(cardThenDrive('OLD'));
    expect(more).toEqual([]);
    expect(alarm).toMatchObject({ started_at: T0, ended_at: T0, severity: 'critical', terminal_id: 't1' });
    expect(details(alarm)).toMatchObject({ reasons: ['qualification_expired'], driver_id: 'OLD' });
  });

  it("the card's own expiry date counts too", () => {
    const [alarm] = mismatches(cardThenDrive('OK', { certificate_valid_until: T0 - 1 }));
    expect(details(alarm)).toMatchObject({ reasons: ['qualification_expired'] });
  });

  it('a certificate unknown to the registry, or of another enterprise, alarms', () => {
    expect(details(mismatches(cardThenDrive('NOBODY'))[0])).toMatchObject({ reasons: ['unknown_driver'] });
    const [other] = mismatches(cardThenDrive('ELSE'));
    expect(other.severity).toBe('warning');
    expect(details(other)).toMatchObject({ reasons: ['other_enterprise'], registry_enterprise_id: 'e9' });
  });

  it('judges each card once, and says nothing of registration when the node holds no driver registry', () => {
    const twice = [...cardThenDrive('NOBODY'), ...telemetry(drive('t1', T0 + 10 * MINUTE, T0 + 20 * MINUTE, MINUTE))];
    expect(mismatches(twice)).toHaveLength(1);
    const alarms = latest(run(cardThenDrive('NOBODY'), engineFor({ registry: [truck] })), 'driver_mismatch');
    expect(alarms).toEqual([]);
  });

  it('an unreadable card alarms only when configured', () => {
    const unread = cardThenDrive('', { read_result: 2, certificate: '' });
    expect(mismatches(unread)).toEqual([]);
    const engine = engineFor({
      registry: [truck],
      drivers: [],
      configure: (c) => (c.rules.driver_mismatch.alarmOnUnreadableCard = true),
    });
    const [alarm] = latest(run(unread, engine), 'driver_mismatch');
    expect(details(alarm)).toMatchObject({ reasons: ['unreadable_card'], read_result: 2 });
  });
});
