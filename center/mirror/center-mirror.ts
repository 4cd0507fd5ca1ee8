/**
 * Mirrors alarm actions and work-order events from PostgreSQL to ClickHouse (`alarm_actions`,
 * `work_order_events`) for analysts. PostgreSQL is the outbox: rows not yet mirrored are read in id order,
 * inserted with a deduplication token made of their ids, then marked. A crash between insert and mark
 * re-sends the same rows; the token and the tables' ReplacingMergeTree on the row id keep one copy.
 * The same loop copies the registry (org units, enterprises, vehicles) when it changed (registry-mirror.ts).
 */
import { createHash } from 'node:crypto';
import {
  ALARM_ACTIONS,
  WORK_ORDER_EVENTS,
  tsvEncoderFor,
  type AlarmActionRow,
  type TableSpec,
  type Logger,
  type Metrics,
  type WorkOrderEventRow,
} from '../../schema/index.js';
import type { RowWriter, Sql } from '../../store/index.js';
import { RegistryMirror } from './registry-mirror.js';

export interface CenterMirrorOptions {
  /** Rows per ClickHouse insert at most. */
  batchRowsMax: number;
  /**
   * Pause after a pass that found nothing to do; each further empty pass doubles it up to `idleMsMax`. Every change
   * made through a centre wakes the mirror at once (`wake`, also for the changes other centre nodes relay), so the
   * pauses only bound how late a row written any other way is seen, and a quiet node reads the outbox a few times a
   * minute instead of every second.
   */
  idleMs: number;
  idleMsMax: number;
  retryDelayMs: number;
  /** How often the registry's fingerprints are compared with the copy's (each check reads the three tables). */
  registryCheckMs: number;
}

export const CENTER_MIRROR_DEFAULTS: CenterMirrorOptions = {
  batchRowsMax: 5_000,
  idleMs: 1_000,
  idleMsMax: 10_000,
  retryDelayMs: 2_000,
  registryCheckMs: 10_000,
};

type Json = Record<string, unknown>;

export class CenterMirror {
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  /** A change was announced since the current pass began: it may have missed it, so no pause follows. */
  private wokenDuringPass = false;
  private readonly registry: RegistryMirror;
  private registryCheckedAtMs = -Infinity;

