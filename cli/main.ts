/**
 * `vigil`: the command line. `vigil start` runs a node; `vigil help` lists the commands.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isIPv4 } from 'node:net';
import { addProcessMetrics, clusterNameProblem, createLogger, Metrics } from '../schema/index.js';
import {
  ANALYST_SQL_DEFAULTS,
  checkAnalystSqlLimits,
  checkDiskSpace,
  DiskSpaceError,
  type AnalystSqlLimits,
} from '../store/index.js';
import { SampleDemo, DEMO_DEFAULTS, sampleSeconds } from './demo/sample-demo.js';
import { demoSpeedingVehicles } from './demo/demo-province.js';
import { SpeedingVehicles, SPEEDING_VEHICLES_DEFAULTS } from './demo/speeding-vehicles.js';
import { ConfigError, envName, helpText, parseFlags } from './flags.js';
import { MIB, START_FLAGS, type StartValues } from './start-flags.js';
import { TRAFFIC_COMMANDS } from './commands/index.js';
import { KafkaLogError } from '../stream/index.js';
import { checkCipherKeys, JT809_PASSWORD_FIELD_BYTES, type Jt809CipherKeys } from '../ingest/index.js';
import { installLastResort } from './last-resort.js';
import {
  checkRoleConfig,
  nodeIdProblem,
  NodeStartError,
  RoleConfigError,
  startRole,
  type NodeConfig,
  type RunningRole,
} from './node.js';
import {
  checkDocumentScheduleOptions,
  DOCUMENT_SCHEDULE_DEFAULTS,
  DocumentScheduleConfigError,
  documentList,
  LOGIN_THROTTLE_DEFAULTS,
  PASSWORD_POLICY_DEFAULTS,
  PasswordPolicy,
  type DocumentScheduleOptions,
} from '../center/index.js';

/** The analysts' SQL bounds from the flags; the others keep their defaults. */
function analystSqlLimits(values: StartValues): AnalystSqlLimits {
  const limits: AnalystSqlLimits = {
    ...ANALYST_SQL_DEFAULTS,
    sessions: values['sql-sessions'],
    runningPerAnalystMax: values['sql-running-per-analyst'],
    queuedMax: values['sql-queued-max'],
    executionSecondsMax: values['sql-seconds-max'],
    memoryBytesMax: values['sql-memory-mb'] * MIB,
    resultRowsMax: values['sql-result-rows-max'],
    threadsMax: values['sql-threads'],
  };
  try {
    checkAnalystSqlLimits(limits);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  return limits;
}

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

/** The scheduled documents from the flags, refused at start-up with the flag, the value and what is allowed. */
function documentSchedule(values: StartValues): Partial<DocumentScheduleOptions> {
  const options = {
    ...DOCUMENT_SCHEDULE_DEFAULTS,
    documents: documentList(values['scheduled-documents']) as DocumentScheduleOptions['documents'],
    circularLevels: documentList(values['scheduled-circular-levels']) as DocumentScheduleOptions['circularLevels'],
    delayMinutes: values['scheduled-documents-delay-minutes'],
  };
  try {
    checkDocumentScheduleOptions(options);
  } catch (error) {
    if (error instanceof DocumentScheduleConfigError)
      throw new ConfigError(`--${error.key} (${envName(error.key)}) ${error.problem}`);
    throw error;
  }
  return { documents: options.documents, circularLevels: options.circularLevels, delayMinutes: options.delayMinutes };
}

function pemFile(flag: string, file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`--${flag} value ${JSON.stringify(file)} cannot be read: ${(error as Error).message}`);
  }
}

/** `host:port[,host:port…]`, each port 1–65535; anything else names the flag, the value and what is expected. */
/** The feed to pull, when one is configured: its URL and key go together. */
function gtfsRtPoll(
  url: string | undefined,
  key: string | undefined,
  intervalS: number,
): { url: string; key: string; intervalMs: number } | undefined {
  if (url === undefined && key === undefined) return undefined;
  if (url === undefined)
    throw new ConfigError('--gtfs-rt-key (VIGIL_GTFS_RT_KEY) is given without --gtfs-rt-url: the feed to fetch');
  if (key === undefined || key.trim() === '')
    throw new ConfigError(
      `--gtfs-rt-url (VIGIL_GTFS_RT_URL) value ${JSON.stringify(url)} needs --gtfs-rt-key, the gtfs_rt source key to ingest it with`,
    );
  return { url, key: key.trim(), intervalMs: intervalS * 1000 };
}

