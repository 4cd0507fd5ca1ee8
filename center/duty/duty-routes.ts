/**
 * The duty API under `/api/duty/`: rosters and shifts, sign-in, handovers, the duty log (and its export per day as
 * CSV), the posts a centre oversees, and 查岗 of lower centres with response rates. Declared once here: router entry,
 * body and query checks, roles and the OpenAPI document. Scope is checked per item by the desk and the inspections.
 */
import { stringify } from 'csv-stringify/sync';
import { HANDLER_ROLES } from '../access/actor.js';
import { Body, EpochMs, Int, OneOf, Opt, Type, type Api } from '../api/api-spec.js';
import { shanghaiDayStart } from '../hub/today-counts.js';
import { HttpError } from '../http/router.js';
import { DUTY_ROSTER_ROLES, type DutyDesk } from './duty-desk.js';
import { INSPECTION_DEADLINE_MINUTES, type DutyInspections } from './duty-inspections.js';

const STAFF = ['admin', 'leader', 'dispatcher', 'duty_officer', 'analyst'] as const;
/** Readers of posts and rosters: staff and the walls (a wall may show who is on duty). */
const DUTY_READERS = [...STAFF, 'wall'] as const;
const TEXT_MAX = 4_000;
const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
function OrgCode(description = '6-digit org code (default: the caller’s own unit)') {
  return Type.String({ description, pattern: '^[0-9]{6}$' });
}
const ID = Int('user id', { min: 1 });
/** A period's ends, both optional (defaults depend on the route). */
const PERIOD = { from: Opt(EpochMs()), to: Opt(EpochMs()) };
/** The longest period rosters and inspection rates are read over in one answer. */
const PERIOD_DAYS_MAX = 400;

function period(query: { from?: number; to?: number }, now: number, defaultDays: number): { from: number; to: number } {
  const to = query.to ?? now + DAY_MS;
  const from = query.from ?? to - defaultDays * DAY_MS;
  if (to <= from) throw new HttpError(400, 'bad_field', 'to: must be after from', { field: 'to' });
  if (to - from > PERIOD_DAYS_MAX * DAY_MS)
    throw new HttpError(400, 'bad_field', `to: the period is at most ${PERIOD_DAYS_MAX} days`, { field: 'to' });
  return { from, to };
}

/** A path id: digits within the safe integers, else the item does not exist (404). */
function idParam(text: string, what: string): number {
  const id = Number(text);
  if (!/^\d{1,15}$/.test(text) || !Number.isSafeInteger(id))
    throw new HttpError(404, 'not_found', `${what} ${text.slice(0, 20)} not found`);
  return id;
}

/** A Beijing calendar day `YYYY-MM-DD` as the epoch ms of its start. */
export function beijingDayStart(day: string): number {
  if (!DAY.test(day)) throw new HttpError(400, 'bad_field', 'day: must be YYYY-MM-DD', { field: 'day' });
  const start = Date.parse(`${day}T00:00:00+08:00`);
  if (!Number.isFinite(start)) throw new HttpError(400, 'bad_field', `day: ${day} is not a date`, { field: 'day' });
  return start;
}

