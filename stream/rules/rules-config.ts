/**
 * The rules configuration: engine timing, every rule's thresholds, zones and per-city overrides, as one JSON
 * document. `checkRulesConfig` validates a document completely (every problem, with key, value and reason);
 * `compileRulesConfig` turns a valid one into what the engine runs, resolving each city's overrides once.
 */
import { divisionByCode, plateProblem, type VehicleClass } from '../../schema/index.js';
import type { AnyRule, AreaDirection, CompiledZone, RuleContext, ZoneKind } from '../engine/rule.js';
import type { RoadLookup } from '../roads/index.js';
import {
  checkField,
  checkSection,
  isPlainObject,
  mergeSection,
  type ConfigProblem,
  type ConfigSpec,
} from './config-spec.js';
import {
  checkZoneHours,
  checkZoneShape,
  compileShape,
  minuteOf,
  ZONE_POINTS_MAX,
  type CircleShape,
  type CorridorShape,
} from './zone-geometry.js';
import { VEHICLE_CLASSES } from '../../schema/index.js';
import { moveTerminalAlarmBits } from './terminal-alarm.js';
import { ZoneGrid } from './zone-grid.js';

export interface EngineSettings {
  /**
   * A roadside sighting older than the newest by more than this is marked late, and the absence clock runs this
   * far behind the newest event time, seconds. Fixes are not held back: each is evaluated on arrival.
   */
  disorderBoundSeconds: number;
  /** No longer used (fixes are not held back); accepted so that configurations saved before stay valid. */
  idleFlushSeconds: number;
  /** Fixes dated further than this into the future are not evaluated (a terminal clock gone wrong), seconds. */
  futureToleranceSeconds: number;
  /** An open episode gets a new version with fresh evidence at most this often, unless its severity rises, seconds. */
  evidenceUpdateSeconds: number;
  /** A silence between a vehicle's fixes longer than this is a gap that late (back-filled) data may fill, seconds. */
  gapSecondsMin: number;
}

export interface ZoneConfig {
  id: string;
  name: string;
  kind: ZoneKind;
  /** Exactly one shape: the outline's [lon, lat] positions (closed by its last edge whether or not repeated) … */
  polygon?: [number, number][];
  /** … a centre and a radius … */
  circle?: CircleShape;
  /** … or a route corridor: the polyline and its full width (the zone is the buffer of half the width). */
  corridor?: CorridorShape;
  /** Only in force during this daily window, China time (`to` before `from` wraps midnight); missing: always. */
  hours?: { from: string; to: string };
  /** speed_limit zones: the limit inside, km/h. */
  speedLimitKmh?: number;
  /** Classes the zone applies to; empty or missing: every class (speed limits) or the rule's classes (restricted). */
  classes?: VehicleClass[];
  /** `route` zones: plates of the vehicles assigned to the route (route_deviation watches only them). */
  vehicles?: string[];
  /** `area` zones: which crossings alarm (area_entry_exit); missing: both. */
  direction?: AreaDirection;
  /** `no_parking` zones: minutes a vehicle may stand inside before overtime_parking alarms; missing: the rule's. */
  parkingMinutesMax?: number;
}

export interface RulesConfig {
  engine: EngineSettings;
  rules: Record<string, Record<string, unknown>>;
  zones: ZoneConfig[];
  /** 6-digit city code → rule id → partial rule configuration. */
  cities: Record<string, Record<string, Record<string, unknown>>>;
}

export const ENGINE_SPEC: ConfigSpec = {
  disorderBoundSeconds: {
    kind: 'number',
    min: 0,
    max: 600,
    description: 'roadside sightings older than the newest by more are late; the absence clock lags by it, seconds',
  },
  idleFlushSeconds: {
    kind: 'number',
    min: 0.1,
    max: 600,
    description: 'no longer used (fixes are evaluated on arrival); kept for configurations saved before, seconds',
  },
  futureToleranceSeconds: {
    kind: 'number',
    min: 0,
    max: 86_400,
    description: 'fixes dated further into the future are skipped, seconds',
  },
  evidenceUpdateSeconds: {
    kind: 'number',
    min: 1,
    max: 86_400,
    description: 'open alarms refresh their evidence at most this often, seconds',
  },
  gapSecondsMin: {
    kind: 'number',
    min: 10,
    max: 86_400,
    description: 'silences this long may be filled by back-filled data, seconds',
  },
};

export const ENGINE_DEFAULTS: EngineSettings = {
  disorderBoundSeconds: 5,
  idleFlushSeconds: 2,
  futureToleranceSeconds: 600,
  evidenceUpdateSeconds: 300,
  gapSecondsMin: 90,
};

