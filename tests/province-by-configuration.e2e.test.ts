/**
 * Another province by configuration alone: a real `vigil start` whose province.json names a hand-made reference
 * (fixtures/provinces/hainan-sample: 460000 海南省, 海口市 琼A with 秀英区 and 龙华区, 三亚市 琼B with 海棠区,
 * hand-drawn outlines). JT/T 808 fixes inside one hand-drawn county are stored with that county's org_code and
 * their alarms reach that city's users only; a city's analyst reads only its own rows; the admin and the kiosk's
 * unit are the province; the wall and the console are titled and drawn from the province's reference. A broken
 * reference stops start-up at step `configuration`, naming the key.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedAlarmCase } from '../schema/index.js';
import { locationBody } from '../cli/demo/location.js';
import { SimulatedTerminal } from '../cli/demo/simulated-terminal.js';
import { artifactPath, launchBrowser, shootForDocs, type TestBrowser } from './support/browser.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

const SAMPLE = fileURLToPath(new URL('../fixtures/provinces/hainan-sample', import.meta.url));
const PASSWORD = 'a long enough password';
/** Inside the hand-drawn 龙华区 (460106, 海口) and 海棠区 (460202, 三亚). */
const LONGHUA = { lon: 110.5, lat: 19.95 };
const HAITANG = { lon: 109.62, lat: 18.33 };

let vigil: VigilProcess;
let admin: string;
let browser: TestBrowser | undefined;
const dirs: string[] = [];

function dataDirWith(province: Record<string, string>, boundaries?: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-province-'));
  dirs.push(dir);
  copyFileSync(path.join(SAMPLE, 'divisions.json'), path.join(dir, 'divisions.json'));
  if (boundaries === undefined) copyFileSync(path.join(SAMPLE, 'boundaries.json'), path.join(dir, 'boundaries.json'));
  else writeFileSync(path.join(dir, 'boundaries.json'), JSON.stringify(boundaries));
  writeFileSync(path.join(dir, 'province.json'), JSON.stringify(province));
  return dir;
}

const HAINAN = {
  code: '460000',
  name_zh: '海南省',
  name_en: 'Hainan',
  divisions: 'divisions.json',
  boundaries: 'boundaries.json',
};

