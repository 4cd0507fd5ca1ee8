/**
 * The vehicles drawn into a plain 2D canvas over the base map, for kiosks that render WebGL in software. There a
 * deck.gl ScatterplotLayer of 100,000 vehicles costs the software GPU seconds per redraw whatever the resolution
 * (it shades four vertices per vehicle through deck.gl's projection code), while writing a few pixels per vehicle
 * into an image costs milliseconds. Positions are projected here with the map's own Web Mercator camera (the wall's
 * map never rotates or tilts), each vehicle is stamped as a small disc, and the image is put once per redraw. The
 * base map is not redrawn for it: maplibre redraws only when its camera moves.
 */
import type { Map as MaplibreMap } from 'maplibre-gl';
import type { VehicleStore } from '../feed/vehicle-store.js';
import {
  ALARMING_COLOR,
  OFFLINE_ALPHA,
  ONLINE_ALPHA,
  VEHICLE_CLASS_COLORS_BY_INDEX,
  type Rgb,
} from './vehicle-colors.js';
import type { MarkRadii } from './vehicle-buffers.js';

/** maplibre's world is 512 px wide at zoom 0. */
const WORLD_SIZE_PX_AT_ZOOM_0 = 512;
const DEGREES_TO_RADIANS = Math.PI / 180;

/** Pixel offsets of a disc of `radiusPx` (at least the centre pixel), as a flat [dx0, dy0, dx1, dy1, ...] list. */
export function discOffsets(radiusPx: number): Int32Array {
  const reach = Math.max(0, Math.floor(radiusPx));
  const offsets: number[] = [];
  for (let dy = -reach; dy <= reach; dy += 1) {
    for (let dx = -reach; dx <= reach; dx += 1)
      if (dx * dx + dy * dy <= radiusPx * radiusPx || (dx === 0 && dy === 0)) offsets.push(dx, dy);
  }
  return Int32Array.from(offsets);
}

/** RGBA packed as ImageData's bytes read through a little-endian Uint32Array. */
function packColor([red, green, blue]: Rgb, alpha: number): number {
  return ((alpha << 24) | (blue << 16) | (green << 8) | red) >>> 0;
}

/** Mercator x and y of a position in 0..1 world units. */
function mercatorX(lon: number): number {
  return (lon + 180) / 360;
}

function mercatorY(lat: number): number {
  return 0.5 - Math.log(Math.tan(Math.PI / 4 + (lat * DEGREES_TO_RADIANS) / 2)) / (2 * Math.PI);
}

export class VehicleCanvas {
  readonly canvas: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  private image: ImageData | null = null;
  private pixels = new Uint32Array(0);
  /**
   * The box drawn into last time (inclusive): cleared before the next draw instead of the whole image, and with the
   * new box the only part sent to the canvas, so the browser recomposites only the province's part of the screen.
   */
  private drawn = { rowMin: 0, rowMax: -1, colMin: 0, colMax: -1 };
  /** Per vehicle slot: the position last projected and its Mercator y, so unmoved vehicles skip the log/tan. */
  private projectedLat = new Float64Array(0);
  private mercatorYs = new Float64Array(0);
  private alarmingSlots = new Int32Array(0);
  private readonly onlineColors: number[];
  private readonly offlineColors: number[];
  private readonly alarmingColor = packColor(ALARMING_COLOR, ONLINE_ALPHA);

  /** `pixelRatio`: canvas pixels per CSS pixel (the render budget's, times the screen's). */
  constructor(
    private readonly map: MaplibreMap,
    private readonly pixelRatio: number,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'wall-vehicle-canvas';
    // Scaled up without smoothing: dots stay crisp, and a software compositor's nearest-neighbour scaling is the cheapest.
    Object.assign(this.canvas.style, {
      position: 'absolute',
      left: '0',
      top: '0',
      width: '100%',
      height: '100%',
      pointerEvents: 'none',
      imageRendering: 'pixelated',
    });
    // Right after the map's own canvas: above the base map, under deck.gl's overlay (alarm rings, labels).
    map.getCanvasContainer().appendChild(this.canvas);
    const context = this.canvas.getContext('2d');
    if (context === null) throw new Error('the browser gave no 2D canvas context for the vehicle layer');
    this.context = context;
    this.onlineColors = VEHICLE_CLASS_COLORS_BY_INDEX.map((rgb) => packColor(rgb, ONLINE_ALPHA));
    this.offlineColors = VEHICLE_CLASS_COLORS_BY_INDEX.map((rgb) => packColor(rgb, OFFLINE_ALPHA));
  }

  destroy(): void {
    this.canvas.remove();
  }

