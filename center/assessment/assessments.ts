/**
 * The assessment of a scope for a period: which units are listed, and each one's figures rolled up from the
 * per-org-code counts of its command subtree. As in the summary, the 省直管县 a unit views without commanding them
 * are listed beside its own children (marked view_only) and counted in its totals; each code is counted once.
 */
import type { AssessmentIndicatorId, AssessmentItems, AssessmentReport, AssessmentUnit } from '../../schema/index.js';
import type { Analytics, Sql } from '../../store/index.js';
import type { Clock } from '../access/actor.js';
import type { Principal } from '../auth/accounts.js';
import { HttpError } from '../http/router.js';
import type { CenterConfig } from '../config/center-config.js';
import type { OrgDirectory, OrgUnit } from '../org/org-directory.js';
import { deskFacts, platformInspections } from './desk-facts.js';
import { FactCache } from './fact-cache.js';
import { assessmentItems, VEHICLE_INDICATORS } from './drill-down.js';
import { addCounts, ASSESSMENT_INDICATORS, figuresOf, zeroCounts, type IndicatorCounts } from './indicators.js';
import { parsePeriod } from './period.js';
import type { AssessmentRollups } from './rollups.js';
import {
  PLATFORM_ROSTER_DAYS,
  VEHICLE_FACT_DEFAULTS,
  vehicleFacts,
  type StoredDays,
  type VehicleFactOptions,
} from './vehicle-facts.js';

export type AssessmentLevel = 'city' | 'county' | 'enterprise' | 'platform';

export interface AssessmentQuery {
  from: string;
  to: string;
  level?: AssessmentLevel;
  unit?: string;
}

export interface AssessmentsDeps {
  sql: Sql;
  /** With its layout, the vehicle query's answers are kept while nothing it reads changes (fact-cache.ts). */
  analytics: Pick<Analytics, 'queryInternal'> & Partial<Pick<Analytics, 'layout'>>;
  org: OrgDirectory;
  now: Clock;
  /** The thresholds in force (`assessment`); without it, the options given to the constructor. */
  config?: Pick<CenterConfig, 'get'>;
  /**
   * The daily aggregates: with them, the vehicles' figures are sums over the stored days and the raw facts of the
   * days not stored (today); without them, one pass over the raw facts of the whole period.
   */
  rollups?: Pick<AssessmentRollups, 'storedDays'>;
}

/**
 * The unit assessed and what its figures cover: its command subtree, plus the 省直管县 it views when it is the
 * caller's own unit. Another city's unit answers like an unknown one: its existence is not disclosed. Every read
 * built on the assessment's scope (the reports too) starts here.
 */
export function assessedScope(
  org: OrgDirectory,
  principal: Principal,
  unit: string | undefined,
): { scope: string; area: string[] } {
  const scope = unit ?? principal.orgCode;
  if (org.get(scope) === undefined || !org.sees(principal.orgCode, scope))
    throw new HttpError(404, 'not_found', `unit ${scope} is not in your scope`);
  return { scope, area: scope === principal.orgCode ? org.viewSubtree(scope) : org.subtree(scope) };
}

/**
 * The rows listed without a level: the scope's children, and the 省直管县 the caller views when the scope is the
 * caller's own unit (each row covers its command subtree).
 */
export function childRows(org: OrgDirectory, caller: string, scope: string): OrgUnit[] {
  const viewed = scope === caller ? org.viewedBy(caller).map((code) => org.get(code)!) : [];
  return [...org.childrenOf(scope), ...viewed];
}

/** The counts of some org codes added up, each code once. */
function sumOf(byOrg: ReadonlyMap<string, IndicatorCounts>, codes: readonly string[]): IndicatorCounts {
  const total = zeroCounts();
  for (const code of new Set(codes)) {
    const counts = byOrg.get(code);
    if (counts !== undefined) addCounts(total, counts);
  }
  return total;
}

export class Assessments {
  /** The vehicle query's answers, read again only when what they were read from has changed. */
  readonly facts: FactCache;

