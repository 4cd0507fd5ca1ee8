/** The append-only audit log: who did what, to what, when and from where. The table refuses edits. */
import { insertRows, type Sql } from '../../store/index.js';

export interface AuditEntry {
  actorId: number | null;
  actor: string;
  action: string;
  target?: string;
  detail?: Record<string, unknown>;
  peer?: string;
}

export function appendAudit(sql: Pick<Sql, 'query'>, entry: AuditEntry): Promise<void> {
  return appendAudits(sql, [entry]);
}

/** `appendAudit` for many entries in as few statements as the parameter limit allows; ids follow the entries' order. */
export async function appendAudits(sql: Pick<Sql, 'query'>, entries: readonly AuditEntry[]): Promise<void> {
  await insertRows(
    sql,
    'audit_log',
    ['actor_id', 'actor', 'action', 'target', 'detail', 'peer'],
    entries.map((entry) => [
      entry.actorId,
      entry.actor,
      entry.action,
      entry.target ?? '',
      JSON.stringify(entry.detail ?? {}),
      entry.peer ?? '',
    ]),
  );
}
