/**
 * The vehicles as deck.gl binary attributes. With 100,000 vehicles, deck.gl's per-object accessors cost tens of
 * milliseconds per refresh; filling typed arrays in one tight loop costs about one, and deck.gl then uploads them
 * as they are. The arrays are allocated once per capacity and reused; only the small `data` wrapper is new on each
 * refresh, which is how deck.gl learns that the values behind it changed.
 */
import type { VehicleStore } from '../feed/vehicle-store.js';
import { ALARMING_COLOR, OFFLINE_ALPHA, ONLINE_ALPHA, VEHICLE_CLASS_COLORS_BY_INDEX } from './vehicle-colors.js';

/** Dot radii in 2160-px design pixels, shared with the 2D-canvas vehicle layer so both look the same. */
export const VEHICLE_RADIUS_PX = 3.2;
export const ALARMING_RADIUS_PX = 6.5;

export interface VehicleBinaryData {
  length: number;
  attributes: {
    getPosition: { value: Float32Array; size: 3 };
    getFillColor: { value: Uint8Array; size: 4; normalized: true };
    getRadius: { value: Float32Array; size: 1 };
  };
}

export class VehicleBuffers {
  private positions = new Float32Array(0);
  private colors = new Uint8Array(0);
  private radii = new Float32Array(0);

  /** Copies the store into the attribute arrays; `onlineSince` is server time, `scale` the wall's size factor. */
  fill(store: VehicleStore, onlineSince: number, scale: number): VehicleBinaryData {
    const count = store.count;
    this.ensureCapacity(count);
    const { positions, colors, radii } = this;
    const { lon, lat, fixAt, classIndex, alarming } = store;
    const radiusNormal = VEHICLE_RADIUS_PX * scale;
    const radiusAlarming = ALARMING_RADIUS_PX * scale;
    for (let index = 0; index < count; index += 1) {
      positions[index * 3] = lon[index];
      positions[index * 3 + 1] = lat[index];
      positions[index * 3 + 2] = 0;
      const isAlarming = alarming[index] === 1;
      const [red, green, blue] = isAlarming ? ALARMING_COLOR : VEHICLE_CLASS_COLORS_BY_INDEX[classIndex[index]];
      colors[index * 4] = red;
      colors[index * 4 + 1] = green;
      colors[index * 4 + 2] = blue;
      colors[index * 4 + 3] = isAlarming || fixAt[index] >= onlineSince ? ONLINE_ALPHA : OFFLINE_ALPHA;
      radii[index] = isAlarming ? radiusAlarming : radiusNormal;
    }
    return {
      length: count,
      attributes: {
        // Views of exactly `count` rows, so deck.gl uploads only the live part of the arrays.
        getPosition: { value: positions.subarray(0, count * 3), size: 3 },
        getFillColor: { value: colors.subarray(0, count * 4), size: 4, normalized: true },
        getRadius: { value: radii.subarray(0, count), size: 1 },
      },
    };
  }

  private ensureCapacity(count: number): void {
    if (this.radii.length >= count) return;
    const capacity = Math.max(count, this.radii.length * 2, 1_024);
    this.positions = new Float32Array(capacity * 3);
    this.colors = new Uint8Array(capacity * 4);
    this.radii = new Float32Array(capacity);
  }
}
