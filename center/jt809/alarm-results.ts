/**
 * 0x1403 from a lower platform: what it did about an alarm it reported with 0x1402 (handling, handled, will not
 * handle, will handle later). The result becomes a step in that alarm's history (`platform_result`, by the
 * system, naming the platform), so the duty officer who holds the alarm sees it where every other step is. The
 * alarm is found by what identifies the report: the platform's access code, the plate and the report's INFO_ID.
 */
import type { Sql } from '../../store/index.js';
import type { AlarmResult } from '../../ingest/index.js';
import { SYSTEM_ACTOR } from '../access/actor.js';
import { recordAlarmAction } from '../alarms/alarm-store.js';

/** Names of 0x1403 RESULT, in the alarm step's detail. */
export const ALARM_RESULT_NAMES: Readonly<Record<number, string>> = {
  0: 'handling',
  1: 'handled',
  2: 'not_handled',
  3: 'will_handle',
};

/**
 * Records `detail` (with the result and its name) as a `platform_result` step of the alarm `find` selects, locked
 * for the step; false when no alarm matches. Both editions name the alarm differently, the step is the same.
 */
async function recordResult(
  sql: Sql,
  find: { where: string; params: string[] },
  accessCode: number,
  result: number,
  detail: Record<string, unknown>,
  now: number,
): Promise<boolean> {
  return sql.transaction(async (tx) => {
    const rows = await tx.query<{ alarm_id: string; state: string; org_code: string }>(
      `SELECT alarm_id, state, org_code FROM alarm_cases
        WHERE rule = 'jt809_report' AND ${find.where}
        ORDER BY started_at DESC LIMIT 1 FOR UPDATE`,
      find.params,
    );
    const alarm = rows[0];
    if (alarm === undefined) return false;
    const state = alarm.state as Parameters<typeof recordAlarmAction>[1]['to'];
    await recordAlarmAction(tx, {
      alarmId: alarm.alarm_id,
      action: 'platform_result',
      from: state,
      to: state,
      actor: SYSTEM_ACTOR,
      orgCode: alarm.org_code,
      detail: {
        platform: accessCode,
        ...detail,
        result,
        result_name: ALARM_RESULT_NAMES[result] ?? `result_${result}`,
      },
      at: now,
    });
    return true;
  });
}

/**
 * 0x1412 from a 2019 platform: the handling result of the alarm it reported with the 0x1402 of frame SN
 * `reportSn` (2019 names it so; there is no INFO_ID). The latest such report of the platform is the one.
 */
export async function recordPlatformAlarmResult2019(
  sql: Sql,
  accessCode: number,
  result: { reportSn: number; result: number },
  now: number,
): Promise<boolean> {
  return recordResult(
    sql,
    {
      where: `details->>'platform' = $1 AND details->>'edition' = '2019' AND details->>'msg_sn' = $2`,
      params: [String(accessCode), String(result.reportSn)],
    },
    accessCode,
    result.result,
    { msg_sn: result.reportSn },
    now,
  );
}

export async function recordPlatformAlarmResult(
  sql: Sql,
  accessCode: number,
  result: AlarmResult & { plate: string; plateColor: number },
  now: number,
): Promise<boolean> {
  return recordResult(
    sql,
    {
      where: `plate = $1 AND details->>'platform' = $2 AND details->>'info_id' = $3`,
      params: [result.plate, String(accessCode), String(result.infoId)],
    },
    accessCode,
    result.result,
    { info_id: result.infoId },
    now,
  );
}
