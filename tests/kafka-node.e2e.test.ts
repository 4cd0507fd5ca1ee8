/**
 * Issue #15: a whole node (gateway, rules, sinks, feed, centre) on Apache Kafka. A real single-node broker
 * (scripts/kafka.sh) and `vigil start --kafka-brokers` as a child process; JT/T 808 terminals report fixes, one of
 * them an overspeed episode.
 *
 * - Every fix acknowledged with a 0x8001 is in ClickHouse once, across a clean stop (SIGTERM) and a `kill -9`.
 * - The rules commit their Kafka offsets only with a snapshot (interval one hour here, so after the start-up one
 *   none does): after the kill the group re-reads every fix since, and the node re-evaluates them before it is
 *   ready. The overspeed episode opened before the first stop is closed after it under the same id, and no alarm
 *   version is ever sent to the alarms topic twice, nor stored twice.
 * - A start against topics with another partition count, and a malformed broker list, are refused naming why.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmListAnswer, AlarmRow } from '../schema/index.js';
import { KAFKA_LOG_DEFAULTS, KafkaLog, TOPICS } from '../stream/index.js';
import {
  crashAndRestart,
  loggedInTerminal,
  metricOf as metric,
  overspeedRows,
  reportFixes,
  type Fix,
} from './support/crash-restart.js';
import { startKafkaBroker, type KafkaBroker } from './support/kafka-broker.js';
import { refusedStart } from './support/start-refusal.js';
import { eventually, startVigil, type VigilProcess, vigilMainArgs } from './support/vigil-process.js';

const SPEEDER = '013966600001';
const STEADY = ['013966600002', '013966600003'];
const PHONES = [SPEEDER, ...STEADY];
const PARTITIONS = 4;
const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-kafka-node-'));
let broker: KafkaBroker;
let vigil: VigilProcess | undefined;
/** Device times (ms) of every fix a 0x8001 acknowledged, per terminal. */
const acknowledged = new Map<string, Set<number>>(PHONES.map((p) => [p, new Set()]));

beforeAll(async () => {
  broker = await startKafkaBroker();
});

