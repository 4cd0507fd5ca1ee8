/**
 * The demo's taxis and ride-hailing cars: 36 in Zhengzhou and 8 in Luoyang, reported the way their platforms report
 * them to the province (docs/sources/taxi.md) through the node's own HTTP ingestion — their vehicle and driver permits
 * as `taxi_permit` once at the start, then every 20 demo seconds each car's position as `taxi_position`, and the steps
 * of the orders they serve as `taxi_order`. A ride-hailing platform sends the ministry's interface fields
 * (`VehicleNo`, `PositionTime` as `YYYYMMDDhhmmss` China time, coordinates in 10^-6 degrees with `Encrypt`), the
 * cruising-taxi company Vigil's own names; both are what an integrator would post as it is.
 *
 * Each car shuttles end to end along a main road of its city at city speed; each run from one end to the other is an
 * order (created, dispatched, picked up at the start, dropped off with a fare at the end) except every third, cruised
 * vacant. Only runs that begin after the demo's start are orders, so nothing the demo sends predates it, and every car
 * and driver holds a valid permit, so the `taxi_permit` rule stays quiet for them (the showcase's unlicensed car is
 * the one it should catch). A pure function of the demo time, so a test judges it with the ingestion's normalizers.
 */
import type { Logger } from '../../schema/index.js';
import type { DemoClock } from './demo-clock.js';

interface LatLon {
  lat: number;
  lon: number;
}

interface Road {
  name: string;
  /** Waypoints along the road, in order. */
  points: readonly LatLon[];
}

/** Main roads of Zhengzhou and Luoyang, a few waypoints each (WGS-84), where the cars run. */
const ZHENGZHOU_ROADS: readonly Road[] = [
  {
    name: '中原路—郑汴路',
    points: [
      { lat: 34.7486, lon: 113.585 },
      { lat: 34.7486, lon: 113.66 },
      { lat: 34.7502, lon: 113.705 },
      { lat: 34.7525, lon: 113.77 },
    ],
  },
  {
    name: '花园路',
    points: [
      { lat: 34.754, lon: 113.6745 },
      { lat: 34.79, lon: 113.6755 },
      { lat: 34.835, lon: 113.677 },
    ],
  },
  {
    name: '农业路',
    points: [
      { lat: 34.7805, lon: 113.605 },
      { lat: 34.7805, lon: 113.68 },
      { lat: 34.7795, lon: 113.755 },
    ],
  },
  {
    name: '京广路',
    points: [
      { lat: 34.69, lon: 113.6455 },
      { lat: 34.745, lon: 113.6445 },
      { lat: 34.805, lon: 113.6435 },
    ],
  },
  {
    name: '中州大道',
    points: [
      { lat: 34.705, lon: 113.7315 },
      { lat: 34.76, lon: 113.729 },
      { lat: 34.84, lon: 113.724 },
    ],
  },
  {
    name: '郑东新区 CBD 环',
    points: [
      { lat: 34.7645, lon: 113.7195 },
      { lat: 34.7745, lon: 113.7345 },
      { lat: 34.7645, lon: 113.7495 },
      { lat: 34.7545, lon: 113.7345 },
      { lat: 34.7645, lon: 113.7195 },
    ],
  },
  {
    name: '二七广场—新郑机场',
    points: [
      { lat: 34.757, lon: 113.665 },
      { lat: 34.7, lon: 113.72 },
      { lat: 34.6, lon: 113.79 },
      { lat: 34.5265, lon: 113.8415 },
    ],
  },
];

const LUOYANG_ROADS: readonly Road[] = [
  {
    name: '中州中路',
    points: [
      { lat: 34.673, lon: 112.395 },
      { lat: 34.6745, lon: 112.44 },
      { lat: 34.6755, lon: 112.48 },
    ],
  },
  {
    name: '开元大道',
    points: [
      { lat: 34.6185, lon: 112.385 },
      { lat: 34.619, lon: 112.45 },
      { lat: 34.62, lon: 112.5 },
    ],
  },
];

