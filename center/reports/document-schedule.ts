/**
 * The documents the node generates on its own after each Beijing week (Monday to Sunday) and month ends: the
 * province's ranking 通报 (one per configured level, the generator of the console's 通报) and the period's statistics
 * report per unit (an XLSX, the report of the reports screen), archived beside the manual ones and marked with their
 * schedule. It runs as one of the cluster's jobs (one centre node at a time), and each document is stored at most
 * once per period: the archive's row is the claim (circulars.ts), so a restart or a second scheduler finds it taken.
 *
 * What is generated, deliberately: only the most recent period of each schedule that has ended, and only when it
 * ended after the schedule was first switched on in this cluster (`document_schedules.since`). A node starting for
 * the first time, or a schedule switched on, does not write last month's 通报 for data it never had, and a node that
 * was down for weeks writes the last period it missed, not each of them.
 */
import { PeriodicPass } from '../periodic-pass.js';
import type { CircularRecord, DocumentScheduleKind } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import type { Clock } from '../access/actor.js';
import { periodWords, SCHEDULE_ACTOR, type ArchiveAuthor, type Circulars, type Rankings } from '../assessment/index.js';
import type { Principal } from '../auth/accounts.js';
import type { CenterConfig } from '../config/center-config.js';
import type { Logger } from '../../schema/index.js';
import { reportXlsx } from './report-xlsx.js';
import type { Reports } from './reports.js';

/** The documents a schedule can generate, as the configuration names them. */
export const SCHEDULED_DOCUMENTS = ['circular-monthly', 'circular-weekly', 'report-monthly', 'report-weekly'] as const;
export type ScheduledDocument = (typeof SCHEDULED_DOCUMENTS)[number];

/** The levels a scheduled 通报 ranks (those of the console's 通报). */
export const SCHEDULED_CIRCULAR_LEVELS = ['city', 'county', 'enterprise', 'platform'] as const;
export type ScheduledCircularLevel = (typeof SCHEDULED_CIRCULAR_LEVELS)[number];

export interface DocumentScheduleOptions {
  /** Which documents are generated; none = the schedule is off. */
  documents: readonly ScheduledDocument[];
  /** The levels of the scheduled 通报: one document per level and period. */
  circularLevels: readonly ScheduledCircularLevel[];
  /**
   * How long after a period ends its documents are generated: late reports arrive and the last day is rolled up
   * first. Bounds: DOCUMENT_SCHEDULE_BOUNDS.
   */
  delayMinutes: number;
  /** How often the schedule checks for a period to generate; 0: only when `tick()` is called. */
  checkIntervalMs: number;
}

/**
 * The monthly 通报 is what a leader signs; the weekly report is what the duty centre reads on Monday; the monthly
 * report goes with the 通报. A weekly 通报 is not the bulletins' custom: it is there to switch on.
 */
export const DOCUMENT_SCHEDULE_DEFAULTS: DocumentScheduleOptions = {
  documents: ['circular-monthly', 'report-weekly', 'report-monthly'],
  circularLevels: ['city'],
  delayMinutes: 30,
  checkIntervalMs: 5 * 60_000,
};

export const DOCUMENT_SCHEDULE_BOUNDS = { delayMinutes: [0, 24 * 60] } as const;

/** A configuration the schedule cannot run with: the key, and what is wrong with its value. */
export class DocumentScheduleConfigError extends Error {
  constructor(
    readonly key: string,
    readonly problem: string,
  ) {
    super(`${key} ${problem}`);
  }
}

/** Refuses a bad configuration at start-up: the key, the value and the bound. */
export function checkDocumentScheduleOptions(options: DocumentScheduleOptions): void {
  const allowed = (key: string, values: readonly string[], known: readonly string[], none: string) => {
    for (const value of values)
      if (!known.includes(value))
        throw new DocumentScheduleConfigError(
          key,
          `value ${JSON.stringify(value)} is not one of ${known.join(', ')}${none}`,
        );
  };
  allowed('scheduled-documents', options.documents, SCHEDULED_DOCUMENTS, ' (or none)');
  allowed('scheduled-circular-levels', options.circularLevels, SCHEDULED_CIRCULAR_LEVELS, '');
  if (options.documents.some((d) => d.startsWith('circular-')) && options.circularLevels.length === 0)
    throw new DocumentScheduleConfigError(
      'scheduled-circular-levels',
      `value "" names no level: a scheduled 通报 needs at least one of ${SCHEDULED_CIRCULAR_LEVELS.join(', ')}`,
    );
  const [min, max] = DOCUMENT_SCHEDULE_BOUNDS.delayMinutes;
  if (!Number.isInteger(options.delayMinutes) || options.delayMinutes < min || options.delayMinutes > max)
    throw new DocumentScheduleConfigError(
      'scheduled-documents-delay-minutes',
      `value ${options.delayMinutes} is outside ${min}..${max}`,
    );
}

/** A comma-separated list from the command line; `none` (or nothing) is the empty list. */
export function documentList(text: string): string[] {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return items.length === 1 && items[0] === 'none' ? [] : items;
}

