/**
 * `GET /api/assessment`: the assessment indicators (考核指标) of the caller's scope for a period of Beijing calendar
 * days, per unit, as JSON or as an XLSX workbook; `GET /api/assessment/items`: the rows behind one figure;
 * `GET /api/assessment/ranking`: the same rows scored, ranked and put on the red and black lists;
 * `/api/assessment/circulars`: the 通报 generated from a ranking, archived with its inputs and downloaded as stored.
 * The scope comes from the token; `unit` narrows it to a unit the caller sees. An enterprise's view of its own
 * figures is not built yet, so enterprise accounts are refused.
 */
import { ASSESSMENT_INDICATOR_IDS, type CircularFormat } from '../../schema/index.js';
import type { Assessments, Circulars, Rankings } from '../assessment/index.js';
import {
  assessmentXlsx,
  CIRCULAR_FORMATS,
  CIRCULAR_ROLES,
  CIRCULAR_TYPES,
  DAY_PATTERN,
  PERIOD_DAYS_MAX,
} from '../assessment/index.js';
import { READER_ROLES } from '../access/actor.js';
import { HttpError } from '../http/router.js';
import { Body, Int, OneOf, Opt, Type, type Api } from './api-spec.js';

const ASSESSMENT_ROLES = READER_ROLES.filter((role) => role !== 'enterprise');
const CIRCULARS_LIST_DEFAULT = 50;
const CIRCULARS_LIST_MAX = 500;
const CIRCULAR_FILE = /^([1-9]\d{0,15})\.(pdf|docx|xlsx)$/;
const LEVEL = Opt(
  OneOf(
    ['city', 'county', 'enterprise', 'platform'],
    "which rows are ranked: every city (with the 省直管县 the province commands), every county, every enterprise registered in the scope, or every JT/T 809 lower platform a unit of the scope supervises; absent: the scope's child units",
  ),
);
/** The ranking's levels: the same as a 通报's. */
const RANKING_LEVEL = Opt(
  OneOf(
    ['city', 'county', 'enterprise', 'platform'],
    "which rows are ranked: every city (with the 省直管县 the province commands), every county, every enterprise registered in the scope, or every JT/T 809 lower platform a unit of the scope supervises (scored on the figures a platform has); absent: the scope's child units",
  ),
);
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

export function registerAssessmentRoutes(
  api: Api,
  deps: { assessments: Assessments; rankings: Rankings; circulars: Circulars },
): void {
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
            ['city', 'county', 'enterprise', 'platform'],
            "which rows are listed: every city (with the 省直管县 the province commands), every county, every enterprise registered in the scope, or every JT/T 809 lower platform a unit of the scope supervises; absent: the scope's child units",
          ),
        ),
        unit: PERIOD_QUERY.unit,
        format: Opt(OneOf(['json', 'xlsx'], 'json (default) or xlsx (Chinese headers)')),
      }),
      returns:
        "AssessmentReport: {scope, period, level, generated_at, parameters, indicators: [AssessmentIndicator], totals: AssessmentUnit, units: [AssessmentUnit] (a lower platform's with access_code)}; with format=xlsx the workbook",
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
  registerRankingRoutes(api, deps);
}

