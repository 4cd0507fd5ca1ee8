/**
 * Everything the wall knows from the feed, and how each server message changes it. No DOM and no timers here:
 * the socket hands messages in, the panels and the map read from it at their own pace.
 */
import { decodePositionsFrame, FLAG_ALARMING, FLAG_LEFT_SCOPE } from '../../../schema/feed-frame.js';
import { decodeVehicleTableFrame, VEHICLE_TABLE_FRAME_KIND } from '../../../schema/feed-table-frame.js';
import type {
  FeedAlarm,
  FeedClientMessage,
  FeedServerMessage,
  FeedVehicle,
  FeedVehicleEntry,
} from '../../../schema/feed.js';
import { AlarmStore } from './alarm-store.js';
import { UpdateTimings } from './update-timings.js';
import { VehicleStore } from './vehicle-store.js';

/** A critical alarm older than this when it arrives (a replay, a back-fill) does not pull the map to it. */
const CRITICAL_FLY_AGE_MS_MAX = 5 * 60_000;
/** Largest vehicle-table index accepted from a server; a bound on the index map's memory (4 bytes per index). */
const SERVER_INDEX_MAX = 2_000_000;
/**
 * How long the map spends on one critical alarm, flights included. One visit at a time: a burst of critical alarms
 * must not keep the province off the wall, so alarms arriving during a visit go to the list but are not visited.
 */
export const CRITICAL_VISIT_MS = 13_000;

export interface CriticalEvent {
  /** Increases with every visit; the map compares it with the last one it flew to. */
  seq: number;
  alarm: FeedAlarm;
  /** Kiosk time the visit started. */
  receivedAt: number;
}

function asArray<T>(value: unknown): readonly T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

export class FeedState {
  readonly vehicles = new VehicleStore();
  readonly timings = new UpdateTimings();
  readonly alarms: AlarmStore;
  serverId: string | null = null;
  /** Highest alarm_seq received from this server process; what a resume asks to continue after. */
  alarmSeq: number | null = null;
  /** Wall-clock time (kiosk clock) of the last message of any kind, null before the first. */
  lastMessageAt: number | null = null;
  /** Server clock minus kiosk clock; the clock and "today" follow the server, since kiosks often lack NTP. */
  clockOffsetMs = 0;
  /** The critical alarm the map is visiting or last visited; the map and the callout both follow it. */
  criticalVisit: CriticalEvent | null = null;
  lastError: string | null = null;
  messagesIgnored = 0;
  /** Binary frames that could not be read, and fixes naming a table index never announced. */
  framesRejected = 0;
  fixesUnannounced = 0;
  /** Server vehicle-table index → slot in `vehicles`, -1 when not announced on this connection. */
  private slotOfServerIndex = new Int32Array(1_024).fill(-1);
  private readonly alarmListeners = new Set<() => void>();

  constructor(now: number) {
    this.alarms = new AlarmStore(now);
  }

  /** Kiosk time corrected to the server's clock. */
  serverNow(kioskNow: number): number {
    return kioskNow + this.clockOffsetMs;
  }

  /**
   * Calls `listener` after each message that changed what the alarm panels show (an alarm version, a snapshot),
   * so they redraw then rather than on their next beat; returns the unsubscribe.
   */
  onAlarmsChanged(listener: () => void): () => void {
    this.alarmListeners.add(listener);
    return () => this.alarmListeners.delete(listener);
  }

  /** What to send right after a reconnect, or null on the very first connection (the server then sends a snapshot). */
  resumeMessage(): FeedClientMessage | null {
    if (this.serverId === null || this.alarmSeq === null) return null;
    return { type: 'resume', server_id: this.serverId, after_alarm_seq: this.alarmSeq };
  }

  handle(message: FeedServerMessage, kioskNow: number): void {
    this.lastMessageAt = kioskNow;
    switch (message.type) {
      case 'snapshot':
        this.takeServerTime(message.server_time, kioskNow);
        this.alarms.rollDay(this.serverNow(kioskNow));
        this.serverId = message.server_id;
        this.alarmSeq = message.alarm_seq;
        this.vehicles.replaceAll(asArray<FeedVehicle>(message.vehicles));
        // A snapshot starts the connection's vehicle table afresh.
        this.slotOfServerIndex.fill(-1);
        if (message.today !== undefined) this.alarms.applyToday(message.today);
        this.alarms.applySnapshot(asArray<FeedAlarm>(message.alarms), message.today !== undefined);
        this.alarmsChanged();
        return;
      case 'vehicle_table':
        for (const entry of asArray<FeedVehicleEntry>(message.entries)) this.announce(entry);
        return;
      case 'positions':
        this.takeServerTime(message.server_time, kioskNow);
        for (const vehicle of asArray<FeedVehicle>(message.vehicles)) this.vehicles.upsert(vehicle);
        return;
      case 'alarm':
        this.handleAlarm(message.alarm, message.alarm_seq, message.counted !== false, kioskNow);
        this.alarmsChanged();
        return;
      case 'heartbeat':
        this.takeServerTime(message.server_time, kioskNow);
        return;
      case 'error':
        this.lastError = `${message.reason}: ${message.detail}`;
        return;
      default:
        // A newer server may add message types; an old wall ignores them rather than failing.
        this.messagesIgnored += 1;
    }
  }

