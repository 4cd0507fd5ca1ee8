/**
 * The node's TCP listeners: the JT/T 808 gateway, the JT/T 1078 media server (with the video WebSockets that
 * carry its streams to browsers) and the JT/T 809 upper-platform server with its 查岗/督办 requests. Each step
 * listens last, so a port already taken fails the step with nothing of its own left open.
 */
import path from 'node:path';
import type { Sql } from '../../store/index.js';
import type { EventLog } from '../../stream/index.js';
import {
  ATTACHMENT_SERVER_DEFAULTS,
  AttachmentServer,
  GATEWAY_DEFAULTS,
  JT809_DEFAULTS,
  Jt1078MediaServer,
  Jt808Gateway,
  Jt809Server,
  MEDIA_SERVER_DEFAULTS,
  UPWARD_DOWN_LINK_DEFAULTS,
  UPWARD_LINK_DEFAULTS,
  UpwardDownLinkServer,
  UpwardLink,
} from '../../ingest/index.js';
import {
  CenterConfig,
  Jt809Platforms,
  Jt809Requests,
  registeredVehicle,
  TerminalStore,
  UpperRequests,
  UpwardForwarder,
  vehicleStaticInfoSource,
  VideoSockets,
  VideoTickets,
  type Jt809RequestLink,
} from '../../center/index.js';
import type { Directory } from './directory.js';
import type { NodeConfig } from './node-config.js';
import type { Started } from './node-parts.js';
import type { Observe } from './stores.js';
import type { ClusterJobs } from './cluster-jobs.js';

/** Under the data dir: photos and recordings terminals upload (0x0801), served back by the vehicle routes. */
export const MEDIA_DIR_NAME = 'media';

export function mediaDirOf(config: NodeConfig): string {
  return path.join(config.dataDir, MEDIA_DIR_NAME);
}

export async function startJt808Gateway(
  config: NodeConfig,
  deps: { log: EventLog; sql: Sql },
  { logger, metrics }: Observe,
): Promise<Started<{ gateway: Jt808Gateway; port: number }>> {
  const gateway = new Jt808Gateway(
    {
      ...GATEWAY_DEFAULTS,
      host: config.jt808Host,
      port: config.jt808Port,
      requireAuthentication: config.requireTerminalAuth,
      mediaDir: mediaDirOf(config),
      downlinkTimeoutMs: config.jt808DownlinkTimeoutMs ?? GATEWAY_DEFAULTS.downlinkTimeoutMs,
      rsaPrivateKey: config.jt808RsaKeyPem,
    },
    { log: deps.log, directory: new TerminalStore(deps.sql), logger: logger.child({ component: 'jt808' }), metrics },
  );
  const port = await gateway.listen();
  return { value: { gateway, port }, close: () => gateway.close() };
}

/** The active-safety attachment server; the gateway names it in 0x9208. */
export async function startAttachmentServer(
  config: NodeConfig,
  deps: { log: EventLog; gateway: Jt808Gateway },
  { logger, metrics }: Observe,
): Promise<Started<{ server: AttachmentServer; port: number }>> {
  const server = new AttachmentServer(
    {
      ...ATTACHMENT_SERVER_DEFAULTS,
      host: config.jt808Host,
      port: config.attachmentPort ?? ATTACHMENT_SERVER_DEFAULTS.port,
      advertisedHost: config.attachmentAdvertisedHost,
    },
    { log: deps.log, dataDir: config.dataDir, logger: logger.child({ component: 'attachments' }), metrics },
  );
  const port = await server.listen();
  deps.gateway.useAttachmentServer(server);
  return { value: { server, port }, close: () => server.close() };
}

/** The link to an upper platform and what feeds it, when `--jt809-upward` names one; nothing otherwise. */
export async function startJt809Upward(
  config: NodeConfig,
  deps: { log: EventLog; sql: Sql; directory: Directory; provinceCode: string },
  { logger, metrics }: Observe,
  { deferStart }: { deferStart: boolean } = { deferStart: false },
): Promise<Started<{ link: UpwardLink | undefined; requests: UpperRequests; jobs: ClusterJobs }>> {
  const upward = config.jt809Upward;
  const requestsOf = (link: UpwardLink | undefined) =>
    new UpperRequests({
      sql: deps.sql,
      link,
      provinceCode: deps.provinceCode,
      logger: logger.child({ component: 'jt809-upward' }),
    });
  if (upward === undefined)
    return {
      value: {
        link: undefined,
        requests: requestsOf(undefined),
        jobs: { start: () => undefined, stop: async () => {} },
      },
      close: async () => undefined,
    };
  const { downLink: downLinkConfig, ...linkConfig } = upward;
  const link = new UpwardLink(
    {
      ...UPWARD_LINK_DEFAULTS,
      ...linkConfig,
      version: upward.version ?? UPWARD_LINK_DEFAULTS.version,
      downLinkIp: downLinkConfig?.ip ?? '',
    },
    { logger: logger.child({ component: 'jt809-upward' }), metrics },
  );
  const downLink =
    downLinkConfig === undefined
      ? undefined
      : link.useDownLink(
          (owner) =>
            new UpwardDownLinkServer(
              {
                ...UPWARD_DOWN_LINK_DEFAULTS,
                host: config.jt809Host ?? JT809_DEFAULTS.host,
                port: downLinkConfig.port,
              },
              owner,
              { logger: logger.child({ component: 'jt809-upward-down-link' }), metrics },
            ),
        );
  if (downLink) {
    const port = await downLink.listen();
    logger.info('jt809 upward down link listening', { port });
  }
  const registry = deps.directory.registry;
  const forwarder = new UpwardForwarder({
    log: deps.log,
    link,
    vehicleOf: (terminalId, plate) => registry.byTerminal(terminalId) ?? registry.byPlate(plate),
  });
  const requests = requestsOf(link);
  link.useRequestSink(requests);
  link.useStaticInfoSource(
    vehicleStaticInfoSource({
      vehicleOf: (plate, plateColor) => registry.byPlateAndColor(plate, plateColor),
      sql: deps.sql,
    }),
  );
  // The link and what it forwards run on one centre node of a cluster at a time (cluster-jobs.ts): two logged in
  // with one access code would each report half, or everything twice. The forwarder's groups are shared, so the
  // node taking over resumes where the last one committed.
  let running = false;
  const jobs: ClusterJobs = {
    start: () => {
      if (running) return;
      running = true;
      link.start();
      forwarder.start();
    },
    stop: async () => {
      if (!running) return;
      running = false;
      await forwarder.stop();
      link.stop();
    },
  };
  if (!deferStart) jobs.start();
  return {
    value: { link, requests, jobs },
    close: async () => {
      await jobs.stop();
      await downLink?.close();
    },
  };
}

