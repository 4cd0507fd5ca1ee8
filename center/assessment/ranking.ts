/**
 * The ranking of a scope for a period (`GET /api/assessment/ranking`): the assessment's rows scored with the
 * `assessment_scoring` weights in force, ranked, and put on the red and black lists by its rules.
 */
import type { AssessmentRanking, AssessmentScoringRules } from '../../schema/index.js';
import type { Principal } from '../auth/accounts.js';
import { CONFIG_DEFAULTS, type CenterConfig } from '../config/center-config.js';
import type { AssessmentQuery, Assessments } from './assessments.js';
import { CIRCULAR_ROLES } from './circular-roles.js';
import { rankUnits, scoreOf } from './scoring.js';

export class Rankings {
  constructor(
    private readonly deps: {
      assessments: Pick<Assessments, 'forPrincipal'>;
      /** The weights and list rules in force; without it, the defaults (version 0). */
      config?: Pick<CenterConfig, 'get'>;
    },
  ) {}

  async rules(): Promise<{ rules: AssessmentScoringRules; version: number }> {
    if (this.deps.config === undefined) return { rules: CONFIG_DEFAULTS.assessment_scoring, version: 0 };
    const { value, version } = await this.deps.config.get('assessment_scoring');
    return { rules: value, version };
  }

  async forPrincipal(principal: Principal, query: AssessmentQuery): Promise<AssessmentRanking> {
    const [report, { rules, version }] = await Promise.all([
      this.deps.assessments.forPrincipal(principal, query),
      this.rules(),
    ]);
    const { units, red, black } = rankUnits(report.units, report.indicators, rules);
    return {
      scope: report.scope,
      period: report.period,
      level: report.level,
      generated_at: report.generated_at,
      parameters: report.parameters,
      scoring: { ...rules, config_version: version },
      indicators: report.indicators,
      totals: { ...report.totals, ...scoreOf(report.totals.figures, report.indicators, rules), rank: null, lists: [] },
      units,
      red,
      black,
      actions: CIRCULAR_ROLES.includes(principal.role) ? ['generate_circular'] : [],
    };
  }
}
