/**
 * Runs the rule engine on a node: consumes the telemetry, camera and device topics, sends alarm versions to
 * the alarms topic in order, drives the engine's clock, snapshots all state to `<data-dir>/rules/` (every
 * `snapshotIntervalMs` and at shutdown) with the log offsets it covers, and restores it at start-up. Also the
 * live home of the rules configuration: a new version is validated, stored and applied without a restart.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type {
  AlarmRow,
  CameraEvent,
  DeviceStatus,
  Logger,
  Metrics,
  TelemetryRow,
  VehicleRegistry,
} from '../../schema/index.js';
import { TOPICS, type Consumer, type EventLog, type LogRecord } from '../log/event-log.js';
import { ALL_RULES } from '../rules/all-rules.js';
import { RulesConfigStore, type RulesConfigVersion } from '../rules/config-store.js';
import { compileRulesConfig } from '../rules/rules-config.js';
import { writeFileAtomic } from './atomic-file.js';
import type { AnyRule } from './rule.js';
import type { EngineSnapshot } from './engine-snapshot.js';
import { RULE_ENGINE_DEFAULTS, RuleEngine, type EngineStats, type RuleEngineOptions } from './rule-engine.js';

export interface RulesRunnerOptions {
  /** Records per poll of each topic. */
  batchRecordsMax: number;
  pollWaitMs: number;
  /** How often the clock advances (idle release, absence timers), processing time. */
  tickMs: number;
  snapshotIntervalMs: number;
  /** Alarm rows produced but not yet sent; consumers wait beyond it. */
  alarmsQueueMax: number;
  engine: RuleEngineOptions;
}

export const RULES_RUNNER_DEFAULTS: RulesRunnerOptions = {
  batchRecordsMax: 5_000,
  pollWaitMs: 200,
  tickMs: 500,
  snapshotIntervalMs: 30_000,
  alarmsQueueMax: 100_000,
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
  rules?: readonly AnyRule[];
  now?: () => number;
}

/** What the configuration API needs from the running rules. */
export interface RulesConfigService {
  current(): RulesConfigVersion;
  /** Validates, stores and applies a new version; throws `RulesConfigError` when invalid (nothing changes). */
  update(candidate: unknown, actor: string, comment: string): RulesConfigVersion;
  describeRules(): { id: string; description: string; input: string; fields: Record<string, unknown> }[];
}

export const EMPTY_REGISTRY: VehicleRegistry = { byTerminal: () => undefined, byPlate: () => undefined };

interface SnapshotFile {
  taken_at: number;
  log: { epoch: string; offsets: Record<string, number[]> };
  /** Alarm versions produced but not yet acknowledged by the log when the snapshot was taken. */
  unsent_alarms: AlarmRow[];
  engine: EngineSnapshot;
}

const GROUP = 'rules';
const INPUT_TOPICS = [TOPICS.telemetry, TOPICS.camera, TOPICS.devices] as const;

export class RulesRunner implements RulesConfigService {
  readonly engine: RuleEngine;
  readonly configStore: RulesConfigStore;
  private readonly rules: readonly AnyRule[];
  private readonly now: () => number;
  private readonly snapshotFile: string | undefined;
  private readonly offsets: Record<string, number[]> = {};
  private skipBelow: Record<string, number[]> = {};
  private readonly commitOnSnapshot: boolean;
  private readonly lastRecords = new Map<
    string,
    { consumer: Consumer<unknown>; records: Map<number, LogRecord<unknown>> }
  >();
  private queue: AlarmRow[] = [];
  private sending: Promise<void> | undefined;
  private running = false;
  private loops: Promise<void>[] = [];
  private timers: NodeJS.Timeout[] = [];
  private lastStats: Record<string, number> = {};

