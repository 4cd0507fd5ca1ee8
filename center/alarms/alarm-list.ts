/**
 * The alarm list's filters, orders and keyset pages, turned into SQL over `alarm_cases`. Two orders:
 *
 *   received  newest received first (the default, as the list always was)
 *   urgency   the duty queue's order: unhandled before taken, critical before warning before info, and within
 *             that the longest waiting first (the order escalation picks them in). Rank = 3 × state rank
 *             (new 0, acknowledged 1, others 2) + severity rank (critical 0, warning 1, info 2).
 *
 * Pages are keyset pages: the cursor holds the sort key of the last row, so a page never repeats or skips a row
 * when alarms arrive or change between requests (an alarm that changes rank may move to a page already read).
 */
import { HttpError } from '../http/router.js';
import type { SqlConditions } from '../access/sql-conditions.js';

export type AlarmSort = 'received' | 'urgency';

export interface AlarmListFilter {
  state?: string[];
  severity?: string[];
  rule?: string[];
  /** Only this unit and below (must lie in the caller's scope). */
  org_code?: string;
  department?: string;
  /** Only alarms escalated to the caller's own unit. */
  escalated?: boolean;
  /** true: episodes still going on (not ended); false: ended ones. */
  ongoing?: boolean;
  /** Plate contains this text. */
  plate?: string;
  /** Received at or after / before (epoch ms). */
  from?: number;
  to?: number;
  /** Only these alarms (a console refreshing the rows it shows). */
  ids?: string[];
  /** Legacy page of the `received` order: received before this epoch ms. */
  before?: number;
  /** Count the matching alarms received after this epoch ms (`arrived_since`). */
  since?: number;
  sort?: AlarmSort;
  /** Cursor from the previous page's `next`. */
  after?: string;
  limit?: number;
}

export const URGENCY_RANK_SQL = `(CASE state WHEN 'new' THEN 0 WHEN 'acknowledged' THEN 3 ELSE 6 END
  + CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END)`;

type Cursor =
  | { sort: 'urgency'; rank: number; received_ms: number; id: string }
  | { sort: 'received'; received_ms: number; id: string };

export function encodeCursor(cursor: Cursor): string {
  const key =
    cursor.sort === 'urgency'
      ? ['u', cursor.rank, cursor.received_ms, cursor.id]
      : ['r', cursor.received_ms, cursor.id];
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function badCursor(detail: string): HttpError {
  return new HttpError(400, 'bad_field', `after: ${detail}`, { field: 'after' });
}

export function decodeCursor(text: string, sort: AlarmSort): Cursor {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badCursor('not a cursor this list returned');
  }
  const isMs = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200;
  if (!Array.isArray(key)) throw badCursor('not a cursor this list returned');
  if (sort === 'urgency' && key[0] === 'u' && key.length === 4) {
    const [, rank, ms, id] = key as unknown[];
    if (typeof rank === 'number' && Number.isInteger(rank) && rank >= 0 && rank <= 8 && isMs(ms) && isId(id))
      return { sort, rank, received_ms: ms, id };
  }
  if (sort === 'received' && key[0] === 'r' && key.length === 3) {
    const [, ms, id] = key as unknown[];
    if (isMs(ms) && isId(id)) return { sort, received_ms: ms, id };
  }
  throw badCursor(`not a cursor of the ${sort} order`);
}

/** The cursor after `row`, in the given order. */
export function cursorAfter(
  row: { rank: number; received_at: Date | string; alarm_id: string },
  sort: AlarmSort,
): string {
  const received_ms = new Date(row.received_at).getTime();
  return encodeCursor(
    sort === 'urgency'
      ? { sort, rank: Number(row.rank), received_ms, id: row.alarm_id }
      : { sort, received_ms, id: row.alarm_id },
  );
}

/**
 * Adds the filter's conditions (not the cursor) to `c`. `scope` is the caller's own condition (subtree or
 * enterprise), added by the caller before.
 */
export function addFilterConditions(
  c: SqlConditions,
  filter: AlarmListFilter,
  unitSubtree: string[] | undefined,
  callerOrg: string,
): void {
  if (unitSubtree) c.where('org_code = ANY($?)', unitSubtree);
  if (filter.state?.length) c.where('state = ANY($?)', filter.state);
  if (filter.severity?.length) c.where('severity = ANY($?)', filter.severity);
  if (filter.rule?.length) c.where('rule = ANY($?)', filter.rule);
  if (filter.department) c.where('department = $?', filter.department);
  if (filter.escalated) c.where('escalated_to = $?', callerOrg);
  if (filter.ongoing === true) c.whereConstant('ended_at IS NULL');
  if (filter.ongoing === false) c.whereConstant('ended_at IS NOT NULL');
  if (filter.plate) c.where('strpos(plate, $?) > 0', filter.plate.toUpperCase());
  if (filter.from !== undefined) c.where('received_at >= $?', new Date(filter.from));
  if (filter.to !== undefined) c.where('received_at < $?', new Date(filter.to));
  if (filter.ids?.length) c.where('alarm_id = ANY($?)', filter.ids);
  if (filter.before !== undefined) c.where('received_at < $?', new Date(filter.before));
}

/** Adds the cursor's condition and returns the ORDER BY of the chosen order. */
export function addCursorAndOrder(c: SqlConditions, sort: AlarmSort, after: string | undefined): string {
  if (sort === 'urgency') {
    if (after !== undefined) {
      const cursor = decodeCursor(after, sort) as Extract<Cursor, { sort: 'urgency' }>;
      const rank = c.param(cursor.rank);
      const received = c.param(new Date(cursor.received_ms));
      c.where(`(${URGENCY_RANK_SQL}, received_at, alarm_id) > (${rank}, ${received}, $?)`, cursor.id);
    }
    return `ORDER BY ${URGENCY_RANK_SQL}, received_at, alarm_id`;
  }
  if (after !== undefined) {
    const cursor = decodeCursor(after, sort);
    const received = c.param(new Date(cursor.received_ms));
    c.where(`received_at < ${received} OR (received_at = ${received} AND alarm_id > $?)`, cursor.id);
  }
  return 'ORDER BY received_at DESC, alarm_id';
}
