/**
 * Cost of matching a fix to a road (`RoadIndex.match`), the lookup overspeed makes for every moving fix and
 * overtime_parking for every stop, and of the engine with and without the index.
 *
 *   node --import tsx bench/road-match.ts [--spacing-m 150] [--lookups 1000000]
 *
 * The network is a city-dense grid over 0.5° × 0.5° around Zhengzhou (streets every `spacing-m` metres both ways,
 * OSM-like segments of 50 m; a whole province's extract has fewer segments per km² outside its cities), built with
 * the same builder `vigil roads import` uses and read back from its bytes. Lookups are at random points within 30 m
 * of a street, with the street's heading ± 20°, each at a new position (the one-entry cache never answers).
 */
import { RoadIndex, RoadIndexBuilder } from '../stream/roads/index.js';
import type { TelemetryRow, VehicleRecord } from '../schema/index.js';
import {
  ALL_RULES,
  RULE_ENGINE_DEFAULTS,
  RuleEngine,
  compileRulesConfig,
  defaultRulesConfig,
} from '../stream/index.js';

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const SPACING_M = flag('spacing-m', 150);
const LOOKUPS = flag('lookups', 1_000_000);
const LON0 = 113.4;
const LAT0 = 34.5;
const SIZE_DEG = 0.5;
const M_PER_DEG_LAT = 111_195;
const M_PER_DEG_LON = M_PER_DEG_LAT * Math.cos((34.75 * Math.PI) / 180);

let seed = 1;
const random = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;

const builder = new RoadIndexBuilder();
const stepLat = SPACING_M / M_PER_DEG_LAT;
const stepLon = SPACING_M / M_PER_DEG_LON;
const segLat = 50 / M_PER_DEG_LAT;
const segLon = 50 / M_PER_DEG_LON;
const t0 = performance.now();
for (let lat = LAT0; lat < LAT0 + SIZE_DEG; lat += stepLat) {
  const coords: number[] = [];
  for (let lon = LON0; lon <= LON0 + SIZE_DEG; lon += segLon) coords.push(lon, lat);
  builder.add({
    highway: 'residential',
    type: 'urban',
    maxspeed: 40,
    maxspeedHgv: undefined,
    name: '',
    ref: '',
    coords,
  });
}
for (let lon = LON0; lon < LON0 + SIZE_DEG; lon += stepLon) {
  const coords: number[] = [];
  for (let lat = LAT0; lat <= LAT0 + SIZE_DEG; lat += segLat) coords.push(lon, lat);
  builder.add({
    highway: 'primary',
    type: 'urban',
    maxspeed: undefined,
    maxspeedHgv: undefined,
    name: '',
    ref: '',
    coords,
  });
}
const bytes = builder.build('synthetic', Date.now());
const built = performance.now();
const index = new RoadIndex(bytes);
const loaded = performance.now();
console.log(
  `network: ${index.summary.ways} streets, ${index.summary.segments.toLocaleString('en')} segments, index ${(bytes.length / 1e6).toFixed(1)} MB; built in ${((built - t0) / 1000).toFixed(1)} s, loaded in ${(loaded - built).toFixed(0)} ms`,
);

// Query points: near a west–east or a south–north street, heading along it ± 20°.
const queries = new Float64Array(LOOKUPS * 3);
for (let i = 0; i < LOOKUPS; i++) {
  const eastWest = random() < 0.5;
  const offsetM = (random() - 0.5) * 60;
  const along = random() * (SIZE_DEG - 0.02) + 0.01;
  const street = Math.floor(random() * (SIZE_DEG / (eastWest ? stepLat : stepLon) - 1));
  const lon = eastWest ? LON0 + along : LON0 + street * stepLon + offsetM / M_PER_DEG_LON;
  const lat = eastWest ? LAT0 + street * stepLat + offsetM / M_PER_DEG_LAT : LAT0 + along;
  queries[3 * i] = lon;
  queries[3 * i + 1] = lat;
  queries[3 * i + 2] = ((eastWest ? 90 : 0) + (random() - 0.5) * 40 + 360) % 360;
}
let matched = 0;
for (let round = 0; round < 2; round++) {
  matched = 0;
  const start = performance.now();
  for (let i = 0; i < LOOKUPS; i++)
    if (index.match(queries[3 * i], queries[3 * i + 1], queries[3 * i + 2], 60) !== undefined) matched++;
  const ms = performance.now() - start;
  console.log(
    `${round === 0 ? 'warm-up' : 'measured'}: ${LOOKUPS.toLocaleString('en')} lookups in ${ms.toFixed(0)} ms = ${((ms * 1000) / LOOKUPS).toFixed(2)} µs per lookup, ${((matched / LOOKUPS) * 100).toFixed(1)} % matched`,
  );
}

// The engine with and without the index: 2,000 vehicles driving on the grid, a fix every 30 s.
const VEHICLES = 2_000;
const FIXES = 150;
const registry: VehicleRecord[] = [];
const rows: TelemetryRow[] = [];
for (let v = 0; v < VEHICLES; v++)
  registry.push({
    plate: `豫A${String(10000 + v)}`,
    plate_color: 2,
    vehicle_class: 'heavy_truck',
    axles: 2,
    enterprise_id: 'e',
    terminal_id: `t${v}`,
    permit_valid_until: Date.UTC(2030, 0, 1),
    route_length_km: 0,
    home_org_code: '410105',
  });
const T0 = Date.UTC(2026, 10, 28, 2, 0, 0);
for (let f = 0; f < FIXES; f++)
  for (let v = 0; v < VEHICLES; v++) {
    const q = (v * 7919 + f) % LOOKUPS;
    rows.push({
      terminal_id: `t${v}`,
      plate: registry[v].plate,
      ts: T0 + f * 30_000,
      received_at: T0 + f * 30_000,
      lat: queries[3 * q + 1],
      lon: queries[3 * q],
      altitude_m: 100,
      speed_kmh: 45,
      direction_deg: Math.round(queries[3 * q + 2]) % 360,
      alarm_bits: 0,
      status_bits: 0b11,
      source: 'bench',
      backfill: 0,
      extras: '',
      org_code: '',
    });
  }
for (const withIndex of [false, true, false, true]) {
  const engine = new RuleEngine(
    ALL_RULES,
    compileRulesConfig(defaultRulesConfig(ALL_RULES), 1, ALL_RULES, withIndex ? index : undefined),
    {
      registry: {
        byTerminal: (t) => registry[Number(t.slice(1))],
        byPlate: () => undefined,
      },
      now: () => T0,
    },
    RULE_ENGINE_DEFAULTS,
  );
  const start = performance.now();
  for (const row of rows) engine.onPosition(row, 0);
  const ms = performance.now() - start;
  console.log(
    `engine ${withIndex ? 'with' : 'without'} the road index: ${rows.length.toLocaleString('en')} fixes in ${ms.toFixed(0)} ms = ${Math.round(rows.length / (ms / 1000)).toLocaleString('en')} fixes/s`,
  );
}
