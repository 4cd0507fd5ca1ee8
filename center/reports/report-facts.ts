/**
 * The facts of a report, counted per key and interval: the vehicles' figures from ClickHouse's day rows (the daily
 * aggregates where rolled up, the raw facts of the other days, exactly as the assessment reads them) and the alarm
 * cases from the operational store. Intervals are numbered by their starts: slot 1 is the interval starting at
 * `starts[0]` (the baseline), slot k the one starting at `starts[k - 1]`.
 */
import { quoteString, type ReportGrouping } from '../../schema/index.js';
import type { Analytics, Sql } from '../../store/index.js';
import { dayNumberOf, periodDaysSql, type StoredDays, type VehicleFactOptions } from '../assessment/index.js';

export interface VehicleCounts {
  online: number;
  positions: number;
  overspeed: number;
}

export interface AlarmCounts {
  raised: number;
  handled: number;
}

/** Which vehicles, and by what they are counted: their home unit, enterprise or class (as mirrored, now). */
export interface VehicleSelection {
  groupBy: 'home_org_code' | 'enterprise_id' | 'vehicle_class';
  filterBy: 'home_org_code' | 'enterprise_id';
  keys: readonly string[];
}

/** `key\tslot` → counts. */
export type SlotCounts<T> = Map<string, T>;

export function slotKey(key: string, slot: number): string {
  return `${key}\t${slot}`;
}

/**
 * Per key and interval: the vehicles with a terminal that reported at least one fix in it (each once, however many
 * days), their fixes and their overspeed episodes started in it; `entered`: per key, the vehicles with a terminal.
 */
export async function vehicleSeries(
  analytics: Pick<Analytics, 'queryInternal'>,
  selection: VehicleSelection,
  starts: readonly number[],
  endsAt: number,
  facts: { options: VehicleFactOptions; days?: StoredDays },
): Promise<{ counts: SlotCounts<VehicleCounts>; entered: Map<string, number> }> {
  const counts: SlotCounts<VehicleCounts> = new Map();
  const entered = new Map<string, number>();
  if (selection.keys.length === 0) return { counts, entered };
  const keys = selection.keys.map(quoteString).join(', ');
  const registered = `vehicles FINAL WHERE ${selection.filterBy} IN (${keys}) AND terminal_id != ''`;
  const terminals = `SELECT terminal_id FROM ${registered}`;
  const stored = facts.days?.stored ?? new Map<number, number>();
  const days = periodDaysSql(starts[0]!, endsAt, stored, facts.options, terminals);
  // Day numbers YYYYMMDD grow with time, so the slot is the count of interval starts at or before the day.
  const startDays = starts.map(dayNumberOf).join(', ');
  const series = await analytics.queryInternal(
    `
SELECT toString(v.group_key) AS group_key, arrayCount(s -> s <= d.day, [${startDays}]) AS slot,
       uniqExactIf(d.terminal_id, d.fixes > 0) AS online, sum(d.fixes) AS positions, sum(d.overspeed) AS overspeed
FROM (${days}) AS d
INNER JOIN (SELECT DISTINCT terminal_id, ${selection.groupBy} AS group_key FROM ${registered}) AS v
  ON v.terminal_id = d.terminal_id
GROUP BY group_key, slot`,
    { rowsMax: 1_000_000 },
  );
  for (const [key, slot, online, positions, overspeed] of series.rows)
    counts.set(slotKey(String(key), Number(slot)), {
      online: Number(online),
      positions: Number(positions),
      overspeed: Number(overspeed),
    });
  const fleet = await analytics.queryInternal(
    `SELECT toString(${selection.groupBy}) AS group_key, count() AS entered FROM ${registered} GROUP BY group_key`,
    { rowsMax: 1_000_000 },
  );
  for (const [key, n] of fleet.rows) entered.set(String(key), Number(n));
  return { counts, entered };
}

/** The grouping's key of an alarm case, as SQL over `c` (the case) and `v` (the vehicle bound to its terminal). */
const CASE_KEYS: Record<ReportGrouping, string> = {
  unit: 'c.org_code',
  enterprise: "coalesce(c.enterprise_id, '')",
  vehicle_class: "coalesce(v.vehicle_class, 'unknown')",
  rule: 'c.rule',
};

/**
 * Per routed unit, key of the grouping and interval: the alarm cases received by a desk of `codes` in it, and those
 * a person has taken up (state no longer `new`, the assessment's definition of handled), as of now.
 */
export async function alarmSeries(
  sql: Sql,
  codes: readonly string[],
  by: ReportGrouping,
  starts: readonly number[],
  endsAt: number,
): Promise<{ org_code: string; key: string; slot: number; raised: number; handled: number }[]> {
  // The class of the vehicle bound to the case's terminal now (one, should two share a terminal).
  const vehicle =
    by === 'vehicle_class'
      ? `LEFT JOIN LATERAL (SELECT vehicle_class FROM vehicles WHERE terminal_id = c.terminal_id AND c.terminal_id <> ''
                             ORDER BY plate, plate_color LIMIT 1) AS v ON true`
      : '';
  const rows = await sql.query<{ org_code: string; key: string; slot: number; raised: number; handled: number }>(
    `SELECT c.org_code, ${CASE_KEYS[by]} AS key, width_bucket(c.received_at, $2::timestamptz[]) AS slot,
            count(*)::int AS raised, count(*) FILTER (WHERE c.state <> 'new')::int AS handled
       FROM alarm_cases AS c ${vehicle}
      WHERE c.org_code = ANY($1) AND c.received_at >= $3 AND c.received_at < $4
      GROUP BY 1, 2, 3`,
    [codes, starts.map((at) => new Date(at)), new Date(starts[0]!), new Date(endsAt)],
  );
  return rows.map((row) => ({
    org_code: row.org_code,
    key: String(row.key),
    slot: Number(row.slot),
    raised: Number(row.raised),
    handled: Number(row.handled),
  }));
}
