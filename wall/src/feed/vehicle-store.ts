/**
 * Live vehicles, keyed by terminal_id, held column-wise in typed arrays that are updated in place. deck.gl reads
 * them through index accessors, so a positions message never allocates per-vehicle objects and the map never
 * receives a new data array: it is told what changed through `version` (an updateTriggers value).
 */
import type { FeedVehicle } from '../../../schema/feed.js';
import { vehicleClassIndex } from './vehicle-classes.js';

/** The most vehicles one wall keeps; more are counted in `droppedOverCapacity` and not drawn. */
export const VEHICLES_MAX = 250_000;
const CAPACITY_INITIAL = 4_096;

function grow<T extends Float64Array | Uint8Array>(array: T, capacity: number): T {
  const next = new (array.constructor as new (length: number) => T)(capacity);
  next.set(array);
  return next;
}

function isValidVehicle(vehicle: FeedVehicle): boolean {
  return (
    typeof vehicle.terminal_id === 'string' &&
    vehicle.terminal_id !== '' &&
    Number.isFinite(vehicle.lat) &&
    Number.isFinite(vehicle.lon) &&
    Math.abs(vehicle.lat) <= 90 &&
    Math.abs(vehicle.lon) <= 180
  );
}

export class VehicleStore {
  /** Vehicles held; indices 0..count-1 of the arrays are live. */
  count = 0;
  /** Increases whenever any position, class or alarming flag changes. */
  version = 0;
  droppedOverCapacity = 0;
  rejected = 0;
  lon = new Float64Array(CAPACITY_INITIAL);
  lat = new Float64Array(CAPACITY_INITIAL);
  /** Device time of the latest fix, epoch ms. */
  fixAt = new Float64Array(CAPACITY_INITIAL);
  classIndex = new Uint8Array(CAPACITY_INITIAL);
  alarming = new Uint8Array(CAPACITY_INITIAL);
  private readonly indexById = new Map<string, number>();

  /** The store's slot for a vehicle announced in a vehicle table, created if new; -1 when the store is full. */
  slotFor(terminalId: string, vehicleClass: string): number {
    let index = this.indexById.get(terminalId);
    if (index === undefined) {
      if (this.count >= VEHICLES_MAX) {
        this.droppedOverCapacity += 1;
        return -1;
      }
      index = this.count;
      this.ensureCapacity(index + 1);
      this.indexById.set(terminalId, index);
      this.count += 1;
      this.fixAt[index] = -Infinity;
      this.lon[index] = Number.NaN;
      this.lat[index] = Number.NaN;
    }
    this.classIndex[index] = vehicleClassIndex(vehicleClass);
    return index;
  }

  /** Applies one fix of a binary frame to a slot from `slotFor`; older fixes move nothing. Call `touch()` after a batch. */
  setFix(index: number, lon: number, lat: number, fixAt: number, alarming: boolean): void {
    if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) {
      this.rejected += 1;
      return;
    }
    if (fixAt >= this.fixAt[index]) {
      this.lon[index] = lon;
      this.lat[index] = lat;
      this.fixAt[index] = fixAt;
    }
    this.alarming[index] = alarming ? 1 : 0;
  }

  /** Tells the map something changed. */
  touch(): void {
    this.version += 1;
  }

  /** Applies one vehicle; a fix older than the one held moves nothing but still updates the alarming flag. */
  upsert(vehicle: FeedVehicle): void {
    if (!isValidVehicle(vehicle)) {
      this.rejected += 1;
      return;
    }
    let index = this.indexById.get(vehicle.terminal_id);
    if (index === undefined) {
      if (this.count >= VEHICLES_MAX) {
        this.droppedOverCapacity += 1;
        return;
      }
      index = this.count;
      this.ensureCapacity(index + 1);
      this.indexById.set(vehicle.terminal_id, index);
      this.count += 1;
      this.fixAt[index] = -Infinity;
    }
    const fixAt = Number.isFinite(vehicle.ts) ? vehicle.ts : 0;
    if (fixAt >= this.fixAt[index]) {
      this.lon[index] = vehicle.lon;
      this.lat[index] = vehicle.lat;
      this.fixAt[index] = fixAt;
    }
    this.classIndex[index] = vehicleClassIndex(vehicle.vehicle_class);
    this.alarming[index] = vehicle.alarming ? 1 : 0;
    this.version += 1;
  }

  /** A snapshot is the whole truth: vehicles it does not list are dropped. The arrays are reused. */
  replaceAll(vehicles: readonly FeedVehicle[]): void {
    this.indexById.clear();
    this.count = 0;
    for (const vehicle of vehicles) this.upsert(vehicle);
    this.version += 1;
  }

  /**
   * The server says the vehicle left this wall's area: it is taken off the map (it keeps its slot, and comes back
   * with its next fix in the area).
   */
  forget(index: number): void {
    this.fixAt[index] = -Infinity;
    this.lon[index] = Number.NaN;
    this.lat[index] = Number.NaN;
    this.alarming[index] = 0;
  }

  /** Vehicles whose latest fix is at most `windowMs` old. */
  countOnline(now: number, windowMs: number): number {
    const since = now - windowMs;
    let online = 0;
    for (let index = 0; index < this.count; index += 1) {
      if (this.fixAt[index] >= since) online += 1;
    }
    return online;
  }

  has(terminalId: string): boolean {
    return this.indexById.has(terminalId);
  }

  private ensureCapacity(needed: number): void {
    if (needed <= this.lon.length) return;
    const capacity = Math.min(VEHICLES_MAX, Math.max(needed, this.lon.length * 2));
    this.lon = grow(this.lon, capacity);
    this.lat = grow(this.lat, capacity);
    this.fixAt = grow(this.fixAt, capacity);
    this.classIndex = grow(this.classIndex, capacity);
    this.alarming = grow(this.alarming, capacity);
  }
}
