/**
 * The ClickHouse HTTP interface, as far as analysts' tools need it, at `/clickhouse`: point DBeaver, Grafana's or
 * Superset's ClickHouse connector, `@clickhouse/client` or `curl` at `http://<vigil>/clickhouse` and read the
 * analyst tables in the sandbox of `POST /api/sql` (store/analyst-sql/): the same statements, functions, row scope
 * of the caller's org subtree and bounds. What differs is the wire: ClickHouse's own.
 *
 *   GET  /clickhouse/ping (no credentials), GET /clickhouse with credentials and no query   → `Ok.`
 *   GET|POST /clickhouse?query=…  (POST: the body is the query, after `query` when both are sent)
 *
 * Credentials as ClickHouse takes them — HTTP Basic, `X-ClickHouse-User`/`X-ClickHouse-Key`, or `user`/`password`
 * parameters — are a Vigil account's username and password (checked like a login: throttled, failures audited);
 * a Vigil session token as `Authorization: Bearer` works too. Accounts of the roles of `/api/sql` only.
 * The answer is in the statement's `FORMAT`, else `default_format` (parameter or `X-ClickHouse-Format` header),
 * else TabSeparated, from an allowlist of output formats. Settings a client sends as URL parameters are not
 * applied (the server sets every query's settings); `database` must be Vigil's analytics database or `default`.
 * Errors are ClickHouse's text (`Code: 62. DB::Exception: … (SYNTAX_ERROR)`) with `X-ClickHouse-Exception-Code`,
 * which is what ClickHouse clients parse.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import {
  AnalystsBusyError,
  contentTypeOf,
  DEFAULT_OUTPUT_FORMAT,
  isOutputFormat,
  QueryFailedError,
  QueryRefusedError,
  type Analytics,
  type RefusalReason,
} from '../../store/index.js';
import type { Logger, Metrics } from '../../schema/index.js';
import { bearerToken, type Accounts, type Principal } from '../auth/accounts.js';
import { HttpError, type HandlerResult, type RequestContext, type Router } from '../http/router.js';
import type { OrgDirectory } from '../org/org-directory.js';
import { analystCallerOf, SQL_ROLES } from './sql-routes.js';

export const CLICKHOUSE_HTTP_PATH = '/clickhouse';

export interface ClickHouseHttpDeps {
  accounts: Accounts;
  analytics: Analytics;
  org: OrgDirectory;
  metrics: Metrics;
  logger: Logger;
}

/** A password checked once is trusted this long: a dashboard's burst of queries costs one scrypt, not one each. */
const CREDENTIALS_TTL_MS = 60_000;
const CREDENTIALS_CACHED_MAX = 1_000;
const QUERY_ID_CHARS_MAX = 100;

/** A ClickHouse error as its clients read it: code, name, HTTP status. */
interface WireError {
  code: number;
  name: string;
  status: number;
}

const AUTHENTICATION_FAILED: WireError = { code: 516, name: 'AUTHENTICATION_FAILED', status: 401 };
const ACCESS_DENIED: WireError = { code: 497, name: 'ACCESS_DENIED', status: 403 };
const SYNTAX_ERROR: WireError = { code: 62, name: 'SYNTAX_ERROR', status: 400 };
const UNKNOWN_FORMAT: WireError = { code: 73, name: 'UNKNOWN_FORMAT', status: 400 };
const UNKNOWN_DATABASE: WireError = { code: 81, name: 'UNKNOWN_DATABASE', status: 404 };
const TOO_MANY_QUERIES: WireError = { code: 202, name: 'TOO_MANY_SIMULTANEOUS_QUERIES', status: 429 };
const QUERY_FAILED: WireError = { code: 1001, name: 'STD_EXCEPTION', status: 400 };
const INTERNAL: WireError = { code: 1002, name: 'UNKNOWN_EXCEPTION', status: 500 };

const REFUSALS: Readonly<Record<RefusalReason, WireError>> = {
  syntax_error: SYNTAX_ERROR,
  multiple_statements: SYNTAX_ERROR,
  query_too_long: { code: 393, name: 'QUERY_IS_TOO_LARGE', status: 400 },
  query_refused: ACCESS_DENIED,
  function_not_allowed: ACCESS_DENIED,
  table_not_allowed: ACCESS_DENIED,
  settings_not_allowed: { code: 164, name: 'READONLY', status: 403 },
};

