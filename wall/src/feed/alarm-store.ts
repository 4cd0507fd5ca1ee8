/**
 * Alarm episodes as the wall knows them. The server sends every update of an episode with the same alarm_id and
 * a higher version, and may send an update again after a reconnect; keeping only the highest version per id is
 * what guarantees an alarm is never shown or counted twice.
 */
import type { FeedAlarm, FeedToday } from '../../../schema/feed.js';
import { shanghaiDayKey, shanghaiHour } from '../i18n/shanghai-time.js';

/** Episodes kept for the live list; the oldest by start time are forgotten first. */
export const ALARM_LIST_MAX = 500;
/** Trimming runs once the list is this much over its maximum, so it sorts rarely rather than per message. */
const ALARM_LIST_SLACK = 100;
/** Open episodes kept for the pulses and the open/critical tiles. */
export const OPEN_ALARMS_MAX = 20_000;
/** Today's episodes remembered for de-duplicated counting and the heat map; beyond this they are not counted. */
export const TODAY_ALARMS_MAX = 300_000;
const HEAT_CAPACITY_INITIAL = 4_096;

export type AcceptOutcome = 'new' | 'updated' | 'duplicate' | 'rejected';

function isValidAlarm(alarm: FeedAlarm): boolean {
  return (
    typeof alarm.alarm_id === 'string' &&
    alarm.alarm_id !== '' &&
    Number.isFinite(alarm.version) &&
    Number.isFinite(alarm.started_at) &&
    typeof alarm.rule === 'string'
  );
}

function hasPlace(alarm: FeedAlarm): boolean {
  return Number.isFinite(alarm.lat) && Number.isFinite(alarm.lon) && !(alarm.lat === 0 && alarm.lon === 0);
}

export class AlarmStore {
  /** Latest version of each episode in the live list (bounded by ALARM_LIST_MAX + slack). */
  readonly recent = new Map<string, FeedAlarm>();
  /** Episodes whose latest known version has no ended_at. */
  readonly open = new Map<string, FeedAlarm>();
  /** Increases whenever `open` changes, so the map rebuilds its pulse data only then. */
  openVersion = 0;
  /** Shanghai day the counters below belong to. */
  dayKey: number;
  /** alarm_id -> highest version seen, for episodes counted since the last snapshot; the de-duplication memory. */
  private readonly todayVersions = new Map<string, number>();
  /** Today's total as the server's last snapshot stated it; episodes counted since are added on top. */
  todayBase = 0;
  todayOverflow = 0;
  readonly todayByRule = new Map<string, number>();
  readonly todayByHour = new Array<number>(24).fill(0);
  /** Where today's episodes started, for the heat map; `heatCount` entries are valid. */
  heatLon = new Float64Array(HEAT_CAPACITY_INITIAL);
  heatLat = new Float64Array(HEAT_CAPACITY_INITIAL);
  heatCount = 0;
  rejected = 0;

  constructor(now: number) {
    this.dayKey = shanghaiDayKey(now);
  }

  get todayCount(): number {
    return this.todayBase + this.todayVersions.size + this.todayOverflow;
  }

  /**
   * Takes the server's daily totals for the wall's scope as the new base. They include every episode the
   * snapshot's alarm_seq covers, so counting restarts from them; later messages flagged `counted` add to them.
   */
  applyToday(today: FeedToday): void {
    if (typeof today !== 'object' || today === null || !Number.isFinite(today.day_start)) return;
    this.dayKey = shanghaiDayKey(today.day_start);
    this.todayVersions.clear();
    this.todayOverflow = 0;
    this.todayBase = Number.isFinite(today.total) ? today.total : 0;
    this.todayByRule.clear();
    for (const [rule, count] of Object.entries(today.by_rule ?? {}))
      if (Number.isFinite(count)) this.todayByRule.set(rule, count);
    for (let hour = 0; hour < 24; hour += 1)
      this.todayByHour[hour] = Number.isFinite(today.by_hour?.[hour]) ? today.by_hour[hour] : 0;
  }

  /**
   * Applies one version of an episode; older or equal versions than the one held are ignored. `counted` says
   * whether it adds to today's counters (the server flags the one message that counted it; a server that sends
   * no daily totals leaves every message counted and de-duplication to this store).
   */
  accept(alarm: FeedAlarm, counted = true): AcceptOutcome {
    if (!isValidAlarm(alarm)) {
      this.rejected += 1;
      return 'rejected';
    }
    const known = this.knownVersion(alarm.alarm_id);
    if (known !== undefined && known >= alarm.version) return 'duplicate';
    this.recent.set(alarm.alarm_id, alarm);
    if (this.recent.size > ALARM_LIST_MAX + ALARM_LIST_SLACK) this.trimRecent();
    this.setOpen(alarm);
    this.countToday(alarm, counted, known === undefined);
    return known === undefined ? 'new' : 'updated';
  }

