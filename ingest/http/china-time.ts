/**
 * Time text as sources in China send it. ISO-8601 (and its `YYYY/MM/DD` and space-separated cousins) without an
 * offset is China Standard Time (UTC+8, Asia/Shanghai, no daylight saving) — Chinese platforms, roadside equipment
 * and spreadsheets write local time and name no zone. An explicit `Z` or `±hh:mm` is taken as given. Nothing here
 * depends on the server's own time zone: `Date.parse` reads an ISO date-time without an offset in the server's zone
 * (and a date alone as UTC), so a node in UTC and one in Asia/Shanghai would otherwise file the same record eight
 * hours apart.
 */
import { RecordProblem } from './fields.js';

const HOUR_MS = 3_600_000;
/** China Standard Time: UTC+8 all year. */
export const CHINA_OFFSET_MS = 8 * HOUR_MS;

/**
 * `YYYY-MM-DD`, optionally `[T ]hh:mm[:ss[.f…]]`, optionally a zone (`Z`, `±hh`, `±hhmm`, `±hh:mm`); `/` may stand
 * for `-` in the date. Fractions beyond milliseconds are rounded.
 */
const ISO_LIKE =
  /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?:[Tt ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(?:([Zz])|([+-])(\d{2}):?(\d{2})?)?$/;
/** A zone a non-ISO text may carry (`… GMT+0800`, `… UTC`, `… +08:00`): only such texts are left to `Date.parse`. */
const HAS_ZONE = /\b(?:GMT|UTC)\b|[+-]\d{2}:?\d{2}\b/i;

/**
 * Epoch milliseconds of an ISO-like time text, China time when it has no offset; undefined when the text is not of
 * that shape (the caller tries its other forms). A date or time off the calendar (`2026-02-30`, `24:00`) is refused.
 */
export function isoTimeMs(text: string, field: string): number | undefined {
  const m = ISO_LIKE.exec(text);
  if (m === null) return undefined;
  const [, y, , mo, d, h = '0', mi = '0', s = '0', frac, zulu, sign, oh, om] = m;
  const offsetMs =
    zulu !== undefined
      ? 0
      : sign !== undefined
        ? (sign === '-' ? -1 : 1) * (Number(oh) * HOUR_MS + Number(om ?? '0') * 60_000)
        : CHINA_OFFSET_MS;
  const fractionMs = frac === undefined ? 0 : Math.round(Number(`0.${frac}`) * 1000);
  const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, fractionMs);
  // Date.UTC rolls 2026-02-30 over to March 2 and 24:00 over to the next day: a typo must not become a time.
  const check = new Date(wall - fractionMs);
  if (
    check.getUTCFullYear() !== +y ||
    check.getUTCMonth() !== +mo - 1 ||
    check.getUTCDate() !== +d ||
    +h > 23 ||
    +mi > 59 ||
    +s > 59 ||
    (oh !== undefined && (+oh > 14 || +(om ?? '0') > 59))
  )
    throw new RecordProblem('bad_time', `${field} ${JSON.stringify(text)} is not a date and time of the calendar`);
  return wall - offsetMs;
}

/**
 * Epoch milliseconds of any time text `parseTime` takes as text: ISO-like (above), else a form `Date.parse` knows
 * that names its zone (`Sat, 28 Nov 2026 01:30:05 GMT`). A non-ISO text without a zone is refused rather than read
 * in whatever zone the server happens to run in.
 */
export function timeTextMs(text: string, field: string): number {
  const iso = isoTimeMs(text, field);
  if (iso !== undefined) return iso;
  if (!HAS_ZONE.test(text))
    throw new RecordProblem(
      'bad_time',
      `${field} ${JSON.stringify(text)} is not a time: use ISO-8601 (China time when it has no offset) or epoch ms`,
    );
  return Date.parse(text);
}
