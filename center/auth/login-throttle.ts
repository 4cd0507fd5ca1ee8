/**
 * Throttling of password guesses (OWASP ASVS 2.2.1), per account across addresses and per address across
 * accounts, kept in PostgreSQL so that neither a restart nor a second node resets an attack's back-off.
 *
 * Each failure counts against the address it came from and against the account name tried (known or not, so
 * throttling tells nobody which names exist). Past a number of free failures every further one doubles the
 * time the key must wait before the next attempt, up to `backoffMsMax`; while waiting, attempts are answered
 * 429 with Retry-After without looking at the password. Counts are forgotten `failuresForgetMs` after the last
 * failure and an account's count is cleared by a successful login or by an admin.
 *
 * An attacker who knows an account name could keep it waiting forever by failing again each time its back-off
 * ends. So the account's back-off does not apply to an address the account logged in from within
 * `knownAddressDays`: there the account and that address are throttled together instead, with the same bounds.
 * The owner at their usual workstation keeps logging in while an attack from elsewhere is slowed down.
 */
import { isIP } from 'node:net';
import type { Sql } from '../../store/index.js';

export interface LoginThrottleOptions {
  /** Failed attempts on one account name (from addresses it has not logged in from) before back-off starts. */
  accountFailuresFree: number;
  /** Failed attempts from one address, whatever the account names, before back-off starts. */
  addressFailuresFree: number;
  /** The first back-off; each further failure doubles it. */
  backoffMsInitial: number;
  /** The longest back-off, and so the longest an attacker can make the owner wait from an unknown address. */
  backoffMsMax: number;
  /** A key's failures are forgotten this long after its last one (at least `backoffMsMax`). */
  failuresForgetMs: number;
  /** How long an address an account logged in from keeps exempting it from the account's back-off. */
  knownAddressDays: number;
  /** Addresses remembered per account at most; the least recently used go first. */
  knownAddressesPerAccountMax: number;
  /** Throttle rows kept at most; beyond it the stalest are dropped (a bound on what an attacker can make us store). */
  rowsMax: number;
}

export const LOGIN_THROTTLE_DEFAULTS: LoginThrottleOptions = {
  accountFailuresFree: 5,
  addressFailuresFree: 20,
  backoffMsInitial: 1_000,
  backoffMsMax: 15 * 60_000,
  failuresForgetMs: 60 * 60_000,
  knownAddressDays: 30,
  knownAddressesPerAccountMax: 20,
  rowsMax: 100_000,
};

export function checkLoginThrottleOptions(options: LoginThrottleOptions, what = 'login throttle'): void {
  const positive = [
    'accountFailuresFree',
    'addressFailuresFree',
    'backoffMsInitial',
    'backoffMsMax',
    'failuresForgetMs',
    'knownAddressesPerAccountMax',
    'rowsMax',
  ] as const;
  for (const name of positive) {
    const value = options[name];
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`${what} option ${name} value ${value} is less than min allowed 1`);
  }
  if (!Number.isInteger(options.knownAddressDays) || options.knownAddressDays < 0)
    throw new Error(`${what} option knownAddressDays value ${options.knownAddressDays} is less than min allowed 0`);
  if (options.backoffMsMax < options.backoffMsInitial)
    throw new Error(
      `${what} option backoffMsMax value ${options.backoffMsMax} is less than min allowed ${options.backoffMsInitial} (backoffMsInitial)`,
    );
  if (options.failuresForgetMs < options.backoffMsMax)
    throw new Error(
      `${what} option failuresForgetMs value ${options.failuresForgetMs} is less than min allowed ${options.backoffMsMax} (backoffMsMax)`,
    );
}

/** Which count a row holds: an account name, an address, or an account from one of its known addresses. */
export type ThrottleScope = 'account' | 'address' | 'account_address';

interface ThrottleKey {
  scope: ThrottleScope;
  account: string;
  address: string;
}

