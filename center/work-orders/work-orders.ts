/**
 * Work orders (工单): issued from an alarm (automatically or by an officer) or top-down by a higher centre to
 * a unit + department and, for rectification, an enterprise. Every step is one transaction that checks role,
 * scope and state, writes the order, its timeline event and the audit entry together, then tells the hub.
 *
 *   issued → signed (签收) → in_progress → feedback_submitted → accepted (办结)
 *                                              └→ returned → in_progress …
 *   transfer (to another unit/department) puts it back to issued; comments and the enterprise's self-check,
 *   explanation and rectification evidence add to the timeline without changing the state. An order past its
 *   deadline (限时办结) unfinished is flagged overdue and escalated (督办) to the parent centre.
 */
import { createHash } from 'node:crypto';
import type {
  FeedWorkOrder,
  WorkOrderAction,
  WorkOrderDetail,
  WorkOrderListAnswer,
  WorkOrderListRow,
  WorkOrderTimelineEvent,
} from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import {
  actorName,
  requireOrgScope,
  requireOrgView,
  requireRole,
  SUPERVISOR_ROLES,
  SYSTEM_ACTOR,
  visibleTo,
  type Actor,
  type Clock,
} from '../access/actor.js';
import { orderRefusal } from '../access/order-permissions.js';
import { alarmView, loadAlarm, recordAlarmAction, type Tx } from '../alarms/alarm-store.js';
import { appendAudit } from '../auth/audit.js';
import type { Principal } from '../auth/accounts.js';
import { deadlineHours, type CenterConfig } from '../config/center-config.js';
import { deadlineTier } from '../credit/credit-tier.js';
import { HttpError } from '../http/router.js';
import { SqlConditions } from '../access/sql-conditions.js';
import type { OrgDirectory } from '../org/org-directory.js';
import {
  addOrderCursorAndOrder,
  addOrderFilterConditions,
  orderCursorAfter,
  type OrderListFilter,
} from './order-list.js';
import {
  loadOrder,
  orderView,
  recordOrderEvent,
  type CenterChange,
  type OrderState,
  type WorkOrderRow,
} from './work-order-store.js';

export interface WorkOrderOptions {
  /** Decoded bytes of one attachment at most. */
  attachmentBytesMax: number;
  attachmentsPerEventMax: number;
  /** Overdue orders escalated per supervision pass at most; the rest wait for the next pass. */
  escalationBatchMax: number;
  listLimitMax: number;
}

export const WORK_ORDER_DEFAULTS: WorkOrderOptions = {
  attachmentBytesMax: 512 * 1024,
  attachmentsPerEventMax: 5,
  escalationBatchMax: 500,
  listLimitMax: 500,
};

export interface WorkOrderDeps {
  sql: Sql;
  org: OrgDirectory;
  config: CenterConfig;
  now: Clock;
  notify(change: CenterChange): void;
}

export interface NewOrder {
  title: string;
  description: string;
  source: 'alarm' | 'top_down';
  alarmId: string | null;
  category: string;
  severity: string;
  issuerOrg: string;
  orgCode: string;
  department: string;
  enterpriseId: string | null;
  deadlineHours?: number;
}

export interface AttachmentInput {
  name: string;
  content_type: string;
  data_base64: string;
}

export interface ActionInput {
  text?: string;
  attachments?: AttachmentInput[];
  org_code?: string;
  department?: string;
  enterprise_id?: string;
}

export type OrderAction = WorkOrderAction;

export const ORDER_ACTIONS: readonly OrderAction[] = [
  'sign',
  'claim',
  'start',
  'self_check',
  'explanation',
  'rectification',
  'review',
  'feedback',
  'accept',
  'return',
  'transfer',
  'urge',
  'comment',
];

const OPEN: readonly OrderState[] = ['issued', 'signed', 'in_progress', 'feedback_submitted', 'returned'];

/** From which states an action may run, and the state it leads to (undefined: unchanged). */
const TRANSITIONS: Record<
  OrderAction,
  { from: readonly OrderState[]; to?: OrderState; textRequired?: boolean; event: string }
