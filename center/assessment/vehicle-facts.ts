/**
 * The vehicles' indicators from ClickHouse: entry_rate, online_rate, track_completeness, data_qualified_rate,
 * drift_rate, avg_overspeed_count and avg_fatigue_minutes, per
 * home unit of the registry (`vehicles` as mirrored, latest copy) or per enterprise. A vehicle counts where it is
 * registered, not where it drove, so a city answers for its own fleet wherever that fleet was. One query joins the
 * mirrored registry with per-terminal figures of the period and groups: one row per unit or enterprise comes back.
 */
import { CONFIG_DEFAULTS } from '../config/center-config.js';
import { zeroCounts, type IndicatorCounts } from './indicators.js';
import { RAW_FACT_TABLES, type FactCache, type FactTable } from './fact-cache.js';
import { daysOf, periodDaysSql, terminalsOverDaysSql } from './vehicle-days.js';
import { quoteString } from '../../schema/index.js';

export interface VehicleFactOptions {
  /** Two consecutive fixes further apart than this in time … */
  trackGapSeconds: number;
  /** … and than this in distance leave a break in the track (断点): the distance between them is not continuous. */
  trackGapKm: number;
  /** Rule ids whose alarm episodes count as overspeed. */
  overspeedRules: readonly string[];
  /** Rule ids whose alarm episodes' minutes count as fatigue driving. */
  fatigueRules: readonly string[];
  /** Rule ids whose alarm episodes mark a vehicle as drifting. */
  driftRules: readonly string[];
}

/** The configuration's defaults (`assessment`), for a reader without the configuration. */
export const VEHICLE_FACT_DEFAULTS: VehicleFactOptions = {
  trackGapSeconds: CONFIG_DEFAULTS.assessment.track_gap_seconds,
  trackGapKm: CONFIG_DEFAULTS.assessment.track_gap_km,
  overspeedRules: CONFIG_DEFAULTS.assessment.overspeed_rules,
  fatigueRules: CONFIG_DEFAULTS.assessment.fatigue_rules,
  driftRules: CONFIG_DEFAULTS.assessment.drift_rules,
};

/**
 * A stored position is qualified (合格) when it is positioned, inside China's bounding box, at most 160 km/h and
 * with a heading below 360°: what a bulletin's 数据合格率 counts. Rejected frames of the terminal (ingest_rejects,
 * which keep their terminal) count as unqualified.
 */
export const QUALIFIED_POSITION_SQL =
  'bitTest(status_bits, 1) AND lon BETWEEN 73 AND 136 AND lat BETWEEN 3 AND 54 AND speed_kmh <= 160 AND direction_deg < 360';

/**
 * Whose vehicles: those registered in some units (grouped by home unit), or those operated by some enterprises
 * (grouped by enterprise: the centres' binding, else the registry's, as mirrored).
 */
export interface VehicleGroups {
  /**
   * `platform`: the vehicles (with a terminal) whose fixes a JT/T 809 lower platform forwarded in the period or in
   * the `PLATFORM_ROSTER_DAYS` before it, keyed by access code; a vehicle two platforms forwarded is in both.
   */
  by: 'home_org_code' | 'enterprise_id' | 'platform';
  keys: readonly string[];
}

/** How far back a lower platform's forwarding still makes a vehicle one of its fleet (its 入网 vehicles). */
export const PLATFORM_ROSTER_DAYS = 30;

/**
 * The daily path: the days of the period stored as aggregates (day YYYYMMDD → the generation in force, rolled_at
 * epoch ms); the others are computed from the raw facts.
 */
export interface StoredDays {
  stored: ReadonlyMap<number, number>;
}

/**
 * One row per vehicle of the groups: plate, plate_color, terminal_id, home_org_code, enterprise_id, and its figures
 * in the period — fixes (any), track_m and continuous_m (metres of positioned track, and of it without breaks) and
 * overspeed (episodes started). The drill-down lists these rows; the figures are their sums.
 */
