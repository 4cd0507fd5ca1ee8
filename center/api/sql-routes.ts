/**
 * `POST /api/sql` {sql} → {columns: [{name, type}], rows: [[…]], truncated}: analysts' SQL on ClickHouse, for
 * admin, analyst and leader accounts. The statement runs in the store's sandbox (store/analyst-sql/): one
 * SELECT, EXPLAIN, DESCRIBE, SHOW TABLES or SHOW CREATE TABLE over the analyst tables, allowed functions only,
 * the server's limits, and only the rows of the caller's org subtree (all rows at the province level).
 *
 * Answers: 400 with a named reason when the query is refused (`query_refused`, `function_not_allowed`,
 * `table_not_allowed`, `multiple_statements`, `settings_not_allowed`, `syntax_error`, `query_too_long`) or when
 * ClickHouse stopped it (`memory_limit_exceeded`, `time_limit_exceeded`, `read_limit_exceeded`, `query_failed`
 * with ClickHouse's message); 429 `too_many_queries` when the caller has as many queries running and waiting as
 * one analyst may, 503 `analysts_busy` when all analysts together do, both with `Retry-After`.
 */
import {
  AnalystsBusyError,
  QueryFailedError,
  QueryRefusedError,
  type AnalystCaller,
  type Analytics,
} from '../../store/index.js';
import type { Logger, Metrics } from '../../schema/index.js';
import type { Accounts, Principal, Role } from '../auth/accounts.js';
import { HttpError, type Router } from '../http/router.js';
import type { OrgDirectory } from '../org/org-directory.js';
import { principalOf } from './routes.js';

export interface SqlRouteDeps {
  accounts: Accounts;
  analytics: Analytics;
  org: OrgDirectory;
  metrics: Metrics;
  logger: Logger;
}

export const SQL_ROLES: ReadonlySet<Role> = new Set(['admin', 'analyst', 'leader']);

/** Whose rows a principal reads: every row at the province level, else the codes of its org subtree. */
export function analystCallerOf(principal: Principal, org: OrgDirectory): AnalystCaller {
  const unit = org.get(principal.orgCode);
  return {
    userKey: `user:${principal.userId}`,
    orgCodes: unit?.level === 'province' ? 'all' : org.subtree(principal.orgCode),
  };
}

export function registerSqlRoutes(router: Router, deps: SqlRouteDeps): void {
  const { metrics, analytics } = deps;
  const outcomes = metrics.counter('vigil_sql_queries_total', 'Analyst SQL queries by outcome (ok or a named reason)', [
    'outcome',
  ]);
  const seconds = metrics.histogram('vigil_sql_query_seconds', 'Analyst SQL queries from arrival to answer');
  metrics.onCollect(() => {
    metrics.gauge('vigil_sql_running', "Analysts' queries running").set(undefined, analytics.analysts.running);
    metrics
      .gauge('vigil_sql_queued', "Analysts' queries waiting for a session")
      .set(undefined, analytics.analysts.queued);
  });

  router.add('POST', '/api/sql', async (ctx) => {
    const principal = await principalOf(ctx, deps.accounts);
    if (!SQL_ROLES.has(principal.role)) throw new HttpError(403, 'forbidden', `role ${principal.role} may not run SQL`);
    // The router refuses a body that is not an object (bad_body) and checks the declared fields first.
    const body = await ctx.json<{ sql?: unknown }>();
    if (typeof body.sql !== 'string' || body.sql.trim() === '')
      throw new HttpError(400, 'bad_request', 'the body is {"sql": "<one statement>"}');
    const started = performance.now();
    const done = (outcome: string): void => {
      outcomes.inc({ outcome });
      seconds.observe(undefined, (performance.now() - started) / 1000);
    };
    try {
      const result = await analytics.analysts.run(body.sql, analystCallerOf(principal, deps.org));
      done('ok');
      return { body: { columns: result.columns, rows: result.rows, truncated: result.truncated } };
    } catch (error) {
      if (error instanceof QueryRefusedError || error instanceof QueryFailedError) {
        done(error.reason);
        throw new HttpError(400, error.reason, error.message);
      }
      if (error instanceof AnalystsBusyError) {
        done(error.reason);
        return {
          status: error.reason === 'too_many_queries' ? 429 : 503,
          body: { error: error.reason, detail: error.message, retry_after_s: error.retryAfterSeconds },
          headers: { 'retry-after': String(error.retryAfterSeconds) },
        };
      }
      done('internal_error');
      deps.logger.error('analyst query failed unexpectedly', { user: principal.username, error: String(error) });
      throw new HttpError(500, 'internal_error', 'the query could not be run; the server log says why');
    }
  });
}
