/**
 * The work-order list's filters, orders and keyset pages over `work_orders`. Two orders: `id` (newest first,
 * the default) and `deadline` (earliest deadline first: what a centre works through, and what 督办 looks at).
 */
import { HttpError } from '../http/router.js';
import type { SqlConditions } from '../access/sql-conditions.js';

export type OrderSort = 'id' | 'deadline';

export interface OrderListFilter {
  state?: string[];
  department?: string;
  /** Only orders assigned to this unit or below (must lie in the caller's scope). */
  org_code?: string;
  /** mine: assigned to the caller's own unit; issued: issued by the caller's own unit. */
  assignee?: 'mine' | 'issued';
  overdue?: boolean;
  escalated?: boolean;
  sort?: OrderSort;
  after?: string;
  /** Legacy page of the id order. */
  before_id?: number;
  limit?: number;
}

/** An order counts as overdue once flagged by supervision or as soon as its deadline has passed unfinished. */
export const OVERDUE_SQL = `(overdue OR (state <> 'accepted' AND deadline_at <= $?))`;

export function addOrderFilterConditions(
  c: SqlConditions,
  filter: OrderListFilter,
  unitSubtree: string[] | undefined,
  callerOrg: string,
  now: number,
): void {
  if (unitSubtree) c.where('org_code = ANY($?)', unitSubtree);
  if (filter.state?.length) c.where('state = ANY($?)', filter.state);
  if (filter.department) c.where('department = $?', filter.department);
  if (filter.assignee === 'mine') c.where('org_code = $?', callerOrg);
  if (filter.assignee === 'issued') c.where('issuer_org = $?', callerOrg);
  if (filter.overdue === true) c.where(OVERDUE_SQL, new Date(now));
  if (filter.overdue === false) c.where(`NOT ${OVERDUE_SQL}`, new Date(now));
  if (filter.escalated) c.where('escalated_to = $?', callerOrg);
  if (filter.before_id !== undefined) c.where('id < $?', filter.before_id);
}

function badCursor(): HttpError {
  return new HttpError(400, 'bad_field', 'after: not a cursor this list returned', { field: 'after' });
}

/** Adds the cursor's condition and returns the ORDER BY of the chosen order. */
export function addOrderCursorAndOrder(c: SqlConditions, sort: OrderSort, after: string | undefined): string {
  if (after !== undefined) {
    const match = /^(i|d)(\d{1,16})_(\d{1,16})$/.exec(after);
    if (!match || (match[1] === 'd') !== (sort === 'deadline')) throw badCursor();
    const [key, id] = [Number(match[2]), Number(match[3])];
    if (sort === 'deadline') {
      const deadline = c.param(new Date(key));
      c.where(`(deadline_at, id) > (${deadline}, $?)`, id);
    } else c.where('id < $?', id);
  }
  return sort === 'deadline' ? 'ORDER BY deadline_at, id' : 'ORDER BY id DESC';
}

export function orderCursorAfter(row: { id: number | string; deadline_at: Date | string }, sort: OrderSort): string {
  return sort === 'deadline' ? `d${new Date(row.deadline_at).getTime()}_${Number(row.id)}` : `i0_${Number(row.id)}`;
}
