/**
 * Routes of data connection (guideline G6, 应接尽接):
 *   POST   /api/ingest/<kind>           source data, `Authorization: Bearer <source key>`; the kinds of
 *                                        ingest/http/source-key.ts (INGEST_KINDS, docs/sources/); JSON array, NDJSON
 *                                        or CSV → {accepted, duplicates, rejected}
 *   POST   /api/sources/keys            {kind, org_code, name} → {id, key, …}, the key shown once (province admin)
 *   GET    /api/sources/keys            keys with usage and last-seen (province admin)
 *   DELETE /api/sources/keys/:id        revoke (province admin)
 *   POST   /api/jt809/platforms         {access_code, user_id, password, name, org_code, m1?, ia1?, ic1?} (province admin)
 *   GET    /api/jt809/platforms
 *   DELETE /api/jt809/platforms/:access_code
 */
import type { HttpIngest } from '../../ingest/index.js';
import type { Accounts } from '../auth/accounts.js';
import { HttpError, type Router } from '../http/router.js';
import type { SourceKeys } from '../sources/source-keys.js';
import type { Jt809Platforms } from '../sources/jt809-platforms.js';
import { principalOf } from './routes.js';

export interface IngestRouteDeps {
  accounts: Accounts;
  sourceKeys: SourceKeys;
  ingest: HttpIngest;
  platforms?: Jt809Platforms;
}

export function registerIngestRoutes(router: Router, deps: IngestRouteDeps): void {
  router.add('POST', '/api/ingest/:kind', async (ctx) => {
    const response = await deps.ingest.handle({
      kind: ctx.params.kind,
      authorization: ctx.req.headers.authorization,
      contentType: ctx.req.headers['content-type'],
      body: ctx.req,
      peer: ctx.peer,
    });
    return { status: response.status, body: response.body, headers: response.headers };
  });

  router.add('POST', '/api/sources/keys', async (ctx) => {
    const actor = await principalOf(ctx, deps.accounts);
    const body = await ctx.json<{ kind?: unknown; org_code?: unknown; name?: unknown }>();
    const issued = await deps.sourceKeys.issue(
      actor,
      { kind: body.kind, org_code: body.org_code, name: body.name },
      ctx.peer,
    );
    return { status: 201, body: { ...issued, note: 'the key is shown only now; store it with the source' } };
  });

  router.add('GET', '/api/sources/keys', async (ctx) => {
    const actor = await principalOf(ctx, deps.accounts);
    return { body: { keys: await deps.sourceKeys.list(actor) } };
  });

  router.add('DELETE', '/api/sources/keys/:id', async (ctx) => {
    const actor = await principalOf(ctx, deps.accounts);
    // Digits only and a safe integer: "1e3" or 20 digits must not reach PostgreSQL's bigint.
    const id = /^\d{1,15}$/.test(ctx.params.id) ? Number(ctx.params.id) : 0;
    if (id < 1) throw new HttpError(400, 'bad_id', `key id ${JSON.stringify(ctx.params.id)} is not a positive integer`);
    await deps.sourceKeys.revoke(actor, id, ctx.peer);
    return { body: { id, status: 'revoked' } };
  });

  const platforms = deps.platforms;
  if (!platforms) return;
  router.add('POST', '/api/jt809/platforms', async (ctx) => {
    const actor = await principalOf(ctx, deps.accounts);
    const created = await platforms.create(actor, await ctx.json<Record<string, unknown>>(), ctx.peer);
    return { status: 201, body: created };
  });

  router.add('GET', '/api/jt809/platforms', async (ctx) => {
    const actor = await principalOf(ctx, deps.accounts);
    return { body: { platforms: await platforms.list(actor) } };
  });

  router.add('DELETE', '/api/jt809/platforms/:access_code', async (ctx) => {
    const actor = await principalOf(ctx, deps.accounts);
    const accessCode = /^\d{1,10}$/.test(ctx.params.access_code) ? Number(ctx.params.access_code) : -1;
    if (accessCode < 0 || accessCode > 0xffffffff)
      throw new HttpError(
        400,
        'bad_access_code',
        `access code ${JSON.stringify(ctx.params.access_code)} is not a 32-bit unsigned integer`,
      );
    await platforms.disable(actor, accessCode, ctx.peer);
    return { body: { access_code: accessCode, status: 'disabled' } };
  });
}
