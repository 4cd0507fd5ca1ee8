/**
 * Runs the rule engine on a node: consumes the telemetry, camera, device and driver-card topics, sends alarm versions to
 * the alarms topic in order, drives the engine's clock, snapshots all state to `<data-dir>/rules/` (every
 * `snapshotIntervalMs` and at shutdown) with what it covers, and restores it at start-up. Also the live home of
 * the rules configuration: a new version is validated, stored and applied without a restart.
 *
 * Exactly once across a crash. A snapshot records where the input it covers ends: Kafka's offsets (committed
 * with the snapshot, re-read from there: `fromKafka`), or, for the in-process log that starts empty with every
 * process, the earliest `received_at` of anything not yet evaluated (`InputReplay`). At start-up the runner restores the
 * snapshot, re-reads from the stores every input row received since, evaluates it as the log would have delivered
 * it, sends the alarms that produces and only then takes new input. The engine skips what the snapshot already
 * covered, and alarm ids and versions are deterministic, so an alarm raised before the crash comes back as the
 * same row, never as a second alarm.
 */
import type { RoadLookup } from '../roads/index.js';
import path from 'node:path';
import type {
  AlarmRow,
  CameraEvent,
  DeviceStatus,
  DriverEventRow,
  TaxiOrderEventRow,
  Logger,
  Metrics,
  TelemetryRow,
  VehicleRegistry,
} from '../../schema/index.js';
import { partitionOf, TOPICS, type Consumer, type EventLog, type LogRecord } from '../log/event-log.js';
import type { InputReplay, ReplayedInput } from './input-replay.js';
import { ALL_RULES } from '../rules/all-rules.js';
import { RulesConfigStore, type RulesConfigSummary, type RulesConfigVersion } from '../rules/config-store.js';
import { compileRulesConfig } from '../rules/rules-config.js';
import {
  SnapshotCorruptError,
  WHOLE_SNAPSHOT,
  fileSnapshotStore,
  type SnapshotPart,
  type SnapshotStore,
} from './snapshot-store.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AnyRule } from './rule.js';
import { ENGINE_PART, joinSnapshotParts, type EngineSnapshot, type EngineSnapshotHead } from './engine-snapshot.js';
import { RULE_ENGINE_DEFAULTS, RuleEngine, type EngineStats, type RuleEngineOptions } from './rule-engine.js';
import { FixesAndCardsInOrder } from './fixes-and-cards.js';
import { DRIVER_STATE_TOPIC, handoverKey, type DriverHandover, type DriverHandovers } from './driver-handover.js';

export interface RulesRunnerOptions {
  /** Records per poll of each topic. */
  batchRecordsMax: number;
  pollWaitMs: number;
  /** How often the clock advances (idle release, absence timers), processing time. */
  tickMs: number;
  snapshotIntervalMs: number;
  /** Alarm rows produced but not yet sent; consumers wait beyond it. */
  alarmsQueueMax: number;
  /** A wall clock that jumps back more than this makes a snapshot at once (its replay cursor is in that clock). */
  clockStepBackMsMax: number;
  /** On Kafka, how long the start-up catch-up to the input topics' end offsets may take before going on anyway. */
  kafkaCatchUpMsMax: number;
  engine: RuleEngineOptions;
}

export const RULES_RUNNER_DEFAULTS: RulesRunnerOptions = {
  batchRecordsMax: 5_000,
  pollWaitMs: 200,
  tickMs: 500,
  snapshotIntervalMs: 30_000,
  alarmsQueueMax: 100_000,
  clockStepBackMsMax: 1_000,
  kafkaCatchUpMsMax: 120_000,
  engine: RULE_ENGINE_DEFAULTS,
};

export interface RulesRunnerDeps {
  log: EventLog;
  logger: Logger;
  metrics: Metrics;
  /** Vehicle facts; an empty registry when none is given (every vehicle of class `other`). */
  registry?: VehicleRegistry;
  /** Where snapshots and configuration versions live (`<dataDir>/rules/`); in memory only when undefined. */
  dataDir?: string;
  /**
   * Where the snapshot lives instead of `<dataDir>/rules/engine-snapshot.json`: the shared PostgreSQL server, for
   * stream workers any of which may take the rules over.
   */
  snapshots?: SnapshotStore;
  rules?: readonly AnyRule[];
  now?: () => number;
  /**
   * Where input not covered by the snapshot is re-read at start-up, for a log that forgets it (the in-process
   * one); none for Kafka, which re-reads from the offsets the snapshot committed.
   */
  inputReplay?: InputReplay;
  /**
   * The road index (`vigil roads import`), read at start-up: the speed and parking rules match fixes to its roads.
   * Without it they fall back to the vehicle class's limits and the zones.
   */
  roads?: RoadLookup;
  /**
   * Only on Kafka, for rules spread over stream workers: this runner evaluates one log partition's input, read
   * through the readers given here from the offsets its own snapshot (`snapshots`) kept. Absent, it reads every
   * partition as the one group `rules`.
   */
  partition?: RulesPartition;
}

/** The one log partition a runner evaluates (partitioned-rules.ts), and how it reads that partition's input. */
export interface RulesPartition {
  index: number;
  /**
   * Readers of this partition of each input topic, in `RULES_INPUT_TOPICS` order, from the next offset `from`
   * gives (undefined: the earliest retained). Asked once the snapshot is restored.
   */
  readers(from: (topic: string) => number | undefined): Promise<Consumer<unknown>[]>;
  /**
   * The drivers' states the other partitions' engines published (driver-handover.ts): this partition's engine takes
   * them in, and publishes its own drivers' states to `vigil.driver-state`. Absent, drivers are not handed over.
   */
  driverHandovers?: DriverHandovers;
}

