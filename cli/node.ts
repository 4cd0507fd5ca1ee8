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
import { countyAt, Readiness, useProvinceReference, type Logger, type Metrics } from '../schema/index.js';
import {
  checkDocumentScheduleOptions,
  checkHttpServerOptions,
  DOCUMENT_SCHEDULE_DEFAULTS,
  HTTP_SERVER_DEFAULTS,
  keepProvinceOfDataDir,
  loadProvince,
  Router,
} from '../center/index.js';
import type { CommandCentre, FeedHub, HttpServerOptions, TerminalLink } from '../center/index.js';
import type { Jt808Gateway } from '../ingest/index.js';
import type { Analytics, Sql } from '../store/index.js';
import type { EventLog } from '../stream/index.js';
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
  startDownlinkRelay,
  startRemoteTerminals,
  checkRoleConfig,
  partsOf,
  centreNodeLog,
  leadClusterJobs,
  resolveNodeId,
  type ClusterJobs,
  type ClusterJobsStatus,
  type Started,
  type Directory,
  type Jt809,
  type NodeConfig,
  type RunningNode,
  type RunningRole,
  type Video,
} from './node/index.js';

export {
  checkRoleConfig,
  nodeIdProblem,
  NodeStartError,
  NodeStopError,
  NODE_ROLES,
  RoleConfigError,
} from './node/index.js';
export type { NodeConfig, NodeRole, RunningNode, RunningRole } from './node/index.js';

/** The readiness part of the node as a whole: not ready while it starts and once it stops. */
const NODE_PART = 'node';

/** Who provisioned the wall's token, in the audit log. */
const WALL_TOKEN_PEER = 'start-up';

/**
 * The whole node (role `all`, whatever `config.role` says): every part, for the embedded default, the tests and
 * the benchmarks.
 */
export async function startNode(config: NodeConfig, logger: Logger, metrics: Metrics): Promise<RunningNode> {
  const running = await startRole({ ...config, role: 'all' }, logger, metrics);
  const { analytics, gateway, jt808Port, jt809Port, jt1078LivePort, jt1078PlaybackPort, attachmentPort, wallToken } =
    running;
  if (
    analytics === undefined ||
    gateway === undefined ||
    jt808Port === undefined ||
    jt809Port === undefined ||
    jt1078LivePort === undefined ||
    jt1078PlaybackPort === undefined ||
    attachmentPort === undefined ||
    wallToken === undefined
  ) {
    await running.close();
    throw new Error('role all started without one of its parts');
  }
  return {
    ...running,
    analytics,
    gateway,
    jt808Port,
    jt809Port,
    jt1078LivePort,
    jt1078PlaybackPort,
    attachmentPort,
    wallToken,
  };
}

/**
 * One process of `config.role` (default `all`): only the steps its role needs start (cli/node/roles.ts). Every
 * role starts the event log, the operational store and the directory, and serves health and metrics over HTTP.
 */
