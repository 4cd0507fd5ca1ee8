/**
 * Builds the road index file from roads given as polylines (the OSM import hands them over way by way).
 * Segments are kept as they are in OSM (nodes a few to a few hundred metres apart); a segment is listed in
 * every grid cell its bounding box touches, so a lookup never has to look beyond the cells around the fix.
 */
import {
  cellKeyOf,
  ROAD_INDEX_CELL_DEG,
  ROAD_INDEX_FORMAT,
  ROAD_INDEX_MAGIC,
  SECTION_NAMES,
  type RoadIndexHeader,
  type RoadIndexSummary,
  type SectionName,
} from './road-index-format.js';
import { KEPT_HIGHWAYS, ROAD_TYPES, type KeptHighway, type RoadType } from './road-types.js';

export interface RoadInput {
  highway: KeptHighway;
  type: RoadType;
  /** km/h, undefined when not tagged (or not a number). */
  maxspeed: number | undefined;
  maxspeedHgv: number | undefined;
  name: string;
  ref: string;
  /** lon, lat, lon, lat, … in degrees; at least two points. */
  coords: ArrayLike<number>;
}

/** Accumulates roads, then writes the file's bytes. Memory: ~40 bytes per segment while building. */
export class RoadIndexBuilder {
  private readonly meta: number[] = [];
  private readonly nameOf: number[] = [];
  private readonly refOf: number[] = [];
  private readonly names = new Map<string, number>();
  private readonly refs = new Map<string, number>();
  private coords: Int32Array = new Int32Array(1 << 16);
  private segRoad: Uint32Array = new Uint32Array(1 << 14);
  private segments = 0;
  private readonly summary: RoadIndexSummary = {
    ways: 0,
    segments: 0,
    withMaxspeed: 0,
    withoutMaxspeed: 0,
    byType: Object.fromEntries(ROAD_TYPES.map((t) => [t, 0])),
  };

  add(road: RoadInput): void {
    const points = Math.floor(road.coords.length / 2);
    const roadNo = this.meta.length / 4;
    let added = 0;
    for (let i = 0; i + 1 < points; i++) {
      const ax = Math.round(road.coords[2 * i] * 1e6);
      const ay = Math.round(road.coords[2 * i + 1] * 1e6);
      const bx = Math.round(road.coords[2 * i + 2] * 1e6);
      const by = Math.round(road.coords[2 * i + 3] * 1e6);
      if (ax === bx && ay === by) continue;
      this.pushSegment(ax, ay, bx, by, roadNo);
      added++;
    }
    if (added === 0) return;
    this.meta.push(
      ROAD_TYPES.indexOf(road.type),
      KEPT_HIGHWAYS.indexOf(road.highway),
      road.maxspeed ?? 0,
      road.maxspeedHgv ?? 0,
    );
    this.nameOf.push(intern(this.names, road.name));
    this.refOf.push(intern(this.refs, road.ref));
    this.summary.ways++;
    this.summary.segments += added;
    this.summary.byType[road.type]++;
    if (road.maxspeed !== undefined) this.summary.withMaxspeed++;
    else this.summary.withoutMaxspeed++;
  }

  private pushSegment(ax: number, ay: number, bx: number, by: number, road: number): void {
    if ((this.segments + 1) * 4 > this.coords.length) {
      const grown = new Int32Array(this.coords.length * 2);
      grown.set(this.coords);
      this.coords = grown;
      const roads = new Uint32Array(this.segRoad.length * 2);
      roads.set(this.segRoad);
      this.segRoad = roads;
    }
    this.coords.set([ax, ay, bx, by], this.segments * 4);
    this.segRoad[this.segments] = road;
    this.segments++;
  }

  current(): RoadIndexSummary {
    return structuredClone(this.summary);
  }

