/**
 * The weights of the assessment score and the rules of the red and black lists (配置 `assessment_scoring`), checked
 * on the way in. A refusal is `400 bad_config` naming the path and saying which check failed in `problem`:
 * `unknown_indicator`, `weights_sum` (the weights must sum to 100, so a score reads out of 100), `out_of_bounds`,
 * `bad_value` (wrong type or shape). docs/assessment.md states how the score and the lists use them.
 */
import {
  ASSESSMENT_INDICATOR_IDS,
  type AssessmentIndicatorId,
  type AssessmentScoringRules,
} from '../../schema/index.js';
import { configRefusal, isObject, numberIn, onlyKeys, type ConfigProblem } from './config-checks.js';

export type AssessmentScoringConfig = AssessmentScoringRules;

export const ASSESSMENT_SCORING_DEFAULTS: AssessmentScoringConfig = {
  // Being on the air and seen carries most; entry is nearly complete everywhere, so it weighs least.
  weights: {
    entry_rate: 10,
    online_rate: 20,
    track_completeness: 15,
    avg_overspeed_count: 15,
    alarm_handling_rate: 15,
    ontime_closure_rate: 15,
    inspection_response_rate: 10,
    // Weighed by whoever adopts them: a province's bulletin decides what data quality, drift and fatigue count for.
    data_qualified_rate: 0,
    drift_rate: 0,
    avg_fatigue_minutes: 0,
  },
  overspeed_zero_at: 2,
  fatigue_zero_at_minutes: 60,
  red: { top_n: 3, min_score: 90 },
  black: { below_score: 60, bottom_n: 0, indicators: [{ indicator: 'online_rate', below: 0.8 }] },
};

/** A ranking lists at most some hundreds of units or enterprises; more than this is a typing error. */
const LIST_N_MAX = 1_000;
const INDICATOR_RULES_MAX = 20;
const OVERSPEED_ZERO_AT_MAX = 1_000;
const FATIGUE_ZERO_AT_MINUTES_MAX = 100_000;
const SUM_TOLERANCE = 1e-9;

/** The problems this model refuses a value for. */
type Problem = Extract<ConfigProblem, 'unknown_indicator' | 'weights_sum' | 'out_of_bounds' | 'bad_value'>;

const refuse = (path: string, problem: Problem, detail: string) => configRefusal(path, problem, detail);

function indicatorId(path: string, v: unknown): AssessmentIndicatorId {
  if (typeof v !== 'string' || !(ASSESSMENT_INDICATOR_IDS as readonly string[]).includes(v))
    throw refuse(
      path,
      'unknown_indicator',
      `${JSON.stringify(v)} is not an indicator (indicators: ${ASSESSMENT_INDICATOR_IDS.join(', ')})`,
    );
  return v as AssessmentIndicatorId;
}

/** Checks a value of `assessment_scoring`; an indicator left out of `weights` weighs 0. */
export function checkAssessmentScoring(key: string, value: Record<string, unknown>): AssessmentScoringConfig {
  onlyKeys(key, value, ['weights', 'overspeed_zero_at', 'fatigue_zero_at_minutes', 'red', 'black']);
  if (!isObject(value.weights)) throw refuse(`${key}.weights`, 'bad_value', 'must be an object of indicator → points');
  const weights = Object.fromEntries(ASSESSMENT_INDICATOR_IDS.map((id) => [id, 0])) as Record<
    AssessmentIndicatorId,
    number
  >;
  for (const [id, w] of Object.entries(value.weights)) {
    const path = `${key}.weights.${id}`;
    weights[indicatorId(path, id)] = numberIn(path, w, 0, 100);
  }
  const sum = Object.values(weights).reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 100) > SUM_TOLERANCE)
    throw refuse(`${key}.weights`, 'weights_sum', `the weights sum to ${sum}, they must sum to 100`);

  const red = value.red ?? ASSESSMENT_SCORING_DEFAULTS.red;
  if (!isObject(red)) throw refuse(`${key}.red`, 'bad_value', 'must be an object {top_n, min_score}');
  onlyKeys(`${key}.red`, red, ['top_n', 'min_score']);
  const black = value.black ?? ASSESSMENT_SCORING_DEFAULTS.black;
  if (!isObject(black))
    throw refuse(`${key}.black`, 'bad_value', 'must be an object {below_score, bottom_n, indicators}');
  onlyKeys(`${key}.black`, black, ['below_score', 'bottom_n', 'indicators']);
  const rules = black.indicators ?? [];
  if (!Array.isArray(rules)) throw refuse(`${key}.black.indicators`, 'bad_value', 'must be an array');
  if (rules.length > INDICATOR_RULES_MAX)
    throw refuse(
      `${key}.black.indicators`,
      'out_of_bounds',
      `${rules.length} entries is more than max allowed ${INDICATOR_RULES_MAX}`,
    );
  return {
    weights,
    overspeed_zero_at: numberIn(
      `${key}.overspeed_zero_at`,
      value.overspeed_zero_at ?? ASSESSMENT_SCORING_DEFAULTS.overspeed_zero_at,
      0.001,
      OVERSPEED_ZERO_AT_MAX,
    ),
    fatigue_zero_at_minutes: numberIn(
      `${key}.fatigue_zero_at_minutes`,
      value.fatigue_zero_at_minutes ?? ASSESSMENT_SCORING_DEFAULTS.fatigue_zero_at_minutes,
      0.001,
      FATIGUE_ZERO_AT_MINUTES_MAX,
    ),
    red: {
      top_n: numberIn(`${key}.red.top_n`, red.top_n, 0, LIST_N_MAX, true),
      min_score: numberIn(`${key}.red.min_score`, red.min_score, 0, 100),
    },
    black: {
      below_score:
        black.below_score === null || black.below_score === undefined
          ? null
          : numberIn(`${key}.black.below_score`, black.below_score, 0, 100),
      bottom_n: numberIn(`${key}.black.bottom_n`, black.bottom_n ?? 0, 0, LIST_N_MAX, true),
      indicators: rules.map((rule: unknown, i) => {
        const path = `${key}.black.indicators[${i}]`;
        if (!isObject(rule))
          throw refuse(path, 'bad_value', 'must be an object {indicator, below} or {indicator, above}');
        onlyKeys(path, rule, ['indicator', 'below', 'above']);
        const indicator = indicatorId(`${path}.indicator`, rule.indicator);
        const max =
          indicator === 'avg_overspeed_count'
            ? OVERSPEED_ZERO_AT_MAX
            : indicator === 'avg_fatigue_minutes'
              ? FATIGUE_ZERO_AT_MINUTES_MAX
              : 1;
        if ((rule.below === undefined) === (rule.above === undefined))
          throw refuse(path, 'bad_value', 'give exactly one of below (a rate under it) or above (an average over it)');
        return rule.below !== undefined
          ? { indicator, below: numberIn(`${path}.below`, rule.below, 0, max) }
          : { indicator, above: numberIn(`${path}.above`, rule.above, 0, max) };
      }),
    },
  };
}
