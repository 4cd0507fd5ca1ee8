/**
 * Feeds the alarm desk from the event log: its own consumer group on `vigil.alarms`, committing only what the
 * desk stored. Each poll is stored in one transaction (`AlarmDesk.ingestBatch`); a batch that fails to store
 * (e.g. the database is briefly away) is retried whole, never skipped.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { AlarmRow, Logger, Metrics } from '../../schema/index.js';
import { TOPICS, type EventLog } from '../../stream/index.js';
import type { AlarmDesk } from './alarm-desk.js';

export interface AlarmIntakeOptions {
  groupId: string;
  /** Alarm versions taken per poll at most, stored in one transaction. */
  batchMax: number;
  retryDelayMs: number;
}

export const ALARM_INTAKE_DEFAULTS: AlarmIntakeOptions = {
  groupId: 'center-alarms',
  batchMax: 200,
  retryDelayMs: 1_000,
};

/**
 * Alarm versions stored in ClickHouse but possibly never taken by the desk: the embedded log forgets its
 * records on restart, so at start the desk re-reads the recent episodes from the durable table. Replays of
 * what it already has change nothing (versions are compared).
 */
export interface AlarmCatchUp {
  /** How far back to re-read, hours. */
  windowHours: number;
  /** Episodes re-read at most. */
  rowsMax: number;
  readRecent(windowHours: number, rowsMax: number): Promise<AlarmRow[]>;
}

/**
 * Reads the latest version of recent alarm episodes from the analytics store, oldest update first; beyond `rowsMax`
 * the newest are kept (what a restart most likely missed, and the episodes still open).
 */
export async function recentAlarmsFromClickHouse(
  client: ClickHouseClient,
  windowHours: number,
  rowsMax: number,
): Promise<AlarmRow[]> {
  const result = await client.query({
    query: `SELECT alarm_id, rule, rule_version, severity, terminal_id, plate, toUnixTimestamp64Milli(started_at) AS started_at,
                   if(isNull(ended_at), NULL, toUnixTimestamp64Milli(assumeNotNull(ended_at))) AS ended_at, org_code, lat, lon, late, details,
                   version, toUnixTimestamp64Milli(updated_at) AS updated_at
              FROM alarms FINAL WHERE updated_at >= now() - INTERVAL {hours:UInt32} HOUR
             ORDER BY updated_at DESC LIMIT {rows:UInt32}`,
    query_params: { hours: windowHours, rows: rowsMax },
    format: 'JSONEachRow',
    // 64-bit integers as JSON numbers, not strings.
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  const newestFirst = await result.json<AlarmRow>();
  return newestFirst.reverse().map((r) => ({
    ...r,
    started_at: Number(r.started_at),
    ended_at: r.ended_at === null ? null : Number(r.ended_at),
    updated_at: Number(r.updated_at),
    version: Number(r.version),
  }));
}

export class AlarmIntake {
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly deps: { log: EventLog; desk: AlarmDesk; logger: Logger; metrics: Metrics; catchUp?: AlarmCatchUp },
    private readonly options: AlarmIntakeOptions = ALARM_INTAKE_DEFAULTS,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Takes what the durable store holds but the desk may have missed; returns how many versions were new. */
  async catchUp(): Promise<number> {
    const source = this.deps.catchUp;
    if (!source) return 0;
    // Stored versions are skipped without a transaction each: after a plain restart nearly all are known.
    // The margin covers episodes the desk stored (updated_at) a little before ClickHouse's updated_at.
    const known = await this.deps.desk.knownVersions(Date.now() - source.windowHours * 3_600_000 - 3_600_000);
    const missing = (await source.readRecent(source.windowHours, source.rowsMax)).filter(
      (alarm) => (known.get(alarm.alarm_id) ?? -1) < alarm.version,
    );
    let applied = 0;
    for (let start = 0; start < missing.length; start += this.options.batchMax) {
      const outcomes = await this.deps.desk.ingestBatch(missing.slice(start, start + this.options.batchMax));
      applied += outcomes.filter(Boolean).length;
    }
    if (applied > 0) this.deps.logger.info('alarms caught up from the analytics store', { applied });
    return applied;
  }

  private async run(): Promise<void> {
    // Joined before the catch-up: the in-process log keeps for a group only what arrives once it has joined, and
    // what arrives during the catch-up is read after it (versions already taken are skipped).
    const consumer = this.deps.log.consumer<AlarmRow>(this.options.groupId, TOPICS.alarms);
    await this.catchUp().catch((error: unknown) =>
      this.deps.logger.error('catching up alarms failed', { error: String(error) }),
    );
    const taken = this.deps.metrics.counter(
      'vigil_center_alarm_versions_total',
      'Alarm versions taken by the command centres',
      ['outcome'],
    );
    while (this.running) {
      const records = await consumer.poll(this.options.batchMax, 250);
      if (records.length === 0) continue;
      // One transaction for the whole poll, retried whole until it commits; the offsets are committed after it,
      // so a crash at any point replays the batch and the desk's version check drops what it already has.
      for (;;) {
        try {
          const outcomes = await this.deps.desk.ingestBatch(records.map((record) => record.value));
          const stored = outcomes.filter(Boolean).length;
          if (stored > 0) taken.inc({ outcome: 'stored' }, stored);
          if (stored < outcomes.length) taken.inc({ outcome: 'duplicate' }, outcomes.length - stored);
          consumer.commit(records);
          break;
        } catch (error) {
          taken.inc({ outcome: 'retried' }, records.length);
          this.deps.logger.error('storing a batch of alarms failed, retrying it whole', {
            versions: records.length,
            first_alarm_id: records[0].value.alarm_id,
            error: String(error),
          });
          if (!this.running) break;
          await new Promise((r) => setTimeout(r, this.options.retryDelayMs));
        }
      }
      // Other work of the node (HTTP answers above all) gets the event loop between two batches.
      await new Promise((r) => setImmediate(r));
    }
    consumer.close();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
