/**
 * The answers of the assessment's vehicle query, kept while nothing it reads has changed. The query costs about
 * 0.1 CPU-s in the embedded engine even on empty tables (planning its joins, windows and unions), and the same
 * figures are asked for again and again: the 考核 page and its ranking, the drill-down's total, a 通报 of the ranking
 * just shown. An answer is served again only when
 * - the period ended more than CLOCK_MARGIN_MS ago by the wall clock: the SQL reads the engine's `now64()` for
 *   fatigue episodes still open, so a period reaching into the future gives another answer a moment later without
 *   any new row (the margin covers a ClickHouse server whose clock is behind the node's);
 * - no table the query reads has a part added, merged, mutated or dropped since: every insert writes a new part with
 *   a new name (block numbers only grow), so the sorted names of a table's active parts change with any change to
 *   its rows (a merge that changes nothing the query sees renames them too, and only costs a needless read);
 * - the engine is one server or chDB: on a cluster a node's `system.parts` lists only its own shard.
 * The parts are listed before the query runs, so an answer may hold rows newer than its key (then the next read
 * finds other parts and reads again), never older.
 */
import type { DdlLayout } from '../../schema/index.js';
import { quoteString } from '../../schema/index.js';
import type { Analytics, QueryResultTable } from '../../store/index.js';

/** The tables the vehicle query can read. */
export type FactTable = 'vehicles' | 'telemetry' | 'alarms' | 'ingest_rejects' | 'assessment_vehicle_days';

/** The tables the query reads when some days are computed from the raw facts. */
export const RAW_FACT_TABLES: readonly FactTable[] = ['telemetry', 'alarms', 'ingest_rejects'];

/**
 * Rows kept in all (an answer counts at least one): a province's units (about 180 rows) or enterprises at many
 * periods, or a few drill-downs (up to 10,001 rows each); the least recently used answers leave first.
 */
export const FACT_CACHE_ROWS = 50_000;

/** How long after its end a period's answer may be kept: a server's clock may be this far behind the node's. */
export const CLOCK_MARGIN_MS = 10 * 60_000;

export interface FactRead {
  sql: string;
  rowsMax: number;
  /** Every table `sql` reads. */
  tables: readonly FactTable[];
  /** The end of the period read (epoch ms): not kept before the wall clock has passed it. */
  endsAt: number;
}

export class FactCache {
  private readonly entries = new Map<string, { state: string; result: QueryResultTable }>();
  private rowsKept = 0;
  private hits = 0;
  private reads = 0;

  constructor(
    private readonly analytics: Pick<Analytics, 'queryInternal'> & { layout?: DdlLayout },
    private readonly rowsMax = FACT_CACHE_ROWS,
    private readonly wallClock: () => number = Date.now,
  ) {}

  /** Reads served from the cache, and reads in all (for tests and benchmarks). */
  stats(): { hits: number; reads: number } {
    return { hits: this.hits, reads: this.reads };
  }

  async query(read: FactRead): Promise<QueryResultTable> {
    this.reads++;
    const options = { rowsMax: read.rowsMax };
    // Without a layout the reader is a wrapper that may not be what the parts describe: never kept.
    const layout = this.analytics.layout;
    if (layout === undefined || layout.kind === 'cluster' || read.endsAt > this.wallClock() - CLOCK_MARGIN_MS)
      return this.analytics.queryInternal(read.sql, options);
    const key = `${read.rowsMax}\n${read.sql}`;
    const state = await this.partsState(read.tables);
    const kept = this.entries.get(key);
    if (kept !== undefined && kept.state === state) {
      // Most recently used last: the first key is the one to drop when full.
      this.entries.delete(key);
      this.entries.set(key, kept);
      this.hits++;
      return kept.result;
    }
    const result = await this.analytics.queryInternal(read.sql, options);
    this.drop(key);
    if (weightOf(result) <= this.rowsMax) {
      this.entries.set(key, { state, result });
      this.rowsKept += weightOf(result);
      while (this.rowsKept > this.rowsMax) this.drop(this.entries.keys().next().value!);
    }
    return result;
  }

  private drop(key: string): void {
    const kept = this.entries.get(key);
    if (kept === undefined) return;
    this.entries.delete(key);
    this.rowsKept -= weightOf(kept.result);
  }

  /** The active parts of the tables, as one text: any insert, merge, mutation or drop changes it. */
  private async partsState(tables: readonly FactTable[]): Promise<string> {
    const names = [...new Set(tables)].sort();
    const parts = await this.analytics.queryInternal(
      `SELECT table, count(), toString(cityHash64(arraySort(groupArray(name)))) FROM system.parts
       WHERE database = currentDatabase() AND active AND table IN (${names.map(quoteString).join(', ')})
       GROUP BY table ORDER BY table`,
      { rowsMax: names.length },
    );
    return parts.rows.map((row) => row.join(':')).join(' ');
  }
}

function weightOf(result: QueryResultTable): number {
  return Math.max(1, result.rows.length);
}
