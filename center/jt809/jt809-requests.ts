/**
 * The upper platform's requests to lower platforms (inspections and alarm supervisions) and their routes:
 *   POST /api/jt809/platforms/:access_code/inspections   {question, deadline_minutes?} → 201 the inspection, sent
 *   GET  /api/jt809/platforms/:access_code/inspections
 *   POST /api/jt809/platforms/:access_code/supervisions  {alarm_id | plate+plate_color+warn_type, deadline | deadline_minutes,
 *                                                         level?, supervisor?, supervisor_tel?, supervisor_email?}
 *   GET  /api/jt809/platforms/:access_code/supervisions
 *   GET  /api/jt809/platforms/schedule                    grade and scheduled 查岗 of each platform in scope
 * Scope: the province admin and staff of the unit supervising the platform (or above); 404 platform_unknown
 * outside it, 409 platform_not_logged_in naming the link state. Also the sink of the platforms' answers, and a
 * bounded periodic sweep that turns requests past their deadline unanswered / overdue.
 */
import type { Logger, Metrics } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import type { AlarmResult, InspectionMessage, Jt809AnswerSink, SupervisionAnswer } from '../../ingest/index.js';
import { recordPlatformAlarmResult, recordPlatformAlarmResult2019 } from './alarm-results.js';
import type { Accounts } from '../auth/accounts.js';
import type { Router } from '../http/router.js';
import { principalOf } from '../api/routes.js';
import { INSPECTION_DEFAULTS, Jt809Inspections, type InspectionOptions } from './inspections.js';
import type { Jt809RequestLink } from './platform-requests.js';
import { parseAccessCode } from './platform-scope.js';
import { ScheduledInspections, type ScheduledInspectionsOptions } from './scheduled-inspections.js';
import type { Clock } from '../access/actor.js';
import type { CenterConfig } from '../config/center-config.js';
import { Jt809Supervisions, SUPERVISION_DEFAULTS, type SupervisionOptions } from './supervisions.js';

export interface Jt809RequestsOptions {
  inspections: InspectionOptions;
  supervisions: SupervisionOptions;
  /** How often deadlines are checked; lists check them too, so this bounds only how stale metrics may be. */
  sweepIntervalMs: number;
}

export const JT809_REQUESTS_DEFAULTS: Jt809RequestsOptions = {
  inspections: INSPECTION_DEFAULTS,
  supervisions: SUPERVISION_DEFAULTS,
  sweepIntervalMs: 15_000,
};

export interface Jt809RequestsDeps {
  sql: Sql;
  link: Jt809RequestLink;
  logger: Logger;
  metrics: Metrics;
  plateColorOf?: (terminalId: string, plate: string) => number | undefined;
  /**
   * The credit model in force: with it, lower platforms get scheduled 查岗 by grade (`scheduled`, started and
   * stopped by the caller, so a leader lock can gate it) and `GET /api/jt809/platforms/schedule` answers.
   */
  config?: Pick<CenterConfig, 'get'>;
  now?: Clock;
  scheduleOptions?: ScheduledInspectionsOptions;
}

export class Jt809Requests implements Jt809AnswerSink {
  readonly inspections: Jt809Inspections;
  readonly supervisions: Jt809Supervisions;
  readonly scheduled: ScheduledInspections | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: Jt809RequestsDeps,
    private readonly options: Jt809RequestsOptions = JT809_REQUESTS_DEFAULTS,
  ) {
    if (!Number.isInteger(options.sweepIntervalMs) || options.sweepIntervalMs < 100)
      throw new Error(
        `jt809 requests option sweepIntervalMs value ${options.sweepIntervalMs} is less than min allowed 100`,
      );
    this.inspections = new Jt809Inspections(deps.sql, deps.link, deps.logger, deps.metrics, options.inspections);
    this.supervisions = new Jt809Supervisions(
      deps.sql,
      deps.link,
      deps.logger,
      deps.metrics,
      deps.plateColorOf,
      options.supervisions,
    );
    this.scheduled = deps.config
      ? new ScheduledInspections(
          {
            sql: deps.sql,
            inspections: this.inspections,
            link: deps.link,
            config: deps.config,
            now: deps.now ?? Date.now,
            logger: deps.logger,
            metrics: deps.metrics,
          },
          deps.scheduleOptions,
        )
      : undefined;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.sweeping = Promise.all([this.inspections.expire(), this.supervisions.expire()]).then(
        () => undefined,
        (error: unknown) => this.deps.logger.warn('jt809 deadline sweep failed', { error: String(error) }),
      );
    }, this.options.sweepIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  async inspectionAnswered(accessCode: number, answer: InspectionMessage): Promise<boolean> {
    return this.inspections.answered(accessCode, answer);
  }

  async supervisionAnswered(accessCode: number, answer: SupervisionAnswer): Promise<boolean> {
    return this.supervisions.answered(accessCode, answer);
  }

  async alarmHandled(
    accessCode: number,
    result: AlarmResult & { plate: string; plateColor: number },
  ): Promise<boolean> {
    return recordPlatformAlarmResult(this.deps.sql, accessCode, result, Date.now());
  }

  async alarmHandled2019(accessCode: number, result: { reportSn: number; result: number }): Promise<boolean> {
    return recordPlatformAlarmResult2019(this.deps.sql, accessCode, result, Date.now());
  }

  register(router: Router, accounts: Accounts): void {
    const scheduled = this.scheduled;
    if (scheduled)
      router.add('GET', '/api/jt809/platforms/schedule', async (ctx) => {
        const actor = await principalOf(ctx, accounts);
        return { body: { platforms: await scheduled.schedules(actor) } };
      });
    router.add('POST', '/api/jt809/platforms/:access_code/inspections', async (ctx) => {
      const actor = await principalOf(ctx, accounts);
      const sent = await this.inspections.send(
        actor,
        parseAccessCode(ctx.params.access_code),
        await ctx.json<Record<string, unknown>>(),
        ctx.peer,
      );
      return { status: 201, body: sent };
    });
    router.add('GET', '/api/jt809/platforms/:access_code/inspections', async (ctx) => {
      const actor = await principalOf(ctx, accounts);
      return { body: { inspections: await this.inspections.list(actor, parseAccessCode(ctx.params.access_code)) } };
    });
    router.add('POST', '/api/jt809/platforms/:access_code/supervisions', async (ctx) => {
      const actor = await principalOf(ctx, accounts);
      const sent = await this.supervisions.send(
        actor,
        parseAccessCode(ctx.params.access_code),
        await ctx.json<Record<string, unknown>>(),
        ctx.peer,
      );
      return { status: 201, body: sent };
    });
    router.add('GET', '/api/jt809/platforms/:access_code/supervisions', async (ctx) => {
      const actor = await principalOf(ctx, accounts);
      return { body: { supervisions: await this.supervisions.list(actor, parseAccessCode(ctx.params.access_code)) } };
    });
  }
}
