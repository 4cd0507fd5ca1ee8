/**
 * The embedded event log: partitions held in memory, bounded, with Kafka-like consumer groups.
 *
 * Durability is borrowed from the sink: a topic may name a durable group (the ClickHouse writer), and
 * `send` resolves only when that group has committed past the message. So a JT/T 808 reply, which waits for
 * `send`, is sent only once the position is in ClickHouse, which is the embedded form of acks=all.
 *
 * Every other group reads such a topic only up to what the durable group committed, as Kafka consumers read only
 * up to the high watermark: the rules never act on a fix that a crash could still lose, and the feed never shows
 * an alarm that is not stored. They are woken by that commit, the same event that releases the producers.
 */
import { randomUUID } from 'node:crypto';
import {
  partitionOf,
  type Consumer,
  type EventLog,
  type LogMessage,
  type LogRecord,
  type Producer,
} from './event-log.js';

export interface MemoryLogOptions {
  partitions: number;
  /** Messages per partition not yet committed by all groups; producers wait (backpressure) beyond it. */
  backlogPerPartitionMax: number;
  /** topic → the consumer group whose commit makes a message durable. */
  durableGroups: Record<string, string>;
}

interface Waiter {
  offset: number;
  resolve: () => void;
}

class Partition {
  records: LogRecord<unknown>[] = [];
  baseOffset = 0;
  nextOffset = 0;
  /** group → next offset to read */
  readPositions = new Map<string, number>();
  /** group → first offset not yet committed */
  committed = new Map<string, number>();
  durableWaiters: Waiter[] = [];

  minCommitted(): number {
    let min = this.nextOffset;
    for (const offset of this.committed.values()) min = Math.min(min, offset);
    return min;
  }

  trim(): void {
    const keepFrom = this.minCommitted();
    const drop = keepFrom - this.baseOffset;
    // Trimming in chunks keeps the cost of shifting the array amortised.
    if (drop >= 1024 || (drop > 0 && drop === this.records.length)) {
      this.records = this.records.slice(drop);
      this.baseOffset = keepFrom;
    }
  }
}

class Topic {
  readonly partitions: Partition[];
  /** Resolvers of polls waiting for new records: the durable group's, or any group's when there is none. */
  pollWaiters = new Set<() => void>();
  /** Resolvers of other groups' polls, waiting for the durable group to commit. */
  durablePollWaiters = new Set<() => void>();
  /** Resolvers of producers waiting for backlog space. */
  spaceWaiters: (() => void)[] = [];

  constructor(
    readonly name: string,
    partitionCount: number,
    readonly durableGroup: string | undefined,
  ) {
    this.partitions = Array.from({ length: partitionCount }, () => new Partition());
  }

  /**
   * Known between commits: every send asks for it, and only an append (+1) or a change of the groups' commits
   * (`forgetBacklog`) moves it, so the walk over partitions and groups happens once per commit, not per send.
   */
  private backlogKnown: number | undefined;

  backlog(): number {
    if (this.backlogKnown !== undefined) return this.backlogKnown;
    let total = 0;
    for (const p of this.partitions) total += p.nextOffset - p.minCommitted();
    this.backlogKnown = total;
    return total;
  }

  /** A record appended to `p`: one more in the backlog unless no group reads `p` (then nothing is behind). */
  appended(p: Partition): void {
    if (this.backlogKnown !== undefined && p.committed.size > 0) this.backlogKnown++;
  }

  /** After a group's commit moved, or a group came or went. */
  forgetBacklog(): void {
    this.backlogKnown = undefined;
  }
}

export class MemoryLog implements EventLog {
  readonly kind = 'memory' as const;
  readonly epoch = randomUUID();
  private readonly topics = new Map<string, Topic>();
  /** Call times of sends waiting for backlog space, not yet appended. */
  private readonly sendsWaiting = new Set<{ since: number }>();
  private closed = false;

  constructor(private readonly options: MemoryLogOptions) {
    if (options.partitions < 1) throw new Error(`partitions value ${options.partitions} is less than min allowed 1`);
  }

  /** Partitions of every topic, for keys to land where `send` would put them. */
  get partitionCount(): number {
    return this.options.partitions;
  }

  private topic(name: string): Topic {
    let topic = this.topics.get(name);
    if (!topic) {
      topic = new Topic(name, this.options.partitions, this.options.durableGroups[name]);
      // The durable group exists from the first message on, so nothing is trimmed before its sink starts.
      if (topic.durableGroup !== undefined) {
        for (const p of topic.partitions) {
          p.readPositions.set(topic.durableGroup, 0);
          p.committed.set(topic.durableGroup, 0);
        }
      }
      this.topics.set(name, topic);
    }
    return topic;
  }

  backlog(topic: string): number {
    return this.topics.get(topic)?.backlog() ?? 0;
  }

