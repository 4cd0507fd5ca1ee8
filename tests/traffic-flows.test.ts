/**
 * The generator's newer source kinds (fixtures/generator/flow-records.ts, province-records.ts): written the same
 * byte for byte from the same options and differently from another seed; every record one the kind's own
 * ingestion accepts, judged by its normalizer at the time it is posted; toll journeys where the vehicle's
 * positions are; taxi orders labelled exactly for the taxis with a permit fault; counts that include the fleet.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUS_FEED_INTERVAL_S,
  FLOW_KINDS,
  SURVEY_CLASSES,
  generateTraffic,
  permitFaultOf,
  planTraffic,
  simulateVehicle,
  vesselCount,
  type FlowKind,
  type FlowRecord,
  type GeneratedManifest,
  type Label,
} from '../fixtures/generator/index.js';
import { strFromU8, unzipSync } from 'fflate';
import GtfsRealtimeBindings from 'gtfs-realtime-bindings';
import { encodeAisMessage, encodeTerminalMessage } from '../cli/commands/wire-codec.js';
import { normalizeToll } from '../ingest/http/normalize-toll.js';
import { normalizeTaxiOrder, normalizeTaxiPermit, normalizeTaxiPosition } from '../ingest/http/normalize-taxi.js';
import { normalizeRailFlow, normalizeTrafficCount } from '../ingest/http/normalize-counts.js';
import { normalizeAis } from '../ingest/http/normalize-ais.js';
import { normalizeMarketRegistration } from '../ingest/http/normalize-market.js';
import type { NormalizeContext } from '../ingest/http/normalize-camera.js';

const rt = GtfsRealtimeBindings.transit_realtime;

// A day from 03:00 China time: taxis work their shifts, every kind has its intervals.
const START_MS = Date.parse('2026-11-02T03:00:00+08:00');
const VEHICLES = 60;
const HOURS = 24;
const root = mkdtempSync(path.join(tmpdir(), 'vigil-gen-flows-'));

const NORMALIZERS: Record<FlowKind, (value: unknown, ctx: NormalizeContext) => { ok: boolean }> = {
  toll: normalizeToll,
  taxi_position: normalizeTaxiPosition,
  taxi_order: normalizeTaxiOrder,
  taxi_permit: normalizeTaxiPermit,
  traffic_count: normalizeTrafficCount,
  rail_flow: normalizeRailFlow,
  ais: normalizeAis,
  market_registration: normalizeMarketRegistration,
};

function run(name: string, seed: number): GeneratedManifest {
  return generateTraffic(
    {
      vehicles: VEHICLES,
      hours: HOURS,
      seed,
      outDir: path.join(root, name),
      startMs: START_MS,
      encodeAis: encodeAisMessage,
    },
    encodeTerminalMessage,
  );
}

function records(dir: string, manifest: GeneratedManifest, kind: FlowKind): FlowRecord[] {
  return manifest.http[kind].flatMap((file) =>
    readFileSync(path.join(dir, file), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as FlowRecord),
  );
}

function digestOf(dir: string, kind: FlowKind): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(path.join(dir, 'http')).sort())
    if (name.startsWith(`${kind}-`)) hash.update(readFileSync(path.join(dir, 'http', name)));
  return hash.digest('hex');
}

const labels = (): Label[] =>
  readFileSync(path.join(dirA, manifest.labels), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Label);

let manifest: GeneratedManifest;
const dirA = path.join(root, 'a');

beforeAll(() => {
  manifest = run('a', 3);
  run('b', 3);
  run('c', 4);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the newer source kinds of the generator', () => {
  it('are the same bytes and counts for the same seed, and differ for another', () => {
    const b = JSON.parse(readFileSync(path.join(root, 'b', 'manifest.json'), 'utf8')) as GeneratedManifest;
    expect(b.counts.http).toEqual(manifest.counts.http);
    for (const kind of FLOW_KINDS) {
      expect(manifest.counts.http[kind], kind).toBeGreaterThan(0);
      expect(records(dirA, manifest, kind).length, kind).toBe(manifest.counts.http[kind]);
      expect(digestOf(path.join(root, 'b'), kind), kind).toBe(digestOf(dirA, kind));
    }
    // Another seed moves the vehicles, so their journeys, orders, counts and the vessels' voyages differ.
    for (const kind of ['toll', 'taxi_order', 'traffic_count', 'ais'] as const)
      expect(digestOf(path.join(root, 'c'), kind), kind).not.toBe(digestOf(dirA, kind));
  });

  it("are each accepted by the kind's own ingestion when posted", () => {
    for (const kind of FLOW_KINDS) {
      for (const record of records(dirA, manifest, kind)) {
        const outcome = NORMALIZERS[kind](record, {
          source: `http:${kind}`,
          keyOrgCode: '410000',
          receivedAt: record.received_at,
          futureSkewMsMax: 600_000,
        });
        expect(outcome, `${kind} ${JSON.stringify(record).slice(0, 200)}`).toMatchObject({ ok: true });
      }
    }
  });

  it('post each record after what it reports and within the window', () => {
    for (const kind of FLOW_KINDS)
      for (const r of records(dirA, manifest, kind)) {
        const reported = [r.exit_time, r.time, r.PositionTime].find((t) => typeof t === 'number') as number | undefined;
        if (reported !== undefined) expect(r.received_at).toBeGreaterThanOrEqual(reported);
        if (typeof r.interval_start === 'number')
          expect(r.received_at).toBeGreaterThanOrEqual(r.interval_start + (r.interval_minutes as number) * 60_000);
        // Permits and registrations come first, so the rules hold them before the orders.
        expect(r.received_at, kind).toBeGreaterThanOrEqual(manifest.start - 600_000);
      }
    expect(new Set(records(dirA, manifest, 'ais').map((r) => r.station_id)).size).toBe(2);
    const mmsis = new Set(
      records(dirA, manifest, 'ais').map((r) => (r.sentences as string[])[0].split(',')[5].slice(0, 7)),
    );
    expect(mmsis.size).toBeGreaterThanOrEqual(Math.min(vesselCount(VEHICLES), 2));
  });

  it('put toll journeys where the vehicle was: its position at the entry and the exit is the station', () => {
    const plan = planTraffic({ vehicles: VEHICLES, hours: HOURS, seed: 3, startMs: START_MS });
    let journeys = 0;
    for (let i = 0; i < VEHICLES; i++) {
      const t = simulateVehicle(plan, i, undefined);
      const fixes = t.messages.flatMap((m) => (m.message.msgId === 0x0200 ? [m.message.body] : []));
      const fixAt = (ms: number) =>
        fixes.reduce((best, f) =>
          Math.abs(f.time - t.vehicle.clockSkewMs - ms) < Math.abs(best.time - t.vehicle.clockSkewMs - ms) ? f : best,
        );
      for (const { kind, record } of t.flows) {
        if (kind !== 'toll' || (record.event_id as string).startsWith('toll-clone-')) continue;
        journeys++;
        for (const end of ['entry', 'exit'] as const) {
          const fix = fixAt(record[`${end}_time`] as number);
          const km =
            Math.hypot(
              (fix.latRaw / 1e6 - (record[`${end}_lat`] as number)) * 111,
              (fix.lonRaw / 1e6 - (record[`${end}_lon`] as number)) * 92,
            ) || 0;
          expect(km, `${record.event_id as string} ${end}`).toBeLessThan(3);
        }
      }
    }
    const clones = records(dirA, manifest, 'toll').filter((r) => (r.event_id as string).startsWith('toll-clone-'));
    expect(journeys).toBe(manifest.counts.http.toll - clones.length);
  });

  it('label every toll journey of a cloned plate, far from the genuine vehicle while it drives', () => {
    const plan = planTraffic({ vehicles: VEHICLES, hours: HOURS, seed: 3, startMs: START_MS });
    const tollLabels = labels().filter((l) => l.rule === 'cloned_plate' && l.device_id.startsWith('toll-'));
    const clones = records(dirA, manifest, 'toll').filter((r) => (r.event_id as string).startsWith('toll-clone-'));
    expect(clones.length).toBeGreaterThan(0);
    expect(tollLabels.map((l) => l.detail.event_id).sort()).toEqual(clones.map((r) => r.event_id).sort());
    for (const clone of clones) {
      const label = tollLabels.find((l) => l.detail.event_id === clone.event_id)!;
      expect([label.plate, label.start]).toEqual([clone.plate, clone.entry_time]);
      const t = simulateVehicle(plan, Number((clone.event_id as string).split('-')[2]), undefined);
      expect(t.vehicle.plate).toBe(clone.plate);
      // The genuine vehicle is on the road, nowhere near either of the clone's stations, from its entry to its exit.
      const fixes = t.messages.flatMap((m) => (m.message.msgId === 0x0200 ? [m.message.body] : []));
      const during = fixes.filter((f) => {
        const ms = f.time - t.vehicle.clockSkewMs;
        return ms >= (clone.entry_time as number) && ms <= (clone.exit_time as number);
      });
      expect(during.length).toBeGreaterThan(0);
      for (const f of during)
        for (const end of ['entry', 'exit'] as const) {
          const km = Math.hypot(
            (f.latRaw / 1e6 - (clone[`${end}_lat`] as number)) * 111,
            (f.lonRaw / 1e6 - (clone[`${end}_lon`] as number)) * 92,
          );
          expect(km, `${clone.event_id as string} ${end}`).toBeGreaterThan(140);
        }
    }
  });

  it('register every enterprise of the registry under its credit code, and some companies it never licensed', () => {
    const enterprises = readFileSync(path.join(dirA, manifest.enterprises), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { id: string; name: string });
    const registrations = new Map(
      records(dirA, manifest, 'market_registration').map((r) => [r.credit_code as string, r]),
    );
    expect(enterprises.length).toBeGreaterThan(0);
    for (const e of enterprises) expect(registrations.get(e.id)?.name, e.id).toBe(e.name);
    const ids = new Set(enterprises.map((e) => e.id));
    const unknown = [...registrations.keys()].filter((code) => !ids.has(code));
    expect(unknown.length).toBeGreaterThan(0);
    const vehicles = readFileSync(path.join(dirA, manifest.registry), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { enterprise_id: string });
    for (const v of vehicles) expect(ids.has(v.enterprise_id), v.enterprise_id).toBe(true);
  });

  it('label one taxi_permit per order of each taxi with a permit fault, and no other', () => {
    const taxiLabels = labels().filter((l) => l.rule === 'taxi_permit');
    const registry = readFileSync(path.join(dirA, manifest.registry), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { plate: string; vehicle_class: string });
    const faulty = new Set(
      registry.filter((v, i) => permitFaultOf(i, v.vehicle_class as 'taxi') !== undefined).map((v) => v.plate),
    );
    const dispatched = records(dirA, manifest, 'taxi_order').filter((r) => r.event === 'dispatched');
    const expected = dispatched
      .filter((r) => faulty.has(r.VehicleNo as string))
      .map((r) => r.OrderId)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(dispatched.length);
    expect(taxiLabels.map((l) => l.detail.order_id).sort()).toEqual(expected);
    expect(manifest.counts.labels.taxi_permit).toBe(taxiLabels.length);
  });

  it('write each bus operator a timetable and snapshots every 30 s that name only its trips, the same for a seed', () => {
    const buses = manifest.buses!;
    expect(buses.feeds.map((f) => f.org_code)).toEqual(['410100', '410300']);
    const busLabels = (name: string) => readFileSync(path.join(root, name, buses.labels), 'utf8');
    expect(busLabels('b')).toBe(busLabels('a'));
    expect(busLabels('c')).not.toBe(busLabels('a'));
    for (const feed of buses.feeds) {
      const files = unzipSync(readFileSync(path.join(dirA, feed.static)));
      const trips = new Set(
        strFromU8(files['trips.txt'])
          .trim()
          .split('\r\n')
          .slice(1)
          .map((line) => line.split(',')[1]),
      );
      const names = readdirSync(path.join(dirA, feed.realtime)).sort();
      expect(names).toHaveLength(feed.snapshots);
      expect(feed.snapshots).toBe((HOURS * 3600) / BUS_FEED_INTERVAL_S);
      let entities = 0;
      for (const name of names) {
        const message = rt.FeedMessage.decode(readFileSync(path.join(dirA, feed.realtime, name)));
        expect(Number(message.header.timestamp)).toBe(Number(name.slice(0, -3)));
        for (const e of message.entity) {
          const trip = e.vehicle?.trip?.tripId ?? e.tripUpdate?.trip.tripId;
          expect(trips.has(trip!), trip!).toBe(true);
        }
        entities += message.entity.length;
      }
      expect(entities).toBe(feed.entities);
    }
  });

  it('count every fleet vehicle that drove past a survey station, in its interval, direction and class', () => {
    const plan = planTraffic({ vehicles: VEHICLES, hours: HOURS, seed: 3, startMs: START_MS });
    const { stations, intervals } = plan.surveys;
    const passes = new Map<string, number>();
    for (let i = 0; i < VEHICLES; i++)
      for (const cell of simulateVehicle(plan, i, undefined).countPasses) {
        // countIndex: ((station × intervals + interval) × 2 + direction) × classes + class.
        const cls = cell % SURVEY_CLASSES.length;
        const direction = Math.floor(cell / SURVEY_CLASSES.length) % 2;
        const rest = Math.floor(cell / SURVEY_CLASSES.length / 2);
        const key = `${stations[Math.floor(rest / intervals)].station_id}/${rest % intervals}/${direction}/${SURVEY_CLASSES[cls]}`;
        passes.set(key, (passes.get(key) ?? 0) + 1);
      }
    expect(passes.size).toBeGreaterThan(10);
    const counts = records(dirA, manifest, 'traffic_count');
    expect(counts.length).toBe(stations.length * intervals * 2 * SURVEY_CLASSES.length);
    let covered = 0;
    for (const r of counts) {
      const interval = ((r.interval_start as number) - START_MS) / (15 * 60_000);
      const key = `${r.station_id as string}/${interval}/${r.direction === '上行' ? 0 : 1}/${r.vehicle_class as string}`;
      const fleet = passes.get(key) ?? 0;
      expect(r.volume as number, key).toBeGreaterThanOrEqual(fleet);
      if (fleet > 0) covered++;
      // A station reports no speed for a class it saw none of.
      if (r.volume === 0) expect(r.mean_speed_kmh).toBeUndefined();
    }
    expect(covered).toBe(passes.size);
  });
});
