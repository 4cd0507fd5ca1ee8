/**
 * A restart in the middle of a flow loses nothing: PGlite on disk (the embedded default) and a PostgreSQL
 * server keep the alarm, the order, its timeline, the attachments and the sessions; the flow goes on after the
 * restart, and replayed alarm versions (the log redelivers after a restart) add nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FeedAlarmCase, FeedWorkOrder } from '../schema/index.js';
import type { OperationalTarget } from '../store/index.js';
import {
  alarmRow,
  freshTarget,
  PASSWORD,
  startCenterHarness,
  STORE_KINDS,
  useStoreServer,
  type CenterHarness,
} from './support/center-harness.js';

describe.each(STORE_KINDS)('restart mid-flow on %s', (kind) => {
  const server = useStoreServer(kind);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-center-restart-'));
  let h: CenterHarness | undefined;

  afterAll(async () => {
    await h?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every step across a restart and carries on', async () => {
    const target: OperationalTarget =
      kind === 'pglite' ? { kind: 'embedded', dataDir } : await freshTarget(kind, server(), 'restart');
    h = await startCenterHarness(target);
    await h.call(h.adminToken, 'POST', '/api/enterprises', { id: 'ZZ-R', name: '郑州企业', org_code: '410100' });
    await h.call(h.adminToken, 'POST', '/api/enterprises/ZZ-R/vehicles', { plate: '豫A77701' });
    const officer = await h.user('restart-duty', 'duty_officer', '410105');
    await h.user('restart-dispatcher', 'dispatcher', '410100');
    const alarm = alarmRow({ plate: '豫A77701' });
    await h.centre.desk.ingest(alarm);
    await h.call(officer.token, 'POST', `/api/alarms/${alarm.alarm_id}/acknowledge`);
    const orderId = (await h.call<FeedAlarmCase>(officer.token, 'POST', `/api/alarms/${alarm.alarm_id}/dispatch`)).body
      .work_order_id!;
    await h.call(officer.token, 'POST', `/api/work-orders/${orderId}/sign`);
    await h.call(officer.token, 'POST', `/api/work-orders/${orderId}/start`);
    await h.call(officer.token, 'POST', `/api/work-orders/${orderId}/feedback`, {
      text: '已处理',
      attachments: [
        {
          name: 'evidence.bin',
          content_type: 'application/octet-stream',
          data_base64: Buffer.from([1, 2, 3, 254]).toString('base64'),
        },
      ],
    });
    const before = (await h.call<{ timeline: unknown[] }>(officer.token, 'GET', `/api/work-orders/${orderId}`)).body
      .timeline;
    const auditBefore = (await h.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log'))[0].n;
    await h.close();

    h = await startCenterHarness(target);
    // The officer's session survived the restart.
    const after = await h.call<{
      order: FeedWorkOrder;
      timeline: { kind: string; detail: { attachments?: { id: number }[] } }[];
    }>(officer.token, 'GET', `/api/work-orders/${orderId}`);
    expect(after.status).toBe(200);
    expect(after.body.order.state).toBe('feedback_submitted');
    expect(after.body.timeline).toEqual(before);
    const attachmentId = after.body.timeline.at(-1)!.detail.attachments![0].id;
    const file = await fetch(`${h.baseUrl}/api/work-orders/${orderId}/attachments/${attachmentId}`, {
      headers: { authorization: `Bearer ${officer.token}` },
    });
    expect([...new Uint8Array(await file.arrayBuffer())]).toEqual([1, 2, 3, 254]);
    expect((await h.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log'))[0].n).toBeGreaterThanOrEqual(
      auditBefore,
    );

    // The log redelivers what it had not committed: the same versions change nothing.
    expect(await h.centre.desk.ingest(alarm)).toBe(false);
    const actions = (
      await h.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM alarm_actions WHERE alarm_id = $1', [
        alarm.alarm_id,
      ])
    )[0].n;
    expect(actions).toBe(3);

    // And the flow goes on to its end.
    const dispatcher = (await h.accounts.login('restart-dispatcher', PASSWORD, 'test')).token;
    expect((await h.call<FeedWorkOrder>(dispatcher, 'POST', `/api/work-orders/${orderId}/accept`)).body.state).toBe(
      'accepted',
    );
    expect(
      (await h.call<{ alarm: FeedAlarmCase }>(officer.token, 'GET', `/api/alarms/${alarm.alarm_id}`)).body.alarm.state,
    ).toBe('closed');
  });
});
