/**
 * Routes for alarm handling and work orders. Every item is checked against the caller's scope on the server;
 * an item outside it answers 404, exactly like one that does not exist.
 */
import type { ConsoleAbilities } from '../../schema/index.js';
import { HANDLER_ROLES, READER_ROLES, SUPERVISOR_ROLES } from '../access/actor.js';
import { mayHandleAlarms } from '../access/alarm-permissions.js';
import type { AlarmDesk } from '../alarms/alarm-desk.js';
import type { Role } from '../auth/accounts.js';
import { ORDER_ACTIONS, type OrderAction, type WorkOrders } from '../work-orders/work-orders.js';
import { Department, EnterpriseId, numericParam, OrgCode } from './account-routes.js';
import { Body, Int, OneOf, Opt, Type, type Api, type TObject } from './api-spec.js';
import { ALARM_LIST_QUERY, alarmListFilter, ORDER_LIST_QUERY, orderListFilter, SEVERITIES } from './list-queries.js';
import { commandTypesFor } from './terminal-commands.js';
import { mayWatchVideo } from '../video/video-routes.js';
import { mayManageSources } from '../sources/source-keys.js';

const CATEGORY = Type.String({
  description: 'category, e.g. the rule id (overspeed) or another supervision topic',
  pattern: '^[a-z][a-z0-9_]{0,39}$',
});
const DEADLINE_HOURS = Int('deadline in hours, instead of the configured one', { min: 1, max: 2160 });
function Text(description = 'text of the step') {
  return Type.String({ description, maxLength: 4000 });
}
const ATTACHMENTS = Type.Array(
  Body({
    name: Type.String({ description: 'file name', minLength: 1, maxLength: 200 }),
    content_type: Type.String({ description: 'MIME type', minLength: 3, maxLength: 100 }),
    data_base64: Type.String({ description: 'content, base64', maxLength: 700_000 }),
  }),
  { description: 'files (photos, scanned letters), base64; see the OpenAPI bounds', maxItems: 5 },
);
/** A step with optional text, and one whose text (what the step says) is required, with attachments. */
const OPTIONAL_TEXT = Body({ text: Opt(Text()) });
function requiredText(description: string) {
  return Body({ text: Text(description), attachments: Opt(ATTACHMENTS) });
}

/** What each work-order action takes in its body. */
const ACTION_BODIES = {
  sign: OPTIONAL_TEXT,
  claim: OPTIONAL_TEXT,
  start: OPTIONAL_TEXT,
  self_check: requiredText("the enterprise's self-check (自查) result"),
  explanation: requiredText("the enterprise's explanation (情况说明)"),
  rectification: requiredText('rectification done, with evidence (整改材料)'),
  review: requiredText("the authority's verification; attach the notification letter (抄告函)"),
  feedback: requiredText('result of the handling'),
  accept: OPTIONAL_TEXT,
  return: Body({ text: Text('why it is returned') }),
  transfer: Body({
    org_code: Opt(OrgCode()),
    department: Opt(Department()),
    enterprise_id: Opt(EnterpriseId()),
    text: Opt(Text()),
  }),
  urge: Body({ text: Text('what the supervising centre demands (督办意见)') }),
  comment: requiredText('text of the step'),
} satisfies Record<OrderAction, TObject>;

/** Who may take each step at all; the handler also checks the unit (assignee staff, issuing centre, …). */
const ACTION_ROLES: Record<OrderAction, readonly Role[]> = {
  sign: HANDLER_ROLES,
  claim: ['enterprise'],
  start: [...HANDLER_ROLES, 'enterprise'],
  self_check: ['enterprise'],
  explanation: ['enterprise'],
  rectification: ['enterprise'],
  review: HANDLER_ROLES,
  feedback: [...HANDLER_ROLES, 'enterprise'],
  accept: SUPERVISOR_ROLES,
  return: SUPERVISOR_ROLES,
  transfer: HANDLER_ROLES,
  urge: HANDLER_ROLES,
  comment: ['admin', ...HANDLER_ROLES, 'enterprise'],
};

