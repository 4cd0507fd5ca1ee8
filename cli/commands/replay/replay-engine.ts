/**
 * Replays a generated directory into a platform: terminals from the wire shards, each on its own connection,
 * at most `concurrency` at once, and (optionally) the HTTP source records. Used by `vigil replay`, the demo
 * and the benchmark.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readTerminalBlocks, type GeneratedManifest } from '../../../fixtures/generator/index.js';
import { postBusFeeds } from './bus-feed-sources.js';
import { postHttpSources, postRegistry } from './http-sources.js';
import { Lockstep } from './lockstep.js';
import { Gate, ReplayConnection } from './replay-connection.js';
import { ReplayStats } from './replay-stats.js';

export interface ReplayOptions {
  dir: string;
  host: string;
  port: number;
  /** Data time per real time; Infinity = as fast as acknowledgements allow. */
  speed: number;
  /** Replay only the first N terminals. */
  terminalsMax: number;
  concurrency: number;
  windowFrames: number;
  ackTimeoutMs: number;
  retransmitsMax: number;
  /** Terminals registering and authenticating at once (default 64). */
  loginsMax?: number;
  /**
   * At `speed` Infinity: the most data time one terminal (or the HTTP sources) may run ahead of the slowest,
   * in ms; 0 lets each run free. Keeps event time coherent across vehicles, which the rules' clock needs.
   */
  lockstepMs?: number;
  /** Shift device times so that the data's start becomes the replay's start (the demo's "now"). */
  shiftToNow: boolean;
  /**
   * Data ms into the directory the replay starts at (default 0): frames and HTTP records due before are left
   * out, and with `shiftToNow` the data at the offset, not the directory's first record, becomes "now". The
   * registry is still posted whole, and every terminal still registers and authenticates.
   */
  startOffsetMs?: number;
  /** `kinds`: the HTTP kinds to post (default every kind of the directory; see http-sources.ts). */
  http?: { url: string; keys: Record<string, string>; batchRecords: number; kinds?: readonly string[] };
  /** Distinguishes the event ids of repeated replays of the same directory. */
  loop?: number;
  signal?: AbortSignal;
}

export const REPLAY_DEFAULTS = {
  concurrency: 2000,
  windowFrames: 4,
  ackTimeoutMs: 10_000,
  retransmitsMax: 3,
  batchRecords: 500,
  loginsMax: 64,
  lockstepMs: 120_000,
} as const;

export function readManifest(dir: string): GeneratedManifest {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as GeneratedManifest;
  if (manifest.format !== 'vigil-traffic/1')
    throw new Error(`${dir}/manifest.json: format ${JSON.stringify(manifest.format)} is not vigil-traffic/1`);
  return manifest;
}

export async function replayDirectory(
  options: ReplayOptions,
  stats: ReplayStats = new ReplayStats(),
): Promise<ReplayStats> {
  const manifest = readManifest(options.dir);
  const startOffsetMs = options.startOffsetMs ?? 0;
  if (!(startOffsetMs >= 0 && startOffsetMs < manifest.end - manifest.start))
    throw new RangeError(
      `replay start offset ${startOffsetMs} ms is outside the data of ${options.dir} (0 to ${manifest.end - manifest.start} ms)`,
    );
  const dataStartMs = manifest.start + startOffsetMs;
  const realStartMs = Date.now();
  const timeShiftMs = options.shiftToNow ? realStartMs - dataStartMs : 0;
  const common = {
    host: options.host,
    port: options.port,
    realStartMs,
    dataStartMs,
    skipBeforeMs: startOffsetMs > 0 ? dataStartMs : undefined,
    speed: options.speed,
    timeShiftMs,
    windowFrames: options.windowFrames,
    ackTimeoutMs: options.ackTimeoutMs,
    retransmitsMax: options.retransmitsMax,
    logins: new Gate(options.loginsMax ?? REPLAY_DEFAULTS.loginsMax),
    signal: options.signal,
  };
  const lockstepMs = options.lockstepMs ?? 0;
  const lockstep =
    !Number.isFinite(options.speed) && lockstepMs > 0 ? new Lockstep(dataStartMs, lockstepMs) : undefined;
  // The reader holds the horizon at the start until every terminal has joined (or it must wait for a free
  // connection slot, which needs others to finish, hence to move on).
  const reader = lockstep?.join();
  const httpOptions = options.http && {
    ...options.http,
    realStartMs,
    dataStartMs,
    skipBeforeMs: common.skipBeforeMs,
    speed: options.speed,
    timeShiftMs,
    eventIdSuffix: options.loop ? `~${options.loop}` : '',
    signal: options.signal,
  };
  if (httpOptions) await postRegistry(options.dir, manifest, httpOptions, stats);
  const http = httpOptions
    ? Promise.all([
        postHttpSources(options.dir, manifest, { ...httpOptions, lockstep: lockstep?.join() }, stats),
        // The city bus feeds: a timetable and snapshots per operator, not records in the time buckets.
        postBusFeeds(options.dir, manifest, { ...httpOptions, lockstep: lockstep?.join() }, stats),
      ])
    : Promise.resolve();
  const running = new Set<Promise<void>>();
  let started = 0;
  try {
    outer: for (const shard of manifest.wire_shards) {
      for await (const block of readTerminalBlocks(path.join(options.dir, shard))) {
        if (started >= options.terminalsMax || options.signal?.aborted) break outer;
        if (running.size >= options.concurrency) reader?.leave();
        while (running.size >= options.concurrency) await Promise.race(running);
        const run = new ReplayConnection(block, { ...common, lockstep: lockstep?.join() }, stats)
          .run()
          .finally(() => running.delete(run));
        running.add(run);
        started++;
      }
    }
  } finally {
    reader?.leave();
  }
  await Promise.all(running);
  await http;
  return stats;
}
