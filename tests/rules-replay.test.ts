/**
 * The rules across a crash, on the real store (chDB) and the in-process log: fixes stored (acknowledged) after the
 * last snapshot but never evaluated by the process that crashed are re-read from ClickHouse at the next start and
 * raise their alarm once; an alarm the crashed process had already raised and stored comes back as the same row,
 * not as a second one; a further restart raises nothing.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALARMS,
  DRIVER_EVENTS,
  Metrics,
  TELEMETRY,
  createLogger,
  silentLogger,
  type AlarmRow,
  type TelemetryRow,
} from '../schema/index.js';
import { openAnalytics, openOperational, type Analytics } from '../store/index.js';
import {
  MemoryLog,
  type RulesRunner,
  TableSink,
  TOPICS,
  clickhouseInputReplay,
  type LogRecord,
} from '../stream/index.js';
import { RECEIVE_TO_SEND_MS_MAX } from '../stream/engine/input-replay.js';
import { GATEWAY_DEFAULTS, Jt808Gateway } from '../ingest/index.js';
import { TerminalStore } from '../center/index.js';
import { SimulatedTerminal } from '../cli/demo/simulated-terminal.js';
import { locationBody } from '../cli/demo/location.js';
import { rulesOnMemoryLog, sendFixes } from './support/in-process-rules.js';
import { card, fix } from './support/rules-trace.js';
import { eventually } from './support/vigil-process.js';

const SECOND = 1_000;
const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-rules-replay-'));
const snapshotFile = path.join(dataDir, 'rules', 'engine-snapshot.json');
let analytics: Analytics;

beforeAll(async () => {
  analytics = await openAnalytics({ kind: 'embedded', dataDir });
});

afterAll(async () => {
  await analytics?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** One process's worth of the node: a fresh in-process log, its sinks and the rules on the shared store. */
async function processOf(): Promise<{
  log: MemoryLog;
  runner: RulesRunner;
  /** Alarm versions stored so far, as the feed gets them (read from the log once stored). */
  alarms: () => Promise<AlarmRow[]>;
  store: (rows: TelemetryRow[]) => Promise<void>;
  stop: () => Promise<void>;
}> {
  const { log, runner } = rulesOnMemoryLog(
    (memoryLog) => ({
      logger: process.env.DEBUG_REPLAY ? createLogger((l) => process.stderr.write(l)) : silentLogger,
      dataDir,
      inputReplay: clickhouseInputReplay(memoryLog, analytics.client),
    }),
    {
      durableGroups: { [TOPICS.telemetry]: 'sink-telemetry', [TOPICS.alarms]: 'sink-alarms' },
      // Snapshots only when the test takes them.
      settings: { snapshotIntervalMs: 3_600_000 },
    },
  );
  const observe = { logger: silentLogger, metrics: new Metrics() };
  const sinks = [
    new TableSink(log, TOPICS.telemetry, 'sink-telemetry', analytics.writer, TELEMETRY, observe, { lingerMs: 0 }),
    new TableSink(log, TOPICS.alarms, 'sink-alarms', analytics.writer, ALARMS, observe, { lingerMs: 0 }),
  ];
  for (const sink of sinks) sink.start();
  // Joined before the rules start, as the hub does; it never commits, so the log keeps everything for it.
  const feed = log.consumer<AlarmRow>('feed', TOPICS.alarms);
  const seen: AlarmRow[] = [];
  const alarms = async (): Promise<AlarmRow[]> => {
    for (const r of await feed.poll(10_000, 0)) seen.push(r.value);
    return seen;
  };
  await runner.start();
  return {
    log,
    runner,
    alarms,
    store: (rows) => sendFixes(log, rows),
    stop: async () => {
      await runner.stop();
      await log.close();
      for (const sink of sinks) await sink.stop();
    },
  };
}

async function storedAlarmRows(alarmId: string): Promise<number> {
  const result = await analytics.queryInternal(`SELECT count() FROM alarms WHERE alarm_id = '${alarmId}'`);
  return Number(result.rows[0][0]);
}