export function registerDutyRoutes(
  api: Api,
  deps: { desk: DutyDesk; inspections: DutyInspections; now: () => number },
): void {
  const { desk, inspections } = deps;
  api.define(
    {
      method: 'POST',
      path: '/api/duty/shifts',
      tag: 'duty',
      summary: 'Put a shift on the roster of a unit (or one of its departments) with its officers and leader on duty',
      roles: [...DUTY_ROSTER_ROLES],
      body: Body({
        org_code: OrgCode(),
        department: Opt(
          Type.String({ description: "a department's desk; absent: the centre's own post", maxLength: 40 }),
        ),
        name: Type.String({ description: 'e.g. 白班, 夜班', minLength: 1, maxLength: 40 }),
        starts_at: EpochMs(),
        ends_at: EpochMs(),
        officers: Type.Array(ID, { description: 'user ids on duty', maxItems: 20 }),
        leaders: Opt(Type.Array(ID, { description: 'user ids of the leaders on duty (值班领导)', maxItems: 5 })),
      }),
      returns: 'ShiftView: {id, org_code, department, name, starts_at, ends_at, phase, people, handover}',
    },
    async (ctx, p, body) => ({ status: 201, body: await desk.createShift(p, ctx.peer, body) }),
  );
  api.define(
    {
      method: 'GET',
      path: '/api/duty/roster',
      tag: 'duty',
      summary: "A unit's shifts overlapping a period (default: from a day ago to a day ahead), with who is on them",
      roles: [...DUTY_READERS],
      query: Body({ org_code: Opt(OrgCode()), ...PERIOD }),
      returns: '{shifts: [ShiftView]}',
    },
    async (_ctx, p, _body, query) => {
      const now = deps.now();
      const from = query.from ?? now - DAY_MS;
      const { to } = period({ ...query, from }, now, 2);
      return { body: { shifts: await desk.roster(p, query.org_code ?? p.orgCode, from, to) } };
    },
  );
  api.define(
    {
      method: 'GET',
      path: '/api/duty/people',
      tag: 'duty',
      summary:
        "Who may be put on a unit's roster: its enabled duty officers, dispatchers and leaders (for the roster form)",
      roles: [...DUTY_ROSTER_ROLES],
      query: Body({ org_code: Opt(OrgCode()) }),
      returns: '{people: [{user_id, username, name, role}]}',
    },
    async (_ctx, p, _body, query) => ({
      body: { people: await desk.people(p, query.org_code ?? p.orgCode) },
    }),
  );
  api.define(
    {
      method: 'POST',
      path: '/api/duty/shifts/:id/sign-in',
      tag: 'duty',
      summary: 'Sign in to one’s shift (from 30 minutes before it starts until it ends)',
      roles: [...HANDLER_ROLES],
      returns: 'ShiftView',
    },
    async (ctx, p) => ({ body: await desk.signIn(p, ctx.peer, idParam(ctx.params.id, 'shift')) }),
  );
  api.define(
    {
      method: 'POST',
      path: '/api/duty/shifts/:id/handover',
      tag: 'duty',
      summary:
        'Hand the shift over to the next one: its open alarms and work orders are recorded with the notes, for the incoming officer to acknowledge',
      roles: [...HANDLER_ROLES],
      body: Body({ notes: Opt(Type.String({ description: 'what the next shift must know', maxLength: TEXT_MAX })) }),
      returns:
        'the handover: {id, from_shift_id, to_shift_id, notes, open_alarms: {total, items}, open_orders: {total, items}, …}',
    },
    async (ctx, p, body) => ({
      status: 201,
      body: await desk.handOver(p, ctx.peer, idParam(ctx.params.id, 'shift'), body.notes ?? ''),
    }),
  );
  api.define(
    {
      method: 'GET',
      path: '/api/duty/handovers',
      tag: 'duty',
      summary: "A unit's latest handovers, newest first",
      roles: [...DUTY_READERS],
      query: Body({ org_code: Opt(OrgCode()), limit: Opt(Int('at most', { min: 1, max: 200 })) }),
      returns: '{handovers: [handover]}',
    },
    async (_ctx, p, _body, query) => ({
      body: {
        handovers: await desk.handovers(p, query.org_code ?? p.orgCode, query.limit ?? 20),
      },
    }),
  );
  api.define(
    {
      method: 'POST',
      path: '/api/duty/handovers/:id/acknowledge',
      tag: 'duty',
      summary: 'The incoming officer (on the next shift) takes the handover over; signs them in',
      roles: [...HANDLER_ROLES],
      body: Body({
        note: Opt(Type.String({ description: 'what the incoming officer confirms', maxLength: TEXT_MAX })),
      }),
      returns: 'the handover',
    },
    async (ctx, p, body) => ({
      body: await desk.acknowledge(p, ctx.peer, idParam(ctx.params.id, 'handover'), body.note ?? ''),
    }),
  );
  api.define(
    {
      method: 'POST',
      path: '/api/duty/log',
      tag: 'duty',
      summary: "A note in one's unit's duty log",
      roles: [...HANDLER_ROLES],
      body: Body({ text: Type.String({ description: 'the note', minLength: 1, maxLength: TEXT_MAX }) }),
      returns: '{status: "logged"}',
    },
    async (_ctx, p, body) => {
      await desk.note(p, body.text);
      return { status: 201, body: { status: 'logged' } };
    },
  );
  api.define(
    {
      method: 'GET',
      path: '/api/duty/log',
      tag: 'duty',
      summary:
        "Everything a unit's duty did on a Beijing day: duty log, alarm steps, work-order events, in time order; format=csv downloads it",
      roles: [...STAFF],
      query: Body({
        org_code: Opt(OrgCode()),
        day: Opt(Type.String({ description: 'YYYY-MM-DD, Beijing time (default today)', pattern: DAY.source })),
        format: Opt(OneOf(['json', 'csv'], 'json (default) or csv')),
      }),
      returns: '{day, entries: [{at, org_code, department, actor, kind, text, ref}]} or text/csv',
    },
    async (_ctx, p, _body, query) => {
      const day = query.day;
      const dayStart = day === undefined ? shanghaiDayStart(deps.now()) : beijingDayStart(day);
      const orgCode = query.org_code ?? p.orgCode;
      const entries = await desk.dayLog(p, orgCode, dayStart);
      const dayName = new Date(dayStart + 8 * 3_600_000).toISOString().slice(0, 10);
      if (query.format !== 'csv') return { body: { day: dayName, entries } };
      const csv = stringify(
        entries.map((e) => [
          new Date(e.at + 8 * 3_600_000).toISOString().replace('T', ' ').slice(0, 19),
          e.org_code,
          e.department,
          e.actor,
          e.kind,
          e.text,
          e.ref,
        ]),
        { header: true, columns: ['时间(北京)', '单位', '科室', '人员', '事项', '内容', '关联'] },
      );
      // A byte-order mark, so that spreadsheet programs read the Chinese as UTF-8.
      return {
        raw: `\uFEFF${csv}`,
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="duty-log-${orgCode}-${dayName}.csv"`,
        },
      };
    },
  );
  api.define(
    {
      method: 'GET',
      path: '/api/duty/posts',
      tag: 'duty',
      summary:
        "Whether the caller's post and those of the units it commands directly (and the 省直管县 it views) are attended now: the level above sees unattended posts",
      roles: [...DUTY_READERS],
      returns: '{posts: [{org_code, name, shift, attended, reason, leader_on_duty, officers_on_duty}]}',
    },
    async (_ctx, p) => ({ body: { posts: await desk.posts(p) } }),
  );
  api.define(
    {
      method: 'POST',
      path: '/api/duty/inspections',
      tag: 'duty',
      summary:
        '查岗: inspect the duty post of a unit below (targeted) or of one drawn at random among the units the caller commands directly (no to_org)',
      roles: [...HANDLER_ROLES],
      body: Body({
        to_org: Opt(OrgCode('the unit inspected; absent: drawn at random')),
        question: Type.String({ description: 'what the post must answer', minLength: 1, maxLength: 500 }),
        deadline_minutes: Opt(
          Int(`answer within (default ${INSPECTION_DEADLINE_MINUTES.default})`, {
            min: INSPECTION_DEADLINE_MINUTES.min,
            max: INSPECTION_DEADLINE_MINUTES.max,
          }),
        ),
      }),
      returns: 'InspectionView',
    },
    async (ctx, p, body) => ({ status: 201, body: await inspections.send(p, ctx.peer, body) }),
  );
  api.define(
    {
      method: 'GET',
      path: '/api/duty/inspections',
      tag: 'duty',
      summary: 'Inspections asked of the caller’s unit (received) or of the units below it (sent), in a period',
      roles: [...STAFF],
      query: Body({ direction: Opt(OneOf(['received', 'sent'], 'received (default) or sent')), ...PERIOD }),
      returns: '{inspections: [InspectionView]}',
    },
    async (_ctx, p, _body, query) => {
      const { from, to } = period(query, deps.now(), 30);
      const direction = query.direction ?? 'received';
      return { body: { inspections: await inspections.list(p, direction, from, to) } };
    },
  );
  api.define(
    {
      method: 'POST',
      path: '/api/duty/inspections/:id/answer',
      tag: 'duty',
      summary: 'The duty post of the inspected unit answers, before the deadline (409 deadline_passed after it)',
      roles: [...HANDLER_ROLES],
      body: Body({ answer: Type.String({ description: 'the answer', minLength: 1, maxLength: TEXT_MAX }) }),
      returns: 'InspectionView',
    },
    async (ctx, p, body) => ({
      body: await inspections.answer(p, ctx.peer, idParam(ctx.params.id, 'inspection'), body.answer),
    }),
  );
  api.define(
    {
      method: 'GET',
      path: '/api/duty/inspections/rates',
      tag: 'duty',
      summary: 'Response rates and times per unit below the caller, of the inspections sent to them in a period',
      roles: [...STAFF],
      query: Body(PERIOD),
      returns:
        '{from, to, units: [{org_code, name, sent, answered, missed, pending, response_rate, response_s_avg, response_s_max}]}',
    },
    async (_ctx, p, _body, query) => {
      const { from, to } = period(query, deps.now(), 30);
      return { body: { from, to, units: await inspections.rates(p, from, to) } };
    },
  );
}
