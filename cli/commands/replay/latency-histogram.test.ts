import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './latency-histogram.js';

describe('LatencyHistogram', () => {
  it('gives percentiles within its 2 % bucket width', () => {
    const h = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) h.record(ms);
    expect(h.count).toBe(1000);
    for (const [q, exact] of [
      [0.5, 500],
      [0.9, 900],
      [0.99, 990],
    ] as const) {
      const got = h.quantile(q);
      expect(got).toBeGreaterThanOrEqual(exact);
      expect(got).toBeLessThanOrEqual(exact * 1.021);
    }
    expect(h.quantile(1)).toBe(1000);
  });

  it('is 0 when empty and keeps the maximum exactly', () => {
    const h = new LatencyHistogram();
    expect(h.quantile(0.5)).toBe(0);
    h.record(0.001);
    h.record(123.456);
    expect(h.maxMs).toBe(123.456);
    expect(h.quantile(0.5)).toBeLessThanOrEqual(0.01);
  });
});