/** What the configuration API needs from the running rules. */
export interface RulesConfigService {
  current(): RulesConfigVersion;
  /** Validates, stores and applies a new version; throws `RulesConfigError` when invalid (nothing changes). */
  update(candidate: unknown, actor: string, comment: string): RulesConfigVersion;
  describeRules(): { id: string; description: string; input: string; fields: Record<string, unknown> }[];
  /** The stored versions, newest first, without their configurations (who saved which, when and why). */
  history(limit: number): RulesConfigSummary[];
}

/** The rules, their inputs and their configuration fields, as the configuration API lists them. */
export function describeRules(
  rules: readonly AnyRule[],
): { id: string; description: string; input: string; fields: Record<string, unknown> }[] {
  return rules.map((r) => ({
    id: r.id,
    description: r.description,
    input: r.input,
    fields: Object.fromEntries(
      Object.entries(r.spec).map(([k, f]) => [k, { ...f, ...('key' in f ? { key: String(f.key) } : {}) }]),
    ),
  }));
}

export const EMPTY_REGISTRY: VehicleRegistry = { byTerminal: () => undefined, byPlate: () => undefined };

export interface SnapshotFile {
  taken_at: number;
  log: { epoch: string; offsets: Record<string, number[]> };
  /**
   * With an `InputReplay`: input received at or after this (epoch ms) may not be covered and is re-read at
   * start-up; everything received before it is. Absent without one.
   */
  replay_from_ms?: number;
  /** Alarm versions produced but not yet acknowledged by the log when the snapshot was taken. */
  unsent_alarms: AlarmRow[];
  /** Rules spread over partitions: drivers' states not yet acknowledged by the log (absent when none). */
  unsent_handovers?: DriverHandover[];
  engine: EngineSnapshot;
}

/** The runner's snapshot put together from its stored parts (or the one text of a snapshot from before parts). */
export function snapshotFileOf(parts: Map<string, string>): SnapshotFile {
  const whole = parts.get(WHOLE_SNAPSHOT);
  if (whole !== undefined) return JSON.parse(whole) as SnapshotFile;
  const text = parts.get(ENGINE_PART);
  if (text === undefined) throw new SnapshotCorruptError(`snapshot part ${ENGINE_PART} is missing`);
  const file = JSON.parse(text) as Omit<SnapshotFile, 'engine'> & { engine: EngineSnapshotHead };
  return { ...file, engine: joinSnapshotParts(file.engine, (name) => parts.get(name)) };
}

const GROUP = 'rules';
const INPUT_TOPICS = [TOPICS.telemetry, TOPICS.camera, TOPICS.devices, TOPICS.drivers, TOPICS.taxiOrders] as const;
/** The topics the rules read, in the order of `RulesPartition.readers`. */
export const RULES_INPUT_TOPICS: readonly string[] = INPUT_TOPICS;
/**
 * A snapshot is serialized this long at a time, then the event loop runs whatever waits (acknowledgements, the
 * feed, the rules' own input): the longest a snapshot holds the node up, however much state there is.
 */
const SNAPSHOT_SLICE_MS = 8;
/** A snapshot store that fails to answer is asked this many times, waiting 1, 2, … times the delay between. */
const SNAPSHOT_READ_ATTEMPTS = 4;
const SNAPSHOT_READ_RETRY_MS = 500;
/** Alarms sent this long before a snapshot was taken are read back too when the catch-up checks what was sent. */
const ALARMS_SENT_MARGIN_MS = 5_000;

/** Where a restart re-reads the input its snapshot does not cover, and how it learns what was already sent. */
interface CatchUpSource {
  /** For the log: `the stores` or `kafka`. */
  what: string;
  batches: AsyncIterable<ReplayedInput[]>;
  /** The highest version of each of these alarms sent before the restart. */
  sentVersions(alarmIds: readonly string[]): Promise<Map<string, number>>;
  /** Whether a read that fails stops the start, or the rules go on from the snapshot alone. */
  readFailureIsFatal: boolean;
  fields: Record<string, unknown>;
}

export class RulesRunner implements RulesConfigService {
  readonly engine: RuleEngine;
  readonly configStore: RulesConfigStore;
  private readonly rules: readonly AnyRule[];
  private readonly now: () => number;
  private readonly snapshotStore: SnapshotStore | undefined;
  private snapshotting: Promise<void> | undefined;
  private readonly offsets: Record<string, number[]> = {};
  private skipBelow: Record<string, number[]> = {};
  private readonly commitOnSnapshot: boolean;
  private readonly lastRecords = new Map<
    string,
    { consumer: Consumer<unknown>; records: Map<number, LogRecord<unknown>> }
  >();
  private queue: AlarmRow[] = [];
  private sending: Promise<void> | undefined;
  /** Drivers' states to publish, the newest of each driver, and the one loop sending them. */
  private handovers = new Map<string, DriverHandover>();
  private sendingHandovers: Promise<void> | undefined;
  private running = false;
  private loops: Promise<void>[] = [];
  private timers: NodeJS.Timeout[] = [];
  private lastStats: Record<string, number> = {};
  private lastNow = -Infinity;
  private consumers: Consumer<unknown>[] = [];

