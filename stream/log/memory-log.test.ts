import { describe, expect, it } from 'vitest';
import { partitionOf } from './event-log.js';
import { describeEventLogContract } from './event-log.contract.js';
import { MemoryLog } from './memory-log.js';

const TOPIC = 'vigil.telemetry';

/** Keys that land on distinct partitions, so a send can be made to span several. */
function keysOnPartitions(partitions: number): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.length < partitions; i++) {
    const key = `1380000${i}`;
    if (!keys.some((k) => partitionOf(k, partitions) === partitionOf(key, partitions))) keys.push(key);
  }
  return keys;
}

async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  // Several turns of the microtask queue, so a promise that is already resolvable has resolved.
  for (let i = 0; i < 10; i++) await Promise.resolve();
  return done;
}

describe('MemoryLog durability', () => {
  it('resolves a send only once the durable group has committed past every message of it, on every partition', async () => {
    const log = new MemoryLog({ partitions: 4, backlogPerPartitionMax: 100, durableGroups: { [TOPIC]: 'sink' } });
    const [a, b] = keysOnPartitions(4);
    const single = log.producer().send(TOPIC, [{ key: a, value: 1 }]);
    const spanning = log.producer().send(TOPIC, [
      { key: a, value: 2 },
      { key: b, value: 3 },
    ]);
    const consumer = log.consumer<number>('sink', TOPIC);
    const records = await consumer.poll(10, 0);
    expect(records.map((r) => r.value).sort()).toEqual([1, 2, 3]);
    expect(await settled(single)).toBe(false);
    // Commit the first partition's records only: the single send is durable, the spanning one is not yet.
    const onA = records.filter((r) => r.key === a);
    consumer.commit(onA.filter((r) => r.value === 1));
    expect(await settled(single)).toBe(true);
    expect(await settled(spanning)).toBe(false);
    consumer.commit(onA);
    expect(await settled(spanning)).toBe(false);
    consumer.commit(records.filter((r) => r.key === b));
    expect(await settled(spanning)).toBe(true);
    await log.close();
  });

  it('acknowledges on append when the topic has no durable group', async () => {
    const log = new MemoryLog({ partitions: 2, backlogPerPartitionMax: 100, durableGroups: {} });
    await log.producer().send(TOPIC, [{ key: 'k', value: 1 }]);
    await log.producer().send(TOPIC, [
      { key: 'k', value: 2 },
      { key: 'j', value: 3 },
    ]);
    await log.close();
  });

  it('holds producers back at the backlog bound until the durable group commits', async () => {
    const log = new MemoryLog({ partitions: 1, backlogPerPartitionMax: 2, durableGroups: { [TOPIC]: 'sink' } });
    const producer = log.producer();
    const first = producer.send(TOPIC, [
      { key: 'k', value: 1 },
      { key: 'k', value: 2 },
    ]);
    const blocked = producer.send(TOPIC, [{ key: 'k', value: 3 }]);
    const consumer = log.consumer<number>('sink', TOPIC);
    const firstRecords = await consumer.poll(10, 0);
    expect(firstRecords.map((r) => r.value)).toEqual([1, 2]);
    // The third message waits outside the log while the backlog is at its bound.
    expect(await consumer.poll(10, 0)).toEqual([]);
    expect(log.backlog(TOPIC)).toBe(2);
    expect(log.full(TOPIC)).toBe(true);
    consumer.commit(firstRecords);
    expect(await settled(first)).toBe(true);
    const third = await consumer.poll(10, 1_000);
    expect(third.map((r) => r.value)).toEqual([3]);
    expect(log.full(TOPIC)).toBe(false);
    expect(await settled(blocked)).toBe(false);
    consumer.commit(third);
    expect(await settled(blocked)).toBe(true);
    await log.close();
  });
});

