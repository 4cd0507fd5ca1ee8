/**
 * The access matrix generated from the API's own OpenAPI document (`/api/docs`): every documented endpoint ×
 * every role (admin, leader, dispatcher, duty_officer, analyst, enterprise, wall) × every level (province, city,
 * county, an enterprise) × an object inside and one outside the caller's scope. Asserted for each cell: 401
 * without a token, 403 for a role the document does not list (its `x-roles`), 404 for an object of another city,
 * success inside scope; for lists, that the other city's object is not listed. A documented endpoint without a
 * case here fails the test, so a new endpoint joins the matrix when it joins the document.
 *
 * Objects live in 金水区 (410105, inside every level's scope) and in 洛阳老城区 (410302, outside all but the
 * province's). Writes that change state get a fresh object per cell. The routes not (yet) in the document are
 * listed at the end and checked the same way against a real `vigil start`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { henanGeo, Metrics, Readiness, silentLogger } from '../schema/index.js';
import { openAnalytics, type Analytics } from '../store/index.js';
import {
  registerClickHouseHttpRoutes,
  registerHealthRoutes,
  registerRoutes,
  registerSqlRoutes,
  type Principal,
} from '../center/index.js';
import { SimulatedTerminal } from '../cli/demo/simulated-terminal.js';
import { issueKey, postRecords } from './support/ingest-client.js';
import {
  alarmRow,
  ADMIN_PASSWORD,
  PASSWORD,
  startCenterHarness,
  type CenterHarness,
} from './support/center-harness.js';
import { startVigil, type VigilProcess } from './support/vigil-process.js';
import { harnessStore } from './support/test-postgres.js';

const LEVELS = { province: '410000', city: '410100', county: '410105' } as const;
type Level = keyof typeof LEVELS | 'enterprise';
const STAFF_ROLES = ['admin', 'leader', 'dispatcher', 'duty_officer', 'analyst', 'wall'] as const;
type Where = 'own' | 'foreign';
const UNIT: Record<Where, string> = { own: '410105', foreign: '410302' };
const ENTERPRISE: Record<Where, string> = { own: 'ZZ-M', foreign: 'LY-M' };
const PLATE: Record<Where, string> = { own: '豫A5M001', foreign: '豫C5M001' };
const PLACE: Record<Where, { lat: number; lon: number }> = {
  own: { lat: 34.80109, lon: 113.65453 },
  foreign: { lat: 34.68519, lon: 112.46354 },
};
const NEW_PASSWORD = 'lantern orchard quartz river';
const HOUR_MS = 3_600_000;
/** The roles that stand duty (HANDLER_ROLES): they sign in, hand over and answer inspections. */
const HANDLERS: readonly string[] = ['duty_officer', 'dispatcher', 'leader'];