  constructor(
    private readonly deps: RulesRunnerDeps,
    private readonly options: RulesRunnerOptions = RULES_RUNNER_DEFAULTS,
  ) {
    this.rules = deps.rules ?? ALL_RULES;
    this.now = deps.now ?? Date.now;
    const rulesDir = deps.dataDir ? path.join(deps.dataDir, 'rules') : undefined;
    this.configStore = new RulesConfigStore(this.rules, rulesDir ? path.join(rulesDir, 'config') : undefined);
    for (const skipped of this.configStore.skipped) deps.logger.error('rules configuration version refused', skipped);
    if (this.configStore.filled)
      deps.logger.warn('rules configuration version lacks fields added since; they run with defaults', {
        ...this.configStore.filled,
      });
    const current = this.configStore.current();
    const latency = deps.metrics.histogram(
      'vigil_rules_alarm_latency_seconds',
      'From a position reaching Vigil to the alarm it opened',
      [],
      [0.001, 0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 60],
    );
    this.engine = new RuleEngine(
      this.rules,
      compileRulesConfig(current.config, current.version, this.rules, deps.roads),
      {
        registry: deps.registry ?? EMPTY_REGISTRY,
        now: this.now,
        onPositionAlarm: (row, receivedAt) => {
          if (row.version === 1) latency.observe(undefined, Math.max(0, this.now() - receivedAt) / 1000);
        },
        ...(deps.partition
          ? {
              ownsDevice: (id: string) => partitionOf(id, deps.log.partitionCount) === deps.partition!.index,
              ...(deps.partition.driverHandovers ? { driverHandovers: deps.partition.driverHandovers } : {}),
            }
          : {}),
      },
      options.engine,
    );
    this.snapshotStore =
      deps.snapshots ?? (rulesDir ? fileSnapshotStore(path.join(rulesDir, 'engine-snapshot.json')) : undefined);
    // Kafka keeps offsets across restarts: commit only what a snapshot covers. The in-process log starts
    // empty with every process, so it commits as it goes and keeps no backlog for the rules.
    this.commitOnSnapshot = deps.log.kind === 'kafka';
    deps.metrics.onCollect(() => this.exportStats());
  }

  current(): RulesConfigVersion {
    return this.configStore.current();
  }

  update(candidate: unknown, actor: string, comment: string): RulesConfigVersion {
    const saved = this.configStore.save(candidate, actor, comment);
    this.engine.setConfig(compileRulesConfig(saved.config, saved.version, this.rules, this.deps.roads));
    this.deps.logger.info('rules configuration applied', { version: saved.version, by: actor });
    return saved;
  }

  history(limit: number): RulesConfigSummary[] {
    return this.configStore.history(limit);
  }

  describeRules(): { id: string; description: string; input: string; fields: Record<string, unknown> }[] {
    return describeRules(this.rules);
  }

  /** Runs a version another store saved (the rules spread over partitions keep one store for all their runners). */
  applyConfig(version: RulesConfigVersion): void {
    this.engine.setConfig(compileRulesConfig(version.config, version.version, this.rules, this.deps.roads));
  }

  /**
   * Restores the snapshot, replays what it does not cover and starts taking new input; resolves once the replayed
   * alarms are durable, so whatever reads the alarm store after this (the command centre's catch-up) sees them.
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    // Joined before anything else: the in-process log keeps for a group only what arrives once it has joined.
    const partition = this.deps.partition;
    if (!partition) this.consumers = INPUT_TOPICS.map((topic) => this.deps.log.consumer<unknown>(GROUP, topic));
    // A fenced store is claimed before it is read: a former holder's late snapshot cannot replace what this restores.
    let file: SnapshotFile | undefined;
    try {
      await this.snapshotStore?.claim?.();
      file = await this.restore();
    } catch (error) {
      // Not running: a stop after this must not write this empty engine over the snapshot it could not read.
      this.running = false;
      for (const consumer of this.consumers) consumer.close();
      this.consumers = [];
      throw error;
    }
    // One partition's readers start where its snapshot ends.
    if (partition) this.consumers = await partition.readers((topic) => this.offsets[topic]?.[partition.index]);
    const consumers = this.consumers;
    const source =
      file?.replay_from_ms !== undefined && this.deps.inputReplay
        ? this.fromStores(this.deps.inputReplay, file.replay_from_ms)
        : file && this.catchesUpOnKafka(file)
          ? await this.fromKafka(consumers, file.taken_at)
          : undefined;
    if (source) await this.catchUp(source);
    if (file) this.engine.resumeClockAt(this.now());
    // Alarms a snapshot held unsent, then those of the replay, go out before anything new.
    this.flushAlarms();
    await this.drainSends();
    // From the first start on there is a snapshot to resume from: a crash before the first interval loses nothing.
    if (this.snapshotStore) await this.snapshotSafely();
    const [telemetry, camera, devices, drivers, orders] = consumers;
    const watermarks = this.deps.log.watermarks?.bind(this.deps.log);
    this.loops = [
      // One partition's fixes and cards in the order received, as a worker taking the partition over replays them.
      ...(partition && watermarks && this.commitOnSnapshot
        ? [
            this.consumeFixesAndCards(
              telemetry as Consumer<TelemetryRow>,
              this.fixesAndCardsOf(telemetry, drivers, partition.index, watermarks),
            ),
          ]
        : [
            this.consume<TelemetryRow>(telemetry as Consumer<TelemetryRow>, TOPICS.telemetry, (row, p, now) =>
              this.engine.onPosition(row, p, now),
            ),
            this.consume<DriverEventRow>(drivers as Consumer<DriverEventRow>, TOPICS.drivers, (row, _p, now) =>
              this.engine.onDriverEvent(row, now),
            ),
          ]),
      this.consume<CameraEvent>(camera as Consumer<CameraEvent>, TOPICS.camera, (event, _partition, now) =>
        this.engine.onCamera(event, now),
      ),
      this.consume<DeviceStatus>(devices as Consumer<DeviceStatus>, TOPICS.devices, (status, _partition, now) =>
        this.engine.onDevice(status, now),
      ),
      this.consume<TaxiOrderEventRow>(
        orders as Consumer<TaxiOrderEventRow>,
        TOPICS.taxiOrders,
        (row, _partition, now) => this.engine.onTaxiOrder(row, now),
      ),
    ];
    this.timers.push(setInterval(() => this.tick(), this.options.tickMs));
    if (this.snapshotStore) {
      this.timers.push(setInterval(() => void this.snapshotSafely(), this.options.snapshotIntervalMs));
    }
  }

  private tick(): void {
    const now = this.now();
    // The replay cursor of the snapshot on disk is in the clock as it was: after a step back, rows received now
    // may carry earlier times than the cursor, so a snapshot in the new clock must cover them at once.
    if (now < this.lastNow - this.options.clockStepBackMsMax) {
      this.deps.logger.warn('wall clock stepped back; snapshotting the rules now', { by_ms: this.lastNow - now });
      void this.snapshotSafely();
    }
    this.lastNow = now;
    try {
      this.engine.tick(now);
    } catch (error) {
      this.deps.logger.error('rules clock tick failed', { error: String(error) });
    }
    this.flushAlarms();
  }

  /** One snapshot at a time: one still being written makes the next interval's wait for the one after. */
  private async snapshotSafely(): Promise<void> {
    if (this.snapshotting) return;
    try {
      await this.snapshotNow();
    } catch (error) {
      // A failed snapshot (disk full) leaves the previous one in place; the next interval tries again.
      this.deps.logger.error('rules snapshot failed', { error: String(error) });
    }
  }

