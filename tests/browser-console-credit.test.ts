/**
 * The console's credit page (信用) in real Chromium against a real `vigil start`. Facts are written into the node's
 * own stores before it starts — enterprises of 郑州 and 洛阳 with vehicles, alarm cases and late work orders in
 * PostgreSQL, a driver's card and episodes in ClickHouse, the grade one enterprise had two days ago — so the node's
 * daily credit run, which checks at start-up, grades yesterday by itself. A province leader sees every enterprise
 * with the grade and score the API answers, the grade count tiles, the fall marked, the history of the fallen
 * enterprise with both days, the driver's points; the fall is an alarm in the queue's API. A 郑州 duty officer sees
 * only 郑州's. Screenshots at 1920×1080 and 3840×2160 go to docs/screenshots/.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALARMS, DRIVER_EVENTS, tsvEncoderFor, type TableSpec } from '../schema/index.js';
import type { DriverCreditAnswer, EnterpriseCreditAnswer } from '../schema/credit.js';
import { openAnalytics, openOperational, type Analytics } from '../store/index.js';
import { seedOrgUnits } from '../center/index.js';
import { launchBrowser, shootForDocs, type TestBrowser } from './support/browser.js';
import { api, createPerson, openConsole, type Person } from './support/console-scenario.js';
import { issueKey, postRecords } from './support/ingest-client.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';
import { nodeOperationalTarget } from './support/test-postgres.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const chinaDay = (ms: number): string => new Date(ms + 8 * HOUR_MS).toISOString().slice(0, 10);
const NOW = Date.now();
const YESTERDAY = chinaDay(NOW - DAY_MS);
const BEFORE = chinaDay(NOW - 2 * DAY_MS);
/** Noon (China time) of yesterday: inside the day graded. */
const YESTERDAY_NOON = Date.parse(`${YESTERDAY}T12:00:00+08:00`);

/**
 * 中原危货's id is its unified social credit code (check character per GB 32100-2015), so market supervision can
 * report it: the register revoked its business licence (吊销) while its lorry still runs.
 */
const ZHONGYUAN = '91410102MA9CP0003R';
const ZHONGYUAN_LICENCE = '豫交运管许可郑字410102000033号';
const REVOKED_ON = '2026-11-01';

const ENTERPRISES = [
  { id: 'CP-ZZ-1', name: '郑州安达物流有限公司', org: '410105', vehicles: 5, criticals: 0, late: 0 },
  // Two vehicles, 6 critical alarms (3 points each by default) and 2 late orders: 100 − 9 − 10 = 81 → A.
  { id: 'CP-ZZ-2', name: '郑州宏运客运有限公司', org: '410102', vehicles: 2, criticals: 6, late: 2 },
  // One vehicle, 10 critical alarms and 3 late orders: 100 − 30 − 15 = 55 → D.
  { id: ZHONGYUAN, name: '中原危货运输公司', org: '410102', vehicles: 1, criticals: 10, late: 3 },
  { id: 'CP-LY-1', name: '洛阳老城客运公司', org: '410302', vehicles: 3, criticals: 1, late: 0 },
];
const TERMINAL = '013977000001';
const CERTIFICATE = '410105198807071234';

async function insert(analytics: Analytics, table: TableSpec, rows: Record<string, unknown>[], token: string) {
  const encoder = tsvEncoderFor(table);
  await analytics.writer.insertTabSeparated(table.name, encoder.columns, encoder.encodeRows(rows), token);
}

