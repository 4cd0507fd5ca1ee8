/**
 * The statistics reports of a scope: per group (the scope's child units, its enterprises, the vehicle classes or the
 * alarm rules) a series of daily, weekly or monthly figures, each with its change against the interval before.
 * The scope is the assessment's (`assessedScope`): the caller's command subtree, or a unit below it; nothing
 * outside it is read. Formulas: docs/reports.md.
 */
import {
  REPORT_FIGURES,
  RULE_NAMES,
  VEHICLE_CLASSES,
  type ReportAnswer,
  type ReportFigureId,
  type ReportGroup,
  type ReportGrouping,
  type ReportInterval,
  type ReportValues,
} from '../../schema/index.js';
import type { Analytics, Sql } from '../../store/index.js';
import type { Clock } from '../access/actor.js';
import { assessedScope, childRows, type Assessments } from '../assessment/index.js';
import type { Principal } from '../auth/accounts.js';
import { HttpError } from '../http/router.js';
import type { OrgDirectory } from '../org/org-directory.js';
import { reportPeriod, type ReportPeriod } from './intervals.js';
import { alarmSeries, slotKey, vehicleSeries, type AlarmCounts, type VehicleCounts } from './report-facts.js';

/** Groups at most: the enterprises of a province fit; a longer list reads better for a unit below. */
export const REPORT_GROUPS_MAX = 1_000;
/** Points (groups × intervals) at most in one answer: about 2 MB of JSON. */
export const REPORT_POINTS_MAX = 20_000;

/** The names of the vehicle classes of the registry, and of a case whose terminal no registered vehicle has. */
export const VEHICLE_CLASS_NAMES: Readonly<Record<string, string>> = {
  coach: '客运班车',
  dangerous_goods: '危险货物',
  heavy_truck: '重型货车',
  tractor: '牵引车',
  bus: '公交车',
  taxi: '出租车',
  other: '其他',
  unknown: '未登记车辆',
};

export interface ReportQuery {
  from: string;
  to: string;
  interval: ReportInterval;
  by: ReportGrouping;
  unit?: string;
}

export interface ReportsDeps {
  sql: Sql;
  analytics: Pick<Analytics, 'queryInternal'>;
  org: OrgDirectory;
  now: Clock;
  /** The vehicles' day facts are read with the assessment's thresholds and daily aggregates. */
  assessments: Pick<Assessments, 'dayFacts'>;
}

/** A group being filled: which org codes' vehicle and alarm counts it sums (unit rows), or its own key's. */
interface GroupPlan {
  key: string;
  name: string;
  codes?: readonly string[];
}

const NO_VEHICLES: VehicleCounts = { online: 0, positions: 0, overspeed: 0 };

function valuesOf(alarms: AlarmCounts, vehicles: VehicleCounts | null, entered: number | null): ReportValues {
  return {
    alarms_raised: alarms.raised,
    alarms_handled: alarms.handled,
    handling_rate: alarms.raised > 0 ? alarms.handled / alarms.raised : null,
    entered_vehicles: vehicles === null ? null : entered,
    online_vehicles: vehicles?.online ?? null,
    online_rate: vehicles !== null && entered !== null && entered > 0 ? vehicles.online / entered : null,
    positions: vehicles?.positions ?? null,
    overspeed_episodes: vehicles?.overspeed ?? null,
  };
}

function changeOf(now: ReportValues, before: ReportValues): ReportValues {
  const change = {} as ReportValues;
  for (const figure of REPORT_FIGURES) {
    const [a, b] = [now[figure.id], before[figure.id]];
    change[figure.id as ReportFigureId] = a === null || b === null ? null : a - b;
  }
  return change;
}

export class Reports {
  constructor(private readonly deps: ReportsDeps) {}

