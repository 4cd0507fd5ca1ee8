/**
 * Metrics in the Prometheus text format and structured logs, shared by every folder. Kept dependency-free so
 * the lowest layer can own it: a metric's name and labels are part of the operator-facing schema.
 */

type Labels = Record<string, string>;

interface Series {
  labels: Labels;
  value: number;
}

abstract class Metric {
  protected readonly series = new Map<string, Series>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    readonly type: 'counter' | 'gauge' | 'histogram',
  ) {}

  protected entry(labels: Labels = {}): Series {
    const key = this.labelNames.map((n) => labels[n] ?? '').join('\u0000');
    let s = this.series.get(key);
    if (!s) {
      s = { labels: { ...labels }, value: 0 };
      this.series.set(key, s);
    }
    return s;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const s of this.series.values()) lines.push(`${this.name}${formatLabels(s.labels)} ${s.value}`);
    return lines;
  }
}

export class Counter extends Metric {
  inc(labels?: Labels, by = 1): void {
    this.entry(labels).value += by;
  }
  get(labels?: Labels): number {
    return this.entry(labels).value;
  }
}

export class Gauge extends Metric {
  set(labels: Labels | undefined, value: number): void {
    this.entry(labels).value = value;
  }
  get(labels?: Labels): number {
    return this.entry(labels).value;
  }
}

const DEFAULT_BUCKETS_SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Histogram extends Metric {
  private readonly buckets = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    readonly bounds = DEFAULT_BUCKETS_SECONDS,
  ) {
    super(name, help, labelNames, 'histogram');
  }

  observe(labels: Labels | undefined, value: number): void {
    const key = this.labelNames.map((n) => labels?.[n] ?? '').join('\u0000');
    let h = this.buckets.get(key);
    if (!h) {
      h = { labels: { ...labels }, counts: this.bounds.map(() => 0), sum: 0, count: 0 };
      this.buckets.set(key, h);
    }
    for (let i = 0; i < this.bounds.length; i++) if (value <= this.bounds[i]) h.counts[i]++;
    h.sum += value;
    h.count++;
  }

  override render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const h of this.buckets.values()) {
      this.bounds.forEach((bound, i) =>
        lines.push(`${this.name}_bucket${formatLabels({ ...h.labels, le: String(bound) })} ${h.counts[i]}`),
      );
      lines.push(`${this.name}_bucket${formatLabels({ ...h.labels, le: '+Inf' })} ${h.count}`);
      lines.push(`${this.name}_sum${formatLabels(h.labels)} ${h.sum}`);
      lines.push(`${this.name}_count${formatLabels(h.labels)} ${h.count}`);
    }
    return lines;
  }
}

function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

/** Thrown when a metric name is asked for again with another type or other labels: a programming error. */
export class MetricConflictError extends Error {}

/**
 * A registry: asking twice for the same name returns the same metric, provided the type and label names agree;
 * a name reused with another type or other labels is refused, since Prometheus would read the two as one series.
 */
export class Metrics {
  private readonly metrics = new Map<string, Metric>();
  private readonly collectors: (() => void)[] = [];
  private readonly externalSources: (() => Promise<string>)[] = [];

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.getOrCreate(name, 'counter', labelNames, Counter, () => new Counter(name, help, labelNames, 'counter'));
  }
  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.getOrCreate(name, 'gauge', labelNames, Gauge, () => new Gauge(name, help, labelNames, 'gauge'));
  }
  histogram(name: string, help: string, labelNames: readonly string[] = [], bounds?: number[]): Histogram {
    return this.getOrCreate(
      name,
      'histogram',
      labelNames,
      Histogram,
      () => new Histogram(name, help, labelNames, bounds),
    );
  }
  /**
   * Adds text in the Prometheus format made elsewhere (the process metrics of `process-metrics.ts`) to what
   * `renderAll` returns.
   */
  addExternal(render: () => Promise<string>): void {
    this.externalSources.push(render);
  }
  /** Runs before each scrape, to refresh gauges that are cheaper to read than to track. */
  onCollect(collect: () => void): void {
    this.collectors.push(collect);
  }

  private getOrCreate<M extends Metric>(
    name: string,
    type: Metric['type'],
    labelNames: readonly string[],
    kind: abstract new (...args: never[]) => M,
    create: () => M,
  ): M {
    const existing = this.metrics.get(name);
    if (existing) {
      if (!(existing instanceof kind) || existing.type !== type) {
        throw new MetricConflictError(`metric ${name} is a ${existing.type}, asked for as a ${type}`);
      }
      if (existing.labelNames.join(',') !== labelNames.join(',')) {
        throw new MetricConflictError(
          `metric ${name} has labels [${existing.labelNames.join(', ')}], asked for with [${labelNames.join(', ')}]`,
        );
      }
      return existing;
    }
    const metric = create();
    this.metrics.set(name, metric);
    return metric;
  }

  /** Vigil's own series (synchronous, for tests and benchmarks that read one value). */
  render(): string {
    for (const collect of this.collectors) collect();
    return [...this.metrics.values()].flatMap((m) => m.render()).join('\n') + '\n';
  }

  /** Everything a scrape of `/metrics` gets: Vigil's series, then the external sources'. */
  async renderAll(): Promise<string> {
    const external = await Promise.all(this.externalSources.map((render) => render()));
    return [this.render(), ...external].join('');
  }
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/** One JSON object per line on the given stream, ready for any log shipper. */
export function createLogger(
  write: (line: string) => void,
  minimum: LogLevel = 'info',
  base: Record<string, unknown> = {},
): Logger {
  const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    if (LEVEL_ORDER[level] < LEVEL_ORDER[minimum]) return;
    write(JSON.stringify({ time: new Date().toISOString(), level, message, ...base, ...fields }) + '\n');
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(write, minimum, { ...base, ...fields }),
  };
}

export const silentLogger: Logger = createLogger(() => undefined, 'error');