/** Writes the facts into the stores of a data dir no node runs on yet. */
async function seed(dataDir: string): Promise<void> {
  const sql = await openOperational(await nodeOperationalTarget(dataDir));
  await seedOrgUnits(sql);
  let n = 0;
  for (const e of ENTERPRISES) {
    await sql.query('INSERT INTO enterprises (id, name, org_code, licence_no) VALUES ($1, $2, $3, $4)', [
      e.id,
      e.name,
      e.org,
      e.id === ZHONGYUAN ? ZHONGYUAN_LICENCE : '',
    ]);
    for (let v = 0; v < e.vehicles; v++)
      await sql.query(
        `INSERT INTO vehicles (plate, plate_color, vehicle_class, enterprise_id, terminal_id, home_org_code)
         VALUES ($1, 2, 'coach', $2, $3, $4)`,
        [
          `豫${e.org === '410302' ? 'C' : 'A'}P${ENTERPRISES.indexOf(e)}${v}00`,
          e.id,
          n === 0 && v === 0 ? TERMINAL : '',
          e.org,
        ],
      );
    for (let k = 0; k < e.criticals; k++)
      await sql.query(
        `INSERT INTO alarm_cases (alarm_id, rule, severity, version, started_at, event_org_code, lat, lon, org_code,
           department, enterprise_id, state, received_at, updated_at)
         VALUES ($1, 'fatigue', 'critical', 1, $2, $3, 34.7, 113.6, $3, 'road_transport', $4, 'acknowledged', $2, $2)`,
        [`cp-case-${++n}`, new Date(YESTERDAY_NOON - k * HOUR_MS), e.org, e.id],
      );
    for (let k = 0; k < e.late; k++)
      await sql.query(
        `INSERT INTO work_orders (title, source, category, severity, issuer_org, org_code, department, enterprise_id,
           state, deadline_at, created_at, updated_at)
         VALUES ('整改', 'top_down', 'rectification', 'warning', '410000', $1, 'road_transport', $2, 'in_progress', $3, $4, $4)`,
        [e.org, e.id, new Date(YESTERDAY_NOON - k * HOUR_MS), new Date(YESTERDAY_NOON - 72 * HOUR_MS)],
      );
    n++;
  }
  // What the run stored two days ago: every enterprise AA, so 宏运 and 中原危货 have fallen since.
  for (const e of ENTERPRISES)
    await sql.query(
      `INSERT INTO credit_enterprise_days (day, enterprise_id, name, org_code, score, grade, facts, config_version, computed_at)
       VALUES ($1, $2, $3, $4, 95, 'AA', $5, 0, now())`,
      [
        BEFORE,
        e.id,
        e.name,
        e.org,
        JSON.stringify({
          vehicles: e.vehicles,
          alarms: {},
          violation_points: 0,
          violation_deduction: 5,
          orders_due: 0,
          orders_late: 0,
          handling_deduction: 0,
        }),
      ],
    );
  await sql.close();
  const analytics = await openAnalytics({ kind: 'embedded', dataDir });
  await insert(
    analytics,
    DRIVER_EVENTS,
    [
      {
        terminal_id: TERMINAL,
        plate: '',
        ts: YESTERDAY_NOON - 10 * HOUR_MS,
        received_at: YESTERDAY_NOON - 10 * HOUR_MS,
        status: 1,
        read_result: 0,
        driver_name: '王建国',
        certificate: CERTIFICATE,
        authority: '郑州市交通运输局',
        certificate_valid_until: null,
        org_code: '410105',
        source: 'jt808',
      },
    ],
    'credit-page-card',
  );
  // Night driving (10) and two overspeeds (3 each) by default: 16 points, past the first threshold 12.
  const episode = (id: string, rule: string, at: number) => ({
    alarm_id: id,
    rule,
    rule_version: 1,
    severity: 'warning',
    terminal_id: TERMINAL,
    plate: '豫AP0000',
    started_at: at,
    ended_at: at + 600_000,
    org_code: '410105',
    lat: 34.75,
    lon: 113.65,
    late: 0,
    details: '{}',
    version: 1,
    updated_at: at + 600_000,
  });
  await insert(
    analytics,
    ALARMS,
    [
      episode('cp-e1', 'night_ban', YESTERDAY_NOON - 9 * HOUR_MS),
      episode('cp-e2', 'overspeed', YESTERDAY_NOON - 3 * HOUR_MS),
      episode('cp-e3', 'overspeed', YESTERDAY_NOON - 2 * HOUR_MS),
    ],
    'credit-page-episodes',
  );
  await analytics.close();
}

let vigil: VigilProcess;
let browser: TestBrowser;
let leader: Person;
let zzOfficer: Person;
let company: Person;

async function openCredit(person: Person): Promise<Page> {
  const page = await openConsole(vigil, browser, person, 'credit');
  // The page's first answer: its table, its error, or a day not computed; 90 s as the other pages' first reads, since
  // a loaded run once took more than 30 s, and a failure says what the page showed instead.
  const answered = page.locator(
    '[data-testid="credit-table"], [data-testid="credit-error"], [data-testid="credit-none"]',
  );
  await answered
    .first()
    .waitFor({ timeout: 90_000 })
    .catch(async (error: unknown) => {
      const shown = await page.locator('[data-testid="credit-page"]').textContent();
      throw new Error(`the credit page gave no answer: ${String(error)}; it shows: ${shown}`);
    });
  for (const testId of ['credit-error', 'credit-none']) {
    const said = page.locator(`[data-testid="${testId}"]`);
    if ((await said.count()) > 0) throw new Error(`the page says: ${await said.textContent()}`);
  }
  return page;
}