  constructor(
    private readonly deps: AssessmentsDeps,
    private readonly options: VehicleFactOptions = VEHICLE_FACT_DEFAULTS,
  ) {
    this.facts = new FactCache(deps.analytics);
  }

  /** The thresholds in force: the configuration's latest version (0: the defaults), or the constructor's. */
  private async thresholds(): Promise<{ options: VehicleFactOptions; version: number }> {
    if (this.deps.config === undefined) return { options: this.options, version: 0 };
    const { value, version } = await this.deps.config.get('assessment');
    return {
      options: {
        trackGapSeconds: value.track_gap_seconds,
        trackGapKm: value.track_gap_km,
        overspeedRules: value.overspeed_rules,
        fatigueRules: value.fatigue_rules,
        driftRules: value.drift_rules,
      },
      version,
    };
  }

  /** The days of the period stored as aggregates with these thresholds, or undefined without aggregates. */
  private async storedDays(
    startsAt: number,
    endsAt: number,
    options: VehicleFactOptions,
  ): Promise<StoredDays | undefined> {
    if (this.deps.rollups === undefined) return undefined;
    return { stored: await this.deps.rollups.storedDays(startsAt, endsAt, options) };
  }

  /**
   * The thresholds in force and the days of [startsAt, endsAt) stored as aggregates with them (undefined without
   * aggregates): what another reader of the vehicles' day facts (the reports) needs to read them as this one does.
   */
  async dayFacts(startsAt: number, endsAt: number): Promise<{ options: VehicleFactOptions; days?: StoredDays }> {
    const { options } = await this.thresholds();
    return { options, days: await this.storedDays(startsAt, endsAt, options) };
  }

  private scopeOf(principal: Principal, unit: string | undefined): { scope: string; area: string[] } {
    return assessedScope(this.deps.org, principal, unit);
  }

  /**
   * The rows behind one figure of a unit (the scope's totals), at most `limit`. The figure is the scope's total as
   * `forPrincipal` gives it, read from the one store it comes from: a vehicle figure never waits on the operational
   * store, an alarm, work-order or 查岗 figure never on the vehicle query.
   */
  async items(
    principal: Principal,
    query: AssessmentQuery & { indicator: AssessmentIndicatorId; limit: number },
  ): Promise<AssessmentItems> {
    const period = parsePeriod(query.from, query.to);
    const { scope, area } = this.scopeOf(principal, query.unit);
    const now = this.deps.now();
    const { options } = await this.thresholds();
    const fromVehicles = VEHICLE_INDICATORS.includes(query.indicator);
    const days = fromVehicles ? await this.storedDays(period.starts_at, period.ends_at, options) : undefined;
    const byOrg = await this.countsByOrg(area, period.starts_at, period.ends_at, now, options, days, {
      vehicles: fromVehicles,
      desks: !fromVehicles,
    });
    const { items, truncated } = await assessmentItems(
      { sql: this.deps.sql, facts: this.facts },
      {
        indicator: query.indicator,
        area,
        startsAt: period.starts_at,
        endsAt: period.ends_at,
        now,
        limit: query.limit,
      },
      // The thresholds the figure was computed with, so the items add up to it.
      options,
    );
    const scopeUnit = this.deps.org.get(scope)!;
    return {
      indicator: query.indicator,
      scope: { org_code: scopeUnit.code, name: scopeUnit.name, level: scopeUnit.level },
      period,
      figure: figuresOf(sumOf(byOrg, area))[query.indicator],
      items,
      truncated,
    };
  }

