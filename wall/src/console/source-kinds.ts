/**
 * The ingestion kinds (INGEST_KINDS of ingest/http/source-key.ts; docs/sources/), in the order the console offers
 * them: a source key may be issued for each, and each but GTFS-Realtime (a binary feed, polled or posted whole) may
 * be uploaded as a file (UPLOAD_KINDS there; their columns: upload-templates.ts).
 */
export const SOURCE_KINDS = [
  'anpr',
  'wim',
  'gantry',
  'toll',
  'device_status',
  'registry',
  'traffic_count',
  'rail_flow',
  'ais',
  'gtfs_rt',
  'gtfs_static',
  'taxi_position',
  'taxi_order',
  'taxi_permit',
  'market_registration',
] as const;

export const UPLOAD_KINDS = SOURCE_KINDS.filter((kind) => kind !== 'gtfs_rt');
