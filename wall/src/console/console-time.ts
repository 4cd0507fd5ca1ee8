/**
 * Times as the console shows them: always China Standard Time (UTC+8, no daylight saving) whatever the
 * workstation's own zone, durations and deadlines as words ("2小时5分", "超期 1小时"), and the date-time inputs
 * read as China time too.
 */
import type { Lang } from '../i18n/locale.js';
import { shanghaiClock, shanghaiDate } from '../i18n/shanghai-time.js';

const CHINA_OFFSET_MS = 8 * 3_600_000;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** `MM-DD HH:mm:ss` in China time; the year too when it is not the current one. */
export function chinaDateTime(epochMs: number, nowMs: number = Date.now()): string {
  const date = shanghaiDate(epochMs);
  const sameYear = date.slice(0, 4) === shanghaiDate(nowMs).slice(0, 4);
  return `${sameYear ? date.slice(5) : date} ${shanghaiClock(epochMs)}`;
}

/** `YYYY-MM-DD HH:mm:ss` in China time. */
export function chinaFullDateTime(epochMs: number): string {
  return `${shanghaiDate(epochMs)} ${shanghaiClock(epochMs)}`;
}

/** `HH:mm` in China time. */
export function chinaHourMinute(epochMs: number): string {
  return shanghaiClock(epochMs).slice(0, 5);
}

/** A duration in the two largest units: 3天2小时, 2小时5分, 4分12秒, 9秒 (en: 3 d 2 h, 2 h 5 min …). */
export function durationText(ms: number, lang: Lang): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const [d, h, m, s] = [
    Math.floor(total / 86_400),
    Math.floor((total % 86_400) / 3_600),
    Math.floor((total % 3_600) / 60),
    total % 60,
  ];
  const units =
    lang === 'zh'
      ? [
          [d, '天'],
          [h, '小时'],
          [m, '分'],
          [s, '秒'],
        ]
      : [
          [d, ' d'],
          [h, ' h'],
          [m, ' min'],
          [s, ' s'],
        ];
  const first = units.findIndex(([value]) => value !== 0);
  if (first === -1) return lang === 'zh' ? '0秒' : '0 s';
  const parts = units.slice(first, first + 2).filter(([value]) => value !== 0);
  return parts.map(([value, unit]) => `${value}${unit}`).join(lang === 'zh' ? '' : ' ');
}

/** Minutes-resolution duration for deadlines far away (no seconds beyond an hour). */
export function coarseDurationText(ms: number, lang: Lang): string {
  return durationText(ms >= HOUR_MS ? Math.floor(ms / MINUTE_MS) * MINUTE_MS : ms, lang);
}

/** The value of an `<input type="datetime-local">` showing `epochMs` in China time. */
export function chinaInputValue(epochMs: number): string {
  const iso = new Date(epochMs + CHINA_OFFSET_MS).toISOString();
  return iso.slice(0, 16);
}

/** Epoch ms of an `<input type="datetime-local">` value read as China time; null when it is not one. */
export function parseChinaInput(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number);
  const utc = Date.UTC(year, month - 1, day, hour, minute);
  return Number.isFinite(utc) ? utc - CHINA_OFFSET_MS : null;
}

/** A Beijing calendar day, YYYY-MM-DD, `daysAgo` days before the one holding `nowMs`. */
export function chinaDay(nowMs: number, daysAgo = 0): string {
  return new Date(nowMs + CHINA_OFFSET_MS - daysAgo * DAY_MS).toISOString().slice(0, 10);
}

/** Start of the China calendar day holding `epochMs`. */
export function chinaDayStart(epochMs: number): number {
  return Math.floor((epochMs + CHINA_OFFSET_MS) / DAY_MS) * DAY_MS - CHINA_OFFSET_MS;
}
