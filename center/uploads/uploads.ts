/**
 * Uploads of source files by cities, counties and enterprises (G6, 应接尽接): a CSV or XLSX file of one HTTP
 * source kind, read and judged row by row by the HTTP ingestion's own normalizers (`HttpIngest.ingestUpload`),
 * bound to the uploader's scope (`upload-scope.ts`), recorded with its SHA-256, its counts and every refused row in
 * PostgreSQL `uploads`, and audited. The same file of the same kind from the same unit (or enterprise) is applied
 * once: a second upload applies nothing and is answered with the first one's result (`repeated: true`).
 */
import { createHash } from 'node:crypto';
import type { UploadAnswer, UploadDetail, UploadError, UploadSummary } from '../../schema/index.js';
import type { IngestKind, Submitter, UploadFormat, UploadOutcome } from '../../ingest/index.js';
import { uploadFormatOf } from '../../ingest/index.js';
import type { Sql } from '../../store/index.js';
import type { Principal } from '../auth/accounts.js';
import { appendAudit } from '../auth/audit.js';
import { HttpError } from '../http/router.js';
import type { OrgDirectory } from '../org/org-directory.js';
import { errorFieldOf } from './error-report.js';
import { submitterOf } from './upload-scope.js';

/** Largest file accepted, in bytes (a larger one is 413 `file_too_large` before it is read further). */
export const UPLOAD_BYTES_MAX = 8 * 1024 * 1024;

/**
 * An upload still `applying` after this long was cut off by a crash of the node writing it: the same file may then
 * be uploaded again (its records are idempotent, so rows already written are not doubled).
 */
export const UPLOAD_STALE_MS = 10 * 60_000;

export interface UploadIngest {
  ingestUpload(kind: IngestKind, submitter: Submitter, bytes: Buffer, peer: string): Promise<UploadOutcome>;
}

export interface UploadsDeps {
  sql: Sql;
  org: OrgDirectory;
  ingest: UploadIngest;
}

interface UploadRow {
  id: string | number;
  kind: string;
  file_name: string;
  sha256: string;
  bytes: number;
  format: UploadFormat;
  state: 'applying' | 'done';
  records: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  org_code: string;
  enterprise_id: string;
  uploaded_by_name: string;
  uploaded_at: Date | string;
  finished_at: Date | string | null;
  columns?: unknown;
  errors?: unknown;
}

const SUMMARY_COLUMNS = `id, kind, file_name, sha256, bytes, format, state, records, accepted, duplicates, rejected,
  org_code, enterprise_id, uploaded_by_name, uploaded_at, finished_at`;

export interface UploadListQuery {
  kind?: string;
  before_id?: number;
  limit: number;
}

export class Uploads {
  constructor(private readonly deps: UploadsDeps) {}

