/**
 * The command centres' configuration as versioned data (DESIGN contract 6): how alarms are routed, how long a
 * work order may take, when an unhandled alarm escalates. Each change is a new version in `center_config`
 * (who, when, what); the highest version is in force, and every alarm records the version that routed it.
 * Values are checked on the way in: a bad value fails naming the key, the value and the bound.
 */
import { PLATFORM_ALARM_RULE } from '../../ingest/index.js';
import type { Sql } from '../../store/index.js';
import { ALL_RULES } from '../../stream/index.js';
import type { HttpError } from '../http/router.js';
import type { OrgLevel } from '../org/org-directory.js';
import {
  ASSESSMENT_SCORING_DEFAULTS,
  checkAssessmentScoring,
  type AssessmentScoringConfig,
} from './assessment-scoring.js';
import { CREDIT_MODEL_DEFAULTS, checkCreditModel, type CreditModelConfig } from './credit-model.js';
import { configRefusal, isObject, numberIn, onlyKeys, type ConfigProblem } from './config-checks.js';
import { CREDIT_WARNING_RULES } from '../../schema/index.js';

export interface AlarmRoutingConfig {
  /** Category (a rule id, see `ROUTING_CATEGORIES`) → department code; `*` is the default. */
  departments: Record<string, string>;
  /** Category → whose unit: `event` (where it happened) or `home` (the vehicle's home county). */
  unit: Record<string, 'event' | 'home'>;
  /** Category → the level whose centre handles it, e.g. freight alarms at county level. */
  level: Record<string, OrgLevel>;
  /** Alarms of these categories and severities become work orders on arrival. */
  auto_work_order: { category: string; severities: string[] }[];
}

export interface DeadlineConfig {
  default_hours: number;
  /** First match wins: category (`*` for any) and, when given, severity. */
  rules: { category: string; severity?: string; hours: number }[];
}

export interface EscalationConfig {
  /** An alarm still `new` after this long is escalated to the parent centre, and again after as long. */
  alarm_unhandled_minutes: number;
}

/**
 * Who commands the 省直管县 (the counties flagged `directly_administered` in the org units, from the reference
 * divisions) and who else may look at them. The guideline (G4) has the province command them directly; their city
 * may still see them, read-only, unless the province says otherwise for all or some of them.
 */
export interface DirectlyAdministeredConfig {
  /** `province`: escalation, ranking and command go to the province; `city`: they stay with their city. */
  command: 'province' | 'city';
  /** With `command: province`: whether the county's city still sees it (alarms, orders, vehicles, figures), read-only. */
  city_view: boolean;
  /** Counties (6-digit codes) whose city may not see them even with `city_view`. */
  city_view_except: string[];
}

/** The thresholds of the assessment indicators (docs/assessment.md), versioned so a bulletin's figures can be redone. */
export interface AssessmentConfig {
  /** A leg between two fixes is a break in the track when longer than this … */
  track_gap_seconds: number;
  /** … and longer than this in distance. */
  track_gap_km: number;
  /** Rule ids whose episodes count in avg_overspeed_count. */
  overspeed_rules: string[];
  /** Rule ids whose episodes' minutes count in avg_fatigue_minutes (absent in versions saved before it: the default). */
  fatigue_rules: string[];
  /** Rule ids whose episodes make a vehicle count in drift_rate (absent in older versions: the default). */
  drift_rules: string[];
}

export interface CenterConfigValues {
  alarm_routing: AlarmRoutingConfig;
  work_order_deadlines: DeadlineConfig;
  escalation: EscalationConfig;
  directly_administered: DirectlyAdministeredConfig;
  assessment: AssessmentConfig;
  /** Weights of the assessment score and the red and black list rules (assessment-scoring.ts). */
  assessment_scoring: AssessmentScoringConfig;
  /** The credit model: enterprise grades, tiered deadlines, driver points (credit-model.ts, docs/credit.md). */
  credit: CreditModelConfig;
}
export type ConfigKey = keyof CenterConfigValues;

