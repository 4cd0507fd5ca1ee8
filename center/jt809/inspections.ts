/**
 * Platform inspections (查岗, JT/T 809 0x9301 → 0x1301): a duty officer asks a lower platform a question to check
 * that its monitoring desk is manned; the platform must answer before the deadline. The lifecycle (recorded and
 * sent in one transaction, the first answer wins, the deadline sweep) is `platform-requests.ts`'s; answers are
 * matched by access code and info id. An inspection still unanswered at its deadline turns `unanswered`; an
 * answer after that is kept but the status stays `unanswered`, because a late answer counts against the
 * enterprise too.
 */
import type { Jt809InspectionView, Logger, Metrics } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import {
  encodeInspection,
  encodeInspectionRequest2019,
  encodePlatformExchange,
  INSPECTION_OBJECT,
  PLATFORM_EXCHANGE,
  PLATFORM_MSG,
  type InspectionMessage,
} from '../../ingest/index.js';
import type { Principal } from '../auth/accounts.js';
import { HttpError } from '../http/router.js';
import { PlatformRequests, type Jt809RequestLink, type RequestDraft, type RequestKind } from './platform-requests.js';
import { isoOf, platformInScope } from './platform-scope.js';

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

/** A 查岗 as `/api/jt809/platforms/:code/inspections` answers it (declared in schema/, which the console reads). */
export type InspectionView = Jt809InspectionView;

const INSPECTION: RequestKind = {
  name: 'inspection',
  table: 'jt809_inspections',
  requestIdColumn: 'info_id',
  answerColumns: ['answer', 'answered_by'],
  lateStatus: 'unanswered',
  answerMsgId: '0x1301',
  sentMetric: { name: 'vigil_jt809_inspections_sent_total', help: 'Inspections (0x9301) sent to lower platforms' },
  lateMetric: {
    name: 'vigil_jt809_inspections_unanswered_total',
    help: 'Inspections left unanswered past their deadline',
  },
  columns:
    'id, access_code, info_id, object_type, object_id, question, sent_by_name, sent_at, sent_link, deadline_at, status, answered_at, answer, answered_by',
};

/** Who a scheduled 查岗 is sent by, in the inspection's `sent_by_name` and the audit log. */
export const SCHEDULER_NAME = '定时查岗';

/** 0x9300's head (6 bytes) and 0x9301's fixed fields (21 bytes) precede the GBK text of the question. */
const INSPECTION_FIXED_BYTES = 27;

export class Jt809Inspections {
  private readonly requests: PlatformRequests<InspectionView>;

  constructor(
    private readonly sql: Sql,
    link: Jt809RequestLink,
    private readonly logger: Logger,
    metrics: Metrics,
    private readonly options: InspectionOptions = INSPECTION_DEFAULTS,
  ) {
    this.requests = new PlatformRequests(INSPECTION, { sql, link, logger, metrics }, viewOf, options.listRowsMax);
  }

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
    const view = await this.requests.send(actor, accessCode, peer, (tx, id, infoId) =>
      this.draft(tx, { id, infoId, accessCode, question, deadlineMinutes, sentBy: actor.userId, by: actor.username }),
    );
    this.logger.info('jt809 inspection sent', {
      access_code: accessCode,
      platform: platform.name,
      info_id: view.info_id,
    });
    return view;
  }

  /**
   * Sends a scheduled 查岗 (no officer: `sent_by` null, audited as the scheduler). `claim` runs inside the
   * transaction that records the inspection, before it is sent; when it throws (its slot was taken), nothing is
   * recorded or sent. Refused like an officer's when the platform is not logged in (409).
   */
  async sendScheduled(
    accessCode: number,
    question: string,
    deadlineMinutes: number,
    claim: (tx: Pick<Sql, 'query'>, inspectionId: number) => Promise<void>,
  ): Promise<InspectionView> {
    const scheduler: Principal = {
      userId: 0,
      username: SCHEDULER_NAME,
      role: 'admin',
      orgCode: '',
      enterpriseId: null,
    };
    const view = await this.requests.send(
      scheduler,
      accessCode,
      'scheduler',
      async (tx, id, infoId) => {
        const draft = await this.draft(tx, {
          id,
          infoId,
          accessCode,
          question,
          deadlineMinutes,
          sentBy: null,
          by: SCHEDULER_NAME,
        });
        await claim(tx, id);
        return { ...draft, audit: { ...draft.audit, scheduled: true } };
      },
      { auditActorId: null },
    );
    this.logger.info('jt809 scheduled inspection sent', { access_code: accessCode, info_id: view.info_id });
    return view;
  }

  /** Encodes the question, checks its size and records the inspection; returns what to send. */
  private async draft(
    tx: Pick<Sql, 'query'>,
    d: {
      id: number;
      infoId: number;
      accessCode: number;
      question: string;
      deadlineMinutes: number;
      sentBy: number | null;
      by: string;
    },
  ): Promise<RequestDraft> {
    const message: InspectionMessage = {
      objectType: INSPECTION_OBJECT.platform,
      objectId: String(d.accessCode),
      infoId: d.infoId,
      text: d.question,
    };
    let body: Buffer;
    try {
      body = encodePlatformExchange(PLATFORM_EXCHANGE.inspectionRequest, encodeInspection(message));
    } catch (error) {
      throw new HttpError(400, 'bad_question', `question cannot be sent in GBK: ${String(error)}`);
    }
    const questionBytes = body.length - INSPECTION_FIXED_BYTES;
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
        d.id,
        d.accessCode,
        d.infoId,
        message.objectType,
        message.objectId,
        d.question,
        d.sentBy,
        d.by,
        Math.round(d.deadlineMinutes * 60_000),
      ],
    );
    // 2019 widens OBJECT_ID and adds ANSWER_TIME, in seconds and at most 255: the deadline Vigil keeps is the
    // record's, the byte only tells the platform.
    const body2019 = encodePlatformExchange(
      PLATFORM_EXCHANGE.inspectionRequest,
      encodeInspectionRequest2019({ ...message, answerSeconds: Math.min(255, d.deadlineMinutes * 60) }),
    );
    return {
      msgId: PLATFORM_MSG.platformExchangeDown,
      body,
      body2019,
      audit: { info_id: d.infoId, deadline_minutes: d.deadlineMinutes },
    };
  }

  list(actor: Principal, accessCode: number): Promise<InspectionView[]> {
    return this.requests.list(actor, accessCode);
  }

  /** Records a 0x1301 answer; false when no inspection of this platform has its info id. */
  answered(accessCode: number, answer: InspectionMessage): Promise<boolean> {
    return this.requests.answered(accessCode, answer.infoId, {
      answer: answer.text,
      answered_by: answer.objectId || String(accessCode),
    });
  }

  /** Turns inspections past their deadline `unanswered`; returns how many. */
  expire(): Promise<number> {
    return this.requests.expire();
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
