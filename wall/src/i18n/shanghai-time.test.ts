import { describe, expect, it } from 'vitest';
import { shanghaiClock, shanghaiDayKey, shanghaiHour } from './shanghai-time.js';

describe('Shanghai time', () => {
  it('formats and buckets in UTC+8 whatever the machine zone', () => {
    const justBeforeMidnight = Date.UTC(2026, 0, 1, 15, 59, 59);
    expect(shanghaiClock(justBeforeMidnight)).toBe('23:59:59');
    expect(shanghaiHour(justBeforeMidnight)).toBe(23);
    expect(shanghaiDayKey(justBeforeMidnight + 1_000)).toBe(shanghaiDayKey(justBeforeMidnight) + 1);
    expect(shanghaiClock(justBeforeMidnight + 1_000)).toBe('00:00:00');
  });
});