describe('MemoryLog visibility', () => {
  it('shows other groups only what the durable group committed, and wakes them when it commits', async () => {
    const log = new MemoryLog({ partitions: 2, backlogPerPartitionMax: 100, durableGroups: { [TOPIC]: 'sink' } });
    const sink = log.consumer<number>('sink', TOPIC);
    const rules = log.consumer<number>('rules', TOPIC);
    void log.producer().send(TOPIC, [
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
    ]);
    expect(await rules.poll(10, 0)).toEqual([]);
    const appended = await sink.poll(10, 0);
    expect(appended.map((r) => r.value).sort()).toEqual([1, 2]);
    // A poll waiting for records is woken by the durable commit, not by the append.
    const waiting = rules.poll(10, 5_000);
    expect(await settled(waiting)).toBe(false);
    sink.commit(appended);
    expect((await waiting).map((r) => r.value).sort()).toEqual([1, 2]);
    await log.close();
  });

  it('reads everything appended when the topic has no durable group', async () => {
    const log = new MemoryLog({ partitions: 1, backlogPerPartitionMax: 100, durableGroups: {} });
    const reader = log.consumer<number>('rules', TOPIC);
    await log.producer().send(TOPIC, [{ key: 'a', value: 1 }]);
    expect((await reader.poll(10, 0)).map((r) => r.value)).toEqual([1]);
    await log.close();
  });
});

describe('MemoryLog in-flight time', () => {
  it('is the earliest send time of records a group has yet to read, records not yet durable and sends waiting', async () => {
    const rejects = 'vigil.rejects';
    const log = new MemoryLog({
      partitions: 1,
      backlogPerPartitionMax: 2,
      durableGroups: { [TOPIC]: 'sink', [rejects]: 'sink-rejects' },
    });
    const sink = log.consumer<number>('sink', TOPIC);
    const rules = log.consumer<number>('rules', TOPIC);
    expect(log.inFlightSinceMs('rules', [TOPIC])).toBe(Infinity);
    const before = Date.now();
    // A dead-letter written first (another topic, not read by the group) holds the time back until durable.
    void log.producer().send(rejects, [{ key: 'a', value: 0 }]);
    void log.producer().send(TOPIC, [{ key: 'a', value: 1 }]);
    const first = log.inFlightSinceMs('rules', [TOPIC]);
    expect(first).toBeGreaterThanOrEqual(before);
    expect(first).toBeLessThanOrEqual(Date.now());
    const rejectsSink = log.consumer<number>('sink-rejects', rejects);
    const rejected = await rejectsSink.poll(10, 0);
    const durable = await sink.poll(10, 0);
    // The two sends may fall in two milliseconds: the earlier of them is the time.
    expect(first).toBe(Math.min(rejected[0].timestamp, durable[0].timestamp));
    rejectsSink.commit(rejected);
    // Durable but not read by the group yet: still in flight for it, from its own send.
    sink.commit(durable);
    expect(log.inFlightSinceMs('rules', [TOPIC])).toBe(durable[0].timestamp);
    expect(log.inFlightSinceMs('other', [])).toBe(Infinity);
    await rules.poll(10, 0);
    expect(log.inFlightSinceMs('rules', [TOPIC])).toBe(Infinity);
    // A send waiting for backlog space counts from the moment it was made.
    void log.producer().send(TOPIC, [
      { key: 'a', value: 2 },
      { key: 'a', value: 3 },
    ]);
    const waitingFrom = Date.now();
    void log.producer().send(TOPIC, [{ key: 'a', value: 4 }]);
    const waitingBy = Date.now();
    expect(log.inFlightSinceMs('other', [])).toBeLessThanOrEqual(waitingFrom);
    const appended = await sink.poll(10, 0);
    sink.commit(appended);
    await rules.poll(10, 0);
    // Appended since or still waiting: in flight either way, from when the send was made.
    const since = log.inFlightSinceMs('rules', [TOPIC]);
    expect(since).toBeGreaterThanOrEqual(waitingFrom);
    expect(since).toBeLessThanOrEqual(waitingBy);
    await log.close();
  });
});

describeEventLogContract('MemoryLog', async (topics) => {
  const partitions = 4;
  const durableGroups = Object.fromEntries(topics.map((topic) => [topic, 'sink']));
  return { log: new MemoryLog({ partitions, backlogPerPartitionMax: 1_000, durableGroups }), partitions };
});
