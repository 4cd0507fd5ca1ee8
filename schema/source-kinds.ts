/**
 * The kinds of record a source may post (docs/sources/), each with its own key bound to one org unit: the one list
 * the ingestion checks a key's kind against and the console offers when it issues keys and takes uploads. The order
 * is the console's: roadside kinds first, then the registry, counts, shipping, buses, taxis and registrations.
 */
export const INGEST_KINDS = [
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
export type IngestKind = (typeof INGEST_KINDS)[number];

/**
 * The kinds a unit may upload as a CSV or XLSX file (center/uploads/): every kind whose records are rows. A
 * GTFS-Realtime feed is a protobuf message of nested entities, published by URL and posted as it is; it has no
 * row form.
 */
export const UPLOAD_KINDS = INGEST_KINDS.filter((kind) => kind !== 'gtfs_rt');

export function isIngestKind(value: string): value is IngestKind {
  return (INGEST_KINDS as readonly string[]).includes(value);
}
