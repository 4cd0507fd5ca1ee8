/**
 * `GET /api/assessment`: the assessment indicators (考核指标) of the caller's scope for a period of Beijing calendar
 * days, per unit, as JSON or as an XLSX workbook. The scope comes from the token; `unit` narrows it to a unit the
 * caller sees. Enterprises are not assessed here yet, so enterprise accounts are refused.
 */
import type { Assessments } from '../assessment/index.js';
import { assessmentXlsx, DAY_PATTERN, PERIOD_DAYS_MAX, type AssessmentLevel } from '../assessment/index.js';
import { READER_ROLES } from '../access/actor.js';
import type { Api } from './api-spec.js';

const ASSESSMENT_ROLES = READER_ROLES.filter((role) => role !== 'enterprise');
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

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
        from: {
          type: 'string',
          description: 'first Beijing calendar day, YYYY-MM-DD',
          required: true,
          pattern: DAY_PATTERN,
        },
        to: {
          type: 'string',
          description: `last Beijing calendar day, inclusive, YYYY-MM-DD; at most ${PERIOD_DAYS_MAX} days after from`,
          required: true,
          pattern: DAY_PATTERN,
        },
        level: {
          type: 'string',
          description:
            "which rows are listed: every city (with the 省直管县 the province commands), every county, or every enterprise registered in the scope; absent: the scope's child units",
          enum: ['city', 'county', 'enterprise'],
        },
        unit: {
          type: 'string',
          description: 'the unit assessed, one the caller sees (default: the caller’s own)',
          pattern: /^\d{6}$/,
        },
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
}
