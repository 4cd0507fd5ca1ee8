/**
 * `vigil`: the command line. `vigil start` runs a node; `vigil help` lists the commands.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { addProcessMetrics, createLogger, Metrics, type LogLevel } from '../schema/index.js';
import {
  ANALYST_SQL_BOUNDS,
  ANALYST_SQL_DEFAULTS,
  checkAnalystSqlLimits,
  checkDiskSpace,
  DISK_FREE_BYTES_MIN_DEFAULT,
  DiskSpaceError,
  STORAGE_HEALTH_DEFAULTS,
  type AnalystSqlLimits,
} from '../store/index.js';
import { SampleDemo, DEMO_DEFAULTS, sampleSeconds } from './demo/sample-demo.js';
import { SpeedingVehicles, SPEEDING_VEHICLES_DEFAULTS } from './demo/speeding-vehicles.js';
import { ConfigError, helpText, parseFlags, type FlagSpec } from './flags.js';
import { TRAFFIC_COMMANDS } from './commands/index.js';
import { KafkaLogError, RULES_RUNNER_DEFAULTS } from '../stream/index.js';
import { installLastResort } from './last-resort.js';
import { startNode, type NodeConfig, type RunningNode } from './node.js';
import {
  HTTP_SERVER_DEFAULTS,
  LOGIN_THROTTLE_DEFAULTS,
  PASSWORD_LENGTH_MIN_RANGE,
  PASSWORD_POLICY_DEFAULTS,
  PasswordPolicy,
} from '../center/index.js';

/** The analysts' SQL bounds an operator sets from the command line; the others keep their defaults. */
const ANALYST_SQL_FLAGS: readonly { flag: string; key: keyof AnalystSqlLimits; scale: number; description: string }[] =
  [
    { flag: 'sql-sessions', key: 'sessions', scale: 1, description: "analysts' SQL queries running at once" },
    {
      flag: 'sql-running-per-analyst',
      key: 'runningPerAnalystMax',
      scale: 1,
      description: 'SQL queries one analyst may run at once (more wait their turn)',
    },
    {
      flag: 'sql-queued-max',
      key: 'queuedMax',
      scale: 1,
      description: "analysts' SQL queries waiting for a session; beyond it they are answered 503 with Retry-After",
    },
    {
      flag: 'sql-seconds-max',
      key: 'executionSecondsMax',
      scale: 1,
      description: "longest an analyst's SQL query runs before it is stopped",
    },
    {
      flag: 'sql-memory-mb',
      key: 'memoryBytesMax',
      scale: 1024 * 1024,
      description: "memory one analyst's SQL query may use, in MiB",
    },
    {
      flag: 'sql-result-rows-max',
      key: 'resultRowsMax',
      scale: 1,
      description: "rows an analyst's SQL query returns at most (the rest is cut, marked truncated)",
    },
    { flag: 'sql-threads', key: 'threadsMax', scale: 1, description: "threads one analyst's SQL query may use" },
  ];

