/**
 * The node's HTTP steps: ingestion of roadside and registry sources, then the routes and the server itself, which
 * also carries the feed's and the video's WebSockets. The server listens last of all the node's ports but the
 * wall's token, so nothing answers a browser before every part behind the routes has started.
 */
import path from 'node:path';
import { packagePath, provinceGeoServed, type Readiness } from '../../schema/index.js';
import type { Analytics, Sql } from '../../store/index.js';
import type { EventLog, RulesConfigService } from '../../stream/index.js';
import {
  AIS_LISTENERS_DEFAULTS,
  AisListeners,
  ATTACHMENT_SERVER_DEFAULTS,
  ATTACHMENTS_DIR_NAME,
  GATEWAY_DEFAULTS,
  GtfsRtPoller,
  HTTP_INGEST_DEFAULTS,
  HttpIngest,
  JT809_DEFAULTS,
  MEDIA_SERVER_DEFAULTS,
  openFilesNote,
  processOpenFilesBudget,
  type Jt808Gateway,
} from '../../ingest/index.js';
import {
  documentRouterRoutes,
  listenHttp,
  registerHealthRoutes,
  registerIngestRoutes,
  registerRoutes,
  registerUploadRoutes,
  Uploads,
  registerRulesConfigRoutes,
  registerSqlRoutes,
  registerClickHouseHttpRoutes,
  registerTerminalCommandRoutes,
  registerVehicleRoutes,
  registerAttachmentRoutes,
  registerVideoRoutes,
  routeDocumentMismatch,
  SourceKeys,
  SOURCE_KEYS_DEFAULTS,
  staticFiles,
  type CommandCentre,
  type UpperRequests,
  HTTP_SERVER_DEFAULTS,
  type FeedHub,
  type Handler,
  type HttpNode,
  type HttpServerOptions,
  type Router,
  type TerminalLink,
} from '../../center/index.js';
import type { Directory } from './directory.js';
import type { ClusterJobs } from './cluster-jobs.js';
import type { Jt809, Video } from './listeners.js';
import { mediaDirOf } from './listeners.js';
import type { NodeConfig } from './node-config.js';
import type { Started } from './node-parts.js';
import type { Observe } from './stores.js';

/** The built wall and console, served for every path no route takes. */
export const WALL_DIST = packagePath('wall', 'dist');

/** Bytes of a request body the router reads before refusing it (`too_large`); ingestion batches fit. */
export const REQUEST_BODY_BYTES_MAX = 1 << 20;

/** Seconds of its sustained rate a source key may post at once (and always at least one full request). */
export const INGEST_BURST_SECONDS = 4;

export async function startHttpIngest(
  config: NodeConfig,
  deps: { log: EventLog; sql: Sql; directory: Directory },
  { logger, metrics }: Observe,
  { deferGtfsRtPoll }: { deferGtfsRtPoll: boolean } = { deferGtfsRtPoll: false },
): Promise<
  Started<{
    ingest: HttpIngest;
    sourceKeys: SourceKeys;
    aisPorts: { tcpPort?: number; udpPort?: number };
    /** The GTFS-Realtime poll when deferred: a centre node of a cluster runs it among the cluster's jobs. */
    gtfsRtPoll: ClusterJobs | undefined;
  }>
> {
  const sourceKeys = new SourceKeys(deps.sql, logger, SOURCE_KEYS_DEFAULTS, deps.directory.org);
  const rate = config.ingestRecordsPerSecondPerKey ?? HTTP_INGEST_DEFAULTS.recordsPerSecondPerKey;
  const ingest = new HttpIngest(
    {
      ...HTTP_INGEST_DEFAULTS,
      recordsPerSecondPerKey: rate,
      burstRecordsPerKey: Math.max(HTTP_INGEST_DEFAULTS.recordsPerRequestMax, rate * INGEST_BURST_SECONDS),
    },
    {
      log: deps.log,
      keys: sourceKeys,
      registry: deps.directory.registry,
      vehicles: deps.directory.registry,
      logger: logger.child({ component: 'ingest-http' }),
      metrics,
    },
  );
  // The operator's feed, pulled from its URL: checked here, so a bad option stops start-up naming it.
  const poller =
    config.gtfsRtPoll === undefined
      ? undefined
      : new GtfsRtPoller(config.gtfsRtPoll, {
          ingest,
          logger: logger.child({ component: 'gtfs-rt-poll' }),
          metrics,
        });
  // AIS streams, ingested with their key: a refused key or a taken port stops start-up naming it.
  const ais =
    config.aisListeners === undefined
      ? undefined
      : new AisListeners(
          { ...AIS_LISTENERS_DEFAULTS, ...config.aisListeners },
          { ingest, logger: logger.child({ component: 'ais' }), metrics },
        );
  let aisPorts: { tcpPort?: number; udpPort?: number } = {};
  try {
    if (ais) aisPorts = await ais.listen();
  } catch (error) {
    await ais?.close();
    await sourceKeys.close();
    throw new Error(`--ais-key / --ais-tcp-port / --ais-udp-port: ${(error as Error).message}`);
  }
  // Polled by one node of a cluster: each node's poll would put every entity in Kafka once more, double the key's
  // rate and fetch the operator's feed once per node (cluster-jobs.ts).
  if (!deferGtfsRtPoll) poller?.start();
  return {
    value: { ingest, sourceKeys, aisPorts, gtfsRtPoll: deferGtfsRtPoll ? poller : undefined },
    close: async () => {
      await ais?.close();
      await poller?.stop();
      await sourceKeys.close();
    },
  };
}

