/**
 * Alarm supervision (督办, JT/T 809 0x9401 → 0x1401): a supervision centre pushes an alarm to the lower platform
 * responsible for the vehicle, with a deadline and a level, and gets its handling result. The alarm is a Vigil
 * alarm (`alarm_id`, its plate, time and type taken from the alarm case) or named directly (plate, colour, warn
 * type). The lifecycle (recorded and sent in one transaction, the first answer wins, the deadline sweep) is
 * `platform-requests.ts`'s; answers are matched by access code and supervision id. A later different result
 * (handling → handled) does not replace the first: it is counted and kept in the audit log. A supervision
 * unanswered at its deadline turns `overdue`.
 */
import type { Jt809SupervisionView, Logger, Metrics } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import {
  encodePlatformExchange,
  encodeSupervisionRequest,
  encodeSupervisionRequest2019,
  WARNING_2019,
  encodeVehicleEnvelope,
  PLATFORM_ALARM_RULE,
  PLATFORM_MSG,
  SUPERVISION,
  SUPERVISION_LEVEL,
  SUPERVISOR_BYTES,
  SUPERVISOR_EMAIL_BYTES,
  SUPERVISOR_TEL_BYTES,
  type SupervisionAnswer,
  type SupervisionRequest,
} from '../../ingest/index.js';
import type { Principal } from '../auth/accounts.js';
import { orgCovers } from '../api/scope.js';
import { HttpError } from '../http/router.js';
import { requestTimeMs } from './request-time.js';
import { PlatformRequests, type Jt809RequestLink, type RequestKind } from './platform-requests.js';
import { isoOf, platformInScope } from './platform-scope.js';

export interface SupervisionOptions {
  /** Bounds of a requested deadline, in minutes from now. */
  deadlineMinutesMin: number;
  deadlineMinutesMax: number;
  listRowsMax: number;
}

export const SUPERVISION_DEFAULTS: SupervisionOptions = {
  deadlineMinutesMin: 0.05,
  deadlineMinutesMax: 30 * 24 * 60,
  listRowsMax: 500,
};

/**
 * JT/T 809-2011 WARN_TYPE of the alarms Vigil's rules raise (0x0001 超速, 0x0002 疲劳驾驶, 0x0008 越界, 0x000B 偏离路线,
 * 0x000D 超时驾驶); a 督办 of another alarm must name `warn_type`, and the upward link reports only these.
 */
export const WARN_TYPE_OF_RULE: Readonly<Record<string, number>> = {
  overspeed: 0x0001,
  terminal_overspeed: 0x0001,
  fatigue: 0x0002,
  terminal_fatigue: 0x0002,
  geofence: 0x0008,
  route_deviation: 0x000b,
  terminal_route_deviation: 0x000b,
  terminal_daily_driving: 0x000d,
};
/** WARN_SRC 3: a government supervision platform, which Vigil is for the alarms its rules raise. */
const WARN_SOURCE_SUPERVISION_PLATFORM = 3;

/** A 督办 as `/api/jt809/platforms/:code/supervisions` answers it (declared in schema/, which the console reads). */
export type SupervisionView = Jt809SupervisionView;

const SUPERVISION_KIND: RequestKind = {
  name: 'supervision',
  table: 'jt809_supervisions',
  requestIdColumn: 'supervision_id',
  answerColumns: ['result'],
  lateStatus: 'overdue',
  answerMsgId: '0x1401',
  sentMetric: {
    name: 'vigil_jt809_supervisions_sent_total',
    help: 'Alarm supervisions (0x9401) sent to lower platforms',
  },
  lateMetric: { name: 'vigil_jt809_supervisions_overdue_total', help: 'Supervisions unanswered past their deadline' },
  columns:
    'id, access_code, supervision_id, alarm_id, plate, plate_color, warn_src, warn_type, warn_time, level, supervisor, supervisor_tel, supervisor_email, sent_at, sent_link, deadline_at, status, result, answered_at',
};