  /** Applies a file, or answers with the earlier upload of the same file (status 200 then, 201 when applied now). */
  async upload(
    principal: Principal,
    file: { kind: IngestKind; fileName: string; bytes: Buffer },
    peer: string,
  ): Promise<{ status: 200 | 201; answer: UploadAnswer }> {
    if (principal.role === 'enterprise' && !principal.enterpriseId)
      throw new HttpError(403, 'forbidden', `${principal.username} is an enterprise account without an enterprise`);
    const submitter = submitterOf(principal, this.deps.org, this.deps.sql);
    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    const enterpriseId = submitter.enterpriseId ?? '';
    const audit = (action: string, detail: Record<string, unknown>) =>
      appendAudit(this.deps.sql, {
        actorId: principal.userId,
        actor: principal.username,
        action,
        target: `upload:${file.kind}:${sha256}`,
        detail: { kind: file.kind, file_name: file.fileName, sha256, bytes: file.bytes.length, ...detail },
        peer,
      });
    const id = await this.claim(principal, file, sha256, enterpriseId);
    if (typeof id !== 'number') {
      await audit('upload.repeat', { upload_id: Number(id.id), org_code: principal.orgCode });
      return { status: 200, answer: { ...detailOf(id), repeated: true } };
    }
    let outcome: UploadOutcome;
    try {
      outcome = await this.deps.ingest.ingestUpload(file.kind, submitter, file.bytes, peer);
    } catch (error) {
      // Nothing was acknowledged: the claim goes, so the same file can be uploaded again once the store is back.
      await this.deps.sql.query(`DELETE FROM uploads WHERE id = $1 AND state = 'applying'`, [id]);
      throw error;
    }
    if (!outcome.ok) {
      await this.deps.sql.query(`DELETE FROM uploads WHERE id = $1 AND state = 'applying'`, [id]);
      await audit('upload.refuse', { reason: outcome.reason, org_code: principal.orgCode });
      const tooLarge = outcome.reason === 'too_many_records' || outcome.reason === 'file_too_large';
      throw new HttpError(tooLarge ? 413 : 400, outcome.reason, outcome.detail);
    }
    const { items, result } = outcome;
    const columns = columnsOf(items.map((item) => (item.ok ? item.value : undefined)));
    const errors: UploadError[] = result.rejected.map((r) => {
      const item = items[r.index];
      const values = item.ok ? textValues(item.value) : null;
      return {
        row: item.line ?? r.index + 2,
        field: errorFieldOf(r.reason, r.detail, columns),
        reason: r.reason,
        detail: storable(r.detail),
        values,
        raw: values === null ? storable(item.raw) : '',
      };
    });
    let row: UploadRow;
    try {
      [row] = await this.deps.sql.query<UploadRow>(
        `UPDATE uploads SET state = 'done', format = $2, records = $3, accepted = $4, duplicates = $5, rejected = $6,
           columns = $7, errors = $8, finished_at = now()
         WHERE id = $1 RETURNING ${SUMMARY_COLUMNS}, columns, errors`,
        [
          id,
          outcome.format,
          items.length,
          result.accepted,
          result.duplicates,
          errors.length,
          JSON.stringify(columns.map(storable)),
          JSON.stringify(errors),
        ],
      );
    } catch (error) {
      // The rows are stored, but not the record of the file: the claim goes, so the file can be uploaded again
      // (its rows are idempotent) rather than stay "applying" until it is taken over.
      await this.deps.sql.query(`DELETE FROM uploads WHERE id = $1 AND state = 'applying'`, [id]).catch(() => []);
      throw error;
    }
    await audit('upload.apply', {
      upload_id: id,
      org_code: principal.orgCode,
      enterprise_id: enterpriseId || null,
      format: outcome.format,
      records: items.length,
      accepted: result.accepted,
      duplicates: result.duplicates,
      rejected: errors.length,
    });
    return { status: 201, answer: { ...detailOf(row), repeated: false } };
  }

  /**
   * The upload's id when this call may apply the file; the earlier upload when it was applied already. The unique
   * key (unit, enterprise, kind, SHA-256) makes two concurrent uploads of one file claim it once.
   */
  private async claim(
    principal: Principal,
    file: { kind: IngestKind; fileName: string; bytes: Buffer },
    sha256: string,
    enterpriseId: string,
  ): Promise<number | UploadRow> {
    const [claimed] = await this.deps.sql.query<{ id: string | number }>(
      `INSERT INTO uploads (org_code, enterprise_id, kind, file_name, sha256, bytes, format, uploaded_by, uploaded_by_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (org_code, enterprise_id, kind, sha256) DO UPDATE
         SET file_name = EXCLUDED.file_name, uploaded_by = EXCLUDED.uploaded_by,
             uploaded_by_name = EXCLUDED.uploaded_by_name, uploaded_at = now()
         WHERE uploads.state = 'applying' AND uploads.uploaded_at < now() - $10::int * interval '1 second'
       RETURNING id`,
      [
        principal.orgCode,
        enterpriseId,
        file.kind,
        file.fileName,
        sha256,
        file.bytes.length,
        uploadFormatOf(file.bytes),
        principal.userId,
        principal.username,
        UPLOAD_STALE_MS / 1000,
      ],
    );
    if (claimed) return Number(claimed.id);
    const [earlier] = await this.deps.sql.query<UploadRow>(
      `SELECT ${SUMMARY_COLUMNS}, columns, errors FROM uploads
        WHERE org_code = $1 AND enterprise_id = $2 AND kind = $3 AND sha256 = $4`,
      [principal.orgCode, enterpriseId, file.kind, sha256],
    );
    if (!earlier || earlier.state !== 'done')
      throw new HttpError(
        409,
        'upload_in_progress',
        `this file is being applied by ${earlier?.uploaded_by_name ?? 'another upload'}; its result will be in the list shortly`,
      );
    return earlier;
  }

