/**
 * Routes for accounts, sessions, org units, departments, enterprises, configuration and the audit log.
 * Contracts are in the OpenAPI document at /api/docs; users' guide in docs/command-centre.md.
 */
import type { Sql } from '../../store/index.js';
import type { Accounts, Principal } from '../auth/accounts.js';
import { ROLES, type UserAdmin } from '../auth/user-admin.js';
import { CONFIG_KEYS, type CenterConfig, type ConfigKey } from '../config/center-config.js';
import { HttpError, type RequestContext } from '../http/router.js';
import type { OrgAdmin } from '../org/org-admin.js';
import type { OrgDirectory } from '../org/org-directory.js';
import { appendAudit } from '../auth/audit.js';
import { Body, EpochMs, Int, JsonObject, OneOf, Opt, Type, type Api, type Static } from './api-spec.js';

/** A 6-digit org unit (division) code, described for where it is used. */
export function OrgCode(description = '6-digit org unit (division) code') {
  return Type.String({ description, pattern: '^\\d{6}$' });
}
export function Department(
  description = 'department code: road_transport, enforcement, safety, expressway, tech_support or one an admin added',
) {
  return Type.String({ description, pattern: '^[a-z][a-z0-9_]{1,39}$' });
}
export function EnterpriseId(description = 'enterprise id') {
  return Type.String({ description, pattern: '^[A-Za-z0-9_-]{1,64}$' });
}
const LIMIT = Int('rows at most', { min: 1, max: 500 });
const PASSWORD_RULES =
  'password: at least 12 characters (VIGIL_PASSWORD_LENGTH_MIN), at most 256, any Unicode; refused when common or easy to guess (password_too_common), or containing the user name (password_contains_username)';
/** The policy (length, common passwords, the user name) is checked by the accounts service, with its own reasons. */
function Password(description = PASSWORD_RULES) {
  return Type.String({ description, maxLength: 1024 });
}
const AUDIT_QUERY = Body({
  limit: Opt(LIMIT),
  before_id: Opt(Int('page: entries older than this id', { min: 1 })),
  action: Opt(Type.String({ description: 'only this action, e.g. alarm.acknowledged', maxLength: 64 })),
  actor: Opt(Type.String({ description: 'only entries by this user name (or "system")', maxLength: 64 })),
  since: Opt(EpochMs('only entries at or after this time (epoch ms)')),
  until: Opt(EpochMs('only entries before this time (epoch ms)')),
});
/** Every role but the kiosk: a wall's token is shared by every wall of its centre. */
const PERSON_ROLES = ['admin', 'leader', 'dispatcher', 'duty_officer', 'analyst', 'enterprise'] as const;

export interface AccountRouteDeps {
  sql: Sql;
  accounts: Accounts;
  org: OrgDirectory;
  users: UserAdmin;
  orgAdmin: OrgAdmin;
  config: CenterConfig;
}

function numericParam(ctx: RequestContext, name: string): number {
  const text = ctx.params[name];
  if (!/^\d{1,15}$/.test(text)) throw new HttpError(404, 'not_found', `${name} ${JSON.stringify(text)} not found`);
  return Number(text);
}

export { numericParam };

