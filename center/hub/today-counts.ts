/**
 * Today's alarm episodes by division, rule and hour, so a wall's panels show true daily totals for its scope and
 * not only what it happened to see since it connected. Seeded from ClickHouse (`alarms_current`) when the hub
 * starts, then kept up from the alarm stream; an episode is counted once, by id, however many versions of it
 * arrive or are replayed. The day is Shanghai's.
 */
import type { FeedToday } from '../../schema/index.js';

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface TodayEpisode {
  alarm_id: string;
  org_code: string;
  rule: string;
  /** Epoch ms. */
  started_at: number;
}

export function shanghaiDayStart(epochMs: number): number {
  return Math.floor((epochMs + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS;
}

interface DivisionCounts {
  byRule: Map<string, number>;
  byHour: number[];
}

export class TodayCounts {
  dayStart: number;
  /** Episodes beyond `episodesMax` in one day: not counted, reported as a metric. */
  overflow = 0;
  private readonly counted = new Set<string>();
  private readonly byDivision = new Map<string, DivisionCounts>();

  constructor(
    now: number,
    private readonly episodesMax: number,
  ) {
    this.dayStart = shanghaiDayStart(now);
  }

  get size(): number {
    return this.counted.size;
  }

  /** Counts an episode the first time its id is seen today; true when it was counted now. */
  add(episode: TodayEpisode, now: number): boolean {
    this.roll(now);
    if (episode.started_at < this.dayStart || episode.started_at >= this.dayStart + DAY_MS) return false;
    if (this.counted.has(episode.alarm_id)) return false;
    if (this.counted.size >= this.episodesMax) {
      this.overflow += 1;
      return false;
    }
    this.counted.add(episode.alarm_id);
    let division = this.byDivision.get(episode.org_code);
    if (division === undefined) {
      division = { byRule: new Map(), byHour: new Array<number>(24).fill(0) };
      this.byDivision.set(episode.org_code, division);
    }
    division.byRule.set(episode.rule, (division.byRule.get(episode.rule) ?? 0) + 1);
    division.byHour[Math.floor((episode.started_at - this.dayStart) / HOUR_MS)] += 1;
    return true;
  }

  /** Totals over the divisions `inScope` admits. */
  forScope(inScope: (orgCode: string) => boolean, now: number): FeedToday {
    this.roll(now);
    const byRule: Record<string, number> = {};
    const byHour = new Array<number>(24).fill(0);
    let total = 0;
    for (const [orgCode, division] of this.byDivision) {
      if (!inScope(orgCode)) continue;
      for (const [rule, count] of division.byRule) {
        byRule[rule] = (byRule[rule] ?? 0) + count;
        total += count;
      }
      for (let hour = 0; hour < 24; hour += 1) byHour[hour] += division.byHour[hour];
    }
    return { day_start: this.dayStart, total, by_rule: byRule, by_hour: byHour };
  }

  private roll(now: number): void {
    const dayStart = shanghaiDayStart(now);
    if (dayStart === this.dayStart) return;
    this.dayStart = dayStart;
    this.counted.clear();
    this.byDivision.clear();
    this.overflow = 0;
  }
}
