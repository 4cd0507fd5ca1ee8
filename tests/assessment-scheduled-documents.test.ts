/**
 * The documents the node archives on its own schedule, on a real command centre (chDB and PGlite) whose clock the
 * test moves across Beijing week and month boundaries. Two cities have planned vehicles and alarm cases in November
 * 2026: 郑州市 with both its vehicles online and its one case handled, 洛阳市 with one vehicle of two online and
 * neither of its two cases handled, so 郑州市 ranks first. The test checks that nothing is generated for periods
 * that ended before the schedule was switched on, that each period's 通报 and statistics report is archived once
 * after it ends (and its delay), that a second centre ticking at the same moment and a restarted one add nothing,
 * that the files open and name the planned units with the planned figures, that every one is audited as 定时生成,
 * and that a city's user sees none of the province's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Metrics,
  silentLogger,
  TELEMETRY,
  tsvEncoderFor,
  VEHICLES,
  type CircularRecord,
  type TableSpec,
} from '../schema/index.js';
import { openAnalytics, type Analytics } from '../store/index.js';
import { startCommandCentre, type CommandCentre } from '../center/command-centre.js';
import { lastEndedPeriod, type DocumentScheduleOptions } from '../center/reports/index.js';
import { docxText, pdfText, xlsxRows } from './support/export-text.js';
import { freshTarget, startCenterHarness, useStoreServer, type CenterHarness } from './support/center-harness.js';
import { jt808Fix, registeredVehicle } from './support/analytics-rows.js';

const HOUR_MS = 3_600_000;
/** A Beijing wall-clock time as epoch ms. */
const beijing = (month: number, day: number, hour = 0, minute = 0): number =>
  Date.UTC(2026, month - 1, day, hour, minute) - 8 * HOUR_MS;

/** Every document, the 通报 ranking cities; checked every 0 ms: the test ticks the schedule itself. */
const SCHEDULE: Partial<DocumentScheduleOptions> = {
  documents: ['circular-monthly', 'circular-weekly', 'report-monthly', 'report-weekly'],
  circularLevels: ['city'],
  delayMinutes: 30,
  checkIntervalMs: 0,
};

/** Each city's county, its vehicles (online on 24 November or not) and its alarm cases (handled or not). */
const PLAN = [
  { city: '410100', cityName: '郑州市', county: '410105', online: [true, true], cases: [true] },
  { city: '410300', cityName: '洛阳市', county: '410302', online: [true, false], cases: [false, false] },
];

async function insert(analytics: Analytics, table: TableSpec, rows: Record<string, unknown>[], token: string) {
  const encoder = tsvEncoderFor(table);
  await analytics.writer.insertTabSeparated(table.name, encoder.columns, encoder.encodeRows(rows), token);
}

async function writeFacts(h: CenterHarness, analytics: Analytics): Promise<void> {
  const vehicles = PLAN.flatMap((p, c) =>
    p.online.map((online, i) => ({
      county: p.county,
      online,
      plate: `豫C7${c}${i}00`,
      terminal: `0139007${c}${i}000`,
    })),
  );
  const at = beijing(11, 24, 9);
  await insert(
    analytics,
    VEHICLES,
    vehicles.map((v) => registeredVehicle({ plate: v.plate, terminal_id: v.terminal, home_org_code: v.county, at })),
    'scheduled-vehicles',
  );
  await insert(
    analytics,
    TELEMETRY,
    // A vehicle that is not online last reported in October: entered, silent in November.
    vehicles.map((v) =>
      jt808Fix({
        terminal_id: v.terminal,
        plate: v.plate,
        ts: v.online ? at : beijing(10, 20, 9),
        lat: 34.5,
        lon: 113.2,
        speed_kmh: 40,
      }),
    ),
    'scheduled-telemetry',
  );
  let n = 0;
  for (const p of PLAN)
    for (const handled of p.cases) {
      const started = new Date(beijing(11, 24, 8, n));
      await h.sql.query(
        `INSERT INTO alarm_cases (alarm_id, rule, severity, version, started_at, event_org_code, lat, lon, org_code,
           department, state, received_at, updated_at)
         VALUES ($1, 'overspeed', 'warning', 1, $2, $3, 34, 113, $3, 'road_transport', $4, $2, $2)`,
        [`scheduled-case-${++n}`, started, p.county, handled ? 'acknowledged' : 'new'],
      );
    }
}

