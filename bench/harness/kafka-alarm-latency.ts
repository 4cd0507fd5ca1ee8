/**
 * Alarm latency through Kafka, as the benchmarks of the node split into roles take it (bench/kafka-roles.ts,
 * bench/kafka-partitions.ts): sample terminals each send a normal fix and then one at 130 km/h (an overspeed alarm at
 * once); one sample is the time from reading that fix's 0x8001 to reading its `alarm` message on a centre's feed
 * (/ws?positions=none): gateway → Kafka → stream worker → Kafka → centre.
 */
import WebSocket from 'ws';
import { locationBody } from '../../cli/demo/location.js';
import { SimulatedTerminal } from '../../cli/demo/simulated-terminal.js';
import type { FeedServerMessage } from '../../schema/index.js';
import type { VigilProcess } from '../../tests/support/vigil-process.js';

/** Sample terminals' numbers start here, far from any load client's. */
const SAMPLE_FIRST_PHONE = 16_900_000_000;
const ALARM_WAIT_MS_MAX = 15_000;

/** The centre's feed: when each terminal's first alarm arrived (performance.now()). */
export async function alarmTimes(center: VigilProcess): Promise<{ alarmAt: Map<string, number>; close(): void }> {
  const socket = new WebSocket(`ws://127.0.0.1:${center.httpPort}/ws?token=${await center.login()}&positions=none`);
  const alarmAt = new Map<string, number>();
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as FeedServerMessage;
    if (message.type === 'alarm' && !alarmAt.has(message.alarm.terminal_id))
      alarmAt.set(message.alarm.terminal_id, performance.now());
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return { alarmAt, close: () => socket.close() };
}

/**
 * One violating fix per sample terminal (numbers from SAMPLE_FIRST_PHONE + `from`, logged in at `jt808Port`), timed
 * from its 0x8001 to its alarm on the feed; ms, sorted.
 */
export async function sampleAlarms(
  jt808Port: number,
  alarmAt: Map<string, number>,
  from: number,
  count: number,
): Promise<{ latencies: number[]; missing: number }> {
  const latencies: number[] = [];
  let missing = 0;
  for (let i = from; i < from + count; i++) {
    const phone = String(SAMPLE_FIRST_PHONE + i).padStart(12, '0');
    const terminal = new SimulatedTerminal({
      phone,
      plate: `豫S${String(i).padStart(5, '0')}`,
      plateColor: 2,
      version: 2013,
    });
    await terminal.connect('127.0.0.1', jt808Port);
    try {
      await terminal.logIn();
      const now = Math.floor(Date.now() / 1000) * 1000;
      const body = (speedKmh: number, time: number) =>
        locationBody({ lat: 34.75, lon: 113.62 + (i % 100) * 0.001, speedKmh, directionDeg: 90, time }, 2013);
      await terminal.request({ msgId: 0x0200, body: body(60, now - 30_000) });
      await terminal.request({ msgId: 0x0200, body: body(130, now) });
      const ackedAt = performance.now();
      const deadline = Date.now() + ALARM_WAIT_MS_MAX;
      while (!alarmAt.has(phone) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
      const at = alarmAt.get(phone);
      if (at === undefined) missing++;
      else latencies.push(at - ackedAt);
    } finally {
      terminal.close();
    }
  }
  return { latencies: latencies.sort((a, b) => a - b), missing };
}

export function latencyFigures({
  latencies,
  missing,
}: {
  latencies: number[];
  missing: number;
}): Record<string, number> {
  const q = (p: number): number =>
    latencies.length === 0 ? 0 : latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)];
  const round = (x: number): number => Math.round(x * 10) / 10;
  return {
    samples: latencies.length,
    missing,
    p50_ms: round(q(0.5)),
    p99_ms: round(q(0.99)),
    max_ms: round(latencies.at(-1) ?? 0),
  };
}