/** The AIS listeners, when a port is given: ports and key go together. */
function aisListeners(values: StartValues): NodeConfig['aisListeners'] {
  const tcpPort = values['ais-tcp-port'];
  const udpPort = values['ais-udp-port'];
  const key = values['ais-key'];
  if (tcpPort === undefined && udpPort === undefined) {
    if (key !== undefined)
      throw new ConfigError(
        '--ais-key (VIGIL_AIS_KEY) is given without --ais-tcp-port or --ais-udp-port: nothing to listen on',
      );
    return undefined;
  }
  if (key === undefined || key.trim() === '')
    throw new ConfigError(
      `${tcpPort === undefined ? `--ais-udp-port (VIGIL_AIS_UDP_PORT) value ${udpPort}` : `--ais-tcp-port (VIGIL_AIS_TCP_PORT) value ${tcpPort}`} needs --ais-key, the ais source key to ingest the stream with`,
    );
  return {
    host: values['ais-host'],
    tcpPort,
    udpPort,
    key: key.trim(),
    connectionsMax: values['ais-connections-max'],
    idleTimeoutMs: values['ais-idle-timeout-s'] * 1000,
  };
}

function kafkaBrokers(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const key = '--kafka-brokers (VIGIL_KAFKA_BROKERS)';
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const match = /^([^\s:,/@]+|\[[0-9a-fA-F:.]+\]):(\d{1,5})$/.exec(entry);
    if (!match)
      throw new ConfigError(
        `${key} value ${JSON.stringify(value)} must be host:port[,host:port…]; ${JSON.stringify(entry)} is not`,
      );
    const port = Number(match[2]);
    if (port < 1 || port > 65_535)
      throw new ConfigError(
        `${key} value ${JSON.stringify(value)}: port ${port} of ${JSON.stringify(entry)} is ${port < 1 ? 'less than min allowed 1' : 'greater than max allowed 65535'}`,
      );
  }
  return entries.join(',');
}

