/**
 * `vigil roads import FILE.osm.pbf`: builds the road index the speed and parking rules match fixes against
 * (`<data-dir>/roads/road-index.bin`) from an OpenStreetMap extract of the province, with progress on stderr
 * and a summary of what was kept. A running node reads the index when it starts (docs/rules.md, "Roads").
 */
import { mkdirSync, renameSync, writeFileSync, fsyncSync, openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { ROAD_INDEX_DIR, ROAD_INDEX_FILE, RoadIndexBuilder, type RoadIndexSummary } from '../../stream/roads/index.js';
import { ConfigError, defineFlags, helpText, parseFlags } from '../flags.js';
import { importOsmRoads, type ImportProgress } from './roads/osm-import.js';
import { RoadImportError } from './roads/pbf-framing.js';

export const ROADS_SUMMARY = 'Import an OpenStreetMap extract (.osm.pbf) as the road index of speed limits.';

export const ROADS_FLAGS = defineFlags([
  {
    name: 'data-dir',
    kind: 'string',
    default: './data',
    description: "the node's data directory; the index is written to <data-dir>/roads/road-index.bin",
  },
  { name: 'json', kind: 'boolean', default: false, description: 'print the summary as JSON on stdout' },
  { name: 'quiet', kind: 'boolean', default: false, description: 'no progress on stderr' },
]);

export interface RoadsImportReport extends RoadIndexSummary {
  file: string;
  index: string;
  indexBytes: number;
  seconds: number;
}

function writeDurably(file: string, bytes: Buffer): void {
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeFileSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

export async function importRoads(
  file: string,
  dataDir: string,
  onProgress: (p: ImportProgress) => void = () => undefined,
): Promise<RoadsImportReport> {
  const started = Date.now();
  const builder = new RoadIndexBuilder();
  const summary = await importOsmRoads(file, builder, onProgress);
  const bytes = builder.build(path.basename(file), Date.now());
  const dir = path.join(dataDir, ROAD_INDEX_DIR);
  const index = path.join(dir, ROAD_INDEX_FILE);
  try {
    mkdirSync(dir, { recursive: true });
    writeDurably(index, bytes);
  } catch (error) {
    throw new RoadImportError('data_dir_unwritable', `${index} cannot be written: ${(error as Error).message}`);
  }
  return { file, index, indexBytes: bytes.length, seconds: (Date.now() - started) / 1000, ...summary };
}

function progressPrinter(quiet: boolean): (p: ImportProgress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (quiet || (now - last < 1000 && p.bytesRead < p.bytesTotal)) return;
    last = now;
    const percent = p.bytesTotal > 0 ? Math.floor((p.bytesRead / p.bytesTotal) * 100) : 100;
    const what = p.pass === 1 ? 'reading highways' : 'reading their nodes';
    process.stderr.write(
      `roads: pass ${p.pass}/2 ${what}: ${percent}% (${(p.bytesRead / 1e6).toFixed(1)} of ${(p.bytesTotal / 1e6).toFixed(1)} MB), ${p.highways.toLocaleString('en')} highways\n`,
    );
  };
}

export async function roadsCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (
    action === undefined ||
    action === '--help' ||
    action === '-h' ||
    rest.includes('--help') ||
    rest.includes('-h')
  ) {
    console.log(helpText('roads import FILE.osm.pbf', ROADS_SUMMARY, ROADS_FLAGS));
    return;
  }
  if (action !== 'import')
    throw new ConfigError(
      `vigil roads: unknown action ${JSON.stringify(action)} (the one action is: import FILE.osm.pbf)`,
    );
  const { values, positionals } = parseFlags(ROADS_FLAGS, rest, process.env);
  if (positionals.length !== 1) throw new ConfigError('vigil roads import needs exactly one FILE.osm.pbf');
  try {
    const report = await importRoads(
      path.resolve(positionals[0]),
      path.resolve(values['data-dir']),
      progressPrinter(values.quiet),
    );
    if (values.json) console.log(JSON.stringify(report));
    else
      console.log(
        [
          `道路索引已生成 / road index written: ${report.index} (${(report.indexBytes / 1e6).toFixed(1)} MB, ${report.seconds.toFixed(1)} s)`,
          `  道路 ways ${report.ways.toLocaleString('en')}, 路段 segments ${report.segments.toLocaleString('en')}`,
          `  有限速 with maxspeed ${report.withMaxspeed.toLocaleString('en')}, 无限速 without ${report.withoutMaxspeed.toLocaleString('en')}`,
          `  按类型 by type: ${Object.entries(report.byType)
            .map(([t, n]) => `${t} ${n.toLocaleString('en')}`)
            .join(', ')}`,
          '  重启节点后生效 / a node reads it when it starts.',
        ].join('\n'),
      );
  } catch (error) {
    if (error instanceof RoadImportError) throw new ConfigError(`roads import ${positionals[0]}: ${error.message}`);
    throw error;
  }
}
