/**
 * The HTTP API's routes. Contracts used by people and scripts:
 *   GET  /api/health            → health-routes.ts (with /api/health/live and /api/health/ready)
 *   POST /api/auth/login        {username, password} → {token, expires_at, user}
 *   POST /api/auth/logout
 *   GET  /api/me
 *   POST /api/sql               {sql} → {columns:[{name,type}], rows:[[…]]}, read-only, analysts and admins
 *   GET  /api/geo/henan         GeoJSON of the divisions, for the wall's map
 *   GET  /metrics               Prometheus text format
 */
import type { Analytics } from '../../store/index.js';
import { QueryRefusedError } from '../../store/index.js';
import type { Metrics } from '../../schema/index.js';
import { bearerToken, type Accounts, type Principal, type Role } from '../auth/accounts.js';
import { HttpError, type RequestContext, type Router } from '../http/router.js';

export interface RouteDeps {
  accounts: Accounts;
  analytics: Analytics;
  metrics: Metrics;
  geoJson(): unknown;
}

const SQL_ROLES: ReadonlySet<Role> = new Set(['admin', 'analyst', 'leader']);

export async function principalOf(ctx: RequestContext, accounts: Accounts): Promise<Principal> {
  return accounts.authenticate(bearerToken(ctx.req.headers.authorization));
}

export function registerRoutes(router: Router, deps: RouteDeps): void {
  router.add('POST', '/api/auth/login', async (ctx) => {
    const body = await ctx.json<{ username?: unknown; password?: unknown }>();
    if (typeof body.username !== 'string' || typeof body.password !== 'string') {
      throw new HttpError(400, 'bad_request', 'username and password are required strings');
    }
    const { token, expiresAt, principal } = await deps.accounts.login(body.username, body.password, ctx.peer);
    return { body: { token, expires_at: expiresAt, user: publicPrincipal(principal) } };
  });

  router.add('POST', '/api/auth/logout', async (ctx) => {
    const token = bearerToken(ctx.req.headers.authorization);
    const principal = await deps.accounts.authenticate(token);
    await deps.accounts.logout(token as string, principal, ctx.peer);
    return { body: { status: 'logged_out' } };
  });

  router.add('GET', '/api/me', async (ctx) => ({ body: publicPrincipal(await principalOf(ctx, deps.accounts)) }));

  router.add('POST', '/api/sql', async (ctx) => {
    const principal = await principalOf(ctx, deps.accounts);
    if (!SQL_ROLES.has(principal.role)) throw new HttpError(403, 'forbidden', `role ${principal.role} may not run SQL`);
    const body = await ctx.json<{ sql?: unknown }>();
    if (typeof body.sql !== 'string' || body.sql.trim() === '')
      throw new HttpError(400, 'bad_request', 'sql is a required non-empty string');
    deps.metrics.counter('vigil_sql_queries_total', 'Analyst SQL queries', ['outcome']);
    try {
      const result = await deps.analytics.queryReadOnly(body.sql);
      deps.metrics.counter('vigil_sql_queries_total', '', ['outcome']).inc({ outcome: 'ok' });
      return { body: { columns: result.columns, rows: result.rows } };
    } catch (error) {
      deps.metrics.counter('vigil_sql_queries_total', '', ['outcome']).inc({ outcome: 'error' });
      if (error instanceof QueryRefusedError) throw new HttpError(400, error.reason, error.message);
      // ClickHouse's own message tells the analyst what is wrong with the query.
      throw new HttpError(400, 'query_failed', (error as Error).message);
    }
  });

  router.add('GET', '/api/geo/henan', async (ctx) => {
    await principalOf(ctx, deps.accounts);
    return { body: deps.geoJson(), headers: { 'cache-control': 'private, max-age=3600' } };
  });

  router.add('GET', '/metrics', async () => ({
    raw: await deps.metrics.renderAll(),
    headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
  }));
}

function publicPrincipal(p: Principal): Record<string, unknown> {
  return { id: p.userId, username: p.username, role: p.role, org_code: p.orgCode, enterprise_id: p.enterpriseId };
}
