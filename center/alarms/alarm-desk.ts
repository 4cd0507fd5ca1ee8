/**
 * Alarm handling at the command centres. Alarm episodes arrive from the rules as several versions of one
 * `alarm_id`: the first is routed and queued as `new`, later ones update the episode (never a second row); the
 * versions are stored by `AlarmVersionWriter`, a batch in one transaction. Officers then move it through
 *
 *   new → acknowledged (签收, by whom) → dispatched (a work order) | dismissed (reason) → closed
 *
 * Each step is a conditional update in one transaction with its action row and audit entry, so of two officers
 * acknowledging at once exactly one wins and the other is told who holds it (409). Alarms left `new` past the
 * configured limit are escalated to the parent centre, and again after each further limit.
 */
import {
  ruleNameZh,
  type AlarmCounts,
  type AlarmListAnswer,
  type AlarmQueueRow,
  type AlarmRow,
  type FeedAlarmCase,
} from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import {
  actorName,
  commands,
  HANDLER_ROLES,
  requireOrgScope,
  requireOrgView,
  requireRole,
  SYSTEM_ACTOR,
  visibleTo,
  type Actor,
  type Clock,
} from '../access/actor.js';
import { alarmRefusal, allowedAlarmActions, type AlarmAction } from '../access/alarm-permissions.js';
import { appendAudit } from '../auth/audit.js';
import type { Principal } from '../auth/accounts.js';
import type { CenterConfig } from '../config/center-config.js';
import { HttpError } from '../http/router.js';
import { SqlConditions } from '../access/sql-conditions.js';
import type { OrgDirectory } from '../org/org-directory.js';
import { orderView, type CenterChange } from '../work-orders/work-order-store.js';
import type { WorkOrders } from '../work-orders/work-orders.js';
import {
  addCursorAndOrder,
  addFilterConditions,
  cursorAfter,
  URGENCY_RANK_SQL,
  type AlarmListFilter,
} from './alarm-list.js';
import type { VehicleOwner } from './alarm-routing.js';
import { alarmView, loadAlarm, recordAlarmAction, type AlarmCaseRow, type AlarmState, type Tx } from './alarm-store.js';
import { AlarmVersionWriter } from './alarm-version-writer.js';

export interface AlarmDeskOptions {
  /** Alarms escalated per supervision pass at most; the rest wait for the next pass. */
  escalationBatchMax: number;
  listLimitMax: number;
}

export const ALARM_DESK_DEFAULTS: AlarmDeskOptions = { escalationBatchMax: 500, listLimitMax: 500 };

export interface AlarmDeskDeps {
  sql: Sql;
  org: OrgDirectory;
  config: CenterConfig;
  workOrders: WorkOrders;
  now: Clock;
  provinceCode: string;
  /** The enterprise and home county of each vehicle, when known, in the order asked. */
  ownersOf(vehicles: readonly { plate: string; terminalId: string }[], tx: Tx): Promise<VehicleOwner[]>;
  notify(change: CenterChange): void;
}

export interface DispatchInput {
  title?: string;
  description?: string;
  org_code?: string;
  department?: string;
  enterprise_id?: string;
  deadline_hours?: number;
}

export class AlarmDesk {
  /** The intake's writes: versions from the rules, a batch in one transaction. */
  private readonly versions: AlarmVersionWriter;

  constructor(
    private readonly deps: AlarmDeskDeps,
    private readonly options: AlarmDeskOptions = ALARM_DESK_DEFAULTS,
  ) {
    this.versions = new AlarmVersionWriter({
      ...deps,
      dispatchAutomatically: async (tx, row, issuerOrg, now, changes) =>
        (await this.dispatchInTx(tx, row, {}, SYSTEM_ACTOR, issuerOrg, now, changes)).row,
    });
  }

  /** Takes one version of an alarm episode; returns false when it was already known (a replay). */
  async ingest(alarm: AlarmRow): Promise<boolean> {
    return (await this.ingestBatch([alarm]))[0];
  }

