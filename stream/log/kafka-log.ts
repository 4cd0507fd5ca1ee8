/**
 * The event log on an Apache Kafka cluster, through librdkafka (node-rdkafka, an optional dependency loaded only
 * when a node is given brokers).
 *
 * Durability is the cluster's: `send` resolves on the delivery report of an idempotent producer with acks=all, so
 * a JT/T 808 reply on Kafka means "replicated to the in-sync replicas", not "in ClickHouse" as on the embedded log.
 * Every consumer reads up to the high watermark, which is what the embedded log's other groups see too.
 * Consumers commit offsets only when their caller says the work they cover is durable (enable.auto.commit=false),
 * so after a crash a group re-reads from its last commit: the sinks deduplicate by (epoch, partition, offset).
 *
 * Records are sent to `partitionOf(key)` explicitly, not librdkafka's partitioner, so a vehicle lands on the same
 * partition on either log. Values travel as JSON.
 *
 * The epoch names the cluster, not the process: offsets outlive a restart, so the sinks' deduplication tokens and
 * the rules' snapshot offsets must mean the same after one. It is the first record of the one-partition topic
 * `vigil.epoch` (written by the first node that found it empty, kept for ever): a cluster rebuilt at the same
 * address starts its offsets at 0 again and gets a new epoch, so its batches can never be taken for old ones.
 */
import { randomUUID } from 'node:crypto';
import type * as RdKafka from 'node-rdkafka';
import {
  partitionOf,
  type Consumer,
  type EventLog,
  type LogMessage,
  type LogRecord,
  type Producer,
  type Rebalance,
} from './event-log.js';

export interface KafkaLogOptions {
  /** Bootstrap brokers, `host:port[,host:port…]`. */
  brokers: string;
  /** Partitions of every topic; topics are created with it and refused at start-up if they have another count. */
  partitions: number;
  /** Replicas of each topic Vigil creates (1 for a single broker, 3 in production). */
  replicationFactor: number;
  /**
   * How long the brokers keep the records of each topic Vigil creates (`retention.ms`): a reader down for longer
   * (a centre's sinks) loses what it had not read. Existing topics keep the retention they have.
   */
  retentionHours: number;
  /** The producer's batch compression (librdkafka `compression.type`); the brokers store the batches as sent. */
  compression: KafkaCompression;
  /** The topics this node uses; all are created or checked before `connect` resolves. */
  topics: readonly string[];
  /**
   * Those of `topics` created compacted (`cleanup.policy=compact`: the newest record of each key is kept, however
   * old) rather than with `retentionHours`: states, not events. An existing topic keeps the policy it has.
   */
  compactedTopics?: readonly string[];
  clientId: string;
  /** Messages sent but not yet acknowledged by the cluster; producers wait beyond it (the node is not ready). */
  inFlightMax: number;
  /** Bound on start-up calls to the cluster (metadata, topic creation, connecting). */
  connectTimeoutMs: number;
  /**
   * A group member not heard from for this long is dropped and its partitions go to the others: how long the
   * partitions of a process killed with SIGKILL wait before another process of the group takes them.
   */
  sessionTimeoutMs: number;
}

/** The codecs the bundled librdkafka is built with (`features`); it has no zstd. */
export const KAFKA_COMPRESSIONS = ['lz4', 'snappy', 'gzip', 'none'] as const;
export type KafkaCompression = (typeof KAFKA_COMPRESSIONS)[number];

export const KAFKA_LOG_DEFAULTS = {
  replicationFactor: 1,
  // The brokers' own default, said explicitly so that the operator sees it and a broker configured otherwise does not
  // silently shorten how long a stopped centre can catch up.
  retentionHours: 168,
  // Of the three codecs LZ4 costs the producer and the readers the least CPU; the records are JSON, which it shrinks.
  compression: 'lz4',
  clientId: 'vigil',
  inFlightMax: 100_000,
  connectTimeoutMs: 30_000,
  // librdkafka's default is 45 s; brokers accept 6 s at least (group.min.session.timeout.ms).
  sessionTimeoutMs: 10_000,
} as const;

/** The cluster refused or cannot serve what the node needs: named with the key and value at fault. */
export class KafkaLogError extends Error {
  override name = 'KafkaLogError';
}

