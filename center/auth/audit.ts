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

/** Entries one multi-row insert carries at most (6 parameters each, the protocol allows 65,535). */
const AUDIT_ENTRIES_PER_STATEMENT = 5_000;

/** `appendAudit` for many entries in as few statements as the parameter limit allows; ids follow the entries' order. */
export async function appendAudits(sql: Pick<Sql, 'query'>, entries: readonly AuditEntry[]): Promise<void> {
  for (let start = 0; start < entries.length; start += AUDIT_ENTRIES_PER_STATEMENT) {
    const params: unknown[] = [];
    const values = entries.slice(start, start + AUDIT_ENTRIES_PER_STATEMENT).map((entry) => {
      const at = params.length;
      params.push(
        entry.actorId,
        entry.actor,
        entry.action,
        entry.target ?? '',
        JSON.stringify(entry.detail ?? {}),
        entry.peer ?? '',
      );
      return `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}, $${at + 6})`;
    });
    await sql.query(
      `INSERT INTO audit_log (actor_id, actor, action, target, detail, peer) VALUES ${values.join(', ')}`,
      params,
    );
  }
}