/**
 * What the HTTP server of a process serves, by the parts its role started: a part that is absent has no routes
 * here (they are served by the process of its role). Role `all` has every part.
 */
export interface HttpParts {
  router: Router;
  directory: Directory;
  sql: Sql;
  readiness: Readiness;
  orgCodeAt: (lon: number, lat: number) => string;
  /** Which node this is and who runs the cluster's jobs, in /api/health's answers. */
  about?: () => Record<string, unknown>;
  /** The rules (stream role): their configuration routes. */
  rules?: RulesConfigService;
  /** The listeners (gateway role): terminal commands, ingestion, JT/T 809 requests. */
  gateways?: {
    gateway: Jt808Gateway;
    video: Video;
    jt809: Jt809;
    ingest: { ingest: HttpIngest; sourceKeys: SourceKeys };
  };
  /** The centre (center role): API, feed, wall, vehicles, analysts' SQL, the upper platform's requests. */
  centre?: {
    analytics: Analytics;
    centre: CommandCentre;
    hub: FeedHub;
    /** The upper platform's 查岗 and 督办 to this province (routes exist with or without an upward link). */
    upperRequests: UpperRequests;
    /** Without gateways in this process: commands reach terminals through the gateways holding their sessions. */
    terminals?: TerminalLink;
    /** The ingestion uploaded files go through (the same normalizers, scope and durability as a source's POST). */
    uploads: HttpIngest;
  };
}

/**
 * Not fatal: beyond the budget every listener refuses with reason fd_limit, and the defaults must start on small
 * machines — so with the built-in bounds this is information, and a warning only for a bound the operator set.
 */
function warnOpenFiles(httpOptions: HttpServerOptions, observe: Observe): ReturnType<typeof processOpenFilesBudget> {
  // The HTTP server draws from the same budget as the TCP servers (and so do its WebSockets).
  const openFiles = processOpenFilesBudget();
  const note = openFilesNote(
    [
      { key: 'jt808.connectionsMax', value: GATEWAY_DEFAULTS.connectionsMax, explicit: false },
      { key: 'jt809.connectionsMax', value: JT809_DEFAULTS.connectionsMax, explicit: false },
      {
        key: 'jt1078.connectionsMax (live and playback)',
        value: 2 * MEDIA_SERVER_DEFAULTS.connectionsMax,
        explicit: false,
      },
      { key: 'attachments.connectionsMax', value: ATTACHMENT_SERVER_DEFAULTS.connectionsMax, explicit: false },
      {
        key: 'http.connectionsMax',
        value: httpOptions.connectionsMax,
        explicit: httpOptions.connectionsMax !== HTTP_SERVER_DEFAULTS.connectionsMax,
      },
    ],
    openFiles,
  );
  if (note !== undefined)
    observe.logger[note.level](note.message, {
      openFilesLimit: openFiles.limit,
      connectionsBudget: openFiles.connectionsMax,
    });
  return openFiles;
}

function registerNodeRoutes(config: NodeConfig, parts: HttpParts, observe: Observe): void {
  const { router, directory, sql } = parts;
  const { accounts } = directory;
  const geo = provinceGeoServed();
  registerRoutes(router, { accounts, metrics: observe.metrics, geoJson: () => geo });
  registerHealthRoutes(router, { readiness: parts.readiness, about: parts.about });
  if (parts.rules) registerRulesConfigRoutes(router, { accounts, sql, rules: parts.rules });
  if (parts.gateways) registerGatewayRoutes(parts.gateways, parts);
  if (parts.centre) registerCentreRoutes(config, parts.centre, parts, observe);
  if (parts.gateways && parts.centre) registerVideoAndAttachmentRoutes(config, parts.gateways, parts.centre, parts);
  // A programmer's error, caught by every test that starts a node: /api/docs must name every route, and on the
  // whole node only those (a centre of its own documents the routes its gateways and stream workers serve too).
  const api = parts.centre?.centre.api;
  if (api) {
    documentRouterRoutes(api);
    const mismatch = routeDocumentMismatch(router.routes(), api.endpoints);
    const whole = parts.gateways !== undefined && parts.rules !== undefined;
    if (mismatch.undocumented.length > 0 || (whole && mismatch.unrouted.length > 0))
      throw new Error(
        `the OpenAPI document and the router disagree: not documented ${mismatch.undocumented.join(', ') || 'none'}; documented but not routed ${mismatch.unrouted.join(', ') || 'none'}`,
      );
  }
}

