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
import { benchFlags, defineFlags, KAFKA_LOAD_FLAGS } from './bench-flags.js';
import { alarmTimes, latencyFigures, sampleAlarms } from './harness/kafka-alarm-latency.js';
import { LoadClientProcess } from './jt808-load-client-process.js';
import { RoleCluster } from '../tests/support/role-cluster.js';
import type { VigilProcess } from '../tests/support/vigil-process.js';

const FIRST_PHONE = 13_900_000_000;
const PARTITIONS = 8;

const FLAGS = defineFlags([
  ...KAFKA_LOAD_FLAGS,
  { name: 'gateways', description: 'gateway processes', kind: 'integer', default: 1, min: 1, max: 16 },
]);
const {
  gateways: gatewayCount,
  terminals,
  window,
  seconds,
  'alarm-samples': alarmSamples,
} = benchFlags(
  'bench/kafka-roles.ts',
  'Acknowledged fixes/s and alarm latency through Kafka, the node split into roles.',
  FLAGS,
);

const cluster = await RoleCluster.start('bench-kafka-roles', 'vigil_bench', PARTITIONS);
const clients: LoadClientProcess[] = [];
try {
  const start = (role: string, name: string): Promise<VigilProcess> => cluster.startRole(role, name);
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
  await cluster.stop();
}
