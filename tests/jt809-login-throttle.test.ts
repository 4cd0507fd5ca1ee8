/**
 * JT/T 809 platform logins over real TCP against the server and the platform directory on PGlite: an unknown
 * access code, a wrong user id and a wrong password get one result code, in the same time; logins back off per
 * access code across addresses and per peer address across access codes (answered "busy, come back later"),
 * while the platform's usual server address keeps its access; lockouts are audited; and the admin cannot give a
 * platform a password shorter than the 8-byte field of 0x1001, or a common one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HENAN_PROVINCE_CODE, Metrics, silentLogger } from '../schema/index.js';
import { openOperational, type Sql } from '../store/index.js';
import { MemoryLog } from '../stream/index.js';
import { JT809_DEFAULTS, Jt809Server } from '../ingest/index.js';
import {
  Accounts,
  JT809_PLATFORMS_DEFAULTS,
  Jt809Platforms,
  seedOrgUnits,
  type HttpError,
  type Principal,
} from '../center/index.js';
import { Jt809Client, loginBody } from './support/jt809-client.js';

const ACCESS_CODE = 41_000_009;
const USER_ID = 9001;
const PASSWORD = 'k4#Rv9mQ';
const REFUSED = 9;
const BUSY = 5;
const FREE = JT809_PLATFORMS_DEFAULTS.throttle.accountFailuresFree;

let sql: Sql;
let log: MemoryLog;
let server: Jt809Server;
let port: number;
let platforms: Jt809Platforms;
let admin: Principal;
const metrics = new Metrics();
const clock = { now: Date.now() };
const clients = new Map<string, Jt809Client>();

beforeAll(async () => {
  sql = await openOperational({ kind: 'memory' });
  await seedOrgUnits(sql);
  const accounts = new Accounts(sql);
  await accounts.ensureAdmin(HENAN_PROVINCE_CODE, 'correct horse battery staple');
  admin = (await accounts.login('admin', 'correct horse battery staple', 'test')).principal;
  platforms = new Jt809Platforms(sql, silentLogger, accounts.passwordPolicy, {
    ...JT809_PLATFORMS_DEFAULTS,
    now: () => clock.now,
  });
  await platforms.create(
    admin,
    { access_code: ACCESS_CODE, user_id: USER_ID, password: PASSWORD, name: '第三方平台', org_code: '410100' },
    'test',
  );
  log = new MemoryLog({ partitions: 2, backlogPerPartitionMax: 10_000, durableGroups: {} });
  server = new Jt809Server(
    { ...JT809_DEFAULTS, host: '127.0.0.1', port: 0 },
    { log, directory: platforms, logger: silentLogger, metrics },
  );
  port = await server.listen();
});

afterAll(async () => {
  for (const c of clients.values()) c.close();
  await server?.close();
  await log?.close();
  await sql?.close();
});

/** The result of a 0x1001 login sent from `address` (one link per address, kept between attempts). */
async function login(address: string, accessCode: number, userId: number, password: string): Promise<number> {
  let c = clients.get(address);
  if (!c) {
    c = new Jt809Client({ accessCode });
    await c.connect('127.0.0.1', port, address);
    clients.set(address, c);
  }
  c.send(0x1001, loginBody(userId, password), { accessCode });
  return (await c.answer(0x1002)).body[0];
}

describe('JT/T 809 logins', () => {
  it('answers an unknown access code, a wrong user id and a wrong password alike, in the same time', async () => {
    const times: Record<string, number[]> = { code: [], user: [], password: [] };
    for (let i = 0; i < 3; i++) {
      for (const [label, code, user, password] of [
        ['code', 41_999_000 + i, USER_ID, PASSWORD],
        ['user', ACCESS_CODE, USER_ID + 1 + i, PASSWORD],
        ['password', ACCESS_CODE, USER_ID, `wrong${i}pw`],
      ] as const) {
        const started = performance.now();
        expect(await login('127.0.2.1', code, user, password), label).toBe(REFUSED);
        times[label].push(performance.now() - started);
      }
    }
    const medians = Object.values(times).map((t) => [...t].sort((a, b) => a - b)[1]);
    expect(Math.max(...medians) / Math.min(...medians), JSON.stringify(medians)).toBeLessThan(2);
    const rendered = metrics.render();
    for (const reason of ['unknown_access_code', 'wrong_user_id', 'wrong_password'])
      expect(rendered).toContain(`vigil_jt809_login_failures_total{reason="${reason}",result="9"}`);
  });

  it('backs an access code off across addresses, and lets the platform in once the wait is over', async () => {
    // The failures so far (3 wrong user ids, 3 wrong passwords) count against the access code too.
    for (let i = 0; i < FREE; i++) await login(`127.0.3.${i + 1}`, ACCESS_CODE, USER_ID, 'guess123');
    expect(await login('127.0.3.99', ACCESS_CODE, USER_ID, PASSWORD)).toBe(BUSY);
    clock.now += JT809_PLATFORMS_DEFAULTS.throttle.backoffMsMax;
    expect(await login('127.0.3.99', ACCESS_CODE, USER_ID, PASSWORD)).toBe(0);
    const audited = await sql.query<{ detail: { realm: string; access_code: string } }>(
      "SELECT detail FROM audit_log WHERE action = 'auth.lockout' AND detail->>'realm' = 'jt809'",
    );
    expect(audited.length).toBeGreaterThan(0);
    expect(audited[0].detail.access_code).toBe(String(ACCESS_CODE));
  });

  it("keeps the platform's usual address usable while a prober backs its access code off", async () => {
    for (let i = 0; i <= FREE; i++) {
      clock.now += 1_000;
      await login(`127.0.4.${i + 1}`, ACCESS_CODE, USER_ID, 'guess123');
    }
    expect(await login('127.0.4.200', ACCESS_CODE, USER_ID, PASSWORD)).toBe(BUSY);
    // 127.0.3.99 logged in before: the platform's server reconnects from there and gets in.
    clients.get('127.0.3.99')?.close();
    clients.delete('127.0.3.99');
    expect(await login('127.0.3.99', ACCESS_CODE, USER_ID, PASSWORD)).toBe(0);
  });

  it('backs a peer address off across access codes', async () => {
    clock.now += JT809_PLATFORMS_DEFAULTS.throttle.backoffMsMax;
    for (let i = 0; i <= JT809_PLATFORMS_DEFAULTS.throttle.addressFailuresFree; i++)
      expect(await login('127.0.5.1', 42_000_000 + i, 1, 'guess123')).toBe(REFUSED);
    expect(await login('127.0.5.1', 42_000_999, 1, 'guess123')).toBe(BUSY);
  });

  it('refuses platform passwords shorter than the 8-byte field, longer, non-ASCII or common', async () => {
    for (const password of ['x', 'pw809', 'far too long', '密码密码', '12345678', 'aaaaaaaa', 'pass word']) {
      const refused = await platforms
        .create(admin, { access_code: 5, user_id: 1, password, name: 'x', org_code: '410100' }, 'test')
        .then(
          () => null,
          (error: unknown) => error as HttpError,
        );
      expect(refused?.reason, password).toBe('bad_password');
    }
    expect(
      (
        await platforms.create(
          admin,
          { access_code: 6, user_id: 1, password: 'Jt8#09qZ', name: 'y', org_code: '410100' },
          'test',
        )
      ).access_code,
    ).toBe(6);
  });
});
