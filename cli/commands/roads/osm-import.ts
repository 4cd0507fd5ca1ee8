/**
 * Reads the roads of an OpenStreetMap extract (.osm.pbf) into a `RoadIndexBuilder`, in two streaming passes:
 * the first keeps the highways (their tags and node ids), the second the coordinates of just those nodes. A
 * province's extract holds tens of millions of nodes, most of them buildings and land use; keeping only the
 * roads' nodes (sorted ids and micro-degree coordinates, 16 bytes each) bounds memory to the road network.
 * Ways cut by the extract's boundary reference nodes the file lacks; they are split there and kept in pieces.
 */
import { createReadStream, statSync } from 'node:fs';
import createParser, { type OsmItem } from 'osm-pbf-parser';
import type { RoadIndexBuilder } from '../../../stream/roads/index.js';
import {
  isKeptHighway,
  parseMaxspeed,
  roadTypeOf,
  type KeptHighway,
  type RoadIndexSummary,
} from '../../../stream/roads/index.js';
import { PbfFraming, RoadImportError } from './pbf-framing.js';

export interface ImportProgress {
  pass: 1 | 2;
  bytesRead: number;
  bytesTotal: number;
  highways: number;
}

interface KeptWay {
  highway: KeptHighway;
  tags: Record<string, string>;
  refs: Float64Array;
}

/** Streams `file` through the framing check and the parser, handing each decoded item to `onItem`. */
async function streamItems(
  file: string,
  onItem: (item: OsmItem) => void,
  onBytes: (bytesRead: number) => void,
): Promise<void> {
  const framing = new PbfFraming();
  const parser = createParser();
  let failure: unknown;
  parser.on('data', (items: OsmItem[]) => {
    if (failure !== undefined) return;
    try {
      for (const item of items) onItem(item);
    } catch (error) {
      failure = error;
    }
  });
  const ended = new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('error', (error: unknown) =>
      reject(
        new RoadImportError(
          'corrupt_block',
          `a block cannot be decoded: ${String((error as Error)?.message ?? error)}`,
        ),
      ),
    );
  });
  ended.catch(() => undefined);
  let bytesRead = 0;
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      framing.push(chunk);
      bytesRead += chunk.length;
      onBytes(bytesRead);
      let writable: boolean;
      try {
        writable = parser.write(chunk);
      } catch (error) {
        throw new RoadImportError(
          'corrupt_block',
          `a block cannot be decoded: ${String((error as Error)?.message ?? error)}`,
        );
      }
      if (failure !== undefined) throw failure;
      if (!writable) await new Promise<void>((resolve) => parser.once('drain', resolve));
    }
    framing.end();
  } catch (error) {
    input.destroy();
    parser.destroy();
    if (error instanceof RoadImportError) throw error;
    if ((error as NodeJS.ErrnoException).code !== undefined)
      throw new RoadImportError('file_unreadable', `${file} cannot be read: ${(error as Error).message}`);
    throw error;
  }
  parser.end();
  await ended;
  if (failure !== undefined) throw failure;
}

/** Binary search of a sorted Float64Array; -1 when absent. */
function indexOfSorted(sorted: Float64Array, id: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid];
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export async function importOsmRoads(
  file: string,
  builder: RoadIndexBuilder,
  onProgress: (p: ImportProgress) => void,
): Promise<RoadIndexSummary> {
  let bytesTotal: number;
  try {
    bytesTotal = statSync(file).size;
  } catch (error) {
    throw new RoadImportError('file_unreadable', `${file} cannot be read: ${(error as Error).message}`);
  }
  const ways: KeptWay[] = [];
  let refCount = 0;
  await streamItems(
    file,
    (item) => {
      if (item.type !== 'way' || !isKeptHighway(item.tags.highway) || item.refs.length < 2) return;
      const { name, ref, maxspeed } = item.tags;
      const tags: Record<string, string> = {};
      if (name !== undefined) tags.name = name;
      if (ref !== undefined) tags.ref = ref;
      if (maxspeed !== undefined) tags.maxspeed = maxspeed;
      if (item.tags['maxspeed:hgv'] !== undefined) tags.hgv = item.tags['maxspeed:hgv'];
      ways.push({ highway: item.tags.highway, tags, refs: Float64Array.from(item.refs) });
      refCount += item.refs.length;
    },
    (bytesRead) => onProgress({ pass: 1, bytesRead, bytesTotal, highways: ways.length }),
  );
  if (ways.length === 0)
    throw new RoadImportError(
      'no_roads',
      `${file} holds no highways (motorway … residential, service): is it the right extract?`,
    );

  const all = new Float64Array(refCount);
  let at = 0;
  for (const way of ways) {
    all.set(way.refs, at);
    at += way.refs.length;
  }
  all.sort();
  let unique = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[unique++] = all[i];
  const ids = all.slice(0, unique);
  const lonLat = new Int32Array(unique * 2);
  const found = new Uint8Array(unique);
  await streamItems(
    file,
    (item) => {
      if (item.type !== 'node') return;
      const i = indexOfSorted(ids, item.id);
      if (i < 0) return;
      lonLat[2 * i] = Math.round(item.lon * 1e6);
      lonLat[2 * i + 1] = Math.round(item.lat * 1e6);
      found[i] = 1;
    },
    (bytesRead) => onProgress({ pass: 2, bytesRead, bytesTotal, highways: ways.length }),
  );

  const coords: number[] = [];
  const flush = (way: KeptWay) => {
    if (coords.length >= 4)
      builder.add({
        highway: way.highway,
        type: roadTypeOf(way.highway, way.tags.ref),
        maxspeed: parseMaxspeed(way.tags.maxspeed),
        maxspeedHgv: parseMaxspeed(way.tags.hgv),
        name: way.tags.name ?? '',
        ref: way.tags.ref ?? '',
        coords,
      });
    coords.length = 0;
  };
  for (const way of ways) {
    for (const id of way.refs) {
      const i = indexOfSorted(ids, id);
      if (i < 0 || found[i] === 0) {
        flush(way);
        continue;
      }
      coords.push(lonLat[2 * i] / 1e6, lonLat[2 * i + 1] / 1e6);
    }
    flush(way);
  }
  const summary = builder.current();
  if (summary.ways === 0)
    throw new RoadImportError('no_roads', `${file} holds highways but none of their nodes: the extract is incomplete`);
  return summary;
}
