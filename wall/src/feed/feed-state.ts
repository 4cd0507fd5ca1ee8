/**
 * Everything the wall knows from the feed, and how each server message changes it. No DOM and no timers here:
 * the socket hands messages in, the panels and the map read from it at their own pace.
 */
import type { FeedAlarm, FeedClientMessage, FeedServerMessage, FeedVehicle } from '../../../schema/feed.js';
import { AlarmStore } from './alarm-store.js';
import { VehicleStore } from './vehicle-store.js';

/** A critical alarm older than this when it arrives (a replay, a back-fill) does not pull the map to it. */
const CRITICAL_FLY_AGE_MS_MAX = 5 * 60_000;
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

  constructor(now: number) {
    this.alarms = new AlarmStore(now);
  }

  /** Kiosk time corrected to the server's clock. */
  serverNow(kioskNow: number): number {
    return kioskNow + this.clockOffsetMs;
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
        this.alarms.applySnapshot(asArray<FeedAlarm>(message.alarms));
        return;
      case 'positions':
        this.takeServerTime(message.server_time, kioskNow);
        for (const vehicle of asArray<FeedVehicle>(message.vehicles)) this.vehicles.upsert(vehicle);
        return;
      case 'alarm':
        this.handleAlarm(message.alarm, message.alarm_seq, kioskNow);
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

  private handleAlarm(alarm: FeedAlarm, alarmSeq: number, kioskNow: number): void {
    if (Number.isFinite(alarmSeq)) this.alarmSeq = Math.max(this.alarmSeq ?? 0, alarmSeq);
    if (typeof alarm !== 'object' || alarm === null) {
      this.messagesIgnored += 1;
      return;
    }
    this.alarms.rollDay(this.serverNow(kioskNow));
    const outcome = this.alarms.accept(alarm);
    const isFresh = this.serverNow(kioskNow) - alarm.started_at <= CRITICAL_FLY_AGE_MS_MAX;
    const visiting = this.criticalVisit !== null && kioskNow - this.criticalVisit.receivedAt < CRITICAL_VISIT_MS;
    if (outcome === 'new' && alarm.severity === 'critical' && alarm.ended_at == null && isFresh && !alarm.late && !visiting) {
      this.criticalVisit = { seq: (this.criticalVisit?.seq ?? 0) + 1, alarm, receivedAt: kioskNow };
    }
  }

  private takeServerTime(serverTime: number, kioskNow: number): void {
    if (Number.isFinite(serverTime)) this.clockOffsetMs = serverTime - kioskNow;
  }
}