describe('rules replay from the store after a crash', () => {
  it('raises the alarm of fixes stored after the snapshot exactly once, and nothing on a further restart', async () => {
    const t0 = Date.now() - 60 * SECOND;
    const now = (ts: number, overrides: Partial<TelemetryRow> = {}): TelemetryRow =>
      fix('13900000001', ts, { received_at: Date.now(), ...overrides });

    const crashed = await processOf();
    await crashed.store([now(t0)]);
    await eventually(async () => (crashed.runner.engine.stats.positions >= 1 ? true : undefined), 10_000, 'first fix');
    await crashed.runner.snapshotNow();
    // The snapshot the crash leaves behind: everything below happens after it.
    copyFileSync(snapshotFile, `${snapshotFile}.at-crash`);

    // A vehicle whose alarm the crashed process raised and stored before it died.
    await crashed.store([fix('13900000002', t0 + 30 * SECOND, { speed_kmh: 131, received_at: Date.now() })]);
    const raised = await eventually(
      async () => (await crashed.alarms()).find((a) => a.terminal_id === '13900000002'),
      10_000,
      'alarm raised before the crash',
    );
    // Fixes stored (acknowledged) that the crashed process's rules never saw: written by another log's sink.
    const elsewhere = new MemoryLog({
      partitions: 1,
      backlogPerPartitionMax: 100,
      durableGroups: { [TOPICS.telemetry]: 'sink-telemetry' },
    });
    const elsewhereSink = new TableSink(
      elsewhere,
      TOPICS.telemetry,
      'sink-telemetry',
      analytics.writer,
      TELEMETRY,
      { logger: silentLogger, metrics: new Metrics() },
      { lingerMs: 0 },
    );
    elsewhereSink.start();
    await elsewhere.producer().send(
      TOPICS.telemetry,
      [10, 20, 30, 40, 50].map((s) => ({ key: '13900000001', value: now(t0 + s * SECOND, { speed_kmh: 130 }) })),
    );
    await elsewhere.close();
    await elsewhereSink.stop();
    await crashed.stop();
    copyFileSync(`${snapshotFile}.at-crash`, snapshotFile);

    // Start-up resolves once what the replay raised is stored: no new input has been taken yet.
    const restarted = await processOf();
    const replayed = await restarted.alarms();
    const fresh = replayed.filter((a) => a.terminal_id === '13900000001' && a.rule === 'overspeed');
    expect(fresh.map((a) => [a.version, a.started_at, a.late])).toEqual([[1, t0 + 10 * SECOND, 0]]);
    // The alarm raised before the crash is raised again by the replay, with the same id and version: already
    // stored, it is not sent again.
    expect(replayed.filter((a) => a.terminal_id === '13900000002')).toEqual([]);
    expect(await storedAlarmRows(raised.alarm_id)).toBe(1);
    expect(await storedAlarmRows(fresh[0].alarm_id)).toBe(1);
    expect(restarted.runner.engine.stats.positions).toBeGreaterThanOrEqual(6);
    await restarted.stop();

    const again = await processOf();
    // A replay that covers nothing new raises nothing.
    expect(await again.alarms()).toEqual([]);
    await again.stop();
    expect(await storedAlarmRows(fresh[0].alarm_id)).toBe(1);
  });
});

