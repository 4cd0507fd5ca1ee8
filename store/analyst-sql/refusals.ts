/**
 * What the analysts' SQL path answers when it does not run a query, or when ClickHouse stops one: a named reason
 * the HTTP API returns as it is, and a message about the analyst's own text.
 */

/** The query was not run: it is not one statement the sandbox allows. */
export type RefusalReason =
  | 'query_refused'
  | 'function_not_allowed'
  | 'table_not_allowed'
  | 'multiple_statements'
  | 'settings_not_allowed'
  | 'syntax_error'
  | 'query_too_long';

export class QueryRefusedError extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
  }
}

/** The query ran and ClickHouse stopped it: a bound of the sandbox, or an error in the query itself. */
export type FailureReason = 'query_failed' | 'memory_limit_exceeded' | 'time_limit_exceeded' | 'read_limit_exceeded';

export class QueryFailedError extends Error {
  constructor(
    readonly reason: FailureReason,
    message: string,
    /** ClickHouse's error code and name, where it gave them (the ClickHouse-compatible endpoint passes them on). */
    readonly clickhouse: { code?: number; type?: string } = {},
  ) {
    super(message);
  }
}

/**
 * No session was free for the query in time: `too_many_queries` when this analyst already has as many queries
 * running and queued as one analyst may (HTTP 429), `analysts_busy` when all analysts together do (503).
 */
export class AnalystsBusyError extends Error {
  constructor(
    readonly reason: 'too_many_queries' | 'analysts_busy',
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