export class Jt809Supervisions {
  private readonly requests: PlatformRequests<SupervisionView>;

  constructor(
    private readonly sql: Sql,
    link: Jt809RequestLink,
    private readonly logger: Logger,
    metrics: Metrics,
    /** Plate colour of a registered vehicle, for alarms whose case does not carry it. */
    private readonly plateColorOf: (terminalId: string, plate: string) => number | undefined = () => undefined,
    private readonly options: SupervisionOptions = SUPERVISION_DEFAULTS,
  ) {
    this.requests = new PlatformRequests(SUPERVISION_KIND, { sql, link, logger, metrics }, viewOf, options.listRowsMax);
  }

  async send(
    actor: Principal,
    accessCode: number,
    input: Record<string, unknown>,
    peer: string,
  ): Promise<SupervisionView> {
    await platformInScope(this.sql, actor, accessCode, 'send');
    const alarm = await this.alarmOf(actor, input);
    const deadlineMinutes = this.deadlineMinutes(input);
    const level = levelOf(input.level);
    const supervisor = text(input.supervisor ?? actor.username, 'supervisor', SUPERVISOR_BYTES);
    const tel = text(input.supervisor_tel ?? input.tel ?? '', 'supervisor_tel', SUPERVISOR_TEL_BYTES);
    const email = text(input.supervisor_email ?? input.email ?? '', 'supervisor_email', SUPERVISOR_EMAIL_BYTES);
    const view = await this.requests.send(actor, accessCode, peer, async (tx, id, supervisionId) => {
      const deadlineMs = Math.round(deadlineMinutes * 60_000);
      const [{ now_ms }] = await tx.query<{ now_ms: unknown }>(
        'SELECT (extract(epoch from now()) * 1000)::bigint AS now_ms',
      );
      const request: SupervisionRequest = {
        ...alarm,
        supervisionId,
        endTime: Number(now_ms) + deadlineMs,
        level,
        supervisor,
        tel,
        email,
      };
      await tx.query(
        `INSERT INTO jt809_supervisions (id, access_code, supervision_id, alarm_id, plate, plate_color, warn_src, warn_type, warn_time, level, supervisor,
           supervisor_tel, supervisor_email, sent_by, sent_at, sent_link, deadline_at, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, to_timestamp($9 / 1000.0), $10, $11, $12, $13, $14, now(), 'main', now() + $15 * interval '1 millisecond', 'sent')`,
        [
          id,
          accessCode,
          supervisionId,
          alarm.alarmId,
          alarm.plate,
          alarm.plateColor,
          alarm.warnSource,
          alarm.warnType,
          alarm.warnTime,
          level,
          supervisor,
          tel,
          email,
          actor.userId,
          deadlineMs,
        ],
      );
      // 2019 督办 names the alarm by the platform's own report (its 0x1402), and only such an alarm can be named
      // in it: a 2019 platform gets a 409 for any other.
      const { report2019 } = alarm;
      const body2019 = report2019
        ? encodePlatformExchange(
            SUPERVISION.request,
            encodeSupervisionRequest2019({
              sourcePlatformId: report2019.sourcePlatformId,
              warnTime: report2019.warnTime,
              sourceDataType: WARNING_2019.alarmReport,
              sourceMsgSn: report2019.msgSn,
              endTime: request.endTime,
              level,
              supervisor,
              tel,
              email,
            }),
          )
        : undefined;
      return {
        msgId: PLATFORM_MSG.warningDown,
        body2019,
        body: encodeVehicleEnvelope(
          alarm.plate,
          alarm.plateColor,
          SUPERVISION.request,
          encodeSupervisionRequest(request),
        ),
        audit: { supervision_id: supervisionId, alarm_id: alarm.alarmId, plate: alarm.plate, level },
      };
    });
    this.logger.info('jt809 supervision sent', {
      access_code: accessCode,
      supervision_id: view.supervision_id,
      plate: view.plate,
    });
    return view;
  }

