/**
 * Source API keys (guideline G1: keys are allocated centrally by the province). A key is 32 random bytes shown
 * once at creation; only its SHA-256 is stored, so a copy of the database lets nobody send data. Each key is
 * bound to one source kind and one org unit; usage and last-seen are kept per key.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import { INGEST_KINDS, type IngestKind, type SourceIdentity, type SourceKeyVerifier } from '../../ingest/index.js';
import type { Principal } from '../auth/accounts.js';
import { appendAudit } from '../auth/audit.js';
import { HttpError } from '../http/router.js';
import type { OrgDirectory } from '../org/org-directory.js';
import { inUnitOf, unitRefusal } from '../org/record-scope.js';

export interface SourceKeyView {
  id: number;
  kind: IngestKind;
  org_code: string;
  name: string;
  created_at: string;
  revoked_at: string | null;
  requests_count: number;
  records_count: number;
  last_seen_at: string | null;
  last_peer: string;
}

interface PendingUse {
  requests: number;
  records: number;
  peer: string;
}

export interface SourceKeysOptions {
  /** How long a verified key is trusted from memory before PostgreSQL is asked again (revocations on other nodes). */
  cacheMs: number;
  /** Keys kept in the verification cache at most. */
  cachedKeysMax: number;
  /** How often usage counters are written to PostgreSQL. */
  usageFlushMs: number;
}

export const SOURCE_KEYS_DEFAULTS: SourceKeysOptions = { cacheMs: 10_000, cachedKeysMax: 10_000, usageFlushMs: 2_000 };