export interface Video {
  media: Jt1078MediaServer;
  tickets: VideoTickets;
  sockets: VideoSockets;
  ports: { livePort: number; playbackPort: number; liveUdpPort?: number; playbackUdpPort?: number };
}

export async function startVideo(
  config: NodeConfig,
  deps: { log: EventLog; gateway: Jt808Gateway; directory: Directory },
  { logger, metrics }: Observe,
): Promise<Started<Video>> {
  const streamsMax = config.videoStreamsMax ?? MEDIA_SERVER_DEFAULTS.streamsMax;
  const streamBytesPerSecondMax = config.videoStreamBytesPerSecondMax ?? MEDIA_SERVER_DEFAULTS.streamBytesPerSecondMax;
  const media = new Jt1078MediaServer(
    {
      ...MEDIA_SERVER_DEFAULTS,
      host: config.jt1078Host ?? MEDIA_SERVER_DEFAULTS.host,
      livePort: config.jt1078LivePort ?? MEDIA_SERVER_DEFAULTS.livePort,
      playbackPort: config.jt1078PlaybackPort ?? MEDIA_SERVER_DEFAULTS.playbackPort,
      liveUdpPort: config.jt1078LiveUdpPort,
      playbackUdpPort: config.jt1078PlaybackUdpPort,
      advertisedHost: config.jt1078AdvertisedHost,
      streamsMax,
      streamBytesPerSecondMax,
      // Every stream may use its whole share at once.
      bytesPerSecondTotalMax: streamsMax * streamBytesPerSecondMax,
      viewerlessCloseMs: config.videoViewerlessCloseMs ?? MEDIA_SERVER_DEFAULTS.viewerlessCloseMs,
    },
    { link: deps.gateway, log: deps.log, logger: logger.child({ component: 'jt1078' }), metrics },
  );
  const ports = await media.listen();
  const tickets = new VideoTickets();
  const sockets = new VideoSockets({ media, tickets, logger: logger.child({ component: 'video' }), metrics });
  deps.directory.accounts.onRevoked((revocation) => sockets.closeRevoked(revocation));
  return {
    value: { media, tickets, sockets, ports },
    close: async () => {
      sockets.stop();
      await media.close();
    },
  };
}

export interface Jt809 {
  server: Jt809Server;
  platforms: Jt809Platforms;
  requests: Jt809Requests;
  port: number;
}

export async function startJt809(
  config: NodeConfig,
  deps: { log: EventLog; sql: Sql; directory: Directory },
  { logger, metrics }: Observe,
): Promise<Started<Jt809>> {
  const { log, sql, directory } = deps;
  const platforms = new Jt809Platforms(sql, logger, directory.accounts.passwordPolicy);
  // Requests and the server refer to each other: requests go out on the server's links, answers come back in.
  const link: Jt809RequestLink = {
    linkState: (code: number) => server.linkState(code),
    sendToPlatform: (code, msgId, body, request2019) => server.sendToPlatform(code, msgId, body, request2019),
  };
  const requests = new Jt809Requests({
    sql,
    link,
    logger: logger.child({ component: 'jt809' }),
    metrics,
    plateColorOf: (terminalId, plate) => registeredVehicle(directory.registry, terminalId, plate)?.plate_color,
    // Scheduled 查岗 by credit grade read the credit model; the config's 5 s cache bounds how stale a change is.
    config: new CenterConfig(sql),
  });
  const server = new Jt809Server(
    {
      ...JT809_DEFAULTS,
      host: config.jt809Host ?? JT809_DEFAULTS.host,
      port: config.jt809Port ?? JT809_DEFAULTS.port,
      crc: config.jt809Crc ?? JT809_DEFAULTS.crc,
    },
    {
      log,
      directory: platforms,
      vehicles: directory.registry,
      logger: logger.child({ component: 'jt809' }),
      metrics,
      answers: requests,
    },
  );
  platforms.linkStateOf = (code) => server.linkState(code);
  platforms.subLinkStateOf = (code) => server.subLinkState(code);
  platforms.editionOf = (code) => server.edition(code);
  const port = await server.listen();
  requests.start();
  requests.scheduled?.start();
  return {
    value: { server, platforms, requests, port },
    close: async () => {
      await requests.scheduled?.stop();
      await server.close();
      await requests.stop();
    },
  };
}