  list(actor: Principal, accessCode: number): Promise<SupervisionView[]> {
    return this.requests.list(actor, accessCode);
  }

  /** Records a 0x1401 answer; false when no supervision of this platform has its id. */
  answered(accessCode: number, answer: SupervisionAnswer): Promise<boolean> {
    return this.requests.answered(accessCode, answer.supervisionId, { result: answer.result });
  }

  /** Turns supervisions past their deadline `overdue`; returns how many. */
  expire(): Promise<number> {
    return this.requests.expire();
  }

  private async alarmOf(
    actor: Principal,
    input: Record<string, unknown>,
  ): Promise<
    Omit<SupervisionRequest, 'supervisionId' | 'endTime' | 'level' | 'supervisor' | 'tel' | 'email'> & {
      alarmId: string | null;
      plate: string;
      plateColor: number;
      /** A 2019 report names the alarm as the platform did: its raising platform and the 0x1402's frame SN. */
      report2019?: { sourcePlatformId: string; msgSn: number; warnTime: number };
    }
  > {
    if (input.alarm_id !== undefined) {
      if (typeof input.alarm_id !== 'string' || input.alarm_id === '')
        throw new HttpError(400, 'bad_alarm_id', 'alarm_id must be a non-empty string');
      const rows = await this.sql.query<{
        rule: string;
        terminal_id: string;
        plate: string;
        started_at: unknown;
        details: unknown;
        org_code: string;
      }>('SELECT rule, terminal_id, plate, started_at, details, org_code FROM alarm_cases WHERE alarm_id = $1', [
        input.alarm_id,
      ]);
      const a = rows[0];
      if (!a || !orgCovers(actor.orgCode, a.org_code))
        throw new HttpError(404, 'alarm_unknown', `no alarm ${input.alarm_id} in the scope of ${actor.orgCode}`);
      const details = (typeof a.details === 'string' ? JSON.parse(a.details) : (a.details ?? {})) as Record<
        string,
        unknown
      >;
      const reported = a.rule === PLATFORM_ALARM_RULE;
      const warnType =
        input.warn_type !== undefined
          ? uint(input.warn_type, 'warn_type', 0xffff)
          : reported
            ? Number(details.warn_type)
            : WARN_TYPE_OF_RULE[a.rule];
      if (warnType === undefined || !Number.isInteger(warnType))
        throw new HttpError(
          400,
          'warn_type_required',
          `alarm rule ${a.rule} has no JT/T 809 warn type; name warn_type`,
        );
      const plateColor =
        input.plate_color !== undefined
          ? uint(input.plate_color, 'plate_color', 255)
          : this.plateColorOf(a.terminal_id, a.plate);
      if (plateColor === undefined)
        throw new HttpError(400, 'plate_color_required', `vehicle ${a.plate} is not in the registry; name plate_color`);
      if (a.plate === '')
        throw new HttpError(
          400,
          'alarm_without_plate',
          `alarm ${input.alarm_id} names no plate; JT/T 809 supervises vehicles by plate`,
        );
      const warnSource =
        reported && Number.isInteger(Number(details.warn_src))
          ? Number(details.warn_src)
          : WARN_SOURCE_SUPERVISION_PLATFORM;
      const report2019 =
        reported && details.edition === 2019 && Number.isInteger(details.msg_sn)
          ? {
              sourcePlatformId: String(details.source_platform_id ?? ''),
              msgSn: Number(details.msg_sn),
              warnTime: Number(details.warn_time),
            }
          : undefined;
      return {
        alarmId: input.alarm_id,
        plate: a.plate,
        plateColor,
        warnSource,
        warnType,
        warnTime: report2019?.warnTime ?? new Date(isoOf(a.started_at) ?? 0).getTime(),
        report2019,
      };
    }
    if (typeof input.plate !== 'string' || input.plate.trim() === '')
      throw new HttpError(400, 'bad_plate', 'name alarm_id, or plate with plate_color and warn_type');
    const plate = text(input.plate.trim(), 'plate', 21);
    const warnTime =
      input.warn_time === undefined ? Date.now() : requestTimeMs(input.warn_time, 'warn_time', 'bad_warn_time');
    return {
      alarmId: null,
      plate,
      plateColor: uint(input.plate_color, 'plate_color', 255),
      warnSource:
        input.warn_src === undefined ? WARN_SOURCE_SUPERVISION_PLATFORM : uint(input.warn_src, 'warn_src', 255),
      warnType: uint(input.warn_type, 'warn_type', 0xffff),
      warnTime,
    };
  }