function registerRankingRoutes(api: Api, deps: { rankings: Rankings; circulars: Circulars }): void {
  api.define(
    {
      method: 'GET',
      path: '/api/assessment/ranking',
      tag: 'summary',
      summary:
        "Weighted 100-point scores of the caller's units (or cities, counties, enterprises) for Beijing calendar days from…to, each with every indicator's contribution, ranked best first, and the red and black lists (红黑榜) with the rule and figures that put each name there. Weights and rules: configuration assessment_scoring; formula: docs/assessment.md",
      roles: ASSESSMENT_ROLES,
      query: Body({ from: PERIOD_QUERY.from, to: PERIOD_QUERY.to, level: RANKING_LEVEL, unit: PERIOD_QUERY.unit }),
      returns:
        'AssessmentRanking: {scope, period, level, generated_at, parameters, scoring: {weights, overspeed_zero_at, red, black, config_version}, indicators, totals: ScoredUnit, units: [ScoredUnit: AssessmentUnit & {score, rank, contributions: [{indicator, weight, effective_weight, attainment, points}], lists}], red: [ListEntry], black: [ListEntry], actions: ["generate_circular"?]}',
      responses: { '404': 'unit is not one the caller sees' },
    },
    async (_ctx, principal, _body, query) => ({
      body: await deps.rankings.forPrincipal(principal, {
        from: query.from,
        to: query.to,
        level: query.level,
        unit: query.unit,
      }),
    }),
  );
  api.define(
    {
      method: 'POST',
      path: '/api/assessment/circulars',
      tag: 'summary',
      summary:
        "Generate a 通报 (circular) of the ranking for a period and the caller's unit (or a unit below it): title, period, summary written from the figures, ranking and indicator tables, a bar chart of scores, the red and black lists, a signature block; as PDF, DOCX and XLSX at once, archived with its inputs (figures, scores, configuration versions) and audited",
      roles: CIRCULAR_ROLES,
      body: Body({ from: PERIOD_QUERY.from, to: PERIOD_QUERY.to, level: LEVEL, unit: PERIOD_QUERY.unit }),
      returns:
        'CircularRecord: {id, kind: "circular", schedule: null, title, scope, period: {from, to}, level, config_versions: {assessment, assessment_scoring}, created_by, created_at, files: [{format, bytes, sha256, href}]}',
      responses: {
        '404': 'unit is not one the caller sees',
        '503': 'cjk_font_missing: no CJK font to embed in the PDF (install fonts-noto-cjk or set VIGIL_CJK_FONT)',
      },
    },
    async (ctx, principal, body) => ({
      status: 201,
      body: await deps.circulars.generate(principal, ctx.peer, {
        from: body.from,
        to: body.to,
        level: body.level,
        unit: body.unit,
      }),
    }),
  );
  api.define(
    {
      method: 'GET',
      path: '/api/assessment/circulars',
      tag: 'summary',
      summary:
        'The archived 通报 of the units the caller sees, newest first, with the weekly and monthly 通报 and statistics reports the node generated on its schedule (schedule weekly|monthly, created_by 定时生成; a report: kind report, its XLSX alone). Schedule: docs/assessment.md',
      roles: ASSESSMENT_ROLES,
      query: Body({
        limit: Opt(Int(`circulars at most (default ${CIRCULARS_LIST_DEFAULT})`, { min: 1, max: CIRCULARS_LIST_MAX })),
      }),
      returns:
        '{circulars: [CircularRecord: {id, kind, schedule, title, scope, period, level, config_versions, created_by, created_at, files}]}',
    },
    async (_ctx, principal, _body, query) => ({
      body: { circulars: await deps.circulars.list(principal, query.limit ?? CIRCULARS_LIST_DEFAULT) },
    }),
  );
  api.define(
    {
      method: 'GET',
      path: '/api/assessment/circulars/:file',
      tag: 'summary',
      summary:
        'One file of an archived 通报, byte for byte as generated: `:file` is `<id>.pdf`, `<id>.docx` or `<id>.xlsx`',
      roles: ASSESSMENT_ROLES,
      returns: 'the file (application/pdf, …wordprocessingml.document or …spreadsheetml.sheet)',
      responses: {
        '404':
          'no such circular in the caller’s scope, not <id>.pdf|docx|xlsx, or a report’s pdf or docx (it has none)',
      },
    },
    async (ctx, principal) => {
      const match = CIRCULAR_FILE.exec(ctx.params.file ?? '');
      if (match === null)
        throw new HttpError(
          404,
          'not_found',
          `no circular file ${JSON.stringify((ctx.params.file ?? '').slice(0, 40))}; ask for <id>.${CIRCULAR_FORMATS.join('|')}`,
        );
      const format = match[2] as CircularFormat;
      const { bytes, record } = await deps.circulars.file(principal, Number(match[1]), format);
      const ascii = `circular-${record.id}-${record.scope.org_code}-${record.period.from}-${record.period.to}.${format}`;
      return {
        raw: bytes,
        headers: {
          'content-type': CIRCULAR_TYPES[format],
          'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(`${record.title}.${format}`)}`,
        },
      };
    },
  );
}