const TOPIC_ALREADY_EXISTS = 36;
/** librdkafka's rebalance events (RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS, __REVOKE_PARTITIONS). */
const ASSIGN_PARTITIONS = -175;
const REVOKE_PARTITIONS = -174;
const HOUR_MS = 3_600_000;
/** The one-partition topic whose first record names the cluster's offset space (see `epoch`). */
export const EPOCH_TOPIC = 'vigil.epoch';

/** One group's reading of one topic in this process, for the backlog: partition → offset. */
interface GroupProgress {
  /** Next offset to commit, as last requested. */
  committed: Map<number, number>;
  /** Next offset to commit, as the broker acknowledged it. */
  acknowledged: Map<number, number>;
  /** Offset of the first record read, where nothing is committed yet. */
  firstRead: Map<number, number>;
}

async function loadRdKafka(): Promise<typeof RdKafka> {
  try {
    const module = (await import('node-rdkafka')) as typeof RdKafka & { default?: typeof RdKafka };
    return module.default ?? module;
  } catch (error) {
    throw new KafkaLogError(
      `--kafka-brokers needs the optional module node-rdkafka, which is not installed or did not build ` +
        `(${(error as Error).message}); install it with \`npm install node-rdkafka@3.6.1\` (it compiles librdkafka: ` +
        `a C compiler, make and python3 are needed)`,
    );
  }
}

function callback<T>(run: (done: (err: unknown, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value as T))));
}

const METADATA_RETRY_MS = 100;

/**
 * A record's JSON value. Anything else was not written by Vigil: a named error with its place, so an operator can
 * find it. The group stops there rather than skip it (nothing is lost; dead-lettering such records is not built).
 */
/**
 * Up to `recordsMax` records: waits up to `waitMs` for the first, then takes only what is already fetched.
 * node-rdkafka's `consume(n)` waits its whole timeout again after every record until it has n, so a lone record (an
 * alarm on a quiet topic) was held back by the wait, and a steady stream by as long as it took to gather n: each hop
 * between processes (gateway → rules → centre → feed) added up to its consumer's wait. The second call's 1 ms
 * timeout ends the batch at the first gap instead.
 */
async function consumeWaitingForFirst(
  client: RdKafka.KafkaConsumer,
  recordsMax: number,
  waitMs: number,
): Promise<RdKafka.Message[]> {
  client.setDefaultConsumeTimeout(Math.max(1, waitMs));
  const first = await callback<RdKafka.Message[]>((done) => client.consume(1, done));
  if (first.length === 0 || recordsMax <= 1) return first;
  client.setDefaultConsumeTimeout(1);
  const rest = await callback<RdKafka.Message[]>((done) => client.consume(recordsMax - 1, done));
  return rest.length === 0 ? first : [...first, ...rest];
}

function decode<T>(m: RdKafka.Message): T {
  try {
    return JSON.parse((m.value ?? Buffer.alloc(0)).toString()) as T;
  } catch (error) {
    throw new KafkaLogError(
      `record ${m.topic}/${m.partition}@${m.offset} is not JSON (${errorText(error)}): not written by Vigil`,
    );
  }
}

/**
 * The topic's partition count as the cluster states it. A topic created a moment ago may be listed without its
 * partitions (or not at all) until its leaders are elected, so the question is asked again, within `timeoutMs`.
 */
async function partitionCount(producer: RdKafka.Producer, topic: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metadata = await callback<RdKafka.Metadata>((done) =>
      producer.getMetadata({ topic, timeout: timeoutMs }, done),
    );
    const count = metadata.topics.find((t) => t.name === topic)?.partitions.length ?? 0;
    if (count > 0 || Date.now() >= deadline) return count;
    await new Promise((resolve) => setTimeout(resolve, METADATA_RETRY_MS));
  }
}

