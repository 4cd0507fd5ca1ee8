/**
 * The bounds of analysts' SQL: how many queries run at once and wait, and what one query may use. They are
 * configuration with named defaults, checked at start-up (a bad value names its key, the value and the bound),
 * and the server sets them on every query: the analyst cannot change them.
 */

export interface AnalystSqlLimits {
  /** Analysts' queries running at once: each has a ClickHouse session (embedded) or request (server) of its own. */
  sessions: number;
  /** Queries one analyst may have running at once. */
  runningPerAnalystMax: number;
  /** Queries waiting for a session, all analysts together; beyond it a query is answered 503 at once. */
  queuedMax: number;
  /** Queries one analyst may have waiting; beyond it a query is answered 429 at once. */
  queuedPerAnalystMax: number;
  /** How long a query may wait for a session before it is answered 503. */
  queueWaitMsMax: number;
  /** What `Retry-After` says when a query is turned away. */
  retryAfterSeconds: number;
  /** Longest SQL text accepted, in UTF-8 bytes. */
  sqlBytesMax: number;
  /** `max_execution_time`: a query running longer is stopped (time_limit_exceeded). */
  executionSecondsMax: number;
  /** Rows returned at most; a longer result is cut and marked `truncated`. */
  resultRowsMax: number;
  /** Bytes of result at most (`max_result_bytes`, and the JSON the API returns); beyond it the result is cut. */
  resultBytesMax: number;
  /** `max_memory_usage` of one query (memory_limit_exceeded beyond it). */
  memoryBytesMax: number;
  /** `max_threads` of one query. */
  threadsMax: number;
  /** `max_rows_to_read` of one query (read_limit_exceeded beyond it). */
  rowsToReadMax: number;
  /** `max_bytes_to_read` of one query (read_limit_exceeded beyond it). */
  bytesToReadMax: number;
}

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

export const ANALYST_SQL_DEFAULTS: AnalystSqlLimits = {
  sessions: 2,
  runningPerAnalystMax: 1,
  queuedMax: 32,
  queuedPerAnalystMax: 4,
  queueWaitMsMax: 30_000,
  retryAfterSeconds: 5,
  sqlBytesMax: 64 * 1024,
  executionSecondsMax: 60,
  resultRowsMax: 100_000,
  resultBytesMax: 64 * MIB,
  memoryBytesMax: 512 * MIB,
  threadsMax: 2,
  rowsToReadMax: 2_000_000_000,
  bytesToReadMax: 200 * GIB,
};

/** Each bound's smallest and largest accepted value. */
export const ANALYST_SQL_BOUNDS: Record<keyof AnalystSqlLimits, readonly [number, number]> = {
  sessions: [1, 32],
  runningPerAnalystMax: [1, 32],
  queuedMax: [0, 10_000],
  queuedPerAnalystMax: [0, 1_000],
  queueWaitMsMax: [100, 600_000],
  retryAfterSeconds: [1, 3_600],
  sqlBytesMax: [1_024, 1024 * 1024],
  executionSecondsMax: [1, 3_600],
  resultRowsMax: [1, 10_000_000],
  resultBytesMax: [64 * 1024, 1 * GIB],
  memoryBytesMax: [16 * MIB, 256 * GIB],
  threadsMax: [1, 256],
  rowsToReadMax: [1_000, 1e15],
  bytesToReadMax: [MIB, 1e18],
};

/** Fails on the first bound that cannot work, naming its key, value and the bound it breaks. */
export function checkAnalystSqlLimits(limits: AnalystSqlLimits): void {
  for (const key of Object.keys(ANALYST_SQL_BOUNDS) as (keyof AnalystSqlLimits)[]) {
    const value = limits[key];
    const [min, max] = ANALYST_SQL_BOUNDS[key];
    if (typeof value !== 'number' || !Number.isInteger(value))
      throw new Error(`analyst SQL limit ${key} value ${String(value)} is not an integer`);
    if (value < min) throw new Error(`analyst SQL limit ${key} value ${value} is less than min allowed ${min}`);
    if (value > max) throw new Error(`analyst SQL limit ${key} value ${value} is greater than max allowed ${max}`);
  }
  if (limits.runningPerAnalystMax > limits.sessions)
    throw new Error(
      `analyst SQL limit runningPerAnalystMax value ${limits.runningPerAnalystMax} is greater than max allowed ${limits.sessions} (sessions)`,
    );
  if (limits.queuedPerAnalystMax > limits.queuedMax)
    throw new Error(
      `analyst SQL limit queuedPerAnalystMax value ${limits.queuedPerAnalystMax} is greater than max allowed ${limits.queuedMax} (queuedMax)`,
    );
}

/** Analysts think in China Standard Time: `today()` is the Beijing day, `toDate(ts)` the Beijing date. */
export const ANALYST_TIME_ZONE = 'Asia/Shanghai';

/**
 * The SETTINGS clause the server appends to every analyst statement. Query-level settings apply to that query
 * alone, so nothing is left on a session for the next analyst (chDB's `clickhouse_settings` would be `SET` on
 * the session and stay). `readonly = 1` comes last, so the query cannot write; it does not stop a SETTINGS
 * clause inside the query from applying (ClickHouse applies a subquery's settings even then), which is why the
 * statement check refuses every SETTINGS clause. A session that is read-only already (a ClickHouse server user
 * with `readonly = 2`, see docs/security.md) gets no `readonly` here: it may not change that setting.
 * `tableFilters` is the row scope (see row-scope.ts).
 */
export function sandboxSettings(limits: AnalystSqlLimits, tableFilters: string, sessionReadOnly = false): string {
  return [
    `additional_table_filters = ${tableFilters}`,
    `max_execution_time = ${limits.executionSecondsMax}`,
    // One more row than returned, so that a cut result is known to be cut; `break` may overshoot by a block.
    `max_result_rows = ${limits.resultRowsMax + 1}`,
    `max_result_bytes = ${limits.resultBytesMax}`,
    `result_overflow_mode = 'break'`,
    `max_memory_usage = ${limits.memoryBytesMax}`,
    `max_threads = ${limits.threadsMax}`,
    `max_rows_to_read = ${limits.rowsToReadMax}`,
    `max_bytes_to_read = ${limits.bytesToReadMax}`,
    // The query cache is shared by every query of the engine: scoped results are never put in it nor read from it.
    `use_query_cache = 0`,
    `session_timezone = '${ANALYST_TIME_ZONE}'`,
    ...(sessionReadOnly ? [] : ['readonly = 1']),
  ].join(', ');
}
