/**
 * What `startNode` takes and what it gives back. `vigil start` fills NodeConfig from its flags; tests and the
 * benchmarks fill it themselves, so every key added here is optional with a default.
 */
import type { AnalystSqlLimits, Analytics, Sql } from '../../store/index.js';
import type { EventLog, KafkaCompression } from '../../stream/index.js';
import type { NodeRole } from './roles.js';
import type {
  AisListenersOptions,
  GtfsRtPollOptions,
  Jt808Gateway,
  Jt809CipherKeys,
  Jt809Edition,
} from '../../ingest/index.js';
import type {
  DocumentScheduleOptions,
  LoginThrottleOptions,
  PasswordPolicyOptions,
  HttpServerOptions,
  ProvinceSetting,
  RegistryStore,
} from '../../center/index.js';

export interface NodeConfig {
  /** What this process runs (default `all`: the whole node); every other role needs `kafka` and `postgresUrl`. */
  role?: NodeRole;
  /**
   * This process in its cluster (`--node-id`); when absent, the one kept in `<dataDir>/node-id`, made at the first
   * start (node-identity.ts).
   */
  nodeId?: string;
  dataDir: string;
  httpHost: string;
  httpPort: number;
  jt808Host: string;
  jt808Port: number;
  clickhouseUrl?: string;
  /** The ClickHouse server user analysts' SQL runs as (default: that of clickhouseUrl). */
  clickhouseAnalystUrl?: string;
  /** A ClickHouse cluster (remote_servers) to lay the tables out on, with clickhouseUrl one of its nodes. */
  clickhouseCluster?: string;
  /** A PostgreSQL server instead of the embedded PGlite. */
  postgresUrl?: string;
  adminPassword?: string;
  /** Password policy and login throttling of accounts (defaults: ACCOUNTS_DEFAULTS). */
  passwords?: PasswordPolicyOptions;
  loginThrottle?: LoginThrottleOptions;
  logPartitions: number;
  /** Run the event log on Apache Kafka instead of in process. */
  kafka?: { brokers: string; replicationFactor: number; retentionHours: number; compression: KafkaCompression };
  requireTerminalAuth: boolean;
  /** How long a downlink command waits for the terminal's answer (default 30 s). */
  jt808DownlinkTimeoutMs?: number;
  /** RSA private key (PEM) for encrypted JT/T 808 bodies. */
  jt808RsaKeyPem?: string;
  /** JT/T 809 main-link server for lower platforms (default 0.0.0.0:6809; port 0 = any free port). */
  jt809Host?: string;
  jt809Port?: number;
  /** JT/T 1078 media server: where terminals stream live video and recordings (default 0.0.0.0:6810 and :6811). */
  jt1078Host?: string;
  jt1078LivePort?: number;
  jt1078PlaybackPort?: number;
  /** UDP ports offered in 0x9101 / 0x9201 besides TCP (default none; 0 = any free port). */
  jt1078LiveUdpPort?: number;
  jt1078PlaybackUdpPort?: number;
  /** The address told to terminals in 0x9101/0x9201 (default: where each terminal reaches the JT/T 808 port). */
  jt1078AdvertisedHost?: string;
  /** An upper platform Vigil reports to as a JT/T 809 lower platform (positions and alarms). */
  jt809Upward?: {
    host: string;
    port: number;
    accessCode: number;
    userId: number;
    password: string;
    keys: Jt809CipherKeys | null;
    /** The edition the upper platform speaks. */
    edition: Jt809Edition;
    /** 2019: this platform's 平台唯一编码 (11 digits), SOURCE_PLATFORM_ID of its alarm reports. */
    platformId?: string;
    /** The header's version bytes; the link's default (1.0.0) when not given. */
    version?: [number, number, number];
    /** The down-link server (从链路): its port, and the IPv4 address 0x1001 names ('' = the main link's own). */
    downLink?: { port: number; ip: string };
  };
  /** TCP port of the active-safety attachment server (default 6812; 0 = any free port). */
  attachmentPort?: number;
  /** The address 0x9208 names (default: the address of the terminal's JT/T 808 connection). */
  attachmentAdvertisedHost?: string;
  /** Video streams open at once, and the bytes per second one stream may carry. */
  videoStreamsMax?: number;
  videoStreamBytesPerSecondMax?: number;
  /** A stream nobody watches is closed after this long. */
  videoViewerlessCloseMs?: number;
  /** CRC16 variant of JT/T 809 frames (platforms in the field disagree on the initial value). */
  jt809Crc?: 'ccitt-false' | 'xmodem';
  /** Sustained records per second one source key may post (HTTP ingestion). */
  ingestRecordsPerSecondPerKey?: number;
  /** A bus operator's GTFS-Realtime feed the node fetches and ingests with a gtfs_rt source key (ingest/http/). */
  gtfsRtPoll?: GtfsRtPollOptions;
  /** AIS over TCP and UDP, ingested with an ais source key (ingest/ais/); the other bounds are the defaults. */
  aisListeners?: Pick<AisListenersOptions, 'host' | 'tcpPort' | 'udpPort' | 'key' | 'connectionsMax' | 'idleTimeoutMs'>;
  /** Free bytes the data dir must keep; below it the node is not ready (start-up refuses earlier, in main). */
  diskFreeBytesMin?: number;
  /** How often the disk and the operational store are checked for readiness. */
  healthCheckIntervalMs?: number;
  /** Bounds of the HTTP server (connections, per address, timeouts); the defaults where not given. */
  http?: Partial<Omit<HttpServerOptions, 'host' | 'port'>>;
  /** Bounds of analysts' SQL (store's ANALYST_SQL_DEFAULTS when not given). */
  analystSqlLimits?: AnalystSqlLimits;
  /**
   * The weekly and monthly 通报 and statistics reports a centre archives on its own (DOCUMENT_SCHEDULE_DEFAULTS
   * where not given; `documents: []` switches them off). Checked at start-up.
   */
  documentSchedule?: Partial<DocumentScheduleOptions>;
  /** Between snapshots of the rules state; default RULES_RUNNER_DEFAULTS.snapshotIntervalMs. */
  rulesSnapshotIntervalMs?: number;
  /**
   * How stream workers share the rules (`--rules-spread`): one runs them all and the others stand by (default), or
   * each runs those of the log partitions Kafka assigns it (stream/engine/partitioned-rules.ts).
   */
  rulesSpread?: 'standby' | 'partitions';
  /**
   * The province the node supervises; when absent, `<data-dir>/province.json`, else Henan (PROVINCE_DEFAULT).
   */
  province?: Partial<ProvinceSetting>;
}

