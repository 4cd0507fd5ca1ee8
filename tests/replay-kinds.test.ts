/**
 * A replay told which HTTP kinds to post (`http.kinds`, as the demo replays the committed sample: its roadside records
 * only, since it runs tolls, counts, rail, ships, buses and taxis of its own) posts those and the registry, and
 * nothing of the directory's other kinds or bus feeds, although it holds keys for all of them. Replayed into a
 * spawned `vigil start`; what it stored is read back by SQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_KINDS, ROADSIDE_KINDS, generateTraffic, type GeneratedManifest } from '../fixtures/generator/index.js';
import { encodeAisMessage, encodeTerminalMessage } from '../cli/commands/wire-codec.js';
import { replayDirectory } from '../cli/commands/replay/replay-engine.js';
import type { ReplayStats } from '../cli/commands/replay/replay-stats.js';
import { startVigil, type VigilProcess } from './support/vigil-process.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-replay-kinds-'));
// 08:00–10:00 China time: every newer kind has records (taxis take orders from 08:00).
const START_MS = Date.parse('2026-11-02T08:00:00+08:00');
let vigil: VigilProcess;
let manifest: GeneratedManifest;
let stats: ReplayStats;

beforeAll(async () => {
  manifest = generateTraffic(
    { vehicles: 6, hours: 2, seed: 5, outDir: dir, startMs: START_MS, encodeAis: encodeAisMessage },
    encodeTerminalMessage,
  );
  vigil = await startVigil({ args: ['--ingest-rate-per-key', '1000000', '--log-level', 'warn'] });
  const token = await vigil.login();
  const keys: Record<string, string> = {};
  for (const kind of [...HTTP_KINDS, 'registry', 'gtfs_static', 'gtfs_rt']) {
    const res = await fetch(`${vigil.baseUrl}/api/sources/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ kind, org_code: '410000', name: `replay kinds ${kind}` }),
    });
    expect(res.status).toBe(201);
    keys[kind] = ((await res.json()) as { key: string }).key;
  }
  stats = await replayDirectory({
    dir,
    host: '127.0.0.1',
    port: vigil.jt808Port,
    speed: Infinity,
    terminalsMax: Infinity,
    concurrency: 10,
    windowFrames: 4,
    ackTimeoutMs: 15_000,
    retransmitsMax: 3,
    shiftToNow: false,
    http: { url: vigil.baseUrl, keys, batchRecords: 500, kinds: ROADSIDE_KINDS },
  });
}, 240_000);

afterAll(async () => {
  await vigil?.stop({ removeData: true });
  rmSync(dir, { recursive: true, force: true });
});

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