> = {
  sign: { from: ['issued'], to: 'signed', event: 'signed' },
  claim: { from: OPEN.filter((s) => s !== 'feedback_submitted'), event: 'claimed' },
  start: { from: ['signed', 'returned'], to: 'in_progress', event: 'started' },
  self_check: { from: ['signed', 'in_progress', 'returned'], textRequired: true, event: 'self_check' },
  explanation: { from: ['signed', 'in_progress', 'returned'], textRequired: true, event: 'explanation' },
  rectification: { from: ['signed', 'in_progress', 'returned'], textRequired: true, event: 'rectification' },
  review: { from: OPEN, textRequired: true, event: 'review' },
  feedback: { from: ['in_progress'], to: 'feedback_submitted', textRequired: true, event: 'feedback' },
  accept: { from: ['feedback_submitted'], to: 'accepted', event: 'accepted' },
  return: { from: ['feedback_submitted'], to: 'returned', textRequired: true, event: 'returned' },
  transfer: { from: ['issued', 'signed', 'in_progress', 'returned'], to: 'issued', event: 'transferred' },
  // 督办 by hand: only of an order past its deadline (checked in act), without changing its state.
  urge: { from: OPEN, textRequired: true, event: 'urged' },
  comment: { from: [...OPEN, 'accepted'], textRequired: true, event: 'comment' },
};

export class WorkOrders {
  constructor(
    private readonly deps: WorkOrderDeps,
    private readonly options: WorkOrderOptions = WORK_ORDER_DEFAULTS,
  ) {}

  /** Creates an order inside the caller's transaction (alarm dispatch uses the same one). */
  async createInTx(tx: Tx, order: NewOrder, actor: Actor): Promise<WorkOrderRow> {
    const unit = this.deps.org.get(order.orgCode);
    if (!unit) throw new HttpError(400, 'unknown_org_unit', `org unit ${order.orgCode} does not exist`);
    const departments = await tx.query('SELECT 1 FROM departments WHERE org_code = $1 AND code = $2', [
      order.orgCode,
      order.department,
    ]);
    if (departments.length === 0)
      throw new HttpError(400, 'unknown_department', `org unit ${order.orgCode} has no department ${order.department}`);
    if (order.enterpriseId !== null) {
      const enterprise = (
        await tx.query<{ org_code: string }>('SELECT org_code FROM enterprises WHERE id = $1', [order.enterpriseId])
      )[0];
      if (!enterprise)
        throw new HttpError(400, 'unknown_enterprise', `enterprise ${order.enterpriseId} does not exist`);
      if (
        actor.principal &&
        !this.deps.org.covers(order.issuerOrg, enterprise.org_code) &&
        !this.deps.org.covers(enterprise.org_code, order.orgCode)
      ) {
        throw new HttpError(
          403,
          'out_of_scope',
          `enterprise ${order.enterpriseId} is supervised by ${enterprise.org_code}, outside ${order.issuerOrg}`,
        );
      }
    }
    const now = this.deps.now();
    // A deadline an officer set is kept; the configured one is tiered by the enterprise's credit grade.
    const tier =
      order.deadlineHours === undefined && order.enterpriseId !== null
        ? await deadlineTier(tx, this.deps.config, order.enterpriseId)
        : null;
    const hours =
      order.deadlineHours ??
      deadlineHours((await this.deps.config.get('work_order_deadlines', tx)).value, order.category, order.severity) *
        (tier?.factor ?? 1);
    const rows = await tx.query<WorkOrderRow>(
      `INSERT INTO work_orders (title, description, source, alarm_id, category, severity, issuer_org, issued_by, org_code, department, enterprise_id, state, deadline_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'issued', $12, $13, $13) RETURNING *`,
      [
        order.title,
        order.description,
        order.source,
        order.alarmId,
        order.category,
        order.severity,
        order.issuerOrg,
        actor.principal?.userId ?? null,
        order.orgCode,
        order.department,
        order.enterpriseId,
        new Date(now + hours * 3_600_000),
        new Date(now),
      ],
    );
    const row = rows[0];
    await recordOrderEvent(tx, {
      orderId: row.id,
      kind: 'issued',
      from: '',
      to: 'issued',
      actor,
      actorOrg: actor.principal?.orgCode ?? order.issuerOrg,
      text: order.description,
      detail: {
        org_code: order.orgCode,
        department: order.department,
        enterprise_id: order.enterpriseId,
        deadline_hours: hours,
        ...(tier ? { credit_grade: tier.grade, deadline_factor: tier.factor } : {}),
        source: order.source,
        alarm_id: order.alarmId,
      },
      at: now,
    });
    await appendAudit(tx, {
      actorId: actor.principal?.userId ?? null,
      actor: actorName(actor),
      action: 'work_order.issue',
      target: `work_order:${row.id}`,
      detail: {
        org_code: order.orgCode,
        department: order.department,
        enterprise_id: order.enterpriseId,
        alarm_id: order.alarmId,
      },
      peer: actor.peer,
    });
    return row;
  }