  /** The in-process log forgot its input: re-read from the stores what was received since the snapshot's bound. */
  private fromStores(replay: InputReplay, fromMs: number): CatchUpSource {
    return {
      what: 'the stores',
      batches: replay.read(fromMs),
      sentVersions: (alarmIds) => replay.storedAlarmVersions(alarmIds),
      // The stores could not be read: the rules go on from the snapshot alone, and say what they may have missed.
      readFailureIsFatal: false,
      fields: { from_ms: fromMs },
    };
  }

  /**
   * On Kafka, after a restart: the group resumes at the offsets the last snapshot committed, and everything from
   * there to the topics' end offsets was evaluated by the process that stopped, whose alarms may already be in the
   * alarms topic; they are read back from it. `kafkaCatchUpMsMax` bounds the wait.
   */
  private async fromKafka(consumers: Consumer<unknown>[], snapshotTakenAt: number): Promise<CatchUpSource | undefined> {
    const log = this.deps.log;
    if (!log.endOffsets || !log.readSince) return undefined;
    const readSince = log.readSince.bind(log);
    const all = await Promise.all(INPUT_TOPICS.map((topic) => log.endOffsets!(topic)));
    // A runner of one partition catches up on that partition only.
    const own = this.deps.partition?.index;
    const ends = own === undefined ? all : all.map((list) => list.map((end, p) => (p === own ? end : 0)));
    return {
      what: 'kafka',
      batches: this.kafkaBacklog(consumers, ends),
      sentVersions: async () => {
        const sent = new Map<string, number>();
        for (const { value } of await readSince<AlarmRow>(TOPICS.alarms, snapshotTakenAt - ALARMS_SENT_MARGIN_MS))
          sent.set(value.alarm_id, Math.max(sent.get(value.alarm_id) ?? 0, value.version));
        return sent;
      },
      // A broker that fails here fails the start: the group would otherwise skip input it must evaluate.
      readFailureIsFatal: true,
      fields: {},
    };
  }

  /** The input topics from the group's offsets to `ends`, one batch of each topic behind at a time. */
  private async *kafkaBacklog(consumers: Consumer<unknown>[], ends: number[][]): AsyncGenerator<ReplayedInput[]> {
    const behind = (i: number): boolean =>
      ends[i].some((end, partition) => (this.offsets[INPUT_TOPICS[i]]?.[partition] ?? 0) < end);
    const deadline = Date.now() + this.options.kafkaCatchUpMsMax;
    // Merged by received time, as the stores' replay reads them and as a partition's live loop hands its fixes and
    // cards on (fixes-and-cards.ts): an input waits until every topic still behind was read past its received time,
    // so where one batch ends does not change the order. On a tie, the topics' order (a fix before a card).
    const topicIndex = new Map(INPUT_TOPICS.map((topic, i) => [topic, i]));
    const order = (a: ReplayedInput, b: ReplayedInput): number =>
      a.value.received_at - b.value.received_at || topicIndex.get(a.topic)! - topicIndex.get(b.topic)!;
    const readUpTo = INPUT_TOPICS.map(() => -Infinity);
    let held: ReplayedInput[] = [];
    while (INPUT_TOPICS.some((_, i) => behind(i))) {
      if (Date.now() > deadline) {
        this.deps.logger.error('rules catch-up on kafka did not reach the end offsets in time; going on', {
          ms: this.options.kafkaCatchUpMsMax,
        });
        break;
      }
      for (const [i, topic] of INPUT_TOPICS.entries()) {
        if (!behind(i)) continue;
        const records = await consumers[i].poll(this.options.batchRecordsMax, this.options.pollWaitMs);
        const skip = this.skipBelow[topic];
        const offsets = (this.offsets[topic] ??= []);
        for (const record of records) {
          offsets[record.partition] = Math.max(offsets[record.partition] ?? 0, record.offset + 1);
          const input = { topic, partition: record.partition, value: record.value } as ReplayedInput;
          readUpTo[i] = Math.max(readUpTo[i], input.value.received_at);
          if (skip !== undefined && record.offset < (skip[record.partition] ?? 0)) continue;
          held.push(input);
        }
        this.rememberForCommit(topic, consumers[i], records);
      }
      let bound = Infinity;
      for (const [i] of INPUT_TOPICS.entries()) if (behind(i)) bound = Math.min(bound, readUpTo[i]);
      held.sort(order);
      let due = 0;
      while (due < held.length && held[due].value.received_at <= bound) due++;
      const batch = held.slice(0, due);
      held = held.slice(due);
      yield batch;
    }
    if (held.length > 0) yield held;
  }