  constructor(
    private readonly deps: { sql: Sql; writer: RowWriter; logger: Logger; metrics: Metrics },
    private readonly options: CenterMirrorOptions = CENTER_MIRROR_DEFAULTS,
  ) {
    this.registry = new RegistryMirror(deps, { pageRowsMax: options.batchRowsMax });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Asks for a pass soon: called after every change so analysts see it within moments. */
  wake(): void {
    this.wokenDuringPass = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    let emptyPasses = 0;
    while (this.running) {
      this.wokenDuringPass = false;
      let moved = 0;
      try {
        moved = await this.pass();
        await this.registryPassIfDue();
      } catch (error) {
        this.deps.metrics
          .counter('vigil_center_mirror_failures_total', 'Failed mirror passes to ClickHouse (retried)')
          .inc();
        this.deps.logger.error('mirroring to ClickHouse failed, retrying', { error: String(error) });
        await this.sleep(this.options.retryDelayMs);
        continue;
      }
      if (moved > 0 || this.wokenDuringPass) {
        emptyPasses = 0;
        continue;
      }
      const registryDueInMs = this.registryCheckedAtMs + this.options.registryCheckMs - Date.now();
      const woken = await this.sleep(Math.max(0, Math.min(idlePauseMs(emptyPasses, this.options), registryDueInMs)));
      emptyPasses = woken ? 0 : emptyPasses + 1;
    }
  }

  /** Resolves after `ms`, or earlier with `true` when woken. */
  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.wakeUp = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  private async registryPassIfDue(): Promise<void> {
    if (Date.now() - this.registryCheckedAtMs < this.options.registryCheckMs) return;
    await this.registry.pass();
    this.registryCheckedAtMs = Date.now();
  }

  /** Mirrors one batch of each table; returns how many rows moved. Public so tests can drive it. */
  async pass(): Promise<number> {
    return (await this.mirrorAlarmActions()) + (await this.mirrorOrderEvents());
  }

  private async mirrorAlarmActions(): Promise<number> {
    const rows = await this.deps.sql.query<Json>(
      `SELECT a.id, a.alarm_id, a.action, a.from_state, a.to_state, a.actor, a.org_code, a.detail, a.at, c.department, c.rule, c.severity
         FROM alarm_actions a JOIN alarm_cases c ON c.alarm_id = a.alarm_id
        WHERE NOT a.mirrored ORDER BY a.id LIMIT $1`,
      [this.options.batchRowsMax],
    );
    if (rows.length === 0) return 0;
    const values: AlarmActionRow[] = rows.map((r) => ({
      action_id: Number(r.id),
      alarm_id: String(r.alarm_id),
      action: String(r.action),
      from_state: String(r.from_state),
      to_state: String(r.to_state),
      actor: String(r.actor),
      org_code: String(r.org_code),
      department: String(r.department),
      rule: String(r.rule),
      severity: String(r.severity),
      detail: JSON.stringify(r.detail ?? {}),
      at: new Date(r.at as Date).getTime(),
    }));
    await this.insert(
      ALARM_ACTIONS,
      values,
      values.map((v) => v.action_id),
    );
    await this.deps.sql.query('UPDATE alarm_actions SET mirrored = true WHERE id = ANY($1)', [
      values.map((v) => v.action_id),
    ]);
    return values.length;
  }

  private async mirrorOrderEvents(): Promise<number> {
    const rows = await this.deps.sql.query<Json>(
      `SELECT e.id, e.order_id, e.kind, e.from_state, e.to_state, e.actor, e.actor_org, e.text, e.detail, e.at,
              o.org_code, o.issuer_org, o.department, o.enterprise_id, o.category, o.severity, o.alarm_id, o.deadline_at, o.overdue
         FROM work_order_events e JOIN work_orders o ON o.id = e.order_id
        WHERE NOT e.mirrored ORDER BY e.id LIMIT $1`,
      [this.options.batchRowsMax],
    );
    if (rows.length === 0) return 0;
    const values: WorkOrderEventRow[] = rows.map((r) => {
      const detail = (r.detail ?? {}) as Json;
      // The assignee after a transfer is in the event itself; the order row already holds the latest one.
      const to = detail.to as Json | undefined;
      return {
        event_id: Number(r.id),
        order_id: Number(r.order_id),
        kind: String(r.kind),
        from_state: String(r.from_state),
        to_state: String(r.to_state),
        actor: String(r.actor),
        actor_org: String(r.actor_org),
        org_code: String(to?.org_code ?? r.org_code),
        issuer_org: String(r.issuer_org),
        department: String(to?.department ?? r.department),
        enterprise_id: String(r.enterprise_id ?? ''),
        category: String(r.category),
        severity: String(r.severity),
        alarm_id: String(r.alarm_id ?? ''),
        deadline_at: new Date(r.deadline_at as Date).getTime(),
        overdue: r.overdue ? 1 : 0,
        text: String(r.text),
        detail: JSON.stringify(detail),
        at: new Date(r.at as Date).getTime(),
      };
    });
    await this.insert(
      WORK_ORDER_EVENTS,
      values,
      values.map((v) => v.event_id),
    );
    await this.deps.sql.query('UPDATE work_order_events SET mirrored = true WHERE id = ANY($1)', [
      values.map((v) => v.event_id),
    ]);
    return values.length;
  }

  private async insert(spec: TableSpec, values: Json[], ids: number[]): Promise<void> {
    const table = spec.name;
    const token = createHash('sha1')
      .update(`${table}|${ids.join(',')}`)
      .digest('hex');
    // The store's writer carries the token on this one insert; on the shared client chDB would keep it as a
    // session setting and silently drop a later insert of someone else's as a duplicate.
    const encoder = tsvEncoderFor(spec);
    await this.deps.writer.insertTabSeparated(table, encoder.columns, encoder.encodeRows(values), token);
    this.deps.metrics
      .counter('vigil_center_mirror_rows_total', 'Rows mirrored from the command centres to ClickHouse', ['table'])
      .inc({ table }, values.length);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    // A last pass so that what happened just before shutdown reaches the analysts too.
    await this.pass().catch((error: unknown) =>
      this.deps.logger.warn('last mirror pass failed', { error: String(error) }),
    );
  }
}

/** The pause after the `emptyPasses`+1-th pass in a row that found nothing: `idleMs`, doubled each time, at most `idleMsMax`. */
export function idlePauseMs(emptyPasses: number, options: Pick<CenterMirrorOptions, 'idleMs' | 'idleMsMax'>): number {
  return Math.min(options.idleMsMax, options.idleMs * 2 ** Math.min(emptyPasses, 30));
}
