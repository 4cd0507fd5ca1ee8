/** What a ClickHouse table of Vigil is made of: the one shape every table spec, the DDL and the sinks share. */
import type { ColumnsSpec } from './columns.js';
import type { Retention } from './retention.js';

export interface TableSpec<C extends ColumnsSpec = ColumnsSpec> {
  name: string;
  description: string;
  columns: C;
  engine: string;
  orderBy: string;
  partitionBy?: string;
  /** The TTL: rows are deleted this many days after this column's time (see retention.ts). */
  retention?: Retention;
  settings?: Record<string, string | number>;
  /**
   * On a ClickHouse cluster, the expression that picks a row's shard (cluster-ddl.ts); by default a hash of the
   * whole sorting key. It must be deterministic and keep rows with equal sorting keys together.
   */
  shardingKey?: string;
  /**
   * The columns naming the org unit (6-digit division code) a row belongs to. An analyst below the province sees
   * a row when one of them lies within their subtree; the server adds that filter to every SQL query. A table
   * without them is visible to province-level analysts only.
   */
  orgColumns?: readonly string[];
}

/**
 * Non-replicated MergeTree tables ignore insert deduplication tokens unless a window is set; the sinks rely on
 * tokens to make retried batches harmless, so every table keeps the tokens of its last inserts.
 */
const DEDUPLICATION_SETTINGS = { non_replicated_deduplication_window: 10_000 };

export function table<C extends ColumnsSpec>(spec: TableSpec<C>): TableSpec<C> {
  return { ...spec, settings: { ...DEDUPLICATION_SETTINGS, ...spec.settings } };
}
