/**
 * Road flow, rail hubs and vessels on the wall, against a real `vigil start`: traffic survey counts, rail passenger
 * flows and AIS messages are posted through the HTTP ingestion with keys of their kinds, and
 * `GET /api/summary/flows` answers each wall's token with its own scope's rows — the province all, Zhengzhou its
 * survey stations and hubs but not Luoyang's, 金水区 none of Zhengzhou's other counties' — with the latest
 * interval per station (a corrected interval replacing the first, a whole-direction row not added to its lanes),
 * vehicles per hour, heavy vehicles' share, and each vessel where it was last heard. Then chromium shows the same
 * figures in the wall's road and rail panels and the vessels on their own map layer.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CentreFlows } from '../schema/index.js';
import { encodePosition, encodeVoyage, toSentences } from '../ingest/index.js';
import { issueKey, postRecords } from './support/ingest-client.js';
import {
  artifactPath,
  docScreenshotPath,
  launchBrowser,
  refreshingPictures,
  type TestBrowser,
} from './support/browser.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

const PASSWORD = 'a long enough password';
const SIZES = [
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
] as const;
/** The default layout's 16′ floor in design pixels (app/wall-layout.ts), as tests/browser-wall-centres.test.ts. */
const SECONDARY_TEXT_DESIGN_PX = 37;
const MIN = 60_000;

let vigil: VigilProcess;
let browser: TestBrowser;
let admin: string;
const tokens: Record<'province' | 'city' | 'county', string> = { province: '', city: '', county: '' };
const now = Date.now();
/** The last two whole quarter hours, as survey stations count. */
const latest = Math.floor((now - 15 * MIN) / (15 * MIN)) * 15 * MIN;
const earlier = latest - 15 * MIN;

