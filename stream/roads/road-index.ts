/**
 * The road index as the rules read it: `match` finds the road a fix is on — the nearest segment within
 * `maxDistanceM` whose direction agrees with the fix's heading — from the grid cells around the fix only. It
 * runs on the rules' hot path (once per moving fix, shared by the rules through a one-entry cache), so it
 * allocates nothing but the answer and touches a few dozen segments at most in town.
 *
 * Heading agreement is tested on the undirected segment (a fix may drive either way on a two-way road): a fix
 * heading 90° is on a road running 90° or 270°, not on the crossing street that runs 0°. Below `headingSpeedKmh`
 * the heading is noise (a standing vehicle's GNSS heading wanders) and only the distance counts.
 */
import { readFileSync } from 'node:fs';
import {
  cellKeyOf,
  ROAD_INDEX_FORMAT,
  ROAD_INDEX_MAGIC,
  RoadIndexFileError,
  type RoadIndexHeader,
  type RoadIndexSummary,
} from './road-index-format.js';
import { KEPT_HIGHWAYS, ROAD_TYPES, type KeptHighway, type RoadType } from './road-types.js';

export interface Road {
  /** Its number in the index. */
  id: number;
  type: RoadType;
  highway: KeptHighway;
  /** Posted limit (`maxspeed`), km/h; undefined when the way has none. */
  maxspeed: number | undefined;
  /** Posted limit for heavy goods vehicles (`maxspeed:hgv`), km/h. */
  maxspeedHgv: number | undefined;
  name: string;
  ref: string;
}

export interface RoadMatch {
  road: Road;
  /** From the fix to the segment, metres. */
  distanceM: number;
}

export interface MatchOptions {
  /** Farthest a fix may be from the road's centre line, metres. */
  maxDistanceM: number;
  /** Largest angle between the fix's heading and the road, degrees (0..90). */
  headingToleranceDeg: number;
  /** Heading is used only at or above this speed, km/h. */
  headingSpeedKmh: number;
}

export const MATCH_DEFAULTS: MatchOptions = { maxDistanceM: 40, headingToleranceDeg: 45, headingSpeedKmh: 10 };

/** Metres of distance one degree of heading disagreement weighs as, when ranking candidate segments. */
const METRES_PER_HEADING_DEGREE = 0.3;
const METRES_PER_DEGREE = 111_195;

/** What rules see of the index (tests may give a stand-in). */
export interface RoadLookup {
  match(lon: number, lat: number, headingDeg: number, speedKmh: number, options?: MatchOptions): RoadMatch | undefined;
  readonly summary: RoadIndexSummary;
}

export class RoadIndex implements RoadLookup {
  readonly summary: RoadIndexSummary;
  readonly builtAt: number;
  readonly source: string;
  private readonly cellDeg: number;
  private readonly meta: Uint8Array;
  private readonly nameOf: Int32Array;
  private readonly refOf: Int32Array;
  private readonly names: string[];
  private readonly refs: string[];
  private readonly coords: Int32Array;
  private readonly segRoad: Uint32Array;
  private readonly cellStart: Uint32Array;
  private readonly cellSegs: Uint32Array;
  /** Occupied cells' keys, ascending. */
  private readonly cellKeys: Float64Array;
  private readonly roads: (Road | undefined)[];
  // One-entry cache: the rules of one fix ask about the same position in turn.
  private lastLon = NaN;
  private lastLat = NaN;
  private lastHeading = NaN;
  private lastSpeed = NaN;
  private lastOptions: MatchOptions | undefined;
  private lastAnswer: RoadMatch | undefined;

  constructor(bytes: Uint8Array) {
    const magicLength = ROAD_INDEX_MAGIC.length;
    if (
      bytes.length < magicLength + 4 ||
      Buffer.from(bytes.subarray(0, magicLength)).toString('latin1') !== ROAD_INDEX_MAGIC
    )
      throw new RoadIndexFileError('road_index_not_vigil', 'is not a Vigil road index (no VIGILRD1 signature)');
    // Typed views need 4-aligned offsets: copy into a buffer of our own when the bytes are not at one.
    const own = bytes.byteOffset % 8 === 0 ? bytes : Uint8Array.from(bytes);
    const view = new DataView(own.buffer, own.byteOffset, own.byteLength);
    const headerLength = view.getUint32(magicLength, true);
    let header: RoadIndexHeader;
    try {
      header = JSON.parse(
        Buffer.from(own.subarray(magicLength + 4, magicLength + 4 + headerLength)).toString('utf8'),
      ) as RoadIndexHeader;
    } catch {
      throw new RoadIndexFileError('road_index_corrupt', 'has a header that is not JSON');
    }
    if (header.format !== ROAD_INDEX_FORMAT)
      throw new RoadIndexFileError(
        'road_index_corrupt',
        `has format ${JSON.stringify(header.format)}, not ${ROAD_INDEX_FORMAT}`,
      );
    const section = <T>(
      name: keyof RoadIndexHeader['sections'],
      make: (b: ArrayBuffer, o: number, n: number) => T,
      size: number,
    ): T => {
      const s = header.sections[name];
      if (!s || s.offset % 8 !== 0 || s.offset + s.bytes > own.byteLength || s.bytes % size !== 0)
        throw new RoadIndexFileError('road_index_corrupt', `has a damaged section ${name}`);
      return make(own.buffer as ArrayBuffer, own.byteOffset + s.offset, s.bytes / size);
    };
    this.meta = section('roadMeta', (b, o, n) => new Uint8Array(b, o, n), 1);
    this.nameOf = section('roadName', (b, o, n) => new Int32Array(b, o, n), 4);
    this.refOf = section('roadRef', (b, o, n) => new Int32Array(b, o, n), 4);
    this.coords = section('segCoords', (b, o, n) => new Int32Array(b, o, n), 4);
    this.segRoad = section('segRoad', (b, o, n) => new Uint32Array(b, o, n), 4);
    const keys = section('cellKeys', (b, o, n) => new Float64Array(b, o, n), 8);
    this.cellStart = section('cellStart', (b, o, n) => new Uint32Array(b, o, n), 4);
    this.cellSegs = section('cellSegs', (b, o, n) => new Uint32Array(b, o, n), 4);
    if (this.cellStart.length !== keys.length + 1 || this.meta.length !== this.nameOf.length * 4)
      throw new RoadIndexFileError('road_index_corrupt', 'has sections of inconsistent lengths');
    this.cellKeys = keys;
    this.cellDeg = header.cellDeg;
    this.names = header.names;
    this.refs = header.refs;
    this.summary = header.summary;
    this.builtAt = header.builtAt;
    this.source = header.source;
    this.roads = new Array<Road | undefined>(this.nameOf.length);
  }

