/**
 * JT/T 809 lower-platform accounts (access code, user id, password, cipher keys), managed by a province admin
 * and kept in PostgreSQL; the JT/T 809 server asks here at login. Passwords are stored as scrypt hashes.
 *
 * Logins are throttled like users' (`login-throttle.ts`, realm `jt809`): per access code across addresses and
 * per peer address across access codes, with the platform's usual server address exempt from its access code's
 * back-off, so a prober cannot keep a real platform from logging in. An unknown access code or user id costs the
 * same scrypt work as a wrong password.
 *
 * The password travels in the 8-byte PASSWORD field of 0x1001, so 8 bytes is also the most it can hold: Vigil
 * asks for exactly that many printable ASCII characters (94^8 ≈ 6·10^15) and refuses common ones. A shorter
 * password would give up part of the little the standard allows.
 */
import type { Logger } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import {
  checkCipherKeys,
  JT809_PASSWORD_FIELD_BYTES,
  type Jt809LoginOutcome,
  type Jt809PlatformAccount,
  type Jt809PlatformDirectory,
} from '../../ingest/index.js';
import { orgCovers } from '../api/scope.js';
import type { Principal } from '../auth/accounts.js';
import { appendAudit } from '../auth/audit.js';
import { LoginThrottle, type LoginThrottleOptions } from '../auth/login-throttle.js';
import type { PasswordPolicy } from '../auth/password-policy.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { HttpError } from '../http/router.js';
import { requireProvinceAdmin } from './source-keys.js';

export interface PlatformView {
  access_code: number;
  user_id: number;
  name: string;
  org_code: string;
  encrypted: boolean;
  created_at: string;
  disabled_at: string | null;
  last_login_at: string | null;
  last_peer: string;
  /** `logged_in`, `connected` (no successful login yet) or `disconnected`; requests go only to `logged_in`. */
  main_link: string;
  /** Vigil's sub link back to the platform: `logged_in`, `connecting`, `backoff` (waiting to reconnect) or `none`. */
  sub_link: string;
  /** The JT/T 809 edition (2011 or 2019) of the logged-in main link, recognized from its login; null when none. */
  edition: number | null;
}

const UINT32_MAX = 0xffffffff;

/** Bytes a platform password needs: the whole PASSWORD field of 0x1001. */
export const JT809_PASSWORD_BYTES_MIN = JT809_PASSWORD_FIELD_BYTES;
/** zxcvbn score at least: 2 is the most an 8-character password can score, reached by any random one. */
const JT809_PASSWORD_SCORE_MIN = 2;

export interface Jt809PlatformsOptions {
  throttle: LoginThrottleOptions;
  now?: () => number;
}

/**
 * Bounds of platform logins: platforms reconnect by themselves, so a few failures are a misconfiguration or a
 * prober, never a person typing; the usual server of a platform is exempt from its access code's back-off.
 */
export const JT809_PLATFORMS_DEFAULTS: Jt809PlatformsOptions = {
  throttle: {
    accountFailuresFree: 5,
    addressFailuresFree: 20,
    backoffMsInitial: 1_000,
    backoffMsMax: 15 * 60_000,
    failuresForgetMs: 60 * 60_000,
    knownAddressDays: 30,
    knownAddressesPerAccountMax: 10,
    rowsMax: 100_000,
  },
};

/** The problem of a platform password as the admin gave it, or null. */
export function jt809PasswordProblem(password: unknown, policy: PasswordPolicy): string | null {
  if (typeof password !== 'string') return 'password must be a string';
  if (!/^[\x21-\x7e]*$/.test(password))
    return 'password must be printable ASCII without spaces (the 0x1001 field is 8 bytes; platforms differ on other encodings)';
  if (password.length < JT809_PASSWORD_BYTES_MIN || password.length > JT809_PASSWORD_FIELD_BYTES)
    return `password must be exactly ${JT809_PASSWORD_FIELD_BYTES} characters (the whole 8-byte PASSWORD field of 0x1001), got ${password.length}`;
  if (policy.score(password) < JT809_PASSWORD_SCORE_MIN)
    return 'password is too easy to guess (a common password, word, sequence or repetition); use 8 random characters';
  return null;
}

function uint32(value: unknown, field: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > UINT32_MAX)
    throw new HttpError(400, `bad_${field}`, `${field} must be an integer within [0, ${UINT32_MAX}]`);
  return value;
}

/** Roles that may see the lower platforms of their unit (the same staff who may read their 查岗 and 督办). */
const PLATFORM_READERS: ReadonlySet<string> = new Set(['admin', 'leader', 'dispatcher', 'duty_officer', 'analyst']);