export interface DocumentScheduleDeps {
  sql: Sql;
  circulars: Pick<Circulars, 'archiveRanking' | 'archiveReport' | 'scheduled'>;
  rankings: Pick<Rankings, 'forPrincipal'>;
  reports: Pick<Reports, 'forPrincipal'>;
  config: Pick<CenterConfig, 'get'>;
  now: Clock;
  logger: Logger;
  provinceCode: string;
}

/** A period of Beijing calendar days, and the instant it ended. */
export interface SchedulePeriod {
  from: string;
  to: string;
  endsAt: number;
}

const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;

const dayOf = (shifted: number): string => new Date(shifted).toISOString().slice(0, 10);

/**
 * The most recent Beijing week (Monday to Sunday) or month that has ended at `now`. China keeps no daylight saving
 * time, so Beijing's calendar is UTC's shifted by eight hours.
 */
export function lastEndedPeriod(schedule: DocumentScheduleKind, now: number): SchedulePeriod {
  const shifted = new Date(now + BEIJING_OFFSET_MS);
  const today = Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth(), shifted.getUTCDate());
  if (schedule === 'weekly') {
    const monday = today - ((shifted.getUTCDay() + 6) % 7) * DAY_MS;
    return { from: dayOf(monday - 7 * DAY_MS), to: dayOf(monday - DAY_MS), endsAt: monday - BEIJING_OFFSET_MS };
  }
  const first = Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth(), 1);
  const previous = Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth() - 1, 1);
  return { from: dayOf(previous), to: dayOf(first - DAY_MS), endsAt: first - BEIJING_OFFSET_MS };
}

const REPORT_NAMES: Record<DocumentScheduleKind, string> = { weekly: '统计周报', monthly: '统计月报' };

export class DocumentSchedule {
  private readonly passes = new PeriodicPass(
    () => this.tick(),
    (error) =>
      this.deps.logger.error('scheduled documents failed; trying again at the next check', { error: String(error) }),
  );
  /** The province as the schedule reads it: a principal made in code, never a login. */
  private readonly province: Principal;

  constructor(
    private readonly deps: DocumentScheduleDeps,
    private readonly options: DocumentScheduleOptions = DOCUMENT_SCHEDULE_DEFAULTS,
  ) {
    this.province = {
      userId: 0,
      username: SCHEDULE_ACTOR,
      role: 'admin',
      orgCode: deps.provinceCode,
      enterpriseId: null,
    };
  }

  start(): void {
    if (this.options.documents.length > 0) this.passes.start(this.options.checkIntervalMs);
  }

  stop(): Promise<void> {
    return this.passes.stop();
  }

  /** Generates and archives what is due now; returns what this pass archived (nothing when all was done). */
  async tick(): Promise<CircularRecord[]> {
    const now = this.deps.now();
    const archived: CircularRecord[] = [];
    for (const document of this.options.documents) {
      const [kind, schedule] = document.split('-') as ['circular' | 'report', DocumentScheduleKind];
      const since = await this.since(document, now);
      const period = lastEndedPeriod(schedule, now);
      if (period.endsAt <= since || now < period.endsAt + this.options.delayMinutes * 60_000) continue;
      const levels = kind === 'circular' ? this.options.circularLevels : (['children'] as const);
      for (const level of levels) {
        const key = { kind, schedule, orgCode: this.deps.provinceCode, level };
        // The claim is the archive's insert; this look only spares generating what is there already.
        if (await this.deps.circulars.scheduled(key, period.from)) continue;
        const author: ArchiveAuthor = { actorId: null, actor: SCHEDULE_ACTOR, peer: 'schedule', schedule };
        const stored =
          level === 'children'
            ? await this.archiveReport(schedule, period, author)
            : await this.deps.circulars.archiveRanking(
                await this.deps.rankings.forPrincipal(this.province, { from: period.from, to: period.to, level }),
                author,
              );
        if (stored === null) continue;
        this.deps.logger.info('scheduled document archived', {
          id: stored.id,
          kind,
          schedule,
          level,
          from: period.from,
          to: period.to,
        });
        archived.push(stored);
      }
    }
    return archived;
  }

  private async archiveReport(
    schedule: DocumentScheduleKind,
    period: SchedulePeriod,
    author: ArchiveAuthor,
  ): Promise<CircularRecord | null> {
    const report = await this.deps.reports.forPrincipal(this.province, {
      from: period.from,
      to: period.to,
      interval: 'day',
      by: 'unit',
    });
    const [assessment, scoring] = await Promise.all([
      this.deps.config.get('assessment'),
      this.deps.config.get('assessment_scoring'),
    ]);
    return this.deps.circulars.archiveReport(
      report,
      await reportXlsx(report),
      {
        title: `${report.scope.name}${periodWords(period)}${REPORT_NAMES[schedule]}`,
        configVersions: { assessment: assessment.version, assessment_scoring: scoring.version },
      },
      author,
    );
  }

  /** When the document was first switched on in this cluster (now, if this is the first time). */
  private async since(document: ScheduledDocument, now: number): Promise<number> {
    await this.deps.sql.query(
      'INSERT INTO document_schedules (document, since) VALUES ($1, $2) ON CONFLICT (document) DO NOTHING',
      [document, new Date(now)],
    );
    const [row] = await this.deps.sql.query<{ since: Date }>(
      'SELECT since FROM document_schedules WHERE document = $1',
      [document],
    );
    return row!.since.getTime();
  }
}
