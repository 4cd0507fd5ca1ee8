/**
 * The road index a node starts with: `<data-dir>/roads/road-index.bin`, written by `vigil roads import`. Without
 * one the rules run as before (class limits and zones) and the log says so once; a file that cannot be read is
 * an error in the log, and the node still starts — supervision without road limits beats none at all.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../schema/index.js';
import { ROAD_INDEX_DIR, ROAD_INDEX_FILE, RoadIndex, RoadIndexFileError } from '../../stream/roads/index.js';

export function roadIndexPath(dataDir: string): string {
  return path.join(dataDir, ROAD_INDEX_DIR, ROAD_INDEX_FILE);
}

export function loadRoadIndex(dataDir: string, logger: Logger): RoadIndex | undefined {
  const file = roadIndexPath(dataDir);
  if (!existsSync(file)) {
    logger.info('no road index: speed limits fall back to class defaults and zones (vigil roads import FILE.osm.pbf)', {
      file,
    });
    return undefined;
  }
  try {
    const started = Date.now();
    const index = RoadIndex.fromFile(file);
    logger.info('road index loaded', {
      file,
      source: index.source,
      built_at: new Date(index.builtAt).toISOString(),
      ways: index.summary.ways,
      segments: index.summary.segments,
      with_maxspeed: index.summary.withMaxspeed,
      load_ms: Date.now() - started,
    });
    return index;
  } catch (error) {
    if (!(error instanceof RoadIndexFileError)) throw error;
    logger.error('road index not used: speed limits fall back to class defaults and zones', {
      file,
      code: error.code,
      reason: error.message,
    });
    return undefined;
  }
}