  /**
   * Takes a batch of alarm versions in one transaction: all of them are stored or none is, so a caller that
   * retries a failed batch whole neither loses nor doubles anything. The outcome per alarm is that of taking the
   * versions one at a time in the batch's order (`planAlarmVersions`); per version, in that order, true when it
   * changed the desk, false for a replay. Changes reach the feed only once the transaction is committed.
   */
  ingestBatch(alarms: readonly AlarmRow[]): Promise<boolean[]> {
    return this.versions.storeBatch(alarms);
  }

  /** Versions of the episodes received since `sinceMs`, so a catch-up re-reads only what is missing. */
  knownVersions(sinceMs: number): Promise<Map<string, number>> {
    return this.versions.knownVersions(sinceMs);
  }

  private async visibleAlarm(tx: Tx, alarmId: string, principal: Principal, forUpdate: boolean): Promise<AlarmCaseRow> {
    const row = await loadAlarm(tx, alarmId, forUpdate);
    // Outside the caller's scope an alarm is reported as missing: ids from another city reveal nothing.
    if (!row || !visibleTo(principal, row, this.deps.org))
      throw new HttpError(404, 'not_found', `alarm ${alarmId} not found`);
    return row;
  }

  async get(
    alarmId: string,
    principal: Principal,
  ): Promise<{ alarm: AlarmQueueRow; details: unknown; actions: Record<string, unknown>[] }> {
    const row = await this.visibleAlarm(this.deps.sql, alarmId, principal, false);
    const escalationMs = (await this.deps.config.get('escalation')).value.alarm_unhandled_minutes * 60_000;
    const actions = await this.deps.sql.query<{
      id: number;
      action: string;
      from_state: string;
      to_state: string;
      actor: string;
      actor_name: string;
      org_code: string;
      detail: unknown;
      at: Date;
    }>(
      // actor_name: the name the console shows for the person who took the step (display name, else username).
      `SELECT a.id, a.action, a.from_state, a.to_state, a.actor, COALESCE(NULLIF(u.display_name, ''), a.actor) AS actor_name,
              a.org_code, a.detail, a.at
         FROM alarm_actions a LEFT JOIN users u ON u.id = a.actor_id WHERE a.alarm_id = $1 ORDER BY a.id`,
      [alarmId],
    );
    return {
      alarm: this.queueRow(row, principal, escalationMs),
      // The rule's evidence: speeds and limit, durations, weights… (see docs/rules.md per rule).
      details: row.details,
      actions: actions.map((a) => ({ ...a, id: Number(a.id), at: new Date(a.at).getTime() })),
    };
  }

