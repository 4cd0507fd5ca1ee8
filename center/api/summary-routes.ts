/**
 * `GET /api/summary`: the command-centre summary of the caller's scope, for the wall's tiles and ranking and for
 * anyone reading alarms and work orders. The scope comes from the token only: a city's wall token gives that
 * city's figures, an enterprise account its own enterprise's.
 */
import { READER_ROLES } from '../access/actor.js';
import type { CentreFlowsReader } from '../summary/centre-flows.js';
import type { CentreSummaries } from '../summary/centre-summary.js';
import type { CentreTrendsReader } from '../summary/centre-trends.js';
import type { Api } from './api-spec.js';

export function registerSummaryRoutes(
  api: Api,
  deps: { summaries: CentreSummaries; trends: CentreTrendsReader; flows?: CentreFlowsReader },
): void {
  api.define(
    {
      method: 'GET',
      path: '/api/summary',
      tag: 'summary',
      summary:
        "Today's figures of the caller's scope (Beijing day): alarms received and handled, handling rate, open and overdue work orders, monitored and online vehicles; per child unit (cities under the province, counties under a city) ranked by handling rate. Definitions: docs/command-centre.md",
      roles: READER_ROLES,
      returns:
        'CentreSummary: {scope, generated_at, day_start, online_window_minutes, totals: SummaryFigures, units: [SummaryUnit]}',
    },
    async (_ctx, principal) => ({ body: await deps.summaries.forPrincipal(principal) }),
  );
  api.define(
    {
      method: 'GET',
      path: '/api/summary/trends',
      tag: 'summary',
      summary:
        "The caller's scope over time, beside today's figures: alarms received and handled and work orders issued per Beijing day over the last 30 days (today last), and this month so far against the same days of last month. Definitions: docs/command-centre.md",
      roles: READER_ROLES,
      returns: 'CentreTrends: {scope, generated_at, days: [TrendDay], month: {this_month, last_month}}',
    },
    async (_ctx, principal) => ({ body: await deps.trends.forPrincipal(principal) }),
  );
  // Served only by a node with ClickHouse, where the counting and shipping sources are stored.
  const flows = deps.flows;
  if (flows === undefined) return;
  api.define(
    {
      method: 'GET',
      path: '/api/summary/flows',
      tag: 'summary',
      summary:
        "The counting and shipping sources of the caller's scope, for the wall: per traffic survey station its latest interval (vehicles per hour, heavy vehicles' share), per rail hub its latest interval and today's passengers, every vessel's latest AIS position in the last 30 minutes, every city bus's latest GTFS-Realtime position in the last 10 minutes, per bus route its average delay and bunched pairs, and every taxi's and ride-hailing car's latest position in the last 10 minutes (an enterprise: none). Definitions: docs/command-centre.md",
      roles: READER_ROLES,
      returns:
        'CentreFlows: {scope, generated_at, interval_window_minutes, vessel_window_minutes, roads: [RoadFlow], hubs: [HubFlow], vessels: [VesselMark], bus_window_minutes, bus_delay_window_minutes, bunching_distance_m, buses: [BusMark], bus_routes: [BusRouteIndicator], taxi_window_minutes, taxis: [TaxiMark], toll_window_minutes, tolls: [TollStationFlow]}',
    },
    async (_ctx, principal) => ({ body: await flows.forPrincipal(principal) }),
  );
}
