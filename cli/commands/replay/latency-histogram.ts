/**
 * Latency percentiles in constant memory: logarithmic buckets 2 % wide from 10 µs to ~30 minutes, so a
 * replay of millions of frames keeps ~1,000 counters instead of every sample.
 */
const LOWEST_MS = 0.01;
const GROWTH = 1.02;
const BUCKETS = 1000;
const LOG_GROWTH = Math.log(GROWTH);

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  count = 0;
  maxMs = 0;

  record(ms: number): void {
    const index = ms <= LOWEST_MS ? 0 : Math.min(BUCKETS - 1, Math.floor(Math.log(ms / LOWEST_MS) / LOG_GROWTH) + 1);
    this.counts[index]++;
    this.count++;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  /** Upper bound of the bucket holding the q-quantile (0 < q ≤ 1), ms; 0 when empty. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(this.maxMs, LOWEST_MS * GROWTH ** i);
    }
    return this.maxMs;
  }
}
