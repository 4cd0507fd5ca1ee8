/**
 * The console's assessment page (考核) in real Chromium against a real `vigil start`: a province leader opens it,
 * sees the province's total and one row per unit below with the same numerators and denominators the API answers
 * for the same days, ranks the units by one indicator with a click, switches to last month, and exports the report
 * as an Excel workbook. A duty officer of a city sees only the city's own units.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssessmentReport } from '../schema/assessment.js';
import { presetDays } from '../wall/src/console/assessment-page.js';
import { artifactPath, launchBrowser, type TestBrowser } from './support/browser.js';
import { api, createPerson, openConsole, type Person, registerVehicles } from './support/console-scenario.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

let vigil: VigilProcess;
let browser: TestBrowser;
let leader: Person;
let zzOfficer: Person;

async function openAssessment(person: Person): Promise<Page> {
  const page = await openConsole(vigil, browser, person, 'assessment');
  await page
    .locator('[data-testid="assessment-table"], [data-testid="assessment-error"]')
    .first()
    .waitFor({ timeout: 30_000 });
  const error = page.locator('[data-testid="assessment-error"]');
  if ((await error.count()) > 0) throw new Error(`the page says: ${await error.textContent()}`);
  return page;
}

/** Each row's org code and, per indicator, "numerator/denominator" as the page carries them. */
async function rowsOnPage(page: Page): Promise<{ org: string; figures: Record<string, string> }[]> {
  return page.$$eval('[data-testid="assessment-total"], [data-testid="assessment-unit"]', (rows) =>
    rows.map((row) => ({
      org: row.getAttribute('data-org-code') ?? '',
      figures: Object.fromEntries(
        [...row.querySelectorAll('td[data-indicator]')].map((td) => [
          td.getAttribute('data-indicator') ?? '',
          `${td.getAttribute('data-numerator')}/${td.getAttribute('data-denominator')}`,
        ]),
      ),
    })),
  );
}

function rowsOfReport(report: AssessmentReport): { org: string; figures: Record<string, string> }[] {
  return [report.totals, ...report.units].map((u) => ({
    org: u.org_code,
    figures: Object.fromEntries(Object.entries(u.figures).map(([id, f]) => [id, `${f.numerator}/${f.denominator}`])),
  }));
}

beforeAll(async () => {
  vigil = await startVigil();
  const admin = await vigil.login();
  leader = await createPerson(vigil, admin, 'henan-assess', 'leader', '410000', { display_name: '考核组' });
  zzOfficer = await createPerson(vigil, admin, 'zz-assess', 'duty_officer', '410100', { display_name: '郑州值班' });
  // Registered vehicles in two cities, one of them without a terminal: entry rates differ between the cities.
  await registerVehicles(vigil, admin, [
    { plate: '豫A7K001', terminal_id: '013970000001', home_org_code: '410102' },
    { plate: '豫A7K002', terminal_id: '', home_org_code: '410105' },
    { plate: '豫C7K003', terminal_id: '013970000003', home_org_code: '410302' },
  ]);
  browser = await launchBrowser({ width: 1920, height: 1080 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await vigil?.stop({ removeData: true });
});

describe('console: assessment (考核)', () => {
  it("shows the province's figures per city exactly as the API computes them, ranks them and exports them", async () => {
    const page = await openAssessment(leader);
    const { from, to } = presetDays('this_month', Date.now());
    const query = `/api/assessment?from=${from}&to=${to}`;
    // The registry mirror reaches ClickHouse on its own schedule: wait until the API counts the three vehicles.
    const report = await eventually(
      async () => {
        const r = await api<AssessmentReport>(vigil, leader.token, 'GET', query);
        return r.totals.figures.entry_rate.denominator === 3 ? r : undefined;
      },
      30_000,
      'the registry in the assessment',
    );
    await page.click('[data-testid="assessment-show"]');
    await eventually(
      async () => {
        const shown = await rowsOnPage(page);
        return JSON.stringify(shown) === JSON.stringify(rowsOfReport(report)) ? true : undefined;
      },
      20_000,
      'the page showing the same rows and figures as the API',
    );
    expect(report.units.length).toBeGreaterThanOrEqual(18);
    const total = page.locator('[data-testid="assessment-total"] td[data-indicator="entry_rate"]');
    expect(await total.locator('.assessment-value').textContent()).toBe('66.7%');

    // Ranked by entry rate: Luoyang (1 of 1 vehicles with a terminal) before Zhengzhou (1 of 2).
    await page.click('[data-testid="assessment-rank-entry_rate"]');
    const ranked = (await rowsOnPage(page)).slice(1).map((r) => r.org);
    expect(ranked.indexOf('410300')).toBeLessThan(ranked.indexOf('410100'));
    await page.screenshot({ path: artifactPath('console-assessment-1920x1080.png') });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid="assessment-export"]'),
    ]);
    expect(download.suggestedFilename()).toBe(`assessment-410000-${from}-${to}.xlsx`);
    const file = await download.path();
    // An Office Open XML workbook is a ZIP archive.
    expect(readFileSync(file).subarray(0, 2).toString('latin1')).toBe('PK');

    await page.selectOption('[data-testid="assessment-preset"]', 'last_month');
    const last = presetDays('last_month', Date.now());
    await eventually(
      async () =>
        (await page.locator('[data-testid="assessment-period"]').textContent())?.includes(`${last.from} 至 ${last.to}`)
          ? true
          : undefined,
      20_000,
      'last month shown',
    );
    await page.close();
  }, 120_000);

  it("gives a city's duty officer the city's own units only", async () => {
    const page = await openAssessment(zzOfficer);
    const rows = await rowsOnPage(page);
    expect(rows[0].org).toBe('410100');
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows.slice(1)) expect(row.org.startsWith('4101')).toBe(true);
    await page.close();
  }, 60_000);
});