export async function startRole(config: NodeConfig, logger: Logger, metrics: Metrics): Promise<RunningRole> {
  const role = config.role ?? 'all';
  const serves = partsOf(role);
  const readiness = new Readiness();
  readiness.fail(NODE_PART, 'starting', 'the node is starting');
  metrics.onCollect(() =>
    metrics
      .gauge('vigil_ready', '1 when the node is ready (GET /api/health/ready)')
      .set(undefined, readiness.ready ? 1 : 0),
  );
  const observe = { logger, metrics, readiness };
  const parts = new NodeParts(logger.child({ component: 'node' }));
  if (role !== 'all') logger.info('starting one role of the node', { role, runs: serves });
  const step = parts.start.bind(parts);

  // Checked before anything opens, so bad configuration stops start-up with nothing to close.
  const { httpOptions, province, nodeId } = await step('configuration', () => ({
    value: checkedConfiguration(config),
  }));
  // A fix outside every county is stamped with the province, which every province user sees.
  const orgCodeAt = (lon: number, lat: number): string => countyAt(lon, lat)?.code ?? province.code;

  const log = await step('event-log', () => startEventLog(config, observe));
  // Centre nodes of a cluster each read what they show under groups of their own (cli/node/centre-groups.ts).
  const analyticsShared = config.clickhouseUrl !== undefined;
  const clusterCentre = role === 'center' && log.kind === 'kafka';
  const centreLog = clusterCentre ? centreNodeLog(log, nodeId, { analyticsShared }) : log;
  // ClickHouse belongs to the centre: its sinks write it, its API and analysts read it. The whole node's rules
  // also re-read their input from it after a crash (the in-process log forgets); on Kafka they need none.
  const analytics = serves.centre ? await step('analytics', () => startAnalytics(config, logger)) : undefined;
  const sql = await step('operational-store', () => startOperationalStore(config));
  await step('storage-health', () => startStorageHealth(config, sql, observe));
  const directory = await step('directory', () => startDirectory(config, province, sql, logger));
  const router = new Router(REQUEST_BODY_BYTES_MAX, { logger: logger.child({ component: 'http' }), metrics });
  const centre = analytics
    ? await startCentreSteps(step, { log: centreLog, analytics, sql, directory, router })
    : undefined;
  const rules = serves.rules
    ? await step('rules', () => startRules(config, { log, analytics, sql, directory }, observe))
    : undefined;
  const gateways = serves.gateways ? await startGatewaySteps(step, { log, sql, directory }) : undefined;
  const upward = analytics
    ? await step('jt809-upward', () =>
        startJt809Upward(config, { log: centreLog, sql, directory, provinceCode: province.code }, observe, {
          deferStart: clusterCentre,
        }),
      )
    : undefined;
  // Gateways take sources' POSTs; the centre takes the console's uploads through the same ingestion.
  const ingest =
    gateways || centre
      ? await step('http-ingest', () =>
          startHttpIngest(config, { log, sql, directory }, observe, { deferGtfsRtPoll: clusterCentre }),
        )
      : undefined;
  // The jobs that act for the whole province run on one centre node at a time (cli/node/cluster-jobs.ts).
  const clusterJobs =
    clusterCentre && centre && upward && config.postgresUrl !== undefined
      ? await step('cluster-jobs', () =>
          startClusterJobs(config.postgresUrl ?? '', centre.centre, [upward.jobs, ingest?.gtfsRtPoll]),
        )
      : undefined;
  const http = await step('http', () =>
    startHttp(
      config,
      httpOptions,
      {
        router,
        directory,
        sql,
        readiness,
        orgCodeAt,
        // A process of a cluster names itself (and, as a centre, who runs the jobs); the whole node is alone.
        about: role === 'all' ? undefined : () => ({ node: nodeId, cluster_jobs: clusterJobs?.status() }),
        rules,
        gateways: gateways && ingest ? { ...gateways, ingest } : undefined,
        centre:
          centre && analytics && upward && ingest
            ? { ...centre, analytics, upperRequests: upward.requests, uploads: ingest.ingest }
            : undefined,
      },
      observe,
    ),
  );
  const wallToken = serves.centre
    ? await step('wall-token', async () => ({
        value: await directory.accounts.provisionWallToken(province.code, WALL_TOKEN_PEER),
      }))
    : undefined;
  readiness.recover(NODE_PART);

  return {
    role,
    nodeId,
    httpPort: http.port,
    jt808Port: gateways?.jt808.port,
    jt809Port: gateways?.jt809.port,
    jt1078LivePort: gateways?.video.ports.livePort,
    jt1078PlaybackPort: gateways?.video.ports.playbackPort,
    jt1078LiveUdpPort: gateways?.video.ports.liveUdpPort,
    jt1078PlaybackUdpPort: gateways?.video.ports.playbackUdpPort,
    attachmentPort: gateways?.attachments.port,
    aisTcpPort: ingest?.aisPorts.tcpPort,
    aisUdpPort: ingest?.aisPorts.udpPort,
    wallToken,
    generatedAdminPassword: directory.generatedAdminPassword,
    analytics,
    sql,
    log,
    gateway: gateways?.jt808.gateway,
    registry: directory.registry,
    close: async () => {
      readiness.fail(NODE_PART, 'stopping', 'the node is stopping');
      await parts.close();
    },
  };

  async function startClusterJobs(
    postgresUrl: string,
    commandCentre: CommandCentre,
    nodeJobs: (ClusterJobs | undefined)[],
  ): Promise<Started<{ status(): ClusterJobsStatus }>> {
    const others = nodeJobs.filter((jobs): jobs is ClusterJobs => jobs !== undefined);
    const lead = await leadClusterJobs(
      {
        start: () => {
          commandCentre.clusterJobs.start();
          for (const jobs of others) jobs.start();
        },
        stop: async () => {
          for (const jobs of others) await jobs.stop();
          await commandCentre.clusterJobs.stop();
        },
      },
      { postgresUrl, sql, nodeId },
      observe,
    );
    return { value: lead, close: () => lead.close() };
  }

  /** The centre's steps: sinks, feed hub, command centres; their routes go on `router`. */
  async function startCentreSteps(
    run: typeof step,
    deps: { log: EventLog; analytics: Analytics; sql: Sql; directory: Directory; router: Router },
  ): Promise<{ centre: CommandCentre; hub: FeedHub; terminals: TerminalLink | undefined }> {
    await run('sinks', () => startSinks(deps.log, deps.analytics, observe));
    const hub = await run('feed-hub', () => startFeedHub(deps.log, deps.analytics, deps.directory, observe, orgCodeAt));
    const centre = await run('command-centre', () =>
      startCentre(
        { ...deps, hub },
        province,
        observe,
        { clusterJobsLed: clusterCentre, analyticsShared, relayChangesAs: clusterCentre ? nodeId : undefined },
        { documentSchedule: config.documentSchedule },
      ),
    );
    // A centre of its own reaches terminals through the gateways holding their sessions.
    const terminals = serves.gateways
      ? undefined
      : await run('downlink', () => startRemoteTerminals(config, deps, observe));
    return { centre, hub, terminals };
  }

  /** The listeners, each on its port: where terminals, lower platforms and sources send data in. */
  async function startGatewaySteps(
    run: typeof step,
    deps: { log: EventLog; sql: Sql; directory: Directory },
  ): Promise<{
    jt808: { gateway: Jt808Gateway; port: number };
    video: Video;
    attachments: { port: number };
    jt809: Jt809;
    gateway: Jt808Gateway;
  }> {
    const jt808 = await run('jt808-gateway', () => startJt808Gateway(config, deps, observe));
    const video = await run('jt1078-video', () => startVideo(config, { ...deps, gateway: jt808.gateway }, observe));
    const attachments = await run('attachments', () =>
      startAttachmentServer(config, { log: deps.log, gateway: jt808.gateway }, observe),
    );
    const jt809 = await run('jt809', () => startJt809(config, deps, observe));
    // A gateway of its own carries out the commands its centre sends through Kafka.
    if (!serves.centre)
      await run('downlink-relay', () =>
        startDownlinkRelay({ log: deps.log, gateway: jt808.gateway, jt808Port: jt808.port }, observe),
      );
    return { jt808, video, attachments, jt809, gateway: jt808.gateway };
  }
}

function checkedConfiguration(config: NodeConfig): {
  httpOptions: HttpServerOptions;
  province: ReturnType<typeof loadProvince>;
  nodeId: string;
} {
  const httpOptions: HttpServerOptions = {
    ...HTTP_SERVER_DEFAULTS,
    ...config.http,
    host: config.httpHost,
    port: config.httpPort,
  };
  checkHttpServerOptions(httpOptions);
  checkRoleConfig(config.role ?? 'all', config);
  checkDocumentScheduleOptions({ ...DOCUMENT_SCHEDULE_DEFAULTS, ...config.documentSchedule });
  const province = loadProvince(config.dataDir, config.province);
  keepProvinceOfDataDir(config.dataDir, province);
  // From here on every county lookup, plate look-up, org seed and the wall's map answer from this province.
  useProvinceReference(province.reference);
  return { httpOptions, province, nodeId: resolveNodeId(config.nodeId, config.dataDir) };
}

export function defaultDataDir(): string {
  return path.resolve('data');
}