  /**
   * Draws the vehicles on the map (latest fix since `onMapSince`, server time), faded when not online
   * (`onlineSince`); `radii` in CSS pixels.
   */
  draw(store: VehicleStore, onlineSince: number, onMapSince: number, radii: MarkRadii): void {
    this.ensureSize();
    const image = this.image;
    if (image === null) return;
    const { pixels, pixelRatio } = this;
    const width = image.width;
    const height = image.height;
    const before = this.drawn;
    for (let row = before.rowMin; row <= before.rowMax; row += 1)
      pixels.fill(0, row * width + before.colMin, row * width + before.colMax + 1);
    this.ensureSlots(store.count);
    // The camera: the screen position of the map's centre and the world's size at its zoom, in canvas pixels.
    const center = this.map.getCenter();
    const centerScreen = this.map.project(center);
    const worldPx = WORLD_SIZE_PX_AT_ZOOM_0 * 2 ** this.map.getZoom() * pixelRatio;
    const originX = centerScreen.x * pixelRatio - mercatorX(center.lng) * worldPx;
    const originY = centerScreen.y * pixelRatio - mercatorY(center.lat) * worldPx;
    // At least a 3-pixel cross even on a small test screen at half resolution: a mark must never vanish.
    const normal = discOffsets(Math.max(1, radii.normal * pixelRatio));
    const alarmingDisc = discOffsets(Math.max(2, radii.alarming * pixelRatio));
    const { lon, lat, fixAt, classIndex, alarming, count } = store;
    const { projectedLat, mercatorYs, alarmingSlots } = this;
    let alarmingCount = 0;
    let rowMin = height;
    let rowMax = -1;
    let colMin = width;
    let colMax = -1;
    const stamp = (i: number, offsets: Int32Array, color: number): void => {
      if (projectedLat[i] !== lat[i]) {
        projectedLat[i] = lat[i];
        mercatorYs[i] = mercatorY(lat[i]);
      }
      const x = Math.round(originX + mercatorX(lon[i]) * worldPx);
      const y = Math.round(originY + mercatorYs[i] * worldPx);
      if (!(x >= -8 && y >= -8 && x < width + 8 && y < height + 8)) return;
      for (let k = 0; k < offsets.length; k += 2) {
        const px = x + offsets[k];
        const py = y + offsets[k + 1];
        if (px < 0 || py < 0 || px >= width || py >= height) continue;
        pixels[py * width + px] = color;
        if (py < rowMin) rowMin = py;
        if (py > rowMax) rowMax = py;
        if (px < colMin) colMin = px;
        if (px > colMax) colMax = px;
      }
    };
    for (let i = 0; i < count; i += 1) {
      if (!(fixAt[i] >= onMapSince)) continue;
      // Alarming vehicles are stamped last, so they are never hidden under their neighbours.
      if (alarming[i] === 1) alarmingSlots[alarmingCount++] = i;
      else
        stamp(
          i,
          normal,
          fixAt[i] >= onlineSince ? this.onlineColors[classIndex[i]] : this.offlineColors[classIndex[i]],
        );
    }
    for (let k = 0; k < alarmingCount; k += 1) stamp(alarmingSlots[k], alarmingDisc, this.alarmingColor);
    const put = {
      rowMin: Math.min(rowMin, before.rowMin),
      rowMax: Math.max(rowMax, before.rowMax),
      colMin: Math.min(colMin, before.colMin),
      colMax: Math.max(colMax, before.colMax),
    };
    if (put.rowMax >= put.rowMin && put.colMax >= put.colMin) {
      this.context.putImageData(
        image,
        0,
        0,
        put.colMin,
        put.rowMin,
        put.colMax - put.colMin + 1,
        put.rowMax - put.rowMin + 1,
      );
    }
    this.drawn = { rowMin, rowMax, colMin, colMax };
  }

  private ensureSlots(count: number): void {
    if (this.projectedLat.length >= count) return;
    const capacity = Math.max(count, this.projectedLat.length * 2, 1_024);
    const projected = new Float64Array(capacity).fill(Number.NaN);
    const ys = new Float64Array(capacity);
    projected.set(this.projectedLat);
    ys.set(this.mercatorYs);
    this.projectedLat = projected;
    this.mercatorYs = ys;
    this.alarmingSlots = new Int32Array(capacity);
  }

  /** The alpha drawn at a position as maplibre projects it (the tests' check of this layer's own projection). */
  alphaAt(lon: number, lat: number): number | null {
    if (this.image === null || !Number.isFinite(lon) || !Number.isFinite(lat)) return null;
    const point = this.map.project([lon, lat]);
    const x = Math.round(point.x * this.pixelRatio);
    const y = Math.round(point.y * this.pixelRatio);
    if (x < 0 || y < 0 || x >= this.image.width || y >= this.image.height) return null;
    return this.image.data[(y * this.image.width + x) * 4 + 3];
  }

  /** Follows the map container's size; the image is reallocated only when it changes. */
  private ensureSize(): void {
    const container = this.map.getContainer();
    const width = Math.max(1, Math.round(container.clientWidth * this.pixelRatio));
    const height = Math.max(1, Math.round(container.clientHeight * this.pixelRatio));
    if (this.image !== null && this.image.width === width && this.image.height === height) return;
    this.canvas.width = width;
    this.canvas.height = height;
    this.image = this.context.createImageData(width, height);
    this.pixels = new Uint32Array(this.image.data.buffer);
    this.drawn = { rowMin: 0, rowMax: -1, colMin: 0, colMax: -1 };
  }
}