export function registerAccountRoutes(api: Api, deps: AccountRouteDeps): void {
  api.define(
    {
      method: 'POST',
      path: '/api/users',
      tag: 'accounts',
      summary: "Create an account in a unit below the admin (or, except admins, in the admin's own unit)",
      roles: ['admin'],
      body: Body({
        username: Type.String({ description: 'login name', pattern: '^[A-Za-z0-9_.@-]{3,64}$' }),
        password: Password(`initial ${PASSWORD_RULES}; stored as a scrypt hash`),
        role: OneOf(ROLES, 'role of the account'),
        org_code: OrgCode(),
        display_name: Opt(Type.String({ description: 'name shown to others', maxLength: 100 })),
        enterprise_id: Opt(
          EnterpriseId('the enterprise an enterprise account is bound to (required for role enterprise)'),
        ),
      }),
      returns: 'the account',
    },
    async (ctx, p, body) => ({ status: 201, body: await deps.users.create(p, ctx.peer, body) }),
  );
  api.define(
    {
      method: 'GET',
      path: '/api/users',
      tag: 'accounts',
      summary: "Accounts in the admin's subtree, with their unit's name, who created them and any login lock",
      roles: ['admin'],
      returns:
        '{users: [{id, username, display_name, role, org_code, org_name, enterprise_id, disabled, locked_until, created_by, created_by_name, created_at}]}',
    },
    async (_ctx, p) => ({ body: { users: await deps.users.list(p) } }),
  );
  api.define(
    {
      method: 'POST',
      path: '/api/users/:id/disable',
      tag: 'accounts',
      summary: 'Disable an account (its sessions are revoked)',
      roles: ['admin'],
      returns: 'the account',
    },
    async (ctx, p) => ({ body: await deps.users.setDisabled(p, ctx.peer, numericParam(ctx, 'id'), true) }),
  );
  api.define(
    {
      method: 'POST',
      path: '/api/users/:id/enable',
      tag: 'accounts',
      summary: 'Enable a disabled account',
      roles: ['admin'],
      returns: 'the account',
    },
    async (ctx, p) => ({ body: await deps.users.setDisabled(p, ctx.peer, numericParam(ctx, 'id'), false) }),
  );
  api.define(
    {
      method: 'POST',
      path: '/api/users/:id/revoke-sessions',
      tag: 'accounts',
      summary: 'Revoke every session of an account',
      roles: ['admin'],
      returns: '{revoked: n}',
    },
    async (ctx, p) => ({ body: { revoked: await deps.users.revokeSessions(p, ctx.peer, numericParam(ctx, 'id')) } }),
  );
  api.define(
    {
      method: 'POST',
      path: '/api/users/:id/password',
      tag: 'accounts',
      summary: "Reset a managed account's password (its sessions are revoked); one's own: POST /api/me/password",
      roles: ['admin'],
      body: Body({ password: Password() }),
      returns: '{status: "password_reset", sessions_revoked: n}',
    },
    async (ctx, p, body) => {
      const { revoked } = await deps.users.resetPassword(p, ctx.peer, numericParam(ctx, 'id'), body.password);
      return { body: { status: 'password_reset', sessions_revoked: revoked } };
    },
  );
  api.define(
    {
      method: 'POST',
      path: '/api/users/:id/unlock',
      tag: 'accounts',
      summary: 'Lift the login back-off of an account (failed logins throttle it; see docs/security.md)',
      roles: ['admin'],
      returns: '{status: "unlocked", counts_cleared: n}',
    },
    async (ctx, p) => {
      const { unlocked } = await deps.users.unlock(p, ctx.peer, numericParam(ctx, 'id'));
      return { body: { status: 'unlocked', counts_cleared: unlocked } };
    },
  );
  api.define(
    {
      method: 'POST',
      path: '/api/me/password',
      tag: 'accounts',
      summary: "Change one's own password with the current one; every other session of the account is revoked",
      roles: PERSON_ROLES,
      body: Body({
        current_password: Type.String({ description: 'the password in use', maxLength: 1024 }),
        new_password: Password(),
      }),
      returns: '{status: "password_changed", sessions_revoked: n}',
    },
    async (ctx, p, body) => {
      const { revokedSessions } = await deps.accounts.changePassword(
        p,
        body.current_password,
        body.new_password,
        ctx.peer,
      );
      return { body: { status: 'password_changed', sessions_revoked: revokedSessions } };
    },
  );
  api.define(
    {
      method: 'GET',
      path: '/api/sessions',
      tag: 'accounts',
      summary: "Live sessions: one's own, or (admins) of managed accounts",
      roles: PERSON_ROLES,
      returns: '{sessions: [...]}',
    },
    async (_ctx, p) => ({
      body: { sessions: await deps.users.sessions(p) },
    }),
  );
  api.define(
    {
      method: 'DELETE',
      path: '/api/sessions/:id',
      tag: 'accounts',
      summary: 'Revoke one session (admins revoke wall kiosk sessions here; a wall cannot)',
      roles: PERSON_ROLES,
      returns: '{status: "revoked"}',
    },
    async (ctx, p) => {
      await deps.users.revokeSession(p, ctx.peer, numericParam(ctx, 'id'));
      return { body: { status: 'revoked' } };
    },
  );

  api.define(
    {
      method: 'GET',
      path: '/api/org-units',
      tag: 'org',
      summary: "Org units in the caller's subtree",
      roles: 'any',
      returns: '{units: [{code, name, level, parent_code, directly_administered}]}',
    },
    (_ctx, p) => ({
      body: { units: p.role === 'enterprise' ? [] : deps.orgAdmin.units(p) },
    }),
  );
  api.define(
    {
      method: 'POST',
      path: '/api/org-units',
      tag: 'org',
      summary: "Add an org unit below one in the admin's subtree (it gets the standard departments)",
      roles: ['admin'],
      body: Body({
        code: OrgCode(),
        name: Type.String({ description: 'name of the unit', minLength: 1, maxLength: 100 }),
        parent_code: OrgCode('the unit it belongs to'),
        directly_administered: Opt(Type.Boolean({ description: '省直管县' })),
      }),
      returns: 'the unit',
    },
    async (ctx, p, body) => ({
      status: 201,
      body: await deps.orgAdmin.createUnit(p, ctx.peer, body),
    }),
  );
  api.define(
    {
      method: 'GET',
      path: '/api/org-units/:code/departments',
      tag: 'org',
      summary: 'Departments of a unit',
      roles: 'any',
      returns: '{departments: [{code, name}]}',
    },
    async (ctx, p) => ({
      body: { departments: await deps.orgAdmin.departments(p, ctx.params.code) },
    }),
  );
  api.define(
    {
      method: 'POST',
      path: '/api/org-units/:code/departments',
      tag: 'org',
      summary: 'Add a department to a unit',
      roles: ['admin'],
      body: Body({
        code: Department(),
        name: Type.String({ description: 'name', minLength: 1, maxLength: 100 }),
      }),
      returns: 'the department',
    },
    async (ctx, p, body) => ({
      status: 201,
      body: await deps.orgAdmin.addDepartment(p, ctx.peer, ctx.params.code, body),
    }),
  );
  api.define(
    {
      method: 'GET',
      path: '/api/enterprises',
      tag: 'org',
      summary: "Enterprises supervised in the caller's subtree (an enterprise user: its own)",
      roles: 'any',
      returns: '{enterprises: [...]}',
    },
    async (_ctx, p) => ({
      body: { enterprises: await deps.orgAdmin.enterprises(p) },
    }),
  );
  api.define(
    {
      method: 'POST',
      path: '/api/enterprises',
      tag: 'org',
      summary: 'Register an enterprise under a supervising unit',
      roles: ['admin'],
      body: Body({
        id: EnterpriseId(),
        name: Type.String({ description: 'name', minLength: 1, maxLength: 200 }),
        org_code: OrgCode('supervising unit, also the home of its vehicles'),
      }),
      returns: 'the enterprise',
    },
    async (ctx, p, body) => ({
      status: 201,
      body: await deps.orgAdmin.createEnterprise(p, ctx.peer, body),
    }),
  );
  api.define(
    {
      method: 'GET',
      path: '/api/enterprises/:id/vehicles',
      tag: 'org',
      summary: 'Plates of an enterprise',
      roles: 'any',
      returns: '{vehicles: [{plate}]}',
    },
    async (ctx, p) => ({
      body: { vehicles: await deps.orgAdmin.vehicles(p, ctx.params.id) },
    }),
  );
  api.define(
    {
      method: 'POST',
      path: '/api/enterprises/:id/vehicles',
      tag: 'org',
      summary: 'Bind a plate to an enterprise, so its alarms reach the enterprise',
      roles: ['admin'],
      body: Body({
        plate: Type.String({ description: 'plate, e.g. 豫A12345', minLength: 2, maxLength: 16 }),
      }),
      returns: '{status: "added"}',
    },
    async (ctx, p, body) => {
      await deps.orgAdmin.addVehicle(p, ctx.peer, ctx.params.id, body.plate);
      return { status: 201, body: { status: 'added' } };
    },
  );

  api.define(
    {
      method: 'GET',
      path: '/api/config/:key',
      tag: 'configuration',
      summary: `Configuration in force and its history (${CONFIG_KEYS.join(', ')})`,
      roles: ['admin', 'leader', 'dispatcher', 'duty_officer', 'analyst'],
      returns: '{key, version, value, history}',
    },
    async (ctx) => {
      const key = configKey(ctx.params.key);
      const current = await deps.config.get(key);
      return { body: { ...current, history: await deps.config.history(key) } };
    },
  );
  api.define(
    {
      method: 'PUT',
      path: '/api/config/:key',
      tag: 'configuration',
      summary: 'Store a new version of a configuration (province admins)',
      roles: ['admin'],
      body: Body({ value: JsonObject('the whole configuration value') }),
      returns: '{key, version, value}',
    },
    async (ctx, p, body) => {
      if (deps.org.parentOf(p.orgCode) !== null)
        throw new HttpError(403, 'out_of_scope', 'configuration is set by the province');
      const key = configKey(ctx.params.key);
      const stored = await deps.sql.transaction(async (tx) => {
        const version = await deps.config.put(tx, key, body.value, p.username);
        await appendAudit(tx, {
          actorId: p.userId,
          actor: p.username,
          action: 'config.update',
          target: key,
          detail: { version: version.version, value: version.value as unknown as Record<string, unknown> },
          peer: ctx.peer,
        });
        return version;
      });
      // Who commands and who sees the 省直管县 changes at once on this node.
      if (key === 'directly_administered') await deps.org.reload();
      return { body: stored };
    },
  );

  api.define(
    {
      method: 'GET',
      path: '/api/audit',
      tag: 'audit',
      summary:
        "The append-only audit log: who did what, when, from where (actors in the admin's subtree; system entries for the province)",
      roles: ['admin'],
      query: AUDIT_QUERY,
      returns: '{entries: [{id, at, actor, actor_display_name, action, target, detail, peer}]}',
    },
    async (_ctx, p, _body, query) => ({ body: { entries: await auditEntries(deps, p, query) } }),
  );
}