/** Where data enters and commands leave: terminal commands go out on this process's sessions. */
function registerGatewayRoutes(gateways: NonNullable<HttpParts['gateways']>, parts: HttpParts): void {
  const { router, directory, sql } = parts;
  const { accounts } = directory;
  registerTerminalCommandRoutes(router, { accounts, sql, link: gateways.gateway });
  registerIngestRoutes(router, {
    accounts,
    sourceKeys: gateways.ingest.sourceKeys,
    ingest: gateways.ingest.ingest,
    platforms: gateways.jt809.platforms,
  });
  gateways.jt809.requests.register(router, accounts);
}

function registerCentreRoutes(
  config: NodeConfig,
  centre: NonNullable<HttpParts['centre']>,
  parts: HttpParts,
  observe: Observe,
): void {
  const { router, directory } = parts;
  const { accounts } = directory;
  const { analytics } = centre;
  registerVehicleRoutes(router, vehicleRouteDeps(config, centre, parts));
  if (centre.terminals) registerTerminalCommandRoutes(router, { accounts, sql: parts.sql, link: centre.terminals });
  centre.upperRequests.register(router, accounts);
  const sqlDeps = {
    accounts,
    analytics,
    org: centre.centre.org,
    metrics: observe.metrics,
    logger: observe.logger.child({ component: 'sql' }),
  };
  registerSqlRoutes(router, sqlDeps);
  registerClickHouseHttpRoutes(router, sqlDeps);
  // Uploads are the console's: served by the centre, applied through its own HTTP ingestion onto the log.
  if (centre.centre.api)
    registerUploadRoutes(centre.centre.api, {
      uploads: new Uploads({ sql: parts.sql, org: centre.centre.org, ingest: centre.uploads }),
    });
}

function vehicleRouteDeps(
  config: NodeConfig,
  centre: NonNullable<HttpParts['centre']>,
  parts: HttpParts,
): Parameters<typeof registerVehicleRoutes>[1] {
  return {
    accounts: parts.directory.accounts,
    analytics: centre.analytics,
    sql: parts.sql,
    covers: parts.directory.sees,
    orgCodeAt: parts.orgCodeAt,
    mediaDir: mediaDirOf(config),
  };
}

/** Video and attachments need a terminal's session and the centre's ClickHouse in one process. */
function registerVideoAndAttachmentRoutes(
  config: NodeConfig,
  gateways: NonNullable<HttpParts['gateways']>,
  centre: NonNullable<HttpParts['centre']>,
  parts: HttpParts,
): void {
  const { router, directory, sql } = parts;
  const { gateway, video } = gateways;
  registerAttachmentRoutes(router, {
    ...vehicleRouteDeps(config, centre, parts),
    attachmentsDir: path.join(config.dataDir, ATTACHMENTS_DIR_NAME),
  });
  registerVideoRoutes(router, {
    accounts: directory.accounts,
    sql,
    analytics: centre.analytics,
    covers: directory.sees,
    orgCodeAt: parts.orgCodeAt,
    livePhone: (terminalNumber) => gateway.livePhone(terminalNumber),
    media: video.media,
    tickets: video.tickets,
  });
}

/** What a process without the wall answers for paths no route takes. */
const NO_WALL: Handler = () => ({
  status: 404,
  body: { error: 'not_found', detail: 'no such route; the wall and the console are served by the centre' },
});

export async function startHttp(
  config: NodeConfig,
  httpOptions: HttpServerOptions,
  parts: HttpParts,
  observe: Observe,
): Promise<Started<HttpNode>> {
  registerNodeRoutes(config, parts, observe);
  const video = parts.centre ? parts.gateways?.video : undefined;
  const hub = parts.centre?.hub;
  const http = await listenHttp(httpOptions, {
    router: parts.router,
    fallback: parts.centre ? staticFiles(WALL_DIST) : NO_WALL,
    hub,
    video: video?.sockets,
    logger: observe.logger.child({ component: 'http' }),
    metrics: observe.metrics,
    budget: warnOpenFiles(httpOptions, observe),
  });
  return {
    value: http,
    close: async () => {
      // An upgraded socket still holds the server's close() open: the video viewers and the feed's clients go
      // first (the hub's own step stops it again, which does nothing more).
      video?.sockets.stop();
      await hub?.stop();
      await http.close();
    },
  };
}
