/**
 * Issue #15, failover of a gateway: two gateways, a stream worker and a centre as separate `vigil start --role …`
 * processes on a real Kafka broker and a real PostgreSQL server. Terminals report through both gateways, each fix
 * waiting for its 0x8001; one gateway is killed with SIGKILL while they report. Its terminals reconnect to the
 * other gateway (their auth codes are in the shared PostgreSQL server), log in again and retransmit the fix that
 * was not acknowledged, as a terminal does.
 *
 * - No acknowledged fix is lost: every one is in the centre's ClickHouse.
 * - No fix is stored twice: `FINAL` (the replacing engine's view) holds each (terminal, time) once. A fix that
 *   reached Kafka but whose 0x8001 died with the gateway is retransmitted, so it may sit in the table twice until
 *   ClickHouse merges the parts; the test reports how many such rows it saw.
 * - An overspeed episode that starts on the killed gateway and ends on the other is one alarm, opened once and closed
 *   once: the alarms topic holds its two versions once each, and ClickHouse's latest version of it is the closing
 *   one. (The `alarms` table is a replacing one on `alarm_id`: versions inserted together, or merged, leave only the
 *   newest row, so counting its rows says nothing about which versions were raised; the topic does.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationBody } from '../cli/demo/location.js';
import { SimulatedTerminal } from '../cli/demo/simulated-terminal.js';
import type { AlarmRow, TelemetryRow } from '../schema/index.js';
import { KAFKA_LOG_DEFAULTS, KafkaLog, TOPICS, type LogRecord } from '../stream/index.js';
import { metricOf, overspeedRows } from './support/crash-restart.js';
import { RoleCluster } from './support/role-cluster.js';
import { eventually, until, type VigilProcess } from './support/vigil-process.js';

const PARTITIONS = 4;
const TERMINALS = 6;
const FIXES_PER_TERMINAL = 30;
/** Terminal 0 speeds from this fix to the one before SPEEDING_UNTIL: the gateway dies in between. */
const SPEEDING_FROM = 5;
const SPEEDING_UNTIL = 25;
/** Killed once terminal 0 has this many fixes acknowledged: in the middle of its episode, a third of its fixes. */
const KILL_AFTER_SPEEDER_FIXES = 10;
/** Between a terminal's fixes, so that the kill lands while every terminal still has fixes to send. */
const FIX_PACING_MS = 50;
/** A terminal whose gateway does not answer within this gives up on it and reconnects to the other. */
const REPLY_TIMEOUT_MS = 5_000;
const phoneOf = (i: number): string => `0139888000${String(i).padStart(2, '0')}`;
const PHONES = Array.from({ length: TERMINALS }, (_, i) => phoneOf(i));
const SPEEDER = PHONES[0];

let cluster: RoleCluster;

beforeAll(async () => {
  cluster = await RoleCluster.start('gateway-failover', 'vigil_gateway_failover', PARTITIONS);
});

afterAll(() => cluster?.stop());

const startRole = (role: string, name: string): Promise<VigilProcess> => cluster.startRole(role, name);

/**
 * A terminal that reports its fixes one by one, each until a 0x8001 acknowledges it, on whichever gateway answers:
 * when its gateway goes away it logs in on the next one and sends the same fix again.
 */
