/**
 * 查岗 inside the platform: a higher centre checks that a lower centre's duty post is manned. It asks a question —
 * of a unit it names (targeted) or of one drawn at random among the units it commands directly — and the officer on
 * duty there answers on the console before the deadline; past it the inspection is missed. Response times and rates
 * per centre over any period are what the province reports on (DOMAIN.md: inspection response rate).
 */
import { randomInt } from 'node:crypto';
import type { DutyInspectionRate, DutyInspectionView } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import { HANDLER_ROLES, requireRole, type Clock } from '../access/actor.js';
import type { Principal } from '../auth/accounts.js';
import { appendAudit } from '../auth/audit.js';
import { HttpError } from '../http/router.js';
import type { OrgDirectory } from '../org/org-directory.js';
import type { DutyDesk } from './duty-desk.js';

export const INSPECTION_DEADLINE_MINUTES = { default: 10, min: 1, max: 120 } as const;
/** Inspections listed in one answer. */
export const INSPECTIONS_LIST_MAX = 500;
/** Inspections marked missed in one supervision pass. */
export const INSPECTIONS_SWEEP_MAX = 1_000;

interface InspectionRow {
  id: number;
  from_org: string;
  to_org: string;
  mode: 'random' | 'targeted';
  question: string;
  sent_by_name: string;
  sent_at: Date;
  deadline_at: Date;
  status: 'sent' | 'answered' | 'missed';
  answered_by_name: string | null;
  answered_at: Date | null;
  answer: string | null;
}

export class DutyInspections {
  constructor(private readonly deps: { sql: Sql; org: OrgDirectory; now: Clock; desk: DutyDesk }) {}

  private view(row: InspectionRow, p: Principal): DutyInspectionView {
    const now = this.deps.now();
    const deadline = new Date(row.deadline_at).getTime();
    const status = row.status === 'sent' && now > deadline ? 'missed' : row.status;
    const sentAt = new Date(row.sent_at).getTime();
    const answeredAt = row.answered_at === null ? null : new Date(row.answered_at).getTime();
    return {
      id: Number(row.id),
      from_org: row.from_org,
      to_org: row.to_org,
      to_name: this.deps.org.get(row.to_org)?.name ?? row.to_org,
      mode: row.mode,
      question: row.question,
      sent_by: row.sent_by_name,
      sent_at: sentAt,
      deadline_at: deadline,
      status,
      answered_by: row.answered_by_name,
      answered_at: answeredAt,
      answer: row.answer,
      response_s: answeredAt === null ? null : Math.round((answeredAt - sentAt) / 1000),
      can_answer: status === 'sent' && HANDLER_ROLES.includes(p.role) && p.orgCode === row.to_org,
    };
  }

  /** A handler of a higher centre inspects a unit below it, named or drawn among the units it commands directly. */
  async send(
    p: Principal,
    peer: string,
    input: { to_org?: string; question: string; deadline_minutes?: number },
  ): Promise<DutyInspectionView> {
    requireRole(p, HANDLER_ROLES, 'inspect duty posts');
    const { org } = this.deps;
    let toOrg = input.to_org;
    const mode = toOrg === undefined ? 'random' : 'targeted';
    if (toOrg === undefined) {
      const below = org.childrenOf(p.orgCode);
      if (below.length === 0) throw new HttpError(409, 'nothing_below', `${p.orgCode} commands no lower centre`);
      toOrg = below[randomInt(below.length)].code;
    } else if (!org.isBelow(p.orgCode, toOrg)) {
      throw new HttpError(403, 'out_of_scope', `${p.orgCode} may inspect only centres below it, not ${toOrg}`);
    }
    const minutes = input.deadline_minutes ?? INSPECTION_DEADLINE_MINUTES.default;
    const now = this.deps.now();
    const target = toOrg;
    const id = await this.deps.sql.transaction(async (tx) => {
      const [row] = await tx.query<{ id: number }>(
        `INSERT INTO duty_inspections (from_org, to_org, mode, question, sent_by, sent_by_name, sent_at, deadline_at, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'sent') RETURNING id`,
        [
          p.orgCode,
          target,
          mode,
          input.question,
          p.userId,
          p.username,
          new Date(now),
          new Date(now + minutes * 60_000),
        ],
      );
      await appendAudit(tx, {
        actorId: p.userId,
        actor: p.username,
        action: 'duty.inspection_send',
        target: `duty_inspection:${row.id}`,
        detail: { to_org: target, mode, deadline_minutes: minutes },
        peer,
      });
      await this.deps.desk.record(
        tx,
        p.orgCode,
        p,
        'inspection_sent',
        `${target} ${input.question}`,
        `duty_inspection:${row.id}`,
      );
      return Number(row.id);
    });
    return this.get(p, id);
  }

  async get(p: Principal, id: number): Promise<DutyInspectionView> {
    const [row] = await this.deps.sql.query<InspectionRow>('SELECT * FROM duty_inspections WHERE id = $1', [id]);
    if (
      !row ||
      p.role === 'enterprise' ||
      !(this.deps.org.sees(p.orgCode, row.to_org) || this.deps.org.covers(p.orgCode, row.from_org))
    )
      throw new HttpError(404, 'not_found', `inspection ${id} not found`);
    return this.view(row, p);
  }

