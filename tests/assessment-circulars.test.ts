/**
 * Weighted scores, the ranking, the red and black lists and the generated 通报 on planned facts: four counties
 * whose vehicles report or stay silent in November 2026 (China time), with overspeed episodes, alarm cases, work
 * orders and inspections. The test's own plan gives every figure; the test's own arithmetic turns them into scores
 * with the weights it configured, so a wrong weight, rank or list fails here. The circular's PDF (text read with
 * pdf.js), DOCX (document.xml) and XLSX (exceljs) are opened and checked against the ranking the API answers; the
 * archive is checked for byte-identical downloads, scope (a city neither sees nor makes the province's) and audit.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALARMS,
  TELEMETRY,
  tsvEncoderFor,
  VEHICLES,
  type AssessmentIndicatorId,
  type AssessmentRanking,
  type CircularRecord,
  type TableSpec,
} from '../schema/index.js';
import { openAnalytics, type Analytics } from '../store/index.js';
import { docxText, pdfText } from './support/export-text.js';
import { freshTarget, startCenterHarness, useStoreServer, type CenterHarness } from './support/center-harness.js';
import { jt808Fix, registeredVehicle } from './support/analytics-rows.js';
import { harnessStore } from './support/test-postgres.js';

const HOUR_MS = 3_600_000;
/** A time of November 2026 in China time, as epoch ms. */
const nov = (day: number, hour = 0, minute = 0): number => Date.UTC(2026, 10, day, hour, minute) - 8 * HOUR_MS;
const NOW = Date.UTC(2026, 11, 3, 4, 0);

/** One county's month: its vehicles (terminal or not, reporting in November or not) and its desks' outcomes. */
interface CountyPlan {
  code: string;
  name: string;
  vehicles: { terminal: boolean; online: boolean; track?: boolean }[];
  overspeed: number;
  alarms: { handled: number; total: number };
  orders: { onTime: number; total: number };
  inspections: { answered: number; total: number };
}

const PLAN: CountyPlan[] = [
  {
    code: '410105',
    name: '金水区',
    vehicles: [
      { terminal: true, online: true, track: true },
      { terminal: true, online: true },
      { terminal: true, online: true },
      { terminal: true, online: true },
    ],
    overspeed: 0,
    alarms: { handled: 2, total: 2 },
    orders: { onTime: 1, total: 1 },
    inspections: { answered: 1, total: 1 },
  },
  {
    code: '410102',
    name: '中原区',
    vehicles: [
      { terminal: true, online: true },
      { terminal: true, online: true },
      { terminal: true, online: false },
      { terminal: false, online: false },
    ],
    overspeed: 1,
    alarms: { handled: 1, total: 2 },
    orders: { onTime: 0, total: 1 },
    inspections: { answered: 0, total: 1 },
  },
  {
    code: '410302',
    name: '老城区',
    vehicles: [
      { terminal: true, online: true },
      { terminal: true, online: true },
    ],
    overspeed: 2,
    alarms: { handled: 3, total: 4 },
    orders: { onTime: 0, total: 0 },
    inspections: { answered: 1, total: 1 },
  },
  {
    code: '410225',
    name: '兰考县',
    vehicles: [{ terminal: true, online: true }],
    overspeed: 0,
    alarms: { handled: 1, total: 2 },
    orders: { onTime: 0, total: 0 },
    inspections: { answered: 0, total: 0 },
  },
];

/** The weights and rules this test configures (not the defaults), so the server must read the version in force. */
const SCORING = {
  weights: {
    entry_rate: 10,
    online_rate: 30,
    track_completeness: 10,
    avg_overspeed_count: 10,
    alarm_handling_rate: 20,
    ontime_closure_rate: 10,
    inspection_response_rate: 10,
    data_qualified_rate: 0,
    drift_rate: 0,
    avg_fatigue_minutes: 0,
  } satisfies Record<AssessmentIndicatorId, number>,
  overspeed_zero_at: 2,
  red: { top_n: 2, min_score: 90 },
  black: { below_score: 60, bottom_n: 0, indicators: [{ indicator: 'online_rate', below: 0.8 }] },
};

