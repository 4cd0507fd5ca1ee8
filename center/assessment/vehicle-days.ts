/**
 * The vehicles' indicators as sums over Beijing days. A day's facts of a terminal (`vehicleDaysSql`) are what the
 * daily aggregates store (`assessment_vehicle_days`); a period's figures are sums over its days, plus the legs
 * between the last positioned fix of one day and the first of the next day of the period (a track through midnight
 * is one track inside a period that holds both days). So a period reads the stored days and computes only the days
 * not rolled up yet (today) from the raw facts, and gives the same figures as `vehicle-facts.ts` reading the raw
 * facts of the whole period.
 */
import { QUALIFIED_POSITION_SQL, type VehicleFactOptions } from './vehicle-facts.js';
import { quoteString } from '../../schema/index.js';

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const TZ = "'Asia/Shanghai'";

/** The Beijing day holding `epochMs`, as the number YYYYMMDD the aggregates are keyed by. */
export function dayNumberOf(epochMs: number): number {
  const text = new Date(epochMs + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
  return Number(text.replaceAll('-', ''));
}

/** 00:00 China time of the day YYYYMMDD, epoch ms. */
export function dayStartOf(day: number): number {
  return Date.UTC(Math.floor(day / 10_000), (Math.floor(day / 100) % 100) - 1, day % 100) - SHANGHAI_OFFSET_MS;
}

/** Every day of [startsAt, endsAt) (both Beijing midnights), in order. */
export function daysOf(startsAt: number, endsAt: number): number[] {
  const days: number[] = [];
  for (let at = startsAt; at < endsAt; at += DAY_MS) days.push(dayNumberOf(at));
  return days;
}

/** No rule at all (every configured one since removed) must still be valid SQL: it matches nothing. */
function ruleList(ids: readonly string[]): string {
  return ids.length > 0 ? ids.map(quoteString).join(', ') : "''";
}

function instant(epochMs: number): string {
  return `fromUnixTimestamp64Milli(toInt64(${Math.trunc(epochMs)}))`;
}

/**
 * The columns of a day row, in this order, in the aggregates and in what `vehicleDaysSql` computes. Types are
 * cast so that stored and computed rows can be one UNION.
 */
export const DAY_FACT_COLUMNS = [
  'day',
  'terminal_id',
  'platform',
  'fixes',
  'qualified',
  'positioned',
  'rejected',
  'track_m',
  'continuous_m',
  'first_ts',
  'first_lat',
  'first_lon',
  'last_ts',
  'last_lat',
  'last_lon',
  'overspeed',
  'drift',
  'fatigue_ms',
] as const;

/**
 * One row per Beijing day of [startsAt, endsAt) and terminal with a fact in it, from the raw facts: its positions
 * (device time), their track within the day, its frames refused at ingest (arrival time), its overspeed and drift
 * episodes (start) and the part of its fatigue episodes inside the day (an episode still open runs to the day's end,
 * or now for today). `terminals` is a subquery naming the terminals to compute, or null for all.
 */
export function vehicleDaysSql(
  startsAt: number,
  endsAt: number,
  options: VehicleFactOptions,
  terminals: string | null,
): string {
  const from = instant(startsAt);
  const to = instant(endsAt);
  const gapMs = Math.round(options.trackGapSeconds * 1000);
  const gapM = options.trackGapKm * 1000;
  const overspeed = ruleList(options.overspeedRules);
  const drift = ruleList(options.driftRules);
  const fatigue = ruleList(options.fatigueRules);
  const only = terminals === null ? '' : ` AND terminal_id IN (${terminals})`;
  const zeroTime = `toDateTime64(0, 3, ${TZ})`;
  // Placeholders of the columns a part does not compute, so that the parts are one UNION.
  const none = {
    platform: 'toUInt32(0) AS platform',
    counts: 'toUInt64(0) AS fixes, toUInt64(0) AS qualified, toUInt64(0) AS positioned',
    rejected: 'toUInt64(0) AS rejected',
    track: 'toFloat64(0) AS track_m, toFloat64(0) AS continuous_m',
    ends: `${zeroTime} AS first_ts, toFloat64(0) AS first_lat, toFloat64(0) AS first_lon, ${zeroTime} AS last_ts, toFloat64(0) AS last_lat, toFloat64(0) AS last_lon`,
    episodes: 'toUInt64(0) AS overspeed, toUInt64(0) AS drift',
    fatigue: 'toUInt64(0) AS fatigue_ms',
  };
  const positioned = 'bitTest(status_bits, 1)';
  return `
SELECT day, terminal_id,
       toUInt32(max(platform)) AS platform,
       toUInt32(sum(fixes)) AS fixes, toUInt32(sum(qualified)) AS qualified, toUInt32(sum(positioned)) AS positioned,
       toUInt32(sum(rejected)) AS rejected,
       toFloat64(sum(track_m)) AS track_m, toFloat64(sum(continuous_m)) AS continuous_m,
       maxIf(first_ts, part = 1) AS first_ts, sumIf(first_lat, part = 1) AS first_lat, sumIf(first_lon, part = 1) AS first_lon,
       maxIf(last_ts, part = 1) AS last_ts, sumIf(last_lat, part = 1) AS last_lat, sumIf(last_lon, part = 1) AS last_lon,
       toUInt32(sum(overspeed)) AS overspeed, toUInt32(sum(drift)) AS drift, toUInt64(sum(fatigue_ms)) AS fatigue_ms
FROM (
  -- Positions: counts, the day's first and last positioned fix, and the lower platform of its last forwarded one.
  SELECT toYYYYMMDD(ts, ${TZ}) AS day, terminal_id, toUInt8(1) AS part,
         toUInt32(argMaxIf(JSONExtractUInt(extras, 'platform'), ts, source = 'jt809')) AS platform,
         count() AS fixes, countIf(${QUALIFIED_POSITION_SQL}) AS qualified, countIf(${positioned}) AS positioned,
         ${none.rejected}, ${none.track},
         minIf(ts, ${positioned}) AS first_ts, argMinIf(lat, ts, ${positioned}) AS first_lat,
         argMinIf(lon, ts, ${positioned}) AS first_lon,
         maxIf(ts, ${positioned}) AS last_ts, argMaxIf(lat, ts, ${positioned}) AS last_lat,
         argMaxIf(lon, ts, ${positioned}) AS last_lon,
         ${none.episodes}, ${none.fatigue}
  FROM telemetry FINAL
  WHERE ts >= ${from} AND ts < ${to}${only}
  GROUP BY day, terminal_id
  UNION ALL
  -- The track within the day: each leg between consecutive positioned fixes, a break when long in time and distance.
  SELECT day, terminal_id, toUInt8(2) AS part, ${none.platform}, ${none.counts}, ${none.rejected},
         sum(seg_m) AS track_m, sum(if(dt_ms > ${gapMs} AND seg_m > ${gapM}, 0, seg_m)) AS continuous_m,
         ${none.ends}, ${none.episodes}, ${none.fatigue}
  FROM (
    SELECT toYYYYMMDD(ts, ${TZ}) AS day, terminal_id,
           row_number() OVER w AS rn,
           toFloat64(geoDistance(lagInFrame(lon) OVER w, lagInFrame(lat) OVER w, lon, lat)) AS seg_m,
           toUnixTimestamp64Milli(ts) - toUnixTimestamp64Milli(lagInFrame(ts) OVER w) AS dt_ms
    FROM telemetry FINAL
    WHERE ts >= ${from} AND ts < ${to} AND ${positioned}${only}
    WINDOW w AS (PARTITION BY terminal_id, toYYYYMMDD(ts, ${TZ}) ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
  )
  WHERE rn > 1
  GROUP BY day, terminal_id
  UNION ALL
  -- Frames of the terminal refused at ingest, on the day they arrived.
  SELECT toYYYYMMDD(received_at, ${TZ}) AS day, terminal_id, toUInt8(3) AS part, ${none.platform}, ${none.counts},
         count() AS rejected, ${none.track}, ${none.ends}, ${none.episodes}, ${none.fatigue}
  FROM ingest_rejects
  WHERE received_at >= ${from} AND received_at < ${to} AND terminal_id != ''${only}
  GROUP BY day, terminal_id
  UNION ALL
  -- Overspeed and drift episodes, on the day they started.
  SELECT toYYYYMMDD(started_at, ${TZ}) AS day, terminal_id, toUInt8(4) AS part, ${none.platform}, ${none.counts},
         ${none.rejected}, ${none.track}, ${none.ends},
         countIf(rule IN (${overspeed})) AS overspeed, countIf(rule IN (${drift})) AS drift, ${none.fatigue}
  FROM alarms FINAL
  WHERE rule IN (${overspeed}, ${drift}) AND started_at >= ${from} AND started_at < ${to}${only}
  GROUP BY day, terminal_id
  UNION ALL
  -- Fatigue episodes, cut at each midnight: the milliseconds of each day they cover.
  SELECT toYYYYMMDD(toDate('1970-01-01') + day_index) AS day, terminal_id, toUInt8(5) AS part, ${none.platform},
         ${none.counts}, ${none.rejected}, ${none.track}, ${none.ends}, ${none.episodes},
         toUInt64(sum(least(end_ms, day_index * ${DAY_MS} - ${SHANGHAI_OFFSET_MS} + ${DAY_MS})
                      - greatest(start_ms, day_index * ${DAY_MS} - ${SHANGHAI_OFFSET_MS}))) AS fatigue_ms
  FROM (
    SELECT terminal_id,
           toUnixTimestamp64Milli(greatest(started_at, ${from})) AS start_ms,
           toUnixTimestamp64Milli(least(coalesce(ended_at, least(${to}, now64(3))), ${to})) AS end_ms
    FROM alarms FINAL
    WHERE rule IN (${fatigue}) AND started_at < ${to} AND (ended_at IS NULL OR ended_at > ${from})${only}
  )
  ARRAY JOIN range(toUInt32(intDiv(start_ms + ${SHANGHAI_OFFSET_MS}, ${DAY_MS})),
                   toUInt32(intDiv(greatest(end_ms, start_ms + 1) - 1 + ${SHANGHAI_OFFSET_MS}, ${DAY_MS}) + 1)) AS day_index
  WHERE end_ms > start_ms
  GROUP BY day, terminal_id
)
GROUP BY day, terminal_id`;
}

/**
 * The day rows of a period: the stored generation of each rolled-up day (`stored`: day → rolled_at, epoch ms),
 * and the other days computed from the raw facts, one contiguous run of days at a time.
 */
export function periodDaysSql(
  startsAt: number,
  endsAt: number,
  stored: ReadonlyMap<number, number>,
  options: VehicleFactOptions,
  terminals: string | null,
): string {
  const parts: string[] = [];
  const only = terminals === null ? '' : ` AND terminal_id IN (${terminals})`;
  // Only the stored days of this period: the map may hold more (a platform's roster reaches back before it).
  const inPeriod = new Set(daysOf(startsAt, endsAt));
  const generations = [...stored].filter(([day]) => inPeriod.has(day));
  if (generations.length > 0)
    parts.push(
      `SELECT ${DAY_FACT_COLUMNS.join(', ')} FROM assessment_vehicle_days
       WHERE day IN (${generations.map(([day]) => day).join(', ')})
         AND (day, toUnixTimestamp64Milli(rolled_at)) IN (${generations.map(([day, at]) => `(${day}, ${Math.trunc(at)})`).join(', ')})${only}`,
    );
  let runStart: number | null = null;
  for (let at = startsAt; at <= endsAt; at += DAY_MS) {
    const rolled = at === endsAt || stored.has(dayNumberOf(at));
    if (!rolled && runStart === null) runStart = at;
    if (rolled && runStart !== null) {
      parts.push(vehicleDaysSql(runStart, at, options, terminals));
      runStart = null;
    }
  }
  return parts.map((part) => `(${part})`).join('\nUNION ALL\n');
}

/**
 * Per terminal over a period's day rows: the sums, plus the legs from each day's first positioned fix back to the
 * last positioned fix of the latest earlier day of the period, and the lower platforms that forwarded its fixes.
 */
export function terminalsOverDaysSql(days: string, options: VehicleFactOptions): string {
  const gapMs = Math.round(options.trackGapSeconds * 1000);
  const gapM = options.trackGapKm * 1000;
  return `
SELECT terminal_id AS tkey, sum(fixes) AS fixes, sum(qualified) AS qualified, sum(rejected) AS rejected,
       sum(track_m) + sum(cross_m) AS track_m,
       sum(continuous_m) + sum(if(cross_dt_ms > ${gapMs} AND cross_m > ${gapM}, 0, cross_m)) AS continuous_m,
       sum(overspeed) AS overspeed, sum(drift) AS drift, sum(fatigue_ms) AS fatigue_ms,
       groupUniqArrayIf(platform, platform != 0) AS platforms
FROM (
  SELECT *,
         if(positioned > 0 AND previous_day > 0,
            toFloat64(geoDistance(previous_lon, previous_lat, first_lon, first_lat)), 0) AS cross_m,
         toUnixTimestamp64Milli(first_ts) - toUnixTimestamp64Milli(previous_ts) AS cross_dt_ms
  FROM (
    SELECT *,
           maxIf(day, positioned > 0) OVER earlier AS previous_day,
           argMaxIf(last_lon, day, positioned > 0) OVER earlier AS previous_lon,
           argMaxIf(last_lat, day, positioned > 0) OVER earlier AS previous_lat,
           argMaxIf(last_ts, day, positioned > 0) OVER earlier AS previous_ts
    FROM (${days})
    WINDOW earlier AS (PARTITION BY terminal_id ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
  )
)
GROUP BY terminal_id`;
}
