/**
 * Generating and archiving 通报 (circulars). A circular is made for a period and a scope (the caller's unit, or one
 * below it), from the ranking at that moment, in PDF, DOCX and XLSX at once; the three files and the ranking they
 * came from are stored together in one transaction with the audit entry, and downloads serve the stored bytes, so
 * what a leader signed can be fetched again unchanged even after the figures or the rules have moved on.
 */
import { createHash } from 'node:crypto';
import type { AssessmentRanking, CircularFormat, CircularRecord } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import type { Principal } from '../auth/accounts.js';
import { appendAudit } from '../auth/audit.js';
import { HttpError } from '../http/router.js';
import type { OrgDirectory } from '../org/org-directory.js';
import type { AssessmentQuery } from './assessments.js';
import { circularContent, rulesNote } from './circular-content.js';
import { circularDocx } from './circular-docx.js';
import { findCjkFont } from './circular-font.js';
import { circularPdf } from './circular-pdf.js';
import { circularXlsx } from './circular-xlsx.js';
import type { Rankings } from './ranking.js';

export const CIRCULAR_FORMATS: readonly CircularFormat[] = ['pdf', 'docx', 'xlsx'];

export const CIRCULAR_TYPES: Record<CircularFormat, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export interface CircularsDeps {
  sql: Sql;
  org: OrgDirectory;
  rankings: Pick<Rankings, 'forPrincipal'>;
  /** The CJK font for the PDF (see circular-font.ts); absent: VIGIL_CJK_FONT, then the Debian fonts. */
  fontPath?: string;
}

interface CircularRow {
  id: string | number;
  title: string;
  org_code: string;
  inputs: AssessmentRanking;
  config_versions: CircularRecord['config_versions'];
  files: { format: CircularFormat; bytes: number; sha256: string }[];
  created_by_name: string;
  created_at: Date;
}

function recordOf(row: CircularRow): CircularRecord {
  const id = Number(row.id);
  return {
    id,
    title: row.title,
    scope: row.inputs.scope,
    period: { from: row.inputs.period.from, to: row.inputs.period.to },
    level: row.inputs.level,
    config_versions: row.config_versions,
    created_by: row.created_by_name,
    created_at: row.created_at.getTime(),
    files: row.files.map((f) => ({ ...f, href: `/api/assessment/circulars/${id}.${f.format}` })),
  };
}

const LIST_COLUMNS = 'id, title, org_code, inputs, config_versions, files, created_by_name, created_at';

export class Circulars {
  constructor(private readonly deps: CircularsDeps) {}

  async generate(principal: Principal, peer: string, query: AssessmentQuery): Promise<CircularRecord> {
    // The font first: without it there is no PDF, and nothing is archived half made.
    const font = findCjkFont(this.deps.fontPath);
    const ranking = await this.deps.rankings.forPrincipal(principal, query);
    const content = circularContent(ranking);
    const note = rulesNote(ranking);
    const [pdf, docx, xlsx] = await Promise.all([
      circularPdf(content, note, font, ranking.generated_at),
      circularDocx(content, note),
      circularXlsx(content, note, ranking),
    ]);
    const bytes: Record<CircularFormat, Buffer> = { pdf, docx, xlsx };
    const files = CIRCULAR_FORMATS.map((format) => ({
      format,
      bytes: bytes[format].length,
      sha256: createHash('sha256').update(bytes[format]).digest('hex'),
    }));
    const configVersions = {
      assessment: ranking.parameters.config_version,
      assessment_scoring: ranking.scoring.config_version,
    };
    const row = await this.deps.sql.transaction(async (tx) => {
      const [stored] = await tx.query<CircularRow>(
        `INSERT INTO assessment_circulars (org_code, title, period_from, period_to, level, config_versions, inputs,
           files, pdf, docx, xlsx, created_by, created_by_name, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         RETURNING ${LIST_COLUMNS}`,
        [
          ranking.scope.org_code,
          content.title,
          ranking.period.from,
          ranking.period.to,
          ranking.level,
          JSON.stringify(configVersions),
          JSON.stringify(ranking),
          JSON.stringify(files),
          pdf,
          docx,
          xlsx,
          principal.userId,
          principal.username,
          new Date(ranking.generated_at),
        ],
      );
      await appendAudit(tx, {
        actorId: principal.userId,
        actor: principal.username,
        action: 'assessment.circular',
        target: String(stored.id),
        detail: {
          title: content.title,
          org_code: ranking.scope.org_code,
          from: ranking.period.from,
          to: ranking.period.to,
          level: ranking.level,
          config_versions: configVersions,
          files,
        },
        peer,
      });
      return stored;
    });
    return recordOf(row);
  }

  /** The circulars of the units the caller sees, newest first. */
  async list(principal: Principal, limit: number): Promise<CircularRecord[]> {
    const rows = await this.deps.sql.query<CircularRow>(
      `SELECT ${LIST_COLUMNS} FROM assessment_circulars WHERE org_code = ANY($1) ORDER BY created_at DESC, id DESC LIMIT $2`,
      [this.deps.org.viewSubtree(principal.orgCode), limit],
    );
    return rows.map(recordOf);
  }

  /** A stored file, byte for byte; another city's circular answers like a missing one. */
  async file(
    principal: Principal,
    id: number,
    format: CircularFormat,
  ): Promise<{ bytes: Buffer; record: CircularRecord }> {
    // The column is one of three fixed names, never the caller's text.
    const column = ({ pdf: 'pdf', docx: 'docx', xlsx: 'xlsx' } as const)[format];
    const rows = await this.deps.sql.query<CircularRow & { content: Uint8Array }>(
      `SELECT ${LIST_COLUMNS}, ${column} AS content FROM assessment_circulars WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    if (row === undefined || !this.deps.org.sees(principal.orgCode, row.org_code))
      throw new HttpError(404, 'not_found', `circular ${id} is not in your scope`);
    return { bytes: Buffer.from(row.content), record: recordOf(row) };
  }
}
