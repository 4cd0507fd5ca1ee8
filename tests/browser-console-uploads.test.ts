/**
 * The console's upload page (数据上传) in real Chromium against a real `vigil start`: a county administrator picks
 * a kind and an XLSX written here with exceljs, sees the counts and the refused rows the server answered, downloads
 * the error report, uploads the same file again and is told nothing was applied; an enterprise uploads a CSV of its
 * vehicles and sees only its own uploads; a duty officer has no upload tab. Screenshots at 1920×1080 and 3840×2160
 * go to docs/screenshots/.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadSummary } from '../schema/uploads.js';
import { launchBrowser, shootForDocs, type TestBrowser } from './support/browser.js';
import { api, createPerson, openConsole, type Person } from './support/console-scenario.js';
import { issueKey, postRecords } from './support/ingest-client.js';
import { startVigil, type VigilProcess } from './support/vigil-process.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const DAY = new Date(Date.now() - DAY_MS + 8 * HOUR_MS).toISOString().slice(0, 10);

let vigil: VigilProcess;
let browser: TestBrowser;
let county: Person;
let company: Person;
let officer: Person;
const filesDir = mkdtempSync(path.join(tmpdir(), 'vigil-upload-files-'));

/** Plate reads of 金水区's checkpoints: eight good rows and three refused ones, as a county exports them. */
async function writeWorkbook(file: string): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('卡口过车');
  sheet.addRow(['event_id', 'camera_id', 'plate', 'plate_color', 'time', 'lane', 'org_code']);
  for (let i = 1; i <= 8; i++)
    sheet.addRow([`JS-${i}`, 'KK-410105-01', `豫A${String(7000 + i)}B`, 'blue', `${DAY} 08:${10 + i}:00`, 1, '410105']);
  sheet.addRow(['JS-9', 'KK-410105-01', null, 'blue', `${DAY} 08:30:00`, 1, '410105']);
  sheet.addRow(['JS-10', 'KK-410302-01', '豫C7010B', 'blue', `${DAY} 08:31:00`, 1, '410302']);
  sheet.addRow(['JS-11', 'KK-410105-01', '豫A7011B', 'blue', '2026-13-40 08:32:00', 1, '410105']);
  await workbook.xlsx.writeFile(file);
}

async function uploadInPage(page: Page, kind: string, file: string): Promise<void> {
  await page.selectOption('[data-testid="upload-kind"]', kind);
  await page.setInputFiles('[data-testid="upload-file"]', file);
  const result = page.locator('[data-testid="upload-result"]');
  const before = (await result.count()) > 0 ? await result.getAttribute('data-upload-id') : null;
  await page.click('[data-testid="upload-send"]');
  await page.waitForFunction(
    (previous) => {
      const result = document.querySelector('[data-testid="upload-result"]');
      const error = document.querySelector('[data-testid="upload-error"]');
      return (
        error !== null ||
        (result !== null &&
          (previous === null ||
            document.querySelector('[data-testid="upload-repeated"]') !== null ||
            result.getAttribute('data-upload-id') !== previous))
      );
    },
    before,
    { timeout: 30_000 },
  );
  const error = page.locator('[data-testid="upload-error"]');
  if ((await error.count()) > 0) throw new Error(`the page says: ${await error.textContent()}`);
}

const count = async (page: Page, testId: string): Promise<number> =>
  Number(await page.locator(`[data-testid="${testId}"] .upload-count-value`).textContent());

beforeAll(async () => {
  vigil = await startVigil();
  const admin = await vigil.login();
  await api(vigil, admin, 'POST', '/api/enterprises', {
    id: 'ZZ-WL',
    name: '郑州万里物流有限公司',
    org_code: '410105',
  });
  const { key } = await issueKey(vigil.baseUrl, admin, 'registry');
  const registered = await postRecords(vigil.baseUrl, 'registry', key, [
    { type: 'vehicle', plate: '豫AW5001', plate_color: 2, vehicle_class: 'heavy_truck', enterprise_id: 'ZZ-WL' },
  ]);
  expect(registered.body.rejected).toEqual([]);
  county = await createPerson(vigil, admin, 'jinshui-data', 'admin', '410105', { display_name: '金水区数据管理员' });
  company = await createPerson(vigil, admin, 'zz-wanli', 'enterprise', '410105', { enterprise_id: 'ZZ-WL' });
  officer = await createPerson(vigil, admin, 'jinshui-officer', 'duty_officer', '410105');
  browser = await launchBrowser({ width: 1920, height: 1080 });
});

afterAll(async () => {
  await browser?.close();
  await vigil?.stop({ removeData: true });
  rmSync(filesDir, { recursive: true, force: true });
});

