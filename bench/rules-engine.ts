/**
 * The rule engine alone, every rule on: events/s on one core, state bytes per vehicle, alarm latency.
 *
 *   node --expose-gc --import tsx bench/rules-engine.ts [--vehicles 10000] [--events 2000000] [--bound 0|5] [--camera-every 20]
 *     [--zones 0]
 *
 * Traffic: `vehicles` vehicles of every class (coaches on long routes, dangerous goods, trucks, ...) from a
 * registry, each reporting every 30 s of event time in interleaved order over 8 partitions, speeds drifting
 * around their class limit (some speed, some drive for hours), now and then an alarm bit, an ADAS item or a
 * GPS jump; 1 event in 20 is an ANPR or weigh-in-motion sighting. Restricted and speed-limit zones are
 * configured; `--zones N` adds N zones of each of the kinds the zone rules read (`area` circles, `route` corridors
 * each assigned to 20 plates, `no_parking` circles) over the vehicles' box, as the accuracy runs configure 30 of
 * each. Processing time follows event time (a live feed), so timers behave as live.
 * Events are generated before the clock starts: the loop measures the engine, not the generator.
 */
import type { AlarmRow, CameraEvent, TelemetryRow, VehicleClass, VehicleRecord } from '../schema/index.js';
import {
  ALL_RULES,
  RULE_ENGINE_DEFAULTS,
  RuleEngine,
  compileRulesConfig,
  defaultRulesConfig,
  partitionOf,
} from '../stream/index.js';

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const VEHICLES = flag('vehicles', 10_000);
const EVENTS = flag('events', 2_000_000);
const BOUND_SECONDS = flag('bound', 0);
/** Zones of each kind the zone rules read (area, route, no_parking), besides the two fixed ones. */
const ZONES = flag('zones', 0);
/** One event in `cameraEvery` is a roadside sighting; 0 = telemetry only. */
const CAMERA_EVERY = flag('camera-every', 20);
const PARTITIONS = 8;
const REPORT_MS = 30_000;
const T0 = Date.UTC(2026, 10, 27, 14, 0, 0); // 22:00 China time: the run crosses the night rules.