/** What `check` found: the keys this attempt counts against, and how long it must wait (0: go ahead). */
export interface ThrottleVerdict {
  account: string;
  address: string;
  keys: ThrottleKey[];
  waitMs: number;
  /** The scope that made it wait, for metrics and the refusal. */
  blockedBy: ThrottleScope | null;
}

/** A key that went into back-off on this failure: the caller audits it. */
export interface Lockout {
  scope: ThrottleScope;
  account: string;
  address: string;
  failures: number;
  blockedUntil: number;
}

/**
 * The address a peer (`ip:port`) is throttled as: IPv4 addresses as they are (IPv4-mapped IPv6 included), IPv6
 * by their /64 network, since one host usually holds a whole /64.
 */
export function throttleAddressOf(peer: string): string {
  // The HTTP router and the TCP servers name a peer `address:port`.
  const withoutPort = peer.replace(/:\d+$/, '');
  const ip = isIP(withoutPort) !== 0 ? withoutPort : peer;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (isIP(ip) !== 6) return ip;
  const [head, tail] = ip.toLowerCase().split('::');
  const groupsOf = (part: string | undefined): string[] =>
    part === undefined || part === '' ? [] : part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g]));
  const headGroups = groupsOf(head);
  const tailGroups = groupsOf(tail);
  const groups =
    tail === undefined
      ? headGroups
      : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** How often stale rows are swept, at most (on the back of a failure, so an idle node does no work). */
const PRUNE_INTERVAL_MS = 60_000;

export class LoginThrottle {
  private lastPruneAt = 0;

  constructor(
    private readonly sql: Sql,
    /** Separates the counts of different doors (`user` logins, `jt809` platforms) in the one table. */
    private readonly realm: string,
    readonly options: LoginThrottleOptions,
    private readonly now: () => number,
  ) {
    checkLoginThrottleOptions(options, `${realm} login throttle`);
  }

  /** Whether an attempt on `account` from `peer` may go ahead, and which counts it will move. */
  async check(account: string, peer: string): Promise<ThrottleVerdict> {
    const address = throttleAddressOf(peer);
    const known = await this.isKnownAddress(account, address);
    const keys: ThrottleKey[] = [
      { scope: 'address', account: '', address },
      known ? { scope: 'account_address', account, address } : { scope: 'account', account, address: '' },
    ];
    const rows = await this.sql.query<{ scope: ThrottleScope; blocked_until: Date | null }>(
      `SELECT scope, blocked_until FROM login_throttle
        WHERE realm = $1 AND ((scope = $2 AND account = $3 AND address = $4) OR (scope = $5 AND account = $6 AND address = $7))`,
      [this.realm, keys[0].scope, keys[0].account, keys[0].address, keys[1].scope, keys[1].account, keys[1].address],
    );
    const now = this.now();
    let waitMs = 0;
    let blockedBy: ThrottleScope | null = null;
    for (const row of rows) {
      const until = row.blocked_until === null ? 0 : new Date(row.blocked_until).getTime();
      if (until - now > waitMs) {
        waitMs = until - now;
        blockedBy = row.scope;
      }
    }
    return { account, address, keys, waitMs, blockedBy };
  }

  /** Counts a failed attempt; returns the keys that went into back-off with it. */
  async failed(verdict: ThrottleVerdict): Promise<Lockout[]> {
    const now = this.now();
    const lockouts: Lockout[] = [];
    for (const key of verdict.keys) {
      const free = key.scope === 'address' ? this.options.addressFailuresFree : this.options.accountFailuresFree;
      const rows = await this.sql.query<{ failures: number }>(
        `INSERT INTO login_throttle (realm, scope, account, address, failures, last_failure_at) VALUES ($1, $2, $3, $4, 1, $5)
         ON CONFLICT (realm, scope, account, address) DO UPDATE SET
           failures = CASE WHEN login_throttle.last_failure_at < $6 THEN 1 ELSE login_throttle.failures + 1 END,
           last_failure_at = EXCLUDED.last_failure_at
         RETURNING failures`,
        [this.realm, key.scope, key.account, key.address, new Date(now), new Date(now - this.options.failuresForgetMs)],
      );
      const failures = Number(rows[0].failures);
      if (failures <= free) continue;
      const backoffMs = Math.min(
        this.options.backoffMsMax,
        this.options.backoffMsInitial * 2 ** Math.min(failures - free - 1, 40),
      );
      const blockedUntil = now + backoffMs;
      await this.sql.query(
        'UPDATE login_throttle SET blocked_until = $5 WHERE realm = $1 AND scope = $2 AND account = $3 AND address = $4',
        [this.realm, key.scope, key.account, key.address, new Date(blockedUntil)],
      );
      lockouts.push({ scope: key.scope, account: key.account, address: key.address, failures, blockedUntil });
    }
    if (now - this.lastPruneAt >= PRUNE_INTERVAL_MS) {
      this.lastPruneAt = now;
      await this.prune(now);
    }
    return lockouts;
  }

