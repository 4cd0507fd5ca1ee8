/** Multi-row INSERTs for PostgreSQL (server and PGlite), cut where the protocol's parameter limit would be. */
import type { Sql } from './postgres.js';

/** Parameters one multi-row statement carries at most (the protocol allows 65,535). */
const PARAMS_PER_STATEMENT_MAX = 30_000;

/**
 * Inserts `rows` (values in `columns`' order) in as few multi-row statements as the parameter limit allows;
 * `suffix` follows each VALUES list (ON CONFLICT, RETURNING). Returns what the statements returned, in order.
 */
export async function insertRows<R>(
  sql: Pick<Sql, 'query'>,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
  suffix = '',
): Promise<R[]> {
  const perStatement = Math.max(1, Math.floor(PARAMS_PER_STATEMENT_MAX / columns.length));
  const returned: R[] = [];
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const values = chunk
      .map((_, r) => `(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`)
      .join(', ');
    returned.push(
      ...(await sql.query<R>(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values} ${suffix}`, chunk.flat())),
    );
  }
  return returned;
}
