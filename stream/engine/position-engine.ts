/**
 * Runs the position rules over the telemetry topic, keyed by vehicle, and turns violations into alarm
 * episodes: one alarm id per episode that opens, is updated when its evidence worsens, and closes.
 */
import type { AlarmRow, Logger, Metrics, TelemetryRow } from '../../schema/index.js';
import { TOPICS, type EventLog, type LogRecord, type Producer } from '../log/event-log.js';
import { alarmIdOf } from './alarm-id.js';
import type { PositionRule, VehicleFacts, Violation } from './rule.js';

export interface EngineDeps {
  log: EventLog;
  logger: Logger;
  metrics: Metrics;
  /** Facts about a vehicle from the registry; unknown vehicles get class `other`. */
  vehicleFacts(terminalId: string, plate: string): VehicleFacts;
  /** The 6-digit division an alarm belongs to: the home county, else the county where it happened. */
  orgCodeOf(vehicle: VehicleFacts, lat: number, lon: number): string;
  now?: () => number;
}

interface OpenEpisode {
  alarmId: string;
  startedAt: number;
  version: number;
  lat: number;
  lon: number;
  severity: string;
  evidence: Record<string, unknown>;
}

interface VehicleState {
  ruleStates: Map<string, unknown>;
  episodes: Map<string, OpenEpisode>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPositionRule = PositionRule<any, any>;

export class PositionEngine {
  private readonly vehicles = new Map<string, VehicleState>();
  private readonly configs = new Map<string, unknown>();
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly producer: Producer;
  private readonly now: () => number;

  constructor(
    private readonly rules: readonly AnyPositionRule[],
    private readonly deps: EngineDeps,
  ) {
    this.producer = deps.log.producer();
    this.now = deps.now ?? Date.now;
    for (const rule of rules) this.configs.set(rule.id, rule.defaults);
  }

  /** Replaces a rule's configuration; the next event is evaluated with it. */
  configure(ruleId: string, config: unknown): void {
    if (!this.rules.some((r) => r.id === ruleId)) throw new Error(`unknown rule ${ruleId}`);
    this.configs.set(ruleId, config);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const consumer = this.deps.log.consumer<TelemetryRow>('rules', TOPICS.telemetry);
    this.loop = (async () => {
      while (this.running) {
        const records = await consumer.poll(5_000, 200);
        if (records.length === 0) continue;
        const alarms = this.process(records);
        if (alarms.length > 0) await this.producer.send(TOPICS.alarms, alarms.map((a) => ({ key: a.terminal_id, value: a })));
        consumer.commit(records);
      }
      consumer.close();
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Evaluates a batch and returns the alarm rows (new versions of episodes) it produced. */
  process(records: readonly LogRecord<TelemetryRow>[]): AlarmRow[] {
    const out: AlarmRow[] = [];
    const evaluated = this.deps.metrics.counter('vigil_rules_positions_total', 'Positions evaluated by the rules');
    for (const record of records) {
      const position = record.value;
      const vehicle = this.deps.vehicleFacts(position.terminal_id, position.plate);
      const state = this.stateOf(position.terminal_id);
      for (const rule of this.rules) {
        const step = rule.evaluate(state.ruleStates.get(rule.id), position, vehicle, this.configs.get(rule.id));
        if (step.state === undefined) state.ruleStates.delete(rule.id);
        else state.ruleStates.set(rule.id, step.state);
        const alarm = this.advanceEpisode(state, rule, vehicle, position, step.violation);
        if (alarm) out.push(alarm);
      }
    }
    evaluated.inc(undefined, records.length);
    return out;
  }

  private stateOf(terminalId: string): VehicleState {
    let state = this.vehicles.get(terminalId);
    if (!state) {
      state = { ruleStates: new Map(), episodes: new Map() };
      this.vehicles.set(terminalId, state);
    }
    return state;
  }

  private advanceEpisode(state: VehicleState, rule: AnyPositionRule, vehicle: VehicleFacts, position: TelemetryRow, violation: Violation | null): AlarmRow | null {
    const open = state.episodes.get(rule.id);
    if (violation && !open) {
      const episode: OpenEpisode = {
        alarmId: alarmIdOf(rule.id, vehicle.terminalId, violation.since),
        startedAt: violation.since,
        version: 1,
        lat: position.lat,
        lon: position.lon,
        severity: violation.severity,
        evidence: violation.evidence,
      };
      state.episodes.set(rule.id, episode);
      this.deps.metrics.counter('vigil_alarms_opened_total', 'Alarm episodes opened', ['rule']).inc({ rule: rule.id });
      return this.row(rule, vehicle, position, episode, null);
    }
    if (violation && open) {
      // Only a worse severity makes a new version: evidence ticking along would flood the wall otherwise.
      if (severityRank(violation.severity) <= severityRank(open.severity)) return null;
      open.version++;
      open.severity = violation.severity;
      open.evidence = violation.evidence;
      return this.row(rule, vehicle, position, open, null);
    }
    if (!violation && open) {
      state.episodes.delete(rule.id);
      open.version++;
      return this.row(rule, vehicle, position, open, position.ts);
    }
    return null;
  }

  private row(rule: AnyPositionRule, vehicle: VehicleFacts, position: TelemetryRow, episode: OpenEpisode, endedAt: number | null): AlarmRow {
    return {
      alarm_id: episode.alarmId,
      rule: rule.id,
      rule_version: rule.version,
      severity: episode.severity,
      terminal_id: vehicle.terminalId,
      plate: vehicle.plate,
      started_at: episode.startedAt,
      ended_at: endedAt,
      org_code: this.deps.orgCodeOf(vehicle, episode.lat, episode.lon),
      lat: episode.lat,
      lon: episode.lon,
      late: position.backfill,
      details: JSON.stringify(episode.evidence),
      version: episode.version,
      updated_at: this.now(),
    };
  }

  get trackedVehicles(): number {
    return this.vehicles.size;
  }
}

function severityRank(severity: string): number {
  return severity === 'critical' ? 3 : severity === 'warning' ? 2 : 1;
}
