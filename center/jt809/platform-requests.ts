/**
 * The lifecycle every request of the upper platform to a lower one shares — 查岗 (0x9301 → 0x1301) and 督办
 * (0x9401 → 0x1401) alike: recorded in PostgreSQL and sent in one transaction (a request that cannot be sent
 * leaves no record), answered by the platform before its deadline or turned late by the sweep, listed per
 * platform within the caller's scope.
 *
 * Repeated answers: the first answer wins. Its content, its time and the status it earned (`answered` before the
 * deadline, the late status after it) are what the duty centre judged the platform on, so nothing later changes
 * them. Every later answer to the same request is counted (`vigil_jt809_answers_repeated_total{msg_id}`) and
 * logged; one whose content differs from the first (a platform reporting 已处理 after 处理中, say) is also kept in
 * the audit log as `jt809_<kind>.answer_repeated`, with the first answer beside it, so an officer can see it.
 */
import type { Logger, Metrics } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import {
  Jt809EditionUnsupportedError,
  Jt809NotConnectedError,
  type Jt809LinkState,
  type Jt809Request2019,
} from '../../ingest/index.js';
import type { Principal } from '../auth/accounts.js';
import { appendAudit } from '../auth/audit.js';
import { HttpError } from '../http/router.js';
import { platformInScope } from './platform-scope.js';

/** How requests reach a lower platform: the JT/T 809 server's logged-in main link. */
export interface Jt809RequestLink {
  linkState(accessCode: number): Jt809LinkState;
  sendToPlatform(accessCode: number, msgId: number, body: Buffer, request2019?: Jt809Request2019): { link: string };
}

/** Column values of an answer, by column name of the kind's table. */
export type AnswerValues = Record<string, string | number>;

/** What differs between 查岗 and 督办 in the shared lifecycle. */
export interface RequestKind {
  /** In audit actions (`jt809_<name>.send`) and logs. */
  name: 'inspection' | 'supervision';
  table: 'jt809_inspections' | 'jt809_supervisions';
  /** The id the platform's answer names (INFO_ID, SUPERVISION_ID): the row id modulo 2³². */
  requestIdColumn: 'info_id' | 'supervision_id';
  /** The columns an answer fills, besides answered_at and status. */
  answerColumns: readonly string[];
  /** Status of a request whose deadline passed before any answer. */
  lateStatus: 'unanswered' | 'overdue';
  /** The answer's message id, as the repeated-answers metric labels it. */
  answerMsgId: '0x1301' | '0x1401';
  sentMetric: { name: string; help: string };
  lateMetric: { name: string; help: string };
  /** The columns a list returns, in the view's order. */
  columns: string;
}

/** What a kind writes for one request, inside the transaction that records it. */
export interface RequestDraft {
  /** The downlink message id and body sent on the platform's link. */
  msgId: number;
  body: Buffer;
  /** The audit entry's detail for the send. */
  audit: Record<string, unknown>;
  /** The body in its JT/T 809-2019 layout, for a platform that speaks 2019; without it such a platform gets a 409. */
  body2019?: Buffer;
}

const REQUEST_ID_MODULUS = 2 ** 32;

export class PlatformRequests<View> {
  constructor(
    private readonly kind: RequestKind,
    private readonly deps: { sql: Sql; link: Jt809RequestLink; logger: Logger; metrics: Metrics },
    private readonly viewOf: (row: Record<string, unknown>) => View,
    private readonly listRowsMax: number,
  ) {}

  /**
   * Records and sends one request. `draft` inserts the row (with the id and request id it is given) and returns
   * what to send; a draft that throws, or a platform whose link dropped since the check, rolls the record back.
   */
  async send(
    actor: Principal,
    accessCode: number,
    peer: string,
    draft: (tx: Pick<Sql, 'query'>, id: number, requestId: number) => Promise<RequestDraft>,
    /** A request sent by the scheduler rather than an officer is audited with no actor id. */
    options: { auditActorId?: number | null } = {},
  ): Promise<View> {
    const state = this.deps.link.linkState(accessCode);
    if (state !== 'logged_in') throw notLoggedIn(accessCode, state);
    const { table } = this.kind;
    const view = await this.deps.sql.transaction(async (tx) => {
      const [{ id: next }] = await tx.query<{ id: unknown }>(
        `SELECT nextval(pg_get_serial_sequence('${table}', 'id')) AS id`,
      );
      const id = Number(next);
      // The row id doubles as the request id (a u32 on the wire), so it is unique per platform for 4 billion requests.
      const requested = await draft(tx, id, id % REQUEST_ID_MODULUS);
      await appendAudit(tx, {
        actorId: options.auditActorId === undefined ? actor.userId : options.auditActorId,
        actor: actor.username,
        action: `jt809_${this.kind.name}.send`,
        target: `jt809_platform:${accessCode}`,
        detail: requested.audit,
        peer,
      });
      const request2019 = requested.body2019
        ? { body: requested.body2019, answers: { kind: this.kind.name, id: id % REQUEST_ID_MODULUS } }
        : undefined;
      const sent = sendOrRefuse(this.deps.link, accessCode, requested.msgId, requested.body, request2019);
      if (sent.link !== 'main') await tx.query(`UPDATE ${table} SET sent_link = $2 WHERE id = $1`, [id, sent.link]);
      const [row] = await tx.query<Record<string, unknown>>(`SELECT ${this.kind.columns} FROM ${table} WHERE id = $1`, [
        id,
      ]);
      return this.viewOf(row);
    });
    this.deps.metrics.counter(this.kind.sentMetric.name, this.kind.sentMetric.help).inc();
    return view;
  }

