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
 */
import type * as RdKafka from 'node-rdkafka';
import {
  partitionOf,
  type Consumer,
  type EventLog,
  type LogMessage,
  type LogRecord,
  type Producer,
} from './event-log.js';

export interface KafkaLogOptions {
  /** Bootstrap brokers, `host:port[,host:port…]`. */
  brokers: string;
  /** Partitions of every topic; topics are created with it and refused at start-up if they have another count. */
  partitions: number;
  /** Replicas of each topic Vigil creates (1 for a single broker, 3 in production). */
  replicationFactor: number;
  /** The topics this node uses; all are created or checked before `connect` resolves. */
  topics: readonly string[];
  clientId: string;
  /** Messages sent but not yet acknowledged by the cluster; producers wait beyond it (the node is not ready). */
  inFlightMax: number;
  /** Bound on start-up calls to the cluster (metadata, topic creation, connecting). */
  connectTimeoutMs: number;
}

export const KAFKA_LOG_DEFAULTS = {
  replicationFactor: 1,
  clientId: 'vigil',
  inFlightMax: 100_000,
  connectTimeoutMs: 30_000,
} as const;

/** The cluster refused or cannot serve what the node needs: named with the key and value at fault. */
export class KafkaLogError extends Error {
  override name = 'KafkaLogError';
}

const TOPIC_ALREADY_EXISTS = 36;

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

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class KafkaLog implements EventLog {
  readonly kind = 'kafka' as const;
  readonly epoch: string;
  private readonly consumers = new Set<RdKafka.KafkaConsumer>();
  private inFlight = 0;
  private readonly inFlightByTopic = new Map<string, number>();
  private spaceWaiters: (() => void)[] = [];
  private closed = false;

  private constructor(
    private readonly rd: typeof RdKafka,
    private readonly producerClient: RdKafka.HighLevelProducer,
    private readonly options: KafkaLogOptions,
  ) {
    // Kafka's offsets outlive the process, so the sinks' deduplication tokens may reuse them across restarts.
    this.epoch = `kafka:${options.brokers}`;
  }

  /** Connects, creates missing topics with `partitions` partitions and checks that existing ones have that many. */
  static async connect(options: KafkaLogOptions): Promise<KafkaLog> {
    if (!Number.isInteger(options.partitions) || options.partitions < 1)
      throw new KafkaLogError(`partitions value ${options.partitions} is less than min allowed 1`);
    const rd = await loadRdKafka();
    const timeout = options.connectTimeoutMs;
    const admin = rd.AdminClient.create({ 'metadata.broker.list': options.brokers, 'client.id': options.clientId });
    try {
      for (const topic of options.topics) {
        try {
          await callback<void>((done) =>
            admin.createTopic(
              { topic, num_partitions: options.partitions, replication_factor: options.replicationFactor },
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
      for (const topic of options.topics) {
        const count = await partitionCount(producer, topic, timeout);
        if (count !== options.partitions)
          throw new KafkaLogError(
            `topic ${topic} has ${count} partitions on ${options.brokers}, the node is configured for ` +
              `${options.partitions} (--log-partitions): a vehicle would change partition; fix one or the other`,
          );
      }
    } catch (error) {
      await log.close();
      throw error;
    }
    producer.setPollInterval(10);
    return log;
  }

  producer(): Producer {
    return { send: (topic, messages) => this.send(topic, messages) };
  }

  private async send<T>(topic: string, messages: readonly LogMessage<T>[]): Promise<void> {
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
              partitionOf(message.key, this.options.partitions),
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

  consumer<T>(groupId: string, topic: string): Consumer<T> {
    const client = new this.rd.KafkaConsumer(
      {
        'metadata.broker.list': this.options.brokers,
        'client.id': this.options.clientId,
        'group.id': groupId,
        // Offsets are committed by `commit`, after the caller's work is durable; never on a timer.
        'enable.auto.commit': false,
        'enable.auto.offset.store': false,
      },
      // A new group starts at the oldest retained record, as on the embedded log.
      { 'auto.offset.reset': 'earliest' },
    );
    this.consumers.add(client);
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
        client.setDefaultConsumeTimeout(Math.max(1, waitMs));
        const messages = await callback<RdKafka.Message[]>((done) => client.consume(recordsMax, done));
        return messages.map((m) => ({
          topic: m.topic,
          partition: m.partition,
          offset: m.offset,
          timestamp: m.timestamp ?? 0,
          key: m.key === undefined || m.key === null ? '' : m.key.toString(),
          value: decode<T>(m),
        }));
      },
      commit: (records: readonly LogRecord<T>[]) => {
        const next = new Map<number, number>();
        for (const record of records)
          next.set(record.partition, Math.max(next.get(record.partition) ?? 0, record.offset + 1));
        if (next.size === 0 || !client.isConnected()) return;
        client.commit([...next].map(([partition, offset]) => ({ topic, partition, offset })));
      },
      close: () => {
        this.consumers.delete(client);
        if (client.isConnected()) client.disconnect();
      },
    };
  }

  /** Messages this process sent that the cluster has not acknowledged yet (the groups' lag is the cluster's). */
  backlog(topic: string): number {
    return this.inFlightByTopic.get(topic) ?? 0;
  }

  full(): boolean {
    return this.inFlight >= this.options.inFlightMax;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const wake of this.spaceWaiters) wake();
    this.spaceWaiters = [];
    await Promise.all(
      [...this.consumers].map((c) => (c.isConnected() ? callback<unknown>((done) => c.disconnect(done)) : undefined)),
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
