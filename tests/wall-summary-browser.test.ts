/**
 * The wall's summary panels in chromium against a real `vigil start`: an alarm raised over JT/T 808 and
 * acknowledged by a duty officer, work orders issued top-down by a dispatcher, then the tiles (handling rate, open
 * and overdue orders, online vehicles) and the ranking of cities show exactly what `GET /api/summary` answers for
 * the wall's token. Both target sizes fit without scrolling; screenshots go to tests/artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { CentreSummary, CentreTrends } from '../schema/index.js';
import { PAGE_CSP } from '../center/index.js';
import { SUMMARY_POLL_MS, SUMMARY_STALE_AFTER_MS } from '../wall/src/summary/summary-poll.js';
import { artifactPath, launchBrowser, resizeWall, type TestBrowser } from './support/browser.js';
import { locationBody } from '../cli/demo/location.js';
import { SimulatedTerminal } from '../cli/demo/simulated-terminal.js';
import { driveOverspeedEpisode } from './support/overspeed-episode.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

const WALL_4K = { width: 3840, height: 2160 };
const WALL_8K_WIDE = { width: 7680, height: 2160 };
/** What the stale-and-restart case is watched at: it reads figures and a note, not the layout of the 4K wall. */
const WALL_1080 = { width: 1920, height: 1080 };
const PASSWORD = 'a long enough password';
/** The wall polls every 15 s; three polls is a generous bound on a loaded machine. */
const WALL_CATCH_UP_MS = 60_000;

let vigil: VigilProcess;
let browser: TestBrowser;
let page: Page;
let adminToken: string;

