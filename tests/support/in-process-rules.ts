/**
 * The rules runner as the in-process integration tests drive it: on a `MemoryLog` of four partitions, ticking and
 * polling fast, with every alarm version it sends to `vigil.alarms` collected as it comes.
 */
import { Metrics, silentLogger, type AlarmRow, type TelemetryRow } from '../../schema/index.js';
import {
  MemoryLog,
  RULES_RUNNER_DEFAULTS,
  RulesRunner,
  TOPICS,
  type EventLog,
  type RulesRunnerDeps,
  type RulesRunnerOptions,
} from '../../stream/index.js';

export const RULES_LOG_PARTITIONS = 4;

/** Where the runner keeps its snapshot: `<dataDir>/rules/`, or a snapshot store of its own. */
export type SnapshotPlace = Pick<RulesRunnerDeps, 'dataDir' | 'snapshots'>;

export interface InProcessRules {
  log: MemoryLog;
  runner: RulesRunner;
  /** Every alarm version the runner sent, in the order read. */
  alarms: AlarmRow[];
  /** Sends fixes to `vigil.telemetry`, keyed by terminal as the gateway keys them. */
  send(rows: readonly TelemetryRow[]): Promise<void>;
  /** Stops the runner (taking its last snapshot), then the reader and the log. */
  stop(): Promise<void>;
}

/** What a test gives the runner besides the log; a silent logger and metrics of its own unless it gives them. */
export type RulesDeps = Omit<RulesRunnerDeps, 'log' | 'logger' | 'metrics'> & Partial<Pick<RulesRunnerDeps, 'logger'>>;

export interface MemoryLogRulesOptions {
  /** The groups whose commits make a topic durable (the sinks' groups), as the node's log has; none by default. */
  durableGroups?: Record<string, string>;
  /** Settings over the tests' fast ticking and polling. */
  settings?: Partial<RulesRunnerOptions>;
}

/**
 * A runner on a log of its own, not started (a test of a failing start starts it itself). `deps` may be made from
 * the log, for those that read it (an input replay).
 */
export function rulesOnMemoryLog(
  deps: RulesDeps | ((log: MemoryLog) => RulesDeps),
  options: MemoryLogRulesOptions = {},
): { log: MemoryLog; runner: RulesRunner } {
  const log = new MemoryLog({
    partitions: RULES_LOG_PARTITIONS,
    backlogPerPartitionMax: 10_000,
    durableGroups: options.durableGroups ?? {},
  });
  const runner = new RulesRunner(
    { log, logger: silentLogger, metrics: new Metrics(), ...(typeof deps === 'function' ? deps(log) : deps) },
    { ...RULES_RUNNER_DEFAULTS, tickMs: 50, pollWaitMs: 20, ...options.settings },
  );
  return { log, runner };
}

/** Sends fixes to `vigil.telemetry`, keyed by terminal as the gateway keys them. */
export function sendFixes(log: EventLog, rows: readonly TelemetryRow[]): Promise<void> {
  return log.producer().send(
    TOPICS.telemetry,
    rows.map((value) => ({ key: value.terminal_id, value })),
  );
}

/** A runner started on a log of its own, its alarm versions read as they come. */
export async function startInProcessRules(place: SnapshotPlace): Promise<InProcessRules> {
  const { log, runner } = rulesOnMemoryLog(place);
  const alarms: AlarmRow[] = [];
  const consumer = log.consumer<AlarmRow>('test', TOPICS.alarms);
  let reading = true;
  const reader = (async () => {
    while (reading) for (const r of await consumer.poll(1000, 20)) alarms.push(r.value);
  })();
  await runner.start();
  return {
    log,
    runner,
    alarms,
    send: (rows) => sendFixes(log, rows),
    stop: async () => {
      await runner.stop();
      reading = false;
      await reader;
      await log.close();
    },
  };
}
