/**
 * The demo's counting, shipping and bus sources, posted through the node's own HTTP ingestion like the sample's
 * roadside records: expressway toll transactions of 40 registered six-axle trucks going round five stations around
 * Zhengzhou (one journey in fifteen weighed over its limit at the entry lane, so `overload` shows toll data on the
 * wall; once an hour one truck's plate entering far from where it just left, `cloned_plate`), traffic survey counts
 * every 5 minutes, rail hub passenger flows every 15 minutes (each also for the interval that ended as the demo
 * started), three cargo ships on the Shaying river near Zhoukou
 * reporting by AIS every minute (their voyage data every 30), and two Zhengzhou bus routes' GTFS-Realtime feed every
 * 20 seconds (demo-buses.ts). Records are built by `flowRecordsAt` and `busFeedAt`, pure functions of the demo time
 * and a seed, so a test checks them against the ingestion without a node. A toll transaction is posted once its exit
 * is reached, and every journey begins after the demo's start.
 */
import type { Logger } from '../../schema/index.js';
import { encodePosition, encodeVoyage, toSentences } from '../../ingest/index.js';
import { Random, mixSeed } from '../../fixtures/generator/index.js';
import { busFeedAt, busTimetable } from './demo-buses.js';
import type { DemoClock } from './demo-clock.js';

export const FLOW_KINDS = ['toll', 'traffic_count', 'rail_flow', 'ais'] as const;
export type FlowKind = (typeof FLOW_KINDS)[number];
export type FlowRecords = Record<FlowKind, Record<string, unknown>[]>;

const MINUTE_MS = 60_000;
/** Seconds between two of the bus operator's GTFS-Realtime feeds (operators refresh every 10–30 s). */
const BUS_FEED_EVERY_S = 20;
/** One journey in this many is weighed over its limit. */
const OVERWEIGHT_EVERY = 15;
/** Registered trucks making the toll journeys, and their rest at a station between two. */
const TOLL_TRUCKS = 40;
const TRUCK_REST_MINUTES = 20;
/** Road distance over the straight line, and the trucks' mean speed, for a trip's duration. */
const ROAD_FACTOR = 1.3;
const TRUCK_SPEED_KMH = 75;

const STATIONS = [
  { id: 'DEMO-S-ZZDONG', name: '郑州东站', lat: 34.76, lon: 113.77 },
  { id: 'DEMO-S-KAIFENG', name: '开封站', lat: 34.8, lon: 114.35 },
  { id: 'DEMO-S-XINXIANG', name: '新乡站', lat: 35.3, lon: 113.93 },
  { id: 'DEMO-S-XUCHANG', name: '许昌站', lat: 34.03, lon: 113.85 },
  { id: 'DEMO-S-ZHONGMOU', name: '中牟站', lat: 34.72, lon: 114.02 },
] as const;

const SURVEY_STATIONS = [
  { id: 'DEMO-JD-G107-XINZHENG', name: '新郑观测站', road: 'G107', lat: 34.4, lon: 113.74, base: 260 },
  { id: 'DEMO-JD-G310-ZHONGMOU', name: '中牟观测站', road: 'G310', lat: 34.72, lon: 114.0, base: 180 },
  { id: 'DEMO-JD-S312-XINGYANG', name: '荥阳观测站', road: 'S312', lat: 34.79, lon: 113.38, base: 120 },
] as const;
const SURVEY_CLASSES = [
  { name: '中小客车', share: 0.7, speedKmh: 62 },
  { name: '大型货车', share: 0.3, speedKmh: 52 },
] as const;

const RAIL_HUBS = [
  { id: 'ZAF', name: '郑州东', lat: 34.76, lon: 113.778, base: 9000 },
  { id: 'ZZF', name: '郑州', lat: 34.746, lon: 113.658, base: 5000 },
  { id: 'LLF', name: '洛阳龙门', lat: 34.593, lon: 112.458, base: 2500 },
] as const;

/** Three cargo ships working the Shaying river east of Zhoukou, between these longitudes. */
const RIVER = { lat: 33.62, lonWest: 114.55, lonEast: 114.85 };
const VESSELS = [
  { mmsi: 413_990_001, name: 'YU ZHOU HUO 101', knots: 6 },
  { mmsi: 413_990_002, name: 'YU ZHOU HUO 102', knots: 5 },
  { mmsi: 413_990_003, name: 'WAN FU YANG 88', knots: 7 },
] as const;

const iso = (ms: number): string => new Date(ms).toISOString();

