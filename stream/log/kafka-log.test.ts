import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafkaBroker, type KafkaBroker } from '../../tests/support/kafka-broker.js';
import { kafkaMetadata, kafkaTopicConfig, segmentBatchCompressions } from '../../tests/support/kafka-wire.js';
import { eventually } from '../../tests/support/vigil-process.js';
import { describeEventLogContract, pollCount } from './event-log.contract.js';
import { partitionOf } from './event-log.js';
import { KAFKA_LOG_DEFAULTS, KafkaLog, KafkaLogError, type KafkaLogOptions } from './kafka-log.js';

/** The record batch attribute of LZ4 compression (Kafka's record batch format v2). */
const LZ4 = 3;

// One real broker for the file (scripts/kafka.sh); each test makes topics of its own.
let broker: KafkaBroker;
beforeAll(async () => {
  broker = await startKafkaBroker();
});
afterAll(async () => {
  await broker?.stop();
});

function options(topics: readonly string[], partitions = 4): KafkaLogOptions {
  return { ...KAFKA_LOG_DEFAULTS, brokers: broker.brokers, partitions, topics, connectTimeoutMs: 10_000 };
}

describeEventLogContract('KafkaLog', async (topics) => ({
  log: await KafkaLog.connect(options(topics)),
  partitions: 4,
}));

