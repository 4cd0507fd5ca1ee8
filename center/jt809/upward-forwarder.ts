/**
 * What Vigil tells its upper platform (the ministry's 联网联控 system) over the JT/T 809 upward link: every
 * stored position of a vehicle with a plate, and every new alarm episode of the rules the upper platform has a
 * warning type for. It reads the log as groups of its own (`jt809-upward-positions`, `jt809-upward-alarms`), so
 * it sees what is durable, like the feed, and never holds up ingestion: a link that is down queues positions (sent
 * later as 0x1203 history) and alarms, each in a bounded queue (ingest/jt809/upward-link.ts).
 */
import type { AlarmRow, TelemetryRow, VehicleRecord } from '../../schema/index.js';
import { TOPICS, type EventLog } from '../../stream/index.js';
import type { UpwardLink } from '../../ingest/index.js';
import { WARN_TYPE_OF_RULE } from './supervisions.js';

export interface UpwardForwarderDeps {
  log: EventLog;
  link: UpwardLink;
  /** The registry's plate colour of a vehicle (JT/T 415; 2 yellow when unknown: most supervised vehicles). */
  vehicleOf(terminalId: string, plate: string): VehicleRecord | undefined;
}

const POLL_RECORDS_MAX = 2_000;
const POLL_WAIT_MS = 500;
/** 0x1402 WARN_SRC: 1 vehicle terminal, 2 enterprise platform, 3 government platform (the rules of Vigil). */
const WARN_SOURCE_GOVERNMENT = 3;
const UNKNOWN_PLATE_COLOR = 2;

export class UpwardForwarder {
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly deps: UpwardForwarderDeps) {}

  start(): void {
    this.running = true;
    this.loops = [this.positions(), this.alarms()];
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private plateColor(terminalId: string, plate: string): number {
    return this.deps.vehicleOf(terminalId, plate)?.plate_color ?? UNKNOWN_PLATE_COLOR;
  }

  private async positions(): Promise<void> {
    const consumer = this.deps.log.consumer<TelemetryRow>('jt809-upward-positions', TOPICS.telemetry);
    while (this.running) {
      const records = await consumer.poll(POLL_RECORDS_MAX, POLL_WAIT_MS);
      for (const { value: row } of records) {
        // The upper platform knows vehicles by plate; a fix without one cannot be reported.
        if (row.plate === '') continue;
        this.deps.link.sendPosition({
          plate: row.plate,
          plateColor: this.plateColor(row.terminal_id, row.plate),
          gnss: {
            time: row.ts,
            lon: row.lon,
            lat: row.lat,
            speedKmh: row.speed_kmh,
            tachographSpeedKmh: 0,
            mileageKm: 0,
            directionDeg: row.direction_deg,
            altitudeM: row.altitude_m,
            statusBits: row.status_bits,
            alarmBits: row.alarm_bits,
          },
        });
      }
      if (records.length > 0) consumer.commit(records);
    }
    consumer.close();
  }

  private async alarms(): Promise<void> {
    const consumer = this.deps.log.consumer<AlarmRow>('jt809-upward-alarms', TOPICS.alarms);
    while (this.running) {
      const records = await consumer.poll(POLL_RECORDS_MAX, POLL_WAIT_MS);
      for (const { value: alarm } of records) {
        const warnType = Object.hasOwn(WARN_TYPE_OF_RULE, alarm.rule) ? WARN_TYPE_OF_RULE[alarm.rule] : undefined;
        // An episode is reported when it opens (its first version), not again at each update.
        if (warnType === undefined || alarm.version !== 1 || alarm.plate === '') continue;
        this.deps.link.sendAlarm({
          plate: alarm.plate,
          plateColor: this.plateColor(alarm.terminal_id, alarm.plate),
          report: {
            warnSource: WARN_SOURCE_GOVERNMENT,
            warnType,
            warnTime: alarm.started_at,
            infoId: infoIdOf(alarm.alarm_id),
            info: `${alarm.rule} ${alarm.severity} ${alarm.alarm_id}`,
          },
        });
      }
      if (records.length > 0) consumer.commit(records);
    }
    consumer.close();
  }
}

/** A 32-bit INFO_ID from the alarm id (FNV-1a), stable so the upper platform can match a later 0x1403. */
function infoIdOf(alarmId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < alarmId.length; i++) hash = Math.imul(hash ^ alarmId.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
