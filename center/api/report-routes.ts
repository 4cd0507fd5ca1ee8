/**
 * `GET /api/reports`: the statistics reports (统计报表) of the caller's scope — daily, weekly or monthly series of
 * alarms raised and handled, vehicles online, positions stored and overspeed episodes per unit, enterprise, vehicle
 * class or alarm rule, each interval with its change against the one before — as JSON or as an XLSX workbook. The
 * scope and the roles are the assessment's: enterprise accounts are refused, `unit` narrows to a unit the caller
 * sees. Formulas: docs/reports.md.
 */
import { REPORT_GROUPINGS, REPORT_INTERVALS } from '../../schema/index.js';
import { READER_ROLES } from '../access/actor.js';
import { DAY_PATTERN, PERIOD_DAYS_MAX } from '../assessment/index.js';
import {
  REPORT_DAILY_POINTS_MAX,
  REPORT_GROUPS_MAX,
  REPORT_POINTS_MAX,
  reportXlsx,
  type Reports,
} from '../reports/index.js';
import { Body, OneOf, Opt, Type, type Api } from './api-spec.js';

const REPORT_ROLES = READER_ROLES.filter((role) => role !== 'enterprise');
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function registerReportRoutes(api: Api, deps: { reports: Reports }): void {
  api.define(
    {
      method: 'GET',
      path: '/api/reports',
      tag: 'summary',
      summary: `Statistics reports (统计报表) of the caller's scope: for Beijing calendar days from…to widened to whole intervals (weeks Monday to Sunday, calendar months), per group a series of alarms_raised, alarms_handled, handling_rate, entered_vehicles, online_vehicles, online_rate, positions, overspeed_episodes with each interval's change against the one before (the first against the baseline interval). At most ${PERIOD_DAYS_MAX} days, ${REPORT_DAILY_POINTS_MAX} daily points, ${REPORT_GROUPS_MAX} groups and ${REPORT_POINTS_MAX} points. Formulas: docs/reports.md`,
      roles: REPORT_ROLES,
      query: Body({
        from: Type.String({ description: 'first Beijing calendar day, YYYY-MM-DD', pattern: DAY_PATTERN.source }),
        to: Type.String({
          description: `last Beijing calendar day, inclusive, YYYY-MM-DD; at most ${PERIOD_DAYS_MAX} days after from`,
          pattern: DAY_PATTERN.source,
        }),
        interval: OneOf(REPORT_INTERVALS, 'day, week (Monday to Sunday) or month, in China time'),
        by: OneOf(
          REPORT_GROUPINGS,
          "the groups: the scope's child units (each with its subtree), the enterprises registered in the scope, the vehicle classes, or the alarm rules with cases",
        ),
        unit: Opt(
          Type.String({
            description: 'the unit reported on, one the caller sees (default: the caller’s own)',
            pattern: '^\\d{6}$',
          }),
        ),
        format: Opt(OneOf(['json', 'xlsx'], 'json (default) or xlsx (Chinese headers)')),
      }),
      returns:
        'ReportAnswer: {scope, interval, by, period: {from, to, starts_at, ends_at, time_zone}, baseline, generated_at, figures: [ReportFigure], totals: ReportGroup, groups: [ReportGroup: {key, name, series: [{interval: {from, to, starts_at, ends_at, complete}, values, change}]}]}; with format=xlsx the workbook',
      responses: { '404': 'unit is not one the caller sees' },
    },
    async (_ctx, principal, _body, query) => {
      const report = await deps.reports.forPrincipal(principal, {
        from: query.from,
        to: query.to,
        interval: query.interval,
        by: query.by,
        unit: query.unit,
      });
      if (query.format !== 'xlsx') return { body: report };
      const name = `report-${report.scope.org_code}-${report.by}-${report.interval}-${report.period.from}-${report.period.to}.xlsx`;
      return {
        raw: await reportXlsx(report),
        headers: { 'content-type': XLSX_TYPE, 'content-disposition': `attachment; filename="${name}"` },
      };
    },
  );
}