  /**
   * A successful login: the count it was checked against is cleared (the account's, or the account's at this
   * known address, so a login at the usual workstation does not wipe an attack's count from elsewhere) and the
   * address is remembered.
   */
  async succeeded(verdict: ThrottleVerdict): Promise<void> {
    const now = this.now();
    const key = verdict.keys[1];
    await this.sql.query(
      'DELETE FROM login_throttle WHERE realm = $1 AND scope = $2 AND account = $3 AND address = $4',
      [this.realm, key.scope, key.account, key.address],
    );
    if (this.options.knownAddressDays === 0) return;
    await this.sql.query(
      `INSERT INTO login_known_addresses (realm, account, address, last_login_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (realm, account, address) DO UPDATE SET last_login_at = EXCLUDED.last_login_at`,
      [this.realm, verdict.account, verdict.address, new Date(now)],
    );
    await this.sql.query(
      `DELETE FROM login_known_addresses WHERE realm = $1 AND account = $2 AND address NOT IN (
         SELECT address FROM login_known_addresses WHERE realm = $1 AND account = $2 ORDER BY last_login_at DESC LIMIT $3)`,
      [this.realm, verdict.account, this.options.knownAddressesPerAccountMax],
    );
  }

  /** Clears an account's back-off (an admin's unlock); returns how many keys were waiting. */
  async unlock(account: string): Promise<number> {
    const rows = await this.sql.query(
      `DELETE FROM login_throttle WHERE realm = $1 AND account = $2 AND scope IN ('account', 'account_address')
       RETURNING blocked_until`,
      [this.realm, account],
    );
    const now = this.now();
    return rows.filter((r) => {
      const until = (r as { blocked_until: Date | null }).blocked_until;
      return until !== null && new Date(until).getTime() > now;
    }).length;
  }

  private async isKnownAddress(account: string, address: string): Promise<boolean> {
    if (this.options.knownAddressDays === 0) return false;
    const rows = await this.sql.query(
      'SELECT 1 FROM login_known_addresses WHERE realm = $1 AND account = $2 AND address = $3 AND last_login_at > $4',
      [this.realm, account, address, new Date(this.now() - this.options.knownAddressDays * 86_400_000)],
    );
    return rows.length > 0;
  }

  /** Drops counts whose failures are forgotten and whose back-off is over, then the stalest beyond `rowsMax`. */
  private async prune(now: number): Promise<void> {
    await this.sql.query(
      `DELETE FROM login_throttle WHERE realm = $1 AND last_failure_at < $2 AND (blocked_until IS NULL OR blocked_until < $3)`,
      [this.realm, new Date(now - this.options.failuresForgetMs), new Date(now)],
    );
    await this.sql.query(
      `DELETE FROM login_throttle WHERE realm = $1 AND (scope, account, address) IN (
         SELECT scope, account, address FROM login_throttle WHERE realm = $1 ORDER BY last_failure_at DESC OFFSET $2)`,
      [this.realm, this.options.rowsMax],
    );
    await this.sql.query('DELETE FROM login_known_addresses WHERE realm = $1 AND last_login_at < $2', [
      this.realm,
      new Date(now - this.options.knownAddressDays * 86_400_000),
    ]);
  }
}