afterAll(async () => {
  await vigil?.stop();
  await broker?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function args(): string[] {
  return [
    '--kafka-brokers',
    broker.brokers,
    '--log-partitions',
    String(PARTITIONS),
    '--rules-snapshot-interval-s',
    '3600',
    '--log-level',
    'warn',
  ];
}

/** Sends fixes one by one from the terminal's own connection, each waiting for its 0x8001, and notes them. */
async function report(node: VigilProcess, phone: string, fixes: Fix[]): Promise<void> {
  const terminal = await loggedInTerminal(node, phone, `豫A6K${phone.slice(-3)}`);
  try {
    for (const time of await reportFixes(terminal, fixes)) acknowledged.get(phone)?.add(time);
  } finally {
    terminal.close();
  }
}

function steady(from: number, count: number): Fix[] {
  return Array.from({ length: count }, (_, i) => ({ speedKmh: 60, time: from + i * 1_000 }));
}

function acknowledgedCount(): number {
  let total = 0;
  for (const times of acknowledged.values()) total += times.size;
  return total;
}

const IN_PHONES = `terminal_id IN (${PHONES.map((p) => `'${p}'`).join(', ')})`;

/** Rows stored and distinct fixes among them, of the test's terminals. */
async function telemetryRows(node: VigilProcess): Promise<{ rows: number; fixes: number }> {
  const { rows } = await node.sql<[string, string]>(
    `SELECT count(), uniqExact(terminal_id, ts) FROM telemetry WHERE ${IN_PHONES}`,
  );
  return { rows: Number(rows[0][0]), fixes: Number(rows[0][1]) };
}

/** Every acknowledged fix is stored, and each once. */
async function expectEveryFixOnce(node: VigilProcess): Promise<void> {
  const expected = acknowledgedCount();
  const stored = await eventually(
    async () => {
      const s = await telemetryRows(node);
      return s.rows >= expected ? s : undefined;
    },
    30_000,
    `${expected} fixes in ClickHouse`,
  );
  expect(stored).toEqual({ rows: expected, fixes: expected });
  const { rows } = await node.sql<[string, string]>(
    `SELECT terminal_id, toString(toUnixTimestamp64Milli(ts)) FROM telemetry WHERE ${IN_PHONES}`,
  );
  const storedTimes = new Map<string, number[]>();
  for (const [phone, ts] of rows) storedTimes.set(phone, [...(storedTimes.get(phone) ?? []), Number(ts)]);
  for (const phone of PHONES)
    expect((storedTimes.get(phone) ?? []).sort((a, b) => a - b)).toEqual(
      [...(acknowledged.get(phone) ?? [])].sort((a, b) => a - b),
    );
}

/** The sinks' commits of everything they read are acknowledged by the broker. */
async function sinksCommitted(node: VigilProcess): Promise<void> {
  for (const [topic, group] of [
    [TOPICS.telemetry, 'sink-telemetry'],
    [TOPICS.alarms, 'sink-alarms'],
  ])
    await eventually(
      async () =>
        (await metric(node, 'vigil_log_lag', `{topic="${topic}",group="${group}"}`)) === 0 ? true : undefined,
      30_000,
      `${group} committed`,
    );
}

/** (alarm_id, version) of every overspeed alarm record in the alarms topic, as the broker holds it. */
async function alarmsInTopic(): Promise<string[]> {
  const log = await KafkaLog.connect({
    ...KAFKA_LOG_DEFAULTS,
    brokers: broker.brokers,
    partitions: PARTITIONS,
    topics: Object.values(TOPICS),
    clientId: 'vigil-test',
    connectTimeoutMs: 20_000,
  });
  try {
    const records = await log.readSince<AlarmRow>(TOPICS.alarms, 0);
    return records
      .filter((r) => r.value.rule === 'overspeed' && PHONES.includes(r.value.terminal_id))
      .map((r) => `${r.value.terminal_id}:${r.value.alarm_id}:${r.value.version}`)
      .sort();
  } finally {
    await log.close();
  }
}

describe('a node on Kafka (vigil start --kafka-brokers)', () => {
  it('stores every acknowledged fix once and raises the overspeed alarm once, across SIGTERM and kill -9', async () => {
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 120_000;
    vigil = await startVigil({ dataDir, args: args() });

    // An overspeed episode opens; two other vehicles drive steadily.
    await report(vigil, SPEEDER, [
      { speedKmh: 60, time: t0 },
      { speedKmh: 130, time: t0 + 1_000 },
      { speedKmh: 130, time: t0 + 2_000 },
    ]);
    for (const phone of STEADY) await report(vigil, phone, steady(t0, 5));
    await expectEveryFixOnce(vigil);
    await eventually(
      async () => ((await overspeedRows(vigil!, SPEEDER)).alarmIds > 0 ? true : undefined),
      30_000,
      'the overspeed alarm stored',
    );
    expect(await overspeedRows(vigil, SPEEDER)).toEqual({ alarmIds: 1, version: 1, closed: false, duplicates: 0 });

    // A clean stop: sinks and rules commit what they did before the log closes.
    expect(await vigil.stop()).toBe(0);
    vigil = await startVigil({ dataDir, args: args() });
    await expectEveryFixOnce(vigil);

    // The episode goes on after the restart and closes: the same alarm, version 2.
    await report(vigil, SPEEDER, [
      { speedKmh: 130, time: t0 + 20_000 },
      { speedKmh: 60, time: t0 + 21_000 },
    ]);
    for (const phone of STEADY) await report(vigil, phone, steady(t0 + 20_000, 5));
    await expectEveryFixOnce(vigil);
    const closed = await eventually(
      async () => {
        const s = await overspeedRows(vigil!, SPEEDER);
        return s.closed ? s : undefined;
      },
      30_000,
      'the overspeed alarm closed',
    );
    expect(closed).toEqual({ alarmIds: 1, version: 2, closed: true, duplicates: 0 });

    // A steady vehicle speeds just before the crash: its alarm is stored, the rules' offsets are not committed.
    await report(vigil, STEADY[0], [
      { speedKmh: 130, time: t0 + 40_000 },
      { speedKmh: 130, time: t0 + 41_000 },
    ]);
    await eventually(
      async () => ((await overspeedRows(vigil!, STEADY[0])).alarmIds > 0 ? true : undefined),
      30_000,
      "the second vehicle's alarm stored",
    );
    await sinksCommitted(vigil);
    const restarted = await crashAndRestart(vigil, { args: args() });
    vigil = restarted.node;
    // Before it was ready, the node re-read from Kafka every fix the rules' last snapshot did not cover.
    expect(restarted.replayed).toBeGreaterThanOrEqual(14);
    await report(vigil, STEADY[1], steady(t0 + 60_000, 3));
    await expectEveryFixOnce(vigil);
    await sinksCommitted(vigil);
    expect(await overspeedRows(vigil, SPEEDER)).toEqual({ alarmIds: 1, version: 2, closed: true, duplicates: 0 });
    expect(await overspeedRows(vigil, STEADY[0])).toEqual({ alarmIds: 1, version: 1, closed: false, duplicates: 0 });
    expect(await overspeedRows(vigil, STEADY[1])).toEqual({ alarmIds: 0, version: 0, closed: false, duplicates: 0 });

    // The alarms topic itself holds each version once: the re-evaluation after the crash sent none again.
    const sent = await alarmsInTopic();
    expect(sent).toHaveLength(3);
    expect(new Set(sent).size).toBe(3);
    expect(sent.filter((s) => s.startsWith(SPEEDER)).map((s) => s.split(':')[2])).toEqual(['1', '2']);

    // The overspeed episode is one alarm on the command centre's queue too.
    const token = await vigil.login();
    const queue = await eventually(
      async () => {
        const res = await fetch(`${vigil!.baseUrl}/api/alarms?limit=500`, {
          headers: { authorization: `Bearer ${token}` },
        });
        return res.status === 200 ? ((await res.json()) as AlarmListAnswer) : undefined;
      },
      15_000,
      'the alarm queue',
    );
    const speederCases = queue.alarms.filter((a) => a.terminal_id === SPEEDER && a.rule === 'overspeed');
    expect(speederCases).toHaveLength(1);
    expect(await vigil.stop()).toBe(0);
    vigil = undefined;
  }, 420_000);

  it('refuses to start on topics with another partition count, and a malformed broker list, naming them', () => {
    const cli = (extra: string[]): { status: number | null; stderr: string } => {
      const run = spawnSync(
        process.execPath,
        [...vigilMainArgs(), 'start', '--data-dir', path.join(dataDir, 'refused'), '--http-port', '0', ...extra],
        { encoding: 'utf8', timeout: 120_000 },
      );
      return { status: run.status, stderr: run.stderr };
    };
    const malformed = refusedStart(path.join(dataDir, 'refused'), ['--kafka-brokers', '127.0.0.1']);
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toContain('--kafka-brokers (VIGIL_KAFKA_BROKERS) value "127.0.0.1" must be host:port');
    const mismatch = cli(['--kafka-brokers', broker.brokers, '--log-partitions', String(PARTITIONS * 2)]);
    expect(mismatch.status).toBe(1);
    expect(mismatch.stderr).toContain(`topic vigil.telemetry has ${PARTITIONS} partitions`);
    expect(mismatch.stderr).toContain(`configured for ${PARTITIONS * 2}`);
  });
});
