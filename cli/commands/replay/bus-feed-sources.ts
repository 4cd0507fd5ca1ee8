/**
 * Delivers a generated directory's city bus feeds (manifest `buses`, fixtures/generator/bus-feeds.ts) the way an
 * operator's feed reaches Vigil through a forwarder (docs/sources/buses.md): each operator's GTFS static zip
 * posted once to `/api/ingest/gtfs_static` as `application/zip`, then every GTFS-Realtime snapshot, all operators
 * merged in time order, posted as `application/x-protobuf` to `/api/ingest/gtfs_rt` when the replay's clock
 * reaches its time, as the forwarder would after fetching it from the operator's URL.
 *
 * Keys: `gtfs_static:<org>` / `gtfs_rt:<org>` (a key bound to the operator's unit, as in production), else the
 * kind's key, else `*`. An operator without both keys is left out, so a replay given keys for other kinds only
 * (older harnesses) posts no buses, nor does one whose `kinds` leave out `gtfs_rt` (the demo, which runs buses of
 * its own). A shifted replay moves the feed's timestamps with the rest.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import GtfsRealtimeBindings from 'gtfs-realtime-bindings';
import type { BusFeedManifest, GeneratedManifest } from '../../../fixtures/generator/index.js';
import { due, postBody, type HttpSourceOptions } from './http-sources.js';
import { InFlight } from './in-flight.js';
import type { ReplayStats } from './replay-stats.js';

const rt = GtfsRealtimeBindings.transit_realtime;

/**
 * Snapshots posted at once. Each post is answered once its rows are stored (a sink's linger and insert, 0.1–0.5 s
 * on a loaded node): one at a time, the 2,880 snapshots of two operators' day would take 5–20 minutes whatever
 * else the replay does. Their rows are keyed by their own times (bus_positions and bus_stop_delays order by
 * `ts`), so the order in which posts land changes nothing stored.
 */
const SNAPSHOT_POSTS_IN_FLIGHT = 32;

function keyOf(options: HttpSourceOptions, kind: 'gtfs_static' | 'gtfs_rt', orgCode: string): string | undefined {
  return options.keys[`${kind}:${orgCode}`] ?? options.keys[kind] ?? options.keys['*'];
}

interface Snapshot {
  feed: BusFeedManifest;
  atS: number;
  file: string;
}

/** The snapshot's entities, and its bytes with every timestamp moved by `shiftMs` (unchanged when 0). */
function prepared(bytes: Uint8Array, shiftMs: number): { body: Uint8Array; entities: number } {
  const message = rt.FeedMessage.decode(bytes);
  if (shiftMs === 0) return { body: bytes, entities: message.entity.length };
  const shiftS = Math.round(shiftMs / 1000);
  const object = rt.FeedMessage.toObject(message, { longs: Number }) as {
    header: { timestamp?: number };
    entity: { vehicle?: { timestamp?: number }; tripUpdate?: { timestamp?: number } }[];
  };
  if (object.header.timestamp !== undefined) object.header.timestamp += shiftS;
  for (const e of object.entity)
    for (const part of [e.vehicle, e.tripUpdate]) if (part?.timestamp !== undefined) part.timestamp += shiftS;
  return { body: rt.FeedMessage.encode(rt.FeedMessage.fromObject(object)).finish(), entities: object.entity.length };
}

export async function postBusFeeds(
  dir: string,
  manifest: GeneratedManifest,
  options: HttpSourceOptions,
  stats: ReplayStats,
): Promise<void> {
  try {
    const wanted = options.kinds === undefined || options.kinds.includes('gtfs_rt');
    const feeds = (wanted ? (manifest.buses?.feeds ?? []) : []).filter(
      (f) => keyOf(options, 'gtfs_static', f.org_code) !== undefined && keyOf(options, 'gtfs_rt', f.org_code),
    );
    // The timetable first, so positions name routes and trips Vigil knows.
    for (const feed of feeds) {
      if (options.signal?.aborted) return;
      const zip = readFileSync(path.join(dir, feed.static));
      const key = keyOf(options, 'gtfs_static', feed.org_code)!;
      await postBody(options, 'gtfs_static', key, { body: zip, type: 'application/zip' }, feed.static_rows, stats);
    }
    const snapshots: Snapshot[] = feeds
      .flatMap((feed) =>
        readdirSync(path.join(dir, feed.realtime))
          .filter((name) => /^\d+\.pb$/.test(name))
          .map((name) => ({ feed, atS: Number(name.slice(0, -3)), file: path.join(dir, feed.realtime, name) })),
      )
      .filter((s) => options.skipBeforeMs === undefined || s.atS * 1000 >= options.skipBeforeMs)
      .sort((a, b) => a.atS - b.atS || a.feed.org_code.localeCompare(b.feed.org_code));
    const posts = new InFlight(SNAPSHOT_POSTS_IN_FLIGHT);
    try {
      for (const snapshot of snapshots) {
        if (options.signal?.aborted) return;
        await due(snapshot.atS * 1000, options);
        const { body, entities } = prepared(readFileSync(snapshot.file), options.timeShiftMs);
        const key = keyOf(options, 'gtfs_rt', snapshot.feed.org_code)!;
        await posts.add(() =>
          postBody(options, 'gtfs_rt', key, { body, type: 'application/x-protobuf' }, entities, stats),
        );
      }
    } finally {
      await posts.drain();
    }
  } finally {
    options.lockstep?.leave();
  }
}
