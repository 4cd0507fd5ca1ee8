/**
 * The command-centre summary (`GET /api/summary`): the headline figures of the caller's scope for today and, per
 * child unit, the same figures for the ranking by handling rate. Shared by the server and the wall; the
 * definitions of every figure are in docs/command-centre.md ("The summary").
 */

export interface SummaryFigures {
  /** Alarm cases the centres received today (Beijing day) in the scope. */
  alarms_received: number;
  /** Of those, the ones no longer `new`: acknowledged, dispatched, dismissed or closed. */
  alarms_handled: number;
  /** alarms_handled ÷ alarms_received, 0…1; null when nothing was received today. */
  handling_rate: number | null;
  /** Work orders assigned in the scope and not yet accepted (办结). */
  work_orders_open: number;
  /** Of the open ones, those past their deadline (限时办结). */
  work_orders_overdue: number;
  /** Registered vehicles of the scope plus unregistered ones heard in the scope in the last 24 h. */
  vehicles_monitored: number;
  /** Of the monitored ones, those heard in the last `online_window_minutes`. */
  vehicles_online: number;
  /** vehicles_online ÷ vehicles_monitored, 0…1; null when no vehicle is monitored. */
  online_rate: number | null;
  /**
   * Vehicles on the wall's map: those whose latest fix (device time) is at most 24 h old and lies in the scope's
   * area (the county of that fix is in the scope's view); an enterprise: its own vehicles wherever they are.
   */
  vehicles_in_area: number;
  /** Of those, the ones whose latest fix is at most `online_window_minutes` old: the map's bright dots. */
  vehicles_in_area_online: number;
}

export interface SummaryUnit extends SummaryFigures {
  org_code: string;
  name: string;
  level: 'province' | 'city' | 'county';
  /** A 省直管县 (directly administered county). */
  directly_administered: boolean;
  /** Shown to the scope read-only: a 省直管县 its city may view but the province commands. */
  view_only: boolean;
}

/** A department's desk of the scope's own unit: what a county's wall ranks, having no units below it. */
export interface SummaryDepartment {
  code: string;
  name: string;
  alarms_received: number;
  alarms_handled: number;
  handling_rate: number | null;
  work_orders_open: number;
  work_orders_overdue: number;
}

export interface CentreSummary {
  scope: {
    /** `org`: a unit's subtree; `enterprise`: one enterprise's alarms, orders and vehicles. */
    kind: 'org' | 'enterprise';
    org_code: string;
    name: string;
    /** The scope unit's level; a 省直管县 is a county commanded by the province. */
    level: 'province' | 'city' | 'county';
    directly_administered: boolean;
    enterprise_id: string | null;
  };
  /** Server time of the figures, epoch ms. */
  generated_at: number;
  /** Start of today in Beijing time (UTC+8), epoch ms: "today" is [day_start, day_start + 24 h). */
  day_start: number;
  online_window_minutes: number;
  totals: SummaryFigures;
  /**
   * The units the scope commands directly (under the province: the cities and the 省直管县; under a city: its
   * counties, then the 省直管县 it may view, marked `view_only`; a county has itself only), ranked by handling rate,
   * highest first; units that received no alarm today come last. Empty for enterprise accounts.
   */
  units: SummaryUnit[];
  /** The scope unit's own departments (its desks), ranked like the units; empty for enterprise accounts. */
  departments: SummaryDepartment[];
}

/** One Beijing day of a scope's history: what the centres received and handled that day. */
export interface TrendDay {
  /** Start of the day in Beijing time, epoch ms. */
  day_start: number;
  alarms_received: number;
  alarms_handled: number;
  handling_rate: number | null;
  work_orders_issued: number;
}

/** A span of days and its figures, for the month-on-month comparison. */
export interface TrendPeriod {
  /** [from, to) in epoch ms, Beijing days. */
  from: number;
  to: number;
  alarms_received: number;
  alarms_handled: number;
  handling_rate: number | null;
  work_orders_issued: number;
  work_orders_accepted: number;
}

/**
 * The scope's history beside today's figures (`GET /api/summary/trends`): the last 30 Beijing days, today last and
 * still running, and this month so far against the same days of last month. Same definitions as the summary.
 */
export interface CentreTrends {
  scope: CentreSummary['scope'];
  generated_at: number;
  /** 30 days, oldest first; the last is today (partial). */
  days: TrendDay[];
  /** The 1st of this month to the end of today, and the same days of last month (clamped to its length). */
  month: { this_month: TrendPeriod; last_month: TrendPeriod };
}