  /**
   * The alarms of the caller's scope that match the filter, one keyset page in the chosen order, with the steps
   * the caller may take on each, how many match in all (per state and severity) and, with `since`, how many of
   * those arrived after it.
   */
  async list(principal: Principal, filter: AlarmListFilter): Promise<AlarmListAnswer> {
    const sort = filter.sort ?? 'received';
    let unitSubtree: string[] | undefined;
    if (filter.org_code !== undefined) {
      if (principal.role === 'enterprise')
        throw new HttpError(403, 'forbidden', "an enterprise account lists only its own alarms, not a unit's");
      requireOrgView(principal, this.deps.org, filter.org_code, 'list alarms');
      unitSubtree = this.deps.org.subtree(filter.org_code);
    }
    const conditions = (): SqlConditions => {
      const c = new SqlConditions();
      if (principal.role === 'enterprise') c.where('enterprise_id = $?', principal.enterpriseId);
      else c.where('org_code = ANY($?)', this.deps.org.viewSubtree(principal.orgCode));
      addFilterConditions(c, filter, unitSubtree, principal.orgCode);
      return c;
    };
    const page = conditions();
    const order = addCursorAndOrder(page, sort, filter.after);
    const limit = Math.min(filter.limit ?? 100, this.options.listLimitMax);
    const limitParam = page.param(limit + 1);
    const rows = await this.deps.sql.query<AlarmCaseRow & { rank: number }>(
      `SELECT *, ${URGENCY_RANK_SQL} AS rank FROM alarm_cases WHERE ${page.sql} ${order} LIMIT ${limitParam}`,
      page.params,
    );
    const counted = conditions();
    const since = filter.since === undefined ? 'NULL::timestamptz' : counted.param(new Date(filter.since));
    const groups = await this.deps.sql.query<{ state: AlarmState; severity: string; n: number; arrived: number }>(
      `SELECT state, severity, count(*)::int AS n, count(*) FILTER (WHERE received_at > ${since})::int AS arrived
         FROM alarm_cases WHERE ${counted.sql} GROUP BY state, severity`,
      counted.params,
    );
    const counts: AlarmCounts = { state: {}, severity: {} };
    let total = 0;
    let arrived = 0;
    for (const g of groups) {
      counts.state[g.state] = (counts.state[g.state] ?? 0) + Number(g.n);
      counts.severity[g.severity] = (counts.severity[g.severity] ?? 0) + Number(g.n);
      total += Number(g.n);
      arrived += Number(g.arrived);
    }
    const limitMs = (await this.deps.config.get('escalation')).value.alarm_unhandled_minutes * 60_000;
    const shown = rows.slice(0, limit);
    return {
      alarms: shown.map((row) => this.queueRow(row, principal, limitMs)),
      total,
      counts,
      arrived_since: filter.since === undefined ? null : arrived,
      next: rows.length > limit ? cursorAfter(shown[shown.length - 1], sort) : null,
      as_of: this.deps.now(),
    };
  }

  private queueRow(row: AlarmCaseRow, principal: Principal, escalationMs: number): AlarmQueueRow {
    const since = row.escalated_at ?? row.received_at;
    return {
      ...alarmView(row),
      // A unit viewing a 省直管县 of its city reads its alarms but takes no step on them.
      actions: commands(principal, row, this.deps.org) ? allowedAlarmActions(principal, row) : [],
      due_at: row.state === 'new' ? new Date(since).getTime() + escalationMs : null,
      late: row.late,
    };
  }

  /**
   * Runs one handling step: the row is updated only if it is still in a state the step accepts and not held
   * by someone else; otherwise the caller learns the current state and who holds it.
   */
  private async step(
    alarmId: string,
    principal: Principal,
    peer: string,
    action: string,
    apply: (
      tx: Tx,
      row: AlarmCaseRow,
      now: number,
      changes: CenterChange[],
    ) => Promise<{ to: AlarmState; detail: Record<string, unknown>; row: AlarmCaseRow }>,
  ): Promise<FeedAlarmCase> {
    requireRole(principal, HANDLER_ROLES, `${action} alarms`);
    const changes: CenterChange[] = [];
    const result = await this.deps.sql.transaction(async (tx) => {
      const row = await this.visibleAlarm(tx, alarmId, principal, true);
      if (!commands(principal, row, this.deps.org))
        throw new HttpError(
          403,
          'out_of_scope',
          `${principal.orgCode} may view alarms of ${row.org_code} but does not command it (省直管县: the province does)`,
        );
      const now = this.deps.now();
      const { to, detail, row: updated } = await apply(tx, row, now, changes);
      await recordAlarmAction(tx, {
        alarmId,
        action,
        from: row.state,
        to,
        actor: { principal, peer },
        orgCode: row.org_code,
        detail,
        at: now,
      });
      await appendAudit(tx, {
        actorId: principal.userId,
        actor: principal.username,
        action: `alarm.${action}`,
        target: `alarm:${alarmId}`,
        detail: { from: row.state, to, ...detail },
        peer,
      });
      changes.unshift({ kind: 'alarm', alarm: alarmView(updated), action, actor: principal.username });
      return updated;
    });
    for (const change of changes) this.deps.notify(change);
    return alarmView(result);
  }

