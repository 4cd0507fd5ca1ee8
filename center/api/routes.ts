/**
 * The HTTP API's routes. Contracts used by people and scripts:
 *   GET  /api/health            → health-routes.ts (with /api/health/live and /api/health/ready)
 *   POST /api/auth/login        {username, password} → {token, expires_at, user}
 *   POST /api/auth/logout
 *   GET  /api/me
 *   POST /api/sql               analysts' SQL, see sql-routes.ts
 *   GET  /api/geo/province      GeoJSON of the supervised province's divisions, for the wall's map
 *   GET  /api/geo/henan         the same, under the path walls built before other provinces used
 *   GET  /metrics               Prometheus text format
 */
import type { Metrics } from '../../schema/index.js';
import { bearerToken, type Accounts, type Principal } from '../auth/accounts.js';
import { HttpError, type RequestContext, type Router } from '../http/router.js';

export interface RouteDeps {
  accounts: Accounts;
  metrics: Metrics;
  geoJson(): unknown;
}

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

  const geo = async (ctx: RequestContext) => {
    await principalOf(ctx, deps.accounts);
    return { body: deps.geoJson(), headers: { 'cache-control': 'private, max-age=3600' } };
  };
  router.add('GET', '/api/geo/province', geo);
  router.add('GET', '/api/geo/henan', geo);

  router.add('GET', '/metrics', async () => ({
    raw: await deps.metrics.renderAll(),
    headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
  }));
}

function publicPrincipal(p: Principal): Record<string, unknown> {
  return {
    id: p.userId,
    username: p.username,
    // The name the console shows: users.display_name, else the username.
    display_name: p.displayName ?? p.username,
    role: p.role,
    org_code: p.orgCode,
    enterprise_id: p.enterpriseId,
  };
}
