/**
 * The steps the crash tests share (tests/rules-crash.e2e.test.ts, tests/kafka-node.e2e.test.ts): JT/T 808
 * terminals reporting fixes one by one, each acknowledged (so durable) before the next; the overspeed alarm rows
 * of a terminal; a metric of the node; and the kill -9 followed by a restart on the same data dir, with how many
 * input rows the restarted node re-read before it was ready.
 */
import { SimulatedTerminal } from '../../cli/demo/simulated-terminal.js';
import { locationBody } from '../../cli/demo/location.js';
import { startVigil, type StartOptions, type VigilProcess } from './vigil-process.js';

export interface Fix {
  speedKmh: number;
  /** Device time, epoch ms. */
  time: number;
}

/** Where the fixes are: in Zhengzhou, heading east 50 m a fix. */
const FIX_LAT_DEG = 34.75;
const FIX_LON_DEG = 113.62;
const FIX_STEP_LON_DEG = 0.0005;

/** A JT/T 808 2013 terminal connected to the node and logged in. */
export async function loggedInTerminal(node: VigilProcess, phone: string, plate: string): Promise<SimulatedTerminal> {
  const terminal = new SimulatedTerminal({ phone, plate, plateColor: 2, version: 2013 });
  await terminal.connect('127.0.0.1', node.jt808Port);
  await terminal.logIn();
  return terminal;
}

/**
 * Sends fixes one by one, each waiting for its 0x8001; returns the device times acknowledged. Throws on a reply
 * other than 0 (success), naming the fix.
 */
export async function reportFixes(terminal: SimulatedTerminal, fixes: readonly Fix[]): Promise<number[]> {
  const acknowledged: number[] = [];
  for (const [i, { speedKmh, time }] of fixes.entries()) {
    const reply = await terminal.request({
      msgId: 0x0200,
      body: locationBody(
        { lat: FIX_LAT_DEG, lon: FIX_LON_DEG + i * FIX_STEP_LON_DEG, speedKmh, directionDeg: 90, time },
        2013,
      ),
    });
    const result = (reply.body as { result?: unknown }).result;
    if (result !== 0) throw new Error(`fix ${i} (time ${time}) was answered with result ${String(result)}, not 0`);
    acknowledged.push(time);
  }
  return acknowledged;
}

/** One sample of the node's /metrics, by name and label set (`{topic="…"}`); undefined when absent. */
export async function metricOf(node: VigilProcess, name: string, labels = ''): Promise<number | undefined> {
  const text = await (await fetch(`${node.baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

/**
 * A terminal's overspeed alarms as ClickHouse holds them: distinct ids, the newest version stored (0 when none),
 * whether that version is closed, and how many (id, version) pairs are stored more than once.
 *
 * `alarms` is a ReplacingMergeTree on `alarm_id`: an insert holding versions 1 and 2 of one id stores version 2
 * alone, and merges replace older versions later. So the rows say which version is the newest and whether a version
 * was stored twice, never how many versions were raised (that is the alarms topic's, or the feed's, to say).
 */
export async function overspeedRows(
  node: VigilProcess,
  phone: string,
): Promise<{ alarmIds: number; version: number; closed: boolean; duplicates: number }> {
  const { rows } = await node.sql<[string, string, string, string]>(
    `SELECT uniqExact(alarm_id), toString(max(version)), toString(argMax(isNotNull(ended_at), version)), ` +
      `toString(count() - uniqExact(alarm_id, version)) FROM alarms WHERE terminal_id = '${phone}' AND rule = 'overspeed'`,
  );
  const [ids, version, closed, duplicates] = rows[0];
  return { alarmIds: Number(ids), version: Number(version), closed: closed === '1', duplicates: Number(duplicates) };
}

/**
 * Kills the node with SIGKILL, as a crash would, and starts it again on the same data dir with `options`; returns
 * the new node and how many input rows its rules re-read before it was ready (`vigil_rules_replayed_total`).
 */
export async function crashAndRestart(
  node: VigilProcess,
  options: Omit<StartOptions, 'dataDir'> = {},
): Promise<{ node: VigilProcess; replayed: number }> {
  await node.crash();
  const restarted = await startVigil({ ...options, dataDir: node.dataDir });
  return { node: restarted, replayed: (await metricOf(restarted, 'vigil_rules_replayed_total')) ?? 0 };
}