/**
 * A circle as a zone outline (`points` vertices on the circle), for zones given as a centre and a radius (a
 * city seat, a reservoir): the configuration keeps polygons only.
 */
export function circleOutline(lon: number, lat: number, radiusM: number, points = 48): [number, number][] {
  const dLat = radiusM / 111_195;
  const dLon = dLat / Math.cos((lat * Math.PI) / 180);
  return Array.from({ length: points }, (_, i) => {
    const a = (2 * Math.PI * i) / points;
    return [lon + dLon * Math.cos(a), lat + dLat * Math.sin(a)] as [number, number];
  });
}

export const ZONES_MAX = 500;
const ZONE_KINDS: readonly ZoneKind[] = ['speed_limit', 'restricted', 'relay_point', 'no_parking', 'route', 'area'];
const AREA_DIRECTIONS: readonly AreaDirection[] = ['entry', 'exit', 'both'];
/** Vehicles one route zone may list. */
export const ROUTE_VEHICLES_MAX = 2000;
export { ZONE_POINTS_MAX };

export function defaultRulesConfig(rules: readonly AnyRule[]): RulesConfig {
  const out: RulesConfig = { engine: { ...ENGINE_DEFAULTS }, rules: {}, zones: [], cities: {} };
  for (const rule of rules) out.rules[rule.id] = structuredClone(rule.defaults) as Record<string, unknown>;
  return out;
}

/**
 * A stored version saved before a rule gained a field (or before a rule existed) lacks it; it gets the rule's
 * default for it, so an upgrade keeps the administrator's thresholds instead of refusing the whole version. Only
 * for versions read back from disk: a configuration sent to the API must still give every field. Returns the
 * upgraded copy and the keys filled in (for the start-up log).
 */
export function withFieldsAddedSince(raw: unknown, rules: readonly AnyRule[]): { config: unknown; filled: string[] } {
  if (!isPlainObject(raw) || !isPlainObject(raw.rules)) return { config: raw, filled: [] };
  const sections: Record<string, unknown> = { ...raw.rules };
  const cities = isPlainObject(raw.cities) ? { ...raw.cities } : undefined;
  const filled: string[] = moveTerminalAlarmBits(sections, cities);
  for (const rule of rules) {
    const section = sections[rule.id];
    if (section === undefined) {
      sections[rule.id] = structuredClone(rule.defaults);
      filled.push(`rules.${rule.id}`);
      continue;
    }
    if (!isPlainObject(section)) continue;
    const missing = Object.keys(rule.spec).filter((name) => !(name in section));
    if (missing.length === 0) continue;
    const defaults = rule.defaults as Record<string, unknown>;
    sections[rule.id] = {
      ...section,
      ...Object.fromEntries(missing.map((name) => [name, structuredClone(defaults[name])])),
    };
    filled.push(...missing.map((name) => `rules.${rule.id}.${name}`));
  }
  return { config: { ...raw, rules: sections, ...(cities ? { cities } : {}) }, filled };
}

function checkZone(raw: unknown, key: string, problems: ConfigProblem[], ids: Set<string>): void {
  if (!isPlainObject(raw)) {
    problems.push({ key, value: raw, reason: 'is not an object' });
    return;
  }
  const known = [
    'id',
    'name',
    'kind',
    'polygon',
    'circle',
    'corridor',
    'hours',
    'speedLimitKmh',
    'classes',
    'vehicles',
    'direction',
    'parkingMinutesMax',
  ];
  for (const name of Object.keys(raw))
    if (!known.includes(name))
      problems.push({
        key: `${key}.${name}`,
        value: raw[name],
        reason: `is not a known key (known: ${known.join(', ')})`,
      });
  if (typeof raw.id !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(raw.id))
    problems.push({ key: `${key}.id`, value: raw.id, reason: 'is not 1-64 letters, digits, _ . -' });
  else if (ids.has(raw.id)) problems.push({ key: `${key}.id`, value: raw.id, reason: 'is used by another zone' });
  else ids.add(raw.id);
  if (typeof raw.name !== 'string' || raw.name.length > 200)
    problems.push({ key: `${key}.name`, value: raw.name, reason: 'is not a string of at most 200 characters' });
  if (!(ZONE_KINDS as readonly unknown[]).includes(raw.kind))
    problems.push({ key: `${key}.kind`, value: raw.kind, reason: `is not ${ZONE_KINDS.join(', ')}` });
  checkZoneShape(raw, key, problems);
  if (raw.hours !== undefined) checkZoneHours(raw.hours, `${key}.hours`, problems);
  if (raw.kind === 'speed_limit' || raw.speedLimitKmh !== undefined)
    checkField(
      { kind: 'number', min: 5, max: 200, description: '' },
      raw.speedLimitKmh,
      `${key}.speedLimitKmh`,
      problems,
      false,
    );
  if (raw.classes !== undefined)
    checkField({ kind: 'class_list', description: '' }, raw.classes, `${key}.classes`, problems, false);
  checkZoneExtras(raw, key, problems);
}

