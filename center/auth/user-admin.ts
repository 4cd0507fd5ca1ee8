/**
 * Accounts allocated from above (G1): an admin creates accounts in the units below their own — and, for roles
 * other than admin, in their own unit — never sideways or upwards. Sessions can be listed and revoked; every
 * change is audited in the same transaction.
 */
import type { Sql } from '../../store/index.js';
import type { OrgDirectory } from '../org/org-directory.js';
import { HttpError } from '../http/router.js';
import type { Accounts, Principal, Role } from './accounts.js';
import { appendAudit } from './audit.js';
import { hashPassword } from './passwords.js';

export const ROLES: readonly Role[] = [
  'admin',
  'leader',
  'dispatcher',
  'duty_officer',
  'analyst',
  'enterprise',
  'wall',
];

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  org_code: string;
  display_name?: string;
  enterprise_id?: string;
}

export interface UserView {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  org_code: string;
  enterprise_id: string | null;
  disabled: boolean;
  created_by: number | null;
  created_at: number;
}

/** An account as an admin's list shows it: names to read instead of codes and ids, and any login lock. */
export interface ListedUser extends UserView {
  /** The name of the account's unit. */
  org_name: string;
  /** Who created the account (display name, else user name); null for accounts made at start-up. */
  created_by_name: string | null;
  /** When the account's login back-off ends (epoch ms), while it lasts; null when it may log in now. */
  locked_until: number | null;
}

/** A row as PostgreSQL returns it: the same fields as the view, with the creation time as a Date. */
type UserRow = Omit<UserView, 'created_at'> & { created_at: Date };

/**
 * Revokes every live session of an account inside the caller's transaction (disabling it, revoking all its sessions,
 * resetting its password); returns how many. The caller announces it (`announceRevocation({ userId })`) once the
 * transaction committed, so no WebSocket is closed for a change that rolled back.
 */
async function revokeAllSessions(tx: Pick<Sql, 'query'>, userId: number): Promise<number> {
  const rows = await tx.query(
    'UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING id',
    [userId],
  );
  return rows.length;
}

function view(row: UserRow): UserView {
  return {
    ...row,
    id: Number(row.id),
    created_by: row.created_by === null ? null : Number(row.created_by),
    created_at: new Date(row.created_at).getTime(),
  };
}

export class UserAdmin {
  constructor(
    private readonly sql: Sql,
    private readonly org: OrgDirectory,
    private readonly accounts: Accounts,
  ) {}

  private requireAdmin(admin: Principal): void {
    if (admin.role !== 'admin') throw new HttpError(403, 'forbidden', `role ${admin.role} may not manage accounts`);
  }

  /** Whether an admin may manage an account at `orgCode` with `role`. */
  private mayManage(admin: Principal, orgCode: string, role: Role): boolean {
    if (role === 'admin') return this.org.isBelow(admin.orgCode, orgCode);
    return this.org.covers(admin.orgCode, orgCode);
  }

  async create(admin: Principal, peer: string, input: NewUser): Promise<UserView> {
    this.requireAdmin(admin);
    if (!this.org.get(input.org_code))
      throw new HttpError(400, 'unknown_org_unit', `org unit ${input.org_code} does not exist`);
    if (!this.mayManage(admin, input.org_code, input.role)) {
      throw new HttpError(
        403,
        'out_of_scope',
        `an admin of ${admin.orgCode} may not create ${input.role} accounts at ${input.org_code}: accounts are allocated from above`,
      );
    }
    if (input.role === 'enterprise' && !input.enterprise_id)
      throw new HttpError(400, 'enterprise_required', 'an enterprise account needs enterprise_id');
    if (input.role !== 'enterprise' && input.enterprise_id)
      throw new HttpError(400, 'bad_field', 'enterprise_id: only enterprise accounts are bound to an enterprise', {
        field: 'enterprise_id',
      });
    this.accounts.passwordPolicy.check(input.password, input.username, [input.display_name ?? '']);
    const hash = await hashPassword(input.password);
    const row = await this.sql.transaction(async (tx) => {
      if (input.enterprise_id) {
        const enterprise = (
          await tx.query<{ org_code: string }>('SELECT org_code FROM enterprises WHERE id = $1', [input.enterprise_id])
        )[0];
        if (!enterprise)
          throw new HttpError(400, 'unknown_enterprise', `enterprise ${input.enterprise_id} does not exist`);
        if (!this.org.covers(admin.orgCode, enterprise.org_code))
          throw new HttpError(403, 'out_of_scope', `enterprise ${input.enterprise_id} is outside ${admin.orgCode}`);
      }
      const taken = await tx.query('SELECT 1 FROM users WHERE username = $1', [input.username]);
      if (taken.length > 0) throw new HttpError(409, 'username_taken', `username ${input.username} is taken`);
      const rows = await tx.query<UserRow>(
        `INSERT INTO users (username, display_name, password_hash, role, org_code, enterprise_id, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING id, username, display_name, role, org_code, enterprise_id, disabled, created_by, created_at`,
        [
          input.username,
          input.display_name ?? '',
          hash,
          input.role,
          input.org_code,
          input.enterprise_id ?? null,
          admin.userId,
        ],
      );
      await appendAudit(tx, {
        actorId: admin.userId,
        actor: admin.username,
        action: 'user.create',
        target: input.username,
        detail: { role: input.role, org_code: input.org_code, enterprise_id: input.enterprise_id ?? null },
        peer,
      });
      return rows[0];
    });
    return view(row);
  }

