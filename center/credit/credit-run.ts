/**
 * The daily credit run: for one Beijing day, every enterprise's score and grade over the model's window and every
 * driver's points in their cycle, stored per day (`credit_enterprise_days`, `credit_driver_days`) so history can be
 * read, then the credit warnings the change since the previous stored day raises. A day is marked done in
 * `credit_runs` only after its warnings were raised; warnings carry ids fixed by subject and day, so a run redone
 * after a crash raises nothing twice.
 */
import { PeriodicPass } from '../periodic-pass.js';
import { createHash } from 'node:crypto';
import { divisionByCode, type AlarmRow, type CreditModel, type Logger } from '../../schema/index.js';
import type { Analytics, Sql } from '../../store/index.js';
import type { Clock } from '../access/actor.js';
import { dayText, parsePeriod } from '../assessment/index.js';
import type { CenterConfig } from '../config/center-config.js';
import { driverViolations, enterpriseCounts, type CreditWindow } from './credit-facts.js';
import { cycleStart, driverPoints, enterpriseScore, gradeRank, thresholdReached } from './credit-score.js';
import { deregisteredOperating, PLATES_LISTED_MAX } from './deregistered-operating.js';
import { platformGrades, storePlatformGrades, type PlatformRanker } from './platform-grades.js';

const DAY_MS = 86_400_000;

export interface CreditRunOptions {
  /** How often the run checks whether yesterday (China time) is done; 0: only when `tick()` is called. */
  checkIntervalMs: number;
  /** Driver × rule rows read from ClickHouse at most per run; beyond it the run fails rather than undercount. */
  driverRowsMax: number;
  /**
   * Days a check grades at most: the days since the last one graded, up to yesterday, when the node was down or the
   * run failed; beyond it only the latest are graded and the rest left as a gap (logged).
   */
  backfillDaysMax: number;
}

export const CREDIT_RUN_DEFAULTS: CreditRunOptions = {
  checkIntervalMs: 10 * 60_000,
  driverRowsMax: 1_000_000,
  backfillDaysMax: 31,
};

export interface CreditRunDeps {
  sql: Sql;
  /** Without it, drivers are not scored (the enterprise grades need only the operational store). */
  analytics?: Pick<Analytics, 'queryInternal'>;
  config: Pick<CenterConfig, 'get'>;
  now: Clock;
  logger: Logger;
  /** Raises a credit warning as an alarm: onto the alarm topic in a node, straight to the desk otherwise. */
  raise(alarm: AlarmRow): Promise<void>;
  /** The lower platforms' 考核 ranking; without it (no analytics), platforms are not graded. */
  rankPlatforms?: PlatformRanker;
}

export interface CreditRunResult {
  day: string;
  config_version: number;
  enterprises: number;
  drivers: number;
  warnings: number;
  /** Lower platforms graded (with or without a grade). */
  platforms: number;
}

function warningId(rule: string, subject: string, day: string): string {
  return createHash('sha256').update(`${rule}\u0000${subject}\u0000${day}`).digest('hex').slice(0, 32);
}

interface Warning {
  rule: 'credit_grade_drop' | 'driver_points' | 'deregistered_operating';
  /** The enterprise id or the driver's certificate: with the rule and the day, it fixes the alarm id. */
  subject: string;
  day: string;
  severity: 'warning' | 'critical';
  orgCode: string;
  configVersion: number;
  plate: string;
  details: Record<string, unknown>;
}

/** A warning is an instant at the last millisecond of the day graded, placed at the seat of the unit it concerns. */
function warningAlarm(w: Warning, dayEndsAt: number): AlarmRow {
  const [lon, lat] = divisionByCode(w.orgCode)?.seatLonLatDeg ?? [0, 0];
  const at = dayEndsAt - 1;
  return {
    alarm_id: warningId(w.rule, w.subject, w.day),
    rule: w.rule,
    rule_version: w.configVersion,
    severity: w.severity,
    terminal_id: '',
    plate: w.plate,
    started_at: at,
    ended_at: at,
    org_code: w.orgCode,
    lat,
    lon,
    late: 0,
    details: JSON.stringify(w.details),
    version: 1,
    updated_at: at,
  };
}

export class CreditRun {
  private readonly passes = new PeriodicPass(
    () => this.tick(),
    (error) => this.deps.logger.error('credit run failed', { error: String(error) }),
  );

  constructor(
    private readonly deps: CreditRunDeps,
    private readonly options: CreditRunOptions = CREDIT_RUN_DEFAULTS,
  ) {}

  start(): void {
    this.passes.start(this.options.checkIntervalMs);
  }

  stop(): Promise<void> {
    return this.passes.stop();
  }

  /**
   * Grades the days not graded yet, oldest first: yesterday (China time), and the days between the last day graded and
   * yesterday that the node was down for (at most `backfillDaysMax`, the latest ones), so that the history has no
   * gap and each fall is measured against the day before it. With no day graded yet, yesterday alone. Returns the
   * days it graded (none when yesterday was done).
   */
  async tick(): Promise<CreditRunResult[]> {
    const days = await this.daysDue();
    const results: CreditRunResult[] = [];
    for (const day of days) {
      const result = await this.runDay(day);
      this.deps.logger.info('credit day computed', { ...result, backfilled: day !== days[days.length - 1] });
      results.push(result);
    }
    return results;
  }