async function api<T>(
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${vigil.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function userToken(username: string, role: string, orgCode: string): Promise<string> {
  const created = await api(adminToken, 'POST', '/api/users', {
    username,
    password: PASSWORD,
    role,
    org_code: orgCode,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return vigil.login(username, PASSWORD);
}

interface WallFigures {
  handlingRate: string | null;
  ordersOpen: string | null;
  ordersOverdue: string | null;
  online: string | null;
  ranking: { code: string; rate: number; received: number; handled: number }[];
}

async function wallFigures(): Promise<WallFigures> {
  const value = async (testId: string) => page.locator(`[data-testid="${testId}"]`).getAttribute('data-value');
  return {
    handlingRate: await value('tile-handling-rate'),
    ordersOpen: await value('tile-orders-open'),
    ordersOverdue: await value('tile-orders-overdue'),
    online: await value('tile-online'),
    ranking: await page.$$eval('[data-testid="ranking-row"]', (rows) =>
      rows.map((row) => ({
        code: row.getAttribute('data-org-code') ?? '',
        rate: Number(row.getAttribute('data-rate')),
        received: Number(row.getAttribute('data-received')),
        handled: Number(row.getAttribute('data-handled')),
      })),
    ),
  };
}

function expectedFigures(summary: CentreSummary): WallFigures {
  return {
    handlingRate: summary.totals.handling_rate === null ? '' : String(summary.totals.handling_rate),
    ordersOpen: String(summary.totals.work_orders_open),
    ordersOverdue: String(summary.totals.work_orders_overdue),
    online: String(summary.totals.vehicles_online),
    ranking: summary.units
      .filter((u) => u.handling_rate !== null)
      .map((u) => ({
        code: u.org_code,
        rate: u.handling_rate ?? 0,
        received: u.alarms_received,
        handled: u.alarms_handled,
      })),
  };
}

/** Waits until the wall shows what the API answers now (asked again each round, in case it moved meanwhile). */
async function wallMatchesApi(token: string): Promise<CentreSummary> {
  let last = '';
  try {
    return await eventually(
      async () => {
        const summary = (await api<CentreSummary>(token, 'GET', '/api/summary')).body;
        const shown = await wallFigures();
        last = JSON.stringify({ shown, expected: expectedFigures(summary) });
        return JSON.stringify(shown) === JSON.stringify(expectedFigures(summary)) ? summary : undefined;
      },
      WALL_CATCH_UP_MS,
      'the wall showing the API summary',
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${last}`);
  }
}

/** Nothing scrolls and nothing spills out of the side panels at this size. */
async function expectNoOverflow(): Promise<void> {
  const overflow = await page.evaluate(() => {
    const root = document.scrollingElement ?? document.documentElement;
    const panels = [...document.querySelectorAll('.panel')].map((panel) => ({
      scroll: panel.scrollHeight,
      client: panel.clientHeight,
      bottom: panel.getBoundingClientRect().bottom,
    }));
    const sections = [...document.querySelectorAll('.panel-section')].map(
      (section) => section.getBoundingClientRect().bottom,
    );
    return {
      rootScroll: root.scrollHeight - root.clientHeight,
      panels,
      sectionsBottom: Math.max(...sections),
      height: window.innerHeight,
    };
  });
  expect(overflow.rootScroll).toBeLessThanOrEqual(0);
  for (const panel of overflow.panels) {
    expect(panel.scroll).toBeLessThanOrEqual(panel.client + 1);
    expect(panel.bottom).toBeLessThanOrEqual(overflow.height);
  }
  expect(overflow.sectionsBottom).toBeLessThanOrEqual(overflow.height);
}

beforeAll(async () => {
  vigil = await startVigil();
  adminToken = await vigil.login();
  browser = await launchBrowser(WALL_4K);
  page = await browser.context.newPage();
  // The page's clock runs with the real one, but the test can move it on (`fastForward`) past the wall's poll and
  // staleness timers instead of waiting them out in real time with Chromium drawing the wall all along.
  await page.clock.install();
});

afterAll(async () => {
  await browser?.close();
  await vigil?.stop({ removeData: true });
});

describe('the wall summary panels in chromium', () => {
  it('show the figures GET /api/summary answers for the wall token, ranked cities included', async () => {
    const officer = await userToken('officer-province', 'duty_officer', '410000');
    const dispatcher = await userToken('dispatcher-province', 'dispatcher', '410000');
    await driveOverspeedEpisode(vigil.jt808Port, '013912348001', '豫A8S001');
    await driveOverspeedEpisode(vigil.jt808Port, '013912348002', '豫A8S002');
    const alarms = await eventually(
      async () => {
        const listed = (
          await api<{ alarms: { alarm_id: string; state: string; org_code: string }[] }>(
            adminToken,
            'GET',
            '/api/alarms',
          )
        ).body.alarms;
        return listed.length >= 2 ? listed : undefined;
      },
      60_000,
      'two alarm cases at the command centres',
    );
    const acknowledged = await api(
      officer,
      'POST',
      `/api/alarms/${encodeURIComponent(alarms[0].alarm_id)}/acknowledge`,
    );
    expect(acknowledged.status, JSON.stringify(acknowledged.body)).toBe(200);
    for (const [orgCode, title] of [
      ['410100', '郑州市超速车辆整改'],
      ['410300', '洛阳市超速车辆整改'],
    ]) {
      const issued = await api(dispatcher, 'POST', '/api/work-orders', {
        title,
        category: 'overspeed',
        severity: 'warning',
        org_code: orgCode,
        department: 'road_transport',
      });
      expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    }

    await page.goto(`${vigil.baseUrl}/wall?token=${encodeURIComponent(vigil.wallToken)}&render=lite`);
    const summary = await wallMatchesApi(vigil.wallToken);
    expect(summary.totals.alarms_received).toBeGreaterThanOrEqual(2);
    expect(summary.totals.alarms_handled).toBeGreaterThanOrEqual(1);
    expect(summary.totals.work_orders_open).toBeGreaterThanOrEqual(2);
    expect(summary.totals.vehicles_online).toBeGreaterThanOrEqual(2);
    expect(summary.units.filter((u) => u.handling_rate !== null).map((u) => u.org_code)).toContain('410100');
    await expect(page.locator('[data-testid="tile-handling-rate"] .tile-value').innerText()).resolves.toBe(
      `${Math.round((summary.totals.handling_rate ?? 0) * 100)}%`,
    );
    await expect(page.locator('[data-testid="handling-ranking"]').innerText()).resolves.toContain('郑州市');
    await expect(page.locator('.panel-ranking .panel-title').innerText()).resolves.toContain(
      '各市及省直管县处置率排名',
    );

    // The 30 days' bars: each day's alarms received and, inside, handled, as GET /api/summary/trends answers.
    const bars = await eventually(
      async () => {
        const trends = (await api<CentreTrends>(vigil.wallToken, 'GET', '/api/summary/trends')).body;
        const shown = await page.$$eval('[data-testid="trend-day"]', (rects) =>
          rects.map((r) => [
            r.getAttribute('data-day'),
            r.getAttribute('data-received'),
            r.getAttribute('data-handled'),
          ]),
        );
        const expected = trends.days.map((d) => [
          String(d.day_start),
          String(d.alarms_received),
          String(d.alarms_handled),
        ]);
        return JSON.stringify(shown) === JSON.stringify(expected) ? trends : undefined;
      },
      WALL_CATCH_UP_MS + 60_000,
      'the wall showing the 30 days of GET /api/summary/trends',
    );
    expect(bars.days[29]!.alarms_handled).toBeGreaterThanOrEqual(1);

    await expectNoOverflow();
    await page.screenshot({ path: artifactPath('wall-summary-3840x2160.png') });
    await resizeWall(page, WALL_8K_WIDE);
    await expectNoOverflow();
    await page.screenshot({ path: artifactPath('wall-summary-7680x2160.png') });
    await page.setViewportSize(WALL_4K);
  }, 240_000);

  it('speaks English with ?lang=en, and a city wall ranks its counties only', async () => {
    const cityWall = await userToken('wall-zhengzhou', 'wall', '410100');
    await page.goto(`${vigil.baseUrl}/wall?token=${encodeURIComponent(cityWall)}&render=lite&lang=en`);
    const summary = await wallMatchesApi(cityWall);
    expect(summary.scope.org_code).toBe('410100');
    expect(summary.units.every((u) => u.org_code.startsWith('4101') && u.level === 'county')).toBe(true);
    await expect(page.locator('.panel-ranking .panel-title').innerText()).resolves.toContain(
      'Counties by handling rate',
    );
    await expect(page.locator('[data-testid="tile-orders-overdue"] .tile-label').innerText()).resolves.toBe(
      'Overdue work orders',
    );
    await expectNoOverflow();
    await page.screenshot({ path: artifactPath('wall-summary-city-en-3840x2160.png') });
  });

  it('fits the longest rule name beside its bar at 4K', async () => {
    // 终端当天累计驾驶超时, the longest rule name, from the terminal's own alarm bit 18 (daily driving exceeded).
    const terminal = new SimulatedTerminal({ phone: '013912348003', plate: '豫A8S003', plateColor: 2, version: 2013 });
    await terminal.connect('127.0.0.1', vigil.jt808Port);
    try {
      await terminal.logIn();
      const now = Date.now();
      for (const [i, time] of [now - 2_000, now - 1_000].entries()) {
        const fix = { lat: 34.75 + i * 0.001, lon: 113.66, speedKmh: 50, directionDeg: 90, time, alarmBits: 1 << 18 };
        expect((await terminal.request({ msgId: 0x0200, body: locationBody(fix, 2013) })).msgId).toBe(0x8001);
      }
    } finally {
      terminal.close();
    }
    await page.setViewportSize(WALL_4K);
    await page.goto(`${vigil.baseUrl}/wall?token=${encodeURIComponent(vigil.wallToken)}&render=lite`);
    const label = page.locator('[data-testid="chart-by-rule"] .chart-label', { hasText: '终端当天累计驾驶超时' });
    await eventually(
      async () => {
        if ((await label.count()) > 0) return true;
        await page.clock.fastForward(SUMMARY_POLL_MS);
        return undefined;
      },
      60_000,
      'the daily-driving alarm in the chart',
    );
    // Every name starts inside the chart: none runs off the panel's left edge.
    const lefts = await page.evaluate(() => {
      const chart = document.querySelector('[data-testid="chart-by-rule"]')!;
      const left = chart.getBoundingClientRect().left;
      return [...chart.querySelectorAll('.chart-label')].map((t) => [
        t.textContent,
        t.getBoundingClientRect().left - left,
      ]);
    });
    expect(lefts.length).toBeGreaterThan(1);
    for (const [name, offset] of lefts) expect(offset, String(name)).toBeGreaterThanOrEqual(0);
    await page.screenshot({ path: artifactPath('wall-summary-long-rule-3840x2160.png') });
  });

  it('keeps the last figures on screen while the server is down, marks them stale, and follows the restarted server', async () => {
    await page.setViewportSize(WALL_1080);
    await page.goto(`${vigil.baseUrl}/wall?token=${encodeURIComponent(vigil.wallToken)}&render=lite`);
    const before = await wallMatchesApi(vigil.wallToken);
    const shownBefore = await wallFigures();
    const { dataDir, httpPort, jt808Port } = vigil;
    await vigil.stop();
    // Polls fail from now on; once the last good answer is older than SUMMARY_STALE_AFTER_MS (45 s) the corner says
    // so and the figures stay. The page's clock jumps past that bound and fires the poll due meanwhile; were the jump
    // to miss it, the clock still runs on and the next poll, at most SUMMARY_POLL_MS later, marks it.
    expect(await page.locator('[data-testid="summary-freshness"][data-stale="true"]').count()).toBe(0);
    await page.clock.fastForward(SUMMARY_STALE_AFTER_MS + 1_000);
    await page
      .locator('[data-testid="summary-freshness"][data-stale="true"]')
      .waitFor({ state: 'attached', timeout: 90_000 });
    expect(await wallFigures()).toEqual(shownBefore);
    await expect(page.locator('[data-testid="summary-freshness"]').innerText()).resolves.toContain('统计停止更新');

    vigil = await startVigil({ dataDir, httpPort, jt808Port });
    // The next poll, brought forward, reaches the restarted server.
    await page.clock.fastForward(SUMMARY_POLL_MS);
    await page
      .locator('[data-testid="summary-freshness"][data-stale="false"]')
      .waitFor({ state: 'attached', timeout: 90_000 });
    const after = await wallMatchesApi(vigil.wallToken);
    // Today's alarms and the open orders are in PostgreSQL: the restart loses none of them.
    expect(after.totals.alarms_received).toBe(before.totals.alarms_received);
    expect(after.totals.work_orders_open).toBe(before.totals.work_orders_open);
  }, 300_000);

  it('ran under the page Content-Security-Policy without violating it', async () => {
    const html = await fetch(`${vigil.baseUrl}/wall`);
    expect(html.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(browser.cspViolations()).toEqual([]);
  });
});