function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad * Math.cos(((a.lat + b.lat) / 2) * rad);
  return 6371 * Math.hypot(dLat, dLon);
}

/** Daytime carries more traffic: a factor from 0.2 at night to 1 in the afternoon, by China hour. */
function dayFactor(ms: number): number {
  const hour = (new Date(ms).getUTCHours() + 8) % 24;
  return 0.2 + 0.8 * Math.max(0, Math.sin(((hour - 5) / 18) * Math.PI));
}

/** Minutes a truck takes between two stations. */
function tripMinutesOf(a: Station, b: Station): number {
  return Math.ceil(((distanceKm(a, b) * ROAD_FACTOR) / TRUCK_SPEED_KMH) * 60);
}

type Station = (typeof STATIONS)[number];

/** The registered six-axle trucks the toll transactions are of: `豫A70001`, `豫A70002`, …. */
export function tollTruckPlate(truck: number): string {
  return `豫A7${String(truck + 1).padStart(4, '0')}`;
}

interface Journey {
  eventId: string;
  plate: string;
  entry: Station;
  exit: Station;
  entryMs: number;
  exitMs: number;
  overweight: boolean;
}

/**
 * Truck `truck`'s journeys: from station `truck mod 5` round the five stations in turn, each journey entering where
 * the last one left after a rest, so one plate's sightings always make one possible trail (no false cloned plate).
 */
function* truckJourneys(truck: number, startMs: number): Generator<Journey> {
  let at = startMs + ((truck * 7) % 90) * MINUTE_MS;
  for (let j = 0; ; j++) {
    const entry = STATIONS[(truck + j) % STATIONS.length];
    const exit = STATIONS[(truck + j + 1) % STATIONS.length];
    const exitMs = at + tripMinutesOf(entry, exit) * MINUTE_MS;
    yield {
      eventId: `DEMO-TOLL-${startMs}-${truck}-${j}`,
      plate: tollTruckPlate(truck),
      entry,
      exit,
      entryMs: at,
      exitMs,
      overweight: (truck + j) % OVERWEIGHT_EVERY === 0,
    };
    at = exitMs + TRUCK_REST_MINUTES * MINUTE_MS;
  }
}

/**
 * Once an hour a pass card or plate copied from one of the trucks: 10 minutes after the truck's first exit from the
 * start of hour `hour` on (demo hours from 1), its plate enters at the station farthest from there and leaves at
 * the nearest one to that — `cloned_plate`.
 */
function clonedJourney(hour: number, startMs: number): Journey {
  const truck = (hour * 7) % TOLL_TRUCKS;
  const after = startMs + (hour - 1) * 60 * MINUTE_MS;
  let real: Journey | undefined;
  for (const journey of truckJourneys(truck, startMs)) {
    if (journey.exitMs >= after) {
      real = journey;
      break;
    }
  }
  const seen = (real as Journey).exit;
  const byDistance = (from: Station) =>
    STATIONS.filter((s) => s.id !== from.id).sort((a, b) => distanceKm(from, a) - distanceKm(from, b));
  const entry = byDistance(seen).at(-1) as Station;
  const exit = byDistance(entry)[0];
  const entryMs = (real as Journey).exitMs + 10 * MINUTE_MS;
  return {
    eventId: `DEMO-TOLL-${startMs}-cloned-${hour}`,
    plate: tollTruckPlate(truck),
    entry,
    exit,
    entryMs,
    exitMs: entryMs + tripMinutesOf(entry, exit) * MINUTE_MS,
    overweight: false,
  };
}

/** The journeys that end within demo minute `minute` (after minute - 1, up to minute). */
function journeysEndingIn(minute: number, startMs: number): Journey[] {
  const from = startMs + (minute - 1) * MINUTE_MS;
  const to = startMs + minute * MINUTE_MS;
  const ending: Journey[] = [];
  for (let truck = 0; truck < TOLL_TRUCKS; truck++) {
    for (const journey of truckJourneys(truck, startMs)) {
      if (journey.exitMs > to) break;
      if (journey.exitMs > from) ending.push(journey);
    }
  }
  // Hour h's cloned journey ends after its truck's first exit in that hour or later.
  for (let hour = 1; (hour - 1) * 60 < minute; hour++) {
    const cloned = clonedJourney(hour, startMs);
    if (cloned.exitMs > from && cloned.exitMs <= to) ending.push(cloned);
  }
  return ending;
}