export const CONFIG_DEFAULTS: CenterConfigValues = {
  alarm_routing: {
    // The departments of the guideline (二(二)): violations the law punishes on the road go to enforcement (执法);
    // what operators must correct (drivers' hours, terminals, active safety) to road transport (运管); hazards
    // to safety (安监); the platform's own equipment and data to technical support (技术保障). docs/command-centre.md
    // lists them. `overtime_parking` is mostly a stop on an expressway (road index): `expressway`.
    departments: {
      overspeed: 'enforcement',
      fatigue: 'road_transport',
      night_ban: 'road_transport',
      offline: 'road_transport',
      gps_drift: 'tech_support',
      geofence: 'safety',
      terminal_alarm: 'safety',
      adas: 'road_transport',
      dsm: 'road_transport',
      cloned_plate: 'enforcement',
      overload: 'enforcement',
      unlicensed: 'enforcement',
      device_offline: 'tech_support',
      // The terminal's own judgements and the video terminal's alarms are for operators to correct (运管); a
      // video device that cannot see or record is the platform's equipment (技术保障).
      terminal_overspeed: 'road_transport',
      terminal_fatigue: 'road_transport',
      terminal_daily_driving: 'road_transport',
      terminal_overtime_parking: 'road_transport',
      terminal_area_in_out: 'road_transport',
      terminal_route_in_out: 'road_transport',
      terminal_road_section_time: 'road_transport',
      terminal_route_deviation: 'road_transport',
      video_fault: 'tech_support',
      abnormal_driving: 'road_transport',
      tyre: 'road_transport',
      blind_spot: 'road_transport',
      // Stopping on an expressway is the expressway police's; a coach off its registered route and area
      // crossings are for road transport (运管), who register the routes and areas.
      overtime_parking: 'expressway',
      route_deviation: 'road_transport',
      area_entry_exit: 'road_transport',
      // A driver without a valid qualification, or not the operator's: practitioner supervision is 运管's.
      driver_mismatch: 'road_transport',
      // Taxis and ride-hailing without permits: 运管 licenses them, 执法 acts on unlicensed operation (非法营运).
      taxi_permit: 'enforcement',
      // Credit warnings: grading enterprises and practitioners is road transport's (运管) supervision.
      credit_grade_drop: 'road_transport',
      driver_points: 'road_transport',
      // A revoked or struck-off operator's vehicles still running is unlicensed operation (非法营运): 执法's.
      deregistered_operating: 'enforcement',
      [PLATFORM_ALARM_RULE]: 'road_transport',
      '*': 'road_transport',
    },
    unit: { '*': 'event' },
    level: { '*': 'county' },
    auto_work_order: [],
  },
  work_order_deadlines: { default_hours: 72, rules: [{ category: '*', severity: 'critical', hours: 24 }] },
  escalation: { alarm_unhandled_minutes: 30 },
  directly_administered: { command: 'province', city_view: true, city_view_except: [] },
  assessment: {
    track_gap_seconds: 120,
    track_gap_km: 2,
    overspeed_rules: ['overspeed'],
    fatigue_rules: ['fatigue', 'terminal_fatigue'],
    drift_rules: ['gps_drift'],
  },
  assessment_scoring: ASSESSMENT_SCORING_DEFAULTS,
  credit: CREDIT_MODEL_DEFAULTS,
};

export const CONFIG_KEYS: readonly ConfigKey[] = [
  'alarm_routing',
  'work_order_deadlines',
  'escalation',
  'directly_administered',
  'assessment',
  'assessment_scoring',
  'credit',
];
/**
 * What alarms can be routed by: the engine's rule ids, the alarms other platforms report over JT/T 809 and the
 * credit warnings of the daily credit run.
 */
export const ROUTING_CATEGORIES: readonly string[] = [
  ...ALL_RULES.map((r) => r.id),
  PLATFORM_ALARM_RULE,
  ...CREDIT_WARNING_RULES,
];
const ORG_CODE = /^[0-9]{6}$/;
const ORG_CODES_MAX = 200;
const CATEGORY = /^(\*|[a-z][a-z0-9_]{0,39})$/;
const DEPARTMENT = /^[a-z][a-z0-9_]{1,39}$/;
const HOURS_MAX = 24 * 90;
const MINUTES_MAX = 7 * 24 * 60;
const RULES_MAX = 200;
const TRACK_GAP_KM_MAX = 1_000;