interface Actor {
  name: string;
  role: (typeof STAFF_ROLES)[number] | 'enterprise';
  level: Level;
  token: string;
  password: string;
  principal: Principal;
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

type Call = (token: string | null, method: string, path: string, body?: unknown) => Promise<Reply>;

function callOf(baseUrl: string): Call {
  return async (token, method, urlPath, body) => {
    const res = await fetch(`${baseUrl}${urlPath}`, {
      method,
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // Not JSON (metrics, files): the status is what counts.
    }
    return { status: res.status, body: parsed };
  };
}

/** Whether an actor's scope covers the other city: only the province's does. */
const seesForeign = (a: Actor): boolean => a.level === 'province';
/** The usual expectation inside the role check: success inside scope, 404 outside. */
const scoped =
  (ok: number) =>
  (a: Actor, where: Where | null): number[] =>
    where === 'foreign' && !seesForeign(a) ? [404] : [ok];

interface Case {
  /** false: one request per actor, no object of a unit is addressed. */
  scoped: boolean;
  /** Sends the request as `a` (`allowed`: the role may call it, so build real objects). */
  run(a: Actor, where: Where | null, allowed: boolean): Promise<Reply>;
  /** Statuses accepted from a role the document allows. */
  expected(a: Actor, where: Where | null): number[];
  /** For lists: whether the own and the foreign object are in the answer. */
  listed?(body: Record<string, unknown>): Record<Where, boolean>;
  /** Public endpoints answer without a token. */
  public?: boolean;
}

let counter = 0;
const unique = (prefix: string): string => `${prefix}${++counter}`;

let mismatches: string[] = [];
let cells = 0;

function check(what: string, got: Reply, expected: number[]): void {
  cells++;
  if (!expected.includes(got.status))
    mismatches.push(`${what}: ${got.status} ${JSON.stringify(got.body.error ?? '')}, expected ${expected.join('|')}`);
}

/**
 * How an actor gets its session: `account` is the user the matrix created (its answer to `POST /api/users`), or
 * null for the province admin, which exists from the start.
 */
type SignIn = (
  username: string,
  password: string,
  account: Record<string, unknown> | null,
) => Promise<{ token: string; principal: Principal }>;

/** Creates one actor per role and level, and an enterprise account of ZZ-M. */
async function makeActors(
  call: Call,
  adminToken: string,
  signIn: SignIn,
  adminPassword = ADMIN_PASSWORD,
): Promise<Actor[]> {
  const actors: Actor[] = [];
  const add = async (name: string, role: Actor['role'], level: Level, org: string, extra = {}): Promise<void> => {
    const created = await call(adminToken, 'POST', '/api/users', {
      username: name,
      password: PASSWORD,
      role,
      org_code: org,
      ...extra,
    });
    if (created.status !== 201) throw new Error(`creating ${name}: ${created.status} ${JSON.stringify(created.body)}`);
    const { token, principal } = await signIn(name, PASSWORD, created.body);
    actors.push({ name, role, level, token, password: PASSWORD, principal });
  };
  for (const level of Object.keys(LEVELS) as (keyof typeof LEVELS)[])
    for (const role of STAFF_ROLES) {
      if (role === 'admin' && level === 'province') {
        const { token, principal } = await signIn('admin', adminPassword, null);
        actors.push({ name: 'admin', role, level, token, password: adminPassword, principal });
      } else await add(`m-${level}-${role}`, role, level, LEVELS[level]);
    }
  await add('m-enterprise', 'enterprise', 'enterprise', UNIT.own, { enterprise_id: ENTERPRISE.own });
  return actors;
}

/** Runs every cell of the cases over the actors, in the document's order. */
async function runMatrix(
  call: Call,
  actors: Actor[],
  endpoints: { method: string; path: string; roles: readonly string[] | 'any' | 'public' }[],
  cases: Record<string, Case>,
): Promise<void> {
  for (const e of endpoints) {
    const key = `${e.method} ${e.path}`;
    const c = cases[key];
    if (!c) {
      mismatches.push(`${key}: no case in the matrix`);
      continue;
    }
    if (e.roles === 'public') {
      const got = await c.run(actors[0], null, true);
      check(`${key} without a token`, got, c.expected(actors[0], null));
      continue;
    }
    // 401 without a token: path objects of any kind, the token is checked first.
    const first = actors.find((a) => e.roles === 'any' || e.roles.includes(a.role)) ?? actors[0];
    const anonymous = await c.run({ ...first, token: '' }, c.scoped ? 'own' : null, false);
    check(`${key} without a token`, anonymous, [401]);
    for (const a of actors) {
      const allowed = e.roles === 'any' || e.roles.includes(a.role);
      for (const where of c.scoped ? (['own', 'foreign'] as const) : [null]) {
        const got = await c.run(a, where, allowed);
        const label = `${key} as ${a.name}${where ? ` (${where})` : ''}`;
        if (!allowed) {
          check(label, got, [403]);
          continue;
        }
        check(label, got, c.expected(a, where));
        if (c.listed && got.status === 200) {
          const seen = c.listed(got.body);
          const wanted: Record<Where, boolean> = {
            own: a.role !== 'enterprise' || key !== 'GET /api/org-units',
            foreign: seesForeign(a),
          };
          for (const w of ['own', 'foreign'] as const) {
            cells++;
            if (seen[w] !== wanted[w])
              mismatches.push(`${label} lists the ${w} object: ${seen[w]}, expected ${wanted[w]}`);
          }
        }
      }
    }
  }
}

describe('the documented API, generated from /api/docs', () => {
  let h: CenterHarness;
  let analytics: Analytics;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-api-matrix-'));
  let call: Call;
  let actors: Actor[];
  let leader: Principal;
  const alarmOf: Record<Where, string> = { own: '', foreign: '' };
  const orderOf: Record<Where, number> = { own: 0, foreign: 0 };
  /** An archived 通报 of each unit, made by the province. */
  const circularOf: Record<Where, number> = { own: 0, foreign: 0 };
  const attachmentOf: Record<Where, number> = { own: 0, foreign: 0 };
  const targetOf: Record<Where, number> = { own: 0, foreign: 0 };
  let adminToken = '';

  beforeAll(async () => {
    analytics = await openAnalytics({ kind: 'embedded', dataDir });
    const geo = henanGeo();
    h = await startCenterHarness(await harnessStore(), { analytics }, {}, (router, accounts, centre) => {
      const metrics = new Metrics();
      registerRoutes(router, { accounts, metrics, geoJson: () => geo });
      registerSqlRoutes(router, { accounts, analytics, org: centre.org, metrics, logger: silentLogger });
      registerClickHouseHttpRoutes(router, { accounts, analytics, org: centre.org, metrics, logger: silentLogger });
      registerHealthRoutes(router, { readiness: new Readiness() });
    });
    call = callOf(h.baseUrl);
    for (const where of ['own', 'foreign'] as const) {
      expect(
        (
          await call(h.adminToken, 'POST', '/api/enterprises', {
            id: ENTERPRISE[where],
            name: where,
            org_code: UNIT[where],
          })
        ).status,
      ).toBe(201);
      await call(h.adminToken, 'POST', `/api/enterprises/${ENTERPRISE[where]}/vehicles`, { plate: PLATE[where] });
      const target = await call(h.adminToken, 'POST', '/api/users', {
        username: `target-${where}`,
        password: PASSWORD,
        role: 'duty_officer',
        org_code: UNIT[where],
      });
      targetOf[where] = target.body.id as number;
    }
    // Each actor's session is issued as a login ends (`issueToken`) and read back as the server reads every request
    // (`authenticate`), without a scrypt of 32 MiB per actor to verify the password it was just given: logging in is
    // proven by its own cell here, by the actors of the real node below and by tests/auth-login.test.ts, and every
    // actor's password is verified by the product when the `POST /api/me/password` cells change it.
    actors = await makeActors(call, h.adminToken, async (_name, _password, account) => {
      const principal =
        account === null
          ? await h.accounts.authenticate(h.adminToken)
          : {
              userId: account.id as number,
              username: account.username as string,
              role: account.role as Principal['role'],
              orgCode: account.org_code as string,
              enterpriseId: (account.enterprise_id as string | null) ?? null,
            };
      const { token } = await h.accounts.issueToken(principal, 'test');
      return { token, principal: await h.accounts.authenticate(token) };
    });
    // The province admin's own token in the matrix changes its password (revoking its other sessions): helpers
    // that create objects use that token, not the harness's.
    adminToken = actors.find((a) => a.name === 'admin')!.token;
    leader = (await newSession(actors.find((a) => a.name === 'm-province-leader')!.principal)).principal;
    for (const where of ['own', 'foreign'] as const) {
      alarmOf[where] = await freshAlarm(where);
      orderOf[where] = await freshOrder(where);
      const circular = await call(adminToken, 'POST', '/api/assessment/circulars', {
        from: '2026-11-01',
        to: '2026-11-30',
        unit: UNIT[where],
      });
      expect(circular.status, JSON.stringify(circular.body)).toBe(201);
      circularOf[where] = circular.body.id as number;
      await h.centre.workOrders.act(orderOf[where], 'comment', leader, 'test', {
        text: 'evidence',
        attachments: [{ name: 'a.txt', content_type: 'text/plain', data_base64: 'aGVsbG8=' }],
      } as Parameters<typeof h.centre.workOrders.act>[4]);
      const [row] = await h.sql.query<{ id: number }>(
        'SELECT max(id) AS id FROM work_order_attachments WHERE order_id = $1',
        [orderOf[where]],
      );
      attachmentOf[where] = Number(row.id);
    }
  });

  afterAll(async () => {
    await h?.close();
    await analytics?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function freshAlarm(where: Where): Promise<string> {
    const alarm = alarmRow({ plate: PLATE[where], org_code: UNIT[where], ...PLACE[where] });
    await h.centre.desk.ingest(alarm);
    return alarm.alarm_id;
  }

  async function freshOrder(where: Where): Promise<number> {
    const order = await h.centre.workOrders.issue(leader, 'test', {
      title: `matrix ${where}`,
      category: 'inspection',
      severity: 'warning',
      org_code: UNIT[where],
      department: 'safety',
      enterprise_id: ENTERPRISE[where],
    } as Parameters<typeof h.centre.workOrders.issue>[2]);
    return order.id;
  }

  /**
   * A shift of a fresh department of `where` (so that shifts never overlap), `startHours` from the centre's clock,
   * with `officers` on it; put on the roster by the province's leader.
   */
  async function freshShift(where: Where, officers: number[], startHours: number, department?: string) {
    const dept = department ?? unique('duty_');
    if (department === undefined) {
      const made = await call(adminToken, 'POST', `/api/org-units/${UNIT[where]}/departments`, {
        code: dept,
        name: dept,
      });
      if (made.status !== 201) throw new Error(`department ${dept}: ${made.status} ${JSON.stringify(made.body)}`);
    }
    const shift = await h.centre.duty.createShift(leader, 'test', {
      org_code: UNIT[where],
      department: dept,
      name: 'matrix',
      starts_at: h.clock.now + startHours * HOUR_MS,
      ends_at: h.clock.now + (startHours + 2) * HOUR_MS,
      officers,
    });
    return { id: shift.id, department: dept };
  }

  /** The actor itself when it could be on a shift of `where` (a handler of that very unit), else its target user. */
  const onDutyAt = (a: Actor, where: Where): number =>
    a.principal.orgCode === UNIT[where] && HANDLERS.includes(a.role) ? a.principal.userId : targetOf[where];

  /**
   * A new session of someone the matrix signed in before: the same `issueToken` every login ends with, without
   * verifying the password again. Each verification is a scrypt of 32 MiB (center/auth/passwords.ts), and dozens of
   * cases need a session only as the setting of the endpoint they check; logging in itself is proven by its own
   * cell here and by tests/auth-login.test.ts.
   */
  async function newSession(principal: Principal): Promise<{ token: string; principal: Principal }> {
    const { token, expiresAt, sessionId } = await h.accounts.issueToken(principal, 'test');
    return { token, principal: { ...principal, sessionId, expiresAt } };
  }

  /** Each unit's target user, signed in once with its password; later sessions through `newSession`. */
  const targetSignedIn: Partial<Record<Where, Principal>> = {};
  async function targetSession(where: Where): Promise<{ token: string; principal: Principal }> {
    targetSignedIn[where] ??= (await h.accounts.login(`target-${where}`, PASSWORD, 'test')).principal;
    return newSession(targetSignedIn[where]);
  }

  /** The principal of whoever `onDutyAt` put on the shift. */
  const officer = async (a: Actor, where: Where): Promise<Principal> =>
    onDutyAt(a, where) === a.principal.userId ? a.principal : (await targetSession(where)).principal;

  async function freshUser(where: Where): Promise<number> {
    const created = await call(adminToken, 'POST', '/api/users', {
      username: unique('fresh-'),
      password: PASSWORD,
      role: 'duty_officer',
      org_code: UNIT[where],
    });
    return created.body.id as number;
  }

  /**
   * The account an actor allowed to manage users acts on in a unit: made for that actor and unit at its first action
   * and taken through the others in the document's order (disabled, enabled, its sessions revoked, its password
   * reset, unlocked), each action once. One account per action cost a user made, its password checked by the
   * strength policy and hashed (32 MiB of scrypt), for each of some 30 cells.
   */
  const managed = new Map<string, number>();
  async function managedUser(a: Actor, where: Where): Promise<number> {
    const key = `${a.name} ${where}`;
    let id = managed.get(key);
    if (id === undefined) managed.set(key, (id = await freshUser(where)));
    return id;
  }

  /** Cases per documented endpoint. */
  function cases(): Record<string, Case> {
    const c: Record<string, Case> = {};
    const simple = (method: string, p: string, ok = 200, body?: () => unknown): Case => ({
      scoped: false,
      run: (a) => call(a.token, method, p, body?.()),
      expected: () => [ok],
    });
    const onUser = (action: string, body?: unknown): Case => ({
      scoped: true,
      run: async (a, where, allowed) =>
        call(a.token, 'POST', `/api/users/${allowed ? await managedUser(a, where!) : targetOf.own}/${action}`, body),
      expected: scoped(200),
    });
    const has = (list: unknown, pick: (x: Record<string, unknown>) => boolean): boolean =>
      Array.isArray(list) && list.some((x) => pick(x as Record<string, unknown>));

    c['GET /api/health'] = {
      ...simple('GET', '/api/health'),
      public: true,
      run: () => call(null, 'GET', '/api/health'),
    };
    for (const probe of ['/api/health/live', '/api/health/ready'])
      c[`GET ${probe}`] = { ...simple('GET', probe), public: true, run: () => call(null, 'GET', probe) };
    c['GET /metrics'] = { ...simple('GET', '/metrics'), public: true, run: () => call(null, 'GET', '/metrics') };
    c['GET /api/docs'] = { ...simple('GET', '/api/docs'), public: true, run: () => call(null, 'GET', '/api/docs') };
    // Login is public and has its own suite (tests/auth-login.test.ts): here only that it answers without a token.
    c['POST /api/auth/login'] = {
      ...simple('POST', '/api/auth/login'),
      public: true,
      run: () => call(null, 'POST', '/api/auth/login', { username: 'nobody-matrix', password: 'x' }),
      expected: () => [401],
    };
    c['POST /api/auth/logout'] = {
      scoped: false,
      run: async (a, _w, allowed) =>
        call(allowed && a.token !== '' ? (await newSession(a.principal)).token : a.token, 'POST', '/api/auth/logout'),
      expected: () => [200],
    };
    c['GET /api/me'] = simple('GET', '/api/me');
    c['GET /api/me/abilities'] = simple('GET', '/api/me/abilities');
    c['POST /api/sql'] = simple('POST', '/api/sql', 200, () => ({ sql: 'SELECT 1' }));
    c['GET /clickhouse'] = simple('GET', `/clickhouse?query=${encodeURIComponent('SELECT 1')}`);
    c['POST /clickhouse'] = simple('POST', `/clickhouse?query=${encodeURIComponent('SELECT 1')}`);
    c['GET /clickhouse/ping'] = {
      ...simple('GET', '/clickhouse/ping'),
      public: true,
      run: () => call(null, 'GET', '/clickhouse/ping'),
    };
    c['GET /api/geo/province'] = simple('GET', '/api/geo/province');
    c['GET /api/geo/henan'] = simple('GET', '/api/geo/henan');
    c['GET /api/summary'] = simple('GET', '/api/summary');
    c['GET /api/sessions'] = simple('GET', '/api/sessions');
    c['GET /api/audit'] = simple('GET', '/api/audit');
    c['GET /api/config/:key'] = simple('GET', '/api/config/escalation');
    c['PUT /api/config/:key'] = {
      ...simple('PUT', '/api/config/escalation', 200, () => ({ value: { alarm_unhandled_minutes: 30 } })),
      expected: (a) => (seesForeign(a) ? [200] : [403]),
    };
    c['POST /api/me/password'] = {
      scoped: false,
      run: async (a, _w, allowed) => {
        const next = a.password === NEW_PASSWORD ? PASSWORD : NEW_PASSWORD;
        const got = await call(a.token, 'POST', '/api/me/password', {
          current_password: a.password,
          new_password: next,
        });
        if (allowed && got.status === 200) a.password = next;
        return got;
      },
      expected: () => [200],
    };

    c['POST /api/users'] = {
      scoped: true,
      run: (a, where) =>
        call(a.token, 'POST', '/api/users', {
          username: unique('made-'),
          password: PASSWORD,
          role: 'duty_officer',
          org_code: UNIT[where!],
        }),
      // A unit named in the body rather than addressed by the path: refused as out of scope.
      expected: (a, where) => (where === 'foreign' && !seesForeign(a) ? [403] : [201]),
    };
    c['GET /api/users'] = {
      ...simple('GET', '/api/users'),
      listed: (b) => ({
        own: has(b.users, (u) => u.id === targetOf.own),
        foreign: has(b.users, (u) => u.id === targetOf.foreign),
      }),
    };
    for (const action of ['disable', 'enable', 'revoke-sessions', 'unlock'])
      c[`POST /api/users/:id/${action}`] = onUser(action);
    c['POST /api/users/:id/password'] = onUser('password', { password: 'maple quartz lantern river' });
    c['DELETE /api/sessions/:id'] = {
      scoped: true,
      run: async (a, where, allowed) => {
        const id = allowed ? (await targetSession(where!)).principal.sessionId : 1;
        return call(a.token, 'DELETE', `/api/sessions/${id}`);
      },
      // Another person's session: only their admins see it; everyone else is told it does not exist.
      expected: (a, where) => (a.role === 'admin' ? scoped(200)(a, where) : [404]),
    };

    c['GET /api/org-units'] = {
      ...simple('GET', '/api/org-units'),
      listed: (b) => ({
        own: has(b.units, (u) => u.code === UNIT.own),
        foreign: has(b.units, (u) => u.code === UNIT.foreign),
      }),
    };
    c['POST /api/org-units'] = {
      scoped: true,
      run: (a, where) =>
        call(a.token, 'POST', '/api/org-units', {
          code: `4199${String(++counter % 100).padStart(2, '0')}`.slice(0, 6),
          name: 'matrix unit',
          parent_code: where === 'own' ? '410100' : '410300',
        }),
      // Units go under a city: a county admin has none below it, so even its own city refuses it.
      expected: (a, where) =>
        seesForeign(a) ? [201, 409] : where === 'own' && a.level === 'city' ? [201, 409] : [403],
    };
    c['GET /api/org-units/:code/departments'] = {
      scoped: true,
      run: (a, where) => call(a.token, 'GET', `/api/org-units/${UNIT[where!]}/departments`),
      expected: (a, where) => (a.role === 'enterprise' ? [404] : scoped(200)(a, where)),
    };
    c['POST /api/org-units/:code/departments'] = {
      scoped: true,
      run: (a, where) =>
        call(a.token, 'POST', `/api/org-units/${UNIT[where!]}/departments`, { code: unique('matrix_'), name: 'm' }),
      expected: scoped(201),
    };
    c['GET /api/enterprises'] = {
      ...simple('GET', '/api/enterprises'),
      listed: (b) => ({
        own: has(b.enterprises, (e) => e.id === ENTERPRISE.own),
        foreign: has(b.enterprises, (e) => e.id === ENTERPRISE.foreign),
      }),
    };
    c['POST /api/enterprises'] = {
      scoped: true,
      run: (a, where) =>
        call(a.token, 'POST', '/api/enterprises', { id: unique('E-'), name: 'm', org_code: UNIT[where!] }),
      expected: (a, where) => (where === 'foreign' && !seesForeign(a) ? [403] : [201]),
    };
    c['GET /api/enterprises/:id/vehicles'] = {
      scoped: true,
      run: (a, where) => call(a.token, 'GET', `/api/enterprises/${ENTERPRISE[where!]}/vehicles`),
      expected: scoped(200),
    };
    c['POST /api/enterprises/:id/vehicles'] = {
      scoped: true,
      run: (a, where) =>
        call(a.token, 'POST', `/api/enterprises/${ENTERPRISE[where!]}/vehicles`, { plate: unique('豫Z') }),
      expected: scoped(201),
    };

    c['GET /api/alarms'] = {
      ...simple('GET', '/api/alarms?limit=500'),
      listed: (b) => ({
        own: has(b.alarms, (x) => x.alarm_id === alarmOf.own),
        foreign: has(b.alarms, (x) => x.alarm_id === alarmOf.foreign),
      }),
    };
    c['GET /api/alarms/:id'] = {
      scoped: true,
      run: (a, where) => call(a.token, 'GET', `/api/alarms/${alarmOf[where!]}`),
      expected: scoped(200),
    };
    const onAlarm = (action: string, body?: unknown, prepare?: (id: string) => Promise<void>): Case => ({
      scoped: true,
      run: async (a, where, allowed) => {
        const id = allowed ? await freshAlarm(where!) : alarmOf.own;
        if (allowed) await prepare?.(id);
        return call(a.token, 'POST', `/api/alarms/${id}/${action}`, body);
      },
      expected: scoped(200),
    });
    c['POST /api/alarms/:id/acknowledge'] = onAlarm('acknowledge');
    c['POST /api/alarms/:id/dismiss'] = onAlarm('dismiss', { reason: '误报 matrix' });
    c['POST /api/alarms/:id/dispatch'] = onAlarm('dispatch', {});
    c['POST /api/alarms/:id/close'] = onAlarm('close', undefined, async (id) => {
      await h.centre.desk.dismiss(id, '误报 matrix', leader, 'test');
    });

    c['GET /api/work-orders'] = {
      ...simple('GET', '/api/work-orders?limit=500'),
      listed: (b) => ({
        own: has(b.work_orders, (x) => x.id === orderOf.own),
        foreign: has(b.work_orders, (x) => x.id === orderOf.foreign),
      }),
    };
    c['POST /api/work-orders'] = {
      scoped: true,
      run: (a, where) =>
        call(a.token, 'POST', '/api/work-orders', {
          title: 'matrix',
          category: 'inspection',
          severity: 'info',
          org_code: UNIT[where!],
          department: 'safety',
        }),
      expected: (a, where) => (where === 'foreign' && !seesForeign(a) ? [403] : [201]),
    };
    c['GET /api/work-orders/:id'] = {
      scoped: true,
      run: (a, where) => call(a.token, 'GET', `/api/work-orders/${orderOf[where!]}`),
      expected: scoped(200),
    };
    c['GET /api/work-orders/:id/attachments/:attachment'] = {
      scoped: true,
      run: (a, where) =>
        call(a.token, 'GET', `/api/work-orders/${orderOf[where!]}/attachments/${attachmentOf[where!]}`),
      expected: scoped(200),
    };
    for (const action of [
      'sign',
      'claim',
      'start',
      'self-check',
      'explanation',
      'rectification',
      'review',
      'feedback',
      'accept',
      'return',
      'transfer',
      'urge',
      'comment',
    ])
      c[`POST /api/work-orders/:id/${action}`] = {
        scoped: true,
        run: async (a, where, allowed) =>
          call(
            a.token,
            'POST',
            `/api/work-orders/${allowed ? await freshOrder(where!) : orderOf.own}/${action}`,
            action === 'transfer' ? { department: 'enforcement', text: 'matrix' } : { text: 'matrix' },
          ),
        // Inside scope a step may still be another unit's (403) or not due in the order's state (409); a comment
        // always goes through. Outside scope the order does not exist.
        expected: (a, where) =>
          where === 'foreign' && !seesForeign(a) ? [404] : action === 'comment' ? [200] : [200, 403, 409],
      };

    c['GET /api/summary/trends'] = simple('GET', '/api/summary/trends');
    // Scoped by the token alone, like the summary: tests/wall-flows.e2e.test.ts checks which rows each level gets.
    c['GET /api/summary/flows'] = simple('GET', '/api/summary/flows');
    // Scoped like the summary: the caller's own figures always, another city's unit only for the province.
    c['GET /api/assessment'] = {
      scoped: true,
      run: (a, where) => call(a.token, 'GET', `/api/assessment?from=2026-11-01&to=2026-11-30&unit=${UNIT[where!]}`),
      expected: scoped(200),
    };
    // The reports read with the assessment's scope: another city's unit is not disclosed.
    c['GET /api/reports'] = {
      scoped: true,
      run: (a, where) =>
        call(a.token, 'GET', `/api/reports?from=2026-11-01&to=2026-11-30&interval=week&by=unit&unit=${UNIT[where!]}`),
      expected: scoped(200),
    };
    c['GET /api/assessment/items'] = {
      scoped: true,
      run: (a, where) =>
        call(
          a.token,
          'GET',
          `/api/assessment/items?indicator=alarm_handling_rate&from=2026-11-01&to=2026-11-30&unit=${UNIT[where!]}`,
        ),
      expected: scoped(200),
    };
    c['GET /api/assessment/ranking'] = {
      scoped: true,
      run: (a, where) =>
        call(a.token, 'GET', `/api/assessment/ranking?from=2026-11-01&to=2026-11-30&unit=${UNIT[where!]}`),
      expected: scoped(200),
    };
    // A 通报 of a unit the caller sees is made and archived; another city's unit is not disclosed.
    c['POST /api/assessment/circulars'] = {
      scoped: true,
      run: (a, where) =>
        call(a.token, 'POST', '/api/assessment/circulars', {
          from: '2026-11-01',
          to: '2026-11-30',
          unit: UNIT[where!],
        }),
      expected: scoped(201),
    };
    c['GET /api/assessment/circulars'] = {
      ...simple('GET', '/api/assessment/circulars?limit=500'),
      listed: (b) => ({
        own: has(b.circulars, (x) => x.id === circularOf.own),
        foreign: has(b.circulars, (x) => x.id === circularOf.foreign),
      }),
    };
    c['GET /api/assessment/circulars/:file'] = {
      scoped: true,
      run: (a, where) => call(a.token, 'GET', `/api/assessment/circulars/${circularOf[where!]}.pdf`),
      expected: scoped(200),
    };
    // Credit: a unit the caller sees; an enterprise account reads its own and names no unit (404 when it does).
    c['GET /api/credit/enterprises'] = {
      scoped: true,
      run: (a, where) => call(a.token, 'GET', `/api/credit/enterprises?unit=${UNIT[where!]}`),
      expected: (a, where) => (a.role === 'enterprise' ? [404] : scoped(200)(a, where)),
    };
    c['GET /api/credit/enterprises/:id/history'] = {
      scoped: true,
      run: (a, where) => call(a.token, 'GET', `/api/credit/enterprises/${ENTERPRISE[where!]}/history`),
      expected: (a, where) => (a.role === 'enterprise' && where === 'foreign' ? [404] : scoped(200)(a, where)),
    };
    c['GET /api/credit/drivers'] = simple('GET', '/api/credit/drivers');
    c['GET /api/duty/posts'] = simple('GET', '/api/duty/posts');
    c['GET /api/duty/inspections'] = simple('GET', '/api/duty/inspections?direction=sent');
    c['GET /api/duty/inspections/rates'] = simple('GET', '/api/duty/inspections/rates');
    c['POST /api/duty/log'] = simple('POST', '/api/duty/log', 201, () => ({ text: 'matrix note' }));
    for (const list of ['roster', 'handovers', 'log', 'people'])
      c[`GET /api/duty/${list}`] = {
        scoped: true,
        run: (a, where) => call(a.token, 'GET', `/api/duty/${list}?org_code=${UNIT[where!]}`),
        expected: scoped(200),
      };
    c['POST /api/duty/shifts'] = {
      scoped: true,
      run: (a, where) =>
        call(a.token, 'POST', '/api/duty/shifts', {
          org_code: UNIT[where!],
          name: 'matrix',
          // A slot of its own a week ahead, so that no two cells' shifts overlap.
          starts_at: h.clock.now + (7 * 24 + 2 * ++counter) * HOUR_MS,
          ends_at: h.clock.now + (7 * 24 + 2 * counter + 1) * HOUR_MS,
          officers: [targetOf[where!]],
        }),
      // The unit is named in the body: refused as out of scope, like a work order's.
      expected: (a, where) => (where === 'foreign' && !seesForeign(a) ? [403] : [201]),
    };
    // The steps of a shift: done by the people on it, refused (403) to anyone else in scope, hidden outside it.
    const onShift = (a: Actor, where: Where | null): number[] =>
      where === 'foreign' && !seesForeign(a) ? [404] : onDutyAt(a, where!) === a.principal.userId ? [200] : [403];
    c['POST /api/duty/shifts/:id/sign-in'] = {
      scoped: true,
      run: async (a, where, allowed) => {
        const shift = allowed ? await freshShift(where!, [onDutyAt(a, where!)], 0) : { id: 1 };
        return call(a.token, 'POST', `/api/duty/shifts/${shift.id}/sign-in`);
      },
      expected: onShift,
    };
    c['POST /api/duty/shifts/:id/handover'] = {
      scoped: true,
      run: async (a, where, allowed) => {
        if (!allowed) return call(a.token, 'POST', '/api/duty/shifts/1/handover', { notes: 'matrix' });
        const shift = await freshShift(where!, [onDutyAt(a, where!)], -1);
        // Signed in by its officer, whoever asks to hand it over.
        await h.centre.duty.signIn(await officer(a, where!), 'test', shift.id);
        return call(a.token, 'POST', `/api/duty/shifts/${shift.id}/handover`, { notes: 'matrix' });
      },
      expected: (a, where) => onShift(a, where).map((s) => (s === 200 ? 201 : s)),
    };
    c['POST /api/duty/handovers/:id/acknowledge'] = {
      scoped: true,
      run: async (a, where, allowed) => {
        if (!allowed) return call(a.token, 'POST', '/api/duty/handovers/1/acknowledge', { note: 'matrix' });
        // The outgoing shift is the target user's, the next one the actor's where it can be.
        const day = await freshShift(where!, [targetOf[where!]], -1);
        await freshShift(where!, [onDutyAt(a, where!)], 1, day.department);
        const outgoing = (await targetSession(where!)).principal;
        await h.centre.duty.signIn(outgoing, 'test', day.id);
        const handover = (await h.centre.duty.handOver(outgoing, 'test', day.id, 'matrix')) as { id: number };
        return call(a.token, 'POST', `/api/duty/handovers/${handover.id}/acknowledge`, { note: 'matrix' });
      },
      expected: onShift,
    };
    c['POST /api/duty/inspections'] = {
      scoped: true,
      run: (a, where) => call(a.token, 'POST', '/api/duty/inspections', { to_org: UNIT[where!], question: '在岗吗' }),
      // Only a centre above the unit inspects it: a county's own unit is not below it.
      expected: (a, where) => (a.level === 'county' || (where === 'foreign' && !seesForeign(a)) ? [403] : [201]),
    };
    c['POST /api/duty/inspections/:id/answer'] = {
      scoped: true,
      run: async (a, where, allowed) => {
        const id = allowed
          ? (await h.centre.inspections.send(leader, 'test', { to_org: UNIT[where!], question: '在岗吗' })).id
          : 1;
        return call(a.token, 'POST', `/api/duty/inspections/${id}/answer`, { answer: '在岗' });
      },
      // Only the post of the inspected unit answers.
      expected: (a, where) =>
        where === 'foreign' && !seesForeign(a) ? [404] : a.principal.orgCode === UNIT[where!] ? [200] : [403],
    };
    return c;
  }

  it('answers every documented endpoint as its roles and the caller’s scope say', async () => {
    const doc = (await call(null, 'GET', '/api/docs')).body as {
      paths: Record<string, Record<string, { 'x-roles': string[] | 'any' | 'public' }>>;
    };
    const endpoints = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase(),
        path: p.replace(/\{([A-Za-z_]+)\}/g, ':$1'),
        roles: op['x-roles'],
      })),
    );
    expect(endpoints.length).toBeGreaterThan(40);
    mismatches = [];
    cells = 0;
    await runMatrix(call, actors, endpoints, cases());
    expect(mismatches).toEqual([]);
    // 19 actors over some 50 endpoints, most with an object inside and one outside scope.
    expect(cells).toBeGreaterThan(1_500);
  }, 600_000);
});

