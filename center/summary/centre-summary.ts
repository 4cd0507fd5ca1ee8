/**
 * The command-centre summary of a caller's scope: today's alarms and how many were handled, open and overdue
 * work orders, monitored and online vehicles; in total and per child unit for the ranking by handling rate.
 * Definitions are in docs/command-centre.md ("The summary"); the wire shape is `CentreSummary` in schema/.
 *
 * Every query groups by org code over the scope's subtree and the totals and child units are rolled up here from
 * those few hundred rows at most, so one round trip per table serves the province and a county alike.
 */
import type { CentreSummary, SummaryDepartment, SummaryFigures, SummaryUnit } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import type { Clock } from '../access/actor.js';
import type { Principal } from '../auth/accounts.js';
import { shanghaiDayStart } from '../hub/today-counts.js';
import type { OrgDirectory } from '../org/org-directory.js';
import type { OnlineVehicles } from './online-vehicles.js';

const DAY_MS = 86_400_000;

export interface CentreSummaryOptions {
  /** The vehicles' figures (a pass over every heard vehicle) are reused for this long by every caller. */
  vehicleFiguresCacheMs: number;
  /** The registry's vehicle counts per home unit are re-read from PostgreSQL at most this often. */
  registeredCacheMs: number;
}

export const CENTRE_SUMMARY_DEFAULTS: CentreSummaryOptions = {
  vehicleFiguresCacheMs: 5_000,
  registeredCacheMs: 60_000,
};

/** What the registry says about a vehicle: its home county and its enterprise ('' when unknown). */
export interface RegisteredVehicle {
  home_org_code: string;
  enterprise_id: string;
}

export interface CentreSummaryDeps {
  sql: Sql;
  org: OrgDirectory;
  now: Clock;
  /** Vehicles heard lately; without it every vehicle figure is 0. */
  online?: OnlineVehicles;
  vehicleOf?(terminalId: string, plate: string): RegisteredVehicle | undefined;
}

/** Counts per org code, before they are rolled up to the scope and its child units. */
type Counts = Omit<SummaryFigures, 'handling_rate' | 'online_rate'>;
const COUNT_KEYS: readonly (keyof Counts)[] = [
  'alarms_received',
  'alarms_handled',
  'work_orders_open',
  'work_orders_overdue',
  'vehicles_monitored',
  'vehicles_online',
  'vehicles_in_area',
  'vehicles_in_area_online',
];

/** A vehicle is on the map while its latest fix is at most this old (the feed's wall draws no older ones). */
export const ON_MAP_WINDOW_MS = 24 * 3_600_000;

interface VehicleFigures {
  computedAt: number;
  monitoredByOrg: Map<string, number>;
  onlineByOrg: Map<string, number>;
  onlineByEnterprise: Map<string, number>;
  /** Where vehicles are (the county of their latest fix): on the map, and online by fix time. */
  inAreaByOrg: Map<string, number>;
  inAreaOnlineByOrg: Map<string, number>;
  inAreaByEnterprise: Map<string, number>;
  inAreaOnlineByEnterprise: Map<string, number>;
}