function tolls(minute: number, startMs: number, rng: Random): Record<string, unknown>[] {
  return journeysEndingIn(minute, startMs).map((journey) => ({
    event_id: journey.eventId,
    plate: journey.plate,
    plate_color: 2,
    toll_class: '货6',
    axles: 6,
    entry_station_id: journey.entry.id,
    entry_station_name: journey.entry.name,
    entry_time: iso(journey.entryMs),
    entry_lat: journey.entry.lat,
    entry_lon: journey.entry.lon,
    exit_station_id: journey.exit.id,
    exit_station_name: journey.exit.name,
    exit_time: iso(journey.exitMs),
    exit_lat: journey.exit.lat,
    exit_lon: journey.exit.lon,
    gross_kg: journey.overweight ? 57_500 : Math.round(rng.range(28_000, 48_000)),
    weighed_at: 'entry',
    fee_yuan: Math.round(distanceKm(journey.entry, journey.exit) * ROAD_FACTOR * 1.6 * 100) / 100,
  }));
}

/** The trucks' registry records, posted at the demo's start: six-axle tractors of one Zhengzhou haulier. */
export function tollTruckRegistry(startMs: number): Record<string, unknown>[] {
  return Array.from({ length: TOLL_TRUCKS }, (_, truck) => ({
    type: 'vehicle',
    plate: tollTruckPlate(truck),
    plate_color: 2,
    vehicle_class: 'tractor',
    axles: 6,
    permit_valid_until: startMs + 365 * 24 * 60 * MINUTE_MS,
    home_org_code: '410183',
  }));
}

/**
 * The start of the counting interval of `everyMinutes` reported at demo minute `minute`, if one is: each interval at
 * its end, and at the first minute the one that closed as the demo began, as a station already counting would have
 * sent it, so that the wall's flow panels have a value from the first minute rather than after the first interval.
 */
function reportedInterval(minute: number, everyMinutes: number, startMs: number): number | undefined {
  if (minute === 1) return startMs - everyMinutes * MINUTE_MS;
  return minute % everyMinutes === 0 ? startMs + (minute - everyMinutes) * MINUTE_MS : undefined;
}

function trafficCounts(minute: number, startMs: number, rng: Random): Record<string, unknown>[] {
  const intervalStart = reportedInterval(minute, 5, startMs);
  if (intervalStart === undefined) return [];
  const factor = dayFactor(intervalStart);
  return SURVEY_STATIONS.flatMap((station) =>
    ['上行', '下行'].flatMap((direction) =>
      SURVEY_CLASSES.map((vehicleClass) => ({
        station_id: station.id,
        station_name: station.name,
        road: station.road,
        direction,
        lane: 0,
        vehicle_class: vehicleClass.name,
        interval_start: iso(intervalStart),
        interval_minutes: 5,
        volume: Math.round(((station.base * vehicleClass.share * factor) / 12) * rng.range(0.8, 1.2)) + 1,
        mean_speed_kmh: Math.round(vehicleClass.speedKmh * rng.range(0.9, 1.1) * 10) / 10,
        lat: station.lat,
        lon: station.lon,
      })),
    ),
  );
}

function railFlows(minute: number, startMs: number, rng: Random): Record<string, unknown>[] {
  const intervalStart = reportedInterval(minute, 15, startMs);
  if (intervalStart === undefined) return [];
  const factor = dayFactor(intervalStart);
  return RAIL_HUBS.map((hub) => ({
    station_id: hub.id,
    station_name: hub.name,
    interval_start: iso(intervalStart),
    interval_minutes: 15,
    arrivals: Math.round((hub.base / 4) * factor * rng.range(0.85, 1.15)),
    departures: Math.round((hub.base / 4) * factor * rng.range(0.85, 1.15)),
    lat: hub.lat,
    lon: hub.lon,
  }));
}

