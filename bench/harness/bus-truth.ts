/**
 * A replayed directory's city buses checked against the generator's truth (fixtures/generator/bus-feeds.ts,
 * `bus-labels.ndjson`), by SQL on the node that took them:
 *   - the stored rows: the GTFS static rows (routes, stops, trips) the operators' zips hold, one `bus_positions` row
 *     per vehicle position and one `bus_stop_delays` row per stop time update the snapshots carry (FINAL);
 *   - every trip's stored delay: the delay its label gives, at every update, from the label's first snapshot to its
 *     last, and no trip stored that the truth does not have;
 *   - the wall's bus indicators, read by the code behind `GET /api/summary/flows` (CentreBusesReader) at the last
 *     snapshot: every bus of that snapshot, each bunched exactly when the truth has it in a bunched pair then, and per
 *     route the trips reporting within the delay window, their average delay and the bunched pairs the truth gives.
 * The summary itself answers for the wall's "now"; reading the same code at the data's last snapshot lets a replay
 * of any past day be checked.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import GtfsRealtimeBindings from 'gtfs-realtime-bindings';
import { CentreBusesReader, CENTRE_BUSES_DEFAULTS } from '../../center/index.js';
import type { BusLabel, GeneratedManifest } from '../../fixtures/generator/index.js';
import type { QueryResultTable } from '../../store/index.js';

const rt = GtfsRealtimeBindings.transit_realtime;
const MINUTE_MS = 60_000;
const MISMATCHES_KEPT = 10;

/** Runs one SELECT on the node (the analysts' SQL endpoint) and answers its columns and rows. */
export type SqlTable = (sql: string) => Promise<QueryResultTable>;

export interface BusRowsSent {
  static_rows: number;
  positions: number;
  stop_delays: number;
}

export interface BusTruthChecks extends BusRowsSent {
  static_rows_stored: number;
  position_rows: number;
  stop_delay_rows: number;
  trips_labelled: number;
  /** Labelled trips stored with the label's delay at every update, from its first snapshot to its last. */
  trips_matching: number;
  /** Trips stored that no label has. */
  trips_unlabelled: number;
  /** The last snapshot (epoch ms), when the wall's indicators are read. */
  wall_at: number;
  wall_buses: number;
  wall_buses_expected: number;
  wall_bunched_matching: boolean;
  wall_routes_matching: boolean;
  /** Everything above as the truth has it. */
  holds: boolean;
  /** The first few differences, to say what went wrong. */
  mismatches: string[];
}

/** What the directory's feeds carry: timetable rows, vehicle positions and stop time updates. */
export function busRowsSent(dir: string, manifest: GeneratedManifest): BusRowsSent {
  const sent: BusRowsSent = { static_rows: 0, positions: 0, stop_delays: 0 };
  for (const feed of manifest.buses?.feeds ?? []) {
    sent.static_rows += feed.static_rows;
    for (const name of readdirSync(path.join(dir, feed.realtime))) {
      if (!/^\d+\.pb$/.test(name)) continue;
      const message = rt.FeedMessage.decode(readFileSync(path.join(dir, feed.realtime, name)));
      for (const e of message.entity) {
        if (e.vehicle) sent.positions++;
        sent.stop_delays += e.tripUpdate?.stopTimeUpdate?.length ?? 0;
      }
    }
  }
  return sent;
}

export function readBusLabels(dir: string, manifest: GeneratedManifest): BusLabel[] {
  if (manifest.buses === undefined) return [];
  return readFileSync(path.join(dir, manifest.buses.labels), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as BusLabel);
}

async function count(sql: SqlTable, statement: string): Promise<number> {
  return Number((await sql(statement)).rows[0][0]);
}

