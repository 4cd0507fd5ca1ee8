/**
 * The node's stream steps: the ClickHouse sinks, the feed hub, the command centres and the rules. They start in
 * this order so that each reader has joined its topics before anything upstream replays into them, and they stop
 * in the reverse one: the rules' last alarms still reach the centres, the hub and the sinks.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import {
  ALARMS,
  CAMERA_EVENTS,
  DEVICE_STATUS,
  DRIVER_EVENTS,
  INGEST_REJECTS,
  MEDIA_EVENTS,
  RAIL_FLOWS,
  TAXI_ORDER_EVENTS,
  TAXI_POSITIONS,
  TELEMETRY,
  TOLL_TRANSACTIONS,
  TRAFFIC_COUNTS,
  VESSEL_POSITIONS,
  BUS_POSITIONS,
  BUS_STOP_DELAYS,
  GTFS_ROUTES,
  GTFS_STOPS,
  GTFS_TRIPS,
  VESSEL_VOYAGES,
} from '../../schema/index.js';
import type { TableSpec } from '../../schema/index.js';
import type { Analytics, Sql } from '../../store/index.js';
import {
  MemoryLog,
  PartitionedRules,
  PARTITION_HELD_RECORDS_MAX,
  partitionSnapshotName,
  RULES_RUNNER_DEFAULTS,
  RulesRunner,
  type RulesConfigService,
  type RulesPartition,
  TableSink,
  TOPICS,
  clickhouseInputReplay,
  postgresSnapshotStore,
  type EventLog,
  type TableSinkOptions,
} from '../../stream/index.js';
import {
  CentreChangeRelay,
  FeedHub,
  FEED_HUB_DEFAULTS,
  recentAlarmsFromClickHouse,
  registeredVehicle,
  startCommandCentre,
  vehicleClassOf,
  type CommandCentre,
  type DocumentScheduleOptions,
  type ProvinceSetting,
  type Router,
} from '../../center/index.js';
import type { Directory } from './directory.js';
import { loadRoadIndex } from './road-index.js';
import type { NodeConfig } from './node-config.js';
import type { Started } from './node-parts.js';
import { SINK_GROUPS, type Observe } from './stores.js';
import { leadRules, RULES_SNAPSHOT_NAME } from './rules-leadership.js';

/** How far back the feed hub's open alarms are seeded from ClickHouse at start-up. */
export const FEED_RECENT_ALARMS_HOURS = 24;

/** Each topic's table; alarms are few and wait for nothing (the feed shows one once stored), so no linger. */
const SINK_TABLES: readonly {
  topic: keyof typeof SINK_GROUPS;
  table: TableSpec;
  options?: Partial<TableSinkOptions>;
}[] = [
  { topic: TOPICS.telemetry, table: TELEMETRY },
  { topic: TOPICS.alarms, table: ALARMS, options: { lingerMs: 0 } },
  { topic: TOPICS.rejects, table: INGEST_REJECTS },
  { topic: TOPICS.camera, table: CAMERA_EVENTS },
  { topic: TOPICS.devices, table: DEVICE_STATUS },
  { topic: TOPICS.media, table: MEDIA_EVENTS },
  { topic: TOPICS.drivers, table: DRIVER_EVENTS },
  { topic: TOPICS.tolls, table: TOLL_TRANSACTIONS },
  { topic: TOPICS.trafficCounts, table: TRAFFIC_COUNTS },
  { topic: TOPICS.railFlows, table: RAIL_FLOWS },
  { topic: TOPICS.vesselPositions, table: VESSEL_POSITIONS },
  { topic: TOPICS.vesselVoyages, table: VESSEL_VOYAGES },
  { topic: TOPICS.busPositions, table: BUS_POSITIONS },
  { topic: TOPICS.busStopDelays, table: BUS_STOP_DELAYS },
  { topic: TOPICS.gtfsRoutes, table: GTFS_ROUTES },
  { topic: TOPICS.gtfsStops, table: GTFS_STOPS },
  { topic: TOPICS.gtfsTrips, table: GTFS_TRIPS },
  { topic: TOPICS.taxiPositions, table: TAXI_POSITIONS },
  { topic: TOPICS.taxiOrders, table: TAXI_ORDER_EVENTS },
];

/**
 * The sinks stop after everything that produces, so whatever the rules sent on the way out is still written.
 * Embedded, the in-process log closes first (it wakes the sinks' polls so they drain and return); on Kafka the
 * sinks stop before the log closes (its own step, later): their last inserts are committed, so a restart does not
 * insert them again.
 */
