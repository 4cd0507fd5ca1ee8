/**
 * The console's administration page (系统管理) in real Chromium against a real `vigil start`: the province admin
 * creates a duty officer through the page (a weak password is refused with the policy's sentence), the officer
 * logs in and acknowledges an alarm, the admin disables and enables the account; a source key is issued through
 * the page, its secret shown once works for `/api/ingest/anpr` until it is revoked there; the audit log shows
 * the creation; a city admin sees only its city's accounts and no source keys. Screenshots at 1920×1080 and
 * 3840×2160 of each section go to docs/screenshots/ (VIGIL_DOC_SCREENSHOTS=1).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, shootForDocs, type TestBrowser } from './support/browser.js';
import { api, createPerson, openConsole, PASSWORD, speedingEpisode, type Person } from './support/console-scenario.js';
import { postRecords } from './support/ingest-client.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

let vigil: VigilProcess;
let browser: TestBrowser;
let province: Person;
let cityAdmin: Person;

const OFFICER = { username: 'zz-duty-wang', password: PASSWORD, displayName: '王值班' };

beforeAll(async () => {
  vigil = await startVigil();
  const admin = await vigil.login();
  province = { username: 'admin', password: vigil.adminPassword, token: admin };
  cityAdmin = await createPerson(vigil, admin, 'zz-admin', 'admin', '410100', { display_name: '郑州市管理员' });
  await createPerson(vigil, admin, 'ly-duty', 'duty_officer', '410300', { display_name: '洛阳值班员' });
  // A lorry speeding in Zhengzhou: an alarm for the city's duty officers to acknowledge.
  await speedingEpisode(vigil.jt808Port, '013971000910', '豫A71910', 170);
  // A Chinese browser, as at a centre: the audit log's time inputs read 年/月/日.
  browser = await launchBrowser({ width: 1920, height: 1080 }, { locale: 'zh-CN' });
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: vigil.baseUrl });
});

afterAll(async () => {
  await browser?.close();
  await vigil?.stop({ removeData: true });
});

async function confirmStep(page: Page, button: string, username: string): Promise<string> {
  await page.click(`[data-testid="user-row"][data-username="${username}"] [data-testid="${button}"]`);
  await page.locator('[data-testid="admin-confirm"]').waitFor();
  await page.click('[data-testid="admin-confirm-ok"]');
  await page.locator('[data-testid="admin-confirm"]').waitFor({ state: 'detached' });
  return (await page.textContent('[data-testid="admin-result"]')) ?? '';
}

const userState = (page: Page, username: string) =>
  page.textContent(`[data-testid="user-row"][data-username="${username}"] [data-testid="user-state"]`);

describe('console: administration (系统管理)', () => {
  it('creates a duty officer through the page, who logs in and acknowledges an alarm', async () => {
    const page = await openConsole(vigil, browser, province, 'admin');
    await page.locator('[data-testid="users-table"] [data-username="zz-admin"]').waitFor();
    // Names as people read them: the unit's name, the creator's display name.
    const zz = page.locator('[data-testid="user-row"][data-username="zz-admin"]');
    expect(await zz.textContent()).toContain('郑州市');
    expect(await zz.textContent()).toContain('郑州市管理员');

    await page.click('[data-testid="user-new"]');
    await page.fill('[data-testid="user-create-username"]', OFFICER.username);
    await page.fill('[data-testid="user-create-display-name"]', OFFICER.displayName);
    await page.selectOption('[data-testid="user-create-role"]', 'duty_officer');
    await page.selectOption('[data-testid="user-create-unit"]', '410100');
    await page.fill('[data-testid="user-create-password"]', 'short one');
    await page.click('[data-testid="user-create-submit"]');
    const refusal = await page.locator('[data-testid="user-create-error"]').textContent();
    expect(refusal).toContain('密码太短');
    expect(refusal).not.toContain('password_too_short');
    await shootForDocs(page, 'console-admin-user-create');
    await page.fill('[data-testid="user-create-password"]', OFFICER.password);
    await page.click('[data-testid="user-create-submit"]');
    await page.locator('[data-testid="user-create"]').waitFor({ state: 'detached' });
    expect(await page.textContent('[data-testid="admin-result"]')).toContain(OFFICER.displayName);
    const row = page.locator(`[data-testid="user-row"][data-username="${OFFICER.username}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('值班员');
    expect(await userState(page, OFFICER.username)).toBe('正常');
    await page.selectOption('[data-testid="users-filter-role"]', 'duty_officer');
    await eventually(
      async () => ((await page.locator('[data-testid="user-row"]').count()) === 2 ? true : undefined),
      10_000,
      'the two duty officers listed',
    );
    await page.selectOption('[data-testid="users-filter-role"]', '');
    await shootForDocs(page, 'console-admin-users');

    // The officer logs in with what the page created and acknowledges the Zhengzhou alarm.
    const officerPage = await openConsole(vigil, browser, OFFICER);
    // The header names the officer by the display name given on the page, the username in its tooltip.
    const header = officerPage.locator('[data-testid="console-user"]');
    expect(await header.textContent()).toContain(OFFICER.displayName);
    expect(await header.getAttribute('title')).toContain(OFFICER.username);
    const acknowledge = officerPage.locator('[data-testid="queue-row"][data-state="new"] [data-testid="acknowledge"]');
    await acknowledge.first().waitFor({ timeout: 60_000 });
    await acknowledge.first().click();
    await officerPage
      .locator('[data-testid="queue-row"][data-state="acknowledged"]')
      .first()
      .waitFor({ timeout: 15_000 });
    await officerPage.close();

    // Disabled, the account cannot log in; enabled, it can again. Each step is confirmed and its answer shown.
    expect(await confirmStep(page, 'user-disable', OFFICER.username)).toContain('已停用');
    await eventually(
      async () => ((await userState(page, OFFICER.username)) === '已停用' ? true : undefined),
      10_000,
      'the row shows the account disabled',
    );
    await expect(vigil.login(OFFICER.username, OFFICER.password)).rejects.toThrow();
    expect(await confirmStep(page, 'user-enable', OFFICER.username)).toContain('已启用');
    expect(await vigil.login(OFFICER.username, OFFICER.password)).toMatch(/.+/);
    expect(await confirmStep(page, 'user-revoke', OFFICER.username)).toMatch(/注销了 \d+ 个会话|的 \d+ 个会话/);
    // A reset to a password the policy refuses shows the policy's sentence in the dialog.
    await page.click(`[data-testid="user-row"][data-username="${OFFICER.username}"] [data-testid="user-password"]`);
    await page.fill('[data-testid="user-new-password"]', `${OFFICER.username}-2026`);
    await page.click('[data-testid="admin-confirm-ok"]');
    expect(await page.locator('[data-testid="admin-confirm-error"]').textContent()).toMatch(/密码/);
    await page.keyboard.press('Escape');
    expect(browser.cspViolations()).toEqual([]);
    await page.close();
  });

  it('issues a source key whose secret, shown once, sends data until it is revoked', async () => {
    const page = await openConsole(vigil, browser, province, 'admin');
    await page.click('[data-testid="admin-section-keys"]');
    await page.fill('[data-testid="key-name"]', '郑州绕城卡口系统');
    await page.selectOption('[data-testid="key-kind"]', 'anpr');
    await page.selectOption('[data-testid="key-unit"]', '410100');
    await page.click('[data-testid="key-issue"]');
    const panel = page.locator('[data-testid="key-secret-panel"]');
    await panel.waitFor();
    expect(await page.textContent('[data-testid="key-secret-warning"]')).toContain('只在此显示一次');
    const secret = await page.inputValue('[data-testid="key-secret"]');
    expect(secret).toMatch(/^vsk_[A-Za-z0-9_-]{43}$/);
    await page.click('[data-testid="key-copy"]');
    await page.locator('[data-testid="key-copy-state"]').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    const keyId = Number(await panel.getAttribute('data-key-id'));
    await page.locator(`[data-testid="key-row"][data-key-id="${keyId}"]`).waitFor();
    await shootForDocs(page, 'console-admin-keys');

    const record = {
      event_id: 'admin-page-key-1',
      camera_id: 'KK-410105-01',
      plate: '豫A12345',
      plate_color: 1,
      time: new Date(Date.now() - 60_000).toISOString(),
      org_code: '410105',
    };
    const sent = await postRecords(vigil.baseUrl, 'anpr', secret, [record]);
    expect([sent.status, sent.body.accepted]).toEqual([200, 1]);

    // Once dismissed, the secret is nowhere on the page; the list shows the key's use.
    await page.click('[data-testid="key-secret-dismiss"]');
    await panel.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(secret);
    const lastUsed = page.locator(`[data-testid="key-row"][data-key-id="${keyId}"] [data-testid="key-last-used"]`);
    await eventually(
      async () => {
        await page.click('[data-testid="admin-section-users"]');
        await page.click('[data-testid="admin-section-keys"]');
        await lastUsed.waitFor();
        return (await lastUsed.textContent())?.includes('从未使用') === false ? true : undefined;
      },
      15_000,
      'the key shown as used',
    );

    await page.click(`[data-testid="key-row"][data-key-id="${keyId}"] [data-testid="key-revoke"]`);
    expect(await page.textContent('[data-testid="admin-confirm-text"]')).toContain('郑州绕城卡口系统');
    await page.click('[data-testid="admin-confirm-ok"]');
    await page.locator('[data-testid="admin-confirm"]').waitFor({ state: 'detached' });
    expect(await page.textContent('[data-testid="admin-result"]')).toContain(`#${keyId}`);
    await page
      .locator(`[data-testid="key-row"][data-key-id="${keyId}"] [data-testid="key-state"]`, { hasText: '已撤销' })
      .waitFor();
    const refused = await postRecords(vigil.baseUrl, 'anpr', secret, [{ ...record, event_id: 'admin-page-key-2' }]);
    expect(refused.status).toBe(401);
    await page.close();
  });

  it('shows the creation in the audit log, newest first, filtered by action and actor', async () => {
    const page = await openConsole(vigil, browser, province, 'admin');
    await page.click('[data-testid="admin-section-audit"]');
    await page.locator('[data-testid="audit-row"]').first().waitFor();
    const rows = await page.$$eval('[data-testid="audit-row"]', (rows) =>
      rows.map((r) => ({ id: Number(r.getAttribute('data-audit-id')), action: r.getAttribute('data-action') })),
    );
    const ids = rows.map((r) => r.id);
    expect(ids).toEqual([...ids].sort((x, y) => y - x));
    const issued = rows.findIndex((r) => r.action === 'source_key.issue');
    const revoked = rows.findIndex((r) => r.action === 'source_key.revoke');
    expect(revoked).toBeGreaterThanOrEqual(0);
    expect(issued).toBeGreaterThan(revoked);
    await shootForDocs(page, 'console-admin-audit');
    await page.selectOption('[data-testid="audit-action"]', 'user.create');
    await page.fill('[data-testid="audit-actor"]', 'admin');
    await page.click('[data-testid="audit-apply"]');
    // The filtered page replaces the whole list: every row then is an account's creation by the province admin.
    const actions = await eventually(
      async () => {
        const seen = await page.$$eval('[data-testid="audit-row"]', (rows) =>
          rows.map((r) => `${r.getAttribute('data-actor')} ${r.getAttribute('data-action')}`),
        );
        return seen.length > 0 && seen.every((a) => a === 'admin user.create') ? seen : undefined;
      },
      10_000,
      'the audit log filtered to the admin creating accounts',
    );
    expect(actions.length).toBe(3);
    const creation = page.locator(`[data-testid="audit-row"][data-target="${OFFICER.username}"]`);
    expect(await creation.getAttribute('data-action')).toBe('user.create');
    expect(await creation.textContent()).toContain('创建用户');
    // The account created is named as people know it.
    expect(await creation.textContent()).toContain(OFFICER.displayName);
    await page.close();
  });

  it("lets a city admin see only its city's accounts, and no source keys", async () => {
    const page = await openConsole(vigil, browser, cityAdmin, 'admin');
    await page.locator(`[data-testid="user-row"][data-username="${OFFICER.username}"]`).waitFor();
    const listed = await page.$$eval('[data-testid="user-row"]', (rows) =>
      rows.map((r) => r.getAttribute('data-username')),
    );
    expect(listed.sort()).toEqual([OFFICER.username, 'zz-admin'].sort());
    expect(await page.locator('[data-testid="admin-section-keys"]').count()).toBe(0);
    const units = await page.$$eval('[data-testid="users-filter-unit"] option', (options) =>
      options.map((o) => (o as HTMLOptionElement).value).filter((v) => v !== ''),
    );
    expect(units.every((code) => code.startsWith('4101'))).toBe(true);
    // What the page does not offer, the server refuses all the same.
    const keys = await fetch(`${vigil.baseUrl}/api/sources/keys`, {
      headers: { authorization: `Bearer ${cityAdmin.token}` },
    });
    expect(keys.status).toBe(403);
    await page.click('[data-testid="admin-section-audit"]');
    await page.locator('[data-testid="audit-table"]').waitFor();
    const actors = await page.$$eval('[data-testid="audit-row"]', (rows) =>
      rows.map((r) => r.getAttribute('data-actor')),
    );
    expect(actors.length).toBeGreaterThan(0);
    expect(actors.every((a) => a === 'zz-admin' || a === OFFICER.username)).toBe(true);
    const users = await api<{ users: { org_code: string }[] }>(vigil, cityAdmin.token, 'GET', '/api/users');
    expect(users.users.every((u) => u.org_code.startsWith('4101'))).toBe(true);
    await page.close();
  });
});
