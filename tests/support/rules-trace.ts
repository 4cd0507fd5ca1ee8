/**
 * Hand-made traces for the rule scenarios: fixes, sightings and status reports with sensible defaults, an
 * engine on a given configuration and registry, and views of the alarm versions it produced.
 */
import type {
  AlarmRow,
  CameraEvent,
  DeviceStatus,
  DriverEventRow,
  DriverRecord,
  TelemetryRow,
  VehicleRecord,
  VehicleRegistry,
} from '../../schema/index.js';
import {
  ALL_RULES,
  RULE_ENGINE_DEFAULTS,
  RuleEngine,
  compileRulesConfig,
  defaultRulesConfig,
  replayEvents,
  type EngineEvent,
  type RuleEngineOptions,
  type RulesConfig,
} from '../../stream/index.js';
import type { RoadLookup } from '../../stream/roads/index.js';

/** 2026-11-28 10:00 China time (02:00 UTC). */
export const T0 = Date.UTC(2026, 10, 28, 2, 0, 0);
export const MINUTE = 60_000;
/** A point in Zhengzhou (金水区 area). */
export const ZHENGZHOU = { lat: 34.75, lon: 113.66 };
/** A point in Luoyang, about 120 km west. */
export const LUOYANG = { lat: 34.62, lon: 112.45 };

/** China time → epoch ms: `chinaTime(2026, 11, 28, 22, 0)` is 22:00 on 28 Nov in China (14:00 UTC). */
export function chinaTime(year: number, month: number, day: number, hour: number, minute = 0, second = 0): number {
  return Date.UTC(year, month - 1, day, hour - 8, minute, second);
}

export function fix(terminalId: string, ts: number, overrides: Partial<TelemetryRow> = {}): TelemetryRow {
  return {
    terminal_id: terminalId,
    plate: '',
    ts,
    received_at: ts,
    lat: ZHENGZHOU.lat,
    lon: ZHENGZHOU.lon,
    altitude_m: 100,
    speed_kmh: 60,
    direction_deg: 90,
    alarm_bits: 0,
    status_bits: 0b11,
    source: 'test',
    backfill: 0,
    extras: '',
    org_code: '',
    ...overrides,
  };
}

/** Fixes every `stepMs` from `from` (inclusive) to `to` (exclusive), moving east at `speedKmh`. */
export function drive(
  terminalId: string,
  from: number,
  to: number,
  stepMs: number,
  overrides: Partial<TelemetryRow> = {},
): TelemetryRow[] {
  const rows: TelemetryRow[] = [];
  const speed = overrides.speed_kmh ?? 60;
  for (let ts = from; ts < to; ts += stepMs) {
    const km = (speed * (ts - from)) / 3_600_000;
    rows.push(fix(terminalId, ts, { lon: ZHENGZHOU.lon + km / 91.5, ...overrides, speed_kmh: speed }));
  }
  return rows;
}

export function camera(overrides: Partial<CameraEvent> & Pick<CameraEvent, 'plate' | 'ts'>): CameraEvent {
  return {
    // Unique per source, as a source's ids are (the engine skips an id it already evaluated).
    event_id: `${overrides.device_id ?? 'cam-1'}-${overrides.plate}-${overrides.ts}`,
    kind: 'anpr',
    device_id: 'cam-1',
    plate_color: 2,
    received_at: overrides.ts,
    lat: ZHENGZHOU.lat,
    lon: ZHENGZHOU.lon,
    org_code: '410105',
    lane: 1,
    direction: 'E',
    confidence: 95,
    image_ref: '',
    axles: 0,
    gross_kg: 0,
    axle_weights_kg: [],
    speed_kmh: 0,
    obu_id: '',
    source: 'test',
    ...overrides,
  };
}

export function deviceStatus(overrides: Partial<DeviceStatus> & Pick<DeviceStatus, 'ts' | 'status'>): DeviceStatus {
  return {
    event_id: `st-${overrides.ts}`,
    device_id: 'cam-1',
    device_kind: 'camera',
    received_at: overrides.ts,
    org_code: '410105',
    detail: '',
    source: 'test',
    ...overrides,
  };
}