  /** A higher centre issues an order down the hierarchy (G4). */
  async issue(
    principal: Principal,
    peer: string,
    input: {
      title: string;
      description?: string;
      category: string;
      severity: string;
      org_code: string;
      department: string;
      enterprise_id?: string;
      deadline_hours?: number;
    },
  ): Promise<FeedWorkOrder> {
    requireRole(principal, SUPERVISOR_ROLES, 'issue work orders');
    requireOrgScope(principal, this.deps.org, input.org_code, 'issue work orders');
    const row = await this.deps.sql.transaction((tx) =>
      this.createInTx(
        tx,
        {
          title: input.title,
          description: input.description ?? '',
          source: 'top_down',
          alarmId: null,
          category: input.category,
          severity: input.severity,
          issuerOrg: principal.orgCode,
          orgCode: input.org_code,
          department: input.department,
          enterpriseId: input.enterprise_id ?? null,
          deadlineHours: input.deadline_hours,
        },
        { principal, peer },
      ),
    );
    const view = orderView(row);
    this.deps.notify({ kind: 'work_order', order: view, event: 'issued', actor: principal.username });
    return view;
  }

  private async visibleOrder(tx: Tx, id: number, principal: Principal, forUpdate: boolean): Promise<WorkOrderRow> {
    const row = Number.isSafeInteger(id) ? await loadOrder(tx, id, forUpdate) : undefined;
    // An order outside the caller's scope is reported as missing, so ids of other cities reveal nothing.
    if (!row || !visibleTo(principal, row, this.deps.org))
      throw new HttpError(404, 'not_found', `work order ${id} not found`);
    return row;
  }

  /** Checks that this principal may take this action on this order; throws 403 naming why not. */
  private authorize(principal: Principal, order: WorkOrderRow, action: OrderAction, input: ActionInput): void {
    const refusal = orderRefusal(principal, order, action, this.deps.org);
    if (refusal !== null) throw new HttpError(403, 'forbidden', refusal);
    if (action === 'transfer' && principal.role !== 'enterprise')
      requireOrgScope(principal, this.deps.org, input.org_code ?? order.org_code, 'transfer work orders');
  }

  /**
   * The steps `principal` may take on the order now: allowed by role and place (the same check as `act`) and by
   * its state. A transfer is offered when the order may move; its target is checked when it is posted.
   */
  allowedActions(principal: Principal, order: WorkOrderRow, now: number): OrderAction[] {
    return ORDER_ACTIONS.filter((action) => {
      if (!TRANSITIONS[action].from.includes(order.state)) return false;
      if (orderRefusal(principal, order, action, this.deps.org) !== null) return false;
      if (action === 'claim') return order.enterprise_claimed_at === null;
      if (action === 'urge') return isOverdue(order, now);
      return true;
    });
  }

