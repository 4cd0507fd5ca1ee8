/**
 * Pulls a bus operator's GTFS-Realtime feed from its URL every few seconds, which is how agencies publish it, and
 * hands each fetch to the HTTP ingestion as if the operator had posted it with its `gtfs_rt` source key: the same
 * per-entity verdicts, scope, deduplication (a feed unchanged since the last fetch adds nothing), rate and key
 * accounting, and a revoked key stops the writes at once. A failed fetch or a refused feed is logged with its reason
 * and counted; the next tick tries again. Ticks never overlap: the next is scheduled when one ends.
 */
import type { Logger, Metrics } from '../../schema/index.js';
import type { IngestRequest, IngestResponse } from './http-ingest.js';

export interface GtfsRtPollOptions {
  url: string;
  /** The `gtfs_rt` source key the feed is ingested with (its org unit scopes the buses). */
  key: string;
  intervalMs: number;
}

/** The interval bounds, in seconds: feeds refresh every 10-30 s; faster is load, slower is a stale map. */
export const GTFS_RT_POLL_INTERVAL_S = { min: 5, max: 3_600, default: 15 } as const;

export interface GtfsRtPollerDeps {
  ingest: { handle(request: IngestRequest): Promise<IngestResponse> };
  logger: Logger;
  metrics: Metrics;
  fetch?: typeof fetch;
}

/** Fails on options that cannot work, naming the option, its value and the bound. */
export function checkGtfsRtPollOptions(options: GtfsRtPollOptions): void {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new Error(`gtfs-rt poll option url value ${JSON.stringify(options.url)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`gtfs-rt poll option url value ${JSON.stringify(options.url)} is not http or https`);
  if (options.key.trim() === '') throw new Error('gtfs-rt poll option key value "" is empty: a gtfs_rt source key');
  const { min, max } = GTFS_RT_POLL_INTERVAL_S;
  if (!Number.isInteger(options.intervalMs) || options.intervalMs < min * 1000 || options.intervalMs > max * 1000)
    throw new Error(
      `gtfs-rt poll option intervalMs value ${options.intervalMs} is outside [${min * 1000}, ${max * 1000}]`,
    );
}

export type PollOutcome = 'ingested' | 'fetch_failed' | 'refused';

export class GtfsRtPoller {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running: Promise<unknown> = Promise.resolve();
  private readonly fetch: typeof fetch;

  constructor(
    private readonly options: GtfsRtPollOptions,
    private readonly deps: GtfsRtPollerDeps,
  ) {
    checkGtfsRtPollOptions(options);
    this.fetch = deps.fetch ?? fetch;
  }

  /** Fetches at once, then every interval; started again after `stop`, it resumes (a cluster's jobs move). */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.running;
  }

  /** One fetch and its ingestion. */
  async pollOnce(): Promise<PollOutcome> {
    const outcome = await this.fetchAndIngest();
    this.deps.metrics
      .counter('vigil_gtfs_rt_polls_total', 'GTFS-Realtime feed fetches by outcome', ['outcome'])
      .inc({ outcome });
    return outcome;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pollOnce()
        .catch((error: unknown) => {
          this.deps.logger.error('gtfs-rt poll failed', { url: this.options.url, error: (error as Error).message });
        })
        .finally(() => this.schedule(this.options.intervalMs));
    }, delayMs);
  }

  private async fetchAndIngest(): Promise<PollOutcome> {
    const { url } = this.options;
    let body: Buffer;
    try {
      // A fetch may take at most one interval, so a hung server never stacks up ticks.
      const response = await this.fetch(url, { signal: AbortSignal.timeout(this.options.intervalMs) });
      if (!response.ok) {
        this.deps.logger.warn('gtfs-rt feed fetch refused', { url, status: response.status });
        return 'fetch_failed';
      }
      body = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      this.deps.logger.warn('gtfs-rt feed fetch failed', { url, error: (error as Error).message });
      return 'fetch_failed';
    }
    const answer = await this.deps.ingest.handle({
      kind: 'gtfs_rt',
      authorization: `Bearer ${this.options.key}`,
      // What agencies serve it as varies (octet-stream, x-protobuf, none): a fetched feed is the binary form.
      contentType: 'application/x-protobuf',
      body,
      peer: `poll:${url}`,
    });
    if (answer.status !== 200) {
      this.deps.logger.error('gtfs-rt feed refused', { url, status: answer.status, ...answer.body });
      return 'refused';
    }
    const result = answer.body as { accepted: number; duplicates: number; rejected: unknown[] };
    this.deps.logger.debug('gtfs-rt feed ingested', {
      url,
      accepted: result.accepted,
      duplicates: result.duplicates,
      rejected: result.rejected.length,
    });
    return 'ingested';
  }
}
