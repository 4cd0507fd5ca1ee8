/**
 * The interval a count covers (traffic survey stations, rail stations): its start and its length in minutes.
 * A count is only whole once its interval is over, so an interval ending ahead of the server clock (beyond the
 * allowed skew) is refused as `interval_not_over` rather than stored as a partial count that looks final.
 */
import { parseTime, RecordProblem, requiredWholeNumber, type SourceRecord } from './fields.js';

/** A day: longer intervals are summaries that belong in reports, not in the counts. */
export const INTERVAL_MINUTES_MAX = 1440;

export interface CountingInterval {
  interval_start: number;
  interval_minutes: number;
}

export function countingInterval(record: SourceRecord, nowMs: number, futureSkewMsMax: number): CountingInterval {
  const start = parseTime(record.interval_start ?? record.start, 'interval_start', nowMs, futureSkewMsMax);
  const minutes = requiredWholeNumber(
    record,
    ['interval_minutes', 'minutes'],
    1,
    INTERVAL_MINUTES_MAX,
    'missing_interval_minutes',
    'bad_interval_minutes',
  );
  const endMs = start + minutes * 60_000;
  if (endMs > nowMs + futureSkewMsMax)
    throw new RecordProblem(
      'interval_not_over',
      `the interval from ${new Date(start).toISOString()} for ${minutes} min ends ${new Date(endMs).toISOString()}, after the server clock`,
    );
  return { interval_start: start, interval_minutes: minutes };
}