describe('KafkaLog on a real broker', () => {
  it('creates its topics with the configured partition count, seen by the broker itself', async () => {
    const topics = ['vigil.start.a', 'vigil.start.b'];
    const log = await KafkaLog.connect(options(topics, 3));
    await log.close();
    const metadata = await kafkaMetadata(broker.host, broker.port, 5_000);
    for (const name of topics)
      expect(metadata.topics.find((t) => t.name === name)).toMatchObject({ name, partitions: 3, errorCode: 0 });
    // A second start finds them and accepts them.
    await (await KafkaLog.connect(options(topics, 3))).close();
  });

  it('creates its topics with the configured retention and sends lz4 batches, as the broker holds them', async () => {
    const topic = 'vigil.start.retention';
    const log = await KafkaLog.connect({ ...options([topic], 1), retentionHours: 36 });
    try {
      await log.producer().send(
        topic,
        Array.from({ length: 50 }, (_, i) => ({ key: 'vehicle', value: { terminal_id: '013800000000', i } })),
      );
    } finally {
      await log.close();
    }
    const config = await kafkaTopicConfig(broker.host, broker.port, topic, 5_000);
    expect(config.get('retention.ms')).toBe(String(36 * 3_600_000));
    // The epoch topic is kept for ever whatever the retention of the others.
    expect((await kafkaTopicConfig(broker.host, broker.port, 'vigil.epoch', 5_000)).get('retention.ms')).toBe('-1');
    // The broker keeps the codec the producer used (the topic's compression.type is "producer").
    const dir = path.join(broker.dataDir, `${topic}-0`);
    const segment = readdirSync(dir).find((f) => f.endsWith('.log'));
    expect(segment, `segment file in ${dir}`).toBeDefined();
    const codecs = segmentBatchCompressions(readFileSync(path.join(dir, segment!)));
    expect(codecs.length).toBeGreaterThan(0);
    expect(new Set(codecs)).toEqual(new Set([LZ4]));
  });

  it('refuses at start-up a topic whose partition count differs from the configured one, naming both', async () => {
    const topic = 'vigil.start.mismatch';
    await (await KafkaLog.connect(options([topic], 2))).close();
    const error = await KafkaLog.connect(options([topic], 4)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaLogError);
    expect((error as Error).message).toContain(`topic ${topic} has 2 partitions`);
    expect((error as Error).message).toContain('configured for 4');
  });

  it('resumes a group after its last commit in a new process: committed records are not redelivered, the rest are', async () => {
    const topic = 'vigil.resume';
    const first = await KafkaLog.connect(options([topic], 1));
    await first.producer().send(
      topic,
      [1, 2, 3, 4].map((value) => ({ key: 'vehicle', value })),
    );
    const sink = first.consumer<number>('sink', topic);
    const read = await pollCount(sink, 4);
    expect(read.map((r) => r.value)).toEqual([1, 2, 3, 4]);
    // Only the first two were made durable downstream before the "crash".
    sink.commit(read.slice(0, 2));
    await first.close();

    const second = await KafkaLog.connect(options([topic], 1));
    try {
      const again = second.consumer<number>('sink', topic);
      const resumed = await pollCount(again, 2);
      expect(resumed.map((r) => r.value)).toEqual([3, 4]);
      expect(resumed.map((r) => r.offset)).toEqual([read[2].offset, read[3].offset]);
      expect(await again.poll(10, 500)).toEqual([]);
      again.close();
    } finally {
      await second.close();
    }
  });

  it('names its offset space after the cluster: the same epoch in every process, whatever the broker list says', async () => {
    const first = await KafkaLog.connect(options(['vigil.epoch.a'], 1));
    const second = await KafkaLog.connect({ ...options(['vigil.epoch.b'], 1), brokers: `localhost:${broker.port}` });
    try {
      expect(first.epoch).toMatch(/^kafka:[0-9a-f-]{36}$/);
      expect(second.epoch).toBe(first.epoch);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('reads a topic since a time outside any group, up to its end offsets, and counts uncommitted records as backlog', async () => {
    const topic = 'vigil.read-since';
    const log = await KafkaLog.connect(options([topic], 2));
    try {
      const producer = log.producer();
      await producer.send(topic, [{ key: 'a', value: 'old' }]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const since = Date.now();
      await producer.send(topic, [
        { key: 'a', value: 'new-a' },
        { key: 'b', value: 'new-b' },
      ]);
      expect(await log.endOffsets(topic)).toEqual(
        [0, 1].map((p) => (partitionOf('a', 2) === p ? 2 : 0) + (partitionOf('b', 2) === p ? 1 : 0)),
      );
      const read = await log.readSince<string>(topic, since);
      expect(read.map((r) => r.value).sort()).toEqual(['new-a', 'new-b']);

      const sink = log.consumer<string>('sink', topic);
      const records = await pollCount(sink, 3);
      expect(log.backlog(topic)).toBe(3);
      sink.commit(records.filter((r) => r.value !== 'new-b'));
      expect(log.backlog(topic)).toBe(1);
      // The lag counts commits the broker acknowledged, which a polling consumer hears of.
      const deadline = Date.now() + 10_000;
      while (log.lag(topic).get('sink') !== 1 && Date.now() < deadline) expect(await sink.poll(1, 50)).toEqual([]);
      expect(log.lag(topic).get('sink')).toBe(1);
      // Closing commits again, synchronously: a new reader of the group starts after the committed records.
      sink.close();
      const again = log.consumer<string>('sink', topic);
      expect((await pollCount(again, 1)).map((r) => r.value)).toEqual(['new-b']);
      again.close();
    } finally {
      await log.close();
    }
  });

  it('spreads a topic over the members of a group, lets a partition go once its revoking is done, pauses one', async () => {
    const topic = 'vigil.members';
    const a = await KafkaLog.connect(options([topic]));
    const b = await KafkaLog.connect(options([topic]));
    const held: Record<string, Set<number>> = { a: new Set(), b: new Set() };
    const events: string[] = [];
    const member = (log: KafkaLog, name: string) =>
      log.member<string>('members', topic, {
        assigned: (partitions) => {
          for (const p of partitions) held[name].add(p);
          events.push(`${name}+${partitions.join(',')}`);
        },
        revoking: async (partitions) => {
          events.push(`${name}-${partitions.join(',')}…`);
          // What a worker does before it lets a partition go (a snapshot) takes a while; the other waits for it.
          await new Promise((resolve) => setTimeout(resolve, 500));
          for (const p of partitions) held[name].delete(p);
          events.push(`${name}-${partitions.join(',')}`);
        },
      });
    const polling = new Set<string>();
    const poll = async (name: string, consumer: ReturnType<typeof member>) => {
      polling.add(name);
      while (polling.has(name)) await consumer.poll(100, 50);
    };
    const first = member(a, 'a');
    const loops = [poll('a', first)];
    try {
      await eventually(() => (held.a.size === 4 ? true : undefined), 30_000, 'a holding all four');
      const second = member(b, 'b');
      loops.push(poll('b', second));
      await eventually(
        () => (held.a.size > 0 && held.b.size > 0 && held.a.size + held.b.size === 4 ? true : undefined),
        30_000,
        'both holding partitions',
      );
      // Cooperative: a kept what it did not give up, and b was given each partition only after a let it go.
      // (An incremental rebalance may also tell a member of an empty change: `a+`.)
      const given = events.findIndex((e) => /^b\+\d/.test(e));
      const letGo = events.findIndex((e) => /^a-\d/.test(e) && !e.endsWith('…'));
      expect(letGo).toBeGreaterThanOrEqual(0);
      expect(given).toBeGreaterThan(letGo);
      expect(events.filter((e) => /^a\+\d/.test(e)).map((e) => e.slice(2).split(',').sort().join(','))).toEqual([
        '0,1,2,3',
      ]);
      for (const p of held.a) expect(held.b.has(p)).toBe(false);

      // A reader of one partition from an offset, outside the group.
      const p = [...held.b][0];
      const key = Array.from({ length: 100 }, (_, i) => `k${i}`).find((k) => partitionOf(k, 4) === p)!;
      await a.producer().send(
        topic,
        ['r0', 'r1', 'r2'].map((value) => ({ key, value })),
      );
      const [end] = [(await a.endOffsets(topic))[p]];
      const reader = await a.partitionReader<string>(topic, p, end - 2);
      try {
        const read = await pollCount(reader, 2, 10_000);
        expect(read.map((r) => [r.partition, r.offset, r.value])).toEqual([
          [p, end - 2, 'r1'],
          [p, end - 1, 'r2'],
        ]);
      } finally {
        reader.close();
      }
      polling.delete('b');
      await loops.pop();
      // A member's paused partition is not fetched until it is resumed, from where it stood.
      second.pause!([p]);
      await a.producer().send(topic, [{ key, value: 'r3' }]);
      expect((await pollCount(second, 1, 1_500)).filter((r) => r.partition === p)).toEqual([]);
      second.resume!([p]);
      const resumed = (await pollCount(second, 1, 10_000)).filter((r) => r.partition === p);
      expect(resumed.map((r) => r.value)).toEqual(['r3']);
      second.close();
    } finally {
      polling.clear();
      await Promise.all(loops);
      first.close();
      await a.close();
      await b.close();
    }
  }, 90_000);

  it('names a record that is not JSON by topic, partition and offset instead of handing it on', async () => {
    const topic = 'vigil.foreign';
    const log = await KafkaLog.connect(options([topic], 1));
    try {
      // Another client writes bytes of its own into the topic.
      const { default: rd } = await import('node-rdkafka');
      const foreign = new rd.HighLevelProducer({ 'metadata.broker.list': broker.brokers });
      await new Promise((resolve, reject) => foreign.connect({}, (err) => (err ? reject(err) : resolve(undefined))));
      foreign.setPollInterval(10);
      await new Promise((resolve, reject) =>
        foreign.produce(topic, 0, Buffer.from('\x00not json'), 'k', Date.now(), (err) =>
          err ? reject(err) : resolve(undefined),
        ),
      );
      await new Promise((resolve) => foreign.disconnect(resolve));
      const sink = log.consumer<unknown>('sink', topic);
      const deadline = Date.now() + 30_000;
      let error: unknown;
      while (error === undefined && Date.now() < deadline) await sink.poll(10, 200).catch((e: unknown) => (error = e));
      expect(error).toBeInstanceOf(KafkaLogError);
      expect((error as Error).message).toContain(`record ${topic}/0@0 is not JSON`);
      sink.close();
    } finally {
      await log.close();
    }
  });

  it('fails start-up against an address where no broker listens with an error naming it, within its bound', async () => {
    const started = Date.now();
    const error = await KafkaLog.connect({
      ...options(['vigil.nowhere']),
      brokers: '127.0.0.1:1',
      connectTimeoutMs: 3_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaLogError);
    expect((error as Error).message).toContain('127.0.0.1:1');
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
