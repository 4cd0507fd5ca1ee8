/**
 * Generating and archiving 通报 (circulars). A circular is made for a period and a scope (the caller's unit, or one
 * below it), from the ranking at that moment, in PDF, DOCX and XLSX at once; the three files and the ranking they
 * came from are stored together in one transaction with the audit entry, and downloads serve the stored bytes, so
 * what a leader signed can be fetched again unchanged even after the figures or the rules have moved on. The same
 * archive keeps the documents the node generates on its schedule (document-schedule in center/reports/): their
 * circulars, and the period's statistics report as an XLSX; a scheduled one is stored at most once per period.
 */
import { createHash } from 'node:crypto';
import type {
  AssessmentRanking,
  CircularFormat,
  CircularRecord,
  DocumentScheduleKind,
  ReportAnswer,
} from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import type { Principal } from '../auth/accounts.js';
import { appendAudit } from '../auth/audit.js';
import { HttpError } from '../http/router.js';
import type { OrgDirectory } from '../org/org-directory.js';
import type { AssessmentQuery } from './assessments.js';
import { circularContent, rulesNote } from './circular-content.js';
import type { circularDocx } from './circular-docx.js';
import { findCjkFont } from './circular-font.js';
import type { circularPdf } from './circular-pdf.js';
import type { circularXlsx } from './circular-xlsx.js';
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

/** Who archives a document: a user, or the node's schedule (no user; the actor 定时生成). */
export interface ArchiveAuthor {
  actorId: number | null;
  actor: string;
  peer: string;
  /** Set for a scheduled document: it is stored only if its period is not archived yet. */
  schedule?: DocumentScheduleKind;
}

/** The name the archive and the audit give the node's schedule as author. */
export const SCHEDULE_ACTOR = '定时生成';

interface CircularRow {
  id: string | number;
  kind: 'circular' | 'report';
  schedule: DocumentScheduleKind | null;
  title: string;
  org_code: string;
  level: CircularRecord['level'];
  period_from: string;
  period_to: string;
  inputs: { scope: CircularRecord['scope'] };
  config_versions: CircularRecord['config_versions'];
  files: { format: CircularFormat; bytes: number; sha256: string }[];
  created_by_name: string;
  created_at: Date;
}

function recordOf(row: CircularRow): CircularRecord {
  const id = Number(row.id);
  return {
    id,
    kind: row.kind,
    schedule: row.schedule,
    title: row.title,
    scope: row.inputs.scope,
    period: { from: row.period_from, to: row.period_to },
    level: row.level,
    config_versions: row.config_versions,
    created_by: row.created_by_name,
    created_at: row.created_at.getTime(),
    files: row.files.map((f) => ({ ...f, href: `/api/assessment/circulars/${id}.${f.format}` })),
  };
}

const LIST_COLUMNS = `id, kind, schedule, title, org_code, level, period_from::text AS period_from,
  period_to::text AS period_to, inputs, config_versions, files, created_by_name, created_at`;

/** A scheduled insert that finds its period taken (the partial unique index of migration 36) inserts nothing. */
const SCHEDULED_CLAIM =
  'ON CONFLICT (kind, schedule, org_code, level, period_from) WHERE schedule IS NOT NULL DO NOTHING';

/** What one archived document is made of, whoever generated it. */
interface ArchiveEntry {
  kind: CircularRow['kind'];
  title: string;
  scope: CircularRecord['scope'];
  period: { from: string; to: string };
  level: CircularRecord['level'];
  configVersions: CircularRecord['config_versions'];
  inputs: AssessmentRanking | ReportAnswer;
  generatedAt: number;
  bytes: Partial<Record<CircularFormat, Buffer>>;
}

/**
 * The PDF, DOCX and XLSX writers, loaded when the first circular is written: pdfkit (with its font engine) and docx
 * added 0.1–0.15 s of CPU to every node start (loading the node: 1.16–1.29 s before, 1.05–1.15 after), for
 * documents most starts never write.
 */
async function documentWriters(): Promise<{
  circularPdf: typeof circularPdf;
  circularDocx: typeof circularDocx;
  circularXlsx: typeof circularXlsx;
}> {
  const [pdf, docx, xlsx] = await Promise.all([
    import('./circular-pdf.js'),
    import('./circular-docx.js'),
    import('./circular-xlsx.js'),
  ]);
  return { circularPdf: pdf.circularPdf, circularDocx: docx.circularDocx, circularXlsx: xlsx.circularXlsx };
}

export class Circulars {
  constructor(private readonly deps: CircularsDeps) {}

  async generate(principal: Principal, peer: string, query: AssessmentQuery): Promise<CircularRecord> {
    const ranking = await this.deps.rankings.forPrincipal(principal, query);
    const stored = await this.archiveRanking(ranking, { actorId: principal.userId, actor: principal.username, peer });
    // Only a scheduled document can find its period taken.
    if (stored === null) throw new Error('a manual circular was not archived');
    return stored;
  }

