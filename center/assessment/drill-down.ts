/**
 * The rows behind one figure (auditable): for an indicator, a unit and a period, each item — a vehicle, an alarm
 * case, a work order, an inspection — with the amounts it adds to the figure's numerator and denominator, so the
 * items' sums reproduce the figure exactly (when not truncated). Items adding nothing to either are left out, except
 * that nothing is hidden from a denominator: an offline vehicle is listed with 0 / 1.
 */
import type { AssessmentIndicatorId, AssessmentItem } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import { RAW_FACT_TABLES, type FactCache } from './fact-cache.js';
import { vehicleRowsSql, type VehicleFactOptions } from './vehicle-facts.js';

export interface ItemsQuery {
  indicator: AssessmentIndicatorId;
  area: readonly string[];
  startsAt: number;
  endsAt: number;
  now: number;
  limit: number;
}

const ms = (value: unknown): number | null => (value === null ? null : new Date(value as string | Date).getTime());

async function vehicleItems(
  facts: Pick<FactCache, 'query'>,
  q: ItemsQuery,
  options: VehicleFactOptions,
): Promise<AssessmentItem[]> {
  // The rows adding nothing to the figure stay in ClickHouse; one more than the limit tells of truncation.
  const where: Record<string, string> = {
    entry_rate: '1',
    online_rate: "terminal_id != ''",
    track_completeness: 'track_m > 0',
    avg_overspeed_count: "overspeed > 0 OR (terminal_id != '' AND fixes > 0)",
    data_qualified_rate: "terminal_id != '' AND reports > 0",
    drift_rate: "terminal_id != '' AND fixes > 0",
    avg_fatigue_minutes: "terminal_id != '' AND (fatigue_ms > 0 OR fixes > 0)",
  };
  const rows = vehicleRowsSql({ by: 'home_org_code', keys: q.area }, q.startsAt, q.endsAt, options);
  const sql = `SELECT * FROM (${rows}) WHERE ${where[q.indicator]} ORDER BY plate, plate_color LIMIT ${q.limit + 1}`;
  const result = await facts.query({
    sql,
    rowsMax: q.limit + 1,
    tables: ['vehicles', ...RAW_FACT_TABLES],
    endsAt: q.endsAt,
  });
  const names = result.columns.map((c) => c.name);
  const items: AssessmentItem[] = [];
  for (const values of result.rows) {
    const row = Object.fromEntries(names.map((name, i) => [name, values[i]]));
    const entered = row.terminal_id !== '';
    const online = entered && Number(row.fixes) > 0;
    const trackKm = Number(row.track_m) / 1000;
    const continuousKm = Number(row.continuous_m) / 1000;
    const overspeed = Number(row.overspeed);
    const fatigueMinutes = Number(row.fatigue_ms) / 60_000;
    const amounts: Record<string, [number, number]> = {
      entry_rate: [entered ? 1 : 0, 1],
      online_rate: entered ? [online ? 1 : 0, 1] : [0, 0],
      track_completeness: [continuousKm, trackKm],
      avg_overspeed_count: [overspeed, online ? 1 : 0],
      data_qualified_rate: [Number(row.qualified), Number(row.reports)],
      drift_rate: online ? [Number(row.drift) > 0 ? 1 : 0, 1] : [0, 0],
      avg_fatigue_minutes: [fatigueMinutes, online ? 1 : 0],
    };
    const [numerator, denominator] = amounts[q.indicator]!;
    items.push({
      kind: 'vehicle',
      id: `${String(row.plate)}/${String(row.plate_color)}`,
      org_code: String(row.home_org_code),
      numerator: Math.round(numerator * 1000) / 1000,
      denominator: Math.round(denominator * 1000) / 1000,
      detail: {
        terminal_id: row.terminal_id,
        enterprise_id: row.enterprise_id,
        fixes: Number(row.fixes),
        track_km: Math.round(trackKm * 1000) / 1000,
        continuous_km: Math.round(continuousKm * 1000) / 1000,
        overspeed_episodes: overspeed,
        qualified_positions: Number(row.qualified),
        reports: Number(row.reports),
        drift_episodes: Number(row.drift),
        fatigue_minutes: Math.round(fatigueMinutes * 1000) / 1000,
      },
    });
  }
  return items;
}

