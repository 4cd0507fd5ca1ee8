/**
 * The upper platform's requests to Vigil over the upward link (Vigil as a lower platform): 查岗 (0x9301, a question
 * the province's duty officer must answer in time), 督办 (0x9401, an alarm of a vehicle the province must deal
 * with, by a deadline) and alarm notices (0x9402 报警预警, 0x9403 实时交换报警信息: a vehicle's alarm the upper
 * platform tells the province of, answered by nothing on the wire). Each is kept with its answer, and answered
 * (a notice: marked read) from the duty console:
 *
 *   GET  /api/jt809/upper/requests                 the requests, newest first, with their answers
 *   POST /api/jt809/upper/requests/:id/answer      {answer} for a 查岗, {result: 0-3} for a 督办, {} for a notice
 *
 * The upper platform addresses the province, so the province's staff (admin, leader, dispatcher, duty officer)
 * answer and read; analysts read; nobody below the province sees them. The first answer is the answer: a
 * second one is refused (409), as the upper platform would take only one.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import type {
  InspectionMessage,
  SupervisionRequest,
  UpperRequestSink,
  UpwardLink,
  WarningNotice,
} from '../../ingest/index.js';
import type { Principal } from '../auth/accounts.js';
import { appendAudit } from '../auth/audit.js';
import { principalOf } from '../api/routes.js';
import type { Accounts } from '../auth/accounts.js';
import { HttpError, type Router } from '../http/router.js';
import { isoOf } from './platform-scope.js';

export interface UpperRequestView {
  id: number;
  kind: 'inspection' | 'supervision' | 'warning';
  /** A notice's message: `tip` 0x9402 报警预警, `exchange` 0x9403 实时交换报警信息; null otherwise. */
  notice_kind: 'tip' | 'exchange' | null;
  /** A notice's or a 督办's WARN_SRC. */
  warn_src: number | null;
  received_at: string;
  /** The upper platform's INFO_ID (查岗) or SUPERVISION_ID (督办); for a notice, a number derived from its content. */
  request_id: number;
  /** The 查岗's question, or the notice's WARN_CONTENT. */
  question: string | null;
  plate: string | null;
  plate_color: number | null;
  warn_type: number | null;
  warn_time: string | null;
  deadline_at: string | null;
  supervisor: string | null;
  supervisor_tel: string | null;
  answer: string | null;
  result: number | null;
  answered_by: string | null;
  answered_at: string | null;
}

const READERS = new Set(['admin', 'leader', 'dispatcher', 'duty_officer', 'analyst']);
const ANSWERERS = new Set(['admin', 'leader', 'dispatcher', 'duty_officer']);
const LIST_ROWS_MAX = 200;
const ANSWER_CHARS_MAX = 1_000;
/** 0x1401 results: 0 handled, 1 being handled, 2 not handled, 3 will handle. */
const RESULT_MAX = 3;