interface Fleet {
  service: 'ride_hailing' | 'taxi';
  companyId: string;
  /** Plates `${platePrefix}${n}`, n from 1. */
  platePrefix: string;
  cars: number;
  roads: readonly Road[];
  /** The platform speaks the ministry's interface fields (ride-hailing) or Vigil's names (a taxi company). */
  ministryFields: boolean;
  /** Fare: flag fall and per km, yuan. */
  flagFall: number;
  perKm: number;
}

/** Demo companies: credit codes of the demo's own series (…DEMO…), plates of series no other demo vehicle uses. */
const FLEETS: readonly Fleet[] = [
  {
    service: 'ride_hailing',
    companyId: '91410100MA9DEMO02R',
    platePrefix: '豫AD6',
    cars: 24,
    roads: ZHENGZHOU_ROADS,
    ministryFields: true,
    flagFall: 8,
    perKm: 1.9,
  },
  {
    service: 'taxi',
    companyId: '91410100MA9DEMO03T',
    platePrefix: '豫AT6',
    cars: 12,
    roads: ZHENGZHOU_ROADS,
    ministryFields: false,
    flagFall: 10,
    perKm: 2,
  },
  {
    service: 'ride_hailing',
    companyId: '91410300MA9DEMO04R',
    platePrefix: '豫CD6',
    cars: 8,
    roads: LUOYANG_ROADS,
    ministryFields: true,
    flagFall: 7,
    perKm: 1.7,
  },
];

/** Seconds between two position reports of a car (the ministry asks for one at least every minute in service). */
export const TAXI_REPORT_EVERY_S = 20;
/** Every this-many-th run is cruised vacant, looking for a fare. */
const VACANT_EVERY = 3;
/** An order is created this long before its pick-up, and matched to the car this long before. */
const CREATED_BEFORE_S = 150;
const DISPATCHED_BEFORE_S = 120;

const DEG_KM = 111.2;

function segmentKm(a: LatLon, b: LatLon): number {
  const dLat = (b.lat - a.lat) * DEG_KM;
  const dLon = (b.lon - a.lon) * DEG_KM * Math.cos((((a.lat + b.lat) / 2) * Math.PI) / 180);
  return Math.hypot(dLat, dLon);
}

function roadKm(road: Road): number {
  let km = 0;
  for (let i = 1; i < road.points.length; i++) km += segmentKm(road.points[i - 1], road.points[i]);
  return km;
}

/** The point `km` along the road from its first waypoint, and the heading there (degrees from north). */
function alongRoad(road: Road, km: number): LatLon & { heading: number } {
  let left = km;
  for (let i = 1; i < road.points.length; i++) {
    const a = road.points[i - 1];
    const b = road.points[i];
    const length = segmentKm(a, b);
    if (left <= length || i === road.points.length - 1) {
      const f = length === 0 ? 0 : Math.min(1, left / length);
      const east = (b.lon - a.lon) * Math.cos((a.lat * Math.PI) / 180);
      const heading = Math.round(((Math.atan2(east, b.lat - a.lat) * 180) / Math.PI + 360) % 360) % 360;
      return { lat: a.lat + (b.lat - a.lat) * f, lon: a.lon + (b.lon - a.lon) * f, heading };
    }
    left -= length;
  }
  return { ...road.points[0], heading: 0 };
}

interface Car {
  fleet: Fleet;
  index: number;
  plate: string;
  driverId: string;
  road: Road;
  km: number;
  kmh: number;
  /** Where along its shuttle (in runs) the car is at the demo's start. */
  offsetRuns: number;
}

