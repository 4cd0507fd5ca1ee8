/**
 * A wall left alone, then revoked, in a real browser against a real `vigil start` with no traffic: while nothing
 * changes the wall asks the browser for (almost) no frames and runs no animation — a wall is open day and night,
 * and deck.gl's render loop alone used to keep Chromium drawing 55 frames a second — and when an admin revokes its
 * kiosk session the server closes the wall's WebSocket (4401) and the wall shows the refused-token screen instead of
 * silently keeping the last picture. A screenshot goes to tests/artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactPath, launchBrowser, type TestBrowser } from './support/browser.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

let vigil: VigilProcess;
let browser: TestBrowser;
let page: Page;

/**
 * How long the idle wall is watched, and the most animation frames a second it may ask for meanwhile: the map
 * driver's once-a-second look at the feed (map/map-driver.ts) and the frame that times a redraw, with room to spare.
 * deck.gl's loop left running asks for one per vsync, 60 a second (20–60 on this machine under load).
 */
const IDLE_WINDOW_MS = 5_000;
const IDLE_FRAMES_PER_S_MAX = 3;

/**
 * Counts the animation-frame callbacks the page's own code runs (`window.__frameCallbacks`) without asking for any
 * frame itself. A string, so that nothing the test runner adds to compiled functions is sent into the page.
 */
const COUNT_FRAME_CALLBACKS = `
  window.__frameCallbacks = 0;
  {
    const request = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (callback) => request((time) => { window.__frameCallbacks += 1; callback(time); });
  }`;

beforeAll(async () => {
  vigil = await startVigil();
  browser = await launchBrowser({ width: 1920, height: 1080 });
  await browser.context.addInitScript(COUNT_FRAME_CALLBACKS);
  page = await browser.context.newPage();
  await page.goto(`${vigil.baseUrl}/wall?token=${encodeURIComponent(vigil.wallToken)}&render=lite`);
  await page.locator('[data-testid="connection-state"][data-state="live"]').waitFor({ timeout: 60_000 });
});

afterAll(async () => {
  await browser?.close();
  await vigil?.stop({ removeData: true });
});

describe('a wall left alone', () => {
  it('asks for almost no frames and runs no animation while nothing changes', async () => {
    // deck.gl's loop goes to sleep once its first layers are drawn, if it is behind the gate (asserted below).
    const loop = await eventually(
      async () => {
        const state = await page.evaluate(() => window.__vigilWall?.deckLoop() ?? null);
        return state !== null && (state.asleep || !state.gated) ? state : undefined;
      },
      30_000,
      "deck.gl's first drawing done",
    );
    const read = (): Promise<{ callbacks: number; at: number }> =>
      page.evaluate(() => ({
        callbacks: (window as unknown as { __frameCallbacks: number }).__frameCallbacks,
        at: performance.now(),
      }));
    // Frames counted over windows of IDLE_WINDOW_MS until one is quiet: a map source or style image that finishes
    // loading late (on a loaded machine) is a change and is drawn, but a loop that never sleeps never gives a quiet
    // window. Each window's rate is kept for the failure's message.
    const rates: string[] = [];
    await eventually(
      async () => {
        const before = await read();
        // The window the frames are counted over; nothing is waited for.
        await new Promise((resolve) => setTimeout(resolve, IDLE_WINDOW_MS));
        const after = await read();
        const perSecond = (after.callbacks - before.callbacks) / ((after.at - before.at) / 1_000);
        rates.push(perSecond.toFixed(2));
        return perSecond < IDLE_FRAMES_PER_S_MAX ? perSecond : undefined;
      },
      40_000,
      () =>
        `a window of ${IDLE_WINDOW_MS} ms with fewer than ${IDLE_FRAMES_PER_S_MAX} animation frames a second on an ` +
        `idle wall (frames a second in each window: ${rates.join(', ')})`,
      0,
    );
    const running = await page.evaluate(() =>
      document
        .getAnimations()
        .filter((animation) => animation.playState === 'running')
        .map((animation) => (animation as CSSAnimation).animationName),
    );
    expect(running, 'animations running on an idle wall').toEqual([]);
    expect(loop.gated, "deck.gl's loop behind the frame gate").toBe(true);
  });
});

describe('a revoked wall', () => {
  it('shows the refused-token screen once an admin revokes its session', async () => {
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
