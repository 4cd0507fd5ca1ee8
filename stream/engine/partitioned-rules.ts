/**
 * The rules spread over the stream workers of a cluster by log partition. Every worker is a member of the group
 * `rules-partitioned` on `vigil.telemetry`, whose partitions Kafka spreads over the members (cooperative-sticky: a
 * rebalance moves only the partitions that change hands). For each partition p it holds, a worker runs a
 * `RulesRunner` of its own: one engine with p's vehicles, plates, devices, drivers and clocks, its snapshot in
 * `rules_snapshot_parts` under `rules/p<p>` with the offsets it covers, its fixes from the group and partition p of
 * the other input topics read outside the group from those offsets. Every rule input is keyed so that it lands on
 * its vehicle's partition (the gateways and HTTP ingestion key by terminal), so a partition's engine sees all of a
 * vehicle's input. When a partition is taken away the runner snapshots it and commits before it is let go; when one
 * is given, a runner restores its snapshot and re-evaluates from Kafka what it does not cover, sending none of the
 * alarm versions already sent: a worker killed with SIGKILL loses nothing, and no alarm is raised twice.
 *
 * A driver's per-driver state (fatigue) lives in the engine of the partition of the vehicle where their card is in.
 * Each engine publishes its drivers' states to `vigil.driver-state`; every worker reads that topic whole into one
 * board, from which each of its engines takes the state of a driver arriving from another partition
 * (driver-handover.ts).
 */
import type { Logger, Metrics, TelemetryRow } from '../../schema/index.js';
import { TOPICS, type Consumer, type EventLog, type LogRecord } from '../log/event-log.js';
import { ALL_RULES } from '../rules/all-rules.js';
import { RulesConfigStore, type RulesConfigSummary, type RulesConfigVersion } from '../rules/config-store.js';
import type { AnyRule } from './rule.js';
import { DRIVER_STATE_TOPIC, DriverHandoverBoard, handoverProblem, type DriverHandover } from './driver-handover.js';
import {
  describeRules,
  RULES_INPUT_TOPICS,
  type RulesConfigService,
  type RulesPartition,
  type RulesRunner,
} from './rules-runner.js';

export const PARTITIONED_RULES_GROUP = 'rules-partitioned';
/** The snapshot of one partition's rules in `rules_snapshot_parts`. */
export const partitionSnapshotName = (partition: number): string => `rules/p${partition}`;

export interface PartitionedRulesDeps {
  log: EventLog;
  logger: Logger;
  metrics: Metrics;
  /** A runner of one partition, reading through `partition`, its snapshot `partitionSnapshotName(index)`. */
  runnerOf(partition: RulesPartition): RulesRunner;
  /** Where the configuration versions live (`<dataDir>/rules/config`), as each runner reads them. */
  configDir?: string;
  rules?: readonly AnyRule[];
  /** A partition whose runner could not start: its input waits until the worker is restarted. */
  onFailed?(partition: number, error: unknown): void;
}

/** Fixes of a partition held for its runner at most (PartitionedRulesOptions.heldRecordsMax). */
export const PARTITION_HELD_RECORDS_MAX = 20_000;

/**
 * How long a worker reads the drivers' states already published before its engines start, at most: past it they
 * start with what was read, and the states read later are merged where they can be (driver-handover.ts).
 */
export const DRIVER_STATES_CATCH_UP_MS_MAX = 60_000;

export interface PartitionedRulesOptions {
  batchRecordsMax: number;
  pollWaitMs: number;
  /**
   * Fixes of one partition fetched and not yet taken by its runner (while it restores its snapshot): beyond it the
   * partition's fetching pauses, and resumes once its runner took half of them.
   */
  heldRecordsMax: number;
}

interface Held {
  runner: RulesRunner;
  feed: PartitionFeed;
  started: Promise<boolean>;
}

