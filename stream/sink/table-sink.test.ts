/**
 * The sink against a real chDB: what a producer was told is durable is in ClickHouse, a retried or replayed
 * batch is not written twice, and pipelined batches commit in order even when a later one finishes first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Metrics, Readiness, TELEMETRY, silentLogger, tsvEncoderFor, type TelemetryRow } from '../../schema/index.js';
import { openAnalytics, type Analytics, type RowWriter } from '../../store/index.js';
import { MemoryLog } from '../log/memory-log.js';
import { deduplicationToken, encodeTabSeparated } from './batch-encoding.js';
import {
  ENOUGH_ROWS_FOR_A_PART,
  TableSink,
  checkTableSinkOptions,
  TABLE_SINK_DEFAULTS,
  type TableSinkOptions,
} from './table-sink.js';

let dataDir: string;
let analytics: Analytics;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-sink-'));
  analytics = await openAnalytics({ kind: 'embedded', dataDir });
});

afterAll(async () => {
  await analytics.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function fix(terminalId: string, i: number): TelemetryRow {
  return {
    terminal_id: terminalId,
    plate: '豫A12345',
    ts: Date.UTC(2026, 0, 1) + i * 1000,
    received_at: Date.UTC(2026, 0, 1) + i * 1000 + 50,
    lat: 34.7 + i * 1e-5,
    lon: 113.6,
    altitude_m: 100,
    speed_kmh: 61.5,
    direction_deg: 90,
    alarm_bits: 0,
    status_bits: 3,
    source: 'jt808',
    backfill: 0,
    extras: i % 2 === 0 ? '{"mileage_km":1.5,"note":"引号\\"与换行\\n"}' : '',
    org_code: i % 2 === 0 ? '410102' : '',
  };
}

/** Rows of one terminal as stored; `count()` without FINAL, so a duplicate row would show. */
async function stored(terminalId: string): Promise<number> {
  const result = await analytics.queryInternal(`SELECT count() FROM telemetry WHERE terminal_id = '${terminalId}'`);
  return Number(result.rows[0][0]);
}

function durableLog(): MemoryLog {
  return new MemoryLog({
    partitions: 4,
    backlogPerPartitionMax: 100_000,
    durableGroups: { 'vigil.telemetry': 'sink' },
  });
}