  /**
   * Writes the 通报 of a ranking and archives it. For a scheduled one (`author.schedule`), null when its period is
   * archived already (by another node, or before a restart): nothing is stored or audited then.
   */
  async archiveRanking(ranking: AssessmentRanking, author: ArchiveAuthor): Promise<CircularRecord | null> {
    // The font first: without it there is no PDF, and nothing is archived half made.
    const font = findCjkFont(this.deps.fontPath);
    const content = circularContent(ranking);
    const note = rulesNote(ranking);
    const { circularDocx, circularPdf, circularXlsx } = await documentWriters();
    const [pdf, docx, xlsx] = await Promise.all([
      circularPdf(content, note, font, ranking.generated_at),
      circularDocx(content, note),
      circularXlsx(content, note, ranking),
    ]);
    return this.archive(
      {
        kind: 'circular',
        title: content.title,
        scope: ranking.scope,
        period: ranking.period,
        level: ranking.level,
        configVersions: {
          assessment: ranking.parameters.config_version,
          assessment_scoring: ranking.scoring.config_version,
        },
        inputs: ranking,
        generatedAt: ranking.generated_at,
        bytes: { pdf, docx, xlsx },
      },
      author,
    );
  }

  /** Archives a statistics report with its workbook (the scope's child units, `level` children); as archiveRanking. */
  async archiveReport(
    report: ReportAnswer,
    workbook: Buffer,
    meta: { title: string; configVersions: CircularRecord['config_versions'] },
    author: ArchiveAuthor,
  ): Promise<CircularRecord | null> {
    return this.archive(
      {
        kind: 'report',
        title: meta.title,
        scope: report.scope,
        period: report.period,
        level: 'children',
        configVersions: meta.configVersions,
        inputs: report,
        generatedAt: report.generated_at,
        bytes: { xlsx: workbook },
      },
      author,
    );
  }

  /** Whether the scheduled document of this kind, unit, level and period is archived already. */
  async scheduled(
    key: { kind: CircularRow['kind']; schedule: DocumentScheduleKind; orgCode: string; level: string },
    from: string,
  ): Promise<boolean> {
    const rows = await this.deps.sql.query(
      `SELECT 1 FROM assessment_circulars
       WHERE kind = $1 AND schedule = $2 AND org_code = $3 AND level = $4 AND period_from = $5`,
      [key.kind, key.schedule, key.orgCode, key.level, from],
    );
    return rows.length > 0;
  }

  private async archive(entry: ArchiveEntry, author: ArchiveAuthor): Promise<CircularRecord | null> {
    const files = CIRCULAR_FORMATS.flatMap((format) => {
      const bytes = entry.bytes[format];
      return bytes === undefined
        ? []
        : [{ format, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }];
    });
    const schedule = author.schedule ?? null;
    return this.deps.sql.transaction(async (tx) => {
      // A scheduled document claims its period with the row itself (the partial unique index of migration 36):
      // of two schedulers archiving the same period, the second inserts nothing and audits nothing.
      const stored = await tx.query<CircularRow>(
        `INSERT INTO assessment_circulars (org_code, title, period_from, period_to, level, config_versions, inputs,
           files, pdf, docx, xlsx, created_by, created_by_name, created_at, kind, schedule)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         ${schedule === null ? '' : SCHEDULED_CLAIM}
         RETURNING ${LIST_COLUMNS}`,
        [
          entry.scope.org_code,
          entry.title,
          entry.period.from,
          entry.period.to,
          entry.level,
          JSON.stringify(entry.configVersions),
          JSON.stringify(entry.inputs),
          JSON.stringify(files),
          entry.bytes.pdf ?? null,
          entry.bytes.docx ?? null,
          entry.bytes.xlsx ?? null,
          author.actorId,
          author.actor,
          new Date(entry.generatedAt),
          entry.kind,
          schedule,
        ],
      );
      const row = stored[0];
      if (row === undefined) return null;
      await appendAudit(tx, {
        actorId: author.actorId,
        actor: author.actor,
        action: entry.kind === 'circular' ? 'assessment.circular' : 'assessment.report',
        target: String(row.id),
        detail: {
          title: entry.title,
          org_code: entry.scope.org_code,
          from: entry.period.from,
          to: entry.period.to,
          level: entry.level,
          schedule,
          config_versions: entry.configVersions,
          files,
        },
        peer: author.peer,
      });
      return recordOf(row);
    });
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
    const rows = await this.deps.sql.query<CircularRow & { content: Uint8Array | null }>(
      `SELECT ${LIST_COLUMNS}, ${column} AS content FROM assessment_circulars WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    if (row === undefined || !this.deps.org.sees(principal.orgCode, row.org_code))
      throw new HttpError(404, 'not_found', `circular ${id} is not in your scope`);
    // A statistics report is kept as a workbook alone.
    if (row.content === null) throw new HttpError(404, 'not_found', `document ${id} has no ${format} file`);
    return { bytes: Buffer.from(row.content), record: recordOf(row) };
  }
}