  static fromFile(file: string): RoadIndex {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      throw new RoadIndexFileError('road_index_unreadable', `cannot be read: ${(error as Error).message}`);
    }
    return new RoadIndex(bytes);
  }

  road(id: number): Road {
    let road = this.roads[id];
    if (road === undefined) {
      const m = this.meta;
      road = {
        id,
        type: ROAD_TYPES[m[4 * id]],
        highway: KEPT_HIGHWAYS[m[4 * id + 1]],
        maxspeed: m[4 * id + 2] || undefined,
        maxspeedHgv: m[4 * id + 3] || undefined,
        name: this.nameOf[id] >= 0 ? this.names[this.nameOf[id]] : '',
        ref: this.refOf[id] >= 0 ? this.refs[this.refOf[id]] : '',
      };
      this.roads[id] = road;
    }
    return road;
  }

  match(
    lon: number,
    lat: number,
    headingDeg: number,
    speedKmh: number,
    options: MatchOptions = MATCH_DEFAULTS,
  ): RoadMatch | undefined {
    const useHeading = speedKmh >= options.headingSpeedKmh;
    if (
      lon === this.lastLon &&
      lat === this.lastLat &&
      this.lastOptions !== undefined &&
      options.maxDistanceM === this.lastOptions.maxDistanceM &&
      options.headingToleranceDeg === this.lastOptions.headingToleranceDeg &&
      options.headingSpeedKmh === this.lastOptions.headingSpeedKmh &&
      (useHeading
        ? headingDeg === this.lastHeading && this.lastSpeed >= options.headingSpeedKmh
        : this.lastSpeed < options.headingSpeedKmh)
    )
      return this.lastAnswer;
    const answer = this.search(lon, lat, headingDeg, useHeading, options);
    this.lastLon = lon;
    this.lastLat = lat;
    this.lastHeading = headingDeg;
    this.lastSpeed = speedKmh;
    this.lastOptions = options;
    this.lastAnswer = answer;
    return answer;
  }

  /** The position of a cell in cellKeys, -1 when no segment is in it. */
  private cellOf(key: number): number {
    const keys = this.cellKeys;
    let lo = 0;
    let hi = keys.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid];
      if (k === key) return mid;
      if (k < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private search(
    lon: number,
    lat: number,
    headingDeg: number,
    useHeading: boolean,
    options: MatchOptions,
  ): RoadMatch | undefined {
    const kx = METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180) * 1e-6; // metres per micro-degree
    const ky = METRES_PER_DEGREE * 1e-6;
    const px = lon * 1e6;
    const py = lat * 1e6;
    const dLon = options.maxDistanceM / (kx * 1e6);
    const dLat = options.maxDistanceM / (ky * 1e6);
    const x0 = Math.floor((lon - dLon) / this.cellDeg);
    const x1 = Math.floor((lon + dLon) / this.cellDeg);
    const y0 = Math.floor((lat - dLat) / this.cellDeg);
    const y1 = Math.floor((lat + dLat) / this.cellDeg);
    const c = this.coords;
    let bestScore = Infinity;
    let bestSeg = -1;
    let bestDistance = 0;
    for (let cy = y0; cy <= y1; cy++)
      for (let cx = x0; cx <= x1; cx++) {
        const cell = this.cellOf(cellKeyOf(cx, cy));
        if (cell < 0) continue;
        for (let i = this.cellStart[cell], end = this.cellStart[cell + 1]; i < end; i++) {
          const s = this.cellSegs[i];
          const ax = (c[4 * s] - px) * kx;
          const ay = (c[4 * s + 1] - py) * ky;
          const dx = (c[4 * s + 2] - px) * kx - ax;
          const dy = (c[4 * s + 3] - py) * ky - ay;
          const lengthSquared = dx * dx + dy * dy;
          const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / lengthSquared));
          const ex = ax + t * dx;
          const ey = ay + t * dy;
          const distanceSquared = ex * ex + ey * ey;
          if (distanceSquared > options.maxDistanceM * options.maxDistanceM) continue;
          const distance = Math.sqrt(distanceSquared);
          let score = distance;
          if (useHeading) {
            const bearing = (Math.atan2(dx, dy) * 180) / Math.PI; // clockwise from north
            let diff = Math.abs(headingDeg - bearing) % 180;
            if (diff > 90) diff = 180 - diff;
            if (diff > options.headingToleranceDeg) continue;
            score += diff * METRES_PER_HEADING_DEGREE;
          }
          if (score < bestScore) {
            bestScore = score;
            bestSeg = s;
            bestDistance = distance;
          }
        }
      }
    if (bestSeg < 0) return undefined;
    return { road: this.road(this.segRoad[bestSeg]), distanceM: Math.round(bestDistance * 10) / 10 };
  }
}