async function drive(
  index: number,
  gateways: readonly VigilProcess[],
  t0: number,
  acknowledged: number[],
  onAck: () => void,
): Promise<{ reconnects: number; reconnectedAtFix: number[] }> {
  const phone = phoneOf(index);
  let at = index % gateways.length;
  let terminal: SimulatedTerminal | undefined;
  let reconnects = -1;
  const reconnectedAtFix: number[] = [];
  for (let fix = 0; fix < FIXES_PER_TERMINAL;) {
    try {
      if (terminal === undefined || !terminal.connected) {
        terminal?.close();
        terminal = new SimulatedTerminal({ phone, plate: `豫A8F${phone.slice(-3)}`, plateColor: 2, version: 2013 });
        await terminal.connect('127.0.0.1', gateways[at].jt808Port);
        await terminal.logIn();
        if (++reconnects > 0) reconnectedAtFix.push(fix);
      }
      const speeding = index === 0 && fix >= SPEEDING_FROM && fix < SPEEDING_UNTIL;
      const time = t0 + fix * 1_000;
      const reply = await terminal.request(
        {
          msgId: 0x0200,
          body: locationBody(
            { lat: 34.75, lon: 113.62 + fix * 0.0005, speedKmh: speeding ? 130 : 60, directionDeg: 90, time },
            2013,
          ),
        },
        { timeoutMs: REPLY_TIMEOUT_MS, retries: 0 },
      );
      if ((reply.body as { result?: unknown }).result !== 0) throw new Error(`fix ${fix} refused`);
      acknowledged.push(time);
      onAck();
      fix++;
      await new Promise((resolve) => setTimeout(resolve, FIX_PACING_MS));
    } catch {
      // The gateway is gone (or did not answer): the next one, and the same fix again.
      terminal?.close();
      terminal = undefined;
      at = (at + 1) % gateways.length;
    }
  }
  terminal?.close();
  return { reconnects, reconnectedAtFix };
}

/** Every record of `topic` from its start, read outside any group, in the order of each partition. */
async function readTopic<T>(topic: string): Promise<LogRecord<T>[]> {
  const log = await KafkaLog.connect({
    ...KAFKA_LOG_DEFAULTS,
    brokers: cluster.broker.brokers,
    partitions: PARTITIONS,
    topics: Object.values(TOPICS),
    clientId: 'vigil-test',
    connectTimeoutMs: 20_000,
  });
  try {
    return (await log.readSince<T>(topic, 0)).sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  } finally {
    await log.close();
  }
}

