/**
 * Which vehicles were heard lately, for the summary's online figures. It follows the telemetry topic as its own
 * consumer group and keeps, per terminal, only the time Vigil last received something from it and its latest
 * position: a map lookup and four assignments per fix. The county of a position (a point-in-polygon search) is
 * worked out only when a summary asks, and only again once the vehicle has moved.
 *
 * Receipt time, not the fix's own time, decides "heard": a terminal back-filling yesterday's positions after an
 * outage is online now. After a restart the map is empty and fills within one reporting interval (JT/T 808
 * terminals report every 30 s or less while driving and send heartbeats when parked).
 */
import type { TelemetryRow } from '../../schema/index.js';
import { TOPICS, type EventLog } from '../../stream/index.js';

/** The consumer group of the vehicles heard lately: each centre node of a cluster reads it under a name of its own. */
export const ONLINE_VEHICLES_GROUP = 'summary-online';

export interface OnlineVehiclesOptions {
  /** Heard within this long: online (上线). */
  onlineWindowMs: number;
  /** Heard within this long: still counted as monitored when the registry does not know the vehicle. */
  monitoredWindowMs: number;
  /** Terminals remembered at most; the least recently heard are forgotten beyond it. */
  vehiclesMax: number;
  /** Records taken from the log per poll. */
  pollRecordsMax: number;
}

export const ONLINE_VEHICLES_DEFAULTS: OnlineVehiclesOptions = {
  onlineWindowMs: 10 * 60_000,
  monitoredWindowMs: 24 * 3_600_000,
  vehiclesMax: 600_000,
  pollRecordsMax: 5_000,
};

/** A position moved less than this (degrees, about 1 km) keeps the county found for it before. */
const COUNTY_RECHECK_DEG = 0.01;

export interface HeardVehicle {
  terminalId: string;
  plate: string;
  /** When Vigil last received something from it, epoch ms. */
  heardAtMs: number;
  /** Time of the latest fix (device time), epoch ms; older fixes do not move the vehicle back. */
  fixAtMs: number;
  lon: number;
  lat: number;
  /** The county of (countyLon, countyLat), worked out lazily; '' before the first lookup. */
  county: string;
  countyLon: number;
  countyLat: number;
}

export interface OnlineVehiclesDeps {
  log: EventLog;
  /** The county of a position, or '' outside every county. */
  countyAt(lon: number, lat: number): string;
}

export function checkOnlineVehiclesOptions(options: OnlineVehiclesOptions): void {
  const bounds: [keyof OnlineVehiclesOptions, number][] = [
    ['onlineWindowMs', 1_000],
    ['monitoredWindowMs', 1_000],
    ['vehiclesMax', 1],
    ['pollRecordsMax', 1],
  ];
  for (const [key, min] of bounds) {
    const value = options[key];
    if (!Number.isInteger(value) || value < min)
      throw new Error(`online vehicles: ${key} value ${value} is less than min allowed ${min}`);
  }
  if (options.monitoredWindowMs < options.onlineWindowMs) {
    throw new Error(
      `online vehicles: monitoredWindowMs value ${options.monitoredWindowMs} is less than min allowed ${options.onlineWindowMs} (onlineWindowMs)`,
    );
  }
}

export class OnlineVehicles {
  private readonly heard = new Map<string, HeardVehicle>();
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: OnlineVehiclesDeps,
    readonly options: OnlineVehiclesOptions = ONLINE_VEHICLES_DEFAULTS,
  ) {
    checkOnlineVehiclesOptions(options);
  }

  get size(): number {
    return this.heard.size;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.consume();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async consume(): Promise<void> {
    const consumer = this.deps.log.consumer<TelemetryRow>(ONLINE_VEHICLES_GROUP, TOPICS.telemetry);
    while (this.running) {
      const records = await consumer.poll(this.options.pollRecordsMax, 500);
      for (const { value } of records)
        this.accept(value.terminal_id, value.plate, value.received_at, value.ts, value.lon, value.lat);
      if (records.length > 0) consumer.commit(records);
    }
    consumer.close();
  }

  /** Notes a fix received at `heardAtMs`. */
  accept(terminalId: string, plate: string, heardAtMs: number, fixAtMs: number, lon: number, lat: number): void {
    const known = this.heard.get(terminalId);
    if (known === undefined) {
      this.heard.set(terminalId, {
        terminalId,
        plate,
        heardAtMs,
        fixAtMs,
        lon,
        lat,
        county: '',
        countyLon: Number.NaN,
        countyLat: Number.NaN,
      });
      this.evict();
      return;
    }
    // Re-inserting keeps the map ordered from least to most recently heard, which is what eviction relies on.
    this.heard.delete(terminalId);
    this.heard.set(terminalId, known);
    known.heardAtMs = Math.max(known.heardAtMs, heardAtMs);
    if (plate !== '') known.plate = plate;
    if (fixAtMs >= known.fixAtMs) {
      known.fixAtMs = fixAtMs;
      known.lon = lon;
      known.lat = lat;
    }
  }

  private evict(): void {
    for (const terminalId of this.heard.keys()) {
      if (this.heard.size <= this.options.vehiclesMax) break;
      this.heard.delete(terminalId);
    }
  }

  /** The county where the vehicle was last seen, looked up again only when it moved about a kilometre. */
  countyOf(vehicle: HeardVehicle): string {
    if (!(
      Math.abs(vehicle.lon - vehicle.countyLon) < COUNTY_RECHECK_DEG &&
      Math.abs(vehicle.lat - vehicle.countyLat) < COUNTY_RECHECK_DEG
    )) {
      vehicle.county = this.deps.countyAt(vehicle.lon, vehicle.lat);
      vehicle.countyLon = vehicle.lon;
      vehicle.countyLat = vehicle.lat;
    }
    return vehicle.county;
  }

  /** Vehicles heard within the monitored window; older ones are forgotten on the way. */
  recent(nowMs: number): HeardVehicle[] {
    const since = nowMs - this.options.monitoredWindowMs;
    const out: HeardVehicle[] = [];
    for (const [terminalId, vehicle] of this.heard) {
      if (vehicle.heardAtMs < since) this.heard.delete(terminalId);
      else out.push(vehicle);
    }
    return out;
  }
}