  full(topic: string): boolean {
    const t = this.topics.get(topic);
    return t !== undefined && t.backlog() >= this.backlogMax(t);
  }

  producer(): Producer {
    return { send: (topic, messages) => this.send(topic, messages) };
  }

  /**
   * Not an async function: the common send (room in the backlog) returns the durable waiter's own promise, where an
   * async wrapper would add a promise and two microtask turns to every JT/T 808 read.
   */
  private send<T>(topicName: string, messages: readonly LogMessage<T>[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('event log is closed'));
    const topic = this.topic(topicName);
    // A record's timestamp is when it was handed to `send` (Kafka's CreateTime), not when it was appended.
    const now = Date.now();
    if (topic.backlog() < this.backlogMax(topic)) return this.append(topic, messages, now);
    return this.sendWhenRoom(topic, messages, now);
  }

  /** A send that must first wait for room in the backlog. */
  private async sendWhenRoom<T>(topic: Topic, messages: readonly LogMessage<T>[], now: number): Promise<void> {
    const waiting = { since: now };
    this.sendsWaiting.add(waiting);
    try {
      await this.waitForSpace(topic);
    } finally {
      this.sendsWaiting.delete(waiting);
    }
    return this.append(topic, messages, now);
  }

  private append<T>(topic: Topic, messages: readonly LogMessage<T>[], now: number): Promise<void> {
    return messages.length === 1 ? this.appendOne(topic, messages[0], now) : this.appendMany(topic, messages, now);
  }

  /**
   * Several messages (a JT/T 808 read's positions, a back-fill): one durable waiter per partition touched, not one
   * per message, since a partition's waiters are released in offset order. A read's positions share one key, so
   * the common case is one partition and one waiter, without a map.
   */
  private appendMany<T>(topic: Topic, messages: readonly LogMessage<T>[], now: number): Promise<void> {
    const topicName = topic.name;
    const partitions = topic.partitions.length;
    let first: Partition | undefined;
    let firstLast = 0;
    let others: Map<Partition, number> | undefined;
    for (const message of messages) {
      const partitionIndex = partitionOf(message.key, partitions);
      const partition = topic.partitions[partitionIndex];
      const offset = partition.nextOffset++;
      topic.appended(partition);
      partition.records.push({
        topic: topicName,
        partition: partitionIndex,
        offset,
        timestamp: now,
        key: message.key,
        value: message.value,
      });
      if (first === undefined || first === partition) {
        first = partition;
        firstLast = offset;
      } else (others ??= new Map()).set(partition, offset);
    }
    for (const wake of topic.pollWaiters) wake();
    topic.pollWaiters.clear();
    if (topic.durableGroup === undefined || first === undefined) return Promise.resolve();
    const only = first;
    if (others === undefined)
      return new Promise<void>((resolve) => only.durableWaiters.push({ offset: firstLast, resolve }));
    const rest = others;
    return new Promise<void>((resolve) => {
      let pending = rest.size + 1;
      const release = (): void => {
        if (--pending === 0) resolve();
      };
      only.durableWaiters.push({ offset: firstLast, resolve: release });
      for (const [partition, offset] of rest) partition.durableWaiters.push({ offset, resolve: release });
    });
  }

  /** The common case of one message per send (a JT/T 808 frame), without the per-partition bookkeeping. */
  private appendOne<T>(topic: Topic, message: LogMessage<T>, now: number): Promise<void> {
    const partitionIndex = partitionOf(message.key, topic.partitions.length);
    const partition = topic.partitions[partitionIndex];
    const offset = partition.nextOffset++;
    topic.appended(partition);
    partition.records.push({
      topic: topic.name,
      partition: partitionIndex,
      offset,
      timestamp: now,
      key: message.key,
      value: message.value,
    });
    for (const wake of topic.pollWaiters) wake();
    topic.pollWaiters.clear();
    if (topic.durableGroup === undefined) return Promise.resolve();
    return new Promise<void>((resolve) => partition.durableWaiters.push({ offset, resolve }));
  }

  private backlogMax(topic: Topic): number {
    return this.options.backlogPerPartitionMax * topic.partitions.length;
  }

  private async waitForSpace(topic: Topic): Promise<void> {
    const limit = this.backlogMax(topic);
    while (topic.backlog() >= limit && !this.closed) {
      await new Promise<void>((resolve) => topic.spaceWaiters.push(resolve));
    }
  }

