/**
 * `vigil generate`: writes a seeded traffic directory (JT/T 808 wire shards, HTTP source NDJSON, registry,
 * labels, manifest). See docs/traffic-generator.md.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import {
  GENERATE_BOUNDS,
  generateTraffic,
  generateTrafficParallel,
  type GenerateOptions,
  type GenerateProgress,
  type GeneratedManifest,
} from '../../fixtures/generator/index.js';
import { timeTextMs } from '../../ingest/index.js';
import { ConfigError, defineFlags, helpText, parseFlags } from '../flags.js';
import { GENERATE_WORKERS_MAX, GeneratePool } from './generate-pool.js';
import { encodeAisMessage, encodeTerminalMessage } from './wire-codec.js';

export const GENERATE_SUMMARY = 'Generate seeded Henan traffic with labelled violations into a directory.';
export const DEFAULT_START_ISO = '2026-11-02T03:00:00+08:00';

/** What `--out` receives, shown under the flags by `--help` (docs/traffic-generator.md, "Output"). */
export const GENERATE_OUTPUT = [
  'Writes into --out (docs/traffic-generator.md):',
  '  wire/shard-NNNN.bin            JT/T 808 terminal traffic (vigil replay --to)',
  '  http/<kind>-NNN.ndjson         HTTP source records in hourly buckets, posted to /api/ingest/<kind> (vigil replay --http):',
  '    anpr, wim, gantry, device_status   roadside sightings and device health',
  '    toll                               expressway toll transactions of the fleet (entry-lane weights: overload;',
  '                                       cloned plates at far stations: cloned_plate)',
  '    taxi_position, taxi_order, taxi_permit   the taxis through their platforms (permit faults: taxi_permit)',
  '    traffic_count                      survey stations (交调站) on trunk links, per direction and class, every 15 min',
  '    rail_flow                          rail station passenger flows of the city seats, every 15 min',
  '    ais                                cargo ships on the Shaying and Huai rivers, !AIVDM every minute',
  '    market_registration                the market register record of every enterprise (by credit code) and a few',
  '                                       companies never licensed',
  '  gtfs/<org>/gtfs.zip, gtfs/<org>/realtime/<s>.pb   city bus operators: GTFS static and GTFS-Realtime every 30 s',
  '                                 (/api/ingest/gtfs_static, /api/ingest/gtfs_rt); bus-labels.ndjson their truth',
  '  registry.ndjson, enterprises.ndjson, drivers.ndjson   registry records (/api/ingest/registry)',
  '  labels.ndjson                  the injected violations each rule must find; manifest.json  counts and files',
].join('\n');

export const GENERATE_FLAGS = defineFlags([
  {
    name: 'vehicles',
    kind: 'integer',
    default: 300,
    min: GENERATE_BOUNDS.vehicles.min,
    max: GENERATE_BOUNDS.vehicles.max,
    description: 'vehicles (one terminal each)',
  },
  {
    name: 'hours',
    kind: 'integer',
    default: 2,
    min: GENERATE_BOUNDS.hours.min,
    max: GENERATE_BOUNDS.hours.max,
    description: 'length of the traffic window',
  },
  {
    name: 'seed',
    kind: 'integer',
    default: 1,
    min: 0,
    max: 4_294_967_295,
    description: 'seed of the generator: the same seed gives the same bytes',
  },
  { name: 'out', kind: 'string', description: 'output directory (created; its wire/ and http/ are replaced)' },
  {
    name: 'start',
    kind: 'string',
    default: DEFAULT_START_ISO,
    description: 'first second of traffic, ISO 8601 with offset',
  },
  {
    name: 'workers',
    kind: 'integer',
    default: Math.min(availableParallelism(), GENERATE_WORKERS_MAX),
    min: 1,
    max: GENERATE_WORKERS_MAX,
    description: 'worker threads simulating vehicles (1: in this thread); the output does not depend on it',
  },
  {
    name: 'shard-terminals',
    kind: 'integer',
    default: 5000,
    min: GENERATE_BOUNDS.shardTerminals.min,
    max: GENERATE_BOUNDS.shardTerminals.max,
    description: 'terminals per wire shard file',
  },
]);

/** Vehicles per chunk a worker produces: a 24 h vehicle is about 80 KB of output, so a chunk stays a few MB. */
const CHUNK_VEHICLES = 50;

