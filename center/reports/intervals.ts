/**
 * The intervals of a report: Beijing calendar days, weeks (Monday to Sunday) or calendar months. The period asked
 * for is widened to whole intervals, so that every point of a series covers as many days as its kind says and its
 * change against the one before compares like with like; the interval before the first is the baseline of the
 * first point's change. China has no daylight saving time: a day is always 24 h.
 */
import type { ReportInterval, ReportIntervalBounds } from '../../schema/index.js';
import { dayText, parsePeriod } from '../assessment/index.js';
import { HttpError } from '../http/router.js';

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
/** Daily points at most: a quarter. A longer period reads better by week or by month. */
export const REPORT_DAILY_POINTS_MAX = 92;

export interface ReportPeriod {
  from: string;
  to: string;
  starts_at: number;
  ends_at: number;
  intervals: ReportIntervalBounds[];
  baseline: ReportIntervalBounds;
}

/** The calendar parts of the Beijing day starting at `at`. */
function partsOf(at: number): { year: number; month: number; day: number; weekday: number } {
  const d = new Date(at + SHANGHAI_OFFSET_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth(), day: d.getUTCDate(), weekday: d.getUTCDay() };
}

/** 00:00 China time of the interval holding the instant `at`. */
export function intervalStart(interval: ReportInterval, at: number): number {
  const dayStart = Math.floor((at + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS;
  if (interval === 'day') return dayStart;
  const { year, month, weekday } = partsOf(dayStart);
  // Weeks start on Monday (getUTCDay: Sunday 0), as in the calendars bulletins use.
  if (interval === 'week') return dayStart - ((weekday + 6) % 7) * DAY_MS;
  return Date.UTC(year, month, 1) - SHANGHAI_OFFSET_MS;
}

/** 00:00 China time of the interval after the one starting at `start`. */
function nextStart(interval: ReportInterval, start: number): number {
  if (interval === 'day') return start + DAY_MS;
  if (interval === 'week') return start + 7 * DAY_MS;
  const { year, month } = partsOf(start);
  return Date.UTC(year, month + 1, 1) - SHANGHAI_OFFSET_MS;
}

function bounds(startsAt: number, endsAt: number, now: number): ReportIntervalBounds {
  return {
    from: dayText(startsAt),
    to: dayText(endsAt - DAY_MS),
    starts_at: startsAt,
    ends_at: endsAt,
    complete: endsAt <= now,
  };
}

/**
 * The period from…to (Beijing days, inclusive; refused as GET /api/assessment refuses it, naming `from` or `to`)
 * widened to whole intervals, its intervals and the baseline before them.
 */
export function reportPeriod(from: string, to: string, interval: ReportInterval, now: number): ReportPeriod {
  const asked = parsePeriod(from, to);
  if (interval === 'day' && asked.days > REPORT_DAILY_POINTS_MAX)
    throw new HttpError(
      400,
      'bad_field',
      `to: ${asked.days} daily points, more than max allowed ${REPORT_DAILY_POINTS_MAX}; ask by week or by month`,
      { field: 'to' },
    );
  const startsAt = intervalStart(interval, asked.starts_at);
  const intervals: ReportIntervalBounds[] = [];
  let at = startsAt;
  while (at < asked.ends_at) {
    const next = nextStart(interval, at);
    intervals.push(bounds(at, next, now));
    at = next;
  }
  const endsAt = at;
  const baselineStart = intervalStart(interval, startsAt - 1);
  return {
    from: dayText(startsAt),
    to: dayText(endsAt - DAY_MS),
    starts_at: startsAt,
    ends_at: endsAt,
    intervals,
    baseline: bounds(baselineStart, startsAt, now),
  };
}
