/**
 * The daily rollup of the assessment facts (docs/assessment.md, "Daily aggregates"): each closed Beijing day's
 * vehicle facts are computed once into `assessment_vehicle_days` and read from there by every later assessment.
 *
 * A scheduled rollup rather than materialized views: a day's track needs every fix of the day in order (a view sees
 * one insert at a time, and back-filled fixes arrive days later, between fixes already stored), and the figures
 * depend on configured thresholds that can change. So a pass compares, for every closed day of the retention, the
 * row counts of its sources (telemetry, alarms, refused frames) and the thresholds with those the stored roll was
 * made from, and rolls again each day that is missing, whose sources changed (late or replayed data) or whose
 * thresholds are no longer those in force. A roll writes a whole new generation of the day and only then its record,
 * so a crash mid-roll leaves the previous generation in force, and a roll repeated gives the same rows again.
 */
import { PeriodicPass } from '../periodic-pass.js';
import { clickHouseInstant, quoteString, type Logger, type Metrics } from '../../schema/index.js';
import {
  ASSESSMENT_VEHICLE_DAYS,
  INGEST_REJECTS,
  physicalTablesOf,
  TELEMETRY,
  type DdlLayout,
} from '../../schema/index.js';
import type { Analytics } from '../../store/index.js';
import type { Clock } from '../access/actor.js';
import type { CenterConfig } from '../config/center-config.js';
import { dayNumberOf, dayStartOf, DAY_FACT_COLUMNS, vehicleDaysSql } from './vehicle-days.js';
import { VEHICLE_FACT_DEFAULTS, type VehicleFactOptions } from './vehicle-facts.js';

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const TZ = "'Asia/Shanghai'";

export interface AssessmentRollupOptions {
  /** How often a pass looks for days to roll up; 0: only when `tick()` is called. */
  checkIntervalMs: number;
  /** Closed days kept rolled up (and rolled again on late data), counted back from yesterday. */
  daysMax: number;
}

/**
 * A source's rows are deleted once past its retention, a little at a time as the engine merges: a day whose rows
 * are being deleted must not be rolled again, or its stored history would shrink with them. So days are checked
 * for late data only up to this many days before their source's retention ends (after that their roll is final).
 */
export const RETENTION_MARGIN_DAYS = 10;

export const ASSESSMENT_ROLLUP_DEFAULTS: AssessmentRollupOptions = {
  checkIntervalMs: 10 * 60_000,
  daysMax: TELEMETRY.retention!.days - RETENTION_MARGIN_DAYS,
};

/** Refused frames are kept 90 days: beyond 80 their count is no longer compared (`-` in the sources). */
const REJECTS_CHECKED_DAYS = INGEST_REJECTS.retention!.days - RETENTION_MARGIN_DAYS;

export interface AssessmentRollupsDeps {
  analytics: Pick<Analytics, 'queryInternal' | 'commandInternal' | 'layout'>;
  /** The thresholds in force (`assessment`); without it, the defaults. */
  config?: Pick<CenterConfig, 'get'>;
  now: Clock;
  logger: Logger;
  metrics: Metrics;
}

/** Why a day was rolled (again). */
export type RollupReason = 'missing' | 'late_data' | 'parameters';

export interface RollupPass {
  /** Days rolled in this pass, newest first, with the reason. */
  rolled: { day: number; reason: RollupReason; rows: number }[];
  /** Closed days of the window whose stored roll is current. */
  current: number;
  /**
   * Months of telemetry whose rows this pass counted per day: those whose parts changed since the last pass (all of
   * them on the first pass, and always on a cluster, where a node does not see every shard's parts).
   */
  scannedMonths: number;
}

/** The thresholds as stored with a roll: the same text for the same thresholds. */
export function parametersText(options: VehicleFactOptions): string {
  return JSON.stringify({
    track_gap_seconds: options.trackGapSeconds,
    track_gap_km: options.trackGapKm,
    overspeed_rules: [...options.overspeedRules],
    fatigue_rules: [...options.fatigueRules],
    drift_rules: [...options.driftRules],
  });
}

const INSERT_ROLLUP_DAYS =
  'INSERT INTO assessment_rollup_days (day, rolled_at, parameters, sources, vehicle_rows, seconds) VALUES';

