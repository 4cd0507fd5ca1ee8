/**
 * Scope on the server, as a matrix: every role at every level against every kind of endpoint, with items of
 * its own subtree and ids from another city. Expected outcomes follow the rules of docs/command-centre.md:
 * reads within the org subtree (enterprise users: their enterprise only), handling by duty officers,
 * dispatchers and leaders, issuing by dispatchers and leaders, accounts by admins one level up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alarmRow,
  freshTarget,
  startCenterHarness,
  STORE_KINDS,
  useStoreServer,
  type CenterHarness,
} from './support/center-harness.js';

const LEVELS = { province: '410000', city: '410100', county: '410105' } as const;
type Level = keyof typeof LEVELS;
const STAFF_ROLES = ['admin', 'leader', 'dispatcher', 'duty_officer', 'analyst', 'wall'] as const;
const HANDLERS = new Set(['leader', 'dispatcher', 'duty_officer']);
const SUPERVISORS = new Set(['leader', 'dispatcher']);
// Another city (洛阳) and one of its counties (老城区): ids from there must lead nowhere for Zhengzhou.
const FOREIGN_COUNTY = '410302';

interface Actor {
  name: string;
  role: string;
  level: Level | 'enterprise';
  token: string;
}

describe.each(STORE_KINDS)('scope matrix on %s', (kind) => {
  const server = useStoreServer(kind);
  let h: CenterHarness;
  const actors: Actor[] = [];

  beforeAll(async () => {
    h = await startCenterHarness(await freshTarget(kind, server(), 'matrix'));
    await h.call(h.adminToken, 'POST', '/api/enterprises', { id: 'ZZ-1', name: '郑州企业', org_code: '410100' });
    await h.call(h.adminToken, 'POST', '/api/enterprises/ZZ-1/vehicles', { plate: '豫A55501' });
    await h.call(h.adminToken, 'POST', '/api/enterprises', { id: 'LY-1', name: '洛阳企业', org_code: '410300' });
    await h.call(h.adminToken, 'POST', '/api/enterprises/LY-1/vehicles', { plate: '豫C55501' });
    for (const level of Object.keys(LEVELS) as Level[]) {
      for (const role of STAFF_ROLES) {
        if (role === 'admin' && level === 'province') {
          actors.push({ name: 'admin', role, level, token: h.adminToken });
          continue;
        }
        const name = `${level}-${role}`;
        actors.push({ name, role, level, token: (await h.user(name, role, LEVELS[level])).token });
      }
    }
    actors.push({
      name: 'enterprise-zz',
      role: 'enterprise',
      level: 'enterprise',
      token: (await h.user('enterprise-zz', 'enterprise', '410100', { enterprise_id: 'ZZ-1' })).token,
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  /** Whether the actor's scope covers an item in Zhengzhou's 金水区 (own) or in Luoyang (foreign). */
  function covers(a: Actor, where: 'own' | 'foreign'): boolean {
    if (a.level === 'enterprise') return where === 'own';
    if (where === 'own') return true; // province, city 4101 and county 410105 all cover 410105
    return a.level === 'province';
  }

  it('reads alarms and work orders only within scope; foreign ids are 404', async () => {
    const own = alarmRow({ plate: '豫A55501' });
    const foreign = alarmRow({ plate: '豫C55501', org_code: FOREIGN_COUNTY, lat: 34.68519, lon: 112.46354 });
    await h.centre.desk.ingest(own);
    await h.centre.desk.ingest(foreign);
    const rows: string[] = [];
    for (const a of actors) {
      for (const [where, alarm] of [
        ['own', own],
        ['foreign', foreign],
      ] as const) {
        const got = await h.call(a.token, 'GET', `/api/alarms/${alarm.alarm_id}`);
        const expected = covers(a, where) ? 200 : 404;
        rows.push(
          `${a.name} GET alarm ${where}: ${got.status}${got.status === expected ? '' : ` (expected ${expected})`}`,
        );
        const list = await h.call<{ alarms: { alarm_id: string }[] }>(a.token, 'GET', '/api/alarms?limit=500');
        const listed = list.body.alarms.some((x) => x.alarm_id === alarm.alarm_id);
        rows.push(`${a.name} list alarm ${where}: ${listed}${listed === covers(a, where) ? '' : ' (wrong)'}`);
      }
    }
    expect(rows.filter((r) => r.includes('expected') || r.includes('wrong'))).toEqual([]);
  });

  it('lets only handlers in scope acknowledge; others get 403 (role) or 404 (scope)', async () => {
    const wrong: string[] = [];
    for (const a of actors) {
      for (const where of ['own', 'foreign'] as const) {
        const alarm =
          where === 'own'
            ? alarmRow({ plate: '豫A55501' })
            : alarmRow({ plate: '豫C55501', org_code: FOREIGN_COUNTY, lat: 34.68519, lon: 112.46354 });
        await h.centre.desk.ingest(alarm);
        const got = await h.call(a.token, 'POST', `/api/alarms/${alarm.alarm_id}/acknowledge`);
        const expected = !HANDLERS.has(a.role) ? 403 : covers(a, where) ? 200 : 404;
        if (got.status !== expected) wrong.push(`${a.name} acknowledge ${where}: ${got.status}, expected ${expected}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('lets only supervisors issue orders into their subtree, and scopes order reads and comments', async () => {
    const leader = actors.find((a) => a.name === 'province-leader')!;
    const ownOrder = (
      await h.call<{ id: number }>(leader.token, 'POST', '/api/work-orders', {
        title: '金水区整改',
        category: 'inspection',
        severity: 'warning',
        org_code: '410105',
        department: 'safety',
        enterprise_id: 'ZZ-1',
      })
    ).body.id;
    const foreignOrder = (
      await h.call<{ id: number }>(leader.token, 'POST', '/api/work-orders', {
        title: '老城区整改',
        category: 'inspection',
        severity: 'warning',
        org_code: FOREIGN_COUNTY,
        department: 'safety',
        enterprise_id: 'LY-1',
      })
    ).body.id;
    expect(ownOrder).toBeGreaterThan(0);
    expect(foreignOrder).toBeGreaterThan(0);
    const wrong: string[] = [];
    for (const a of actors) {
      for (const [where, id] of [
        ['own', ownOrder],
        ['foreign', foreignOrder],
      ] as const) {
        const read = await h.call(a.token, 'GET', `/api/work-orders/${id}`);
        const readExpected = covers(a, where) ? 200 : 404;
        if (read.status !== readExpected)
          wrong.push(`${a.name} read order ${where}: ${read.status}, expected ${readExpected}`);
        const comment = await h.call(a.token, 'POST', `/api/work-orders/${id}/comment`, { text: 'matrix' });
        const commentExpected = a.role === 'wall' || a.role === 'analyst' ? 403 : covers(a, where) ? 200 : 404;
        if (comment.status !== commentExpected)
          wrong.push(`${a.name} comment order ${where}: ${comment.status}, expected ${commentExpected}`);
        const issue = await h.call(a.token, 'POST', '/api/work-orders', {
          title: 't',
          category: 'inspection',
          severity: 'info',
          org_code: where === 'own' ? '410105' : FOREIGN_COUNTY,
          department: 'safety',
        });
        const issueExpected = !SUPERVISORS.has(a.role) ? 403 : covers(a, where) ? 201 : 403;
        if (issue.status !== issueExpected)
          wrong.push(`${a.name} issue order ${where}: ${issue.status}, expected ${issueExpected}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('allocates accounts from above only, and limits account, unit, audit and config endpoints', async () => {
    const wrong: string[] = [];
    let n = 0;
    for (const a of actors) {
      for (const [target, targetLevel] of [
        ['410000', 'province'],
        ['410100', 'city'],
        ['410105', 'county'],
        [FOREIGN_COUNTY, 'foreign'],
      ] as const) {
        for (const role of ['admin', 'duty_officer'] as const) {
          const got = await h.call(a.token, 'POST', '/api/users', {
            username: `m${++n}-${a.name}`,
            password: 'a long enough password',
            role,
            org_code: target,
          });
          const levelRank = { province: 0, city: 1, county: 2, enterprise: 3 } as const;
          const targetRank = targetLevel === 'foreign' ? 2 : levelRank[targetLevel];
          const inScope =
            a.level !== 'enterprise' &&
            (targetLevel === 'foreign' ? a.level === 'province' : levelRank[a.level] <= targetRank);
          const below = inScope && (a.level === 'province' ? targetRank > 0 : targetRank > levelRank[a.level as Level]);
          const expected = a.role !== 'admin' ? 403 : (role === 'admin' ? below : inScope) ? 201 : 403;
          if (got.status !== expected)
            wrong.push(`${a.name} create ${role}@${target}: ${got.status}, expected ${expected}`);
        }
      }
      const audit = await h.call(a.token, 'GET', '/api/audit');
      if (audit.status !== (a.role === 'admin' ? 200 : 403)) wrong.push(`${a.name} audit: ${audit.status}`);
      const config = await h.call(a.token, 'PUT', '/api/config/escalation', { value: { alarm_unhandled_minutes: 30 } });
      if (config.status !== (a.role === 'admin' && a.level === 'province' ? 200 : 403))
        wrong.push(`${a.name} config: ${config.status}`);
      const units = await h.call<{ units: { code: string }[] }>(a.token, 'GET', '/api/org-units');
      const codes = units.body.units.map((u) => u.code);
      const unitsOk =
        a.level === 'enterprise'
          ? codes.length === 0
          : codes.includes(LEVELS[a.level]) &&
            codes.includes('410105') &&
            codes.includes(FOREIGN_COUNTY) === (a.level === 'province');
      if (!unitsOk) wrong.push(`${a.name} org units: ${codes.length}`);
    }
    // A city admin lists no account of another city and cannot revoke one.
    const cityAdmin = actors.find((a) => a.name === 'city-admin')!;
    const users = await h.call<{ users: { id: number; org_code: string }[] }>(cityAdmin.token, 'GET', '/api/users');
    expect(users.body.users.every((u) => u.org_code.startsWith('4101'))).toBe(true);
    const foreignUser = (
      await h.call<{ users: { id: number; org_code: string }[] }>(h.adminToken, 'GET', '/api/users')
    ).body.users.find((u) => u.org_code === FOREIGN_COUNTY)!;
    expect((await h.call(cityAdmin.token, 'POST', `/api/users/${foreignUser.id}/revoke-sessions`)).status).toBe(404);
    expect(wrong).toEqual([]);
  });

  it('revokes sessions: one by id, all of a user, and a revoked token is refused', async () => {
    const user = await h.user('revoke-me', 'duty_officer', '410105');
    const second = (await h.accounts.login('revoke-me', 'a long enough password', 'test')).token;
    const sessions = await h.call<{ sessions: { id: number }[] }>(user.token, 'GET', '/api/sessions');
    expect(sessions.body.sessions).toHaveLength(2);
    expect((await h.call(user.token, 'DELETE', `/api/sessions/${sessions.body.sessions[0].id}`)).status).toBe(200);
    expect((await h.call(second, 'GET', '/api/sessions')).status).toBe(401);
    const cityAdmin = actors.find((a) => a.name === 'city-admin')!;
    expect(
      (await h.call<{ revoked: number }>(cityAdmin.token, 'POST', `/api/users/${user.id}/revoke-sessions`)).body
        .revoked,
    ).toBe(1);
    expect((await h.call(user.token, 'GET', '/api/sessions')).status).toBe(401);
    const audit = await h.sql.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE target = 'revoke-me' ORDER BY id`,
    );
    expect(audit.map((r) => r.action)).toEqual(['user.create', 'session.revoke', 'session.revoke_all']);
  });
});
