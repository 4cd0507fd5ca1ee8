/**
 * Stores alarm versions from the rules in `alarm_cases`, a batch in one transaction: all of the batch's versions
 * are stored or none is, so a caller that retries a failed batch whole neither loses nor doubles anything.
 * `planAlarmVersions` decides per version what the batch does; this module carries it out: the first version of
 * an unknown alarm is routed and inserted as `new` (with its `raised` action, its audit entry and, when routing
 * says so, an automatic work order), later versions update the case in place, replays change nothing.
 */
import type { AlarmRow } from '../../schema/index.js';
import { insertRows, type Sql } from '../../store/index.js';
import { SYSTEM_ACTOR, type Clock } from '../access/actor.js';
import { appendAudits } from '../auth/audit.js';
import type { CenterConfig } from '../config/center-config.js';
import type { OrgDirectory } from '../org/org-directory.js';
import type { CenterChange } from '../work-orders/work-order-store.js';
import { creditWarningOwner, routeAlarm, type VehicleOwner } from './alarm-routing.js';
import { alarmView, recordAlarmActions, type AlarmActionEntry, type AlarmCaseRow, type Tx } from './alarm-store.js';
import { planAlarmVersions, type AlarmVersionSteps } from './alarm-version-plan.js';

export interface AlarmVersionWriterDeps {
  sql: Sql;
  org: OrgDirectory;
  config: CenterConfig;
  now: Clock;
  provinceCode: string;
  /** The enterprise and home county of each vehicle, when known, in the order asked. */
  ownersOf(vehicles: readonly { plate: string; terminalId: string }[], tx: Tx): Promise<VehicleOwner[]>;
  /**
   * Issues the work order of a new alarm whose routing dispatches it automatically, in the batch's transaction,
   * adding its changes for the feed; returns the case as it then stands.
   */
  dispatchAutomatically(
    tx: Tx,
    row: AlarmCaseRow,
    issuerOrg: string,
    now: number,
    changes: CenterChange[],
  ): Promise<AlarmCaseRow>;
  notify(change: CenterChange): void;
}

const CASE_INSERT_COLUMNS = [
  'alarm_id',
  'rule',
  'severity',
  'version',
  'terminal_id',
  'plate',
  'started_at',
  'ended_at',
  'event_org_code',
  'lat',
  'lon',
  'late',
  'details',
  'org_code',
  'department',
  'enterprise_id',
  'config_version',
  'state',
  'received_at',
  'updated_at',
] as const;

/** Times a batch is read again when another writer keeps creating its alarms first. */
const INSERT_RACE_ATTEMPTS = 3;

/** An alarm this batch found missing was created by another writer before the batch inserted it. */
class AlarmCreatedMeanwhile extends Error {
  constructor() {
    super('an alarm of the batch was created by another writer meanwhile');
  }
}

/**
 * The transaction's statements with a turn of the event loop after each: on PGlite a statement runs on this thread
 * and its promise settles without one, so a batch would otherwise hold HTTP answers and timers for all its
 * statements at once instead of for the longest of them.
 */
function yieldingAfterEach(tx: Tx): Tx {
  return {
    query: async <R>(text: string, params?: unknown[]): Promise<R[]> => {
      const rows = await tx.query<R>(text, params);
      await new Promise((resolve) => setImmediate(resolve));
      return rows;
    },
  };
}

function parseDetails(text: string): unknown {
  try {
    return JSON.parse(text || '{}');
  } catch {
    return { raw: text };
  }
}

export class AlarmVersionWriter {
  constructor(private readonly deps: AlarmVersionWriterDeps) {}

  /**
   * Stores a batch of alarm versions in one transaction. The outcome per alarm is that of taking the versions one
   * at a time in the batch's order (`planAlarmVersions`); per version, in that order, true when it changed the
   * desk, false for a replay. Changes reach the feed only once the transaction is committed.
   */
  async storeBatch(alarms: readonly AlarmRow[]): Promise<boolean[]> {
    if (alarms.length === 0) return [];
    for (let attempt = 1; ; attempt++) {
      const changes: CenterChange[] = [];
      try {
        // A single version's statements are few: yielding after each would only add to its latency.
        const applied = await this.deps.sql.transaction((tx) =>
          this.applyBatch(alarms.length > 1 ? yieldingAfterEach(tx) : tx, alarms, changes),
        );
        for (const change of changes) this.deps.notify(change);
        return applied;
      } catch (error) {
        // Another writer created one of the alarms after this batch read them: read again, it is now an update.
        if (!(error instanceof AlarmCreatedMeanwhile) || attempt >= INSERT_RACE_ATTEMPTS) throw error;
      }
    }
  }

