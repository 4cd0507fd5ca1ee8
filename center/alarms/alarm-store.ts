/** Rows of `alarm_cases` and `alarm_actions`, and their public shape (`FeedAlarmCase`). */
import type { FeedAlarmCase } from '../../schema/index.js';
import { insertRows, type Sql } from '../../store/index.js';
import { actorId, actorName, type Actor } from '../access/actor.js';

export type AlarmState = FeedAlarmCase['state'];
export type Tx = Pick<Sql, 'query'>;

export interface AlarmCaseRow {
  alarm_id: string;
  rule: string;
  severity: string;
  version: number;
  terminal_id: string;
  plate: string;
  started_at: Date;
  ended_at: Date | null;
  event_org_code: string;
  lat: number;
  lon: number;
  late: boolean;
  details: unknown;
  org_code: string;
  department: string;
  enterprise_id: string | null;
  config_version: number;
  state: AlarmState;
  acknowledged_by: number | null;
  acknowledged_by_name: string | null;
  /** The taker's display name as it was when the alarm was taken (migration 39, which filled it in for earlier rows). */
  acknowledged_by_display: string | null;
  acknowledged_at: Date | null;
  dismiss_reason: string | null;
  work_order_id: number | null;
  escalated_to: string | null;
  escalation_level: number;
  escalated_at: Date | null;
  received_at: Date;
  updated_at: Date;
}

export function ms(value: Date | string | null): number | null {
  return value === null ? null : new Date(value).getTime();
}

export function alarmView(row: AlarmCaseRow): FeedAlarmCase {
  return {
    alarm_id: row.alarm_id,
    rule: row.rule,
    severity: row.severity,
    plate: row.plate,
    terminal_id: row.terminal_id,
    started_at: ms(row.started_at)!,
    ended_at: ms(row.ended_at),
    lat: row.lat,
    lon: row.lon,
    org_code: row.org_code,
    department: row.department,
    enterprise_id: row.enterprise_id,
    state: row.state,
    acknowledged_by: row.acknowledged_by_name,
    acknowledged_by_display: row.acknowledged_by_display ?? row.acknowledged_by_name,
    acknowledged_at: ms(row.acknowledged_at),
    dismiss_reason: row.dismiss_reason,
    work_order_id: row.work_order_id === null ? null : Number(row.work_order_id),
    escalated_to: row.escalated_to,
    escalation_level: row.escalation_level,
    received_at: ms(row.received_at)!,
    updated_at: ms(row.updated_at)!,
  };
}

export async function loadAlarm(tx: Tx, alarmId: string, forUpdate = false): Promise<AlarmCaseRow | undefined> {
  const rows = await tx.query<AlarmCaseRow>(
    `SELECT * FROM alarm_cases WHERE alarm_id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [alarmId],
  );
  return rows[0];
}

export function recordAlarmAction(tx: Tx, entry: AlarmActionEntry): Promise<void> {
  return recordAlarmActions(tx, [entry]);
}

export interface AlarmActionEntry {
  alarmId: string;
  action: string;
  from: AlarmState | '';
  to: AlarmState;
  actor: Actor;
  orgCode: string;
  detail?: Record<string, unknown>;
  at: number;
}

/** `recordAlarmAction` for many entries in one statement; ids follow the entries' order. */
export async function recordAlarmActions(tx: Tx, entries: readonly AlarmActionEntry[]): Promise<void> {
  await insertRows(
    tx,
    'alarm_actions',
    ['alarm_id', 'action', 'from_state', 'to_state', 'actor_id', 'actor', 'org_code', 'detail', 'at', 'peer'],
    entries.map((e) => [
      e.alarmId,
      e.action,
      e.from,
      e.to,
      actorId(e.actor),
      actorName(e.actor),
      e.orgCode,
      JSON.stringify(e.detail ?? {}),
      new Date(e.at),
      e.actor.peer,
    ]),
  );
}
