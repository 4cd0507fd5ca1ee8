/**
 * Platform inspections (查岗, JT/T 809 0x9301 → 0x1301): a duty officer asks a lower platform a question to check
 * that its monitoring desk is manned; the platform must answer before the deadline. The request is recorded in
 * PostgreSQL and sent in the same transaction (a send that fails leaves no record); answers are matched by access
 * code and info id, the first one wins, so a replayed answer changes nothing. An inspection still unanswered at
 * its deadline turns `unanswered`; an answer after that is kept but the status stays `unanswered`, because a
 * late answer counts against the enterprise too.
 */
import type { Logger, Metrics } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import {
  encodeInspection,
  encodePlatformExchange,
  INSPECTION_OBJECT,
  Jt809NotConnectedError,
  PLATFORM_EXCHANGE,
  PLATFORM_MSG,
  type InspectionMessage,
  type Jt809LinkState,
} from '../../ingest/index.js';
import type { Principal } from '../auth/accounts.js';
import { appendAudit } from '../auth/audit.js';
import { HttpError } from '../http/router.js';
import { isoOf, platformInScope } from './platform-scope.js';

/** How requests reach a lower platform: the JT/T 809 server's logged-in main link. */
export interface Jt809RequestLink {
  linkState(accessCode: number): Jt809LinkState;
  sendToPlatform(accessCode: number, msgId: number, body: Buffer): { link: string };
}

export interface InspectionOptions {
  /** Deadline when the request names none. No published rule fixes it; ten minutes is common provincial practice. */
  deadlineMinutesDefault: number;
  /** Bounds of a requested deadline; fractions of a minute are allowed (drills, tests). */
  deadlineMinutesMin: number;
  deadlineMinutesMax: number;
  /** Longest question, in GBK bytes. */
  questionBytesMax: number;
  /** Rows one list returns at most. */
  listRowsMax: number;
}

export const INSPECTION_DEFAULTS: InspectionOptions = {
  deadlineMinutesDefault: 10,
  deadlineMinutesMin: 0.05,
  deadlineMinutesMax: 24 * 60,
  questionBytesMax: 1024,
  listRowsMax: 500,
};

export interface InspectionView {
  id: number;
  access_code: number;
  info_id: number;
  object_type: number;
  object_id: string;
  question: string;
  sent_by: string;
  sent_at: string;
  link: string;
  deadline_at: string;
  status: 'sent' | 'answered' | 'unanswered';
  answered_at: string | null;
  answer: string | null;
  answered_by: string | null;
}

const COLUMNS =
  'id, access_code, info_id, object_type, object_id, question, sent_by_name, sent_at, sent_link, deadline_at, status, answered_at, answer, answered_by';

export class Jt809Inspections {
  constructor(
    private readonly sql: Sql,
    private readonly link: Jt809RequestLink,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly options: InspectionOptions = INSPECTION_DEFAULTS,
  ) {}

  async send(
    actor: Principal,
    accessCode: number,
    input: Record<string, unknown>,
    peer: string,
  ): Promise<InspectionView> {
    const platform = await platformInScope(this.sql, actor, accessCode, 'send');
    const question = typeof input.question === 'string' ? input.question.trim() : '';
    if (question === '') throw new HttpError(400, 'bad_question', 'question is a required non-empty string');
    const deadlineMinutes = this.deadlineMinutes(input.deadline_minutes);
    const state = this.link.linkState(accessCode);
    if (state !== 'logged_in') throw notLoggedIn(accessCode, state);
    const view = await this.sql.transaction(async (tx) => {
      const [{ id }] = await tx.query<{ id: unknown }>(
        "SELECT nextval(pg_get_serial_sequence('jt809_inspections', 'id')) AS id",
      );
      // The row id doubles as INFO_ID (a u32 on the wire), so it is unique per platform for 4 billion requests.
      const infoId = Number(id) % 2 ** 32;
      const message: InspectionMessage = {
        objectType: INSPECTION_OBJECT.platform,
        objectId: String(accessCode),
        infoId,
        text: question,
      };
      let body: Buffer;
      try {
        body = encodePlatformExchange(PLATFORM_EXCHANGE.inspectionRequest, encodeInspection(message));
      } catch (error) {
        throw new HttpError(400, 'bad_question', `question cannot be sent in GBK: ${String(error)}`);
      }
      // 0x9300 head (6 bytes) and 0x9301's fixed fields (21 bytes) precede the GBK text.
      const questionBytes = body.length - 27;
      if (questionBytes > this.options.questionBytesMax)
        throw new HttpError(
          400,
          'bad_question',
          `question takes ${questionBytes} GBK bytes, more than max allowed ${this.options.questionBytesMax}`,
        );
      await tx.query(
        `INSERT INTO jt809_inspections (id, access_code, info_id, object_type, object_id, question, sent_by, sent_by_name, sent_at, sent_link, deadline_at, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now(), 'main', now() + $9 * interval '1 millisecond', 'sent')`,
        [
          Number(id),
          accessCode,
          infoId,
          message.objectType,
          message.objectId,
          question,
          actor.userId,
          actor.username,
          Math.round(deadlineMinutes * 60_000),
        ],
      );
      await appendAudit(tx, {
        actorId: actor.userId,
        actor: actor.username,
        action: 'jt809_inspection.send',
        target: `jt809_platform:${accessCode}`,
        detail: { info_id: infoId, deadline_minutes: deadlineMinutes },
        peer,
      });
      const sent = sendOrRefuse(this.link, accessCode, PLATFORM_MSG.platformExchangeDown, body);
      if (sent.link !== 'main')
        await tx.query('UPDATE jt809_inspections SET sent_link = $2 WHERE id = $1', [Number(id), sent.link]);
      const [row] = await tx.query<Record<string, unknown>>(`SELECT ${COLUMNS} FROM jt809_inspections WHERE id = $1`, [
        Number(id),
      ]);
      return viewOf(row);
    });
    this.metrics.counter('vigil_jt809_inspections_sent_total', 'Inspections (0x9301) sent to lower platforms').inc();
    this.logger.info('jt809 inspection sent', {
      access_code: accessCode,
      platform: platform.name,
      info_id: view.info_id,
    });
    return view;
  }

