/**
 * The generated month the assessment and report benchmarks time their queries on: the assessment's month generator
 * (`fixtures/generator/assessment-month.ts`) written straight into an embedded chDB, the org units and the
 * generator's enterprises in an in-memory PGlite, and the period (November 2026 from its first day, "now" at noon of
 * the day after the last one). A data dir that already holds the vehicles is reused as it is, so `--keep` and a
 * later `--data-dir` skip generating.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { divisions, HENAN_PROVINCE_CODE } from '../../schema/index.js';
import { openAnalytics, openOperational, type Analytics, type Sql } from '../../store/index.js';
import { seedOrgUnits } from '../../center/index.js';
import { OrgDirectory } from '../../center/org/org-directory.js';
import {
  ASSESSMENT_MONTH_ENTERPRISES,
  ASSESSMENT_MONTH_PLATFORMS,
  assessmentMonthDaySql,
  assessmentMonthEnterprise,
  assessmentMonthVehiclesSql,
  type AssessmentMonthOptions,
} from '../../fixtures/generator/index.js';

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

export interface AssessmentMonthStoreOptions {
  vehicles: number;
  days: number;
  intervalSeconds: number;
  driveMinutes: number;
  seed: number;
  /** Where chDB keeps the month; a fresh temporary directory when not given. */
  dataDir?: string;
  /** Also register the generator's lower platforms (JT/T 809 accounts), for the platform level. */
  platforms?: boolean;
  /** Progress: a line per generated day, then the counts. */
  log: (line: string) => void;
}

export interface AssessmentMonthStore {
  analytics: Analytics;
  sql: Sql;
  org: OrgDirectory;
  dataDir: string;
  days: number;
  /** China midnight that starts the first day, epoch ms. */
  firstDayStartsAt: number;
  /** Noon of the day after the last one: the clock the benchmarks run on. */
  now: number;
  /** The period's first and last Beijing days, YYYY-MM-DD. */
  from: string;
  to: string;
  /** Every county's code: where the generator registers its vehicles in turn. */
  counties: string[];
  /** Rows of a ClickHouse table. */
  count(table: string): Promise<number>;
}

export async function openAssessmentMonthStore(options: AssessmentMonthStoreOptions): Promise<AssessmentMonthStore> {
  const { days, log } = options;
  const firstDayStartsAt = Date.UTC(2026, 10, 1) - CHINA_OFFSET_MS;
  const now = firstDayStartsAt + days * DAY_MS + 12 * 3_600_000;
  const to = new Date(firstDayStartsAt + (days - 1) * DAY_MS + CHINA_OFFSET_MS).toISOString().slice(0, 10);
  const counties = divisions()
    .filter((d) => d.level === 'county')
    .map((d) => d.code);
  const month: AssessmentMonthOptions = {
    vehicles: options.vehicles,
    firstDayStartsAt,
    days,
    counties,
    intervalSeconds: options.intervalSeconds,
    driveMinutes: options.driveMinutes,
    seed: options.seed,
  };

  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'vigil-assessment-month-'));
  const analytics = await openAnalytics({ kind: 'embedded', dataDir });
  const sql = await openOperational({ kind: 'memory' });
  await seedOrgUnits(sql);
  for (let e = 0; e < ASSESSMENT_MONTH_ENTERPRISES; e++) {
    const { id, org_code } = assessmentMonthEnterprise(e, counties);
    await sql.query('INSERT INTO enterprises (id, name, org_code) VALUES ($1, $2, $3)', [id, `企业${e}`, org_code]);
  }
  if (options.platforms)
    for (const accessCode of ASSESSMENT_MONTH_PLATFORMS)
      await sql.query(
        `INSERT INTO jt809_platforms (access_code, user_id, password_hash, name, org_code) VALUES ($1, $1, 'bench', $2, $3)`,
        [accessCode, `下级平台${accessCode}`, HENAN_PROVINCE_CODE],
      );
  const org = await OrgDirectory.load(sql);
  const count = async (table: string): Promise<number> =>
    Number((await analytics.queryInternal(`SELECT count() FROM ${table}`)).rows[0]![0]);

  if ((await count('vehicles')) === 0) {
    const started = performance.now();
    await analytics.commandInternal(assessmentMonthVehiclesSql(month, now), { executionSecondsMax: 3600 });
    for (let d = 0; d < days; d++) {
      for (const statement of assessmentMonthDaySql(month, d))
        await analytics.commandInternal(statement, { executionSecondsMax: 3600 });
      log(`generated day ${d + 1}/${days} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }
    log(
      `generated ${await count('vehicles')} vehicles, ${await count('telemetry')} positions, ${await count('alarms')} alarm episodes, ` +
        `${await count('ingest_rejects')} refused frames in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  }
  return { analytics, sql, org, dataDir, days, firstDayStartsAt, now, from: '2026-11-01', to, counties, count };
}