export class PartitionedRules implements RulesConfigService {
  private member: Consumer<TelemetryRow> | undefined;
  private readonly held = new Map<number, Held>();
  private readonly configStore: RulesConfigStore;
  private readonly rules: readonly AnyRule[];
  private running = false;
  private loop: Promise<void> | undefined;
  /** Drivers' states published by every partition's engine, read whole from `vigil.driver-state`. */
  private readonly board = new DriverHandoverBoard();
  private boardLoop: Promise<void> | undefined;
  /** Resolves once the states published before this worker started are on the board (or the wait gave up). */
  private boardReady: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: PartitionedRulesDeps,
    private readonly options: PartitionedRulesOptions,
  ) {
    const log = deps.log;
    if (!log.member || !log.partitionReader) throw new Error('rules spread over partitions need Kafka');
    this.rules = deps.rules ?? ALL_RULES;
    this.configStore = new RulesConfigStore(this.rules, deps.configDir);
    deps.metrics
      .gauge('vigil_rules_partitions', 'Log partitions whose rules this stream worker runs')
      .set(undefined, 0);
    deps.metrics.onCollect(() => {
      deps.metrics
        .gauge('vigil_rules_driver_states_known', "Drivers' states read from vigil.driver-state and kept")
        .set(undefined, this.board.size);
      let vehicles = 0;
      for (const { runner } of this.held.values()) vehicles += runner.engine.vehicleCount;
      deps.metrics.gauge('vigil_rules_vehicles', 'Vehicles with rule state').set(undefined, vehicles);
      deps.metrics
        .gauge('vigil_rules_config_version', 'Rules configuration version running')
        .set(undefined, this.configStore.current().version);
    });
  }

  /** The partitions whose rules run here now, in order. */
  get partitions(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    if (this.deps.log.tail) {
      let ready!: () => void;
      this.boardReady = new Promise<void>((resolve) => (ready = resolve));
      this.boardLoop = this.readBoard(ready);
    }
    this.member = this.deps.log.member!<TelemetryRow>(PARTITIONED_RULES_GROUP, TOPICS.telemetry, {
      assigned: (partitions) => this.take(partitions),
      revoking: (partitions) => this.release(partitions),
    });
    this.loop = this.dispatch(this.member);
    await Promise.resolve();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.loop;
    await this.release(this.partitions);
    await this.boardLoop;
    // After the partitions' snapshots and commits: leaving the group hands them to the other workers.
    this.member?.close();
    this.member = undefined;
  }

  /** Hands each fix to its partition's runner; those of a partition being let go are read again by its next holder. */
  private async dispatch(member: Consumer<TelemetryRow>): Promise<void> {
    while (this.running) {
      let records: LogRecord<TelemetryRow>[];
      try {
        records = await member.poll(this.options.batchRecordsMax, this.options.pollWaitMs);
      } catch (error) {
        this.deps.logger.error('reading telemetry for the rules failed; trying again', { error: String(error) });
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        continue;
      }
      for (const record of records) this.held.get(record.partition)?.feed.push(record);
    }
  }

  /**
   * Reads `vigil.driver-state` from its start onto the board for as long as the worker runs; `ready` is called once
   * it reached the end offsets it had when it began (or after DRIVER_STATES_CATCH_UP_MS_MAX). A record that is not
   * a driver's state is counted and skipped; a reader that fails is opened again.
   */
  private async readBoard(ready: () => void): Promise<void> {
    const log = this.deps.log;
    const refused = this.deps.metrics.counter(
      'vigil_rules_driver_states_refused_total',
      'Records of vigil.driver-state that are not a driver state, skipped',
      ['reason'],
    );
    const deadline = Date.now() + DRIVER_STATES_CATCH_UP_MS_MAX;
    let caughtUp = false;
    const catchUp = (): void => {
      if (caughtUp) return;
      caughtUp = true;
      ready();
    };
    while (this.running) {
      try {
        const ends = await log.endOffsets!(DRIVER_STATE_TOPIC);
        const next = ends.map(() => 0);
        const reader = await log.tail!<DriverHandover>(DRIVER_STATE_TOPIC, 'start');
        try {
          while (this.running) {
            if (!caughtUp && (ends.every((end, p) => next[p] >= end) || Date.now() > deadline)) catchUp();
            for (const record of await reader.poll(this.options.batchRecordsMax, this.options.pollWaitMs)) {
              next[record.partition] = record.offset + 1;
              const problem = handoverProblem(record.value);
              if (problem === undefined) this.board.offer(record.value);
              else refused.inc({ reason: problem });
            }
          }
        } finally {
          reader.close();
        }
      } catch (error) {
        this.deps.logger.error("reading drivers' states failed; trying again", { error: String(error) });
        if (Date.now() > deadline) catchUp();
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
    catchUp();
  }

  private take(partitions: readonly number[]): void {
    const log = this.deps.log;
    for (const index of partitions) {
      if (this.held.has(index)) continue;
      const feed = new PartitionFeed(this.member!, index, this.options.heldRecordsMax);
      // A partition this worker paused before it let it go last time is fetched again.
      this.member!.resume?.([index]);
      const others = RULES_INPUT_TOPICS.filter((topic) => topic !== TOPICS.telemetry);
      const runner = this.deps.runnerOf({
        index,
        // The fixes come through the group, from its committed offset (the snapshot's or before: the runner skips
        // what its snapshot covers); the other inputs from the snapshot's offsets.
        readers: async (from) => {
          // The drivers' states published before are on the board before the partition's input is evaluated.
          await this.boardReady;
          return [feed, ...(await Promise.all(others.map((topic) => log.partitionReader!(topic, index, from(topic)))))];
        },
        ...(log.tail ? { driverHandovers: this.board.forPartition(index) } : {}),
      });
      const started = runner.start().then(
        () => {
          this.deps.logger.info('rules of a log partition taken', { partition: index });
          return true;
        },
        (error: unknown) => {
          this.deps.logger.error('rules of a log partition could not start', {
            partition: index,
            error: String(error),
          });
          this.deps.onFailed?.(index, error);
          return false;
        },
      );
      this.held.set(index, { runner, feed, started });
    }
    this.countPartitions();
  }

  private async release(partitions: readonly number[]): Promise<void> {
    await Promise.all(
      partitions.map(async (index) => {
        const held = this.held.get(index);
        if (!held) return;
        this.held.delete(index);
        this.countPartitions();
        // A runner that failed to start is not stopped: stopping snapshots, and a snapshot written over one that
        // failed to restore would lose it. Its readers belong to the log, which closes them.
        if (!(await held.started)) {
          held.feed.close();
          return;
        }
        try {
          // Snapshots the partition with the offsets it covers and commits them, while it is still assigned here.
          await held.runner.stop();
          this.deps.logger.info('rules of a log partition let go', { partition: index });
        } catch (error) {
          this.deps.logger.error('rules of a log partition could not snapshot on the way out', {
            partition: index,
            error: String(error),
          });
        } finally {
          held.feed.close();
        }
      }),
    );
  }

  private countPartitions(): void {
    this.deps.metrics
      .gauge('vigil_rules_partitions', 'Log partitions whose rules this stream worker runs')
      .set(undefined, this.held.size);
  }

  current(): RulesConfigVersion {
    return this.configStore.current();
  }

  update(candidate: unknown, actor: string, comment: string): RulesConfigVersion {
    const saved = this.configStore.save(candidate, actor, comment);
    for (const { runner } of this.held.values()) runner.applyConfig(saved);
    this.deps.logger.info('rules configuration applied', { version: saved.version, by: actor });
    return saved;
  }

  history(limit: number): RulesConfigSummary[] {
    return this.configStore.history(limit);
  }

  describeRules(): ReturnType<RulesConfigService['describeRules']> {
    return describeRules(this.rules);
  }
}

/** One partition's fixes, as the group delivered them, read by that partition's runner as its telemetry consumer. */
class PartitionFeed implements Consumer<unknown> {
  private records: LogRecord<unknown>[] = [];
  private wake: (() => void) | undefined;
  private closed = false;
  private paused = false;

  constructor(
    private readonly member: Consumer<TelemetryRow>,
    private readonly partition: number,
    private readonly recordsMax: number,
  ) {}

  push(record: LogRecord<unknown>): void {
    this.records.push(record);
    if (!this.paused && this.records.length >= this.recordsMax && this.member.pause) {
      this.paused = true;
      this.member.pause([this.partition]);
    }
    this.wake?.();
  }

  async poll(recordsMax: number, waitMs: number): Promise<LogRecord<unknown>[]> {
    if (this.records.length === 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    const taken = this.records.splice(0, recordsMax);
    if (this.paused && !this.closed && this.records.length <= this.recordsMax / 2) {
      this.paused = false;
      this.member.resume?.([this.partition]);
    }
    return taken;
  }

  commit(records: readonly LogRecord<unknown>[]): void {
    if (!this.closed) this.member.commit(records as LogRecord<TelemetryRow>[]);
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }
}
