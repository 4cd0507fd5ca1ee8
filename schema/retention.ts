/**
 * Retention of the stored tables. A table's TTL is declared once, in its spec (`retention`), and both the DDL
 * (`TTL toDateTime(<column>) + INTERVAL <days> DAY`) and the ingest check below are derived from it, so what
 * ingestion refuses is exactly what ClickHouse would delete.
 *
 * Why ingestion checks it: a row already past its table's TTL is inserted and then silently dropped by the next
 * merge. Acknowledged and gone, without a trace; refused instead, it lands in `ingest_rejects` with a reason
 * that says why.
 */
import type { FieldProblem } from './columns.js';
import type { TableSpec } from './tables.js';

export const TOO_OLD_FOR_RETENTION_REASON = 'too_old_for_retention';

/** A day of the columns' time zone (Asia/Shanghai keeps no daylight saving time, so every day has 86,400 s). */
const DAY_MS = 86_400_000;

export interface Retention {
  /** The datetime column the TTL runs from. */
  column: string;
  /** Days rows are kept after that time. */
  days: number;
}

/** The TTL clause of the table's DDL. */
export function ttlExpression(retention: Retention): string {
  return `toDateTime(${retention.column}) + INTERVAL ${retention.days} DAY`;
}

/**
 * Why `row` would be deleted by the table's TTL as soon as it is stored, or null (also for tables without a
 * TTL). ClickHouse expires a row once `toDateTime(column) + INTERVAL days DAY <= now()`, `toDateTime` dropping
 * the milliseconds: the same comparison here.
 */
export function retentionProblem(table: TableSpec, row: Record<string, unknown>, nowMs: number): FieldProblem | null {
  const retention = table.retention;
  if (retention === undefined) return null;
  const value = row[retention.column];
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  const expiresAtMs = Math.floor(value / 1000) * 1000 + retention.days * DAY_MS;
  if (expiresAtMs > nowMs) return null;
  return {
    field: retention.column,
    reason: TOO_OLD_FOR_RETENTION_REASON,
    detail: `${retention.column} ${new Date(value).toISOString()} is older than the ${retention.days}-day retention of ${table.name}: it would be deleted as soon as stored`,
  };
}
