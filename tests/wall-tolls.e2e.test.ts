/**
 * The toll panel (收费站通行) against a real `vigil start`: toll transactions are posted through the HTTP ingestion
 * with a `toll` key, one of them weighed at 57.5 t on six axles at its entry lane, which the rules turn into an
 * `overload` alarm from toll data. `GET /api/summary/flows` answers each wall with its own scope's stations —
 * entries and exits of the last hour (a journey of three hours ago not counted), the overweight truck at the
 * station that weighed it — the province every station, Zhengzhou not Luoyang's; then chromium shows the same rows
 * in the panel at 1920×1080 and 3840×2160, laid out without overlap.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CentreFlows } from '../schema/index.js';
import { busFeedAt, busTimetable } from '../cli/demo/demo-buses.js';
import { issueKey, postRecords } from './support/ingest-client.js';
import { artifactPath, docScreenshotPath, launchBrowser, resizeWall, type TestBrowser } from './support/browser.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

const PASSWORD = 'a long enough password';
const MIN = 60_000;

let vigil: VigilProcess;
let browser: TestBrowser;
let cityToken = '';
const now = Date.now();

const ZZDONG = { id: 'S41010101', name: '郑州东站', lat: 34.76, lon: 113.77 };
const ZHONGMOU = { id: 'S41012201', name: '中牟站', lat: 34.72, lon: 114.02 };
const LUOYANG = { id: 'S41030101', name: '洛阳站', lat: 34.62, lon: 112.45 };
type Station = typeof ZZDONG;

function journey(
  id: string,
  plate: string,
  entry: Station,
  entryAgoMin: number,
  exit: Station,
  exitAgoMin: number,
  grossKg: number,
): Record<string, unknown> {
  return {
    event_id: id,
    plate,
    plate_color: 2,
    toll_class: '货6',
    axles: 6,
    entry_station_id: entry.id,
    entry_station_name: entry.name,
    entry_time: new Date(now - entryAgoMin * MIN).toISOString(),
    entry_lat: entry.lat,
    entry_lon: entry.lon,
    exit_station_id: exit.id,
    exit_station_name: exit.name,
    exit_time: new Date(now - exitAgoMin * MIN).toISOString(),
    exit_lat: exit.lat,
    exit_lon: exit.lon,
    gross_kg: grossKg,
    weighed_at: 'entry',
  };
}

beforeAll(async () => {
  vigil = await startVigil();
  const admin = await vigil.login();
  const created = await fetch(`${vigil.baseUrl}/api/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}` },
    body: JSON.stringify({ username: 'wall-tolls-zhengzhou', password: PASSWORD, role: 'wall', org_code: '410100' }),
  });
  expect(created.status).toBeLessThan(300);
  cityToken = await vigil.login('wall-tolls-zhengzhou', PASSWORD);
  const { key } = await issueKey(vigil.baseUrl, admin, 'toll', '410000', 'expressway toll centre');
  const records = [
    // Weighed at 57.5 t on six axles at 郑州东's entry lane: overweight (49 t + 5 %).
    journey('T-1', '豫A11111', ZZDONG, 50, ZHONGMOU, 30, 57_500),
    journey('T-2', '豫A22222', ZHONGMOU, 40, ZZDONG, 20, 30_000),
    journey('T-3', '豫C33333', LUOYANG, 55, ZZDONG, 5, 41_000),
    // Three hours ago: outside the hour.
    journey('T-4', '豫A44444', ZHONGMOU, 180, ZZDONG, 160, 30_000),
  ];
  expect((await postRecords(vigil.baseUrl, 'toll', key, records)).body).toMatchObject({ rejected: [] });
  browser = await launchBrowser({ width: 1920, height: 1080 });
});

/** What the demo also sends: survey counts, rail hubs and a bus operator's routes, so every flow panel is there. */
async function postOtherFlows(admin: string): Promise<void> {
  const start = Math.floor((now - 15 * MIN) / (15 * MIN)) * 15 * MIN;
  const counts = ['G107', 'G310', 'S312'].map((road, i) => ({
    station_id: `JD-${road}`,
    station_name: `${road} 观测站`,
    road,
    direction: '上行',
    lane: 0,
    vehicle_class: '中小客车',
    interval_start: new Date(start).toISOString(),
    interval_minutes: 15,
    volume: 100 * (i + 1),
    org_code: '410105',
  }));
  const hubs = ['郑州东', '郑州'].map((name, i) => ({
    station_id: `HUB-${i}`,
    station_name: name,
    interval_start: new Date(start).toISOString(),
    interval_minutes: 15,
    arrivals: 1000 * (i + 1),
    departures: 900 * (i + 1),
    org_code: '410105',
  }));
  const post = async (kind: string, body: unknown[] | Record<string, unknown>) => {
    const { key } = await issueKey(vigil.baseUrl, admin, kind, '410000', `test ${kind}`);
    expect((await postRecords(vigil.baseUrl, kind, key, body as unknown[])).body).toMatchObject({ rejected: [] });
  };
  await post('traffic_count', counts);
  await post('rail_flow', hubs);
  await post('gtfs_static', busTimetable());
  await post('gtfs_rt', busFeedAt(now - MIN, 3_600));
}