/** The plan's figures of a county: value or null when nothing was there to assess. */
function figuresOf(plan: CountyPlan): Record<AssessmentIndicatorId, number | null> {
  const entered = plan.vehicles.filter((v) => v.terminal);
  const online = entered.filter((v) => v.online).length;
  const ratio = (n: number, d: number): number | null => (d === 0 ? null : n / d);
  return {
    entry_rate: ratio(entered.length, plan.vehicles.length),
    online_rate: ratio(online, entered.length),
    // Tracks are straight and unbroken: complete where there is one.
    track_completeness: plan.vehicles.some((v) => v.track) ? 1 : null,
    avg_overspeed_count: ratio(plan.overspeed, online),
    alarm_handling_rate: ratio(plan.alarms.handled, plan.alarms.total),
    ontime_closure_rate: ratio(plan.orders.onTime, plan.orders.total),
    inspection_response_rate: ratio(plan.inspections.answered, plan.inspections.total),
    // Weighed 0 in SCORING: they add nothing to the score, whatever their figures (assessment-indicators.test.ts
    // checks those).
    data_qualified_rate: null,
    drift_rate: null,
    avg_fatigue_minutes: null,
  };
}

/** The score as docs/assessment.md states it, computed here from the plan's figures. */
function expectedScore(plan: CountyPlan): number {
  const figures = figuresOf(plan);
  let weighted = 0;
  let present = 0;
  for (const [id, weight] of Object.entries(SCORING.weights) as [AssessmentIndicatorId, number][]) {
    const value = figures[id];
    if (value === null) continue;
    const attainment = id === 'avg_overspeed_count' ? Math.max(0, 1 - value / SCORING.overspeed_zero_at) : value;
    weighted += weight * attainment;
    present += weight;
  }
  return Math.round(((weighted * 100) / present) * 100) / 100;
}

async function insert(analytics: Analytics, table: TableSpec, rows: Record<string, unknown>[], token: string) {
  const encoder = tsvEncoderFor(table);
  await analytics.writer.insertTabSeparated(table.name, encoder.columns, encoder.encodeRows(rows), token);
}

async function writeFacts(h: CenterHarness, analytics: Analytics): Promise<void> {
  const vehicles = PLAN.flatMap((county, c) =>
    county.vehicles.map((v, i) => ({
      ...v,
      county: county.code,
      plate: `豫A8${c}${String(i).padStart(3, '0')}`,
      terminal: v.terminal ? `01390008${c}${String(i).padStart(3, '0')}` : '',
    })),
  );
  await insert(
    analytics,
    VEHICLES,
    vehicles.map((v) =>
      registeredVehicle({ plate: v.plate, terminal_id: v.terminal, home_org_code: v.county, at: NOW }),
    ),
    'circular-vehicles',
  );
  const fix = (terminal: string, plate: string, at: number, lat: number) =>
    jt808Fix({ terminal_id: terminal, plate, ts: at, lat, lon: 113.65, speed_kmh: 50 });
  const telemetry = vehicles.flatMap((v) => {
    // Offline vehicles last reported in October: entered, not online in November.
    if (!v.online) return v.terminal === '' ? [] : [fix(v.terminal, v.plate, nov(1) - HOUR_MS, 34)];
    const start = nov(10, 9);
    return v.track
      ? Array.from({ length: 6 }, (_, k) => fix(v.terminal, v.plate, start + k * 30_000, 34 + k * 0.002))
      : [fix(v.terminal, v.plate, start, 34)];
  });
  await insert(analytics, TELEMETRY, telemetry, 'circular-telemetry');
  const alarms = PLAN.flatMap((county) => {
    const driver = vehicles.find((v) => v.county === county.code && v.online)!;
    return Array.from({ length: county.overspeed }, (_, k) => ({
      alarm_id: `circular-${county.code}-${k}`,
      rule: 'overspeed',
      rule_version: 1,
      severity: 'warning',
      terminal_id: driver.terminal,
      plate: driver.plate,
      started_at: nov(12, 10 + k),
      ended_at: nov(12, 10 + k, 5),
      org_code: county.code,
      lat: 34,
      lon: 113.65,
      late: 0,
      details: '{}',
      version: 1,
      updated_at: nov(12, 11 + k),
    }));
  });
  await insert(analytics, ALARMS, alarms, 'circular-alarms');

  let n = 0;
  for (const county of PLAN) {
    for (let k = 0; k < county.alarms.total; k++) {
      const at = new Date(nov(15, 8, k));
      await h.sql.query(
        `INSERT INTO alarm_cases (alarm_id, rule, severity, version, started_at, event_org_code, lat, lon, org_code,
           department, state, received_at, updated_at)
         VALUES ($1, 'overspeed', 'warning', 1, $2, $3, 34, 113, $3, 'road_transport', $4, $2, $2)`,
        [`circular-case-${++n}`, at, county.code, k < county.alarms.handled ? 'acknowledged' : 'new'],
      );
    }
    for (let k = 0; k < county.orders.total; k++) {
      const deadline = nov(20, 18);
      const closed = k < county.orders.onTime ? deadline - HOUR_MS : deadline + HOUR_MS;
      await h.sql.query(
        `INSERT INTO work_orders (title, source, category, severity, issuer_org, org_code, department, state,
           deadline_at, created_at, updated_at, closed_at)
         VALUES ('整改', 'top_down', 'rectification', 'warning', '410000', $1, 'road_transport', 'accepted', $2, $3, $3, $4)`,
        [county.code, new Date(deadline), new Date(deadline - 48 * HOUR_MS), new Date(closed)],
      );
    }
    for (let k = 0; k < county.inspections.total; k++) {
      const sent = nov(22, 10);
      const answered = k < county.inspections.answered;
      await h.sql.query(
        `INSERT INTO duty_inspections (from_org, to_org, mode, question, sent_by_name, sent_at, deadline_at, status,
           answered_at, answered_by_name, answer)
         VALUES ('410000', $1, 'random', '在岗吗', '省值班员', $2, $3, $4, $5, $6, $7)`,
        [
          county.code,
          new Date(sent),
          new Date(sent + 10 * 60_000),
          answered ? 'answered' : 'missed',
          answered ? new Date(sent + 60_000) : null,
          answered ? '值班员' : null,
          answered ? '在岗' : null,
        ],
      );
    }
  }
}

