/**
 * What the producer's compression (`--kafka-compression`) saves on the brokers' disks and costs in CPU: the same
 * telemetry rows (the state benchmarks' fleet, as the gateways send them to `vigil.telemetry`) sent through
 * `KafkaLog` with each codec to a real single-node broker (scripts/kafka.sh), then the bytes of its segment files.
 *
 *   npx tsx bench/kafka-compression.ts [--records 50000] [--batch 500]
 *
 * CPU is the whole process's (`process.cpuUsage`, librdkafka's threads included) while sending, per record.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { benchFlags, defineFlags } from './bench-flags.js';
import { fleetFix } from './harness/tracked-fleet.js';
import { describeMachine } from './harness/machine.js';
import { KAFKA_COMPRESSIONS, KAFKA_LOG_DEFAULTS, KafkaLog } from '../stream/index.js';
import { startKafkaBroker } from '../tests/support/kafka-broker.js';

const FLAGS = defineFlags([
  {
    name: 'records',
    description: 'telemetry rows sent with each codec',
    kind: 'integer',
    default: 50_000,
    min: 1,
    max: 10_000_000,
  },
  { name: 'batch', description: 'rows per send', kind: 'integer', default: 500, min: 1, max: 100_000 },
]);
const { records, batch } = benchFlags(
  'bench/kafka-compression.ts',
  'Broker disk bytes and CPU per Kafka compression codec.',
  FLAGS,
);
const VEHICLES = 1_000;

function directoryBytes(dir: string): number {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.log'))
    .reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0);
}

const broker = await startKafkaBroker();
try {
  console.log(JSON.stringify(describeMachine()));
  console.log('| codec | bytes per record on disk | ratio to none | CPU µs per record sent |');
  console.log('|---|---|---|---|');
  let noneBytes = 0;
  for (const compression of [...KAFKA_COMPRESSIONS].reverse()) {
    const topic = `bench.compression.${compression}`;
    const log = await KafkaLog.connect({
      ...KAFKA_LOG_DEFAULTS,
      brokers: broker.brokers,
      partitions: 1,
      topics: [topic],
      compression,
    });
    const producer = log.producer();
    const before = process.cpuUsage();
    for (let sent = 0; sent < records; sent += batch) {
      const messages = Array.from({ length: Math.min(batch, records - sent) }, (_, k) => {
        const n = sent + k;
        const row = fleetFix(n % VEHICLES, Math.floor(n / VEHICLES), n % 97 === 0);
        return { key: row.terminal_id, value: row };
      });
      await producer.send(topic, messages);
    }
    const cpu = process.cpuUsage(before);
    await log.close();
    // The broker appends what it acknowledged to the active segment's file before it answers (acks=all on one
    // broker): the file's length is what it stores, without an index or a flush to wait for.
    const bytes = directoryBytes(path.join(broker.dataDir, `${topic}-0`));
    if (compression === 'none') noneBytes = bytes;
    const ratio = noneBytes ? (bytes / noneBytes).toFixed(2) : '–';
    const cpuPerRecord = ((cpu.user + cpu.system) / records).toFixed(1);
    console.log(`| ${compression} | ${(bytes / records).toFixed(1)} | ${ratio} | ${cpuPerRecord} |`);
  }
} finally {
  await broker.stop();
}
