/**
 * The event log between ingestion, the rules and the sinks, shaped after Kafka's semantics so the embedded
 * in-process log and a Kafka cluster are interchangeable: named topics split into partitions by key, records
 * with offsets, consumer groups that commit how far they have processed.
 */

export const TOPICS = {
  telemetry: 'vigil.telemetry',
  alarms: 'vigil.alarms',
  rejects: 'vigil.rejects',
  /**
   * Roadside sightings: ANPR, weigh-in-motion, gantries (CameraEvent), keyed by the vehicle: the terminal the
   * registry gives the plate (so they land on the partition of its fixes), else the plate.
   */
  camera: 'vigil.camera',
  /** Roadside equipment health (DeviceStatus), keyed by device id. */
  devices: 'vigil.devices',
  /** JT/T 808 multimedia events and uploads (MediaEventRow), keyed by terminal id. */
  media: 'vigil.media',
  /** Driver IC card in/out (DriverEventRow), keyed by terminal id like telemetry. */
  drivers: 'vigil.drivers',
  /** Expressway toll transactions (TollTransactionRow), keyed by the vehicle like the sightings derived from them. */
  tolls: 'vigil.tolls',
  /** Traffic survey station counts (TrafficCountRow), keyed by station id. */
  trafficCounts: 'vigil.traffic-counts',
  /** Rail station passenger flows (RailFlowRow), keyed by station id. */
  railFlows: 'vigil.rail-flows',
  /** AIS position reports (VesselPositionRow), keyed by MMSI. */
  vesselPositions: 'vigil.vessel-positions',
  /** AIS static and voyage data (VesselVoyageRow), keyed by MMSI. */
  vesselVoyages: 'vigil.vessel-voyages',
  /** GTFS-Realtime bus positions (BusPositionRow), keyed by feed unit and vehicle id. */
  busPositions: 'vigil.bus-positions',
  /** GTFS-Realtime stop delays (BusStopDelayRow), keyed by feed unit and trip id. */
  busStopDelays: 'vigil.bus-stop-delays',
  /** GTFS static routes, stops and trips (GtfsRouteRow, GtfsStopRow, GtfsTripRow), keyed by feed unit and id. */
  gtfsRoutes: 'vigil.gtfs-routes',
  gtfsStops: 'vigil.gtfs-stops',
  gtfsTrips: 'vigil.gtfs-trips',
  /** Taxi and ride-hailing positions (TaxiPositionRow), keyed by plate. */
  taxiPositions: 'vigil.taxi-positions',
  /**
   * Taxi and ride-hailing order steps (TaxiOrderEventRow), keyed by the vehicle like the sightings (the company and
   * order before dispatch).
   */
  taxiOrders: 'vigil.taxi-orders',
} as const;
export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/**
 * Topics of a node split into roles on Kafka: a downlink command from the centre, keyed by terminal, is read by
 * every gateway and carried out by the one holding the terminal's session, which answers on `answers` (keyed by
 * the request). The whole node calls its own gateway instead.
 */
export const DOWNLINK_TOPICS = {
  commands: 'vigil.commands',
  answers: 'vigil.command-answers',
} as const;

/**
 * Topics between the centre nodes of a cluster: each sends its desk changes (alarm handling steps, work-order
 * events) to `changes`, keyed by the case or order, and every other one tails it to push them to its consoles.
 */
export const CENTRE_TOPICS = {
  changes: 'vigil.center-changes',
} as const;

/**
 * Topics between the stream workers that spread the rules over partitions: each publishes its drivers' states to
 * `driverStates`, keyed by driver and compacted, and every worker reads it whole (stream/engine/driver-handover.ts).
 */
export const RULES_TOPICS = {
  driverStates: 'vigil.driver-state',
} as const;

export interface LogMessage<T> {
  /** Partition key: the vehicle (terminal id), so one vehicle's events stay in order. */
  key: string;
  value: T;
}

export interface LogRecord<T> extends LogMessage<T> {
  topic: string;
  partition: number;
  offset: number;
  /** When the record was handed to `send`, epoch ms (Kafka's CreateTime). */
  timestamp: number;
}