/** The upper platform of `--jt809-upward`, with its credentials, each checked with the flag it came from. */
function jt809UpwardOption(values: StartValues): NodeConfig['jt809Upward'] {
  const target = values['jt809-upward'];
  const others = [
    'jt809-upward-access-code',
    'jt809-upward-user-id',
    'jt809-upward-password',
    'jt809-upward-keys',
    'jt809-upward-edition',
    'jt809-upward-version',
    'jt809-upward-platform-id',
    'jt809-upward-down-link-port',
    'jt809-upward-down-link-ip',
  ] as const;
  if (target === undefined) {
    const stray = others.find((name) => values[name] !== undefined);
    if (stray !== undefined) throw new ConfigError(`--${stray} needs --jt809-upward (the upper platform's host:port)`);
    return undefined;
  }
  const key = '--jt809-upward (VIGIL_JT809_UPWARD)';
  const match = /^([^\s:,/@]+|\[[0-9a-fA-F:.]+\]):(\d{1,5})$/.exec(target);
  const port = match ? Number(match[2]) : 0;
  if (!match || port < 1 || port > 65_535)
    throw new ConfigError(`${key} value ${JSON.stringify(target)} must be host:port with a port of 1-65535`);
  const accessCode = values['jt809-upward-access-code'];
  const userId = values['jt809-upward-user-id'];
  const password = values['jt809-upward-password'];
  if (accessCode === undefined || userId === undefined || password === undefined)
    throw new ConfigError(
      `${key} needs --jt809-upward-access-code, --jt809-upward-user-id and --jt809-upward-password (VIGIL_JT809_UPWARD_PASSWORD)`,
    );
  if (Buffer.byteLength(password, 'utf8') > JT809_PASSWORD_FIELD_BYTES || password === '')
    throw new ConfigError(
      `--jt809-upward-password (VIGIL_JT809_UPWARD_PASSWORD) must be 1-${JT809_PASSWORD_FIELD_BYTES} bytes (the 0x1001 field)`,
    );
  let keys: Jt809CipherKeys | null = null;
  const keysText = values['jt809-upward-keys'];
  if (keysText !== undefined) {
    const parts = keysText.split(',').map((p) => Number(p.trim()));
    const [m1, ia1, ic1] = parts;
    const problem =
      parts.length !== 3 ? `has ${parts.length} numbers, not 3 (M1,IA1,IC1)` : checkCipherKeys({ m1, ia1, ic1 });
    if (problem !== null)
      throw new ConfigError(
        `--jt809-upward-keys (VIGIL_JT809_UPWARD_KEYS) value ${JSON.stringify(keysText)}: ${problem}`,
      );
    keys = { m1, ia1, ic1 };
  }
  const host = match[1].replace(/^\[(.*)\]$/, '$1');
  const editionText = values['jt809-upward-edition'];
  const edition = editionText === '2019' ? 2019 : 2011;
  const version = jt809VersionOption(values['jt809-upward-version']);
  const platformId = values['jt809-upward-platform-id'];
  if (platformId !== undefined && !/^\d{11}$/.test(platformId))
    throw new ConfigError(
      `--jt809-upward-platform-id (VIGIL_JT809_UPWARD_PLATFORM_ID) value ${JSON.stringify(platformId)} must be 11 digits (PLATFORM_ID of JT/T 809-2019)`,
    );
  const downLinkPort = values['jt809-upward-down-link-port'];
  const downLinkIp = values['jt809-upward-down-link-ip'];
  if (downLinkIp !== undefined && downLinkPort === undefined)
    throw new ConfigError('--jt809-upward-down-link-ip needs --jt809-upward-down-link-port (the down-link server)');
  if (downLinkIp !== undefined && !isIPv4(downLinkIp))
    throw new ConfigError(
      `--jt809-upward-down-link-ip (VIGIL_JT809_UPWARD_DOWN_LINK_IP) value ${JSON.stringify(downLinkIp)} must be an IPv4 address (0x1001's DOWN_LINK_IP)`,
    );
  return {
    host,
    port,
    accessCode,
    userId,
    password,
    keys,
    edition,
    version,
    ...(platformId !== undefined ? { platformId } : {}),
    ...(downLinkPort !== undefined ? { downLink: { port: downLinkPort, ip: downLinkIp ?? '' } } : {}),
  };
}

/** `major.minor.patch`, each a byte, as JT/T 809 writes the header's version (1.2.15 is 0x01 0x02 0x0F). */
function jt809VersionOption(text: string | undefined): [number, number, number] | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  const parts = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [];
  if (parts.length !== 3 || parts.some((p) => p > 255))
    throw new ConfigError(
      `--jt809-upward-version (VIGIL_JT809_UPWARD_VERSION) value ${JSON.stringify(text)} must be major.minor.patch, each 0-255`,
    );
  return [parts[0], parts[1], parts[2]];
}

function postgresUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^postgres(ql)?:\/\/./.test(value))
    throw new ConfigError(
      `--postgres-url (VIGIL_POSTGRES_URL) value ${JSON.stringify(value.replace(/:[^:@/]*@/, ':***@'))} must be postgres:// or postgresql://`,
    );
  return value;
}

function kafkaOption(values: StartValues): NodeConfig['kafka'] {
  const brokers = kafkaBrokers(values['kafka-brokers']);
  return brokers === undefined ? undefined : { brokers, replicationFactor: values['kafka-replication-factor'] };
}

/** `--demo-start-s` in ms, checked against the sample it applies to. */
function demoStartOffsetMs(values: StartValues): number {
  const startS = values['demo-start-s'];
  if (startS === 0) return 0;
  if (!values.demo) throw new ConfigError('--demo-start-s (VIGIL_DEMO_START_S) needs --demo');
  const lengthS = sampleSeconds(DEMO_DEFAULTS.dir);
  if (startS >= lengthS)
    throw new ConfigError(
      `--demo-start-s (VIGIL_DEMO_START_S) value ${startS} is greater than max allowed ${lengthS - 1} (the sample holds ${lengthS} s)`,
    );
  return startS * 1000;
}