  constructor(
    private readonly deps: RulesRunnerDeps,
    private readonly options: RulesRunnerOptions = RULES_RUNNER_DEFAULTS,
  ) {
    this.rules = deps.rules ?? ALL_RULES;
    this.now = deps.now ?? Date.now;
    const rulesDir = deps.dataDir ? path.join(deps.dataDir, 'rules') : undefined;
    this.configStore = new RulesConfigStore(this.rules, rulesDir ? path.join(rulesDir, 'config') : undefined);
    for (const skipped of this.configStore.skipped) deps.logger.error('rules configuration version refused', skipped);
    const current = this.configStore.current();
    const latency = deps.metrics.histogram(
      'vigil_rules_alarm_latency_seconds',
      'From a position reaching Vigil to the alarm it opened',
      [],
      [0.001, 0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 60],
    );
    this.engine = new RuleEngine(
      this.rules,
      compileRulesConfig(current.config, current.version, this.rules),
      {
        registry: deps.registry ?? EMPTY_REGISTRY,
        now: this.now,
        onPositionAlarm: (row, receivedAt) => {
          if (row.version === 1) latency.observe(undefined, Math.max(0, this.now() - receivedAt) / 1000);
        },
      },
      options.engine,
    );
    this.snapshotFile = rulesDir ? path.join(rulesDir, 'engine-snapshot.json') : undefined;
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
    this.engine.setConfig(compileRulesConfig(saved.config, saved.version, this.rules));
    this.deps.logger.info('rules configuration applied', { version: saved.version, by: actor });
    return saved;
  }

  describeRules(): { id: string; description: string; input: string; fields: Record<string, unknown> }[] {
    return this.rules.map((r) => ({
      id: r.id,
      description: r.description,
      input: r.input,
      fields: Object.fromEntries(
        Object.entries(r.spec).map(([k, f]) => [k, { ...f, ...('key' in f ? { key: String(f.key) } : {}) }]),
      ),
    }));
  }

