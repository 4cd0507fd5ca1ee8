/**
 * A generated working day (08:00–16:00, the hours taxis take orders) with the newer source kinds — toll
 * transactions, taxi positions, orders and permits, survey station counts, rail station flows, AIS vessels and
 * market registrations — and the city bus operators' GTFS static and GTFS-Realtime feeds, replayed at full speed
 * into a spawned `vigil start` over each kind's HTTP ingestion (keys issued through the API, each bus operator's
 * bound to its city), beside the terminals' JT/T 808 traffic. Then, by SQL on the node: every record of every kind
 * accepted and stored once (rows equal to the manifest's counts), the buses as their truth has them (every trip's
 * delay; the wall's bus indicators at the last snapshot), and the alarms these kinds feed — `overload` from the toll
 * lanes' weights, `taxi_permit` from orders served without valid permits — exactly the labelled ones, scored with
 * the shared matching.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUS_FEED_INTERVAL_S,
  FLOW_KINDS,
  generateTraffic,
  type GeneratedManifest,
  type Label,
} from '../fixtures/generator/index.js';
import { encodeAisMessage, encodeTerminalMessage } from '../cli/commands/wire-codec.js';
import { runReplayLabels, sqlRows, type ReplayLabelsResult } from '../bench/harness/replay-labels.js';
import { startVigil, type VigilProcess } from './support/vigil-process.js';

const VEHICLES = 60;
const HOURS = 8;
const SEED = 3;
const START_MS = Date.parse('2026-11-02T08:00:00+08:00');

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-flows-replay-'));
let vigil: VigilProcess;
let manifest: GeneratedManifest;
let result: ReplayLabelsResult;
let token: string;
const log: string[] = [];

beforeAll(async () => {
  manifest = generateTraffic(
    { vehicles: VEHICLES, hours: HOURS, seed: SEED, outDir: dir, startMs: START_MS, encodeAis: encodeAisMessage },
    encodeTerminalMessage,
  );
  vigil = await startVigil({ args: ['--ingest-rate-per-key', '1000000', '--log-level', 'warn'] });
  token = await vigil.login();
  result = await runReplayLabels(
    { baseUrl: vigil.baseUrl, jt808Port: vigil.jt808Port, token },
    {
      dir,
      speed: Infinity,
      // Ten minutes of data time per lockstep step: a third of the shortest absence limit of the default rules
      // (offline, 30 min), so no vehicle looks silent for being a step behind; five times fewer steps than 120 s,
      // each of which costs at least one acknowledgement's round trip.
      lockstepMs: 600_000,
      ackTimeoutMs: 60_000,
      settleMsMax: 300_000,
      log: (line) => log.push(line),
    },
  );
}, 900_000);

afterAll(async () => {
  await vigil?.stop({ removeData: true });
  rmSync(dir, { recursive: true, force: true });
});

const labels = (): Label[] =>
  readFileSync(path.join(dir, manifest.labels), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Label);

describe(`the newer kinds of ${VEHICLES} vehicles × ${HOURS} h replayed into vigil start`, () => {
  it('writes every kind', () => {
    for (const kind of FLOW_KINDS) expect(manifest.counts.http[kind], kind).toBeGreaterThan(0);
  });

  it("stores each kind's records, as many rows as the manifest counts, none refused", () => {
    const c = result.checks;
    expect(result.replay.failures).toEqual([]);
    for (const kind of FLOW_KINDS) {
      expect(result.replay.http[kind]?.rejected, `${kind} refused`).toBe(0);
      expect(c.flow_rows[kind], `${kind} rows`).toBe(manifest.counts.http[kind]);
    }
    // Each toll journey is two sightings, its entry and its exit.
    expect(c.camera_rows.toll).toBe(2 * manifest.counts.http.toll);
    expect(c.http_rows_match).toBe(true);
  });

  it("stores every bus feed whole, and the buses' delays and bunching as their truth has them", () => {
    const feeds = manifest.buses!.feeds;
    const staticRows = feeds.reduce((n, f) => n + f.static_rows, 0);
    const entities = feeds.reduce((n, f) => n + f.entities, 0);
    expect(result.replay.http.gtfs_static).toEqual({ records: staticRows, accepted: staticRows, rejected: 0 });
    expect(result.replay.http.gtfs_rt).toEqual({ records: entities, accepted: entities, rejected: 0 });
    const b = result.checks.buses!;
    expect(b.mismatches).toEqual([]);
    // Half the entities are positions, half trip updates with one stop each.
    expect([b.position_rows, b.stop_delay_rows]).toEqual([entities / 2, entities / 2]);
    expect(b.static_rows_stored).toBe(staticRows);
    expect(b.trips_labelled).toBeGreaterThan(0);
    expect(b.trips_matching).toBe(b.trips_labelled);
    expect(b.trips_unlabelled).toBe(0);
    // Five routes of four buses, all heard at the last snapshot of the day (the day starts on the feeds' grid).
    expect(b.wall_at).toBe(manifest.end - BUS_FEED_INTERVAL_S * 1000);
    expect(b.wall_buses).toBe(20);
    expect(b.wall_bunched_matching).toBe(true);
    expect(b.wall_routes_matching).toBe(true);
    expect(b.holds).toBe(true);
  });

  it('raises an overload alarm for every overweight toll journey, and none for the others', async () => {
    const tollLabels = labels().filter((l) => l.rule === 'overload' && l.device_id.startsWith('toll-'));
    expect(tollLabels.length).toBeGreaterThan(0);
    const rows = await sqlRows(
      { baseUrl: vigil.baseUrl, jt808Port: vigil.jt808Port, token },
      'SELECT plate, toUnixTimestamp64Milli(started_at), details FROM alarms FINAL WHERE rule = \'overload\' AND details LIKE \'%"weighed_by":"toll"%\'',
    );
    const alarms = rows.map(([plate, started]) => `${String(plate)}@${Number(started)}`).sort();
    expect(alarms).toEqual(tollLabels.map((l) => `${l.plate}@${l.start}`).sort());
  });

  it('raises exactly the labelled taxi_permit alarms, one per order', () => {
    const byRule = new Map(result.accuracy.rules.map((r) => [r.rule, r]));
    const taxi = byRule.get('taxi_permit');
    expect(taxi?.labels).toBeGreaterThan(0);
    expect(taxi?.alarms).toBe(taxi?.labels);
    expect(taxi?.recall).toBe(1);
    expect(taxi?.precision).toBe(1);
  });

  it('raises cloned_plate for every cloned plate seen at the toll stations', () => {
    const tollClones = labels().filter((l) => l.rule === 'cloned_plate' && l.device_id.startsWith('toll-'));
    expect(tollClones.length).toBeGreaterThan(0);
    const missed = result.accuracy.missed.filter((l) => l.rule === 'cloned_plate');
    expect(missed).toEqual([]);
    const alarms = result.accuracy.falseAlarms.filter((a) => a.rule === 'cloned_plate');
    expect(alarms).toEqual([]);
  });

  it("joins every enterprise to the market register's record of its credit code", async () => {
    const res = await fetch(`${vigil.baseUrl}/api/enterprises`, { headers: { authorization: `Bearer ${token}` } });
    const { enterprises } = (await res.json()) as {
      enterprises: { id: string; market_status: string | null; market_status_text: string | null }[];
    };
    const generated = readFileSync(path.join(dir, manifest.enterprises), 'utf8').trim().split('\n');
    expect(enterprises.length).toBe(generated.length);
    for (const e of enterprises) expect(e.market_status, e.id).not.toBeNull();
    // The register also reports companies the department never licensed (all stored: see the rows above).
    expect(result.checks.flow_rows.market_registration).toBeGreaterThan(enterprises.length);
  });

  it('keeps every rule the traffic feeds at full precision and recall', () => {
    const summary = result.accuracy.rules
      .map((r) => `${r.rule} ${r.labelsRecalled}/${r.labels} labels, ${r.alarmsMatched}/${r.alarms} alarms`)
      .join('; ');
    console.log(`flows replay: ${summary}`);
    for (const r of result.accuracy.rules) {
      expect(r.recall ?? 1, `${r.rule} recall (${summary})`).toBe(1);
      expect(r.precision ?? 1, `${r.rule} precision (${summary})`).toBe(1);
    }
  });
});