async function start(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(helpText('start', COMMANDS.start, START_FLAGS));
    return;
  }
  const { values, positionals } = parseFlags(START_FLAGS, argv, process.env);
  if (positionals.length > 0)
    throw new ConfigError(`unexpected argument ${JSON.stringify(positionals[0])} (see vigil start --help)`);
  const passwords = { ...PASSWORD_POLICY_DEFAULTS, lengthMin: values['password-length-min'] };
  const adminPassword = values['admin-password'];
  // A weak configured password is bad configuration: refused before anything starts, without echoing it.
  const adminProblem =
    adminPassword === undefined ? null : new PasswordPolicy(passwords).problem(adminPassword, 'admin');
  if (adminProblem)
    throw new ConfigError(
      `--admin-password (VIGIL_ADMIN_PASSWORD) is refused: ${adminProblem.problem}: ${adminProblem.en}`,
    );
  const backoffMsMax = values['login-backoff-max-s'] * 1000;
  const loginThrottle = {
    ...LOGIN_THROTTLE_DEFAULTS,
    accountFailuresFree: values['login-failures-per-account'],
    addressFailuresFree: values['login-failures-per-address'],
    backoffMsMax,
    failuresForgetMs: Math.max(LOGIN_THROTTLE_DEFAULTS.failuresForgetMs, backoffMsMax),
  };
  if (values['http-headers-timeout-ms'] > values['http-request-timeout-ms'])
    throw new ConfigError(
      `--http-headers-timeout-ms (VIGIL_HTTP_HEADERS_TIMEOUT_MS) value ${values['http-headers-timeout-ms']} is greater than max allowed ${values['http-request-timeout-ms']} (--http-request-timeout-ms)`,
    );
  if (values['clickhouse-analyst-url'] !== undefined && values['clickhouse-url'] === undefined)
    throw new ConfigError(
      '--clickhouse-analyst-url needs --clickhouse-url: embedded, analysts use chDB sessions of their own',
    );
  if (values['clickhouse-cluster'] !== undefined && values['clickhouse-url'] === undefined)
    throw new ConfigError('--clickhouse-cluster needs --clickhouse-url: the embedded chDB is one node, not a cluster');
  const clusterProblem =
    values['clickhouse-cluster'] === undefined ? undefined : clusterNameProblem(values['clickhouse-cluster']);
  if (clusterProblem !== undefined)
    throw new ConfigError(`--clickhouse-cluster (VIGIL_CLICKHOUSE_CLUSTER): ${clusterProblem}`);
  const nodeIdFlag = values['node-id'];
  const nodeIdRefusal = nodeIdFlag === undefined ? undefined : nodeIdProblem(nodeIdFlag);
  if (nodeIdRefusal !== undefined) throw new ConfigError(`--node-id (VIGIL_NODE_ID) ${nodeIdRefusal}`);
  const kafka = kafkaOption(values);
  const jt809Upward = jt809UpwardOption(values);
  if (values.demo && values.role !== 'all' && values.role !== 'gateway')
    throw new ConfigError(`--demo needs a gateway to send to: --role all or gateway, not ${values.role}`);
  const postgres = postgresUrl(values['postgres-url']);
  try {
    checkRoleConfig(values.role, { kafka, postgresUrl: postgres, jt809Upward, gtfsRtUrl: values['gtfs-rt-url'] });
  } catch (error) {
    // Refused like any other bad flag (exit code 2), before anything starts.
    if (error instanceof RoleConfigError) throw new ConfigError(error.message);
    throw error;
  }
  const demoStartMs = demoStartOffsetMs(values);
  const scheduledDocuments = documentSchedule(values);
  const logger = createLogger((line) => process.stderr.write(line), values['log-level']);
  const metrics = new Metrics();
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
      documentSchedule: scheduledDocuments,
      gtfsRtPoll: gtfsRtPoll(values['gtfs-rt-url'], values['gtfs-rt-key'], values['gtfs-rt-interval-s']),
      aisListeners: aisListeners(values),
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
      analystSqlLimits: analystSqlLimits(values),
      rulesSnapshotIntervalMs: values['rules-snapshot-interval-s'] * 1000,
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
