/**
 * A scope's history beside today's figures, for the wall's trend panel and a morning meeting: alarms received and
 * handled per Beijing day over the last 30 days, work orders issued per day, and this month so far against the same
 * days of last month. The definitions are the summary's (docs/command-centre.md), so today's row equals today's
 * tiles. Read from PostgreSQL, where every alarm the centres received and every work order is, through the indexes
 * `alarm_cases(org_code, received_at)` and `work_orders(org_code, created_at)`; a scope's answer is reused for
 * `cacheMs`, since a trend over 30 days moves slowly and every wall of a centre asks for the same one.
 */
import type { CentreTrends, TrendDay, TrendPeriod } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import type { Clock } from '../access/actor.js';
import type { Principal } from '../auth/accounts.js';
import { shanghaiDayStart } from '../hub/today-counts.js';
import type { OrgDirectory } from '../org/org-directory.js';
import type { CentreSummaries } from './centre-summary.js';

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
export const TREND_DAYS = 30;

export interface CentreTrendsOptions {
  /** A scope's trends are recomputed at most this often. */
  cacheMs: number;
  /** Scopes whose trends are kept at once (units and enterprises); the oldest is dropped beyond it. */
  scopesMax: number;
}

export const CENTRE_TRENDS_DEFAULTS: CentreTrendsOptions = { cacheMs: 60_000, scopesMax: 2_000 };

export interface CentreTrendsDeps {
  sql: Sql;
  org: OrgDirectory;
  now: Clock;
  summaries: CentreSummaries;
}

/** Where a scope's rows are: a unit's view, or one enterprise's items. */
interface ScopeFilter {
  column: 'org_code' | 'enterprise_id';
  values: string[];
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/** The Beijing calendar month of `now`: its first day, and the same span of the month before. */
export function monthSpans(now: number): { thisFrom: number; thisTo: number; lastFrom: number; lastTo: number } {
  const local = new Date(now + SHANGHAI_OFFSET_MS);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth();
  const dayOfMonth = local.getUTCDate();
  const thisFrom = Date.UTC(year, month, 1) - SHANGHAI_OFFSET_MS;
  const lastFrom = Date.UTC(year, month - 1, 1) - SHANGHAI_OFFSET_MS;
  const lastMonthDays = Math.round((thisFrom - lastFrom) / DAY_MS);
  return {
    thisFrom,
    thisTo: shanghaiDayStart(now) + DAY_MS,
    lastFrom,
    lastTo: lastFrom + Math.min(dayOfMonth, lastMonthDays) * DAY_MS,
  };
}

export class CentreTrendsReader {
  private readonly cache = new Map<string, { at: number; trends: CentreTrends }>();

  constructor(
    private readonly deps: CentreTrendsDeps,
    private readonly options: CentreTrendsOptions = CENTRE_TRENDS_DEFAULTS,
  ) {}

  async forPrincipal(principal: Principal): Promise<CentreTrends> {
    const now = this.deps.now();
    const key = principal.role === 'enterprise' ? `e:${principal.enterpriseId ?? ''}` : `o:${principal.orgCode}`;
    const cached = this.cache.get(key);
    if (cached !== undefined && now - cached.at < this.options.cacheMs && now >= cached.at) return cached.trends;
    const filter: ScopeFilter =
      principal.role === 'enterprise'
        ? { column: 'enterprise_id', values: [principal.enterpriseId ?? ''] }
        : { column: 'org_code', values: this.deps.org.viewSubtree(principal.orgCode) };
    const trends: CentreTrends = {
      scope: this.deps.summaries.scopeOf(principal),
      generated_at: now,
      days: await this.days(filter, now),
      month: await this.month(filter, now),
    };
    this.cache.delete(key);
    this.cache.set(key, { at: now, trends });
    for (const oldest of this.cache.keys()) {
      if (this.cache.size <= this.options.scopesMax) break;
      this.cache.delete(oldest);
    }
    return trends;
  }

  private async days(filter: ScopeFilter, now: number): Promise<TrendDay[]> {
    const to = shanghaiDayStart(now) + DAY_MS;
    const from = to - TREND_DAYS * DAY_MS;
    // The Beijing day of a timestamp, as a day number since the epoch (no time zone database needed).
    const dayOf = (column: string) =>
      `floor((extract(epoch from ${column}) * 1000 + ${SHANGHAI_OFFSET_MS}) / ${DAY_MS})::int`;
    const alarms = await this.deps.sql.query<{ day: number; received: number; handled: number }>(
      `SELECT ${dayOf('received_at')} AS day, count(*)::int AS received, count(*) FILTER (WHERE state <> 'new')::int AS handled
         FROM alarm_cases WHERE ${filter.column} = ANY($1) AND received_at >= $2 AND received_at < $3 GROUP BY day`,
      [filter.values, new Date(from), new Date(to)],
    );
    const orders = await this.deps.sql.query<{ day: number; issued: number }>(
      `SELECT ${dayOf('created_at')} AS day, count(*)::int AS issued
         FROM work_orders WHERE ${filter.column} = ANY($1) AND created_at >= $2 AND created_at < $3 GROUP BY day`,
      [filter.values, new Date(from), new Date(to)],
    );
    const alarmsOf = new Map(alarms.map((row) => [Number(row.day), row]));
    const ordersOf = new Map(orders.map((row) => [Number(row.day), Number(row.issued)]));
    const days: TrendDay[] = [];
    for (let dayStart = from; dayStart < to; dayStart += DAY_MS) {
      const day = Math.floor((dayStart + SHANGHAI_OFFSET_MS) / DAY_MS);
      const received = Number(alarmsOf.get(day)?.received ?? 0);
      const handled = Number(alarmsOf.get(day)?.handled ?? 0);
      days.push({
        day_start: dayStart,
        alarms_received: received,
        alarms_handled: handled,
        handling_rate: ratio(handled, received),
        work_orders_issued: ordersOf.get(day) ?? 0,
      });
    }
    return days;
  }

  private async month(filter: ScopeFilter, now: number): Promise<CentreTrends['month']> {
    const spans = monthSpans(now);
    const period = async (from: number, to: number): Promise<TrendPeriod> => {
      const [alarms] = await this.deps.sql.query<{ received: number; handled: number }>(
        `SELECT count(*)::int AS received, count(*) FILTER (WHERE state <> 'new')::int AS handled
           FROM alarm_cases WHERE ${filter.column} = ANY($1) AND received_at >= $2 AND received_at < $3`,
        [filter.values, new Date(from), new Date(to)],
      );
      const [orders] = await this.deps.sql.query<{ issued: number; accepted: number }>(
        `SELECT count(*)::int AS issued,
                count(*) FILTER (WHERE state = 'accepted' AND closed_at < $3)::int AS accepted
           FROM work_orders WHERE ${filter.column} = ANY($1) AND created_at >= $2 AND created_at < $3`,
        [filter.values, new Date(from), new Date(to)],
      );
      const received = Number(alarms.received);
      const handled = Number(alarms.handled);
      return {
        from,
        to,
        alarms_received: received,
        alarms_handled: handled,
        handling_rate: ratio(handled, received),
        work_orders_issued: Number(orders.issued),
        work_orders_accepted: Number(orders.accepted),
      };
    };
    return {
      this_month: await period(spans.thisFrom, spans.thisTo),
      last_month: await period(spans.lastFrom, spans.lastTo),
    };
  }
}
