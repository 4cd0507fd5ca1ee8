/**
 * `vigil`: the command line. `vigil start` runs a node; `vigil help` lists the commands.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { addProcessMetrics, createLogger, Metrics } from '../schema/index.js';
import { checkDiskSpace, DiskSpaceError } from '../store/index.js';
import { SampleDemo, DEMO_DEFAULTS } from './demo/sample-demo.js';
import { demoSpeedingVehicles } from './demo/demo-province.js';
import { SpeedingVehicles, SPEEDING_VEHICLES_DEFAULTS } from './demo/speeding-vehicles.js';
import { ConfigError, helpText } from './flags.js';
import { START_FLAGS } from './start-flags.js';
import { readStartConfig } from './start-config.js';
import { TRAFFIC_COMMANDS } from './commands/index.js';
import { KafkaLogError } from '../stream/index.js';
import { guardedOutput, installLastResort } from './last-resort.js';
import { NodeStartError, startRole, type RunningRole } from './node.js';

const COMMANDS: Record<string, string> = {
  start:
    'Start a Vigil node: JT/T 808 gateway, rules, API, wall and feed, embedded by default; or one role of it on Kafka (--role).',
  ...Object.fromEntries(Object.entries(TRAFFIC_COMMANDS).map(([name, c]) => [name, c.summary])),
  help: 'Show this help, or `vigil help <command>`.',
};

function usage(): string {
  return [
    'Usage: vigil <command> [flags]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([c, d]) => `  ${c.padEnd(8)} ${d}`),
    '',
    'Run `vigil <command> --help` for its flags.',
  ].join('\n');
}

function pemFile(flag: string, file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`--${flag} value ${JSON.stringify(file)} cannot be read: ${(error as Error).message}`);
  }
}

async function start(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(helpText('start', COMMANDS.start, START_FLAGS));
    return;
  }
  const { values, passwords, loginThrottle, adminPassword, kafka, jt809Upward, postgres, demoStartMs, ...checked } =
    readStartConfig(argv, process.env);
  const metrics = new Metrics();
  // A reader of either stream that goes away costs the lines, never the node (cli/last-resort.ts says why).
  guardedOutput(process.stdout, 'stdout', metrics);
  const logger = createLogger(guardedOutput(process.stderr, 'stderr', metrics), values['log-level']);
  addProcessMetrics(metrics);
  // What the last resort closes; filled in as the parts start.
  const running: { node?: RunningRole; demo?: SampleDemo; speeding?: SpeedingVehicles } = {};
  installLastResort({
    logger,
    metrics,
    stop: async () => {
      running.demo?.stop();
      running.speeding?.stop();
      await running.node?.close();
    },
    exit: (code) => process.exit(code),
  });
  const dataDir = path.resolve(values['data-dir']);
  // Before anything is written, the data dir itself included: a store that runs out of space mid-write leaves
  // files the next start cannot read.
  checkDiskSpace(dataDir, values['disk-free-bytes-min'], '--disk-free-bytes-min (VIGIL_DISK_FREE_BYTES_MIN)');
  mkdirSync(dataDir, { recursive: true });
  const startedAt = performance.now();
  const node = (running.node = await startRole(
    {
      role: values.role,
      nodeId: values['node-id'],
      dataDir,
      httpHost: values['http-host'],
      httpPort: values['http-port'],
      jt808Host: values['jt808-host'],
      jt808Port: values['jt808-port'],
      clickhouseUrl: values['clickhouse-url'],
      clickhouseAnalystUrl: values['clickhouse-analyst-url'],
      clickhouseCluster: values['clickhouse-cluster'],
      postgresUrl: postgres,
      adminPassword,
      passwords,
      loginThrottle,
      logPartitions: values['log-partitions'],
      kafka,
      requireTerminalAuth: values['require-terminal-auth'],
      jt808DownlinkTimeoutMs: values['jt808-downlink-timeout-ms'],
      jt808RsaKeyPem: pemFile('jt808-rsa-key', values['jt808-rsa-key']),
      jt809Host: values['jt809-host'],
      jt809Port: values['jt809-port'],
      jt809Crc: values['jt809-crc'],
      jt1078Host: values['jt1078-host'],
      jt1078LivePort: values['jt1078-live-port'],
      jt1078PlaybackPort: values['jt1078-playback-port'],
      jt1078LiveUdpPort: values['jt1078-live-udp-port'],
      jt1078PlaybackUdpPort: values['jt1078-playback-udp-port'],
      jt1078AdvertisedHost: values['jt1078-advertised-host'],
      attachmentPort: values['attachment-port'],
      jt809Upward,
      attachmentAdvertisedHost: values['attachment-advertised-host'],
      videoStreamsMax: values['video-streams-max'],
      videoStreamBytesPerSecondMax: values['video-stream-bytes-per-second-max'],
      videoViewerlessCloseMs: values['video-viewerless-close-ms'],
      ingestRecordsPerSecondPerKey: values['ingest-rate-per-key'],
      documentSchedule: checked.documentSchedule,
      gtfsRtPoll: checked.gtfsRtPoll,
      aisListeners: checked.aisListeners,
      diskFreeBytesMin: values['disk-free-bytes-min'],
      healthCheckIntervalMs: values['health-check-interval-ms'],
      http: {
        connectionsMax: values['http-connections-max'],
        connectionsPerAddressMax: values['http-connections-per-address-max'],
        headersTimeoutMs: values['http-headers-timeout-ms'],
        requestTimeoutMs: values['http-request-timeout-ms'],
        keepAliveTimeoutMs: values['http-keep-alive-timeout-ms'],
        headerBytesMax: values['http-header-bytes-max'],
      },
      analystSqlLimits: checked.analystSqlLimits,
      rulesSnapshotIntervalMs: values['rules-snapshot-interval-s'] * 1000,
      rulesSpread: values['rules-spread'] as 'standby' | 'partitions',
    },
    logger,
    metrics,
  ));
  const startupMs = Math.round(performance.now() - startedAt);
  const host = values['http-host'] === '0.0.0.0' ? 'localhost' : values['http-host'];
  const base = `http://${host}:${node.httpPort}`;
  // Ports of listeners this role does not run are left out (JSON drops what is undefined).
  const ready = {
    event: 'ready',
    role: node.role,
    node_id: node.nodeId,
    // The process that runs the node, whatever launched it (tsx and the vigil executable start it as a child).
    pid: process.pid,
    http_port: node.httpPort,
    jt808_port: node.jt808Port,
    jt809_port: node.jt809Port,
    jt1078_live_port: node.jt1078LivePort,
    jt1078_playback_port: node.jt1078PlaybackPort,
    jt1078_live_udp_port: node.jt1078LiveUdpPort,
    jt1078_playback_udp_port: node.jt1078PlaybackUdpPort,
    attachment_port: node.attachmentPort,
    ais_tcp_port: node.aisTcpPort,
    ais_udp_port: node.aisUdpPort,
    startup_ms: startupMs,
    wall_url: node.wallToken === undefined ? undefined : `${base}/wall?token=${node.wallToken}`,
  };
  const roleNote = node.role === 'all' ? '' : `, role ${node.role}`;
  console.log(`Vigil is running (started in ${startupMs} ms${roleNote}, data in ${dataDir})`);
  if (ready.wall_url !== undefined) {
    console.log(`  Video wall:   ${ready.wall_url}`);
    console.log(`  Duty console: ${base}/console`);
  }
  console.log(`  API:          ${base}/api   (health: ${base}/api/health/ready, metrics: ${base}/metrics)`);
  if (node.jt808Port !== undefined) {
    console.log(`  JT/T 808:     tcp://${host}:${node.jt808Port}`);
    console.log(
      `  JT/T 809:     tcp://${host}:${node.jt809Port}   (lower platforms; sources post to ${base}/api/ingest/<kind>)`,
    );
    console.log(
      `  JT/T 1078:    tcp://${host}:${node.jt1078LivePort} (live video), tcp://${host}:${node.jt1078PlaybackPort} (playback)`,
    );
    if (node.jt1078LiveUdpPort !== undefined || node.jt1078PlaybackUdpPort !== undefined)
      console.log(
        `                udp://${host}:${node.jt1078LiveUdpPort ?? '-'} (live video), udp://${host}:${node.jt1078PlaybackUdpPort ?? '-'} (playback)`,
      );
    console.log(`  Attachments:  tcp://${host}:${node.attachmentPort}   (active-safety alarm files, T/JSATL 12)`);
    if (node.aisTcpPort !== undefined || node.aisUdpPort !== undefined)
      console.log(
        `  AIS:          tcp://${host}:${node.aisTcpPort ?? '-'}, udp://${host}:${node.aisUdpPort ?? '-'}   (!AIVDM)`,
      );
  }
  if (node.generatedAdminPassword)
    console.log(
      `  First start: user "admin", password "${node.generatedAdminPassword}" (shown once; set VIGIL_ADMIN_PASSWORD to choose it)`,
    );
  console.log(JSON.stringify(ready));

  if (values.demo && node.jt808Port !== undefined) {
    const jt808Port = node.jt808Port;
    const demo = (running.demo = new SampleDemo(
      {
        ...DEMO_DEFAULTS,
        host: '127.0.0.1',
        port: jt808Port,
        vehicles: values['demo-vehicles'],
        speed: values['demo-speed'],
        startOffsetMs: demoStartMs,
        http: { url: `http://127.0.0.1:${node.httpPort}`, sql: node.sql },
      },
      logger.child({ component: 'demo' }),
    ));
    demo.start().catch((error: unknown) => logger.error('demo traffic failed', { error: String(error) }));
    const speeding = (running.speeding = new SpeedingVehicles(
      {
        ...SPEEDING_VEHICLES_DEFAULTS,
        vehicles: demoSpeedingVehicles(SPEEDING_VEHICLES_DEFAULTS.vehicles, values['demo-vehicles']),
        host: '127.0.0.1',
        port: jt808Port,
        speed: values['demo-speed'],
      },
      logger.child({ component: 'demo' }),
    ));
    speeding.start().catch((error: unknown) => logger.error('demo speeding vehicles failed', { error: String(error) }));
  }

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    running.demo?.stop();
    running.speeding?.stop();
    node.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return start(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      if (rest[0] === 'start') console.log(helpText('start', COMMANDS.start, START_FLAGS));
      else if (rest[0] !== undefined && Object.hasOwn(TRAFFIC_COMMANDS, rest[0]))
        return TRAFFIC_COMMANDS[rest[0]].run(['--help']);
      else console.log(usage());
      return;
    default:
      if (Object.hasOwn(TRAFFIC_COMMANDS, command)) return TRAFFIC_COMMANDS[command].run(rest);
      throw new ConfigError(`unknown command ${JSON.stringify(command)}\n\n${usage()}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`vigil: ${error.message}`);
    process.exit(2);
  }
  if (error instanceof DiskSpaceError || error instanceof KafkaLogError || error instanceof NodeStartError) {
    console.error(`vigil: ${error.message}`);
    process.exit(1);
  }
  console.error(error);
  process.exit(1);
});