function configKey(key: string): ConfigKey {
  if (!(CONFIG_KEYS as readonly string[]).includes(key))
    throw new HttpError(
      404,
      'not_found',
      `unknown configuration ${JSON.stringify(key)} (known: ${CONFIG_KEYS.join(', ')})`,
    );
  return key as ConfigKey;
}

async function auditEntries(
  deps: AccountRouteDeps,
  p: Principal,
  query: Static<typeof AUDIT_QUERY>,
): Promise<Record<string, unknown>[]> {
  const limit = query.limit ?? 100;
  const isProvince = deps.org.parentOf(p.orgCode) === null;
  const rows = await deps.sql.query<{
    id: number;
    at: Date;
    actor: string;
    actor_display_name: string | null;
    action: string;
    target: string;
    detail: unknown;
    peer: string;
  }>(
    `SELECT a.id, a.at, a.actor, u.display_name AS actor_display_name, a.action, a.target, a.detail, a.peer
       FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
      WHERE (u.org_code = ANY($1) OR (a.actor_id IS NULL AND $2))
        AND ($3::bigint IS NULL OR a.id < $3) AND ($4::text IS NULL OR a.action = $4)
        AND ($5::text IS NULL OR a.actor = $5)
        AND ($6::timestamptz IS NULL OR a.at >= $6) AND ($7::timestamptz IS NULL OR a.at < $7)
      ORDER BY a.id DESC LIMIT $8`,
    [
      deps.org.subtree(p.orgCode),
      isProvince,
      query.before_id ?? null,
      query.action ?? null,
      query.actor ?? null,
      query.since === undefined ? null : new Date(query.since),
      query.until === undefined ? null : new Date(query.until),
      limit,
    ],
  );
  return rows.map((r) => ({
    ...r,
    id: Number(r.id),
    at: new Date(r.at).getTime(),
    // System entries and failed logins of unknown names have no account to name.
    actor_display_name: r.actor_display_name === null || r.actor_display_name === '' ? null : r.actor_display_name,
  }));
}