async function rowsOnPage(page: Page): Promise<{ id: string; grade: string; score: string }[]> {
  return page.$$eval('[data-testid^="credit-row-"]', (rows) =>
    rows.map((row) => ({
      id: (row.getAttribute('data-testid') ?? '').replace('credit-row-', ''),
      grade: row.getAttribute('data-grade') ?? '',
      score: row.getAttribute('data-score') ?? '',
    })),
  );
}

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-credit-page-'));
  await seed(dataDir);
  vigil = await startVigil({ dataDir });
  const admin = await vigil.login();
  leader = await createPerson(vigil, admin, 'henan-credit', 'leader', '410000', { display_name: '信用科' });
  zzOfficer = await createPerson(vigil, admin, 'zz-credit', 'duty_officer', '410100', { display_name: '郑州值班' });
  company = await createPerson(vigil, admin, 'cp-hongyun', 'enterprise', '410102', { enterprise_id: 'CP-ZZ-2' });
  // Zhengzhou's market register reports 中原危货 revoked, through the HTTP ingestion as a register would.
  const { key } = await issueKey(vigil.baseUrl, admin, 'market_registration', '410100', '郑州市场监管登记');
  const posted = await postRecords(vigil.baseUrl, 'market_registration', key, [
    {
      credit_code: ZHONGYUAN,
      name: '中原危货运输有限公司',
      status: '吊销，未注销',
      business_scope: '危险货物道路运输',
      licence_numbers: `${ZHONGYUAN_LICENCE};危化经字410102033号`,
      established_on: '2015-06-18',
      status_changed_on: REVOKED_ON,
      authority: '郑州市管城回族区市场监督管理局',
      org_code: '410102',
    },
  ]);
  expect(posted.body).toMatchObject({ accepted: 1, rejected: [] });
  browser = await launchBrowser({ width: 1920, height: 1080 });
});

afterAll(async () => {
  await browser?.close();
  await vigil?.stop({ removeData: true });
});