  /** `received`: asked of the caller's own unit; `sent`: asked of units in the caller's subtree (by anyone above). */
  async list(p: Principal, direction: 'received' | 'sent', from: number, to: number): Promise<DutyInspectionView[]> {
    if (p.role === 'enterprise') throw new HttpError(403, 'forbidden', 'an enterprise has no duty posts');
    const rows =
      direction === 'received'
        ? await this.deps.sql.query<InspectionRow>(
            'SELECT * FROM duty_inspections WHERE to_org = $1 AND sent_at >= $2 AND sent_at < $3 ORDER BY sent_at DESC LIMIT $4',
            [p.orgCode, new Date(from), new Date(to), INSPECTIONS_LIST_MAX],
          )
        : await this.deps.sql.query<InspectionRow>(
            'SELECT * FROM duty_inspections WHERE to_org = ANY($1) AND to_org <> $2 AND sent_at >= $3 AND sent_at < $4 ORDER BY sent_at DESC LIMIT $5',
            [this.deps.org.subtree(p.orgCode), p.orgCode, new Date(from), new Date(to), INSPECTIONS_LIST_MAX],
          );
    return rows.map((row) => this.view(row, p));
  }

  /** The officer on duty at the inspected unit answers, before the deadline. */
  async answer(p: Principal, peer: string, id: number, answer: string): Promise<DutyInspectionView> {
    requireRole(p, HANDLER_ROLES, 'answer inspections');
    await this.deps.sql.transaction(async (tx) => {
      const [row] = await tx.query<InspectionRow>('SELECT * FROM duty_inspections WHERE id = $1 FOR UPDATE', [id]);
      if (!row || !this.deps.org.sees(p.orgCode, row.to_org))
        throw new HttpError(404, 'not_found', `inspection ${id} not found`);
      if (row.to_org !== p.orgCode)
        throw new HttpError(403, 'forbidden', `only the duty post of ${row.to_org} answers this inspection`);
      const now = this.deps.now();
      if (row.status !== 'sent' || now > new Date(row.deadline_at).getTime())
        throw new HttpError(
          409,
          'deadline_passed',
          `inspection ${id} is ${row.status === 'answered' ? 'answered' : 'past its deadline'}`,
          {
            deadline_at: new Date(row.deadline_at).getTime(),
          },
        );
      await tx.query(
        `UPDATE duty_inspections SET status = 'answered', answered_by = $2, answered_by_name = $3, answered_at = $4, answer = $5 WHERE id = $1`,
        [id, p.userId, p.username, new Date(now), answer],
      );
      await appendAudit(tx, {
        actorId: p.userId,
        actor: p.username,
        action: 'duty.inspection_answer',
        target: `duty_inspection:${id}`,
        detail: {},
        peer,
      });
      await this.deps.desk.record(tx, p.orgCode, p, 'inspection_answered', answer, `duty_inspection:${id}`);
    });
    return this.get(p, id);
  }

  /** Marks inspections past their deadline missed (a supervision pass); returns how many. */
  async sweep(): Promise<number> {
    const rows = await this.deps.sql.query(
      `UPDATE duty_inspections SET status = 'missed' WHERE id IN (
         SELECT id FROM duty_inspections WHERE status = 'sent' AND deadline_at < $1 ORDER BY deadline_at LIMIT $2)
       RETURNING id`,
      [new Date(this.deps.now()), INSPECTIONS_SWEEP_MAX],
    );
    return rows.length;
  }

  /** Response rates and times per unit below the caller, of the inspections sent to them in [from, to). */
  async rates(p: Principal, from: number, to: number): Promise<DutyInspectionRate[]> {
    if (p.role === 'enterprise') throw new HttpError(403, 'forbidden', 'an enterprise has no duty posts');
    const below = this.deps.org.subtree(p.orgCode).filter((code) => code !== p.orgCode);
    const rows = await this.deps.sql.query<{
      to_org: string;
      sent: number;
      answered: number;
      missed: number;
      pending: number;
      avg_s: number | null;
      max_s: number | null;
    }>(
      `SELECT to_org, count(*)::int AS sent,
              count(*) FILTER (WHERE status = 'answered')::int AS answered,
              count(*) FILTER (WHERE status = 'missed' OR (status = 'sent' AND deadline_at < $4))::int AS missed,
              count(*) FILTER (WHERE status = 'sent' AND deadline_at >= $4)::int AS pending,
              avg(extract(epoch from answered_at - sent_at)) FILTER (WHERE status = 'answered') AS avg_s,
              max(extract(epoch from answered_at - sent_at)) FILTER (WHERE status = 'answered') AS max_s
         FROM duty_inspections WHERE to_org = ANY($1) AND sent_at >= $2 AND sent_at < $3 GROUP BY to_org`,
      [below, new Date(from), new Date(to), new Date(this.deps.now())],
    );
    return rows
      .map((r) => {
        const answered = Number(r.answered);
        const missed = Number(r.missed);
        return {
          org_code: r.to_org,
          name: this.deps.org.get(r.to_org)?.name ?? r.to_org,
          sent: Number(r.sent),
          answered,
          missed,
          pending: Number(r.pending),
          response_rate: answered + missed === 0 ? null : answered / (answered + missed),
          response_s_avg: r.avg_s === null ? null : Math.round(Number(r.avg_s)),
          response_s_max: r.max_s === null ? null : Math.round(Number(r.max_s)),
        };
      })
      .sort((a, b) => (a.response_rate ?? 2) - (b.response_rate ?? 2) || a.org_code.localeCompare(b.org_code));
  }
}