export class Jt809Platforms implements Jt809PlatformDirectory {
  /** The live link state, set once the JT/T 809 server exists (it is built after this directory). */
  linkStateOf: (accessCode: number) => string = () => 'unknown';
  subLinkStateOf: (accessCode: number) => string = () => 'unknown';
  editionOf: (accessCode: number) => number | undefined = () => undefined;

  private readonly throttle: LoginThrottle;
  private readonly now: () => number;
  /** A hash checked when there is no real one, so an unknown access code or user id takes as long as a wrong password. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly sql: Sql,
    private readonly logger: Logger,
    private readonly policy: PasswordPolicy,
    options: Jt809PlatformsOptions = JT809_PLATFORMS_DEFAULTS,
  ) {
    this.now = options.now ?? Date.now;
    this.throttle = new LoginThrottle(sql, 'jt809', options.throttle, this.now);
  }

  async create(actor: Principal, input: Record<string, unknown>, peer: string): Promise<PlatformView> {
    requireProvinceAdmin(actor);
    const accessCode = uint32(input.access_code, 'access_code');
    const userId = uint32(input.user_id, 'user_id');
    const keys = { m1: uint32(input.m1, 'm1', 0), ia1: uint32(input.ia1, 'ia1', 0), ic1: uint32(input.ic1, 'ic1', 0) };
    const encrypted = keys.m1 !== 0 || keys.ia1 !== 0 || keys.ic1 !== 0;
    const keyProblem = encrypted ? checkCipherKeys(keys) : null;
    if (keyProblem) throw new HttpError(400, 'bad_cipher_keys', keyProblem);
    const passwordProblem = jt809PasswordProblem(input.password, this.policy);
    if (passwordProblem) throw new HttpError(400, 'bad_password', passwordProblem);
    if (typeof input.name !== 'string' || input.name.trim() === '')
      throw new HttpError(400, 'bad_name', 'name is a required non-empty string');
    if (typeof input.org_code !== 'string' || !/^\d{6}$/.test(input.org_code))
      throw new HttpError(400, 'bad_org_code', 'org_code must be a 6-digit org unit code');
    const orgCode = input.org_code;
    const name = input.name.trim();
    const units = await this.sql.query('SELECT code FROM org_units WHERE code = $1', [orgCode]);
    if (units.length === 0) throw new HttpError(400, 'unknown_org_code', `org unit ${orgCode} does not exist`);
    const passwordHash = await hashPassword(input.password as string);
    await this.sql.transaction(async (tx) => {
      const existing = await tx.query<{ disabled_at: unknown }>(
        'SELECT disabled_at FROM jt809_platforms WHERE access_code = $1',
        [accessCode],
      );
      if (existing.length > 0 && existing[0].disabled_at === null)
        throw new HttpError(
          409,
          'access_code_taken',
          `access code ${accessCode} already belongs to an enabled platform`,
        );
      await tx.query(
        `INSERT INTO jt809_platforms (access_code, user_id, password_hash, name, org_code, m1, ia1, ic1, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (access_code) DO UPDATE SET user_id = EXCLUDED.user_id, password_hash = EXCLUDED.password_hash, name = EXCLUDED.name,
           org_code = EXCLUDED.org_code, m1 = EXCLUDED.m1, ia1 = EXCLUDED.ia1, ic1 = EXCLUDED.ic1, created_by = EXCLUDED.created_by,
           created_at = now(), disabled_at = NULL`,
        [accessCode, userId, passwordHash, name, orgCode, keys.m1, keys.ia1, keys.ic1, actor.userId],
      );
      await appendAudit(tx, {
        actorId: actor.userId,
        actor: actor.username,
        action: 'jt809_platform.create',
        target: `jt809_platform:${accessCode}`,
        detail: { user_id: userId, name, org_code: orgCode, encrypted },
        peer,
      });
    });
    const [view] = (await this.list(actor)).filter((p) => p.access_code === accessCode);
    return view;
  }

  /**
   * The province admin sees every platform, disabled ones too (they manage them). The staff of a centre see the
   * enabled platforms their unit supervises (its own and those of units below), whose 查岗 and 督办 they send
   * and read; nobody else sees any.
   */
  async list(actor: Principal): Promise<PlatformView[]> {
    const provinceAdmin = actor.role === 'admin' && actor.orgCode.endsWith('0000');
    if (!provinceAdmin && !PLATFORM_READERS.has(actor.role))
      throw new HttpError(403, 'forbidden', `role ${actor.role} may not see lower platforms`);
    const rows = await this.sql.query<Record<string, unknown>>(
      'SELECT access_code, user_id, name, org_code, m1, ia1, ic1, created_at, disabled_at, last_login_at, last_peer FROM jt809_platforms ORDER BY access_code',
    );
    const visible = provinceAdmin
      ? rows
      : rows.filter((r) => r.disabled_at === null && orgCovers(actor.orgCode, String(r.org_code)));
    return visible.map((r) => ({
      access_code: Number(r.access_code),
      user_id: Number(r.user_id),
      name: String(r.name),
      org_code: String(r.org_code),
      encrypted: Number(r.m1) !== 0 || Number(r.ia1) !== 0 || Number(r.ic1) !== 0,
      created_at: isoOf(r.created_at) ?? '',
      disabled_at: isoOf(r.disabled_at),
      last_login_at: isoOf(r.last_login_at),
      last_peer: String(r.last_peer),
      main_link: this.linkStateOf(Number(r.access_code)),
      sub_link: this.subLinkStateOf(Number(r.access_code)),
      edition: this.editionOf(Number(r.access_code)) ?? null,
    }));
  }