/** A small deterministic generator (mulberry32), so every run sees the same traffic. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = random(42);

const CLASSES: VehicleClass[] = ['coach', 'dangerous_goods', 'heavy_truck', 'tractor', 'bus', 'taxi', 'other'];
const records: VehicleRecord[] = [];
const byTerminal = new Map<string, VehicleRecord>();
const byPlate = new Map<string, VehicleRecord>();
for (let i = 0; i < VEHICLES; i++) {
  const cls = CLASSES[i % CLASSES.length];
  const record: VehicleRecord = {
    plate: `豫A${String(i).padStart(5, '0')}`,
    plate_color: 2,
    vehicle_class: cls,
    axles: 2 + (i % 5),
    enterprise_id: `e${i % 200}`,
    terminal_id: String(13_900_000_000 + i),
    permit_valid_until: i % 50 === 0 ? T0 - 1 : T0 + 365 * 86_400_000,
    route_length_km: cls === 'coach' ? 80 + (i % 300) : 0,
    home_org_code: '410105',
  };
  records.push(record);
  byTerminal.set(record.terminal_id, record);
  byPlate.set(record.plate, record);
}

const config = defaultRulesConfig(ALL_RULES);
config.engine.disorderBoundSeconds = BOUND_SECONDS;
config.zones.push(
  {
    id: 'reservoir',
    name: 'Reservoir',
    kind: 'restricted',
    polygon: [
      [113.6, 34.7],
      [113.64, 34.7],
      [113.64, 34.74],
      [113.6, 34.74],
    ],
  },
  {
    id: 'school',
    name: 'School area',
    kind: 'speed_limit',
    speedLimitKmh: 40,
    polygon: [
      [113.7, 34.78],
      [113.72, 34.78],
      [113.72, 34.8],
      [113.7, 34.8],
    ],
  },
);

// Their own generator: the traffic below is the same whatever the zones.
const zoneRnd = random(7);
for (let z = 0; z < ZONES; z++) {
  const lon = 113.5 + zoneRnd() * 0.35;
  const lat = 34.6 + zoneRnd() * 0.35;
  config.zones.push(
    {
      id: `area-${z}`,
      name: `Area ${z}`,
      kind: 'area',
      circle: { center: [lon, lat], radiusM: 200 + zoneRnd() * 400 },
    },
    {
      id: `route-${z}`,
      name: `Route ${z}`,
      kind: 'route',
      corridor: {
        path: [
          [lon, lat],
          [113.5 + zoneRnd() * 0.35, 34.6 + zoneRnd() * 0.35],
        ],
        widthM: 500,
      },
      vehicles: Array.from({ length: 20 }, (_, k) => records[(z * 20 + k) % VEHICLES].plate),
    },
    {
      id: `no-parking-${z}`,
      name: `No parking ${z}`,
      kind: 'no_parking',
      circle: { center: [113.5 + zoneRnd() * 0.35, 34.6 + zoneRnd() * 0.35], radiusM: 200 + zoneRnd() * 800 },
    },
  );
}

interface Mover {
  lat: number;
  lon: number;
  dLat: number;
  dLon: number;
  speed: number;
  limit: number;
}
const movers: Mover[] = records.map((r) => ({
  lat: 34.6 + rnd() * 0.3,
  lon: 113.5 + rnd() * 0.3,
  dLat: 1,
  dLon: 1,
  speed: 40 + rnd() * 50,
  limit: r.vehicle_class === 'dangerous_goods' ? 80 : r.vehicle_class === 'taxi' ? 120 : 100,
}));

type Event = { kind: 0; row: TelemetryRow; partition: number } | { kind: 1; event: CameraEvent };
const events: Event[] = new Array(EVENTS);
const adasExtras = (ts: number, flag: number) =>
  JSON.stringify({ adas: { alarmId: 1, flag, type: 2, level: 1, speedKmh: 60, time: ts }, others: [] });
const generateStarted = performance.now();
for (let n = 0; n < EVENTS; n++) {
  const i = n % VEHICLES;
  const round = Math.floor(n / VEHICLES);
  const ts = T0 + round * REPORT_MS + Math.floor((i / VEHICLES) * REPORT_MS);
  const r = records[i];
  if (CAMERA_EVERY > 0 && n % CAMERA_EVERY === CAMERA_EVERY - 1) {
    const anpr = rnd() < 0.7;
    events[n] = {
      kind: 1,
      event: {
        event_id: `c${n}`,
        kind: anpr ? 'anpr' : 'wim',
        device_id: `dev-${n % 300}`,
        plate: r.plate,
        plate_color: 2,
        ts,
        received_at: ts,
        lat: movers[i].lat,
        lon: movers[i].lon,
        org_code: '410105',
        lane: 1,
        direction: 'E',
        confidence: 90,
        image_ref: '',
        axles: r.axles,
        gross_kg: anpr ? 0 : 15_000 + rnd() * 40_000,
        axle_weights_kg: [],
        speed_kmh: 60,
        obu_id: '',
        source: 'bench',
      },
    };
    continue;
  }
  const m = movers[i];
  // Speeds drift around the class limit; one vehicle in 7 parks for 25 minutes every 5 hours.
  // Speeds wander around a cruising speed: 60 % of the class limit (under the night cap), or 110 % for one vehicle
  // in 20 (speeders).
  const cruise = m.limit * (i % 20 === 0 ? 1.1 : 0.6);
  m.speed = Math.max(0, Math.min(m.limit * 1.3, m.speed + (rnd() - 0.5) * 6 + (cruise - m.speed) * 0.05));
  const parked = i % 7 === 0 && round % 600 < 50;
  const speed = parked ? 0 : m.speed;
  // Vehicles bounce inside a box around Zhengzhou (no teleporting: that is what gps_drift looks for).
  m.lat += m.dLat * (speed / 3600 / 111) * (REPORT_MS / 1000) * 0.6;
  m.lon += m.dLon * (speed / 3600 / 91) * (REPORT_MS / 1000) * 0.8;
  if (m.lat > 34.95 || m.lat < 34.6) m.dLat = -m.dLat;
  if (m.lon > 113.85 || m.lon < 113.5) m.dLon = -m.dLon;
  const jump = rnd() < 0.0005;
  const row: TelemetryRow = {
    terminal_id: r.terminal_id,
    plate: r.plate,
    ts,
    received_at: ts,
    lat: jump ? m.lat + 0.5 : m.lat,
    lon: m.lon,
    altitude_m: 100,
    speed_kmh: Math.round(speed * 10) / 10,
    direction_deg: 45,
    alarm_bits: rnd() < 0.0005 ? 1 : 0,
    status_bits: 3,
    source: 'bench',
    backfill: 0,
    extras: rnd() < 0.001 ? adasExtras(ts, rnd() < 0.5 ? 1 : 2) : '',
    org_code: '',
  };
  events[n] = { kind: 0, row, partition: partitionOf(r.terminal_id, PARTITIONS) };
}
const generateMs = performance.now() - generateStarted;

const latencies: number[] = [];
let now = T0;
const engine = new RuleEngine(
  ALL_RULES,
  compileRulesConfig(config, 1, ALL_RULES),
  {
    registry: { byTerminal: (t) => byTerminal.get(t), byPlate: (p) => byPlate.get(p) },
    now: () => now,
    onPositionAlarm: (row, receivedAt) => {
      if (row.version === 1) latencies.push(now - receivedAt);
    },
  },
  { ...RULE_ENGINE_DEFAULTS, vehiclesMax: VEHICLES * 2 },
);

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
gc();
const heapBefore = process.memoryUsage().heapUsed;

const BATCH = 5_000;
// Like the runner, the clock ticks by wall-clock time (every 500 ms), not per event.
const TICK_MS = 500;
let alarms = 0;
let opened = 0;
let nextTick = performance.now() + TICK_MS;
const started = performance.now();
const cpuStarted = process.cpuUsage();
for (let b = 0; b < EVENTS; b += BATCH) {
  const end = Math.min(EVENTS, b + BATCH);
  for (let n = b; n < end; n++) {
    const e = events[n];
    const ts = e.kind === 0 ? e.row.ts : e.event.ts;
    if (ts > now) now = ts;
    if (e.kind === 0) engine.onPosition(e.row, e.partition, now);
    else engine.onCamera(e.event, now);
  }
  if (performance.now() >= nextTick) {
    engine.tick(now);
    nextTick = performance.now() + TICK_MS;
  }
  const rows: AlarmRow[] = engine.drainAlarms();
  alarms += rows.length;
  for (const r of rows) if (r.version === 1) opened++;
}
const elapsedMs = performance.now() - started;
const cpu = process.cpuUsage(cpuStarted);
const cpuMs = (cpu.user + cpu.system) / 1000;
alarms += engine.drainAlarms().length;

gc();
const heapAfter = process.memoryUsage().heapUsed;
const snapshotBytes = JSON.stringify(engine.snapshot()).length;
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] : 0;
const eventTimeHours = (now - T0) / 3_600_000;

console.log(
  JSON.stringify(
    {
      vehicles: VEHICLES,
      events: EVENTS,
      disorder_bound_s: BOUND_SECONDS,
      camera_every: CAMERA_EVERY,
      zones_per_kind: ZONES,
      event_time_hours: Math.round(eventTimeHours * 10) / 10,
      generate_ms: Math.round(generateMs),
      elapsed_ms: Math.round(elapsedMs),
      events_per_second: Math.round(EVENTS / (elapsedMs / 1000)),
      cpu_ms: Math.round(cpuMs),
      // On a shared machine the wall clock includes time other processes had the core: CPU time is the engine's.
      events_per_cpu_second: Math.round(EVENTS / (cpuMs / 1000)),
      wall_ms_per_batch_of_5000: Math.round((elapsedMs / (EVENTS / BATCH)) * 100) / 100,
      alarm_versions: alarms,
      alarms_opened: opened,
      opened_by_rule: engine.stats.opened,
      heap_bytes_per_vehicle: Math.round((heapAfter - heapBefore) / engine.vehicleCount),
      snapshot_bytes_per_vehicle: Math.round(snapshotBytes / engine.vehicleCount),
      alarm_latency_event_time_ms: { p50: pct(0.5), p99: pct(0.99), max: latencies[latencies.length - 1] ?? 0 },
      // Keeps the generated events alive until here, so the heap figure above does not include their collection.
      generated: events.length,
    },
    null,
    1,
  ),
);