  /** The days a check grades, oldest first. */
  private async daysDue(): Promise<string[]> {
    const yesterday = dayText(this.deps.now() - DAY_MS);
    const [latest] = await this.deps.sql.query<{ day: string | null }>(
      'SELECT max(day)::text AS day FROM credit_runs WHERE day <= $1',
      [yesterday],
    );
    if (!latest?.day) return [yesterday];
    // China keeps no daylight saving time: its days are 24 h apart, and noon is safely inside each.
    const noonOf = (day: string) => parsePeriod(day, day).starts_at + DAY_MS / 2;
    const missing = Math.round((noonOf(yesterday) - noonOf(latest.day)) / DAY_MS);
    const graded = Math.min(missing, this.options.backfillDaysMax);
    const days = Array.from({ length: graded }, (_, i) => dayText(noonOf(yesterday) - (graded - 1 - i) * DAY_MS));
    if (missing > graded)
      this.deps.logger.warn('credit days left ungraded: more than the back-fill allows', {
        from: dayText(noonOf(latest.day) + DAY_MS),
        to: dayText(noonOf(days[0]) - DAY_MS),
        days: missing - graded,
        backfill_days_max: this.options.backfillDaysMax,
      });
    return days;
  }

  /** Computes and stores one day (again, if it was done: rows are replaced, warnings not raised twice). */
  async runDay(day: string): Promise<CreditRunResult> {
    const period = parsePeriod(day, day);
    const { version, value: model } = await this.deps.config.get('credit');
    const endsAt = period.ends_at;
    const computedAt = new Date(this.deps.now());
    const warnings: AlarmRow[] = [];

    const enterpriseRows = await this.enterprises(model, day, {
      startsAt: endsAt - model.window_days * DAY_MS,
      endsAt,
    });
    for (const e of enterpriseRows) {
      if (e.previous === null || gradeRank(model, e.grade) <= gradeRank(model, e.previous)) continue;
      const worst = gradeRank(model, e.grade) >= model.grades.length - 1;
      warnings.push(
        warningAlarm(
          {
            rule: 'credit_grade_drop',
            subject: e.id,
            day,
            severity: worst ? 'critical' : 'warning',
            orgCode: e.org_code,
            configVersion: version,
            plate: '',
            details: {
              enterprise_id: e.id,
              enterprise_name: e.name,
              day,
              grade: e.grade,
              previous_grade: e.previous,
              score: e.score,
            },
          },
          endsAt,
        ),
      );
    }
    const driverRows = await this.drivers(model, day, endsAt);
    for (const d of driverRows) {
      const reached = thresholdReached(model, d.points);
      if (reached === null || (thresholdReached(model, d.previousPoints) ?? 0) >= reached) continue;
      const highest = reached === model.driver_thresholds[model.driver_thresholds.length - 1];
      warnings.push(
        warningAlarm(
          {
            rule: 'driver_points',
            subject: d.certificate,
            day,
            severity: highest ? 'critical' : 'warning',
            orgCode: d.orgCode,
            configVersion: version,
            plate: d.plate,
            details: {
              certificate: d.certificate,
              driver_name: d.name,
              enterprise_id: d.enterpriseId || null,
              day,
              points: d.points,
              threshold: reached,
              cycle_start: d.cycleStart,
            },
          },
          endsAt,
        ),
      );
    }

    // Vehicles still running for an enterprise the register revoked or struck off (非法营运): every day they run.
    const deregistered = this.deps.analytics
      ? await deregisteredOperating(this.deps.sql, this.deps.analytics, { startsAt: period.starts_at, endsAt })
      : [];
    for (const d of deregistered)
      warnings.push(
        warningAlarm(
          {
            rule: 'deregistered_operating',
            subject: d.enterpriseId,
            day,
            severity: 'critical',
            orgCode: d.orgCode,
            configVersion: version,
            plate: d.plates.length === 1 ? d.plates[0] : '',
            details: {
              enterprise_id: d.enterpriseId,
              enterprise_name: d.name,
              day,
              market_status: d.status,
              market_status_text: d.statusText,
              market_status_changed_on: d.statusChangedOn,
              vehicles_operating: d.plates.length,
              plates: d.plates.slice(0, PLATES_LISTED_MAX),
            },
          },
          endsAt,
        ),
      );

    const platforms = this.deps.rankPlatforms
      ? await platformGrades(this.deps.rankPlatforms, model, day, endsAt)
      : undefined;

    await this.deps.sql.transaction(async (tx) => {
      if (platforms)
        await storePlatformGrades(
          tx,
          day,
          platforms.rows,
          { config: version, scoring: platforms.scoringVersion },
          computedAt,
        );
      await tx.query('DELETE FROM credit_enterprise_days WHERE day = $1', [day]);
      await tx.query('DELETE FROM credit_driver_days WHERE day = $1', [day]);
      for (const e of enterpriseRows)
        await tx.query(
          `INSERT INTO credit_enterprise_days (day, enterprise_id, name, org_code, score, grade, facts, config_version, computed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [day, e.id, e.name, e.org_code, e.score, e.grade, JSON.stringify(e.facts), version, computedAt],
        );
      for (const d of driverRows)
        await tx.query(
          `INSERT INTO credit_driver_days (day, certificate, name, enterprise_id, org_code, cycle_start, points, violations, config_version, computed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            day,
            d.certificate,
            d.name,
            d.enterpriseId,
            d.orgCode,
            d.cycleStart,
            d.points,
            JSON.stringify(d.violations),
            version,
            computedAt,
          ],
        );
    });
    for (const alarm of warnings) await this.deps.raise(alarm);
    await this.deps.sql.query(
      `INSERT INTO credit_runs (day, config_version, enterprises, drivers, warnings, computed_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (day) DO UPDATE SET config_version = $2, enterprises = $3, drivers = $4, warnings = $5, computed_at = $6`,
      [day, version, enterpriseRows.length, driverRows.length, warnings.length, computedAt],
    );
    return {
      day,
      config_version: version,
      enterprises: enterpriseRows.length,
      drivers: driverRows.length,
      warnings: warnings.length,
      platforms: platforms?.rows.length ?? 0,
    };
  }

