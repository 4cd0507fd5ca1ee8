/**
 * A minimal OpenStreetMap PBF writer for tests (the format of wiki.openstreetmap.org/wiki/PBF_Format): an
 * OSMHeader block, then one OSMData block with the nodes (DenseNodes) and one with the ways, each zlib
 * compressed. Protobuf is written by hand — varints, zigzag, length-delimited and packed fields are all a
 * PBF file needs — so the tests do not depend on the importer's own parser to produce their input.
 */
import { deflateSync } from 'node:zlib';

export interface OsmTestNode {
  id: number;
  lon: number;
  lat: number;
}

export interface OsmTestWay {
  id: number;
  refs: number[];
  tags: Record<string, string>;
}

class Pb {
  private readonly parts: Buffer[] = [];

  varint(value: number): this {
    const bytes: number[] = [];
    let v = value;
    while (v >= 0x80) {
      bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    bytes.push(v);
    this.parts.push(Buffer.from(bytes));
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  uint(field: number, value: number): this {
    return this.tag(field, 0).varint(value);
  }

  bytes(field: number, value: Buffer | string): this {
    const b = typeof value === 'string' ? Buffer.from(value) : value;
    this.tag(field, 2).varint(b.length);
    this.parts.push(b);
    return this;
  }

  /** Packed varints (uint32/int32 ≥ 0, or zigzag-encoded sint64 when `signed`). */
  packed(field: number, values: number[], signed: boolean): this {
    const inner = new Pb();
    for (const v of values) inner.varint(signed ? zigzag(v) : v);
    return this.bytes(field, inner.done());
  }

  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function zigzag(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

function deltas(values: number[]): number[] {
  return values.map((v, i) => (i === 0 ? v : v - values[i - 1]));
}

function frame(type: 'OSMHeader' | 'OSMData', message: Buffer): Buffer {
  const blob = new Pb().uint(2, message.length).bytes(3, deflateSync(message)).done();
  const header = new Pb().bytes(1, type).uint(3, blob.length).done();
  const size = Buffer.alloc(4);
  size.writeUInt32BE(header.length);
  return Buffer.concat([size, header, blob]);
}

function primitiveBlock(strings: string[], group: Buffer): Buffer {
  const table = new Pb();
  for (const s of strings) table.bytes(1, s);
  // granularity (17) keeps its default of 100 nanodegrees.
  return new Pb().bytes(1, table.done()).bytes(2, group).done();
}

/** The bytes of a .osm.pbf file holding `nodes` (ids ascending) and `ways`. */
export function writeOsmPbf(nodes: OsmTestNode[], ways: OsmTestWay[]): Buffer {
  const header = new Pb().bytes(4, 'OsmSchema-V0.6').bytes(4, 'DenseNodes').bytes(16, 'vigil-tests').done();
  const dense = new Pb()
    .packed(1, deltas(nodes.map((n) => n.id)), true)
    .packed(8, deltas(nodes.map((n) => Math.round(n.lat * 1e7))), true)
    .packed(9, deltas(nodes.map((n) => Math.round(n.lon * 1e7))), true)
    .done();
  const nodeBlock = primitiveBlock([''], new Pb().bytes(2, dense).done());
  const strings = [''];
  const stringId = (s: string) => {
    let i = strings.indexOf(s);
    if (i < 0) i = strings.push(s) - 1;
    return i;
  };
  const group = new Pb();
  for (const way of ways) {
    const keys = Object.keys(way.tags).map(stringId);
    const vals = Object.values(way.tags).map(stringId);
    group.bytes(
      3,
      new Pb().uint(1, way.id).packed(2, keys, false).packed(3, vals, false).packed(8, deltas(way.refs), true).done(),
    );
  }
  const wayBlock = primitiveBlock(strings, group.done());
  return Buffer.concat([frame('OSMHeader', header), frame('OSMData', nodeBlock), frame('OSMData', wayBlock)]);
}
