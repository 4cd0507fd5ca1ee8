/**
 * City buses of a scope for the wall's bus layer and its indicators, from the GTFS tables (schema/bus-tables.ts):
 * every bus where it was last heard, and per route its buses, its average delay and its bunched pairs. Formulas
 * (docs/command-centre.md):
 * - a route's delay: per trip, the arrival delay at the first stop (lowest stop_sequence) of its latest trip update
 *   within the delay window; the route's average delay is the mean over its trips;
 * - bunching: two buses of one route and direction whose latest positions lie closer than `bunchingDistanceM`
 *   (great-circle) are a bunched pair; each such pair counts once.
 * A position or trip update that names no route takes its trip's route from GTFS static (gtfs_trips); a route's name
 * comes from gtfs_routes. Every query is filtered to the caller's area on `org_code`, like the rest of the summary.
 */
import {
  clickHouseInstant,
  greatCircleKm,
  quoteString,
  type BusMark,
  type BusRouteIndicator,
} from '../../schema/index.js';
import { rowObjects, type Analytics } from '../../store/index.js';

const MINUTE_MS = 60_000;

export interface CentreBusesOptions {
  /** A bus not heard for this long leaves the map. */
  busWindowMinutes: number;
  /** A trip update older than this does not count towards its route's delay. */
  delayWindowMinutes: number;
  /** Two buses of a route and direction closer than this are bunched, metres. */
  bunchingDistanceM: number;
  busesMax: number;
  tripsMax: number;
  routesMax: number;
}

export const CENTRE_BUSES_DEFAULTS: CentreBusesOptions = {
  // GTFS-Realtime feeds refresh every 10-30 s; a bus silent for 10 minutes is off service or out of coverage.
  busWindowMinutes: 10,
  delayWindowMinutes: 30,
  // About one city block, well under a normal headway's spacing (5 minutes at 20 km/h is some 1.7 km).
  bunchingDistanceM: 300,
  busesMax: 10_000,
  tripsMax: 20_000,
  routesMax: 500,
};

export interface CentreBuses {
  buses: BusMark[];
  routes: BusRouteIndicator[];
}

const pairKey = (feedOrg: string, id: string): string => `${feedOrg}\u0000${id}`;

interface TripDelay {
  feedOrg: string;
  tripId: string;
  routeId: string;
  delayS: number;
}

export class CentreBusesReader {
  constructor(
    private readonly analytics: Pick<Analytics, 'queryInternal'>,
    private readonly options: CentreBusesOptions = CENTRE_BUSES_DEFAULTS,
  ) {}

  async read(area: readonly string[], now: number): Promise<CentreBuses> {
    if (area.length === 0) return { buses: [], routes: [] };
    const codes = area.map(quoteString).join(', ');
    const [positions, delays] = await Promise.all([this.positions(codes, now), this.delays(codes, now)]);
    // Trips whose route the feed left out, and then every route's name, from GTFS static.
    const tripsWithoutRoute = new Map<string, [string, string]>();
    for (const p of positions)
      if (p.route_id === '' && p.trip_id !== '')
        tripsWithoutRoute.set(pairKey(p.feed_org, p.trip_id), [p.feed_org, p.trip_id]);
    for (const d of delays)
      if (d.routeId === '') tripsWithoutRoute.set(pairKey(d.feedOrg, d.tripId), [d.feedOrg, d.tripId]);
    const tripRoutes = await this.lookup('gtfs_trips', 'trip_id', 'route_id', tripsWithoutRoute.values());
    const routeOf = (feedOrg: string, routeId: string, tripId: string): string =>
      routeId !== '' ? routeId : (tripRoutes.get(pairKey(feedOrg, tripId)) ?? '');
    const buses = positions.map((p) => ({ ...p, route_id: routeOf(p.feed_org, p.route_id, p.trip_id) }));
    const trips = delays.map((d) => ({ ...d, routeId: routeOf(d.feedOrg, d.routeId, d.tripId) }));
    const routeIds = new Map<string, [string, string]>();
    for (const b of buses)
      if (b.route_id !== '') routeIds.set(pairKey(b.feed_org, b.route_id), [b.feed_org, b.route_id]);
    for (const t of trips) if (t.routeId !== '') routeIds.set(pairKey(t.feedOrg, t.routeId), [t.feedOrg, t.routeId]);
    const names = await this.lookup(
      'gtfs_routes',
      'route_id',
      "if(short_name != '', short_name, long_name)",
      routeIds.values(),
    );
    const marks = buses.map((b) => ({ ...b, route_name: names.get(pairKey(b.feed_org, b.route_id)) ?? '' }));
    const pairs = this.bunchedPairs(marks);
    return { buses: marks, routes: this.indicators(marks, trips, pairs, names) };
  }

