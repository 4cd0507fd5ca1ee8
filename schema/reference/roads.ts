// A schematic road graph between the province's county seats, derived only from the divisions, so the traffic
// generator gets the same network on every machine and every run. It is not the real road network: it links
// each seat to its nearest seats, which is enough to move simulated vehicles plausibly between towns.
import type { LonLat } from './geometry.js';
import { greatCircleKm } from './geometry.js';
import { countyAt, divisions, type Division } from './divisions.js';

export type RoadClass = 'expressway' | 'trunk';

export interface RoadNode {
  /** Code of the county-level unit (or city-level unit without counties, such as 济源) whose seat this is. */
  readonly code: string;
  readonly name: string;
  readonly lonLatDeg: LonLat;
  /** True when this seat is also the seat of a city-level unit (the city government sits in this unit). */
  readonly isCitySeat: boolean;
}

export interface RoadEdge {
  /** The smaller code first; edges are undirected. */
  readonly fromCode: string;
  readonly toCode: string;
  /** Great-circle distance between the seats; real roads are longer (a detour factor is the caller's choice). */
  readonly lengthKm: number;
  readonly roadClass: RoadClass;
}

export interface RoadGraph {
  readonly nodes: readonly RoadNode[];
  readonly edges: readonly RoadEdge[];
}

export interface RoadGraphOptions {
  /** Each seat is linked to this many nearest seats. */
  readonly nearestSeats?: number;
  /** Each city seat is also linked by expressway to this many nearest other city seats. */
  readonly nearestCitySeats?: number;
}

const NEAREST_SEATS_DEFAULT = 4;
const NEAREST_CITY_SEATS_DEFAULT = 3;

function seatNodes(): RoadNode[] {
  // A city-level unit with no counties (Henan's 济源) is a seat of its own, like a county.
  const parents = new Set(divisions().map((d) => d.parentCode));
  const isSeatUnit = (d: Division): boolean => d.level === 'county' || (d.level === 'city' && !parents.has(d.code));
  const citySeatUnits = new Set(
    divisions()
      .filter((d) => d.level === 'city')
      .map((city) => (isSeatUnit(city) ? city.code : countyAt(...city.seatLonLatDeg)?.code))
      .filter((code): code is string => code !== undefined),
  );
  return divisions()
    .filter(isSeatUnit)
    .map((d) => ({ code: d.code, name: d.name, lonLatDeg: d.seatLonLatDeg, isCitySeat: citySeatUnits.has(d.code) }))
    .sort((a, b) => a.code.localeCompare(b.code));
}

/** Nearest other nodes by distance, ties broken by code so the result never depends on sort stability. */
function nearest(node: RoadNode, candidates: readonly RoadNode[], count: number): RoadNode[] {
  return candidates
    .filter((c) => c.code !== node.code)
    .map((c) => ({ c, km: greatCircleKm(node.lonLatDeg, c.lonLatDeg) }))
    .sort((a, b) => a.km - b.km || a.c.code.localeCompare(b.c.code))
    .slice(0, count)
    .map(({ c }) => c);
}

/**
 * Seats linked to their k nearest seats (k = 4 by default), city seats additionally to their nearest city
 * seats, and a minimum spanning tree over all seats so that every seat can reach every other: nearest-neighbour
 * links alone leave clusters such as a city's urban districts cut off. Links between two city seats are
 * expressways, all others trunk roads.
 */
export function roadGraph(options: RoadGraphOptions = {}): RoadGraph {
  const nearestSeats = options.nearestSeats ?? NEAREST_SEATS_DEFAULT;
  const nearestCitySeats = options.nearestCitySeats ?? NEAREST_CITY_SEATS_DEFAULT;
  if (!Number.isInteger(nearestSeats) || nearestSeats < 1)
    throw new Error(`nearestSeats value ${nearestSeats} is less than min allowed 1`);
  if (!Number.isInteger(nearestCitySeats) || nearestCitySeats < 0) {
    throw new Error(`nearestCitySeats value ${nearestCitySeats} is less than min allowed 0`);
  }
  const nodes = seatNodes();
  const byCode = new Map(nodes.map((n) => [n.code, n]));
  const edges = new Map<string, RoadEdge>();
  const link = (a: RoadNode, b: RoadNode): void => {
    const [from, to] = a.code < b.code ? [a, b] : [b, a];
    const key = `${from.code}-${to.code}`;
    if (edges.has(key)) return;
    edges.set(key, {
      fromCode: from.code,
      toCode: to.code,
      lengthKm: Math.round(greatCircleKm(from.lonLatDeg, to.lonLatDeg) * 1000) / 1000,
      roadClass: from.isCitySeat && to.isCitySeat ? 'expressway' : 'trunk',
    });
  };
  for (const node of nodes) for (const other of nearest(node, nodes, nearestSeats)) link(node, other);
  const citySeats = nodes.filter((n) => n.isCitySeat);
  for (const node of citySeats) for (const other of nearest(node, citySeats, nearestCitySeats)) link(node, other);
  for (const [a, b] of spanningTree(nodes)) link(byCode.get(a)!, byCode.get(b)!);
  const sorted = [...edges.values()].sort(
    (x, y) => x.fromCode.localeCompare(y.fromCode) || x.toCode.localeCompare(y.toCode),
  );
  return { nodes, edges: sorted };
}

/** Kruskal over all seat pairs (157 seats, ~12,000 pairs): cheap, and deterministic by (distance, codes). */
function spanningTree(nodes: readonly RoadNode[]): Array<[string, string]> {
  const pairs: Array<{ a: string; b: string; km: number }> = [];
  for (let i = 0; i < nodes.length; i += 1) {
    for (let j = i + 1; j < nodes.length; j += 1) {
      pairs.push({ a: nodes[i].code, b: nodes[j].code, km: greatCircleKm(nodes[i].lonLatDeg, nodes[j].lonLatDeg) });
    }
  }
  pairs.sort((x, y) => x.km - y.km || x.a.localeCompare(y.a) || x.b.localeCompare(y.b));
  const root = new Map(nodes.map((n) => [n.code, n.code]));
  const find = (code: string): string => {
    let at = code;
    while (root.get(at) !== at) at = root.get(at)!;
    root.set(code, at);
    return at;
  };
  const tree: Array<[string, string]> = [];
  for (const { a, b } of pairs) {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) continue;
    root.set(ra, rb);
    tree.push([a, b]);
  }
  return tree;
}
