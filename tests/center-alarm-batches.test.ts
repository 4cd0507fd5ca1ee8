/**
 * The alarm intake stores a poll of alarm versions in one transaction, on PGlite and on a real PostgreSQL server:
 * a batch mixing a version already stored, new alarms, newer versions and replays stores each version exactly once,
 * with the same cases and actions as taking the versions one at a time; a batch whose transaction fails half-way
 * (a trigger refusing one alarm's action row) leaves nothing of itself behind, is retried whole, and after a crash
 * before its offsets were committed is taken whole by the next intake, once.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger, Metrics, type AlarmRow } from '../schema/index.js';
import { MemoryLog, TOPICS } from '../stream/index.js';
import { AlarmIntake } from '../center/alarms/alarm-intake.js';
import {
  alarmRow,
  freshTarget,
  startCenterHarness,
  STORE_KINDS,
  useStoreServer,
  type CenterHarness,
} from './support/center-harness.js';

interface StoredCase {
  alarm_id: string;
  version: number;
  severity: string;
  ended_at: Date | null;
  org_code: string;
  department: string;
  enterprise_id: string | null;
  state: string;
}

describe.each(STORE_KINDS)('alarm versions taken in batches on %s', (kind) => {
  const server = useStoreServer(kind);
  let h: CenterHarness;

  beforeAll(async () => {
    h = await startCenterHarness(await freshTarget(kind, server(), 'alarm_batches'));
    // A plate bound to an enterprise, so routing reads the enterprise for part of a batch only.
    expect(
      (
        await h.call(h.adminToken, 'POST', '/api/enterprises', {
          id: 'ZZ-BATCH-1',
          name: '郑州批次运输',
          org_code: '410100',
        })
      ).status,
    ).toBe(201);
    expect(
      (await h.call(h.adminToken, 'POST', '/api/enterprises/ZZ-BATCH-1/vehicles', { plate: '豫A20001' })).status,
    ).toBe(201);
  });

  afterAll(async () => {
    await h?.close();
  });

  async function cases(ids: string[]): Promise<StoredCase[]> {
    const rows = await h.sql.query<StoredCase>(
      `SELECT alarm_id, version, severity, ended_at, org_code, department, enterprise_id, state
         FROM alarm_cases WHERE alarm_id = ANY($1::text[]) ORDER BY alarm_id`,
      [ids],
    );
    return rows.map((r) => ({ ...r, version: Number(r.version) }));
  }

  async function actions(ids: string[]): Promise<{ alarm_id: string; action: string; detail: unknown }[]> {
    return h.sql.query(
      'SELECT alarm_id, action, from_state, to_state, detail FROM alarm_actions WHERE alarm_id = ANY($1::text[]) ORDER BY alarm_id, id',
      [ids],
    );
  }

  async function routeAudits(ids: string[]): Promise<number> {
    const [row] = await h.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'alarm.route' AND target = ANY($1::text[])`,
      [ids.map((id) => `alarm:${id}`)],
    );
    return Number(row.n);
  }

  /** A batch over alarms named `<prefix>-…`: one stored before it, the rest new; replays within and across. */
  function mixedBatch(prefix: string): { before: AlarmRow; batch: AlarmRow[]; ids: string[] } {
    const before = alarmRow({ alarm_id: `${prefix}-stored` });
    const fresh = alarmRow({ alarm_id: `${prefix}-fresh` });
    const bound = alarmRow({ alarm_id: `${prefix}-bound`, plate: '豫A20001', terminal_id: '013900020001' });
    const late = alarmRow({ alarm_id: `${prefix}-late`, rule: 'fatigue', version: 2 });
    const ended = (a: AlarmRow, version: number): AlarmRow => ({ ...a, version, ended_at: a.started_at + 60_000 });
    return {
      before,
      batch: [
        before, // already stored: a replay
        ended(before, 2), // ends the stored episode
        fresh,
        { ...fresh, version: 2, severity: 'critical' },
        { ...fresh, version: 2, severity: 'critical' }, // the same version twice in one batch
        bound,
        late, // version 2 first…
        { ...late, version: 1 }, // …so version 1 after it is a replay
        ended(fresh, 3),
      ],
      ids: [before, fresh, bound, late].map((a) => a.alarm_id),
    };
  }

  it('stores each version of a batch exactly once, as taking them one at a time would', async () => {
    const batched = mixedBatch('batched');
    expect(await h.centre.desk.ingest(batched.before)).toBe(true);
    const outcomes = await h.centre.desk.ingestBatch(batched.batch);
    expect(outcomes).toEqual([false, true, true, true, false, true, true, false, true]);

    const stored = await cases(batched.ids);
    expect(stored.map((c) => [c.alarm_id, c.version, c.severity, c.ended_at !== null])).toEqual([
      ['batched-bound', 1, 'warning', false],
      ['batched-fresh', 3, 'warning', true],
      ['batched-late', 2, 'warning', false],
      ['batched-stored', 2, 'warning', true],
    ]);
    expect(stored.find((c) => c.alarm_id === 'batched-bound')?.enterprise_id).toBe('ZZ-BATCH-1');
    const taken = await actions(batched.ids);
    expect(taken.map((a) => `${a.alarm_id}:${a.action}`)).toEqual([
      'batched-bound:raised',
      'batched-fresh:raised',
      'batched-fresh:episode_ended',
      'batched-late:raised',
      'batched-stored:raised',
      'batched-stored:episode_ended',
    ]);
    expect(await routeAudits(batched.ids)).toBe(4);

    // The whole batch again (a replay after a crash between the transaction and the offsets' commit): nothing new.
    expect(await h.centre.desk.ingestBatch(batched.batch)).toEqual(batched.batch.map(() => false));
    expect(await cases(batched.ids)).toEqual(stored);
    expect(await actions(batched.ids)).toEqual(taken);
    expect(await routeAudits(batched.ids)).toBe(4);

    // The same versions one at a time end in the same cases and the same actions.
    const single = mixedBatch('single');
    await h.centre.desk.ingest(single.before);
    const one: boolean[] = [];
    for (const version of single.batch) one.push(await h.centre.desk.ingest(version));
    expect(one).toEqual(outcomes);
    const rename = <T extends { alarm_id: string }>(rows: T[]): T[] =>
      rows.map((r) => ({ ...r, alarm_id: r.alarm_id.replace(/^single-/, 'batched-') }));
    expect(rename(await cases(single.ids))).toEqual(stored);
    expect(rename(await actions(single.ids))).toEqual(taken);
  });

  it('stores each alarm once when two writers take overlapping batches at the same time', async () => {
    // Every centre node takes every alarm into the shared store: on a server the two transactions overlap, and the
    // one that finds an alarm created meanwhile reads the batch again and takes it as the update or replay it is.
    const shared = Array.from({ length: 30 }, (_, i) => alarmRow({ alarm_id: `overlap-${i}` }));
    const ended = shared.map((a) => ({ ...a, version: 2, ended_at: a.started_at + 60_000 }));
    const one = [...shared, ...ended.slice(0, 15)];
    const other = [...shared.slice(10), ...ended];
    const [a, b] = await Promise.all([h.centre.desk.ingestBatch(one), h.centre.desk.ingestBatch(other)]);
    const ids = shared.map((x) => x.alarm_id);
    // No version was applied twice. Version 2 of each alarm by exactly one writer; version 1 at most once: when the
    // other writer created the alarm from version 2 first, version 1 came too late and changed nothing.
    const appliedTimes = new Map<string, number>();
    const tally = (versions: AlarmRow[], outcomes: boolean[]): void =>
      versions.forEach((v, i) => {
        const key = `${v.alarm_id}@${v.version}`;
        if (outcomes[i]) appliedTimes.set(key, (appliedTimes.get(key) ?? 0) + 1);
      });
    tally(one, a);
    tally(other, b);
    expect([...appliedTimes.values()].every((n) => n === 1)).toBe(true);
    expect(ids.every((id) => appliedTimes.get(`${id}@2`) === 1)).toBe(true);
    const openedFirst = ids.filter((id) => appliedTimes.has(`${id}@1`));
    const stored = await cases(ids);
    expect(stored).toHaveLength(30);
    expect(stored.every((c) => c.version === 2 && c.ended_at !== null)).toBe(true);
    const taken = await actions(ids);
    expect(taken.filter((x) => x.action === 'raised')).toHaveLength(30);
    // An episode is ended by an action only when it was stored open first.
    expect(
      taken
        .filter((x) => x.action === 'episode_ended')
        .map((x) => x.alarm_id)
        .sort(),
    ).toEqual(openedFirst.sort());
    expect(await routeAudits(ids)).toBe(30);
  });

  it('leaves nothing of a batch whose transaction failed, retries it whole, and takes it once after a crash', async () => {
    const stored = alarmRow({ alarm_id: 'crash-stored' });
    expect(await h.centre.desk.ingest(stored)).toBe(true);
    const news = ['crash-a', 'crash-poison', 'crash-b'].map((id) => alarmRow({ alarm_id: id }));
    const batch = [stored, { ...stored, version: 2, ended_at: stored.started_at + 60_000 }, ...news];
    const ids = [stored.alarm_id, ...news.map((a) => a.alarm_id)];

    // The database refuses the action row of one alarm of the batch: its transaction fails after the cases of the
    // batch were inserted and before the last statements ran.
    await h.sql.exec(`
      CREATE FUNCTION refuse_poison_alarm() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.alarm_id = 'crash-poison' THEN RAISE EXCEPTION 'alarm % refused by the test', NEW.alarm_id; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_poison_alarm BEFORE INSERT ON alarm_actions FOR EACH ROW EXECUTE FUNCTION refuse_poison_alarm();
    `);
    const failures: string[] = [];
    const logger = createLogger((line) => {
      if (line.includes('storing a batch of alarms failed')) failures.push(line);
    }, 'error');
    const log = new MemoryLog({ partitions: 1, backlogPerPartitionMax: 100, durableGroups: {} });
    const intakeOf = (): AlarmIntake =>
      new AlarmIntake(
        { log, desk: h.centre.desk, logger, metrics: new Metrics() },
        { groupId: 'center-alarms', batchMax: 200, retryDelayMs: 20 },
      );
    const first = intakeOf();
    first.start();
    await log.producer().send(
      TOPICS.alarms,
      batch.map((value) => ({ key: value.org_code, value })),
    );
    // Retried whole, more than once, and each time nothing of it stays.
    await vi.waitFor(() => expect(failures.length).toBeGreaterThanOrEqual(3), { timeout: 20_000, interval: 20 });
    expect(failures[0]).toContain('refused by the test');
    expect((await cases(ids)).map((c) => [c.alarm_id, c.version, c.ended_at])).toEqual([['crash-stored', 1, null]]);
    expect((await actions(ids)).map((a) => `${a.alarm_id}:${a.action}`)).toEqual(['crash-stored:raised']);
    expect(await routeAudits(ids)).toBe(1);

    // A crash: the intake goes away without having committed the batch's offsets.
    await first.stop();
    await h.sql.exec('DROP TRIGGER refuse_poison_alarm ON alarm_actions; DROP FUNCTION refuse_poison_alarm();');
    const second = intakeOf();
    second.start();
    try {
      await vi.waitFor(async () => expect(await cases(ids)).toHaveLength(4), { timeout: 20_000, interval: 50 });
      expect((await cases(ids)).map((c) => [c.alarm_id, c.version, c.ended_at !== null])).toEqual([
        ['crash-a', 1, false],
        ['crash-b', 1, false],
        ['crash-poison', 1, false],
        ['crash-stored', 2, true],
      ]);

      // The same batch delivered once more, then a marker: once the marker is stored the replay was taken before it.
      const marker = alarmRow({ alarm_id: 'crash-marker' });
      await log.producer().send(
        TOPICS.alarms,
        [...batch, marker].map((value) => ({ key: value.org_code, value })),
      );
      await vi.waitFor(async () => expect(await cases([marker.alarm_id])).toHaveLength(1), {
        timeout: 20_000,
        interval: 50,
      });
      expect((await actions(ids)).map((a) => `${a.alarm_id}:${a.action}`)).toEqual([
        'crash-a:raised',
        'crash-b:raised',
        'crash-poison:raised',
        'crash-stored:raised',
        'crash-stored:episode_ended',
      ]);
      expect(await routeAudits(ids)).toBe(4);
    } finally {
      await second.stop();
      await log.close();
    }
  });
});