  private deadlineMinutes(input: Record<string, unknown>): number {
    const { deadlineMinutesMin: min, deadlineMinutesMax: max } = this.options;
    let minutes: number;
    if (input.deadline_minutes !== undefined)
      minutes = typeof input.deadline_minutes === 'number' ? input.deadline_minutes : NaN;
    else if (typeof input.deadline === 'string')
      minutes = (requestTimeMs(input.deadline, 'deadline', 'bad_deadline') - Date.now()) / 60_000;
    else throw new HttpError(400, 'deadline_required', 'name deadline (ISO 8601) or deadline_minutes');
    if (!Number.isFinite(minutes) || minutes < min || minutes > max)
      throw new HttpError(
        400,
        'bad_deadline',
        `deadline is ${Number.isFinite(minutes) ? minutes.toFixed(2) : 'not a number of'} minutes from now, outside [${min}, ${max}]`,
      );
    return minutes;
  }
}

function levelOf(value: unknown): number {
  if (value === undefined || value === 'ordinary' || value === SUPERVISION_LEVEL.ordinary)
    return SUPERVISION_LEVEL.ordinary;
  if (value === 'urgent' || value === SUPERVISION_LEVEL.urgent) return SUPERVISION_LEVEL.urgent;
  throw new HttpError(400, 'bad_level', `level ${JSON.stringify(value)} is not one of urgent, ordinary`);
}

function uint(value: unknown, field: string, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max)
    throw new HttpError(400, `bad_${field}`, `${field} ${JSON.stringify(value)} must be an integer within [0, ${max}]`);
  return value;
}

/** A string that fits its fixed-width field; GBK takes at most two bytes a character, UTF-8 length bounds it. */
function text(value: unknown, field: string, widthBytes: number): string {
  if (typeof value !== 'string') throw new HttpError(400, `bad_${field}`, `${field} must be a string`);
  const gbkBytesMax = [...value].reduce((n, ch) => n + (ch.charCodeAt(0) < 0x80 ? 1 : 2), 0);
  if (gbkBytesMax > widthBytes)
    throw new HttpError(
      400,
      `bad_${field}`,
      `${field} takes ${gbkBytesMax} bytes, its JT/T 809 field holds ${widthBytes}`,
    );
  return value;
}

function viewOf(r: Record<string, unknown>): SupervisionView {
  return {
    id: Number(r.id),
    access_code: Number(r.access_code),
    supervision_id: Number(r.supervision_id),
    alarm_id: r.alarm_id === null ? null : String(r.alarm_id),
    plate: String(r.plate),
    plate_color: Number(r.plate_color),
    warn_src: Number(r.warn_src),
    warn_type: Number(r.warn_type),
    warn_time: isoOf(r.warn_time) ?? '',
    level: Number(r.level) === SUPERVISION_LEVEL.urgent ? 'urgent' : 'ordinary',
    supervisor: String(r.supervisor),
    supervisor_tel: String(r.supervisor_tel),
    supervisor_email: String(r.supervisor_email),
    sent_at: isoOf(r.sent_at) ?? '',
    link: String(r.sent_link),
    deadline_at: isoOf(r.deadline_at) ?? '',
    status: r.status as SupervisionView['status'],
    result: r.result === null ? null : Number(r.result),
    answered_at: isoOf(r.answered_at),
  };
}
