/** The append-only audit log: who did what, to what, when and from where. The table refuses edits. */
import type { Sql } from '../../store/index.js';

export interface AuditEntry {
  actorId: number | null;
  actor: string;
  action: string;
  target?: string;
  detail?: Record<string, unknown>;
  peer?: string;
}

export async function appendAudit(sql: Pick<Sql, 'query'>, entry: AuditEntry): Promise<void> {
  await sql.query(
    'INSERT INTO audit_log (actor_id, actor, action, target, detail, peer) VALUES ($1, $2, $3, $4, $5, $6)',
    [
      entry.actorId,
      entry.actor,
      entry.action,
      entry.target ?? '',
      JSON.stringify(entry.detail ?? {}),
      entry.peer ?? '',
    ],
  );
}