  /** Versions of the episodes received since `sinceMs`, so a catch-up re-reads only what is missing. */
  async knownVersions(sinceMs: number): Promise<Map<string, number>> {
    const rows = await this.deps.sql.query<{ alarm_id: string; version: number }>(
      'SELECT alarm_id, version FROM alarm_cases WHERE updated_at >= $1',
      [new Date(sinceMs)],
    );
    return new Map(rows.map((r) => [r.alarm_id, Number(r.version)]));
  }

  private async applyBatch(tx: Tx, alarms: readonly AlarmRow[], changes: CenterChange[]): Promise<boolean[]> {
    // Locked in one order (by id), so two writers taking overlapping batches wait for each other, never deadlock.
    const ids = [...new Set(alarms.map((a) => a.alarm_id))].sort();
    const stored = await tx.query<AlarmCaseRow>(
      'SELECT * FROM alarm_cases WHERE alarm_id = ANY($1::text[]) ORDER BY alarm_id FOR UPDATE',
      [ids],
    );
    const current = new Map(stored.map((row) => [row.alarm_id, row]));
    const plan = planAlarmVersions(alarms, new Map(stored.map((row) => [row.alarm_id, Number(row.version)])));
    const changesOf = new Map(plan.alarms.map((steps): [string, CenterChange[]] => [steps.alarmId, []]));
    const created = await this.insertNew(
      tx,
      // In id order too: two writers inserting overlapping alarms wait on one another in the same order.
      plan.alarms
        .flatMap((steps) => (steps.insert ? [steps.insert] : []))
        .sort((x, y) => (x.alarm_id < y.alarm_id ? -1 : x.alarm_id > y.alarm_id ? 1 : 0)),
      changesOf,
    );
    for (const row of created) current.set(row.alarm_id, row);
    await this.updateVersions(tx, plan.alarms, current, changesOf);
    for (const steps of plan.alarms) changes.push(...changesOf.get(steps.alarmId)!);
    return plan.applied;
  }

  /**
   * Applies the newer versions of stored alarms. Per alarm, in order, each version is judged against the row the
   * version before it left (an `episode_ended` action when it ends the episode, a change for the feed); the table
   * then takes every alarm's last version in one statement, and the actions in another.
   */
  private async updateVersions(
    tx: Tx,
    alarms: readonly AlarmVersionSteps[],
    current: ReadonlyMap<string, AlarmCaseRow>,
    changesOf: ReadonlyMap<string, CenterChange[]>,
  ): Promise<void> {
    const updated = alarms.filter((steps) => steps.updates.length > 0);
    if (updated.length === 0) return;
    const now = this.deps.now();
    const ended: AlarmActionEntry[] = [];
    for (const steps of updated) {
      let row = current.get(steps.alarmId)!;
      for (const version of steps.updates) {
        if (row.ended_at === null && version.ended_at !== null)
          ended.push({
            alarmId: row.alarm_id,
            action: 'episode_ended',
            from: row.state,
            to: row.state,
            actor: SYSTEM_ACTOR,
            orgCode: row.org_code,
            detail: { version: version.version },
            at: now,
          });
        row = {
          ...row,
          version: version.version,
          severity: version.severity,
          ended_at: version.ended_at === null ? null : new Date(version.ended_at),
          details: parseDetails(version.details),
          late: version.late === 1,
          updated_at: new Date(now),
        };
        changesOf
          .get(steps.alarmId)!
          .push({ kind: 'alarm', alarm: alarmView(row), action: 'updated', actor: 'system' });
      }
    }
    const last = updated.map((steps) => steps.updates[steps.updates.length - 1]);
    // Arrays of text, cast in SQL: both drivers pass them alike (timestamps as ISO text, details as JSON text).
    await tx.query(
      `UPDATE alarm_cases c SET version = v.version, severity = v.severity, ended_at = v.ended_at::timestamptz,
              details = v.details::jsonb, late = v.late, updated_at = $1
         FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::boolean[])
              AS v(alarm_id, version, severity, ended_at, details, late)
        WHERE c.alarm_id = v.alarm_id`,
      [
        new Date(now),
        last.map((a) => a.alarm_id),
        last.map((a) => a.version),
        last.map((a) => a.severity),
        last.map((a) => (a.ended_at === null ? null : new Date(a.ended_at).toISOString())),
        last.map((a) => JSON.stringify(parseDetails(a.details))),
        last.map((a) => a.late === 1),
      ],
    );
    await recordAlarmActions(tx, ended);
  }