/** A refusal naming the field; `problem` says which check failed, as the credit and assessment models' do. */
function badConfig(path: string, detail: string, problem: ConfigProblem = 'bad_value'): HttpError {
  return configRefusal(path, problem, detail);
}

/**
 * How a value is checked: `new` (sent to the API) refuses a routing category that is not a rule id; `stored` (a
 * version read back) drops it instead, so a version saved before the check, or naming a rule since removed,
 * still routes every alarm it can — an unknown category never matched an alarm anyway.
 */
export type CheckMode = 'new' | 'stored';

/** Whether a routing category may be kept; throws for an unknown one in `new` mode. */
function knownRule(path: string, category: string, mode: CheckMode): boolean {
  if (category === '*' || ROUTING_CATEGORIES.includes(category)) return true;
  if (mode === 'stored') return false;
  throw badConfig(
    path,
    `${JSON.stringify(category)} is not a rule id (rules: ${ROUTING_CATEGORIES.join(', ')})`,
    'unknown_rule',
  );
}

function categoryMap<V>(
  path: string,
  value: unknown,
  check: (p: string, v: unknown) => V,
  rulesOnly?: CheckMode,
): Record<string, V> {
  if (!isObject(value)) throw badConfig(path, 'must be an object of category → value');
  const out: Record<string, V> = {};
  for (const [category, v] of Object.entries(value)) {
    if (!CATEGORY.test(category)) throw badConfig(`${path}.${category}`, `category does not match ${CATEGORY.source}`);
    if (rulesOnly && !knownRule(`${path}.${category}`, category, rulesOnly)) continue;
    out[category] = check(`${path}.${category}`, v);
  }
  return out;
}

function integerIn(path: string, v: unknown, min: number, max: number): number {
  return numberIn(path, v, min, max, true);
}

function oneOf<T extends string>(path: string, v: unknown, choices: readonly T[]): T {
  if (typeof v !== 'string' || !choices.includes(v as T))
    throw badConfig(path, `value ${JSON.stringify(v)} is not one of ${choices.join(', ')}`);
  return v as T;
}

/**
 * Checks a configuration value; returns it typed or throws a 400 naming the path, value and bound. Routing
 * categories must be rule ids (`ROUTING_CATEGORIES`) or `*`; see `CheckMode` for versions read back.
 */