/** One row of `assessment_rollup_days`: the record of a day's rollup (a day with nothing stored has 0 rows). */
function rollupDayValues(record: {
  day: number;
  rolledAt: number;
  parameters: string;
  sources: string;
  rows: number;
  seconds: number;
}): string {
  const { day, rolledAt, parameters, sources, rows, seconds } = record;
  return `(${day}, ${clickHouseInstant(rolledAt)}, ${quoteString(parameters)}, ${quoteString(sources)}, ${rows}, ${seconds})`;
}

/**
 * Deletes the generations of a day older than `rolledAt`: no longer read, removed by a mutation in the background.
 * On a cluster the mutation runs on the shard-local tables of every node (a distributed table takes no mutation).
 */
export function supersededGenerationsSql(day: number, rolledAt: number, layout: DdlLayout): string {
  const [local] = physicalTablesOf(ASSESSMENT_VEHICLE_DAYS, layout);
  return `${local!.alterPrefix} DELETE WHERE day = ${day} AND rolled_at < ${clickHouseInstant(rolledAt)}`;
}

interface DayRecord {
  rolledAt: number;
  parameters: string;
  sources: string;
}

export class AssessmentRollups {
  private stopping = false;
  /** Per telemetry month (partition): the state of its parts when last counted, and its rows per day then. */
  private readonly telemetryMonths = new Map<string, { state: string; counts: Map<number, string> }>();
  private scannedMonths = 0;
  private readonly passes = new PeriodicPass(
    () => this.tick(),
    (error) => {
      this.failures.inc();
      this.deps.logger.error('assessment rollup failed', { error: String(error) });
    },
  );
  private readonly rolledDays;
  private readonly pendingDays;
  private readonly failures;

  constructor(
    private readonly deps: AssessmentRollupsDeps,
    private readonly options: AssessmentRollupOptions = ASSESSMENT_ROLLUP_DEFAULTS,
  ) {
    const daysMax = TELEMETRY.retention!.days - RETENTION_MARGIN_DAYS;
    if (!Number.isInteger(options.daysMax) || options.daysMax < 1 || options.daysMax > daysMax)
      throw new Error(
        `assessment rollup daysMax value ${options.daysMax} is outside [1, ${daysMax}] (telemetry's retention less ${RETENTION_MARGIN_DAYS} days)`,
      );
    this.rolledDays = deps.metrics.counter(
      'vigil_assessment_rollup_days_total',
      'Beijing days rolled up into assessment_vehicle_days, by reason (missing, late_data, parameters)',
      ['reason'],
    );
    this.pendingDays = deps.metrics.gauge(
      'vigil_assessment_rollup_days_pending',
      'Closed days of the window still to roll up (again) at the start of the last pass; 0 when all are current',
    );
    this.failures = deps.metrics.counter('vigil_assessment_rollup_failures_total', 'Rollup passes that failed');
  }

  /** Starts the schedule; again after `stop` too (a centre node that takes the cluster's jobs over). */
  start(): void {
    this.stopping = false;
    this.passes.start(this.options.checkIntervalMs);
  }