  async forPrincipal(principal: Principal, query: ReportQuery): Promise<ReportAnswer> {
    const { org, sql, analytics } = this.deps;
    const now = this.deps.now();
    const period = reportPeriod(query.from, query.to, query.interval, now);
    const { scope, area } = assessedScope(org, principal, query.unit);
    const starts = [period.baseline.starts_at, ...period.intervals.map((i) => i.starts_at)];
    const groups = await this.groupsOf(principal, scope, area, query.by);
    this.checkSize(groups.length, period);

    const facts = await this.deps.assessments.dayFacts(starts[0]!, period.ends_at);
    const [home, grouped, alarms] = await Promise.all([
      vehicleSeries(
        analytics,
        { groupBy: 'home_org_code', filterBy: 'home_org_code', keys: area },
        starts,
        period.ends_at,
        facts,
      ),
      query.by === 'enterprise' || query.by === 'vehicle_class'
        ? vehicleSeries(
            analytics,
            query.by === 'enterprise'
              ? { groupBy: 'enterprise_id', filterBy: 'enterprise_id', keys: groups.map((g) => g.key) }
              : { groupBy: 'vehicle_class', filterBy: 'home_org_code', keys: area },
            starts,
            period.ends_at,
            facts,
          )
        : undefined,
      alarmSeries(sql, area, query.by, starts, period.ends_at),
    ]);
    // Alarm cases per org code and per key of the grouping.
    const alarmsByCode = new Map<string, AlarmCounts>();
    const alarmsByKey = new Map<string, AlarmCounts>();
    for (const row of alarms)
      for (const [map, key] of [
        [alarmsByCode, slotKey(row.org_code, row.slot)],
        [alarmsByKey, slotKey(row.key, row.slot)],
      ] as const) {
        const into = map.get(key) ?? { raised: 0, handled: 0 };
        into.raised += row.raised;
        into.handled += row.handled;
        map.set(key, into);
      }
    if (query.by === 'rule') {
      // The rules listed are those with alarm cases in the period or its baseline, in the order of their ids.
      const rules = [...new Set(alarms.map((row) => row.key))].sort();
      groups.push(...rules.map((rule) => ({ key: rule, name: RULE_NAMES[rule]?.zh ?? rule })));
      this.checkSize(groups.length, period);
    }
    if (query.by === 'vehicle_class' && alarms.some((row) => row.key === 'unknown'))
      groups.push({ key: 'unknown', name: VEHICLE_CLASS_NAMES.unknown! });

    const seriesOf = (plan: GroupPlan, vehicles: 'home' | 'grouped' | 'none'): ReportGroup => {
      const points = starts.map((_, i) => {
        const slot = i + 1;
        const alarmCounts = { raised: 0, handled: 0 };
        const vehicleCounts = { ...NO_VEHICLES };
        let entered = 0;
        const add = (a: AlarmCounts | undefined, v: VehicleCounts | undefined, e: number | undefined): void => {
          alarmCounts.raised += a?.raised ?? 0;
          alarmCounts.handled += a?.handled ?? 0;
          vehicleCounts.online += v?.online ?? 0;
          vehicleCounts.positions += v?.positions ?? 0;
          vehicleCounts.overspeed += v?.overspeed ?? 0;
          entered += e ?? 0;
        };
        if (plan.codes !== undefined)
          for (const code of new Set(plan.codes))
            add(alarmsByCode.get(slotKey(code, slot)), home.counts.get(slotKey(code, slot)), home.entered.get(code));
        else
          add(
            alarmsByKey.get(slotKey(plan.key, slot)),
            grouped?.counts.get(slotKey(plan.key, slot)),
            grouped?.entered.get(plan.key),
          );
        return vehicles === 'none' ? valuesOf(alarmCounts, null, null) : valuesOf(alarmCounts, vehicleCounts, entered);
      });
      return {
        key: plan.key,
        name: plan.name,
        series: period.intervals.map((interval, i) => ({
          interval,
          values: points[i + 1]!,
          change: changeOf(points[i + 1]!, points[i]!),
        })),
      };
    };
    const scopeUnit = org.get(scope)!;
    return {
      scope: { org_code: scopeUnit.code, name: scopeUnit.name, level: scopeUnit.level },
      interval: query.interval,
      by: query.by,
      period: {
        from: period.from,
        to: period.to,
        starts_at: period.starts_at,
        ends_at: period.ends_at,
        time_zone: 'Asia/Shanghai',
      },
      baseline: period.baseline,
      generated_at: now,
      figures: [...REPORT_FIGURES],
      totals: seriesOf({ key: scopeUnit.code, name: scopeUnit.name, codes: area }, 'home'),
      groups: groups.map((plan) =>
        seriesOf(plan, query.by === 'rule' ? 'none' : query.by === 'unit' ? 'home' : 'grouped'),
      ),
    };
  }

  /** The groups known before the facts are read (a rule's group exists where it has alarm cases). */
  private async groupsOf(
    principal: Principal,
    scope: string,
    area: readonly string[],
    by: ReportGrouping,
  ): Promise<GroupPlan[]> {
    const { org } = this.deps;
    if (by === 'unit')
      return childRows(org, principal.orgCode, scope).map((unit) => ({
        key: unit.code,
        name: unit.name,
        codes: org.subtree(unit.code),
      }));
    if (by === 'vehicle_class') return VEHICLE_CLASSES.map((key) => ({ key, name: VEHICLE_CLASS_NAMES[key] ?? key }));
    if (by === 'rule') return [];
    const enterprises = await this.deps.sql.query<{ id: string; name: string }>(
      'SELECT id, name FROM enterprises WHERE org_code = ANY($1) ORDER BY id',
      [area],
    );
    return enterprises.map((e) => ({ key: e.id, name: e.name }));
  }

  private checkSize(groups: number, period: ReportPeriod): void {
    if (groups > REPORT_GROUPS_MAX)
      throw new HttpError(
        400,
        'bad_field',
        `by: ${groups} groups, more than max allowed ${REPORT_GROUPS_MAX}; ask for a unit below (unit=)`,
        { field: 'by' },
      );
    const points = (groups + 1) * period.intervals.length;
    if (points > REPORT_POINTS_MAX)
      throw new HttpError(
        400,
        'bad_field',
        `to: ${points} points (groups × intervals), more than max allowed ${REPORT_POINTS_MAX}; shorten the period, ask by week or by month, or for a unit below`,
        { field: 'to' },
      );
  }
}