/**
 * Routes registered with `router.add` outside the command centre (documented beside its endpoints in
 * center/api/api-docs.ts, so only a whole node serves and documents them), checked the same way against a real
 * node; the last test holds the document's roles to what the node was found to do.
 */
const ROUTER_ROUTES = [
  { method: 'GET', path: '/api/vehicles/:terminal_id/track', roles: 'any' },
  { method: 'GET', path: '/api/vehicles', roles: 'any' },
  { method: 'GET', path: '/api/vehicles/:terminal_id/media', roles: 'any' },
  { method: 'GET', path: '/api/vehicles/:terminal_id/media/:media_id', roles: 'any' },
  { method: 'GET', path: '/api/vehicles/:terminal_id/attachments/:alarm_number', roles: 'any' },
  { method: 'GET', path: '/api/vehicles/:terminal_id/attachments/:alarm_number/:name', roles: 'any' },
  {
    method: 'GET',
    path: '/api/jt809/upper/requests',
    roles: ['admin', 'leader', 'dispatcher', 'duty_officer', 'analyst'],
  },
  {
    method: 'POST',
    path: '/api/jt809/upper/requests/:id/answer',
    roles: ['admin', 'leader', 'dispatcher', 'duty_officer'],
  },
  {
    method: 'GET',
    path: '/api/rules',
    roles: ['admin', 'leader', 'dispatcher', 'duty_officer', 'analyst', 'enterprise'],
  },
  { method: 'PUT', path: '/api/rules', roles: ['admin'] },
  {
    method: 'GET',
    path: '/api/rules/versions',
    roles: ['admin', 'leader', 'dispatcher', 'duty_officer', 'analyst', 'enterprise'],
  },
  { method: 'POST', path: '/api/terminals/:id/commands', roles: ['admin', 'leader', 'dispatcher', 'duty_officer'] },
  { method: 'POST', path: '/api/sources/keys', roles: ['admin'] },
  { method: 'GET', path: '/api/sources/keys', roles: ['admin'] },
  { method: 'DELETE', path: '/api/sources/keys/:id', roles: ['admin'] },
  { method: 'POST', path: '/api/jt809/platforms', roles: ['admin'] },
  { method: 'GET', path: '/api/jt809/platforms', roles: ['admin', 'leader', 'dispatcher', 'duty_officer', 'analyst'] },
  { method: 'DELETE', path: '/api/jt809/platforms/:access_code', roles: ['admin'] },
  {
    method: 'GET',
    path: '/api/jt809/platforms/schedule',
    roles: ['admin', 'leader', 'dispatcher', 'duty_officer', 'analyst'],
  },
  {
    method: 'POST',
    path: '/api/jt809/platforms/:access_code/inspections',
    roles: ['admin', 'leader', 'dispatcher', 'duty_officer'],
  },
  {
    method: 'GET',
    path: '/api/jt809/platforms/:access_code/inspections',
    roles: ['admin', 'leader', 'dispatcher', 'duty_officer', 'analyst'],
  },
  {
    method: 'POST',
    path: '/api/jt809/platforms/:access_code/supervisions',
    roles: ['admin', 'leader', 'dispatcher', 'duty_officer'],
  },
  {
    method: 'GET',
    path: '/api/jt809/platforms/:access_code/supervisions',
    roles: ['admin', 'leader', 'dispatcher', 'duty_officer', 'analyst'],
  },
  { method: 'POST', path: '/api/uploads', roles: ['admin', 'enterprise'] },
  { method: 'GET', path: '/api/uploads', roles: ['admin', 'enterprise'] },
  { method: 'GET', path: '/api/uploads/:id', roles: ['admin', 'enterprise'] },
  { method: 'GET', path: '/api/uploads/:id/errors.csv', roles: ['admin', 'enterprise'] },
  // Not user-token routes: POST /api/ingest/:kind takes a source key (tests/registry-scope.e2e.test.ts,
  // tests/ingest-http.e2e.test.ts) and /ws the feed's token (tests/auth-sessions.e2e.test.ts).
] as const;