export function checkConfig<K extends ConfigKey>(
  key: K,
  value: unknown,
  mode: CheckMode = 'new',
): CenterConfigValues[K] {
  if (!isObject(value)) throw badConfig(key, 'must be an object');
  switch (key) {
    case 'alarm_routing': {
      onlyKeys(key, value, ['departments', 'unit', 'level', 'auto_work_order']);
      const departments = categoryMap(
        `${key}.departments`,
        value.departments,
        (p, v) => {
          if (typeof v !== 'string' || !DEPARTMENT.test(v))
            throw badConfig(p, `value ${JSON.stringify(v)} is not a department code (${DEPARTMENT.source})`);
          return v;
        },
        mode,
      );
      if (!('*' in departments)) throw badConfig(`${key}.departments.*`, 'a default department is required');
      const unit = categoryMap(
        `${key}.unit`,
        value.unit ?? { '*': 'event' },
        (p, v) => oneOf(p, v, ['event', 'home'] as const),
        mode,
      );
      const level = categoryMap(
        `${key}.level`,
        value.level ?? { '*': 'county' },
        (p, v) => oneOf(p, v, ['province', 'city', 'county'] as const),
        mode,
      );
      const auto = value.auto_work_order ?? [];
      if (!Array.isArray(auto)) throw badConfig(`${key}.auto_work_order`, 'must be an array');
      if (auto.length > RULES_MAX)
        throw badConfig(
          `${key}.auto_work_order`,
          `${auto.length} entries is more than max allowed ${RULES_MAX}`,
          'out_of_bounds',
        );
      const autoWorkOrder = auto.flatMap((entry: unknown, i) => {
        const p = `${key}.auto_work_order[${i}]`;
        if (!isObject(entry)) throw badConfig(p, 'must be an object');
        onlyKeys(p, entry, ['category', 'severities']);
        if (typeof entry.category !== 'string' || !CATEGORY.test(entry.category))
          throw badConfig(`${p}.category`, `does not match ${CATEGORY.source}`);
        if (!knownRule(`${p}.category`, entry.category, mode)) return [];
        if (!Array.isArray(entry.severities)) throw badConfig(`${p}.severities`, 'must be an array');
        return {
          category: entry.category,
          severities: entry.severities.map((s, j) =>
            oneOf(`${p}.severities[${j}]`, s, ['info', 'warning', 'critical'] as const),
          ),
        };
      });
      return { departments, unit, level, auto_work_order: autoWorkOrder } as CenterConfigValues[K];
    }
    case 'work_order_deadlines': {
      onlyKeys(key, value, ['default_hours', 'rules']);
      const defaultHours = integerIn(`${key}.default_hours`, value.default_hours, 1, HOURS_MAX);
      const rules = value.rules ?? [];
      if (!Array.isArray(rules)) throw badConfig(`${key}.rules`, 'must be an array');
      if (rules.length > RULES_MAX)
        throw badConfig(
          `${key}.rules`,
          `${rules.length} entries is more than max allowed ${RULES_MAX}`,
          'out_of_bounds',
        );
      return {
        default_hours: defaultHours,
        rules: rules.map((r: unknown, i) => {
          const p = `${key}.rules[${i}]`;
          if (!isObject(r)) throw badConfig(p, 'must be an object');
          onlyKeys(p, r, ['category', 'severity', 'hours']);
          if (typeof r.category !== 'string' || !CATEGORY.test(r.category))
            throw badConfig(`${p}.category`, `does not match ${CATEGORY.source}`);
          const severity =
            r.severity === undefined
              ? undefined
              : oneOf(`${p}.severity`, r.severity, ['info', 'warning', 'critical'] as const);
          return {
            category: r.category,
            ...(severity ? { severity } : {}),
            hours: integerIn(`${p}.hours`, r.hours, 1, HOURS_MAX),
          };
        }),
      } as CenterConfigValues[K];
    }
    case 'escalation': {
      onlyKeys(key, value, ['alarm_unhandled_minutes']);
      return {
        alarm_unhandled_minutes: integerIn(
          `${key}.alarm_unhandled_minutes`,
          value.alarm_unhandled_minutes,
          1,
          MINUTES_MAX,
        ),
      } as CenterConfigValues[K];
    }
    case 'directly_administered': {
      onlyKeys(key, value, ['command', 'city_view', 'city_view_except']);
      const command = oneOf(`${key}.command`, value.command, ['province', 'city'] as const);
      const cityView = value.city_view ?? true;
      if (typeof cityView !== 'boolean')
        throw badConfig(`${key}.city_view`, `value ${JSON.stringify(cityView)} is not true or false`);
      const except = value.city_view_except ?? [];
      if (!Array.isArray(except)) throw badConfig(`${key}.city_view_except`, 'must be an array of org codes');
      if (except.length > ORG_CODES_MAX)
        throw badConfig(
          `${key}.city_view_except`,
          `${except.length} entries is more than max allowed ${ORG_CODES_MAX}`,
        );
      const codes = except.map((code: unknown, i) => {
        if (typeof code !== 'string' || !ORG_CODE.test(code))
          throw badConfig(`${key}.city_view_except[${i}]`, `value ${JSON.stringify(code)} is not a 6-digit org code`);
        return code;
      });
      return { command, city_view: cityView, city_view_except: codes } as CenterConfigValues[K];
    }
    case 'assessment': {
      onlyKeys(key, value, ['track_gap_seconds', 'track_gap_km', 'overspeed_rules', 'fatigue_rules', 'drift_rules']);
      const km = value.track_gap_km;
      if (typeof km !== 'number' || !Number.isFinite(km) || km <= 0 || km > TRACK_GAP_KM_MAX)
        throw badConfig(
          `${key}.track_gap_km`,
          `value ${JSON.stringify(km)} is not a number above 0 and at most ${TRACK_GAP_KM_MAX}`,
        );
      const ruleList = (name: 'overspeed_rules' | 'fatigue_rules' | 'drift_rules'): string[] => {
        const rules = value[name];
        // Versions saved before a list existed take its default.
        if (rules === undefined && name !== 'overspeed_rules') return [...CONFIG_DEFAULTS.assessment[name]];
        if (!Array.isArray(rules) || rules.length === 0 || rules.length > RULES_MAX)
          throw badConfig(`${key}.${name}`, `must be an array of 1 to ${RULES_MAX} rule ids`);
        return rules.filter((rule: unknown, i) => {
          if (typeof rule !== 'string' || rule === '*')
            throw badConfig(`${key}.${name}[${i}]`, `value ${JSON.stringify(rule)} is not a rule id`);
          return knownRule(`${key}.${name}[${i}]`, rule, mode);
        }) as string[];
      };
      return {
        track_gap_seconds: integerIn(`${key}.track_gap_seconds`, value.track_gap_seconds, 1, 86_400),
        track_gap_km: km,
        overspeed_rules: ruleList('overspeed_rules'),
        fatigue_rules: ruleList('fatigue_rules'),
        drift_rules: ruleList('drift_rules'),
      } as CenterConfigValues[K];
    }
    case 'assessment_scoring':
      return checkAssessmentScoring(key, value) as CenterConfigValues[K];
    case 'credit':
      return checkCreditModel(key, value) as CenterConfigValues[K];
  }
  throw badConfig(key, `unknown configuration key (known: ${CONFIG_KEYS.join(', ')})`);
}

