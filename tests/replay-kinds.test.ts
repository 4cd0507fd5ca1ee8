/**
 * A replay told which HTTP kinds to post (`http.kinds`, as the demo replays the committed sample: its roadside records
 * only, since it runs tolls, counts, rail, ships, buses and taxis of its own) posts those and the registry, and
 * nothing of the directory's other kinds or bus feeds, although it holds keys for all of them. Replayed into a
 * spawned `vigil start`; what it stored is read back by SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_KINDS, ROADSIDE_KINDS, type GeneratedManifest } from '../fixtures/generator/index.js';
import { encodeAisMessage } from '../cli/commands/wire-codec.js';
import type { ReplayStats } from '../cli/commands/replay/replay-stats.js';
import { replayGenerated, type GeneratedReplay } from './support/generated-replay.js';
import type { VigilProcess } from './support/vigil-process.js';

// 08:00–10:00 China time: every newer kind has records (taxis take orders from 08:00).
const START_MS = Date.parse('2026-11-02T08:00:00+08:00');
let replay: GeneratedReplay;
let vigil: VigilProcess;
let manifest: GeneratedManifest;
let stats: ReplayStats;

beforeAll(async () => {
  replay = await replayGenerated({
    prefix: 'vigil-replay-kinds-',
    traffic: { vehicles: 6, hours: 2, seed: 5, startMs: START_MS, encodeAis: encodeAisMessage },
    vigilArgs: ['--ingest-rate-per-key', '1000000', '--log-level', 'warn'],
    keys: async (issue) => {
      const keys: Record<string, string> = {};
      for (const kind of [...HTTP_KINDS, 'registry', 'gtfs_static', 'gtfs_rt'])
        keys[kind] = await issue(kind, '410000');
      return keys;
    },
    kinds: ROADSIDE_KINDS,
  });
  ({ vigil, manifest, stats } = replay);
});

afterAll(() => replay?.close());

describe('a replay limited to some HTTP kinds', () => {
  it('holds records of every kind and bus feeds, so that leaving them out is seen', () => {
    for (const kind of HTTP_KINDS) expect(manifest.counts.http[kind], kind).toBeGreaterThan(0);
    expect(manifest.buses!.feeds.length).toBeGreaterThan(0);
  });

  it('posts the roadside kinds and the registry, nothing else', async () => {
    expect(stats.failures).toEqual([]);
    const posted = [...stats.http.keys()].sort();
    expect(posted).toEqual([...ROADSIDE_KINDS, 'registry'].sort());
    for (const kind of ROADSIDE_KINDS) expect(stats.http.get(kind)?.accepted, kind).toBe(manifest.counts.http[kind]);
    const [[buses, taxis, tolls]] = (
      await vigil.sql<[string, string, string]>(
        'SELECT (SELECT count() FROM bus_positions), (SELECT count() FROM taxi_positions), (SELECT count() FROM toll_transactions)',
      )
    ).rows;
    expect([buses, taxis, tolls].map(Number)).toEqual([0, 0, 0]);
  });
});