  async act(
    id: number,
    action: OrderAction,
    principal: Principal,
    peer: string,
    input: ActionInput,
  ): Promise<FeedWorkOrder> {
    const transition = TRANSITIONS[action];
    if (transition.textRequired && (input.text ?? '').trim() === '')
      throw new HttpError(400, 'text_required', `${action} needs a text`);
    if ((input.attachments?.length ?? 0) > this.options.attachmentsPerEventMax) {
      throw new HttpError(
        400,
        'too_many_attachments',
        `${input.attachments!.length} attachments is more than max allowed ${this.options.attachmentsPerEventMax}`,
      );
    }
    const changes: CenterChange[] = [];
    const row = await this.deps.sql.transaction(async (tx) => {
      const order = await this.visibleOrder(tx, id, principal, true);
      this.authorize(principal, order, action, input);
      if (!transition.from.includes(order.state)) {
        throw new HttpError(409, 'bad_state', `cannot ${action} a work order that is ${order.state}`, {
          state: order.state,
        });
      }
      const now = this.deps.now();
      if (action === 'urge' && !isOverdue(order, now))
        throw new HttpError(
          409,
          'not_overdue',
          `work order ${id} is not overdue: its deadline is ${new Date(order.deadline_at).toISOString()}`,
          { deadline_at: new Date(order.deadline_at).getTime() },
        );
      const to = transition.to ?? order.state;
      const detail: Record<string, unknown> = {};
      let updated: WorkOrderRow;
      if (action === 'claim') {
        if (order.enterprise_claimed_at !== null)
          throw new HttpError(
            409,
            'already_claimed',
            `work order ${id} was claimed at ${order.enterprise_claimed_at.toISOString()}`,
          );
        const next: OrderState = order.state === 'issued' ? 'signed' : order.state;
        updated = (
          await tx.query<WorkOrderRow>(
            'UPDATE work_orders SET enterprise_claimed_at = $2, state = $3, updated_at = $2 WHERE id = $1 RETURNING *',
            [id, new Date(now), next],
          )
        )[0];
      } else if (action === 'transfer') {
        const orgCode = input.org_code ?? order.org_code;
        const department = input.department ?? order.department;
        if (orgCode === order.org_code && department === order.department && input.enterprise_id === undefined)
          throw new HttpError(400, 'no_change', 'transfer needs another org_code, department or enterprise_id');
        const unit = this.deps.org.get(orgCode);
        if (!unit) throw new HttpError(400, 'unknown_org_unit', `org unit ${orgCode} does not exist`);
        if (
          (await tx.query('SELECT 1 FROM departments WHERE org_code = $1 AND code = $2', [orgCode, department]))
            .length === 0
        ) {
          throw new HttpError(400, 'unknown_department', `org unit ${orgCode} has no department ${department}`);
        }
        const enterpriseId = input.enterprise_id ?? order.enterprise_id;
        if (
          input.enterprise_id !== undefined &&
          (await tx.query('SELECT 1 FROM enterprises WHERE id = $1', [input.enterprise_id])).length === 0
        ) {
          throw new HttpError(400, 'unknown_enterprise', `enterprise ${input.enterprise_id} does not exist`);
        }
        Object.assign(detail, {
          from: { org_code: order.org_code, department: order.department, enterprise_id: order.enterprise_id },
          to: { org_code: orgCode, department, enterprise_id: enterpriseId },
        });
        updated = (
          await tx.query<WorkOrderRow>(
            'UPDATE work_orders SET org_code = $2, department = $3, enterprise_id = $4, state = $5, signed_by = NULL, signed_at = NULL, updated_at = $6 WHERE id = $1 RETURNING *',
            [id, orgCode, department, enterpriseId, to, new Date(now)],
          )
        )[0];
      } else if (transition.to !== undefined) {
        const signed = action === 'sign' ? ', signed_by = $4, signed_at = $3' : '';
        const closed = action === 'accept' ? ', closed_at = $3' : '';
        const params: unknown[] = [id, to, new Date(now)];
        if (action === 'sign') params.push(principal.userId);
        updated = (
          await tx.query<WorkOrderRow>(
            `UPDATE work_orders SET state = $2, updated_at = $3${signed}${closed} WHERE id = $1 RETURNING *`,
            params,
          )
        )[0];
      } else {
        updated = (
          await tx.query<WorkOrderRow>('UPDATE work_orders SET updated_at = $2 WHERE id = $1 RETURNING *', [
            id,
            new Date(now),
          ])
        )[0];
      }
      if (input.attachments && input.attachments.length > 0)
        detail.attachments = await this.storeAttachments(tx, id, principal, input.attachments, now);
      const actor: Actor = { principal, peer };
      await recordOrderEvent(tx, {
        orderId: id,
        kind: transition.event,
        from: order.state,
        to: updated.state,
        actor,
        actorOrg: principal.orgCode,
        text: input.text,
        detail,
        at: now,
      });
      await appendAudit(tx, {
        actorId: principal.userId,
        actor: principal.username,
        action: `work_order.${action}`,
        target: `work_order:${id}`,
        detail: { from: order.state, to: updated.state, ...detail },
        peer,
      });
      changes.push({
        kind: 'work_order',
        order: orderView(updated),
        event: transition.event,
        actor: principal.username,
      });
      if (action === 'accept' && updated.alarm_id !== null) await this.closeAlarm(tx, updated, actor, now, changes);
      return updated;
    });
    for (const change of changes) this.deps.notify(change);
    return orderView(row);
  }

