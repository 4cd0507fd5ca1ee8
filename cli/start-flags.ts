/**
 * The flags of `vigil start`, declared once: its `--help`, what start-up reads and checks, and their types.
 */
import {
  ANALYST_SQL_BOUNDS,
  ANALYST_SQL_DEFAULTS,
  DISK_FREE_BYTES_MIN_DEFAULT,
  STORAGE_HEALTH_DEFAULTS,
  type AnalystSqlLimits,
} from '../store/index.js';
import { DEMO_DEFAULTS } from './demo/sample-demo.js';
import { defineFlags, type FlagValues } from './flags.js';
import { NODE_ROLES } from './node/roles.js';
import { KAFKA_COMPRESSIONS, KAFKA_LOG_DEFAULTS, RULES_RUNNER_DEFAULTS } from '../stream/index.js';
import { AIS_LISTENERS_DEFAULTS, GTFS_RT_POLL_INTERVAL_S } from '../ingest/index.js';
import {
  DOCUMENT_SCHEDULE_BOUNDS,
  DOCUMENT_SCHEDULE_DEFAULTS,
  HTTP_SERVER_DEFAULTS,
  LOGIN_THROTTLE_DEFAULTS,
  PASSWORD_LENGTH_MIN_RANGE,
  PASSWORD_POLICY_DEFAULTS,
  SCHEDULED_CIRCULAR_LEVELS,
  SCHEDULED_DOCUMENTS,
} from '../center/index.js';

export const MIB = 1024 * 1024;

/** One of the analysts' SQL bounds an operator sets from the command line (`scale`: flag unit to the limit's). */
function sqlFlag<const N extends string>(
  name: N,
  key: keyof AnalystSqlLimits,
  scale: number,
  description: string,
): { name: N; kind: 'integer'; default: number; min: number; max: number; description: string } {
  return {
    name,
    kind: 'integer',
    default: ANALYST_SQL_DEFAULTS[key] / scale,
    min: Math.ceil(ANALYST_SQL_BOUNDS[key][0] / scale),
    max: Math.floor(ANALYST_SQL_BOUNDS[key][1] / scale),
    description,
  };
}