describe('driver cards across a crash', () => {
  it('re-reads the driver cards stored after the snapshot with the fixes, in their order', async () => {
    const t0 = Date.now() - 60 * SECOND;
    const phone = '13900000003';
    const crashed = await processOf();
    await crashed.store([fix(phone, t0, { received_at: Date.now() })]);
    await eventually(
      async () => (crashed.runner.engine.stats.positions >= 1 ? true : undefined),
      10_000,
      'first fix of the card test',
    );
    await crashed.runner.snapshotNow();
    copyFileSync(snapshotFile, `${snapshotFile}.at-crash`);
    // Stored but never evaluated: a card whose own date says the qualification ran out yesterday, then fixes.
    const elsewhere = new MemoryLog({
      partitions: 1,
      backlogPerPartitionMax: 100,
      durableGroups: { [TOPICS.telemetry]: 'sink-telemetry', [TOPICS.drivers]: 'sink-drivers' },
    });
    const observe = { logger: silentLogger, metrics: new Metrics() };
    const sinks = [
      new TableSink(elsewhere, TOPICS.telemetry, 'sink-telemetry', analytics.writer, TELEMETRY, observe, {
        lingerMs: 0,
      }),
      new TableSink(elsewhere, TOPICS.drivers, 'sink-drivers', analytics.writer, DRIVER_EVENTS, observe, {
        lingerMs: 0,
      }),
    ];
    for (const sink of sinks) sink.start();
    const producer = elsewhere.producer();
    await producer.send(TOPICS.drivers, [
      {
        key: phone,
        value: card(phone, t0 + 5 * SECOND, 'Q123', {
          received_at: Date.now(),
          certificate_valid_until: t0 - 86_400_000,
        }),
      },
    ]);
    await producer.send(
      TOPICS.telemetry,
      [10, 20, 30].map((s) => ({ key: phone, value: fix(phone, t0 + s * SECOND, { received_at: Date.now() }) })),
    );
    await elsewhere.close();
    for (const sink of sinks) await sink.stop();
    await crashed.stop();
    copyFileSync(`${snapshotFile}.at-crash`, snapshotFile);

    const restarted = await processOf();
    const mismatch = (await restarted.alarms()).filter((a) => a.terminal_id === phone && a.rule === 'driver_mismatch');
    expect(mismatch.map((a) => [a.started_at, JSON.parse(a.details).driver_id])).toEqual([[t0 + 5 * SECOND, 'Q123']]);
    await restarted.stop();
  });
});

describe('the replay cursor', () => {
  it("covers a JT/T 808 batch with a bad item: its good rows are sent in the turn that stamped them, not after the bad one's dead-letter is durable", async () => {
    const sql = await openOperational({ kind: 'memory' });
    const log = new MemoryLog({
      partitions: 1,
      backlogPerPartitionMax: 1_000,
      durableGroups: { [TOPICS.telemetry]: 'sink-telemetry', [TOPICS.rejects]: 'sink-rejects' },
    });
    // Stand-ins for the sinks: positions durable at once, dead-letters after an insert longer than the cursor's
    // margin (a loaded store).
    const rejectInsertMs = 2 * RECEIVE_TO_SEND_MS_MAX;
    const sent: LogRecord<TelemetryRow>[] = [];
    let running = true;
    const telemetrySink = log.consumer<TelemetryRow>('sink-telemetry', TOPICS.telemetry);
    const rejectsSink = log.consumer<unknown>('sink-rejects', TOPICS.rejects);
    const sinks = [
      (async () => {
        while (running) {
          const records = await telemetrySink.poll(100, 20);
          sent.push(...records);
          telemetrySink.commit(records);
        }
      })(),
      (async () => {
        while (running) {
          const records = await rejectsSink.poll(100, 20);
          if (records.length === 0) continue;
          await new Promise((r) => setTimeout(r, rejectInsertMs));
          rejectsSink.commit(records);
        }
      })(),
    ];
    const gateway = new Jt808Gateway(
      { ...GATEWAY_DEFAULTS, host: '127.0.0.1', port: 0, mediaDir: path.join(dataDir, 'media') },
      { log, directory: new TerminalStore(sql), logger: silentLogger, metrics: new Metrics() },
    );
    const port = await gateway.listen();
    const terminal = new SimulatedTerminal({ phone: '013900000077', plate: '豫A7B077', plateColor: 2, version: 2013 });
    try {
      await terminal.connect('127.0.0.1', port);
      await terminal.logIn();
      const now = Date.now();
      const item = (lat: number, time: number) =>
        locationBody({ lat, lon: 113.6, speedKmh: 60, directionDeg: 0, time }, 2013);
      // Latitude 95 fails to decode: a dead-letter, the other item a row.
      const items = [item(95, now - 2_000), item(34.7, now - 1_000)];
      const reply = await terminal.request({ msgId: 0x0704, body: { type: 1, count: 2, items, errors: [] } });
      expect(reply.body).toMatchObject({ result: 0 });
      expect(sent.map((r) => r.value.terminal_id)).toEqual(['013900000077']);
      // A snapshot's cursor is the earliest send still in flight less the margin: the row's send must be within it.
      expect(sent[0].timestamp - sent[0].value.received_at).toBeLessThan(RECEIVE_TO_SEND_MS_MAX);
    } finally {
      terminal.close();
      await gateway.close();
      running = false;
      await log.close();
      await Promise.all(sinks);
      await sql.close();
    }
  });
});