describe('TableSink on chDB', () => {
  it('resolves every send only once its rows are in ClickHouse, and stores each row once', async () => {
    const log = durableLog();
    const sink = telemetrySink(log, analytics.writer, { lingerMs: 2, batchRowsMax: 500 });
    sink.start();
    const producer = log.producer();
    const terminals = Array.from({ length: 40 }, (_, t) => `1390000${String(t).padStart(4, '0')}`);
    const perTerminal = 60;
    const checks: Promise<void>[] = [];
    for (let i = 0; i < perTerminal; i++) {
      for (const terminalId of terminals) {
        const row = fix(terminalId, i);
        checks.push(
          producer.send('vigil.telemetry', [{ key: terminalId, value: row }]).then(async () => {
            // Sampled, to keep the test quick: the acknowledged row must already be readable.
            if (i % 20 === 0) {
              const found = await analytics.queryInternal(
                `SELECT count() FROM telemetry WHERE terminal_id = '${terminalId}' AND ts = fromUnixTimestamp64Milli(${row.ts})`,
              );
              expect(Number(found.rows[0][0])).toBe(1);
            }
          }),
        );
      }
    }
    await Promise.all(checks);
    await sink.stop();
    await log.close();
    for (const terminalId of terminals.slice(0, 5)) expect(await stored(terminalId)).toBe(perTerminal);
    const all = await analytics.queryInternal(
      `SELECT count(), uniqExact(terminal_id, ts) FROM telemetry WHERE terminal_id LIKE '1390000%'`,
    );
    expect(all.rows[0].map(Number)).toEqual([terminals.length * perTerminal, terminals.length * perTerminal]);
    const sample = await analytics.queryInternal(
      `SELECT extras FROM telemetry WHERE terminal_id = '13900000000' AND ts = fromUnixTimestamp64Milli(${fix('', 0).ts})`,
    );
    expect(sample.rows[0][0]).toBe(fix('', 0).extras);
  });

  it('drops a batch inserted again under the same token: a retry after a lost answer writes nothing twice', async () => {
    const log = durableLog();
    let inserts = 0;
    // The insert reaches ClickHouse, then its answer is lost once: the sink must retry with the same token.
    const losesFirstAnswer: RowWriter = {
      insertsInFlightMax: 2,
      insertTabSeparated: async (table, columns, body, token) => {
        await analytics.writer.insertTabSeparated(table, columns, body, token);
        if (++inserts === 1) throw new Error('connection reset after the insert was written');
      },
      close: async () => undefined,
    };
    const sink = telemetrySink(log, losesFirstAnswer, { lingerMs: 20, retryDelayMs: 10 });
    sink.start();
    const rows = Array.from({ length: 300 }, (_, i) => ({ key: '13911110000', value: fix('13911110000', i) }));
    await log.producer().send('vigil.telemetry', rows);
    await sink.stop();
    await log.close();
    expect(inserts).toBeGreaterThanOrEqual(2);
    expect(await stored('13911110000')).toBe(300);
  });

  it('makes the node not ready while its inserts fail, and ready again once one succeeds', async () => {
    const log = durableLog();
    const readiness = new Readiness();
    let failing = true;
    // The real writer behind a switch: while it is on, every insert fails as a full disk would make it fail.
    const faulty: RowWriter = {
      insertsInFlightMax: 2,
      insertTabSeparated: async (table, columns, body, token) => {
        if (failing) throw new Error('Cannot reserve 1.00 MiB, not enough space');
        await analytics.writer.insertTabSeparated(table, columns, body, token);
      },
      close: async () => undefined,
    };
    const sink = telemetrySink(log, faulty, { lingerMs: 2, retryDelayMs: 10 }, readiness);
    sink.start();
    expect(readiness.ready).toBe(true);
    const sent = log.producer().send('vigil.telemetry', [{ key: '13955550000', value: fix('13955550000', 1) }]);
    await waitFor(() => readiness.isFailing('sink:telemetry'), 10_000);
    expect(readiness.problems()).toMatchObject([
      { part: 'sink:telemetry', reason: 'inserts_failing', detail: expect.stringContaining('not enough space') },
    ]);
    failing = false;
    await sent;
    expect(readiness.ready).toBe(true);
    expect(await stored('13955550000')).toBe(1);
    await sink.stop();
    await log.close();
  });

  it('replays of the same offsets under the same epoch are not duplicated', async () => {
    const records = Array.from({ length: 50 }, (_, i) => ({
      topic: 't',
      partition: i % 2,
      offset: Math.floor(i / 2),
      timestamp: 0,
      key: 'k',
      value: fix('13922220000', i),
    }));
    const encoder = tsvEncoderFor(TELEMETRY);
    const body = encodeTabSeparated(encoder, records);
    const token = deduplicationToken('epoch-1/vigil.telemetry', records);
    await analytics.writer.insertTabSeparated('telemetry', encoder.columns, body, token);
    await analytics.writer.insertTabSeparated('telemetry', encoder.columns, body, token);
    expect(await stored('13922220000')).toBe(50);
    // Another epoch names other data: the same offsets after a restart of the in-process log are new rows.
    expect(deduplicationToken('epoch-2/vigil.telemetry', records)).not.toBe(token);
  });

  it('commits pipelined batches in order: a later batch that finishes first waits for the earlier one', async () => {
    const log = durableLog();
    let release: () => void = () => undefined;
    const firstMayFinish = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const slowFirst: RowWriter = {
      insertsInFlightMax: 2,
      insertTabSeparated: async (table, columns, body, token) => {
        const call = ++calls;
        await analytics.writer.insertTabSeparated(table, columns, body, token);
        if (call === 1) await firstMayFinish;
      },
      close: async () => undefined,
    };
    const sink = telemetrySink(log, slowFirst, { lingerMs: 0, insertsInFlightMax: 2 });
    sink.start();
    const producer = log.producer();
    let firstDone = false;
    let secondDone = false;
    const first = producer
      .send('vigil.telemetry', [{ key: '13933330000', value: fix('13933330000', 1) }])
      .then(() => (firstDone = true));
    // Wait for the first batch to be taken before the second one exists, so they are two inserts.
    await waitFor(() => calls === 1);
    const second = producer
      .send('vigil.telemetry', [{ key: '13933330000', value: fix('13933330000', 2) }])
      .then(() => (secondDone = true));
    await waitFor(async () => calls === 2 && (await stored('13933330000')) === 2);
    // Both rows are written, but the first batch has not finished: neither producer may hear "durable" yet.
    await new Promise((r) => setTimeout(r, 50));
    expect([firstDone, secondDone]).toEqual([false, false]);
    release();
    await Promise.all([first, second]);
    await sink.stop();
    await log.close();
    expect(await stored('13933330000')).toBe(2);
  });

  it('group commit: rows sent while an insert is in flight go together in one insert once it is committed', async () => {
    const log = durableLog();
    const batches: { rows: number }[] = [];
    const { writer: heldFirst, release } = firstInsertHeld(3, (body) =>
      batches.push({ rows: body.toString().split('\n').length - 1 }),
    );
    const lingerMs = 30;
    const sink = telemetrySink(log, heldFirst, { lingerMs, insertsInFlightMax: 3 });
    sink.start();
    const producer = log.producer();
    const first = producer.send('vigil.telemetry', [{ key: '13966660000', value: fix('13966660000', 0) }]);
    await waitFor(() => batches.length === 1);
    // Forty sends, each of one row, while the first insert is held: one batch after it, however long it is held.
    const later: Promise<void>[] = [];
    for (let i = 1; i <= 40; i++) {
      later.push(producer.send('vigil.telemetry', [{ key: '13966660000', value: fix('13966660000', i) }]));
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(batches.length).toBe(1);
    release();
    await Promise.all([first, ...later]);
    // Lingering beside the held insert would have made several batches of a few rows each.
    expect(batches.map((b) => b.rows)).toEqual([1, 40]);
    expect(await stored('13966660000')).toBe(41);
    await sink.stop();
    await log.close();
  });

  it('group commit starts the next insert no sooner than the linger after the previous one started', async () => {
    const log = durableLog();
    const startedAt: number[] = [];
    const lingerMs = 150;
    const recording = startTimesRecorded(startedAt);
    const sink = telemetrySink(log, recording, { lingerMs });
    sink.start();
    const producer = log.producer();
    const first = producer.send('vigil.telemetry', [{ key: '13977770000', value: fix('13977770000', 0) }]);
    await waitFor(() => startedAt.length === 1);
    // Sent while the first insert (a fast one) is in flight: it waits for that insert and for the rest of the linger.
    const second = producer.send('vigil.telemetry', [{ key: '13977770000', value: fix('13977770000', 1) }]);
    await Promise.all([first, second]);
    expect(startedAt).toHaveLength(2);
    // The timer may fire a little early by the clock of performance.now(); 5 ms of slack.
    expect(startedAt[1] - startedAt[0]).toBeGreaterThanOrEqual(lingerMs - 5);
    expect(await stored('13977770000')).toBe(2);
    await sink.stop();
    await log.close();
  });

  it('group commit sends a batch that gathered enough rows at once, without the rest of the linger', async () => {
    const log = durableLog();
    const startedAt: number[] = [];
    const { writer: heldFirst, release } = firstInsertHeld(2, () => startedAt.push(performance.now()));
    // A linger far longer than the test may take: only a batch sent without it lets the test finish in time.
    const lingerMs = 60_000;
    const sink = telemetrySink(log, heldFirst, { lingerMs, insertsInFlightMax: 2 });
    sink.start();
    const producer = log.producer();
    const first = producer.send(
      'vigil.telemetry',
      Array.from({ length: 20_000 }, (_, i) => row(i)),
    );
    await waitFor(() => startedAt.length === 1);
    const gathered = producer.send(
      'vigil.telemetry',
      Array.from({ length: ENOUGH_ROWS_FOR_A_PART }, (_, i) => row(20_000 + i)),
    );
    release();
    await Promise.all([first, gathered]);
    expect(startedAt).toHaveLength(2);
    expect(startedAt[1] - startedAt[0]).toBeLessThan(lingerMs);
    expect(await stored('13988880000')).toBe(20_000 + ENOUGH_ROWS_FOR_A_PART);
    await sink.stop();
    await log.close();

    function row(i: number) {
      return { key: '13988880000', value: fix('13988880000', i) };
    }
  });

  it("inserts a part's worth of rows as soon as it has gathered, without the rest of the linger", async () => {
    const log = durableLog();
    const startedAt: number[] = [];
    const recording = startTimesRecorded(startedAt);
    // A linger far longer than the test may take: only a batch sent without it lets the test finish in time.
    const lingerMs = 60_000;
    const sink = telemetrySink(log, recording, { lingerMs });
    sink.start();
    const producer = log.producer();
    const sentAt = performance.now();
    // The first rows start the linger; the part's worth arrives in later sends, as a stream of terminals' reads does.
    const sends = [producer.send('vigil.telemetry', [row(0)])];
    for (let from = 1; from < ENOUGH_ROWS_FOR_A_PART; from += 111) {
      await new Promise((r) => setTimeout(r, 2));
      const count = Math.min(111, ENOUGH_ROWS_FOR_A_PART - from);
      sends.push(
        producer.send(
          'vigil.telemetry',
          Array.from({ length: count }, (_, i) => row(from + i)),
        ),
      );
    }
    await Promise.all(sends);
    expect(startedAt.length).toBeGreaterThanOrEqual(1);
    expect(startedAt[0] - sentAt).toBeLessThan(lingerMs);
    expect(await stored('13955552222')).toBe(ENOUGH_ROWS_FOR_A_PART);
    await sink.stop();
    await log.close();

    function row(i: number) {
      return { key: '13955552222', value: fix('13955552222', i) };
    }
  });

  it("lingers the whole linger over fewer rows than a part's worth", async () => {
    const log = durableLog();
    const startedAt: number[] = [];
    const recording = startTimesRecorded(startedAt);
    const lingerMs = 300;
    const sink = telemetrySink(log, recording, { lingerMs });
    sink.start();
    const sentAt = performance.now();
    await log.producer().send(
      'vigil.telemetry',
      Array.from({ length: ENOUGH_ROWS_FOR_A_PART - 1 }, (_, i) => ({
        key: '13955551111',
        value: fix('13955551111', i),
      })),
    );
    expect(startedAt).toHaveLength(1);
    // The timer may fire a little early by the clock of performance.now(); 5 ms of slack.
    expect(startedAt[0] - sentAt).toBeGreaterThanOrEqual(lingerMs - 5);
    expect(await stored('13955551111')).toBe(ENOUGH_ROWS_FOR_A_PART - 1);
    await sink.stop();
    await log.close();
  });

  it('stops cleanly when the log closes while an insert is in flight, with other sinks stopping after it', async () => {
    const log = new MemoryLog({
      partitions: 2,
      backlogPerPartitionMax: 1_000,
      durableGroups: { 'vigil.telemetry': 'sink', 'vigil.other': 'sink-other' },
    });
    let started = false;
    const slow: RowWriter = {
      insertsInFlightMax: 1,
      insertTabSeparated: async (table, columns, body, token) => {
        started = true;
        // The answer comes back as I/O does, on a later turn of the event loop.
        await new Promise((r) => setTimeout(r, 100));
        await analytics.writer.insertTabSeparated(table, columns, body, token);
      },
      close: async () => undefined,
    };
    const observe = { logger: silentLogger, metrics: new Metrics() };
    const first = new TableSink(log, 'vigil.telemetry', 'sink', slow, TELEMETRY, observe, { lingerMs: 0 });
    const second = new TableSink(log, 'vigil.other', 'sink-other', analytics.writer, TELEMETRY, observe, {
      lingerMs: 0,
    });
    first.start();
    second.start();
    const sent = log.producer().send('vigil.telemetry', [{ key: '13944440000', value: fix('13944440000', 1) }]);
    await waitFor(() => started);
    await log.close();
    // While the first sink waits for its insert, the second polls a closed log; it must not starve the first.
    await first.stop();
    await second.stop();
    await sent;
    expect(await stored('13944440000')).toBe(1);
  });

  it('refuses options outside their bounds, naming key, value and bound', () => {
    expect(() => checkTableSinkOptions({ ...TABLE_SINK_DEFAULTS, insertsInFlightMax: 0 })).toThrow(
      'table sink insertsInFlightMax value 0 is less than min allowed 1',
    );
    expect(() => checkTableSinkOptions({ ...TABLE_SINK_DEFAULTS, batchRowsMax: 2_000_000 })).toThrow(
      'table sink batchRowsMax value 2000000 is more than max allowed 1000000',
    );
  });
});

/** The sink of `vigil.telemetry` under test, writing through `writer`. */
function telemetrySink(
  log: MemoryLog,
  writer: RowWriter,
  options: Partial<TableSinkOptions>,
  readiness?: Readiness,
): TableSink<TelemetryRow> {
  return new TableSink(
    log,
    'vigil.telemetry',
    'sink',
    writer,
    TELEMETRY,
    { logger: silentLogger, metrics: new Metrics(), readiness },
    options,
  );
}

/** A writer into the test's ClickHouse, two inserts in flight, that notes when each insert starts in `startedAt`. */
function startTimesRecorded(startedAt: number[]): RowWriter {
  return {
    insertsInFlightMax: 2,
    insertTabSeparated: async (table, columns, body, token) => {
      startedAt.push(performance.now());
      await analytics.writer.insertTabSeparated(table, columns, body, token);
    },
    close: async () => undefined,
  };
}

/**
 * A writer into the test's ClickHouse whose first insert waits for `release()`; `seen` is told of each insert as it
 * starts and returns how many have started.
 */
function firstInsertHeld(
  insertsInFlightMax: number,
  seen: (body: Buffer) => number,
): { writer: RowWriter; release: () => void } {
  let release: () => void = () => undefined;
  const firstMayFinish = new Promise<void>((resolve) => (release = resolve));
  const writer: RowWriter = {
    insertsInFlightMax,
    insertTabSeparated: async (table, columns, body, token) => {
      if (seen(body) === 1) await firstMayFinish;
      await analytics.writer.insertTabSeparated(table, columns, body, token);
    },
    close: async () => undefined,
  };
  return { writer, release };
}

function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  return vi.waitFor(
    async () => {
      if (!(await condition())) throw new Error('condition not met in time');
    },
    { timeout: timeoutMs, interval: 10 },
  );
}
