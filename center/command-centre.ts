/**
 * The command centres composed: org tree, configuration, alarm desk fed from the event log, work orders,
 * periodic supervision (escalation of unhandled alarms, 督办 of overdue orders), the ClickHouse mirror, the
 * WebSocket pushes and the HTTP routes. `cli/node.ts` starts it; tests start it in-process with a clock.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { countyAt, type FeedServerMessage, type Logger, type Metrics } from '../schema/index.js';
import type { Analytics, RowWriter, Sql } from '../store/index.js';
import { TOPICS, type EventLog } from '../stream/index.js';
import { visibleTo, type Clock } from './access/actor.js';
import { AlarmDesk } from './alarms/alarm-desk.js';
import { ASSESSMENT_ROLLUP_DEFAULTS, AssessmentRollups, Assessments, Circulars, Rankings } from './assessment/index.js';
import {
  DOCUMENT_SCHEDULE_DEFAULTS,
  DocumentSchedule,
  Reports,
  type DocumentScheduleOptions,
} from './reports/index.js';
import { AlarmIntake, recentAlarmsFromClickHouse } from './alarms/alarm-intake.js';
import { registerAccountRoutes } from './api/account-routes.js';
import { registerAssessmentRoutes } from './api/assessment-routes.js';
import { registerReportRoutes } from './api/report-routes.js';
import { registerCreditRoutes } from './api/credit-routes.js';
import { CREDIT_RUN_DEFAULTS, CreditRun, Credits, type PlatformRanker } from './credit/index.js';
import { documentFoundationRoutes, registerApiDocs } from './api/api-docs.js';
import { Api } from './api/api-spec.js';
import { registerHandlingRoutes } from './api/handling-routes.js';
import { registerSummaryRoutes } from './api/summary-routes.js';
import { principalOf } from './api/routes.js';
import type { Accounts, Principal } from './auth/accounts.js';
import { UserAdmin } from './auth/user-admin.js';
import { CenterConfig } from './config/center-config.js';
import type { Router } from './http/router.js';
import { DutyDesk } from './duty/duty-desk.js';
import { DutyInspections } from './duty/duty-inspections.js';
import { registerDutyRoutes } from './duty/duty-routes.js';
import { CenterMirror } from './mirror/center-mirror.js';
import { seedDepartments } from './org/departments.js';
import { OrgAdmin, ownersOf } from './org/org-admin.js';
import { OrgDirectory } from './org/org-directory.js';
import { CentreSummaries, type RegisteredVehicle } from './summary/centre-summary.js';
import { CentreFlowsReader } from './summary/centre-flows.js';
import { CentreTrendsReader } from './summary/centre-trends.js';
import { OnlineVehicles } from './summary/online-vehicles.js';
import type { CenterChange } from './work-orders/work-order-store.js';
import { WorkOrders } from './work-orders/work-orders.js';

export interface CommandCentreDeps {
  sql: Sql;
  accounts: Accounts;
  logger: Logger;
  metrics: Metrics;
  provinceCode: string;
  /** Routes are added here when given. */
  router?: Router;
  /** Alarms are taken from here when given. */
  log?: EventLog;
  /** Recent alarms are caught up from here when given. */
  clickhouse?: ClickHouseClient;
  /**
   * The node's own ClickHouse reads; the assessment (`GET /api/assessment`) is served only with them. With its
   * writes too (`commandInternal`), the assessment's daily aggregates are rolled up and read.
   */
  analytics?: Pick<Analytics, 'queryInternal'> & Partial<Pick<Analytics, 'commandInternal' | 'layout'>>;
  /** Alarm actions and work-order events are mirrored to ClickHouse through this writer when given. */
  clickhouseWriter?: RowWriter;
  /** Changes are pushed here to the clients whose scope covers them. */
  publish?(message: FeedServerMessage, visibleTo: (principal: Principal) => boolean): void;
  /**
   * Each change of this node is handed here too, once pushed: a centre node of a cluster relays it to the others
   * (centre-change-relay.ts), which push it with `showChange`.
   */
  shareChange?(change: CenterChange): void;
  now?: Clock;
  /** How often unhandled alarms and overdue orders are looked for; 0 = only when `supervise()` is called. */
  supervisionIntervalMs?: number;
  /** The registry's record of a vehicle, for the summary's monitored and online vehicles per home unit. */
  vehicleOf?(terminalId: string, plate: string): RegisteredVehicle | undefined;
  /** The org tree, when the caller loaded it already (the node shares it with the feed); loaded here otherwise. */
  org?: OrgDirectory;
  /** How often the daily credit run checks whether yesterday is graded; 0 = only when `credit.tick()` is called. */
  creditCheckIntervalMs?: number;
  /**
   * How often the assessment's rollup looks for closed days to roll up (again); 0 = only when `rollups.tick()` is
   * called. Without the analytics' writes there is no rollup.
   */
  assessmentRollupIntervalMs?: number;
  /**
   * The weekly and monthly documents the node archives on its own (DOCUMENT_SCHEDULE_DEFAULTS where not given); a
   * cluster's job. Needs the analytics' reads.
   */
  documentSchedule?: Partial<DocumentScheduleOptions>;
  /**
   * When true, the jobs that must run once per cluster do not start with the centre: the credit run, the supervision
   * pass, the mirror to ClickHouse, the scheduled documents, and the assessment rollups when `analyticsShared`. The
   * node starts them with `clusterJobs.start()` on the centre node holding the cluster's lock
   * (cli/node/cluster-jobs.ts).
   */
  clusterJobsLed?: boolean;
  /**
   * The analytics store is shared by the cluster's centre nodes (a ClickHouse server), so its rollups are a
   * cluster's job; on a store of the node's own (chDB) each node rolls up its own.
   */
  analyticsShared?: boolean;
}