function analystSqlLimits(values: Record<string, unknown>): AnalystSqlLimits {
  const limits = { ...ANALYST_SQL_DEFAULTS };
  for (const { flag, key, scale } of ANALYST_SQL_FLAGS) limits[key] = (values[flag] as number) * scale;
  try {
    checkAnalystSqlLimits(limits);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  return limits;
}

const START_FLAGS: readonly FlagSpec[] = [
  {
    name: 'data-dir',
    kind: 'string',
    default: './data',
    description: 'where the embedded ClickHouse (chDB) and PostgreSQL (PGlite) keep their files',
  },
  { name: 'http-host', kind: 'string', default: '0.0.0.0', description: 'address the API, wall and feed listen on' },
  {
    name: 'http-port',
    kind: 'integer',
    default: 8080,
    min: 0,
    max: 65535,
    description: 'port of the API, /metrics, the wall and the WebSocket feed (0 = any free port)',
  },
  { name: 'jt808-host', kind: 'string', default: '0.0.0.0', description: 'address the JT/T 808 gateway listens on' },
  {
    name: 'jt808-port',
    kind: 'integer',
    default: 6808,
    min: 0,
    max: 65535,
    description: 'JT/T 808 TCP port for GPS terminals (0 = any free port)',
  },
  {
    name: 'jt809-host',
    kind: 'string',
    default: '0.0.0.0',
    description: 'address the JT/T 809 server for lower platforms listens on',
  },
  {
    name: 'jt809-port',
    kind: 'integer',
    default: 6809,
    min: 0,
    max: 65535,
    description: 'JT/T 809 main-link TCP port for lower platforms (0 = any free port)',
  },
  {
    name: 'jt1078-host',
    kind: 'string',
    default: '0.0.0.0',
    description: 'address the JT/T 1078 media server (terminals stream video to it) listens on',
  },
  {
    name: 'jt1078-live-port',
    kind: 'integer',
    default: 6810,
    min: 0,
    max: 65535,
    description: 'TCP port terminals stream live video to after 0x9101 (0 = any free port)',
  },
  {
    name: 'jt1078-playback-port',
    kind: 'integer',
    default: 6811,
    min: 0,
    max: 65535,
    description: 'TCP port terminals stream recordings to after 0x9201 (0 = any free port)',
  },
  {
    name: 'jt1078-advertised-host',
    kind: 'string',
    description:
      'address told to terminals in 0x9101/0x9201 (default: the address each terminal reaches the JT/T 808 port at; set it behind NAT)',
  },
  {
    name: 'video-streams-max',
    kind: 'integer',
    default: 64,
    min: 1,
    max: 10_000,
    description: 'video streams (live and playback) open at once; more are refused video_streams_full',
  },
  {
    name: 'video-stream-bytes-per-second-max',
    kind: 'integer',
    default: 1024 * 1024,
    min: 16 * 1024,
    max: 64 * 1024 * 1024,
    description: 'bytes per second one video stream may carry; a stream above it is closed (stream_bandwidth)',
  },
  {
    name: 'video-viewerless-close-ms',
    kind: 'integer',
    default: 15_000,
    min: 1_000,
    max: 600_000,
    description: 'a video stream nobody watches is closed (0x9102 to the terminal) after this long',
  },
  {
    name: 'jt809-crc',
    kind: 'string',
    default: 'ccitt-false',
    choices: ['ccitt-false', 'xmodem'],
    description: 'CRC16 variant of JT/T 809 frames: ccitt-false (initial 0xFFFF) or xmodem (initial 0)',
  },
  {
    name: 'ingest-rate-per-key',
    kind: 'integer',
    default: 5_000,
    min: 1,
    max: 1_000_000,
    description: 'records per second one source key may post to /api/ingest (token bucket)',
  },
  ...ANALYST_SQL_FLAGS.map(({ flag, key, description, scale }) => ({
    name: flag,
    kind: 'integer' as const,
    default: ANALYST_SQL_DEFAULTS[key] / scale,
    min: Math.ceil(ANALYST_SQL_BOUNDS[key][0] / scale),
    max: Math.floor(ANALYST_SQL_BOUNDS[key][1] / scale),
    description,
  })),
  {
    name: 'http-connections-max',
    kind: 'integer',
    default: HTTP_SERVER_DEFAULTS.connectionsMax,
    min: 1,
    max: 1_000_000,
    description:
      'open HTTP connections at most, WebSocket feeds included; beyond, new ones get 503 (also bounded by the open-file budget)',
  },
  {
    name: 'http-connections-per-address-max',
    kind: 'integer',
    default: HTTP_SERVER_DEFAULTS.connectionsPerAddressMax,
    min: 1,
    max: 1_000_000,
    description: 'open HTTP connections from one client address at most (a NATed office counts as one address)',
  },
  {
    name: 'http-headers-timeout-ms',
    kind: 'integer',
    default: HTTP_SERVER_DEFAULTS.headersTimeoutMs,
    min: 1_000,
    max: 600_000,
    description: "time a client has to send a request's headers (idle new connections are closed after it)",
  },
  {
    name: 'http-request-timeout-ms',
    kind: 'integer',
    default: HTTP_SERVER_DEFAULTS.requestTimeoutMs,
    min: 1_000,
    max: 3_600_000,
    description: 'time a client has to send a whole request, body included',
  },
  {
    name: 'http-keep-alive-timeout-ms',
    kind: 'integer',
    default: HTTP_SERVER_DEFAULTS.keepAliveTimeoutMs,
    min: 100,
    max: 600_000,
    description: 'time a kept-alive HTTP connection may sit idle between requests',
  },
  {
    name: 'http-header-bytes-max',
    kind: 'integer',
    default: HTTP_SERVER_DEFAULTS.headerBytesMax,
    min: 1_024,
    max: 1024 * 1024,
    description: 'bytes of request line and headers at most (431 beyond)',
  },
  {
    name: 'rules-snapshot-interval-s',
    kind: 'integer',
    default: RULES_RUNNER_DEFAULTS.snapshotIntervalMs / 1000,
    min: 1,
    max: 86_400,
    description: 'seconds between snapshots of the rules state (after a crash, input since the last one is re-read)',
  },
  {
    name: 'clickhouse-url',
    kind: 'url',
    description: 'a ClickHouse server (http://user:pass@host:8123/db) instead of the embedded chDB',
  },
  {
    name: 'clickhouse-analyst-url',
    kind: 'url',
    description:
      "the ClickHouse server user analysts' SQL runs as (a read-only user, docs/security.md); default: that of --clickhouse-url",
  },
  {
    name: 'postgres-url',
    kind: 'string',
    description: 'a PostgreSQL server (postgres://user:pass@host:5432/db) instead of the embedded PGlite',
  },
  {
    name: 'demo',
    kind: 'boolean',
    default: false,
    description:
      'replay the generated sample (fixtures/sample) into this node over JT/T 808 and HTTP ingestion, looping, plus a dozen vehicles that speed one minute in four',
  },
  {
    name: 'demo-vehicles',
    kind: 'integer',
    default: DEMO_DEFAULTS.vehicles,
    min: 1,
    max: 20_000,
    description: 'terminals of the generated sample (fixtures/sample) the demo replays',
  },
  {
    name: 'demo-start-s',
    kind: 'integer',
    default: DEMO_DEFAULTS.startOffsetMs / 1000,
    min: 0,
    max: 86_400,
    description:
      "seconds into the sample the demo's first loop starts, what comes before left out (its first camera records are 275 s in); less than the sample's length",
  },
  {
    name: 'demo-speed',
    kind: 'integer',
    default: DEMO_DEFAULTS.speed,
    min: 1,
    max: 10,
    description:
      "demo seconds per real second, to rehearse or test the demo's first ten minutes in one (its showcase, docs/demo.md); roadside records more than 10 minutes ahead of the clock are refused, so faster runs suit the first minutes only",
  },
  {
    name: 'require-terminal-auth',
    kind: 'boolean',
    default: true,
    description: 'refuse terminal data before 0x0102 authentication',
  },
  {
    name: 'jt808-rsa-key',
    kind: 'string',
    description:
      'PEM file of the RSA private key for encrypted JT/T 808 bodies (without it they are rejected encrypted_body)',
  },
  {
    name: 'jt808-downlink-timeout-ms',
    kind: 'integer',
    default: 30_000,
    min: 100,
    max: 300_000,
    description: 'how long a command sent to a terminal waits for its answer',
  },
  {
    name: 'disk-free-bytes-min',
    kind: 'integer',
    default: DISK_FREE_BYTES_MIN_DEFAULT,
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    description:
      'free bytes the data dir must keep: below it the node refuses to start, and once running it is not ready (503 on /api/health/ready)',
  },
  {
    name: 'health-check-interval-ms',
    kind: 'integer',
    default: STORAGE_HEALTH_DEFAULTS.checkIntervalMs,
    min: 100,
    max: 600_000,
    description: 'how often free space and the operational store are checked for readiness',
  },
  {
    name: 'log-partitions',
    kind: 'integer',
    default: 8,
    min: 1,
    max: 256,
    description:
      "partitions of each topic of the event log; on Kafka the topics are created with it, and an existing topic with another count stops start-up (a vehicle's partition would change)",
  },
  {
    name: 'kafka-brokers',
    kind: 'string',
    description:
      'run the event log on Apache Kafka: bootstrap brokers host:port[,host:port…]; a 0x8001 then means "in Kafka with acks=all" (docs/operations.md, "Kafka"); needs the optional module node-rdkafka',
  },
  {
    name: 'kafka-replication-factor',
    kind: 'integer',
    default: 1,
    min: 1,
    max: 16,
    description:
      'replicas of each topic Vigil creates on Kafka (3 in production, with min.insync.replicas=2 on the brokers)',
  },
  {
    name: 'log-level',
    kind: 'string',
    default: 'info',
    choices: ['debug', 'info', 'warn', 'error'],
    description: 'least severe log level written to stderr',
  },
  {
    name: 'admin-password',
    kind: 'string',
    description:
      'password of the province admin created at first start (default: generated and printed once); must pass the password policy',
  },
  {
    name: 'password-length-min',
    kind: 'integer',
    default: PASSWORD_POLICY_DEFAULTS.lengthMin,
    min: PASSWORD_LENGTH_MIN_RANGE.min,
    max: PASSWORD_LENGTH_MIN_RANGE.max,
    description: 'characters a password of an account needs at least (OWASP ASVS level 2: 12)',
  },
  {
    name: 'login-failures-per-account',
    kind: 'integer',
    default: LOGIN_THROTTLE_DEFAULTS.accountFailuresFree,
    min: 1,
    max: 100,
    description: 'failed logins of one account (from addresses it never logged in from) before back-off starts',
  },
  {
    name: 'login-failures-per-address',
    kind: 'integer',
    default: LOGIN_THROTTLE_DEFAULTS.addressFailuresFree,
    min: 1,
    max: 10_000,
    description: 'failed logins from one address (any accounts) before back-off starts',
  },
  {
    name: 'login-backoff-max-s',
    kind: 'integer',
    default: LOGIN_THROTTLE_DEFAULTS.backoffMsMax / 1000,
    min: 1,
    max: 3_600,
    description: 'longest wait after failed logins (back-off doubles from 1 s up to this)',
  },
];

const COMMANDS: Record<string, string> = {
  start: 'Start a Vigil node: JT/T 808 gateway, rules, API, wall and feed, embedded by default.',
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

/** `host:port[,host:port…]`, each port 1–65535; anything else names the flag, the value and what is expected. */
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

function postgresUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^postgres(ql)?:\/\/./.test(value))
    throw new ConfigError(
      `--postgres-url (VIGIL_POSTGRES_URL) value ${JSON.stringify(value.replace(/:[^:@/]*@/, ':***@'))} must be postgres:// or postgresql://`,
    );
  return value;
}

