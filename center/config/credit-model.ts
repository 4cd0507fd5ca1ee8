/**
 * The credit model (配置 `credit`): how violations and their handling become an enterprise's 100-point score and
 * grade, how a lower grade tightens supervision, and how violations become a driver's points in a 12-month cycle.
 * Checked on the way in; a refusal is `400 bad_config` naming the path, the value and the bound, with `problem`
 * `unknown_rule`, `out_of_bounds` or `bad_value`. docs/credit.md states how each value is used.
 */
import { CREDIT_WARNING_RULES, type CreditModel } from '../../schema/index.js';
import { configRefusal, isObject, numberIn, onlyKeys, type ConfigProblem } from './config-checks.js';

export type CreditModelConfig = CreditModel;

export const CREDIT_MODEL_DEFAULTS: CreditModelConfig = {
  // A year of behaviour, like the annual 质量信誉考核 of road transport enterprises.
  window_days: 365,
  // Per alarm and per vehicle: a fleet of ten with one critical alarm each loses 3 points, not 30.
  alarm_points: { '*': { info: 0, warning: 1, critical: 3 } },
  violations_cap: 60,
  // A work order not closed in time is the enterprise's own failure to rectify, so it weighs more than an alarm.
  late_order_points: 5,
  handling_cap: 40,
  grades: [
    { grade: 'AA', min_score: 90 },
    { grade: 'A', min_score: 80 },
    { grade: 'B', min_score: 70 },
    { grade: 'C', min_score: 60 },
    { grade: 'D', min_score: 0 },
  ],
  // Stricter supervision for lower grades: their work orders are due sooner.
  deadline_factors: { AA: 1, A: 1, B: 1, C: 0.75, D: 0.5 },
  driver_cycle_start: '01-01',
  // The practitioners' scale of DOMAIN.md (20/10/5/3/1): a wrong driver at the wheel weighs most.
  driver_points: {
    driver_mismatch: 20,
    night_ban: 10,
    fatigue: 5,
    terminal_fatigue: 5,
    overspeed: 3,
    terminal_overspeed: 3,
    dsm: 3,
    adas: 1,
  },
  driver_thresholds: [12, 20],
  // A month of 考核 figures, as the monthly 通报 ranks lower platforms.
  platform_window_days: 30,
  // Tiered 查岗 of lower platforms: a good platform weekly, a D platform four times a day.
  inspection_hours: { AA: 168, A: 72, B: 24, C: 12, D: 6 },
  inspection_hours_ungraded: 24,
  inspection_deadline_minutes: 10,
  inspection_question: '定时查岗：请值班人员回复当前在岗值班员姓名及联系电话。',
};

const WINDOW_DAYS_MAX = 3 * 366;
const POINTS_MAX = 1_000;
const GRADES_MAX = 10;
const RULES_MAX = 200;
const THRESHOLDS_MAX = 5;
const FACTOR_MIN = 0.1;
const FACTOR_MAX = 10;
const RULE_ID = /^[a-z][a-z0-9_]{0,39}$/;
const GRADE = /^[A-Z][A-Z+-]{0,3}$/;
const MONTH_DAY = /^(\d{2})-(\d{2})$/;
const PLATFORM_WINDOW_DAYS_MAX = 366;
/** A 查岗 at least every hour and at most every 30 days. */
const INSPECTION_HOURS_MIN = 1;
const INSPECTION_HOURS_MAX = 720;
const INSPECTION_DEADLINE_MINUTES_MAX = 24 * 60;
/** 0x9301 carries the question in GBK; 200 characters stay well inside the 1,024 bytes a 查岗 may take. */
const QUESTION_CHARS_MAX = 200;

/** The problems this model refuses a value for. */
type Problem = Extract<ConfigProblem, 'unknown_rule' | 'out_of_bounds' | 'bad_value'>;

const refuse = (path: string, problem: Problem, detail: string) => configRefusal(path, problem, detail);

/** A rule id may be any engine rule's (so the model can be written before a rule ships), never a credit warning's. */
function ruleId(path: string, id: string, allowStar: boolean): string {
  if ((allowStar && id === '*') || (RULE_ID.test(id) && !(CREDIT_WARNING_RULES as readonly string[]).includes(id)))
    return id;
  throw refuse(
    path,
    'unknown_rule',
    `${JSON.stringify(id)} is not a violation's rule id (credit warnings never count)`,
  );
}

