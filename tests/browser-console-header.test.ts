/**
 * The duty console's header with the most it ever holds: an admin's eleven tabs and the critical-alarm chip (a lorry
 * at 170 km/h over real JT/T 808), for the province's own admin and for a city admin with a long user name and a
 * long display name. The header names the account by its display name (the username in its tooltip); at 1920×1080
 * and at 3840×2160 the account — name, role and unit — reads whole (not cut by an ellipsis), and every tab, the chip
 * and 退出 lie inside the window. The chip's pulse ends after a few seconds (it stays lit): nothing keeps drawing.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, shootForDocs, type TestBrowser } from './support/browser.js';
import { createPerson, openConsole, speedingEpisode, type Person } from './support/console-scenario.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

/** The longest the critical chip may pulse after it appears (wall/src/console/console.css). */
const CHIP_PULSE_MS_MAX = 15_000;
const LONG_USERNAME = 'zhengzhou-monitoring-centre-duty-chief';
const LONG_DISPLAY_NAME = '郑州市交通运输综合监控中心值班长';

let vigil: VigilProcess;
let browser: TestBrowser;
let people: { person: Person; account: string }[];

beforeAll(async () => {
  vigil = await startVigil();
  const admin = await vigil.login();
  const chief = await createPerson(vigil, admin, LONG_USERNAME, 'admin', '410100', { display_name: LONG_DISPLAY_NAME });
  people = [
    // The admin made at first start is named 省级管理员.
    {
      person: { username: 'admin', password: vigil.adminPassword, token: admin },
      account: '省级管理员 · 管理员 · 河南省',
    },
    { person: chief, account: `${LONG_DISPLAY_NAME} · 管理员 · 郑州市` },
  ];
  await speedingEpisode(vigil.jt808Port, '013971000900', '豫A71900', 170);
  browser = await launchBrowser({ width: 1920, height: 1080 });
});

afterAll(async () => {
  await browser?.close();
  await vigil?.stop({ removeData: true });
});

interface HeaderLayout {
  user: { text: string; title: string; cut: boolean; right: number };
  outside: string[];
  tabs: number;
}

async function headerLayout(page: Page): Promise<HeaderLayout> {
  return page.evaluate(() => {
    const user = document.querySelector<HTMLElement>('[data-testid="console-user"]')!;
    const header = document.querySelector<HTMLElement>('.console-header')!;
    const outside = [...header.querySelectorAll<HTMLElement>('h1, button, .console-user')]
      .filter((el) => {
        const box = el.getBoundingClientRect();
        return box.left < 0 || box.right > window.innerWidth || box.width === 0;
      })
      .map((el) => el.textContent ?? '');
    return {
      user: {
        text: user.textContent ?? '',
        title: user.title,
        cut: user.scrollWidth > user.clientWidth + 1,
        right: user.getBoundingClientRect().right,
      },
      outside,
      tabs: header.querySelectorAll('nav button').length,
    };
  });
}

describe('the console header of an admin', () => {
  it('reads the account whole at 1920×1080 and 3840×2160, every tab and chip inside the window', async () => {
    for (const [i, { person, account }] of people.entries()) {
      const page = await openConsole(vigil, browser, person);
      await page.locator('[data-testid="critical-chip"]').waitFor({ timeout: 60_000 });
      // 系统管理 is added once the session's abilities have been read, after the first paint of the header.
      await page.locator('[data-testid="tab-admin"]').waitFor({ timeout: 15_000 });
      for (const size of [
        { width: 1920, height: 1080 },
        { width: 3840, height: 2160 },
      ]) {
        await page.setViewportSize(size);
        const layout = await eventually(
          async () => {
            const seen = await headerLayout(page);
            // The unit's name replaces its code once /api/org-units has answered, which may be after the tabs.
            return seen.user.right <= size.width && seen.user.text === account ? seen : undefined;
          },
          10_000,
          `the header laid out at ${size.width}×${size.height}, reading ${account}`,
        );
        expect(layout.tabs).toBe(11);
        expect(layout.user.text).toBe(account);
        expect(layout.user.title).toBe(person.username);
        expect(layout.user.cut, `${account} cut at ${size.width}×${size.height}`).toBe(false);
        expect(layout.outside, `outside the window at ${size.width}×${size.height}`).toEqual([]);
      }
      // The chip pulses when it appears, then stays lit: a console open for hours with an alarm open draws nothing.
      // Every animation running on the page ends, and soon (an infinite one ends at Infinity).
      const animationEnds = await page.evaluate(() =>
        document.getAnimations().map((animation) => animation.effect?.getComputedTiming().endTime ?? null),
      );
      for (const end of animationEnds) expect(Number(end)).toBeLessThanOrEqual(CHIP_PULSE_MS_MAX);
      if (i === 1) await shootForDocs(page, 'console-header-admin');
      await page.close();
    }
    expect(browser.cspViolations()).toEqual([]);
  });
});