describe('assessment scores, lists and 通报 (GET /api/assessment/ranking, /api/assessment/circulars)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-circulars-'));
  let analytics: Analytics;
  let h: CenterHarness;
  let province: string;
  let zhengzhou: string;
  let duty: string;

  const download = async (token: string, href: string): Promise<{ status: number; bytes: Buffer; type: string }> => {
    const res = await fetch(`${h.baseUrl}${href}`, { headers: { authorization: `Bearer ${token}` } });
    return {
      status: res.status,
      bytes: Buffer.from(await res.arrayBuffer()),
      type: res.headers.get('content-type') ?? '',
    };
  };

  beforeAll(async () => {
    analytics = await openAnalytics({ kind: 'embedded', dataDir });
    h = await startCenterHarness(await harnessStore(), { analytics });
    h.clock.now = NOW;
    await writeFacts(h, analytics);
    const put = await h.call(h.adminToken, 'PUT', '/api/config/assessment_scoring', { value: SCORING });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    province = (await h.user('circ-province', 'leader', '410000')).token;
    zhengzhou = (await h.user('circ-zhengzhou', 'analyst', '410100')).token;
    duty = (await h.user('circ-duty', 'duty_officer', '410000')).token;
  });

  afterAll(async () => {
    await h?.close();
    await analytics?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses weights that are unknown, do not sum to 100 or are out of bounds, naming the problem', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...SCORING, weights: { ...SCORING.weights, speed_rate: 5 } }, 'unknown_indicator', 'weights.speed_rate'],
      [{ ...SCORING, weights: { ...SCORING.weights, online_rate: 25 } }, 'weights_sum', 'weights'],
      [
        { ...SCORING, weights: { ...SCORING.weights, online_rate: -5, entry_rate: 45 } },
        'out_of_bounds',
        'online_rate',
      ],
      [{ ...SCORING, red: { top_n: 2, min_score: 101 } }, 'out_of_bounds', 'red.min_score'],
      [
        { ...SCORING, black: { ...SCORING.black, indicators: [{ indicator: 'speed', below: 0.5 }] } },
        'unknown_indicator',
        'black.indicators[0].indicator',
      ],
    ];
    for (const [value, problem, field] of cases) {
      const { status, body } = await h.call(h.adminToken, 'PUT', '/api/config/assessment_scoring', { value });
      expect(status, JSON.stringify(body)).toBe(400);
      expect(body).toMatchObject({ error: 'bad_config', problem });
      expect(String(body.field)).toContain(field);
    }
    const current = await h.call<{ version: number; value: typeof SCORING }>(
      h.adminToken,
      'GET',
      '/api/config/assessment_scoring',
    );
    expect(current.body.version).toBe(1);
    expect(current.body.value.weights).toEqual(SCORING.weights);
  });

  it('scores and ranks the counties from the plan, each contribution adding up to the score, and lists them by rule', async () => {
    const { status, body } = await h.call<AssessmentRanking>(
      province,
      'GET',
      '/api/assessment/ranking?from=2026-11-01&to=2026-11-30&level=county',
    );
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.scoring.config_version).toBe(1);
    const expected = PLAN.map((p) => ({ code: p.code, score: expectedScore(p) })).sort(
      (a, b) => b.score - a.score || a.code.localeCompare(b.code),
    );
    const planned = body.units.filter((u) => PLAN.some((p) => p.code === u.org_code));
    expect(planned.map((u) => ({ code: u.org_code, score: u.score }))).toEqual(expected);
    // Every other county has nothing to assess and is left unranked, after the ranked ones.
    for (const unit of body.units.filter((u) => !PLAN.some((p) => p.code === u.org_code))) {
      expect(unit.score).toBeNull();
      expect(unit.rank).toBeNull();
    }
    expect(planned.map((u) => u.rank)).toEqual([1, 2, 3, 4]);
    for (const unit of planned) {
      const sum = unit.contributions.reduce((s, c) => s + c.points, 0);
      expect(Math.abs(sum - unit.score!)).toBeLessThan(0.05);
      const weights = unit.contributions
        .filter((c) => c.attainment !== null)
        .reduce((s, c) => s + c.effective_weight, 0);
      expect(Math.abs(weights - 100)).toBeLessThan(0.05);
    }
    // The plan's lists: red = top 2 with ≥ 90; black = below 60 or online rate below 80 %.
    const redCodes = expected
      .slice(0, 2)
      .filter((e) => e.score >= 90)
      .map((e) => e.code);
    const blackCodes = PLAN.filter((p) => expectedScore(p) < 60 || (figuresOf(p).online_rate ?? 1) < 0.8).map(
      (p) => p.code,
    );
    expect(body.red.map((e) => e.org_code).sort()).toEqual(redCodes.filter((c) => !blackCodes.includes(c)).sort());
    expect(body.black.map((e) => e.org_code).sort()).toEqual(blackCodes.sort());
    expect(blackCodes).toContain('410102');
    expect(redCodes).toContain('410105');
    const zhongyuan = body.black.find((e) => e.org_code === '410102')!;
    expect(zhongyuan.reasons.map((r) => r.rule).sort()).toEqual(['below_score', 'indicator_below']);
    const online = zhongyuan.reasons.find((r) => r.rule === 'indicator_below')!;
    expect(online).toMatchObject({ indicator: 'online_rate', threshold: 0.8 });
    expect(online.value).toBeCloseTo(figuresOf(PLAN[1]).online_rate!, 12);
    expect(zhongyuan.reasons.find((r) => r.rule === 'below_score')!.value).toBe(expectedScore(PLAN[1]));
    expect(body.units.find((u) => u.org_code === '410105')!.lists.map((l) => l.list)).toEqual(['red']);
  });

  let record: CircularRecord;
  let ranking: AssessmentRanking;

  it('generates the 通报 as PDF, DOCX and XLSX whose title, period, units and figures are the ranking’s', async () => {
    const created = await h.call<CircularRecord>(province, 'POST', '/api/assessment/circulars', {
      from: '2026-11-01',
      to: '2026-11-30',
      level: 'county',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    record = created.body;
    const title = '河南省交通运输厅关于2026年11月重点营运车辆动态监控工作情况的通报';
    expect(record).toMatchObject({
      title,
      scope: { org_code: '410000' },
      period: { from: '2026-11-01', to: '2026-11-30' },
      level: 'county',
      config_versions: { assessment: 0, assessment_scoring: 1 },
      created_by: 'circ-province',
    });
    ranking = (
      await h.call<AssessmentRanking>(
        province,
        'GET',
        '/api/assessment/ranking?from=2026-11-01&to=2026-11-30&level=county',
      )
    ).body;
    const planned = ranking.units.filter((u) => PLAN.some((p) => p.code === u.org_code));

    const pdf = await download(province, record.files.find((f) => f.format === 'pdf')!.href);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    // The font is embedded (a subset), and the chart is drawn, not pasted in as a picture.
    const raw = pdf.bytes.toString('latin1');
    expect(raw).toMatch(/\/FontFile[23]? /);
    expect(raw).not.toContain('/Subtype /Image');
    // pdf.js may break a long title over lines; spaces and line ends are not part of the text checked.
    const text = (await pdfText(pdf.bytes)).replace(/\s+/g, '');
    expect(text).toContain(title);
    expect(text).toContain('考核期：2026-11-0100:00至2026-11-3024:00（北京时间），共30天');
    expect(text).toContain('综合得分图');
    for (const unit of planned) {
      expect(text).toContain(unit.name);
      expect(text).toContain(unit.score!.toFixed(2));
    }
    expect(text).toContain(`中原区列入黑榜`);
    expect(text).toContain('金水区列入红榜');
    expect(text).toContain('2026年12月3日');

    const docx = await download(province, record.files.find((f) => f.format === 'docx')!.href);
    expect(docx.type).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const words = await docxText(docx.bytes);
    expect(words).toContain(title);
    for (const unit of planned) {
      expect(words).toContain(unit.name);
      expect(words).toContain(unit.score!.toFixed(2));
    }
    expect(words).toContain('中原区列入黑榜');
    expect(words).toContain('河南省交通运输厅2026年12月3日');
    // The chart: one shaded bar per ranked county, in the list's colour.
    const xml = await (await JSZip.loadAsync(docx.bytes)).file('word/document.xml')!.async('string');
    const bars = [...xml.matchAll(/w:fill="(C8102E|262626|2F6DB5)"/g)].map((m) => m[1]);
    expect(bars).toEqual(
      planned.map((u) => ({ red: 'C8102E', black: '262626', none: '2F6DB5' })[u.lists[0]?.list ?? 'none']),
    );

    const xlsx = await download(province, record.files.find((f) => f.format === 'xlsx')!.href);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['通报', '排名', '考核指标', '指标说明']);
    expect(workbook.getWorksheet('通报')!.getCell('A1').value).toBe(title);
    const sheet = workbook.getWorksheet('排名')!;
    const rows = new Map<string, ExcelJS.Row>();
    sheet.eachRow((row, i) => {
      if (i > 1) rows.set(String(row.getCell(2).value), row);
    });
    for (const unit of planned) {
      const row = rows.get(unit.org_code)!;
      expect(row.getCell(1).value).toBe(unit.rank);
      expect(row.getCell(3).value).toBe(unit.name);
      expect(row.getCell(4).value).toBe(expectedScore(PLAN.find((p) => p.code === unit.org_code)!));
      unit.contributions.forEach((c, i) =>
        expect(row.getCell(5 + i).value).toBe(c.attainment === null ? null : c.points),
      );
    }
    // After the rank, code, name, score and one column per indicator: the lists.
    const listColumn = 5 + planned[0]!.contributions.length;
    expect(String(rows.get('410102')!.getCell(listColumn).value)).toBe('黑榜');
  });

  it('keeps each file byte for byte, lists it, audits it, and scopes it to the units that see it', async () => {
    for (const file of record.files) {
      const first = await download(province, file.href);
      const again = await download(province, file.href);
      expect(again.bytes.equals(first.bytes)).toBe(true);
      expect(createHash('sha256').update(first.bytes).digest('hex')).toBe(file.sha256);
      expect(first.bytes.length).toBe(file.bytes);
    }
    const listed = await h.call<{ circulars: CircularRecord[] }>(province, 'GET', '/api/assessment/circulars');
    expect(listed.body.circulars.map((c) => c.id)).toEqual([record.id]);

    const audit = await h.call<{ entries: { action: string; actor: string; target: string }[] }>(
      h.adminToken,
      'GET',
      '/api/audit?action=assessment.circular',
    );
    expect(audit.body.entries).toContainEqual(
      expect.objectContaining({ action: 'assessment.circular', actor: 'circ-province', target: String(record.id) }),
    );

    // Zhengzhou neither sees nor downloads the province's circular, nor makes one for the province.
    const cityList = await h.call<{ circulars: CircularRecord[] }>(zhengzhou, 'GET', '/api/assessment/circulars');
    expect(cityList.body.circulars).toEqual([]);
    expect((await download(zhengzhou, `/api/assessment/circulars/${record.id}.pdf`)).status).toBe(404);
    const foreign = await h.call(zhengzhou, 'POST', '/api/assessment/circulars', {
      from: '2026-11-01',
      to: '2026-11-30',
      unit: '410000',
    });
    expect(foreign.status).toBe(404);
    expect(
      (await h.call(duty, 'POST', '/api/assessment/circulars', { from: '2026-11-01', to: '2026-11-30' })).status,
    ).toBe(403);

    // Its own: the city's counties only, titled by the city's bureau; the province sees it too.
    const own = await h.call<CircularRecord>(zhengzhou, 'POST', '/api/assessment/circulars', {
      from: '2026-11-01',
      to: '2026-11-30',
    });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    expect(own.body.title).toBe('郑州市交通运输局关于2026年11月重点营运车辆动态监控工作情况的通报');
    const cityText = await pdfText((await download(zhengzhou, own.body.files[0]!.href)).bytes);
    expect(cityText).toContain('金水区');
    expect(cityText).not.toContain('老城区');
    expect(cityText).not.toContain('兰考县');
    expect(
      (await h.call<{ circulars: CircularRecord[] }>(zhengzhou, 'GET', '/api/assessment/circulars')).body.circulars.map(
        (c) => c.id,
      ),
    ).toEqual([own.body.id]);
    expect(
      (await h.call<{ circulars: CircularRecord[] }>(province, 'GET', '/api/assessment/circulars')).body.circulars.map(
        (c) => c.id,
      ),
    ).toEqual([own.body.id, record.id]);
    expect((await download(province, '/api/assessment/circulars/1.odt')).status).toBe(404);
  });

  it('fails with cjk_font_missing and archives nothing when the configured font does not exist', async () => {
    const before = (await h.call<{ circulars: CircularRecord[] }>(province, 'GET', '/api/assessment/circulars')).body
      .circulars.length;
    process.env.VIGIL_CJK_FONT = path.join(dataDir, 'no-such-font.ttf');
    try {
      const { status, body } = await h.call(province, 'POST', '/api/assessment/circulars', {
        from: '2026-11-01',
        to: '2026-11-30',
      });
      expect(status).toBe(503);
      expect(body).toMatchObject({ error: 'cjk_font_missing' });
      expect(String(body.detail)).toContain('no-such-font.ttf');
    } finally {
      delete process.env.VIGIL_CJK_FONT;
    }
    const after = (await h.call<{ circulars: CircularRecord[] }>(province, 'GET', '/api/assessment/circulars')).body
      .circulars.length;
    expect(after).toBe(before);
  });
});

