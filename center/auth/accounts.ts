/**
 * Accounts and sessions: the first province admin, login with throttling, bearer tokens that expire and can
 * be revoked. Tokens are random and only their SHA-256 is stored, so a copy of the database logs nobody in.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from '../../store/index.js';
import { HttpError } from '../http/router.js';
import { appendAudit } from './audit.js';
import { generatePassword, hashPassword, verifyPassword } from './passwords.js';

export type Role = 'admin' | 'leader' | 'dispatcher' | 'duty_officer' | 'analyst' | 'enterprise' | 'wall';

export interface Principal {
  userId: number;
  username: string;
  role: Role;
  orgCode: string;
  enterpriseId: string | null;
}

export interface AccountsOptions {
  sessionHours: number;
  /** Kiosk tokens of the wall live longer: nobody is there to log in again. */
  wallSessionDays: number;
  loginFailuresMax: number;
  loginLockMinutes: number;
  now?: () => number;
}

export const ACCOUNTS_DEFAULTS: AccountsOptions = {
  sessionHours: 12,
  wallSessionDays: 365,
  loginFailuresMax: 5,
  loginLockMinutes: 15,
};

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class Accounts {
  private readonly failures = new Map<string, { count: number; lockedUntil: number }>();
  private readonly now: () => number;

  constructor(
    private readonly sql: Sql,
    private readonly options: AccountsOptions = ACCOUNTS_DEFAULTS,
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Creates the province admin `admin` on first start. Returns the password when it was generated, so the
   * caller can print it once; returns null when the admin already existed or the password was given.
   */
  async ensureAdmin(provinceCode: string, configuredPassword: string | undefined): Promise<string | null> {
    const existing = await this.sql.query('SELECT id FROM users WHERE username = $1', ['admin']);
    if (existing.length > 0) return null;
    const password = configuredPassword ?? generatePassword();
    const hash = await hashPassword(password);
    await this.sql.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO users (username, display_name, password_hash, role, org_code) VALUES ('admin', 'Province administrator', $1, 'admin', $2)`,
        [hash, provinceCode],
      );
      await appendAudit(tx, {
        actorId: null,
        actor: 'system',
        action: 'user.create',
        target: 'admin',
        detail: { role: 'admin', org_code: provinceCode },
      });
    });
    return configuredPassword === undefined ? password : null;
  }

  async login(
    username: string,
    password: string,
    peer: string,
  ): Promise<{ token: string; expiresAt: number; principal: Principal }> {
    const throttleKey = `${username}\u0000${peer.replace(/:\d+$/, '')}`;
    const failure = this.failures.get(throttleKey);
    if (failure && failure.lockedUntil > this.now()) {
      throw new HttpError(
        429,
        'login_throttled',
        `too many failed logins; try again after ${new Date(failure.lockedUntil).toISOString()}`,
        { retry_at: failure.lockedUntil },
      );
    }
    const rows = await this.sql.query<{
      id: number;
      password_hash: string;
      role: Role;
      org_code: string;
      enterprise_id: string | null;
      disabled: boolean;
    }>('SELECT id, password_hash, role, org_code, enterprise_id, disabled FROM users WHERE username = $1', [username]);
    const user = rows[0];
    const ok = user !== undefined && !user.disabled && (await verifyPassword(password, user.password_hash));
    if (!ok || !user) {
      this.recordFailure(throttleKey);
      await appendAudit(this.sql, { actorId: null, actor: username, action: 'auth.login_failed', peer });
      throw new HttpError(401, 'bad_credentials', 'unknown user or wrong password');
    }
    this.failures.delete(throttleKey);
    const principal: Principal = {
      userId: Number(user.id),
      username,
      role: user.role,
      orgCode: user.org_code,
      enterpriseId: user.enterprise_id,
    };
    const { token, expiresAt } = await this.issueToken(principal, peer);
    await appendAudit(this.sql, { actorId: principal.userId, actor: username, action: 'auth.login', peer });
    return { token, expiresAt, principal };
  }

  /** Issues a session token for a user; used by login and to provision kiosk walls. */
  async issueToken(principal: Principal, peer: string): Promise<{ token: string; expiresAt: number }> {
    const token = randomBytes(32).toString('base64url');
    const lifetimeMs =
      principal.role === 'wall' ? this.options.wallSessionDays * 86_400_000 : this.options.sessionHours * 3_600_000;
    const expiresAt = this.now() + lifetimeMs;
    await this.sql.query('INSERT INTO sessions (token_hash, user_id, expires_at, peer) VALUES ($1, $2, $3, $4)', [
      hashToken(token),
      principal.userId,
      new Date(expiresAt),
      peer,
    ]);
    return { token, expiresAt };
  }

  private recordFailure(key: string): void {
    const entry = this.failures.get(key) ?? { count: 0, lockedUntil: 0 };
    entry.count++;
    if (entry.count >= this.options.loginFailuresMax) {
      entry.lockedUntil = this.now() + this.options.loginLockMinutes * 60_000;
      entry.count = 0;
    }
    this.failures.set(key, entry);
  }

  async authenticate(token: string | undefined): Promise<Principal> {
    if (!token) throw new HttpError(401, 'unauthenticated', 'missing bearer token');
    const rows = await this.sql.query<{
      id: number;
      username: string;
      role: Role;
      org_code: string;
      enterprise_id: string | null;
      disabled: boolean;
      expires_at: Date;
      revoked_at: Date | null;
    }>(
      `SELECT u.id, u.username, u.role, u.org_code, u.enterprise_id, u.disabled, s.expires_at, s.revoked_at
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
      role: row.role,
      orgCode: row.org_code,
      enterpriseId: row.enterprise_id,
    };
  }

  async logout(token: string, principal: Principal, peer: string): Promise<void> {
    await this.sql.query('UPDATE sessions SET revoked_at = now() WHERE token_hash = $1', [hashToken(token)]);
    await appendAudit(this.sql, { actorId: principal.userId, actor: principal.username, action: 'auth.logout', peer });
  }

  /** Creates (once) the province's kiosk account `wall` and returns a fresh token for it. */
  async provisionWallToken(orgCode: string, peer: string): Promise<string> {
    let rows = await this.sql.query<{ id: number }>('SELECT id FROM users WHERE username = $1', [`wall-${orgCode}`]);
    if (rows.length === 0) {
      // A kiosk never types a password: it gets an unguessable one nobody knows and logs in by token only.
      await this.sql.query(
        `INSERT INTO users (username, display_name, password_hash, role, org_code) VALUES ($1, $2, $3, 'wall', $4)`,
        [`wall-${orgCode}`, `Video wall ${orgCode}`, await hashPassword(generatePassword()), orgCode],
      );
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

export function bearerToken(authorization: string | undefined, url: URL): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  // Browsers cannot set headers on a WebSocket, so the feed (and only GETs) may carry the token in the URL.
  return match?.[1] ?? url.searchParams.get('token') ?? undefined;
}