  start(): void {
    if (this.running) return;
    this.restore();
    this.running = true;
    // Alarms a snapshot held unsent go out first.
    this.flushAlarms();
    this.loops = [
      this.consume<TelemetryRow>(TOPICS.telemetry, (row, partition, now) =>
        this.engine.onPosition(row, partition, now),
      ),
      this.consume<CameraEvent>(TOPICS.camera, (event, _partition, now) => this.engine.onCamera(event, now)),
      this.consume<DeviceStatus>(TOPICS.devices, (status, _partition, now) => this.engine.onDevice(status, now)),
    ];
    this.timers.push(
      setInterval(() => {
        try {
          this.engine.tick(this.now());
        } catch (error) {
          this.deps.logger.error('rules clock tick failed', { error: String(error) });
        }
        this.flushAlarms();
      }, this.options.tickMs),
    );
    if (this.snapshotFile) {
      this.timers.push(
        setInterval(() => {
          try {
            this.snapshotNow();
          } catch (error) {
            // A failed snapshot (disk full) leaves the previous one in place; the next interval tries again.
            this.deps.logger.error('rules snapshot failed', { error: String(error) });
          }
        }, this.options.snapshotIntervalMs),
      );
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await Promise.all(this.loops);
    this.flushAlarms();
    await this.drainSends();
    this.snapshotNow();
  }

  private async consume<T>(topic: string, handle: (value: T, partition: number, now: number) => void): Promise<void> {
    const consumer = this.deps.log.consumer<T>(GROUP, topic);
    const offsets = (this.offsets[topic] ??= []);
    while (this.running) {
      while (this.queue.length >= this.options.alarmsQueueMax && this.running) {
        this.flushAlarms();
        await this.drainSends();
      }
      const records = await consumer.poll(this.options.batchRecordsMax, this.options.pollWaitMs);
      if (records.length === 0) continue;
      const skip = this.skipBelow[topic];
      const now = this.now();
      for (const record of records) {
        if (skip !== undefined && record.offset < (skip[record.partition] ?? 0)) continue;
        try {
          handle(record.value, record.partition, now);
        } catch (error) {
          // One event the rules cannot handle must not stop them for everyone: count it, log it, go on.
          this.failed(topic, record, error);
        }
        offsets[record.partition] = record.offset + 1;
      }
      this.flushAlarms();
      if (this.commitOnSnapshot)
        this.rememberForCommit(topic, consumer as Consumer<unknown>, records as LogRecord<unknown>[]);
      else consumer.commit(records);
    }
    consumer.close();
  }

  private failed(topic: string, record: LogRecord<unknown>, error: unknown): void {
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
  }

  /** Writes all state, the offsets it covers and the alarms not yet sent; then commits (Kafka) what it covers. */
  snapshotNow(): void {
    if (!this.snapshotFile) return;
    const started = performance.now();
    const file: SnapshotFile = {
      taken_at: this.now(),
      log: { epoch: this.deps.log.epoch, offsets: this.offsets },
      unsent_alarms: [...this.queue, ...this.engine.drainAlarmsPeek()],
      engine: this.engine.snapshot(),
    };
    const text = JSON.stringify(file);
    writeFileAtomic(this.snapshotFile, text);
    for (const { consumer, records } of this.lastRecords.values()) consumer.commit([...records.values()]);
    this.lastRecords.clear();
    this.deps.metrics
      .gauge('vigil_rules_snapshot_bytes', 'Size of the last rules snapshot')
      .set(undefined, text.length);
    this.deps.metrics
      .histogram('vigil_rules_snapshot_seconds', 'Time to write a rules snapshot')
      .observe(undefined, (performance.now() - started) / 1000);
  }

  private restore(): void {
    if (!this.snapshotFile) return;
    let file: SnapshotFile;
    try {
      file = JSON.parse(readFileSync(this.snapshotFile, 'utf8')) as SnapshotFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.deps.logger.error('rules snapshot unreadable, starting empty', {
          file: this.snapshotFile,
          error: String(error),
        });
      return;
    }
    this.engine.restore(file.engine, this.now());
    // Offsets mean something only in the same log (a Kafka cluster); the in-process log starts anew.
    if (file.log.epoch === this.deps.log.epoch) {
      this.skipBelow = file.log.offsets;
      for (const topic of INPUT_TOPICS) this.offsets[topic] = [...(file.log.offsets[topic] ?? [])];
    }
    // Re-sending is harmless: the same alarm id and version replace themselves in ClickHouse.
    if (file.unsent_alarms.length > 0) this.queue.push(...file.unsent_alarms);
    this.deps.logger.info('rules state restored', {
      vehicles: file.engine.vehicles.length,
      taken_at: file.taken_at,
      unsent_alarms: file.unsent_alarms.length,
    });
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
    count('vigil_rules_skipped_total', 'Events not evaluated, by reason', stats.duplicates, { reason: 'duplicate' });
    count('vigil_rules_skipped_total', 'Events not evaluated, by reason', stats.alreadyEvaluated, {
      reason: 'already_evaluated',
    });
    count('vigil_rules_skipped_total', 'Events not evaluated, by reason', stats.future, { reason: 'future_time' });
    count('vigil_rules_late_total', 'Late events evaluated in the late lane', stats.late);
    count(
      'vigil_rules_forced_releases_total',
      'Held-back fixes released early because a bound was reached',
      stats.forcedReleases,
    );
    count('vigil_rules_evicted_total', 'Subjects forgotten because a state bound was reached', stats.evicted);
    for (const [rule, n] of Object.entries(stats.opened))
      count('vigil_alarms_opened_total', 'Alarm episodes opened', n, { rule });
    m.gauge('vigil_rules_vehicles', 'Vehicles with rule state').set(undefined, this.engine.vehicleCount);
    m.gauge('vigil_rules_config_version', 'Rules configuration version running').set(
      undefined,
      this.engine.configVersion,
    );
  }
}