/**
 * What a process of one role started. The ports and parts of steps the role does not run are absent: a gateway
 * has no ClickHouse and no wall, a stream worker no listener but its HTTP port (health and metrics).
 */
export interface RunningRole {
  role: NodeRole;
  /** The node's id: configured, or kept in its data dir. */
  nodeId: string;
  httpPort: number;
  jt808Port?: number;
  jt809Port?: number;
  jt1078LivePort?: number;
  jt1078PlaybackPort?: number;
  /** Only when UDP is configured. */
  jt1078LiveUdpPort?: number;
  jt1078PlaybackUdpPort?: number;
  attachmentPort?: number;
  /** Only when AIS listeners are configured. */
  aisTcpPort?: number;
  aisUdpPort?: number;
  wallToken?: string;
  generatedAdminPassword: string | null;
  analytics?: Analytics;
  sql: Sql;
  log: EventLog;
  gateway?: Jt808Gateway;
  registry: RegistryStore;
  close(): Promise<void>;
}

/** The whole node (role `all`): every part is there. */
export interface RunningNode {
  httpPort: number;
  jt808Port: number;
  jt809Port: number;
  jt1078LivePort: number;
  jt1078PlaybackPort: number;
  attachmentPort: number;
  /** Only when AIS listeners are configured. */
  aisTcpPort?: number;
  aisUdpPort?: number;
  wallToken: string;
  generatedAdminPassword: string | null;
  analytics: Analytics;
  sql: Sql;
  log: EventLog;
  gateway: Jt808Gateway;
  registry: RegistryStore;
  close(): Promise<void>;
}
