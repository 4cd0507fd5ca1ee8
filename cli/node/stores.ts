/**
 * The node's storage steps: the event log, ClickHouse (analytics), the operational store and their health checks.
 * Each opens one thing and returns how to close it; `startNode` runs them in this file's order.
 */
import type { Logger, Metrics, Readiness } from '../../schema/index.js';
import {
  DISK_FREE_BYTES_MIN_DEFAULT,
  openAnalytics,
  openOperational,
  STORAGE_HEALTH_DEFAULTS,
  StorageHealth,
  type Analytics,
  type Sql,
} from '../../store/index.js';
import {
  CENTRE_TOPICS,
  DOWNLINK_TOPICS,
  RULES_TOPICS,
  KAFKA_LOG_DEFAULTS,
  KafkaLog,
  MemoryLog,
  TOPICS,
  type EventLog,
} from '../../stream/index.js';
import type { NodeConfig } from './node-config.js';
import type { Started } from './node-parts.js';

/** Messages one partition of the in-process log holds before producers wait (the log's `queue_full`). */
export const MEMORY_LOG_BACKLOG_PER_PARTITION_MAX = 50_000;

/** The consumer group of each topic's ClickHouse sink: embedded, its commit is what makes a message durable. */
export const SINK_GROUPS = {
  [TOPICS.telemetry]: 'sink-telemetry',
  [TOPICS.alarms]: 'sink-alarms',
  [TOPICS.rejects]: 'sink-rejects',
  [TOPICS.camera]: 'sink-camera',
  [TOPICS.devices]: 'sink-devices',
  [TOPICS.media]: 'sink-media',
  [TOPICS.drivers]: 'sink-drivers',
  [TOPICS.tolls]: 'sink-tolls',
  [TOPICS.trafficCounts]: 'sink-traffic-counts',
  [TOPICS.railFlows]: 'sink-rail-flows',
  [TOPICS.vesselPositions]: 'sink-vessel-positions',
  [TOPICS.vesselVoyages]: 'sink-vessel-voyages',
  [TOPICS.busPositions]: 'sink-bus-positions',
  [TOPICS.busStopDelays]: 'sink-bus-stop-delays',
  [TOPICS.gtfsRoutes]: 'sink-gtfs-routes',
  [TOPICS.gtfsStops]: 'sink-gtfs-stops',
  [TOPICS.gtfsTrips]: 'sink-gtfs-trips',
  [TOPICS.taxiPositions]: 'sink-taxi-positions',
  [TOPICS.taxiOrders]: 'sink-taxi-orders',
} as const;

/** The flag operators set the free-space bound with, named in readiness and in the refusal. */
const DISK_FREE_FLAG = '--disk-free-bytes-min';

export interface Observe {
  logger: Logger;
  metrics: Metrics;
  readiness: Readiness;
}

/**
 * Kafka when configured (first of all: a cluster that cannot be reached, a topic with another partition count or
 * a missing node-rdkafka stops start-up before any store is opened), else the in-process log. Embedded, a topic's
 * sink group is what makes a message durable and every other group reads up to its commit; on Kafka the cluster
 * makes it durable (acks=all) and every group reads up to the high watermark.
 */
/**
 * The libuv pool size a node on Kafka needs: what the `vigil` executable gives it (cli/entry-point.js,
 * THREADPOOL_SIZE; that plain-JavaScript module is not part of the compiled node, so the number is repeated here).
 */
const THREADPOOL_SIZE = 64;

