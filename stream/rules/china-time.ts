/**
 * China Standard Time (UTC+8, no daylight saving) from epoch milliseconds without `Date`: the rules ask
 * "is it night in China" for every position, so this is plain arithmetic.
 */
export const CHINA_UTC_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** Minutes since midnight China time, 0-1439. */
export function minuteOfDayInChina(epochMs: number): number {
  const inDay = (epochMs + CHINA_UTC_OFFSET_MS) % DAY_MS;
  return Math.floor((inDay < 0 ? inDay + DAY_MS : inDay) / 60_000);
}

/**
 * Whether the China time of day falls in [fromMinute, toMinute); a window whose end is before its start
 * wraps midnight (22:00-06:00 is `1320, 360`).
 */
export function inDailyWindowChina(epochMs: number, fromMinute: number, toMinute: number): boolean {
  const minute = minuteOfDayInChina(epochMs);
  return fromMinute <= toMinute ? minute >= fromMinute && minute < toMinute : minute >= fromMinute || minute < toMinute;
}

/** Night as the speed and fatigue rules define it: 22:00-06:00 China time. */
export function isNightInChina(epochMs: number): boolean {
  return inDailyWindowChina(epochMs, 22 * 60, 6 * 60);
}

/** The hour number since the epoch (a bucket index for rolling 24 h sums); the same in every time zone. */
export function hourIndexOf(epochMs: number): number {
  return Math.floor(epochMs / 3_600_000);
}