export function startSinks(
  log: EventLog,
  analytics: Analytics,
  observe: Observe,
): Started<TableSink<Record<string, unknown>>[]> {
  const sinks = SINK_TABLES.map(
    ({ topic, table, options }) =>
      new TableSink(log, topic, SINK_GROUPS[topic], analytics.writer, table, observe, options),
  );
  for (const sink of sinks) sink.start();
  return {
    value: sinks,
    close: async () => {
      if (log.kind !== 'kafka') await log.close();
      for (const sink of sinks) await sink.stop();
    },
  };
}

export function startFeedHub(
  log: EventLog,
  analytics: Analytics,
  directory: Directory,
  { logger, metrics }: Observe,
  orgCodeAt: (lon: number, lat: number) => string,
): Started<FeedHub> {
  const { accounts, registry, sees } = directory;
  const hub = new FeedHub(
    {
      log,
      logger,
      metrics,
      authenticate: (token) => accounts.authenticate(token),
      covers: sees,
      vehicleOrgCode: (v) => orgCodeAt(v.lon, v.lat),
      vehicleClassOf: (terminalId: string) => vehicleClassOf(registry, terminalId),
      enterpriseOf: (terminalId: string, plate: string) =>
        registeredVehicle(registry, terminalId, plate)?.enterprise_id || undefined,
      todayAlarms: async (dayStartMs) => {
        const result = await analytics.queryInternal(
          `SELECT alarm_id, org_code, rule, toUnixTimestamp64Milli(started_at) FROM alarms_current WHERE started_at >= fromUnixTimestamp64Milli(toInt64(${Math.trunc(dayStartMs)}))`,
          { rowsMax: FEED_HUB_DEFAULTS.todayEpisodesMax },
        );
        return result.rows.map(([alarm_id, org_code, rule, started_at]) => ({
          alarm_id: String(alarm_id),
          org_code: String(org_code),
          rule: String(rule),
          started_at: Number(started_at),
        }));
      },
      recentAlarms: () =>
        recentAlarmsFromClickHouse(analytics.client, FEED_RECENT_ALARMS_HOURS, FEED_HUB_DEFAULTS.closedVersionsMax),
    },
    FEED_HUB_DEFAULTS,
  );
  // The hub joins the alarms topic before the rules replay anything into it.
  hub.start();
  accounts.onRevoked((revocation) => hub.closeRevoked(revocation));
  return { value: hub, close: () => hub.stop() };
}

/** The command centres: alarm desk, work orders, duty, summary, mirrors; their routes go on `router`. */
export async function startCentre(
  deps: { sql: Sql; log: EventLog; analytics: Analytics; router: Router; hub: FeedHub; directory: Directory },
  province: ProvinceSetting,
  { logger, metrics }: Observe,
  cluster: { clusterJobsLed: boolean; analyticsShared: boolean; relayChangesAs?: string } = {
    clusterJobsLed: false,
    analyticsShared: false,
  },
  options: { documentSchedule?: Partial<DocumentScheduleOptions> } = {},
): Promise<Started<CommandCentre>> {
  const { sql, log, analytics, router, hub, directory } = deps;
  const { relayChangesAs, ...jobs } = cluster;
  // A centre node of a cluster pushes the other nodes' desk changes to its consoles too (centre-change-relay.ts).
  const relay =
    relayChangesAs === undefined
      ? undefined
      : new CentreChangeRelay({ log, nodeId: relayChangesAs, logger: logger.child({ component: 'center' }), metrics });
  const centre = await startCommandCentre({
    sql,
    accounts: directory.accounts,
    logger: logger.child({ component: 'center' }),
    metrics,
    provinceCode: province.code,
    router,
    log,
    clickhouse: analytics.client,
    analytics,
    clickhouseWriter: analytics.writer,
    publish: (message, visibleTo) => hub.publishScoped(message, visibleTo),
    shareChange: relay && ((change) => relay.share(change)),
    vehicleOf: (terminalId, plate) => registeredVehicle(directory.registry, terminalId, plate),
    org: directory.org,
    documentSchedule: options.documentSchedule,
    ...jobs,
  });
  try {
    await relay?.start((change) => centre.showChange(change));
  } catch (error) {
    await centre.close();
    throw error;
  }
  // The centres stop taking alarms and mirror their last steps before ClickHouse closes.
  return {
    value: centre,
    close: async () => {
      await relay?.stop();
      await centre.close();
    },
  };
}

