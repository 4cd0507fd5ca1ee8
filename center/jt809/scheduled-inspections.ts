/**
 * Scheduled 查岗 of lower platforms, tiered by credit grade (分级分类监管): every enabled platform is inspected once
 * per slot of `inspection_hours[grade]` hours (the credit model; `inspection_hours_ungraded` for a platform not
 * graded yet), so a D platform is asked several times a day and an AA platform once a week.
 *
 * Slots are aligned to Monday 00:00 China time (a 24-hour slot is a Beijing day, a 168-hour slot a week). Within its
 * slot a platform's 查岗 falls due at a time spread over the slot's first half by a hash of the platform and the
 * slot, so that platforms are not all asked at once nor at a fixed hour, and a restarted node computes the same time.
 * The slot is the key of `jt809_scheduled_inspections`, claimed in the transaction that records and sends the
 * inspection: a slot is inspected once, by a restarted node or by two nodes ticking at once. A platform not logged
 * in when its 查岗 is due is tried again at every tick until the slot ends; past slots are never caught up.
 *
 * `tick()` does one pass; `start()` / `stop()` run it on a timer, so a leader lock can gate who ticks.
 */
import { PeriodicPass } from '../periodic-pass.js';
import { createHash } from 'node:crypto';
import type { Logger, Metrics, PlatformInspectionSchedule } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import type { Clock } from '../access/actor.js';
import { orgCovers } from '../api/scope.js';
import type { Principal } from '../auth/accounts.js';
import type { CenterConfig } from '../config/center-config.js';
import { latestPlatformGrades } from '../credit/index.js';
import { HttpError } from '../http/router.js';
import type { Jt809Inspections } from './inspections.js';
import type { Jt809RequestLink } from './platform-requests.js';
import { isoOf, mayReadPlatforms } from './platform-scope.js';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** Monday 1970-01-05 00:00 China Standard Time (UTC+8, no daylight saving). */
export const SLOT_ORIGIN_MS = Date.UTC(1970, 0, 4, 16);

export interface ScheduledInspectionsOptions {
  /** How often due 查岗 are looked for; 0: only when `tick()` is called. */
  tickIntervalMs: number;
}

/** Every 15 s: a platform that logs in after its slot's send time is asked within 15 s, not a minute. */
export const SCHEDULED_INSPECTIONS_DEFAULTS: ScheduledInspectionsOptions = { tickIntervalMs: 15_000 };

export interface ScheduledInspectionsDeps {
  sql: Sql;
  inspections: Pick<Jt809Inspections, 'sendScheduled'>;
  link: Pick<Jt809RequestLink, 'linkState'>;
  config: Pick<CenterConfig, 'get'>;
  now: Clock;
  logger: Logger;
  metrics: Metrics;
}

export interface InspectionSlot {
  intervalHours: number;
  start: number;
  end: number;
  /** When the slot's 查岗 falls due: the slot's start plus a whole-minute offset in its first half. */
  dueAt: number;
}

/** The slot of `intervalHours` holding `at`, and when a platform's 查岗 is due in it. */
export function inspectionSlot(accessCode: number, intervalHours: number, at: number): InspectionSlot {
  const length = intervalHours * HOUR_MS;
  const start = SLOT_ORIGIN_MS + Math.floor((at - SLOT_ORIGIN_MS) / length) * length;
  const minutes = Math.floor(length / 2 / MINUTE_MS);
  const hash = createHash('sha256').update(`${accessCode}:${start}`).digest().readUInt32BE(0);
  return { intervalHours, start, end: start + length, dueAt: start + (hash % minutes) * MINUTE_MS };
}

export interface ScheduledTick {
  sent: number;
  /** Due but the platform was not logged in: tried again at the next tick. */
  deferred: number;
}

/** Thrown inside the send's transaction when another pass claimed the slot first: rolls the inspection back. */
class SlotTaken extends Error {}

interface PlatformPlan {
  accessCode: number;
  name: string;
  orgCode: string;
  day: string | null;
  score: number | null;
  grade: string | null;
  slot: InspectionSlot;
  sentInSlot: boolean;
}

export class ScheduledInspections {
  private readonly passes = new PeriodicPass(
    () => this.tick(),
    (error) => this.deps.logger.error('scheduled inspections pass failed', { error: String(error) }),
  );

  constructor(
    private readonly deps: ScheduledInspectionsDeps,
    private readonly options: ScheduledInspectionsOptions = SCHEDULED_INSPECTIONS_DEFAULTS,
  ) {
    if (!Number.isInteger(options.tickIntervalMs) || options.tickIntervalMs < 0)
      throw new Error(
        `scheduled inspections option tickIntervalMs value ${options.tickIntervalMs} is not an integer ≥ 0`,
      );
  }

  start(): void {
    this.passes.start(this.options.tickIntervalMs);
  }

  stop(): Promise<void> {
    return this.passes.stop();
  }

