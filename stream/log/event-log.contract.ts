/**
 * What every EventLog promises, run against each implementation (memory-log.test.ts, kafka-log.test.ts): the
 * claim that the embedded log and Kafka are interchangeable is only as good as this suite.
 *
 * Each test gets a log with fresh topics whose durable group is `sink`, as the node configures them. On the
 * embedded log a send resolves once `sink` committed past it; on Kafka once the cluster acknowledged it. So the
 * tests start a send, let `sink` read and commit, and only then await the send, which holds on both.
 */
import { describe, expect, it } from 'vitest';
import { partitionOf, type Consumer, type EventLog, type LogRecord } from './event-log.js';

export interface ContractLog {
  log: EventLog;
  partitions: number;
}

/** Opens a log whose `topics` exist, are empty and have `sink` as their durable group. */
export type OpenContractLog = (topics: readonly string[]) => Promise<ContractLog>;

const POLL_BOUND_MS = 30_000;

/** Polls until `count` records arrived or the bound passed, so no outcome hangs on one poll's timing. */
export async function pollCount<T>(
  consumer: Consumer<T>,
  count: number,
  boundMs = POLL_BOUND_MS,
): Promise<LogRecord<T>[]> {
  const records: LogRecord<T>[] = [];
  const deadline = Date.now() + boundMs;
  while (records.length < count && Date.now() < deadline)
    records.push(...(await consumer.poll(count - records.length, 200)));
  return records;
}

let topicSeq = 0;
function freshTopic(): string {
  return `vigil.contract.${process.pid}.${Date.now()}.${topicSeq++}`;
}

export function describeEventLogContract(name: string, open: OpenContractLog): void {
  describe(`EventLog contract: ${name}`, () => {
    it('delivers every message once to the durable group, each key on its partition in send order, offsets ascending', async () => {
      const topic = freshTopic();
      const { log, partitions } = await open([topic]);
      try {
        const keys = ['13800000001', '13800000002', '13800000003'];
        const before = Date.now();
        const sends = [0, 1, 2].map((round) =>
          log.producer().send(
            topic,
            keys.map((key) => ({ key, value: { key, round } })),
          ),
        );
        const sink = log.consumer<{ key: string; round: number }>('sink', topic);
        const records = await pollCount(sink, 9);
        expect(records).toHaveLength(9);
        for (const key of keys) {
          const own = records.filter((r) => r.key === key);
          expect(own.map((r) => r.value.round)).toEqual([0, 1, 2]);
          expect(new Set(own.map((r) => r.partition))).toEqual(new Set([partitionOf(key, partitions)]));
        }
        for (let p = 0; p < partitions; p++) {
          const offsets = records.filter((r) => r.partition === p).map((r) => r.offset);
          expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
          expect(new Set(offsets).size).toBe(offsets.length);
        }
        for (const r of records) {
          expect(r.topic).toBe(topic);
          expect(r.timestamp).toBeGreaterThanOrEqual(before);
          expect(r.timestamp).toBeLessThanOrEqual(Date.now());
        }
        sink.commit(records);
        await Promise.all(sends);
        // Nothing more arrives: each message was delivered once.
        expect(await sink.poll(10, 300)).toEqual([]);
        sink.close();
      } finally {
        await log.close();
      }
    });

    it('gives every existing group its own copy once the durable group committed, values intact', async () => {
      const topic = freshTopic();
      const { log } = await open([topic]);
      try {
        const value = { plate: '豫A12345', lon: 113.625368, lat: 34.746599, flags: [true, false], note: null };
        // Groups that exist when a message is sent: the embedded log keeps a record only until every group it
        // knows has committed it (the node creates all its groups at start-up), Kafka for its retention time.
        const rules = log.consumer<typeof value>('rules', topic);
        const feed = log.consumer<typeof value>('feed', topic);
        const sent = log.producer().send(topic, [
          { key: 'a', value },
          { key: 'b', value: { ...value, plate: '豫B54321' } },
        ]);
        const sink = log.consumer<typeof value>('sink', topic);
        const stored = await pollCount(sink, 2);
        sink.commit(stored);
        await sent;
        const [byRules, byFeed] = await Promise.all([pollCount(rules, 2), pollCount(feed, 2)]);
        for (const seen of [byRules, byFeed]) {
          expect(seen.map((r) => r.value.plate).sort()).toEqual(['豫A12345', '豫B54321']);
          expect(seen.find((r) => r.key === 'a')?.value).toEqual(value);
        }
        for (const c of [sink, rules, feed]) c.close();
      } finally {
        await log.close();
      }
    });

    it('returns at most recordsMax records a poll, and the rest on the next polls', async () => {
      const topic = freshTopic();
      const { log } = await open([topic]);
      try {
        const sent = log.producer().send(
          topic,
          Array.from({ length: 10 }, (_, i) => ({ key: 'one-vehicle', value: i })),
        );
        const sink = log.consumer<number>('sink', topic);
        const seen: number[] = [];
        const deadline = Date.now() + POLL_BOUND_MS;
        while (seen.length < 10 && Date.now() < deadline) {
          const batch = await sink.poll(3, 200);
          expect(batch.length).toBeLessThanOrEqual(3);
          seen.push(...batch.map((r) => r.value));
          sink.commit(batch);
        }
        expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        await sent;
        sink.close();
      } finally {
        await log.close();
      }
    });

    it('answers an idle poll with nothing within its wait, and a waiting poll with what is sent meanwhile', async () => {
      const topic = freshTopic();
      const { log } = await open([topic]);
      try {
        const sink = log.consumer<string>('sink', topic);
        // Joined: an empty poll now measures the wait, not the group's join.
        expect(await pollCount(sink, 1, 2_000)).toEqual([]);
        const started = Date.now();
        expect(await sink.poll(10, 300)).toEqual([]);
        expect(Date.now() - started).toBeLessThan(300 + 2_000);
        const waiting = sink.poll(10, 10_000);
        const sent = log.producer().send(topic, [{ key: 'k', value: 'late' }]);
        const got = await waiting;
        const records = got.length > 0 ? got : await pollCount(sink, 1);
        expect(records.map((r) => r.value)).toEqual(['late']);
        sink.commit(records);
        await sent;
        sink.close();
      } finally {
        await log.close();
      }
    });
  });
}