async function api<T>(token: string, path: string, method = 'GET', body?: unknown): Promise<T> {
  const response = await fetch(`${vigil.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status, path).toBeLessThan(300);
  return (await response.json()) as T;
}

async function wallToken(username: string, orgCode: string): Promise<string> {
  await api(admin, '/api/users', 'POST', { username, password: PASSWORD, role: 'wall', org_code: orgCode });
  return vigil.login(username, PASSWORD);
}

function count(
  station: { id: string; name: string; road: string; org: string },
  start: number,
  direction: string,
  lane: number,
  vehicleClass: string,
  volume: number,
): Record<string, unknown> {
  return {
    station_id: station.id,
    station_name: station.name,
    road: station.road,
    direction,
    lane,
    vehicle_class: vehicleClass,
    interval_start: new Date(start).toISOString(),
    interval_minutes: 15,
    volume,
    org_code: station.org,
  };
}

/** 金水区 (Zhengzhou), 新郑 (Zhengzhou) and 洛阳 老城区. */
const JINSHUI = { id: 'JD-FLOW-G107', name: '金水观测站', road: 'G107', org: '410105' };
const XINZHENG = { id: 'JD-FLOW-S102', name: '新郑观测站', road: 'S102', org: '410184' };
const LUOYANG = { id: 'JD-FLOW-G310', name: '老城观测站', road: 'G310', org: '410302' };

async function postCounts(): Promise<void> {
  const { key } = await issueKey(vigil.baseUrl, admin, 'traffic_count', '410000', 'survey stations');
  const records = [
    // An earlier interval, not shown: only each station's latest is.
    count(JINSHUI, earlier, '上行', 0, '中小客车', 999),
    // 金水: per lane up, whole direction down; a bare class code counts in the volume, not in the share.
    count(JINSHUI, latest, '上行', 1, '中小客车', 100),
    count(JINSHUI, latest, '上行', 2, '大型货车', 50),
    count(JINSHUI, latest, '下行', 0, '中小客车', 120),
    count(JINSHUI, latest, '下行', 0, '集装箱车', 30),
    count(JINSHUI, latest, '下行', 0, '7', 10),
    // 新郑: sent wrong at first, then corrected.
    count(XINZHENG, latest, '上行', 0, '中小客车', 500),
    count(LUOYANG, latest, '上行', 0, '特大型货车', 40),
    count(LUOYANG, latest, '上行', 0, '中小客车', 60),
  ];
  expect((await postRecords(vigil.baseUrl, 'traffic_count', key, records)).body).toMatchObject({ rejected: [] });
  const correction = [count(XINZHENG, latest, '上行', 0, '中小客车', 80)];
  expect((await postRecords(vigil.baseUrl, 'traffic_count', key, correction)).body).toMatchObject({ rejected: [] });
}

async function postRail(): Promise<void> {
  const { key } = await issueKey(vigil.baseUrl, admin, 'rail_flow', '410000', 'rail hubs');
  const hub = (id: string, name: string, org: string, start: number, arrivals: number, departures: number) => ({
    station_id: id,
    station_name: name,
    interval_start: new Date(start).toISOString(),
    interval_minutes: 15,
    arrivals,
    departures,
    org_code: org,
  });
  const records = [
    hub('ZAF', '郑州东', '410105', earlier, 1000, 1100),
    hub('ZAF', '郑州东', '410105', latest, 2345, 2100),
    hub('LLF', '洛阳龙门', '410302', latest, 700, 650),
  ];
  expect((await postRecords(vigil.baseUrl, 'rail_flow', key, records)).body).toMatchObject({ rejected: [] });
}

async function postVessels(): Promise<void> {
  const { key } = await issueKey(vigil.baseUrl, admin, 'ais', '410000', 'AIS receivers');
  const position = (mmsi: number, lon: number, lat: number, atMs: number) => ({
    station_id: 'AIS-TEST',
    time: new Date(atMs).toISOString(),
    sentences: toSentences(
      encodePosition({
        type: 1,
        mmsi,
        navStatus: 0,
        speedKnots: 6,
        lon,
        lat,
        courseDeg: 90,
        headingDeg: 90,
        utcSecond: 0,
      }),
    ),
  });
  const voyage = {
    station_id: 'AIS-TEST',
    time: new Date(now - 5 * MIN).toISOString(),
    sentences: toSentences(
      encodeVoyage({
        type: 5,
        mmsi: 413_990_101,
        imo: 0,
        callSign: 'BZK1',
        name: 'YU ZHOU HUO 7',
        shipType: 70,
        lengthM: 60,
        beamM: 11,
        draughtM: 3,
        destination: 'ZHOUKOU',
        eta: { month: 0, day: 0, hour: 24, minute: 60 },
      }),
    ),
  };
  const records = [
    // On the Shaying river in 周口 (411600): heard twice, the later fix is where it is.
    position(413_990_101, 114.6, 33.62, now - 4 * MIN),
    position(413_990_101, 114.65, 33.62, now - 2 * MIN),
    voyage,
    // On the Yellow river north of 金水区, heard an hour ago: off the map.
    position(413_990_102, 113.68, 34.9, now - 60 * MIN),
    // Heard in Zhengzhou, then in 周口: it has left Zhengzhou's map.
    position(413_990_103, 113.65, 34.8, now - 10 * MIN),
    position(413_990_103, 114.7, 33.62, now - 3 * MIN),
  ];
  expect((await postRecords(vigil.baseUrl, 'ais', key, records)).body).toMatchObject({ rejected: [] });
}

beforeAll(async () => {
  vigil = await startVigil();
  admin = await vigil.login();
  tokens.province = vigil.wallToken;
  tokens.city = await wallToken('wall-flows-zhengzhou', '410100');
  tokens.county = await wallToken('wall-flows-jinshui', '410105');
  await postCounts();
  await postRail();
  await postVessels();
  browser = await launchBrowser(SIZES[1]);
});

afterAll(async () => {
  await browser?.close();
  await vigil?.stop({ removeData: true });
});

describe('GET /api/summary/flows', () => {
  it("answers the province with every station's latest interval, per hour, with the heavy share", async () => {
    const flows = await api<CentreFlows>(tokens.province, '/api/summary/flows');
    expect(flows.scope.org_code).toBe('410000');
    expect(
      flows.roads.map((r) => [r.station_id, r.road, r.interval_start, r.vehicles_per_hour, r.heavy_share]),
    ).toEqual([
      // 金水: (100 + 50 + 120 + 30 + 10) × 4; heavy 80 of the 300 named.
      ['JD-FLOW-G107', 'G107', latest, 1240, 80 / 300],
      ['JD-FLOW-G310', 'G310', latest, 400, 0.4],
      ['JD-FLOW-S102', 'S102', latest, 320, 0],
    ]);
    expect(flows.hubs.map((h) => [h.station_name, h.interval_start, h.arrivals, h.departures])).toEqual([
      ['郑州东', latest, 2345, 2100],
      ['洛阳龙门', latest, 700, 650],
    ]);
    // Today's totals count the earlier interval when it fell on today's Beijing date.
    const zhengzhouEast = flows.hubs[0]!;
    expect([3345, 2345]).toContain(zhengzhouEast.arrivals_today);
    expect(flows.vessels.map((v) => [v.mmsi, v.name, v.lon, v.org_code.slice(0, 4)])).toEqual([
      [413_990_101, 'YU ZHOU HUO 7', 114.65, '4116'],
      [413_990_103, '', 114.7, '4116'],
    ]);
  });

  it('answers a city and a county with their own rows only', async () => {
    const city = await api<CentreFlows>(tokens.city, '/api/summary/flows');
    expect(city.roads.map((r) => r.station_id)).toEqual(['JD-FLOW-G107', 'JD-FLOW-S102']);
    expect(city.hubs.map((h) => h.station_id)).toEqual(['ZAF']);
    expect(city.vessels).toEqual([]);
    const county = await api<CentreFlows>(tokens.county, '/api/summary/flows');
    expect(county.roads.map((r) => r.station_id)).toEqual(['JD-FLOW-G107']);
    expect(county.hubs.map((h) => h.station_id)).toEqual(['ZAF']);
  });
});

interface ShownRow {
  id: string | null;
  text: string;
}

async function shownRows(page: Page, testId: string): Promise<ShownRow[]> {
  return page.locator(`[data-testid="${testId}"]`).evaluateAll((rows) =>
    rows.map((row) => ({
      id: row.getAttribute('data-station-id'),
      text: (row.textContent ?? '').replace(/\s+/g, ''),
    })),
  );
}

/** The panels of the right side and the legend: none overlaps another, none leaves the screen, no text too small. */
async function expectLaidOut(page: Page): Promise<void> {
  const problems = await page.evaluate((floorDesignPx) => {
    const out: string[] = [];
    const boxes = [...document.querySelectorAll('.panel-right .panel-section, .legend')].map((el) => ({
      name: el.querySelector('.panel-title span')?.textContent ?? el.className,
      box: el.getBoundingClientRect(),
    }));
    for (const [i, a] of boxes.entries()) {
      if (a.box.bottom > window.innerHeight + 0.5 || a.box.right > window.innerWidth + 0.5)
        out.push(`${a.name} leaves the screen`);
      for (const b of boxes.slice(i + 1)) {
        const overlap =
          a.box.left < b.box.right - 0.5 &&
          b.box.left < a.box.right - 0.5 &&
          a.box.top < b.box.bottom - 0.5 &&
          b.box.top < a.box.bottom - 0.5;
        if (overlap) out.push(`${a.name} overlaps ${b.name}`);
      }
    }
    // A section cut by the bottom of its slot (slots keep sections off the seams and hide what overflows).
    for (const section of document.querySelectorAll('.panel-slot > .panel-flows')) {
      const slot = section.parentElement!.getBoundingClientRect();
      if (section.getBoundingClientRect().bottom > slot.bottom + 0.5)
        out.push(`${section.querySelector('.panel-title span')?.textContent} cut by its slot`);
    }
    const floor = (floorDesignPx * window.innerHeight) / 2160 - 0.5;
    for (const el of document.querySelectorAll('.panel-flows *, [data-testid="legend-vessels"]')) {
      const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (own && px < floor) out.push(`${el.textContent?.slice(0, 30)}: ${px.toFixed(1)}px < ${floor.toFixed(1)}px`);
      if (own && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflow === 'hidden')
        out.push(`${el.textContent?.slice(0, 30)}: cut`);
    }
    const rows = [...document.querySelectorAll('.flow-row')];
    for (const row of rows) {
      const rowBox = row.getBoundingClientRect();
      for (const cell of row.children) {
        const box = cell.getBoundingClientRect();
        if (box.right > rowBox.right + 0.5) out.push(`${row.textContent?.slice(0, 30)}: runs past its row`);
      }
    }
    return out;
  }, SECONDARY_TEXT_DESIGN_PX);
  expect(problems).toEqual([]);
}

describe('the wall in chromium', () => {
  for (const size of SIZES) {
    it(`shows the province's road flow, rail hubs and vessels at ${size.width}×${size.height}`, async () => {
      const page = await browser.context.newPage();
      try {
        await page.setViewportSize(size);
        await page.goto(`${vigil.baseUrl}/wall?token=${encodeURIComponent(tokens.province)}`);
        await page.locator('.maplibregl-canvas').waitFor({ state: 'attached', timeout: 60_000 });
        const roads = await eventually(
          async () => {
            const rows = await shownRows(page, 'road-flow');
            return rows.length === 3 ? rows : undefined;
          },
          60_000,
          'the road flow panel',
        );
        expect(roads).toEqual([
          { id: 'JD-FLOW-G107', text: 'G107金水观测站1,240辆/时重车27%' },
          { id: 'JD-FLOW-G310', text: 'G310老城观测站400辆/时重车40%' },
          { id: 'JD-FLOW-S102', text: 'S102新郑观测站320辆/时重车0%' },
        ]);
        expect(await shownRows(page, 'hub-flow')).toEqual([
          { id: 'ZAF', text: '郑州东到达2,345发送2,100' },
          { id: 'LLF', text: '洛阳龙门到达700发送650' },
        ]);
        await expect.poll(() => page.locator('[data-testid="legend-vessels"]').getAttribute('data-count')).toBe('2');
        expect(await page.locator('[data-testid="legend-vessels"]').textContent()).toBe('船舶 2');
        await expectLaidOut(page);
        // Only for the picture (nothing is decided by it): the map's first frames may come after the panels.
        if (refreshingPictures()) await page.waitForTimeout(1_500);
        const name = `wall-flows-province-${size.width}x${size.height}.png`;
        await page.screenshot({ path: docScreenshotPath(name) });
      } finally {
        await page.close();
      }
    });
  }

  for (const layout of ['3x3-1080p', '1x1-4k'] as const) {
    it(`fits the road and rail panels in the ${layout} layout`, async () => {
      const page = await browser.context.newPage();
      try {
        await page.setViewportSize(SIZES[0]);
        await page.goto(`${vigil.baseUrl}/wall?token=${encodeURIComponent(tokens.province)}&layout=${layout}`);
        await eventually(
          async () => ((await shownRows(page, 'hub-flow')).length === 2 ? true : undefined),
          60_000,
          `the ${layout} wall`,
        );
        expect((await shownRows(page, 'road-flow')).map((r) => r.id)).toEqual([
          'JD-FLOW-G107',
          'JD-FLOW-G310',
          'JD-FLOW-S102',
        ]);
        await page.screenshot({ path: artifactPath(`wall-flows-${layout}.png`) });
        await expectLaidOut(page);
      } finally {
        await page.close();
      }
    });
  }

  it('shows a county wall its own station and hub only, and no vessel where it has none', async () => {
    const page = await browser.context.newPage();
    try {
      await page.setViewportSize(SIZES[0]);
      await page.goto(`${vigil.baseUrl}/wall?token=${encodeURIComponent(tokens.county)}`);
      await eventually(
        async () => ((await shownRows(page, 'hub-flow')).length === 1 ? true : undefined),
        60_000,
        'the county wall',
      );
      expect((await shownRows(page, 'road-flow')).map((r) => r.id)).toEqual(['JD-FLOW-G107']);
      expect((await shownRows(page, 'hub-flow')).map((r) => r.id)).toEqual(['ZAF']);
      expect(await page.locator('[data-testid="legend-vessels"]').getAttribute('data-count')).toBe('0');
      await expectLaidOut(page);
    } finally {
      await page.close();
    }
  });
});
