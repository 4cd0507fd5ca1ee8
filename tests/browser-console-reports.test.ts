/**
 * The console's reports page (报表) in real Chromium against a real `vigil start`. Facts are written into the node's
 * own stores before it starts — vehicles of 郑州 and 洛阳 in PostgreSQL and ClickHouse, their fixes and overspeed
 * episodes of the last weeks in ClickHouse, alarm cases in every state in PostgreSQL — and the page's table is read
 * back cell by cell: every figure of every group and interval equals the API's answer for the period the page shows,
 * weekly by unit, then daily by vehicle class. A 郑州 duty officer sees only 郑州's units. Screenshots at 1920×1080
 * and 3840×2160 go to docs/screenshots/.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrgUnits } from '../center/index.js';
import { ALARMS, REPORT_FIGURE_IDS, TELEMETRY, tsvEncoderFor, VEHICLES, type TableSpec } from '../schema/index.js';
import type { ReportAnswer } from '../schema/reports.js';
import { openAnalytics, openOperational, type Analytics } from '../store/index.js';
import { launchBrowser, shootForDocs, type TestBrowser } from './support/browser.js';
import { api, createPerson, openConsole, type Person } from './support/console-scenario.js';
import { startVigil, type VigilProcess } from './support/vigil-process.js';
import { jt808Fix, registeredVehicle } from './support/analytics-rows.js';
import { nodeOperationalTarget } from './support/test-postgres.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const NOW = Date.now();

const FLEET = [
  { plate: '豫A9R001', terminal: '013900090001', home: '410105', cls: 'heavy_truck', enterprise: 'RP-ZZ-1' },
  { plate: '豫A9R002', terminal: '013900090002', home: '410102', cls: 'coach', enterprise: 'RP-ZZ-1' },
  { plate: '豫A9R003', terminal: '013900090003', home: '410105', cls: 'dangerous_goods', enterprise: 'RP-ZZ-2' },
  { plate: '豫C9R001', terminal: '013900090101', home: '410302', cls: 'taxi', enterprise: 'RP-LY-1' },
];
const ENTERPRISES = [
  { id: 'RP-ZZ-1', name: '郑州通达物流有限公司', org: '410105' },
  { id: 'RP-ZZ-2', name: '中原危化运输公司', org: '410105' },
  { id: 'RP-LY-1', name: '洛阳古都出租汽车公司', org: '410302' },
];
const STATES = ['new', 'acknowledged', 'dispatched', 'closed', 'dismissed'];

async function insert(analytics: Analytics, table: TableSpec, rows: Record<string, unknown>[], token: string) {
  const encoder = tsvEncoderFor(table);
  await analytics.writer.insertTabSeparated(table.name, encoder.columns, encoder.encodeRows(rows), token);
}

/** Writes the facts of the last 27 days into the stores of a data dir no node runs on yet. */
async function seed(dataDir: string): Promise<void> {
  const sql = await openOperational(await nodeOperationalTarget(dataDir));
  await seedOrgUnits(sql);
  for (const e of ENTERPRISES)
    await sql.query('INSERT INTO enterprises (id, name, org_code) VALUES ($1, $2, $3)', [e.id, e.name, e.org]);
  for (const v of FLEET)
    await sql.query(
      `INSERT INTO vehicles (plate, plate_color, vehicle_class, enterprise_id, terminal_id, home_org_code)
       VALUES ($1, 2, $2, $3, $4, $5)`,
      [v.plate, v.cls, v.enterprise, v.terminal, v.home],
    );
  let n = 0;
  // A different number of cases each day and desk, so that every week differs from the one before.
  for (let day = 1; day <= 27; day++)
    for (const [i, v] of FLEET.entries())
      for (let k = 0; k < (day * (i + 2)) % 4; k++) {
        const at = new Date(NOW - day * DAY_MS + k * HOUR_MS);
        await sql.query(
          `INSERT INTO alarm_cases (alarm_id, rule, severity, version, terminal_id, started_at, event_org_code, lat, lon,
             org_code, department, enterprise_id, state, received_at, updated_at)
           VALUES ($1, $2, 'warning', 1, $3, $4, $5, 34.7, 113.6, $5, 'road_transport', $6, $7, $4, $4)`,
          [
            `rp-case-${++n}`,
            k % 2 === 0 ? 'overspeed' : 'fatigue',
            v.terminal,
            at,
            v.home,
            v.enterprise,
            STATES[n % STATES.length],
          ],
        );
      }
  await sql.close();
  const analytics = await openAnalytics({ kind: 'embedded', dataDir });
  await insert(
    analytics,
    VEHICLES,
    FLEET.map((v) =>
      registeredVehicle({
        plate: v.plate,
        terminal_id: v.terminal,
        home_org_code: v.home,
        at: NOW - 30 * DAY_MS,
        vehicle_class: v.cls,
        axles: 2,
        enterprise_id: v.enterprise,
        enterprise_org_code: ENTERPRISES.find((e) => e.id === v.enterprise)!.org,
      }),
    ),
    'report-page-vehicles',
  );
  // Each vehicle drives on some days: 10 fixes a minute apart, and an overspeed on every third.
  const fixes: Record<string, unknown>[] = [];
  const episodes: Record<string, unknown>[] = [];
  for (let day = 1; day <= 27; day++)
    for (const [i, v] of FLEET.entries()) {
      if ((day + i) % 3 === 0) continue;
      const start = NOW - day * DAY_MS;
      for (let f = 0; f < 10; f++)
        fixes.push(
          jt808Fix({
            terminal_id: v.terminal,
            plate: v.plate,
            ts: start + f * 60_000,
            lat: 34.7 + f * 0.001,
            lon: 113.6,
            speed_kmh: 50,
          }),
        );
      if ((day + i) % 3 === 1)
        episodes.push({
          alarm_id: `rp-overspeed-${v.terminal}-${day}`,
          rule: 'overspeed',
          rule_version: 1,
          severity: 'warning',
          terminal_id: v.terminal,
          plate: v.plate,
          started_at: start,
          ended_at: start + 120_000,
          org_code: v.home,
          lat: 34.7,
          lon: 113.6,
          late: 0,
          details: '{}',
          version: 1,
          updated_at: start + 120_000,
        });
    }
  await insert(analytics, TELEMETRY, fixes, 'report-page-fixes');
  await insert(analytics, ALARMS, episodes, 'report-page-episodes');
  await analytics.close();
}