  private async enterprises(model: CreditModel, day: string, window: CreditWindow) {
    const { enterprises, counts } = await enterpriseCounts(this.deps.sql, window);
    // The grade each enterprise had on the latest day stored before this one: what a fall is measured against.
    const previous = await this.deps.sql.query<{ enterprise_id: string; grade: string }>(
      `SELECT DISTINCT ON (enterprise_id) enterprise_id, grade FROM credit_enterprise_days
        WHERE day < $1 ORDER BY enterprise_id, day DESC`,
      [day],
    );
    const previousOf = new Map(previous.map((p) => [p.enterprise_id, p.grade]));
    return enterprises.map((e) => ({
      ...e,
      ...enterpriseScore(model, counts.get(e.id)!),
      previous: previousOf.get(e.id) ?? null,
    }));
  }

  private async drivers(model: CreditModel, day: string, endsAt: number) {
    if (!this.deps.analytics) return [];
    const start = cycleStart(model, day);
    const startsAt = parsePeriod(start, start).starts_at;
    const rules = Object.entries(model.driver_points)
      .filter(([, points]) => points > 0)
      .map(([rule]) => rule);
    const found = await driverViolations(this.deps.analytics, { startsAt, endsAt }, rules, this.options.driverRowsMax);
    if (found.length === 0) return [];
    // The registry's driver and enterprise, else the enterprise of the vehicle of the latest violation.
    const certificates = found.map((d) => d.certificate);
    const registered = await this.deps.sql.query<{ id: string; name: string; enterprise_id: string }>(
      'SELECT id, name, enterprise_id FROM drivers WHERE id = ANY($1::text[])',
      [certificates],
    );
    const vehicles = await this.deps.sql.query<{ terminal_id: string; enterprise_id: string }>(
      `SELECT terminal_id, enterprise_id FROM vehicles WHERE terminal_id = ANY($1::text[]) AND enterprise_id <> ''`,
      [found.map((d) => d.lastTerminalId)],
    );
    const enterprises = await this.deps.sql.query<{ id: string; org_code: string }>(
      'SELECT id, org_code FROM enterprises',
    );
    const previous = await this.deps.sql.query<{ certificate: string; points: number }>(
      `SELECT DISTINCT ON (certificate) certificate, points FROM credit_driver_days
        WHERE day < $1 AND cycle_start = $2 AND certificate = ANY($3::text[]) ORDER BY certificate, day DESC`,
      [day, start, certificates],
    );
    const registry = new Map(registered.map((r) => [r.id, r]));
    const vehicleEnterprise = new Map(vehicles.map((v) => [v.terminal_id, v.enterprise_id]));
    const enterpriseOrg = new Map(enterprises.map((e) => [e.id, e.org_code]));
    const previousPoints = new Map(previous.map((p) => [p.certificate, Number(p.points)]));
    return found.flatMap((d) => {
      const points = driverPoints(model, d.violations);
      if (points <= 0) return [];
      const enterpriseId = registry.get(d.certificate)?.enterprise_id || vehicleEnterprise.get(d.lastTerminalId) || '';
      return [
        {
          certificate: d.certificate,
          name: registry.get(d.certificate)?.name || d.name,
          enterpriseId,
          orgCode: enterpriseOrg.get(enterpriseId) ?? d.lastOrgCode,
          plate: d.lastPlate,
          cycleStart: start,
          points,
          violations: d.violations,
          previousPoints: previousPoints.get(d.certificate) ?? 0,
        },
      ];
    });
  }
}