  async disable(actor: Principal, accessCode: number, peer: string): Promise<void> {
    requireProvinceAdmin(actor);
    const done = await this.sql.transaction(async (tx) => {
      const rows = await tx.query(
        'UPDATE jt809_platforms SET disabled_at = now() WHERE access_code = $1 AND disabled_at IS NULL RETURNING access_code',
        [accessCode],
      );
      if (rows.length === 0) return false;
      await appendAudit(tx, {
        actorId: actor.userId,
        actor: actor.username,
        action: 'jt809_platform.disable',
        target: `jt809_platform:${accessCode}`,
        peer,
      });
      return true;
    });
    if (!done) throw new HttpError(404, 'not_found', `no enabled platform with access code ${accessCode}`);
  }

  async lookup(accessCode: number): Promise<Jt809PlatformAccount | null> {
    const rows = await this.sql.query<Record<string, unknown>>(
      'SELECT access_code, user_id, name, org_code, m1, ia1, ic1 FROM jt809_platforms WHERE access_code = $1 AND disabled_at IS NULL',
      [accessCode],
    );
    const r = rows[0];
    if (!r) return null;
    const keys = { m1: Number(r.m1), ia1: Number(r.ia1), ic1: Number(r.ic1) };
    const encrypted = keys.m1 !== 0 || keys.ia1 !== 0 || keys.ic1 !== 0;
    return {
      accessCode: Number(r.access_code),
      userId: Number(r.user_id),
      name: String(r.name),
      orgCode: String(r.org_code),
      cipher: encrypted ? keys : null,
    };
  }

  async login(accessCode: number, userId: number, password: string, peer: string): Promise<Jt809LoginOutcome> {
    const verdict = await this.throttle.check(String(accessCode), peer);
    if (verdict.waitMs > 0) return { ok: false, refusal: 'throttled', retryAfterMs: verdict.waitMs };
    const rows = await this.sql.query<{ user_id: unknown; password_hash: string }>(
      'SELECT user_id, password_hash FROM jt809_platforms WHERE access_code = $1 AND disabled_at IS NULL',
      [accessCode],
    );
    const row = rows[0];
    this.dummyHash ??= hashPassword('dummy platform password');
    const passwordOk = await verifyPassword(password, row?.password_hash ?? (await this.dummyHash));
    const refusal = !row
      ? 'unknown_access_code'
      : Number(row.user_id) !== userId
        ? 'wrong_user_id'
        : passwordOk
          ? null
          : 'wrong_password';
    if (refusal !== null) {
      for (const lockout of await this.throttle.failed(verdict))
        await appendAudit(this.sql, {
          actorId: null,
          actor: 'system',
          action: 'auth.lockout',
          target: lockout.scope === 'address' ? `address:${lockout.address}` : `jt809_platform:${lockout.account}`,
          detail: {
            realm: 'jt809',
            scope: lockout.scope,
            access_code: lockout.account,
            address: lockout.address,
            failures: lockout.failures,
            blocked_until: new Date(lockout.blockedUntil).toISOString(),
          },
          peer,
        });
      return { ok: false, refusal };
    }
    await this.throttle.succeeded(verdict);
    const account = await this.lookup(accessCode);
    return account ? { ok: true, account } : { ok: false, refusal: 'unknown_access_code' };
  }

  recordLogin(accessCode: number, peer: string): void {
    this.sql
      .query('UPDATE jt809_platforms SET last_login_at = now(), last_peer = $2 WHERE access_code = $1', [
        accessCode,
        peer.replace(/:\d+$/, ''),
      ])
      .catch((error: unknown) => {
        this.logger.warn('could not record a jt809 login', { access_code: accessCode, error: String(error) });
      });
  }
}

function isoOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}