function ais(minute: number, startMs: number): Record<string, unknown>[] {
  const atMs = startMs + minute * MINUTE_MS;
  const spanDeg = RIVER.lonEast - RIVER.lonWest;
  return VESSELS.flatMap((vessel, i) => {
    // Up and down the river: a knot is 1.852 km/h, a degree of longitude here about 92.7 km.
    const travelledDeg = ((vessel.knots * 1.852 * minute) / 60 / 92.7 + i * 0.1) % (2 * spanDeg);
    const eastward = travelledDeg < spanDeg;
    const lon = eastward ? RIVER.lonWest + travelledDeg : RIVER.lonEast - (travelledDeg - spanDeg);
    const position = toSentences(
      encodePosition({
        type: 1,
        mmsi: vessel.mmsi,
        navStatus: 0,
        speedKnots: vessel.knots,
        lon: Math.round(lon * 10_000) / 10_000,
        lat: RIVER.lat + i * 0.002,
        courseDeg: eastward ? 90 : 270,
        headingDeg: eastward ? 90 : 270,
        utcSecond: 0,
      }),
    );
    const records: Record<string, unknown>[] = [
      { station_id: 'DEMO-AIS-ZHOUKOU', time: iso(atMs), sentences: position },
    ];
    if (minute % 30 === 1) {
      const voyage = encodeVoyage({
        type: 5,
        mmsi: vessel.mmsi,
        imo: 0,
        callSign: `BZK${i + 1}`,
        name: vessel.name,
        shipType: 70,
        lengthM: 60 + 5 * i,
        beamM: 11,
        draughtM: 3,
        destination: eastward ? 'FUYANG' : 'ZHOUKOU PORT',
        eta: { month: 0, day: 0, hour: 24, minute: 60 },
      });
      records.push({ station_id: 'DEMO-AIS-ZHOUKOU', time: iso(atMs + 1000), sentences: toSentences(voyage, i) });
    }
    return records;
  });
}

/** What the demo posts at demo minute `minute` (1, 2, …) of a demo that started at `startMs`. */
export function flowRecordsAt(minute: number, startMs: number, seed: number): FlowRecords {
  const rng = new Random(mixSeed(seed, minute));
  return {
    toll: tolls(minute, startMs, rng),
    traffic_count: trafficCounts(minute, startMs, rng),
    rail_flow: railFlows(minute, startMs, rng),
    ais: ais(minute, startMs),
  };
}

export class DemoFlows {
  constructor(
    private readonly clock: DemoClock,
    private readonly http: { url: string; keys: Record<string, string> },
    private readonly logger: Logger,
    private readonly seed = 1,
  ) {}

  /** Posts each demo minute's records at that minute, and the buses' feed every 20 s, until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    // What the flows refer to comes first: the toll trucks in the registry, the buses' timetable.
    await Promise.all([
      this.post('registry', tollTruckRegistry(this.clock.startMs)),
      this.post('gtfs_static', busTimetable()),
    ]).catch((error: unknown) => {
      if (!signal.aborted) this.logger.warn('demo registry or timetable not posted', { error: String(error) });
    });
    await Promise.all([this.minutes(signal), this.buses(signal)]);
  }

  private async minutes(signal: AbortSignal): Promise<void> {
    for (let minute = 1; !signal.aborted; minute++) {
      await this.clock.at(minute * 60, signal);
      if (signal.aborted) return;
      const records = flowRecordsAt(minute, this.clock.startMs, this.seed);
      // A minute that could not be posted (the node busy or stopping) is skipped: the next one goes on.
      await Promise.all(FLOW_KINDS.map((kind) => this.post(kind, records[kind]))).catch((error: unknown) => {
        if (!signal.aborted) this.logger.warn('demo flows not posted', { minute, error: String(error) });
      });
    }
  }

  /** The bus operator's GTFS-Realtime feed, every 20 demo seconds from the start. */
  private async buses(signal: AbortSignal): Promise<void> {
    for (let tick = 0; !signal.aborted; tick++) {
      await this.clock.at(tick * BUS_FEED_EVERY_S, signal);
      if (signal.aborted) return;
      const elapsedS = tick * BUS_FEED_EVERY_S;
      await this.post('gtfs_rt', busFeedAt(this.clock.startMs + elapsedS * 1000, elapsedS)).catch((error: unknown) => {
        if (!signal.aborted) this.logger.warn('demo bus feed not posted', { tick, error: String(error) });
      });
    }
  }

  private async post(
    kind: FlowKind | 'registry' | 'gtfs_static' | 'gtfs_rt',
    records: Record<string, unknown>[] | Record<string, unknown>,
  ): Promise<void> {
    if (Array.isArray(records) && records.length === 0) return;
    const response = await fetch(`${this.http.url}/api/ingest/${kind}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.http.keys[kind] ?? ''}` },
      body: JSON.stringify(records),
    });
    const text = await response.text();
    // A refusal is the demo's own fault, worth a warning, never worth stopping the demo for.
    if (!response.ok || !text.includes('"rejected":[]'))
      this.logger.warn('demo flows refused', { kind, status: response.status, answer: text.slice(0, 300) });
  }
}