export function vehicle(overrides: Partial<VehicleRecord> & Pick<VehicleRecord, 'plate'>): VehicleRecord {
  return {
    plate_color: 2,
    vehicle_class: 'heavy_truck',
    axles: 2,
    enterprise_id: 'e1',
    terminal_id: '',
    permit_valid_until: Date.UTC(2030, 0, 1),
    route_length_km: 0,
    home_org_code: '410105',
    ...overrides,
  };
}

/** A driver card inserted (a certificate given) or taken out (none) at a terminal. */
export function card(
  terminalId: string,
  ts: number,
  certificate?: string,
  overrides: Partial<DriverEventRow> = {},
): DriverEventRow {
  return {
    terminal_id: terminalId,
    plate: '',
    ts,
    received_at: ts,
    status: certificate === undefined ? 2 : 1,
    read_result: 0,
    driver_name: certificate === undefined ? '' : `驾驶员${certificate}`,
    certificate: certificate ?? '',
    authority: certificate === undefined ? '' : '郑州市交通运输局',
    certificate_valid_until: null,
    org_code: '',
    source: 'test',
    ...overrides,
  };
}

export function driverRecord(overrides: Partial<DriverRecord> & Pick<DriverRecord, 'id'>): DriverRecord {
  return {
    name: `驾驶员${overrides.id}`,
    enterprise_id: 'e1',
    plate: '',
    qualification_valid_until: Date.UTC(2030, 0, 1),
    ...overrides,
  };
}

export function registryOf(records: VehicleRecord[], drivers?: DriverRecord[]): VehicleRegistry {
  return {
    byTerminal: (t) => records.find((r) => r.terminal_id !== '' && r.terminal_id === t),
    byPlate: (p) => records.find((r) => r.plate === p),
    ...(drivers ? { byDriver: (id: string) => drivers.find((d) => d.id === id) } : {}),
  };
}

export interface EngineSetup {
  registry?: VehicleRecord[];
  /** The driver registry; without it the engine's registry cannot look drivers up at all. */
  drivers?: DriverRecord[];
  configure?: (config: RulesConfig) => void;
  version?: number;
  options?: Partial<RuleEngineOptions>;
  /** A road index (`vigil roads import`) the rules match fixes to; none by default, as in the generator's runs. */
  roads?: RoadLookup;
}

export function engineFor(setup: EngineSetup = {}): RuleEngine {
  const config = defaultRulesConfig(ALL_RULES);
  setup.configure?.(config);
  let now = 0;
  return new RuleEngine(
    ALL_RULES,
    compileRulesConfig(config, setup.version ?? 1, ALL_RULES, setup.roads),
    { registry: registryOf(setup.registry ?? [], setup.drivers), now: () => now++ },
    { ...RULE_ENGINE_DEFAULTS, ...setup.options },
  );
}

export const telemetry = (rows: TelemetryRow[], partition = 0): EngineEvent[] =>
  rows.map((value) => ({ topic: 'telemetry', partition, value }));

/** Runs events through an engine (fresh unless given) and returns all alarm versions. */
export function run(events: EngineEvent[], engine: RuleEngine = engineFor(), untilMs?: number): AlarmRow[] {
  return replayEvents(engine, events, { tickMs: 1_000, untilMs });
}

/** The latest version of each alarm id, for a rule. */
export function latest(alarms: AlarmRow[], rule?: string): AlarmRow[] {
  const byId = new Map<string, AlarmRow>();
  for (const a of alarms)
    if (!rule || a.rule === rule) if ((byId.get(a.alarm_id)?.version ?? 0) < a.version) byId.set(a.alarm_id, a);
  return [...byId.values()];
}

export function details(alarm: AlarmRow): Record<string, unknown> {
  return JSON.parse(alarm.details) as Record<string, unknown>;
}