  /** The caller's uploads, newest first: staff those of the units they see, an enterprise its own. */
  async list(principal: Principal, query: UploadListQuery): Promise<UploadSummary[]> {
    const [scopeSql, scopeParam] = this.scopeFilter(principal);
    const rows = await this.deps.sql.query<UploadRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM uploads
        WHERE ${scopeSql} AND ($2::text IS NULL OR kind = $2) AND ($3::bigint IS NULL OR id < $3)
        ORDER BY id DESC LIMIT $4`,
      [scopeParam, query.kind ?? null, query.before_id ?? null, query.limit],
    );
    return rows.map(summaryOf);
  }

  /** One upload with its refused rows; 404 outside the caller's scope. */
  async get(principal: Principal, id: number): Promise<UploadDetail> {
    const [scopeSql, scopeParam] = this.scopeFilter(principal);
    const [row] = await this.deps.sql.query<UploadRow>(
      `SELECT ${SUMMARY_COLUMNS}, columns, errors FROM uploads WHERE ${scopeSql} AND id = $2`,
      [scopeParam, id],
    );
    if (!row) throw new HttpError(404, 'not_found', `upload ${id} not found`);
    return detailOf(row);
  }

  private scopeFilter(principal: Principal): [string, unknown] {
    if (principal.role === 'enterprise') return ['enterprise_id = $1', principal.enterpriseId ?? '\u0000none'];
    return ['org_code = ANY($1)', this.deps.org.viewSubtree(principal.orgCode)];
  }
}

/** The columns of the file, in the order they first hold a value. */
function columnsOf(values: unknown[]): string[] {
  const seen = new Set<string>();
  for (const value of values)
    if (typeof value === 'object' && value !== null) for (const key of Object.keys(value)) seen.add(key);
  return [...seen];
}

function textValues(value: unknown): Record<string, string> | null {
  if (typeof value !== 'object' || value === null) return null;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [storable(k), storable(typeof v === 'string' ? v : JSON.stringify(v))]),
  );
}

/**
 * Text PostgreSQL's jsonb can hold: a row refused as `nul_character` still carries its U+0000, which jsonb refuses
 * (the whole record of the file would fail); the report shows it as U+FFFD.
 */
function storable(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD');
}

const ms = (at: Date | string | null): number | null => (at === null ? null : new Date(at).getTime());

function summaryOf(row: UploadRow): UploadSummary {
  return {
    id: Number(row.id),
    kind: row.kind,
    file_name: row.file_name,
    sha256: row.sha256,
    bytes: row.bytes,
    format: row.format,
    state: row.state,
    records: row.records,
    accepted: row.accepted,
    duplicates: row.duplicates,
    rejected: row.rejected,
    org_code: row.org_code,
    enterprise_id: row.enterprise_id === '' ? null : row.enterprise_id,
    uploaded_by: row.uploaded_by_name,
    uploaded_at: ms(row.uploaded_at) ?? 0,
    finished_at: ms(row.finished_at),
  };
}

function detailOf(row: UploadRow): UploadDetail {
  return {
    ...summaryOf(row),
    columns: jsonOf<string[]>(row.columns, []),
    errors: jsonOf<UploadError[]>(row.errors, []),
  };
}

/** jsonb comes back parsed from PGlite and pg alike; a string is parsed for safety. */
function jsonOf<T>(value: unknown, empty: T): T {
  if (value === undefined || value === null) return empty;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
