/**
 * The zone editor and the terminal settings of the command panel in real Chromium against a real `vigil start`:
 * a province administrator draws a speed-limit polygon and a speed-limit corridor by clicking the map, saves them
 * as a new rules version with a comment, reloads and sees them with the version's author, opens the polygon by a
 * click on the map and drags a vertex, which is saved alone as the next version; a JT/T 808 fix inside
 * each raises an overspeed alarm naming the zone; a crossed polygon is refused with the server's reason in words;
 * a route corridor with its assigned plate raises route_deviation when that vehicle drives far from it.
 * On the vehicle page, parameters reach the terminal exactly as typed, a factory reset waits for a confirmation
 * that names the plate, and a stored-media search lists what the terminal found; a duty officer sees neither the
 * dangerous commands nor a way to save zones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { locationBody } from '../cli/demo/location.js';
import { SimulatedTerminal } from '../cli/demo/simulated-terminal.js';
import { artifactPath, launchBrowser, shootAtPictureSizes, type TestBrowser } from './support/browser.js';
import { ADMIN_PASSWORD, eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

const PHONE = '013912348101';
const PLATE = '豫A8Z101';
const SECOND_PHONE = '013912348102';
const OFFICER = { username: 'duty.zones', password: 'duty-zones-passphrase', role: 'duty_officer', org_code: '410000' };

let vigil: VigilProcess;
let browser: TestBrowser;
let page: Page;
let terminal: SimulatedTerminal;
let second: SimulatedTerminal;

interface SavedZone {
  id: string;
  name: string;
  kind: string;
  polygon?: [number, number][];
  corridor?: { path: [number, number][]; widthM: number };
  speedLimitKmh?: number;
  vehicles?: string[];
}

async function logIn(p: Page, username: string, password: string): Promise<void> {
  await p.fill('input[name="username"]', username);
  await p.fill('input[name="password"]', password);
  await p.click('[data-testid="login"]');
  await p.locator('[data-testid="console"]').waitFor();
}

async function openZones(p: Page): Promise<{ x: number; y: number }> {
  await p.click('[data-testid="tab-zones"]');
  await p.locator('[data-testid="zone-map"][data-ready="true"]').waitFor({ timeout: 20_000 });
  const box = (await p.locator('[data-testid="zone-map"]').boundingBox())!;
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

async function savedZones(): Promise<SavedZone[]> {
  const token = await vigil.login();
  const res = await fetch(`${vigil.baseUrl}/api/rules`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { config: { zones: SavedZone[] } }).config.zones;
}

async function sendFix(
  t: SimulatedTerminal,
  lon: number,
  lat: number,
  speedKmh: number,
  time = Date.now(),
): Promise<void> {
  const reply = await t.request({
    msgId: 0x0200,
    body: locationBody({ lat, lon, speedKmh, directionDeg: 90, time }, 2013),
  });
  expect(reply.msgId).toBe(0x8001);
}

async function overspeedZone(terminalId: string): Promise<string> {
  return eventually(
    async () => {
      const r = await vigil.sql<[string]>(
        `SELECT details FROM alarms_current WHERE terminal_id = '${terminalId}' AND rule = 'overspeed'`,
      );
      if (r.rows.length === 0) return undefined;
      return String((JSON.parse(r.rows[0][0]) as { zone: string | null }).zone);
    },
    30_000,
    `the overspeed alarm of ${terminalId}`,
  );
}

beforeAll(async () => {
  vigil = await startVigil();
  browser = await launchBrowser({ width: 1920, height: 1080 });
  page = await browser.context.newPage();
  terminal = new SimulatedTerminal({ phone: PHONE, plate: PLATE, plateColor: 2, version: 2013 });
  await terminal.connect('127.0.0.1', vigil.jt808Port);
  await terminal.logIn();
  const at = (seconds: number) => Date.now() - seconds * 1000;
  terminal.onCommand = (command) => {
    if (command.msgId === 0x8802)
      // Two photos on the terminal's card: a door opening and a timed one.
      terminal.send({
        msgId: 0x0802,
        body: {
          replySerial: command.serial,
          items: [
            { mediaId: 31, mediaType: 0, channel: 1, eventCode: 4, location: place(34.76, 113.7, at(3600)) },
            { mediaId: 32, mediaType: 0, channel: 2, eventCode: 1, location: place(34.77, 113.71, at(1800)) },
          ],
        },
      });
    else terminal.send({ msgId: 0x0001, body: { replySerial: command.serial, replyMsgId: command.msgId, result: 0 } });
  };
  second = new SimulatedTerminal({ phone: SECOND_PHONE, plate: '豫A8Z102', plateColor: 2, version: 2013 });
  await second.connect('127.0.0.1', vigil.jt808Port);
  await second.logIn();
  // A first, lawful fix for each, so that the vehicles are known before the zones exist.
  await sendFix(terminal, 112.0, 33.0, 30);
  await sendFix(second, 112.0, 33.0, 30);
});

function place(lat: number, lon: number, time: number) {
  return locationBody({ lat, lon, speedKmh: 0, directionDeg: 0, time }, 2013);
}

afterAll(async () => {
  terminal?.close();
  second?.close();
  await browser?.close();
  await vigil?.stop({ removeData: true });
});

describe('zones drawn on the map', () => {
  it('draws a polygon and a corridor, saves them as a version, and shows them after a reload', async () => {
    await page.goto(`${vigil.baseUrl}/console`);
    await logIn(page, 'admin', ADMIN_PASSWORD);
    const c = await openZones(page);
    // A 120-px square around the map's centre (central Henan), clicked vertex by vertex.
    await page.click('[data-testid="draw-polygon"]');
    for (const [dx, dy] of [
      [-60, -60],
      [60, -60],
      [60, 60],
      [-60, 60],
    ])
      await page.mouse.click(c.x + dx, c.y + dy);
    await expect(page.locator('[data-testid="draft-points"]').getAttribute('data-points')).resolves.toBe('4');
    await page.fill('[data-testid="zone-name"]', '学校路段限速区');
    await page.selectOption('[data-testid="zone-kind"]', 'speed_limit');
    await page.fill('[data-testid="zone-speed"]', '40');
    await page.click('[data-testid="zone-apply"]');
    // A corridor along a horizontal line below the square, 3 km wide.
    await page.click('[data-testid="draw-corridor"]');
    await page.mouse.click(c.x - 200, c.y + 150);
    await page.mouse.click(c.x, c.y + 160);
    await page.mouse.click(c.x + 200, c.y + 150);
    await page.fill('[data-testid="draft-size"]', '3000');
    await page.fill('[data-testid="zone-name"]', '国道限速通道');
    await page.selectOption('[data-testid="zone-kind"]', 'speed_limit');
    await page.fill('[data-testid="zone-speed"]', '30');
    await page.click('[data-testid="zone-apply"]');
    await expect(page.locator('[data-testid="zones-unsaved"]').innerText()).resolves.toContain('2');
    await page.screenshot({ path: artifactPath('console-zones-drawn-1920x1080.png') });
    await page.click('[data-testid="zones-save"]');
    await page.fill('[data-testid="zones-comment"]', '依据市交警支队通知');
    await page.click('[data-testid="zones-save-confirm"]');
    await page.locator('[data-testid="zones-save-dialog"]').waitFor({ state: 'detached', timeout: 15_000 });

    await page.reload();
    const centre = await openZones(page);
    const list = page.locator('[data-testid="zone-list"] li');
    await expect(list.count()).resolves.toBe(2);
    await expect(list.nth(0).getAttribute('data-shape')).resolves.toBe('polygon');
    await expect(list.nth(0).innerText()).resolves.toMatch(/学校路段限速区[\s\S]*限速区域 40 km\/h[\s\S]*4 个顶点/);
    await expect(list.nth(1).getAttribute('data-shape')).resolves.toBe('corridor');
    await expect(list.nth(1).innerText()).resolves.toMatch(/国道限速通道[\s\S]*30 km\/h[\s\S]*宽 3000 米/);
    const newest = page.locator('[data-testid="zone-history"] li').first();
    await expect(newest.innerText()).resolves.toMatch(/第 2 版 · admin · .* · 2 个区域 — 依据市交警支队通知/);
    await page.screenshot({ path: artifactPath('console-zones-1920x1080.png') });
    // A click on the square on the map opens it for editing.
    await page.mouse.click(centre.x, centre.y);
    await expect(page.locator('[data-testid="zone-form"] h3').innerText()).resolves.toBe('编辑：学校路段限速区');

    const zones = await savedZones();
    expect(zones.map((z) => [z.name, z.kind, z.speedLimitKmh])).toEqual([
      ['学校路段限速区', 'speed_limit', 40],
      ['国道限速通道', 'speed_limit', 30],
    ]);
    // Stored as a closed ring, and as a three-point path with the width typed.
    expect(zones[0].polygon).toHaveLength(5);
    expect(zones[0].polygon![4]).toEqual(zones[0].polygon![0]);
    expect(zones[1].corridor).toMatchObject({ widthM: 3000 });
    expect(zones[1].corridor!.path).toHaveLength(3);
    // Drag its first vertex 30 px up and left (the map has zoomed to the square), apply and save.
    const map = page.locator('[data-testid="zone-map"]');
    const box = (await map.boundingBox())!;
    const vertices = await eventually(
      async () => {
        if ((await map.getAttribute('data-idle')) !== 'true') return undefined;
        const v = JSON.parse((await map.getAttribute('data-draft-vertices')) ?? '[]') as [number, number][];
        return v.length === 4 ? v : undefined;
      },
      10_000,
      'the square opened as a draft',
    );
    const [x0, y0] = [box.x + vertices[0][0], box.y + vertices[0][1]];
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    await page.mouse.move(x0 - 15, y0 - 15, { steps: 3 });
    await page.mouse.move(x0 - 30, y0 - 30, { steps: 3 });
    await page.mouse.up();
    await expect(page.locator('[data-testid="draft-points"]').getAttribute('data-points')).resolves.toBe('4');
    await page.click('[data-testid="zone-apply"]');
    await page.click('[data-testid="zones-save"]');
    await page.fill('[data-testid="zones-comment"]', '调整顶点');
    await page.click('[data-testid="zones-save-confirm"]');
    await page.locator('[data-testid="zones-save-dialog"]').waitFor({ state: 'detached', timeout: 15_000 });
    const [moved] = await savedZones();
    expect(moved.id).toBe(zones[0].id);
    // The dragged vertex went west and north; the others stayed where they were.
    expect(moved.polygon![0][0]).toBeLessThan(zones[0].polygon![0][0]);
    expect(moved.polygon![0][1]).toBeGreaterThan(zones[0].polygon![0][1]);
    expect(moved.polygon!.slice(1, 4)).toEqual(zones[0].polygon!.slice(1, 4));
    await expect(page.locator('[data-testid="zone-history"] li').first().getAttribute('data-version')).resolves.toBe(
      '3',
    );
    // Two map loads of up to 20 s each, a save of up to 15 s and two sign-ins: more than the default minute allows a
    // loaded machine.
  });

  it('raises an overspeed alarm naming the zone for a JT/T 808 fix inside the polygon and inside the corridor', async () => {
    const [square, corridor] = await savedZones();
    const ring = square.polygon!.slice(0, 4);
    const centre = [ring.reduce((s, p) => s + p[0], 0) / 4, ring.reduce((s, p) => s + p[1], 0) / 4];
    await sendFix(terminal, centre[0], centre[1], 80);
    expect(await overspeedZone(PHONE)).toBe(square.id);
    // The middle of the corridor's first leg, 1 km to the north of it: inside a 3 km wide corridor.
    const [a, b] = corridor.corridor!.path;
    await sendFix(second, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2 + 1000 / 111_195, 60);
    expect(await overspeedZone(SECOND_PHONE)).toBe(corridor.id);
  });

  it('refuses a crossed polygon with the reason in words and keeps the version in force', async () => {
    const c = await openZones(page);
    await page.click('[data-testid="draw-polygon"]');
    for (const [dx, dy] of [
      [-300, -100],
      [-200, 0],
      [-300, 0],
      [-200, -100],
    ])
      await page.mouse.click(c.x + dx, c.y + dy);
    await page.fill('[data-testid="zone-name"]', '交叉多边形');
    await page.click('[data-testid="zone-apply"]');
    await page.click('[data-testid="zones-save"]');
    await page.click('[data-testid="zones-save-confirm"]');
    await expect(page.locator('[data-testid="zones-refusal"]').innerText({ timeout: 15_000 })).resolves.toContain(
      '“交叉多边形”：多边形的边相互交叉',
    );
    expect(await savedZones()).toHaveLength(2);
    await page.keyboard.press('Escape');
  });

  it('assigns a vehicle to a route corridor and raises route_deviation when it drives far from it', async () => {
    // The refused polygon is still in the editor, unsaved: removed from the list, it is not saved with the route
    // (without a reload, which would open the map again).
    await page
      .locator('[data-testid="zone-list"] li', { hasText: '交叉多边形' })
      .locator('[data-testid="zone-remove"]')
      .click();
    await expect(page.locator('[data-testid="zone-list"] li').count()).resolves.toBe(2);
    const c = await openZones(page);
    await page.click('[data-testid="draw-corridor"]');
    await page.mouse.click(c.x - 150, c.y - 200);
    await page.mouse.click(c.x + 150, c.y - 200);
    await page.fill('[data-testid="draft-size"]', '500');
    await page.fill('[data-testid="zone-name"]', '危货专线');
    await page.selectOption('[data-testid="zone-kind"]', 'route');
    // No plate yet: refused in words before anything is sent.
    await page.click('[data-testid="zone-apply"]');
    await expect(page.locator('[data-testid="zone-form-error"]').innerText()).resolves.toBe('线路走廊须至少指定一辆车');
    await page.fill('[data-testid="zone-vehicles"]', '豫A8Z102，');
    await page.click('[data-testid="zone-apply"]');
    await expect(page.locator('[data-testid="zone-list"] li').nth(2).innerText()).resolves.toMatch(
      /危货专线[\s\S]*线路走廊 · 豫A8Z102/,
    );
    await shootAtPictureSizes(page, 'console-zones-route');
    await page.click('[data-testid="zones-save"]');
    await page.fill('[data-testid="zones-comment"]', '危货车辆指定线路');
    await page.click('[data-testid="zones-save-confirm"]');
    await page.locator('[data-testid="zones-save-dialog"]').waitFor({ state: 'detached', timeout: 15_000 });
    const route = (await savedZones()).find((z) => z.name === '危货专线')!;
    expect(route).toMatchObject({ kind: 'route', vehicles: ['豫A8Z102'], corridor: { widthM: 500 } });
    // Two fixes far from the corridor (the south-west of the province): the second one alarms.
    // Two seconds apart: a terminal's clock reports whole seconds.
    await sendFix(second, 112.0, 33.0, 50, Date.now() - 2000);
    await sendFix(second, 112.01, 33.0, 50);
    const details = await eventually(
      async () => {
        const r = await vigil.sql<[string]>(
          `SELECT details FROM alarms_current WHERE terminal_id = '${SECOND_PHONE}' AND rule = 'route_deviation'`,
        );
        return r.rows.length === 0 ? undefined : (JSON.parse(r.rows[0][0]) as { routes?: string[] });
      },
      30_000,
      'the route_deviation alarm of the assigned vehicle',
    );
    expect(JSON.stringify(details)).toContain(route.id);
  });
});

describe('terminal settings on the vehicle page', () => {
  async function openVehicle(p: Page): Promise<void> {
    await p.click('[data-testid="tab-vehicle"]');
    await p.fill('[data-testid="vehicle-search"]', PHONE);
    await p.keyboard.press('Enter');
    await p.locator('[data-testid="location-query"]').waitFor({ timeout: 15_000 });
  }

  it('sends the parameters exactly as typed, after a confirmation naming the plate', async () => {
    // The same page, signed in above, its zones all saved: the vehicle tab needs no reload (and no map).
    await openVehicle(page);
    await page.click('[data-testid="parameters-set"] summary');
    await page.selectOption('[data-testid="parameter-id"] >> nth=0', String(0x0055));
    await page.fill('[data-testid="parameter-value"] >> nth=0', '85');
    await page.click('[data-testid="parameter-add"]');
    await page.selectOption('[data-testid="parameter-id"] >> nth=1', String(0x0013));
    await page.fill('[data-testid="parameter-value"] >> nth=1', 'gps.henan.example');
    await page.click('[data-testid="parameters-set-send"]');
    const text = page.locator('[data-testid="command-confirm-text"]');
    await expect(text.innerText()).resolves.toMatch(
      new RegExp(`${PLATE}[\\s\\S]*最高速度.*85[\\s\\S]*gps.henan.example`),
    );
    await page.click('[data-testid="command-confirm-send"]');
    await expect(page.locator('[data-testid="command-outcome"]').innerText({ timeout: 15_000 })).resolves.toContain(
      '成功',
    );
    const set = terminal.received.filter((r) => r.msgId === 0x8103);
    expect(set).toHaveLength(1);
    const params = (set[0].body as { params: { id: number; value: Buffer }[] }).params;
    expect(params.map((p) => [p.id, Buffer.from(p.value).toString('hex')])).toEqual([
      [0x0055, '00000055'],
      [0x0013, Buffer.from('gps.henan.example').toString('hex')],
    ]);
  });

  it('asks before a factory reset, naming the plate, and sends nothing when cancelled', async () => {
    const controls = () => terminal.received.filter((r) => r.msgId === 0x8105);
    await page.click('[data-testid="terminal-control"] summary');
    await page.selectOption('[data-testid="control-command"]', '5');
    await page.click('[data-testid="control-send"]');
    await expect(page.locator('[data-testid="command-confirm-text"]').innerText()).resolves.toContain(
      `确定向 ${PLATE} 下发“恢复出厂设置”`,
    );
    await page.screenshot({ path: artifactPath('console-terminal-control-1920x1080.png') });
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="command-confirm"]').waitFor({ state: 'detached' });
    expect(controls()).toEqual([]);
    await page.click('[data-testid="control-send"]');
    await page.click('[data-testid="command-confirm-send"]');
    await eventually(async () => (controls().length === 1 ? true : undefined), 15_000, 'the 0x8105');
    expect(controls()[0].body).toMatchObject({ command: 5 });
  });

  it('lists the media a stored-media search finds, in words', async () => {
    await page.click('[data-testid="media-search"] summary');
    await page.selectOption('[data-testid="media-type"]', 'image');
    await page.click('[data-testid="media-search-send"]');
    const table = page.locator('[data-testid="media-table"]');
    await table.waitFor({ timeout: 15_000 });
    await expect(table.locator('tr[data-media-id="31"]').innerText()).resolves.toMatch(/31\s+图像\s+1\s+开门拍照/);
    await expect(table.locator('tr[data-media-id="32"]').innerText()).resolves.toMatch(/32\s+图像\s+2\s+定时动作/);
    const search = terminal.received.filter((r) => r.msgId === 0x8802);
    expect(search.at(-1)?.body).toMatchObject({ mediaType: 0, channel: 0, eventCode: 0 });
    await page.screenshot({ path: artifactPath('console-media-search-1920x1080.png') });
  });

  it('shows a duty officer neither the dangerous commands nor a way to change the zones', async () => {
    const admin = await vigil.login();
    const created = await fetch(`${vigil.baseUrl}/api/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(OFFICER),
    });
    expect(created.status).toBe(201);
    // A tab of its own: the console keeps its session per tab (sessionStorage), so no second browser is needed.
    const officerPage = await browser.context.newPage();
    try {
      await officerPage.goto(`${vigil.baseUrl}/console`);
      await logIn(officerPage, OFFICER.username, OFFICER.password);
      await openVehicle(officerPage);
      // What a duty officer may do is there; what resets or reconfigures the terminal is not.
      await officerPage.click('[data-testid="media-search"] summary');
      await officerPage.locator('[data-testid="media-search-send"]').waitFor();
      for (const dangerous of ['terminal-settings', 'control-send', 'parameters-set-send', 'sensitive-commands'])
        expect(await officerPage.locator(`[data-testid="${dangerous}"]`).count(), dangerous).toBe(0);
      await openZones(officerPage);
      await officerPage.locator('[data-testid="zones-read-only"]').waitFor();
      // The officer sees the zones saved above (the square, the corridor and the route), read only.
      await expect(officerPage.locator('[data-testid="zone-list"] li').count()).resolves.toBe(3);
      expect(await officerPage.locator('[data-testid="zones-save"]').count()).toBe(0);
      expect(await officerPage.locator('[data-testid="zone-form"]').count()).toBe(0);
    } finally {
      await officerPage.close();
    }
  });

  it('ran under the page Content-Security-Policy without violating it', () => {
    expect(browser.cspViolations()).toEqual([]);
  });
});