describe('a gateway killed while terminals report (vigil start --role gateway, twice)', () => {
  it('loses no acknowledged fix, keeps each once after FINAL, and its terminals go on through the other gateway', async () => {
    const [centre, stream, doomed, survivor] = await Promise.all([
      startRole('center', 'center'),
      startRole('stream', 'stream'),
      startRole('gateway', 'gateway-a'),
      startRole('gateway', 'gateway-b'),
    ]);
    const gateways = [doomed, survivor];

    const t0 = Math.floor(Date.now() / 1000) * 1000 - 300_000;
    const acknowledged = PHONES.map(() => [] as number[]);
    let acknowledgedTotal = 0;
    const driving = PHONES.map((_, i) => drive(i, gateways, t0, acknowledged[i], () => acknowledgedTotal++));
    await until(
      () => acknowledged[0].length >= KILL_AFTER_SPEEDER_FIXES,
      120_000,
      `${KILL_AFTER_SPEEDER_FIXES} fixes of the speeder acknowledged`,
    );
    await doomed.crash();
    const killedAt = acknowledgedTotal;
    const outcomes = await Promise.all(driving);

    // The kill came while they reported, and the terminals of the dead gateway moved to the other; the speeder moved
    // once, in the middle of its episode, so the episode began on the dead gateway and ended on the other.
    expect(killedAt).toBeLessThan(TERMINALS * FIXES_PER_TERMINAL);
    const moved = outcomes.filter((o, i) => i % 2 === 0 && o.reconnects >= 1).length;
    expect(moved).toBe(TERMINALS / 2);
    expect(outcomes[0].reconnectedAtFix[0]).toBeGreaterThan(SPEEDING_FROM);
    expect(outcomes[0].reconnectedAtFix[0]).toBeLessThan(SPEEDING_UNTIL);
    for (const times of acknowledged) expect(times).toHaveLength(FIXES_PER_TERMINAL);
    const expected = TERMINALS * FIXES_PER_TERMINAL;

    // Every acknowledged fix is in the centre's ClickHouse; FINAL holds each once.
    const inPhones = `terminal_id IN (${PHONES.map((p) => `'${p}'`).join(', ')})`;
    const stored = await eventually(
      async () => {
        const { rows } = await centre.sql<[string, string]>(
          `SELECT count(), uniqExact(terminal_id, ts) FROM telemetry WHERE ${inPhones}`,
        );
        const [count, distinct] = rows[0].map(Number);
        return distinct >= expected ? { count, distinct } : undefined;
      },
      60_000,
      `${expected} distinct fixes in the centre's ClickHouse`,
    );
    expect(stored.distinct).toBe(expected);
    const { rows: final } = await centre.sql<[string]>(`SELECT count() FROM telemetry FINAL WHERE ${inPhones}`);
    expect(Number(final[0][0])).toBe(expected);
    // At most the fix each terminal of the dead gateway had in flight may sit twice before a merge.
    expect(stored.count - expected).toBeLessThanOrEqual(TERMINALS / 2);
    const { rows: storedTimes } = await centre.sql<[string, string]>(
      `SELECT DISTINCT terminal_id, toString(toUnixTimestamp64Milli(ts)) FROM telemetry WHERE ${inPhones}`,
    );
    PHONES.forEach((phone, i) =>
      expect(
        storedTimes
          .filter(([p]) => p === phone)
          .map(([, ts]) => Number(ts))
          .sort((a, b) => a - b),
      ).toEqual([...acknowledged[i]].sort((a, b) => a - b)),
    );

    // The speeder's episode, begun on the killed gateway and ended on the other, is one alarm, closed: ClickHouse's
    // latest version of it (FINAL) is the closing one, once the sink has stored it.
    const inClickHouse = await eventually(
      async () => {
        const { rows } = await centre.sql<[string, string, string | null]>(
          `SELECT alarm_id, toString(version), toString(ended_at) FROM alarms FINAL WHERE terminal_id = '${SPEEDER}' AND rule = 'overspeed'`,
        );
        return rows.length === 1 && rows[0][2] !== null ? rows : undefined;
      },
      60_000,
      "the speeder's overspeed alarm stored closed",
    );
    const alarm = await overspeedRows(centre, SPEEDER);
    expect(alarm.alarmIds).toBe(1);
    // No version stored twice (among the rows not yet replaced by a newer one).
    expect(alarm.duplicates).toBe(0);
    for (const phone of PHONES.slice(1)) expect((await overspeedRows(centre, phone)).alarmIds).toBe(0);

    // What the stream worker raised: opened once and closed once, each version sent once, all under one id (one
    // terminal's alarms are on one partition, in the order sent).
    const sent = (await readTopic<AlarmRow>(TOPICS.alarms))
      .map((r) => r.value)
      .filter((a) => a.rule === 'overspeed' && a.terminal_id === SPEEDER);
    expect(sent.map((a) => [a.alarm_id, a.version, a.ended_at !== null])).toEqual([
      [inClickHouse[0][0], 1, false],
      [inClickHouse[0][0], 2, true],
    ]);
    expect(inClickHouse[0][1]).toBe('2');
    expect(await metricOf(stream, 'vigil_alarms_opened_total', '{rule="overspeed"}')).toBe(1);
    // The fix each terminal of the dead gateway had in flight may have reached Kafka twice: the rules skip the
    // second copy as their vehicle's newest fix again, and nothing else.
    const fixesInKafka = (await readTopic<TelemetryRow>(TOPICS.telemetry)).filter((r) =>
      PHONES.includes(r.value.terminal_id),
    ).length;
    expect(fixesInKafka - expected).toBeLessThanOrEqual(TERMINALS / 2);
    const duplicatesSkipped = (await metricOf(stream, 'vigil_rules_skipped_total', '{reason="duplicate"}')) ?? 0;
    expect(duplicatesSkipped).toBe(fixesInKafka - expected);
    expect((await metricOf(stream, 'vigil_rules_skipped_total', '{reason="already_evaluated"}')) ?? 0).toBe(0);
    expect((await metricOf(stream, 'vigil_rules_late_total')) ?? 0).toBe(0);
    console.log(
      JSON.stringify({
        gateway_failover: {
          fixes_acknowledged: expected,
          acknowledged_before_kill: killedAt,
          rows_before_merge: stored.count,
          fixes_in_kafka: fixesInKafka,
          speeder_moved_at_fix: outcomes[0].reconnectedAtFix[0],
          alarm_versions_sent: sent.length,
          alarm_version_stored: alarm.version,
          duplicates_skipped: duplicatesSkipped,
          rows_final: Number(final[0][0]),
        },
      }),
    );
  }, 420_000);
});
