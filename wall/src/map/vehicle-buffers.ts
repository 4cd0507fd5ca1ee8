/**
 * The vehicles as deck.gl binary attributes. With 100,000 vehicles, deck.gl's per-object accessors cost tens of
 * milliseconds per refresh; filling typed arrays in one tight loop costs about one, and deck.gl then uploads them
 * as they are. The arrays are allocated once per capacity and reused; only the small `data` wrapper is new on each
 * refresh, which is how deck.gl learns that the values behind it changed.
 */
import type { VehicleStore } from '../feed/vehicle-store.js';
import { ALARMING_COLOR, OFFLINE_ALPHA, ONLINE_ALPHA, VEHICLE_CLASS_COLORS_BY_INDEX } from './vehicle-colors.js';

/** Mark radii in CSS pixels (from the wall's layout, see app/wall-layout.ts), shared with the 2D-canvas layer. */
export interface MarkRadii {
  normal: number;
  alarming: number;
}

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

  /**
   * Copies the store into the attribute arrays: vehicles on the map (latest fix since `onMapSince`, server time),
   * faded when not online (`onlineSince`), alarming ones last so that they are drawn on top of their neighbours.
   */
  fill(store: VehicleStore, onlineSince: number, onMapSince: number, radii: MarkRadii): VehicleBinaryData {
    this.ensureCapacity(store.count);
    const { positions, colors } = this;
    const { lon, lat, fixAt, classIndex, alarming } = store;
    let count = 0;
    const put = (index: number, isAlarming: boolean): void => {
      positions[count * 3] = lon[index];
      positions[count * 3 + 1] = lat[index];
      positions[count * 3 + 2] = 0;
      const [red, green, blue] = isAlarming ? ALARMING_COLOR : VEHICLE_CLASS_COLORS_BY_INDEX[classIndex[index]];
      colors[count * 4] = red;
      colors[count * 4 + 1] = green;
      colors[count * 4 + 2] = blue;
      colors[count * 4 + 3] = isAlarming || fixAt[index] >= onlineSince ? ONLINE_ALPHA : OFFLINE_ALPHA;
      this.radii[count] = isAlarming ? radii.alarming : radii.normal;
      count += 1;
    };
    for (let pass = 0; pass < 2; pass += 1) {
      for (let index = 0; index < store.count; index += 1) {
        if (!(fixAt[index] >= onMapSince) || (alarming[index] === 1) !== (pass === 1)) continue;
        put(index, pass === 1);
      }
    }
    const { radii: radiusArray } = this;
    return {
      length: count,
      attributes: {
        // Views of exactly `count` rows, so deck.gl uploads only the live part of the arrays.
        getPosition: { value: positions.subarray(0, count * 3), size: 3 },
        getFillColor: { value: colors.subarray(0, count * 4), size: 4, normalized: true },
        getRadius: { value: radiusArray.subarray(0, count), size: 1 },
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