function zeroCounts(): Counts {
  return Object.fromEntries(COUNT_KEYS.map((key) => [key, 0])) as Counts;
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

export function figuresOf(counts: Counts): SummaryFigures {
  return {
    ...counts,
    handling_rate: ratio(counts.alarms_handled, counts.alarms_received),
    online_rate: ratio(counts.vehicles_online, counts.vehicles_monitored),
  };
}

/** Highest handling rate first; units with nothing received today last; ties by more alarms, then by code. */
export function rankUnits(units: SummaryUnit[]): SummaryUnit[] {
  return units.sort((a, b) => {
    if (a.handling_rate === null || b.handling_rate === null) {
      if (a.handling_rate !== b.handling_rate) return a.handling_rate === null ? 1 : -1;
    } else if (a.handling_rate !== b.handling_rate) {
      return b.handling_rate - a.handling_rate;
    }
    return b.alarms_received - a.alarms_received || a.org_code.localeCompare(b.org_code);
  });
}

function add(into: Map<string, Counts>, code: string, key: keyof Counts, value: number): void {
  let counts = into.get(code);
  if (counts === undefined) into.set(code, (counts = zeroCounts()));
  counts[key] += value;
}

export class CentreSummaries {
  private vehicleFigures: VehicleFigures | null = null;
  private registered: { readAt: number; byHome: Map<string, number> } | null = null;

  constructor(
    private readonly deps: CentreSummaryDeps,
    private readonly options: CentreSummaryOptions = CENTRE_SUMMARY_DEFAULTS,
  ) {}

  async forPrincipal(principal: Principal): Promise<CentreSummary> {
    const now = this.deps.now();
    const dayStart = shanghaiDayStart(now);
    const onlineWindowMinutes = Math.round((this.deps.online?.options.onlineWindowMs ?? 0) / 60_000);
    if (principal.role === 'enterprise') return this.forEnterprise(principal, now, dayStart, onlineWindowMinutes);
    const { org } = this.deps;
    const scope = principal.orgCode;
    const byOrg = await this.countsByOrg(org.viewSubtree(scope), now, dayStart);
    const totals = zeroCounts();
    // The units the scope commands, then the 省直管县 it only views: each row sums its own command subtree.
    const rows = [...org.childrenOf(scope).map((unit) => unit.code), ...org.viewedBy(scope)];
    const perRow = new Map<string, Counts>(rows.map((code) => [code, zeroCounts()]));
    for (const [code, counts] of byOrg) {
      if (!org.sees(scope, code)) continue;
      const row = perRow.get(this.rowOf(scope, code));
      for (const key of COUNT_KEYS) {
        totals[key] += counts[key];
        if (row !== undefined) row[key] += counts[key];
      }
    }
    // A county has no child units: its ranking is itself.
    const unitCounts = rows.length > 0 ? perRow : new Map([[scope, totals]]);
    const viewed = new Set(org.viewedBy(scope));
    const units = rankUnits(
      [...unitCounts].map(([code, counts]) => {
        const unit = org.get(code);
        return {
          org_code: code,
          name: unit?.name ?? code,
          level: unit?.level ?? 'county',
          directly_administered: unit?.directlyAdministered ?? false,
          view_only: viewed.has(code),
          ...figuresOf(counts),
        };
      }),
    );
    return {
      scope: this.scopeOf(principal),
      generated_at: now,
      day_start: dayStart,
      online_window_minutes: onlineWindowMinutes,
      totals: figuresOf(totals),
      units,
      departments: await this.departments(scope, now, dayStart),
    };
  }

  /** Whose figures these are: the caller's unit, or its enterprise. */
  scopeOf(principal: Principal): CentreSummary['scope'] {
    const unit = this.deps.org.get(principal.orgCode);
    return {
      kind: principal.role === 'enterprise' ? 'enterprise' : 'org',
      org_code: principal.orgCode,
      name: unit?.name ?? principal.orgCode,
      level: unit?.level ?? 'county',
      directly_administered: unit?.directlyAdministered ?? false,
      enterprise_id: principal.role === 'enterprise' ? principal.enterpriseId : null,
    };
  }

  /**
   * The ranking row a code counts in: the unit directly under `scope` on the way up the command tree, or the viewed
   * 省直管县 it lies in; `scope` itself for the scope's own items.
   */
  private rowOf(scope: string, code: string): string {
    const viewed = this.deps.org.viewedBy(scope).find((unit) => this.deps.org.covers(unit, code));
    return viewed ?? this.childUnder(scope, code);
  }

  /** The scope unit's own desks: today's alarms and the open orders routed to each of its departments. */
  private async departments(scope: string, now: number, dayStart: number): Promise<SummaryDepartment[]> {
    const desks = await this.deps.sql.query<{ code: string; name: string }>(
      'SELECT code, name FROM departments WHERE org_code = $1 ORDER BY created_at, code',
      [scope],
    );
    const alarms = await this.deps.sql.query<{ department: string; received: number; handled: number }>(
      `SELECT department, count(*)::int AS received, count(*) FILTER (WHERE state <> 'new')::int AS handled
         FROM alarm_cases WHERE org_code = $1 AND received_at >= $2 AND received_at < $3 GROUP BY department`,
      [scope, new Date(dayStart), new Date(dayStart + DAY_MS)],
    );
    const orders = await this.deps.sql.query<{ department: string; open: number; overdue: number }>(
      `SELECT department, count(*)::int AS open, count(*) FILTER (WHERE overdue OR deadline_at <= $2)::int AS overdue
         FROM work_orders WHERE org_code = $1 AND state <> 'accepted' GROUP BY department`,
      [scope, new Date(now)],
    );
    const alarmsOf = new Map(alarms.map((row) => [row.department, row]));
    const ordersOf = new Map(orders.map((row) => [row.department, row]));
    const ranked = desks.map((desk): SummaryDepartment => {
      const received = Number(alarmsOf.get(desk.code)?.received ?? 0);
      const handled = Number(alarmsOf.get(desk.code)?.handled ?? 0);
      return {
        code: desk.code,
        name: desk.name,
        alarms_received: received,
        alarms_handled: handled,
        handling_rate: ratio(handled, received),
        work_orders_open: Number(ordersOf.get(desk.code)?.open ?? 0),
        work_orders_overdue: Number(ordersOf.get(desk.code)?.overdue ?? 0),
      };
    });
    return ranked.sort((a, b) => {
      if (a.handling_rate === null || b.handling_rate === null) {
        if (a.handling_rate !== b.handling_rate) return a.handling_rate === null ? 1 : -1;
      } else if (a.handling_rate !== b.handling_rate) return b.handling_rate - a.handling_rate;
      return b.alarms_received - a.alarms_received || a.code.localeCompare(b.code);
    });
  }

  /** The unit directly under `scope` on the way up from `code` (`scope` itself for its own items). */
  private childUnder(scope: string, code: string): string {
    let at = code;
    for (
      let parent = this.deps.org.parentOf(at);
      parent !== null && parent !== scope;
      parent = this.deps.org.parentOf(at)
    )
      at = parent;
    return at;
  }

  private async forEnterprise(
    principal: Principal,
    now: number,
    dayStart: number,
    onlineWindowMinutes: number,
  ): Promise<CentreSummary> {
    const enterpriseId = principal.enterpriseId ?? '';
    const counts = zeroCounts();
    const [alarms] = await this.deps.sql.query<{ received: number; handled: number }>(
      `SELECT count(*)::int AS received, count(*) FILTER (WHERE state <> 'new')::int AS handled
         FROM alarm_cases WHERE enterprise_id = $1 AND received_at >= $2 AND received_at < $3`,
      [enterpriseId, new Date(dayStart), new Date(dayStart + DAY_MS)],
    );
    const [orders] = await this.deps.sql.query<{ open: number; overdue: number }>(
      `SELECT count(*)::int AS open, count(*) FILTER (WHERE overdue OR deadline_at <= $2)::int AS overdue
         FROM work_orders WHERE enterprise_id = $1 AND state <> 'accepted'`,
      [enterpriseId, new Date(now)],
    );
    const [vehicles] = await this.deps.sql.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM vehicles WHERE enterprise_id = $1',
      [enterpriseId],
    );
    counts.alarms_received = Number(alarms.received);
    counts.alarms_handled = Number(alarms.handled);
    counts.work_orders_open = Number(orders.open);
    counts.work_orders_overdue = Number(orders.overdue);
    counts.vehicles_monitored = enterpriseId === '' ? 0 : Number(vehicles.n);
    const figures = await this.vehicles(now);
    counts.vehicles_online = enterpriseId === '' ? 0 : (figures.onlineByEnterprise.get(enterpriseId) ?? 0);
    counts.vehicles_in_area = enterpriseId === '' ? 0 : (figures.inAreaByEnterprise.get(enterpriseId) ?? 0);
    counts.vehicles_in_area_online =
      enterpriseId === '' ? 0 : (figures.inAreaOnlineByEnterprise.get(enterpriseId) ?? 0);
    return {
      scope: this.scopeOf(principal),
      generated_at: now,
      day_start: dayStart,
      online_window_minutes: onlineWindowMinutes,
      totals: figuresOf(counts),
      units: [],
      departments: [],
    };
  }

  /** Every count of the subtree, per org code. */
  private async countsByOrg(subtree: string[], now: number, dayStart: number): Promise<Map<string, Counts>> {
    const byOrg = new Map<string, Counts>();
    // (org_code, received_at) index: one range per unit of the subtree, only today's rows are read.
    const alarms = await this.deps.sql.query<{ org_code: string; received: number; handled: number }>(
      `SELECT org_code, count(*)::int AS received, count(*) FILTER (WHERE state <> 'new')::int AS handled
         FROM alarm_cases WHERE org_code = ANY($1) AND received_at >= $2 AND received_at < $3 GROUP BY org_code`,
      [subtree, new Date(dayStart), new Date(dayStart + DAY_MS)],
    );
    for (const row of alarms) {
      add(byOrg, row.org_code, 'alarms_received', Number(row.received));
      add(byOrg, row.org_code, 'alarms_handled', Number(row.handled));
    }
    // Partial index on open orders: accepted ones, the bulk of the history, are never read.
    const orders = await this.deps.sql.query<{ org_code: string; open: number; overdue: number }>(
      `SELECT org_code, count(*)::int AS open, count(*) FILTER (WHERE overdue OR deadline_at <= $2)::int AS overdue
         FROM work_orders WHERE org_code = ANY($1) AND state <> 'accepted' GROUP BY org_code`,
      [subtree, new Date(now)],
    );
    for (const row of orders) {
      add(byOrg, row.org_code, 'work_orders_open', Number(row.open));
      add(byOrg, row.org_code, 'work_orders_overdue', Number(row.overdue));
    }
    const vehicles = await this.vehicles(now);
    for (const [code, n] of vehicles.monitoredByOrg) add(byOrg, code, 'vehicles_monitored', n);
    for (const [code, n] of vehicles.onlineByOrg) add(byOrg, code, 'vehicles_online', n);
    for (const [code, n] of vehicles.inAreaByOrg) add(byOrg, code, 'vehicles_in_area', n);
    for (const [code, n] of vehicles.inAreaOnlineByOrg) add(byOrg, code, 'vehicles_in_area_online', n);
    return byOrg;
  }

  private async registeredByHome(now: number): Promise<Map<string, number>> {
    if (
      this.registered !== null &&
      now - this.registered.readAt < this.options.registeredCacheMs &&
      now >= this.registered.readAt
    )
      return this.registered.byHome;
    const rows = await this.deps.sql.query<{ home_org_code: string; n: number }>(
      'SELECT home_org_code, count(*)::int AS n FROM vehicles GROUP BY home_org_code',
    );
    this.registered = { readAt: now, byHome: new Map(rows.map((r) => [r.home_org_code, Number(r.n)])) };
    return this.registered.byHome;
  }

  /**
   * Monitored and online vehicles per unit. A registered vehicle belongs to its home unit; one the registry does
   * not know (or whose home is not a unit) to the county where it was last seen, and counts as monitored only
   * while it was heard in the last 24 h.
   */
  private async vehicles(now: number): Promise<VehicleFigures> {
    const cached = this.vehicleFigures;
    if (cached !== null && now - cached.computedAt < this.options.vehicleFiguresCacheMs && now >= cached.computedAt)
      return cached;
    const monitoredByOrg = new Map<string, number>();
    for (const [home, n] of await this.registeredByHome(now))
      if (this.deps.org.get(home) !== undefined) monitoredByOrg.set(home, n);
    const figures: VehicleFigures = {
      computedAt: now,
      monitoredByOrg,
      onlineByOrg: new Map(),
      onlineByEnterprise: new Map(),
      inAreaByOrg: new Map(),
      inAreaOnlineByOrg: new Map(),
      inAreaByEnterprise: new Map(),
      inAreaOnlineByEnterprise: new Map(),
    };
    const online = this.deps.online;
    if (online !== undefined) {
      const onlineSince = now - online.options.onlineWindowMs;
      const onMapSince = now - ON_MAP_WINDOW_MS;
      // Positions outside every county are the province's, as the feed scopes them.
      const root = this.deps.org.all().find((unit) => unit.parentCode === null)?.code ?? '';
      for (const vehicle of online.recent(now)) {
        const registered = this.deps.vehicleOf?.(vehicle.terminalId, vehicle.plate);
        const enterprise = registered?.enterprise_id ?? '';
        const home =
          registered !== undefined && this.deps.org.get(registered.home_org_code) !== undefined
            ? registered.home_org_code
            : null;
        const county = online.countyOf(vehicle);
        const where = this.deps.org.get(county) !== undefined ? county : root;
        if (vehicle.fixAtMs >= onMapSince) {
          bump(figures.inAreaByOrg, where);
          if (enterprise !== '') bump(figures.inAreaByEnterprise, enterprise);
          if (vehicle.fixAtMs >= onlineSince) {
            bump(figures.inAreaOnlineByOrg, where);
            if (enterprise !== '') bump(figures.inAreaOnlineByEnterprise, enterprise);
          }
        }
        const unit = home ?? county;
        const isOnline = vehicle.heardAtMs >= onlineSince;
        if (isOnline && enterprise !== '') bump(figures.onlineByEnterprise, enterprise);
        if (this.deps.org.get(unit) === undefined) continue;
        if (home === null) bump(monitoredByOrg, unit);
        if (isOnline) bump(figures.onlineByOrg, unit);
      }
    }
    this.vehicleFigures = figures;
    return figures;
  }
}