  /** Stops the schedule; a pass under way ends after the day it is rolling (a backfill can be hours of days). */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.passes.stop();
  }

  async thresholds(): Promise<VehicleFactOptions> {
    if (this.deps.config === undefined) return VEHICLE_FACT_DEFAULTS;
    const { value } = await this.deps.config.get('assessment');
    return {
      trackGapSeconds: value.track_gap_seconds,
      trackGapKm: value.track_gap_km,
      overspeedRules: value.overspeed_rules,
      fatigueRules: value.fatigue_rules,
      driftRules: value.drift_rules,
    };
  }

  /**
   * The days of [startsAt, endsAt) whose stored roll was made with `options`: day → the generation in force. A
   * day rolled with other thresholds is not listed (it is computed from the raw facts until it is rolled again).
   */
  async storedDays(startsAt: number, endsAt: number, options: VehicleFactOptions): Promise<Map<number, number>> {
    const records = await this.records(dayNumberOf(startsAt), dayNumberOf(endsAt - 1));
    const wanted = parametersText(options);
    const stored = new Map<number, number>();
    for (const [day, record] of records) if (record.parameters === wanted) stored.set(day, record.rolledAt);
    return stored;
  }

  /** One pass: rolls every closed day of the window that is missing, changed or rolled with other thresholds. */
  async tick(): Promise<RollupPass> {
    if (this.stopping) return { rolled: [], current: 0, scannedMonths: 0 };
    const options = await this.thresholds();
    const wanted = parametersText(options);
    const todayStart = dayStartOf(dayNumberOf(this.deps.now()));
    const firstStart = todayStart - this.options.daysMax * DAY_MS;
    const [records, sources] = await Promise.all([
      this.records(dayNumberOf(firstStart), dayNumberOf(todayStart - 1)),
      this.sourceCounts(firstStart, todayStart, options),
    ]);
    const due: { day: number; reason: RollupReason; sources: string }[] = [];
    for (let at = todayStart - DAY_MS; at >= firstStart; at -= DAY_MS) {
      const day = dayNumberOf(at);
      const record = records.get(day);
      const counted =
        sources.get(day) ?? (at >= todayStart - REJECTS_CHECKED_DAYS * DAY_MS ? EMPTY_SOURCES : EMPTY_OLD_SOURCES);
      if (record === undefined) due.push({ day, reason: 'missing', sources: counted });
      else if (record.parameters !== wanted) due.push({ day, reason: 'parameters', sources: counted });
      else if (record.sources !== counted) due.push({ day, reason: 'late_data', sources: counted });
    }
    if (due.length > 0)
      this.deps.logger.info('assessment rollup starting', {
        days: due.length,
        newest: due[0]!.day,
        oldest: due[due.length - 1]!.day,
      });
    const rolled: RollupPass['rolled'] = [];
    // A day nothing was stored for has no rows to compute: its records are written at once.
    const isEmpty = (sources: string): boolean => sources === EMPTY_SOURCES || sources === EMPTY_OLD_SOURCES;
    const empty = due.filter((d) => isEmpty(d.sources));
    if (empty.length > 0) {
      const rolledAt = Math.trunc(this.deps.now());
      await this.deps.analytics.commandInternal(
        `${INSERT_ROLLUP_DAYS} ${empty
          .map(({ day, sources }) =>
            rollupDayValues({
              day,
              rolledAt: Math.max(rolledAt, (records.get(day)?.rolledAt ?? 0) + 1),
              parameters: wanted,
              sources,
              rows: 0,
              seconds: 0,
            }),
          )
          .join(', ')}`,
      );
      for (const { day, reason } of empty) {
        rolled.push({ day, reason, rows: 0 });
        this.rolledDays.inc({ reason });
      }
    }
    const full = due.filter((d) => !isEmpty(d.sources));
    this.pendingDays.set(undefined, full.length);
    for (const [i, { day, reason, sources: counted }] of full.entries()) {
      if (this.stopping) break;
      const { rows, seconds } = await this.rollDay(day, options, counted, records.get(day)?.rolledAt ?? 0);
      rolled.push({ day, reason, rows });
      this.rolledDays.inc({ reason });
      this.pendingDays.set(undefined, full.length - i - 1);
      this.deps.logger.info('assessment day rolled up', {
        day,
        reason,
        vehicles: rows,
        seconds: Math.round(seconds * 100) / 100,
        done: i + 1,
        of: full.length,
      });
    }
    this.pendingDays.set(undefined, 0);
    const closedDays = Math.round((todayStart - firstStart) / DAY_MS);
    return { rolled, current: closedDays - due.length + rolled.length, scannedMonths: this.scannedMonths };
  }

  /**
   * Computes one closed day into a new generation of its rows, then records it as the one in force, then deletes
   * the older generations. Rolling a day twice gives the same rows; the record names the last.
   */
  async rollDay(
    day: number,
    options: VehicleFactOptions,
    sources: string,
    previousRolledAt = 0,
  ): Promise<{ rows: number; seconds: number }> {
    const started = performance.now();
    const startsAt = dayStartOf(day);
    // Generations of a day are ordered by rolled_at: a clock that went back must not make an older one win.
    const rolledAt = Math.max(Math.trunc(this.deps.now()), previousRolledAt + 1);
    const generation = clickHouseInstant(rolledAt);
    const columns = DAY_FACT_COLUMNS.filter((c) => c !== 'day' && c !== 'terminal_id');
    const { analytics } = this.deps;
    await analytics.commandInternal(`
INSERT INTO assessment_vehicle_days (day, rolled_at, terminal_id, home_org_code, enterprise_id, vehicle_class, ${columns.join(', ')})
SELECT d.day, ${generation}, d.terminal_id, r.home_org_code, r.enterprise_id, r.vehicle_class, ${columns.map((c) => `d.${c}`).join(', ')}
FROM (${vehicleDaysSql(startsAt, startsAt + DAY_MS, options, null)}) AS d
LEFT JOIN (
  SELECT terminal_id, any(home_org_code) AS home_org_code, any(enterprise_id) AS enterprise_id,
         toString(any(vehicle_class)) AS vehicle_class
  FROM vehicles FINAL WHERE terminal_id != '' GROUP BY terminal_id
) AS r ON r.terminal_id = d.terminal_id`);
    const counted = await analytics.queryInternal(
      `SELECT count() FROM assessment_vehicle_days WHERE day = ${day} AND rolled_at = ${generation}`,
    );
    const rows = Number(counted.rows[0]?.[0] ?? 0);
    const seconds = (performance.now() - started) / 1000;
    await this.record(day, rolledAt, parametersText(options), sources, rows, seconds);
    await analytics.commandInternal(supersededGenerationsSql(day, rolledAt, analytics.layout));
    return { rows, seconds };
  }

  private async record(
    day: number,
    rolledAt: number,
    parameters: string,
    sources: string,
    rows: number,
    seconds: number,
  ): Promise<void> {
    await this.deps.analytics.commandInternal(
      `${INSERT_ROLLUP_DAYS} ${rollupDayValues({ day, rolledAt, parameters, sources, rows, seconds })}`,
    );
  }

  private async records(firstDay: number, lastDay: number): Promise<Map<number, DayRecord>> {
    const result = await this.deps.analytics.queryInternal(
      `SELECT day, toUnixTimestamp64Milli(rolled_at), parameters, sources FROM assessment_rollup_days FINAL
       WHERE day >= ${firstDay} AND day <= ${lastDay}`,
      { rowsMax: 10_000 },
    );
    return new Map(
      result.rows.map(([day, rolledAt, parameters, sources]) => [
        Number(day),
        { rolledAt: Number(rolledAt), parameters: String(parameters), sources: String(sources) },
      ]),
    );
  }

  /**
   * Telemetry rows per day of [startsAt, endsAt), counted only in the months (partitions) whose parts changed since
   * the last pass: an insert or a merge adds a part, so a month nothing came in for keeps its counts, and a pass over
   * a year of a province reads only the current month and those that received late data.
   */
  private async telemetryCounts(
    startsAt: number,
    endsAt: number,
    query: (sql: string) => Promise<Map<number, string>>,
  ): Promise<Map<number, string>> {
    const to = clickHouseInstant(endsAt);
    if (this.deps.analytics.layout.kind === 'cluster') {
      const from = clickHouseInstant(startsAt);
      this.scannedMonths = monthsBetween(monthOf(startsAt), monthOf(endsAt - 1));
      return query(
        `SELECT toYYYYMMDD(ts, ${TZ}) AS day, count() FROM telemetry WHERE ts >= ${from} AND ts < ${to} GROUP BY day`,
      );
    }
    const parts = await this.deps.analytics.queryInternal(
      `SELECT partition_id, toString(sum(rows)), toString(count()), toString(max(modification_time)) FROM system.parts
       WHERE database = currentDatabase() AND table = 'telemetry' AND active GROUP BY partition_id`,
      { rowsMax: 10_000 },
    );
    const firstMonth = monthOf(startsAt);
    const lastMonth = monthOf(endsAt - 1);
    const counts = new Map<number, string>();
    let scanned = 0;
    for (const [partition, rows, partCount, modified] of parts.rows) {
      const month = Number(partition);
      if (!(month >= firstMonth && month <= lastMonth)) continue;
      // The last month is counted up to the window's end, which moves every day.
      const state = `${String(rows)}/${String(partCount)}/${String(modified)}/${month === lastMonth ? endsAt : ''}`;
      let cached = this.telemetryMonths.get(String(partition));
      if (cached?.state !== state) {
        cached = {
          state,
          counts: await query(
            `SELECT toYYYYMMDD(ts, ${TZ}) AS day, count() FROM telemetry
             WHERE toYYYYMM(ts) = ${month} AND ts < ${to} GROUP BY day`,
          ),
        };
        this.telemetryMonths.set(String(partition), cached);
        scanned++;
      }
      for (const [day, n] of cached.counts) counts.set(day, n);
    }
    this.scannedMonths = scanned;
    return counts;
  }

  /**
   * Per closed day, what a roll of it reads, counted: telemetry rows by device time, the episodes of the configured
   * rules on every day they cover (a sum of hashes of their latest versions), the terminals' refused frames by arrival.
   * Rows are never deleted before their retention, so a count that differs from the roll's means data came in
   * since (a merge of replayed duplicate fixes lowers a count too, and costs one needless roll).
   */
  private async sourceCounts(
    startsAt: number,
    endsAt: number,
    options: VehicleFactOptions,
  ): Promise<Map<number, string>> {
    const from = clickHouseInstant(startsAt);
    const to = clickHouseInstant(endsAt);
    const rules = [...options.overspeedRules, ...options.driftRules, ...options.fatigueRules];
    const ruleList = rules.length > 0 ? rules.map(quoteString).join(', ') : "''";
    const dayIndex = (column: string): string =>
      `toUInt32(intDiv(toUnixTimestamp64Milli(${column}) + ${SHANGHAI_OFFSET_MS}, ${DAY_MS}))`;
    const query = async (sql: string): Promise<Map<number, string>> => {
      const result = await this.deps.analytics.queryInternal(sql, { rowsMax: 10_000 });
      return new Map(result.rows.map(([day, n]) => [Number(day), String(n)]));
    };
    const [telemetry, alarms, rejects] = await Promise.all([
      this.telemetryCounts(startsAt, endsAt, query),
      // The latest versions (FINAL), as a sum of their hashes: a new episode or version changes it, a merge of old
      // versions does not (the alarms are few; telemetry is counted without FINAL, which is much cheaper).
      query(`SELECT toYYYYMMDD(toDate('1970-01-01') + day_index) AS day,
                    hex(sum(cityHash64(alarm_id, version, rule, started_at, ended_at))) FROM alarms FINAL
             ARRAY JOIN range(${dayIndex(`greatest(started_at, ${from})`)},
                              ${dayIndex(`least(coalesce(ended_at, ${to}), ${to} - INTERVAL 1 MILLISECOND)`)} + 1) AS day_index
             WHERE rule IN (${ruleList}) AND started_at < ${to} AND (ended_at IS NULL OR ended_at >= ${from})
             GROUP BY day`),
      query(`SELECT toYYYYMMDD(received_at, ${TZ}) AS day, count() FROM ingest_rejects
             WHERE received_at >= ${from} AND received_at < ${to} AND terminal_id != '' GROUP BY day`),
    ]);
    const days = new Set(
      [...telemetry.keys(), ...alarms.keys(), ...rejects.keys()].filter((d) => d >= dayNumberOf(startsAt)),
    );
    const rejectsFrom = dayNumberOf(endsAt - REJECTS_CHECKED_DAYS * DAY_MS);
    const rejectsOf = (day: number): string => (day >= rejectsFrom ? (rejects.get(day) ?? '0') : '-');
    return new Map(
      [...days].map((day) => [day, `${telemetry.get(day) ?? 0}/${alarms.get(day) ?? 0}/${rejectsOf(day)}`]),
    );
  }
}

function monthsBetween(first: number, last: number): number {
  return (Math.floor(last / 100) - Math.floor(first / 100)) * 12 + (last % 100) - (first % 100) + 1;
}

/** The month (YYYYMM, China time) holding `epochMs`: telemetry's partition. */
function monthOf(epochMs: number): number {
  return Math.floor(dayNumberOf(epochMs) / 100);
}

const EMPTY_SOURCES = '0/0/0';
const EMPTY_OLD_SOURCES = '0/0/-';
