/**
 * Generated traffic replayed end to end, as fast as acknowledgements allow, into a spawned `vigil start`: over
 * real JT/T 808 TCP connections (terminals in lockstep) and real HTTP ingestion with source keys issued
 * through the API. Then, by SQL on the node's ClickHouse: one telemetry row per acknowledged position and
 * none twice, one reject per malformed frame, every accepted roadside record stored, the city buses as their
 * truth has them, and the alarms the rules raised scored against the generator's labels with the shared matching
 * (fixtures/generator/label-match.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_KINDS, feasibleRules, generateTraffic, type GeneratedManifest } from '../fixtures/generator/index.js';
import { encodeTerminalMessage } from '../cli/commands/wire-codec.js';
import { runReplayLabels, type ReplayLabelsResult } from '../bench/harness/replay-labels.js';
import { startVigil, type VigilProcess } from './support/vigil-process.js';

// 6 h from 01:00 China time: the night ban (02:00–06:00), fatigue (≥ 5 h) and offline windows all fit.
const VEHICLES = 200;
const HOURS = 6;
const START_MS = Date.parse('2026-11-02T01:00:00+08:00');

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-replay-labels-'));
let vigil: VigilProcess;
let manifest: GeneratedManifest;
let result: ReplayLabelsResult;
const log: string[] = [];

beforeAll(async () => {
  manifest = generateTraffic(
    { vehicles: VEHICLES, hours: HOURS, seed: 23, outDir: dir, startMs: START_MS },
    encodeTerminalMessage,
  );
  // The sources post as fast as the replay goes: the per-key rate limit is raised out of the way.
  vigil = await startVigil({ args: ['--ingest-rate-per-key', '1000000', '--log-level', 'warn'] });
  result = await runReplayLabels(
    { baseUrl: vigil.baseUrl, jt808Port: vigil.jt808Port, token: await vigil.login() },
    {
      dir,
      speed: Infinity,
      // Ten minutes of data time per lockstep step: a third of the shortest absence limit of the default rules
      // (offline, 30 min), so no vehicle looks silent for being a step behind; five times fewer steps than 120 s,
      // each of which costs at least one acknowledgement's round trip.
      lockstepMs: 600_000,
      ackTimeoutMs: 60_000,
      settleMsMax: 240_000,
      log: (line) => log.push(line),
    },
  );
}, 600_000);

afterAll(async () => {
  await vigil?.stop({ removeData: true });
  rmSync(dir, { recursive: true, force: true });
});

describe(`replay of ${VEHICLES} vehicles × ${HOURS} h at max speed into vigil start`, () => {
  it('gets every frame acknowledged, once', () => {
    const r = result.replay;
    expect(r.failures).toEqual([]);
    expect(r.terminals).toBe(VEHICLES);
    expect(r.terminals_failed).toBe(0);
    expect(r.frames_sent).toBe(manifest.counts.frames);
    expect(r.acknowledged).toBe(manifest.counts.frames);
    expect(r.unanswered).toBe(0);
    expect(r.rejected).toBe(0);
    expect(r.malformed_sent).toBe(manifest.counts.frames_malformed);
  });

  it('stores exactly the acknowledged positions in ClickHouse, none twice', () => {
    const c = result.checks;
    expect(c.positions_acknowledged).toBe(manifest.counts.positions);
    expect(c.telemetry_rows).toBe(manifest.counts.positions);
    expect(c.telemetry_rows_distinct).toBe(c.telemetry_rows);
    expect(c.telemetry_exactly_once).toBe(true);
    expect(c.jt808_rejects).toBe(manifest.counts.frames_malformed);
  });

  it('stores every roadside record the HTTP sources posted', () => {
    const c = result.checks;
    const h = manifest.counts.http;
    // A toll transaction is stored as two sightings, its entry and its exit.
    expect(c.camera_rows).toEqual({
      anpr: h.anpr,
      gantry: h.gantry,
      ...(h.toll > 0 ? { toll: 2 * h.toll } : {}),
      wim: h.wim,
    });
    expect(c.device_status_rows).toBe(h.device_status);
    expect(c.http_rows_match).toBe(true);
    // Every kind the directory holds records of (a 01:00–07:00 window has few toll journeys and no taxi orders).
    for (const kind of [...HTTP_KINDS.filter((k) => h[k] > 0), 'registry'])
      expect(result.replay.http[kind]?.rejected, kind).toBe(0);
  });

  it("stores the city buses' feeds, with their delays and bunching as the truth has them", () => {
    const b = result.checks.buses!;
    expect(b.mismatches).toEqual([]);
    expect(b.position_rows).toBeGreaterThan(0);
    expect([b.static_rows_stored, b.position_rows, b.stop_delay_rows]).toEqual([
      b.static_rows,
      b.positions,
      b.stop_delays,
    ]);
    expect(b.trips_matching).toBe(b.trips_labelled);
    expect(b.holds).toBe(true);
  });

  it('raises an alarm for every labelled violation of every rule, and no other', () => {
    const byRule = new Map(result.accuracy.rules.map((r) => [r.rule, r]));
    const summary = result.accuracy.rules
      .map((r) => `${r.rule} ${r.labelsRecalled}/${r.labels} labels, ${r.alarmsMatched}/${r.alarms} alarms`)
      .join('; ');
    console.log(`replay-labels: ${summary}`);
    for (const rule of feasibleRules(START_MS, HOURS)) {
      const r = byRule.get(rule);
      expect(r?.labels, `${rule} has labels in this traffic`).toBeGreaterThan(0);
      expect(r?.recall, `${rule} recall (${summary})`).toBe(1);
    }
    // Precision is scored over every alarm the node raised, whatever raised it: issue #5's bar of 99 % per
    // rule means, with a handful of labels per rule here, not one alarm without a label.
    for (const r of result.accuracy.rules)
      expect(r.precision ?? 1, `${r.rule} precision (${summary})`).toBeGreaterThanOrEqual(0.99);
    expect(result.accuracy.total.recall).toBe(1);
  });
});
