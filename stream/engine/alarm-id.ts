import { createHash } from 'node:crypto';

/**
 * The id of an alarm episode, the same every time the same data is processed: a restart or a replay
 * rebuilds the same ids, so ClickHouse and PostgreSQL see updates of one alarm, never a second one.
 */
export function alarmIdOf(rule: string, vehicleKey: string, startedAt: number): string {
  return createHash('sha256').update(`${rule}\u0000${vehicleKey}\u0000${startedAt}`).digest('hex').slice(0, 32);
}
