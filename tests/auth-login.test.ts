/**
 * Login as OWASP ASVS level 2 asks, on PGlite and on a real PostgreSQL server, over real HTTP where the answer's
 * form matters: every failure is `invalid_credentials` and takes as long whether the account exists or not;
 * guesses back off exponentially per account across addresses and per address across accounts (429 with
 * Retry-After), except for the owner at an address the account logged in from; the back-off survives a restart,
 * every lockout is audited and an admin can lift it. The password policy applies to creation, change and reset,
 * and a weak VIGIL_ADMIN_PASSWORD stops start-up naming the key.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Accounts,
  ACCOUNTS_DEFAULTS,
  LOGIN_THROTTLE_DEFAULTS,
  type AccountsOptions,
  type HttpError,
} from '../center/index.js';
import {
  freshTarget,
  PASSWORD,
  startCenterHarness,
  STORE_KINDS,
  useStoreServer,
  type CenterHarness,
} from './support/center-harness.js';
import { vigilMainArgs } from './support/vigil-process.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What a login attempt came to: the status and reason, never an exception. */
async function attempt(
  accounts: Accounts,
  username: string,
  password: string,
  peer: string,
): Promise<{ status: number; reason: string; retryAfterS?: number; retryAfterHeader?: string }> {
  try {
    await accounts.login(username, password, peer);
    return { status: 200, reason: 'ok' };
  } catch (error) {
    const e = error as HttpError;
    const retryAfterS = (e.extra as { retry_after_s?: number }).retry_after_s;
    return retryAfterS === undefined
      ? { status: e.status, reason: e.reason }
      : { status: e.status, reason: e.reason, retryAfterS, retryAfterHeader: e.headers['retry-after'] };
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

describe.each(STORE_KINDS)('login on %s', (kind) => {
  const server = useStoreServer(kind);
  let h: CenterHarness;
  // Near the database's own time, since some queries compare with now() there.
  const clock = { now: Date.now() };
  /** Accounts on the harness's database with a clock the test moves, as a second node (or a restart) would be. */
  const clocked = (options: Partial<AccountsOptions> = {}): Accounts =>
    new Accounts(h.sql, { ...ACCOUNTS_DEFAULTS, now: () => clock.now, ...options });

  beforeAll(async () => {
    h = await startCenterHarness(await freshTarget(kind, server(), 'login'), {}, { now: () => clock.now });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('refuses an admin disabling their own account, which nobody could then enable again', async () => {
    const me = await h.accounts.authenticate(h.adminToken);
    const refused = await h.call<{ error: string }>(h.adminToken, 'POST', `/api/users/${me.userId}/disable`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('own_account');
    // Still in, sessions and all.
    expect((await h.accounts.authenticate(h.adminToken)).userId).toBe(me.userId);
  });

  it('answers unknown, disabled and wrong-password logins alike, in the same time', async () => {
    await h.user('timing-known', 'duty_officer', '410100');
    const disabled = await h.user('timing-disabled', 'duty_officer', '410100');
    expect((await h.call(h.adminToken, 'POST', `/api/users/${disabled.id}/disable`)).status).toBe(200);
    // Throttling would answer quickly after a few failures; this measures the check itself.
    const accounts = clocked({
      throttle: { ...LOGIN_THROTTLE_DEFAULTS, accountFailuresFree: 1_000, addressFailuresFree: 1_000 },
    });
    const times: Record<string, number[]> = { unknown: [], wrong: [], disabled: [] };
    for (let i = 0; i < 7; i++) {
      for (const [label, username, password] of [
        ['unknown', `nobody-${i}`, PASSWORD],
        ['wrong', 'timing-known', `not the password ${i}`],
        ['disabled', 'timing-disabled', PASSWORD],
      ] as const) {
        const started = performance.now();
        const result = await attempt(accounts, username, password, '10.9.0.1:5000');
        times[label].push(performance.now() - started);
        expect(result, `${label} ${i}`).toEqual({ status: 401, reason: 'invalid_credentials' });
      }
    }
    const medians = Object.values(times).map(median);
    // Before, an unknown user answered in 3-18 ms and a known one in 280-470 ms: a ratio of 20 or more.
    expect(Math.max(...medians) / Math.min(...medians), JSON.stringify(medians)).toBeLessThan(2);
  });

  it('backs an account off across addresses, doubling up to the bound, and lets it in once the wait is over', async () => {
    await h.user('victim-a', 'dispatcher', '410100');
    const accounts = clocked();
    const free = LOGIN_THROTTLE_DEFAULTS.accountFailuresFree;
    for (let i = 1; i <= free + 1; i++)
      expect((await attempt(accounts, 'victim-a', 'guess guess guess', `10.1.0.${i}:4000`)).status).toBe(401);
    // The right password from yet another address must wait too.
    // 429 with Retry-After (the router sends an HttpError's headers with its answer).
    expect(await attempt(accounts, 'victim-a', PASSWORD, '10.1.1.1:4000')).toEqual({
      status: 429,
      reason: 'login_throttled',
      retryAfterS: 1,
      retryAfterHeader: '1',
    });
    const waits: number[] = [];
    for (let i = 0; i < 12; i++) {
      clock.now += (waits.at(-1) ?? 1) * 1_000;
      expect((await attempt(accounts, 'victim-a', 'guess guess guess', `10.1.2.${i}:4000`)).status).toBe(401);
      const refused = await attempt(accounts, 'victim-a', PASSWORD, `10.1.3.${i}:4000`);
      expect(refused.status).toBe(429);
      waits.push(refused.retryAfterS ?? 0);
    }
    expect(waits).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]);
    clock.now += 900_000;
    expect((await attempt(accounts, 'victim-a', PASSWORD, '10.1.4.1:4000')).status).toBe(200);
  });

  it('throttles unknown account names exactly like known ones, so lockout reveals nothing', async () => {
    const accounts = clocked();
    for (let i = 1; i <= LOGIN_THROTTLE_DEFAULTS.accountFailuresFree + 1; i++)
      expect((await attempt(accounts, 'ghost-account', 'guess guess guess', `10.2.0.${i}:4000`)).reason).toBe(
        'invalid_credentials',
      );
    expect((await attempt(accounts, 'ghost-account', 'guess guess guess', '10.2.1.1:4000')).reason).toBe(
      'login_throttled',
    );
  });

  it('backs an address off across account names', async () => {
    await h.user('victim-b', 'dispatcher', '410100');
    const accounts = clocked();
    for (let i = 1; i <= LOGIN_THROTTLE_DEFAULTS.addressFailuresFree + 1; i++)
      expect((await attempt(accounts, `spray-${i}`, 'Summer2026!!', '10.3.0.1:4000')).status).toBe(401);
    expect((await attempt(accounts, 'victim-b', PASSWORD, '10.3.0.1:5555')).status).toBe(429);
    // IPv6 peers are throttled by their /64: another address of the same network waits as well.
    for (let i = 1; i <= LOGIN_THROTTLE_DEFAULTS.addressFailuresFree + 1; i++)
      await attempt(accounts, `spray6-${i}`, 'Summer2026!!', `2001:db8:1:2::${i.toString(16)}:4000`);
    expect((await attempt(accounts, 'victim-b', PASSWORD, '2001:db8:1:2:ffff::9:4000')).status).toBe(429);
    expect((await attempt(accounts, 'victim-b', PASSWORD, '10.3.0.2:4000')).status).toBe(200);
  });

  it("keeps the owner's usual address usable while an attack from elsewhere backs the account off", async () => {
    await h.user('owner-c', 'leader', '410100');
    const accounts = clocked();
    expect((await attempt(accounts, 'owner-c', PASSWORD, '10.4.0.1:4000')).status).toBe(200);
    for (let i = 0; i < 10; i++) {
      clock.now += 1_000_000;
      await attempt(accounts, 'owner-c', 'guess guess guess', `10.4.9.${i}:4000`);
    }
    expect((await attempt(accounts, 'owner-c', PASSWORD, '10.4.0.1:4001')).status).toBe(200);
    expect((await attempt(accounts, 'owner-c', PASSWORD, '10.4.0.3:4000')).status).toBe(429);
    // The owner's address is throttled on its own, with the same bounds, should the guesses come from there.
    for (let i = 0; i <= LOGIN_THROTTLE_DEFAULTS.accountFailuresFree; i++)
      await attempt(accounts, 'owner-c', 'guess guess guess', '10.4.0.1:4002');
    expect((await attempt(accounts, 'owner-c', PASSWORD, '10.4.0.1:4003')).status).toBe(429);
  });

  it('keeps the back-off across a restart, audits every lockout, and lets an admin unlock', async () => {
    const victim = await h.user('victim-d', 'analyst', '410100');
    const accounts = clocked();
    for (let i = 0; i < LOGIN_THROTTLE_DEFAULTS.accountFailuresFree + 3; i++) {
      clock.now += 600_000;
      await attempt(accounts, 'victim-d', 'guess guess guess', `10.5.0.${i}:4000`);
    }
    // A node started afresh on the same database (or a second node) sees the same back-off.
    expect((await attempt(clocked(), 'victim-d', PASSWORD, '10.5.1.1:4000')).status).toBe(429);
    const audited = await h.sql.query<{ detail: { scope: string; account: string; failures: number } }>(
      "SELECT detail FROM audit_log WHERE action = 'auth.lockout' AND detail->>'account' = 'victim-d' ORDER BY id",
    );
    expect(audited.map((r) => r.detail.failures)).toEqual([6, 7, 8]);
    expect(audited[0].detail.scope).toBe('account');
    const unlocked = await h.call(h.adminToken, 'POST', `/api/users/${victim.id}/unlock`);
    expect(unlocked).toMatchObject({ status: 200, body: { status: 'unlocked', counts_cleared: 1 } });
    expect((await attempt(clocked(), 'victim-d', PASSWORD, '10.5.1.2:4000')).status).toBe(200);
    const unlockAudit = await h.sql.query(
      "SELECT 1 FROM audit_log WHERE action = 'auth.unlock' AND target = 'victim-d'",
    );
    expect(unlockAudit).toHaveLength(1);
  });

  it('applies the password policy to account creation, with a sentence in Chinese and English', async () => {
    const weak = await h.call(h.adminToken, 'POST', '/api/users', {
      username: 'weak-one',
      password: 'aaaaaaaaaaaa',
      role: 'analyst',
      org_code: '410100',
    });
    expect(weak.status).toBe(400);
    expect(weak.body).toMatchObject({ error: 'password_too_common', message_zh: expect.stringMatching(/密码/) });
    const named = await h.call(h.adminToken, 'POST', '/api/users', {
      username: 'zhang.wei',
      password: 'Zhang.Wei lantern orchard',
      role: 'analyst',
      org_code: '410100',
    });
    expect(named.body).toMatchObject({ error: 'password_contains_username' });
    const short = await h.call(h.adminToken, 'POST', '/api/users', {
      username: 'short-one',
      password: 'k7#Qp2!xZ',
      role: 'analyst',
      org_code: '410100',
    });
    expect(short.body).toMatchObject({ error: 'password_too_short' });
  });

  it('changes a password with the current one, revoking the other sessions', async () => {
    const user = await h.user('changer', 'duty_officer', '410100');
    const other = (await h.accounts.login('changer', PASSWORD, 'test')).token;
    const wrong = await h.call(user.token, 'POST', '/api/me/password', {
      current_password: 'not it at all',
      new_password: 'orchard tundra pebble violin',
    });
    expect(wrong.body).toMatchObject({ error: 'wrong_current_password' });
    const weak = await h.call(user.token, 'POST', '/api/me/password', {
      current_password: PASSWORD,
      new_password: 'qwertyuiop123',
    });
    expect(weak.body).toMatchObject({ error: 'password_too_common' });
    const changed = await h.call(user.token, 'POST', '/api/me/password', {
      current_password: PASSWORD,
      new_password: 'orchard tundra pebble violin',
    });
    expect(changed).toMatchObject({ status: 200, body: { status: 'password_changed', sessions_revoked: 1 } });
    expect((await h.call(other, 'GET', '/api/sessions')).status).toBe(401);
    expect((await h.call(user.token, 'GET', '/api/sessions')).status).toBe(200);
    expect((await attempt(h.accounts, 'changer', 'orchard tundra pebble violin', 'test')).status).toBe(200);
    expect((await attempt(h.accounts, 'changer', PASSWORD, 'test')).status).toBe(401);
  });

  it("resets a managed account's password by its admin, revoking its sessions", async () => {
    const user = await h.user('resettee', 'duty_officer', '410105');
    const weak = await h.call(h.adminToken, 'POST', `/api/users/${user.id}/password`, { password: 'password1234' });
    expect(weak.body).toMatchObject({ error: 'password_too_common' });
    const reset = await h.call(h.adminToken, 'POST', `/api/users/${user.id}/password`, {
      password: 'maple quartz lantern river',
    });
    expect(reset).toMatchObject({ status: 200, body: { status: 'password_reset', sessions_revoked: 1 } });
    expect((await h.call(user.token, 'GET', '/api/sessions')).status).toBe(401);
    expect((await attempt(h.accounts, 'resettee', 'maple quartz lantern river', 'test')).status).toBe(200);
    // A county admin of another city cannot reset it: outside its scope, as if it did not exist.
    const foreignAdmin = await h.user('ly-admin', 'admin', '410300');
    const foreign = await h.call(foreignAdmin.token, 'POST', `/api/users/${user.id}/password`, {
      password: 'maple quartz lantern river two',
    });
    expect(foreign.status).toBe(404);
  });

  it('issues a new token at every login (no session fixation) and stores only its hash', async () => {
    await h.user('fixation', 'analyst', '410100');
    const first = await h.accounts.login('fixation', PASSWORD, 'test');
    const second = await h.accounts.login('fixation', PASSWORD, 'test');
    expect(second.token).not.toBe(first.token);
    const stored = await h.sql.query<{ token_hash: string }>('SELECT token_hash FROM sessions');
    expect(stored.some((r) => r.token_hash === first.token || r.token_hash === second.token)).toBe(false);
  });
});

describe('VIGIL_ADMIN_PASSWORD', () => {
  it('stops start-up naming the key and the reason when the password fails the policy', () => {
    const run = spawnSync(
      process.execPath,
      [...vigilMainArgs(), 'start', '--data-dir', path.join(REPO_ROOT, 'data-never-created')],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, VIGIL_ADMIN_PASSWORD: 'aaaaaaaaaaaaaaaa' },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('VIGIL_ADMIN_PASSWORD');
    expect(run.stderr).toContain('password_too_common');
    expect(run.stderr).not.toContain('aaaaaaaaaaaaaaaa');
  });
});