  consumer<T>(groupId: string, topicName: string): Consumer<T> {
    const topic = this.topic(topicName);
    for (const p of topic.partitions) {
      // A new group starts at the oldest retained record, like auto.offset.reset=earliest.
      if (!p.readPositions.has(groupId)) p.readPositions.set(groupId, p.baseOffset);
      if (!p.committed.has(groupId)) p.committed.set(groupId, p.baseOffset);
    }
    topic.forgetBacklog();
    // The durable group reads what is appended; every other group what the durable group made durable.
    const readsCommitted = topic.durableGroup !== undefined && topic.durableGroup !== groupId;
    const visibleEnd = (p: Partition): number =>
      readsCommitted ? (p.committed.get(topic.durableGroup as string) ?? p.baseOffset) : p.nextOffset;
    const waiters = readsCommitted ? topic.durablePollWaiters : topic.pollWaiters;
    let cursor = 0;
    const take = (recordsMax: number): LogRecord<T>[] => {
      const out: LogRecord<T>[] = [];
      const count = topic.partitions.length;
      // Round-robin over partitions so one busy vehicle cannot starve the others.
      for (let step = 0; step < count && out.length < recordsMax; step++) {
        const p = topic.partitions[(cursor + step) % count];
        let position = p.readPositions.get(groupId) ?? p.baseOffset;
        const end = visibleEnd(p);
        while (position < end && out.length < recordsMax) {
          out.push(p.records[position - p.baseOffset] as LogRecord<T>);
          position++;
        }
        p.readPositions.set(groupId, position);
      }
      cursor = (cursor + 1) % count;
      return out;
    };
    return {
      poll: async (recordsMax, waitMs) => {
        const first = take(recordsMax);
        if (first.length > 0 || waitMs <= 0 || this.closed) return first;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            waiters.delete(wake);
            resolve();
          }, waitMs);
          const wake = (): void => {
            clearTimeout(timer);
            resolve();
          };
          waiters.add(wake);
        });
        return take(recordsMax);
      },
      commit: (records) => this.commit(topic, groupId, records),
      close: () => {
        for (const p of topic.partitions) {
          p.readPositions.delete(groupId);
          p.committed.delete(groupId);
        }
        topic.forgetBacklog();
      },
    };
  }

  /**
   * The earliest call time (epoch ms) of anything still in flight towards `groupId` on `topics`: records it has not
   * read yet (durable or not), records of any topic not yet durable, and sends still waiting for backlog space;
   * `Infinity` when nothing is in flight. Ingestion stamps a row's `received_at` in the turn of the event loop that
   * sends it (a request's dead-letters go out in the same turn, not before), so no row `groupId` has yet to see
   * was received before this, give or take the time one handler takes. The rules keep this in their snapshot: what they must re-read from the stores after a
   * crash, since this log does not outlive its process. Costs a walk over the records in flight.
   */
  inFlightSinceMs(groupId: string, topics: readonly string[]): number {
    let since = Infinity;
    for (const waiting of this.sendsWaiting) since = Math.min(since, waiting.since);
    for (const topic of this.topics.values()) {
      const unread = topics.includes(topic.name);
      for (const p of topic.partitions) {
        let from = p.nextOffset;
        if (topic.durableGroup !== undefined)
          from = Math.min(from, p.committed.get(topic.durableGroup) ?? p.baseOffset);
        if (unread) from = Math.min(from, p.readPositions.get(groupId) ?? p.baseOffset);
        for (let offset = Math.max(from, p.baseOffset); offset < p.nextOffset; offset++)
          since = Math.min(since, p.records[offset - p.baseOffset].timestamp);
      }
    }
    return since;
  }

  private commit(topic: Topic, groupId: string, records: readonly LogRecord<unknown>[]): void {
    // The highest offset committed per partition; records of one partition arrive in offset order.
    const nextByPartition = new Map<Partition, number>();
    for (const record of records) {
      const p = topic.partitions[record.partition];
      const next = record.offset + 1;
      if (next > (nextByPartition.get(p) ?? 0)) nextByPartition.set(p, next);
    }
    for (const [p, next] of nextByPartition) {
      if (next > (p.committed.get(groupId) ?? 0)) p.committed.set(groupId, next);
      topic.forgetBacklog();
      if (groupId === topic.durableGroup) releaseDurableWaiters(p, p.committed.get(groupId) ?? 0);
      p.trim();
    }
    if (groupId === topic.durableGroup && nextByPartition.size > 0) {
      for (const wake of topic.durablePollWaiters) wake();
      topic.durablePollWaiters.clear();
    }
    const waiters = topic.spaceWaiters;
    topic.spaceWaiters = [];
    for (const wake of waiters) wake();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const topic of this.topics.values()) {
      for (const wake of topic.pollWaiters) wake();
      for (const wake of topic.durablePollWaiters) wake();
      for (const wake of topic.spaceWaiters) wake();
    }
  }
}

function releaseDurableWaiters(p: Partition, committedUpTo: number): void {
  let released = 0;
  // Offsets were appended in order, so the waiters are sorted by offset.
  while (released < p.durableWaiters.length && p.durableWaiters[released].offset < committedUpTo) {
    p.durableWaiters[released].resolve();
    released++;
  }
  if (released > 0) p.durableWaiters.splice(0, released);
}
