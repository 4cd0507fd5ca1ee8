/**
 * A wall whose kiosk session an admin revokes, in a real browser against a real `vigil start`: the server closes
 * the wall's WebSocket (4401) as soon as the session is revoked, and the wall shows the refused-token screen
 * instead of silently keeping the last picture. A screenshot goes to tests/artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactPath, launchBrowser, type TestBrowser } from './support/browser.js';
import { startVigil, type VigilProcess } from './support/vigil-process.js';

let vigil: VigilProcess;
let browser: TestBrowser;
let page: Page;

beforeAll(async () => {
  vigil = await startVigil();
  browser = await launchBrowser({ width: 1920, height: 1080 });
  page = await browser.context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await vigil?.stop({ removeData: true });
});

describe('a revoked wall', () => {
  it('shows the refused-token screen once an admin revokes its session', async () => {
    await page.goto(`${vigil.baseUrl}/wall?token=${encodeURIComponent(vigil.wallToken)}&render=lite`);
    await page.locator('[data-testid="connection-state"][data-state="live"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid="unauthorized"]').count()).toBe(0);

    const admin = await vigil.login();
    const listed = (await (
      await fetch(`${vigil.baseUrl}/api/sessions`, { headers: { authorization: `Bearer ${admin}` } })
    ).json()) as { sessions: { id: number; username: string }[] };
    const wall = listed.sessions.find((s) => s.username === 'wall-410000');
    expect(wall).toBeDefined();
    const revoked = await fetch(`${vigil.baseUrl}/api/sessions/${wall!.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(revoked.status).toBe(200);
    const started = Date.now();
    await page.locator('[data-testid="unauthorized"]').waitFor({ timeout: 10_000 });
    // The socket closes within a second; the screen follows on the wall's next render.
    expect(Date.now() - started).toBeLessThan(5_000);
    await page.screenshot({ path: artifactPath('wall-revoked-1920x1080.png') });
  });
});
