/**
 * The JT/T 808 gateway composed in-process with the real parts it writes through: the in-process event log,
 * the ClickHouse sinks on chDB and the terminal directory on PGlite. For tests and benchmarks that need
 * gateway options a `vigil start` does not expose (short timeouts, small bounds).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DRIVER_EVENTS, INGEST_REJECTS, MEDIA_EVENTS, Metrics, TELEMETRY, silentLogger } from '../../schema/index.js';
import { openAnalytics, openOperational, type Analytics, type Sql } from '../../store/index.js';
import { MemoryLog, TableSink, TOPICS, type TableSinkOptions } from '../../stream/index.js';
import { GATEWAY_DEFAULTS, Jt808Gateway, type GatewayOptions } from '../../ingest/index.js';
import { TerminalStore } from '../../center/index.js';

export interface GatewayNode {
  port: number;
  dataDir: string;
  gateway: Jt808Gateway;
  analytics: Analytics;
  sql: Sql;
  metrics: Metrics;
  terminals: TerminalStore;
  /** Rows of a read-only ClickHouse query, as arrays. */
  query(sql: string): Promise<unknown[][]>;
  /** Starts the telemetry sink held back by `holdTelemetrySink`: from then on positions become durable. */
  releaseTelemetrySink(): void;
  close(): Promise<void>;
}

export interface GatewayNodeOptions {
  gateway?: Partial<GatewayOptions>;
  sink?: Partial<TableSinkOptions>;
  partitions?: number;
  /**
   * false: no ClickHouse sinks and no durable groups, so the log acknowledges on append. Only for measuring the
   * gateway's own ceiling in benchmarks; it breaks "acknowledge only what is durable".
   */
  durable?: boolean;
  /**
   * The telemetry sink starts only when `releaseTelemetrySink` is called: until then positions are appended to the
   * log but never durable, so a test can tell an acknowledgement on append from one on durability.
   */
  holdTelemetrySink?: boolean;
}

export async function startGatewayNode(options: GatewayNodeOptions = {}): Promise<GatewayNode> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-jt808-'));
  const analytics = await openAnalytics({ kind: 'embedded', dataDir });
  const sql = await openOperational({ kind: 'memory' });
  const metrics = new Metrics();
  const log = new MemoryLog({
    partitions: options.partitions ?? 4,
    backlogPerPartitionMax: 50_000,
    durableGroups:
      options.durable === false
        ? {}
        : {
            [TOPICS.telemetry]: 'sink-telemetry',
            [TOPICS.rejects]: 'sink-rejects',
            [TOPICS.media]: 'sink-media',
            [TOPICS.drivers]: 'sink-drivers',
          },
  });
  const observe = { logger: silentLogger, metrics };
  const sinkOptions = { batchRowsMax: 20_000, lingerMs: 5, retryDelayMs: 500, ...options.sink };
  const sinks = [
    new TableSink(log, TOPICS.telemetry, 'sink-telemetry', analytics.writer, TELEMETRY, observe, sinkOptions),
    new TableSink(log, TOPICS.rejects, 'sink-rejects', analytics.writer, INGEST_REJECTS, observe, sinkOptions),
    new TableSink(log, TOPICS.media, 'sink-media', analytics.writer, MEDIA_EVENTS, observe, sinkOptions),
    new TableSink(log, TOPICS.drivers, 'sink-drivers', analytics.writer, DRIVER_EVENTS, observe, sinkOptions),
  ];
  if (options.durable !== false)
    for (const [i, sink] of sinks.entries()) if (i > 0 || options.holdTelemetrySink !== true) sink.start();
  const terminals = new TerminalStore(sql);
  const gateway = new Jt808Gateway(
    { ...GATEWAY_DEFAULTS, host: '127.0.0.1', port: 0, mediaDir: path.join(dataDir, 'media'), ...options.gateway },
    { log, directory: terminals, logger: silentLogger, metrics },
  );
  const port = await gateway.listen();
  return {
    port,
    dataDir,
    gateway,
    analytics,
    sql,
    metrics,
    terminals,
    query: async (text) => (await analytics.queryInternal(text)).rows,
    releaseTelemetrySink: () => {
      if (options.durable !== false) sinks[0].start();
    },
    close: async () => {
      await gateway.close();
      await log.close();
      if (options.durable !== false) for (const sink of sinks) await sink.stop();
      await analytics.close();
      await sql.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
