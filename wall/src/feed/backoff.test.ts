import { describe, expect, it } from 'vitest';
import { RECONNECT_DELAY_MS_MAX, RECONNECT_DELAY_MS_MIN, reconnectDelayMs } from './backoff.js';

describe('reconnectDelayMs', () => {
  it('grows exponentially from the minimum and never exceeds the cap', () => {
    expect(reconnectDelayMs(0, 0)).toBe(RECONNECT_DELAY_MS_MIN / 2);
    expect(reconnectDelayMs(0, 0.999)).toBeLessThanOrEqual(RECONNECT_DELAY_MS_MIN);
    expect(reconnectDelayMs(3, 0.999)).toBeLessThanOrEqual(RECONNECT_DELAY_MS_MIN * 8);
    for (const attempt of [10, 50, 1_000])
      expect(reconnectDelayMs(attempt, 0.999)).toBeLessThanOrEqual(RECONNECT_DELAY_MS_MAX);
    expect(reconnectDelayMs(1_000, 0)).toBe(RECONNECT_DELAY_MS_MAX / 2);
  });
});
