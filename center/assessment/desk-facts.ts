/**
 * The centres' own indicators from the operational store, per org unit: alarm_handling_rate (alarm cases),
 * ontime_closure_rate (work orders) and inspection_response_rate (查岗 of the duty desk). Each count is the state
 * at the time of the query: an alarm handled today counts as handled in last month's figure too.
 */
import type { Sql } from '../../store/index.js';
import { zeroCounts, type IndicatorCounts } from './indicators.js';

function countsOf(byOrg: Map<string, IndicatorCounts>, code: string): IndicatorCounts {
  let counts = byOrg.get(code);
  if (counts === undefined) byOrg.set(code, (counts = zeroCounts()));
  return counts;
}

/**
 * Per org unit (`enterprises` absent), or per enterprise: its alarm cases and the work orders addressed to it, routed
 * or assigned within `codes` (what the caller sees); inspections are of centres, so an enterprise has none.
 */
export async function deskFacts(
  sql: Sql,
  codes: readonly string[],
  startsAt: number,
  endsAt: number,
  now: number,
  enterprises?: readonly string[],
): Promise<Map<string, IndicatorCounts>> {
  const byOrg = new Map<string, IndicatorCounts>();
  const period = [codes, new Date(startsAt), new Date(endsAt)];
  // Grouped by unit, or by enterprise within the units (the list is the query's parameter number n).
  const key = enterprises === undefined ? 'org_code' : 'enterprise_id';
  const only = (n: number): string => (enterprises === undefined ? '' : ` AND enterprise_id = ANY($${n})`);
  const extra = enterprises === undefined ? [] : [enterprises];
  // The summary's definition of handled (no longer new), over alarms received in the period by the unit's desk.
  const alarms = await sql.query<{ org_code: string; received: number; handled: number }>(
    `SELECT ${key} AS org_code, count(*)::int AS received, count(*) FILTER (WHERE state <> 'new')::int AS handled
       FROM alarm_cases WHERE org_code = ANY($1) AND received_at >= $2 AND received_at < $3${only(4)}
      GROUP BY ${key}`,
    [...period, ...extra],
  );
  for (const row of alarms)
    countsOf(byOrg, row.org_code).alarm_handling_rate = {
      numerator: Number(row.handled),
      denominator: Number(row.received),
    };
  // Orders whose deadline falls in the period; one still open before its deadline is not due yet.
  const orders = await sql.query<{ org_code: string; due: number; on_time: number }>(
    `SELECT ${key} AS org_code,
            count(*) FILTER (WHERE closed_at IS NOT NULL OR deadline_at <= $4)::int AS due,
            count(*) FILTER (WHERE closed_at IS NOT NULL AND closed_at <= deadline_at)::int AS on_time
       FROM work_orders WHERE org_code = ANY($1) AND deadline_at >= $2 AND deadline_at < $3${only(5)}
      GROUP BY ${key}`,
    [...period, new Date(now), ...extra],
  );
  for (const row of orders)
    countsOf(byOrg, row.org_code).ontime_closure_rate = {
      numerator: Number(row.on_time),
      denominator: Number(row.due),
    };
  if (enterprises !== undefined) return byOrg;
  // Inspections sent to the unit in the period; one still awaiting its answer before the deadline is not due yet.
  const inspections = await sql.query<{ org_code: string; due: number; answered: number }>(
    `SELECT to_org AS org_code,
            count(*) FILTER (WHERE status <> 'sent' OR deadline_at <= $4)::int AS due,
            count(*) FILTER (WHERE status = 'answered' AND answered_at <= deadline_at)::int AS answered
       FROM duty_inspections WHERE to_org = ANY($1) AND sent_at >= $2 AND sent_at < $3 GROUP BY to_org`,
    [...period, new Date(now)],
  );
  for (const row of inspections)
    countsOf(byOrg, row.org_code).inspection_response_rate = {
      numerator: Number(row.answered),
      denominator: Number(row.due),
    };
  return byOrg;
}

/**
 * Per JT/T 809 lower platform (access code): the 查岗 sent to it in the period (`jt809_inspections`), due when
 * answered or past their deadline, answered in time when the answer came at or before the deadline.
 */
export async function platformInspections(
  sql: Sql,
  accessCodes: readonly string[],
  startsAt: number,
  endsAt: number,
  now: number,
): Promise<Map<string, { numerator: number; denominator: number }>> {
  const rows = await sql.query<{ access_code: string | number; due: number; answered: number }>(
    `SELECT access_code,
            count(*) FILTER (WHERE status <> 'sent' OR deadline_at <= $4)::int AS due,
            count(*) FILTER (WHERE status = 'answered' AND answered_at <= deadline_at)::int AS answered
       FROM jt809_inspections WHERE access_code = ANY($1::bigint[]) AND sent_at >= $2 AND sent_at < $3
      GROUP BY access_code`,
    [accessCodes, new Date(startsAt), new Date(endsAt), new Date(now)],
  );
  return new Map(
    rows.map((row) => [
      String(Number(row.access_code)),
      { numerator: Number(row.answered), denominator: Number(row.due) },
    ]),
  );
}
