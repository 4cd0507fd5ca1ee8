/**
 * Moves one topic into one ClickHouse table: polls the log in batches bounded by size and time, inserts each
 * batch with a deduplication token made of its offsets, then commits. A crash between insert and commit
 * replays the same offsets as the same token, which ClickHouse drops as a duplicate block: exactly-once rows
 * from at-least-once delivery.
 *
 * Several full batches may be inserting at once (each on a writer session of its own, see `store/row-writer.ts`),
 * so a backlog is read and sent while the previous batch is still being written. A partial batch is gathered
 * while an insert is in flight and sent once that insert is committed (group commit): under a steady load every
 * row waits for at most one insert before its own, and the table gets one part per insert time. A sink without
 * a linger (alarms) waits for nothing: it sends each batch as soon as it has one. Commits still happen
 * in poll order: a batch is committed only once it and every batch polled before it are in ClickHouse, because
 * a commit marks everything up to its offsets as durable and releases the producers waiting for it.
 */
import type { RowWriter } from '../../store/index.js';
import {
  tsvEncoderFor,
  type Logger,
  type Metrics,
  type Readiness,
  type TableSpec,
  type TsvRowEncoder,
} from '../../schema/index.js';
import type { EventLog, LogRecord } from '../log/event-log.js';
import { deduplicationToken, encodeTabSeparated } from './batch-encoding.js';

export interface TableSinkOptions {
  /** Rows per insert at most. */
  batchRowsMax: number;
  /**
   * How long the sink waits for more rows before inserting a partial batch; with an insert in flight, a partial
   * batch waits for its commit instead, and no sooner than this after it started. Either wait ends early once
   * `ENOUGH_ROWS_FOR_A_PART` have gathered. 0: no waiting at all.
   */
  lingerMs: number;
  /** Pause after a failed insert before trying the same batch again. */
  retryDelayMs: number;
  /** Batches being inserted at the same time; the writer's own bound may be lower. */
  insertsInFlightMax: number;
}

export const TABLE_SINK_DEFAULTS: TableSinkOptions = {
  batchRowsMax: 20_000,
  lingerMs: 50,
  retryDelayMs: 1_000,
  insertsInFlightMax: 2,
};

/**
 * Rows that make a batch worth inserting without the rest of the linger: the linger is there so that a trickle
 * still makes parts of a reasonable size, and once a batch has this many, waiting longer only adds to every
 * acknowledgement's wait. Parts of this size are what a loaded sink writes anyway (≈ 1,500–3,500 rows at 1,000
 * terminals × 4 in flight); each insert costs chDB ≈ 7 ms of CPU whatever its size, so a smaller figure would buy
 * latency with CPU (bench/README.md, "Cost per durable frame").
 */
export const ENOUGH_ROWS_FOR_A_PART = 1_000;

/** How often a lingering sink looks whether `ENOUGH_ROWS_FOR_A_PART` have gathered. */
export const LINGER_CHECK_MS = 5;

const OPTION_BOUNDS: Record<keyof TableSinkOptions, readonly [number, number]> = {
  batchRowsMax: [1, 1_000_000],
  lingerMs: [0, 60_000],
  retryDelayMs: [1, 600_000],
  insertsInFlightMax: [1, 16],
};

/** Fails on an option outside its bounds, naming the key, the value and the bound. */
export function checkTableSinkOptions(options: TableSinkOptions): void {
  for (const [key, [min, max]] of Object.entries(OPTION_BOUNDS) as [
    keyof TableSinkOptions,
    readonly [number, number],
  ][]) {
    const value = options[key];
    if (!Number.isInteger(value)) throw new Error(`table sink ${key} value ${String(value)} is not an integer`);
    if (value < min) throw new Error(`table sink ${key} value ${value} is less than min allowed ${min}`);
    if (value > max) throw new Error(`table sink ${key} value ${value} is more than max allowed ${max}`);
  }
}

export class TableSink<Row extends Record<string, unknown>> {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly options: TableSinkOptions;
  private readonly encoder: TsvRowEncoder;
  private readonly readinessPart: string;

  constructor(
    private readonly log: EventLog,
    private readonly topic: string,
    private readonly groupId: string,
    private readonly writer: RowWriter,
    private readonly table: TableSpec,
    /** A failing insert makes the node not ready (part `sink:<table>`) until an insert of this sink succeeds. */
    private readonly observe: { logger: Logger; metrics: Metrics; readiness?: Readiness },
    options: Partial<TableSinkOptions> = {},
  ) {
    this.options = { ...TABLE_SINK_DEFAULTS, ...options };
    checkTableSinkOptions(this.options);
    this.encoder = tsvEncoderFor(table);
    this.readinessPart = `sink:${table.name}`;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const consumer = this.log.consumer<Row>(this.groupId, this.topic);
    this.loop = this.run(consumer);
  }