  /** The file's bytes. */
  build(source: string, builtAt: number): Buffer {
    const grid = this.grid();
    const sections: Record<SectionName, Uint8Array> = {
      roadMeta: Uint8Array.from(this.meta),
      roadName: bytesOf(Int32Array.from(this.nameOf)),
      roadRef: bytesOf(Int32Array.from(this.refOf)),
      segCoords: bytesOf(this.coords.subarray(0, this.segments * 4)),
      segRoad: bytesOf(this.segRoad.subarray(0, this.segments)),
      cellKeys: new Uint8Array(grid.keys.buffer, grid.keys.byteOffset, grid.keys.byteLength),
      cellStart: bytesOf(grid.start),
      cellSegs: bytesOf(grid.segs),
    };
    const header: RoadIndexHeader = {
      format: ROAD_INDEX_FORMAT,
      cellDeg: ROAD_INDEX_CELL_DEG,
      builtAt,
      source,
      summary: this.current(),
      names: [...this.names.keys()],
      refs: [...this.refs.keys()],
      sections: {} as RoadIndexHeader['sections'],
    };
    // The header's length depends on the offsets it lists: lay the sections out after a header whose offsets
    // are padded to a fixed width, so the second serialization has the same length as the first.
    const placeholder = Buffer.byteLength(JSON.stringify({ ...header, sections: offsetsFrom(sections, 0) }));
    const start = align8(ROAD_INDEX_MAGIC.length + 4 + placeholder + 64 * SECTION_NAMES.length);
    header.sections = offsetsFrom(sections, start);
    const json = Buffer.from(JSON.stringify(header));
    if (ROAD_INDEX_MAGIC.length + 4 + json.length > start) throw new Error('road index header outgrew its room');
    let end = start;
    for (const name of SECTION_NAMES) end = header.sections[name].offset + header.sections[name].bytes;
    const out = Buffer.alloc(end);
    out.write(ROAD_INDEX_MAGIC, 0, 'latin1');
    out.writeUInt32LE(json.length, ROAD_INDEX_MAGIC.length);
    json.copy(out, ROAD_INDEX_MAGIC.length + 4);
    for (const name of SECTION_NAMES) out.set(sections[name], header.sections[name].offset);
    return out;
  }

  /**
   * Every segment listed in each cell it passes through; cells in ascending key order. A long segment (a
   * motorway's straight run of a few km) is cut into pieces of half a cell, each listed in the cells of its
   * bounding box, so a diagonal does not fill the whole box of cells around it.
   */
  private grid(): { keys: Float64Array; start: Uint32Array; segs: Uint32Array } {
    const perCell = new Map<number, number[]>();
    const step = ROAD_INDEX_CELL_DEG * 1e6;
    const c = this.coords;
    const add = (key: number, s: number) => {
      let list = perCell.get(key);
      if (!list) perCell.set(key, (list = []));
      if (list[list.length - 1] !== s) list.push(s);
    };
    for (let s = 0; s < this.segments; s++) {
      const [ax, ay, bx, by] = [c[4 * s], c[4 * s + 1], c[4 * s + 2], c[4 * s + 3]];
      const pieces = Math.max(1, Math.ceil((Math.max(Math.abs(bx - ax), Math.abs(by - ay)) / step) * 2));
      for (let p = 0; p < pieces; p++) {
        const x0 = ax + ((bx - ax) * p) / pieces;
        const y0 = ay + ((by - ay) * p) / pieces;
        const x1 = ax + ((bx - ax) * (p + 1)) / pieces;
        const y1 = ay + ((by - ay) * (p + 1)) / pieces;
        for (let cy = Math.floor(Math.min(y0, y1) / step); cy <= Math.floor(Math.max(y0, y1) / step); cy++)
          for (let cx = Math.floor(Math.min(x0, x1) / step); cx <= Math.floor(Math.max(x0, x1) / step); cx++)
            add(cellKeyOf(cx, cy), s);
      }
    }
    const keys = Float64Array.from([...perCell.keys()].sort((a, b) => a - b));
    const start = new Uint32Array(keys.length + 1);
    let total = 0;
    keys.forEach((key, i) => {
      start[i] = total;
      total += perCell.get(key)!.length;
    });
    start[keys.length] = total;
    const segs = new Uint32Array(total);
    keys.forEach((key, i) => segs.set(perCell.get(key)!, start[i]));
    return { keys, start, segs };
  }
}

function intern(table: Map<string, number>, text: string): number {
  if (text === '') return -1;
  let index = table.get(text);
  if (index === undefined) table.set(text, (index = table.size));
  return index;
}

function bytesOf(array: Int32Array | Uint32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

function offsetsFrom(sections: Record<SectionName, Uint8Array>, start: number): RoadIndexHeader['sections'] {
  const out = {} as RoadIndexHeader['sections'];
  let offset = start;
  for (const name of SECTION_NAMES) {
    // Fixed-width offsets (padded with the largest value a file may have) keep the header's length stable.
    out[name] = { offset: start === 0 ? 0xffff_ffff : offset, bytes: sections[name].byteLength };
    offset = align8(offset + sections[name].byteLength);
  }
  return out;
}
