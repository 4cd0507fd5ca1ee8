/**
 * `GET /api/assessment`: the assessment indicators (考核指标) of the caller's scope for a period of Beijing calendar
 * days, per unit, as JSON or as an XLSX workbook; `GET /api/assessment/items`: the rows behind one figure. The scope
 * comes from the token; `unit` narrows it to a unit the caller sees. An enterprise's view of its own figures is not
 * built yet, so enterprise accounts are refused.
 */
import { ASSESSMENT_INDICATOR_IDS } from '../../schema/index.js';
import type { Assessments } from '../assessment/index.js';
import { assessmentXlsx, DAY_PATTERN, PERIOD_DAYS_MAX } from '../assessment/index.js';
import { READER_ROLES } from '../access/actor.js';
import { Body, Int, OneOf, Opt, Type, type Api } from './api-spec.js';

const ASSESSMENT_ROLES = READER_ROLES.filter((role) => role !== 'enterprise');
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ITEMS_DEFAULT = 1_000;
const ITEMS_MAX = 10_000;

/** The period and the unit, the same for the figures and for the rows behind them. */
const PERIOD_QUERY = {
  from: Type.String({ description: 'first Beijing calendar day, YYYY-MM-DD', pattern: DAY_PATTERN.source }),
  to: Type.String({
    description: `last Beijing calendar day, inclusive, YYYY-MM-DD; at most ${PERIOD_DAYS_MAX} days after from`,
    pattern: DAY_PATTERN.source,
  }),
  unit: Opt(
    Type.String({
      description: 'the unit assessed, one the caller sees (default: the caller’s own)',
      pattern: '^\\d{6}$',
    }),
  ),
};

export function registerAssessmentRoutes(api: Api, deps: { assessments: Assessments }): void {
  api.define(
    {
      method: 'GET',
      path: '/api/assessment',
      tag: 'summary',
      summary:
        "Assessment indicators (考核指标) of the caller's scope for Beijing calendar days from…to: entry_rate, online_rate, track_completeness, avg_overspeed_count, alarm_handling_rate, ontime_closure_rate, inspection_response_rate, each with its numerator and denominator, for the scope and per unit. Formulas: docs/assessment.md",
      roles: ASSESSMENT_ROLES,
      query: Body({
        from: PERIOD_QUERY.from,
        to: PERIOD_QUERY.to,
        level: Opt(
          OneOf(
            ['city', 'county', 'enterprise'],
            "which rows are listed: every city (with the 省直管县 the province commands), every county, or every enterprise registered in the scope; absent: the scope's child units",
          ),
        ),
        unit: PERIOD_QUERY.unit,
        format: Opt(OneOf(['json', 'xlsx'], 'json (default) or xlsx (Chinese headers)')),
      }),
      returns:
        'AssessmentReport: {scope, period, level, generated_at, parameters, indicators: [AssessmentIndicator], totals: AssessmentUnit, units: [AssessmentUnit]}; with format=xlsx the workbook',
      responses: { '404': 'unit is not one the caller sees' },
    },
    async (_ctx, principal, _body, query) => {
      const report = await deps.assessments.forPrincipal(principal, {
        from: query.from,
        to: query.to,
        level: query.level,
        unit: query.unit,
      });
      if (query.format !== 'xlsx') return { body: report };
      const name = `assessment-${report.scope.org_code}-${report.period.from}-${report.period.to}.xlsx`;
      return {
        raw: await assessmentXlsx(report),
        headers: { 'content-type': XLSX_TYPE, 'content-disposition': `attachment; filename="${name}"` },
      };
    },
  );
  api.define(
    {
      method: 'GET',
      path: '/api/assessment/items',
      tag: 'summary',
      summary:
        "The rows behind one figure of GET /api/assessment (auditable): the vehicles, alarm cases, work orders or inspections of the unit and period, each with what it adds to the figure's numerator and denominator. Definitions: docs/assessment.md",
      roles: ASSESSMENT_ROLES,
      query: Body({
        indicator: OneOf(ASSESSMENT_INDICATOR_IDS, 'the indicator id'),
        from: PERIOD_QUERY.from,
        to: PERIOD_QUERY.to,
        unit: PERIOD_QUERY.unit,
        limit: Opt(Int(`items at most (default ${ITEMS_DEFAULT})`, { min: 1, max: ITEMS_MAX })),
      }),
      returns:
        'AssessmentItems: {indicator, scope, period, figure: AssessmentFigure, items: [{kind, id, org_code, numerator, denominator, detail}], truncated}',
      responses: { '404': 'unit is not one the caller sees' },
    },
    async (_ctx, principal, _body, query) => ({
      body: await deps.assessments.items(principal, {
        indicator: query.indicator,
        from: query.from,
        to: query.to,
        unit: query.unit,
        limit: query.limit ?? ITEMS_DEFAULT,
      }),
    }),
  );
}
