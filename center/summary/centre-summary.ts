/**
 * The command-centre summary of a caller's scope: today's alarms and how many were handled, open and overdue
 * work orders, monitored and online vehicles; in total and per child unit for the ranking by handling rate.
 * Definitions are in docs/command-centre.md ("The summary"); the wire shape is `CentreSummary` in schema/.
 *
 * Every query groups by org code over the scope's subtree and the totals and child units are rolled up here from
 * those few hundred rows at most, so one round trip per table serves the province and a county alike.
 */
import type { CentreSummary, SummaryFigures, SummaryUnit } from '../../schema/index.js';
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
type Counts = Pick<
  SummaryFigures,
  | 'alarms_received'
  | 'alarms_handled'
  | 'work_orders_open'
  | 'work_orders_overdue'
  | 'vehicles_monitored'
  | 'vehicles_online'
>;
const COUNT_KEYS: readonly (keyof Counts)[] = [
  'alarms_received',
  'alarms_handled',
  'work_orders_open',
  'work_orders_overdue',
  'vehicles_monitored',
  'vehicles_online',
];

interface VehicleFigures {
  computedAt: number;
  monitoredByOrg: Map<string, number>;
  onlineByOrg: Map<string, number>;
  onlineByEnterprise: Map<string, number>;
}

function zeroCounts(): Counts {
  return {
    alarms_received: 0,
    alarms_handled: 0,
    work_orders_open: 0,
    work_orders_overdue: 0,
    vehicles_monitored: 0,
    vehicles_online: 0,
  };
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
    const scope = principal.orgCode;
    const byOrg = await this.countsByOrg(this.deps.org.subtree(scope), now, dayStart);
    const totals = zeroCounts();
    const children = this.deps.org.all().filter((unit) => unit.parentCode === scope);
    const perChild = new Map<string, Counts>(children.map((unit) => [unit.code, zeroCounts()]));
    for (const [code, counts] of byOrg) {
      if (!this.deps.org.covers(scope, code)) continue;
      const child = perChild.get(this.childUnder(scope, code));
      for (const key of COUNT_KEYS) {
        totals[key] += counts[key];
        if (child !== undefined) child[key] += counts[key];
      }
    }
    const self = this.deps.org.get(scope);
    // A county has no child units: its ranking is itself.
    const unitCounts = children.length > 0 ? perChild : new Map([[scope, totals]]);
    const units = rankUnits(
      [...unitCounts].map(([code, counts]) => {
        const unit = this.deps.org.get(code);
        return { org_code: code, name: unit?.name ?? code, level: unit?.level ?? 'county', ...figuresOf(counts) };
      }),
    );
    return {
      scope: { kind: 'org', org_code: scope, name: self?.name ?? scope, enterprise_id: null },
      generated_at: now,
      day_start: dayStart,
      online_window_minutes: onlineWindowMinutes,
      totals: figuresOf(totals),
      units,
    };
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
    counts.vehicles_online =
      enterpriseId === '' ? 0 : ((await this.vehicles(now)).onlineByEnterprise.get(enterpriseId) ?? 0);
    return {
      scope: {
        kind: 'enterprise',
        org_code: principal.orgCode,
        name: this.deps.org.get(principal.orgCode)?.name ?? principal.orgCode,
        enterprise_id: principal.enterpriseId,
      },
      generated_at: now,
      day_start: dayStart,
      online_window_minutes: onlineWindowMinutes,
      totals: figuresOf(counts),
      units: [],
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
    const onlineByOrg = new Map<string, number>();
    const onlineByEnterprise = new Map<string, number>();
    const online = this.deps.online;
    if (online !== undefined) {
      const onlineSince = now - online.options.onlineWindowMs;
      for (const vehicle of online.recent(now)) {
        const registered = this.deps.vehicleOf?.(vehicle.terminalId, vehicle.plate);
        const home =
          registered !== undefined && this.deps.org.get(registered.home_org_code) !== undefined
            ? registered.home_org_code
            : null;
        const unit = home ?? online.countyOf(vehicle);
        const isOnline = vehicle.heardAtMs >= onlineSince;
        if (isOnline && registered !== undefined && registered.enterprise_id !== '') {
          onlineByEnterprise.set(registered.enterprise_id, (onlineByEnterprise.get(registered.enterprise_id) ?? 0) + 1);
        }
        if (this.deps.org.get(unit) === undefined) continue;
        if (home === null) monitoredByOrg.set(unit, (monitoredByOrg.get(unit) ?? 0) + 1);
        if (isOnline) onlineByOrg.set(unit, (onlineByOrg.get(unit) ?? 0) + 1);
      }
    }
    this.vehicleFigures = { computedAt: now, monitoredByOrg, onlineByOrg, onlineByEnterprise };
    return this.vehicleFigures;
  }
}