/** The stored rows of the buses, waiting (within `waitMs`) for them to reach what was sent. */
export async function busRows(
  sql: SqlTable,
  sent: BusRowsSent,
  waitMs: number,
): Promise<{ static_rows_stored: number; position_rows: number; stop_delay_rows: number }> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const rows = {
      static_rows_stored: await count(
        sql,
        'SELECT (SELECT count() FROM gtfs_routes FINAL) + (SELECT count() FROM gtfs_stops FINAL) + (SELECT count() FROM gtfs_trips FINAL)',
      ),
      position_rows: await count(sql, 'SELECT count() FROM bus_positions FINAL'),
      stop_delay_rows: await count(sql, 'SELECT count() FROM bus_stop_delays FINAL'),
    };
    const reached =
      rows.static_rows_stored === sent.static_rows &&
      rows.position_rows === sent.positions &&
      rows.stop_delay_rows === sent.stop_delays;
    if (reached || Date.now() > deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

const tripKey = (feedOrg: string, tripId: string): string => `${feedOrg}/${tripId}`;

/** Each stored trip against its label: the same delay at every update, over the label's snapshots exactly. */
async function checkTripDelays(
  sql: SqlTable,
  labels: readonly BusLabel[],
  mismatches: string[],
): Promise<{ trips_labelled: number; trips_matching: number; trips_unlabelled: number }> {
  const result = await sql(
    `SELECT feed_org, trip_id, any(route_id), min(arrival_delay_s), max(arrival_delay_s),
            toUnixTimestamp64Milli(min(ts)), toUnixTimestamp64Milli(max(ts))
     FROM bus_stop_delays FINAL GROUP BY feed_org, trip_id`,
  );
  if (result.truncated) throw new Error('the stored bus trips are more than one SQL answer holds');
  const stored = new Map(
    result.rows.map(([org, trip, route, minDelay, maxDelay, first, last]) => [
      tripKey(String(org), String(trip)),
      {
        route: String(route),
        minDelay: Number(minDelay),
        maxDelay: Number(maxDelay),
        first: Number(first),
        last: Number(last),
      },
    ]),
  );
  const trips = labels.filter((l) => l.indicator === 'bus_delay');
  let matching = 0;
  for (const label of trips) {
    const key = tripKey(label.feed_org, label.trip_id!);
    const s = stored.get(key);
    const ok =
      s !== undefined &&
      s.route === label.route_id &&
      s.minDelay === label.delay_s &&
      s.maxDelay === label.delay_s &&
      s.first === label.start &&
      s.last === label.end;
    if (ok) matching++;
    else if (mismatches.length < MISMATCHES_KEPT)
      mismatches.push(`trip ${key}: truth ${JSON.stringify(label)}, stored ${JSON.stringify(s ?? null)}`);
    stored.delete(key);
  }
  for (const key of [...stored.keys()].slice(0, Math.max(0, MISMATCHES_KEPT - mismatches.length)))
    mismatches.push(`trip ${key} stored, not in the truth`);
  return { trips_labelled: trips.length, trips_matching: matching, trips_unlabelled: stored.size };
}

interface RouteFigures {
  key: string;
  buses: number;
  trips_reporting: number;
  average_delay_s: number | null;
  bunched_pairs: number;
}

/** The wall's indicators at the last snapshot, read by its own code, against what the truth says they are then. */
async function checkWall(
  sql: SqlTable,
  labels: readonly BusLabel[],
  mismatches: string[],
): Promise<
  Pick<
    BusTruthChecks,
    'wall_at' | 'wall_buses' | 'wall_buses_expected' | 'wall_bunched_matching' | 'wall_routes_matching'
  >
> {
  const options = CENTRE_BUSES_DEFAULTS;
  const at = Math.max(...labels.map((l) => l.end));
  const area = new Set<string>();
  for (const table of ['bus_positions', 'bus_stop_delays'])
    for (const [code] of (await sql(`SELECT DISTINCT org_code FROM ${table}`)).rows) area.add(String(code));
  const reader = new CentreBusesReader({ queryInternal: (statement) => sql(statement) }, options);
  const wall = await reader.read([...area].sort(), at);

  const bunchedThen = labels.filter((l) => l.indicator === 'bus_bunching' && l.start <= at && l.end >= at);
  const bunchedIds = new Set(bunchedThen.flatMap((l) => l.vehicle_ids));
  const heardFrom = at - options.busWindowMinutes * MINUTE_MS;
  const delayFrom = at - options.delayWindowMinutes * MINUTE_MS;
  const delays = labels.filter((l) => l.indicator === 'bus_delay');
  const busesThen = new Map<string, string>();
  for (const l of delays)
    if (l.end >= heardFrom && l.start <= at)
      for (const v of l.vehicle_ids) busesThen.set(v, `${l.feed_org}/${l.route_id}`);

  let bunchedMatching = wall.buses.length === busesThen.size;
  for (const bus of wall.buses) {
    if (bus.bunched === bunchedIds.has(bus.vehicle_id) && busesThen.has(bus.vehicle_id)) continue;
    bunchedMatching = false;
    if (mismatches.length < MISMATCHES_KEPT)
      mismatches.push(
        `wall bus ${bus.feed_org}/${bus.vehicle_id} bunched ${bus.bunched}, truth ${bunchedIds.has(bus.vehicle_id)}`,
      );
  }

  const routeKeys = [...new Set(delays.map((l) => `${l.feed_org}/${l.route_id}`))].sort();
  const expected: RouteFigures[] = routeKeys
    .map((key) => {
      const trips = delays.filter((l) => `${l.feed_org}/${l.route_id}` === key && l.end >= delayFrom && l.start <= at);
      return {
        key,
        buses: [...busesThen.values()].filter((route) => route === key).length,
        trips_reporting: trips.length,
        average_delay_s:
          trips.length === 0 ? null : Math.round(trips.reduce((s, t) => s + t.delay_s!, 0) / trips.length),
        bunched_pairs: bunchedThen.filter((l) => `${l.feed_org}/${l.route_id}` === key).length,
      };
    })
    .filter((r) => r.buses > 0 || r.trips_reporting > 0);
  const shown: RouteFigures[] = wall.routes
    .map((r) => ({
      key: `${r.feed_org}/${r.route_id}`,
      buses: r.buses,
      trips_reporting: r.trips_reporting,
      average_delay_s: r.average_delay_s,
      bunched_pairs: r.bunched_pairs,
    }))
    .sort((a, b) => a.key.localeCompare(b.key));
  const routesMatching = JSON.stringify(shown) === JSON.stringify(expected);
  if (!routesMatching && mismatches.length < MISMATCHES_KEPT)
    mismatches.push(`wall routes ${JSON.stringify(shown)}, truth ${JSON.stringify(expected)}`);
  return {
    wall_at: at,
    wall_buses: wall.buses.length,
    wall_buses_expected: busesThen.size,
    wall_bunched_matching: bunchedMatching,
    wall_routes_matching: routesMatching,
  };
}

/**
 * The whole check, for a node that has taken every feed of the directory (null when the directory has no buses).
 * `waitMs` bounds the wait for the last rows to reach ClickHouse.
 */
export async function checkBusTruth(
  sql: SqlTable,
  dir: string,
  manifest: GeneratedManifest,
  waitMs: number,
): Promise<BusTruthChecks | null> {
  if ((manifest.buses?.feeds ?? []).length === 0) return null;
  const sent = busRowsSent(dir, manifest);
  const labels = readBusLabels(dir, manifest);
  const rows = await busRows(sql, sent, waitMs);
  const mismatches: string[] = [];
  const trips = await checkTripDelays(sql, labels, mismatches);
  const wall = await checkWall(sql, labels, mismatches);
  const holds =
    rows.static_rows_stored === sent.static_rows &&
    rows.position_rows === sent.positions &&
    rows.stop_delay_rows === sent.stop_delays &&
    trips.trips_matching === trips.trips_labelled &&
    trips.trips_unlabelled === 0 &&
    wall.wall_buses === wall.wall_buses_expected &&
    wall.wall_bunched_matching &&
    wall.wall_routes_matching;
  return { ...sent, ...rows, ...trips, ...wall, holds, mismatches };
}
