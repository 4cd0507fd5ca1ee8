/**
 * The vehicles' indicators from ClickHouse: entry_rate, online_rate, track_completeness and avg_overspeed_count, per
 * home unit of the registry (`vehicles` as mirrored, latest copy) or per enterprise. A vehicle counts where it is
 * registered, not where it drove, so a city answers for its own fleet wherever that fleet was. One query joins the
 * mirrored registry with per-terminal figures of the period and groups: one row per unit or enterprise comes back.
 */
import type { Analytics } from '../../store/index.js';
import { CONFIG_DEFAULTS } from '../config/center-config.js';
import { zeroCounts, type IndicatorCounts } from './indicators.js';

export interface VehicleFactOptions {
  /** Two consecutive fixes further apart than this in time … */
  trackGapSeconds: number;
  /** … and than this in distance leave a break in the track (断点): the distance between them is not continuous. */
  trackGapKm: number;
  /** Rule ids whose alarm episodes count as overspeed. */
  overspeedRules: readonly string[];
}

/** The configuration's defaults (`assessment`), for a reader without the configuration. */
export const VEHICLE_FACT_DEFAULTS: VehicleFactOptions = {
  trackGapSeconds: CONFIG_DEFAULTS.assessment.track_gap_seconds,
  trackGapKm: CONFIG_DEFAULTS.assessment.track_gap_km,
  overspeedRules: CONFIG_DEFAULTS.assessment.overspeed_rules,
};

function literal(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * Whose vehicles: those registered in some units (grouped by home unit), or those operated by some enterprises
 * (grouped by enterprise: the centres' binding, else the registry's, as mirrored).
 */
export interface VehicleGroups {
  by: 'home_org_code' | 'enterprise_id';
  keys: readonly string[];
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
  const codes = groups.keys.map(literal).join(', ');
  const from = `fromUnixTimestamp64Milli(toInt64(${Math.trunc(startsAt)}))`;
  const to = `fromUnixTimestamp64Milli(toInt64(${Math.trunc(endsAt)}))`;
  const gapMs = Math.round(options.trackGapSeconds * 1000);
  const gapM = options.trackGapKm * 1000;
  // No rule at all (every configured one since removed) must still be valid SQL: it matches nothing.
  const rules = options.overspeedRules.length > 0 ? options.overspeedRules.map(literal).join(', ') : "''";
  // Only the scope's terminals are read from the period's telemetry and alarms.
  const terminals = `SELECT terminal_id FROM vehicles FINAL WHERE ${column} IN (${codes}) AND terminal_id != ''`;
  return `
SELECT v.plate AS plate, v.plate_color AS plate_color, v.terminal_id AS terminal_id,
       v.home_org_code AS home_org_code, v.enterprise_id AS enterprise_id,
       t.fixes AS fixes, t.track_m AS track_m, t.continuous_m AS continuous_m, a.overspeed AS overspeed
FROM (
  -- A vehicle without a terminal gets a key no telemetry has (terminal ids are digits).
  SELECT plate, plate_color, terminal_id, home_org_code, enterprise_id,
         if(terminal_id = '', concat('-', plate, '-', toString(plate_color)), terminal_id) AS tkey
  FROM vehicles FINAL WHERE ${column} IN (${codes})
) AS v
LEFT JOIN (
  SELECT terminal_id AS tkey, sum(n) AS fixes, sum(seg_m) AS track_m, sum(ok_m) AS continuous_m
  FROM (
    SELECT terminal_id, count() AS n, toFloat64(0) AS seg_m, toFloat64(0) AS ok_m
    FROM telemetry FINAL
    WHERE ts >= ${from} AND ts < ${to} AND terminal_id IN (${terminals})
    GROUP BY terminal_id
    UNION ALL
    SELECT terminal_id, toUInt64(0) AS n, seg_m, if(dt_ms > ${gapMs} AND seg_m > ${gapM}, 0, seg_m) AS ok_m
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
  SELECT terminal_id AS tkey, count() AS overspeed
  FROM alarms FINAL
  WHERE rule IN (${rules}) AND started_at >= ${from} AND started_at < ${to} AND terminal_id IN (${terminals})
  GROUP BY terminal_id
) AS a ON a.tkey = v.tkey`;
}

/** The figures per group: sums over `vehicleRowsSql`; exported so that docs and tests can show exactly what is computed. */
export function vehicleFactsSql(
  groups: VehicleGroups,
  startsAt: number,
  endsAt: number,
  options: VehicleFactOptions,
): string {
  return `
SELECT ${groups.by} AS group_key,
       count() AS registered,
       countIf(terminal_id != '') AS entered,
       countIf(terminal_id != '' AND fixes > 0) AS online,
       sum(track_m) AS track_m,
       sum(continuous_m) AS continuous_m,
       sum(overspeed) AS overspeed
FROM (${vehicleRowsSql(groups, startsAt, endsAt, options)})
GROUP BY group_key`;
}

export async function vehicleFacts(
  analytics: Pick<Analytics, 'queryInternal'>,
  groups: VehicleGroups,
  startsAt: number,
  endsAt: number,
  options: VehicleFactOptions,
): Promise<Map<string, IndicatorCounts>> {
  const byOrg = new Map<string, IndicatorCounts>();
  if (groups.keys.length === 0) return byOrg;
  const result = await analytics.queryInternal(vehicleFactsSql(groups, startsAt, endsAt, options), {
    rowsMax: groups.keys.length + 1,
  });
  for (const row of result.rows) {
    const [code, registered, entered, online, trackM, continuousM, overspeed] = row;
    const counts = zeroCounts();
    counts.entry_rate = { numerator: Number(entered), denominator: Number(registered) };
    counts.online_rate = { numerator: Number(online), denominator: Number(entered) };
    counts.track_completeness = { numerator: Number(continuousM) / 1000, denominator: Number(trackM) / 1000 };
    counts.avg_overspeed_count = { numerator: Number(overspeed), denominator: Number(online) };
    byOrg.set(String(code), counts);
  }
  return byOrg;
}