  /**
   * A snapshot lists the open and recent episodes as the server holds them now. Open episodes not in it were
   * closed while we were away, so `open` is rebuilt from it; the list and today's counters are merged into,
   * because alarm ids are deterministic and survive a server restart.
   */
  applySnapshot(alarms: readonly FeedAlarm[], countedByServer = false): void {
    this.open.clear();
    for (const alarm of alarms) {
      // The snapshot's daily totals already hold its alarms.
      if (this.accept(alarm, !countedByServer) !== 'duplicate') continue;
      // The version held is at least as new as the snapshot's; whether it is open is decided by it.
      const held = this.recent.get(alarm.alarm_id);
      if (held !== undefined) this.setOpen(held);
      else this.setOpen(alarm);
    }
    this.openVersion += 1;
  }

  /** Starts a new day's counters once Shanghai's midnight has passed. */
  rollDay(now: number): void {
    const dayKey = shanghaiDayKey(now);
    if (dayKey === this.dayKey) return;
    this.dayKey = dayKey;
    this.todayVersions.clear();
    this.todayOverflow = 0;
    this.todayBase = 0;
    this.todayByRule.clear();
    this.todayByHour.fill(0);
    this.heatCount = 0;
  }

  /** The newest `limit` episodes by start time, newest first. */
  newest(limit: number): FeedAlarm[] {
    return Array.from(this.recent.values())
      .sort((a, b) => b.started_at - a.started_at || (a.alarm_id < b.alarm_id ? -1 : 1))
      .slice(0, limit);
  }

  ids(): string[] {
    return Array.from(this.recent.keys());
  }

  private knownVersion(alarmId: string): number | undefined {
    return this.recent.get(alarmId)?.version ?? this.open.get(alarmId)?.version ?? this.todayVersions.get(alarmId);
  }

  private setOpen(alarm: FeedAlarm): void {
    // `== null` also covers a server that omits the field instead of sending null.
    if (alarm.ended_at == null) {
      if (!this.open.has(alarm.alarm_id) && this.open.size >= OPEN_ALARMS_MAX) {
        // Maps iterate in insertion order, so the first key is the episode opened longest ago.
        const oldest = this.open.keys().next().value;
        if (oldest !== undefined) this.open.delete(oldest);
      }
      this.open.set(alarm.alarm_id, alarm);
      this.openVersion += 1;
    } else if (this.open.delete(alarm.alarm_id)) {
      this.openVersion += 1;
    }
  }

  private countToday(alarm: FeedAlarm, counted: boolean, firstSight: boolean): void {
    if (shanghaiDayKey(alarm.started_at) !== this.dayKey) return;
    // The heat map shows where today's episodes the wall has seen happened, counted here or by the server.
    if (firstSight && hasPlace(alarm)) this.addHeatPoint(alarm.lon, alarm.lat);
    const seen = this.todayVersions.has(alarm.alarm_id);
    if (!seen && !counted) return;
    if (!seen && this.todayVersions.size >= TODAY_ALARMS_MAX) {
      this.todayOverflow += 1;
      return;
    }
    this.todayVersions.set(alarm.alarm_id, alarm.version);
    // Rule and start time never change within an episode, so an episode is counted once, on first sight.
    if (seen) return;
    this.todayByRule.set(alarm.rule, (this.todayByRule.get(alarm.rule) ?? 0) + 1);
    this.todayByHour[shanghaiHour(alarm.started_at)] += 1;
  }

  private addHeatPoint(lon: number, lat: number): void {
    if (this.heatCount >= this.heatLon.length) {
      const capacity = Math.min(TODAY_ALARMS_MAX, this.heatLon.length * 2);
      if (capacity <= this.heatCount) return;
      const nextLon = new Float64Array(capacity);
      const nextLat = new Float64Array(capacity);
      nextLon.set(this.heatLon);
      nextLat.set(this.heatLat);
      this.heatLon = nextLon;
      this.heatLat = nextLat;
    }
    this.heatLon[this.heatCount] = lon;
    this.heatLat[this.heatCount] = lat;
    this.heatCount += 1;
  }

  private trimRecent(): void {
    const keep = new Set(this.newest(ALARM_LIST_MAX).map((alarm) => alarm.alarm_id));
    for (const alarmId of this.recent.keys()) {
      if (!keep.has(alarmId)) this.recent.delete(alarmId);
    }
  }
}
