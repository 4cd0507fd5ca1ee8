/**
 * The rules configuration API:
 *   GET /api/rules   → {version, saved_at, saved_by, comment, config, rules:[{id, description, input, fields}],
 *                      actions}; any signed-in user except walls: duty officers need to know the thresholds in
 *                      force. `actions` is ['update'] for whoever may save a version, else []: the console's zone
 *                      editor offers saving from it and never decides by itself.
 *   GET /api/rules/versions?limit= → {versions:[{version, saved_at, saved_by, comment, zones}]}, newest first
 *   PUT /api/rules   {config, comment?} → {version}; province admins only; validated, stored as a new
 *                      version, applied to the running engine without a restart, and audited. An invalid
 *                      configuration is answered 400 `config_invalid` with every problem (key, value,
 *                      reason) and the running one stays.
 */
import { provinceCode } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import { HISTORY_MAX, RulesConfigError, describeProblem, type RulesConfigService } from '../../stream/index.js';
import type { Accounts } from '../auth/accounts.js';
import { appendAudit } from '../auth/audit.js';
import { HttpError, type Router } from '../http/router.js';
import { principalOf } from './routes.js';

export interface RulesConfigRouteDeps {
  accounts: Accounts;
  sql: Pick<Sql, 'query'>;
  rules: RulesConfigService;
}

const COMMENT_CHARS_MAX = 500;
const VERSIONS_DEFAULT = 20;

function mayUpdate(principal: { role: string; orgCode: string }): boolean {
  return principal.role === 'admin' && principal.orgCode === provinceCode();
}

export function registerRulesConfigRoutes(router: Router, deps: RulesConfigRouteDeps): void {
  router.add('GET', '/api/rules', async (ctx) => {
    const principal = await principalOf(ctx, deps.accounts);
    if (principal.role === 'wall') throw new HttpError(403, 'forbidden', 'walls do not read the rules configuration');
    return {
      body: {
        ...deps.rules.current(),
        rules: deps.rules.describeRules(),
        actions: mayUpdate(principal) ? ['update'] : [],
      },
    };
  });

  router.add('GET', '/api/rules/versions', async (ctx) => {
    const principal = await principalOf(ctx, deps.accounts);
    if (principal.role === 'wall') throw new HttpError(403, 'forbidden', 'walls do not read the rules configuration');
    const raw = ctx.url.searchParams.get('limit');
    const limit = raw === null ? VERSIONS_DEFAULT : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > HISTORY_MAX)
      throw new HttpError(400, 'bad_request', `limit must be an integer 1..${HISTORY_MAX}`);
    return { body: { versions: deps.rules.history(limit) } };
  });

  router.add('PUT', '/api/rules', async (ctx) => {
    const principal = await principalOf(ctx, deps.accounts);
    if (!mayUpdate(principal)) {
      throw new HttpError(403, 'forbidden', 'only a province administrator may change the rules configuration');
    }
    const body = await ctx.json<{ config?: unknown; comment?: unknown }>();
    if (typeof body !== 'object' || body === null || body.config === undefined)
      throw new HttpError(400, 'bad_request', 'body must be {"config": {...}, "comment": "..."}');
    if (body.comment !== undefined && (typeof body.comment !== 'string' || body.comment.length > COMMENT_CHARS_MAX)) {
      throw new HttpError(400, 'bad_request', `comment must be a string of at most ${COMMENT_CHARS_MAX} characters`);
    }
    const comment = typeof body.comment === 'string' ? body.comment : '';
    const previous = deps.rules.current().version;
    let saved;
    try {
      saved = deps.rules.update(body.config, principal.username, comment);
    } catch (error) {
      if (error instanceof RulesConfigError) {
        await appendAudit(deps.sql, {
          actorId: principal.userId,
          actor: principal.username,
          action: 'rules.config.refused',
          target: 'rules',
          detail: { problems: error.problems.slice(0, 20).map(describeProblem) },
          peer: ctx.peer,
        });
        throw new HttpError(400, 'config_invalid', error.message, { problems: error.problems.slice(0, 100) });
      }
      throw error;
    }
    await appendAudit(deps.sql, {
      actorId: principal.userId,
      actor: principal.username,
      action: 'rules.config.update',
      target: 'rules',
      detail: { version: saved.version, previous_version: previous, comment },
      peer: ctx.peer,
    });
    return { body: { version: saved.version } };
  });
}
