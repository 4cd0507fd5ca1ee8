/**
 * The panels' view of the feed, computed once a second. Panels re-render from this plain object only, so a flood
 * of positions messages costs the panels nothing.
 */
import type { FeedAlarm } from '../../../schema/feed.js';
import { KNOWN_RULES } from '../i18n/rule-names.js';
import { CRITICAL_VISIT_MS, type CriticalEvent, type FeedState } from './feed-state.js';

/** A vehicle counts as online when its latest fix is at most this old (JT/T 808 terminals report every 30 s or less). */
export const VEHICLE_ONLINE_WINDOW_MS = 10 * 60_000;
/**
 * A vehicle is on the map while its latest fix is at most this old: the summary's `vehicles_in_area` counts the same
 * vehicles (docs/command-centre.md), so the map and the tiles agree.
 */
export const VEHICLE_ON_MAP_WINDOW_MS = 24 * 3_600_000;
/** Rows the live list can show; the panel has room for about thirty at 2160 px. */
export const ALARM_LIST_ROWS_MAX = 40;
/** Quiet time after which the wall says its data is stale. */
export const STALE_AFTER_MS = 15_000;

export interface RuleCount {
  rule: string;
  count: number;
}

export interface WallSummary {
  /** Server-corrected time of this summary, epoch ms. */
  now: number;
  /** Vehicles on the map: latest fix in the wall's area at most VEHICLE_ON_MAP_WINDOW_MS old. */
  vehiclesOnMap: number;
  /** Of those, the ones whose latest fix is at most VEHICLE_ONLINE_WINDOW_MS old (drawn bright). */
  vehiclesOnline: number;
  alarmsToday: number;
  openAlarms: number;
  criticalNow: number;
  byRule: RuleCount[];
  byHour: number[];
  newestAlarms: FeedAlarm[];
  /** Server-corrected time of the last message, null before the first one. */
  lastMessageAt: number | null;
  stale: boolean;
  critical: CriticalEvent | null;
}

function countCritical(open: ReadonlyMap<string, FeedAlarm>): number {
  let critical = 0;
  for (const alarm of open.values()) if (alarm.severity === 'critical') critical += 1;
  return critical;
}

function rulesByCount(byRule: ReadonlyMap<string, number>): RuleCount[] {
  const rules = new Set([...KNOWN_RULES, ...byRule.keys()]);
  return Array.from(rules, (rule) => ({ rule, count: byRule.get(rule) ?? 0 })).sort(
    (a, b) => b.count - a.count || KNOWN_RULES.indexOf(a.rule) - KNOWN_RULES.indexOf(b.rule),
  );
}

export function summarizeFeed(state: FeedState, kioskNow: number): WallSummary {
  const now = state.serverNow(kioskNow);
  const { alarms, vehicles } = state;
  // The callout stays up exactly while the map is away visiting the alarm.
  const visit = state.criticalVisit;
  const critical = visit !== null && kioskNow - visit.receivedAt < CRITICAL_VISIT_MS ? visit : null;
  return {
    now,
    vehiclesOnMap: vehicles.countOnline(now, VEHICLE_ON_MAP_WINDOW_MS),
    vehiclesOnline: vehicles.countOnline(now, VEHICLE_ONLINE_WINDOW_MS),
    alarmsToday: alarms.todayCount,
    openAlarms: alarms.open.size,
    criticalNow: countCritical(alarms.open),
    byRule: rulesByCount(alarms.todayByRule),
    byHour: alarms.todayByHour.slice(),
    newestAlarms: alarms.newest(ALARM_LIST_ROWS_MAX),
    lastMessageAt: state.lastMessageAt === null ? null : state.serverNow(state.lastMessageAt),
    stale: state.lastMessageAt !== null && kioskNow - state.lastMessageAt > STALE_AFTER_MS,
    critical,
  };
}
