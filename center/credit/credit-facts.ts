/**
 * The stored facts credit is computed from. Enterprises: from the operational store, where alarms are routed and
 * handled — the alarm cases carrying the enterprise (dismissed ones, false alarms by an officer's judgement, left
 * out), the work orders addressed to it, its vehicles. Drivers: from ClickHouse, where the episodes and the
 * IC-card reports (0x0702, `driver_events`) are — each episode is the driver's whose card was in the terminal
 * when it started (the latest card report at or before it, if that was an insertion read correctly), minus the
 * episodes an officer dismissed (`alarm_actions`, mirrored from the desk).
 */
import { CREDIT_WARNING_RULES } from '../../schema/index.js';
import type { Analytics, Sql } from '../../store/index.js';
import type { AlarmCount, EnterpriseCounts } from './credit-score.js';

export interface CreditWindow {
  /** Epoch ms, inclusive. */
  startsAt: number;
  /** Epoch ms, exclusive: 00:00 China time after the day graded. */
  endsAt: number;
}

export interface EnterpriseRecord {
  id: string;
  name: string;
  org_code: string;
}

export async function enterpriseCounts(
  sql: Pick<Sql, 'query'>,
  window: CreditWindow,
): Promise<{ enterprises: EnterpriseRecord[]; counts: Map<string, EnterpriseCounts> }> {
  const enterprises = await sql.query<EnterpriseRecord>('SELECT id, name, org_code FROM enterprises ORDER BY id');
  const counts = new Map<string, EnterpriseCounts>(
    enterprises.map((e) => [e.id, { vehicles: 0, alarms: [], ordersDue: 0, ordersLate: 0 }]),
  );
  // A vehicle is the enterprise's by the centres' binding or by the registry, counted once.
  const vehicles = await sql.query<{ enterprise_id: string; n: number }>(
    `SELECT enterprise_id, count(DISTINCT plate)::int AS n FROM (
       SELECT enterprise_id, plate FROM vehicles WHERE enterprise_id <> ''
       UNION SELECT enterprise_id, plate FROM enterprise_vehicles) v GROUP BY enterprise_id`,
  );
  for (const v of vehicles) {
    const c = counts.get(v.enterprise_id);
    if (c) c.vehicles = Number(v.n);
  }
  const from = new Date(window.startsAt);
  const to = new Date(window.endsAt);
  const alarms = await sql.query<AlarmCount & { enterprise_id: string }>(
    `SELECT enterprise_id, rule, severity, count(*)::int AS count FROM alarm_cases
      WHERE enterprise_id IS NOT NULL AND state <> 'dismissed' AND started_at >= $1 AND started_at < $2
        AND rule <> ALL($3::text[])
      GROUP BY enterprise_id, rule, severity ORDER BY enterprise_id, rule, severity`,
    [from, to, [...CREDIT_WARNING_RULES]],
  );
  for (const a of alarms)
    counts.get(a.enterprise_id)?.alarms.push({ rule: a.rule, severity: a.severity, count: Number(a.count) });
  // Due in the window means the deadline passed before the day ended; late: not closed by the deadline, as
  // known at the day's end (an order closed the next day was still open then), so a past day is redone the same.
  const orders = await sql.query<{ enterprise_id: string; due: number; on_time: number }>(
    `SELECT enterprise_id, count(*)::int AS due,
            count(*) FILTER (WHERE closed_at IS NOT NULL AND closed_at <= deadline_at AND closed_at < $2)::int AS on_time
       FROM work_orders WHERE enterprise_id IS NOT NULL AND deadline_at >= $1 AND deadline_at < $2
      GROUP BY enterprise_id`,
    [from, to],
  );
  for (const o of orders) {
    const c = counts.get(o.enterprise_id);
    if (!c) continue;
    c.ordersDue = Number(o.due);
    c.ordersLate = Number(o.due) - Number(o.on_time);
  }
  return { enterprises, counts };
}

export interface DriverViolations {
  certificate: string;
  name: string;
  /** Rule → episodes in the cycle. */
  violations: Record<string, number>;
  /** Of the driver's latest attributed episode, to place a driver the registry does not know. */
  lastTerminalId: string;
  lastPlate: string;
  lastOrgCode: string;
}

/** Rule ids are checked by the model (`[a-z][a-z0-9_]*`), so they may be written into the SQL text. */
function ruleList(rules: readonly string[]): string {
  return rules.map((r) => `'${r.replace(/[^a-z0-9_]/g, '')}'`).join(', ');
}

/** Violations attributed to drivers with `started_at` in the window, per certificate and rule. */
export async function driverViolations(
  analytics: Pick<Analytics, 'queryInternal'>,
  window: CreditWindow,
  rules: readonly string[],
  rowsMax: number,
): Promise<DriverViolations[]> {
  if (rules.length === 0) return [];
  const from = Math.trunc(window.startsAt);
  const to = Math.trunc(window.endsAt);
  const result = await analytics.queryInternal(
    `SELECT d.certificate, argMax(d.driver_name, a.started_at), a.rule, count(),
            argMax(a.terminal_id, a.started_at), argMax(a.plate, a.started_at), argMax(a.org_code, a.started_at),
            toUnixTimestamp64Milli(max(a.started_at))
       FROM (SELECT alarm_id, rule, terminal_id, plate, org_code, started_at FROM alarms FINAL
              WHERE started_at >= fromUnixTimestamp64Milli(toInt64(${from}))
                AND started_at < fromUnixTimestamp64Milli(toInt64(${to}))
                AND rule IN (${ruleList(rules)}) AND terminal_id != ''
                AND alarm_id NOT IN (SELECT alarm_id FROM alarm_actions WHERE action = 'dismissed')) AS a
       ASOF JOIN (SELECT terminal_id, ts, status, read_result, certificate, driver_name FROM driver_events FINAL
                   WHERE ts < fromUnixTimestamp64Milli(toInt64(${to}))) AS d
         ON a.terminal_id = d.terminal_id AND a.started_at >= d.ts
      WHERE d.status = 1 AND d.read_result = 0 AND d.certificate != ''
      GROUP BY d.certificate, a.rule ORDER BY d.certificate, a.rule`,
    { rowsMax },
  );
  // A partial list would give some drivers too few points: refuse rather than store it.
  if (result.truncated)
    throw new Error(`driver violations: more than driverRowsMax (${rowsMax}) driver × rule rows in the cycle`);
  const byDriver = new Map<string, DriverViolations & { lastAt: number }>();
  for (const r of result.rows) {
    const certificate = String(r[0]);
    const at = Number(r[7]);
    const entry = byDriver.get(certificate) ?? {
      certificate,
      name: String(r[1]),
      violations: {},
      lastTerminalId: '',
      lastPlate: '',
      lastOrgCode: '',
      lastAt: -Infinity,
    };
    entry.violations[String(r[2])] = Number(r[3]);
    if (at >= entry.lastAt) {
      Object.assign(entry, { lastTerminalId: String(r[4]), lastPlate: String(r[5]), lastOrgCode: String(r[6]) });
      entry.name = String(r[1]);
      entry.lastAt = at;
    }
    byDriver.set(certificate, entry);
  }
  return [...byDriver.values()].map(({ lastAt: _lastAt, ...d }) => d);
}