  /**
   * The one read loop of a restart, whichever log: evaluates every input the snapshot does not cover, in order, at
   * the processing time it first arrived, with the clock ticking as it did; then sends the alarms that raised, less
   * the versions the stopped process had already sent (same ids and versions: sending them again would change
   * nothing stored, but the feed and the command centre need not see them twice). Resolves once they are durable.
   */
  private async catchUp(source: CatchUpSource): Promise<void> {
    const started = performance.now();
    let rows = 0;
    let sentAlready = 0;
    const evaluate = this.evaluatorAtReceivedTime();
    try {
      for await (const batch of source.batches) {
        for (const input of batch) {
          try {
            evaluate(input);
          } catch (error) {
            this.failed(input.topic, { partition: input.partition, offset: -1, key: '' }, error);
          }
        }
        rows += batch.length;
        // Held back until caught up, so the versions already sent can be left out; sent early only at the bound.
        this.queue.push(...this.engine.drainAlarms());
        if (this.queue.length >= this.options.alarmsQueueMax) sentAlready += await this.sendCaughtUpAlarms(source);
      }
    } catch (error) {
      if (source.readFailureIsFatal) throw error;
      this.deps.metrics.counter('vigil_rules_replay_failures_total', 'Start-up replays that could not finish').inc();
      this.deps.logger.error(`rules catch-up from ${source.what} failed; input since the snapshot may be missed`, {
        ...source.fields,
        rows_replayed: rows,
        error: String(error),
      });
    }
    sentAlready += await this.sendCaughtUpAlarms(source);
    this.deps.metrics
      .counter('vigil_rules_replayed_total', 'Input rows re-read from the stores at start-up')
      .inc(undefined, rows);
    this.deps.logger.info(`rules caught up from ${source.what}`, {
      ...source.fields,
      rows,
      alarms_sent_already: sentAlready,
      ms: Math.round(performance.now() - started),
    });
  }

  /** Sends the queued alarms not already sent; returns how many were left out as sent. */
  private async sendCaughtUpAlarms(source: CatchUpSource): Promise<number> {
    this.queue.push(...this.engine.drainAlarms());
    let sentAlready = 0;
    if (this.queue.length > 0) {
      try {
        const sent = await source.sentVersions([...new Set(this.queue.map((a) => a.alarm_id))]);
        const before = this.queue.length;
        this.queue = this.queue.filter((a) => a.version > (sent.get(a.alarm_id) ?? 0));
        sentAlready = before - this.queue.length;
      } catch (error) {
        // Sending them again is harmless (ClickHouse keeps one row per id and version; the feed and the command
        // centre compare versions): only noisier.
        this.deps.logger.warn('alarms sent before the restart could not be read back; sending every one', {
          error: String(error),
        });
      }
    }
    this.flushAlarms();
    await this.drainSends();
    return sentAlready;
  }

  /**
   * Evaluates input at the processing time it first arrived (its `received_at`), with the clock ticking as it did
   * in between: how a restart re-runs what a stopped process had seen.
   */
  private evaluatorAtReceivedTime(): (input: ReplayedInput) => void {
    let nextTick = -Infinity;
    return (input) => {
      const at = input.value.received_at;
      if (nextTick === -Infinity) nextTick = at + this.options.tickMs;
      while (at >= nextTick) {
        this.engine.tick(nextTick);
        nextTick += this.options.tickMs;
      }
      if (input.topic === TOPICS.telemetry) this.engine.onPosition(input.value, input.partition, at);
      else if (input.topic === TOPICS.camera) this.engine.onCamera(input.value, at);
      else if (input.topic === TOPICS.drivers) this.engine.onDriverEvent(input.value, at);
      else if (input.topic === TOPICS.taxiOrders) this.engine.onTaxiOrder(input.value, at);
      else this.engine.onDevice(input.value, at);
    };
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await Promise.all(this.loops);
    this.flushAlarms();
    await this.drainSends();
    while (this.snapshotting) await this.snapshotting;
    try {
      await this.snapshotNow();
    } finally {
      // After the snapshot, which commits (Kafka) the offsets it covers through them; closed even when it failed.
      for (const consumer of this.consumers) consumer.close();
      this.consumers = [];
    }
  }

  private async consume<T>(
    consumer: Consumer<T>,
    topic: string,
    handle: (value: T, partition: number, now: number) => void,
  ): Promise<void> {
    const offsets = (this.offsets[topic] ??= []);
    while (this.running) {
      await this.roomForAlarms();
      const records = await consumer.poll(this.options.batchRecordsMax, this.options.pollWaitMs);
      if (records.length === 0) continue;
      const now = this.now();
      for (const record of records)
        if (this.evaluate(topic, record, handle, now)) offsets[record.partition] = record.offset + 1;
      this.flushAlarms();
      if (this.commitOnSnapshot)
        this.rememberForCommit(topic, consumer as Consumer<unknown>, records as LogRecord<unknown>[]);
      else consumer.commit(records);
    }
  }