describe('console: uploads (数据上传)', () => {
  it('uploads a county’s XLSX, shows the refused rows, offers the report and applies a repeat not at all', async () => {
    const file = path.join(filesDir, '金水区卡口过车.xlsx');
    await writeWorkbook(file);
    const page = await openConsole(vigil, browser, county, 'uploads');
    await page.locator('[data-testid="upload-history"], .uploads-page .console-dim').first().waitFor();
    // The kind's columns, offered as a template to fill in.
    await page.selectOption('[data-testid="upload-kind"]', 'anpr');
    expect(await page.textContent('[data-testid="upload-columns"]')).toContain('event_id, camera_id, plate, time');
    const [template] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid="upload-template"]'),
    ]);
    expect(template.suggestedFilename()).toBe('anpr-template.csv');
    const templateFile = path.join(filesDir, 'template.csv');
    await template.saveAs(templateFile);
    expect(readFileSync(templateFile, 'utf8')).toMatch(/^\uFEFFevent_id,camera_id,plate,time,plate_color,/);
    await uploadInPage(page, 'anpr', file);
    await page.locator('[data-testid="upload-applied"]').waitFor();
    expect([
      await count(page, 'upload-records'),
      await count(page, 'upload-accepted'),
      await count(page, 'upload-rejected'),
    ]).toEqual([11, 8, 3]);
    const reasons = await page.$$eval('[data-testid^="upload-error-"]', (rows) =>
      rows.map((r) => [r.getAttribute('data-testid'), r.getAttribute('data-reason')]),
    );
    expect(reasons).toEqual([
      ['upload-error-10', 'missing_plate'],
      ['upload-error-11', 'org_out_of_scope'],
      ['upload-error-12', 'bad_time'],
    ]);
    const uploadId = Number(await page.getAttribute('[data-testid="upload-result"]', 'data-upload-id'));
    // What the page shows is what landed: the accepted reads are in ClickHouse.
    const stored = await vigil.sql<[number]>("SELECT count() FROM camera_events WHERE source = 'upload:410105'");
    expect(stored.rows).toEqual([[8]]);
    await page.locator(`[data-testid="upload-row-${uploadId}"]`).waitFor();
    await shootForDocs(page, 'console-uploads');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="upload-report"]')]);
    const saved = path.join(filesDir, 'report.csv');
    await download.saveAs(saved);
    const report = readFileSync(saved, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(report[0]).toBe('row,field,reason,detail,event_id,camera_id,plate,plate_color,time,lane,org_code,raw');
    expect(report.slice(1).map((line) => line.split(',').slice(0, 3).join(','))).toEqual([
      '10,plate,missing_plate',
      '11,org_code,org_out_of_scope',
      '12,time,bad_time',
    ]);

    await uploadInPage(page, 'anpr', file);
    await page.locator('[data-testid="upload-repeated"]').waitFor();
    expect(Number(await page.getAttribute('[data-testid="upload-result"]', 'data-upload-id'))).toBe(uploadId);
    expect(await page.textContent('[data-testid="upload-repeated"]')).toContain('未重复写入');
    expect(
      (await vigil.sql<[number]>("SELECT count() FROM camera_events WHERE source = 'upload:410105'")).rows,
    ).toEqual([[8]]);
    const history = await api<{ uploads: UploadSummary[] }>(vigil, county.token, 'GET', '/api/uploads');
    expect(history.uploads.map((x) => x.id)).toEqual([uploadId]);
    await shootForDocs(page, 'console-uploads-repeated');
    await page.close();
  });

  it('lets an enterprise upload its own vehicles and see only its own uploads', async () => {
    const file = path.join(filesDir, 'vehicles.csv');
    writeFileSync(
      file,
      [
        'type,plate,plate_color,vehicle_class,axles',
        'vehicle,豫AW5002,2,heavy_truck,6',
        'vehicle,豫AW5003,2,heavy_truck,4',
        'vehicle,豫AW5004,2,spaceship,4',
      ].join('\n'),
    );
    const page = await openConsole(vigil, browser, company, 'uploads');
    // The enterprise's name arrives with the workspace's enterprise list; until then the page shows its id.
    await page
      .locator('[data-testid="upload-scope"]', { hasText: '郑州万里物流有限公司' })
      .waitFor({ timeout: 15_000 });
    await uploadInPage(page, 'registry', file);
    expect([await count(page, 'upload-accepted'), await count(page, 'upload-rejected')]).toEqual([2, 1]);
    expect(await page.getAttribute('[data-testid="upload-error-4"]', 'data-reason')).toBe('bad_vehicle_class');
    const uploadId = await page.getAttribute('[data-testid="upload-result"]', 'data-upload-id');
    await page.locator(`[data-testid="upload-row-${uploadId}"]`).waitFor();
    const rows = await page.$$eval('[data-testid^="upload-row-"]', (r) => r.length);
    expect(rows).toBe(1);
    const fleet = await api<{ vehicles: { plate: string }[] }>(vigil, company.token, 'GET', '/api/vehicles?q=AW500');
    expect(fleet.vehicles.map((v) => v.plate).sort()).toEqual(['豫AW5001', '豫AW5002', '豫AW5003']);
    await page.close();
  });

  it('offers no upload tab to a duty officer', async () => {
    const page = await openConsole(vigil, browser, officer);
    await page.locator('[data-testid="tab-alarms"]').waitFor();
    expect(await page.locator('[data-testid="tab-uploads"]').count()).toBe(0);
    await page.close();
  });
});