/** The fields of the kinds added for route_deviation, area_entry_exit and overtime_parking. */
function checkZoneExtras(raw: Record<string, unknown>, key: string, problems: ConfigProblem[]): void {
  if (raw.kind === 'route' || raw.vehicles !== undefined) {
    const vehicles = raw.vehicles;
    if (raw.kind !== 'route')
      problems.push({ key: `${key}.vehicles`, value: vehicles, reason: 'is only for route zones' });
    else if (!Array.isArray(vehicles) || vehicles.length === 0 || vehicles.length > ROUTE_VEHICLES_MAX)
      problems.push({
        key: `${key}.vehicles`,
        value: Array.isArray(vehicles) ? vehicles.length : vehicles,
        reason: `is not a list of 1 to ${ROUTE_VEHICLES_MAX} plates (the vehicles assigned to the route)`,
      });
    else
      vehicles.forEach((plate: unknown, i: number) => {
        if (typeof plate !== 'string' || plate === '' || plateProblem(plate) !== null)
          problems.push({ key: `${key}.vehicles[${i}]`, value: plate, reason: 'is not a plate' });
      });
  }
  if (raw.kind === 'route' && raw.corridor === undefined)
    problems.push({
      key: `${key}.corridor`,
      value: raw.corridor,
      code: 'route_not_corridor',
      reason: 'is required: a route zone is a corridor (the route and its width)',
    });
  if (raw.direction !== undefined) {
    if (raw.kind !== 'area')
      problems.push({ key: `${key}.direction`, value: raw.direction, reason: 'is only for area zones' });
    else if (!(AREA_DIRECTIONS as readonly unknown[]).includes(raw.direction))
      problems.push({ key: `${key}.direction`, value: raw.direction, reason: `is not ${AREA_DIRECTIONS.join(', ')}` });
  }
  if (raw.parkingMinutesMax !== undefined) {
    if (raw.kind !== 'no_parking')
      problems.push({
        key: `${key}.parkingMinutesMax`,
        value: raw.parkingMinutesMax,
        reason: 'is only for no_parking zones',
      });
    else
      checkField(
        { kind: 'number', min: 1, max: 1440, description: '' },
        raw.parkingMinutesMax,
        `${key}.parkingMinutesMax`,
        problems,
        false,
      );
  }
}

function isCityCode(code: string): boolean {
  return /^\d{6}$/.test(code) && divisionByCode(code)?.level === 'city';
}

