/**
 * The rows an analyst may read: the server adds a filter on every analyst table, through ClickHouse's
 * `additional_table_filters`, which applies wherever the table is read — directly, through a view over it
 * (`alarms_current`), in subqueries, CTEs, joins and `view()`. A table's filter uses the org columns its spec
 * declares (`TableSpec.orgColumns`): a row is visible when one of them holds a code of the caller's subtree.
 * A table without org columns is visible to province-level callers only.
 */
import { quoteIdentifier, quoteString, type TableSpec } from '../../schema/index.js';

/** Who asks: the key fairness is counted by, and the org units whose rows they may read. */
export interface AnalystCaller {
  userKey: string;
  /** Division codes of the caller's org subtree; `all` for the province level, which reads every row. */
  orgCodes: readonly string[] | 'all';
}

/**
 * The value of `additional_table_filters` for a caller: a map from table name (bare and database-qualified) to
 * a filter expression. `system.tables` is filtered to the analyst relations for everyone, so `SHOW TABLES`
 * lists what an analyst may query and nothing else.
 */
export function tableFilters(
  tables: readonly TableSpec[],
  relations: readonly string[],
  database: string,
  orgCodes: AnalystCaller['orgCodes'],
): string {
  const filters = new Map<string, string>();
  filters.set(
    'system.tables',
    `database = ${quoteString(database)} AND name IN (${relations.map((r) => quoteString(r)).join(', ')})`,
  );
  if (orgCodes !== 'all') {
    const codes = orgCodes.map((code) => quoteString(code)).join(', ');
    for (const table of tables) {
      const columns = table.orgColumns ?? [];
      const filter =
        columns.length === 0 || orgCodes.length === 0
          ? '0'
          : columns.map((column) => `${quoteIdentifier(column)} IN (${codes})`).join(' OR ');
      filters.set(table.name, filter);
      filters.set(`${database}.${table.name}`, filter);
    }
  }
  return `{${[...filters].map(([table, filter]) => `${quoteString(table)}: ${quoteString(filter)}`).join(', ')}}`;
}