export interface Producer {
  /**
   * Appends messages and resolves once they are durable: for Kafka after the delivery report (acks=all);
   * embedded, after the topic's durable sink (the ClickHouse writer) committed past them. Callers acknowledge
   * to the outside world only after this resolves.
   */
  send<T>(topic: string, messages: readonly LogMessage<T>[]): Promise<void>;
}

export interface Consumer<T> {
  /** Waits up to `waitMs` for records and returns at most `recordsMax` of them, in offset order per partition. */
  poll(recordsMax: number, waitMs: number): Promise<LogRecord<T>[]>;
  /** Marks everything up to and including these records as processed by the group. */
  commit(records: readonly LogRecord<T>[]): void;
  close(): void;
  /** Only a group member (`EventLog.member`): stops fetching these partitions until `resume`, keeping their place. */
  pause?(partitions: readonly number[]): void;
  resume?(partitions: readonly number[]): void;
}

export interface EventLog {
  readonly kind: 'memory' | 'kafka';
  /**
   * Names this log's offset space. Offsets of the in-process log restart at 0 with every process, so anything
   * keyed by offsets (the sinks' deduplication tokens, the rules' snapshots) must include the epoch too. Kafka's
   * outlive the process: its epoch names the cluster and is the same after a restart.
   */
  readonly epoch: string;
  /** Partitions of every topic but the epoch's: where `partitionOf(key, partitionCount)` puts a key. */
  readonly partitionCount: number;
  producer(): Producer;
  /**
   * A group's reader of a topic. Every group but the topic's durable one reads only what is durable (Kafka's
   * high watermark; embedded, what the durable sink committed): nothing downstream acts on what a crash could lose.
   */
  consumer<T>(groupId: string, topic: string): Consumer<T>;
  /** Messages appended but not yet committed by every group, per topic: the backlog, for metrics. */
  backlog(topic: string): number;
  /** True while the topic's backlog is at its bound: its producers wait for space (the node is not ready). */
  full(topic: string): boolean;
  close(): Promise<void>;
  /** Only a log that outlives the process (Kafka): the next offset of each partition of `topic`, now. */
  endOffsets?(topic: string): Promise<number[]>;
  /**
   * Only a log that outlives the process (Kafka): the first offset retained and the next offset of one partition of
   * `topic`, now (what a reader of it must have read to hold everything durable so far).
   */
  watermarks?(topic: string, partition: number): Promise<{ low: number; high: number }>;
  /** Only Kafka: per group of this process reading `topic`, records not yet committed (as the broker acknowledged). */
  lag?(topic: string): Map<string, number>;
  /** Only a log that outlives the process (Kafka): every record of `topic` sent since `sinceMs`, outside any group. */
  readSince?<T>(topic: string, sinceMs: number): Promise<LogRecord<T>[]>;
  /**
   * Only Kafka: a reader of every partition of `topic` from its end offsets as they are when this resolves, outside
   * any group (so every process that tails a topic sees each record sent afterwards); `commit` does nothing. From
   * `start`: every record retained first (a compacted topic's newest record of each key, and what is not compacted yet).
   */
  tail?<T>(topic: string, from?: 'end' | 'start'): Promise<Consumer<T>>;
  /**
   * Only Kafka: a member of `groupId` reading `topic`, its partitions spread over the group's members by
   * cooperative-sticky assignment (a rebalance moves only the partitions that change hands). `rebalance` is told of
   * each partition assigned (records of it follow from the group's committed offset) and of each taken away: the
   * partition is let go once `revoking` resolves, so what it does (a snapshot, a commit) comes first.
   */
  member?<T>(groupId: string, topic: string, rebalance: Rebalance): Consumer<T>;
  /**
   * Only Kafka: a reader of one partition of `topic` from `offset` (the earliest retained when undefined), outside
   * any group; `commit` does nothing.
   */
  partitionReader?<T>(topic: string, partition: number, offset: number | undefined): Promise<Consumer<T>>;
}

/** What a group member (`EventLog.member`) is told when its partitions change. */
export interface Rebalance {
  assigned(partitions: readonly number[]): void;
  revoking(partitions: readonly number[]): Promise<void>;
}

/** A stable 32-bit hash of the key (FNV-1a), so a vehicle always lands on the same partition. */
export function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}