  /** The platform's requests, newest first, after turning those past their deadline late. */
  async list(actor: Principal, accessCode: number): Promise<View[]> {
    await platformInScope(this.deps.sql, actor, accessCode, 'read');
    await this.expire();
    const rows = await this.deps.sql.query<Record<string, unknown>>(
      `SELECT ${this.kind.columns} FROM ${this.kind.table} WHERE access_code = $1 ORDER BY id DESC LIMIT $2`,
      [accessCode, this.listRowsMax],
    );
    return rows.map(this.viewOf);
  }

  /**
   * Records a platform's answer; false when the platform has no request with this id (the caller dead-letters
   * it). The first answer wins; a repeat changes nothing and is counted, logged and, when it differs, audited.
   */
  async answered(accessCode: number, requestId: number, values: AnswerValues): Promise<boolean> {
    const { table, requestIdColumn, answerColumns, lateStatus } = this.kind;
    const set = answerColumns.map((column, i) => `${column} = $${i + 3}`).join(', ');
    const params = [accessCode, requestId, ...answerColumns.map((column) => values[column])];
    const first = await this.deps.sql.query(
      `UPDATE ${table} SET ${set}, answered_at = now(),
         status = CASE WHEN status = 'sent' AND deadline_at >= now() THEN 'answered' ELSE '${lateStatus}' END
       WHERE access_code = $1 AND ${requestIdColumn} = $2 AND answered_at IS NULL RETURNING id`,
      params,
    );
    if (first.length > 0) return true;
    const [recorded] = await this.deps.sql.query<Record<string, unknown>>(
      `SELECT id, ${answerColumns.join(', ')} FROM ${table} WHERE access_code = $1 AND ${requestIdColumn} = $2`,
      [accessCode, requestId],
    );
    if (recorded === undefined) return false;
    await this.repeated(accessCode, requestId, recorded, values);
    return true;
  }

  private async repeated(
    accessCode: number,
    requestId: number,
    recorded: Record<string, unknown>,
    values: AnswerValues,
  ): Promise<void> {
    const { name, requestIdColumn, answerColumns, answerMsgId } = this.kind;
    this.deps.metrics
      .counter('vigil_jt809_answers_repeated_total', 'Answers for an inspection or supervision already answered', [
        'msg_id',
      ])
      .inc({ msg_id: answerMsgId });
    const firstAnswer = Object.fromEntries(answerColumns.map((column) => [column, plain(recorded[column])]));
    const differs = answerColumns.some((column) => firstAnswer[column] !== values[column]);
    this.deps.logger.info('jt809 answer repeated; the first answer stands', {
      kind: name,
      access_code: accessCode,
      [requestIdColumn]: requestId,
      differs,
      first: firstAnswer,
      repeated: values,
    });
    if (differs)
      await appendAudit(this.deps.sql, {
        actorId: null,
        actor: `jt809_platform:${accessCode}`,
        action: `jt809_${name}.answer_repeated`,
        target: `jt809_platform:${accessCode}`,
        detail: { [requestIdColumn]: requestId, first: firstAnswer, repeated: values },
      });
  }

  /** Turns requests past their deadline late; returns how many. */
  async expire(): Promise<number> {
    const { table, lateStatus, lateMetric } = this.kind;
    const rows = await this.deps.sql.query(
      `UPDATE ${table} SET status = '${lateStatus}' WHERE status = 'sent' AND deadline_at < now() RETURNING id`,
    );
    if (rows.length > 0) this.deps.metrics.counter(lateMetric.name, lateMetric.help).inc(undefined, rows.length);
    return rows.length;
  }
}

/** Numbers stored as smallint come back as numbers, text as strings; both compare with the answer's values. */
function plain(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'number' || typeof value === 'bigint' ? Number(value) : String(value);
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
  request2019?: Jt809Request2019,
): { link: string } {
  try {
    return link.sendToPlatform(accessCode, msgId, body, request2019);
  } catch (error) {
    if (error instanceof Jt809NotConnectedError) throw notLoggedIn(accessCode, error.state);
    if (error instanceof Jt809EditionUnsupportedError)
      throw new HttpError(409, 'platform_edition_unsupported', error.message, { edition: error.edition });
    throw error;
  }
}
