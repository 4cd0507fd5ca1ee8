/**
 * Composes one Vigil node from its parts: stores, event log, sinks, rules, gateway, API and feed. The embedded
 * node runs everything in one process; each part talks to the others only through the event log and the
 * stores, which is what lets them be split across machines later.
 */
import path from 'node:path';
import {
  ALARMS,
  CAMERA_EVENTS,
  DEVICE_STATUS,
  HENAN_PROVINCE_CODE,
  INGEST_REJECTS,
  MEDIA_EVENTS,
  TELEMETRY,
  countyAt,
  henanGeo,
  packagePath,
  Readiness,
  type Logger,
  type Metrics,
} from '../schema/index.js';
import {
  DISK_FREE_BYTES_MIN_DEFAULT,
  openAnalytics,
  openOperational,
  STORAGE_HEALTH_DEFAULTS,
  StorageHealth,
  type Analytics,
  type AnalystSqlLimits,
  type Sql,
} from '../store/index.js';
import {
  KAFKA_LOG_DEFAULTS,
  KafkaLog,
  MemoryLog,
  RULES_RUNNER_DEFAULTS,
  RulesRunner,
  TableSink,
  TOPICS,
  clickhouseInputReplay,
  type EventLog,
} from '../stream/index.js';
import {
  GATEWAY_DEFAULTS,
  HTTP_INGEST_DEFAULTS,
  HttpIngest,
  JT809_DEFAULTS,
  Jt1078MediaServer,
  Jt808Gateway,
  MEDIA_SERVER_DEFAULTS,
  Jt809Server,
  openFilesNote,
  processOpenFilesBudget,
} from '../ingest/index.js';
import {
  Jt809Platforms,
  Jt809Requests,
  RegistryStore,
  type Jt809RequestLink,
  SourceKeys,
  registerHealthRoutes,
  registerIngestRoutes,
  registerVehicleRoutes,
  registerVideoRoutes,
  registeredVehicle,
  vehicleClassOf,
  VideoSockets,
  VideoTickets,
} from '../center/index.js';
import { recentAlarmsFromClickHouse, startCommandCentre } from '../center/index.js';
import {
  Accounts,
  ACCOUNTS_DEFAULTS,
  FeedHub,
  FEED_HUB_DEFAULTS,
  HTTP_SERVER_DEFAULTS,
  Router,
  checkHttpServerOptions,
  documentRouterRoutes,
  routeDocumentMismatch,
  TerminalStore,
  listenHttp,
  registerRoutes,
  registerRulesConfigRoutes,
  registerSqlRoutes,
  registerTerminalCommandRoutes,
  OrgDirectory,
  seedOrgUnits,
  staticFiles,
  type HttpNode,
  type LoginThrottleOptions,
  type PasswordPolicyOptions,
  type HttpServerOptions,
} from '../center/index.js';

export interface NodeConfig {
  dataDir: string;
  httpHost: string;
  httpPort: number;
  jt808Host: string;
  jt808Port: number;
  clickhouseUrl?: string;
  /** The ClickHouse server user analysts' SQL runs as (default: that of clickhouseUrl). */
  clickhouseAnalystUrl?: string;
  /** A PostgreSQL server instead of the embedded PGlite. */
  postgresUrl?: string;
  adminPassword?: string;
  /** Password policy and login throttling of accounts (defaults: ACCOUNTS_DEFAULTS). */
  passwords?: PasswordPolicyOptions;
  loginThrottle?: LoginThrottleOptions;
  logPartitions: number;
  /** Run the event log on Apache Kafka instead of in process. */
  kafka?: { brokers: string; replicationFactor: number };
  requireTerminalAuth: boolean;
  /** How long a downlink command waits for the terminal's answer (default 30 s). */
  jt808DownlinkTimeoutMs?: number;
  /** RSA private key (PEM) for encrypted JT/T 808 bodies. */
  jt808RsaKeyPem?: string;
  /** JT/T 809 main-link server for lower platforms (default 0.0.0.0:6809; port 0 = any free port). */
  jt809Host?: string;
  jt809Port?: number;
  /** JT/T 1078 media server: where terminals stream live video and recordings (default 0.0.0.0:6810 and :6811). */
  jt1078Host?: string;
  jt1078LivePort?: number;
  jt1078PlaybackPort?: number;
  /** The address told to terminals in 0x9101/0x9201 (default: where each terminal reaches the JT/T 808 port). */
  jt1078AdvertisedHost?: string;
  /** Video streams open at once, and the bytes per second one stream may carry. */
  videoStreamsMax?: number;
  videoStreamBytesPerSecondMax?: number;
  /** A stream nobody watches is closed after this long. */
  videoViewerlessCloseMs?: number;
  /** CRC16 variant of JT/T 809 frames (platforms in the field disagree on the initial value). */
  jt809Crc?: 'ccitt-false' | 'xmodem';
  /** Sustained records per second one source key may post (HTTP ingestion). */
  ingestRecordsPerSecondPerKey?: number;
  /** Free bytes the data dir must keep; below it the node is not ready (start-up refuses earlier, in main). */
  diskFreeBytesMin?: number;
  /** How often the disk and the operational store are checked for readiness. */
  healthCheckIntervalMs?: number;
  /** Bounds of the HTTP server (connections, per address, timeouts); the defaults where not given. */
  http?: Partial<Omit<HttpServerOptions, 'host' | 'port'>>;
  /** Bounds of analysts' SQL (store's ANALYST_SQL_DEFAULTS when not given). */
  analystSqlLimits?: AnalystSqlLimits;
  /** Between snapshots of the rules state; default RULES_RUNNER_DEFAULTS.snapshotIntervalMs. */
  rulesSnapshotIntervalMs?: number;
}

