/**
 * Accounts and sessions: the first province admin, login, bearer tokens that expire and can be revoked.
 * Tokens are random and only their SHA-256 is stored, so a copy of the database logs nobody in; every login
 * issues a new token, so a token planted before login (session fixation) is worth nothing.
 *
 * Login answers every failure alike (`invalid_credentials`) and takes as long for an unknown or disabled
 * account as for a wrong password: a dummy hash with the same scrypt parameters is checked instead. Guesses are
 * throttled per account and per address (`login-throttle.ts`), state in PostgreSQL; every lockout is audited.
 * Revocations are announced to listeners (the feed hub closes the revoked sessions' WebSockets).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from '../../store/index.js';
import { HttpError } from '../http/router.js';
import { appendAudit } from './audit.js';
import {
  LOGIN_THROTTLE_DEFAULTS,
  LoginThrottle,
  type LoginThrottleOptions,
  type ThrottleVerdict,
} from './login-throttle.js';
import { PASSWORD_POLICY_DEFAULTS, PasswordPolicy, type PasswordPolicyOptions } from './password-policy.js';
import { generatePassword, hashPassword, isPasswordHash, NO_PASSWORD, verifyPassword } from './passwords.js';

export type Role = 'admin' | 'leader' | 'dispatcher' | 'duty_officer' | 'analyst' | 'enterprise' | 'wall';

export interface Principal {
  userId: number;
  username: string;
  /** The name the console shows for the user (users.display_name, else the username); absent for principals made in code. */
  displayName?: string;
  role: Role;
  orgCode: string;
  enterpriseId: string | null;
  /** The session the caller authenticated with (absent for principals made in code, e.g. at start-up). */
  sessionId?: number;
  /** When that session expires, epoch ms. */
  expiresAt?: number;
}

export interface AccountsOptions {
  sessionHours: number;
  /** Kiosk tokens of the wall live longer: nobody is there to log in again. */
  wallSessionDays: number;
  throttle: LoginThrottleOptions;
  passwords: PasswordPolicyOptions;
  now?: () => number;
}

export const ACCOUNTS_DEFAULTS: AccountsOptions = {
  sessionHours: 12,
  wallSessionDays: 365,
  throttle: LOGIN_THROTTLE_DEFAULTS,
  passwords: PASSWORD_POLICY_DEFAULTS,
};

/** Sessions that stopped being valid: some by id, or every session of a user. */
export interface SessionRevocation {
  sessionIds?: readonly number[];
  userId?: number;
}

/** Listeners of revocations at most: the hub and a test or two; more is a leak. */
const REVOCATION_LISTENERS_MAX = 16;

/** The usernames that log in at all: the same bound as account creation, so a longer one is simply unknown. */
const USERNAME_CHARS_MAX = 64;