describe('console: credit (信用)', () => {
  it('shows every enterprise’s grade as the node graded yesterday, the fall, the history and the drivers', async () => {
    // The run checks at start-up; yesterday is graded once it is done.
    const answer = await eventually(
      async () => {
        const a = await api<EnterpriseCreditAnswer>(vigil, leader.token, 'GET', '/api/credit/enterprises');
        return a.day === YESTERDAY ? a : undefined;
      },
      60_000,
      'the daily credit run grading yesterday',
    );
    // The plan's arithmetic with the default model (docs/credit.md).
    expect(Object.fromEntries(answer.enterprises.map((e) => [e.enterprise_id, [e.score, e.grade]]))).toEqual({
      'CP-ZZ-1': [100, 'AA'],
      'CP-ZZ-2': [81, 'A'],
      [ZHONGYUAN]: [55, 'D'],
      'CP-LY-1': [99, 'AA'],
    });
    const page = await openCredit(leader);
    expect(await rowsOnPage(page)).toEqual(
      answer.enterprises.map((e) => ({ id: e.enterprise_id, grade: e.grade, score: String(e.score) })),
    );
    expect(await page.getAttribute('[data-testid="credit-grade-AA"]', 'data-count')).toBe('2');
    expect(await page.getAttribute('[data-testid="credit-grade-D"]', 'data-count')).toBe('1');
    expect(await page.locator(`[data-testid="credit-row-${ZHONGYUAN}"] .credit-fell`).count()).toBe(1);
    // Market supervision's revocation: in the API, and as a red badge with its date in the list.
    const zhongyuan = answer.enterprises.find((e) => e.enterprise_id === ZHONGYUAN);
    expect(zhongyuan?.licence_no).toBe(ZHONGYUAN_LICENCE);
    expect(zhongyuan?.registration).toMatchObject({
      status: 'revoked',
      status_text: '吊销，未注销',
      status_changed_on: Date.parse(`${REVOKED_ON}T00:00:00+08:00`),
      authority: '郑州市管城回族区市场监督管理局',
      licence_numbers: [ZHONGYUAN_LICENCE, '危化经字410102033号'],
    });
    expect(zhongyuan?.registration?.source).toMatch(/^key:\d+$/);
    expect(answer.enterprises.find((e) => e.enterprise_id === 'CP-ZZ-1')?.registration).toBeNull();
    const badge = page.locator(`[data-testid="credit-row-${ZHONGYUAN}"] [data-testid="registration-badge"]`);
    expect(await badge.getAttribute('data-status')).toBe('revoked');
    expect((await badge.textContent())?.replace(/\s+/g, '')).toBe(`吊销${REVOKED_ON}起`);
    expect(await badge.locator('.market-badge-revoked').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      'rgb(198, 40, 40)',
    );
    const other = page.locator('[data-testid="credit-row-CP-ZZ-1"] [data-testid="registration-badge"]');
    expect(await other.textContent()).toBe('未报送');
    expect(await page.locator('[data-testid="credit-row-CP-ZZ-1"] .credit-fell').count()).toBe(0);

    await shootForDocs(page, 'console-credit');
    await page.click(`[data-testid="credit-row-${ZHONGYUAN}"]`);
    await page.locator(`[data-testid="credit-history-${BEFORE}"]`).waitFor();
    expect(await page.getAttribute(`[data-testid="credit-history-${YESTERDAY}"]`, 'data-grade')).toBe('D');
    expect(await page.getAttribute(`[data-testid="credit-history-${BEFORE}"]`, 'data-grade')).toBe('AA');
    // The detail: the register's words, the date, where it came from, and the transport licence beside it.
    const detail = page.locator('[data-testid="registration-detail"]');
    expect(await detail.locator('[data-testid="registration-badge"]').getAttribute('data-status')).toBe('revoked');
    expect(await detail.textContent()).toContain('吊销，未注销');
    expect(await detail.locator('[data-testid="registration-date"]').textContent()).toBe(REVOKED_ON);
    expect(await detail.locator('[data-testid="registration-source"]').textContent()).toMatch(
      /^接口（数据源密钥 #\d+）/,
    );
    expect(await detail.locator('[data-testid="transport-licence"]').textContent()).toBe(ZHONGYUAN_LICENCE);
    expect(await detail.locator('[role="alert"]').textContent()).toContain('营业执照已吊销');
    await shootForDocs(page, 'console-credit-history');

    const drivers = await api<DriverCreditAnswer>(vigil, leader.token, 'GET', '/api/credit/drivers');
    expect(drivers.drivers.map((d) => [d.certificate, d.points, d.threshold])).toEqual([[CERTIFICATE, 16, 12]]);
    expect(await page.getAttribute(`[data-testid="credit-driver-${CERTIFICATE}"]`, 'data-points')).toBe('16');

    // The falls are alarms of their enterprises, routed like any.
    const alarms = await eventually(
      async () => {
        const list = await api<{ alarms: { rule: string; enterprise_id: string | null }[] }>(
          vigil,
          leader.token,
          'GET',
          '/api/alarms?rule=credit_grade_drop',
        );
        const falls = list.alarms.filter((a) => a.rule === 'credit_grade_drop');
        return falls.length === 2 ? falls : undefined;
      },
      30_000,
      'the credit_grade_drop alarms in the queue',
    );
    expect(alarms.map((a) => a.enterprise_id).sort()).toEqual(['CP-ZZ-2', ZHONGYUAN].sort());

    await page.close();
  });

  it('shows a city officer only the city’s enterprises and drivers', async () => {
    const page = await openCredit(zzOfficer);
    const ids = (await rowsOnPage(page)).map((r) => r.id).sort();
    expect(ids).toEqual(['CP-ZZ-1', 'CP-ZZ-2', ZHONGYUAN].sort());
    const drivers = await api<DriverCreditAnswer>(vigil, zzOfficer.token, 'GET', '/api/credit/drivers');
    expect(drivers.drivers.map((d) => d.certificate)).toEqual([CERTIFICATE]);
    await page.close();
  });

  it('shows an enterprise account its own grade and history only', async () => {
    const page = await openCredit(company);
    expect((await rowsOnPage(page)).map((r) => [r.id, r.grade])).toEqual([['CP-ZZ-2', 'A']]);
    await page.click('[data-testid="credit-row-CP-ZZ-2"]');
    await page.locator(`[data-testid="credit-history-${BEFORE}"]`).waitFor();
    expect(await page.getAttribute(`[data-testid="credit-history-${YESTERDAY}"]`, 'data-grade')).toBe('A');
    // Its drivers only: the one driver with points drives for 安达.
    const drivers = await api<DriverCreditAnswer>(vigil, company.token, 'GET', '/api/credit/drivers');
    expect(drivers.drivers).toEqual([]);
    await page.close();
  });
});
