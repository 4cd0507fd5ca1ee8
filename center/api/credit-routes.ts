/**
 * `/api/credit/*`: the stored credit of the caller's scope — a day's enterprise grades, one enterprise's daily
 * history, a day's drivers' points (docs/credit.md). Staff read the enterprises and drivers of the units they see
 * (`unit` narrows it, another city's is a 404); an enterprise account reads only its own.
 */
import { READER_ROLES } from '../access/actor.js';
import { CREDIT_HISTORY_DAYS_MAX, type Credits } from '../credit/index.js';
import { Body, Int, Opt, Type, type Api } from './api-spec.js';

const DAY = (description: string) => Type.String({ description, pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const UNIT = Opt(
  Type.String({ description: 'a unit the caller sees (default: the caller’s own view)', pattern: '^\\d{6}$' }),
);
const DRIVERS_DEFAULT = 500;
const DRIVERS_MAX = 5_000;

export function registerCreditRoutes(api: Api, deps: { credits: Credits }): void {
  api.define(
    {
      method: 'GET',
      path: '/api/credit/enterprises',
      tag: 'credit',
      summary:
        "Enterprise credit grades (信用等级) of one Beijing day in the caller's scope: score out of 100, grade, the grade of the previous stored day and the facts the score came from, best first, with the count per grade. Formulas: docs/credit.md",
      roles: READER_ROLES,
      query: Body({
        date: Opt(DAY('the Beijing day graded, YYYY-MM-DD (default: the latest day computed)')),
        unit: UNIT,
        grade: Opt(Type.String({ description: 'only enterprises of this grade', pattern: '^[A-Z][A-Z+-]{0,3}$' })),
      }),
      returns:
        'EnterpriseCreditAnswer: {day, window: {from, to}, grades: [{grade, min_score}], counts: {grade: n}, enterprises: [EnterpriseCredit: {enterprise_id, name, org_code, licence_no, registration: EnterpriseRegistration | null, day, score, grade, previous_grade, facts, config_version}]}',
      responses: { '404': 'unit is not one the caller sees' },
    },
    async (_ctx, principal, _body, query) => ({ body: await deps.credits.enterprises(principal, query) }),
  );
  api.define(
    {
      method: 'GET',
      path: '/api/credit/enterprises/:id/history',
      tag: 'credit',
      summary: `One enterprise's stored daily credit, newest first (at most ${CREDIT_HISTORY_DAYS_MAX} days): score, grade, facts and the model version of each day`,
      roles: READER_ROLES,
      query: Body({
        from: Opt(DAY('first Beijing day, YYYY-MM-DD')),
        to: Opt(DAY('last Beijing day, inclusive, YYYY-MM-DD')),
      }),
      returns:
        'EnterpriseCreditHistory: {enterprise_id, name, org_code, licence_no, registration: EnterpriseRegistration {status, status_text, status_changed_on, authority, licence_numbers, source, updated_at} | null, days: [{day, score, grade, facts, config_version}]}',
      responses: { '404': 'no such enterprise in the caller’s scope' },
    },
    async (ctx, principal, _body, query) => ({
      body: await deps.credits.history(principal, ctx.params.id ?? '', query),
    }),
  );
  api.define(
    {
      method: 'GET',
      path: '/api/credit/drivers',
      tag: 'credit',
      summary:
        "Drivers' points (驾驶员记分) in their 12-month cycle on one Beijing day in the caller's scope, most points first, with the violations they came from and the warning threshold reached. Formulas: docs/credit.md",
      roles: READER_ROLES,
      query: Body({
        date: Opt(DAY('the Beijing day, YYYY-MM-DD (default: the latest day computed)')),
        unit: UNIT,
        min_points: Opt(Int('only drivers with at least these points', { min: 0, max: 100_000 })),
        limit: Opt(Int(`drivers at most (default ${DRIVERS_DEFAULT})`, { min: 1, max: DRIVERS_MAX })),
      }),
      returns: 'DriverCreditAnswer: {day, thresholds, drivers: [DriverCredit]}',
      responses: { '404': 'unit is not one the caller sees' },
    },
    async (_ctx, principal, _body, query) => ({
      body: await deps.credits.drivers(principal, { ...query, limit: query.limit ?? DRIVERS_DEFAULT }),
    }),
  );
}
