import { describe, expect, it } from 'vitest';
import { roadGraph } from './roads.js';
import { divisionByCode } from './divisions.js';

describe('roadGraph', () => {
  const graph = roadGraph();

  it('has one node per county-level seat and 济源, 18 of them city seats', () => {
    expect(graph.nodes).toHaveLength(157);
    expect(graph.nodes.filter((n) => n.isCitySeat)).toHaveLength(18);
    for (const node of graph.nodes) expect(divisionByCode(node.code)?.seatLonLatDeg).toEqual(node.lonLatDeg);
  });

  it('links every seat to at least four others and connects the whole province', () => {
    const neighbours = new Map<string, Set<string>>(graph.nodes.map((n) => [n.code, new Set<string>()]));
    for (const edge of graph.edges) {
      expect(edge.fromCode < edge.toCode).toBe(true);
      expect(edge.lengthKm).toBeGreaterThan(0);
      expect(edge.lengthKm).toBeLessThan(250);
      neighbours.get(edge.fromCode)!.add(edge.toCode);
      neighbours.get(edge.toCode)!.add(edge.fromCode);
    }
    for (const [code, set] of neighbours) expect(set.size, code).toBeGreaterThanOrEqual(4);
    const reached = new Set([graph.nodes[0].code]);
    const queue = [graph.nodes[0].code];
    while (queue.length > 0) {
      for (const next of neighbours.get(queue.pop()!)!) {
        if (!reached.has(next)) {
          reached.add(next);
          queue.push(next);
        }
      }
    }
    expect(reached.size).toBe(graph.nodes.length);
  });

  it('classes links between city seats as expressways and is deterministic', () => {
    const byCode = new Map(graph.nodes.map((n) => [n.code, n]));
    for (const edge of graph.edges) {
      const both = byCode.get(edge.fromCode)!.isCitySeat && byCode.get(edge.toCode)!.isCitySeat;
      expect(edge.roadClass).toBe(both ? 'expressway' : 'trunk');
    }
    expect(graph.edges.some((e) => e.roadClass === 'expressway')).toBe(true);
    expect(roadGraph()).toEqual(graph);
  });

  it('rejects a neighbour count below one', () => {
    expect(() => roadGraph({ nearestSeats: 0 })).toThrow(/nearestSeats value 0 is less than min allowed 1/);
  });
});
