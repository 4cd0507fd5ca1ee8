/**
 * The assessment period: Beijing calendar days `from`…`to` (inclusive), i.e. the instants from 00:00 China Standard
 * Time of `from` up to, not including, 00:00 of the day after `to`. China has no daylight saving time, so a day is
 * always 24 h and the bounds are plain arithmetic on epoch milliseconds.
 */
import type { AssessmentPeriod } from '../../schema/index.js';
import { HttpError } from '../http/router.js';

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
/** A leap year: a full year always fits, and one query cannot ask for years of raw telemetry. */
export const PERIOD_DAYS_MAX = 366;
export const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

function bad(field: string, detail: string): HttpError {
  return new HttpError(400, 'bad_field', `${field}: ${detail}`, { field });
}

/** Midnight (China time) starting the calendar day `text`, or an error naming `field` when it is no real day. */
function dayStart(field: string, text: string): number {
  if (!DAY_PATTERN.test(text)) throw bad(field, `value ${JSON.stringify(text.slice(0, 40))} is not a day YYYY-MM-DD`);
  const [year, month, day] = text.split('-').map(Number);
  const utc = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 2026-02-30 over to March: a day that does not come back unchanged does not exist.
  if (new Date(utc).toISOString().slice(0, 10) !== text || year < 2000)
    throw bad(field, `${text} is not a calendar day from 2000 on`);
  return utc - SHANGHAI_OFFSET_MS;
}

export function dayText(epochMs: number): string {
  return new Date(epochMs + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

export function parsePeriod(from: string, to: string): AssessmentPeriod {
  const startsAt = dayStart('from', from);
  const lastStart = dayStart('to', to);
  if (lastStart < startsAt) throw bad('to', `${to} is before from (${from})`);
  const days = Math.round((lastStart - startsAt) / DAY_MS) + 1;
  if (days > PERIOD_DAYS_MAX) throw bad('to', `the period is ${days} days, more than max allowed ${PERIOD_DAYS_MAX}`);
  return { from, to, days, starts_at: startsAt, ends_at: lastStart + DAY_MS, time_zone: 'Asia/Shanghai' };
}