  private conflict(row: AlarmCaseRow, action: string): HttpError {
    if (row.state === 'acknowledged') {
      return new HttpError(
        409,
        'held_by_other',
        `alarm ${row.alarm_id} was acknowledged by ${row.acknowledged_by_name} at ${new Date(row.acknowledged_at!).toISOString()}`,
        {
          state: row.state,
          held_by: row.acknowledged_by_name,
          held_since: new Date(row.acknowledged_at!).getTime(),
        },
      );
    }
    return new HttpError(409, 'bad_state', `cannot ${action} an alarm that is ${row.state}`, { state: row.state });
  }

  /** Throws the refusal of `action` on the row (the rule the list's `actions` are made from), if any. */
  private allow(row: AlarmCaseRow, principal: Principal, action: AlarmAction): void {
    const refusal = alarmRefusal(principal, row, action);
    if (refusal === 'forbidden')
      throw new HttpError(403, 'forbidden', `role ${principal.role} may not ${action} alarms`);
    if (refusal !== null) throw this.conflict(row, action);
  }

  acknowledge(alarmId: string, principal: Principal, peer: string): Promise<FeedAlarmCase> {
    return this.step(alarmId, principal, peer, 'acknowledged', async (tx, row, now) => {
      this.allow(row, principal, 'acknowledge');
      const rows = await tx.query<AlarmCaseRow>(
        `UPDATE alarm_cases SET state = 'acknowledged', acknowledged_by = $2, acknowledged_by_name = $3, acknowledged_by_display = $5,
          acknowledged_at = $4, updated_at = $4 WHERE alarm_id = $1 AND state = 'new' RETURNING *`,
        [alarmId, principal.userId, principal.username, new Date(now), principal.displayName ?? principal.username],
      );
      if (!rows[0]) throw this.conflict(row, 'acknowledge');
      return { to: 'acknowledged', detail: {}, row: rows[0] };
    });
  }

  dismiss(alarmId: string, reason: string, principal: Principal, peer: string): Promise<FeedAlarmCase> {
    if (reason.trim().length === 0) throw new HttpError(400, 'reason_required', 'dismissing an alarm needs a reason');
    return this.step(alarmId, principal, peer, 'dismissed', async (tx, row, now) => {
      this.allow(row, principal, 'dismiss');
      const rows = await tx.query<AlarmCaseRow>(
        `UPDATE alarm_cases SET state = 'dismissed', dismiss_reason = $2, updated_at = $3 WHERE alarm_id = $1 RETURNING *`,
        [alarmId, reason, new Date(now)],
      );
      return { to: 'dismissed', detail: { reason }, row: rows[0] };
    });
  }

  dispatch(alarmId: string, input: DispatchInput, principal: Principal, peer: string): Promise<FeedAlarmCase> {
    return this.step(alarmId, principal, peer, 'dispatched', async (tx, row, now, changes) => {
      this.allow(row, principal, 'dispatch');
      const target = input.org_code ?? row.org_code;
      requireOrgScope(principal, this.deps.org, target, 'dispatch work orders');
      const { row: updated, orderId } = await this.dispatchInTx(
        tx,
        row,
        input,
        { principal, peer },
        principal.orgCode,
        now,
        changes,
      );
      return { to: 'dispatched', detail: { work_order_id: orderId }, row: updated };
    });
  }