  private async positions(codes: string, now: number): Promise<(Omit<BusMark, 'route_name'> & { trip_id: string })[]> {
    const from = clickHouseInstant(now - this.options.busWindowMinutes * MINUTE_MS);
    // Where each bus was last heard; one that left the scope leaves its map at once.
    const sql = `
SELECT feed_org, vehicle_id, argMax(label, ts) AS label_, argMax(route_id, ts) AS route_id_,
       argMax(trip_id, ts) AS trip_id_, argMax(direction_id, ts) AS direction_id_,
       toUnixTimestamp64Milli(max(ts)) AS ts_ms, argMax(lat, ts) AS lat_, argMax(lon, ts) AS lon_,
       argMax(bearing_deg, ts) AS bearing_, argMax(speed_kmh, ts) AS speed_, argMax(org_code, ts) AS org_code_
FROM bus_positions
WHERE ts >= ${from} AND (feed_org, vehicle_id) IN (
  SELECT feed_org, vehicle_id FROM bus_positions WHERE ts >= ${from} AND org_code IN (${codes}))
GROUP BY feed_org, vehicle_id
HAVING org_code_ IN (${codes})
ORDER BY feed_org, vehicle_id
LIMIT ${this.options.busesMax}`;
    const result = await this.analytics.queryInternal(sql, { rowsMax: this.options.busesMax });
    return rowObjects(result).map((row) => ({
      feed_org: String(row.feed_org),
      vehicle_id: String(row.vehicle_id),
      label: String(row.label_),
      route_id: String(row.route_id_),
      trip_id: String(row.trip_id_),
      direction_id: Number(row.direction_id_),
      ts: Number(row.ts_ms),
      lat: Number(row.lat_),
      lon: Number(row.lon_),
      bearing_deg: Number(row.bearing_),
      speed_kmh: Number(row.speed_),
      org_code: String(row.org_code_),
      bunched: false,
    }));
  }

  private async delays(codes: string, now: number): Promise<TripDelay[]> {
    const from = clickHouseInstant(now - this.options.delayWindowMinutes * MINUTE_MS);
    const sql = `
SELECT feed_org, trip_id, any(route_id) AS route_id_, argMin(arrival_delay_s, (stop_sequence, stop_id)) AS delay_
FROM bus_stop_delays FINAL
WHERE ts >= ${from} AND org_code IN (${codes}) AND (feed_org, trip_id, ts) IN (
  SELECT feed_org, trip_id, max(ts) FROM bus_stop_delays
  WHERE ts >= ${from} AND org_code IN (${codes}) GROUP BY feed_org, trip_id)
GROUP BY feed_org, trip_id
ORDER BY feed_org, trip_id
LIMIT ${this.options.tripsMax}`;
    const result = await this.analytics.queryInternal(sql, { rowsMax: this.options.tripsMax });
    return rowObjects(result).map((row) => ({
      feedOrg: String(row.feed_org),
      tripId: String(row.trip_id),
      routeId: String(row.route_id_),
      delayS: Number(row.delay_),
    }));
  }

