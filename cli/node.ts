/**
 * Composes one Vigil node from its parts: stores, event log, sinks, rules, gateway, API and feed. The embedded
 * node runs everything in one process; each part talks to the others only through the event log and the
 * stores, which is what lets them be split across machines later.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ALARMS,
  HENAN_PROVINCE_CODE,
  INGEST_REJECTS,
  TELEMETRY,
  countyAt,
  henanGeo,
  isWithin,
  type Logger,
  type Metrics,
} from '../schema/index.js';
import { openAnalytics, openOperational, type Analytics, type Sql } from '../store/index.js';
import { MemoryLog, PositionEngine, TableSink, TOPICS, overspeedRule, type EventLog } from '../stream/index.js';
import { GATEWAY_DEFAULTS, Jt808Gateway } from '../ingest/index.js';
import { Accounts, FeedHub, FEED_HUB_DEFAULTS, Router, TerminalStore, listenHttp, registerRoutes, seedOrgUnits, staticFiles, type HttpNode } from '../center/index.js';

export interface NodeConfig {
  dataDir: string;
  httpHost: string;
  httpPort: number;
  jt808Host: string;
  jt808Port: number;
  clickhouseUrl?: string;
  adminPassword?: string;
  logPartitions: number;
  requireTerminalAuth: boolean;
}

export interface RunningNode {
  httpPort: number;
  jt808Port: number;
  wallToken: string;
  generatedAdminPassword: string | null;
  analytics: Analytics;
  sql: Sql;
  log: EventLog;
  gateway: Jt808Gateway;
  close(): Promise<void>;
}

const WALL_DIST = fileURLToPath(new URL('../wall/dist', import.meta.url));

function orgCodeAt(lon: number, lat: number): string {
  return countyAt(lon, lat)?.code ?? HENAN_PROVINCE_CODE;
}

function covers(scope: string, code: string): boolean {
  return scope === code || isWithin(code, scope);
}

export async function startNode(config: NodeConfig, logger: Logger, metrics: Metrics): Promise<RunningNode> {
  let ready = false;
  const analytics = await openAnalytics(config.clickhouseUrl ? { kind: 'server', url: config.clickhouseUrl } : { kind: 'embedded', dataDir: config.dataDir });
  const sql = await openOperational({ kind: 'embedded', dataDir: config.dataDir });
  const seeded = await seedOrgUnits(sql);
  if (seeded > 0) logger.info('org units seeded', { count: seeded });
  const accounts = new Accounts(sql);
  const generatedAdminPassword = await accounts.ensureAdmin(HENAN_PROVINCE_CODE, config.adminPassword);

  const log = new MemoryLog({
    partitions: config.logPartitions,
    backlogPerPartitionMax: 50_000,
    durableGroups: { [TOPICS.telemetry]: 'sink-telemetry', [TOPICS.alarms]: 'sink-alarms', [TOPICS.rejects]: 'sink-rejects' },
  });
  const observe = { logger, metrics };
  const sinks = [
    new TableSink(log, TOPICS.telemetry, 'sink-telemetry', analytics.client, TELEMETRY, observe),
    new TableSink(log, TOPICS.alarms, 'sink-alarms', analytics.client, ALARMS, observe),
    new TableSink(log, TOPICS.rejects, 'sink-rejects', analytics.client, INGEST_REJECTS, observe),
  ];
  for (const sink of sinks) sink.start();
  metrics.onCollect(() => {
    for (const topic of Object.values(TOPICS)) metrics.gauge('vigil_log_backlog', 'Messages not yet processed by every consumer group', ['topic']).set({ topic }, log.backlog(topic));
  });

  const engine = new PositionEngine([overspeedRule], {
    log,
    logger,
    metrics,
    vehicleFacts: (terminalId, plate) => ({ terminalId, plate, vehicleClass: 'other' }),
    orgCodeOf: (vehicle, lat, lon) => vehicle.homeOrgCode ?? orgCodeAt(lon, lat),
  });
  engine.start();

  const hub = new FeedHub(
    {
      log,
      logger,
      metrics,
      authenticate: (token) => accounts.authenticate(token),
      covers,
      vehicleOrgCode: (v) => orgCodeAt(v.lon, v.lat),
      vehicleClassOf: () => 'other',
    },
    FEED_HUB_DEFAULTS,
  );
  hub.start();

  const gateway = new Jt808Gateway(
    { ...GATEWAY_DEFAULTS, host: config.jt808Host, port: config.jt808Port, requireAuthentication: config.requireTerminalAuth },
    { log, directory: new TerminalStore(sql), logger: logger.child({ component: 'jt808' }), metrics },
  );
  const jt808Port = await gateway.listen();

  const router = new Router(1 << 20);
  const geo = henanGeo();
  registerRoutes(router, { accounts, analytics, metrics, isReady: () => ready, geoJson: () => geo });
  const http: HttpNode = await listenHttp(router, staticFiles(WALL_DIST), hub, config.httpHost, config.httpPort, logger);
  const wallToken = await accounts.provisionWallToken(HENAN_PROVINCE_CODE, 'start-up');
  ready = true;

  return {
    httpPort: http.port,
    jt808Port,
    wallToken,
    generatedAdminPassword,
    analytics,
    sql,
    log,
    gateway,
    close: async () => {
      ready = false;
      await gateway.close();
      await http.close();
      await hub.stop();
      await engine.stop();
      // Sinks stop last so that whatever the rules produced on the way out is still written.
      await log.close();
      for (const sink of sinks) await sink.stop();
      await analytics.close();
      await sql.close();
    },
  };
}

export function defaultDataDir(): string {
  return path.resolve('data');
}