export const START_FLAGS = defineFlags([
  {
    name: 'role',
    kind: 'string',
    default: 'all',
    choices: NODE_ROLES,
    description:
      'what this process runs: all (the whole node), gateway (JT/T 808/1078/809 ports and HTTP ingestion), stream (the rules: one stream worker runs them, the others stand by to take them over, or with --rules-spread partitions each runs those of its log partitions) or center (API, feed, wall and the ClickHouse sinks); every role but all needs --kafka-brokers and --postgres-url (docs/operations.md, "Cluster")',
  },
  {
    name: 'node-id',
    kind: 'string',
    description:
      "this process in its cluster: 1 to 32 of a-z, 0-9 and -; a centre reads the feed, the alarm intake and (on chDB) the sinks under consumer groups of its own named by it, and /metrics and /api/health name the node holding the cluster's periodic jobs by it (default: made once and kept in <data-dir>/node-id)",
  },
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
    name: 'jt809-upward',
    kind: 'string',
    description:
      "an upper platform (host:port) Vigil reports to as a JT/T 809 lower platform: the ministry's 联网联控 system, for example; needs --jt809-upward-access-code, --jt809-upward-user-id and --jt809-upward-password (docs/sources/jt809.md)",
  },
  {
    name: 'jt809-upward-access-code',
    kind: 'integer',
    min: 1,
    max: 4_294_967_295,
    description: 'the access code (接入码) the upper platform gave this platform',
  },
  {
    name: 'jt809-upward-user-id',
    kind: 'integer',
    min: 0,
    max: 4_294_967_295,
    description: 'USERID of 0x1001 at the upper platform',
  },
  {
    name: 'jt809-upward-password',
    kind: 'string',
    description: 'PASSWORD of 0x1001 at the upper platform (at most 8 bytes); prefer the variable to the command line',
  },
  {
    name: 'jt809-upward-keys',
    kind: 'string',
    description: "M1,IA1,IC1: encrypt what is sent upward with the upper platform's keys (decimal, comma-separated)",
  },
  {
    name: 'jt809-upward-edition',
    kind: 'string',
    choices: ['2011', '2019'],
    description:
      'the JT/T 809 edition the upper platform speaks: 2011 (when not given) or 2019 (30-byte header with UTC time, 2019 login and location)',
  },
  {
    name: 'jt809-upward-platform-id',
    kind: 'string',
    description:
      "2019: this platform's 平台唯一编码, 11 digits (division code and platform number), named in the alarms it reports upward",
  },
  {
    name: 'jt809-upward-version',
    kind: 'string',
    description:
      "the header's version bytes the upper platform expects, major.minor.patch each 0-255 (when not given 1.0.0)",
  },
  {
    name: 'jt809-upward-down-link-port',
    kind: 'integer',
    min: 0,
    max: 65535,
    description:
      "serve the down link (从链路) the upper platform connects back to on this TCP port, named in 0x1001 (0 = any free port); without it 0x1001 names 0.0.0.0:0 and the upper platform's requests are read on the main link only",
  },
  {
    name: 'jt809-upward-down-link-ip',
    kind: 'string',
    description:
      'the IPv4 address 0x1001 tells the upper platform to reach the down link at (default: the local address of the main link)',
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
    name: 'jt1078-live-udp-port',
    kind: 'integer',
    min: 0,
    max: 65535,
    description:
      'UDP port offered to terminals in 0x9101 besides TCP (when not given, none: 0 in the request); 6810, the TCP number, is the natural choice (0 = any free port)',
  },
  {
    name: 'jt1078-playback-udp-port',
    kind: 'integer',
    min: 0,
    max: 65535,
    description:
      'UDP port offered to terminals in 0x9201 besides TCP (when not given, none); 6811 is the natural choice (0 = any free port)',
  },
  {
    name: 'jt1078-advertised-host',
    kind: 'string',
    description:
      'address told to terminals in 0x9101/0x9201 (default: the address each terminal reaches the JT/T 808 port at; set it behind NAT)',
  },
  {
    name: 'attachment-port',
    kind: 'integer',
    default: 6812,
    min: 0,
    max: 65535,
    description:
      'TCP port of the active-safety attachment server: terminals upload the pictures and clips of ADAS/DSM/tyre/blind-spot alarms there after 0x9208 (0 = any free port)',
  },
  {
    name: 'attachment-advertised-host',
    kind: 'string',
    description:
      'address told to terminals in 0x9208 (default: the address each terminal reaches the JT/T 808 port at; set it behind NAT)',
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
    name: 'scheduled-documents',
    kind: 'string',
    default: DOCUMENT_SCHEDULE_DEFAULTS.documents.join(','),
    description: `documents a centre archives after each Beijing week and month ends, comma-separated: ${SCHEDULED_DOCUMENTS.join(', ')}; none switches the schedule off`,
  },
  {
    name: 'scheduled-circular-levels',
    kind: 'string',
    default: DOCUMENT_SCHEDULE_DEFAULTS.circularLevels.join(','),
    description: `levels the scheduled 通报 rank, one document each, comma-separated: ${SCHEDULED_CIRCULAR_LEVELS.join(', ')}`,
  },
  {
    name: 'scheduled-documents-delay-minutes',
    kind: 'integer',
    default: DOCUMENT_SCHEDULE_DEFAULTS.delayMinutes,
    min: DOCUMENT_SCHEDULE_BOUNDS.delayMinutes[0],
    max: DOCUMENT_SCHEDULE_BOUNDS.delayMinutes[1],
    description:
      'minutes after a week or month ends before its scheduled documents are generated (late reports, rollups)',
  },
  {
    name: 'ingest-rate-per-key',
    kind: 'integer',
    default: 5_000,
    min: 1,
    max: 1_000_000,
    description: 'records per second one source key may post to /api/ingest (token bucket)',
  },
  {
    name: 'ais-tcp-port',
    kind: 'integer',
    min: 0,
    max: 65535,
    description:
      'TCP port AIS receiving stations and aggregators stream !AIVDM lines to, ingested with --ais-key (when not given, none; 0 = any free port; docs/sources/ais.md)',
  },
  {
    name: 'ais-udp-port',
    kind: 'integer',
    min: 0,
    max: 65535,
    description:
      'UDP port for AIS datagrams of one or more !AIVDM sentences, ingested with --ais-key (when not given, none; 0 = any free port)',
  },
  { name: 'ais-host', kind: 'string', default: '0.0.0.0', description: 'address the AIS TCP and UDP ports listen on' },
  {
    name: 'ais-key',
    kind: 'string',
    description:
      'the ais source key the --ais-tcp-port and --ais-udp-port streams are ingested with: its org unit scopes the vessels',
  },
  {
    name: 'ais-connections-max',
    kind: 'integer',
    default: AIS_LISTENERS_DEFAULTS.connectionsMax,
    min: 1,
    max: 100_000,
    description: 'AIS TCP connections open at once at most; more are closed on accept',
  },
  {
    name: 'ais-idle-timeout-s',
    kind: 'integer',
    default: AIS_LISTENERS_DEFAULTS.idleTimeoutMs / 1000,
    min: 1,
    max: 86_400,
    description: 'an AIS TCP connection (or a UDP sender) silent this many seconds is closed (forgotten)',
  },
  {
    name: 'gtfs-rt-url',
    kind: 'url',
    description:
      "a bus operator's GTFS-Realtime feed (vehicle positions and/or trip updates) to fetch and ingest every --gtfs-rt-interval-s seconds with --gtfs-rt-key (docs/sources/buses.md)",
  },
  {
    name: 'gtfs-rt-key',
    kind: 'string',
    description: 'the gtfs_rt source key the --gtfs-rt-url feed is ingested with: its org unit scopes the buses',
  },
  {
    name: 'gtfs-rt-interval-s',
    kind: 'integer',
    default: GTFS_RT_POLL_INTERVAL_S.default,
    min: GTFS_RT_POLL_INTERVAL_S.min,
    max: GTFS_RT_POLL_INTERVAL_S.max,
    description: 'seconds between two fetches of the --gtfs-rt-url feed',
  },
  sqlFlag('sql-sessions', 'sessions', 1, "analysts' SQL queries running at once"),
  sqlFlag(
    'sql-running-per-analyst',
    'runningPerAnalystMax',
    1,
    'SQL queries one analyst may run at once (more wait their turn)',
  ),
  sqlFlag(
    'sql-queued-max',
    'queuedMax',
    1,
    "analysts' SQL queries waiting for a session; beyond it they are answered 503 with Retry-After",
  ),
  sqlFlag('sql-seconds-max', 'executionSecondsMax', 1, "longest an analyst's SQL query runs before it is stopped"),
  sqlFlag('sql-memory-mb', 'memoryBytesMax', MIB, "memory one analyst's SQL query may use, in MiB"),
  sqlFlag(
    'sql-result-rows-max',
    'resultRowsMax',
    1,
    "rows an analyst's SQL query returns at most (the rest is cut, marked truncated)",
  ),
  sqlFlag('sql-threads', 'threadsMax', 1, "threads one analyst's SQL query may use"),
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
    name: 'rules-spread',
    kind: 'string',
    default: 'standby',
    choices: ['standby', 'partitions'],
    description:
      'how stream workers share the rules: standby (one runs them all, the others stand by) or partitions (each runs those of the log partitions Kafka assigns it, a snapshot per partition); only with --role stream (docs/operations.md, "Cluster")',
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
    name: 'clickhouse-cluster',
    kind: 'string',
    description:
      'lay the tables out on this ClickHouse cluster (remote_servers): replicated shard-local tables and Distributed tables, created ON CLUSTER (docs/operations.md); needs --clickhouse-url',
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
      "seconds into the sample the demo's first loop starts, what comes before left out (its first camera records are 275 s in); less than the sample's length (the sample is Henan's: another province's demo replays none, so 0)",
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
    name: 'kafka-retention-hours',
    kind: 'integer',
    default: KAFKA_LOG_DEFAULTS.retentionHours,
    min: 1,
    max: 87_600,
    description:
      "how long Kafka keeps the records of each topic Vigil creates (retention.ms): a centre stopped for longer loses what its sinks had not read; topics that exist keep theirs (change them with Kafka's kafka-configs.sh)",
  },
  {
    name: 'kafka-compression',
    kind: 'string',
    default: KAFKA_LOG_DEFAULTS.compression,
    choices: KAFKA_COMPRESSIONS,
    description: "compression of the batches Vigil's producers send to Kafka (librdkafka compression.type)",
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
]);
export type StartValues = FlagValues<typeof START_FLAGS>;