function toRecord<T>(m: RdKafka.Message): LogRecord<T> {
  return {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    timestamp: m.timestamp ?? 0,
    key: m.key === undefined || m.key === null ? '' : m.key.toString(),
    value: decode<T>(m),
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class KafkaLog implements EventLog {
  readonly kind = 'kafka' as const;
  readonly epoch: string;
  /** Consumers of `consumer`, each with its last commit made again synchronously before it disconnects. */
  private readonly consumers = new Map<RdKafka.KafkaConsumer, () => void>();
  private inFlight = 0;
  private readonly inFlightByTopic = new Map<string, number>();
  private spaceWaiters: (() => void)[] = [];
  private closed = false;

  /** topic → group → what it read and committed in this process. */
  private readonly progress = new Map<string, Map<string, GroupProgress>>();
  /** topic → partition → high watermark, as last seen by a consumer of this process. */
  private readonly highWatermarks = new Map<string, Map<number, number>>();

  private constructor(
    private readonly rd: typeof RdKafka,
    private readonly producerClient: RdKafka.HighLevelProducer,
    private readonly options: KafkaLogOptions,
  ) {
    this.epoch = '';
  }

  /** Partitions of every topic but the epoch's (`--log-partitions`). */
  get partitionCount(): number {
    return this.options.partitions;
  }

  /** Connects, creates missing topics with `partitions` partitions and checks that existing ones have that many. */
  static async connect(options: KafkaLogOptions): Promise<KafkaLog> {
    if (!Number.isInteger(options.partitions) || options.partitions < 1)
      throw new KafkaLogError(`partitions value ${options.partitions} is less than min allowed 1`);
    const rd = await loadRdKafka();
    const timeout = options.connectTimeoutMs;
    const admin = rd.AdminClient.create({ 'metadata.broker.list': options.brokers, 'client.id': options.clientId });
    try {
      for (const topic of [...options.topics, EPOCH_TOPIC]) {
        const epochTopic = topic === EPOCH_TOPIC;
        try {
          await callback<void>((done) =>
            admin.createTopic(
              {
                topic,
                num_partitions: epochTopic ? 1 : options.partitions,
                replication_factor: options.replicationFactor,
                config: epochTopic
                  ? { 'retention.ms': '-1', 'retention.bytes': '-1' }
                  : options.compactedTopics?.includes(topic)
                    ? { 'cleanup.policy': 'compact' }
                    : { 'retention.ms': String(options.retentionHours * HOUR_MS) },
              },
              timeout,
              done,
            ),
          );
        } catch (error) {
          if ((error as RdKafka.LibrdKafkaError).code !== TOPIC_ALREADY_EXISTS)
            throw new KafkaLogError(`creating topic ${topic} on ${options.brokers} failed: ${errorText(error)}`);
        }
      }
    } finally {
      admin.disconnect();
    }
    const producer = new rd.HighLevelProducer(
      {
        'metadata.broker.list': options.brokers,
        'client.id': options.clientId,
        // Idempotence implies acks=all and at most 5 requests in flight: no loss, no duplicates, order kept on retry.
        'enable.idempotence': true,
        'linger.ms': 5,
        'compression.type': options.compression,
        'socket.connection.setup.timeout.ms': timeout,
      },
      // Said again so that no configuration of librdkafka's can lower it.
      { acks: -1 },
    );
    producer.setValueSerializer((value: unknown) => Buffer.from(JSON.stringify(value)));
    producer.setKeySerializer((key: string) => key);
    try {
      await callback<RdKafka.Metadata>((done) => producer.connect({ timeout }, done));
    } catch (error) {
      throw new KafkaLogError(`connecting to Kafka at ${options.brokers} failed: ${errorText(error)}`);
    }
    const log = new KafkaLog(rd, producer, options);
    try {
      // The epoch topic is asked about too, though its count is fixed: asking is what makes librdkafka learn a
      // topic created a moment ago. Without it the producer's cached metadata (refreshed every 5 minutes) knows no
      // partition of it, and reading the epoch fails with "Unknown partition" however long one retries.
      const epochPartitions = await partitionCount(producer, EPOCH_TOPIC, timeout);
      if (epochPartitions !== 1)
        throw new KafkaLogError(
          `topic ${EPOCH_TOPIC} has ${epochPartitions} partitions on ${options.brokers}, it must have exactly 1`,
        );
      for (const topic of options.topics) {
        const count = await partitionCount(producer, topic, timeout);
        if (count !== options.partitions)
          throw new KafkaLogError(
            `topic ${topic} has ${count} partitions on ${options.brokers}, the node is configured for ` +
              `${options.partitions} (--log-partitions): a vehicle would change partition; fix one or the other`,
          );
      }
      (log as { epoch: string }).epoch = await log.clusterEpoch();
    } catch (error) {
      await log.close();
      throw error;
    }
    producer.setPollInterval(10);
    return log;
  }

  /** `kafka:<uuid>`, the first record of EPOCH_TOPIC; this node writes one when the topic is empty. */
  private async clusterEpoch(): Promise<string> {
    const read = async (): Promise<string | undefined> => {
      const [end] = await this.endOffsets(EPOCH_TOPIC);
      if (end === 0) return undefined;
      const [first] = await this.readRange<string>(EPOCH_TOPIC, [0], [1]);
      return first?.value;
    };
    // A topic created a moment ago may not have its leader yet: asked again within the start-up bound.
    const deadline = Date.now() + this.options.connectTimeoutMs;
    for (;;) {
      try {
        let epoch = await read();
        if (epoch === undefined) {
          // Two nodes starting at once may both write: the first record is the epoch for both.
          await this.send(EPOCH_TOPIC, [{ key: 'epoch', value: randomUUID() }], 0);
          epoch = await read();
        }
        if (typeof epoch !== 'string' || epoch === '')
          throw new KafkaLogError(`topic ${EPOCH_TOPIC} on ${this.options.brokers} holds no epoch at offset 0`);
        return `kafka:${epoch}`;
      } catch (error) {
        if (Date.now() >= deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, METADATA_RETRY_MS));
      }
    }
  }

  /** The next offset of each partition of `topic` (its high watermark), as the cluster states it now. */
  async endOffsets(topic: string): Promise<number[]> {
    const count = topic === EPOCH_TOPIC ? 1 : this.options.partitions;
    return Promise.all(
      Array.from({ length: count }, async (_, partition) => (await this.watermarks(topic, partition)).high),
    );
  }

  async watermarks(topic: string, partition: number): Promise<{ low: number; high: number }> {
    try {
      const w = await callback<RdKafka.WatermarkOffsets>((done) =>
        this.producerClient.queryWatermarkOffsets(topic, partition, this.options.connectTimeoutMs, done),
      );
      return { low: w.lowOffset, high: w.highOffset };
    } catch (error) {
      throw new KafkaLogError(`offsets of ${topic}/${partition} on ${this.options.brokers}: ${errorText(error)}`);
    }
  }

  /**
   * Every record of `topic` handed to `send` at or after `sinceMs` (its CreateTime), up to the end offsets as they
   * are now; read outside any group, nothing committed.
   */
  async readSince<T>(topic: string, sinceMs: number): Promise<LogRecord<T>[]> {
    const ends = await this.endOffsets(topic);
    const client = this.readerClient();
    try {
      await callback<unknown>((done) => client.connect({ timeout: this.options.connectTimeoutMs }, done));
      const starts = await callback<RdKafka.TopicPartitionOffset[]>((done) =>
        client.offsetsForTimes(
          ends.map((_, partition) => ({ topic, partition, offset: sinceMs })),
          this.options.connectTimeoutMs,
          done,
        ),
      );
      // -1: no record at or after that time in the partition.
      const from = ends.map((end, p) => {
        const offset = starts.find((s) => s.partition === p)?.offset ?? -1;
        return offset < 0 ? end : offset;
      });
      return await this.readAssigned<T>(client, topic, from, ends);
    } catch (error) {
      if (error instanceof KafkaLogError) throw error;
      throw new KafkaLogError(`reading ${topic} since ${sinceMs} failed: ${errorText(error)}`);
    } finally {
      if (client.isConnected()) await callback<unknown>((done) => client.disconnect(done)).catch(() => undefined);
    }
  }

  /** Records of `topic` from `from[p]` (inclusive) to `to[p]` (exclusive) per partition, outside any group. */
  private async readRange<T>(topic: string, from: number[], to: number[]): Promise<LogRecord<T>[]> {
    const client = this.readerClient();
    try {
      await callback<unknown>((done) => client.connect({ timeout: this.options.connectTimeoutMs }, done));
      return await this.readAssigned<T>(client, topic, from, to);
    } finally {
      if (client.isConnected()) await callback<unknown>((done) => client.disconnect(done)).catch(() => undefined);
    }
  }

  private readerClient(): RdKafka.KafkaConsumer {
    return new this.rd.KafkaConsumer(
      {
        'metadata.broker.list': this.options.brokers,
        'client.id': this.options.clientId,
        // A group of its own that never commits: required by the client, never joined (partitions are assigned).
        'group.id': `${this.options.clientId}-reader-${randomUUID()}`,
        'enable.auto.commit': false,
        'enable.auto.offset.store': false,
      },
      {},
    );
  }

  private async readAssigned<T>(
    client: RdKafka.KafkaConsumer,
    topic: string,
    from: number[],
    to: number[],
  ): Promise<LogRecord<T>[]> {
    const next = new Map<number, number>();
    for (let p = 0; p < to.length; p++) if (from[p] < to[p]) next.set(p, from[p]);
    if (next.size === 0) return [];
    client.assign([...next].map(([partition, offset]) => ({ topic, partition, offset })));
    client.setDefaultConsumeTimeout(100);
    const out: LogRecord<T>[] = [];
    const deadline = Date.now() + this.options.connectTimeoutMs;
    while ([...next].some(([p, offset]) => offset < to[p])) {
      if (Date.now() > deadline)
        throw new KafkaLogError(
          `reading ${topic} up to offsets ${to.join(',')} did not finish within ${this.options.connectTimeoutMs} ms`,
        );
      const messages = await callback<RdKafka.Message[]>((done) => client.consume(1_000, done));
      for (const m of messages) {
        if (m.offset >= to[m.partition]) continue;
        next.set(m.partition, m.offset + 1);
        out.push(toRecord<T>(m));
      }
    }
    return out;
  }

  async tail<T>(topic: string, from: 'end' | 'start' = 'end'): Promise<Consumer<T>> {
    // -2: librdkafka's OFFSET_BEGINNING, the earliest record retained.
    const ends = from === 'end' ? await this.endOffsets(topic) : new Array<number>(this.options.partitions).fill(-2);
    const client = this.readerClient();
    try {
      await callback<unknown>((done) => client.connect({ timeout: this.options.connectTimeoutMs }, done));
    } catch (error) {
      throw new KafkaLogError(`tailing ${topic} on ${this.options.brokers} failed: ${errorText(error)}`);
    }
    client.assign(ends.map((offset, partition) => ({ topic, partition, offset })));
    return this.groupless<T>(client);
  }

  async partitionReader<T>(topic: string, partition: number, offset: number | undefined): Promise<Consumer<T>> {
    const client = this.readerClient();
    try {
      await callback<unknown>((done) => client.connect({ timeout: this.options.connectTimeoutMs }, done));
    } catch (error) {
      throw new KafkaLogError(`reading ${topic}/${partition} on ${this.options.brokers} failed: ${errorText(error)}`);
    }
    // -2: librdkafka's OFFSET_BEGINNING, the earliest record retained.
    client.assign([{ topic, partition, offset: offset ?? -2 }]);
    return this.groupless<T>(client);
  }

  /** A connected, assigned reader of no group as a Consumer: nothing to commit, closed with the log. */
  private groupless<T>(client: ReturnType<KafkaLog['readerClient']>): Consumer<T> {
    this.consumers.set(client, () => undefined);
    return {
      poll: async (recordsMax, waitMs) => {
        if (this.closed || !client.isConnected()) return [];
        const messages = await consumeWaitingForFirst(client, recordsMax, waitMs);
        return messages.map((m) => toRecord<T>(m));
      },
      commit: () => undefined,
      close: () => {
        if (!this.consumers.delete(client)) return;
        if (client.isConnected()) client.disconnect();
      },
    };
  }

  member<T>(groupId: string, topic: string, rebalance: Rebalance): Consumer<T> {
    return this.consumer<T>(groupId, topic, rebalance);
  }

  producer(): Producer {
    return { send: (topic, messages) => this.send(topic, messages) };
  }

  private async send<T>(topic: string, messages: readonly LogMessage<T>[], partition?: number): Promise<void> {
    if (this.closed) throw new KafkaLogError('event log is closed');
    while (this.inFlight >= this.options.inFlightMax && !this.closed)
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    const now = Date.now();
    this.addInFlight(topic, messages.length);
    try {
      await Promise.all(
        messages.map((message) =>
          callback<unknown>((done) =>
            this.producerClient.produce(
              topic,
              partition ?? partitionOf(message.key, this.options.partitions),
              message.value,
              message.key,
              now,
              done,
            ),
          ),
        ),
      );
    } catch (error) {
      throw new KafkaLogError(`sending to ${topic} failed: ${errorText(error)}`);
    } finally {
      this.addInFlight(topic, -messages.length);
    }
  }

  private addInFlight(topic: string, count: number): void {
    this.inFlight += count;
    this.inFlightByTopic.set(topic, (this.inFlightByTopic.get(topic) ?? 0) + count);
    if (count < 0) {
      const waiters = this.spaceWaiters;
      this.spaceWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  consumer<T>(groupId: string, topic: string, rebalance?: Rebalance): Consumer<T> {
    // The rebalance events arrive on the JavaScript thread after librdkafka's callback returned; the group waits for
    // the (un)assignment made here, so a partition taken away is let go only once `revoking` is done.
    const rebalanceCb = (err: { code: number } | undefined, assignment: RdKafka.Assignment[]): void => {
      const partitions = assignment.filter((a) => a.topic === topic).map((a) => a.partition);
      if (err?.code === ASSIGN_PARTITIONS) {
        client.incrementalAssign(assignment);
        rebalance!.assigned(partitions);
      } else if (err?.code === REVOKE_PARTITIONS) {
        void rebalance!
          .revoking(partitions)
          .catch(() => undefined)
          .finally(() => {
            if (client.isConnected()) client.incrementalUnassign(assignment);
          });
      }
    };
    const client = new this.rd.KafkaConsumer(
      {
        ...(rebalance
          ? { 'partition.assignment.strategy': 'cooperative-sticky', rebalance_cb: rebalanceCb as never }
          : {}),
        'metadata.broker.list': this.options.brokers,
        'client.id': this.options.clientId,
        'group.id': groupId,
        // Offsets are committed by `commit`, after the caller's work is durable; never on a timer.
        'enable.auto.commit': false,
        'enable.auto.offset.store': false,
        // Reports each commit the broker acknowledged, for `lag`.
        offset_commit_cb: true,
        'session.timeout.ms': this.options.sessionTimeoutMs,
      },
      // A new group starts at the oldest retained record, as on the embedded log.
      { 'auto.offset.reset': 'earliest' },
    );
    let groups = this.progress.get(topic);
    if (!groups) this.progress.set(topic, (groups = new Map()));
    const progress: GroupProgress = { committed: new Map(), acknowledged: new Map(), firstRead: new Map() };
    client.on('offset.commit', (error, partitions) => {
      if (error) return;
      for (const { topic: t, partition, offset } of partitions)
        if (t === topic && offset > (progress.acknowledged.get(partition) ?? -1))
          progress.acknowledged.set(partition, offset);
    });
    groups.set(groupId, progress);
    let watermarks = this.highWatermarks.get(topic);
    if (!watermarks) this.highWatermarks.set(topic, (watermarks = new Map()));
    const highWatermarks = watermarks;
    // Commits are asynchronous; the last one is made again synchronously before the client leaves, so a clean
    // stop never leaves work done but uncommitted (it would be redone after the restart).
    const commitLast = (): void => {
      if (progress.committed.size === 0 || !client.isConnected()) return;
      try {
        client.commitSync([...progress.committed].map(([partition, offset]) => ({ topic, partition, offset })));
      } catch {
        // The asynchronous commit may have made it; if not, the records are read again and deduplicated.
      }
    };
    this.consumers.set(client, commitLast);
    const ready = callback<unknown>((done) => client.connect({ timeout: this.options.connectTimeoutMs }, done)).then(
      () => void client.subscribe([topic]),
    );
    // Surfaced by the first poll; kept from being an unhandled rejection meanwhile.
    ready.catch(() => undefined);
    return {
      poll: async (recordsMax, waitMs) => {
        try {
          await ready;
        } catch (error) {
          throw new KafkaLogError(`group ${groupId} could not join ${topic}: ${errorText(error)}`);
        }
        if (this.closed) return [];
        const messages = await consumeWaitingForFirst(client, recordsMax, waitMs);
        for (const m of messages)
          if (!progress.firstRead.has(m.partition)) progress.firstRead.set(m.partition, m.offset);
        // A consumer closed while this poll waited has no assignment to ask about (librdkafka: "Erroneous state").
        if (!client.isConnected()) return messages.map((m) => toRecord<T>(m));
        for (const { partition } of client.assignments()) {
          try {
            const { highOffset } = client.getWatermarkOffsets(topic, partition);
            if (highOffset >= 0) highWatermarks.set(partition, highOffset);
          } catch {
            // Not fetched from yet: no figure for the backlog.
          }
        }
        return messages.map((m) => toRecord<T>(m));
      },
      commit: (records: readonly LogRecord<T>[]) => {
        const next = new Map<number, number>();
        for (const record of records)
          next.set(record.partition, Math.max(next.get(record.partition) ?? 0, record.offset + 1));
        if (next.size === 0 || !client.isConnected()) return;
        for (const [partition, offset] of next)
          if (offset > (progress.committed.get(partition) ?? -1)) progress.committed.set(partition, offset);
        client.commit([...next].map(([partition, offset]) => ({ topic, partition, offset })));
      },
      // A partition no longer (or not yet) assigned has nothing to pause or resume: librdkafka's refusal is moot.
      pause: (partitions) => {
        try {
          if (client.isConnected()) client.pause(partitions.map((partition) => ({ topic, partition })));
        } catch {
          // Not assigned here.
        }
      },
      resume: (partitions) => {
        try {
          if (client.isConnected()) client.resume(partitions.map((partition) => ({ topic, partition })));
        } catch {
          // Not assigned here.
        }
      },
      close: () => {
        groups.delete(groupId);
        if (!this.consumers.has(client)) return;
        this.consumers.delete(client);
        commitLast();
        if (client.isConnected()) client.disconnect();
      },
    };
  }

  /**
   * Records not yet committed by every group of this process that reads the topic (from the high watermarks its
   * consumers last saw), plus sends not yet acknowledged by the cluster. Groups of other processes are the
   * cluster's to report (kafka-consumer-groups.sh --describe).
   */
  backlog(topic: string): number {
    let total = this.inFlightByTopic.get(topic) ?? 0;
    const groups = [...(this.progress.get(topic)?.values() ?? [])];
    for (const [partition, high] of this.highWatermarks.get(topic) ?? []) {
      let min = high;
      for (const group of groups) {
        const done = group.committed.get(partition) ?? group.firstRead.get(partition);
        if (done !== undefined) min = Math.min(min, done);
      }
      total += high - min;
    }
    return total;
  }

  /**
   * Per group of this process reading `topic`: records up to the high watermark its consumer last saw that the
   * broker has not acknowledged a commit for (records read again after a crash, at most).
   */
  lag(topic: string): Map<string, number> {
    const out = new Map<string, number>();
    const watermarks = this.highWatermarks.get(topic) ?? new Map<number, number>();
    for (const [group, progress] of this.progress.get(topic) ?? []) {
      let lag = 0;
      for (const [partition, high] of watermarks) {
        const done = progress.acknowledged.get(partition) ?? progress.firstRead.get(partition);
        if (done !== undefined) lag += Math.max(0, high - done);
      }
      out.set(group, lag);
    }
    return out;
  }

  /** True while the sends waiting for the cluster's acknowledgement are at their bound (`inFlightMax`). */
  full(): boolean {
    return this.inFlight >= this.options.inFlightMax;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const wake of this.spaceWaiters) wake();
    this.spaceWaiters = [];
    await Promise.all(
      [...this.consumers].map(([c, commitLast]) => {
        commitLast();
        return c.isConnected() ? callback<unknown>((done) => c.disconnect(done)) : undefined;
      }),
    );
    this.consumers.clear();
    if (this.producerClient.isConnected()) {
      await callback<void>((done) => this.producerClient.flush(this.options.connectTimeoutMs, done)).catch(
        () => undefined,
      );
      await callback<unknown>((done) => this.producerClient.disconnect(done));
    }
  }
}