  /** Turns an alarm into a work order and marks it dispatched; shared by officers and automatic dispatch. */
  private async dispatchInTx(
    tx: Tx,
    row: AlarmCaseRow,
    input: DispatchInput,
    actor: Actor,
    issuerOrg: string,
    now: number,
    changes: CenterChange[],
  ): Promise<{ row: AlarmCaseRow; orderId: number }> {
    const order = await this.deps.workOrders.createInTx(
      tx,
      {
        title: input.title ?? `${ruleNameZh(row.rule)} ${row.plate}`.trim(),
        description: input.description ?? '',
        source: 'alarm',
        alarmId: row.alarm_id,
        category: row.rule,
        severity: row.severity,
        issuerOrg,
        orgCode: input.org_code ?? row.org_code,
        department: input.department ?? row.department,
        enterpriseId: input.enterprise_id ?? row.enterprise_id,
        deadlineHours: input.deadline_hours,
      },
      actor,
    );
    const rows = await tx.query<AlarmCaseRow>(
      `UPDATE alarm_cases SET state = 'dispatched', work_order_id = $2, updated_at = $3 WHERE alarm_id = $1 RETURNING *`,
      [row.alarm_id, order.id, new Date(now)],
    );
    if (actor.principal === null) {
      // Automatic dispatch: the officer path records its own action; this one is the system's.
      await recordAlarmAction(tx, {
        alarmId: row.alarm_id,
        action: 'dispatched',
        from: row.state,
        to: 'dispatched',
        actor,
        orgCode: row.org_code,
        detail: { work_order_id: Number(order.id), automatic: true },
        at: now,
      });
      changes.push({ kind: 'alarm', alarm: alarmView(rows[0]), action: 'dispatched', actor: actorName(actor) });
    }
    changes.push({ kind: 'work_order', order: orderView(order), event: 'issued', actor: actorName(actor) });
    return { row: rows[0], orderId: Number(order.id) };
  }

  close(alarmId: string, principal: Principal, peer: string): Promise<FeedAlarmCase> {
    return this.step(alarmId, principal, peer, 'closed', async (tx, row, now) => {
      if (alarmRefusal(principal, row, 'close') !== null)
        throw new HttpError(
          409,
          'bad_state',
          `only a dismissed alarm is closed by hand; a dispatched one closes when its work order is accepted (state ${row.state})`,
          { state: row.state },
        );
      const rows = await tx.query<AlarmCaseRow>(
        `UPDATE alarm_cases SET state = 'closed', updated_at = $2 WHERE alarm_id = $1 RETURNING *`,
        [alarmId, new Date(now)],
      );
      return { to: 'closed', detail: {}, row: rows[0] };
    });
  }

  /** Escalates alarms left `new` past the configured limit to the parent centre of where they are now. */
  async escalateUnhandled(): Promise<number> {
    const limitMs = (await this.deps.config.get('escalation')).value.alarm_unhandled_minutes * 60_000;
    const now = this.deps.now();
    const due = await this.deps.sql.query<{ alarm_id: string }>(
      `SELECT alarm_id FROM alarm_cases WHERE state = 'new' AND COALESCE(escalated_at, received_at) <= $1 ORDER BY received_at LIMIT $2`,
      [new Date(now - limitMs), this.options.escalationBatchMax],
    );
    let escalated = 0;
    for (const { alarm_id: alarmId } of due) {
      const changes: CenterChange[] = [];
      await this.deps.sql.transaction(async (tx) => {
        const row = await loadAlarm(tx, alarmId, true);
        if (!row || row.state !== 'new') return;
        const from = row.escalated_to ?? row.org_code;
        const target = this.deps.org.parentOf(from);
        // At the top there is nobody to escalate to; the timestamp still moves so the row is not re-read every pass.
        const rows = await tx.query<AlarmCaseRow>(
          `UPDATE alarm_cases SET escalated_to = COALESCE($2, escalated_to), escalation_level = escalation_level + (CASE WHEN $2::text IS NULL THEN 0 ELSE 1 END), escalated_at = $3, updated_at = $3
            WHERE alarm_id = $1 RETURNING *`,
          [alarmId, target, new Date(now)],
        );
        if (target === null) return;
        const detail = { from, to: target, level: rows[0].escalation_level };
        await recordAlarmAction(tx, {
          alarmId,
          action: 'escalated',
          from: 'new',
          to: 'new',
          actor: SYSTEM_ACTOR,
          orgCode: row.org_code,
          detail,
          at: now,
        });
        await appendAudit(tx, {
          actorId: null,
          actor: 'system',
          action: 'alarm.escalate',
          target: `alarm:${alarmId}`,
          detail,
        });
        changes.push({ kind: 'alarm', alarm: alarmView(rows[0]), action: 'escalated', actor: 'system' });
        escalated++;
      });
      for (const change of changes) this.deps.notify(change);
    }
    return escalated;
  }
}
