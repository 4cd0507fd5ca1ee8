/**
 * ClickHouse DDL derived from the table specifications. Every statement is idempotent; `store/` reads the
 * existing schema and runs only the statements that change something (store/clickhouse-migrations.ts).
 */
import { clickhouseTypeOf, type ColumnSpec } from './columns.js';
import { ttlExpression } from './retention.js';
import type { TableSpec } from './tables.js';

/** A column's definition as in CREATE TABLE and ADD COLUMN: name, type, DEFAULT, CODEC and COMMENT. */
export function columnDefinition(name: string, spec: ColumnSpec): string {
  const type = clickhouseTypeOf(spec.kind);
  const defaultPart = spec.defaultExpression !== undefined ? ` DEFAULT ${spec.defaultExpression}` : '';
  const codecPart = spec.codec ? ` CODEC(${spec.codec})` : '';
  return `${quoteIdentifier(name)} ${type}${defaultPart}${codecPart} COMMENT ${quoteString(spec.description)}`;
}

export function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`identifier ${JSON.stringify(name)} is not snake_case`);
  return `\`${name}\``;
}

/** A string as a ClickHouse literal, for SQL text Vigil writes (DDL, the centre's own reads): never unquoted. */
export function quoteString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** An epoch-ms instant as a ClickHouse DateTime64(3) expression, for SQL text Vigil writes. */
export function clickHouseInstant(ms: number): string {
  return `fromUnixTimestamp64Milli(toInt64(${Math.trunc(ms)}))`;
}

/** `onCluster` (`ON CLUSTER \`name\``) creates the table on every node of a cluster (cluster-ddl.ts). */
export function createTableStatement(table: TableSpec, onCluster?: string): string {
  const columns = Object.entries(table.columns).map(([name, spec]) => `  ${columnDefinition(name, spec)}`);
  const clauses = [`ENGINE = ${table.engine}`];
  if (table.partitionBy) clauses.push(`PARTITION BY ${table.partitionBy}`);
  clauses.push(`ORDER BY ${table.orderBy}`);
  if (table.retention) clauses.push(`TTL ${ttlExpression(table.retention)}`);
  const settings = Object.entries(table.settings ?? {}).map(
    ([k, v]) => `${k} = ${typeof v === 'number' ? v : quoteString(v)}`,
  );
  if (settings.length > 0) clauses.push(`SETTINGS ${settings.join(', ')}`);
  return `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(table.name)}${onCluster ? ` ${onCluster}` : ''}\n(\n${columns.join(',\n')}\n)\n${clauses.join('\n')}\nCOMMENT ${quoteString(table.description)}`;
}