/** Looks a category up in a category map, falling back to `*`. */
export function byCategory<V>(map: Record<string, V>, category: string): V | undefined {
  return map[category] ?? map['*'];
}

export function deadlineHours(config: DeadlineConfig, category: string, severity: string): number {
  const rule = config.rules.find(
    (r) => (r.category === category || r.category === '*') && (r.severity === undefined || r.severity === severity),
  );
  return rule?.hours ?? config.default_hours;
}

export interface ConfigVersion<K extends ConfigKey> {
  key: K;
  version: number;
  value: CenterConfigValues[K];
}

export class CenterConfig {
  private cache = new Map<ConfigKey, { at: number; entry: ConfigVersion<ConfigKey> }>();

  /** `cacheMs` bounds how stale another node's change may be seen here. */
  constructor(
    private readonly sql: Sql,
    private readonly cacheMs = 5_000,
  ) {}

  /** Inside a transaction pass it as `tx`: the embedded store has one connection, held by the transaction. */
  async get<K extends ConfigKey>(key: K, tx: Pick<Sql, 'query'> = this.sql): Promise<ConfigVersion<K>> {
    const cached = this.cache.get(key);
    if (cached && Date.now() - cached.at < this.cacheMs) return cached.entry as ConfigVersion<K>;
    const rows = await tx.query<{ version: number; value: unknown }>(
      'SELECT version, value FROM center_config WHERE key = $1 ORDER BY version DESC LIMIT 1',
      [key],
    );
    const entry: ConfigVersion<K> = rows[0]
      ? { key, version: rows[0].version, value: checkConfig(key, rows[0].value, 'stored') }
      : { key, version: 0, value: CONFIG_DEFAULTS[key] };
    this.cache.set(key, { at: Date.now(), entry });
    return entry;
  }

  /** Stores a new version (inside the caller's transaction, so the audit entry lands with it). */
  async put<K extends ConfigKey>(
    tx: Pick<Sql, 'query'>,
    key: K,
    value: unknown,
    actor: string,
  ): Promise<ConfigVersion<K>> {
    const checked = checkConfig(key, value);
    const rows = await tx.query<{ version: number }>(
      `INSERT INTO center_config (key, version, value, created_by)
       SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3 FROM center_config WHERE key = $1 RETURNING version`,
      [key, JSON.stringify(checked), actor],
    );
    this.cache.delete(key);
    return { key, version: rows[0].version, value: checked };
  }

  async history(key: ConfigKey): Promise<{ version: number; value: unknown; created_at: Date; created_by: string }[]> {
    return this.sql.query(
      'SELECT version, value, created_at, created_by FROM center_config WHERE key = $1 ORDER BY version DESC LIMIT 50',
      [key],
    );
  }
}
