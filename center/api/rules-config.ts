/**
 * The rules configuration API:
 *   GET /api/rules   → {version, saved_at, saved_by, comment, config, rules:[{id, description, input, fields}]}
 *                      any signed-in user except walls: duty officers need to know the thresholds in force
 *   PUT /api/rules   {config, comment?} → {version}; province admins only; validated, stored as a new
 *                      version, applied to the running engine without a restart, and audited. An invalid
 *                      configuration is answered 400 `config_invalid` with every problem (key, value,
 *                      reason) and the running one stays.
 */
import { HENAN_PROVINCE_CODE } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import { RulesConfigError, describeProblem, type RulesConfigService } from '../../stream/index.js';
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

export function registerRulesConfigRoutes(router: Router, deps: RulesConfigRouteDeps): void {
  router.add('GET', '/api/rules', async (ctx) => {
    const principal = await principalOf(ctx, deps.accounts);
    if (principal.role === 'wall') throw new HttpError(403, 'forbidden', 'walls do not read the rules configuration');
    return { body: { ...deps.rules.current(), rules: deps.rules.describeRules() } };
  });

  router.add('PUT', '/api/rules', async (ctx) => {
    const principal = await principalOf(ctx, deps.accounts);
    if (principal.role !== 'admin' || principal.orgCode !== HENAN_PROVINCE_CODE) {
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