  /**
   * The counts of every org code of `area` in the period: the vehicles' (ClickHouse) and the centres' desks'
   * (the operational store), or only one of them.
   */
  private async countsByOrg(
    area: readonly string[],
    startsAt: number,
    endsAt: number,
    now: number,
    options: VehicleFactOptions,
    days: StoredDays | undefined,
    sources: { vehicles: boolean; desks: boolean },
  ): Promise<Map<string, IndicatorCounts>> {
    const none = new Map<string, IndicatorCounts>();
    const [vehicles, desks] = await Promise.all([
      sources.vehicles
        ? vehicleFacts(this.facts, { by: 'home_org_code', keys: area }, startsAt, endsAt, options, days)
        : none,
      sources.desks ? deskFacts(this.deps.sql, area, startsAt, endsAt, now) : none,
    ]);
    const byOrg = new Map<string, IndicatorCounts>();
    for (const source of [vehicles, desks])
      for (const [code, counts] of source) {
        let into = byOrg.get(code);
        if (into === undefined) byOrg.set(code, (into = zeroCounts()));
        addCounts(into, counts);
      }
    return byOrg;
  }

  async forPrincipal(principal: Principal, query: AssessmentQuery): Promise<AssessmentReport> {
    const { org } = this.deps;
    const period = parsePeriod(query.from, query.to);
    const { scope, area } = this.scopeOf(principal, query.unit);
    const rows =
      query.level === 'enterprise' || query.level === 'platform'
        ? []
        : this.rowsOf(principal.orgCode, scope, query.level);
    const now = this.deps.now();
    const { options, version } = await this.thresholds();
    const days = await this.storedDays(period.starts_at, period.ends_at, options);
    const byOrg = await this.countsByOrg(area, period.starts_at, period.ends_at, now, options, days, {
      vehicles: true,
      desks: true,
    });
    const viewed = new Set(org.viewedBy(principal.orgCode));
    const unitOf = (unit: OrgUnit, codes: readonly string[]): AssessmentUnit => ({
      org_code: unit.code,
      enterprise_id: null,
      name: unit.name,
      level: unit.level,
      directly_administered: unit.directlyAdministered,
      view_only: viewed.has(unit.code),
      figures: figuresOf(sumOf(byOrg, codes)),
    });
    const scopeUnit = org.get(scope)!;
    return {
      scope: { org_code: scopeUnit.code, name: scopeUnit.name, level: scopeUnit.level },
      period,
      level: query.level ?? 'children',
      generated_at: now,
      parameters: {
        config_version: version,
        track_gap_seconds: options.trackGapSeconds,
        track_gap_km: options.trackGapKm,
        overspeed_rules: [...options.overspeedRules],
        fatigue_rules: [...options.fatigueRules],
        drift_rules: [...options.driftRules],
      },
      indicators: [...ASSESSMENT_INDICATORS],
      totals: unitOf(scopeUnit, area),
      units:
        query.level === 'enterprise'
          ? await this.enterpriseRows(area, period.starts_at, period.ends_at, now, viewed, options, days)
          : query.level === 'platform'
            ? await this.platformRows(area, period.starts_at, period.ends_at, now, viewed, options)
            : rows.map((unit) => unitOf(unit, org.subtree(unit.code))),
    };
  }

  /**
   * One row per enterprise registered in a unit of `area`: its vehicles' figures wherever they are registered, the
   * alarm cases carrying it and the work orders addressed to it within `area`. Inspections are of centres, so an
   * enterprise's inspection_response_rate is null.
   */
  private async enterpriseRows(
    area: readonly string[],
    startsAt: number,
    endsAt: number,
    now: number,
    viewed: ReadonlySet<string>,
    options: VehicleFactOptions,
    days: StoredDays | undefined,
  ): Promise<AssessmentUnit[]> {
    const { org } = this.deps;
    const enterprises = await this.deps.sql.query<{ id: string; name: string; org_code: string }>(
      'SELECT id, name, org_code FROM enterprises WHERE org_code = ANY($1) ORDER BY id',
      [area],
    );
    const ids = enterprises.map((e) => e.id);
    const [vehicles, desks] = await Promise.all([
      vehicleFacts(this.facts, { by: 'enterprise_id', keys: ids }, startsAt, endsAt, options, days),
      deskFacts(this.deps.sql, area, startsAt, endsAt, now, ids),
    ]);
    return enterprises.map((enterprise): AssessmentUnit => {
      const counts = zeroCounts();
      for (const source of [vehicles, desks]) {
        const found = source.get(enterprise.id);
        if (found !== undefined) addCounts(counts, found);
      }
      const unit = org.get(enterprise.org_code);
      // Where the enterprise is registered in a 省直管县 the caller views, so is the enterprise's row.
      const inViewed = [...viewed].some((code) => org.covers(code, enterprise.org_code));
      return {
        org_code: enterprise.org_code,
        enterprise_id: enterprise.id,
        name: enterprise.name,
        level: unit?.level ?? 'county',
        directly_administered: false,
        view_only: inViewed,
        figures: figuresOf(counts),
      };
    });
  }

