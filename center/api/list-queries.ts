/**
 * The query parameters of the alarm and work-order lists: declared once (the OpenAPI document shows them) and
 * read from the request through the same specs, so a bad value is a 400 naming the parameter and the bound.
 * Lists of values are comma-separated (`state=new,acknowledged`).
 */
import type { AlarmListFilter, AlarmSort } from '../alarms/alarm-list.js';
import type { RequestContext } from '../http/router.js';
import type { OrderListFilter, OrderSort } from '../work-orders/order-list.js';
import { DEPARTMENT, ORG_CODE } from './account-routes.js';
import { EPOCH_MS, queryParam, type FieldSpec } from './api-spec.js';

export const ALARM_STATES = ['new', 'acknowledged', 'dispatched', 'dismissed', 'closed'] as const;
export const ORDER_STATES = ['issued', 'signed', 'in_progress', 'feedback_submitted', 'accepted', 'returned'] as const;
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
/** Ids in one `ids=` refresh at most: a console page. */
export const IDS_PER_REQUEST_MAX = 200;
const LIST_ROWS_MAX = 500;

function commaList(values: readonly string[]): RegExp {
  const one = `(?:${values.join('|')})`;
  return new RegExp(`^${one}(?:,${one})*$`);
}

const RULE_ID = '[a-z][a-z0-9_]{0,39}';
const ALARM_ID = '[A-Za-z0-9_:.-]{1,200}';

const LIMIT: FieldSpec = { type: 'integer', description: 'rows per page at most', min: 1, max: LIST_ROWS_MAX };

export const ALARM_LIST_QUERY: Record<string, FieldSpec> = {
  state: {
    type: 'string',
    description: `only these states, comma-separated (${ALARM_STATES.join(', ')})`,
    pattern: commaList(ALARM_STATES),
    maxLength: 100,
  },
  severity: {
    type: 'string',
    description: `only these severities, comma-separated (${SEVERITIES.join(', ')})`,
    pattern: commaList(SEVERITIES),
    maxLength: 50,
  },
  rule: {
    type: 'string',
    description: 'only these rules (alarm categories), comma-separated rule ids',
    pattern: new RegExp(`^${RULE_ID}(?:,${RULE_ID}){0,29}$`),
    maxLength: 600,
  },
  org_code: { ...ORG_CODE, description: "only this unit and the units below it (within the caller's scope)" },
  department: DEPARTMENT,
  escalated: { type: 'boolean', description: "only alarms escalated to the caller's own unit" },
  ongoing: { type: 'boolean', description: 'true: episodes still going on; false: episodes that have ended' },
  plate: { type: 'string', description: 'plate contains this text', minLength: 1, maxLength: 16 },
  from: { ...EPOCH_MS, description: 'received at or after this epoch ms' },
  to: { ...EPOCH_MS, description: 'received before this epoch ms' },
  ids: {
    type: 'string',
    description: `only these alarm ids, comma-separated, at most ${IDS_PER_REQUEST_MAX}`,
    pattern: new RegExp(`^${ALARM_ID}(?:,${ALARM_ID}){0,${IDS_PER_REQUEST_MAX - 1}}$`),
    maxLength: 201 * IDS_PER_REQUEST_MAX,
  },
  since: { ...EPOCH_MS, description: 'also count the matching alarms received after this epoch ms (arrived_since)' },
  sort: {
    type: 'string',
    description:
      'received (default): newest received first; urgency: new before acknowledged, critical before warning, longest waiting first',
    enum: ['received', 'urgency'],
  },
  after: { type: 'string', description: "page: the previous page's next cursor", maxLength: 400 },
  before: { ...EPOCH_MS, description: 'page (received order, older clients): received before this epoch ms' },
  limit: LIMIT,
};

export const ORDER_LIST_QUERY: Record<string, FieldSpec> = {
  state: {
    type: 'string',
    description: `only these states, comma-separated (${ORDER_STATES.join(', ')})`,
    pattern: commaList(ORDER_STATES),
    maxLength: 120,
  },
  department: DEPARTMENT,
  org_code: { ...ORG_CODE, description: "only orders assigned to this unit or below (within the caller's scope)" },
  assignee: {
    type: 'string',
    description: "mine: assigned to the caller's own unit; issued: issued by the caller's own unit",
    enum: ['mine', 'issued'],
  },
  overdue: { type: 'boolean', description: 'only overdue (or only not overdue) orders' },
  escalated: { type: 'boolean', description: "only orders escalated (督办) to the caller's own unit" },
  sort: {
    type: 'string',
    description: 'id (default): newest first; deadline: earliest deadline first',
    enum: ['id', 'deadline'],
  },
  after: { type: 'string', description: "page: the previous page's next cursor", maxLength: 200 },
  before_id: { type: 'integer', description: 'page (id order, older clients): ids below this', min: 1 },
  limit: LIMIT,
};

function list(ctx: RequestContext, name: string, spec: FieldSpec): string[] | undefined {
  const value = queryParam(ctx, name, spec) as string | undefined;
  return value === undefined ? undefined : value.split(',');
}

export function alarmListFilter(ctx: RequestContext): AlarmListFilter {
  const q = ALARM_LIST_QUERY;
  return {
    state: list(ctx, 'state', q.state),
    severity: list(ctx, 'severity', q.severity),
    rule: list(ctx, 'rule', q.rule),
    org_code: queryParam(ctx, 'org_code', q.org_code) as string | undefined,
    department: queryParam(ctx, 'department', q.department) as string | undefined,
    escalated: queryParam(ctx, 'escalated', q.escalated) as boolean | undefined,
    ongoing: queryParam(ctx, 'ongoing', q.ongoing) as boolean | undefined,
    plate: queryParam(ctx, 'plate', q.plate) as string | undefined,
    from: queryParam(ctx, 'from', q.from) as number | undefined,
    to: queryParam(ctx, 'to', q.to) as number | undefined,
    ids: list(ctx, 'ids', q.ids),
    since: queryParam(ctx, 'since', q.since) as number | undefined,
    sort: queryParam(ctx, 'sort', q.sort) as AlarmSort | undefined,
    after: queryParam(ctx, 'after', q.after) as string | undefined,
    before: queryParam(ctx, 'before', q.before) as number | undefined,
    limit: queryParam(ctx, 'limit', q.limit) as number | undefined,
  };
}

export function orderListFilter(ctx: RequestContext): OrderListFilter {
  const q = ORDER_LIST_QUERY;
  return {
    state: list(ctx, 'state', q.state),
    department: queryParam(ctx, 'department', q.department) as string | undefined,
    org_code: queryParam(ctx, 'org_code', q.org_code) as string | undefined,
    assignee: queryParam(ctx, 'assignee', q.assignee) as 'mine' | 'issued' | undefined,
    overdue: queryParam(ctx, 'overdue', q.overdue) as boolean | undefined,
    escalated: queryParam(ctx, 'escalated', q.escalated) as boolean | undefined,
    sort: queryParam(ctx, 'sort', q.sort) as OrderSort | undefined,
    after: queryParam(ctx, 'after', q.after) as string | undefined,
    before_id: queryParam(ctx, 'before_id', q.before_id) as number | undefined,
    limit: queryParam(ctx, 'limit', q.limit) as number | undefined,
  };
}