afterAll(async () => {
  await browser?.close();
  await vigil?.stop({ removeData: true });
});

async function flows(token: string): Promise<CentreFlows> {
  const response = await fetch(`${vigil.baseUrl}/api/summary/flows`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as CentreFlows;
}

const rowsOf = (f: CentreFlows) => f.tolls.map((t) => [t.station_id, t.station_name, t.entries, t.exits, t.overweight]);

describe('toll stations in GET /api/summary/flows', () => {
  it("answers the province with every station's last hour, the overweight truck where it was weighed", async () => {
    // The overload alarm comes from the rules a moment after the transaction is stored (the summary caches 10 s).
    const province = await eventually(
      async () => {
        const f = await flows(vigil.wallToken);
        return f.tolls.some((t) => t.overweight > 0) ? f : undefined;
      },
      60_000,
      'the overweight truck',
    );
    expect(province.toll_window_minutes).toBe(60);
    expect(rowsOf(province)).toEqual([
      ['S41010101', '郑州东站', 1, 2, 1],
      ['S41012201', '中牟站', 1, 1, 0],
      ['S41030101', '洛阳站', 1, 0, 0],
    ]);
  });

  it('answers Zhengzhou with its own stations only', async () => {
    const city = await eventually(
      async () => {
        const f = await flows(cityToken);
        return f.tolls.some((t) => t.overweight > 0) ? f : undefined;
      },
      30_000,
      "Zhengzhou's overweight truck",
    );
    expect(rowsOf(city)).toEqual([
      ['S41010101', '郑州东站', 1, 2, 1],
      ['S41012201', '中牟站', 1, 1, 0],
    ]);
  });
});

async function shownRows(page: Page): Promise<{ id: string | null; text: string }[]> {
  return page.locator('[data-testid="toll-station"]').evaluateAll((rows) =>
    rows.map((row) => ({
      id: row.getAttribute('data-station-id'),
      text: (row.textContent ?? '').replace(/\s+/g, ''),
    })),
  );
}

/** The right side's panels: none overlaps another or leaves the screen, and no cell runs past its row. */
async function expectLaidOut(page: Page): Promise<void> {
  const problems = await page.evaluate(() => {
    const out: string[] = [];
    const boxes = [...document.querySelectorAll('.panel-right .panel-section')].map((el) => ({
      name: el.querySelector('.panel-title span')?.textContent ?? el.className,
      box: el.getBoundingClientRect(),
    }));
    for (const [i, a] of boxes.entries()) {
      if (a.box.bottom > window.innerHeight + 0.5 || a.box.right > window.innerWidth + 0.5)
        out.push(`${a.name} leaves the screen`);
      for (const b of boxes.slice(i + 1))
        if (a.box.top < b.box.bottom - 0.5 && b.box.top < a.box.bottom - 0.5) out.push(`${a.name} overlaps ${b.name}`);
    }
    for (const row of document.querySelectorAll('.toll-row')) {
      const rowBox = row.getBoundingClientRect();
      for (const cell of row.children)
        if (cell.getBoundingClientRect().right > rowBox.right + 0.5) out.push(`${row.textContent}: runs past its row`);
    }
    return out;
  });
  expect(problems).toEqual([]);
}

describe('the wall in chromium', () => {
  it('shows the province’s two busiest toll stations, the overweight one in orange', async () => {
    const page = await browser.context.newPage();
    try {
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.goto(`${vigil.baseUrl}/wall?token=${encodeURIComponent(vigil.wallToken)}`);
      await page.locator('.maplibregl-canvas').waitFor({ state: 'attached', timeout: 60_000 });
      const rows = await eventually(
        async () => {
          const shown = await shownRows(page);
          return shown.length === 2 ? shown : undefined;
        },
        60_000,
        'the toll panel',
      );
      expect(rows).toEqual([
        { id: 'S41010101', text: '郑州东站入口1出口2超限1' },
        { id: 'S41012201', text: '中牟站入口1出口1超限0' },
      ]);
      expect(await page.locator('.toll-overweight').count()).toBe(1);
      expect(await page.locator('.panel-section', { hasText: '收费站通行' }).textContent()).toContain('近 60 分钟');
      await expectLaidOut(page);
      await page.screenshot({ path: docScreenshotPath('wall-tolls-province-1920x1080.png') });
      await resizeWall(page, { width: 3840, height: 2160 });
      await expectLaidOut(page);
      await page.screenshot({ path: docScreenshotPath('wall-tolls-province-3840x2160.png') });
    } finally {
      await page.close();
    }
  });

  it('keeps room for three alarms in the live list, every flow panel taking its turn over it', async () => {
    await postOtherFlows(await vigil.login());
    const page = await browser.context.newPage();
    const shown = async (testId: string) => page.locator(`[data-testid="${testId}"]`).count();
    const TURNS = ['road-flow', 'bus-route', 'toll-station'] as const;
    /** Waits for the turn of one flow panel, the others absent (the rail panel goes with the road panel). */
    const turnOf = (testId: (typeof TURNS)[number]) =>
      eventually(
        async () => {
          for (const other of TURNS) if (other !== testId && (await shown(other)) > 0) return undefined;
          if (testId === 'road-flow' && (await shown('hub-flow')) !== 2) return undefined;
          return (await shown(testId)) > 0 ? true : undefined;
        },
        30_000,
        `the turn of ${testId}`,
      );
    try {
      await page.setViewportSize({ width: 1920, height: 1080 });
      // Turns of 5 s, the shortest a wall takes, so that the test sees each one soon.
      await page.goto(`${vigil.baseUrl}/wall?token=${encodeURIComponent(vigil.wallToken)}&turn-s=5`);
      await eventually(
        async () => ((await shown('road-flow')) === 3 && (await shown('hub-flow')) === 2 ? true : undefined),
        60_000,
        'the road and rail panels',
      );
      // The overload alarm of the first test is in the live list: its row is the measure of room.
      await eventually(async () => ((await shown('alarm-item')) > 0 ? true : undefined), 60_000, 'a live alarm');
      for (const size of [
        { width: 1920, height: 1080 },
        { width: 3840, height: 2160 },
      ]) {
        if (size.width !== 1920) await resizeWall(page, size);
        for (const turn of TURNS) {
          await turnOf(turn);
          await expectLaidOut(page);
          const room = await page.locator('.panel-section', { hasText: '实时报警' }).evaluate((section) => ({
            list: section.querySelector('.alarm-list')!.getBoundingClientRect().height,
            row: section.querySelector('.alarm-item')!.getBoundingClientRect().height,
          }));
          expect(
            room.list,
            `live list at ${size.width} in the turn of ${turn}: ${JSON.stringify(room)}`,
          ).toBeGreaterThanOrEqual(3 * room.row);
        }
      }
      await turnOf('toll-station');
      await page.screenshot({ path: artifactPath('wall-tolls-all-flows-3840x2160.png') });
    } finally {
      await page.close();
    }
  }, 240_000);
});
