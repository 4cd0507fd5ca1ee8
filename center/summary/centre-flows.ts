/**
 * The counting, shipping, toll, bus and taxi sources of a scope, for the wall's road, rail and toll panels and its
 * vessel, bus and taxi layers: per traffic survey station its latest counted interval (vehicles per hour, heavy
 * vehicles' share), per rail hub its latest interval and its Beijing day so far, per toll station its entries, exits
 * and overweight trucks of the last hour, every vessel's latest AIS position in a recent window, every bus's latest
 * GTFS-Realtime position with its route's delay and bunching (centre-buses.ts), and every taxi's and ride-hailing
 * car's latest position (centre-taxis.ts). Read from ClickHouse with bounded windows and row limits; every query is
 * filtered to the caller's view of the org tree, like the rest of the summary. A scope's answer is reused for
 * `cacheMs`: survey stations report every few minutes at most, and every wall of a centre asks for the same one.
 */
import {
  clickHouseInstant,
  quoteString,
  type CentreFlows,
  type HubFlow,
  type RoadFlow,
  type TollStationFlow,
  type VesselMark,
} from '../../schema/index.js';
import { rowObjects, type Analytics } from '../../store/index.js';
import type { Clock } from '../access/actor.js';
import type { Principal } from '../auth/accounts.js';
import { shanghaiDayStart } from '../hub/today-counts.js';
import type { OrgDirectory } from '../org/org-directory.js';
import { CentreBusesReader, CENTRE_BUSES_DEFAULTS, type CentreBusesOptions } from './centre-buses.js';
import type { CentreSummaries } from './centre-summary.js';
import { CentreTaxisReader, CENTRE_TAXIS_DEFAULTS, type CentreTaxisOptions } from './centre-taxis.js';

const MINUTE_MS = 60_000;

/**
 * The survey's vehicle classes by name (交通量调查 车型分类), and the heavy ones among them: large and extra-large
 * trucks and container trucks, the vehicles whose share a supervisor watches on a trunk road. A class sent as a
 * bare code is not counted on either side, since codes differ between survey systems.
 */
export const SURVEY_CLASS_NAMES = [
  '中小客车',
  '小型货车',
  '中型货车',
  '大客车',
  '大型货车',
  '特大型货车',
  '集装箱车',
  '摩托车',
  '拖拉机',
] as const;
export const HEAVY_CLASS_NAMES = ['大型货车', '特大型货车', '集装箱车'] as const;

export interface CentreFlowsOptions {
  /** A station's or hub's interval older than this is not shown as its latest. */
  intervalWindowMinutes: number;
  /** A vessel not heard for this long leaves the map. */
  vesselWindowMinutes: number;
  /** Toll stations count entries, exits and overweight trucks over this window. */
  tollWindowMinutes: number;
  /** Rows kept per list, the busiest first (vessels: by MMSI). */
  roadsMax: number;
  hubsMax: number;
  vesselsMax: number;
  tollStationsMax: number;
  cacheMs: number;
  scopesMax: number;
}

export const CENTRE_FLOWS_DEFAULTS: CentreFlowsOptions = {
  // Survey stations report every 5 to 60 minutes, often a little late.
  intervalWindowMinutes: 120,
  // A class A vessel reports every few seconds under way and every 3 minutes at anchor.
  vesselWindowMinutes: 30,
  // A supervisor reads a station's last hour: enough journeys to compare stations, recent enough to act on.
  tollWindowMinutes: 60,
  roadsMax: 200,
  hubsMax: 50,
  vesselsMax: 2_000,
  tollStationsMax: 200,
  cacheMs: 10_000,
  scopesMax: 2_000,
};

export interface CentreFlowsDeps {
  analytics: Pick<Analytics, 'queryInternal'>;
  org: OrgDirectory;
  now: Clock;
  summaries: CentreSummaries;
}

export class CentreFlowsReader {
  private readonly cache = new Map<string, { at: number; flows: CentreFlows }>();
  private readonly buses: CentreBusesReader;
  private readonly taxis: CentreTaxisReader;

  constructor(
    private readonly deps: CentreFlowsDeps,
    private readonly options: CentreFlowsOptions = CENTRE_FLOWS_DEFAULTS,
    private readonly busOptions: CentreBusesOptions = CENTRE_BUSES_DEFAULTS,
    taxiOptions: CentreTaxisOptions = CENTRE_TAXIS_DEFAULTS,
  ) {
    this.buses = new CentreBusesReader(deps.analytics, busOptions);
    this.taxis = new CentreTaxisReader(deps.analytics, taxiOptions);
  }