export function vehicleRowsSql(
  groups: VehicleGroups,
  startsAt: number,
  endsAt: number,
  options: VehicleFactOptions,
): string {
  const column = groups.by;
  if (column === 'platform') throw new Error('the lower platforms are assessed over days (vehicleRowsOverDaysSql)');
  const codes = groups.keys.map(quoteString).join(', ');
  const from = `fromUnixTimestamp64Milli(toInt64(${Math.trunc(startsAt)}))`;
  const to = `fromUnixTimestamp64Milli(toInt64(${Math.trunc(endsAt)}))`;
  const gapMs = Math.round(options.trackGapSeconds * 1000);
  const gapM = options.trackGapKm * 1000;
  // No rule at all (every configured one since removed) must still be valid SQL: it matches nothing.
  const ruleList = (ids: readonly string[]): string => (ids.length > 0 ? ids.map(quoteString).join(', ') : "''");
  const rules = ruleList(options.overspeedRules);
  const fatigueRules = ruleList(options.fatigueRules);
  const driftRules = ruleList(options.driftRules);
  // Only the scope's terminals are read from the period's telemetry and alarms.
  const terminals = `SELECT terminal_id FROM vehicles FINAL WHERE ${column} IN (${codes}) AND terminal_id != ''`;
  return `
SELECT v.${column} AS group_key, v.plate AS plate, v.plate_color AS plate_color, v.terminal_id AS terminal_id,
       v.home_org_code AS home_org_code, v.enterprise_id AS enterprise_id,
       t.fixes AS fixes, t.track_m AS track_m, t.continuous_m AS continuous_m, a.overspeed AS overspeed,
       t.qualified AS qualified, t.fixes + r.rejected AS reports, a.drift AS drift, a.fatigue_ms AS fatigue_ms
FROM (
  -- A vehicle without a terminal gets a key no telemetry has (terminal ids are digits).
  SELECT plate, plate_color, terminal_id, home_org_code, enterprise_id,
         if(terminal_id = '', concat('-', plate, '-', toString(plate_color)), terminal_id) AS tkey
  FROM vehicles FINAL WHERE ${column} IN (${codes})
) AS v
LEFT JOIN (
  SELECT terminal_id AS tkey, sum(n) AS fixes, sum(q) AS qualified, sum(seg_m) AS track_m, sum(ok_m) AS continuous_m
  FROM (
    SELECT terminal_id, count() AS n, countIf(${QUALIFIED_POSITION_SQL}) AS q, toFloat64(0) AS seg_m, toFloat64(0) AS ok_m
    FROM telemetry FINAL
    WHERE ts >= ${from} AND ts < ${to} AND terminal_id IN (${terminals})
    GROUP BY terminal_id
    UNION ALL
    SELECT terminal_id, toUInt64(0) AS n, toUInt64(0) AS q, seg_m, if(dt_ms > ${gapMs} AND seg_m > ${gapM}, 0, seg_m) AS ok_m
    FROM (
      SELECT terminal_id,
             row_number() OVER w AS rn,
             toFloat64(geoDistance(lagInFrame(lon) OVER w, lagInFrame(lat) OVER w, lon, lat)) AS seg_m,
             toUnixTimestamp64Milli(ts) - toUnixTimestamp64Milli(lagInFrame(ts) OVER w) AS dt_ms
      FROM telemetry FINAL
      WHERE ts >= ${from} AND ts < ${to} AND bitTest(status_bits, 1) AND terminal_id IN (${terminals})
      WINDOW w AS (PARTITION BY terminal_id ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
    )
    WHERE rn > 1
  )
  GROUP BY terminal_id
) AS t ON t.tkey = v.tkey
LEFT JOIN (
  SELECT terminal_id AS tkey, count() AS rejected
  FROM ingest_rejects
  WHERE received_at >= ${from} AND received_at < ${to} AND terminal_id IN (${terminals})
  GROUP BY terminal_id
) AS r ON r.tkey = v.tkey
LEFT JOIN (
  SELECT terminal_id AS tkey,
         countIf(rule IN (${rules}) AND started_at >= ${from}) AS overspeed,
         countIf(rule IN (${driftRules}) AND started_at >= ${from}) AS drift,
         -- The minutes of each fatigue episode inside the period; one still open runs to the period's end (or now).
         sumIf(greatest(0, toUnixTimestamp64Milli(least(coalesce(ended_at, least(${to}, now64(3))), ${to}))
                         - toUnixTimestamp64Milli(greatest(started_at, ${from}))),
               rule IN (${fatigueRules})) AS fatigue_ms
  FROM alarms FINAL
  WHERE rule IN (${rules}, ${fatigueRules}, ${driftRules}) AND started_at < ${to}
        AND (started_at >= ${from} OR (rule IN (${fatigueRules}) AND (ended_at IS NULL OR ended_at > ${from})))
        AND terminal_id IN (${terminals})
  GROUP BY terminal_id
) AS a ON a.tkey = v.tkey`;
}

