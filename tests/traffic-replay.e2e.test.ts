/**
 * A generated directory replayed over real JT/T 808 connections into a real `vigil start`: every frame that
 * expects an answer is acknowledged, and ClickHouse then holds exactly the positions and back-filled
 * positions the manifest announces, and one reject per corrupted frame.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_KINDS, type GeneratedManifest } from '../fixtures/generator/index.js';
import type { ReplayStats } from '../cli/commands/replay/replay-stats.js';
import { replayGenerated, type GeneratedReplay } from './support/generated-replay.js';
import type { VigilProcess } from './support/vigil-process.js';

let replay: GeneratedReplay;
let dir: string;
let vigil: VigilProcess;
let manifest: GeneratedManifest;
let stats: ReplayStats;

beforeAll(async () => {
  replay = await replayGenerated({
    prefix: 'vigil-replay-',
    traffic: { vehicles: 60, hours: 3, seed: 5, startMs: Date.parse('2026-11-02T05:00:00+08:00') },
    vigilArgs: [],
    // A key for every kind the generator writes, the newer flows (tolls, taxis, counts, rail, registrations) included.
    keys: async (issue) => {
      const keys: Record<string, string> = {};
      for (const kind of [...HTTP_KINDS, 'registry']) keys[kind] = await issue(kind, '410000');
      return keys;
    },
    concurrency: 60,
  });
  ({ dir, vigil, manifest, stats } = replay);
});

afterAll(() => replay?.close());

describe('replay into vigil start', () => {
  it('gets every frame acknowledged and the manifest row counts into ClickHouse', async () => {
    expect(stats.failures).toEqual([]);
    expect(stats.terminalsDone).toBe(60);
    expect(stats.framesSent).toBe(manifest.counts.frames);
    expect(stats.acknowledged).toBe(manifest.counts.frames);
    expect(stats.rejected).toBe(0);
    expect(stats.unanswered).toBe(0);
    expect(stats.malformedSent).toBe(manifest.counts.frames_malformed);
    const rows = await vigil.sql<[string, string, string]>(
      'SELECT count(), countIf(backfill = 1), uniqExact(terminal_id) FROM telemetry FINAL',
    );
    expect(rows.rows[0].map(Number)).toEqual([manifest.counts.positions, manifest.counts.positions_backfilled, 60]);
    const rejects = await vigil.sql<[string, string]>(
      "SELECT reason, count() FROM ingest_rejects WHERE source = 'jt808' GROUP BY reason",
    );
    const byReason = Object.fromEntries(rejects.rows.map(([reason, n]) => [reason, Number(n)]));
    expect(byReason).toEqual(
      manifest.counts.frames_malformed > 0 ? { check_mismatch: manifest.counts.frames_malformed } : {},
    );

    const http = Object.fromEntries(stats.http);
    const lines = (file: string): number => readFileSync(path.join(dir, file), 'utf8').trim().split('\n').length;
    const registryRecords = lines(manifest.registry) + lines(manifest.enterprises) + lines(manifest.drivers);
    expect(lines(manifest.registry)).toBe(60);
    const c = manifest.counts.http;
    // Every kind the generator wrote records of, each record accepted.
    const written = HTTP_KINDS.filter((kind) => c[kind] > 0);
    expect(written).toEqual(expect.arrayContaining(['anpr', 'wim', 'gantry', 'device_status', 'toll', 'taxi_order']));
    expect(http).toEqual({
      registry: { records: registryRecords, accepted: registryRecords, rejected: 0 },
      ...Object.fromEntries(written.map((kind) => [kind, { records: c[kind], accepted: c[kind], rejected: 0 }])),
    });
    const cameras = await vigil.sql<[string, string]>(
      'SELECT kind, count() FROM camera_events FINAL GROUP BY kind ORDER BY kind',
    );
    // A toll journey is seen twice by the cameras' table: at its entry and at its exit.
    expect(Object.fromEntries(cameras.rows.map(([kind, n]) => [kind, Number(n)]))).toEqual({
      anpr: c.anpr,
      gantry: c.gantry,
      wim: c.wim,
      ...(c.toll > 0 ? { toll: 2 * c.toll } : {}),
    });
    const devices = await vigil.sql<[string]>('SELECT count() FROM device_status FINAL');
    expect(Number(devices.rows[0][0])).toBe(c.device_status);
  }, 240_000);
});