  /**
   * One row per JT/T 809 lower platform supervised by a unit of `area`: the vehicles it forwarded in the period or
   * in the PLATFORM_ROSTER_DAYS before it, wherever they are registered (always over days: which platform forwarded
   * a fix is a fact of the day rows), and the 查岗 sent to it over JT/T 809. Alarm cases and work orders are the
   * centres' and enterprises', not a platform's: those two figures are null.
   */
  private async platformRows(
    area: readonly string[],
    startsAt: number,
    endsAt: number,
    now: number,
    viewed: ReadonlySet<string>,
    options: VehicleFactOptions,
  ): Promise<AssessmentUnit[]> {
    const { org } = this.deps;
    const platforms = await this.deps.sql.query<{ access_code: string | number; name: string; org_code: string }>(
      'SELECT access_code, name, org_code FROM jt809_platforms WHERE org_code = ANY($1) ORDER BY access_code',
      [area],
    );
    const codes = platforms.map((p) => String(Number(p.access_code)));
    const rosterStartsAt = startsAt - PLATFORM_ROSTER_DAYS * 86_400_000;
    const days = (await this.storedDays(rosterStartsAt, endsAt, options)) ?? { stored: new Map<number, number>() };
    const [vehicles, inspections] = await Promise.all([
      vehicleFacts(this.facts, { by: 'platform', keys: codes }, startsAt, endsAt, options, days),
      platformInspections(this.deps.sql, codes, startsAt, endsAt, now),
    ]);
    return platforms.map((platform): AssessmentUnit => {
      const code = String(Number(platform.access_code));
      const counts = vehicles.get(code) ?? zeroCounts();
      counts.inspection_response_rate = inspections.get(code) ?? { numerator: 0, denominator: 0 };
      const unit = org.get(platform.org_code);
      return {
        org_code: platform.org_code,
        enterprise_id: null,
        access_code: Number(platform.access_code),
        name: platform.name,
        level: unit?.level ?? 'county',
        directly_administered: false,
        view_only: [...viewed].some((viewedCode) => org.covers(viewedCode, platform.org_code)),
        figures: figuresOf(counts),
      };
    });
  }

  /**
   * The listed units: the scope's children (and the 省直管县 the caller views, when the scope is the caller's own
   * unit), or every unit of `level` the scope sees. At city level a 省直管县 the province commands is listed beside
   * the cities, as the province's summary ranks it; at county level it is a county like the others.
   */
  private rowsOf(caller: string, scope: string, level: 'city' | 'county' | undefined): OrgUnit[] {
    const { org } = this.deps;
    const ownScope = scope === caller;
    if (level === undefined) return childRows(org, caller, scope);
    const scopeUnit = org.get(scope)!;
    if (level === 'city' && scopeUnit.level === 'county')
      throw new HttpError(400, 'bad_field', `level: the unit ${scope} is a county, it holds no city`, {
        field: 'level',
      });
    const area = ownScope ? org.viewSubtree(caller) : org.subtree(scope);
    const root = org.all().find((unit) => unit.parentCode === null)?.code;
    return area
      .map((code) => org.get(code)!)
      .filter((unit) =>
        level === 'city'
          ? unit.level === 'city' || (unit.directlyAdministered && unit.parentCode === root)
          : unit.level === 'county',
      )
      .sort((a, b) => a.code.localeCompare(b.code));
  }
}
