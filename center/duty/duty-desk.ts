/**
 * 7×24 duty at every centre (guideline 二(二)/三(一), G3): rosters of shifts per centre post and department with
 * their officers and the leader on duty, sign-in to a shift, the handover that carries open alarms, open work orders
 * and notes to the next shift and is acknowledged by its officer, the duty log of what the shift did, and which
 * posts are attended now — shown to the level above. Every change is audited and logged in its transaction.
 */
import type { DutyPostStatus, ShiftView } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import { HANDLER_ROLES, requireRole, type Clock } from '../access/actor.js';
import type { Principal } from '../auth/accounts.js';
import { appendAudit } from '../auth/audit.js';
import { HttpError } from '../http/router.js';
import type { OrgDirectory } from '../org/org-directory.js';

export interface DutyDeskOptions {
  /** A shift may be signed into this long before it starts. */
  signInEarlyMs: number;
  /** A post whose shift started this long ago with nobody signed in is unattended. */
  signInGraceMs: number;
  /** Open alarms and orders listed in one handover; the counts are always complete. */
  handoverItemsMax: number;
  /** Shifts read in one roster answer. */
  rosterShiftsMax: number;
  /** Longest shift. */
  shiftHoursMax: number;
  /** Duty-log entries in one day's answer or export. */
  logEntriesMax: number;
}

export const DUTY_DESK_DEFAULTS: DutyDeskOptions = {
  signInEarlyMs: 30 * 60_000,
  signInGraceMs: 15 * 60_000,
  handoverItemsMax: 500,
  rosterShiftsMax: 500,
  shiftHoursMax: 24,
  logEntriesMax: 20_000,
};

export const DUTY_ROSTER_ROLES = ['leader', 'admin'] as const;
type Tx = Pick<Sql, 'query'>;

interface ShiftRow {
  id: number;
  org_code: string;
  department: string;
  name: string;
  starts_at: Date;
  ends_at: Date;
}

/** A person who may stand duty at a unit (a duty officer, dispatcher or leader of it). */
export interface DutyPerson {
  user_id: number;
  username: string;
  name: string;
  role: string;
}

/** The most people the roster form lists for one unit. */
const DUTY_PEOPLE_MAX = 500;

export interface DutyLogEntry {
  at: number;
  org_code: string;
  department: string;
  actor: string;
  kind: string;
  text: string;
  ref: string;
}

function ms(value: Date | string | null): number | null {
  return value === null ? null : new Date(value).getTime();
}

export class DutyDesk {
  constructor(
    private readonly deps: { sql: Sql; org: OrgDirectory; now: Clock },
    readonly options: DutyDeskOptions = DUTY_DESK_DEFAULTS,
  ) {}

  private requireView(p: Principal, orgCode: string): void {
    if (p.role === 'enterprise' || !this.deps.org.sees(p.orgCode, orgCode))
      throw new HttpError(404, 'not_found', `org unit ${orgCode} not found`);
  }

