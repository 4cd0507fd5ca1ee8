/**
 * Credit grades of JT/T 809 lower platforms (下级平台): a platform is graded on the credit model's `grades` by its
 * 考核 score — the `assessment_scoring` weighted score of its level=platform figures (online rate, track
 * completeness, data quality, drift, 查岗 response, …) — over the `platform_window_days` Beijing days ending with
 * the day graded. A platform with no figure in the window has no score and no grade. The grade sets how often the
 * platform is inspected (`scheduled-inspections.ts` in center/jt809).
 */
import type { AssessmentRanking, CreditModel } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import { dayText } from '../assessment/index.js';
import { gradeOf } from './credit-score.js';

const DAY_MS = 86_400_000;

/** The level=platform ranking of the whole province for [from, to], with desk facts as of `asOf` (epoch ms). */
export type PlatformRanker = (query: { from: string; to: string; asOf: number }) => Promise<AssessmentRanking>;

export interface PlatformGradeRow {
  access_code: number;
  name: string;
  org_code: string;
  score: number | null;
  grade: string | null;
  figures: Record<string, unknown>;
}

export async function platformGrades(
  rank: PlatformRanker,
  model: CreditModel,
  day: string,
  dayEndsAt: number,
): Promise<{ rows: PlatformGradeRow[]; scoringVersion: number; from: string }> {
  const from = dayText(dayEndsAt - model.platform_window_days * DAY_MS);
  const ranking = await rank({ from, to: day, asOf: dayEndsAt });
  return {
    from,
    scoringVersion: ranking.scoring.config_version,
    rows: ranking.units.map((unit) => ({
      access_code: Number(unit.access_code),
      name: unit.name,
      org_code: unit.org_code,
      score: unit.score,
      grade: unit.score === null ? null : gradeOf(model, unit.score),
      figures: unit.figures,
    })),
  };
}

/** Replaces the day's platform grades (inside the run's transaction). */
export async function storePlatformGrades(
  tx: Pick<Sql, 'query'>,
  day: string,
  rows: readonly PlatformGradeRow[],
  versions: { config: number; scoring: number },
  computedAt: Date,
): Promise<void> {
  await tx.query('DELETE FROM credit_platform_days WHERE day = $1', [day]);
  for (const p of rows)
    await tx.query(
      `INSERT INTO credit_platform_days (day, access_code, name, org_code, score, grade, figures, config_version, scoring_version, computed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        day,
        p.access_code,
        p.name,
        p.org_code,
        p.score,
        p.grade,
        JSON.stringify(p.figures),
        versions.config,
        versions.scoring,
        computedAt,
      ],
    );
}

/** Each platform's latest stored grade (score and grade null when it had no figure that day). */
export async function latestPlatformGrades(
  sql: Pick<Sql, 'query'>,
): Promise<Map<number, { day: string; score: number | null; grade: string | null }>> {
  const rows = await sql.query<{ access_code: unknown; day: string; score: unknown; grade: string | null }>(
    `SELECT DISTINCT ON (access_code) access_code, day::text AS day, score, grade
       FROM credit_platform_days ORDER BY access_code, day DESC`,
  );
  return new Map(
    rows.map((r) => [
      Number(r.access_code),
      { day: r.day, score: r.score === null ? null : Number(r.score), grade: r.grade },
    ]),
  );
}