/**
 * The same rows as `vehicleRowsSql`, from the period's day rows (stored aggregates, and the raw facts of the days
 * not stored), plus `platforms`; for `platform` groups, one row per vehicle and lower platform of the groups.
 */
export function vehicleRowsOverDaysSql(
  groups: VehicleGroups,
  startsAt: number,
  endsAt: number,
  options: VehicleFactOptions,
  days: StoredDays,
): string {
  const codes = groups.keys.map(quoteString).join(', ');
  const byPlatform = groups.by === 'platform';
  const platforms = byPlatform ? groups.keys.map((key) => String(Number(key))).join(', ') : '';
  // Only the scope's terminals are read; a platform's vehicles may be registered anywhere.
  const terminals = byPlatform
    ? "SELECT terminal_id FROM vehicles FINAL WHERE terminal_id != ''"
    : `SELECT terminal_id FROM vehicles FINAL WHERE ${groups.by} IN (${codes}) AND terminal_id != ''`;
  const vehicles = byPlatform
    ? `SELECT m.roster_platform AS group_key, vf.plate AS plate, vf.plate_color AS plate_color, vf.terminal_id AS terminal_id,
              vf.home_org_code AS home_org_code, vf.enterprise_id AS enterprise_id, vf.terminal_id AS tkey
       FROM vehicles AS vf FINAL
       INNER JOIN (
         SELECT terminal_id, arrayJoin(groupUniqArray(platform)) AS roster_platform
         FROM (${periodDaysSql(startsAt - PLATFORM_ROSTER_DAYS * 86_400_000, endsAt, days.stored, options, terminals)})
         WHERE platform IN (${platforms})
         GROUP BY terminal_id
       ) AS m ON m.terminal_id = vf.terminal_id
       WHERE vf.terminal_id != ''`
    : `SELECT ${groups.by} AS group_key, plate, plate_color, terminal_id, home_org_code, enterprise_id,
              -- A vehicle without a terminal gets a key no telemetry has (terminal ids are digits).
              if(terminal_id = '', concat('-', plate, '-', toString(plate_color)), terminal_id) AS tkey
       FROM vehicles FINAL WHERE ${groups.by} IN (${codes})`;
  return `
SELECT toString(v.group_key) AS group_key, v.plate AS plate, v.plate_color AS plate_color, v.terminal_id AS terminal_id,
       v.home_org_code AS home_org_code, v.enterprise_id AS enterprise_id,
       t.fixes AS fixes, t.track_m AS track_m, t.continuous_m AS continuous_m, t.overspeed AS overspeed,
       t.qualified AS qualified, t.fixes + t.rejected AS reports, t.drift AS drift, t.fatigue_ms AS fatigue_ms
FROM (${vehicles}) AS v
LEFT JOIN (${terminalsOverDaysSql(periodDaysSql(startsAt, endsAt, days.stored, options, terminals), options)}) AS t
  ON t.tkey = v.tkey`;
}