  private async log(
    tx: Tx,
    entry: {
      orgCode: string;
      department: string;
      shiftId: number | null;
      actor: Principal;
      kind: string;
      text?: string;
      ref?: string;
    },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO duty_log (org_code, department, shift_id, at, actor_id, actor, kind, text, ref)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        entry.orgCode,
        entry.department,
        entry.shiftId,
        new Date(this.deps.now()),
        entry.actor.userId,
        entry.actor.username,
        entry.kind,
        entry.text ?? '',
        entry.ref ?? '',
      ],
    );
  }

  /** A leader or admin of the unit or above puts a shift on the roster, with its officers and leader on duty. */
  async createShift(
    p: Principal,
    peer: string,
    input: {
      org_code: string;
      department?: string;
      name: string;
      starts_at: number;
      ends_at: number;
      officers: number[];
      leaders?: number[];
    },
  ): Promise<ShiftView> {
    requireRole(p, [...DUTY_ROSTER_ROLES], 'make duty rosters');
    if (!this.deps.org.covers(p.orgCode, input.org_code))
      throw new HttpError(403, 'out_of_scope', `${p.orgCode} may not make rosters for ${input.org_code}`);
    if (input.ends_at <= input.starts_at)
      throw new HttpError(400, 'bad_field', 'ends_at: must be after starts_at', { field: 'ends_at' });
    if (input.ends_at - input.starts_at > this.options.shiftHoursMax * 3_600_000)
      throw new HttpError(400, 'bad_field', `ends_at: a shift is at most ${this.options.shiftHoursMax} hours`, {
        field: 'ends_at',
      });
    const department = input.department ?? '';
    const people = [
      ...input.officers.map((id) => ({ id, post: 'officer' as const })),
      ...(input.leaders ?? []).map((id) => ({ id, post: 'leader' as const })),
    ];
    if (new Set(people.map((x) => x.id)).size !== people.length)
      throw new HttpError(400, 'bad_field', 'officers, leaders: a person is on a shift once', { field: 'officers' });
    const id = await this.deps.sql.transaction(async (tx) => {
      if (department !== '') {
        const known = await tx.query('SELECT 1 FROM departments WHERE org_code = $1 AND code = $2', [
          input.org_code,
          department,
        ]);
        if (known.length === 0)
          throw new HttpError(400, 'unknown_department', `${input.org_code} has no department ${department}`);
      }
      const staff = await tx.query<{ id: number; role: string; org_code: string; disabled: boolean }>(
        'SELECT id, role, org_code, disabled FROM users WHERE id = ANY($1)',
        [people.map((x) => x.id)],
      );
      for (const person of people) {
        const row = staff.find((s) => Number(s.id) === person.id);
        if (!row || row.disabled || row.org_code !== input.org_code || !HANDLER_ROLES.includes(row.role as never))
          throw new HttpError(
            400,
            'bad_field',
            `user ${person.id} is not a duty officer, dispatcher or leader of ${input.org_code}`,
            { field: person.post === 'leader' ? 'leaders' : 'officers' },
          );
        if (person.post === 'leader' && row.role !== 'leader')
          throw new HttpError(400, 'bad_field', `user ${person.id} is not a leader`, { field: 'leaders' });
      }
      const overlap = await tx.query(
        `SELECT 1 FROM duty_shifts WHERE org_code = $1 AND department = $2 AND starts_at < $4 AND ends_at > $3`,
        [input.org_code, department, new Date(input.starts_at), new Date(input.ends_at)],
      );
      if (overlap.length > 0)
        throw new HttpError(409, 'shift_overlaps', `${input.org_code} already has a shift of this post in that time`);
      const [shift] = await tx.query<{ id: number }>(
        `INSERT INTO duty_shifts (org_code, department, name, starts_at, ends_at, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [
          input.org_code,
          department,
          input.name,
          new Date(input.starts_at),
          new Date(input.ends_at),
          p.userId,
          new Date(this.deps.now()),
        ],
      );
      for (const person of people)
        await tx.query('INSERT INTO duty_assignments (shift_id, user_id, post) VALUES ($1, $2, $3)', [
          shift.id,
          person.id,
          person.post,
        ]);
      await appendAudit(tx, {
        actorId: p.userId,
        actor: p.username,
        action: 'duty.shift_create',
        target: `duty_shift:${shift.id}`,
        detail: { org_code: input.org_code, department, people },
        peer,
      });
      await this.log(tx, {
        orgCode: input.org_code,
        department,
        shiftId: Number(shift.id),
        actor: p,
        kind: 'shift_created',
        text: input.name,
      });
      return Number(shift.id);
    });
    return this.shift(p, id);
  }

  /**
   * Who can be put on a roster of a unit: its enabled duty officers, dispatchers and leaders, for the console's roster
   * form. Only those who make rosters for the unit ask (a leader or admin of it or above); elsewhere it does not exist.
   */
  async people(p: Principal, orgCode: string): Promise<DutyPerson[]> {
    requireRole(p, [...DUTY_ROSTER_ROLES], 'make duty rosters');
    if (!this.deps.org.covers(p.orgCode, orgCode))
      throw new HttpError(404, 'not_found', `org unit ${orgCode} not found`);
    const rows = await this.deps.sql.query<{ id: number; username: string; name: string; role: string }>(
      `SELECT id, username, COALESCE(NULLIF(display_name, ''), username) AS name, role FROM users
        WHERE org_code = $1 AND NOT disabled AND role = ANY($2) ORDER BY role, username LIMIT $3`,
      [orgCode, [...HANDLER_ROLES], DUTY_PEOPLE_MAX],
    );
    return rows.map((r) => ({ user_id: Number(r.id), username: r.username, name: r.name, role: r.role }));
  }

  async shift(p: Principal, id: number): Promise<ShiftView> {
    const [row] = await this.deps.sql.query<ShiftRow>('SELECT * FROM duty_shifts WHERE id = $1', [id]);
    if (!row) throw new HttpError(404, 'not_found', `shift ${id} not found`);
    this.requireView(p, row.org_code);
    return (await this.views([row], p))[0];
  }

  /** The shifts of a unit overlapping [from, to), with their people and handovers. */
  async roster(p: Principal, orgCode: string, from: number, to: number): Promise<ShiftView[]> {
    this.requireView(p, orgCode);
    const rows = await this.deps.sql.query<ShiftRow>(
      `SELECT * FROM duty_shifts WHERE org_code = $1 AND ends_at > $2 AND starts_at < $3 ORDER BY starts_at, department LIMIT $4`,
      [orgCode, new Date(from), new Date(to), this.options.rosterShiftsMax],
    );
    return this.views(rows, p);
  }

  private async views(rows: ShiftRow[], p: Principal | null): Promise<ShiftView[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => Number(r.id));
    const people = await this.deps.sql.query<{
      shift_id: number;
      user_id: number;
      username: string;
      name: string;
      post: 'officer' | 'leader';
      signed_in_at: Date | null;
    }>(
      `SELECT a.shift_id, a.user_id, u.username, COALESCE(NULLIF(u.display_name, ''), u.username) AS name, a.post, a.signed_in_at
         FROM duty_assignments a JOIN users u ON u.id = a.user_id WHERE a.shift_id = ANY($1) ORDER BY a.post DESC, u.id`,
      [ids],
    );
    const handovers = await this.deps.sql.query<{
      id: number;
      from_shift_id: number;
      handed_at: Date;
      acknowledged_at: Date | null;
    }>('SELECT id, from_shift_id, handed_at, acknowledged_at FROM duty_handovers WHERE from_shift_id = ANY($1)', [ids]);
    const now = this.deps.now();
    return rows.map((row) => {
      const id = Number(row.id);
      const startsAt = new Date(row.starts_at).getTime();
      const endsAt = new Date(row.ends_at).getTime();
      const handover = handovers.find((h) => Number(h.from_shift_id) === id);
      const mine = people.find((x) => Number(x.shift_id) === id && Number(x.user_id) === p?.userId);
      const actions: ShiftView['actions'] = [];
      if (p !== null && mine !== undefined && HANDLER_ROLES.includes(p.role)) {
        if (mine.signed_in_at === null && now >= startsAt - this.options.signInEarlyMs && now < endsAt)
          actions.push('sign_in');
        if (mine.signed_in_at !== null && handover === undefined) actions.push('hand_over');
      }
      return {
        id,
        org_code: row.org_code,
        department: row.department,
        name: row.name,
        starts_at: startsAt,
        ends_at: endsAt,
        phase: now < startsAt ? 'planned' : now < endsAt ? 'current' : 'over',
        people: people
          .filter((x) => Number(x.shift_id) === id)
          .map((x) => ({
            user_id: Number(x.user_id),
            username: x.username,
            name: x.name,
            post: x.post,
            signed_in_at: ms(x.signed_in_at),
          })),
        handover:
          handover === undefined
            ? null
            : {
                id: Number(handover.id),
                handed_at: ms(handover.handed_at)!,
                acknowledged_at: ms(handover.acknowledged_at),
              },
        actions,
      };
    });
  }

  private async assignedShift(tx: Tx, p: Principal, shiftId: number, forUpdate = false): Promise<ShiftRow> {
    const [row] = await tx.query<ShiftRow>(`SELECT * FROM duty_shifts WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [
      shiftId,
    ]);
    if (!row || !this.deps.org.sees(p.orgCode, row.org_code))
      throw new HttpError(404, 'not_found', `shift ${shiftId} not found`);
    const assigned = await tx.query('SELECT 1 FROM duty_assignments WHERE shift_id = $1 AND user_id = $2', [
      shiftId,
      p.userId,
    ]);
    if (assigned.length === 0) throw new HttpError(403, 'not_on_shift', `${p.username} is not on shift ${shiftId}`);
    return row;
  }

  /** The officer starts their shift (at most `signInEarlyMs` early, never after it ended). */
  async signIn(p: Principal, peer: string, shiftId: number): Promise<ShiftView> {
    await this.deps.sql.transaction(async (tx) => {
      const row = await this.assignedShift(tx, p, shiftId, true);
      const now = this.deps.now();
      const startsAt = new Date(row.starts_at).getTime();
      if (now < startsAt - this.options.signInEarlyMs || now >= new Date(row.ends_at).getTime())
        throw new HttpError(
          409,
          'outside_shift',
          `shift ${shiftId} runs ${row.starts_at.toISOString()}–${row.ends_at.toISOString()}`,
        );
      const updated = await tx.query(
        'UPDATE duty_assignments SET signed_in_at = $3 WHERE shift_id = $1 AND user_id = $2 AND signed_in_at IS NULL RETURNING 1',
        [shiftId, p.userId, new Date(now)],
      );
      if (updated.length === 0) throw new HttpError(409, 'already_signed_in', `${p.username} signed in already`);
      await appendAudit(tx, {
        actorId: p.userId,
        actor: p.username,
        action: 'duty.sign_in',
        target: `duty_shift:${shiftId}`,
        detail: {},
        peer,
      });
      await this.log(tx, { orgCode: row.org_code, department: row.department, shiftId, actor: p, kind: 'signed_in' });
    });
    return this.shift(p, shiftId);
  }

  /** What is still open at a post: its new and acknowledged alarms, its unfinished work orders. */
  private async openItems(tx: Tx, orgCode: string, department: string) {
    const deptFilter = department === '' ? '' : ' AND department = $3';
    const params =
      department === ''
        ? [orgCode, this.options.handoverItemsMax]
        : [orgCode, this.options.handoverItemsMax, department];
    const alarms = await tx.query<{
      alarm_id: string;
      rule: string;
      plate: string;
      state: string;
      received_at: Date;
      total: number;
    }>(
      `SELECT alarm_id, rule, plate, state, received_at, count(*) OVER ()::int AS total FROM alarm_cases
        WHERE org_code = $1 AND state IN ('new', 'acknowledged')${deptFilter} ORDER BY received_at LIMIT $2`,
      params,
    );
    const orders = await tx.query<{ id: number; title: string; state: string; deadline_at: Date; total: number }>(
      `SELECT id, title, state, deadline_at, count(*) OVER ()::int AS total FROM work_orders
        WHERE org_code = $1 AND state <> 'accepted'${deptFilter} ORDER BY deadline_at LIMIT $2`,
      params,
    );
    return {
      alarms: {
        total: Number(alarms[0]?.total ?? 0),
        items: alarms.map((a) => ({
          alarm_id: a.alarm_id,
          rule: a.rule,
          plate: a.plate,
          state: a.state,
          received_at: ms(a.received_at),
        })),
      },
      orders: {
        total: Number(orders[0]?.total ?? 0),
        items: orders.map((o) => ({
          id: Number(o.id),
          title: o.title,
          state: o.state,
          deadline_at: ms(o.deadline_at),
        })),
      },
    };
  }

  /** The signed-in officer hands the shift over: open alarms and orders are recorded with the notes. */
  async handOver(p: Principal, peer: string, shiftId: number, notes: string): Promise<Record<string, unknown>> {
    requireRole(p, HANDLER_ROLES, 'hand over a shift');
    const id = await this.deps.sql.transaction(async (tx) => {
      const row = await this.assignedShift(tx, p, shiftId, true);
      const [me] = await tx.query<{ signed_in_at: Date | null }>(
        'SELECT signed_in_at FROM duty_assignments WHERE shift_id = $1 AND user_id = $2',
        [shiftId, p.userId],
      );
      if (me.signed_in_at === null)
        throw new HttpError(409, 'not_signed_in', `${p.username} has not signed in to shift ${shiftId}`);
      const done = await tx.query('SELECT 1 FROM duty_handovers WHERE from_shift_id = $1', [shiftId]);
      if (done.length > 0) throw new HttpError(409, 'already_handed_over', `shift ${shiftId} was handed over already`);
      const [next] = await tx.query<{ id: number }>(
        `SELECT id FROM duty_shifts WHERE org_code = $1 AND department = $2 AND starts_at > $3 ORDER BY starts_at LIMIT 1`,
        [row.org_code, row.department, row.starts_at],
      );
      const open = await this.openItems(tx, row.org_code, row.department);
      const [handover] = await tx.query<{ id: number }>(
        `INSERT INTO duty_handovers (org_code, department, from_shift_id, to_shift_id, handed_by, handed_by_name, handed_at, notes, open_alarms, open_orders)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
        [
          row.org_code,
          row.department,
          shiftId,
          next?.id ?? null,
          p.userId,
          p.username,
          new Date(this.deps.now()),
          notes,
          JSON.stringify(open.alarms),
          JSON.stringify(open.orders),
        ],
      );
      await appendAudit(tx, {
        actorId: p.userId,
        actor: p.username,
        action: 'duty.handover',
        target: `duty_handover:${handover.id}`,
        detail: { shift_id: shiftId, open_alarms: open.alarms.total, open_orders: open.orders.total },
        peer,
      });
      await this.log(tx, {
        orgCode: row.org_code,
        department: row.department,
        shiftId,
        actor: p,
        kind: 'handover',
        text: `${notes}（未结报警 ${open.alarms.total}，在办工单 ${open.orders.total}）`,
        ref: `duty_handover:${handover.id}`,
      });
      return Number(handover.id);
    });
    return this.handover(p, id);
  }

  async handover(p: Principal, id: number): Promise<Record<string, unknown>> {
    const [row] = await this.deps.sql.query<Record<string, unknown> & { org_code: string }>(
      'SELECT * FROM duty_handovers WHERE id = $1',
      [id],
    );
    if (!row) throw new HttpError(404, 'not_found', `handover ${id} not found`);
    this.requireView(p, row.org_code);
    const toShift = row.to_shift_id === null ? null : Number(row.to_shift_id);
    const incoming =
      toShift !== null &&
      row.acknowledged_at === null &&
      HANDLER_ROLES.includes(p.role) &&
      (
        await this.deps.sql.query('SELECT 1 FROM duty_assignments WHERE shift_id = $1 AND user_id = $2', [
          toShift,
          p.userId,
        ])
      ).length > 0;
    return {
      ...row,
      actions: incoming ? ['acknowledge'] : [],
      id: Number(row.id),
      from_shift_id: Number(row.from_shift_id),
      to_shift_id: row.to_shift_id === null ? null : Number(row.to_shift_id),
      handed_by: Number(row.handed_by),
      acknowledged_by: row.acknowledged_by === null ? null : Number(row.acknowledged_by),
      handed_at: ms(row.handed_at as Date),
      acknowledged_at: ms(row.acknowledged_at as Date | null),
    };
  }

  async handovers(p: Principal, orgCode: string, limit: number): Promise<Record<string, unknown>[]> {
    this.requireView(p, orgCode);
    const rows = await this.deps.sql.query<{ id: number }>(
      'SELECT id FROM duty_handovers WHERE org_code = $1 ORDER BY handed_at DESC LIMIT $2',
      [orgCode, limit],
    );
    return Promise.all(rows.map((r) => this.handover(p, Number(r.id))));
  }

  /** The incoming officer (on the next shift) takes the handover over: what was open is now theirs. */
  async acknowledge(p: Principal, peer: string, handoverId: number, note: string): Promise<Record<string, unknown>> {
    requireRole(p, HANDLER_ROLES, 'take over a shift');
    await this.deps.sql.transaction(async (tx) => {
      const [row] = await tx.query<{
        org_code: string;
        department: string;
        to_shift_id: number | null;
        acknowledged_at: Date | null;
      }>('SELECT org_code, department, to_shift_id, acknowledged_at FROM duty_handovers WHERE id = $1 FOR UPDATE', [
        handoverId,
      ]);
      if (!row || !this.deps.org.sees(p.orgCode, row.org_code))
        throw new HttpError(404, 'not_found', `handover ${handoverId} not found`);
      if (row.to_shift_id === null)
        throw new HttpError(409, 'no_next_shift', 'the roster has no next shift for this post: a leader adds it first');
      await this.assignedShift(tx, p, Number(row.to_shift_id));
      if (row.acknowledged_at !== null)
        throw new HttpError(409, 'already_acknowledged', `handover ${handoverId} was taken over`);
      const now = new Date(this.deps.now());
      await tx.query(
        'UPDATE duty_handovers SET acknowledged_by = $2, acknowledged_by_name = $3, acknowledged_at = $4, acknowledgement = $5 WHERE id = $1',
        [handoverId, p.userId, p.username, now, note],
      );
      // Taking over is being on duty: the incoming officer is signed in if they had not yet.
      await tx.query(
        'UPDATE duty_assignments SET signed_in_at = COALESCE(signed_in_at, $3) WHERE shift_id = $1 AND user_id = $2',
        [row.to_shift_id, p.userId, now],
      );
      await appendAudit(tx, {
        actorId: p.userId,
        actor: p.username,
        action: 'duty.handover_acknowledge',
        target: `duty_handover:${handoverId}`,
        detail: {},
        peer,
      });
      await this.log(tx, {
        orgCode: row.org_code,
        department: row.department,
        shiftId: Number(row.to_shift_id),
        actor: p,
        kind: 'handover_acknowledged',
        text: note,
        ref: `duty_handover:${handoverId}`,
      });
    });
    return this.handover(p, handoverId);
  }

  /** A note in the duty log by someone on a running shift of the unit. */
  async note(p: Principal, text: string): Promise<void> {
    requireRole(p, HANDLER_ROLES, 'write in the duty log');
    const now = new Date(this.deps.now());
    const [shift] = await this.deps.sql.query<{ id: number; department: string }>(
      `SELECT s.id, s.department FROM duty_shifts s JOIN duty_assignments a ON a.shift_id = s.id
        WHERE a.user_id = $1 AND s.org_code = $2 AND s.starts_at <= $3 AND s.ends_at > $3 LIMIT 1`,
      [p.userId, p.orgCode, now],
    );
    await this.log(this.deps.sql, {
      orgCode: p.orgCode,
      department: shift?.department ?? '',
      shiftId: shift === undefined ? null : Number(shift.id),
      actor: p,
      kind: 'note',
      text,
    });
  }

  /** Records an event of another part of the duty (inspections) in a unit's log. */
  async record(tx: Tx, orgCode: string, actor: Principal, kind: string, text: string, ref: string): Promise<void> {
    await this.log(tx, { orgCode, department: '', shiftId: null, actor, kind, text, ref });
  }

  /**
   * Everything the unit's duty did on a Beijing day, in time order: the duty log, the alarm handling steps taken at
   * the unit and the work-order events of its orders (the system's own steps, escalations, are included: the shift
   * must know of them).
   */
  async dayLog(p: Principal, orgCode: string, dayStart: number): Promise<DutyLogEntry[]> {
    this.requireView(p, orgCode);
    const from = new Date(dayStart);
    const to = new Date(dayStart + 86_400_000);
    const limit = this.options.logEntriesMax;
    const rows = await this.deps.sql.query<{
      at: Date;
      department: string;
      actor: string;
      kind: string;
      text: string;
      ref: string;
    }>(
      `(SELECT at, department, actor, kind, text, ref FROM duty_log WHERE org_code = $1 AND at >= $2 AND at < $3)
       UNION ALL
       (SELECT a.at, c.department, a.actor, 'alarm.' || a.action, a.from_state || '→' || a.to_state, 'alarm:' || a.alarm_id
          FROM alarm_actions a JOIN alarm_cases c ON c.alarm_id = a.alarm_id WHERE a.org_code = $1 AND a.at >= $2 AND a.at < $3)
       UNION ALL
       (SELECT e.at, o.department, e.actor, 'work_order.' || e.kind, e.text, 'work_order:' || e.order_id
          FROM work_order_events e JOIN work_orders o ON o.id = e.order_id WHERE (o.org_code = $1 OR e.actor_org = $1) AND e.at >= $2 AND e.at < $3)
       ORDER BY at LIMIT $4`,
      [orgCode, from, to, limit],
    );
    return rows.map((r) => ({
      at: new Date(r.at).getTime(),
      org_code: orgCode,
      department: r.department,
      actor: r.actor,
      kind: r.kind,
      text: r.text,
      ref: r.ref,
    }));
  }

  /**
   * Whether each post the caller oversees is attended now: its own and those of the units it commands directly
   * (and the 省直管县 it views). A post is unattended without a running shift, or when nobody signed in to it within
   * `signInGraceMs` of its start.
   */
  async posts(p: Principal): Promise<DutyPostStatus[]> {
    if (p.role === 'enterprise') throw new HttpError(403, 'forbidden', 'an enterprise has no duty posts');
    const { org } = this.deps;
    const units = [p.orgCode, ...org.childrenOf(p.orgCode).map((u) => u.code), ...org.viewedBy(p.orgCode)];
    const now = this.deps.now();
    const rows = await this.deps.sql.query<ShiftRow>(
      `SELECT * FROM duty_shifts WHERE org_code = ANY($1) AND department = '' AND starts_at <= $2 AND ends_at > $2`,
      [units, new Date(now)],
    );
    const views = await this.views(rows, p);
    return units.map((code): DutyPostStatus => {
      const shift = views.find((v) => v.org_code === code) ?? null;
      const signedIn = shift?.people.filter((x) => x.signed_in_at !== null) ?? [];
      const late = shift !== null && signedIn.length === 0 && now - shift.starts_at > this.options.signInGraceMs;
      return {
        org_code: code,
        name: org.get(code)?.name ?? code,
        shift,
        attended: shift !== null && !late,
        reason: shift === null ? 'no_shift' : late ? 'not_signed_in' : null,
        leader_on_duty:
          signedIn.find((x) => x.post === 'leader')?.name ??
          shift?.people.find((x) => x.post === 'leader')?.name ??
          null,
        officers_on_duty: signedIn.filter((x) => x.post === 'officer').map((x) => x.name),
      };
    });
  }
}