class WireFailure extends Error {
  constructor(
    readonly wire: WireError,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function registerClickHouseHttpRoutes(router: Router, deps: ClickHouseHttpDeps): void {
  const outcomes = deps.metrics.counter(
    'vigil_clickhouse_http_queries_total',
    'Queries on the ClickHouse-compatible endpoint by outcome (ok or the ClickHouse error name)',
    ['outcome'],
  );
  const credentials = new CredentialCache(deps.accounts);
  const ping = (): HandlerResult => ({ raw: 'Ok.\n', headers: { 'content-type': 'text/plain; charset=UTF-8' } });
  const handle = async (ctx: RequestContext): Promise<HandlerResult> => {
    const queryId = (ctx.url.searchParams.get('query_id') ?? '').slice(0, QUERY_ID_CHARS_MAX) || randomUUID();
    try {
      const principal = await credentials.principalOf(ctx);
      if (!SQL_ROLES.has(principal.role))
        throw new WireFailure(
          ACCESS_DENIED,
          `role ${principal.role} may not run SQL (roles: ${[...SQL_ROLES].join(', ')})`,
        );
      const sql = await queryText(ctx);
      // A connection check (DBeaver's, Grafana's "Save & test") sends credentials and no query.
      if (sql === undefined) return ping();
      checkDatabase(ctx, deps.analytics.analysts.database);
      const format = requestedFormat(ctx);
      const result = await run(deps, sql, principal, format);
      outcomes.inc({ outcome: 'ok' });
      return {
        raw: result.body,
        headers: {
          'content-type': contentTypeOf(result.format),
          'x-clickhouse-format': result.format,
          'x-clickhouse-query-id': queryId,
          'x-clickhouse-timezone': 'Asia/Shanghai',
          'x-clickhouse-server-display-name': 'vigil',
        },
      };
    } catch (error) {
      const failure = wireFailureOf(error, deps.logger);
      outcomes.inc({ outcome: failure.wire.name });
      return {
        status: failure.wire.status,
        raw: `Code: ${failure.wire.code}. DB::Exception: ${failure.message}. (${failure.wire.name}) (version vigil)\n`,
        headers: {
          'content-type': 'text/plain; charset=UTF-8',
          'x-clickhouse-exception-code': String(failure.wire.code),
          'x-clickhouse-query-id': queryId,
          ...failure.headers,
        },
      };
    }
  };
  // The router ignores a trailing slash: /clickhouse/ is the same route, as clients often send it.
  router.add('GET', `${CLICKHOUSE_HTTP_PATH}/ping`, ping);
  router.add('GET', CLICKHOUSE_HTTP_PATH, handle);
  router.add('POST', CLICKHOUSE_HTTP_PATH, handle);
}

/** The query: `query` parameter, then the POST body; undefined when there is none (a ping). */
async function queryText(ctx: RequestContext): Promise<string | undefined> {
  const parts: string[] = [];
  const param = ctx.url.searchParams.get('query');
  if (param !== null && param.trim() !== '') parts.push(param);
  if (ctx.req.method === 'POST') {
    if (ctx.req.headers['content-encoding'] !== undefined)
      throw new WireFailure(
        { code: 1001, name: 'STD_EXCEPTION', status: 415 },
        'compressed request bodies are not accepted; send the query uncompressed',
      );
    const body = await ctx.text();
    if (body.trim() !== '') parts.push(body);
  }
  return parts.length === 0 ? undefined : parts.join('\n');
}

function checkDatabase(ctx: RequestContext, database: string): void {
  const asked = ctx.url.searchParams.get('database') ?? ctx.req.headers['x-clickhouse-database'];
  if (asked === undefined || asked === null || asked === '' || asked === 'default' || asked === database) return;
  throw new WireFailure(UNKNOWN_DATABASE, `Database ${String(asked)} does not exist; analysts read ${database}`);
}

function requestedFormat(ctx: RequestContext): string {
  const header = ctx.req.headers['x-clickhouse-format'];
  const format = ctx.url.searchParams.get('default_format') ?? (typeof header === 'string' ? header : undefined);
  if (format === undefined || format === '') return DEFAULT_OUTPUT_FORMAT;
  if (!isOutputFormat(format))
    throw new WireFailure(UNKNOWN_FORMAT, `format ${format} is not one an analyst may ask for`);
  return format;
}

async function run(deps: ClickHouseHttpDeps, sql: string, principal: Principal, format: string) {
  try {
    return await deps.analytics.analysts.runFormatted(sql, analystCallerOf(principal, deps.org), format);
  } catch (error) {
    if (error instanceof AnalystsBusyError)
      throw new WireFailure(
        { ...TOO_MANY_QUERIES, status: error.reason === 'too_many_queries' ? 429 : 503 },
        `${error.reason}: ${error.message}`,
        { 'retry-after': String(error.retryAfterSeconds) },
      );
    throw error;
  }
}

function wireFailureOf(error: unknown, logger: Logger): WireFailure {
  if (error instanceof WireFailure) return error;
  if (error instanceof QueryRefusedError)
    return new WireFailure(REFUSALS[error.reason], `${error.reason}: ${error.message}`);
  if (error instanceof QueryFailedError) {
    const { code, type } = error.clickhouse;
    const wire = code !== undefined && type !== undefined ? { code, name: type, status: 400 } : QUERY_FAILED;
    return new WireFailure(wire, `${error.reason}: ${error.message}`);
  }
  if (error instanceof HttpError) {
    const wire =
      error.status === 401
        ? AUTHENTICATION_FAILED
        : error.status === 429
          ? { ...TOO_MANY_QUERIES, status: 429 }
          : { ...INTERNAL, status: error.status };
    return new WireFailure(wire, `${error.reason}: ${error.message}`, error.headers ?? {});
  }
  logger.error('ClickHouse-compatible query failed unexpectedly', { error: String(error) });
  return new WireFailure(INTERNAL, 'the query could not be run; the server log says why');
}

/**
 * Username and password of each request, checked against the accounts once per `CREDENTIALS_TTL_MS`: the cache
 * is keyed by an HMAC under a key of this process (no password is kept), and forgets a user whose sessions are
 * revoked (password changed, account disabled).
 */
class CredentialCache {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, { principal: Principal; until: number }>();

  constructor(private readonly accounts: Accounts) {
    accounts.onRevoked((revocation) => {
      if (revocation.userId === undefined) return;
      for (const [k, entry] of this.entries) if (entry.principal.userId === revocation.userId) this.entries.delete(k);
    });
  }

  async principalOf(ctx: RequestContext): Promise<Principal> {
    const authorization = ctx.req.headers.authorization;
    const token = bearerToken(authorization);
    if (token !== undefined) return this.accounts.authenticate(token);
    const pair = credentialsOf(ctx);
    if (pair === undefined)
      throw new WireFailure(
        AUTHENTICATION_FAILED,
        'a Vigil username and password are required (HTTP Basic, X-ClickHouse-User/X-ClickHouse-Key, or user/password)',
        { 'www-authenticate': 'Basic realm="Vigil", charset="UTF-8"' },
      );
    const k = createHmac('sha256', this.key).update(pair.user).update('\0').update(pair.password).digest('base64');
    const now = Date.now();
    const cached = this.entries.get(k);
    if (cached !== undefined && cached.until > now) return cached.principal;
    const principal = await this.accounts.checkPassword(pair.user, pair.password, ctx.peer);
    if (this.entries.size >= CREDENTIALS_CACHED_MAX) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(k, { principal, until: now + CREDENTIALS_TTL_MS });
    return principal;
  }
}

function credentialsOf(ctx: RequestContext): { user: string; password: string } | undefined {
  const authorization = ctx.req.headers.authorization;
  if (authorization !== undefined && /^basic /i.test(authorization)) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    return undefined;
  }
  const headerUser = ctx.req.headers['x-clickhouse-user'];
  const headerKey = ctx.req.headers['x-clickhouse-key'];
  if (typeof headerUser === 'string' && typeof headerKey === 'string') return { user: headerUser, password: headerKey };
  const user = ctx.url.searchParams.get('user');
  const password = ctx.url.searchParams.get('password');
  if (user !== null && password !== null) return { user, password };
  return undefined;
}