async function api<T = Record<string, unknown>>(token: string, method: string, url: string, body?: unknown) {
  const res = await fetch(`${vigil.baseUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function account(username: string, role: string, orgCode: string): Promise<string> {
  const made = await api(admin, 'POST', '/api/users', { username, password: PASSWORD, role, org_code: orgCode });
  if (made.status >= 300) throw new Error(`POST /api/users → ${made.status} ${JSON.stringify(made.body)}`);
  return vigil.login(username, PASSWORD);
}

/** A truck that speeds (150 km/h) at `place` over real JT/T 808, then slows down. */
async function speedingTruck(phone: string, plate: string, place: { lon: number; lat: number }): Promise<void> {
  const terminal = new SimulatedTerminal({ phone, plate, plateColor: 2, version: 2013 });
  await terminal.connect('127.0.0.1', vigil.jt808Port);
  await terminal.logIn();
  const start = Date.now() - 120_000;
  for (const [i, speedKmh] of [70, 150, 152, 60].entries()) {
    const reply = await terminal.request({
      msgId: 0x0200,
      body: locationBody(
        { ...place, lat: place.lat + i * 0.0005, speedKmh, directionDeg: 0, time: start + i * 30_000 },
        2013,
      ),
    });
    expect(reply.msgId).toBe(0x8001);
  }
  terminal.close();
}

async function alarmsOf(token: string): Promise<FeedAlarmCase[]> {
  return (await api<{ alarms: FeedAlarmCase[] }>(token, 'GET', '/api/alarms')).body.alarms;
}

beforeAll(async () => {
  vigil = await startVigil({ store: 'embedded', dataDir: dataDirWith(HAINAN) });
  admin = await vigil.login();
});

afterAll(async () => {
  await browser?.close();
  await vigil?.stop({ removeData: true });
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('a province other than Henan, by configuration alone', () => {
  it('makes the province the admin’s and the kiosk’s unit and serves its boundaries', async () => {
    expect((await api(admin, 'GET', '/api/me')).body).toMatchObject({ role: 'admin', org_code: '460000' });
    expect((await api(vigil.wallToken, 'GET', '/api/me')).body).toMatchObject({ role: 'wall', org_code: '460000' });
    const geo = await api<{ features: { properties: { code: string; name: string } }[] }>(
      admin,
      'GET',
      '/api/geo/province',
    );
    expect(geo.body.features.map((f) => `${f.properties.code} ${f.properties.name}`)).toEqual([
      '460000 海南省',
      '460100 海口市',
      '460200 三亚市',
      '460105 秀英区',
      '460106 龙华区',
      '460202 海棠区',
    ]);
  });

  it("stores a fix with its hand-drawn county's org_code and routes its alarm to that city's users only", async () => {
    const haikou = await account('haikou-dispatcher', 'dispatcher', '460100');
    const sanya = await account('sanya-dispatcher', 'dispatcher', '460200');
    const haikouAnalyst = await account('haikou-analyst', 'analyst', '460100');
    await speedingTruck('013966660001', '琼A12345', LONGHUA);
    await speedingTruck('013966660002', '琼B23456', HAITANG);

    const stored = await eventually(
      async () => {
        const { rows } = await vigil.sql<[string, string]>(
          "SELECT plate, org_code FROM telemetry WHERE plate IN ('琼A12345', '琼B23456') GROUP BY plate, org_code ORDER BY plate",
        );
        return rows.length === 2 ? rows : undefined;
      },
      30_000,
      'both trucks’ fixes stored',
    );
    expect(stored).toEqual([
      ['琼A12345', '460106'],
      ['琼B23456', '460202'],
    ]);

    const haikouAlarm = await eventually(
      async () => (await alarmsOf(haikou)).find((a) => a.plate === '琼A12345' && a.rule === 'overspeed'),
      30_000,
      "the overspeed alarm in 海口's queue",
    );
    expect(haikouAlarm.org_code).toBe('460106');
    await eventually(
      async () => ((await alarmsOf(sanya)).some((a) => a.plate === '琼B23456') ? true : undefined),
      30_000,
      "the other truck's alarm in 三亚's queue",
    );
    // Each city sees its own alarms only, and not the other's even by id.
    expect((await alarmsOf(haikou)).every((a) => a.org_code.startsWith('4601'))).toBe(true);
    expect((await alarmsOf(sanya)).every((a) => a.org_code.startsWith('4602'))).toBe(true);
    expect((await api(sanya, 'GET', `/api/alarms/${haikouAlarm.alarm_id}`)).status).toBe(404);
    // The province's admin sees both.
    expect(new Set((await alarmsOf(admin)).map((a) => a.plate))).toEqual(new Set(['琼A12345', '琼B23456']));

    // A city's analyst reads only its own rows.
    const res = await fetch(`${vigil.baseUrl}/api/sql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${haikouAnalyst}` },
      body: JSON.stringify({ sql: 'SELECT DISTINCT org_code FROM telemetry ORDER BY org_code' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { rows: unknown[][] }).rows).toEqual([['460106']]);
  });

  it("titles the wall and the console with the province's name and draws its outline", async () => {
    browser = await launchBrowser({ width: 3840, height: 2160 });
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto(`${vigil.baseUrl}/wall?token=${encodeURIComponent(vigil.wallToken)}`);
    await page.locator('.maplibregl-canvas').waitFor({ state: 'attached', timeout: 60_000 });
    await eventually(
      async () =>
        (await page.locator('[data-testid="wall-title"] .title-main').innerText()) === '海南省道路运输监管指挥中心'
          ? true
          : undefined,
      30_000,
      'the wall titled with the province',
    );
    const labels = await eventually(
      async () => {
        const shown = await page.evaluate(() => window.__vigilWall?.visibleLabels() ?? []);
        return shown.includes('海口市') && shown.includes('三亚市') ? shown : undefined;
      },
      30_000,
      "the province's cities named on the map",
    );
    expect(labels).not.toContain('郑州市');
    const [[west, south], [east, north]] = (await page.evaluate(() => window.__vigilWall?.mapBounds() ?? null))!;
    for (const { lon, lat } of [LONGHUA, HAITANG]) {
      expect(lon > west && lon < east && lat > south && lat < north, `${lon},${lat} on the map`).toBe(true);
    }
    expect(west > 105 && east < 115, "the map fits the province, not Henan's 110–117 °E, 31–36 °N").toBe(true);
    expect(north < 25).toBe(true);
    await shootForDocs(page, 'wall-province-by-configuration');
    await page.close();

    const console = await browser.context.newPage();
    await console.setViewportSize({ width: 1920, height: 1080 });
    await console.goto(`${vigil.baseUrl}/console`);
    await console.fill('input[name="username"]', 'admin');
    await console.fill('input[name="password"]', vigil.adminPassword);
    await console.click('[data-testid="login"]');
    await eventually(
      async () =>
        (await console.locator('[data-testid="console-user"]').innerText()).includes('海南省') ? true : undefined,
      30_000,
      "the console naming the admin's unit, the province",
    );
    await console.screenshot({ path: artifactPath('console-hainan-sample-1920x1080.png') });
    // The vehicle search suggests the province's own plates, not Henan's.
    await console.click('[data-testid="tab-vehicle"]');
    await eventually(
      async () =>
        (await console.locator('[data-testid="vehicle-search"]').getAttribute('placeholder')) ===
        '车牌或终端号，如 琼A12345'
          ? true
          : undefined,
      30_000,
      "the vehicle search's example plate of 海南",
    );
    await console.close();
    expect(browser.cspViolations()).toEqual([]);
  });
});

describe('a broken province reference', () => {
  it('stops start-up at step "configuration", naming the key, the value and the bound, before anything opens', async () => {
    const geo = JSON.parse(readFileSync(path.join(SAMPLE, 'boundaries.json'), 'utf8'));
    geo.features[4].geometry.coordinates[0][0].pop();
    const failed = await startVigil({ store: 'embedded', dataDir: dataDirWith(HAINAN, geo) }).then(
      () => 'started',
      (error: unknown) => String(error),
    );
    expect(failed).toContain('vigil: start-up failed at step "configuration": province.boundaries: ');
    expect(failed).toContain(
      'boundaries.json: boundaries.features[4].geometry.coordinates[0][0]: is not closed: it ends at [110.36,20.06], not at its first position [110.38,19.74]',
    );
    expect(failed).not.toContain('part stopped');
  });

  it('refuses a city without its plate prefix', async () => {
    const dir = dataDirWith(HAINAN);
    const rows = JSON.parse(readFileSync(path.join(dir, 'divisions.json'), 'utf8')) as Record<string, unknown>[];
    delete rows[2]!.platePrefix;
    writeFileSync(path.join(dir, 'divisions.json'), JSON.stringify(rows));
    const failed = await startVigil({ store: 'embedded', dataDir: dir }).then(
      () => 'started',
      (error: unknown) => String(error),
    );
    expect(failed).toContain(
      'province.divisions: ' +
        path.join(dir, 'divisions.json') +
        ': divisions[2].platePrefix: value absent: city 460200 三亚市 needs its plate prefix (e.g. 豫A)',
    );
  });
});

describe('a data dir bound to its province', () => {
  it('refuses to start a Hainan data dir as Henan, naming both provinces and the data dir', async () => {
    // The data dir of the node the cases above ran on: first started as 海南, it holds 海南's rows by now.
    const dir = vigil.dataDir;
    expect(await vigil.stop()).toBe(0);
    // The operator drops province.json: the node would now be Henan's, over 海南's rows.
    rmSync(path.join(dir, 'province.json'));
    const failed = await startVigil({ store: 'embedded', dataDir: dir }).then(
      () => 'started',
      (error: unknown) => String(error),
    );
    expect(failed).toContain('vigil: start-up failed at step "configuration": province.code: ');
    expect(failed).toContain(
      `value "410000" (河南省) differs from 460000 (海南省), the province the data dir ${dir} was first started with`,
    );
    // Started again with its own province, it runs.
    writeFileSync(path.join(dir, 'province.json'), JSON.stringify(HAINAN));
    const again = await startVigil({ store: 'embedded', dataDir: dir });
    const me = await fetch(`${again.baseUrl}/api/me`, { headers: { authorization: `Bearer ${await again.login()}` } });
    expect(await me.json()).toMatchObject({ org_code: '460000' });
    await again.stop();
  });
});
