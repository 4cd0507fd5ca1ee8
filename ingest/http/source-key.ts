/**
 * What HTTP ingestion needs from the command centre, which implements it (keys and the registry live in
 * PostgreSQL there): checking a source key, counting its use, and storing registry records durably.
 */
import type { IngestKind, LicenceRecord, RegistryRecord } from '../../schema/index.js';
import type { ScopedRecord, ScopeRefusal } from './http-ingest.js';

// The kinds are declared in schema/ so the console offers the same list (keys, uploads) as the server checks.
export { INGEST_KINDS, isIngestKind, UPLOAD_KINDS, type IngestKind } from '../../schema/index.js';

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
