/**
 * Acknowledged JT/T 808 fixes per second through Kafka with the node split into roles: a real single-node broker
 * (scripts/kafka.sh), a PostgreSQL server, a centre, a stream worker and 1 or more gateways, each a `vigil start`
 * child process. Terminals (in load-client processes of their own, one per gateway) keep `--window` 0x0200 frames
 * in flight each; a 0x8001 here means "in Kafka with acks=all". Every process shares the machine, broker included.
 *
 * Alarm latency through Kafka: `--alarm-samples` other terminals, on the first gateway, each send a normal fix and
 * then one at 130 km/h (an overspeed alarm at once); one sample is the time from reading that fix's 0x8001 to
 * reading its `alarm` message on the centre's feed (/ws): gateway → Kafka → stream worker → Kafka → centre. Taken
 * with the machine otherwise idle, then while the measured load runs.
 *
 *   npx tsx bench/kafka-roles.ts [--gateways 1] [--terminals 200] [--window 4] [--seconds 10] [--alarm-samples 20]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { locationBody } from '../cli/demo/location.js';
import { SimulatedTerminal } from '../cli/demo/simulated-terminal.js';
import type { FeedServerMessage } from '../schema/index.js';
import { LoadClientProcess } from './jt808-load-client-process.js';
import { startKafkaBroker } from '../tests/support/kafka-broker.js';
import { createDatabase, startPostgresServer } from '../tests/support/postgres-server.js';
import { startVigil, type VigilProcess } from '../tests/support/vigil-process.js';

const FIRST_PHONE = 13_900_000_000;
const SAMPLE_FIRST_PHONE = 16_900_000_000;
const PARTITIONS = 8;
const ALARM_WAIT_MS_MAX = 15_000;

const { values } = parseArgs({
  options: {
    gateways: { type: 'string', default: '1' },
    terminals: { type: 'string', default: '200' },
    window: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '10' },
    'alarm-samples': { type: 'string', default: '20' },
  },
});
const alarmSamples = Number(values['alarm-samples']);
const gatewayCount = Number(values.gateways);
const terminals = Number(values.terminals);
const window = Number(values.window);
const seconds = Number(values.seconds);

/** The centre's feed: when each terminal's first alarm arrived (performance.now()). */
async function alarmTimes(center: VigilProcess): Promise<{ alarmAt: Map<string, number>; close(): void }> {
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

/** One violating fix per sample terminal, timed from its 0x8001 to its alarm on the feed; ms, sorted. */
async function sampleAlarms(
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

function latencyFigures({ latencies, missing }: { latencies: number[]; missing: number }): Record<string, number> {
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

const root = mkdtempSync(path.join(tmpdir(), 'vigil-bench-kafka-roles-'));
const [broker, postgres] = await Promise.all([startKafkaBroker(), startPostgresServer()]);
const processes: VigilProcess[] = [];
const clients: LoadClientProcess[] = [];
try {
  const postgresUrl = await createDatabase(postgres, 'vigil_bench');
  const start = async (role: string, name: string): Promise<VigilProcess> => {
    const node = await startVigil({
      dataDir: path.join(root, name),
      args: [
        '--role',
        role,
        '--kafka-brokers',
        broker.brokers,
        '--postgres-url',
        postgresUrl,
        '--log-partitions',
        String(PARTITIONS),
        '--log-level',
        'warn',
      ],
    });
    processes.push(node);
    return node;
  };
  const [center] = await Promise.all([start('center', 'center'), start('stream', 'stream')]);
  const gateways: VigilProcess[] = [];
  for (let g = 0; g < gatewayCount; g++) gateways.push(await start('gateway', `gateway-${g}`));
  const perGateway = Math.ceil(terminals / gatewayCount);
  for (const [g, gateway] of gateways.entries()) {
    const client = new LoadClientProcess();
    clients.push(client);
    const connected = await client.ask<'connected'>({
      cmd: 'connect',
      port: gateway.jt808Port,
      count: perGateway,
      firstPhone: FIRST_PHONE + g * perGateway,
      authCode: '',
      register: true,
      firstPlateIndex: g * perGateway,
      concurrency: 50,
    });
    if (connected.connected < perGateway)
      throw new Error(`gateway ${g}: ${connected.failed} of ${perGateway} terminals could not log in`);
  }
  const framesPerTerminal = Math.min(2_000, Math.ceil((60_000 * seconds) / terminals));
  const feed = await alarmTimes(center);
  // A short warm-up (JIT, producer connections, partition leaders), then the measured load on every gateway at once.
  await Promise.all(clients.map((c) => c.ask<'loaded'>({ cmd: 'load', seconds: 2, window, framesPerTerminal })));
  const idle = await sampleAlarms(gateways[0].jt808Port, feed.alarmAt, 0, alarmSamples);
  const loading = Promise.all(clients.map((c) => c.ask<'loaded'>({ cmd: 'load', seconds, window, framesPerTerminal })));
  // The samples under load start once the load is steady and are taken while it runs.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const loaded = await sampleAlarms(gateways[0].jt808Port, feed.alarmAt, alarmSamples, alarmSamples);
  const reports = await loading;
  feed.close();
  const acked = reports.reduce((n, r) => n + r.acked, 0);
  const refused = reports.reduce((n, r) => n + r.refused, 0);
  console.log(
    JSON.stringify({
      bench: 'kafka-roles',
      gateways: gatewayCount,
      terminals: perGateway * gatewayCount,
      window,
      seconds,
      acked_fixes_per_s: Math.round(acked / seconds),
      per_gateway: reports.map((r) => Math.round(r.acked / r.seconds)),
      refused,
      alarm_latency_idle: latencyFigures(idle),
      alarm_latency_under_load: latencyFigures(loaded),
    }),
  );
} finally {
  for (const client of clients) await client.close();
  for (const node of processes) await node.stop();
  await broker.stop();
  await postgres.stop();
  rmSync(root, { recursive: true, force: true });
}