/**
 * The figures per group: sums over `vehicleRowsSql` (the raw facts of the period) or, given the stored days, over
 * `vehicleRowsOverDaysSql`; exported so that docs and tests can show exactly what is computed.
 */
export function vehicleFactsSql(
  groups: VehicleGroups,
  startsAt: number,
  endsAt: number,
  options: VehicleFactOptions,
  days?: StoredDays,
): string {
  const rows =
    days === undefined
      ? vehicleRowsSql(groups, startsAt, endsAt, options)
      : vehicleRowsOverDaysSql(groups, startsAt, endsAt, options, days);
  return `
SELECT group_key,
       count() AS registered,
       countIf(terminal_id != '') AS entered,
       countIf(terminal_id != '' AND fixes > 0) AS online,
       sum(track_m) AS track_m,
       sum(continuous_m) AS continuous_m,
       sum(overspeed) AS overspeed,
       sumIf(qualified, terminal_id != '') AS qualified,
       sumIf(reports, terminal_id != '') AS reports,
       countIf(terminal_id != '' AND fixes > 0 AND drift > 0) AS drifting,
       sumIf(fatigue_ms, terminal_id != '') AS fatigue_ms
FROM (${rows})
GROUP BY group_key`;
}

/**
 * The tables `vehicleFactsSql` reads: the registry, and the aggregates when given the stored days, and the raw facts
 * unless every day it reads (for a platform, its roster's too) is stored.
 */
export function vehicleFactTables(
  groups: Pick<VehicleGroups, 'by'>,
  startsAt: number,
  endsAt: number,
  days?: StoredDays,
): FactTable[] {
  if (days === undefined) return ['vehicles', ...RAW_FACT_TABLES];
  const firstRead = groups.by === 'platform' ? startsAt - PLATFORM_ROSTER_DAYS * 86_400_000 : startsAt;
  const allStored = daysOf(firstRead, endsAt).every((day) => days.stored.has(day));
  return ['vehicles', 'assessment_vehicle_days', ...(allStored ? [] : RAW_FACT_TABLES)];
}

export async function vehicleFacts(
  reader: Pick<FactCache, 'query'>,
  groups: VehicleGroups,
  startsAt: number,
  endsAt: number,
  options: VehicleFactOptions,
  days?: StoredDays,
): Promise<Map<string, IndicatorCounts>> {
  const byOrg = new Map<string, IndicatorCounts>();
  if (groups.keys.length === 0) return byOrg;
  const result = await reader.query({
    sql: vehicleFactsSql(groups, startsAt, endsAt, options, days),
    rowsMax: groups.keys.length + 1,
    tables: vehicleFactTables(groups, startsAt, endsAt, days),
    endsAt,
  });
  for (const row of result.rows) {
    const [code, registered, entered, online, trackM, continuousM, overspeed, qualified, reports, drifting, fatigueMs] =
      row;
    const counts = zeroCounts();
    counts.entry_rate = { numerator: Number(entered), denominator: Number(registered) };
    counts.online_rate = { numerator: Number(online), denominator: Number(entered) };
    counts.track_completeness = { numerator: Number(continuousM) / 1000, denominator: Number(trackM) / 1000 };
    counts.avg_overspeed_count = { numerator: Number(overspeed), denominator: Number(online) };
    counts.data_qualified_rate = { numerator: Number(qualified), denominator: Number(reports) };
    counts.drift_rate = { numerator: Number(drifting), denominator: Number(online) };
    counts.avg_fatigue_minutes = { numerator: Number(fatigueMs) / 60_000, denominator: Number(online) };
    byOrg.set(String(code), counts);
  }
  return byOrg;
}
