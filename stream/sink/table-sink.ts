/**
 * Moves one topic into one ClickHouse table: polls the log in batches bounded by size and time, inserts each
 * batch with a deduplication token made of its offsets, then commits. A crash between insert and commit
 * replays the same offsets as the same token, which ClickHouse drops as a duplicate block: exactly-once rows
 * from at-least-once delivery.
 */
import { createHash } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { TableSpec } from '../../schema/index.js';
import type { EventLog, LogRecord } from '../log/event-log.js';
import type { Logger, Metrics } from '../../schema/index.js';

export interface TableSinkOptions {
  /** Rows per insert at most. */
  batchRowsMax: number;
  /** How long the sink waits for more rows before inserting a partial batch. */
  lingerMs: number;
  /** Pause after a failed insert before trying the same batch again. */
  retryDelayMs: number;
}

export const TABLE_SINK_DEFAULTS: TableSinkOptions = { batchRowsMax: 20_000, lingerMs: 50, retryDelayMs: 1_000 };

export class TableSink<Row extends Record<string, unknown>> {
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly log: EventLog,
    private readonly topic: string,
    private readonly groupId: string,
    private readonly client: ClickHouseClient,
    private readonly table: TableSpec,
    private readonly observe: { logger: Logger; metrics: Metrics },
    private readonly options: TableSinkOptions = TABLE_SINK_DEFAULTS,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    const consumer = this.log.consumer<Row>(this.groupId, this.topic);
    this.loop = this.run(consumer);
  }

  private async run(consumer: ReturnType<EventLog['consumer']>): Promise<void> {
    const rowsCounter = this.observe.metrics.counter('vigil_sink_rows_total', 'Rows written to ClickHouse', ['table']);
    const batchHistogram = this.observe.metrics.histogram('vigil_sink_insert_seconds', 'Duration of one ClickHouse insert', ['table']);
    const failures = this.observe.metrics.counter('vigil_sink_insert_failures_total', 'Failed ClickHouse inserts (retried)', ['table']);
    while (this.running) {
      const records = (await consumer.poll(this.options.batchRowsMax, 250)) as LogRecord<Row>[];
      if (records.length === 0) continue;
      if (records.length < this.options.batchRowsMax && this.options.lingerMs > 0) {
        // Linger so that a trickle of records still makes reasonably sized parts.
        await delay(this.options.lingerMs);
        records.push(...((await consumer.poll(this.options.batchRowsMax - records.length, 0)) as LogRecord<Row>[]));
      }
      const started = performance.now();
      await this.insertUntilDone(records, () => failures.inc({ table: this.table.name }));
      batchHistogram.observe({ table: this.table.name }, (performance.now() - started) / 1000);
      rowsCounter.inc({ table: this.table.name }, records.length);
      consumer.commit(records);
    }
    consumer.close();
  }

  private async insertUntilDone(records: LogRecord<Row>[], onFailure: () => void): Promise<void> {
    const token = deduplicationToken(`${this.log.epoch}/${this.topic}`, records);
    for (;;) {
      try {
        await this.client.insert({
          table: this.table.name,
          values: records.map((r) => r.value),
          format: 'JSONEachRow',
          clickhouse_settings: { insert_deduplication_token: token, insert_deduplicate: 1 },
        });
        return;
      } catch (error) {
        onFailure();
        this.observe.logger.error('clickhouse insert failed, retrying', { table: this.table.name, rows: records.length, error: String(error) });
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

function deduplicationToken(topic: string, records: readonly LogRecord<unknown>[]): string {
  const hash = createHash('sha1');
  hash.update(topic);
  for (const r of records) hash.update(`|${r.partition}:${r.offset}`);
  return hash.digest('hex');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