/** `--start`: ISO 8601, China time (UTC+8) when it names no offset, as the traffic it starts is China's. */
export function parseStart(value: string): number {
  let ms = NaN;
  try {
    if (/^\d{4}-\d\d-\d\dT/.test(value)) ms = timeTextMs(value, '--start');
  } catch {
    // A date off the calendar: refused below like any other text.
  }
  if (!Number.isFinite(ms))
    throw new ConfigError(
      `--start value ${JSON.stringify(value)} is not an ISO 8601 time such as ${DEFAULT_START_ISO}`,
    );
  if (ms % 1000 !== 0) throw new ConfigError(`--start value ${JSON.stringify(value)} must be on a whole second`);
  return ms;
}

function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

/**
 * One worker generates in this thread; more spread the vehicles over worker threads, with
 * `2 × workers` chunks in flight. Either way the bytes are the same.
 */
export async function generateWith(
  options: GenerateOptions,
  workers: number,
  onProgress?: (p: GenerateProgress) => void,
): Promise<GeneratedManifest> {
  if (workers <= 1) return generateTraffic(options, encodeTerminalMessage, onProgress);
  const pool = new GeneratePool(workers, {
    vehicles: options.vehicles,
    hours: options.hours,
    seed: options.seed,
    startMs: options.startMs,
  });
  try {
    return await generateTrafficParallel(options, pool.produce, onProgress, {
      chunkVehicles: CHUNK_VEHICLES,
      chunksInFlightMax: 2 * workers,
    });
  } finally {
    await pool.close();
  }
}

export async function generateCommand(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(`${helpText('generate', GENERATE_SUMMARY, GENERATE_FLAGS)}\n\n${GENERATE_OUTPUT}`);
    return;
  }
  const { values, positionals } = parseFlags(GENERATE_FLAGS, argv, process.env);
  if (positionals.length > 0)
    throw new ConfigError(`unexpected argument ${JSON.stringify(positionals[0])} (see vigil generate --help)`);
  if (values.out === undefined) throw new ConfigError('--out (VIGIL_OUT) is required: the directory to write');
  const outDir = path.resolve(values.out);
  const startMs = parseStart(values.start);
  const began = performance.now();
  let lastPrint = 0;
  const workers = values.workers;
  const onProgress = (p: GenerateProgress): void => {
    const now = performance.now();
    if (now - lastPrint < 1000 && p.vehiclesDone < p.vehicles) return;
    lastPrint = now;
    const rate = p.vehiclesDone / ((now - began) / 1000);
    const etaS = Math.round((p.vehicles - p.vehiclesDone) / Math.max(rate, 1e-9));
    process.stderr.write(
      `\rgenerate: ${p.vehiclesDone.toLocaleString('en')}/${p.vehicles.toLocaleString('en')} vehicles, wire ${formatBytes(p.bytesWritten)}, ${rate.toFixed(0)} vehicles/s, ${workers} worker${workers === 1 ? '' : 's'}, ETA ${etaS} s   `,
    );
  };
  const options: GenerateOptions = {
    vehicles: values.vehicles,
    hours: values.hours,
    seed: values.seed,
    outDir,
    startMs,
    shardTerminals: values['shard-terminals'],
    encodeAis: encodeAisMessage,
  };
  const manifest = await generateWith(options, workers, onProgress);
  process.stderr.write('\n');
  const seconds = ((performance.now() - began) / 1000).toFixed(1);
  const c = manifest.counts;
  console.log(
    `Generated ${c.terminals} terminals × ${manifest.hours} h from ${manifest.start_iso} (seed ${manifest.seed}) into ${outDir} in ${seconds} s`,
  );
  console.log(
    `  frames ${c.frames} (malformed ${c.frames_malformed}), positions ${c.positions} (back-filled ${c.positions_backfilled}), heartbeats ${c.heartbeats}`,
  );
  console.log(
    `  http: ${Object.entries(c.http)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}; devices ${c.devices}`,
  );
  console.log(
    `  labels: ${Object.entries(c.labels)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
  );
  if (manifest.rules_not_injected.length > 0)
    console.log(`  not injected (window too short): ${manifest.rules_not_injected.join(', ')}`);
}