describe('the routes outside the command centre, on a real node', () => {
  let vigil: VigilProcess;
  let call: Call;
  let actors: Actor[];
  const terminalOf: Record<Where, string> = { own: '013955500001', foreign: '013955500002' };
  const platformOf: Record<Where, number> = { own: 41_055_001, foreign: 41_055_002 };
  let accessCodes = 41_055_100;
  /** An upload of each unit: the own one by the enterprise account of ZZ-M (its unit's staff see it too). */
  const uploadOf: Record<Where, number> = { own: 0, foreign: 0 };
  let uploads = 0;

  beforeAll(async () => {
    vigil = await startVigil();
    call = callOf(vigil.baseUrl);
    const admin = await vigil.login();
    for (const where of ['own', 'foreign'] as const) {
      await call(admin, 'POST', '/api/enterprises', { id: ENTERPRISE[where], name: where, org_code: UNIT[where] });
      await call(admin, 'POST', '/api/jt809/platforms', {
        access_code: platformOf[where],
        user_id: 1,
        password: 'Rq8#0w9b',
        name: where,
        org_code: UNIT[where],
      });
    }
    const { key } = await issueKey(vigil.baseUrl, admin, 'registry');
    const registered = await postRecords(
      vigil.baseUrl,
      'registry',
      key,
      (['own', 'foreign'] as const).map((where) => ({
        type: 'vehicle',
        plate: PLATE[where],
        plate_color: 2,
        vehicle_class: 'heavy_truck',
        terminal_id: terminalOf[where],
        home_org_code: UNIT[where],
        enterprise_id: ENTERPRISE[where],
      })),
    );
    expect(registered.body.rejected).toEqual([]);
    // Terminals registered once (then offline), so commands to them are scoped by their plates.
    for (const where of ['own', 'foreign'] as const) {
      const t = new SimulatedTerminal({ phone: terminalOf[where], plate: PLATE[where], plateColor: 2, version: 2013 });
      await t.connect('127.0.0.1', vigil.jt808Port);
      await t.logIn();
      t.close();
    }
    actors = await makeActors(
      call,
      admin,
      async (u, p) => {
        const token = await vigil.login(u, p);
        const me = (await call(token, 'GET', '/api/me')).body;
        return { token, principal: { userId: me.id, username: u, role: me.role, orgCode: me.org_code } as Principal };
      },
      vigil.adminPassword,
    );
    const uploader = (where: Where) =>
      where === 'own'
        ? actors.find((a) => a.role === 'enterprise')!
        : actors.find((a) => a.role === 'admin' && a.level === 'province')!;
    for (const where of ['own', 'foreign'] as const) {
      // The province admin's upload is of a device in 洛阳老城区; the enterprise's a plate read of its own vehicle.
      const file =
        where === 'own'
          ? `event_id,camera_id,plate,time\nM-1,KK-1,${PLATE.own},2026-11-01 08:00:00`
          : `event_id,device_id,status,time,org_code\nM-2,D-1,online,2026-11-01 08:00:00,${UNIT.foreign}`;
      const made = await uploadFile(uploader(where), where === 'own' ? 'anpr' : 'device_status', file);
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      expect(made.body.rejected, JSON.stringify(made.body)).toBe(0);
      uploadOf[where] = made.body.id as number;
    }
  });

  /** A file uploaded as `a`: CSV text, each call a different file (the same file would be answered as a repeat). */
  async function uploadFile(a: Actor, kind: string, text: string): Promise<Reply> {
    const res = await fetch(`${vigil.baseUrl}/api/uploads?kind=${kind}&filename=matrix.csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.token}` },
      body: text,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  afterAll(async () => {
    await vigil?.stop({ removeData: true });
  });

  function cases(): Record<string, Case> {
    const c: Record<string, Case> = {};
    const province = (method: string, p: () => string, body?: () => unknown, ok = 200): Case => ({
      scoped: false,
      run: (a) => call(a.token, method, p(), body?.()),
      expected: (a) => (seesForeign(a) ? [ok] : [403]),
    });
    c['GET /api/vehicles/:terminal_id/track'] = {
      scoped: true,
      run: (a, where) => call(a.token, 'GET', `/api/vehicles/${terminalOf[where!]}/track`),
      // Staff get the fixes made inside their scope (none elsewhere, 200 all the same: an empty track says
      // nothing about the vehicle); an enterprise reads only its own vehicles.
      expected: (a, where) => (a.role === 'enterprise' && where === 'foreign' ? [404] : [200]),
    };
    const has = (list: unknown, pick: (x: Record<string, unknown>) => boolean): boolean =>
      Array.isArray(list) && list.some((x) => pick(x as Record<string, unknown>));
    c['GET /api/vehicles'] = {
      scoped: false,
      // Both plates contain the text: each caller finds only the vehicles it may see whole.
      run: (a) => call(a.token, 'GET', `/api/vehicles?q=${encodeURIComponent('5M001')}`),
      expected: () => [200],
      listed: (b) => ({
        own: has(b.vehicles, (x) => x.plate === PLATE.own),
        foreign: has(b.vehicles, (x) => x.plate === PLATE.foreign),
      }),
    };
    c['GET /api/vehicles/:terminal_id/media'] = {
      scoped: true,
      run: (a, where) => call(a.token, 'GET', `/api/vehicles/${terminalOf[where!]}/media`),
      // As the track: staff get what lies in their area (nothing here), an enterprise only its own vehicles.
      expected: (a, where) => (a.role === 'enterprise' && where === 'foreign' ? [404] : [200]),
    };
    c['GET /api/vehicles/:terminal_id/media/:media_id'] = {
      scoped: true,
      run: (a, where) => call(a.token, 'GET', `/api/vehicles/${terminalOf[where!]}/media/1`),
      // No photo was ever sent: missing for everyone, and another company's vehicle is missing too.
      expected: () => [404],
    };
    const alarmNumber = '54303030303031260501083000010200';
    c['GET /api/vehicles/:terminal_id/attachments/:alarm_number'] = {
      scoped: true,
      run: (a, where) => call(a.token, 'GET', `/api/vehicles/${terminalOf[where!]}/attachments/${alarmNumber}`),
      // Who sees the vehicle whole gets its (empty) list; staff elsewhere see an alarm's files only through an
      // alarm of their area, and there is none: missing, as for an enterprise outside its own vehicles.
      expected: (a, where) => (where === 'foreign' && (!seesForeign(a) || a.role === 'enterprise') ? [404] : [200]),
    };
    c['GET /api/vehicles/:terminal_id/attachments/:alarm_number/:name'] = {
      scoped: true,
      run: (a, where) =>
        call(a.token, 'GET', `/api/vehicles/${terminalOf[where!]}/attachments/${alarmNumber}/00_00_6401_0_1.jpg`),
      // No file was ever uploaded: missing for everyone.
      expected: () => [404],
    };
    c['GET /api/jt809/upper/requests'] = province('GET', () => '/api/jt809/upper/requests');
    c['POST /api/jt809/upper/requests/:id/answer'] = {
      scoped: false,
      run: (a) => call(a.token, 'POST', '/api/jt809/upper/requests/1/answer', { answer: 'x' }),
      // The province's staff may answer, and there is no such request; nobody below the province may.
      expected: (a) => (seesForeign(a) ? [404] : [403]),
    };
    c['GET /api/rules'] = { scoped: false, run: (a) => call(a.token, 'GET', '/api/rules'), expected: () => [200] };
    c['GET /api/rules/versions'] = {
      scoped: false,
      run: (a) => call(a.token, 'GET', '/api/rules/versions'),
      expected: () => [200],
    };
    c['PUT /api/rules'] = {
      scoped: false,
      run: async (a) => {
        const current = (await call(actors[0].token, 'GET', '/api/rules')).body;
        return call(a.token, 'PUT', '/api/rules', { config: current.config, comment: 'matrix' });
      },
      expected: (a) => (seesForeign(a) ? [200] : [403]),
    };
    c['POST /api/terminals/:id/commands'] = {
      scoped: true,
      run: (a, where) =>
        call(a.token, 'POST', `/api/terminals/${terminalOf[where!]}/commands`, { type: 'location_query' }),
      // Inside scope the terminal is found but offline; outside it does not exist for the caller.
      expected: () => [404],
    };
    c['POST /api/sources/keys'] = province(
      'POST',
      () => '/api/sources/keys',
      () => ({
        kind: 'anpr',
        org_code: '410100',
        name: unique('matrix key '),
      }),
      201,
    );
    c['GET /api/sources/keys'] = province('GET', () => '/api/sources/keys');
    c['DELETE /api/sources/keys/:id'] = {
      scoped: false,
      run: async (a) => {
        const made = await call(actors[0].token, 'POST', '/api/sources/keys', {
          kind: 'anpr',
          org_code: '410100',
          name: unique('doomed '),
        });
        return call(a.token, 'DELETE', `/api/sources/keys/${made.body.id as number}`);
      },
      expected: (a) => (seesForeign(a) ? [200] : [403]),
    };
    c['POST /api/jt809/platforms'] = province(
      'POST',
      () => '/api/jt809/platforms',
      () => ({
        access_code: ++accessCodes,
        user_id: 1,
        password: 'Rq8#0w9b',
        name: 'm',
        org_code: '410100',
      }),
      201,
    );
    c['GET /api/jt809/platforms'] = {
      scoped: false,
      run: (a) => call(a.token, 'GET', '/api/jt809/platforms'),
      // Staff see the platforms their unit supervises, the province's everyone's.
      expected: () => [200],
      listed: (b) => ({
        own: has(b.platforms, (x) => x.access_code === platformOf.own),
        foreign: has(b.platforms, (x) => x.access_code === platformOf.foreign),
      }),
    };
    c['GET /api/jt809/platforms/schedule'] = {
      scoped: false,
      run: (a) => call(a.token, 'GET', '/api/jt809/platforms/schedule'),
      // The grades and scheduled 查岗 of the platforms the caller's unit supervises.
      expected: () => [200],
      listed: (b) => ({
        own: has(b.platforms, (x) => x.access_code === platformOf.own),
        foreign: has(b.platforms, (x) => x.access_code === platformOf.foreign),
      }),
    };
    c['DELETE /api/jt809/platforms/:access_code'] = {
      scoped: false,
      // A role that may delete platforms deletes one made for it; any other is refused the own unit's platform (which
      // a wrong 200 would delete, failing the cells that read it later). Each platform made hashes its password with a
      // 32 MiB scrypt.
      run: async (a, _w, allowed) => {
        if (!allowed) return call(a.token, 'DELETE', `/api/jt809/platforms/${platformOf.own}`);
        const code = ++accessCodes;
        await call(actors[0].token, 'POST', '/api/jt809/platforms', {
          access_code: code,
          user_id: 1,
          password: 'Rq8#0w9b',
          name: 'doomed',
          org_code: '410100',
        });
        return call(a.token, 'DELETE', `/api/jt809/platforms/${code}`);
      },
      expected: (a) => (seesForeign(a) ? [200] : [403]),
    };
    c['POST /api/uploads'] = {
      scoped: false,
      // A row of a device in the caller's own unit: applied for staff and the enterprise alike.
      run: (a) =>
        uploadFile(
          a,
          'device_status',
          `event_id,device_id,status,time\nU-${++uploads},D-${a.name},online,2026-11-01 08:00:00`,
        ),
      expected: () => [201],
    };
    c['GET /api/uploads'] = {
      scoped: false,
      run: (a) => call(a.token, 'GET', '/api/uploads?limit=200'),
      expected: () => [200],
      listed: (b) => ({
        own: has(b.uploads, (x) => x.id === uploadOf.own),
        foreign: has(b.uploads, (x) => x.id === uploadOf.foreign),
      }),
    };
    c['GET /api/uploads/:id'] = {
      scoped: true,
      run: (a, where) => call(a.token, 'GET', `/api/uploads/${uploadOf[where!]}`),
      expected: scoped(200),
    };
    c['GET /api/uploads/:id/errors.csv'] = {
      scoped: true,
      run: (a, where) => call(a.token, 'GET', `/api/uploads/${uploadOf[where!]}/errors.csv`),
      expected: scoped(200),
    };
    for (const kind of ['inspections', 'supervisions'] as const) {
      c[`GET /api/jt809/platforms/:access_code/${kind}`] = {
        scoped: true,
        run: (a, where) => call(a.token, 'GET', `/api/jt809/platforms/${platformOf[where!]}/${kind}`),
        expected: scoped(200),
      };
      c[`POST /api/jt809/platforms/:access_code/${kind}`] = {
        scoped: true,
        run: (a, where) =>
          call(a.token, 'POST', `/api/jt809/platforms/${platformOf[where!]}/${kind}`, {
            question: '在吗',
            plate: PLATE[where!],
            plate_color: 2,
            warn_type: 1,
            deadline_minutes: 30,
          }),
        // Inside scope the platform is found, and is not logged in (409) or the request is incomplete (400).
        expected: (a, where) => (where === 'foreign' && !seesForeign(a) ? [404] : [400, 409]),
      };
    }
    return c;
  }

  it('answers each of them as its roles and the caller’s scope say', async () => {
    mismatches = [];
    cells = 0;
    // The 404s expected inside scope must not be "no such route": every listed route exists.
    for (const e of ROUTER_ROUTES) {
      const got = await call(
        actors[0].token,
        e.method,
        e.path.replace(/:[a-z_]+/g, '1'),
        e.method === 'GET' ? undefined : {},
      );
      expect(got.body.error, `${e.method} ${e.path}`).not.toBe('method_not_allowed');
      expect(String(got.body.detail ?? ''), `${e.method} ${e.path}`).not.toMatch(/^no route/);
    }
    await runMatrix(call, actors, [...ROUTER_ROUTES], cases());
    expect(mismatches).toEqual([]);
    expect(cells).toBeGreaterThan(350);
  }, 600_000);

  it('finds each of them in /api/docs with the roles the node was found to answer', async () => {
    const doc = (await call(null, 'GET', '/api/docs')).body as {
      paths: Record<string, Record<string, { 'x-roles': unknown }>>;
    };
    const documented = new Map(
      Object.entries(doc.paths).flatMap(([p, ops]) =>
        Object.entries(ops).map(([m, op]) => [
          `${m.toUpperCase()} ${p.replace(/\{([A-Za-z_]+)\}/g, ':$1')}`,
          JSON.stringify(op['x-roles']),
        ]),
      ),
    );
    for (const e of ROUTER_ROUTES)
      expect(documented.get(`${e.method} ${e.path}`), `${e.method} ${e.path}`).toBe(JSON.stringify(e.roles));
  });
});