export class UpperRequests implements UpperRequestSink {
  constructor(
    private readonly deps: {
      sql: Sql;
      /** Undefined when no upper platform is configured: nothing arrives, and nothing can be answered. */
      link: UpwardLink | undefined;
      provinceCode: string;
      logger: Logger;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  async inspection(request: InspectionMessage): Promise<void> {
    await this.deps.sql.query(
      `INSERT INTO jt809_upper_requests (kind, upper, request_id, received_at, object_type, object_id, question)
       VALUES ('inspection', $1, $2, $3, $4, $5, $6) ON CONFLICT (kind, upper, request_id) DO NOTHING`,
      [this.target(), request.infoId, new Date(this.now()), request.objectType, request.objectId, request.text],
    );
    this.deps.logger.warn('upper platform inspection (查岗) to answer', { info_id: request.infoId });
  }

  async supervision(request: SupervisionRequest & { plate: string; plateColor: number }): Promise<void> {
    await this.deps.sql.query(
      `INSERT INTO jt809_upper_requests (kind, upper, request_id, received_at, plate, plate_color, warn_type, warn_time,
              deadline_at, level, supervisor, supervisor_tel, supervisor_email)
       VALUES ('supervision', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (kind, upper, request_id) DO NOTHING`,
      [
        this.target(),
        request.supervisionId,
        new Date(this.now()),
        // A JT/T 809-2019 督办 names no vehicle and no warning type (it points at an alarm report): kept as unknown.
        request.plate === '' ? null : request.plate,
        request.plate === '' ? null : request.plateColor,
        request.plate === '' ? null : request.warnType,
        new Date(request.warnTime),
        new Date(request.endTime),
        request.level,
        request.supervisor,
        request.tel,
        request.email,
      ],
    );
    this.deps.logger.warn('upper platform supervision (督办) to answer', { supervision_id: request.supervisionId });
  }

  async warning(
    notice: WarningNotice & { kind: 'tip' | 'exchange'; plate: string; plateColor: number },
  ): Promise<void> {
    await this.deps.sql.query(
      `INSERT INTO jt809_upper_requests (kind, notice_kind, upper, request_id, received_at, plate, plate_color, warn_src,
              warn_type, warn_time, question)
       VALUES ('warning', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (kind, upper, request_id) DO NOTHING`,
      [
        notice.kind,
        this.target(),
        noticeId(notice),
        new Date(this.now()),
        notice.plate,
        notice.plateColor,
        notice.warnSource,
        notice.warnType,
        new Date(notice.warnTime),
        notice.content,
      ],
    );
    this.deps.logger.warn('upper platform alarm notice (报警预警)', {
      plate: notice.plate,
      warn_type: notice.warnType,
    });
  }

  private target(): string {
    return this.deps.link?.target ?? '';
  }

  private allowed(actor: Principal, roles: Set<string>): void {
    if (!roles.has(actor.role) || actor.orgCode !== this.deps.provinceCode)
      throw new HttpError(
        403,
        'forbidden',
        "the upper platform's requests are the province centre's to read and answer",
      );
  }

  async list(actor: Principal): Promise<UpperRequestView[]> {
    this.allowed(actor, READERS);
    const rows = await this.deps.sql.query<Record<string, unknown>>(
      `SELECT * FROM jt809_upper_requests ORDER BY received_at DESC, id DESC LIMIT ${LIST_ROWS_MAX}`,
    );
    return rows.map(viewOf);
  }

  async answer(actor: Principal, id: number, body: Record<string, unknown>, peer: string): Promise<UpperRequestView> {
    this.allowed(actor, ANSWERERS);
    return this.deps.sql.transaction(async (tx) => {
      const rows = await tx.query<Record<string, unknown>>(
        'SELECT * FROM jt809_upper_requests WHERE id = $1 FOR UPDATE',
        [id],
      );
      const row = rows[0];
      if (row === undefined) throw new HttpError(404, 'not_found', `no request ${id} of the upper platform`);
      if (row.answered_at !== null)
        throw new HttpError(409, 'already_answered', `request ${id} was answered by ${String(row.answered_by)}`);
      if (row.kind === 'warning') return this.markRead(tx, actor, row, peer);
      const link = this.deps.link;
      if (link === undefined)
        throw new HttpError(409, 'upper_link_none', 'no upper platform is configured (vigil start --jt809-upward)');
      let answer: string | null = null;
      let result: number | null = null;
      let sent: boolean;
      if (row.kind === 'inspection') {
        answer = typeof body.answer === 'string' ? body.answer.trim() : '';
        if (answer === '' || answer.length > ANSWER_CHARS_MAX)
          throw new HttpError(400, 'bad_field', `answer: 1-${ANSWER_CHARS_MAX} characters`, { field: 'answer' });
        sent = link.answerInspection({
          objectType: Number(row.object_type),
          objectId: String(row.object_id ?? ''),
          infoId: Number(row.request_id),
          text: answer,
        });
      } else {
        result = body.result as number;
        if (!Number.isInteger(result) || result < 0 || result > RESULT_MAX)
          throw new HttpError(400, 'bad_field', `result: an integer 0-${RESULT_MAX}`, { field: 'result' });
        sent = link.answerSupervision(String(row.plate ?? ''), Number(row.plate_color ?? 0), {
          supervisionId: Number(row.request_id),
          result,
        });
      }
      if (!sent)
        throw new HttpError(
          409,
          'upper_link_down',
          `the link to the upper platform ${link.target} is ${link.state}; answer again once it is logged in`,
        );
      const updated = await tx.query<Record<string, unknown>>(
        'UPDATE jt809_upper_requests SET answer = $2, result = $3, answered_by = $4, answered_at = $5 WHERE id = $1 RETURNING *',
        [id, answer, result, actor.username, new Date(this.now())],
      );
      await appendAudit(tx, {
        actorId: actor.userId,
        actor: actor.username,
        action: 'jt809.upper.answer',
        target: `jt809_upper_request:${id}`,
        detail: { kind: row.kind, request_id: Number(row.request_id), answer, result },
        peer,
      });
      return viewOf(updated[0]);
    });
  }

  /** The link to the upper platform as the duty console shows it; null when none is configured. */
  private linkStatus(): { target: string; state: string; down_link: string } | null {
    const link = this.deps.link;
    return link ? { target: link.target, state: link.state, down_link: link.downLinkState } : null;
  }

  /** A notice takes no answer on the wire: an officer marks it read, audited like an answer. */
  private async markRead(
    tx: Pick<Sql, 'query'>,
    actor: Principal,
    row: Record<string, unknown>,
    peer: string,
  ): Promise<UpperRequestView> {
    const updated = await tx.query<Record<string, unknown>>(
      'UPDATE jt809_upper_requests SET answered_by = $2, answered_at = $3 WHERE id = $1 RETURNING *',
      [row.id, actor.username, new Date(this.now())],
    );
    await appendAudit(tx, {
      actorId: actor.userId,
      actor: actor.username,
      action: 'jt809.upper.read',
      target: `jt809_upper_request:${String(row.id)}`,
      detail: { kind: row.kind, notice_kind: row.notice_kind, plate: row.plate, warn_type: row.warn_type },
      peer,
    });
    return viewOf(updated[0]);
  }

  register(router: Router, accounts: Accounts): void {
    router.add('GET', '/api/jt809/upper/requests', async (ctx) => ({
      body: { requests: await this.list(await principalOf(ctx, accounts)), link: this.linkStatus() },
    }));
    router.add('POST', '/api/jt809/upper/requests/:id/answer', async (ctx) => {
      const id = Number(ctx.params.id);
      if (!/^\d{1,15}$/.test(ctx.params.id)) throw new HttpError(404, 'not_found', `no request ${ctx.params.id}`);
      const actor = await principalOf(ctx, accounts);
      return { body: await this.answer(actor, id, await ctx.json<Record<string, unknown>>(), ctx.peer) };
    });
  }
}

function viewOf(row: Record<string, unknown>): UpperRequestView {
  const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(row.id),
    kind: row.kind as UpperRequestView['kind'],
    notice_kind: text(row.notice_kind) as UpperRequestView['notice_kind'],
    warn_src: num(row.warn_src),
    received_at: isoOf(row.received_at) ?? '',
    request_id: Number(row.request_id),
    question: text(row.question),
    plate: text(row.plate),
    plate_color: num(row.plate_color),
    warn_type: num(row.warn_type),
    warn_time: isoOf(row.warn_time),
    deadline_at: isoOf(row.deadline_at),
    supervisor: text(row.supervisor),
    supervisor_tel: text(row.supervisor_tel),
    answer: text(row.answer),
    result: num(row.result),
    answered_by: text(row.answered_by),
    answered_at: isoOf(row.answered_at),
  };
}

/** A notice's id: it carries none, so one is derived from what it says (the same notice twice is one row). */
function noticeId(n: WarningNotice & { kind: string; plate: string; plateColor: number }): number {
  const digest = createHash('sha256')
    .update([n.kind, n.plate, n.plateColor, n.warnSource, n.warnType, n.warnTime, n.content].join('\u0000'))
    .digest();
  // 48 bits: a bigint column and a JavaScript number both hold it exactly.
  return digest.readUIntBE(0, 6);
}
