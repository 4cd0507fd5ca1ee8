/** Rows of `work_orders` and `work_order_events`, their public shape, and the change notices they raise. */
import type { FeedAlarmCase, FeedWorkOrder } from '../../schema/index.js';
import { actorId, actorName, type Actor } from '../access/actor.js';
import { ms, type Tx } from '../alarms/alarm-store.js';

export type OrderState = FeedWorkOrder['state'];

export interface WorkOrderRow {
  id: number;
  title: string;
  description: string;
  source: 'alarm' | 'top_down';
  alarm_id: string | null;
  category: string;
  severity: string;
  issuer_org: string;
  issued_by: number | null;
  org_code: string;
  department: string;
  enterprise_id: string | null;
  state: OrderState;
  signed_by: number | null;
  signed_at: Date | null;
  enterprise_claimed_at: Date | null;
  deadline_at: Date;
  overdue: boolean;
  escalated_to: string | null;
  escalated_at: Date | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
}

/** A change to push to the WebSocket clients whose scope covers it. */
export type CenterChange =
  | { kind: 'alarm'; alarm: FeedAlarmCase; action: string; actor: string }
  | { kind: 'work_order'; order: FeedWorkOrder; event: string; actor: string };

export function orderView(row: WorkOrderRow): FeedWorkOrder {
  return {
    id: Number(row.id),
    title: row.title,
    description: row.description,
    source: row.source,
    alarm_id: row.alarm_id,
    category: row.category,
    severity: row.severity,
    issuer_org: row.issuer_org,
    org_code: row.org_code,
    department: row.department,
    enterprise_id: row.enterprise_id,
    state: row.state,
    deadline_at: ms(row.deadline_at)!,
    overdue: row.overdue,
    escalated_to: row.escalated_to,
    enterprise_claimed_at: ms(row.enterprise_claimed_at),
    created_at: ms(row.created_at)!,
    updated_at: ms(row.updated_at)!,
    closed_at: ms(row.closed_at),
  };
}

export async function loadOrder(tx: Tx, id: number, forUpdate = false): Promise<WorkOrderRow | undefined> {
  const rows = await tx.query<WorkOrderRow>(
    `SELECT * FROM work_orders WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0];
}

export async function recordOrderEvent(
  tx: Tx,
  entry: {
    orderId: number;
    kind: string;
    from: OrderState | '';
    to: OrderState;
    actor: Actor;
    actorOrg: string;
    text?: string;
    detail?: Record<string, unknown>;
    at: number;
  },
): Promise<void> {
  await tx.query(
    'INSERT INTO work_order_events (order_id, kind, from_state, to_state, actor_id, actor, actor_org, text, detail, at, peer) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)',
    [
      entry.orderId,
      entry.kind,
      entry.from,
      entry.to,
      actorId(entry.actor),
      actorName(entry.actor),
      entry.actorOrg,
      entry.text ?? '',
      JSON.stringify(entry.detail ?? {}),
      new Date(entry.at),
      entry.actor.peer,
    ],
  );
}