  /** Waits while the alarms queue is full, sending what it holds. */
  private async roomForAlarms(): Promise<void> {
    while (this.queue.length >= this.options.alarmsQueueMax && this.running) {
      this.flushAlarms();
      await this.drainSends();
    }
  }

  /** Hands one record to the engine unless this start skips it (evaluated before the snapshot); false when skipped. */
  private evaluate<T>(
    topic: string,
    record: LogRecord<T>,
    handle: (value: T, partition: number, now: number) => void,
    now: number,
  ): boolean {
    const skip = this.skipBelow[topic];
    if (skip !== undefined && record.offset < (skip[record.partition] ?? 0)) return false;
    try {
      handle(record.value, record.partition, now);
    } catch (error) {
      // One event the rules cannot handle must not stop them for everyone: count it, log it, go on.
      this.failed(topic, record, error);
    }
    return true;
  }

  private fixesAndCardsOf(
    fixes: Consumer<unknown>,
    cards: Consumer<unknown>,
    partition: number,
    watermarks: NonNullable<EventLog['watermarks']>,
  ): FixesAndCardsInOrder {
    const problems = this.deps.metrics.counter(
      'vigil_rules_input_order_unsure_total',
      'Batches of fixes evaluated without the cards received before them made sure of, by reason',
      ['reason'],
    );
    return new FixesAndCardsInOrder({
      fixes: fixes as Consumer<TelemetryRow>,
      cards: cards as Consumer<DriverEventRow>,
      log: { watermarks },
      partition,
      cardsFrom: this.offsets[TOPICS.drivers]?.[partition],
      fixesNext: () => this.offsets[TOPICS.telemetry]?.[partition],
      running: () => this.running,
      onProblem: (reason, error) => {
        problems.inc({ reason });
        this.deps.logger.warn('fixes evaluated without making sure of the cards received before them', {
          partition,
          reason,
          ...(error === undefined ? {} : { error: String(error) }),
        });
      },
    });
  }

  /** `consume` for one partition's fixes and cards together, in the order received (fixes-and-cards.ts). */
  private async consumeFixesAndCards(fixes: Consumer<TelemetryRow>, input: FixesAndCardsInOrder): Promise<void> {
    const partition = this.deps.partition!.index;
    const fixOffsets = (this.offsets[TOPICS.telemetry] ??= []);
    const cardOffsets = (this.offsets[TOPICS.drivers] ??= []);
    const onFix = (row: TelemetryRow, p: number, at: number): void => this.engine.onPosition(row, p, at);
    const onCard = (row: DriverEventRow, _p: number, at: number): void => this.engine.onDriverEvent(row, at);
    while (this.running) {
      await this.roomForAlarms();
      const { fixes: read, inputs } = await input.poll(this.options.batchRecordsMax, this.options.pollWaitMs);
      if (read.length === 0 && inputs.length === 0) continue;
      const now = this.now();
      for (const next of inputs) {
        if (next.topic === TOPICS.drivers) this.evaluate(next.topic, next.record, onCard, now);
        else if (this.evaluate(next.topic, next.record, onFix, now))
          fixOffsets[next.record.partition] = next.record.offset + 1;
      }
      const covered = input.cardsCovered;
      if (covered !== undefined) cardOffsets[partition] = covered;
      this.flushAlarms();
      if (read.length > 0) this.rememberForCommit(TOPICS.telemetry, fixes as Consumer<unknown>, read);
    }
  }

  private failed(
    topic: string,
    record: Pick<LogRecord<unknown>, 'partition' | 'offset' | 'key'>,
    error: unknown,
  ): void {
    this.deps.metrics
      .counter('vigil_rules_errors_total', 'Events the rules failed on (skipped)', ['topic'])
      .inc({ topic });
    this.deps.logger.error('rules failed on an event, skipped', {
      topic,
      partition: record.partition,
      offset: record.offset,
      key: record.key,
      error: String(error),
    });
  }

  private rememberForCommit(topic: string, consumer: Consumer<unknown>, records: LogRecord<unknown>[]): void {
    let entry = this.lastRecords.get(topic);
    if (!entry) this.lastRecords.set(topic, (entry = { consumer, records: new Map() }));
    for (const r of records) entry.records.set(r.partition, r);
  }

  /** Moves produced alarm rows to the send queue and makes sure one sender drains it, in order. */
  private flushAlarms(): void {
    const rows = this.engine.drainAlarms();
    if (rows.length > 0) this.queue.push(...rows);
    if (this.queue.length > 0 && !this.sending) this.sending = this.sendLoop();
    this.flushHandovers();
  }

  /** Drivers' states published by the engine go to `vigil.driver-state`, named by the partition they come from. */
  private flushHandovers(): void {
    const partition = this.deps.partition?.index ?? -1;
    for (const handover of this.engine.drainHandovers())
      this.handovers.set(handover.driver_id, { ...handover, partition });
    if (this.handovers.size > 0 && !this.sendingHandovers) this.sendingHandovers = this.sendHandoversLoop();
  }