const ACTION_SUMMARIES: Record<OrderAction, string> = {
  sign: 'Sign for the order (签收): staff of the assignee unit',
  claim: 'Claim the order (认领): the enterprise',
  start: 'Start handling: assignee staff or the enterprise',
  self_check: 'Self-check result (自查): the enterprise',
  explanation: 'Explanation (情况说明): the enterprise',
  rectification: 'Rectification evidence (整改): the enterprise',
  review: 'Review with verification / notification letter (抄告函): staff of the assignee unit or above',
  feedback: 'Submit feedback with text and attachments: assignee staff or the enterprise',
  accept: 'Accept the result (办结): a dispatcher or leader of the issuing centre or above the assignee',
  return: 'Return the result for more work: same as accept',
  transfer: 'Transfer/reassign to another unit, department or enterprise (back to issued)',
  urge: 'Urge an overdue order (督办), with what is demanded: handling staff of the issuing centre or above the assignee',
  comment: 'Comment on the order',
};

export function registerHandlingRoutes(api: Api, deps: { desk: AlarmDesk; workOrders: WorkOrders }): void {
  api.define(
    {
      method: 'GET',
      path: '/api/me/abilities',
      tag: 'alarms',
      summary:
        "What the caller's role may do at all: handle alarms, issue work orders, send terminal commands, watch video, administer accounts and source keys",
      roles: 'any',
      returns: 'ConsoleAbilities',
    },
    (_ctx, p) => {
      const abilities: ConsoleAbilities = {
        role: p.role,
        org_code: p.orgCode,
        enterprise_id: p.enterpriseId,
        handle_alarms: mayHandleAlarms(p),
        issue_work_orders: SUPERVISOR_ROLES.includes(p.role),
        terminal_commands: commandTypesFor(p),
        video: mayWatchVideo(p),
        manage_accounts: p.role === 'admin',
        manage_source_keys: mayManageSources(p),
      };
      return { body: abilities };
    },
  );
  api.define(
    {
      method: 'GET',
      path: '/api/alarms',
      tag: 'alarms',
      summary:
        "Alarms routed into the caller's subtree (enterprise users: their vehicles), filtered, one keyset page; each with the steps the caller may take",
      roles: READER_ROLES,
      query: ALARM_LIST_QUERY,
      returns: 'AlarmListAnswer {alarms: [AlarmQueueRow], total, counts, arrived_since, next, as_of}',
    },
    async (_ctx, p, _body, query) => ({ body: await deps.desk.list(p, alarmListFilter(query)) }),
  );
  api.define(
    {
      method: 'GET',
      path: '/api/alarms/:id',
      tag: 'alarms',
      summary: "One alarm (with the steps the caller may take), the rule's evidence and every handling step taken",
      roles: READER_ROLES,
      returns:
        '{alarm: AlarmQueueRow, details: {…evidence}, actions: [{id, action, from_state, to_state, actor, org_code, detail, at}]}',
    },
    async (ctx, p) => ({
      body: await deps.desk.get(ctx.params.id, p),
    }),
  );
  api.define(
    {
      method: 'POST',
      path: '/api/alarms/:id/acknowledge',
      tag: 'alarms',
      summary: 'Acknowledge (签收) a new alarm; 409 held_by_other when someone else holds it',
      roles: HANDLER_ROLES,
      returns: 'FeedAlarmCase',
    },
    async (ctx, p) => ({ body: await deps.desk.acknowledge(ctx.params.id, p, ctx.peer) }),
  );
  api.define(
    {
      method: 'POST',
      path: '/api/alarms/:id/dismiss',
      tag: 'alarms',
      summary: 'Dismiss a false alarm, with a reason',
      roles: HANDLER_ROLES,
      body: Body({ reason: Type.String({ description: 'why it is a false alarm', minLength: 2, maxLength: 2000 }) }),
      returns: 'FeedAlarmCase',
    },
    async (ctx, p, body) => ({ body: await deps.desk.dismiss(ctx.params.id, body.reason, p, ctx.peer) }),
  );
  api.define(
    {
      method: 'POST',
      path: '/api/alarms/:id/dispatch',
      tag: 'alarms',
      summary: 'Turn an alarm into a work order (defaults: its unit, department and enterprise)',
      roles: HANDLER_ROLES,
      body: Body({
        title: Opt(Type.String({ description: 'title of the order', maxLength: 200 })),
        description: Opt(Text()),
        org_code: Opt(OrgCode()),
        department: Opt(Department()),
        enterprise_id: Opt(EnterpriseId()),
        deadline_hours: Opt(DEADLINE_HOURS),
      }),
      returns: 'FeedAlarmCase (state dispatched, work_order_id set)',
    },
    async (ctx, p, body) => ({ body: await deps.desk.dispatch(ctx.params.id, body, p, ctx.peer) }),
  );
  api.define(
    {
      method: 'POST',
      path: '/api/alarms/:id/close',
      tag: 'alarms',
      summary: 'Close a dismissed alarm (dispatched ones close when their order is accepted)',
      roles: HANDLER_ROLES,
      returns: 'FeedAlarmCase',
    },
    async (ctx, p) => ({
      body: await deps.desk.close(ctx.params.id, p, ctx.peer),
    }),
  );

  api.define(
    {
      method: 'GET',
      path: '/api/work-orders',
      tag: 'work orders',
      summary:
        "Work orders assigned in or issued from the caller's subtree (enterprise users: addressed to them), filtered, one keyset page; each with the steps the caller may take",
      roles: READER_ROLES,
      query: ORDER_LIST_QUERY,
      returns: 'WorkOrderListAnswer {work_orders: [WorkOrderListRow], total, counts, next, as_of}',
    },
    async (_ctx, p, _body, query) => ({ body: await deps.workOrders.list(p, orderListFilter(query)) }),
  );
  api.define(
    {
      method: 'POST',
      path: '/api/work-orders',
      tag: 'work orders',
      summary:
        "Issue a work order top-down (工单发布) to a unit in the caller's subtree, a department and optionally an enterprise",
      roles: SUPERVISOR_ROLES,
      body: Body({
        title: Type.String({ description: 'title', minLength: 1, maxLength: 200 }),
        description: Opt(Text()),
        category: CATEGORY,
        severity: OneOf(SEVERITIES, 'severity, with the category it selects the deadline'),
        org_code: OrgCode('assignee unit'),
        department: Department(),
        enterprise_id: Opt(EnterpriseId('enterprise to rectify')),
        deadline_hours: Opt(DEADLINE_HOURS),
      }),
      returns: 'FeedWorkOrder',
    },
    async (ctx, p, body) => ({
      status: 201,
      body: await deps.workOrders.issue(p, ctx.peer, body),
    }),
  );
  api.define(
    {
      method: 'GET',
      path: '/api/work-orders/:id',
      tag: 'work orders',
      summary: 'One work order with its full timeline and the steps the caller may take',
      roles: READER_ROLES,
      returns: 'WorkOrderDetail {order: WorkOrderListRow, timeline: [WorkOrderTimelineEvent]}',
    },
    async (ctx, p) => ({
      body: await deps.workOrders.get(numericParam(ctx, 'id'), p),
    }),
  );
  api.define(
    {
      method: 'GET',
      path: '/api/work-orders/:id/attachments/:attachment',
      tag: 'work orders',
      summary: 'Download an attachment',
      roles: READER_ROLES,
      returns: 'the file',
    },
    async (ctx, p) => {
      const file = await deps.workOrders.attachment(numericParam(ctx, 'id'), numericParam(ctx, 'attachment'), p);
      return {
        raw: file.content,
        headers: {
          'content-type': file.content_type,
          'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`,
        },
      };
    },
  );
  for (const action of ORDER_ACTIONS) {
    api.define(
      {
        method: 'POST',
        path: `/api/work-orders/:id/${action.replace('_', '-')}`,
        tag: 'work orders',
        summary: ACTION_SUMMARIES[action],
        roles: ACTION_ROLES[action],
        body: ACTION_BODIES[action],
        returns: 'FeedWorkOrder',
      },
      async (ctx, p, body) => ({
        body: await deps.workOrders.act(numericParam(ctx, 'id'), action, p, ctx.peer, body),
      }),
    );
  }
}
