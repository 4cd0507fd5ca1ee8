/**
 * Labels are the ground truth only if nothing else in the traffic violates a rule. This test decodes every
 * position and reading of a generated directory and checks, with simple thresholds taken from DOMAIN.md,
 * that each violating record lies inside a label of its rule and vehicle (and that each label is backed by
 * violating records where the rule is record-based).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMessage, parseFrame, type LocationBody } from '../ingest/index.js';
import {
  FRAME_KIND_MALFORMED,
  generateTraffic,
  readTerminalBlocks,
  type GeneratedManifest,
  type Label,
} from '../fixtures/generator/index.js';
import { encodeTerminalMessage } from '../cli/commands/wire-codec.js';
import type { CameraEvent, DriverRecord, VehicleRecord } from '../schema/index.js';
import { certificateValidUntil } from '../ingest/jt808/gateway/driver-cards.js';

/** The terminal's alarm bits that are rules of their own (stream/rules/terminal-bits.ts). */
const TERMINAL_BITS: readonly [string, number][] = [
  ['terminal_overspeed', 1],
  ['terminal_fatigue', 2],
  ['terminal_daily_driving', 18],
  ['terminal_overtime_parking', 19],
  ['terminal_area_in_out', 20],
  ['terminal_route_in_out', 21],
  ['terminal_road_section_time', 22],
  ['terminal_route_deviation', 23],
];

const WINDOWS = [
  { name: '6 h from 03:00 (night ban, morning)', vehicles: 90, hours: 6, start: '2026-11-02T03:00:00+08:00' },
  {
    name: '24 h from midnight (night shifts, a full day)',
    vehicles: 60,
    hours: 24,
    start: '2026-11-03T00:00:00+08:00',
  },
];

const HOUR_MS = 3_600_000;
const chinaHour = (ms: number): number => ((((ms + 8 * HOUR_MS) % 86_400_000) + 86_400_000) % 86_400_000) / HOUR_MS;
const night = (ms: number): boolean => chinaHour(ms) >= 22 || chinaHour(ms) < 6;
const GROSS_LIMIT_KG: Record<number, number> = { 2: 18_000, 3: 25_000, 4: 31_000, 5: 43_000, 6: 49_000 };

/** Distance between a fix and a [lon, lat] point, metres. */
function metresTo(f: LocationBody, p: readonly number[]): number {
  return kmBetween(f, { lon: p[0], lat: p[1] } as LocationBody) * 1000;
}

/** Distance from a fix to the segment a-b, metres (flat projection around the fix). */
function metresToSegment(f: LocationBody, a: readonly number[], b: readonly number[]): number {
  const kx = 111_195 * Math.cos((f.lat * Math.PI) / 180);
  const ky = 111_195;
  const [ax, ay, bx, by] = [(a[0] - f.lon) * kx, (a[1] - f.lat) * ky, (b[0] - f.lon) * kx, (b[1] - f.lat) * ky];
  const [dx, dy] = [bx - ax, by - ay];
  const t = Math.max(0, Math.min(1, -(ax * dx + ay * dy) / (dx * dx + dy * dy)));
  return Math.hypot(ax + t * dx, ay + t * dy);
}

/** Whether China time of `ms` is within a zone's daily window (`to` before `from` wraps midnight). */
function inHours(ms: number, hours: { from: string; to: string } | undefined): boolean {
  if (!hours) return true;
  const minute = Math.floor(((((ms + 8 * HOUR_MS) % 86_400_000) + 86_400_000) % 86_400_000) / 60_000);
  const [from, to] = [hours.from, hours.to].map((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3)));
  return from <= to ? minute >= from && minute < to : minute >= from || minute < to;
}