const CARS: readonly Car[] = FLEETS.flatMap((fleet, f) =>
  Array.from({ length: fleet.cars }, (_, i) => {
    const road = fleet.roads[i % fleet.roads.length];
    const n = String(i + 1).padStart(fleet.platePrefix.startsWith('豫AT') ? 3 : 4, '0');
    return {
      fleet,
      index: i,
      plate: `${fleet.platePrefix}${n}`,
      // 18-character resident identity numbers of the demo's own series (birth date 1990-01-01).
      driverId: `41010${f + 1}19900101${String(i + 1).padStart(4, '0')}`,
      road,
      km: roadKm(road),
      kmh: 24 + ((i * 7) % 15),
      offsetRuns: ((i * 37) % 100) / 50 + Math.floor(i / fleet.roads.length) * 0.31,
    };
  }),
);

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `YYYYMMDDhhmmss` in China time, the ministry format's time. */
function compactChinaTime(ms: number): string {
  const d = new Date(ms + 8 * 3_600_000);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(
    d.getUTCMinutes(),
  )}${pad(d.getUTCSeconds())}`;
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** Seconds one run (end to end) of a car takes. */
const runSeconds = (car: Car): number => (car.km / car.kmh) * 3600;
/** The run the car is on `elapsedS` demo seconds after the start (fractional: the part of it done). */
const runAt = (car: Car, elapsedS: number): number => car.offsetRuns + elapsedS / runSeconds(car);
/** A run that is an order: not every third, and begun after the demo's start with time to create the order. */
function isOrder(car: Car, run: number): boolean {
  const startS = (run - car.offsetRuns) * runSeconds(car);
  return (run + car.index) % VACANT_EVERY !== 0 && startS >= CREATED_BEFORE_S;
}
const orderId = (car: Car, startMs: number, run: number): string =>
  `DEMO-${Math.floor(startMs / 1000)}-${car.plate.slice(1)}-${run}`;

/** The demo's vehicle (运输证) and driver (驾驶员证) permits, valid for a year from the start. */
export function taxiPermits(startMs: number): Record<string, unknown>[] {
  const until = new Date(startMs + 365 * 86_400_000).toISOString().slice(0, 10);
  return CARS.flatMap((car) => [
    {
      permit_type: 'vehicle',
      plate: car.plate,
      permit_no: `DEMO-VP-${car.plate.slice(1)}`,
      service: car.fleet.service,
      company_id: car.fleet.companyId,
      valid_until: until,
    },
    {
      permit_type: 'driver',
      driver_id: car.driverId,
      permit_no: `DEMO-DP-${car.driverId}`,
      service: car.fleet.service,
      company_id: car.fleet.companyId,
      valid_until: until,
    },
  ]);
}

/** The place of a car on run `run` (fractional), heading along its direction of travel. */
function placeOn(car: Car, run: number): LatLon & { heading: number } {
  const whole = Math.floor(run);
  const f = run - whole;
  const outbound = whole % 2 === 0;
  const at = alongRoad(car.road, (outbound ? f : 1 - f) * car.km);
  return { ...at, heading: outbound ? at.heading : (at.heading + 180) % 360 };
}

function positionRecord(car: Car, atMs: number, run: number, startMs: number): Record<string, unknown> {
  const place = placeOn(car, run);
  const whole = Math.floor(run);
  const hired = isOrder(car, whole);
  const order = hired ? orderId(car, startMs, whole) : '';
  if (car.fleet.ministryFields)
    return {
      CompanyId: car.fleet.companyId,
      VehicleNo: car.plate,
      PlateColor: 5,
      LicenseId: car.driverId,
      PositionTime: compactChinaTime(atMs),
      Longitude: Math.round(place.lon * 1e6),
      Latitude: Math.round(place.lat * 1e6),
      Encrypt: 2,
      Speed: car.kmh,
      Direction: place.heading,
      BizStatus: hired ? 1 : 3,
      OrderId: order,
    };
  return {
    service: 'taxi',
    company_id: car.fleet.companyId,
    plate: car.plate,
    plate_color: 5,
    driver_id: car.driverId,
    time: new Date(atMs).toISOString(),
    lat: round6(place.lat),
    lon: round6(place.lon),
    speed_kmh: car.kmh,
    heading_deg: place.heading,
    biz_status: hired ? 'hired' : 'vacant',
    order_id: order,
  };
}

type OrderStep = 'created' | 'dispatched' | 'picked_up' | 'dropped_off';

function orderRecord(car: Car, step: OrderStep, atMs: number, run: number, startMs: number): Record<string, unknown> {
  const start = placeOn(car, run);
  const end = placeOn(car, run + 0.999_999);
  const place = step === 'dropped_off' ? end : start;
  const common = {
    service: car.fleet.service,
    company_id: car.fleet.companyId,
    order_id: orderId(car, startMs, run),
    event: step,
    time: new Date(atMs).toISOString(),
    lat: round6(place.lat),
    lon: round6(place.lon),
  };
  if (step === 'created') return common;
  const served = { ...common, plate: car.plate, plate_color: 5, driver_id: car.driverId };
  if (step !== 'dropped_off') return served;
  const distance = Math.round(car.km * 1.15 * 10) / 10;
  return {
    ...served,
    distance_km: distance,
    fare_yuan: Math.round((car.fleet.flagFall + Math.max(0, distance - 3) * car.fleet.perKm) * 10) / 10,
  };
}

/**
 * What the platforms send for the tick at `elapsedS` demo seconds (a multiple of 20): every car's position, and the
 * order steps that fell due since the previous tick.
 */
export function taxiRecordsAt(
  elapsedS: number,
  startMs: number,
): { positions: Record<string, unknown>[]; orders: Record<string, unknown>[] } {
  const atMs = startMs + elapsedS * 1000;
  const sinceS = elapsedS - TAXI_REPORT_EVERY_S;
  const orders: Record<string, unknown>[] = [];
  for (const car of CARS) {
    const runS = runSeconds(car);
    // Steps fall at fixed times of each run: created and dispatched before its start, picked up at its start,
    // dropped off at its end. Those in (sinceS, elapsedS] are due now.
    const first = Math.floor(runAt(car, sinceS - runS)) - 1;
    const last = Math.floor(runAt(car, elapsedS + CREATED_BEFORE_S)) + 1;
    for (let run = Math.max(0, first); run <= last; run++) {
      if (!isOrder(car, run)) continue;
      const startS = (run - car.offsetRuns) * runS;
      const steps: [OrderStep, number][] = [
        ['created', startS - CREATED_BEFORE_S],
        ['dispatched', startS - DISPATCHED_BEFORE_S],
        ['picked_up', startS],
        ['dropped_off', startS + runS],
      ];
      for (const [step, s] of steps)
        if (s > sinceS && s <= elapsedS)
          orders.push(orderRecord(car, step, startMs + Math.round(s * 1000), run, startMs));
    }
  }
  return {
    positions: CARS.map((car) => positionRecord(car, atMs, runAt(car, elapsedS), startMs)),
    orders,
  };
}

/** Cars the demo drives, by city: for the docs and the test. */
export const DEMO_TAXI_PLATES: readonly string[] = CARS.map((car) => car.plate);

/** Posts the permits, then every 20 demo seconds the cars' positions and the order steps due, until aborted. */
export class DemoTaxis {
  constructor(
    private readonly clock: DemoClock,
    private readonly http: { url: string; keys: Record<string, string> },
    private readonly logger: Logger,
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    // The permits first, so the cars' first orders are judged against them.
    await this.post('taxi_permit', taxiPermits(this.clock.startMs)).catch((error: unknown) => {
      if (!signal.aborted) this.logger.warn('demo taxi permits not posted', { error: String(error) });
    });
    for (let tick = 0; !signal.aborted; tick++) {
      await this.clock.at(tick * TAXI_REPORT_EVERY_S, signal);
      if (signal.aborted) return;
      const records = taxiRecordsAt(tick * TAXI_REPORT_EVERY_S, this.clock.startMs);
      // A tick that could not be posted (the node busy or stopping) is skipped: the next one goes on.
      await Promise.all([this.post('taxi_position', records.positions), this.post('taxi_order', records.orders)]).catch(
        (error: unknown) => {
          if (!signal.aborted) this.logger.warn('demo taxis not posted', { tick, error: String(error) });
        },
      );
    }
  }

  private async post(kind: 'taxi_permit' | 'taxi_position' | 'taxi_order', records: Record<string, unknown>[]) {
    if (records.length === 0) return;
    const response = await fetch(`${this.http.url}/api/ingest/${kind}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.http.keys[kind] ?? ''}` },
      body: JSON.stringify(records),
    });
    const text = await response.text();
    // A refusal is the demo's own fault, worth a warning, never worth stopping the demo for.
    if (!response.ok || !text.includes('"rejected":[]'))
      this.logger.warn('demo taxis refused', { kind, status: response.status, answer: text.slice(0, 300) });
  }
}
