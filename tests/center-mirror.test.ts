/**
 * The analysts' copy in ClickHouse (chDB): every alarm action and work-order event is mirrored once, a pass
 * repeated after a crash between insert and mark adds no row, and alarms the embedded log forgot over a
 * restart are caught up from the durable `alarms` table. An idle mirror pauses longer after each pass that found
 * nothing, and a change announced while it pauses or while a pass runs is mirrored at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metrics, silentLogger } from '../schema/index.js';
import { openAnalytics, type Analytics, type Sql } from '../store/index.js';
import { MemoryLog } from '../stream/index.js';
import { CenterMirror, idlePauseMs } from '../center/mirror/center-mirror.js';
import { AlarmIntake, recentAlarmsFromClickHouse } from '../center/alarms/alarm-intake.js';
import type { FeedAlarmCase } from '../schema/index.js';
import { alarmRow, startCenterHarness, type CenterHarness } from './support/center-harness.js';
import { eventually } from './support/vigil-process.js';
import { harnessStore } from './support/test-postgres.js';

let analytics: Analytics;
let h: CenterHarness;
const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-center-mirror-'));

beforeAll(async () => {
  analytics = await openAnalytics({ kind: 'embedded', dataDir });
  h = await startCenterHarness(await harnessStore());
});

afterAll(async () => {
  await h?.close();
  await analytics?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function scalar(sql: string): Promise<number> {
  return Number((await analytics.queryInternal(sql)).rows[0][0]);
}

describe('ClickHouse mirror of the command centres', () => {
  it('mirrors every action and event exactly once, also when a pass is repeated', async () => {
    const officer = await h.user('mirror-duty', 'duty_officer', '410105');
    const alarm = alarmRow();
    await h.centre.desk.ingest(alarm);
    await h.call(officer.token, 'POST', `/api/alarms/${alarm.alarm_id}/acknowledge`);
    const orderId = (await h.call<FeedAlarmCase>(officer.token, 'POST', `/api/alarms/${alarm.alarm_id}/dispatch`)).body
      .work_order_id!;
    await h.call(officer.token, 'POST', `/api/work-orders/${orderId}/sign`);
    await h.call(officer.token, 'POST', `/api/work-orders/${orderId}/comment`, { text: '正在处理' });

    const mirror = new CenterMirror({
      sql: h.sql,
      writer: analytics.writer,
      logger: silentLogger,
      metrics: new Metrics(),
    });
    expect(await mirror.pass()).toBe(3 + 3);
    expect(await mirror.pass()).toBe(0);
    expect(await scalar(`SELECT count() FROM alarm_actions WHERE alarm_id = '${alarm.alarm_id}'`)).toBe(3);
    expect(await scalar(`SELECT count() FROM work_order_events WHERE order_id = ${orderId}`)).toBe(3);
    const kinds = await analytics.queryInternal(
      `SELECT kind, actor, org_code, department FROM work_order_events WHERE order_id = ${orderId} ORDER BY event_id`,
    );
    expect(kinds.rows).toEqual([
      ['issued', 'mirror-duty', '410105', 'enforcement'],
      ['signed', 'mirror-duty', '410105', 'enforcement'],
      ['comment', 'mirror-duty', '410105', 'enforcement'],
    ]);

    // A crash after the insert but before the rows were marked: the same rows go again, as the same block.
    await h.sql.query('UPDATE alarm_actions SET mirrored = false');
    await h.sql.query('UPDATE work_order_events SET mirrored = false');
    expect(await mirror.pass()).toBe(6);
    expect(await scalar(`SELECT count() FROM alarm_actions WHERE alarm_id = '${alarm.alarm_id}'`)).toBe(3);
    expect(await scalar(`SELECT count() FROM work_order_events WHERE order_id = ${orderId}`)).toBe(3);
  });

  it('pauses longer after each pass that found nothing, doubling from idleMs up to idleMsMax', () => {
    const options = { idleMs: 1_000, idleMsMax: 10_000 };
    expect([0, 1, 2, 3, 4, 5, 60, 10_000].map((empty) => idlePauseMs(empty, options))).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000, 10_000,
    ]);
  });

  it('reads an idle outbox less and less often, and a change announced during a pass is mirrored without a pause', async () => {
    // The outbox reads of the mirror under test, by when they began; the wake comes while the first one runs.
    const reads: number[] = [];
    let wakeDuringFirstRead = false;
    const counted: Sql = {
      exec: (script) => h.sql.exec(script),
      transaction: (work) => h.sql.transaction(work),
      close: () => h.sql.close(),
      query: async <R>(text: string, params?: unknown[]): Promise<R[]> => {
        const result = await h.sql.query<R>(text, params);
        if (text.includes('FROM alarm_actions a JOIN')) {
          reads.push(performance.now());
          if (wakeDuringFirstRead && reads.length === 1) {
            // After this pass read the outbox, before it pauses: the change is not in what it read.
            const officer = await h.user('mirror-woken', 'duty_officer', '410105');
            const alarm = alarmRow({ alarm_id: 'mirror-woken-alarm' });
            await h.centre.desk.ingest(alarm);
            await h.call(officer.token, 'POST', `/api/alarms/${alarm.alarm_id}/acknowledge`);
            mirror.wake();
          }
        }
        return result;
      },
    };
    const options = { batchRowsMax: 100, idleMs: 20, idleMsMax: 10_000, retryDelayMs: 50, registryCheckMs: 600_000 };
    let mirror = new CenterMirror(
      { sql: counted, writer: analytics.writer, logger: silentLogger, metrics: new Metrics() },
      options,
    );
    mirror.start();
    try {
      await eventually(() => (reads.length >= 6 ? true : undefined), 15_000, 'six passes of the idle mirror');
      // A timer never fires early: each pause is at least the doubled one (a millisecond of rounding allowed).
      const gaps = reads.slice(1, 6).map((at, i) => at - reads[i]);
      gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(idlePauseMs(i, options) - 1));
    } finally {
      await mirror.stop();
    }

    // The first pass read the outbox before the change was made, and the pause after it is ten minutes: only the
    // wake announced during that pass brings the change to ClickHouse in time.
    reads.length = 0;
    wakeDuringFirstRead = true;
    mirror = new CenterMirror(
      { sql: counted, writer: analytics.writer, logger: silentLogger, metrics: new Metrics() },
      { ...options, idleMs: 600_000, idleMsMax: 600_000 },
    );
    mirror.start();
    try {
      await eventually(
        async () =>
          (await scalar(`SELECT count() FROM alarm_actions WHERE alarm_id = 'mirror-woken-alarm'`)) > 0
            ? true
            : undefined,
        15_000,
        'the change announced during the first pass in ClickHouse',
      );
    } finally {
      await mirror.stop();
    }
  });

  it('catches up alarms that reached ClickHouse but not the desk', async () => {
    const missed = alarmRow({
      alarm_id: 'missed-over-restart',
      updated_at: Date.now(),
      started_at: Date.now() - 60_000,
    });
    await analytics.client.insert({
      table: 'alarms',
      values: [missed, { ...missed, version: 2, ended_at: missed.started_at + 30_000 }],
      format: 'JSONEachRow',
    });
    const log = new MemoryLog({ partitions: 1, backlogPerPartitionMax: 10, durableGroups: {} });
    const intake = new AlarmIntake({
      log,
      desk: h.centre.desk,
      logger: silentLogger,
      metrics: new Metrics(),
      catchUp: {
        windowHours: 24,
        rowsMax: 1000,
        readRecent: (hours, rows) => recentAlarmsFromClickHouse(analytics.client, hours, rows),
      },
    });
    expect(await intake.catchUp()).toBe(1);
    expect(await intake.catchUp()).toBe(0);
    const stored = await h.sql.query<{ version: number; ended_at: Date | null; state: string }>(
      'SELECT version, ended_at, state FROM alarm_cases WHERE alarm_id = $1',
      [missed.alarm_id],
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ version: 2, state: 'new' });
    expect(new Date(stored[0].ended_at!).getTime()).toBe(missed.started_at + 30_000);
    await log.close();
  });

  it('re-reads the newest episodes when more than rowsMax are recent, oldest update first', async () => {
    // Dated ahead of everything else in the table, so they are its three newest.
    const ahead = Date.now() + 3_600_000;
    const rows = [3, 1, 2].map((n) => alarmRow({ alarm_id: `recent-${n}`, updated_at: ahead + n * 60_000 }));
    await analytics.client.insert({ table: 'alarms', values: rows, format: 'JSONEachRow' });
    const recent = await recentAlarmsFromClickHouse(analytics.client, 24, 2);
    expect(recent.map((a) => a.alarm_id)).toEqual(['recent-2', 'recent-3']);
  });
});