  async forPrincipal(principal: Principal): Promise<CentreFlows> {
    const now = this.deps.now();
    // Roads, hubs and waterways belong to divisions, not to an enterprise: an enterprise sees none of them.
    const enterprise = principal.role === 'enterprise';
    const key = enterprise ? 'enterprise' : `o:${principal.orgCode}`;
    const cached = this.cache.get(key);
    if (cached !== undefined && now - cached.at < this.options.cacheMs && now >= cached.at) {
      return { ...cached.flows, scope: this.deps.summaries.scopeOf(principal) };
    }
    const area = enterprise ? [] : this.deps.org.viewSubtree(principal.orgCode);
    const buses = await this.buses.read(area, now);
    const flows: CentreFlows = {
      scope: this.deps.summaries.scopeOf(principal),
      generated_at: now,
      interval_window_minutes: this.options.intervalWindowMinutes,
      vessel_window_minutes: this.options.vesselWindowMinutes,
      roads: area.length === 0 ? [] : await this.roads(area, now),
      hubs: area.length === 0 ? [] : await this.hubs(area, now),
      vessels: area.length === 0 ? [] : await this.vessels(area, now),
      bus_window_minutes: this.busOptions.busWindowMinutes,
      bus_delay_window_minutes: this.busOptions.delayWindowMinutes,
      bunching_distance_m: this.busOptions.bunchingDistanceM,
      buses: buses.buses,
      bus_routes: buses.routes,
      taxi_window_minutes: this.taxis.options.taxiWindowMinutes,
      taxis: await this.taxis.read(area, now),
      toll_window_minutes: this.options.tollWindowMinutes,
      tolls: area.length === 0 ? [] : await this.tolls(area, now),
    };
    this.cache.delete(key);
    this.cache.set(key, { at: now, flows });
    for (const oldest of this.cache.keys()) {
      if (this.cache.size <= this.options.scopesMax) break;
      this.cache.delete(oldest);
    }
    return flows;
  }

  private async roads(area: readonly string[], now: number): Promise<RoadFlow[]> {
    const codes = area.map(quoteString).join(', ');
    const from = clickHouseInstant(now - this.options.intervalWindowMinutes * MINUTE_MS);
    const names = (list: readonly string[]) => list.map(quoteString).join(', ');
    // The latest interval of each station; per direction and class, the whole-direction row (lane 0) when the
    // station sent one, else its lanes' sum, so a station sending both is not counted twice.
    const sql = `
SELECT station_id, any(name) AS station_name_, any(route) AS road_, any(org) AS org_code_,
       toUnixTimestamp64Milli(interval_start) AS interval_start_ms, max(minutes) AS interval_minutes_,
       sum(counted) AS volume_,
       sumIf(counted, vehicle_class IN (${names(HEAVY_CLASS_NAMES)})) AS heavy_,
       sumIf(counted, vehicle_class IN (${names(SURVEY_CLASS_NAMES)})) AS classified_
FROM (
  SELECT station_id, any(station_name) AS name, any(road) AS route, any(org_code) AS org,
         interval_start, direction, vehicle_class, max(interval_minutes) AS minutes,
         if(countIf(lane = 0) > 0, sumIf(volume, lane = 0), sumIf(volume, lane > 0)) AS counted
  FROM traffic_counts FINAL
  WHERE org_code IN (${codes}) AND interval_start >= ${from}
    AND (station_id, interval_start) IN (
      SELECT station_id, max(interval_start) FROM traffic_counts
      WHERE org_code IN (${codes}) AND interval_start >= ${from} GROUP BY station_id)
  GROUP BY station_id, interval_start, direction, vehicle_class
)
GROUP BY station_id, interval_start
ORDER BY volume_ * 60 / interval_minutes_ DESC, station_id
LIMIT ${this.options.roadsMax}`;
    const result = await this.deps.analytics.queryInternal(sql, { rowsMax: this.options.roadsMax });
    return rowObjects(result).map((row) => {
      const minutes = Number(row.interval_minutes_);
      const classified = Number(row.classified_);
      return {
        road: String(row.road_),
        station_id: String(row.station_id),
        station_name: String(row.station_name_),
        org_code: String(row.org_code_),
        interval_start: Number(row.interval_start_ms),
        interval_minutes: minutes,
        vehicles_per_hour: Math.round((Number(row.volume_) * 60) / minutes),
        heavy_share: classified === 0 ? null : Number(row.heavy_) / classified,
      };
    });
  }

  private async hubs(area: readonly string[], now: number): Promise<HubFlow[]> {
    const codes = area.map(quoteString).join(', ');
    const windowStart = now - this.options.intervalWindowMinutes * MINUTE_MS;
    const dayStart = shanghaiDayStart(now);
    const sql = `
SELECT station_id, argMax(station_name, interval_start) AS station_name_, argMax(org_code, interval_start) AS org_code_,
       toUnixTimestamp64Milli(max(interval_start)) AS interval_start_ms,
       argMax(interval_minutes, interval_start) AS interval_minutes_,
       argMax(arrivals, interval_start) AS arrivals_, argMax(departures, interval_start) AS departures_,
       sumIf(arrivals, interval_start >= ${clickHouseInstant(dayStart)}) AS arrivals_today_,
       sumIf(departures, interval_start >= ${clickHouseInstant(dayStart)}) AS departures_today_
FROM rail_flows FINAL
WHERE org_code IN (${codes}) AND interval_start >= ${clickHouseInstant(Math.min(windowStart, dayStart))}
GROUP BY station_id
HAVING max(interval_start) >= ${clickHouseInstant(windowStart)}
ORDER BY arrivals_ + departures_ DESC, station_id
LIMIT ${this.options.hubsMax}`;
    const result = await this.deps.analytics.queryInternal(sql, { rowsMax: this.options.hubsMax });
    return rowObjects(result).map((row) => ({
      station_id: String(row.station_id),
      station_name: String(row.station_name_),
      org_code: String(row.org_code_),
      interval_start: Number(row.interval_start_ms),
      interval_minutes: Number(row.interval_minutes_),
      arrivals: Number(row.arrivals_),
      departures: Number(row.departures_),
      arrivals_today: Number(row.arrivals_today_),
      departures_today: Number(row.departures_today_),
    }));
  }

