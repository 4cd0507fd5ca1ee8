/**
 * The alarms a terminal reports itself, on hand-made traces through the engine: the 0x0200 bits that are rules
 * of their own (terminal_overspeed … terminal_route_deviation, with items 0x11-0x13 as evidence), JT/T 1078's
 * video items (video_fault, abnormal_driving), tyre pressure (0x66) and blind spot (0x67); a stored
 * configuration that listed the moved bits under terminal_alarm still loads; and overload per GB 1589's 46 t
 * case for six axles with a single drive axle.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TelemetryRow } from '../schema/index.js';
import { ALL_RULES, RulesConfigStore, checkRulesConfig, defaultRulesConfig } from '../stream/index.js';
import { withFieldsAddedSince } from '../stream/rules/rules-config.js';
import { T0, camera, details, engineFor, fix, latest, run, telemetry, vehicle } from './support/rules-trace.js';

const SECOND = 1_000;
const extras = (items: Record<string, unknown>) => JSON.stringify({ ...items, others: [] });
const ofRule = (rows: TelemetryRow[], rule: string) => run(telemetry(rows)).filter((a) => a.rule === rule);

describe('terminal alarm bits as rules of their own', () => {
  const cases: [string, number, string][] = [
    ['terminal_overspeed', 1, 'overspeed'],
    ['terminal_fatigue', 2, 'fatigue'],
    ['terminal_daily_driving', 18, 'daily_driving_exceeded'],
    ['terminal_overtime_parking', 19, 'overtime_parking'],
    ['terminal_area_in_out', 20, 'area_in_out'],
    ['terminal_route_in_out', 21, 'route_in_out'],
    ['terminal_road_section_time', 22, 'road_section_time'],
    ['terminal_route_deviation', 23, 'route_deviation'],
  ];

  it.each(cases)('%s opens while bit %i is set and closes when it clears, on by default', (rule, bit, name) => {
    const rows = [
      fix('t', T0),
      fix('t', T0 + 30 * SECOND, { alarm_bits: 1 << bit }),
      fix('t', T0 + 60 * SECOND, { alarm_bits: 1 << bit }),
      fix('t', T0 + 90 * SECOND),
    ];
    const alarms = run(telemetry(rows));
    const versions = alarms.filter((a) => a.rule === rule);
    expect(versions.map((a) => [a.version, a.severity, a.started_at, a.ended_at])).toEqual([
      [1, 'warning', T0 + 30 * SECOND, null],
      [2, 'warning', T0 + 30 * SECOND, T0 + 90 * SECOND],
    ]);
    expect(details(versions[0])).toMatchObject({ bit, name });
    // Raised once, under its own id: terminal_alarm no longer takes these bits.
    expect(alarms.filter((a) => a.rule !== rule)).toEqual([]);
  });

  it('puts the overspeed area (0x11), the area entered (0x12) and the road section (0x13) into the evidence', () => {
    const rows = [
      fix('a', T0, { alarm_bits: 1 << 1, extras: extras({ overspeed: { positionType: 4, areaId: 77 } }) }),
      fix('b', T0, {
        alarm_bits: 1 << 20,
        extras: extras({ areaRouteInOut: { positionType: 3, areaId: 12, direction: 1 } }),
      }),
      // The item may follow the bit: the first fix that brings it refreshes the evidence at once.
      fix('c', T0, { alarm_bits: 1 << 22 }),
      fix('c', T0 + 30 * SECOND, {
        alarm_bits: 1 << 22,
        extras: extras({ roadSectionTime: { sectionId: 5, durationS: 95, result: 0 } }),
      }),
      fix('c', T0 + 60 * SECOND, { alarm_bits: 1 << 22 }),
      fix('c', T0 + 90 * SECOND),
    ];
    const alarms = run(telemetry(rows));
    const [over] = latest(alarms, 'terminal_overspeed');
    expect(details(over)).toMatchObject({ limit_area_type: 'route', limit_area_id: 77 });
    const [area] = latest(alarms, 'terminal_area_in_out');
    expect(details(area)).toMatchObject({ area_type: 'polygon', area_id: 12, direction: 'out' });
    const section = alarms.filter((a) => a.rule === 'terminal_road_section_time');
    expect(details(section[0])).not.toHaveProperty('section_id');
    // The closing version keeps what the item said, though the last fixes with the bit did not repeat it.
    const last = section[section.length - 1];
    expect(last).toMatchObject({ ended_at: T0 + 90 * SECOND });
    expect(details(last)).toMatchObject({ section_id: 5, section_seconds: 95, section_result: 'too_short' });
  });

  it('keeps terminal_alarm for the other bits', () => {
    const versions = ofRule([fix('t', T0, { alarm_bits: 1 | (1 << 1) })], 'terminal_alarm');
    expect(versions.map((a) => details(a).bit)).toEqual([0]);
  });

  it('refuses a new configuration that lists a moved bit under terminal_alarm, naming the rule to use', () => {
    const config = defaultRulesConfig(ALL_RULES);
    (config.rules.terminal_alarm.bits as Record<string, string>)['19'] = 'warning';
    const problems = checkRulesConfig(config, ALL_RULES);
    expect(problems.map((p) => p.key)).toEqual(['rules.terminal_alarm.bits.19']);
    expect(problems[0].reason).toContain('terminal_overtime_parking');
  });
});

describe('a stored configuration from before the split', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('loads, moving the bits it listed under terminal_alarm to their rules with the chosen severity', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-rules-terminal-bits-'));
    dirs.push(dir);
    const old = defaultRulesConfig(ALL_RULES);
    for (const id of Object.keys(old.rules))
      if (id.startsWith('terminal_') && id !== 'terminal_alarm') delete old.rules[id];
    Object.assign(old.rules.terminal_alarm.bits as Record<string, string>, { 1: 'critical', 19: 'info' });
    old.cities = { '410100': { terminal_alarm: { bits: { 2: 'critical', 9: 'info' } } } };
    writeFileSync(
      path.join(dir, 'v000002.json'),
      JSON.stringify({ version: 2, saved_at: 1, saved_by: 'admin', comment: 'before the split', config: old }),
    );
    const store = new RulesConfigStore(ALL_RULES, dir);
    const loaded = store.current();
    expect(loaded.version).toBe(2);
    const rules = loaded.config.rules;
    expect(rules.terminal_overspeed).toEqual({ enabled: true, severity: 'critical' });
    expect(rules.terminal_overtime_parking).toEqual({ enabled: true, severity: 'info' });
    // Bits the old version did not list were off; they are rules now, on by default.
    expect(rules.terminal_route_deviation).toEqual({ enabled: true, severity: 'warning' });
    expect(Object.keys(rules.terminal_alarm.bits as object)).not.toContain('1');
    expect(Object.keys(rules.terminal_alarm.bits as object)).not.toContain('19');
    expect(loaded.config.cities['410100']).toEqual({
      terminal_alarm: { bits: { 9: 'info' } },
      terminal_fatigue: { severity: 'critical' },
    });
    // And the loaded version runs: bit 1 raises terminal_overspeed at the stored severity, once.
    const engine = engineFor({ configure: (c) => Object.assign(c, structuredClone(loaded.config)) });
    const alarms = run(telemetry([fix('t', T0, { alarm_bits: 1 << 1 })]), engine);
    expect(alarms.map((a) => [a.rule, a.severity])).toEqual([['terminal_overspeed', 'critical']]);
  });
});

describe('a stored configuration whose terminal_alarm was disabled', () => {
  it('moves its bits to rules that start disabled as well', () => {
    const old = defaultRulesConfig(ALL_RULES);
    delete old.rules.terminal_fatigue;
    old.rules.terminal_alarm.enabled = false;
    Object.assign(old.rules.terminal_alarm.bits as Record<string, string>, { 2: 'warning' });
    const { config, filled } = withFieldsAddedSince(old, ALL_RULES);
    expect((config as typeof old).rules.terminal_fatigue).toEqual({ enabled: false, severity: 'warning' });
    expect(filled).toContain('rules.terminal_alarm.bits.2 → rules.terminal_fatigue');
    expect(checkRulesConfig(config, ALL_RULES)).toEqual([]);
  });
});

describe('video_fault and abnormal_driving (JT/T 1078 items 0x14-0x18)', () => {
  it('opens one episode per fault while the items say so, naming channels and storage units', () => {
    const rows = [
      fix('v', T0, {
        extras: extras({ videoAlarmBits: 0b101, videoLossChannelBits: 0b1010, storageFaultBits: 0x1001 }),
      }),
      fix('v', T0 + 30 * SECOND, { extras: extras({ videoAlarmBits: 0b100, storageFaultBits: 0x1001 }) }),
      fix('v', T0 + 60 * SECOND),
    ];
    const alarms = latest(ofRule(rows, 'video_fault'));
    const byName = new Map(alarms.map((a) => [details(a).name, a]));
    expect([...byName.keys()].sort()).toEqual(['signal_loss', 'storage_fault']);
    expect(byName.get('signal_loss')).toMatchObject({ severity: 'warning', ended_at: T0 + 30 * SECOND });
    expect(details(byName.get('signal_loss')!)).toMatchObject({ channels: [2, 4] });
    expect(byName.get('storage_fault')).toMatchObject({ ended_at: T0 + 60 * SECOND });
    expect(details(byName.get('storage_fault')!)).toMatchObject({ main_storage_units: [1], backup_storage_units: [1] });
  });

  it('takes an occluded channel in 0x16 as occlusion even without the summary bit; ignores passenger overload', () => {
    const rows = [fix('v', T0, { extras: extras({ videoOcclusionChannelBits: 1, videoAlarmBits: 1 << 4 }) })];
    const alarms = ofRule(rows, 'video_fault');
    expect(alarms.map((a) => details(a).name)).toEqual(['occlusion']);
    expect(details(alarms[0])).toMatchObject({ channels: [1] });
  });

  it('raises abnormal driving per behaviour, critical from the configured fatigue level', () => {
    const rows = [
      fix('d', T0, { extras: extras({ abnormalDriving: { behaviourBits: 0b011, fatigueLevel: 85 } }) }),
      fix('d', T0 + 30 * SECOND, { extras: extras({ abnormalDriving: { behaviourBits: 0b010, fatigueLevel: 0 } }) }),
      fix('d', T0 + 60 * SECOND),
    ];
    const alarms = latest(ofRule(rows, 'abnormal_driving'));
    const byName = new Map(alarms.map((a) => [details(a).name, a]));
    expect(byName.get('fatigue')).toMatchObject({ severity: 'critical', ended_at: T0 + 30 * SECOND });
    expect(details(byName.get('fatigue')!)).toMatchObject({ fatigue_level: 85 });
    expect(byName.get('phone_call')).toMatchObject({ severity: 'warning', ended_at: T0 + 60 * SECOND });
    expect(ofRule([fix('d', T0, { extras: extras({ videoAlarmBits: 1 << 5 }) })], 'abnormal_driving')).toEqual([]);
  });
});

describe('tyre (0x66) and blind_spot (0x67)', () => {
  const tyre = (position: number, alarmBits: number) => ({
    position,
    alarmBits,
    pressureKpa: 620,
    temperatureC: 95,
    batteryPercent: 80,
  });

  it('ignores the periodic pressure report, opens on the start flag and closes on the end flag', () => {
    const rows = [
      fix('p', T0, { extras: extras({ tpms: { alarmId: 1, flag: 0, tyres: [tyre(0, 1)] } }) }),
      fix('p', T0 + 30 * SECOND, {
        extras: extras({ tpms: { alarmId: 2, flag: 1, time: T0 + 30 * SECOND, tyres: [tyre(0, 1), tyre(3, 0b100)] } }),
      }),
      fix('p', T0 + 90 * SECOND, {
        extras: extras({ tpms: { alarmId: 3, flag: 2, time: T0 + 90 * SECOND, tyres: [] } }),
      }),
    ];
    const versions = ofRule(rows, 'tyre');
    expect(versions.map((a) => [a.version, a.severity, a.started_at, a.ended_at])).toEqual([
      [1, 'warning', T0 + 30 * SECOND, null],
      [2, 'warning', T0 + 30 * SECOND, T0 + 90 * SECOND],
    ]);
    expect(details(versions[0])).toMatchObject({
      alarms: ['pressure_low'],
      tyres: [{ position: 3, alarms: ['pressure_low'], pressure_kpa: 620, temperature_c: 95 }],
    });
  });

  it('makes a hot tyre critical and closes an alarm the terminal never ends', () => {
    const rows = [
      fix('p', T0, { extras: extras({ tpms: { alarmId: 4, flag: 1, time: T0, tyres: [tyre(1, 0b1000)] } }) }),
      fix('p', T0 + 40 * 60 * SECOND),
    ];
    const [alarm] = latest(ofRule(rows, 'tyre'));
    expect(alarm).toMatchObject({ severity: 'critical', ended_at: T0 + 30 * 60 * SECOND });
  });

  it('raises blind-spot alarms per type with their one severity', () => {
    const rows = [
      fix('b', T0, { extras: extras({ blindSpot: { alarmId: 5, flag: 1, type: 3, time: T0 } }) }),
      fix('b', T0 + 20 * SECOND, {
        extras: extras({ blindSpot: { alarmId: 6, flag: 2, type: 3, time: T0 + 20 * SECOND } }),
      }),
      fix('b', T0 + 40 * SECOND, {
        extras: extras({ blindSpot: { alarmId: 7, flag: 0, type: 1, time: T0 + 40 * SECOND } }),
      }),
    ];
    const alarms = latest(ofRule(rows, 'blind_spot'));
    expect(alarms.map((a) => [details(a).name, a.severity, a.started_at, a.ended_at])).toEqual([
      ['right_rear_approach', 'warning', T0, T0 + 20 * SECOND],
      ['rear_approach', 'warning', T0 + 40 * SECOND, T0 + 40 * SECOND],
    ]);
  });
});

describe('overload per GB 1589', () => {
  const wim = (plate: string, axles: number, grossKg: number, ts = T0) => ({
    topic: 'camera' as const,
    value: camera({ plate, ts, kind: 'wim', device_id: 'wim-1', axles, gross_kg: grossKg }),
  });

  it('allows a six-axle combination with a single drive axle 46 t, with tandem drive 49 t, unknown 49 t', () => {
    // Issue #17's probe: a 6-axle combination with a single drive axle at 47.5 t was judged against 49 t.
    const registry = [
      vehicle({ plate: '豫C1', vehicle_class: 'tractor', axles: 6, drive_axles: 1 }),
      vehicle({ plate: '豫C2', vehicle_class: 'tractor', axles: 6, drive_axles: 2 }),
      vehicle({ plate: '豫C3', vehicle_class: 'tractor', axles: 6 }),
    ];
    const events = [wim('豫C1', 6, 47_500), wim('豫C2', 6, 47_500), wim('豫C3', 6, 47_500)];
    // Without a scale tolerance 47.5 t is over the 46 t of the single-drive case, and only there.
    const exact = engineFor({ registry, configure: (c) => (c.rules.overload.tolerancePercent = 0) });
    const alarms = latest(run(events, exact), 'overload');
    expect(alarms.map((a) => a.plate)).toEqual(['豫C1']);
    expect(details(alarms[0])).toMatchObject({ limit_kg: 46_000, drive_axles: 1, configuration: 'combination' });
    // With the default 5 % the scale may read up to 48.3 t before the single-drive case is overloaded.
    const heavier = [
      wim('豫C1', 6, 48_300),
      wim('豫C1', 6, 48_310, T0 + 3_600_000),
      wim('豫C2', 6, 48_310),
      wim('豫C3', 6, 48_310),
    ];
    const byDefault = latest(run(heavier, engineFor({ registry })), 'overload');
    expect(byDefault.map((a) => [a.plate, details(a).gross_kg, details(a).limit_kg])).toEqual([
      ['豫C1', 48_310, 46_000],
    ]);
  });

  it('judges an unregistered 3-axle combination at 27.5 t against the 27 t combination limit', () => {
    const alarms = latest(run([wim('豫C9', 3, 27_500), wim('豫C8', 3, 28_400)]), 'overload');
    expect(alarms.map((a) => a.plate)).toEqual(['豫C8']);
    expect(details(alarms[0])).toMatchObject({ limit_kg: 27_000, configuration: 'unregistered' });
  });

  it('uses the 46 t limit as configured', () => {
    const registry = [vehicle({ plate: '豫C5', vehicle_class: 'tractor', axles: 6, drive_axles: 1 })];
    const engine = engineFor({ registry, configure: (c) => (c.rules.overload.axles6SingleDriveKg = 45_000) });
    const [alarm] = latest(run([wim('豫C5', 6, 47_300)], engine), 'overload');
    expect(details(alarm)).toMatchObject({ limit_kg: 45_000 });
  });
});
