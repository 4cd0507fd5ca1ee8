/** Types of the parts of osm-pbf-parser (plain JavaScript, no published types) that `vigil roads` uses. */
declare module 'osm-pbf-parser' {
  import type { Duplex } from 'node:stream';

  export interface OsmNode {
    type: 'node';
    id: number;
    lat: number;
    lon: number;
    tags: Record<string, string>;
  }
  export interface OsmWay {
    type: 'way';
    id: number;
    tags: Record<string, string>;
    refs: number[];
  }
  export interface OsmRelation {
    type: 'relation';
    id: number;
    tags: Record<string, string>;
  }
  export type OsmItem = OsmNode | OsmWay | OsmRelation;

  /** A duplex stream: PBF bytes in, arrays of items (one per primitive block) out. */
  function createParser(): Duplex;
  export default createParser;
}
