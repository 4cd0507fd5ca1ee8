/**
 * What the console's 系统管理 page reads, through the HTTP API: the accounts an admin manages with their unit's
 * name, their creator and a login lock while it lasts (cleared by an unlock), and the audit log filtered by actor
 * and time — each in the admin's subtree only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freshTarget,
  startCenterHarness,
  STORE_KINDS,
  useStoreServer,
  type CenterHarness,
} from './support/center-harness.js';

interface ListedUser {
  id: number;
  username: string;
  org_code: string;
  org_name: string;
  created_by_name: string | null;
  locked_until: number | null;
}
interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  actor_display_name: string | null;
  action: string;
  target: string;
}

describe.each(STORE_KINDS)('administration lists on %s', (kind) => {
  const server = useStoreServer(kind);
  let h: CenterHarness;
  let cityAdmin: { id: number; token: string };

  beforeAll(async () => {
    h = await startCenterHarness(await freshTarget(kind, server(), 'adminlists'));
    cityAdmin = await h.user('zz-admin', 'admin', '410100', { display_name: '郑州管理员' });
    await h.user('jinshui-duty', 'duty_officer', '410105', { display_name: '金水值班员' }, cityAdmin.token);
    await h.user('luoyang-duty', 'duty_officer', '410302');
  });

  afterAll(async () => {
    await h?.close();
  });

  it("lists accounts with their unit's name and creator, a city admin only its city's", async () => {
    const city = (await h.call<{ users: ListedUser[] }>(cityAdmin.token, 'GET', '/api/users')).body.users;
    expect(city.map((u) => u.username).sort()).toEqual(['jinshui-duty', 'zz-admin']);
    const jinshui = city.find((u) => u.username === 'jinshui-duty')!;
    expect(jinshui).toMatchObject({ org_name: '金水区', created_by_name: '郑州管理员', locked_until: null });
    const province = (await h.call<{ users: ListedUser[] }>(h.adminToken, 'GET', '/api/users')).body.users;
    expect(province.find((u) => u.username === 'luoyang-duty')).toMatchObject({ org_name: '老城区' });
    expect(province.find((u) => u.username === 'zz-admin')!.created_by_name).toBe('省级管理员');
  });

  it('tells the console who administers accounts and who source keys', async () => {
    const abilities = async (token: string) =>
      (await h.call<Record<string, unknown>>(token, 'GET', '/api/me/abilities')).body;
    expect(await abilities(h.adminToken)).toMatchObject({ manage_accounts: true, manage_source_keys: true });
    expect(await abilities(cityAdmin.token)).toMatchObject({ manage_accounts: true, manage_source_keys: false });
    const officer = (await h.accounts.login('luoyang-duty', 'a long enough password', 'test')).token;
    expect(await abilities(officer)).toMatchObject({ manage_accounts: false, manage_source_keys: false });
  });

  it('shows a login lock until an admin unlocks the account', async () => {
    for (let i = 0; i < 7; i++)
      await h.accounts.login('jinshui-duty', 'not the password at all', '198.51.100.7:1000').catch(() => undefined);
    const listed = async () =>
      (await h.call<{ users: ListedUser[] }>(cityAdmin.token, 'GET', '/api/users')).body.users.find(
        (u) => u.username === 'jinshui-duty',
      )!;
    const locked = await listed();
    expect(locked.locked_until).toBeGreaterThan(Date.now());
    expect((await h.call(cityAdmin.token, 'POST', `/api/users/${locked.id}/unlock`)).status).toBe(200);
    expect((await listed()).locked_until).toBeNull();
  });

  it('filters the audit log by actor and time, newest first, within the subtree', async () => {
    const byCity = await h.call<{ entries: AuditEntry[] }>(h.adminToken, 'GET', '/api/audit?actor=zz-admin');
    expect(byCity.body.entries.length).toBeGreaterThanOrEqual(2);
    expect(byCity.body.entries.every((e) => e.actor === 'zz-admin' && e.actor_display_name === '郑州管理员')).toBe(
      true,
    );
    const ids = byCity.body.entries.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const created = byCity.body.entries.find((e) => e.action === 'user.create' && e.target === 'jinshui-duty')!;
    const at = created.at;
    const window = await h.call<{ entries: AuditEntry[] }>(
      h.adminToken,
      'GET',
      `/api/audit?action=user.create&since=${at}&until=${at + 1}`,
    );
    expect(window.body.entries.map((e) => e.target)).toContain('jinshui-duty');
    expect(window.body.entries.every((e) => e.at >= at && e.at < at + 1)).toBe(true);
    const before = await h.call<{ entries: AuditEntry[] }>(
      h.adminToken,
      'GET',
      `/api/audit?actor=zz-admin&until=${at}`,
    );
    expect(before.body.entries.map((e) => e.target)).not.toContain('jinshui-duty');
    // The city admin sees no entry of the province admin, whose account is above it.
    const cityView = await h.call<{ entries: AuditEntry[] }>(cityAdmin.token, 'GET', '/api/audit?actor=admin');
    expect(cityView.body.entries).toEqual([]);
    expect((await h.call(h.adminToken, 'GET', '/api/audit?since=-5')).status).toBe(400);
  });
});