  /** A GTFS static table's `value` by (org_code, id) for the pairs asked, the latest upload's. */
  private async lookup(
    table: 'gtfs_trips' | 'gtfs_routes',
    idColumn: string,
    value: string,
    pairs: Iterable<[string, string]>,
  ): Promise<Map<string, string>> {
    const wanted = new Set<string>();
    const orgs = new Set<string>();
    const ids = new Set<string>();
    for (const [org, id] of pairs) {
      wanted.add(pairKey(org, id));
      orgs.add(org);
      ids.add(id);
    }
    const found = new Map<string, string>();
    if (wanted.size === 0) return found;
    // The units and the ids as two lists rather than one list of pairs: a city's thousands of trips stay well
    // inside the server's query size; the few pairs not asked for are dropped below.
    const sql = `SELECT org_code, ${idColumn} AS id_, ${value} AS value_ FROM ${table} FINAL
WHERE org_code IN (${[...orgs].map(quoteString).join(', ')}) AND ${idColumn} IN (${[...ids].map(quoteString).join(', ')})`;
    const result = await this.analytics.queryInternal(sql, { rowsMax: this.options.tripsMax * orgs.size });
    for (const row of rowObjects(result)) {
      const key = pairKey(String(row.org_code), String(row.id_));
      if (wanted.has(key)) found.set(key, String(row.value_));
    }
    return found;
  }

  /** Bunched pairs per route, marking each bus in one; buses without a route or direction cannot be compared. */
  private bunchedPairs(marks: BusMark[]): Map<string, number> {
    const groups = new Map<string, BusMark[]>();
    for (const mark of marks) {
      if (mark.route_id === '') continue;
      const key = `${pairKey(mark.feed_org, mark.route_id)}\u0000${mark.direction_id}`;
      const group = groups.get(key) ?? [];
      group.push(mark);
      groups.set(key, group);
    }
    const pairs = new Map<string, number>();
    const limitKm = this.options.bunchingDistanceM / 1000;
    for (const group of groups.values()) {
      for (const [i, a] of group.entries()) {
        for (const b of group.slice(i + 1)) {
          if (greatCircleKm([a.lon, a.lat], [b.lon, b.lat]) >= limitKm) continue;
          a.bunched = true;
          b.bunched = true;
          const route = pairKey(a.feed_org, a.route_id);
          pairs.set(route, (pairs.get(route) ?? 0) + 1);
        }
      }
    }
    return pairs;
  }

  private indicators(
    marks: readonly BusMark[],
    trips: readonly TripDelay[],
    pairs: ReadonlyMap<string, number>,
    names: ReadonlyMap<string, string>,
  ): BusRouteIndicator[] {
    const routes = new Map<string, BusRouteIndicator & { delaySum: number }>();
    const routeOf = (feedOrg: string, routeId: string) => {
      const key = pairKey(feedOrg, routeId);
      let route = routes.get(key);
      if (route === undefined) {
        route = {
          feed_org: feedOrg,
          route_id: routeId,
          route_name: names.get(key) ?? '',
          buses: 0,
          trips_reporting: 0,
          average_delay_s: null,
          bunched_pairs: pairs.get(key) ?? 0,
          delaySum: 0,
        };
        routes.set(key, route);
      }
      return route;
    };
    for (const mark of marks) if (mark.route_id !== '') routeOf(mark.feed_org, mark.route_id).buses++;
    for (const trip of trips) {
      if (trip.routeId === '') continue;
      const route = routeOf(trip.feedOrg, trip.routeId);
      route.trips_reporting++;
      route.delaySum += trip.delayS;
    }
    return [...routes.values()]
      .map(({ delaySum, ...route }) => ({
        ...route,
        average_delay_s: route.trips_reporting === 0 ? null : Math.round(delaySum / route.trips_reporting),
      }))
      .sort(
        (a, b) =>
          b.bunched_pairs - a.bunched_pairs ||
          (b.average_delay_s ?? -Infinity) - (a.average_delay_s ?? -Infinity) ||
          a.route_id.localeCompare(b.route_id),
      )
      .slice(0, this.options.routesMax);
  }
}
