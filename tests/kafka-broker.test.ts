import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { startKafkaBroker, type KafkaBroker } from './support/kafka-broker.js';
import { kafkaMetadata } from './support/kafka-wire.js';

/** True when something accepts TCP connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('the test Kafka broker (scripts/kafka.sh)', () => {
  let broker: KafkaBroker;
  beforeAll(async () => {
    broker = await startKafkaBroker();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('runs one KRaft node on 127.0.0.1 that names itself broker and controller, with no topics of its own making', async () => {
    expect(broker.host).toBe('127.0.0.1');
    const metadata = await kafkaMetadata(broker.host, broker.port, 5_000);
    expect(metadata.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: broker.port }]);
    expect(metadata.controllerId).toBe(1);
    // auto.create.topics.enable=false: asking about every topic creates none.
    expect(metadata.topics.filter((t) => !t.name.startsWith('__'))).toEqual([]);
    expect(broker.log()).toContain('Kafka Server started');
  });

  it('stops when asked and frees its port', async () => {
    await broker.stop();
    expect(await listening(broker.port)).toBe(false);
  });
});
