/**
 * `GET /api/assessment`: the assessment indicators (考核指标) of the caller's scope for a period of Beijing calendar
 * days, per unit, as JSON or as an XLSX workbook; `GET /api/assessment/items`: the rows behind one figure. The scope
 * comes from the token; `unit` narrows it to a unit the caller sees. An enterprise's view of its own figures is not
 * built yet, so enterprise accounts are refused.
 */
import { ASSESSMENT_INDICATOR_IDS, type AssessmentIndicatorId } from '../../schema/index.js';
import type { Assessments } from '../assessment/index.js';
import { assessmentXlsx, DAY_PATTERN, PERIOD_DAYS_MAX, type AssessmentLevel } from '../assessment/index.js';
import { READER_ROLES } from '../access/actor.js';
import type { Api, FieldSpec } from './api-spec.js';

const ASSESSMENT_ROLES = READER_ROLES.filter((role) => role !== 'enterprise');
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ITEMS_DEFAULT = 1_000;
const ITEMS_MAX = 10_000;

/** The period and the unit, the same for the figures and for the rows behind them. */
const PERIOD_QUERY: Record<'from' | 'to' | 'unit', FieldSpec> = {
  from: { type: 'string', description: 'first Beijing calendar day, YYYY-MM-DD', required: true, pattern: DAY_PATTERN },
  to: {
    type: 'string',
    description: `last Beijing calendar day, inclusive, YYYY-MM-DD; at most ${PERIOD_DAYS_MAX} days after from`,
    required: true,
    pattern: DAY_PATTERN,
  },
  unit: {
    type: 'string',
    description: 'the unit assessed, one the caller sees (default: the caller’s own)',
    pattern: /^\d{6}$/,
  },
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
      query: {
        from: PERIOD_QUERY.from,
        to: PERIOD_QUERY.to,
        level: {
          type: 'string',
          description:
            "which rows are listed: every city (with the 省直管县 the province commands), every county, or every enterprise registered in the scope; absent: the scope's child units",
          enum: ['city', 'county', 'enterprise'],
        },
        unit: PERIOD_QUERY.unit,
        format: { type: 'string', description: 'json (default) or xlsx (Chinese headers)', enum: ['json', 'xlsx'] },
      },
      returns:
        'AssessmentReport: {scope, period, level, generated_at, parameters, indicators: [AssessmentIndicator], totals: AssessmentUnit, units: [AssessmentUnit]}; with format=xlsx the workbook',
      responses: { '404': 'unit is not one the caller sees' },
    },
    async (_ctx, principal, _body, query) => {
      const report = await deps.assessments.forPrincipal(principal, {
        from: query.from as string,
        to: query.to as string,
        level: query.level as AssessmentLevel | undefined,
        unit: query.unit as string | undefined,
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
      query: {
        indicator: {
          type: 'string',
          description: 'the indicator id',
          required: true,
          enum: ASSESSMENT_INDICATOR_IDS,
        },
        from: PERIOD_QUERY.from,
        to: PERIOD_QUERY.to,
        unit: PERIOD_QUERY.unit,
        limit: { type: 'integer', description: `items at most (default ${ITEMS_DEFAULT})`, min: 1, max: ITEMS_MAX },
      },
      returns:
        'AssessmentItems: {indicator, scope, period, figure: AssessmentFigure, items: [{kind, id, org_code, numerator, denominator, detail}], truncated}',
      responses: { '404': 'unit is not one the caller sees' },
    },
    async (_ctx, principal, _body, query) => ({
      body: await deps.assessments.items(principal, {
        indicator: query.indicator as AssessmentIndicatorId,
        from: query.from as string,
        to: query.to as string,
        unit: query.unit as string | undefined,
        limit: (query.limit as number | undefined) ?? ITEMS_DEFAULT,
      }),
    }),
  );
}