export async function startEventLog(
  config: NodeConfig,
  { logger, metrics, readiness }: Observe,
): Promise<Started<EventLog>> {
  const log: EventLog = config.kafka
    ? await KafkaLog.connect({
        ...KAFKA_LOG_DEFAULTS,
        brokers: config.kafka.brokers,
        partitions: config.logPartitions,
        replicationFactor: config.kafka.replicationFactor,
        retentionHours: config.kafka.retentionHours,
        compression: config.kafka.compression,
        // The downlink, centre and rules topics too: any role may be the first to start, and the others tail them
        // (the drivers' states, compacted, from the start).
        topics: [
          ...Object.values(TOPICS),
          ...Object.values(DOWNLINK_TOPICS),
          ...Object.values(CENTRE_TOPICS),
          ...Object.values(RULES_TOPICS),
        ],
        compactedTopics: Object.values(RULES_TOPICS),
      })
    : new MemoryLog({
        partitions: config.logPartitions,
        backlogPerPartitionMax: MEMORY_LOG_BACKLOG_PER_PARTITION_MAX,
        durableGroups: SINK_GROUPS,
      });
  if (log instanceof KafkaLog) {
    logger.info('event log on kafka', {
      brokers: config.kafka?.brokers,
      epoch: log.epoch,
      compression: config.kafka?.compression,
      retention_hours_of_new_topics: config.kafka?.retentionHours,
    });
    const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
    if (!(threads >= THREADPOOL_SIZE))
      logger.warn(
        `UV_THREADPOOL_SIZE is ${threads}: on Kafka each consumer's poll holds a libuv pool thread while it waits, ` +
          `so file writes, chDB and password checks queue behind them (slow snapshots, start and stop). Start ` +
          `through the vigil executable, or set UV_THREADPOOL_SIZE=${THREADPOOL_SIZE} in the environment`,
        { uv_threadpool_size: threads, recommended: THREADPOOL_SIZE },
      );
  }
  readiness.watch('event_log', () => {
    const full = Object.values(TOPICS).filter((topic) => log.full(topic));
    return full.length === 0
      ? undefined
      : { reason: 'queue_full', detail: `topics at their backlog bound: ${full.join(', ')}` };
  });
  metrics.onCollect(() => collectLogMetrics(log, metrics));
  let closed = false;
  return {
    value: log,
    close: async () => {
      // The in-process log is closed earlier by the sinks' step (see startSinks); Kafka's only once, here.
      if (closed) return;
      closed = true;
      await log.close();
    },
  };
}

function collectLogMetrics(log: EventLog, metrics: Metrics): void {
  for (const topic of Object.values(TOPICS))
    metrics
      .gauge('vigil_log_backlog', 'Messages not yet processed by every consumer group', ['topic'])
      .set({ topic }, log.backlog(topic));
  if (log.lag)
    for (const topic of Object.values(TOPICS))
      for (const [group, lag] of log.lag(topic))
        metrics
          .gauge(
            'vigil_log_lag',
            'Records of the topic a consumer group of this node has not had a commit acknowledged for (Kafka)',
            ['topic', 'group'],
          )
          .set({ topic, group }, lag);
}

/** ClickHouse, embedded (chDB in the data dir) or a server; migrated to the schema's tables on the way. */
export async function startAnalytics(config: NodeConfig, logger: Logger): Promise<Started<Analytics>> {
  const analytics = await openAnalytics(
    config.clickhouseUrl
      ? {
          kind: 'server',
          url: config.clickhouseUrl,
          analystUrl: config.clickhouseAnalystUrl,
          cluster: config.clickhouseCluster,
        }
      : { kind: 'embedded', dataDir: config.dataDir },
    undefined,
    { analystLimits: config.analystSqlLimits },
  );
  const { applied, created, altered } = analytics.migration;
  if (applied.length > 0) {
    // A first start creates some thirty tables: their names say enough at info level. ALTERs of existing tables are
    // rare and are what an operator checks after an upgrade, so they are shown whole.
    logger.info('analytics schema changed', { created, altered });
    logger.debug('analytics schema statements', { statements: applied });
  }
  for (const drift of analytics.migration.drift) logger.warn('analytics schema differs from its spec', { drift });
  return { value: analytics, close: () => analytics.close() };
}

/** The operational store: PGlite in the data dir, or a PostgreSQL server. */
export async function startOperationalStore(config: NodeConfig): Promise<Started<Sql>> {
  const sql = await openOperational(
    config.postgresUrl ? { kind: 'server', url: config.postgresUrl } : { kind: 'embedded', dataDir: config.dataDir },
  );
  return { value: sql, close: () => sql.close() };
}

/** The periodic disk and operational-store checks behind readiness. */
export function startStorageHealth(config: NodeConfig, sql: Sql, observe: Observe): Started<StorageHealth> {
  const storageHealth = new StorageHealth(
    {
      dataDir: config.dataDir,
      diskFreeBytesMin: config.diskFreeBytesMin ?? DISK_FREE_BYTES_MIN_DEFAULT,
      diskFreeBytesMinName: DISK_FREE_FLAG,
      checkIntervalMs: config.healthCheckIntervalMs ?? STORAGE_HEALTH_DEFAULTS.checkIntervalMs,
      operationalTimeoutMs: STORAGE_HEALTH_DEFAULTS.operationalTimeoutMs,
    },
    { ...observe, logger: observe.logger.child({ component: 'storage-health' }), sql },
  );
  storageHealth.start();
  return { value: storageHealth, close: () => storageHealth.stop() };
}