let vigil: VigilProcess;
let browser: TestBrowser;
let leader: Person;
let zzOfficer: Person;

async function waitForTable(page: Page): Promise<void> {
  await page.locator('[data-testid="report-table"], [data-testid="report-error"]').first().waitFor({ timeout: 60_000 });
  const error = page.locator('[data-testid="report-error"]');
  if ((await error.count()) > 0) throw new Error(`the page says: ${await error.textContent()}`);
}

/** The page's report query, read from its own controls. */
async function pageQuery(page: Page): Promise<string> {
  const from = await page.inputValue('[data-testid="report-from"]');
  const to = await page.inputValue('[data-testid="report-to"]');
  const interval = await page.inputValue('[data-testid="report-interval"]');
  const by = await page.inputValue('[data-testid="report-by"]');
  return `from=${from}&to=${to}&interval=${interval}&by=${by}`;
}

/** Every cell of the table: group key, interval start, value and change as the page holds them. */
async function cellsOnPage(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="report-total"], [data-testid="report-group"]', (rows) =>
    rows.flatMap((row) =>
      [...row.querySelectorAll('[data-testid="report-cell"]')].map(
        (cell) =>
          `${row.getAttribute('data-key')} ${cell.getAttribute('data-from')} ${cell.getAttribute('data-value')} ${cell.getAttribute('data-change')}`,
      ),
    ),
  );
}

/** Each figure, chosen in the page, against the API's answer. */
async function checkEveryFigure(page: Page, person: Person): Promise<ReportAnswer> {
  const report = await api<ReportAnswer>(vigil, person.token, 'GET', `/api/reports?${await pageQuery(page)}`);
  for (const id of REPORT_FIGURE_IDS) {
    await page.selectOption('[data-testid="report-figure"]', id);
    const expected = [report.totals, ...report.groups].flatMap((g) =>
      g.series.map((p) => `${g.key} ${p.interval.from} ${p.values[id] ?? ''} ${p.change[id] ?? ''}`),
    );
    expect(await cellsOnPage(page), id).toEqual(expected);
  }
  return report;
}

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-report-page-'));
  await seed(dataDir);
  vigil = await startVigil({ dataDir });
  const admin = await vigil.login();
  leader = await createPerson(vigil, admin, 'henan-report', 'leader', '410000', { display_name: '统计科' });
  zzOfficer = await createPerson(vigil, admin, 'zz-report', 'duty_officer', '410100', { display_name: '郑州值班' });
  browser = await launchBrowser({ width: 1920, height: 1080 });
});

afterAll(async () => {
  await browser?.close();
  await vigil?.stop({ removeData: true });
});

describe('console: reports (报表)', () => {
  it('shows every figure of every unit and week as the API answers, with the trend chart', async () => {
    const page = await openConsole(vigil, browser, leader, 'reports');
    await waitForTable(page);
    const report = await checkEveryFigure(page, leader);
    // The last four weeks hold the seeded facts: the totals are not all zero.
    expect(report.totals.series.some((p) => (p.values.alarms_raised ?? 0) > 0)).toBe(true);
    expect(report.totals.series.some((p) => (p.values.online_vehicles ?? 0) > 0)).toBe(true);
    expect(report.groups.map((g) => g.key)).toEqual(expect.arrayContaining(['410100', '410300']));
    // The chart draws the total and the groups with figures, each line named in the legend.
    const lines = await page.$$eval('[data-testid="report-chart-line"]', (gs) =>
      gs.map((g) => g.getAttribute('data-key')),
    );
    expect(lines[0]).toBe('410000');
    expect(lines).toContain('410100');
    await page.selectOption('[data-testid="report-figure"]', 'alarms_raised');
    await shootForDocs(page, 'console-reports');

    // Daily, by vehicle class: the classes of the seeded vehicles.
    await page.selectOption('[data-testid="report-interval"]', 'day');
    await page.selectOption('[data-testid="report-by"]', 'vehicle_class');
    await page
      .locator('[data-testid="report-group"][data-key="heavy_truck"], [data-testid="report-error"]')
      .first()
      .waitFor({ timeout: 60_000 });
    await waitForTable(page);
    const daily = await checkEveryFigure(page, leader);
    expect(daily.totals.series.length).toBeGreaterThanOrEqual(28);
    await page.selectOption('[data-testid="report-figure"]', 'online_vehicles');
    await shootForDocs(page, 'console-reports-daily');
    await page.close();
    // Two report loads, each allowed a minute, sixteen figures read cell by cell and four pictures: on a loaded
    // machine the default minute per test is less than the waits inside it.
  }, 240_000);

  it('shows a city only its own units', async () => {
    const page = await openConsole(vigil, browser, zzOfficer, 'reports');
    await waitForTable(page);
    const report = await checkEveryFigure(page, zzOfficer);
    expect(report.scope.org_code).toBe('410100');
    const keys = await page.$$eval('[data-testid="report-group"]', (rows) =>
      rows.map((r) => r.getAttribute('data-key')),
    );
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k!.startsWith('4101'))).toBe(true);
    await page.close();
  });
});
