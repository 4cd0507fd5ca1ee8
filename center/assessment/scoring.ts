/**
 * The 100-point score of a unit or an enterprise, its rank, and the red and black lists (红黑榜). Pure functions of
 * the figures and the `assessment_scoring` rules, so a ranking can be recomputed from an archived 通报's inputs.
 *
 * Score = Σ effective_weight × attainment over the indicators that have a figure, where attainment is the rate
 * itself (0…1), for drift_rate (lower is better) 1 − rate, for avg_overspeed_count and avg_fatigue_minutes (fewer
 * is better) max(0, 1 − average ÷ overspeed_zero_at or fatigue_zero_at_minutes), and the
 * effective weights are the configured ones scaled so that those with a figure sum to 100: a unit is not marked
 * down for what it had nothing of (an enterprise has no 查岗; a county no work order due that month).
 */
import type {
  AssessmentFigures,
  AssessmentIndicator,
  AssessmentScoringRules,
  AssessmentUnit,
  ListEntry,
  ListReason,
  ScoreContribution,
  ScoredUnit,
} from '../../schema/index.js';

/** Scores are compared and listed at this precision (hundredths of a point), so 59.999999 is not "below 60" by noise. */
export function roundScore(n: number): number {
  return Math.round(n * 100) / 100;
}

function attainmentOf(
  indicator: AssessmentIndicator,
  value: number | null,
  rules: AssessmentScoringRules,
): number | null {
  if (value === null) return null;
  // Fewer is better for these: all of the weight at 0, none from the configured figure on.
  if (indicator.id === 'avg_overspeed_count') return Math.max(0, 1 - value / rules.overspeed_zero_at);
  if (indicator.id === 'avg_fatigue_minutes') return Math.max(0, 1 - value / rules.fatigue_zero_at_minutes);
  if (indicator.id === 'drift_rate') return Math.min(1, Math.max(0, 1 - value));
  return Math.min(1, Math.max(0, value));
}

export function scoreOf(
  figures: AssessmentFigures,
  indicators: readonly AssessmentIndicator[],
  rules: AssessmentScoringRules,
): { score: number | null; contributions: ScoreContribution[] } {
  const attained = indicators.map((indicator) => ({
    indicator,
    weight: rules.weights[indicator.id] ?? 0,
    attainment: attainmentOf(indicator, figures[indicator.id].value, rules),
  }));
  const present = attained.filter((a) => a.attainment !== null).reduce((sum, a) => sum + a.weight, 0);
  const contributions = attained.map(({ indicator, weight, attainment }): ScoreContribution => {
    const effective = attainment === null || present === 0 ? 0 : (weight * 100) / present;
    return {
      indicator: indicator.id,
      weight,
      effective_weight: roundScore(effective),
      attainment,
      points: roundScore(effective * (attainment ?? 0)),
    };
  });
  if (present === 0) return { score: null, contributions };
  const exact = attained.reduce((sum, a) => sum + ((a.weight * 100) / present) * (a.attainment ?? 0), 0);
  return { score: roundScore(exact), contributions };
}

const PERCENT = (v: number): string => `${roundScore(v * 100)}%`;

function listReasons(
  unit: ScoredUnit,
  count: number,
  indicators: readonly AssessmentIndicator[],
  rules: AssessmentScoringRules,
): { red: ListReason[]; black: ListReason[] } {
  const red: ListReason[] = [];
  const black: ListReason[] = [];
  if (unit.score === null || unit.rank === null) return { red, black };
  const { score, rank } = unit;
  if (rules.red.top_n > 0 && rank <= rules.red.top_n && score >= rules.red.min_score)
    red.push({
      rule: 'top_n',
      threshold: rules.red.min_score,
      value: score,
      text: `位列前${rules.red.top_n}名且得分不低于${rules.red.min_score}分`,
    });
  if (rules.black.below_score !== null && score < rules.black.below_score)
    black.push({
      rule: 'below_score',
      threshold: rules.black.below_score,
      value: score,
      text: `得分低于${rules.black.below_score}分`,
    });
  if (rules.black.bottom_n > 0 && rank > count - rules.black.bottom_n)
    black.push({
      rule: 'bottom_n',
      threshold: rules.black.bottom_n,
      value: rank,
      text: `居末${rules.black.bottom_n}名（共${count}个）`,
    });
  for (const rule of rules.black.indicators) {
    const value = unit.figures[rule.indicator].value;
    const indicator = indicators.find((i) => i.id === rule.indicator);
    const name = indicator?.name ?? rule.indicator;
    const shown = (n: number): string => (indicator?.kind === 'ratio' ? PERCENT(n) : String(roundScore(n)));
    if (value === null) continue;
    if (rule.below !== undefined && value < rule.below)
      black.push({
        rule: 'indicator_below',
        indicator: rule.indicator,
        threshold: rule.below,
        value,
        text: `${name}${PERCENT(value)}，低于${PERCENT(rule.below)}`,
      });
    if (rule.above !== undefined && value > rule.above)
      black.push({
        rule: 'indicator_above',
        indicator: rule.indicator,
        threshold: rule.above,
        value,
        text: `${name}${shown(value)}，高于${shown(rule.above)}`,
      });
  }
  return { red, black };
}

/**
 * Scores every row, ranks them best first (equal scores share a rank; rows without a score come last, unranked)
 * and puts names on the lists. A name is never on both: when a rule would blacklist a red name, black wins,
 * since a leader cannot praise a unit in the same 通报 that orders it to correct.
 */
export function rankUnits(
  units: readonly AssessmentUnit[],
  indicators: readonly AssessmentIndicator[],
  rules: AssessmentScoringRules,
): { units: ScoredUnit[]; red: ListEntry[]; black: ListEntry[] } {
  const scored: ScoredUnit[] = units.map((unit) => ({
    ...unit,
    ...scoreOf(unit.figures, indicators, rules),
    rank: null,
    lists: [],
  }));
  const key = (u: ScoredUnit): string => u.enterprise_id ?? u.org_code;
  scored.sort((a, b) =>
    a.score === b.score ? key(a).localeCompare(key(b)) : (b.score ?? -Infinity) - (a.score ?? -Infinity),
  );
  const ranked = scored.filter((u) => u.score !== null);
  ranked.forEach((unit, i) => {
    unit.rank = i > 0 && ranked[i - 1].score === unit.score ? ranked[i - 1].rank : i + 1;
  });
  const red: ListEntry[] = [];
  const black: ListEntry[] = [];
  const entry = (unit: ScoredUnit, reasons: ListReason[]): ListEntry => ({
    org_code: unit.org_code,
    enterprise_id: unit.enterprise_id,
    name: unit.name,
    score: unit.score!,
    rank: unit.rank!,
    reasons,
  });
  for (const unit of ranked) {
    const reasons = listReasons(unit, ranked.length, indicators, rules);
    if (reasons.black.length > 0) {
      unit.lists.push({ list: 'black', reasons: reasons.black });
      black.push(entry(unit, reasons.black));
    } else if (reasons.red.length > 0) {
      unit.lists.push({ list: 'red', reasons: reasons.red });
      red.push(entry(unit, reasons.red));
    }
  }
  return { units: scored, red, black };
}