  /** Sends every 查岗 due now and not sent in its slot yet. */
  async tick(): Promise<ScheduledTick> {
    const now = this.deps.now();
    const { value: model, version } = await this.deps.config.get('credit');
    const result: ScheduledTick = { sent: 0, deferred: 0 };
    for (const plan of await this.plans(now)) {
      if (plan.sentInSlot || now < plan.slot.dueAt) continue;
      if (this.deps.link.linkState(plan.accessCode) !== 'logged_in') {
        result.deferred += 1;
        continue;
      }
      try {
        await this.deps.inspections.sendScheduled(
          plan.accessCode,
          model.inspection_question,
          model.inspection_deadline_minutes,
          async (tx, inspectionId) => {
            const claimed = await tx.query(
              `INSERT INTO jt809_scheduled_inspections (access_code, slot_start, interval_hours, grade, due_at, inspection_id, config_version)
               VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (access_code, slot_start) DO NOTHING RETURNING access_code`,
              [
                plan.accessCode,
                new Date(plan.slot.start),
                plan.slot.intervalHours,
                plan.grade,
                new Date(plan.slot.dueAt),
                inspectionId,
                version,
              ],
            );
            if (claimed.length === 0) throw new SlotTaken();
          },
        );
        result.sent += 1;
      } catch (error) {
        if (error instanceof SlotTaken) continue;
        // The link dropped since the check: like a platform not logged in, tried again at the next tick.
        if (error instanceof HttpError && error.status === 409) {
          result.deferred += 1;
          continue;
        }
        throw error;
      }
    }
    const counter = this.deps.metrics.counter(
      'vigil_jt809_scheduled_inspections_total',
      'Scheduled 查岗 of lower platforms: sent, or deferred because the platform was not logged in',
      ['outcome'],
    );
    if (result.sent > 0) counter.inc({ outcome: 'sent' }, result.sent);
    if (result.deferred > 0) counter.inc({ outcome: 'deferred' }, result.deferred);
    // Deferred passes repeat every tick while a platform is away: counted, not logged each time.
    if (result.sent > 0) this.deps.logger.info('scheduled inspections pass', { ...result });
    return result;
  }

  /** Every enabled platform the actor supervises, with its grade, interval, current slot and last scheduled 查岗. */
  async schedules(actor: Principal): Promise<PlatformInspectionSchedule[]> {
    mayReadPlatforms(actor);
    const now = this.deps.now();
    const plans = (await this.plans(now)).filter((p) => orgCovers(actor.orgCode, p.orgCode));
    const last = await this.deps.sql.query<Record<string, unknown>>(
      `SELECT DISTINCT ON (s.access_code) s.access_code, s.slot_start, s.inspection_id, i.sent_at, i.status
         FROM jt809_scheduled_inspections s JOIN jt809_inspections i ON i.id = s.inspection_id
        WHERE s.access_code = ANY($1::bigint[]) ORDER BY s.access_code, s.slot_start DESC`,
      [plans.map((p) => p.accessCode)],
    );
    const lastOf = new Map(last.map((r) => [Number(r.access_code), r]));
    return plans.map((p): PlatformInspectionSchedule => {
      const next = p.sentInSlot ? inspectionSlot(p.accessCode, p.slot.intervalHours, p.slot.end) : p.slot;
      const l = lastOf.get(p.accessCode);
      return {
        access_code: p.accessCode,
        name: p.name,
        org_code: p.orgCode,
        day: p.day,
        score: p.score,
        grade: p.grade,
        interval_hours: p.slot.intervalHours,
        slot_start: new Date(p.slot.start).toISOString(),
        due_at: new Date(p.slot.dueAt).toISOString(),
        sent_in_slot: p.sentInSlot,
        next_due_at: new Date(next.dueAt).toISOString(),
        last:
          l === undefined
            ? null
            : {
                slot_start: isoOf(l.slot_start) ?? '',
                inspection_id: Number(l.inspection_id),
                sent_at: isoOf(l.sent_at) ?? '',
                status: String(l.status),
              },
      };
    });
  }

  private async plans(now: number): Promise<PlatformPlan[]> {
    const { value: model } = await this.deps.config.get('credit');
    const platforms = await this.deps.sql.query<{ access_code: unknown; name: string; org_code: string }>(
      'SELECT access_code, name, org_code FROM jt809_platforms WHERE disabled_at IS NULL ORDER BY access_code',
    );
    const grades = await latestPlatformGrades(this.deps.sql);
    const longest = Math.max(model.inspection_hours_ungraded, ...Object.values(model.inspection_hours));
    const taken = await this.deps.sql.query<{ access_code: unknown; slot_start: unknown }>(
      'SELECT access_code, slot_start FROM jt809_scheduled_inspections WHERE slot_start > $1',
      [new Date(now - longest * HOUR_MS)],
    );
    const takenSet = new Set(
      taken.map((t) => `${Number(t.access_code)}:${new Date(String(isoOf(t.slot_start))).getTime()}`),
    );
    return platforms.map((p) => {
      const accessCode = Number(p.access_code);
      const graded = grades.get(accessCode);
      const grade = graded?.grade ?? null;
      const hours =
        grade !== null && Object.hasOwn(model.inspection_hours, grade)
          ? model.inspection_hours[grade]
          : model.inspection_hours_ungraded;
      const slot = inspectionSlot(accessCode, hours, now);
      return {
        accessCode,
        name: p.name,
        orgCode: p.org_code,
        day: graded?.day ?? null,
        score: graded?.score ?? null,
        grade,
        slot,
        sentInSlot: takenSet.has(`${accessCode}:${slot.start}`),
      };
    });
  }
}