  /**
   * Routes and creates the cases of alarms not stored yet, with their `raised` actions and audit entries, each kind
   * of row in one statement; automatic dispatch follows per alarm. Returns the rows as they now stand.
   */
  private async insertNew(
    tx: Tx,
    alarms: readonly AlarmRow[],
    changesOf: ReadonlyMap<string, CenterChange[]>,
  ): Promise<AlarmCaseRow[]> {
    if (alarms.length === 0) return [];
    const routing = await this.deps.config.get('alarm_routing', tx);
    const credit = alarms.map((alarm) => creditWarningOwner(alarm));
    const looked = await this.deps.ownersOf(
      alarms.filter((_, i) => credit[i] === null).map((a) => ({ plate: a.plate, terminalId: a.terminal_id })),
      tx,
    );
    let nextLooked = 0;
    const owners = credit.map((owner) => owner ?? looked[nextLooked++]);
    const routes = alarms.map((alarm, i) =>
      routeAlarm(alarm, routing.value, this.deps.org, owners[i], this.deps.provinceCode),
    );
    const now = this.deps.now();
    const rows = await insertRows<AlarmCaseRow>(
      tx,
      'alarm_cases',
      CASE_INSERT_COLUMNS,
      alarms.map((alarm, i) => [
        alarm.alarm_id,
        alarm.rule,
        alarm.severity,
        alarm.version,
        alarm.terminal_id,
        alarm.plate,
        new Date(alarm.started_at),
        alarm.ended_at === null ? null : new Date(alarm.ended_at),
        alarm.org_code,
        alarm.lat,
        alarm.lon,
        alarm.late === 1,
        JSON.stringify(parseDetails(alarm.details)),
        routes[i].orgCode,
        routes[i].department,
        owners[i].enterpriseId,
        routing.version,
        'new',
        new Date(now),
        new Date(now),
      ]),
      'ON CONFLICT (alarm_id) DO NOTHING RETURNING *',
    );
    if (rows.length !== alarms.length) throw new AlarmCreatedMeanwhile();
    const created = new Map(rows.map((row) => [row.alarm_id, row]));
    const details = alarms.map((alarm, i) => ({
      org_code: routes[i].orgCode,
      department: routes[i].department,
      enterprise_id: owners[i].enterpriseId,
      config_version: routing.version,
      version: alarm.version,
    }));
    await recordAlarmActions(
      tx,
      alarms.map((alarm, i) => ({
        alarmId: alarm.alarm_id,
        action: 'raised',
        from: '' as const,
        to: 'new' as const,
        actor: SYSTEM_ACTOR,
        orgCode: routes[i].orgCode,
        detail: details[i],
        at: now,
      })),
    );
    await appendAudits(
      tx,
      alarms.map((alarm, i) => ({
        actorId: null,
        actor: 'system',
        action: 'alarm.route',
        target: `alarm:${alarm.alarm_id}`,
        detail: details[i],
      })),
    );
    const result: AlarmCaseRow[] = [];
    for (const [i, alarm] of alarms.entries()) {
      let row = created.get(alarm.alarm_id)!;
      const changes = changesOf.get(alarm.alarm_id)!;
      changes.push({ kind: 'alarm', alarm: alarmView(row), action: 'raised', actor: 'system' });
      const auto = routing.value.auto_work_order.some(
        (a) => (a.category === alarm.rule || a.category === '*') && a.severities.includes(alarm.severity),
      );
      if (auto) row = await this.deps.dispatchAutomatically(tx, row, routes[i].orgCode, now, changes);
      result.push(row);
    }
    return result;
  }
}
