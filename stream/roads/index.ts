/** The road index: OSM roads with their type and posted limit, and the map matching the speed rules use. */
export { RoadIndex, MATCH_DEFAULTS } from './road-index.js';
export type { MatchOptions, Road, RoadLookup, RoadMatch } from './road-index.js';
export { RoadIndexBuilder } from './road-index-build.js';
export type { RoadInput } from './road-index-build.js';
export { ROAD_INDEX_CELL_DEG, ROAD_INDEX_DIR, ROAD_INDEX_FILE, RoadIndexFileError } from './road-index-format.js';
export type { RoadIndexSummary } from './road-index-format.js';
export { KEPT_HIGHWAYS, MAXSPEED_MAX, ROAD_TYPES, isKeptHighway, parseMaxspeed, roadTypeOf } from './road-types.js';
export type { KeptHighway, RoadType } from './road-types.js';
