/**
 * Times on the wall are China Standard Time whatever the kiosk's own time zone is set to. China has kept UTC+8
 * without daylight saving since 1991, so a fixed offset is exact and avoids depending on the kiosk's ICU data.
 */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** `HH:mm:ss` in Asia/Shanghai. */
export function shanghaiClock(epochMs: number): string {
  const date = new Date(epochMs + SHANGHAI_OFFSET_MS);
  return `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}`;
}

/** `YYYY-MM-DD` in Asia/Shanghai. */
export function shanghaiDate(epochMs: number): string {
  const date = new Date(epochMs + SHANGHAI_OFFSET_MS);
  return `${date.getUTCFullYear()}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`;
}

/** Day number (days since the epoch) of the Shanghai calendar day holding `epochMs`; "today" means equal keys. */
export function shanghaiDayKey(epochMs: number): number {
  return Math.floor((epochMs + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** Hour of the Shanghai day, 0-23. */
export function shanghaiHour(epochMs: number): number {
  return Math.floor(((((epochMs + SHANGHAI_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
}

/** Weekday index in Shanghai, 0 = Sunday. */
export function shanghaiWeekday(epochMs: number): number {
  return new Date(epochMs + SHANGHAI_OFFSET_MS).getUTCDay();
}