async function deskItems(sql: Sql, q: ItemsQuery): Promise<AssessmentItem[]> {
  const period = [q.area, new Date(q.startsAt), new Date(q.endsAt)];
  // What is due by now, and one row more than the limit to tell of truncation.
  const dueAndLimit = [...period, new Date(q.now), q.limit + 1];
  if (q.indicator === 'alarm_handling_rate') {
    const rows = await sql.query<{
      alarm_id: string;
      org_code: string;
      rule: string;
      state: string;
      received_at: Date;
    }>(
      `SELECT alarm_id, org_code, rule, state, received_at FROM alarm_cases
        WHERE org_code = ANY($1) AND received_at >= $2 AND received_at < $3 ORDER BY received_at, alarm_id LIMIT $4`,
      [...period, q.limit + 1],
    );
    return rows.map((r) => ({
      kind: 'alarm_case',
      id: r.alarm_id,
      org_code: r.org_code,
      numerator: r.state === 'new' ? 0 : 1,
      denominator: 1,
      detail: { rule: r.rule, state: r.state, received_at: ms(r.received_at) },
    }));
  }
  if (q.indicator === 'ontime_closure_rate') {
    const rows = await sql.query<{
      id: string;
      org_code: string;
      title: string;
      state: string;
      deadline_at: Date;
      closed_at: Date | null;
    }>(
      `SELECT id, org_code, title, state, deadline_at, closed_at FROM work_orders
        WHERE org_code = ANY($1) AND deadline_at >= $2 AND deadline_at < $3 AND (closed_at IS NOT NULL OR deadline_at <= $4)
        ORDER BY deadline_at, id LIMIT $5`,
      dueAndLimit,
    );
    return rows.map((r): AssessmentItem => {
      const deadline = ms(r.deadline_at)!;
      const closed = ms(r.closed_at);
      return {
        kind: 'work_order',
        id: String(r.id),
        org_code: r.org_code,
        numerator: closed !== null && closed <= deadline ? 1 : 0,
        denominator: 1,
        detail: { title: r.title, state: r.state, deadline_at: deadline, closed_at: closed },
      };
    });
  }
  const rows = await sql.query<{
    id: string;
    to_org: string;
    from_org: string;
    status: string;
    sent_at: Date;
    deadline_at: Date;
    answered_at: Date | null;
  }>(
    `SELECT id, to_org, from_org, status, sent_at, deadline_at, answered_at FROM duty_inspections
      WHERE to_org = ANY($1) AND sent_at >= $2 AND sent_at < $3 AND (status <> 'sent' OR deadline_at <= $4)
      ORDER BY sent_at, id LIMIT $5`,
    dueAndLimit,
  );
  return rows.map((r): AssessmentItem => {
    const deadline = ms(r.deadline_at)!;
    const answered = ms(r.answered_at);
    return {
      kind: 'inspection',
      id: String(r.id),
      org_code: r.to_org,
      numerator: r.status === 'answered' && answered !== null && answered <= deadline ? 1 : 0,
      denominator: 1,
      detail: {
        from_org: r.from_org,
        status: r.status,
        sent_at: ms(r.sent_at),
        deadline_at: deadline,
        answered_at: answered,
      },
    };
  });
}

/** The figures the vehicle query gives; the others come from the operational store. */
export const VEHICLE_INDICATORS: readonly AssessmentIndicatorId[] = [
  'entry_rate',
  'online_rate',
  'track_completeness',
  'data_qualified_rate',
  'drift_rate',
  'avg_overspeed_count',
  'avg_fatigue_minutes',
];

/** The items of one figure, at most `limit` (then `truncated`). */
export async function assessmentItems(
  deps: { sql: Sql; facts: Pick<FactCache, 'query'> },
  q: ItemsQuery,
  options: VehicleFactOptions,
): Promise<{ items: AssessmentItem[]; truncated: boolean }> {
  const all = VEHICLE_INDICATORS.includes(q.indicator)
    ? await vehicleItems(deps.facts, q, options)
    : await deskItems(deps.sql, q);
  return { items: all.slice(0, q.limit), truncated: all.length > q.limit };
}