  /** An accepted order closes the loop of the alarm it came from. */
  private async closeAlarm(
    tx: Tx,
    order: WorkOrderRow,
    actor: Actor,
    now: number,
    changes: CenterChange[],
  ): Promise<void> {
    const alarm = await loadAlarm(tx, order.alarm_id!, true);
    if (!alarm || alarm.state !== 'dispatched') return;
    const rows = await tx.query<Parameters<typeof alarmView>[0]>(
      `UPDATE alarm_cases SET state = 'closed', updated_at = $2 WHERE alarm_id = $1 RETURNING *`,
      [alarm.alarm_id, new Date(now)],
    );
    await recordAlarmAction(tx, {
      alarmId: alarm.alarm_id,
      action: 'closed',
      from: 'dispatched',
      to: 'closed',
      actor,
      orgCode: alarm.org_code,
      detail: { work_order_id: Number(order.id), reason: 'work_order_accepted' },
      at: now,
    });
    await appendAudit(tx, {
      actorId: actor.principal?.userId ?? null,
      actor: actorName(actor),
      action: 'alarm.closed',
      target: `alarm:${alarm.alarm_id}`,
      detail: { work_order_id: Number(order.id) },
      peer: actor.peer,
    });
    changes.push({ kind: 'alarm', alarm: alarmView(rows[0]), action: 'closed', actor: actorName(actor) });
  }