export const SUPERVISION_INTERVAL_MS_DEFAULT = 30_000;

export interface CommandCentre {
  org: OrgDirectory;
  config: CenterConfig;
  desk: AlarmDesk;
  workOrders: WorkOrders;
  mirror: CenterMirror | undefined;
  /** The summary behind `GET /api/summary` and the wall's tiles and ranking. */
  summaries: CentreSummaries;
  /** The endpoint declarations behind `/api/docs`, when routes were added (`deps.router`). */
  api: Api | undefined;
  /** 7×24 duty: rosters, handovers, the duty log, posts. */
  duty: DutyDesk;
  /** 查岗 of lower centres. */
  inspections: DutyInspections;
  /** The daily credit run (grades, driver points, credit warnings). */
  credit: CreditRun;
  /** The assessment's daily aggregates, when the analytics store can be written. */
  rollups: AssessmentRollups | undefined;
  /** The weekly and monthly 通报 and statistics reports archived on schedule, when there are analytics. */
  documents: DocumentSchedule | undefined;
  /** One supervision pass: escalations of alarms and work orders, inspections past their deadline. */
  supervise(): Promise<{ alarms: number; workOrders: number; inspectionsMissed: number }>;
  /**
   * The jobs that run once per cluster (see `clusterJobsLed`); started with the centre unless it is led. Stopping
   * waits for the pass under way.
   */
  clusterJobs: { start(): void; stop(): Promise<void> };
  /** Pushes a change that happened on another centre node to this node's clients whose scope covers it. */
  showChange(change: CenterChange): void;
  close(): Promise<void>;
}

