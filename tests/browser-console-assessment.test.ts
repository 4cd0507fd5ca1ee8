/**
 * The console's assessment page (考核) in real Chromium against a real `vigil start`: a province leader opens it,
 * sees the province's total and one row per unit below with the same numerators, denominators and scores the API
 * answers for the same days, in the order of score, with the red and black list marks the configured rules give;
 * ranks the units by one indicator with a click, exports the report as an Excel workbook, generates a 通报 and
 * downloads its PDF from the archive, and switches to last month. The node's schedule was switched on before last
 * month ended (its record written into the data dir before the start), so the node archives last month's 通报 and
 * statistics report at start-up; the archive shows them marked 定时生成 beside the leader's. A duty officer of a city
 * sees only the city's own units, is not offered to generate a circular and sees none of the province's.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssessmentRanking, CircularRecord } from '../schema/assessment-scores.js';
import { presetDays } from '../wall/src/console/assessment-page.js';
import { artifactPath, launchBrowser, shootForDocs, type TestBrowser } from './support/browser.js';
import { api, createPerson, openConsole, type Person, registerVehicles } from './support/console-scenario.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';
import { openOperational } from '../store/index.js';
import { nodeOperationalTarget } from './support/test-postgres.js';

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

interface ShownRow {
  org: string;
  score: string;
  list: string;
  figures: Record<string, string>;
}

/** Each row's org code, score, list and, per indicator, "numerator/denominator" as the page carries them. */
async function rowsOnPage(page: Page): Promise<ShownRow[]> {
  return page.$$eval('[data-testid="assessment-total"], [data-testid="assessment-unit"]', (rows) =>
    rows.map((row) => ({
      org: row.getAttribute('data-org-code') ?? '',
      score: row.querySelector('td[data-score]')?.getAttribute('data-score') ?? '',
      list: row.getAttribute('data-list') ?? '',
      figures: Object.fromEntries(
        [...row.querySelectorAll('td[data-indicator]')].map((td) => [
          td.getAttribute('data-indicator') ?? '',
          `${td.getAttribute('data-numerator')}/${td.getAttribute('data-denominator')}`,
        ]),
      ),
    })),
  );
}

function rowsOfReport(report: AssessmentRanking): ShownRow[] {
  return [report.totals, ...report.units].map((u, i) => ({
    org: u.org_code,
    score: u.score === null ? '' : String(u.score),
    list: i === 0 ? '' : (u.lists[0]?.list ?? ''),
    figures: Object.fromEntries(Object.entries(u.figures).map(([id, f]) => [id, `${f.numerator}/${f.denominator}`])),
  }));
}

/** The scheduled documents the node archives at start-up: last month's 通报 of the cities and statistics report. */
const SCHEDULED = ['circular-monthly', 'report-monthly'];

beforeAll(async () => {
  // A cluster whose monthly documents were switched on two months ago: the node owes last month's at start-up.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-assessment-'));
  const store = await openOperational(await nodeOperationalTarget(dataDir));
  for (const document of SCHEDULED)
    await store.query('INSERT INTO document_schedules (document, since) VALUES ($1, $2)', [
      document,
      new Date(Date.now() - 62 * 86_400_000),
    ]);
  await store.close();
  vigil = await startVigil({ dataDir });
  const admin = await vigil.login();
  leader = await createPerson(vigil, admin, 'henan-assess', 'leader', '410000', { display_name: '考核组' });
  zzOfficer = await createPerson(vigil, admin, 'zz-assess', 'duty_officer', '410100', { display_name: '郑州值班' });
  // Two lower platforms, supervised by 郑州 and 洛阳, for the 下级平台 rows.
  for (const [access_code, org_code, name] of [
    [70001, '410100', '郑州货运企业监控平台'],
    [70002, '410300', '洛阳客运企业监控平台'],
  ] as const)
    await api(vigil, admin, 'POST', '/api/jt809/platforms', {
      access_code,
      user_id: access_code,
      password: 'plat0001',
      name,
      org_code,
    });
  // Scores from the entry rate alone, so the plan below decides them: Luoyang 100 (red), Zhengzhou 50 (black).
  await api(vigil, admin, 'PUT', '/api/config/assessment_scoring', {
    value: {
      weights: { entry_rate: 100 },
      red: { top_n: 3, min_score: 90 },
      black: { below_score: 60, bottom_n: 0, indicators: [] },
    },
  });
  // Registered vehicles in two cities, one of them without a terminal: entry rates differ between the cities.
  await registerVehicles(vigil, admin, [
    { plate: '豫A7K001', terminal_id: '013970000001', home_org_code: '410102' },
    { plate: '豫A7K002', terminal_id: '', home_org_code: '410105' },
    { plate: '豫C7K003', terminal_id: '013970000003', home_org_code: '410302' },
  ]);
  browser = await launchBrowser({ width: 1920, height: 1080 });
  // Generated in the background once the node runs its jobs; the page lists them from its first load.
  await eventually(
    async () => {
      const { circulars } = await api<{ circulars: CircularRecord[] }>(
        vigil,
        leader.token,
        'GET',
        '/api/assessment/circulars',
      );
      return circulars.filter((c) => c.schedule === 'monthly').length === SCHEDULED.length ? true : undefined;
    },
    90_000,
    "last month's scheduled documents archived",
  );
});

