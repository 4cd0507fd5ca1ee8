/**
 * What `vigil start` makes of its flags and environment before anything is opened: every value parsed and checked,
 * every combination that cannot work refused with a ConfigError naming the flag, the value and the rule (the
 * command exits 2 with it, cli/main.ts). Nothing here writes, listens or connects (it reads at most the demo
 * sample's manifest and the data dir's province.json), so a refusal leaves no trace, and tests/start-flag-refusals.test.ts checks each refusal
 * against this very code in its own process.
 */
import { isIPv4 } from 'node:net';
import path from 'node:path';
import { clusterNameProblem, HENAN_PROVINCE_CODE } from '../schema/index.js';
import { ANALYST_SQL_DEFAULTS, checkAnalystSqlLimits, type AnalystSqlLimits } from '../store/index.js';
import {
  checkDocumentScheduleOptions,
  DOCUMENT_SCHEDULE_DEFAULTS,
  DocumentScheduleConfigError,
  documentList,
  loadProvince,
  LOGIN_THROTTLE_DEFAULTS,
  PASSWORD_POLICY_DEFAULTS,
  PasswordPolicy,
  ProvinceConfigError,
  type DocumentScheduleOptions,
  type Province,
} from '../center/index.js';
import { checkCipherKeys, JT809_PASSWORD_FIELD_BYTES, type Jt809CipherKeys } from '../ingest/index.js';
import { DEMO_DEFAULTS, sampleSeconds } from './demo/sample-demo.js';
import { ConfigError, envName, parseFlags } from './flags.js';
import { checkRoleConfig, nodeIdProblem, RoleConfigError, type NodeConfig } from './node.js';
import { MIB, START_FLAGS, type StartValues } from './start-flags.js';

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
  if (brokers === undefined) return undefined;
  return {
    brokers,
    replicationFactor: values['kafka-replication-factor'],
    retentionHours: values['kafka-retention-hours'],
    compression: values['kafka-compression'],
  };
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

/**
 * The province `vigil start` would supervise with this data dir (cli/node.ts loads it the same way): the demo
 * replays the generated sample only for Henan, so what `--demo-start-s` may skip depends on it.
 */
function provinceOfDataDir(dataDir: string): Province {
  try {
    return loadProvince(path.resolve(dataDir));
  } catch (error) {
    if (error instanceof ProvinceConfigError) throw new ConfigError(`--data-dir (VIGIL_DATA_DIR) ${error.message}`);
    throw error;
  }
}

/** `--demo-start-s` in ms, checked against the sample the demo of the data dir's province replays (if any). */
function demoStartOffsetMs(values: StartValues): number {
  const startS = values['demo-start-s'];
  if (startS === 0) return 0;
  if (!values.demo) throw new ConfigError('--demo-start-s (VIGIL_DEMO_START_S) needs --demo');
  const province = provinceOfDataDir(values['data-dir']);
  if (province.code !== HENAN_PROVINCE_CODE)
    throw new ConfigError(
      `--demo-start-s (VIGIL_DEMO_START_S) value ${startS} is greater than max allowed 0: the demo for ` +
        `${province.code} ${province.name_zh} (--data-dir ${values['data-dir']}) replays no sample, ` +
        "the generated sample is Henan's",
    );
  const lengthS = sampleSeconds(DEMO_DEFAULTS.dir);
  if (startS >= lengthS)
    throw new ConfigError(
      `--demo-start-s (VIGIL_DEMO_START_S) value ${startS} is greater than max allowed ${lengthS - 1}: ` +
        `the demo for ${province.code} ${province.name_zh} replays ${DEMO_DEFAULTS.dir}, which holds ${lengthS} s`,
    );
  return startS * 1000;
}

/** `vigil start`'s flags and environment, checked: the node's configuration, or a ConfigError. */
export function readStartConfig(argv: string[], env: NodeJS.ProcessEnv) {
  const { values, positionals } = parseFlags(START_FLAGS, argv, env);
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
  if (values['rules-spread'] !== 'standby' && values.role !== 'stream')
    throw new ConfigError(
      `--rules-spread (VIGIL_RULES_SPREAD) value ${values['rules-spread']} needs --role stream, not ${values.role}: ` +
        'only stream workers of a cluster share the rules',
    );
  const postgres = postgresUrl(values['postgres-url']);
  try {
    checkRoleConfig(values.role, { kafka, postgresUrl: postgres, jt809Upward, gtfsRtUrl: values['gtfs-rt-url'] });
  } catch (error) {
    // Refused like any other bad flag (exit code 2), before anything starts.
    if (error instanceof RoleConfigError) throw new ConfigError(error.message);
    throw error;
  }
  const demoStartMs = demoStartOffsetMs(values);
  return {
    values,
    passwords,
    loginThrottle,
    adminPassword,
    kafka,
    jt809Upward,
    postgres,
    demoStartMs,
    documentSchedule: documentSchedule(values),
    gtfsRtPoll: gtfsRtPoll(values['gtfs-rt-url'], values['gtfs-rt-key'], values['gtfs-rt-interval-s']),
    aisListeners: aisListeners(values),
    analystSqlLimits: analystSqlLimits(values),
  };
}
