/**
 * What HTTP ingestion needs from the command centre, which implements it (keys and the registry live in
 * PostgreSQL there): checking a source key, counting its use, and storing registry records durably.
 */
import type { RegistryRecord } from '../../schema/index.js';

export const INGEST_KINDS = ['anpr', 'wim', 'gantry', 'device_status', 'registry'] as const;
export type IngestKind = (typeof INGEST_KINDS)[number];

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
}

export interface SourceKeyVerifier {
  /** The key's identity, or null when the key is unknown or revoked. */
  verify(key: string): Promise<SourceIdentity | null>;
  /** Counts one request and its records against the key (usage and last-seen); never throws. */
  recordUse(identity: SourceIdentity, records: number, peer: string): void;
}

export interface RegistryWriter {
  /** Upserts the records; resolves once they are committed. */
  upsert(records: readonly RegistryRecord[], source: string): Promise<void>;
}