  private async storeAttachments(
    tx: Tx,
    orderId: number,
    principal: Principal,
    attachments: AttachmentInput[],
    now: number,
  ): Promise<Record<string, unknown>[]> {
    const stored: Record<string, unknown>[] = [];
    for (const [i, a] of attachments.entries()) {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(a.data_base64))
        throw new HttpError(400, 'bad_field', `attachments[${i}].data_base64: not base64`, {
          field: `attachments[${i}].data_base64`,
        });
      const bytes = Buffer.from(a.data_base64, 'base64');
      if (bytes.length > this.options.attachmentBytesMax) {
        throw new HttpError(
          413,
          'attachment_too_large',
          `attachments[${i}] of ${bytes.length} bytes is more than max allowed ${this.options.attachmentBytesMax}`,
        );
      }
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const rows = await tx.query<{ id: number }>(
        'INSERT INTO work_order_attachments (order_id, name, content_type, size_bytes, sha256, content, uploaded_by, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id',
        [orderId, a.name, a.content_type, bytes.length, sha256, bytes, principal.userId, new Date(now)],
      );
      stored.push({
        id: Number(rows[0].id),
        name: a.name,
        content_type: a.content_type,
        size_bytes: bytes.length,
        sha256,
      });
    }
    return stored;
  }

  async get(id: number, principal: Principal): Promise<WorkOrderDetail> {
    const order = await this.visibleOrder(this.deps.sql, id, principal, false);
    const events = await this.deps.sql.query<Omit<WorkOrderTimelineEvent, 'at'> & { at: Date }>(
      `SELECT e.id, e.kind, e.from_state, e.to_state, e.actor, COALESCE(NULLIF(u.display_name, ''), e.actor) AS actor_name,
              e.actor_org, e.text, e.detail, e.at
         FROM work_order_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.order_id = $1 ORDER BY e.id`,
      [id],
    );
    const urged = events.filter((e) => e.kind === TRANSITIONS.urge.event).at(-1);
    return {
      order: this.listRow({ ...order, urged_at: urged?.at ?? null }, principal, this.deps.now()),
      timeline: events.map((e) => ({ ...e, id: Number(e.id), at: new Date(e.at).getTime() })),
    };
  }

  private listRow(row: WorkOrderRow & { urged_at: Date | null }, principal: Principal, now: number): WorkOrderListRow {
    return {
      ...orderView(row),
      actions: this.allowedActions(principal, row, now),
      urged_at: row.urged_at === null ? null : new Date(row.urged_at).getTime(),
    };
  }

  async attachment(
    orderId: number,
    attachmentId: number,
    principal: Principal,
  ): Promise<{ name: string; content_type: string; content: Buffer }> {
    await this.visibleOrder(this.deps.sql, orderId, principal, false);
    const rows = await this.deps.sql.query<{ name: string; content_type: string; content: Uint8Array }>(
      'SELECT name, content_type, content FROM work_order_attachments WHERE id = $1 AND order_id = $2',
      [attachmentId, orderId],
    );
    if (!rows[0])
      throw new HttpError(404, 'not_found', `attachment ${attachmentId} of work order ${orderId} not found`);
    return { name: rows[0].name, content_type: rows[0].content_type, content: Buffer.from(rows[0].content) };
  }

  /**
   * The orders of the caller's scope that match the filter, one keyset page in the chosen order, with the steps
   * the caller may take on each and how many match in all (per state, and overdue).
   */
  async list(principal: Principal, filter: OrderListFilter): Promise<WorkOrderListAnswer> {
    const sort = filter.sort ?? 'id';
    const now = this.deps.now();
    let unitSubtree: string[] | undefined;
    if (filter.org_code !== undefined) {
      if (principal.role === 'enterprise')
        throw new HttpError(403, 'forbidden', "an enterprise account lists only its own orders, not a unit's");
      requireOrgView(principal, this.deps.org, filter.org_code, 'list work orders');
      unitSubtree = this.deps.org.subtree(filter.org_code);
    }
    const conditions = (): SqlConditions => {
      const c = new SqlConditions();
      if (principal.role === 'enterprise') c.where('enterprise_id = $?', principal.enterpriseId);
      else c.where('org_code = ANY($?) OR issuer_org = ANY($?)', this.deps.org.viewSubtree(principal.orgCode));
      addOrderFilterConditions(c, filter, unitSubtree, principal.orgCode, now);
      return c;
    };
    const page = conditions();
    const order = addOrderCursorAndOrder(page, sort, filter.after);
    const limit = Math.min(filter.limit ?? 100, this.options.listLimitMax);
    const limitParam = page.param(limit + 1);
    const rows = await this.deps.sql.query<WorkOrderRow & { urged_at: Date | null }>(
      `SELECT *, (SELECT max(e.at) FROM work_order_events e WHERE e.order_id = work_orders.id AND e.kind = 'urged') AS urged_at
         FROM work_orders WHERE ${page.sql} ${order} LIMIT ${limitParam}`,
      page.params,
    );
    const counted = conditions();
    const nowParam = counted.param(new Date(now));
    const groups = await this.deps.sql.query<{ state: OrderState; n: number; overdue: number }>(
      `SELECT state, count(*)::int AS n,
              count(*) FILTER (WHERE overdue OR (state <> 'accepted' AND deadline_at <= ${nowParam}))::int AS overdue
         FROM work_orders WHERE ${counted.sql} GROUP BY state`,
      counted.params,
    );
    const counts: WorkOrderListAnswer['counts'] = { state: {}, overdue: 0 };
    let total = 0;
    for (const g of groups) {
      counts.state[g.state] = Number(g.n);
      counts.overdue += Number(g.overdue);
      total += Number(g.n);
    }
    const shown = rows.slice(0, limit);
    return {
      work_orders: shown.map((row) => this.listRow(row, principal, now)),
      total,
      counts,
      next: rows.length > limit ? orderCursorAfter(shown[shown.length - 1], sort) : null,
      as_of: now,
    };
  }

  /** Flags unfinished orders past their deadline and escalates them (督办) to the parent centre. */
  async escalateOverdue(): Promise<number> {
    const now = this.deps.now();
    const due = await this.deps.sql.query<{ id: number }>(
      `SELECT id FROM work_orders WHERE state <> 'accepted' AND NOT overdue AND deadline_at <= $1 ORDER BY deadline_at LIMIT $2`,
      [new Date(now), this.options.escalationBatchMax],
    );
    let escalated = 0;
    for (const { id } of due) {
      const changes: CenterChange[] = [];
      await this.deps.sql.transaction(async (tx) => {
        const order = await loadOrder(tx, Number(id), true);
        if (!order || order.overdue || order.state === 'accepted' || new Date(order.deadline_at).getTime() > now)
          return;
        const target = this.deps.org.parentOf(order.org_code) ?? order.issuer_org;
        const rows = await tx.query<WorkOrderRow>(
          'UPDATE work_orders SET overdue = true, escalated_to = $2, escalated_at = $3, updated_at = $3 WHERE id = $1 RETURNING *',
          [order.id, target, new Date(now)],
        );
        const detail = { escalated_to: target, deadline_at: new Date(order.deadline_at).getTime() };
        await recordOrderEvent(tx, {
          orderId: Number(order.id),
          kind: 'overdue_escalated',
          from: order.state,
          to: order.state,
          actor: SYSTEM_ACTOR,
          actorOrg: order.org_code,
          text: '',
          detail,
          at: now,
        });
        await appendAudit(tx, {
          actorId: null,
          actor: 'system',
          action: 'work_order.overdue_escalate',
          target: `work_order:${order.id}`,
          detail,
        });
        changes.push({ kind: 'work_order', order: orderView(rows[0]), event: 'overdue_escalated', actor: 'system' });
        escalated++;
      });
      for (const change of changes) this.deps.notify(change);
    }
    return escalated;
  }
}

/** Past its deadline unfinished: flagged by supervision, or the deadline has passed since the last pass. */
function isOverdue(order: WorkOrderRow, now: number): boolean {
  return order.state !== 'accepted' && (order.overdue || new Date(order.deadline_at).getTime() <= now);
}