  async list(actor: Principal, accessCode: number): Promise<InspectionView[]> {
    await platformInScope(this.sql, actor, accessCode, 'read');
    await this.expire();
    const rows = await this.sql.query<Record<string, unknown>>(
      `SELECT ${COLUMNS} FROM jt809_inspections WHERE access_code = $1 ORDER BY id DESC LIMIT $2`,
      [accessCode, this.options.listRowsMax],
    );
    return rows.map(viewOf);
  }

  /** Records a 0x1301 answer; false when no inspection of this platform has its info id. */
  async answered(accessCode: number, answer: InspectionMessage): Promise<boolean> {
    const updated = await this.sql.query(
      `UPDATE jt809_inspections SET answered_at = now(), answer = $3, answered_by = $4,
         status = CASE WHEN status = 'sent' AND deadline_at >= now() THEN 'answered' ELSE 'unanswered' END
       WHERE access_code = $1 AND info_id = $2 AND answered_at IS NULL RETURNING status`,
      [accessCode, answer.infoId, answer.text, answer.objectId || String(accessCode)],
    );
    if (updated.length > 0) return true;
    const known = await this.sql.query('SELECT 1 FROM jt809_inspections WHERE access_code = $1 AND info_id = $2', [
      accessCode,
      answer.infoId,
    ]);
    if (known.length > 0)
      this.metrics
        .counter('vigil_jt809_answers_repeated_total', 'Answers for an inspection or supervision already answered', [
          'msg_id',
        ])
        .inc({ msg_id: '0x1301' });
    return known.length > 0;
  }

  /** Turns inspections past their deadline `unanswered`; returns how many. */
  async expire(): Promise<number> {
    const rows = await this.sql.query(
      "UPDATE jt809_inspections SET status = 'unanswered' WHERE status = 'sent' AND deadline_at < now() RETURNING id",
    );
    if (rows.length > 0)
      this.metrics
        .counter('vigil_jt809_inspections_unanswered_total', 'Inspections left unanswered past their deadline')
        .inc(undefined, rows.length);
    return rows.length;
  }

  private deadlineMinutes(value: unknown): number {
    if (value === undefined || value === null) return this.options.deadlineMinutesDefault;
    const { deadlineMinutesMin: min, deadlineMinutesMax: max } = this.options;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
      throw new HttpError(
        400,
        'bad_deadline_minutes',
        `deadline_minutes ${JSON.stringify(value)} is outside [${min}, ${max}]`,
      );
    return value;
  }
}

export function notLoggedIn(accessCode: number, state: Jt809LinkState): HttpError {
  return new HttpError(
    409,
    'platform_not_logged_in',
    `platform ${accessCode} is not logged in: its main link is ${state}`,
    { main_link: state },
  );
}

/**
 * Sends a request to a platform inside the transaction that records it: a platform that dropped its link since the
 * check becomes a 409, which rolls the record back, so no request is recorded that was never sent.
 */
export function sendOrRefuse(
  link: Jt809RequestLink,
  accessCode: number,
  msgId: number,
  body: Buffer,
): { link: string } {
  try {
    return link.sendToPlatform(accessCode, msgId, body);
  } catch (error) {
    if (error instanceof Jt809NotConnectedError) throw notLoggedIn(accessCode, error.state);
    throw error;
  }
}

function viewOf(r: Record<string, unknown>): InspectionView {
  return {
    id: Number(r.id),
    access_code: Number(r.access_code),
    info_id: Number(r.info_id),
    object_type: Number(r.object_type),
    object_id: String(r.object_id),
    question: String(r.question),
    sent_by: String(r.sent_by_name),
    sent_at: isoOf(r.sent_at) ?? '',
    link: String(r.sent_link),
    deadline_at: isoOf(r.deadline_at) ?? '',
    status: r.status as InspectionView['status'],
    answered_at: isoOf(r.answered_at),
    answer: r.answer === null ? null : String(r.answer),
    answered_by: r.answered_by === null ? null : String(r.answered_by),
  };
}
