import { describe, expect, it } from 'vitest';
import { MetricConflictError, Metrics } from './observability.js';
import { addProcessMetrics } from './process-metrics.js';

describe('Metrics registry', () => {
  it('returns the same metric for the same name, type and labels', () => {
    const metrics = new Metrics();
    const a = metrics.counter('vigil_x_total', 'x', ['reason']);
    a.inc({ reason: 'r' });
    expect(metrics.counter('vigil_x_total', '', ['reason'])).toBe(a);
    expect(metrics.render()).toContain('vigil_x_total{reason="r"} 1');
  });

  it('refuses a name reused with another type', () => {
    const metrics = new Metrics();
    metrics.gauge('vigil_y', 'y');
    expect(() => metrics.counter('vigil_y', 'y')).toThrow(MetricConflictError);
    expect(() => metrics.histogram('vigil_y', 'y')).toThrow(/vigil_y is a gauge, asked for as a histogram/);
  });

  it('refuses a name reused with other label names', () => {
    const metrics = new Metrics();
    metrics.counter('vigil_z_total', 'z', ['a']);
    expect(() => metrics.counter('vigil_z_total', 'z', ['b'])).toThrow(/has labels \[a\], asked for with \[b\]/);
    expect(() => metrics.counter('vigil_z_total', 'z')).toThrow(MetricConflictError);
  });

  it('serves the process metrics beside its own series', async () => {
    const metrics = new Metrics();
    metrics.counter('vigil_w_total', 'w').inc();
    addProcessMetrics(metrics);
    const text = await metrics.renderAll();
    expect(text).toContain('vigil_w_total 1');
    for (const series of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'process_open_fds',
      'process_max_fds',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_gc_duration_seconds',
    ]) {
      expect(text, series).toMatch(new RegExp(`^# TYPE ${series} `, 'm'));
    }
  });
});
