/**
 * The query parameters of the alarm and work-order lists: declared once (the OpenAPI document shows them) and
 * read from the request through the same schemas, so a bad value is a 400 naming the parameter and the bound.
 * Lists of values are comma-separated (`state=new,acknowledged`).
 */
import type { AlarmListFilter } from '../alarms/alarm-list.js';
import type { OrderListFilter } from '../work-orders/order-list.js';
import { Department, OrgCode } from './account-routes.js';
import { Body, EpochMs, Int, OneOf, Opt, Type, type Static } from './api-spec.js';

export const ALARM_STATES = ['new', 'acknowledged', 'dispatched', 'dismissed', 'closed'] as const;
export const ORDER_STATES = ['issued', 'signed', 'in_progress', 'feedback_submitted', 'accepted', 'returned'] as const;
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
/** Ids in one `ids=` refresh at most: a console page. */
export const IDS_PER_REQUEST_MAX = 200;
const LIST_ROWS_MAX = 500;

function commaList(values: readonly string[]): string {
  const one = `(?:${values.join('|')})`;
  return `^${one}(?:,${one})*$`;
}

const RULE_ID = '[a-z][a-z0-9_]{0,39}';
const ALARM_ID = '[A-Za-z0-9_:.-]{1,200}';

const LIMIT = Opt(Int('rows per page at most', { min: 1, max: LIST_ROWS_MAX }));

export const ALARM_LIST_QUERY = Body({
  state: Opt(
    Type.String({
      description: `only these states, comma-separated (${ALARM_STATES.join(', ')})`,
      pattern: commaList(ALARM_STATES),
      maxLength: 100,
    }),
  ),
  severity: Opt(
    Type.String({
      description: `only these severities, comma-separated (${SEVERITIES.join(', ')})`,
      pattern: commaList(SEVERITIES),
      maxLength: 50,
    }),
  ),
  rule: Opt(
    Type.String({
      description: 'only these rules (alarm categories), comma-separated rule ids',
      pattern: `^${RULE_ID}(?:,${RULE_ID}){0,29}$`,
      maxLength: 600,
    }),
  ),
  org_code: Opt(OrgCode("only this unit and the units below it (within the caller's scope)")),
  department: Opt(Department()),
  escalated: Opt(Type.Boolean({ description: "only alarms escalated to the caller's own unit" })),
  ongoing: Opt(Type.Boolean({ description: 'true: episodes still going on; false: episodes that have ended' })),
  plate: Opt(Type.String({ description: 'plate contains this text', minLength: 1, maxLength: 16 })),
  from: Opt(EpochMs('received at or after this epoch ms')),
  to: Opt(EpochMs('received before this epoch ms')),
  ids: Opt(
    Type.String({
      description: `only these alarm ids, comma-separated, at most ${IDS_PER_REQUEST_MAX}`,
      pattern: `^${ALARM_ID}(?:,${ALARM_ID}){0,${IDS_PER_REQUEST_MAX - 1}}$`,
      maxLength: 201 * IDS_PER_REQUEST_MAX,
    }),
  ),
  since: Opt(EpochMs('also count the matching alarms received after this epoch ms (arrived_since)')),
  sort: Opt(
    OneOf(
      ['received', 'urgency'],
      'received (default): newest received first; urgency: new before acknowledged, critical before warning, longest waiting first',
    ),
  ),
  after: Opt(Type.String({ description: "page: the previous page's next cursor", maxLength: 400 })),
  before: Opt(EpochMs('page (received order, older clients): received before this epoch ms')),
  limit: LIMIT,
});

export const ORDER_LIST_QUERY = Body({
  state: Opt(
    Type.String({
      description: `only these states, comma-separated (${ORDER_STATES.join(', ')})`,
      pattern: commaList(ORDER_STATES),
      maxLength: 120,
    }),
  ),
  department: Opt(Department()),
  org_code: Opt(OrgCode("only orders assigned to this unit or below (within the caller's scope)")),
  assignee: Opt(
    OneOf(['mine', 'issued'], "mine: assigned to the caller's own unit; issued: issued by the caller's own unit"),
  ),
  overdue: Opt(Type.Boolean({ description: 'only overdue (or only not overdue) orders' })),
  escalated: Opt(Type.Boolean({ description: "only orders escalated (督办) to the caller's own unit" })),
  sort: Opt(OneOf(['id', 'deadline'], 'id (default): newest first; deadline: earliest deadline first')),
  after: Opt(Type.String({ description: "page: the previous page's next cursor", maxLength: 200 })),
  before_id: Opt(Int('page (id order, older clients): ids below this', { min: 1 })),
  limit: LIMIT,
});

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',');
}

export function alarmListFilter(q: Static<typeof ALARM_LIST_QUERY>): AlarmListFilter {
  return { ...q, state: list(q.state), severity: list(q.severity), rule: list(q.rule), ids: list(q.ids) };
}

export function orderListFilter(q: Static<typeof ORDER_LIST_QUERY>): OrderListFilter {
  return { ...q, state: list(q.state) };
}