// On PGlite, and on a PostgreSQL server where two centres' passes really overlap and the archive's unique index is
// what keeps the second out.
describe.each(['pglite', 'postgres'] as const)(
  'scheduled weekly and monthly 通报 and statistics reports (%s)',
  (kind) => {
    const server = useStoreServer(kind);
    const dataDir = mkdtempSync(path.join(tmpdir(), `vigil-scheduled-${kind}-`));
    let analytics: Analytics;
    let h: CenterHarness;
    let leader: string;
    let zhengzhou: string;
    const others: CommandCentre[] = [];

    /** Another centre node of the cluster on the same stores and clock (or this one after a restart). */
    const anotherCentre = async (): Promise<CommandCentre> => {
      const centre = await startCommandCentre({
        sql: h.sql,
        accounts: h.accounts,
        logger: silentLogger,
        metrics: new Metrics(),
        provinceCode: '410000',
        analytics,
        now: () => h.clock.now,
        supervisionIntervalMs: 0,
        creditCheckIntervalMs: 0,
        assessmentRollupIntervalMs: 0,
        documentSchedule: SCHEDULE,
        clusterJobsLed: true,
      });
      others.push(centre);
      return centre;
    };

    const archive = async (): Promise<CircularRecord[]> => {
      const { status, body } = await h.call<{ circulars: CircularRecord[] }>(
        leader,
        'GET',
        '/api/assessment/circulars',
      );
      expect(status, JSON.stringify(body)).toBe(200);
      return body.circulars;
    };
    const download = async (token: string, href: string): Promise<{ status: number; bytes: Buffer }> => {
      const res = await fetch(`${h.baseUrl}${href}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
    };
    const summary = (records: CircularRecord[]) =>
      records
        .map((r) => `${r.kind}/${r.schedule}/${r.level}/${r.period.from}..${r.period.to}`)
        .sort()
        .join(' ');

    beforeAll(async () => {
      analytics = await openAnalytics({ kind: 'embedded', dataDir });
      h = await startCenterHarness(await freshTarget(kind, server(), 'scheduled'), {
        analytics,
        documentSchedule: SCHEDULE,
      });
      h.clock.now = beijing(11, 25, 10);
      await writeFacts(h, analytics);
      leader = (await h.user('sched-leader', 'leader', '410000')).token;
      zhengzhou = (await h.user('sched-zhengzhou', 'analyst', '410100')).token;
    });

    afterAll(async () => {
      for (const centre of others) await centre.close();
      await h?.close();
      await analytics?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('knows the last ended Beijing week (Monday to Sunday) and month at any instant', () => {
      // Sunday 23:59 Beijing is still in the week; Monday 00:00 ends it.
      expect(lastEndedPeriod('weekly', beijing(11, 29, 23, 59))).toMatchObject({
        from: '2026-11-16',
        to: '2026-11-22',
      });
      expect(lastEndedPeriod('weekly', beijing(11, 30, 0, 0))).toEqual({
        from: '2026-11-23',
        to: '2026-11-29',
        endsAt: beijing(11, 30),
      });
      // 1 December 03:00 Beijing is still 30 November in UTC: the month is Beijing's.
      expect(lastEndedPeriod('monthly', beijing(12, 1, 3))).toEqual({
        from: '2026-11-01',
        to: '2026-11-30',
        endsAt: beijing(12, 1),
      });
      expect(lastEndedPeriod('monthly', beijing(1, 1, 0, 5))).toMatchObject({ from: '2025-12-01', to: '2025-12-31' });
    });

    it('generates nothing for the periods that ended before the schedule was switched on', async () => {
      expect(await h.centre.documents!.tick()).toEqual([]);
      const since = await h.sql.query<{ document: string; since: Date }>(
        'SELECT document, since FROM document_schedules ORDER BY document',
      );
      expect(since.map((r) => [r.document, r.since.getTime()])).toEqual(
        [...SCHEDULE.documents!].sort().map((d) => [d, beijing(11, 25, 10)]),
      );
      expect(await archive()).toEqual([]);
    });

    it('archives the week’s 通报 and report once, after the week and the delay are over', async () => {
      h.clock.now = beijing(11, 30, 0, 20);
      expect(await h.centre.documents!.tick()).toEqual([]);
      h.clock.now = beijing(11, 30, 0, 40);
      const made = await h.centre.documents!.tick();
      expect(summary(made)).toBe(
        'circular/weekly/city/2026-11-23..2026-11-29 report/weekly/children/2026-11-23..2026-11-29',
      );
      expect(await h.centre.documents!.tick()).toEqual([]);
      h.clock.now = beijing(11, 30, 18);
      expect(await h.centre.documents!.tick()).toEqual([]);
      expect(summary(await archive())).toBe(summary(made));
    });

    it('archives November’s once December has begun in Beijing, and the week’s not again', async () => {
      h.clock.now = beijing(12, 1, 1);
      const made = await h.centre.documents!.tick();
      expect(summary(made)).toBe(
        'circular/monthly/city/2026-11-01..2026-11-30 report/monthly/children/2026-11-01..2026-11-30',
      );
      const records = await archive();
      expect(records).toHaveLength(4);
      for (const record of records) {
        expect(record.created_by).toBe('定时生成');
        expect(record.scope.org_code).toBe('410000');
        expect(record.files.map((f) => f.format)).toEqual(
          record.kind === 'circular' ? ['pdf', 'docx', 'xlsx'] : ['xlsx'],
        );
      }
      const monthly = records.find((r) => r.kind === 'circular' && r.schedule === 'monthly')!;
      expect(monthly.title).toContain('2026年11月');
      expect(records.find((r) => r.kind === 'report' && r.schedule === 'monthly')!.title).toBe(
        '河南省2026年11月统计月报',
      );
    });

    it('archives the next week’s documents once when two centres tick at once, and a restart adds none', async () => {
      const second = await anotherCentre();
      h.clock.now = beijing(12, 7, 2);
      const [mine, theirs] = await Promise.all([h.centre.documents!.tick(), second.documents!.tick()]);
      expect(summary([...mine, ...theirs])).toBe(
        'circular/weekly/city/2026-11-30..2026-12-06 report/weekly/children/2026-11-30..2026-12-06',
      );
      const restarted = await anotherCentre();
      expect(await restarted.documents!.tick()).toEqual([]);
      const rows = await h.sql.query<{ kind: string; schedule: string; period_from: string; n: number }>(
        `SELECT kind, schedule, period_from::text AS period_from, count(*)::int AS n FROM assessment_circulars
       GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      );
      expect(rows.map((r) => `${r.kind}/${r.schedule}/${r.period_from}=${r.n}`)).toEqual([
        'circular/monthly/2026-11-01=1',
        'circular/weekly/2026-11-23=1',
        'circular/weekly/2026-11-30=1',
        'report/monthly/2026-11-01=1',
        'report/weekly/2026-11-23=1',
        'report/weekly/2026-11-30=1',
      ]);
      // Every one archived is audited once, as the schedule.
      const audit = await h.sql.query<{ actor: string; actor_id: number | null; action: string; target: string }>(
        `SELECT actor, actor_id, action, target FROM audit_log
         WHERE action IN ('assessment.circular', 'assessment.report')
       ORDER BY target::bigint`,
      );
      const records = await archive();
      expect(audit.map((a) => a.target).sort()).toEqual(records.map((r) => String(r.id)).sort());
      for (const entry of audit) {
        expect(entry.actor).toBe('定时生成');
        expect(entry.actor_id).toBeNull();
      }
    });

    it('writes the month’s 通报 naming the planned cities, 郑州市 ranked above 洛阳市, in every format', async () => {
      const record = (await archive()).find((r) => r.kind === 'circular' && r.schedule === 'monthly')!;
      const file = async (format: string) => {
        const got = await download(leader, record.files.find((f) => f.format === format)!.href);
        expect(got.status).toBe(200);
        return got.bytes;
      };
      const pdf = (await pdfText(await file('pdf'))).replace(/\s+/g, '');
      const docx = await docxText(await file('docx'));
      for (const text of [pdf, docx]) {
        expect(text).toContain(record.title.replace(/\s+/g, ''));
        for (const p of PLAN) expect(text).toContain(p.cityName);
      }
      expect(pdf).toContain('考核期：2026-11-0100:00至2026-11-3024:00（北京时间），共30天');
      const ranking = (await xlsxRows(await file('xlsx'))).get('排名')!;
      const rowOf = (code: string) => ranking.findIndex((row) => row.includes(code));
      expect(rowOf('410100')).toBeGreaterThan(0);
      expect(rowOf('410100')).toBeLessThan(rowOf('410300'));
      expect(ranking[rowOf('410100')]).toContain('郑州市');
    });

    it('writes the week’s statistics report with each planned city’s vehicles online and alarm cases', async () => {
      const record = (await archive()).find((r) => r.kind === 'report' && r.period.from === '2026-11-23')!;
      expect(record.title).toBe('河南省2026年11月23日至2026年11月29日统计周报');
      const got = await download(leader, record.files[0].href);
      expect(got.status).toBe(200);
      const rows = (await xlsxRows(got.bytes)).get('统计报表')!;
      const headers = rows[1];
      const column = (name: string) => headers.indexOf(name);
      expect(column('上线车辆数')).toBeGreaterThan(0);
      for (const p of PLAN) {
        const day = rows.find((row) => row[0] === p.city && row[2] === '2026-11-24')!;
        expect(day[1]).toBe(p.cityName);
        expect(Number(day[column('上线车辆数')])).toBe(p.online.filter(Boolean).length);
        expect(Number(day[column('入网车辆数')])).toBe(p.online.length);
        expect(Number(day[column('报警数')])).toBe(p.cases.length);
        expect(Number(day[column('已处置报警数')])).toBe(p.cases.filter(Boolean).length);
      }
      // A report is kept as a workbook alone.
      expect((await download(leader, `/api/assessment/circulars/${record.id}.pdf`)).status).toBe(404);
    });

    it('shows a city’s user none of the province’s scheduled documents and serves it none of their files', async () => {
      const { body } = await h.call<{ circulars: CircularRecord[] }>(zhengzhou, 'GET', '/api/assessment/circulars');
      expect(body.circulars).toEqual([]);
      for (const record of await archive())
        for (const file of record.files) expect((await download(zhengzhou, file.href)).status).toBe(404);
    });
  },
);