afterAll(async () => {
  await browser?.close();
  await vigil?.stop({ removeData: true });
});

describe('console: assessment (考核)', () => {
  it("shows the province's figures and scores per city exactly as the API computes them, lists, ranks, exports and generates the 通报", async () => {
    const page = await openAssessment(leader);
    const { from, to } = presetDays('this_month', Date.now());
    const query = `/api/assessment/ranking?from=${from}&to=${to}`;
    // The registry mirror reaches ClickHouse on its own schedule: wait until the API counts the three vehicles.
    const report = await eventually(
      async () => {
        const r = await api<AssessmentRanking>(vigil, leader.token, 'GET', query);
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
      'the page showing the same rows, figures and scores as the API',
    );
    expect(report.units.length).toBeGreaterThanOrEqual(18);
    const total = page.locator('[data-testid="assessment-total"] td[data-indicator="entry_rate"]');
    expect(await total.locator('.assessment-value').textContent()).toBe('66.7%');
    // The plan's scores: entry rate × 100, Luoyang first and on the red list, Zhengzhou on the black list.
    const shown = await rowsOnPage(page);
    expect(shown.slice(1, 3)).toEqual([
      expect.objectContaining({ org: '410300', score: '100', list: 'red' }),
      expect.objectContaining({ org: '410100', score: '50', list: 'black' }),
    ]);
    expect(await page.locator('[data-testid="assessment-red"] li').allTextContents()).toEqual([
      expect.stringContaining('洛阳市'),
    ]);
    const black = await page.locator('[data-testid="assessment-black"] li').allTextContents();
    expect(black).toEqual([expect.stringContaining('郑州市')]);
    expect(black[0]).toContain('得分低于60分');
    expect(
      await page
        .locator('[data-testid="assessment-unit"][data-org-code="410100"] [data-testid="assessment-mark-black"]')
        .count(),
    ).toBe(1);

    // Ranked by entry rate: Luoyang (1 of 1 vehicles with a terminal) before Zhengzhou (1 of 2).
    await page.click('[data-testid="assessment-rank-entry_rate"]');
    const ranked = (await rowsOnPage(page)).slice(1).map((r) => r.org);
    expect(ranked.indexOf('410300')).toBeLessThan(ranked.indexOf('410100'));
    await page.click('[data-testid="assessment-rank-score"]');
    await page.screenshot({ path: artifactPath('console-assessment-1920x1080.png') });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid="assessment-export"]'),
    ]);
    expect(download.suggestedFilename()).toBe(`assessment-410000-${from}-${to}.xlsx`);
    const file = await download.path();
    // An Office Open XML workbook is a ZIP archive.
    expect(readFileSync(file).subarray(0, 2).toString('latin1')).toBe('PK');

    // 生成通报: archived, listed first (newest), confirmed beside the archive's heading, and its PDF downloads as
    // stored.
    await page.click('[data-testid="assessment-generate"]');
    const row = page.locator('[data-testid="assessment-circular"][data-schedule=""]').first();
    await row.waitFor({ timeout: 30_000 });
    const archived = await api<{ circulars: CircularRecord[] }>(
      vigil,
      leader.token,
      'GET',
      '/api/assessment/circulars',
    );
    const manual = archived.circulars.filter((c) => c.schedule === null);
    expect(manual).toHaveLength(1);
    const circular = manual[0];
    expect(archived.circulars[0].id).toBe(circular.id);
    expect(await page.locator('[data-testid="assessment-generated"]').textContent()).toContain(circular.title);
    // The schedule's: last month, marked 月 and 定时生成, the 通报 in three formats, the report as a workbook.
    const lastMonth = presetDays('last_month', Date.now());
    const scheduledRows = page.locator('[data-testid="assessment-circular"][data-schedule="monthly"]');
    expect(await scheduledRows.count()).toBe(2);
    for (let i = 0; i < 2; i++) {
      const cells = await scheduledRows.nth(i).locator('td').allTextContents();
      expect(cells[1]).toBe(`月${lastMonth.from} — ${lastMonth.to}`);
      expect(cells[2]).toBe('定时生成');
    }
    const scheduledFormats = await scheduledRows.evaluateAll((rows) =>
      rows.map((r) => [...r.querySelectorAll('button')].map((b) => b.textContent).join(',')).sort(),
    );
    expect(scheduledFormats).toEqual(['PDF,DOCX,XLSX', 'XLSX']);
    expect(circular.period).toEqual({ from, to });
    expect(await row.getAttribute('data-circular-id')).toBe(String(circular.id));
    expect(await row.locator('td').first().textContent()).toBe(circular.title);
    const [pdf] = await Promise.all([
      page.waitForEvent('download'),
      row.locator('[data-testid="assessment-download-pdf"]').click(),
    ]);
    expect(pdf.suggestedFilename()).toBe(`${circular.title}.pdf`);
    const pdfBytes = readFileSync(await pdf.path());
    expect(createHash('sha256').update(pdfBytes).digest('hex')).toBe(
      circular.files.find((f) => f.format === 'pdf')!.sha256,
    );
    await page.locator('[data-testid="assessment-circulars"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: artifactPath('console-assessment-circulars-1920x1080.png') });
    await shootForDocs(page, 'console-assessment-scheduled', () =>
      page.locator('[data-testid="assessment-circulars"]').scrollIntoViewIfNeeded(),
    );

    // 下级平台: the lower platforms ranked as the API ranks them, each row naming its access code; 通报 offered.
    await page.selectOption('[data-testid="assessment-level"]', 'platform');
    const platforms = await api<AssessmentRanking>(
      vigil,
      leader.token,
      'GET',
      `/api/assessment/ranking?from=${from}&to=${to}&level=platform`,
    );
    expect(platforms.units.map((u) => u.access_code).sort()).toEqual([70001, 70002]);
    await eventually(
      async () =>
        JSON.stringify(await rowsOnPage(page)) === JSON.stringify(rowsOfReport(platforms)) ? true : undefined,
      20_000,
      'the lower platforms ranked on the page',
    );
    expect(
      await page.$$eval('[data-testid="assessment-unit"]', (rows) =>
        rows.map((r) => r.getAttribute('data-access-code')),
      ),
    ).toEqual(platforms.units.map((u) => String(u.access_code)));
    expect(platforms.actions).toEqual(['generate_circular']);
    expect(await page.locator('[data-testid="assessment-generate"]').count()).toBe(1);
    await page.click('[data-testid="assessment-generate"]');
    const platformCircular = await eventually(
      async () => {
        const { circulars } = await api<{ circulars: CircularRecord[] }>(
          vigil,
          leader.token,
          'GET',
          '/api/assessment/circulars',
        );
        return circulars.find((c) => c.level === 'platform');
      },
      30_000,
      'the 通报 of the lower platforms archived',
    );
    expect(platformCircular.title).toContain('下级监控平台运行考核情况的通报');
    await page.locator(`[data-testid="assessment-circular"][data-circular-id="${platformCircular.id}"]`).waitFor();
    await shootForDocs(page, 'console-assessment-platforms');
    await page.selectOption('[data-testid="assessment-level"]', 'children');

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
  });

  it("gives a city's duty officer the city's own units only", async () => {
    const page = await openAssessment(zzOfficer);
    const rows = await rowsOnPage(page);
    expect(rows[0].org).toBe('410100');
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows.slice(1)) expect(row.org.startsWith('4101')).toBe(true);
    // A duty post does not draft circulars, and the province's circulars, its own or scheduled, are not the city's.
    expect(await page.locator('[data-testid="assessment-generate"]').count()).toBe(0);
    await page.locator('[data-testid="assessment-circulars"] .console-empty').waitFor();
    await page.close();
  });
});