  /** Called once a second so the day's counters restart at Shanghai midnight even when no alarm arrives. */
  tick(kioskNow: number): void {
    this.alarms.rollDay(this.serverNow(kioskNow));
  }

  /**
   * A binary frame: a positions frame (protocol 2) whose vehicles were announced in a vehicle table, or (protocol 3)
   * a vehicle table itself.
   */
  handleFrame(buffer: ArrayBuffer, kioskNow: number): void {
    const startedAt = performance.now();
    this.lastMessageAt = kioskNow;
    if (buffer.byteLength > 0 && new Uint8Array(buffer, 0, 1)[0] === VEHICLE_TABLE_FRAME_KIND) {
      const table = decodeVehicleTableFrame(buffer);
      if (!table.ok) {
        this.framesRejected += 1;
        this.lastError = table.reason;
        return;
      }
      for (const entry of table.entries) this.announce(entry);
      return;
    }
    const decoded = decodePositionsFrame(buffer);
    if (!decoded.ok) {
      this.framesRejected += 1;
      this.lastError = decoded.reason;
      return;
    }
    const c = decoded.columns;
    this.takeServerTime(c.serverTime, kioskNow);
    for (let i = 0; i < c.count; i += 1) {
      const serverIndex = c.index[i];
      const slot = serverIndex < this.slotOfServerIndex.length ? this.slotOfServerIndex[serverIndex] : -1;
      if (slot < 0) {
        this.fixesUnannounced += 1;
        continue;
      }
      if ((c.flags[i] & FLAG_LEFT_SCOPE) !== 0) {
        this.vehicles.forget(slot);
        continue;
      }
      this.vehicles.setFix(
        slot,
        c.lonE6[i] / 1e6,
        c.latE6[i] / 1e6,
        c.serverTime - c.fixAgeS[i] * 1000,
        (c.flags[i] & FLAG_ALARMING) !== 0,
      );
    }
    this.vehicles.touch();
    this.timings.applyFrameMs.add(performance.now() - startedAt);
  }

  private announce(entry: FeedVehicleEntry): void {
    if (
      typeof entry !== 'object' ||
      entry === null ||
      !Number.isInteger(entry.index) ||
      entry.index < 0 ||
      entry.index > SERVER_INDEX_MAX
    ) {
      this.messagesIgnored += 1;
      return;
    }
    if (entry.index >= this.slotOfServerIndex.length) {
      const next = new Int32Array(
        Math.min(SERVER_INDEX_MAX + 1, Math.max(entry.index + 1, this.slotOfServerIndex.length * 2)),
      ).fill(-1);
      next.set(this.slotOfServerIndex);
      this.slotOfServerIndex = next;
    }
    this.slotOfServerIndex[entry.index] = this.vehicles.slotFor(String(entry.terminal_id), String(entry.vehicle_class));
  }

  private handleAlarm(alarm: FeedAlarm, alarmSeq: number, counted: boolean, kioskNow: number): void {
    if (Number.isFinite(alarmSeq)) this.alarmSeq = Math.max(this.alarmSeq ?? 0, alarmSeq);
    if (typeof alarm !== 'object' || alarm === null) {
      this.messagesIgnored += 1;
      return;
    }
    this.alarms.rollDay(this.serverNow(kioskNow));
    const outcome = this.alarms.accept(alarm, counted);
    const isFresh = this.serverNow(kioskNow) - alarm.started_at <= CRITICAL_FLY_AGE_MS_MAX;
    const visiting = this.criticalVisit !== null && kioskNow - this.criticalVisit.receivedAt < CRITICAL_VISIT_MS;
    if (
      outcome === 'new' &&
      alarm.severity === 'critical' &&
      alarm.ended_at == null &&
      isFresh &&
      !alarm.late &&
      !visiting
    ) {
      this.criticalVisit = { seq: (this.criticalVisit?.seq ?? 0) + 1, alarm, receivedAt: kioskNow };
    }
  }

  private alarmsChanged(): void {
    for (const listener of this.alarmListeners) listener();
  }

  private takeServerTime(serverTime: number, kioskNow: number): void {
    if (Number.isFinite(serverTime)) this.clockOffsetMs = serverTime - kioskNow;
  }
}