/** Every problem of a candidate configuration; empty when it is valid. */
export function checkRulesConfig(raw: unknown, rules: readonly AnyRule[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (!isPlainObject(raw)) return [{ key: '(config)', value: raw, reason: 'is not an object' }];
  for (const name of Object.keys(raw)) {
    if (!['engine', 'rules', 'zones', 'cities'].includes(name))
      problems.push({
        key: name,
        value: raw[name],
        reason: 'is not a known key (known: engine, rules, zones, cities)',
      });
  }
  checkSection(ENGINE_SPEC, raw.engine, 'engine', problems, false);
  const byId = new Map(rules.map((r) => [r.id, r]));
  if (!isPlainObject(raw.rules))
    problems.push({ key: 'rules', value: raw.rules, reason: 'is not an object of rule id to configuration' });
  else {
    for (const [id, section] of Object.entries(raw.rules)) {
      const rule = byId.get(id);
      if (!rule)
        problems.push({
          key: `rules.${id}`,
          value: id,
          reason: `is not a rule (rules: ${[...byId.keys()].join(', ')})`,
        });
      else checkSection(rule.spec, section, `rules.${id}`, problems, false);
    }
    for (const id of byId.keys())
      if (!(id in raw.rules)) problems.push({ key: `rules.${id}`, value: undefined, reason: 'is required' });
  }
  if (!Array.isArray(raw.zones)) problems.push({ key: 'zones', value: raw.zones, reason: 'is not a list' });
  else if (raw.zones.length > ZONES_MAX)
    problems.push({ key: 'zones', value: raw.zones.length, reason: `has more than max allowed ${ZONES_MAX} zones` });
  else {
    const ids = new Set<string>();
    raw.zones.forEach((z: unknown, i: number) => checkZone(z, `zones[${i}]`, problems, ids));
  }
  if (!isPlainObject(raw.cities))
    problems.push({ key: 'cities', value: raw.cities, reason: 'is not an object of city code to overrides' });
  else {
    for (const [code, overrides] of Object.entries(raw.cities)) {
      if (!isCityCode(code)) {
        problems.push({
          key: `cities.${code}`,
          value: code,
          reason: 'is not the 6-digit code of a city (e.g. 410100, 419001)',
        });
        continue;
      }
      if (!isPlainObject(overrides)) {
        problems.push({
          key: `cities.${code}`,
          value: overrides,
          reason: 'is not an object of rule id to partial configuration',
        });
        continue;
      }
      for (const [id, section] of Object.entries(overrides)) {
        const rule = byId.get(id);
        if (!rule) problems.push({ key: `cities.${code}.${id}`, value: id, reason: 'is not a rule' });
        else checkSection(rule.spec, section, `cities.${code}.${id}`, problems, true);
      }
    }
  }
  return problems;
}

/** The rules active under one city's configuration, with their resolved configuration. */
export interface RuleSet {
  /** Per rule (same order as the engine's rule list): its configuration, or null when disabled. */
  configs: readonly (Record<string, unknown> | null)[];
}

export interface CompiledRulesConfig {
  version: number;
  config: RulesConfig;
  engine: EngineSettings;
  base: RuleSet;
  /** 6-digit city code → its rule set (only cities with overrides). */
  cities: ReadonlyMap<string, RuleSet>;
  context: RuleContext;
}

function zonesByKind(zones: readonly CompiledZone[]): Record<ZoneKind, readonly CompiledZone[]> {
  const byKind = Object.fromEntries(ZONE_KINDS.map((kind) => [kind, [] as CompiledZone[]])) as Record<
    ZoneKind,
    CompiledZone[]
  >;
  for (const zone of zones) byKind[zone.kind].push(zone);
  return byKind;
}

function gridsOf(byKind: Record<ZoneKind, readonly CompiledZone[]>): Record<ZoneKind, ZoneGrid> {
  return Object.fromEntries(ZONE_KINDS.map((kind) => [kind, new ZoneGrid(byKind[kind])])) as Record<ZoneKind, ZoneGrid>;
}

function routesByPlate(routes: readonly CompiledZone[]): Map<string, CompiledZone[]> {
  const byPlate = new Map<string, CompiledZone[]>();
  for (const zone of routes)
    for (const plate of zone.vehicles) {
      const list = byPlate.get(plate);
      if (list === undefined) byPlate.set(plate, [zone]);
      else list.push(zone);
    }
  return byPlate;
}

function ruleSetOf(rules: readonly AnyRule[], sections: Record<string, Record<string, unknown>>): RuleSet {
  return { configs: rules.map((r) => (sections[r.id]?.enabled === false ? null : sections[r.id])) };
}

/** Compiles a configuration already checked by `checkRulesConfig`. */
export function compileRulesConfig(
  config: RulesConfig,
  version: number,
  rules: readonly AnyRule[],
  roads?: RoadLookup,
): CompiledRulesConfig {
  const cities = new Map<string, RuleSet>();
  for (const [code, overrides] of Object.entries(config.cities)) {
    const merged: Record<string, Record<string, unknown>> = {};
    for (const rule of rules)
      merged[rule.id] = overrides[rule.id]
        ? mergeSection(config.rules[rule.id], overrides[rule.id])
        : config.rules[rule.id];
    cities.set(code, ruleSetOf(rules, merged));
  }
  const zones: CompiledZone[] = config.zones.map((z) => ({
    id: z.id,
    name: z.name,
    kind: z.kind,
    shape: compileShape(z),
    speedLimitKmh: z.speedLimitKmh ?? Infinity,
    classes: (z.classes ?? []).filter((c) => VEHICLE_CLASSES.includes(c)),
    hours: z.hours ? [minuteOf(z.hours.from) ?? 0, minuteOf(z.hours.to) ?? 0] : null,
    vehicles: new Set(z.vehicles ?? []),
    direction: z.direction ?? 'both',
    parkingMinutesMax: z.parkingMinutesMax,
  }));
  const byKind = zonesByKind(zones);
  return {
    version,
    config,
    engine: config.engine,
    base: ruleSetOf(rules, config.rules),
    cities,
    context: {
      zones,
      zonesByKind: byKind,
      zoneGrids: gridsOf(byKind),
      routesByPlate: routesByPlate(byKind.route),
      roads,
    },
  };
}