  /**
   * Sends the queued drivers' states, retrying until the log takes them. A state is not an event: one sent again,
   * or a newer one of the same driver replacing a queued one, changes nothing the readers keep but the newest.
   */
  private async sendHandoversLoop(): Promise<void> {
    const producer = this.deps.log.producer();
    try {
      while (this.handovers.size > 0) {
        const batch = [...this.handovers.values()].slice(0, 5_000);
        try {
          await producer.send(
            DRIVER_STATE_TOPIC,
            batch.map((h) => ({ key: handoverKey(h), value: h })),
          );
          // Only those not replaced by a newer state while they were being sent.
          for (const h of batch) if (this.handovers.get(h.driver_id) === h) this.handovers.delete(h.driver_id);
          this.deps.metrics
            .counter('vigil_rules_driver_states_sent_total', "Drivers' states published for other partitions' rules")
            .inc(undefined, batch.length);
        } catch (error) {
          this.deps.logger.error("sending drivers' states failed, retrying", {
            drivers: batch.length,
            error: String(error),
          });
          if (!this.running) return;
          await new Promise((r) => setTimeout(r, 1_000));
        }
      }
    } finally {
      this.sendingHandovers = undefined;
    }
  }

  private async sendLoop(): Promise<void> {
    const producer = this.deps.log.producer();
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.slice(0, 5_000);
        try {
          await producer.send(
            TOPICS.alarms,
            batch.map((a) => ({ key: a.terminal_id || a.plate || a.alarm_id, value: a })),
          );
          this.queue.splice(0, batch.length);
        } catch (error) {
          this.deps.logger.error('sending alarms failed, retrying', { rows: batch.length, error: String(error) });
          if (!this.running) return;
          await new Promise((r) => setTimeout(r, 1_000));
        }
      }
    } finally {
      this.sending = undefined;
    }
  }

  private async drainSends(): Promise<void> {
    while (this.sending) await this.sending;
    while (this.sendingHandovers) await this.sendingHandovers;
  }

  /**
   * Writes all state, the offsets it covers and the alarms not yet sent; then commits (Kafka) what it covers. The
   * state is taken at once; the offsets are committed only once the store has it.
   */
  async snapshotNow(): Promise<void> {
    if (!this.snapshotStore) return;
    const writing = this.writeSnapshot(this.snapshotStore);
    this.snapshotting = writing;
    try {
      await writing;
    } finally {
      if (this.snapshotting === writing) this.snapshotting = undefined;
    }
  }

  private async writeSnapshot(store: SnapshotStore): Promise<void> {
    const started = performance.now();
    const now = this.now();
    const replayFrom = this.deps.inputReplay?.pendingSinceMs(GROUP, INPUT_TOPICS, now);
    // Roadside ids the replay may deliver again must stay known, however far back it reaches.
    this.engine.retainRoadsideSince(replayFrom ?? Infinity);
    // The moment the snapshot covers, in one synchronous step: the offsets evaluated so far, the alarms not yet sent
    // and the engine's state. The consumers go on while the engine's state is serialized (it keeps what they change
    // as it was, see snapshot-capture.ts), so the offsets and the queue are copied here.
    // One partition's vehicles are one part.
    const capture = this.engine.beginSnapshot(this.deps.partition ? 1 : this.deps.log.partitionCount);
    const offsets = Object.fromEntries(Object.entries(this.offsets).map(([topic, list]) => [topic, [...list]]));
    const unsent = [...this.queue, ...this.engine.drainAlarmsPeek()];
    const partition = this.deps.partition?.index ?? -1;
    const unsentHandovers = [
      ...this.handovers.values(),
      ...this.engine.drainHandoversPeek().map((h) => ({ ...h, partition })),
    ];
    const covered = [...this.lastRecords.values()].map(({ consumer, records }) => ({
      consumer,
      records: [...records.values()],
    }));
    this.lastRecords.clear();
    let slices = 1;
    while (!capture.step(SNAPSHOT_SLICE_MS)) {
      slices++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const head: Omit<SnapshotFile, 'engine'> = {
      taken_at: now,
      log: { epoch: this.deps.log.epoch, offsets },
      ...(replayFrom !== undefined ? { replay_from_ms: replayFrom } : {}),
      unsent_alarms: unsent,
      ...(unsentHandovers.length > 0 ? { unsent_handovers: unsentHandovers } : {}),
    };
    // The engine's part is the head's object with the engine's shared state as its last field; the vehicles of
    // each log partition are parts of their own.
    const parts: SnapshotPart[] = capture.documents.map(({ name, pieces }) =>
      name === ENGINE_PART
        ? { name, pieces: [`${JSON.stringify(head).slice(0, -1)},"engine":`, ...pieces, '}'] }
        : { name, pieces },
    );
    let bytes = 0;
    for (const { pieces } of parts) for (const piece of pieces) bytes += piece.length;
    // When the write fails these offsets stay uncommitted until a later snapshot commits further ones: after a
    // crash the group re-reads a little more, which the restored snapshot's offsets skip.
    await store.write(parts, now);
    for (const { consumer, records } of covered) consumer.commit(records);
    this.deps.metrics.gauge('vigil_rules_snapshot_bytes', 'Size of the last rules snapshot').set(undefined, bytes);
    this.deps.metrics
      .histogram('vigil_rules_snapshot_seconds', 'Time to write a rules snapshot')
      .observe(undefined, (performance.now() - started) / 1000);
    this.deps.metrics
      .gauge('vigil_rules_snapshot_slices', 'Event-loop turns the last rules snapshot was serialized in')
      .set(undefined, slices);
  }

  /** On Kafka, and only with offsets of this very cluster: others say nothing about where the group resumes. */
  private catchesUpOnKafka(file: SnapshotFile): boolean {
    return this.deps.log.kind === 'kafka' && file.log.epoch === this.deps.log.epoch;
  }

  /**
   * Reads the snapshot, asking the store again after a failure of its own (a database connection lost, a disk
   * error) and finally failing the start: a runner that started empty would write its empty state over the snapshot
   * at its first interval, and every open episode, timer and fatigue clock in it would be gone.
   */
  private async readSnapshot(store: SnapshotStore): Promise<Map<string, string> | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await store.read();
      } catch (error) {
        if (error instanceof SnapshotCorruptError) throw error;
        if (attempt >= SNAPSHOT_READ_ATTEMPTS)
          throw new Error(`rules snapshot ${store.where} could not be read (${attempt} attempts): ${String(error)}`, {
            cause: error,
          });
        this.deps.logger.warn('rules snapshot read failed; asking again', {
          file: store.where,
          attempt,
          error: String(error),
        });
        await sleep(SNAPSHOT_READ_RETRY_MS * attempt);
      }
    }
  }

  private async restore(): Promise<SnapshotFile | undefined> {
    if (!this.snapshotStore) return undefined;
    let file: SnapshotFile;
    try {
      const parts = await this.readSnapshot(this.snapshotStore);
      if (parts === undefined) return undefined;
      file = snapshotFileOf(parts);
    } catch (error) {
      if (!(error instanceof SnapshotCorruptError || error instanceof SyntaxError)) throw error;
      this.deps.logger.error('rules snapshot unreadable, starting empty', {
        file: this.snapshotStore.where,
        error: String(error),
      });
      return undefined;
    }
    // With a replay to come, the engine resumes at the snapshot's time and the replay moves it on.
    const catchesUp = (file.replay_from_ms !== undefined && this.deps.inputReplay) || this.catchesUpOnKafka(file);
    this.engine.restore(file.engine, catchesUp ? file.taken_at : this.now());
    // Offsets mean something only in the same log (a Kafka cluster); the in-process log starts anew.
    if (file.log.epoch === this.deps.log.epoch) {
      this.skipBelow = file.log.offsets;
      for (const topic of INPUT_TOPICS) this.offsets[topic] = [...(file.log.offsets[topic] ?? [])];
    }
    // Re-sending is harmless: the same alarm id and version replace themselves in ClickHouse.
    if (file.unsent_alarms.length > 0) this.queue.push(...file.unsent_alarms);
    for (const handover of file.unsent_handovers ?? []) this.handovers.set(handover.driver_id, handover);
    this.deps.logger.info('rules state restored', {
      vehicles: file.engine.vehicles.length,
      taken_at: file.taken_at,
      unsent_alarms: file.unsent_alarms.length,
    });
    return file;
  }

  private exportStats(): void {
    const stats: EngineStats = this.engine.stats;
    const m = this.deps.metrics;
    const count = (name: string, help: string, value: number, labels?: Record<string, string>): void => {
      const key = `${name}${JSON.stringify(labels ?? {})}`;
      const delta = value - (this.lastStats[key] ?? 0);
      this.lastStats[key] = value;
      if (delta > 0) m.counter(name, help, labels ? Object.keys(labels) : []).inc(labels, delta);
    };
    count('vigil_rules_events_total', 'Events evaluated by the rules', stats.positions, { input: 'position' });
    count('vigil_rules_events_total', 'Events evaluated by the rules', stats.cameraEvents, { input: 'camera' });
    count('vigil_rules_events_total', 'Events evaluated by the rules', stats.deviceEvents, { input: 'device' });
    count('vigil_rules_events_total', 'Events evaluated by the rules', stats.driverEvents, { input: 'driver_card' });
    count('vigil_rules_events_total', 'Events evaluated by the rules', stats.orderEvents, { input: 'taxi_order' });
    count('vigil_rules_skipped_total', 'Events not evaluated, by reason', stats.duplicates, { reason: 'duplicate' });
    count('vigil_rules_skipped_total', 'Events not evaluated, by reason', stats.alreadyEvaluated, {
      reason: 'already_evaluated',
    });
    count('vigil_rules_skipped_total', 'Events not evaluated, by reason', stats.future, { reason: 'future_time' });
    count('vigil_rules_late_total', 'Late events evaluated in the late lane', stats.late);
    count(
      'vigil_rules_roadside_ids_dropped_total',
      'Roadside event ids forgotten early for the roadsideSeenMax bound (one delivered again would be evaluated twice)',
      stats.roadsideSeenDropped,
    );
    count('vigil_rules_evicted_total', 'Subjects forgotten because a state bound was reached', stats.evicted);
    count(
      'vigil_rules_driver_handovers_total',
      "Drivers' states from other partitions taken in: at the driver's arrival, or merged in front of a stint",
      stats.handoversTaken,
      { how: 'at_arrival' },
    );
    count(
      'vigil_rules_driver_handovers_total',
      "Drivers' states from other partitions taken in: at the driver's arrival, or merged in front of a stint",
      stats.handoversMerged,
      { how: 'merged_late' },
    );
    for (const [rule, n] of Object.entries(stats.opened))
      count('vigil_alarms_opened_total', 'Alarm episodes opened', n, { rule });
    // A runner of one partition is one of several of the process: their coordinator says the process's figures.
    if (this.deps.partition) return;
    m.gauge('vigil_rules_vehicles', 'Vehicles with rule state').set(undefined, this.engine.vehicleCount);
    m.gauge('vigil_rules_config_version', 'Rules configuration version running').set(
      undefined,
      this.engine.configVersion,
    );
  }
}
