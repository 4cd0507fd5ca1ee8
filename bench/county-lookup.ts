/**
 * The county of a fix, which the JT/T 808 gateway and the JT/T 809 server stamp on every telemetry row
 * (`org_code`) and the feed hub and the summary look up for every position: `countyAt` answers from a grid of
 * ≈ 1 km cells, where a cell no boundary crosses is one array read (a crossed one reads its sub-cells); `countyAtByScan` walks every county's box and
 * tests polygons, as countyAt did before. Run: npx tsx bench/county-lookup.ts [seconds]
 *
 * Tracks: 2,000 vehicles starting at random county seats, each fix about 250 m from the previous one (30 s at
 * 30 km/h) on a slowly turning heading, so vehicles cross county borders as real ones do. Both lookups see the
 * same fixes in alternating rounds, after a first round that classifies the cells the tracks visit (reported
 * apart); figures are CPU µs of this process per fix. The run also checks that both give the same county for
 * every fix.
 */
import { countyAt, countyAtByScan, divisions } from '../schema/index.js';

const VEHICLES = 2_000;
const FIXES_PER_VEHICLE = 200;
const seconds = Number(process.argv[2] ?? 4);

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fixes as [lon, lat] pairs, vehicle by vehicle, in time order within each vehicle. */
function tracks(): Float64Array {
  const random = prng(2026);
  const seats = divisions().map((d) => d.seatLonLatDeg);
  const out = new Float64Array(VEHICLES * FIXES_PER_VEHICLE * 2);
  let at = 0;
  for (let v = 0; v < VEHICLES; v++) {
    let [lon, lat] = seats[Math.floor(random() * seats.length)]!;
    let heading = random() * 2 * Math.PI;
    for (let f = 0; f < FIXES_PER_VEHICLE; f++) {
      heading += (random() - 0.5) * 0.4;
      lon += (Math.cos(heading) * 0.25) / 92;
      lat += (Math.sin(heading) * 0.25) / 111;
      out[at++] = lon;
      out[at++] = lat;
    }
  }
  return out;
}

const fixes = tracks();
const fixCount = fixes.length / 2;

function run(lookup: (lon: number, lat: number) => unknown): number {
  let found = 0;
  for (let i = 0; i < fixes.length; i += 2) if (lookup(fixes[i]!, fixes[i + 1]!) !== undefined) found++;
  return found;
}

function cpuMicros(work: () => unknown): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

let disagreements = 0;
const firstRoundMicros = cpuMicros(() => {
  for (let i = 0; i < fixes.length; i += 2)
    if (countyAt(fixes[i]!, fixes[i + 1]!)?.code !== countyAtByScan(fixes[i]!, fixes[i + 1]!)?.code) disagreements++;
});

const totals = { grid: 0, scan: 0, rounds: 0 };
const deadline = Date.now() + seconds * 1000;
while (Date.now() < deadline) {
  totals.scan += cpuMicros(() => run(countyAtByScan));
  totals.grid += cpuMicros(() => run(countyAt));
  totals.rounds++;
}
const perFix = (micros: number): number => Number((micros / (totals.rounds * fixCount)).toFixed(3));
console.log(
  JSON.stringify({
    fixes_per_round: fixCount,
    rounds: totals.rounds,
    first_round_both_us_per_fix: Number((firstRoundMicros / fixCount).toFixed(3)),
    scan_us_per_fix: perFix(totals.scan),
    grid_us_per_fix: perFix(totals.grid),
    ratio_scan_to_grid: Number((totals.scan / totals.grid).toFixed(1)),
    disagreements,
  }),
);
