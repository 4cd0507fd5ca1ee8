/**
 * What HTTP ingestion needs from the command centre, which implements it (keys and the registry live in
 * PostgreSQL there): checking a source key, counting its use, and storing registry records durably.
 */
import type { LicenceRecord, RegistryRecord } from '../../schema/index.js';
import type { ScopedRecord, ScopeRefusal } from './http-ingest.js';

export const INGEST_KINDS = [
  'anpr',
  'wim',
  'gantry',
  'device_status',
  'registry',
  'toll',
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

/** Who is sending: a key bound to one source kind and one org unit. */
export interface SourceIdentity {
  keyId: number;
  kind: IngestKind;
  /** The org unit the key belongs to; records outside its subtree are refused. */
  orgCode: string;
  name: string;
  /**
   * A further check of each record the normalizer accepted (the command tree, which the division-code check of the
   * normalizers does not know): a refusal, or null. Absent, the division code alone decides.
   */
  admits?: (record: ScopedRecord) => Promise<ScopeRefusal | null>;
}

export interface SourceKeyVerifier {
  /** The key's identity, or null when the key is unknown or revoked. */
  verify(key: string): Promise<SourceIdentity | null>;
  /** Counts one request and its records against the key (usage and last-seen); never throws. */
  recordUse(identity: SourceIdentity, records: number, peer: string): void;
}

/** Who writes registry records: the source (`key:<id>`) and the org unit its key belongs to. */
export interface RegistryWriterIdentity {
  source: string;
  orgCode: string;
}

/** A registry record the store refused, by its position in the records given, with a named reason. */
export interface RegistryRefusal {
  index: number;
  reason: string;
  detail: string;
}

export interface RegistryWriter {
  /**
   * Upserts the records a writer may write and refuses the others (a row of another unit, a reference to another
   * unit's enterprise); resolves once the accepted ones are committed.
   */
  upsert(records: readonly RegistryRecord[], writer: RegistryWriterIdentity): Promise<RegistryRefusal[]>;
  /**
   * Upserts taxi permits and market registrations (kinds `taxi_permit`, `market_registration`), refusing those of
   * another unit as `upsert` does; resolves once the accepted ones are committed.
   */
  upsertLicences(records: readonly LicenceRecord[], writer: RegistryWriterIdentity): Promise<RegistryRefusal[]>;
}

/** The kinds whose records are written to PostgreSQL (committed before the answer) rather than to the event log. */
export const STORE_KINDS: readonly IngestKind[] = ['registry', 'taxi_permit', 'market_registration'];