  async list(admin: Principal): Promise<ListedUser[]> {
    this.requireAdmin(admin);
    // The lock is the throttle's back-off on the account name (login-throttle.ts), which an unlock clears.
    const rows = await this.sql.query<UserRow & { created_by_name: string | null; locked_until: Date | null }>(
      `SELECT u.id, u.username, u.display_name, u.role, u.org_code, u.enterprise_id, u.disabled, u.created_by,
              u.created_at, COALESCE(NULLIF(c.display_name, ''), c.username) AS created_by_name,
              (SELECT max(t.blocked_until) FROM login_throttle t
                WHERE t.realm = 'user' AND t.account = u.username AND t.scope IN ('account', 'account_address')
                  AND t.blocked_until > now()) AS locked_until
         FROM users u LEFT JOIN users c ON c.id = u.created_by
        WHERE u.org_code = ANY($1) ORDER BY u.id LIMIT 5000`,
      [this.org.subtree(admin.orgCode)],
    );
    return rows.map(({ created_by_name, locked_until, ...row }) => ({
      ...view(row),
      org_name: this.org.get(row.org_code)?.name ?? row.org_code,
      created_by_name,
      locked_until: locked_until === null ? null : new Date(locked_until).getTime(),
    }));
  }

  private async managedUser(tx: Pick<Sql, 'query'>, admin: Principal, userId: number): Promise<UserRow> {
    const row = Number.isSafeInteger(userId)
      ? (
          await tx.query<UserRow>(
            'SELECT id, username, display_name, role, org_code, enterprise_id, disabled, created_by, created_at FROM users WHERE id = $1',
            [userId],
          )
        )[0]
      : undefined;
    if (!row || !this.org.covers(admin.orgCode, row.org_code))
      throw new HttpError(404, 'not_found', `user ${userId} not found`);
    if (Number(row.id) !== admin.userId && !this.mayManage(admin, row.org_code, row.role))
      throw new HttpError(403, 'out_of_scope', `an admin of ${admin.orgCode} may not manage ${row.username}`);
    return row;
  }

  async setDisabled(admin: Principal, peer: string, userId: number, disabled: boolean): Promise<UserView> {
    this.requireAdmin(admin);
    // Disabling oneself locks out the account that could undo it (for the built-in admin, the whole province).
    if (disabled && userId === admin.userId)
      throw new HttpError(409, 'own_account', 'an admin may not disable their own account; another admin does it');
    const row = await this.sql.transaction(async (tx) => {
      const user = await this.managedUser(tx, admin, userId);
      const rows = await tx.query<UserRow>(
        'UPDATE users SET disabled = $2 WHERE id = $1 RETURNING id, username, display_name, role, org_code, enterprise_id, disabled, created_by, created_at',
        [userId, disabled],
      );
      if (disabled) await revokeAllSessions(tx, userId);
      await appendAudit(tx, {
        actorId: admin.userId,
        actor: admin.username,
        action: disabled ? 'user.disable' : 'user.enable',
        target: user.username,
        peer,
      });
      return rows[0];
    });
    if (disabled) this.accounts.announceRevocation({ userId });
    return view(row);
  }

  async revokeSessions(admin: Principal, peer: string, userId: number): Promise<number> {
    this.requireAdmin(admin);
    const revoked = await this.sql.transaction(async (tx) => {
      const user = await this.managedUser(tx, admin, userId);
      const revokedCount = await revokeAllSessions(tx, userId);
      await appendAudit(tx, {
        actorId: admin.userId,
        actor: admin.username,
        action: 'session.revoke_all',
        target: user.username,
        detail: { sessions: revokedCount },
        peer,
      });
      return revokedCount;
    });
    this.accounts.announceRevocation({ userId });
    return revoked;
  }