export async function startCommandCentre(deps: CommandCentreDeps): Promise<CommandCentre> {
  const now = deps.now ?? Date.now;
  const added = await seedDepartments(deps.sql);
  if (added > 0) deps.logger.info('departments seeded', { count: added });
  const org = deps.org ?? (await OrgDirectory.load(deps.sql));
  const config = new CenterConfig(deps.sql);
  let mirror: CenterMirror | undefined;
  const changes = deps.metrics.counter('vigil_center_changes_total', 'Alarm handling steps and work-order events', [
    'kind',
    'event',
  ]);

  /** Pushes a change, of this node or relayed from another, to the clients whose scope covers it. */
  const show = (change: CenterChange): void => {
    if (change.kind === 'alarm')
      deps.publish?.({ type: 'alarm_state', alarm: change.alarm, action: change.action, actor: change.actor }, (p) =>
        visibleTo(p, change.alarm, org),
      );
    else
      deps.publish?.({ type: 'work_order', order: change.order, event: change.event, actor: change.actor }, (p) =>
        visibleTo(p, change.order, org),
      );
  };
  const notify = (change: CenterChange): void => {
    mirror?.wake();
    changes.inc(
      change.kind === 'alarm' ? { kind: 'alarm', event: change.action } : { kind: 'work_order', event: change.event },
    );
    show(change);
    deps.shareChange?.(change);
  };

  const workOrders = new WorkOrders({ sql: deps.sql, org, config, now, notify });
  const desk = new AlarmDesk({
    sql: deps.sql,
    org,
    config,
    workOrders,
    now,
    provinceCode: deps.provinceCode,
    ownersOf: (vehicles, tx) => ownersOf(tx, vehicles),
    notify,
  });

  const clickhouse = deps.clickhouse;
  const catchUp = clickhouse
    ? {
        windowHours: 24,
        rowsMax: 100_000,
        readRecent: (hours: number, rows: number) => recentAlarmsFromClickHouse(clickhouse, hours, rows),
      }
    : undefined;
  const intake = deps.log
    ? new AlarmIntake({
        log: deps.log,
        desk,
        logger: deps.logger.child({ component: 'center-alarms' }),
        metrics: deps.metrics,
        catchUp,
      })
    : undefined;
  intake?.start();
  // Vehicles heard lately, from the telemetry topic, for the summary's online figures.
  const online = deps.log
    ? new OnlineVehicles({ log: deps.log, countyAt: (lon, lat) => countyAt(lon, lat)?.code ?? '' })
    : undefined;
  online?.start();
  if (online)
    deps.metrics.onCollect(() =>
      deps.metrics
        .gauge(
          'vigil_summary_vehicles_heard',
          'Terminals the summary remembers as heard in the last 24 h (bounded by vehiclesMax)',
        )
        .set(undefined, online.size),
    );
  const summaries = new CentreSummaries({ sql: deps.sql, org, now, online, vehicleOf: deps.vehicleOf });
  if (deps.clickhouseWriter) {
    mirror = new CenterMirror({
      sql: deps.sql,
      writer: deps.clickhouseWriter,
      logger: deps.logger.child({ component: 'center-mirror' }),
      metrics: deps.metrics,
    });
  }

  // Credit warnings take the alarms' own path when there is a log: stored in ClickHouse, routed by the desk's
  // intake, pushed to the feed. Without one (a centre alone) the desk takes them directly.
  const log = deps.log;
  const producer = log?.producer();
  const credit = new CreditRun(
    {
      sql: deps.sql,
      analytics: deps.analytics,
      config,
      now,
      logger: deps.logger.child({ component: 'credit' }),
      raise: async (alarm) => {
        if (producer) await producer.send(TOPICS.alarms, [{ key: alarm.org_code, value: alarm }]);
        else await desk.ingest(alarm);
      },
      rankPlatforms: deps.analytics
        ? platformRanker({ sql: deps.sql, analytics: deps.analytics, org, config, provinceCode: deps.provinceCode })
        : undefined,
    },
    { ...CREDIT_RUN_DEFAULTS, checkIntervalMs: deps.creditCheckIntervalMs ?? CREDIT_RUN_DEFAULTS.checkIntervalMs },
  );

  const { analytics } = deps;
  const rollups =
    analytics?.commandInternal !== undefined && analytics.layout !== undefined
      ? new AssessmentRollups(
          {
            analytics: {
              queryInternal: analytics.queryInternal,
              commandInternal: analytics.commandInternal,
              layout: analytics.layout,
            },
            config,
            now,
            logger: deps.logger.child({ component: 'assessment-rollup' }),
            metrics: deps.metrics,
          },
          {
            ...ASSESSMENT_ROLLUP_DEFAULTS,
            checkIntervalMs: deps.assessmentRollupIntervalMs ?? ASSESSMENT_ROLLUP_DEFAULTS.checkIntervalMs,
          },
        )
      : undefined;

  // The assessment, its 通报 and the statistics reports: the API's and the schedule's.
  const assessing = analytics
    ? (() => {
        const assessments = new Assessments({ sql: deps.sql, analytics, org, now, config, rollups });
        const rankings = new Rankings({ assessments, config });
        const reports = new Reports({ sql: deps.sql, analytics, org, now, assessments });
        return { assessments, rankings, reports, circulars: new Circulars({ sql: deps.sql, org, rankings }) };
      })()
    : undefined;
  const documents = assessing
    ? new DocumentSchedule(
        {
          sql: deps.sql,
          circulars: assessing.circulars,
          rankings: assessing.rankings,
          reports: assessing.reports,
          config,
          now,
          logger: deps.logger.child({ component: 'document-schedule' }),
          provinceCode: deps.provinceCode,
        },
        { ...DOCUMENT_SCHEDULE_DEFAULTS, ...deps.documentSchedule },
      )
    : undefined;

  const duty = new DutyDesk({ sql: deps.sql, org, now });
  const inspections = new DutyInspections({ sql: deps.sql, org, now, desk: duty });
  const supervise = async (): Promise<{ alarms: number; workOrders: number; inspectionsMissed: number }> => ({
    alarms: await desk.escalateUnhandled(),
    workOrders: await workOrders.escalateOverdue(),
    inspectionsMissed: await inspections.sweep(),
  });
  let supervising: Promise<unknown> = Promise.resolve();
  const intervalMs = deps.supervisionIntervalMs ?? SUPERVISION_INTERVAL_MS_DEFAULT;
  let timer: NodeJS.Timeout | undefined;
  // Rollups follow the cluster's jobs only where the store they write is the cluster's.
  const rollupsPerCluster = deps.clusterJobsLed !== true || deps.analyticsShared === true;
  let clusterJobsRunning = false;
  const clusterJobs = {
    start: (): void => {
      if (clusterJobsRunning) return;
      clusterJobsRunning = true;
      mirror?.start();
      credit.start();
      documents?.start();
      if (rollupsPerCluster) rollups?.start();
      if (intervalMs > 0)
        timer = setInterval(() => {
          supervising = supervise().catch((error: unknown) =>
            deps.logger.error('supervision pass failed', { error: String(error) }),
          );
        }, intervalMs);
    },
    stop: async (): Promise<void> => {
      if (!clusterJobsRunning) return;
      clusterJobsRunning = false;
      clearInterval(timer);
      timer = undefined;
      await credit.stop();
      await documents?.stop();
      if (rollupsPerCluster) await rollups?.stop();
      await supervising;
      await mirror?.stop();
    },
  };
  if (!rollupsPerCluster) rollups?.start();
  if (deps.clusterJobsLed !== true) clusterJobs.start();

  let api: Api | undefined;
  if (deps.router) {
    api = new Api(deps.router, (ctx) => principalOf(ctx, deps.accounts));
    documentFoundationRoutes(api);
    registerAccountRoutes(api, {
      sql: deps.sql,
      accounts: deps.accounts,
      org,
      users: new UserAdmin(deps.sql, org, deps.accounts),
      orgAdmin: new OrgAdmin(deps.sql, org),
      config,
    });
    registerHandlingRoutes(api, { desk, workOrders });
    registerSummaryRoutes(api, {
      summaries,
      trends: new CentreTrendsReader({ sql: deps.sql, org, now, summaries }),
      flows: deps.analytics ? new CentreFlowsReader({ analytics: deps.analytics, org, now, summaries }) : undefined,
    });
    registerDutyRoutes(api, { desk: duty, inspections, now });
    registerCreditRoutes(api, { credits: new Credits({ sql: deps.sql, org, config }) });
    if (assessing) {
      registerAssessmentRoutes(api, assessing);
      registerReportRoutes(api, { reports: assessing.reports });
    }
    registerApiDocs(deps.router, api);
  }

  return {
    org,
    config,
    desk,
    workOrders,
    mirror,
    summaries,
    api,
    duty,
    inspections,
    credit,
    rollups,
    documents,
    supervise,
    clusterJobs,
    // Another node's change is in the shared PostgreSQL: the mirror (here when this node runs the cluster's jobs)
    // copies it now rather than after its idle pause.
    showChange: (change) => {
      mirror?.wake();
      show(change);
    },
    close: async () => {
      if (!rollupsPerCluster) await rollups?.stop();
      await intake?.stop();
      await online?.stop();
      // The mirror's last pass (in clusterJobs.stop) comes after the intake's last steps, so they reach ClickHouse.
      await clusterJobs.stop();
    },
  };
}

/**
 * The province's level=platform ranking as of a given instant, for the credit run's grades of lower platforms: read
 * as the province itself (a principal made in code), the desk facts (查岗 answered or late) as of the day's end, so
 * a past day graded again gives the same grade. The daily aggregates are not used: the raw facts are exact.
 */
function platformRanker(deps: {
  sql: Sql;
  analytics: Pick<Analytics, 'queryInternal'>;
  org: OrgDirectory;
  config: CenterConfig;
  provinceCode: string;
}): PlatformRanker {
  const province: Principal = {
    userId: 0,
    username: 'credit-run',
    role: 'admin',
    orgCode: deps.provinceCode,
    enterpriseId: null,
  };
  return ({ from, to, asOf }) => {
    const assessments = new Assessments({ ...deps, now: () => asOf });
    return new Rankings({ assessments, config: deps.config }).forPrincipal(province, { from, to, level: 'platform' });
  };
}