const KEY_PREFIX = 'vsk_';

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export class SourceKeys implements SourceKeyVerifier {
  private readonly cache = new Map<string, { identity: SourceIdentity | null; at: number }>();
  private readonly pendingUse = new Map<number, PendingUse>();
  private flushing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sql: Sql,
    private readonly logger: Logger,
    private readonly options: SourceKeysOptions = SOURCE_KEYS_DEFAULTS,
    /** The command tree: a key's records must lie in the units its unit commands. Absent, the division code decides. */
    private readonly org?: Pick<OrgDirectory, 'covers'>,
  ) {
    this.timer = setInterval(() => void this.flushUsage(), options.usageFlushMs);
    this.timer.unref();
  }

  async issue(
    actor: Principal,
    input: { kind: unknown; org_code: unknown; name: unknown },
    peer: string,
  ): Promise<{ id: number; key: string; kind: IngestKind; org_code: string; name: string }> {
    requireProvinceAdmin(actor);
    const kind = input.kind;
    if (typeof kind !== 'string' || !(INGEST_KINDS as readonly string[]).includes(kind))
      throw new HttpError(400, 'bad_kind', `kind must be one of ${INGEST_KINDS.join(', ')}`);
    if (typeof input.org_code !== 'string' || !/^\d{6}$/.test(input.org_code))
      throw new HttpError(400, 'bad_org_code', 'org_code must be a 6-digit org unit code');
    if (typeof input.name !== 'string' || input.name.trim() === '' || input.name.length > 200)
      throw new HttpError(400, 'bad_name', 'name must be a non-empty string of at most 200 characters');
    const orgCode = input.org_code;
    const name = input.name.trim();
    const units = await this.sql.query('SELECT code FROM org_units WHERE code = $1', [orgCode]);
    if (units.length === 0) throw new HttpError(400, 'unknown_org_code', `org unit ${orgCode} does not exist`);
    const key = KEY_PREFIX + randomBytes(32).toString('base64url');
    const id = await this.sql.transaction(async (tx) => {
      const rows = await tx.query<{ id: number }>(
        'INSERT INTO source_keys (kind, org_code, name, key_hash, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [kind, orgCode, name, hashKey(key), actor.userId],
      );
      const newId = Number(rows[0].id);
      await appendAudit(tx, {
        actorId: actor.userId,
        actor: actor.username,
        action: 'source_key.issue',
        target: `source_key:${newId}`,
        detail: { kind, org_code: orgCode, name },
        peer,
      });
      return newId;
    });
    return { id, key, kind: kind as IngestKind, org_code: orgCode, name };
  }

  async list(actor: Principal): Promise<SourceKeyView[]> {
    requireProvinceAdmin(actor);
    await this.flushUsage();
    const rows = await this.sql.query<Record<string, unknown>>(
      'SELECT id, kind, org_code, name, created_at, revoked_at, requests_count, records_count, last_seen_at, last_peer FROM source_keys ORDER BY id',
    );
    return rows.map((r) => ({
      id: Number(r.id),
      kind: r.kind as IngestKind,
      org_code: String(r.org_code),
      name: String(r.name),
      created_at: isoOf(r.created_at) ?? '',
      revoked_at: isoOf(r.revoked_at),
      requests_count: Number(r.requests_count),
      records_count: Number(r.records_count),
      last_seen_at: isoOf(r.last_seen_at),
      last_peer: String(r.last_peer),
    }));
  }

  async revoke(actor: Principal, id: number, peer: string): Promise<void> {
    requireProvinceAdmin(actor);
    const revoked = await this.sql.transaction(async (tx) => {
      const rows = await tx.query<{ key_hash: string }>(
        'UPDATE source_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING key_hash',
        [id],
      );
      if (rows.length === 0) return null;
      await appendAudit(tx, {
        actorId: actor.userId,
        actor: actor.username,
        action: 'source_key.revoke',
        target: `source_key:${id}`,
        peer,
      });
      return rows[0].key_hash;
    });
    if (revoked === null) throw new HttpError(404, 'not_found', `no active source key ${id}`);
    this.cache.delete(revoked);
  }

  async verify(key: string): Promise<SourceIdentity | null> {
    const hash = hashKey(key);
    const cached = this.cache.get(hash);
    if (cached && Date.now() - cached.at < this.options.cacheMs) return cached.identity;
    const rows = await this.sql.query<{ id: number; kind: IngestKind; org_code: string; name: string }>(
      'SELECT id, kind, org_code, name FROM source_keys WHERE key_hash = $1 AND revoked_at IS NULL',
      [hash],
    );
    const row = rows[0];
    const identity = row ? this.identityOf(row) : null;
    if (this.cache.size >= this.options.cachedKeysMax) this.cache.clear();
    this.cache.set(hash, { identity, at: Date.now() });
    return identity;
  }

  private identityOf(row: { id: number; kind: IngestKind; org_code: string; name: string }): SourceIdentity {
    const identity: SourceIdentity = { keyId: Number(row.id), kind: row.kind, orgCode: row.org_code, name: row.name };
    if (this.org) {
      const inUnit = inUnitOf(this.org, row.org_code, "the source key's");
      identity.admits = (record) => Promise.resolve(unitRefusal(record, inUnit));
    }
    return identity;
  }

  recordUse(identity: SourceIdentity, records: number, peer: string): void {
    const pending = this.pendingUse.get(identity.keyId) ?? { requests: 0, records: 0, peer };
    pending.requests++;
    pending.records += records;
    pending.peer = peer;
    this.pendingUse.set(identity.keyId, pending);
  }

  /**
   * Writes the usage gathered since the last flush; counters are batched so a busy key costs no write per
   * request. Flushes run one after another, so a caller that awaits one sees every earlier write committed.
   */
  flushUsage(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeUsage());
    return this.flushing;
  }

  private async writeUsage(): Promise<void> {
    if (this.pendingUse.size === 0) return;
    const batch = [...this.pendingUse.entries()];
    this.pendingUse.clear();
    for (const [id, use] of batch) {
      try {
        await this.sql.query(
          'UPDATE source_keys SET requests_count = requests_count + $2, records_count = records_count + $3, last_seen_at = now(), last_peer = $4 WHERE id = $1',
          [id, use.requests, use.records, use.peer.replace(/:\d+$/, '')],
        );
      } catch (error) {
        this.logger.warn('could not record source key usage', { key_id: id, error: String(error) });
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flushUsage();
  }
}

/** Whether an account may issue, list and revoke source keys: a province admin. */
export function mayManageSources(actor: Pick<Principal, 'role' | 'orgCode'>): boolean {
  // Province-level units are the only ones whose code ends in 0000.
  return actor.role === 'admin' && actor.orgCode.endsWith('0000');
}

export function requireProvinceAdmin(actor: Principal): void {
  if (!mayManageSources(actor)) throw new HttpError(403, 'forbidden', 'only a province admin may manage sources');
}

function isoOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}
