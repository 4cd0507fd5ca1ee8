/**
 * Composes one Vigil node from its parts: stores, event log, sinks, rules, gateways, API and feed. The embedded
 * node runs everything in one process. The data flows only through the event log and the stores; the few direct
 * calls between parts (downlink commands through the gateway, alarms into the feed hub, 809 requests through the
 * 809 links, the shared directory) are wired here, in the steps' arguments, and nowhere else.
 *
 * Start-up is a list of named steps (`cli/node/`), each returning what it started and how to stop it. They run
 * in order; the node stops them in the reverse order, and so does a start-up that fails part way: everything
 * already started is stopped and the error (NodeStartError) names the step that failed.
 */
import path from 'node:path';
import { countyAt, Readiness, type Logger, type Metrics } from '../schema/index.js';
import { checkHttpServerOptions, HTTP_SERVER_DEFAULTS, loadProvince, Router } from '../center/index.js';
import type { HttpServerOptions } from '../center/index.js';
import {
  NodeParts,
  REQUEST_BODY_BYTES_MAX,
  startAnalytics,
  startCentre,
  startDirectory,
  startEventLog,
  startFeedHub,
  startHttp,
  startHttpIngest,
  startJt808Gateway,
  startJt809,
  startOperationalStore,
  startRules,
  startSinks,
  startAttachmentServer,
  startJt809Upward,
  startStorageHealth,
  startVideo,
  type NodeConfig,
  type RunningNode,
} from './node/index.js';

export { NodeStartError, NodeStopError } from './node/index.js';
export type { NodeConfig, RunningNode } from './node/index.js';

/** The readiness part of the node as a whole: not ready while it starts and once it stops. */
const NODE_PART = 'node';

/** Who provisioned the wall's token, in the audit log. */
const WALL_TOKEN_PEER = 'start-up';

export async function startNode(config: NodeConfig, logger: Logger, metrics: Metrics): Promise<RunningNode> {
  const readiness = new Readiness();
  readiness.fail(NODE_PART, 'starting', 'the node is starting');
  metrics.onCollect(() =>
    metrics
      .gauge('vigil_ready', '1 when the node is ready (GET /api/health/ready)')
      .set(undefined, readiness.ready ? 1 : 0),
  );
  const observe = { logger, metrics, readiness };
  const parts = new NodeParts(logger.child({ component: 'node' }));
  const step = parts.start.bind(parts);

  // Checked before anything opens, so bad configuration stops start-up with nothing to close.
  const { httpOptions, province } = await step('configuration', () => ({ value: checkedConfiguration(config) }));
  // A fix outside every county is stamped with the province, which every province user sees.
  const orgCodeAt = (lon: number, lat: number): string => countyAt(lon, lat)?.code ?? province.code;

  const log = await step('event-log', () => startEventLog(config, observe));
  const analytics = await step('analytics', () => startAnalytics(config, logger));
  const sql = await step('operational-store', () => startOperationalStore(config));
  await step('storage-health', () => startStorageHealth(config, sql, observe));
  const directory = await step('directory', () => startDirectory(config, province, sql, logger));
  await step('sinks', () => startSinks(log, analytics, observe));
  const hub = await step('feed-hub', () => startFeedHub(log, analytics, directory, observe, orgCodeAt));
  // Routes are only registered here; the server listens in the last step.
  const router = new Router(REQUEST_BODY_BYTES_MAX, { logger: logger.child({ component: 'http' }), metrics });
  const centre = await step('command-centre', () =>
    startCentre({ sql, log, analytics, router, hub, directory }, province, observe),
  );
  const rules = await step('rules', () => startRules(config, { log, analytics, directory }, observe));
  const jt808 = await step('jt808-gateway', () => startJt808Gateway(config, { log, sql }, observe));
  const video = await step('jt1078-video', () =>
    startVideo(config, { log, gateway: jt808.gateway, directory }, observe),
  );
  const attachments = await step('attachments', () =>
    startAttachmentServer(config, { log, gateway: jt808.gateway }, observe),
  );
  const jt809 = await step('jt809', () => startJt809(config, { log, sql, directory }, observe));
  const upward = await step('jt809-upward', () =>
    startJt809Upward(config, { log, sql, directory, provinceCode: province.code }, observe),
  );
  const ingest = await step('http-ingest', () => startHttpIngest(config, { log, sql, directory }, observe));
  const http = await step('http', () =>
    startHttp(
      config,
      httpOptions,
      {
        router,
        directory,
        sql,
        analytics,
        readiness,
        rules,
        gateway: jt808.gateway,
        video,
        jt809,
        upperRequests: upward.requests,
        ingest,
        centre,
        hub,
        orgCodeAt,
      },
      observe,
    ),
  );
  const wallToken = await step('wall-token', async () => ({
    value: await directory.accounts.provisionWallToken(province.code, WALL_TOKEN_PEER),
  }));
  readiness.recover(NODE_PART);

  return {
    httpPort: http.port,
    jt808Port: jt808.port,
    jt809Port: jt809.port,
    jt1078LivePort: video.ports.livePort,
    jt1078PlaybackPort: video.ports.playbackPort,
    attachmentPort: attachments.port,
    wallToken,
    generatedAdminPassword: directory.generatedAdminPassword,
    analytics,
    sql,
    log,
    gateway: jt808.gateway,
    registry: directory.registry,
    close: async () => {
      readiness.fail(NODE_PART, 'stopping', 'the node is stopping');
      await parts.close();
    },
  };
}

function checkedConfiguration(config: NodeConfig): {
  httpOptions: HttpServerOptions;
  province: ReturnType<typeof loadProvince>;
} {
  const httpOptions: HttpServerOptions = {
    ...HTTP_SERVER_DEFAULTS,
    ...config.http,
    host: config.httpHost,
    port: config.httpPort,
  };
  checkHttpServerOptions(httpOptions);
  return { httpOptions, province: loadProvince(config.dataDir, config.province) };
}

export function defaultDataDir(): string {
  return path.resolve('data');
}