  private async run(consumer: ReturnType<EventLog['consumer']>): Promise<void> {
    const labels = { table: this.table.name };
    const metrics = this.observe.metrics;
    const rowsCounter = metrics.counter('vigil_sink_rows_total', 'Rows written to ClickHouse', ['table']);
    const batchHistogram = metrics.histogram('vigil_sink_insert_seconds', 'Duration of one ClickHouse insert', [
      'table',
    ]);
    const encodeHistogram = metrics.histogram('vigil_sink_encode_seconds', 'Time to encode one batch as TabSeparated', [
      'table',
    ]);
    const gatherHistogram = metrics.histogram(
      'vigil_sink_gather_seconds',
      'From the first row of a batch polled to its insert: the linger, or the wait for the insert in flight',
      ['table'],
    );
    const failures = metrics.counter('vigil_sink_insert_failures_total', 'Failed ClickHouse inserts (retried)', [
      'table',
    ]);
    const inFlightGauge = metrics.gauge('vigil_sink_inserts_in_flight', 'Batches being inserted right now', ['table']);
    const depth = Math.min(this.options.insertsInFlightMax, this.writer.insertsInFlightMax);
    const inFlight = new Set<Promise<void>>();
    // Resolves once every batch polled so far is committed (or the sink gave up on one while stopping).
    let committedInOrder: Promise<void> = Promise.resolve();
    let failure: unknown;
    let lastInsertStarted = -Infinity;
    while (this.running && failure === undefined) {
      if (inFlight.size >= depth) {
        await Promise.race(inFlight);
        continue;
      }
      const records = (await consumer.poll(this.options.batchRowsMax, 250)) as LogRecord<Row>[];
      if (records.length === 0) {
        // A closed log answers polls at once; yielding to I/O keeps this loop from starving the inserts still in
        // flight (theirs and other sinks') until `stop` ends it.
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      const gatherStarted = performance.now();
      if (records.length < this.options.batchRowsMax && this.options.lingerMs > 0) {
        if (inFlight.size > 0) {
          // Group commit: rows that arrive while an insert is being written wait for it to be committed and then
          // go together at once; that insert was their linger. A second insert beside it would only end earlier to
          // wait for the first one's commit (commits are in poll order), and would make one more part. Not sooner
          // than `lingerMs` after the previous insert started unless it gathered enough rows, so that fast inserts of a
          // steady trickle still make parts no smaller than a linger gathers.
          await committedInOrder;
          if (failure !== undefined) break; // Not committed: the log hands these records out again after a restart.
          records.push(...((await consumer.poll(this.options.batchRowsMax - records.length, 0)) as LogRecord<Row>[]));
          await this.linger(consumer, records, lastInsertStarted + this.options.lingerMs);
        } else {
          await this.linger(consumer, records, gatherStarted + this.options.lingerMs);
        }
        records.push(...((await consumer.poll(this.options.batchRowsMax - records.length, 0)) as LogRecord<Row>[]));
      }
      const encodeStarted = performance.now();
      gatherHistogram.observe(labels, (encodeStarted - gatherStarted) / 1000);
      const body = encodeTabSeparated(this.encoder, records);
      const token = deduplicationToken(`${this.log.epoch}/${this.topic}`, records);
      encodeHistogram.observe(labels, (performance.now() - encodeStarted) / 1000);
      const started = performance.now();
      lastInsertStarted = started;
      const inserted = this.insertUntilDone(body, token, records.length, () => failures.inc(labels)).then(
        () => batchHistogram.observe(labels, (performance.now() - started) / 1000),
        (error: unknown) => {
          failure ??= error;
        },
      );
      const previous = committedInOrder;
      const done = Promise.all([previous, inserted]).then(() => {
        // A batch after one that could not be written must not be committed: its commit would cover the gap.
        if (failure !== undefined) return;
        rowsCounter.inc(labels, records.length);
        consumer.commit(records);
      });
      committedInOrder = done;
      inFlight.add(done);
      inFlightGauge.set(labels, inFlight.size);
      void done.then(() => {
        inFlight.delete(done);
        inFlightGauge.set(labels, inFlight.size);
      });
    }
    await committedInOrder;
    consumer.close();
    if (failure !== undefined) throw failure;
  }

  /**
   * Gathers more records into `records` until `until` (a `performance.now()` time) or until they make a part's
   * worth, whichever comes first, so that a trickle of records still makes reasonably sized parts while a stream
   * of them is inserted as soon as a part is there. Looks every `LINGER_CHECK_MS` rather than at each append: a
   * busy topic gets an append per socket read, and waking on each would cost more than the wait saves.
   */
  private async linger(
    consumer: ReturnType<EventLog['consumer']>,
    records: LogRecord<Row>[],
    until: number,
  ): Promise<void> {
    for (;;) {
      if (records.length >= ENOUGH_ROWS_FOR_A_PART || records.length >= this.options.batchRowsMax) return;
      const left = until - performance.now();
      if (left <= 0) return;
      await delay(Math.min(LINGER_CHECK_MS, left));
      records.push(...((await consumer.poll(this.options.batchRowsMax - records.length, 0)) as LogRecord<Row>[]));
    }
  }

  private async insertUntilDone(body: Buffer, token: string, rows: number, onFailure: () => void): Promise<void> {
    for (;;) {
      try {
        await this.writer.insertTabSeparated(this.table.name, this.encoder.columns, body, token);
        this.observe.readiness?.recover(this.readinessPart);
        return;
      } catch (error) {
        onFailure();
        this.observe.readiness?.fail(this.readinessPart, 'inserts_failing', String(error));
        this.observe.logger.error('clickhouse insert failed, retrying', {
          table: this.table.name,
          rows,
          error: String(error),
        });
        if (!this.running) throw error;
        await delay(this.options.retryDelayMs);
      }
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