function pointsMap(path: string, v: unknown): Record<string, number> {
  if (!isObject(v)) throw refuse(path, 'bad_value', 'must be an object of rule id → points');
  const entries = Object.entries(v);
  if (entries.length > RULES_MAX)
    throw refuse(path, 'out_of_bounds', `${entries.length} rules is more than max allowed ${RULES_MAX}`);
  return Object.fromEntries(
    entries.map(([id, p]) => [ruleId(`${path}.${id}`, id, false), numberIn(`${path}.${id}`, p, 0, POINTS_MAX)]),
  );
}

function alarmPoints(path: string, v: unknown): CreditModelConfig['alarm_points'] {
  if (!isObject(v)) throw refuse(path, 'bad_value', 'must be an object of rule id → {info, warning, critical}');
  if (!isObject(v['*'])) throw refuse(`${path}.*`, 'bad_value', 'a default for any other rule is required');
  const entries = Object.entries(v);
  if (entries.length > RULES_MAX)
    throw refuse(path, 'out_of_bounds', `${entries.length} rules is more than max allowed ${RULES_MAX}`);
  return Object.fromEntries(
    entries.map(([id, bySeverity]) => {
      const p = `${path}.${id}`;
      ruleId(p, id, true);
      if (!isObject(bySeverity)) throw refuse(p, 'bad_value', 'must be an object {info, warning, critical}');
      onlyKeys(p, bySeverity, ['info', 'warning', 'critical']);
      return [
        id,
        {
          info: numberIn(`${p}.info`, bySeverity.info, 0, POINTS_MAX),
          warning: numberIn(`${p}.warning`, bySeverity.warning, 0, POINTS_MAX),
          critical: numberIn(`${p}.critical`, bySeverity.critical, 0, POINTS_MAX),
        },
      ];
    }),
  );
}

function grades(path: string, v: unknown): CreditModelConfig['grades'] {
  if (!Array.isArray(v) || v.length < 2 || v.length > GRADES_MAX)
    throw refuse(path, 'out_of_bounds', `must be an array of 2 to ${GRADES_MAX} grades, best first`);
  const out = v.map((g: unknown, i) => {
    const p = `${path}[${i}]`;
    if (!isObject(g)) throw refuse(p, 'bad_value', 'must be an object {grade, min_score}');
    onlyKeys(p, g, ['grade', 'min_score']);
    if (typeof g.grade !== 'string' || !GRADE.test(g.grade))
      throw refuse(`${p}.grade`, 'bad_value', `value ${JSON.stringify(g.grade)} does not match ${GRADE.source}`);
    return { grade: g.grade, min_score: numberIn(`${p}.min_score`, g.min_score, 0, 100) };
  });
  out.forEach((g, i) => {
    if (i > 0 && g.min_score >= out[i - 1].min_score)
      throw refuse(
        `${path}[${i}].min_score`,
        'out_of_bounds',
        `value ${g.min_score} is not below the better grade's ${out[i - 1].min_score}`,
      );
    if (out.findIndex((o) => o.grade === g.grade) !== i)
      throw refuse(`${path}[${i}].grade`, 'bad_value', `grade ${g.grade} is listed twice`);
  });
  // Every score must earn a grade: the worst grade starts at 0.
  const last = out[out.length - 1];
  if (last.min_score !== 0)
    throw refuse(
      `${path}[${out.length - 1}].min_score`,
      'out_of_bounds',
      `the worst grade must start at 0, not ${last.min_score}`,
    );
  return out;
}

function monthDay(path: string, v: unknown): string {
  const m = typeof v === 'string' ? MONTH_DAY.exec(v) : null;
  const month = m ? Number(m[1]) : 0;
  const day = m ? Number(m[2]) : 0;
  // 02-29 is refused: a cycle must start on a day every year has.
  const valid = month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(2025, month, 0)).getUTCDate();
  if (!valid)
    throw refuse(path, 'bad_value', `value ${JSON.stringify(v)} is not a month and day MM-DD (02-29 excluded)`);
  return v as string;
}

