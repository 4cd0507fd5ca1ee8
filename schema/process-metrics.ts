/**
 * The process's own health in the series every Node.js dashboard knows (`process_cpu_seconds_total`,
 * `process_resident_memory_bytes`, `process_open_fds`, `nodejs_heap_size_used_bytes`, `nodejs_eventloop_lag_*`,
 * `nodejs_gc_duration_seconds`, …), collected by prom-client rather than by hand, and served beside Vigil's own
 * `vigil_*` series on `/metrics`.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Metrics } from './observability.js';

/** Event-loop delay is sampled at this resolution; finer costs CPU on the hot path for no operator benefit. */
const EVENT_LOOP_MONITORING_PRECISION_MS = 20;

/** Adds the process metrics to a registry's scrape. Call once per process: the collectors are global. */
export function addProcessMetrics(metrics: Metrics): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_MONITORING_PRECISION_MS });
  metrics.addExternal(() => registry.metrics());
}
