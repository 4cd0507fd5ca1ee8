/**
 * The wall's taxi layer against a real `vigil start`: the demo's 44 taxis and ride-hailing cars (36 in Zhengzhou, 8 in
 * Luoyang, cli/demo/demo-taxis.ts) report their positions through the HTTP ingestion with a `taxi_position` key, and
 * one Zhengzhou car last heard in Luoyang. `GET /api/summary/flows` answers each wall with the cars of its own scope
 * where they were last heard — Zhengzhou's wall never gets Luoyang's cars, nor the one that drove there — and a car
 * silent for longer than the window is off every map. Chromium then draws Zhengzhou's cars on their own deck.gl layer
 * with a legend entry, and a wall whose address hides the layer (`?hide=taxis`) draws none.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CentreFlows } from '../schema/index.js';
import { DEMO_TAXI_PLATES, taxiRecordsAt } from '../cli/demo/demo-taxis.js';
import { issueKey, postRecords } from './support/ingest-client.js';
import { launchBrowser, shootForDocs, type TestBrowser } from './support/browser.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

const PASSWORD = 'a long enough password';
const MIN = 60_000;
const now = Date.now();
/** A Zhengzhou ride-hailing car of the demo that has driven to Luoyang since; and a car heard 20 minutes ago. */
const TRAVELLER = '豫AD60001';
const SILENT = '豫AT6999';

let vigil: VigilProcess;
let browser: TestBrowser;
const tokens = { zhengzhou: '', luoyang: '' };

async function wallUser(admin: string, username: string, orgCode: string): Promise<string> {
  const created = await fetch(`${vigil.baseUrl}/api/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}` },
    body: JSON.stringify({ username, password: PASSWORD, role: 'wall', org_code: orgCode }),
  });
  expect(created.status).toBeLessThan(300);
  return vigil.login(username, PASSWORD);
}