/**
 * The rules keep their snapshots and configuration versions under <data-dir>/rules/. They restore the last
 * snapshot and re-evaluate the input it does not cover before any listener takes new input: embedded re-read
 * from ClickHouse (the in-process log forgot it), on Kafka from the offsets the snapshot committed.
 */
export async function startRules(
  config: NodeConfig,
  deps: { log: EventLog; analytics: Analytics | undefined; sql: Sql; directory: Directory },
  observe: Observe,
): Promise<Started<RulesConfigService>> {
  const { logger, metrics } = observe;
  const { log, analytics, directory } = deps;
  if (config.rulesSpread === 'partitions') return startPartitionedRules(config, deps, observe);
  // Stream workers of a cluster share one snapshot in PostgreSQL; one of them runs the rules at a time.
  const shared = config.role === 'stream' && config.postgresUrl !== undefined ? config.postgresUrl : undefined;
  // The in-process log forgets its input with the process: the rules re-read it from ClickHouse. Only the whole
  // node runs on it, and it always has ClickHouse; Kafka keeps the input itself.
  if (log instanceof MemoryLog && analytics === undefined)
    throw new Error('rules on the in-process log need ClickHouse to re-read their input after a crash');
  const roads = loadRoadIndex(config.dataDir, logger.child({ component: 'rules' }));
  const engine = new RulesRunner(
    {
      log,
      logger: logger.child({ component: 'rules' }),
      metrics,
      registry: directory.registry,
      dataDir: config.dataDir,
      snapshots: shared === undefined ? undefined : postgresSnapshotStore(deps.sql, RULES_SNAPSHOT_NAME),
      inputReplay:
        log instanceof MemoryLog && analytics
          ? clickhouseInputReplay(log, analytics.client, { pruneByParts: analytics.layout.kind === 'single' })
          : undefined,
      roads,
    },
    {
      ...RULES_RUNNER_DEFAULTS,
      snapshotIntervalMs: config.rulesSnapshotIntervalMs ?? RULES_RUNNER_DEFAULTS.snapshotIntervalMs,
    },
  );
  if (shared !== undefined) {
    const leadership = await leadRules(engine, shared, observe);
    return { value: engine, close: () => leadership.close() };
  }
  // Not stopped when start fails: stopping snapshots, and a snapshot written over one that failed to restore
  // would lose it. Its consumers belong to the log, which its own step closes.
  await engine.start();
  return { value: engine, close: () => engine.stop() };
}

/**
 * Stream workers sharing the rules by log partition (`--rules-spread partitions`): each runs those of the
 * partitions Kafka assigns it, a runner and a snapshot in PostgreSQL per partition (stream/engine/partitioned-rules.ts).
 */
async function startPartitionedRules(
  config: NodeConfig,
  deps: { log: EventLog; sql: Sql; directory: Directory },
  { logger, metrics, readiness }: Observe,
): Promise<Started<RulesConfigService>> {
  const { log, sql, directory } = deps;
  if (log.kind !== 'kafka' || config.role !== 'stream')
    throw new Error('--rules-spread partitions needs --role stream on Kafka');
  const roads = loadRoadIndex(config.dataDir, logger.child({ component: 'rules' }));
  const options = {
    ...RULES_RUNNER_DEFAULTS,
    snapshotIntervalMs: config.rulesSnapshotIntervalMs ?? RULES_RUNNER_DEFAULTS.snapshotIntervalMs,
  };
  const rules = new PartitionedRules(
    {
      log,
      logger: logger.child({ component: 'rules' }),
      metrics,
      configDir: path.join(config.dataDir, 'rules', 'config'),
      runnerOf: (partition: RulesPartition) =>
        new RulesRunner(
          {
            log,
            logger: logger.child({ component: 'rules', partition: partition.index }),
            metrics,
            registry: directory.registry,
            dataDir: config.dataDir,
            // Each taking of a partition writes under a claim of its own (migration 38).
            snapshots: postgresSnapshotStore(sql, partitionSnapshotName(partition.index), randomUUID()),
            roads,
            partition,
          },
          options,
        ),
      onFailed: (partition) =>
        readiness.fail('rules', 'partition_failed', `the rules of log partition ${partition} could not start`),
    },
    {
      batchRecordsMax: options.batchRecordsMax,
      pollWaitMs: options.pollWaitMs,
      heldRecordsMax: PARTITION_HELD_RECORDS_MAX,
    },
  );
  await rules.start();
  return { value: rules, close: () => rules.stop() };
}