  /**
   * Per toll station of the scope: transactions that entered there and that left there within the window (the entry
   * filed under the entry station's county, the exit under the exit's), and the `overload` alarms its lanes' weighings
   * raised (the alarm's `site` is the station, `weighed_by` toll).
   */
  private async tolls(area: readonly string[], now: number): Promise<TollStationFlow[]> {
    const codes = area.map(quoteString).join(', ');
    const from = clickHouseInstant(now - this.options.tollWindowMinutes * MINUTE_MS);
    const limit = this.options.tollStationsMax;
    const sql = `
SELECT station_id, argMax(name, ts) AS station_name_, argMax(org, ts) AS org_code_,
       sum(entry) AS entries_, sum(1 - entry) AS exits_
FROM (
  SELECT entry_station_id AS station_id, entry_station_name AS name, entry_org_code AS org, entry_time AS ts, 1 AS entry
  FROM toll_transactions FINAL WHERE entry_org_code IN (${codes}) AND entry_time >= ${from}
  UNION ALL
  SELECT exit_station_id, exit_station_name, org_code, exit_time, 0
  FROM toll_transactions FINAL WHERE org_code IN (${codes}) AND exit_time >= ${from}
)
GROUP BY station_id
ORDER BY entries_ + exits_ DESC, station_id
LIMIT ${limit}`;
    const stations = rowObjects(await this.deps.analytics.queryInternal(sql, { rowsMax: limit }));
    if (stations.length === 0) return [];
    const overweight = rowObjects(
      await this.deps.analytics.queryInternal(
        `
SELECT JSONExtractString(details, 'site') AS station_id, count() AS alarms_
FROM alarms FINAL
WHERE rule = 'overload' AND org_code IN (${codes}) AND started_at >= ${from}
  AND JSONExtractString(details, 'weighed_by') = 'toll'
GROUP BY station_id`,
        { rowsMax: 10_000 },
      ),
    );
    const overweightOf = new Map(overweight.map((row) => [String(row.station_id), Number(row.alarms_)]));
    return stations.map((row) => ({
      station_id: String(row.station_id),
      station_name: String(row.station_name_),
      org_code: String(row.org_code_),
      entries: Number(row.entries_),
      exits: Number(row.exits_),
      overweight: overweightOf.get(String(row.station_id)) ?? 0,
    }));
  }

  private async vessels(area: readonly string[], now: number): Promise<VesselMark[]> {
    const codes = area.map(quoteString).join(', ');
    const from = clickHouseInstant(now - this.options.vesselWindowMinutes * MINUTE_MS);
    // Where each vessel was last heard; one that sailed out of the scope leaves its map at once. Its name comes from
    // its voyage data, stored under the receiving key's unit (a type 5 message has no position).
    const inScope = `SELECT mmsi FROM vessel_positions WHERE ts >= ${from} AND org_code IN (${codes})`;
    const sql = `
SELECT p.mmsi AS mmsi_, p.ts_ms, p.lat_, p.lon_, p.speed_knots_, p.course_deg_, p.org_code_, v.name AS name_
FROM (
  SELECT mmsi, toUnixTimestamp64Milli(max(ts)) AS ts_ms, argMax(lat, ts) AS lat_, argMax(lon, ts) AS lon_,
         argMax(speed_knots, ts) AS speed_knots_, argMax(course_deg, ts) AS course_deg_,
         argMax(org_code, ts) AS org_code_
  FROM vessel_positions
  WHERE ts >= ${from} AND mmsi IN (${inScope})
  GROUP BY mmsi
  HAVING org_code_ IN (${codes})
) AS p
LEFT JOIN (
  SELECT mmsi, argMax(name, ts) AS name FROM vessel_voyages
  WHERE ts >= ${clickHouseInstant(now - 24 * 60 * MINUTE_MS)} AND mmsi IN (${inScope}) GROUP BY mmsi
) AS v ON v.mmsi = p.mmsi
ORDER BY mmsi_
LIMIT ${this.options.vesselsMax}`;
    const result = await this.deps.analytics.queryInternal(sql, { rowsMax: this.options.vesselsMax });
    return rowObjects(result).map((row) => ({
      mmsi: Number(row.mmsi_),
      name: String(row.name_ ?? '').trim(),
      ts: Number(row.ts_ms),
      lat: Number(row.lat_),
      lon: Number(row.lon_),
      speed_knots: Number(row.speed_knots_),
      course_deg: Number(row.course_deg_),
      org_code: String(row.org_code_),
    }));
  }
}