function kmBetween(a: LocationBody, b: LocationBody): number {
  const rad = Math.PI / 180;
  const h =
    Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

describe.each(WINDOWS)('generated traffic, $name: labels are the only violations', (window) => {
  let dir: string;
  let manifest: GeneratedManifest;
  let labels: Label[];
  const fixes = new Map<string, LocationBody[]>();
  /** Driver cards put in, per terminal, in time order. */
  const cardsIn = new Map<string, { time: number; certificate: string; validUntil: number | null }[]>();
  const registry = new Map<string, VehicleRecord>();
  const drivers = new Map<string, DriverRecord>();

  function covered(rule: string, terminal: string, ms: number): boolean {
    return labels.some((l) => l.rule === rule && l.terminal_id === terminal && ms >= l.start && ms <= l.end);
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vigil-labels-'));
    manifest = generateTraffic(
      { vehicles: window.vehicles, hours: window.hours, seed: 23, outDir: dir, startMs: Date.parse(window.start) },
      encodeTerminalMessage,
    );
    labels = readFileSync(path.join(dir, 'labels.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Label);
    for (const line of readFileSync(path.join(dir, 'registry.ndjson'), 'utf8').trim().split('\n')) {
      const r = JSON.parse(line) as VehicleRecord;
      registry.set(r.terminal_id, r);
    }
    for (const line of readFileSync(path.join(dir, 'drivers.ndjson'), 'utf8').trim().split('\n')) {
      const d = JSON.parse(line) as DriverRecord;
      drivers.set(d.id, d);
    }
    for (const shard of manifest.wire_shards) {
      for await (const block of readTerminalBlocks(path.join(dir, shard))) {
        const list: LocationBody[] = [];
        const cards: { time: number; certificate: string; validUntil: number | null }[] = [];
        for (const frame of block.frames) {
          if (frame.kind === FRAME_KIND_MALFORMED) continue;
          const parsed = parseFrame(frame.bytes);
          const message = parsed.ok ? decodeMessage(parsed.value) : undefined;
          if (message?.ok && message.value.msgId === 0x0200) list.push(message.value.body);
          if (message?.ok && message.value.msgId === 0x0704) list.push(...message.value.body.items);
          if (message?.ok && message.value.msgId === 0x0702 && message.value.body.status === 1) {
            const card = message.value.body;
            cards.push({
              time: card.time ?? 0,
              certificate: card.certificate ?? '',
              validUntil: certificateValidUntil(card.expiry),
            });
          }
        }
        cardsIn.set(block.identity.phone, cards);
        list.sort((a, b) => a.time - b.time);
        fixes.set(block.identity.phone, list);
      }
    }
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has no unlabelled speeding, alarm, active-safety, zone or night-ban record', () => {
    const zones = manifest.zones;
    const problems: string[] = [];
    for (const [phone, list] of fixes) {
      const vehicle = registry.get(phone)!;
      const dayLimit = vehicle.vehicle_class === 'dangerous_goods' ? 80 : vehicle.vehicle_class === 'taxi' ? 120 : 100;
      for (const f of list) {
        const limit = night(f.time) ? dayLimit * 0.8 : dayLimit;
        const check = (bad: boolean, rule: string): void => {
          if (bad && !covered(rule, phone, f.time)) problems.push(`${rule} ${phone} ${new Date(f.time).toISOString()}`);
        };
        check(f.speedKmh > limit, 'overspeed');
        check((f.alarmBits & 1) !== 0, 'terminal_alarm');
        check(f.extras.adas !== undefined, 'adas');
        check(f.extras.dsm !== undefined, 'dsm');
        for (const [rule, bit] of TERMINAL_BITS) check((f.alarmBits & (1 << bit)) !== 0, rule);
        check(
          ((f.extras.videoAlarmBits ?? 0) & 0b1111) !== 0 || f.extras.videoLossChannelBits !== undefined,
          'video_fault',
        );
        check(f.extras.abnormalDriving !== undefined, 'abnormal_driving');
        check(f.extras.tpms !== undefined, 'tyre');
        check(f.extras.blindSpot !== undefined, 'blind_spot');
        check(
          vehicle.vehicle_class === 'dangerous_goods' &&
            zones.some((z) => kmBetween(f, { lat: z.lat, lon: z.lon } as LocationBody) * 1000 < z.radius_m),
          'geofence',
        );
        check(
          vehicle.vehicle_class === 'coach' &&
            vehicle.route_length_km > 100 &&
            f.speedKmh > 0 &&
            chinaHour(f.time) >= 2 &&
            chinaHour(f.time) < 5,
          'night_ban',
        );
      }
    }
    expect(problems).toEqual([]);
  });

  it('has no unlabelled route deviation, stop in a no-parking zone or watched area crossing', () => {
    const ruleZones = manifest.rule_zones ?? [];
    const routes = ruleZones.filter((z) => z.kind === 'route');
    const noParking = ruleZones.filter((z) => z.kind === 'no_parking');
    const areas = ruleZones.filter((z) => z.kind === 'area');
    expect(routes.length).toBeGreaterThan(0);
    expect(noParking.length).toBeGreaterThan(0);
    expect(areas.length).toBeGreaterThan(0);
    const problems: string[] = [];
    const crossings = new Set<string>();
    for (const [phone, list] of fixes) {
      const vehicle = registry.get(phone)!;
      const assigned = routes.filter((z) => z.vehicles!.includes(vehicle.plate));
      for (let i = 0; i < list.length; i++) {
        const f = list[i];
        // Clearly beyond every corridor assigned to it (50 m past the edge: no boundary case of the geometry).
        if (
          assigned.length > 0 &&
          assigned.every(
            (z) => metresToSegment(f, z.corridor!.path[0], z.corridor!.path[1]) > z.corridor!.widthM / 2 + 50,
          ) &&
          !covered('route_deviation', phone, f.time)
        )
          problems.push(`route_deviation ${phone} ${new Date(f.time).toISOString()}`);
        if (f.speedKmh === 0 && noParking.some((z) => metresTo(f, z.circle!.center) < z.circle!.radiusM - 20))
          if (!covered('overtime_parking', phone, f.time))
            problems.push(`overtime_parking ${phone} ${new Date(f.time).toISOString()}`);
        if (i === 0) continue;
        for (const z of areas) {
          const inside = (p: LocationBody): boolean => metresTo(p, z.circle!.center) < z.circle!.radiusM;
          const [before, now] = [inside(list[i - 1]), inside(f)];
          if (before === now) continue;
          const direction = now ? 'entry' : 'exit';
          const watched =
            (z.direction === 'both' || z.direction === direction) &&
            (z.classes ?? []).includes(vehicle.vehicle_class) &&
            inHours(f.time, z.hours);
          if (watched) crossings.add(`${phone}@${f.time}@${z.id}`);
        }
      }
    }
    const areaLabels = labels.filter((l) => l.rule === 'area_entry_exit');
    for (const key of crossings)
      if (!areaLabels.some((l) => `${l.terminal_id}@${l.start}@${l.detail.zone}` === key))
        problems.push(`area_entry_exit unlabelled crossing ${key}`);
    for (const l of areaLabels)
      if (!crossings.has(`${l.terminal_id}@${l.start}@${l.detail.zone}`))
        problems.push(`area_entry_exit label without a watched crossing ${JSON.stringify(l)}`);
    expect(problems).toEqual([]);
    // Every label of the zone rules is backed by what it says: fixes beyond the route, a stop past the limit.
    for (const l of labels.filter((x) => x.rule === 'route_deviation' || x.rule === 'overtime_parking')) {
      const during = fixes.get(l.terminal_id)!.filter((f) => f.time >= l.start && f.time <= l.end);
      expect(during.length, JSON.stringify(l)).toBeGreaterThan(1);
      if (l.rule === 'overtime_parking') {
        const zone = noParking.find((z) => z.id === l.detail.zone)!;
        expect(during.every((f) => f.speedKmh === 0)).toBe(true);
        expect(l.end - l.start).toBeGreaterThan(zone.parkingMinutesMax! * 60_000);
      }
    }
  });

  it('has no unlabelled silence, jump or unrested driving', () => {
    const problems: string[] = [];
    for (const [phone, list] of fixes) {
      let drivingSince: number | undefined;
      let restSince: number | undefined;
      const cards = cardsIn.get(phone) ?? [];
      for (let i = 1; i < list.length; i++) {
        const a = list[i - 1];
        const b = list[i];
        // Another driver's card put in between two fixes: the clock that counts is theirs, fresh (each generated
        // driver drives one vehicle).
        const swap = cards.find((c) => c.time > a.time && c.time <= b.time);
        const before = cards.filter((c) => c.time <= a.time).pop();
        if (swap && before && swap.certificate !== before.certificate) drivingSince = undefined;
        const gapMin = (b.time - a.time) / 60_000;
        if (
          gapMin > 15 &&
          !labels.some((l) => l.rule === 'offline' && l.terminal_id === phone && l.start <= a.time && l.end >= b.time)
        )
          problems.push(`offline ${phone} ${gapMin} min`);
        const kmh = kmBetween(a, b) / Math.max(1 / 3600, (b.time - a.time) / HOUR_MS);
        if (kmh > 250 && !covered('gps_drift', phone, b.time) && !covered('gps_drift', phone, a.time))
          problems.push(`gps_drift ${phone} ${Math.round(kmh)} km/h`);
        // Fatigue: moving time since the last stop of at least 20 minutes.
        if (b.speedKmh > 0) {
          if (restSince !== undefined && b.time - restSince >= 20 * 60_000) drivingSince = undefined;
          restSince = undefined;
          drivingSince ??= b.time;
          if (b.time - drivingSince > 4 * HOUR_MS && !covered('fatigue', phone, b.time))
            problems.push(`fatigue ${phone} ${new Date(b.time).toISOString()}`);
        } else restSince ??= b.time;
      }
    }
    expect(problems).toEqual([]);
  });

  it('has no unlabelled driver card that is unknown or expired, and every such label names one', () => {
    const problems: string[] = [];
    const faulty = new Set<string>();
    for (const [phone, cards] of cardsIn)
      for (const c of cards) {
        const d = drivers.get(c.certificate);
        const vehicle = registry.get(phone);
        const bad =
          !d ||
          d.enterprise_id !== vehicle?.enterprise_id ||
          (d.qualification_valid_until ?? Infinity) < c.time ||
          (c.validUntil ?? Infinity) < c.time;
        if (!bad) continue;
        faulty.add(`${phone}@${c.time}`);
        if (!labels.some((l) => l.rule === 'driver_mismatch' && l.terminal_id === phone && l.start === c.time))
          problems.push(`driver_mismatch ${phone} ${c.certificate} ${new Date(c.time).toISOString()}`);
      }
    for (const l of labels.filter((x) => x.rule === 'driver_mismatch'))
      if (!faulty.has(`${l.terminal_id}@${l.start}`))
        problems.push(`label without a faulty card: ${JSON.stringify(l)}`);
    expect(problems).toEqual([]);
    // Each faulty card is one label (a window too small for a driver_mismatch violator has neither).
    expect(labels.filter((l) => l.rule === 'driver_mismatch')).toHaveLength(faulty.size);
  });

  it('has no unlabelled overweight reading, and every label of a reading names a real one', () => {
    const readings: CameraEvent[] = [];
    for (const file of readdirSync(path.join(dir, 'http')).filter(
      (f) => f.startsWith('wim-') || f.startsWith('anpr-'),
    )) {
      for (const line of readFileSync(path.join(dir, 'http', file), 'utf8').split('\n'))
        if (line) readings.push(JSON.parse(line) as CameraEvent);
    }
    const byId = new Map<string, { plate: string; ts: number }>(readings.map((r) => [r.event_id, r]));
    // A toll transaction's label names the journey and starts at its entry (where the lane weighs).
    for (const file of readdirSync(path.join(dir, 'http')).filter((f) => f.startsWith('toll-')))
      for (const line of readFileSync(path.join(dir, 'http', file), 'utf8').split('\n'))
        if (line) {
          const t = JSON.parse(line) as { event_id: string; plate: string; entry_time: number };
          byId.set(t.event_id, { plate: t.plate, ts: t.entry_time });
        }
    for (const r of readings.filter((e) => e.kind === 'wim')) {
      const over = r.gross_kg > GROSS_LIMIT_KG[Math.min(6, r.axles)];
      expect(over ? labels.some((l) => l.rule === 'overload' && l.detail.event_id === r.event_id) : true).toBe(true);
    }
    for (const l of labels.filter((x) => x.rule === 'overload' || x.rule === 'cloned_plate')) {
      const reading = byId.get(String(l.detail.event_id));
      expect(reading?.plate).toBe(l.plate);
      expect(reading?.ts).toBe(l.start);
    }
  });
});