async function flows(token: string): Promise<CentreFlows> {
  const response = await fetch(`${vigil.baseUrl}/api/summary/flows`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as CentreFlows;
}

beforeAll(async () => {
  vigil = await startVigil();
  const admin = await vigil.login();
  tokens.zhengzhou = await wallUser(admin, 'wall-taxis-zhengzhou', '410100');
  tokens.luoyang = await wallUser(admin, 'wall-taxis-luoyang', '410300');
  const { key } = await issueKey(vigil.baseUrl, admin, 'taxi_position', '410000', 'province taxi platforms');
  // The demo ten minutes in, its cars' positions of 20 s ago.
  const demo = taxiRecordsAt(600, now - 620_000).positions;
  const records = [
    ...demo,
    // Later than its demo position: in Luoyang's old town.
    {
      CompanyId: '91410100MA9DEMO02R',
      VehicleNo: TRAVELLER,
      PositionTime: Math.floor((now - 5_000) / 1000),
      Longitude: 112454000,
      Latitude: 34683000,
      Encrypt: 2,
    },
    {
      service: 'taxi',
      company_id: '91410100MA9DEMO03T',
      plate: SILENT,
      time: now - 20 * MIN,
      lat: 34.757,
      lon: 113.665,
    },
  ];
  const posted = await postRecords(vigil.baseUrl, 'taxi_position', key, records);
  expect(posted.body).toMatchObject({ accepted: records.length, rejected: [] });
  browser = await launchBrowser({ width: 1920, height: 1080 });
});

afterAll(async () => {
  await browser?.close();
  await vigil?.stop({ removeData: true });
});

describe('taxis in GET /api/summary/flows', () => {
  it("answers each wall with its own scope's cars where they were last heard", async () => {
    const province = await flows(vigil.wallToken);
    expect(province.taxi_window_minutes).toBe(10);
    expect(province.taxis.map((t) => t.plate).sort()).toEqual([...DEMO_TAXI_PLATES].sort());
    const zhengzhou = await flows(tokens.zhengzhou);
    const luoyang = await flows(tokens.luoyang);
    const zhengzhouPlates = DEMO_TAXI_PLATES.filter((p) => p.startsWith('豫A') && p !== TRAVELLER);
    expect(zhengzhou.taxis.map((t) => t.plate).sort()).toEqual(zhengzhouPlates.sort());
    expect(zhengzhou.taxis.every((t) => t.org_code.startsWith('4101'))).toBe(true);
    expect(luoyang.taxis.map((t) => t.plate).sort()).toEqual(
      [...DEMO_TAXI_PLATES.filter((p) => p.startsWith('豫C')), TRAVELLER].sort(),
    );
    expect(luoyang.taxis.every((t) => t.org_code.startsWith('4103'))).toBe(true);
    const traveller = luoyang.taxis.find((t) => t.plate === TRAVELLER);
    expect(traveller).toMatchObject({ service: 'ride_hailing', lat: 34.683, lon: 112.454 });
    // The demo's cars carry their state and company as the platforms sent them.
    const car = zhengzhou.taxis.find((t) => t.plate === '豫AT6001');
    expect(car).toMatchObject({ service: 'taxi', company_id: '91410100MA9DEMO03T' });
    expect(['hired', 'vacant']).toContain(car?.biz_state);
  });
});

async function overlayMarks(page: Page, id: string): Promise<number | null> {
  return page.evaluate((layer) => window.__vigilWall?.overlayMarks(layer) ?? null, id);
}

describe('the taxi layer in chromium', () => {
  it("draws Zhengzhou's cars on their own layer with a legend entry", async () => {
    const page = await browser.context.newPage();
    try {
      await page.goto(`${vigil.baseUrl}/wall?token=${encodeURIComponent(tokens.zhengzhou)}`);
      await page.locator('.maplibregl-canvas').waitFor({ state: 'attached', timeout: 60_000 });
      const expected = DEMO_TAXI_PLATES.filter((p) => p.startsWith('豫A')).length - 1;
      await eventually(
        async () => ((await overlayMarks(page, 'taxis')) === expected ? true : undefined),
        60_000,
        "the taxi layer drawing Zhengzhou's cars",
      );
      const legend = page.locator('[data-testid="legend-taxis"]');
      expect(await legend.getAttribute('data-count')).toBe(String(expected));
      expect(await legend.textContent()).toBe(`出租/网约车 ${expected}`);
      // With the taxis and vessels in it the legend stays between the side panels (it wraps rather than run
      // under the live alarm list), and the count above it overlaps neither.
      const placed = await page.evaluate(() => {
        const box = (selector: string) => document.querySelector(selector)!.getBoundingClientRect();
        const [left, right, legend, count] = [
          box('.panel-left'),
          box('.panel-right'),
          box('[data-testid="legend"]'),
          box('[data-testid="map-count"]'),
        ];
        return {
          legendBetweenPanels: legend.left >= left.right && legend.right <= right.left,
          countAboveLegend: count.bottom <= legend.top,
          legend: [legend.left, legend.right, legend.top],
          panels: [left.right, right.left],
        };
      });
      expect(placed, JSON.stringify(placed)).toMatchObject({ legendBetweenPanels: true, countAboveLegend: true });
      // Only for the picture (nothing is decided by it): the map's tiles may come after the layer.
      await page.waitForTimeout(1_500);
      await shootForDocs(page, 'wall-taxis-city');
    } finally {
      await page.close();
    }
  });

  it('draws none on a wall whose address hides the layer', async () => {
    const page = await browser.context.newPage();
    try {
      await page.goto(`${vigil.baseUrl}/wall?token=${encodeURIComponent(tokens.zhengzhou)}&hide=taxis`);
      // The flows have been read once the vessels' entry is in the legend.
      await page.locator('[data-testid="legend-vessels"]').waitFor({ timeout: 60_000 });
      await eventually(
        async () => ((await overlayMarks(page, 'taxis')) === 0 ? true : undefined),
        30_000,
        'the taxi layer drawn empty',
      );
      expect(await page.locator('[data-testid="legend-taxis"]').count()).toBe(0);
    } finally {
      await page.close();
    }
  });
});