describe('the circular archive on a PostgreSQL server', () => {
  const server = useStoreServer('postgres');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-circulars-pg-'));
  let analytics: Analytics;
  let h: CenterHarness;

  beforeAll(async () => {
    analytics = await openAnalytics({ kind: 'embedded', dataDir });
    h = await startCenterHarness(await freshTarget('postgres', server(), 'circulars'), { analytics });
    h.clock.now = NOW;
    await writeFacts(h, analytics);
  });

  afterAll(async () => {
    await h?.close();
    await analytics?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores the files as bytea and serves them back byte for byte, with the record as on PGlite', async () => {
    const created = await h.call<CircularRecord>(h.adminToken, 'POST', '/api/assessment/circulars', {
      from: '2026-11-01',
      to: '2026-11-30',
      level: 'county',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(typeof created.body.id).toBe('number');
    expect(created.body.config_versions).toEqual({ assessment: 0, assessment_scoring: 0 });
    for (const file of created.body.files) {
      const res = await fetch(`${h.baseUrl}${file.href}`, { headers: { authorization: `Bearer ${h.adminToken}` } });
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(res.status).toBe(200);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
    }
    const listed = await h.call<{ circulars: CircularRecord[] }>(h.adminToken, 'GET', '/api/assessment/circulars');
    expect(listed.body.circulars).toEqual([created.body]);
  });
});
