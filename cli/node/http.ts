/**
 * The node's HTTP steps: ingestion of roadside and registry sources, then the routes and the server itself, which
 * also carries the feed's and the video's WebSockets. The server listens last of all the node's ports but the
 * wall's token, so nothing answers a browser before every part behind the routes has started.
 */
import path from 'node:path';
import { henanGeo, packagePath, type Readiness } from '../../schema/index.js';
import type { Analytics, Sql } from '../../store/index.js';
import type { EventLog, RulesRunner } from '../../stream/index.js';
import {
  ATTACHMENT_SERVER_DEFAULTS,
  ATTACHMENTS_DIR_NAME,
  GATEWAY_DEFAULTS,
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
  staticFiles,
  type CommandCentre,
  type UpperRequests,
  HTTP_SERVER_DEFAULTS,
  type FeedHub,
  type HttpNode,
  type HttpServerOptions,
  type Router,
} from '../../center/index.js';
import type { Directory } from './directory.js';
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
): Promise<Started<{ ingest: HttpIngest; sourceKeys: SourceKeys }>> {
  const sourceKeys = new SourceKeys(deps.sql, logger);
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
      logger: logger.child({ component: 'ingest-http' }),
      metrics,
    },
  );
  return { value: { ingest, sourceKeys }, close: () => sourceKeys.close() };
}

export interface HttpParts {
  router: Router;
  directory: Directory;
  sql: Sql;
  analytics: Analytics;
  readiness: Readiness;
  rules: RulesRunner;
  gateway: Jt808Gateway;
  video: Video;
  jt809: Jt809;
  /** The upper platform's 查岗 and 督办 to this province (routes exist with or without an upward link). */
  upperRequests: UpperRequests;
  ingest: { ingest: HttpIngest; sourceKeys: SourceKeys };
  centre: CommandCentre;
  hub: FeedHub;
  orgCodeAt: (lon: number, lat: number) => string;
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
  const { router, directory, sql, analytics, video, gateway, jt809, centre } = parts;
  const { accounts, sees } = directory;
  const geo = henanGeo();
  registerRoutes(router, { accounts, metrics: observe.metrics, geoJson: () => geo });
  registerHealthRoutes(router, { readiness: parts.readiness });
  registerRulesConfigRoutes(router, { accounts, sql, rules: parts.rules });
  registerTerminalCommandRoutes(router, { accounts, sql, link: gateway });
  const vehicleRoutes = {
    accounts,
    analytics,
    sql,
    covers: sees,
    orgCodeAt: parts.orgCodeAt,
    mediaDir: mediaDirOf(config),
  };
  registerVehicleRoutes(router, vehicleRoutes);
  registerAttachmentRoutes(router, {
    ...vehicleRoutes,
    attachmentsDir: path.join(config.dataDir, ATTACHMENTS_DIR_NAME),
  });
  registerVideoRoutes(router, {
    accounts,
    sql,
    analytics,
    covers: sees,
    orgCodeAt: parts.orgCodeAt,
    livePhone: (terminalNumber) => gateway.livePhone(terminalNumber),
    media: video.media,
    tickets: video.tickets,
  });
  registerIngestRoutes(router, {
    accounts,
    sourceKeys: parts.ingest.sourceKeys,
    ingest: parts.ingest.ingest,
    platforms: jt809.platforms,
  });
  if (centre.api)
    registerUploadRoutes(centre.api, {
      uploads: new Uploads({ sql, org: centre.org, ingest: parts.ingest.ingest }),
    });
  jt809.requests.register(router, accounts);
  parts.upperRequests.register(router, accounts);
  const sqlDeps = {
    accounts,
    analytics,
    org: centre.org,
    metrics: observe.metrics,
    logger: observe.logger.child({ component: 'sql' }),
  };
  registerSqlRoutes(router, sqlDeps);
  registerClickHouseHttpRoutes(router, sqlDeps);
  // A programmer's error, caught by every test that starts a node: /api/docs must name every route, and only those.
  if (centre.api) {
    documentRouterRoutes(centre.api);
    const mismatch = routeDocumentMismatch(router.routes(), centre.api.endpoints);
    if (mismatch.undocumented.length > 0 || mismatch.unrouted.length > 0)
      throw new Error(
        `the OpenAPI document and the router disagree: not documented ${mismatch.undocumented.join(', ') || 'none'}; documented but not routed ${mismatch.unrouted.join(', ') || 'none'}`,
      );
  }
}

export async function startHttp(
  config: NodeConfig,
  httpOptions: HttpServerOptions,
  parts: HttpParts,
  observe: Observe,
): Promise<Started<HttpNode>> {
  registerNodeRoutes(config, parts, observe);
  const http = await listenHttp(httpOptions, {
    router: parts.router,
    fallback: staticFiles(WALL_DIST),
    hub: parts.hub,
    video: parts.video.sockets,
    logger: observe.logger.child({ component: 'http' }),
    metrics: observe.metrics,
    budget: warnOpenFiles(httpOptions, observe),
  });
  return {
    value: http,
    close: async () => {
      // An upgraded socket still holds the server's close() open: the video viewers and the feed's clients go
      // first (the hub's own step stops it again, which does nothing more).
      parts.video.sockets.stop();
      await parts.hub.stop();
      await http.close();
    },
  };
}