  /**
   * Sets a new password for a managed account (a reset by its admin): it must pass the policy, and every session
   * of the account is revoked, so whoever held the old password is logged out. One's own password is changed
   * with the current one instead (`POST /api/me/password`).
   */
  async resetPassword(admin: Principal, peer: string, userId: number, password: string): Promise<{ revoked: number }> {
    this.requireAdmin(admin);
    if (userId === admin.userId)
      throw new HttpError(403, 'use_password_change', 'change your own password with POST /api/me/password');
    const revoked = await this.sql.transaction(async (tx) => {
      const user = await this.managedUser(tx, admin, userId);
      this.accounts.passwordPolicy.check(password, user.username, [user.display_name]);
      await tx.query('UPDATE users SET password_hash = $2 WHERE id = $1', [userId, await hashPassword(password)]);
      const revokedCount = await revokeAllSessions(tx, userId);
      await appendAudit(tx, {
        actorId: admin.userId,
        actor: admin.username,
        action: 'auth.password_reset',
        target: user.username,
        detail: { sessions_revoked: revokedCount },
        peer,
      });
      return revokedCount;
    });
    this.accounts.announceRevocation({ userId });
    return { revoked };
  }

  /** Lifts the login back-off of a managed account (after an attack, or the owner's own typos). */
  async unlock(admin: Principal, peer: string, userId: number): Promise<{ unlocked: number }> {
    this.requireAdmin(admin);
    const user = await this.managedUser(this.sql, admin, userId);
    const unlocked = await this.accounts.unlockLogin(user.username);
    await appendAudit(this.sql, {
      actorId: admin.userId,
      actor: admin.username,
      action: 'auth.unlock',
      target: user.username,
      detail: { counts_cleared: unlocked },
      peer,
    });
    return { unlocked };
  }

  /** Sessions a principal may see: their own, or (admins) those of accounts they manage. */
  async sessions(principal: Principal): Promise<Record<string, unknown>[]> {
    const scope = principal.role === 'admin' ? 'u.org_code = ANY($1)' : 'u.id = $1';
    const rows = await this.sql.query<{
      id: number;
      user_id: number;
      username: string;
      created_at: Date;
      expires_at: Date;
      peer: string;
    }>(
      `SELECT s.id, s.user_id, u.username, s.created_at, s.expires_at, s.peer FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.revoked_at IS NULL AND s.expires_at > now() AND ${scope} ORDER BY s.id DESC LIMIT 1000`,
      [principal.role === 'admin' ? this.org.subtree(principal.orgCode) : principal.userId],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      user_id: Number(r.user_id),
      username: r.username,
      created_at: new Date(r.created_at).getTime(),
      expires_at: new Date(r.expires_at).getTime(),
      peer: r.peer,
    }));
  }

  /** Revokes one session: one's own, or one of an account the admin manages. */
  async revokeSession(principal: Principal, peer: string, sessionId: number): Promise<void> {
    // Every wall of a centre shows the same kiosk token: a wall revoking it would blank them all.
    if (principal.role === 'wall')
      throw new HttpError(403, 'forbidden', 'a wall (kiosk) token cannot revoke sessions; an admin does');
    await this.sql.transaction(async (tx) => {
      const session = Number.isSafeInteger(sessionId)
        ? (
            await tx.query<{ user_id: number; username: string; org_code: string; role: Role }>(
              'SELECT s.user_id, u.username, u.org_code, u.role FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1',
              [sessionId],
            )
          )[0]
        : undefined;
      const own = session !== undefined && Number(session.user_id) === principal.userId;
      const managed =
        session !== undefined &&
        principal.role === 'admin' &&
        this.org.covers(principal.orgCode, session.org_code) &&
        this.mayManage(principal, session.org_code, session.role);
      if (!session || (!own && !managed)) throw new HttpError(404, 'not_found', `session ${sessionId} not found`);
      await tx.query('UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [sessionId]);
      await appendAudit(tx, {
        actorId: principal.userId,
        actor: principal.username,
        action: 'session.revoke',
        target: session.username,
        detail: { session_id: sessionId },
        peer,
      });
    });
    this.accounts.announceRevocation({ sessionIds: [sessionId] });
  }
}