export const INVALID_CREDENTIALS = 'invalid_credentials';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class Accounts {
  readonly passwordPolicy: PasswordPolicy;
  private readonly throttle: LoginThrottle;
  private readonly now: () => number;
  private readonly revocationListeners = new Set<(revocation: SessionRevocation) => void>();
  /** A hash of a random password with the current parameters, checked when there is no real hash to check. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly sql: Sql,
    private readonly options: AccountsOptions = ACCOUNTS_DEFAULTS,
  ) {
    this.now = options.now ?? Date.now;
    this.passwordPolicy = new PasswordPolicy(options.passwords);
    this.throttle = new LoginThrottle(sql, 'user', options.throttle, this.now);
  }

  /**
   * Creates the province admin `admin` on first start. Returns the password when it was generated, so the
   * caller can print it once; returns null when the admin already existed or the password was given. A given
   * password must pass the password policy (checked by the caller at start-up, and here again).
   */
  async ensureAdmin(provinceCode: string, configuredPassword: string | undefined): Promise<string | null> {
    if (configuredPassword !== undefined) this.passwordPolicy.check(configuredPassword, 'admin');
    const existing = await this.sql.query('SELECT id FROM users WHERE username = $1', ['admin']);
    if (existing.length > 0) return null;
    const password = configuredPassword ?? this.generatePassword('admin');
    const hash = await hashPassword(password);
    // Processes of several roles may start at once against one PostgreSQL server: the first creates the admin,
    // the others find it there and create nothing (no second audit entry, no password printed twice).
    const created = await this.sql.transaction(async (tx) => {
      const inserted = await tx.query(
        `INSERT INTO users (username, display_name, password_hash, role, org_code) VALUES ('admin', '省级管理员', $1, 'admin', $2) ON CONFLICT (username) DO NOTHING RETURNING id`,
        [hash, provinceCode],
      );
      if (inserted.length === 0) return false;
      await appendAudit(tx, {
        actorId: null,
        actor: 'system',
        action: 'user.create',
        target: 'admin',
        detail: { role: 'admin', org_code: provinceCode },
      });
      return true;
    });
    return created && configuredPassword === undefined ? password : null;
  }

  /** A random password that passes the policy for this account (about 107 bits; the loop almost never turns). */
  generatePassword(username: string): string {
    for (;;) {
      const password = generatePassword();
      if (this.passwordPolicy.problem(password, username) === null) return password;
    }
  }

  async login(
    username: string,
    password: string,
    peer: string,
  ): Promise<{ token: string; expiresAt: number; principal: Principal }> {
    const principal = await this.checkPassword(username, password, peer);
    const { token, expiresAt, sessionId } = await this.issueToken(principal, peer);
    await appendAudit(this.sql, { actorId: principal.userId, actor: principal.username, action: 'auth.login', peer });
    return { token, expiresAt, principal: { ...principal, sessionId, expiresAt } };
  }

  /**
   * The account a username and password name, without a session: for clients that send the password with every
   * request (the ClickHouse-compatible SQL endpoint). The same throttle, lockouts and audit of failures as a
   * login. Throws 401 `invalid_credentials` or 429 `login_throttled`.
   */
  async checkPassword(username: string, password: string, peer: string): Promise<Principal> {
    // Names longer than any account's are throttled under a bounded key all the same.
    const account = username.slice(0, USERNAME_CHARS_MAX + 1);
    const verdict = await this.throttle.check(account, peer);
    if (verdict.waitMs > 0) throw this.throttled(verdict);
    const rows = await this.sql.query<{
      id: number;
      password_hash: string;
      display_name: string;
      role: Role;
      org_code: string;
      enterprise_id: string | null;
      disabled: boolean;
    }>(
      'SELECT id, password_hash, display_name, role, org_code, enterprise_id, disabled FROM users WHERE username = $1',
      [account],
    );
    const user = rows[0];
    // The same scrypt work whether the account exists or not, or has no password (a kiosk), so the time taken tells
    // nothing.
    const opens = user !== undefined && isPasswordHash(user.password_hash);
    const passwordOk = (await verifyPassword(password, opens ? user.password_hash : await this.dummy())) && opens;
    if (!user || user.disabled || !passwordOk) {
      const lockouts = await this.throttle.failed(verdict);
      await appendAudit(this.sql, { actorId: null, actor: account, action: 'auth.login_failed', peer });
      for (const lockout of lockouts)
        await appendAudit(this.sql, {
          actorId: null,
          actor: 'system',
          action: 'auth.lockout',
          target: lockout.scope === 'address' ? `address:${lockout.address}` : `account:${lockout.account}`,
          detail: {
            realm: 'user',
            scope: lockout.scope,
            account: lockout.account,
            address: lockout.address,
            failures: lockout.failures,
            blocked_until: new Date(lockout.blockedUntil).toISOString(),
            retry_after_s: Math.ceil((lockout.blockedUntil - this.now()) / 1000),
          },
          peer,
        });
      throw new HttpError(401, INVALID_CREDENTIALS, 'unknown user or wrong password / 用户名或密码错误');
    }
    await this.throttle.succeeded(verdict);
    return {
      userId: Number(user.id),
      username: account,
      displayName: user.display_name || account,
      role: user.role,
      orgCode: user.org_code,
      enterpriseId: user.enterprise_id,
    };
  }

  private throttled(verdict: ThrottleVerdict): HttpError {
    const retryAfterS = Math.max(1, Math.ceil(verdict.waitMs / 1000));
    return new HttpError(
      429,
      'login_throttled',
      `too many failed logins; try again in ${retryAfterS} s / 登录失败次数过多，请 ${retryAfterS} 秒后再试`,
      { retry_after_s: retryAfterS },
      { 'retry-after': String(retryAfterS) },
    );
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword(randomBytes(18).toString('base64url'));
    return this.dummyHash;
  }

  /** Issues a session token for a user; used by login and to provision kiosk walls. */
  async issueToken(
    principal: Principal,
    peer: string,
  ): Promise<{ token: string; expiresAt: number; sessionId: number }> {
    const token = randomBytes(32).toString('base64url');
    const lifetimeMs =
      principal.role === 'wall' ? this.options.wallSessionDays * 86_400_000 : this.options.sessionHours * 3_600_000;
    const expiresAt = this.now() + lifetimeMs;
    const rows = await this.sql.query<{ id: number }>(
      'INSERT INTO sessions (token_hash, user_id, expires_at, peer) VALUES ($1, $2, $3, $4) RETURNING id',
      [hashToken(token), principal.userId, new Date(expiresAt), peer],
    );
    return { token, expiresAt, sessionId: Number(rows[0].id) };
  }

  async authenticate(token: string | undefined): Promise<Principal> {
    if (!token) throw new HttpError(401, 'unauthenticated', 'missing bearer token');
    const rows = await this.sql.query<{
      id: number;
      username: string;
      display_name: string;
      role: Role;
      org_code: string;
      enterprise_id: string | null;
      disabled: boolean;
      session_id: number;
      expires_at: Date;
      revoked_at: Date | null;
    }>(
      `SELECT u.id, u.username, u.display_name, u.role, u.org_code, u.enterprise_id, u.disabled, s.id AS session_id, s.expires_at, s.revoked_at
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`,
      [hashToken(token)],
    );
    const row = rows[0];
    if (!row || row.revoked_at !== null || row.disabled || new Date(row.expires_at).getTime() <= this.now()) {
      throw new HttpError(401, 'unauthenticated', 'token is unknown, expired or revoked');
    }
    return {
      userId: Number(row.id),
      username: row.username,
      displayName: row.display_name || row.username,
      role: row.role,
      orgCode: row.org_code,
      enterpriseId: row.enterprise_id,
      sessionId: Number(row.session_id),
      expiresAt: new Date(row.expires_at).getTime(),
    };
  }

  /**
   * Revokes the caller's own token. A kiosk may not: every wall of a centre shows the same token, so one
   * wall logging out would blank them all; an admin revokes wall sessions explicitly.
   */
  async logout(token: string, principal: Principal, peer: string): Promise<void> {
    if (principal.role === 'wall')
      throw new HttpError(
        403,
        'kiosk_logout_refused',
        'a wall (kiosk) token cannot log out: an admin revokes it (DELETE /api/sessions/:id) / 大屏令牌不能自行退出，请由管理员撤销',
      );
    const rows = await this.sql.query<{ id: number }>(
      'UPDATE sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL RETURNING id',
      [hashToken(token)],
    );
    await appendAudit(this.sql, { actorId: principal.userId, actor: principal.username, action: 'auth.logout', peer });
    this.announceRevocation({ sessionIds: rows.map((r) => Number(r.id)) });
  }

  /**
   * Changes the caller's own password after checking the current one (a stolen session alone cannot take the
   * account over). Every other session of the account is revoked.
   */
  async changePassword(
    principal: Principal,
    currentPassword: string,
    newPassword: string,
    peer: string,
  ): Promise<{ revokedSessions: number }> {
    if (principal.role === 'wall')
      throw new HttpError(
        403,
        'forbidden',
        "a wall (kiosk) token is shared by a centre's walls: an admin resets its password",
      );
    const rows = await this.sql.query<{ password_hash: string; display_name: string }>(
      'SELECT password_hash, display_name FROM users WHERE id = $1',
      [principal.userId],
    );
    // Guessing the current password through this door counts like guessing it at login.
    const verdict = await this.throttle.check(principal.username, peer);
    if (verdict.waitMs > 0) throw this.throttled(verdict);
    if (!rows[0] || !(await verifyPassword(currentPassword, rows[0].password_hash))) {
      await this.throttle.failed(verdict);
      throw new HttpError(400, 'wrong_current_password', '当前密码不正确。 The current password is wrong.');
    }
    if (currentPassword.normalize('NFC') === newPassword.normalize('NFC'))
      throw new HttpError(
        400,
        'password_unchanged',
        '新密码不能与当前密码相同。 The new password must differ from the current one.',
      );
    this.passwordPolicy.check(newPassword, principal.username, [rows[0].display_name]);
    const hash = await hashPassword(newPassword);
    const revoked = await this.sql.transaction(async (tx) => {
      await tx.query('UPDATE users SET password_hash = $2 WHERE id = $1', [principal.userId, hash]);
      const others = await tx.query<{ id: number }>(
        'UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL AND id <> $2 RETURNING id',
        [principal.userId, principal.sessionId ?? -1],
      );
      await appendAudit(tx, {
        actorId: principal.userId,
        actor: principal.username,
        action: 'auth.password_change',
        target: principal.username,
        detail: { sessions_revoked: others.length },
        peer,
      });
      return others.map((r) => Number(r.id));
    });
    this.announceRevocation({ sessionIds: revoked });
    return { revokedSessions: revoked.length };
  }

  /** Clears the login back-off of an account (an admin's unlock); returns how many counts were waiting. */
  async unlockLogin(username: string): Promise<number> {
    return this.throttle.unlock(username);
  }

  /** Called after a revocation committed: the hub closes the sessions' WebSockets. */
  onRevoked(listener: (revocation: SessionRevocation) => void): () => void {
    if (this.revocationListeners.size >= REVOCATION_LISTENERS_MAX)
      throw new Error(`more than ${REVOCATION_LISTENERS_MAX} revocation listeners: one is leaking`);
    this.revocationListeners.add(listener);
    return () => this.revocationListeners.delete(listener);
  }

  announceRevocation(revocation: SessionRevocation): void {
    if ((revocation.sessionIds?.length ?? 0) === 0 && revocation.userId === undefined) return;
    for (const listener of this.revocationListeners) listener(revocation);
  }

  /** Creates (once) the province's kiosk account `wall` and returns a fresh token for it. */
  async provisionWallToken(orgCode: string, peer: string): Promise<string> {
    let rows = await this.sql.query<{ id: number }>('SELECT id FROM users WHERE username = $1', [`wall-${orgCode}`]);
    if (rows.length === 0) {
      // A kiosk never types a password: its account has none (no password opens it) and logs in by token only, and
      // a start makes no 32 MiB hash for it. An admin may still give it one (user administration). Two centre nodes
      // of a cluster starting at once both get here: one creates the account, the other finds it.
      const created = await this.sql.query<{ id: number }>(
        `INSERT INTO users (username, display_name, password_hash, role, org_code) VALUES ($1, $2, $3, 'wall', $4)
         ON CONFLICT (username) DO NOTHING RETURNING id`,
        [`wall-${orgCode}`, `大屏 ${orgCode}`, NO_PASSWORD, orgCode],
      );
      if (created.length > 0)
        await appendAudit(this.sql, {
          actorId: null,
          actor: 'system',
          action: 'user.create',
          target: `wall-${orgCode}`,
          detail: { role: 'wall' },
        });
      rows = await this.sql.query<{ id: number }>('SELECT id FROM users WHERE username = $1', [`wall-${orgCode}`]);
    }
    const principal: Principal = {
      userId: Number(rows[0].id),
      username: `wall-${orgCode}`,
      role: 'wall',
      orgCode,
      enterpriseId: null,
    };
    return (await this.issueToken(principal, peer)).token;
  }
}

/**
 * The bearer token of an API request: from the Authorization header only. A token in the URL ends up in logs,
 * browser history and Referer headers, so it is accepted only where a browser cannot set a header: the
 * WebSocket upgrade (`feedToken`). The wall's and console's HTML pages are public files; they read `?token=`
 * in the browser and send it as a header.
 */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

/** The token of a `/ws` upgrade: the Authorization header when a client can set one, else `?token=`. */
export function feedToken(authorization: string | undefined, url: URL): string | undefined {
  return bearerToken(authorization) ?? url.searchParams.get('token') ?? undefined;
}