/** One traffic survey station's latest counted interval (`GET /api/summary/flows`). */
export interface RoadFlow {
  road: string;
  station_id: string;
  station_name: string;
  org_code: string;
  interval_start: number;
  interval_minutes: number;
  /** Vehicles counted in the interval, both directions, scaled to an hour. */
  vehicles_per_hour: number;
  /** Heavy vehicles' share of the counted vehicles whose class is a survey class name; null when none is. */
  heavy_share: number | null;
}

/** One rail hub's latest interval and its Beijing day so far. */
export interface HubFlow {
  station_id: string;
  station_name: string;
  org_code: string;
  interval_start: number;
  interval_minutes: number;
  arrivals: number;
  departures: number;
  arrivals_today: number;
  departures_today: number;
}

/** One toll station's traffic over the toll window (`GET /api/summary/flows`): journeys begun and ended there. */
export interface TollStationFlow {
  station_id: string;
  station_name: string;
  /** Division the station stands in (of its latest transaction). */
  org_code: string;
  /** Transactions whose entry was here within the window. */
  entries: number;
  /** Transactions whose exit (where the toll was charged) was here within the window. */
  exits: number;
  /** `overload` alarms raised from this station's lane weighings within the window. */
  overweight: number;
}

/** A vessel's latest AIS position within the window. */
export interface VesselMark {
  mmsi: number;
  name: string;
  ts: number;
  lat: number;
  lon: number;
  speed_knots: number;
  course_deg: number;
  org_code: string;
}

/** A city bus's latest GTFS-Realtime position within the window, with its route as the timetable names it. */
export interface BusMark {
  /** Org unit of the feed; vehicle and route ids are the feed's own. */
  feed_org: string;
  vehicle_id: string;
  label: string;
  route_id: string;
  /** The route's short name from GTFS static (else its long name), '' when the route is not in the timetable. */
  route_name: string;
  direction_id: number;
  ts: number;
  lat: number;
  lon: number;
  bearing_deg: number;
  speed_kmh: number;
  org_code: string;
  /** Within the bunching distance of another bus of its route and direction (docs/command-centre.md). */
  bunched: boolean;
}

/**
 * A taxi's or ride-hailing car's latest position (`taxi_position`) within the window: the wall's taxi layer. The plate
 * identifies it across companies; its division is that of its latest fix.
 */
export interface TaxiMark {
  plate: string;
  /** 'taxi' (巡游出租车) or 'ride_hailing' (网约车). */
  service: string;
  company_id: string;
  ts: number;
  lat: number;
  lon: number;
  speed_kmh: number;
  heading_deg: number;
  /** hired (载客), dispatched (接单), vacant (空驶), off (停运), or '' when the platform did not say. */
  biz_state: string;
  org_code: string;
}

/** One bus route's indicators: buses running, average delay, bunched pairs (docs/command-centre.md). */
export interface BusRouteIndicator {
  feed_org: string;
  route_id: string;
  route_name: string;
  /** Buses of the route on the map (heard within the bus window). */
  buses: number;
  /** Trips of the route with a trip update within the delay window. */
  trips_reporting: number;
  /** Mean over those trips of the delay at the first stop of their latest update, seconds; null without trips. */
  average_delay_s: number | null;
  /** Pairs of the route's buses, same direction, closer than the bunching distance. */
  bunched_pairs: number;
}

/**
 * The counting and shipping sources of the caller's scope (`GET /api/summary/flows`): road flow per survey
 * station, passenger flow per rail hub, and vessels where they were last heard. Definitions: docs/command-centre.md.
 */
export interface CentreFlows {
  scope: CentreSummary['scope'];
  generated_at: number;
  /** Intervals older than this are not "latest" any more, minutes. */
  interval_window_minutes: number;
  /** A vessel not heard for this long leaves the map, minutes. */
  vessel_window_minutes: number;
  roads: RoadFlow[];
  hubs: HubFlow[];
  vessels: VesselMark[];
  /** A bus not heard for this long leaves the map, minutes. */
  bus_window_minutes: number;
  /** Trip updates older than this do not count towards a route's delay, minutes. */
  bus_delay_window_minutes: number;
  /** Two buses of a route and direction closer than this are bunched, metres. */
  bunching_distance_m: number;
  buses: BusMark[];
  /** Routes with a bus on the map or a trip reporting delays: the most bunched first, then the most late. */
  bus_routes: BusRouteIndicator[];
  /** A taxi or ride-hailing car not heard for this long leaves the map, minutes. */
  taxi_window_minutes: number;
  /** Every taxi and ride-hailing car of the scope where it was last heard, by plate. */
  taxis: TaxiMark[];
  /** Toll stations count entries, exits and overweight trucks over this many minutes. */
  toll_window_minutes: number;
  /** Toll stations with a transaction in the window, the busiest first. */
  tolls: TollStationFlow[];
}
