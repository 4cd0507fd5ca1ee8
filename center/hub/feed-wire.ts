/**
 * How the hub's messages travel: which protocol a client gets, the WebSocket server's compression settings, and the
 * binary messages of one positions send (the vehicle-table entries a client has not been told about, then the
 * positions frame). No sockets here; `feed-hub.ts` sends what these build.
 */
import type { ServerOptions } from 'ws';
import {
  encodePositionsFrame,
  encodeVehicleTableFrame,
  FEED_PROTOCOL_VERSION,
  type FeedVehicle,
  type FeedVehicleEntry,
} from '../../schema/index.js';

/** The protocol a client gets when it names none: protocol 2, JSON vehicle tables (what walls built before 3 expect). */
export const PROTOCOL_DEFAULT = 2;
/**
 * permessage-deflate, for the bulk messages only (snapshot, vehicle tables, the snapshot's positions frame): a
 * province snapshot shrinks to a fraction on the wire while the per-second ticks, already compact, cost no zlib
 * work. Each connection that received a compressed message keeps a zlib context of about
 * 2^(windowBits+2) + 2^(memLevel+9) bytes (96 KiB here), hence the small window.
 */
const DEFLATE_WINDOW_BITS = 13;
const DEFLATE_MEM_LEVEL = 7;
const DEFLATE_LEVEL = 1;
/** zlib jobs run at once on the thread pool across all connections (ws queues the rest). */
const DEFLATE_CONCURRENCY_MAX = 4;
/** Client messages are a resume or nothing; anything larger is refused by ws. */
const CLIENT_MESSAGE_BYTES_MAX = 64 * 1024;

export const FEED_SOCKET_SERVER_OPTIONS: ServerOptions = {
  noServer: true,
  maxPayload: CLIENT_MESSAGE_BYTES_MAX,
  perMessageDeflate: {
    serverMaxWindowBits: DEFLATE_WINDOW_BITS,
    serverNoContextTakeover: true,
    zlibDeflateOptions: { level: DEFLATE_LEVEL, memLevel: DEFLATE_MEM_LEVEL },
    concurrencyLimit: DEFLATE_CONCURRENCY_MAX,
    // Compression is asked for per message (bulk only); this only keeps tiny bulk messages uncompressed.
    threshold: 1_024,
  },
};

/**
 * The protocol spoken with a client: the one it asks for with `protocol=`, at most the server's own; a client that
 * names none, or names nonsense, gets protocol 2, so walls and scripts written for it keep working unchanged.
 */
export function agreedProtocol(requested: string | null): number {
  const asked = Number(requested);
  if (requested === null || !Number.isInteger(asked) || asked < 1) return PROTOCOL_DEFAULT;
  return Math.min(asked, FEED_PROTOCOL_VERSION);
}

/** A vehicle as the hub tracks it, with its slot in the vehicle table. */
export interface SlottedVehicle extends FeedVehicle {
  index: number;
  /** This fix takes it out of the client's scope (protocol 4). */
  leftScope?: boolean;
}

/** What one client's binary positions send consists of, in order. */
export interface PositionsSend {
  /** Entries to announce first: a binary frame (protocol 3), JSON entries (protocol 2), or nothing. */
  table: Uint8Array | FeedVehicleEntry[] | null;
  frame: Uint8Array;
}

/**
 * Builds a client's binary positions send and marks the new entries announced. `announced[slot]` holds 1 + the
 * generation of the vehicle last announced in that slot (0 = none), `generation[slot]` the slot's current one.
 */
export function buildPositionsSend(
  vehicles: readonly SlottedVehicle[],
  announced: Uint32Array,
  generation: readonly number[],
  protocol: number,
  now: number,
): PositionsSend {
  const entries: FeedVehicleEntry[] = [];
  for (const v of vehicles) {
    if (v.leftScope === true) continue;
    const tag = generation[v.index] + 1;
    if (announced[v.index] === tag) continue;
    announced[v.index] = tag;
    entries.push({ index: v.index, terminal_id: v.terminal_id, plate: v.plate, vehicle_class: v.vehicle_class });
  }
  const table = entries.length === 0 ? null : protocol >= 3 ? encodeVehicleTableFrame(entries) : entries;
  const frame = encodePositionsFrame(
    vehicles.map((v) => ({
      index: v.index,
      lat: v.lat,
      lon: v.lon,
      ts: v.ts,
      speedKmh: v.speed_kmh,
      directionDeg: v.direction_deg,
      alarming: v.alarming,
      leftScope: v.leftScope,
    })),
    now,
  );
  return { table, frame };
}
