/**
 * The demo's speeding vehicles: a dozen simulated terminals with the supervised province's plates that drive
 * between its county seats (legs that stay inside it, province-waypoints.ts) at real speed and real device time,
 * over real JT/T 808 TCP connections to the node's own gateway, and speed for one minute in every four. The
 * generated sample the demo replays has realistic, therefore sparse, violations; these vehicles make the overspeed
 * rule open and close alarms within the first minutes, so a newcomer sees the alarm path working. Their terminal
 * numbers (0138…) never collide with the sample's.
 */
import { divisions } from '../../schema/index.js';
import type { Logger } from '../../schema/index.js';
import { locationBody } from './location.js';
import { counties, distanceKm, nextWaypoint, type Point } from './province-waypoints.js';
import { SimulatedTerminal } from './simulated-terminal.js';

export interface SpeedingVehiclesOptions {
  host: string;
  port: number;
  vehicles: number;
  /** Seconds between two reports of one vehicle. */
  reportIntervalS: number;
  /** Of every `speedingCycleMinutes` minutes, each vehicle speeds during one. */
  speedingCycleMinutes: number;
  seed: number;
  /** Demo seconds per real second (`--demo-speed`): reports come that much more often, stamped in demo time. */
  speed: number;
}

export const SPEEDING_VEHICLES_DEFAULTS: Omit<SpeedingVehiclesOptions, 'host' | 'port'> = {
  vehicles: 12,
  reportIntervalS: 5,
  speedingCycleMinutes: 4,
  seed: 42,
  speed: 1,
};

/** A small deterministic generator (mulberry32), so the same seed gives the same demo. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface DemoVehicle {
  terminal: SimulatedTerminal;
  from: Point;
  to: Point;
  progressKm: number;
  legKm: number;
  cruiseKmh: number;
  speedingKmh: number;
  /** Shifts the vehicle's speeding minute so that the vehicles do not all speed at once. */
  cycleOffsetMinutes: number;
}

const PLATE_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

function bearingDeg(a: Point, b: Point): number {
  const toRad = Math.PI / 180;
  const y = Math.sin((b[0] - a[0]) * toRad) * Math.cos(b[1] * toRad);
  const x =
    Math.cos(a[1] * toRad) * Math.sin(b[1] * toRad) -
    Math.sin(a[1] * toRad) * Math.cos(b[1] * toRad) * Math.cos((b[0] - a[0]) * toRad);
  return ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
}

export class SpeedingVehicles {
  private readonly vehicles: DemoVehicle[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly startMs = Date.now();

  constructor(
    private readonly options: SpeedingVehiclesOptions,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const rand = random(this.options.seed);
    const all = counties();
    const cities = divisions().filter((d) => d.platePrefix !== undefined);
    for (let i = 0; i < this.options.vehicles && !this.stopped; i++) {
      const home = cities[Math.floor(rand() * cities.length)];
      const plate = `${home.platePrefix}${Array.from({ length: 5 }, () => PLATE_LETTERS[Math.floor(rand() * PLATE_LETTERS.length)]).join('')}`;
      const version = rand() < 0.3 ? 2019 : 2013;
      const phone =
        version === 2019 ? `0000000${String(13_800_000_000 + i).padStart(13, '0')}` : `0${13_800_000_000 + i}`;
      const terminal = new SimulatedTerminal({ phone, plate, plateColor: 2, version });
      const from = all[Math.floor(rand() * all.length)]!.seatLonLatDeg;
      const to = nextWaypoint(from, rand);
      const vehicle: DemoVehicle = {
        terminal,
        from,
        to,
        progressKm: 0,
        legKm: Math.max(1, distanceKm(from, to)),
        cruiseKmh: 60 + rand() * 25,
        // Well above the 100 km/h limit of an unregistered vehicle even with the ±10 % jitter of each report.
        speedingKmh: 118 + rand() * 15,
        cycleOffsetMinutes: i % this.options.speedingCycleMinutes,
      };
      try {
        await terminal.connect(this.options.host, this.options.port);
        await terminal.logIn();
        this.vehicles.push(vehicle);
      } catch (error) {
        this.logger.warn('demo vehicle could not log in', { phone, error: String(error) });
        terminal.close();
      }
    }
    this.logger.info('demo speeding vehicles running', { vehicles: this.vehicles.length });
    let round = 0;
    const tickMs = 250;
    const intervalMs = (this.options.reportIntervalS * 1000) / this.options.speed;
    const perTick = Math.max(1, Math.ceil(this.vehicles.length / (intervalMs / tickMs)));
    // Reports are spread over the interval instead of arriving all at once, as real terminals' would be.
    this.timer = setInterval(() => {
      const start = (round * perTick) % Math.max(1, this.vehicles.length);
      round++;
      for (let k = 0; k < perTick && k < this.vehicles.length; k++)
        this.report(this.vehicles[(start + k) % this.vehicles.length], rand);
    }, tickMs);
  }

  private report(v: DemoVehicle, rand: () => number): void {
    if (!v.terminal.connected) return;
    const jitter = 0.9 + rand() * 0.2;
    const now = this.startMs + (Date.now() - this.startMs) * this.options.speed;
    const minute = Math.floor(now / 60_000) + v.cycleOffsetMinutes;
    const speeding = minute % this.options.speedingCycleMinutes === 0;
    const speedKmh = (speeding ? v.speedingKmh : v.cruiseKmh) * jitter;
    v.progressKm += (speedKmh * this.options.reportIntervalS) / 3600;
    if (v.progressKm >= v.legKm) {
      v.from = v.to;
      v.to = nextWaypoint(v.from, rand);
      v.legKm = Math.max(1, distanceKm(v.from, v.to));
      v.progressKm = 0;
    }
    const t = Math.min(1, v.progressKm / v.legKm);
    const [lon0, lat0] = v.from;
    const [lon1, lat1] = v.to;
    const body = locationBody(
      {
        lat: lat0 + (lat1 - lat0) * t,
        lon: lon0 + (lon1 - lon0) * t,
        speedKmh,
        directionDeg: bearingDeg(v.from, v.to),
        time: now,
      },
      v.terminal.identity.version,
    );
    v.terminal.request({ msgId: 0x0200, body }, { timeoutMs: 15_000, retries: 1 }).catch(() => undefined);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const v of this.vehicles) v.terminal.close();
  }
}