/** Checks a value of `credit`; a key left out takes its default. */
export function checkCreditModel(key: string, value: Record<string, unknown>): CreditModelConfig {
  const d = CREDIT_MODEL_DEFAULTS;
  onlyKeys(key, value, Object.keys(d));
  const gradeList = grades(`${key}.grades`, value.grades ?? d.grades);
  const factorsIn = value.deadline_factors ?? d.deadline_factors;
  if (!isObject(factorsIn)) throw refuse(`${key}.deadline_factors`, 'bad_value', 'must be an object of grade → factor');
  const deadlineFactors = Object.fromEntries(
    Object.entries(factorsIn).map(([grade, f]) => {
      const p = `${key}.deadline_factors.${grade}`;
      if (!gradeList.some((g) => g.grade === grade))
        throw refuse(p, 'bad_value', `${grade} is not a grade (grades: ${gradeList.map((g) => g.grade).join(', ')})`);
      return [grade, numberIn(p, f, FACTOR_MIN, FACTOR_MAX)];
    }),
  );
  const thresholdsIn = value.driver_thresholds ?? d.driver_thresholds;
  if (!Array.isArray(thresholdsIn) || thresholdsIn.length > THRESHOLDS_MAX)
    throw refuse(`${key}.driver_thresholds`, 'out_of_bounds', `must be an array of at most ${THRESHOLDS_MAX} points`);
  const thresholds = thresholdsIn.map((t: unknown, i) => numberIn(`${key}.driver_thresholds[${i}]`, t, 1, POINTS_MAX));
  thresholds.forEach((t, i) => {
    if (i > 0 && t <= thresholds[i - 1])
      throw refuse(`${key}.driver_thresholds[${i}]`, 'out_of_bounds', `value ${t} is not above ${thresholds[i - 1]}`);
  });
  // Left out, the default hours of the grades the model has (a model with its own grade names may omit them).
  const hoursIn =
    value.inspection_hours ??
    Object.fromEntries(Object.entries(d.inspection_hours).filter(([g]) => gradeList.some((x) => x.grade === g)));
  if (!isObject(hoursIn)) throw refuse(`${key}.inspection_hours`, 'bad_value', 'must be an object of grade → hours');
  const inspectionHours = Object.fromEntries(
    Object.entries(hoursIn).map(([grade, h]) => {
      const p = `${key}.inspection_hours.${grade}`;
      if (!gradeList.some((g) => g.grade === grade))
        throw refuse(p, 'bad_value', `${grade} is not a grade (grades: ${gradeList.map((g) => g.grade).join(', ')})`);
      return [grade, numberIn(p, h, INSPECTION_HOURS_MIN, INSPECTION_HOURS_MAX, true)];
    }),
  );
  const question = value.inspection_question ?? d.inspection_question;
  if (typeof question !== 'string' || question.trim() === '')
    throw refuse(`${key}.inspection_question`, 'bad_value', 'must be a non-empty text');
  if ([...question].length > QUESTION_CHARS_MAX)
    throw refuse(
      `${key}.inspection_question`,
      'out_of_bounds',
      `${[...question].length} characters is more than max allowed ${QUESTION_CHARS_MAX}`,
    );
  return {
    platform_window_days: numberIn(
      `${key}.platform_window_days`,
      value.platform_window_days ?? d.platform_window_days,
      1,
      PLATFORM_WINDOW_DAYS_MAX,
      true,
    ),
    inspection_hours: inspectionHours,
    inspection_hours_ungraded: numberIn(
      `${key}.inspection_hours_ungraded`,
      value.inspection_hours_ungraded ?? d.inspection_hours_ungraded,
      INSPECTION_HOURS_MIN,
      INSPECTION_HOURS_MAX,
      true,
    ),
    inspection_deadline_minutes: numberIn(
      `${key}.inspection_deadline_minutes`,
      value.inspection_deadline_minutes ?? d.inspection_deadline_minutes,
      1,
      INSPECTION_DEADLINE_MINUTES_MAX,
    ),
    inspection_question: question.trim(),
    window_days: numberIn(`${key}.window_days`, value.window_days ?? d.window_days, 1, WINDOW_DAYS_MAX, true),
    alarm_points: alarmPoints(`${key}.alarm_points`, value.alarm_points ?? d.alarm_points),
    violations_cap: numberIn(`${key}.violations_cap`, value.violations_cap ?? d.violations_cap, 0, 100),
    late_order_points: numberIn(`${key}.late_order_points`, value.late_order_points ?? d.late_order_points, 0, 100),
    handling_cap: numberIn(`${key}.handling_cap`, value.handling_cap ?? d.handling_cap, 0, 100),
    grades: gradeList,
    deadline_factors: deadlineFactors,
    driver_cycle_start: monthDay(`${key}.driver_cycle_start`, value.driver_cycle_start ?? d.driver_cycle_start),
    driver_points: pointsMap(`${key}.driver_points`, value.driver_points ?? d.driver_points),
    driver_thresholds: thresholds,
  };
}