function kafkaOption(values: Record<string, unknown>): NodeConfig['kafka'] {
  const brokers = kafkaBrokers(values['kafka-brokers'] as string | undefined);
  return brokers === undefined
    ? undefined
    : { brokers, replicationFactor: values['kafka-replication-factor'] as number };
}

/** `--demo-start-s` in ms, checked against the sample it applies to. */
function demoStartOffsetMs(values: Record<string, unknown>): number {
  const startS = values['demo-start-s'] as number;
  if (startS === 0) return 0;
  if (values.demo !== true) throw new ConfigError('--demo-start-s (VIGIL_DEMO_START_S) needs --demo');
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
  const passwords = { ...PASSWORD_POLICY_DEFAULTS, lengthMin: values['password-length-min'] as number };
  const adminPassword = values['admin-password'] as string | undefined;
  // A weak configured password is bad configuration: refused before anything starts, without echoing it.
  const adminProblem =
    adminPassword === undefined ? null : new PasswordPolicy(passwords).problem(adminPassword, 'admin');
  if (adminProblem)
    throw new ConfigError(
      `--admin-password (VIGIL_ADMIN_PASSWORD) is refused: ${adminProblem.problem}: ${adminProblem.en}`,
    );
  const backoffMsMax = (values['login-backoff-max-s'] as number) * 1000;
  const loginThrottle = {
    ...LOGIN_THROTTLE_DEFAULTS,
    accountFailuresFree: values['login-failures-per-account'] as number,
    addressFailuresFree: values['login-failures-per-address'] as number,
    backoffMsMax,
    failuresForgetMs: Math.max(LOGIN_THROTTLE_DEFAULTS.failuresForgetMs, backoffMsMax),
  };
  if ((values['http-headers-timeout-ms'] as number) > (values['http-request-timeout-ms'] as number))
    throw new ConfigError(
      `--http-headers-timeout-ms (VIGIL_HTTP_HEADERS_TIMEOUT_MS) value ${values['http-headers-timeout-ms']} is greater than max allowed ${values['http-request-timeout-ms']} (--http-request-timeout-ms)`,
    );
  if (values['clickhouse-analyst-url'] !== undefined && values['clickhouse-url'] === undefined)
    throw new ConfigError(
      '--clickhouse-analyst-url needs --clickhouse-url: embedded, analysts use chDB sessions of their own',
    );
  const kafka = kafkaOption(values);
  const demoStartMs = demoStartOffsetMs(values);
  const logger = createLogger((line) => process.stderr.write(line), values['log-level'] as LogLevel);
  const metrics = new Metrics();
  addProcessMetrics(metrics);
  // What the last resort closes; filled in as the parts start.
  const running: { node?: RunningNode; demo?: SampleDemo; speeding?: SpeedingVehicles } = {};
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
  const dataDir = path.resolve(values['data-dir'] as string);
  // Before anything is written, the data dir itself included: a store that runs out of space mid-write leaves
  // files the next start cannot read.
  checkDiskSpace(dataDir, values['disk-free-bytes-min'] as number, '--disk-free-bytes-min (VIGIL_DISK_FREE_BYTES_MIN)');
  mkdirSync(dataDir, { recursive: true });
  const startedAt = performance.now();
  const node = (running.node = await startNode(
    {
      dataDir,
      httpHost: values['http-host'] as string,
      httpPort: values['http-port'] as number,
      jt808Host: values['jt808-host'] as string,
      jt808Port: values['jt808-port'] as number,
      clickhouseUrl: values['clickhouse-url'] as string | undefined,
      clickhouseAnalystUrl: values['clickhouse-analyst-url'] as string | undefined,
      postgresUrl: postgresUrl(values['postgres-url'] as string | undefined),
      adminPassword,
      passwords,
      loginThrottle,
      logPartitions: values['log-partitions'] as number,
      kafka,
      requireTerminalAuth: values['require-terminal-auth'] as boolean,
      jt808DownlinkTimeoutMs: values['jt808-downlink-timeout-ms'] as number,
      jt808RsaKeyPem: pemFile('jt808-rsa-key', values['jt808-rsa-key'] as string | undefined),
      jt809Host: values['jt809-host'] as string,
      jt809Port: values['jt809-port'] as number,
      jt809Crc: values['jt809-crc'] as 'ccitt-false' | 'xmodem',
      jt1078Host: values['jt1078-host'] as string,
      jt1078LivePort: values['jt1078-live-port'] as number,
      jt1078PlaybackPort: values['jt1078-playback-port'] as number,
      jt1078AdvertisedHost: values['jt1078-advertised-host'] as string | undefined,
      videoStreamsMax: values['video-streams-max'] as number,
      videoStreamBytesPerSecondMax: values['video-stream-bytes-per-second-max'] as number,
      videoViewerlessCloseMs: values['video-viewerless-close-ms'] as number,
      ingestRecordsPerSecondPerKey: values['ingest-rate-per-key'] as number,
      diskFreeBytesMin: values['disk-free-bytes-min'] as number,
      healthCheckIntervalMs: values['health-check-interval-ms'] as number,
      http: {
        connectionsMax: values['http-connections-max'] as number,
        connectionsPerAddressMax: values['http-connections-per-address-max'] as number,
        headersTimeoutMs: values['http-headers-timeout-ms'] as number,
        requestTimeoutMs: values['http-request-timeout-ms'] as number,
        keepAliveTimeoutMs: values['http-keep-alive-timeout-ms'] as number,
        headerBytesMax: values['http-header-bytes-max'] as number,
      },
      analystSqlLimits: analystSqlLimits(values),
      rulesSnapshotIntervalMs: (values['rules-snapshot-interval-s'] as number) * 1000,
    },
    logger,
    metrics,
  ));
  const startupMs = Math.round(performance.now() - startedAt);
  const host = (values['http-host'] as string) === '0.0.0.0' ? 'localhost' : (values['http-host'] as string);
  const base = `http://${host}:${node.httpPort}`;
  const ready = {
    event: 'ready',
    // The process that runs the node, whatever launched it (tsx and the vigil executable start it as a child).
    pid: process.pid,
    http_port: node.httpPort,
    jt808_port: node.jt808Port,
    jt809_port: node.jt809Port,
    jt1078_live_port: node.jt1078LivePort,
    jt1078_playback_port: node.jt1078PlaybackPort,
    startup_ms: startupMs,
    wall_url: `${base}/wall?token=${node.wallToken}`,
  };
  console.log(`Vigil is running (started in ${startupMs} ms, data in ${dataDir})`);
  console.log(`  Video wall:   ${ready.wall_url}`);
  console.log(`  Duty console: ${base}/console`);
  console.log(`  API:          ${base}/api   (health: ${base}/api/health/ready, metrics: ${base}/metrics)`);
  console.log(`  JT/T 808:     tcp://${host}:${node.jt808Port}`);
  console.log(
    `  JT/T 809:     tcp://${host}:${node.jt809Port}   (lower platforms; sources post to ${base}/api/ingest/<kind>)`,
  );
  console.log(
    `  JT/T 1078:    tcp://${host}:${node.jt1078LivePort} (live video), tcp://${host}:${node.jt1078PlaybackPort} (playback)`,
  );
  if (node.generatedAdminPassword)
    console.log(
      `  First start: user "admin", password "${node.generatedAdminPassword}" (shown once; set VIGIL_ADMIN_PASSWORD to choose it)`,
    );
  console.log(JSON.stringify(ready));

  if (values.demo) {
    const demo = (running.demo = new SampleDemo(
      {
        ...DEMO_DEFAULTS,
        host: '127.0.0.1',
        port: node.jt808Port,
        vehicles: values['demo-vehicles'] as number,
        speed: values['demo-speed'] as number,
        startOffsetMs: demoStartMs,
        http: { url: `http://127.0.0.1:${node.httpPort}`, sql: node.sql },
      },
      logger.child({ component: 'demo' }),
    ));
    demo.start().catch((error: unknown) => logger.error('demo traffic failed', { error: String(error) }));
    const speeding = (running.speeding = new SpeedingVehicles(
      { ...SPEEDING_VEHICLES_DEFAULTS, host: '127.0.0.1', port: node.jt808Port, speed: values['demo-speed'] as number },
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
  if (error instanceof DiskSpaceError || error instanceof KafkaLogError) {
    console.error(`vigil: ${error.message}`);
    process.exit(1);
  }
  console.error(error);
  process.exit(1);
});