export interface RunningNode {
  httpPort: number;
  jt808Port: number;
  jt809Port: number;
  jt1078LivePort: number;
  jt1078PlaybackPort: number;
  wallToken: string;
  generatedAdminPassword: string | null;
  analytics: Analytics;
  sql: Sql;
  log: EventLog;
  gateway: Jt808Gateway;
  registry: RegistryStore;
  close(): Promise<void>;
}

const WALL_DIST = packagePath('wall', 'dist');

function orgCodeAt(lon: number, lat: number): string {
  return countyAt(lon, lat)?.code ?? HENAN_PROVINCE_CODE;
}

/** The readiness part of the node as a whole: not ready while it starts and once it stops. */
const NODE_PART = 'node';

export async function startNode(config: NodeConfig, logger: Logger, metrics: Metrics): Promise<RunningNode> {
  const readiness = new Readiness();
  readiness.fail(NODE_PART, 'starting', 'the node is starting');
  metrics.onCollect(() =>
    metrics
      .gauge('vigil_ready', '1 when the node is ready (GET /api/health/ready)')
      .set(undefined, readiness.ready ? 1 : 0),
  );
  // Checked before anything opens, so a bad bound stops start-up with nothing to close.
  const httpOptions: HttpServerOptions = {
    ...HTTP_SERVER_DEFAULTS,
    ...config.http,
    host: config.httpHost,
    port: config.httpPort,
  };
  checkHttpServerOptions(httpOptions);
  // Kafka first: a cluster that cannot be reached, a topic with another partition count or a missing node-rdkafka
  // stops start-up before any store is opened.
  const kafka = config.kafka
    ? await KafkaLog.connect({
        ...KAFKA_LOG_DEFAULTS,
        brokers: config.kafka.brokers,
        partitions: config.logPartitions,
        replicationFactor: config.kafka.replicationFactor,
        topics: Object.values(TOPICS),
      })
    : undefined;
  if (kafka) logger.info('event log on kafka', { brokers: config.kafka?.brokers, epoch: kafka.epoch });
  const analytics = await openAnalytics(
    config.clickhouseUrl
      ? { kind: 'server', url: config.clickhouseUrl, analystUrl: config.clickhouseAnalystUrl }
      : { kind: 'embedded', dataDir: config.dataDir },
    undefined,
    { analystLimits: config.analystSqlLimits },
  );
  if (analytics.migration.applied.length > 0)
    logger.info('analytics schema changed', { statements: analytics.migration.applied });
  for (const drift of analytics.migration.drift) logger.warn('analytics schema differs from its spec', { drift });
  const sql = await openOperational(
    config.postgresUrl ? { kind: 'server', url: config.postgresUrl } : { kind: 'embedded', dataDir: config.dataDir },
  );
  const storageHealth = new StorageHealth(
    {
      dataDir: config.dataDir,
      diskFreeBytesMin: config.diskFreeBytesMin ?? DISK_FREE_BYTES_MIN_DEFAULT,
      diskFreeBytesMinName: '--disk-free-bytes-min',
      checkIntervalMs: config.healthCheckIntervalMs ?? STORAGE_HEALTH_DEFAULTS.checkIntervalMs,
      operationalTimeoutMs: STORAGE_HEALTH_DEFAULTS.operationalTimeoutMs,
    },
    { readiness, metrics, logger: logger.child({ component: 'storage-health' }), sql },
  );
  storageHealth.start();
  const seeded = await seedOrgUnits(sql);
  if (seeded > 0) logger.info('org units seeded', { count: seeded });
  // One org tree for the feed, the vehicle routes and the centres: who sees what follows the 省直管县 policy.
  const org = await OrgDirectory.load(sql);
  const sees = (scope: string, code: string): boolean => org.sees(scope, code);
  const accounts = new Accounts(sql, {
    ...ACCOUNTS_DEFAULTS,
    passwords: config.passwords ?? ACCOUNTS_DEFAULTS.passwords,
    throttle: config.loginThrottle ?? ACCOUNTS_DEFAULTS.throttle,
  });
  const generatedAdminPassword = await accounts.ensureAdmin(HENAN_PROVINCE_CODE, config.adminPassword);
  const registry = await RegistryStore.open(sql);

  // Embedded, a topic's sink group is what makes a message durable, and every other group reads up to its commit.
  // On Kafka the cluster makes it durable (acks=all) and every group reads up to the high watermark.
  const log: EventLog =
    kafka ??
    new MemoryLog({
      partitions: config.logPartitions,
      backlogPerPartitionMax: 50_000,
      durableGroups: {
        [TOPICS.telemetry]: 'sink-telemetry',
        [TOPICS.alarms]: 'sink-alarms',
        [TOPICS.rejects]: 'sink-rejects',
        [TOPICS.camera]: 'sink-camera',
        [TOPICS.devices]: 'sink-devices',
        [TOPICS.media]: 'sink-media',
      },
    });
  const observe = { logger, metrics, readiness };
  readiness.watch('event_log', () => {
    const full = Object.values(TOPICS).filter((topic) => log.full(topic));
    return full.length === 0
      ? undefined
      : { reason: 'queue_full', detail: `topics at their backlog bound: ${full.join(', ')}` };
  });
  const sinks = [
    new TableSink(log, TOPICS.telemetry, 'sink-telemetry', analytics.writer, TELEMETRY, observe),
    // Alarms are few and wait for nothing: the feed shows one once this sink stored it, so no linger.
    new TableSink(log, TOPICS.alarms, 'sink-alarms', analytics.writer, ALARMS, observe, { lingerMs: 0 }),
    new TableSink(log, TOPICS.rejects, 'sink-rejects', analytics.writer, INGEST_REJECTS, observe),
    new TableSink(log, TOPICS.camera, 'sink-camera', analytics.writer, CAMERA_EVENTS, observe),
    new TableSink(log, TOPICS.devices, 'sink-devices', analytics.writer, DEVICE_STATUS, observe),
    new TableSink(log, TOPICS.media, 'sink-media', analytics.writer, MEDIA_EVENTS, observe),
  ];
  for (const sink of sinks) sink.start();
  metrics.onCollect(() => {
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
  });

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
      recentAlarms: () => recentAlarmsFromClickHouse(analytics.client, 24, FEED_HUB_DEFAULTS.closedVersionsMax),
    },
    FEED_HUB_DEFAULTS,
  );
  // The hub joins the alarms topic before the rules replay anything into it.
  hub.start();
  accounts.onRevoked((revocation) => hub.closeRevoked(revocation));

  // The rules keep their snapshots and configuration versions under <data-dir>/rules/. They restore the last
  // snapshot and re-evaluate the input it does not cover before any listener takes new input: embedded re-read
  // from ClickHouse (the in-process log forgot it), on Kafka from the offsets the snapshot committed.
  const engine = new RulesRunner(
    {
      log,
      logger: logger.child({ component: 'rules' }),
      metrics,
      registry,
      dataDir: config.dataDir,
      inputReplay: log instanceof MemoryLog ? clickhouseInputReplay(log, analytics.client) : undefined,
    },
    {
      ...RULES_RUNNER_DEFAULTS,
      snapshotIntervalMs: config.rulesSnapshotIntervalMs ?? RULES_RUNNER_DEFAULTS.snapshotIntervalMs,
    },
  );
  await engine.start();

  const gateway = new Jt808Gateway(
    {
      ...GATEWAY_DEFAULTS,
      host: config.jt808Host,
      port: config.jt808Port,
      requireAuthentication: config.requireTerminalAuth,
      mediaDir: path.join(config.dataDir, 'media'),
      downlinkTimeoutMs: config.jt808DownlinkTimeoutMs ?? GATEWAY_DEFAULTS.downlinkTimeoutMs,
      rsaPrivateKey: config.jt808RsaKeyPem,
    },
    { log, directory: new TerminalStore(sql), logger: logger.child({ component: 'jt808' }), metrics },
  );
  const jt808Port = await gateway.listen();
  const videoStreamsMax = config.videoStreamsMax ?? MEDIA_SERVER_DEFAULTS.streamsMax;
  const videoStreamBytesPerSecondMax =
    config.videoStreamBytesPerSecondMax ?? MEDIA_SERVER_DEFAULTS.streamBytesPerSecondMax;
  const media = new Jt1078MediaServer(
    {
      ...MEDIA_SERVER_DEFAULTS,
      host: config.jt1078Host ?? MEDIA_SERVER_DEFAULTS.host,
      livePort: config.jt1078LivePort ?? MEDIA_SERVER_DEFAULTS.livePort,
      playbackPort: config.jt1078PlaybackPort ?? MEDIA_SERVER_DEFAULTS.playbackPort,
      advertisedHost: config.jt1078AdvertisedHost,
      streamsMax: videoStreamsMax,
      streamBytesPerSecondMax: videoStreamBytesPerSecondMax,
      // Every stream may use its whole share at once.
      bytesPerSecondTotalMax: videoStreamsMax * videoStreamBytesPerSecondMax,
      viewerlessCloseMs: config.videoViewerlessCloseMs ?? MEDIA_SERVER_DEFAULTS.viewerlessCloseMs,
    },
    { link: gateway, log, logger: logger.child({ component: 'jt1078' }), metrics },
  );
  const mediaPorts = await media.listen();
  const videoTickets = new VideoTickets();
  const videoSockets = new VideoSockets({
    media,
    tickets: videoTickets,
    logger: logger.child({ component: 'video' }),
    metrics,
  });
  accounts.onRevoked((revocation) => videoSockets.closeRevoked(revocation));
  const jt809Platforms = new Jt809Platforms(sql, logger, accounts.passwordPolicy);
  // Requests and the server refer to each other: requests go out on the server's links, answers come back in.
  const jt809Link: Jt809RequestLink = {
    linkState: (code: number) => jt809.linkState(code),
    sendToPlatform: (code: number, msgId: number, body: Buffer) => jt809.sendToPlatform(code, msgId, body),
  };
  const jt809Requests = new Jt809Requests({
    sql,
    link: jt809Link,
    logger: logger.child({ component: 'jt809' }),
    metrics,
    plateColorOf: (terminalId, plate) => registeredVehicle(registry, terminalId, plate)?.plate_color,
  });
  const jt809 = new Jt809Server(
    {
      ...JT809_DEFAULTS,
      host: config.jt809Host ?? JT809_DEFAULTS.host,
      port: config.jt809Port ?? JT809_DEFAULTS.port,
      crc: config.jt809Crc ?? JT809_DEFAULTS.crc,
    },
    {
      log,
      directory: jt809Platforms,
      vehicles: registry,
      logger: logger.child({ component: 'jt809' }),
      metrics,
      answers: jt809Requests,
    },
  );
  jt809Platforms.linkStateOf = (code) => jt809.linkState(code);
  jt809Platforms.subLinkStateOf = (code) => jt809.subLinkState(code);
  const jt809Port = await jt809.listen();
  jt809Requests.start();
  // Not fatal: beyond the budget every listener refuses with reason fd_limit, and the defaults must start on
  // small machines. The HTTP server draws from the same budget as the TCP servers (and so do its WebSockets).
  const openFiles = processOpenFilesBudget();
  const openFilesShort = openFilesNote(
    [
      { key: 'jt808.connectionsMax', value: GATEWAY_DEFAULTS.connectionsMax, explicit: false },
      { key: 'jt809.connectionsMax', value: JT809_DEFAULTS.connectionsMax, explicit: false },
      {
        key: 'jt1078.connectionsMax (live and playback)',
        value: 2 * MEDIA_SERVER_DEFAULTS.connectionsMax,
        explicit: false,
      },
      {
        key: 'http.connectionsMax',
        value: httpOptions.connectionsMax,
        explicit: httpOptions.connectionsMax !== HTTP_SERVER_DEFAULTS.connectionsMax,
      },
    ],
    openFiles,
  );
  if (openFilesShort !== undefined)
    logger[openFilesShort.level](openFilesShort.message, {
      openFilesLimit: openFiles.limit,
      connectionsBudget: openFiles.connectionsMax,
    });

  const router = new Router(1 << 20, { logger: logger.child({ component: 'http' }), metrics });
  const geo = henanGeo();
  registerRoutes(router, { accounts, metrics, geoJson: () => geo });
  registerHealthRoutes(router, { readiness });
  registerRulesConfigRoutes(router, { accounts, sql, rules: engine });
  registerTerminalCommandRoutes(router, { accounts, sql, link: gateway });
  registerVehicleRoutes(router, {
    accounts,
    analytics,
    sql,
    covers: sees,
    orgCodeAt,
    mediaDir: path.join(config.dataDir, 'media'),
  });
  registerVideoRoutes(router, {
    accounts,
    sql,
    analytics,
    covers: sees,
    orgCodeAt,
    livePhone: (terminalNumber) => gateway.livePhone(terminalNumber),
    media,
    tickets: videoTickets,
  });
  const sourceKeys = new SourceKeys(sql, logger);
  const ingestRate = config.ingestRecordsPerSecondPerKey ?? HTTP_INGEST_DEFAULTS.recordsPerSecondPerKey;
  const ingest = new HttpIngest(
    // A key may burst four seconds' worth of records, and always at least one full request.
    {
      ...HTTP_INGEST_DEFAULTS,
      recordsPerSecondPerKey: ingestRate,
      burstRecordsPerKey: Math.max(HTTP_INGEST_DEFAULTS.recordsPerRequestMax, ingestRate * 4),
    },
    { log, keys: sourceKeys, registry, logger: logger.child({ component: 'ingest-http' }), metrics },
  );
  registerIngestRoutes(router, { accounts, sourceKeys, ingest, platforms: jt809Platforms });
  jt809Requests.register(router, accounts);
  const centre = await startCommandCentre({
    sql,
    accounts,
    logger: logger.child({ component: 'center' }),
    metrics,
    provinceCode: HENAN_PROVINCE_CODE,
    router,
    log,
    clickhouse: analytics.client,
    analytics,
    clickhouseWriter: analytics.writer,
    publish: (message, visibleTo) => hub.publishScoped(message, visibleTo),
    vehicleOf: (terminalId, plate) => registeredVehicle(registry, terminalId, plate),
    org,
  });
  registerSqlRoutes(router, {
    accounts,
    analytics,
    org: centre.org,
    metrics,
    logger: logger.child({ component: 'sql' }),
  });
  // A programmer's error, caught by every test that starts a node: /api/docs must name every route, and only those.
  if (centre.api) {
    documentRouterRoutes(centre.api);
    const mismatch = routeDocumentMismatch(router.routes(), centre.api.endpoints);
    if (mismatch.undocumented.length > 0 || mismatch.unrouted.length > 0)
      throw new Error(
        `the OpenAPI document and the router disagree: not documented ${mismatch.undocumented.join(', ') || 'none'}; documented but not routed ${mismatch.unrouted.join(', ') || 'none'}`,
      );
  }
  const http: HttpNode = await listenHttp(httpOptions, {
    router,
    fallback: staticFiles(WALL_DIST),
    hub,
    video: videoSockets,
    logger: logger.child({ component: 'http' }),
    metrics,
    budget: openFiles,
  });
  const wallToken = await accounts.provisionWallToken(HENAN_PROVINCE_CODE, 'start-up');
  readiness.recover(NODE_PART);

  return {
    httpPort: http.port,
    jt808Port,
    jt809Port,
    jt1078LivePort: mediaPorts.livePort,
    jt1078PlaybackPort: mediaPorts.playbackPort,
    wallToken,
    generatedAdminPassword,
    analytics,
    sql,
    log,
    gateway,
    registry,
    close: async () => {
      readiness.fail(NODE_PART, 'stopping', 'the node is stopping');
      videoSockets.stop();
      await media.close();
      await gateway.close();
      await jt809.close();
      await jt809Requests.stop();
      // The hub closes its WebSockets first: an upgraded socket still holds the HTTP server's close() open.
      await hub.stop();
      await http.close();
      await sourceKeys.close();
      await engine.stop();
      // The centres stop taking alarms and mirror their last steps before ClickHouse closes.
      await centre.close();
      // Sinks stop last so that whatever the rules produced on the way out is still written. On Kafka they stop
      // before the log closes: their last inserts are committed, so a restart does not insert them again.
      if (log.kind === 'kafka') {
        for (const sink of sinks) await sink.stop();
        await log.close();
      } else {
        await log.close();
        for (const sink of sinks) await sink.stop();
      }
      await storageHealth.stop();
      await analytics.close();
      await sql.close();
    },
  };
}

export function defaultDataDir(): string {
  return path.resolve('data');
}
