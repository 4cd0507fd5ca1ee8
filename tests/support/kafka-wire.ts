/**
 * Just enough of Kafka's wire protocol to ask a broker for its Metadata (v1) without a client library: the test
 * broker's readiness probe, and a check independent of the client under test.
 */
import { connect } from 'node:net';

export interface KafkaMetadata {
  brokers: { nodeId: number; host: string; port: number }[];
  controllerId: number;
  topics: { name: string; errorCode: number; partitions: number }[];
}

const METADATA_API_KEY = 3;
const METADATA_VERSION = 1;
const CLIENT_ID = 'vigil-test-probe';
const RESPONSE_BYTES_MAX = 1 << 20;

/** Metadata v1 of every topic (a null topic array), or a named error within `timeoutMs`. */
export function kafkaMetadata(host: string, port: number, timeoutMs: number): Promise<KafkaMetadata> {
  const correlationId = 1;
  const clientId = Buffer.from(CLIENT_ID);
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4);
  let at = body.writeInt16BE(METADATA_API_KEY, 0);
  at = body.writeInt16BE(METADATA_VERSION, at);
  at = body.writeInt32BE(correlationId, at);
  at = body.writeInt16BE(clientId.length, at);
  at += clientId.copy(body, at);
  body.writeInt32BE(-1, at); // null array: all topics
  const request = Buffer.concat([Buffer.alloc(4), body]);
  request.writeInt32BE(body.length, 0);

  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let received = Buffer.alloc(0);
    const fail = (message: string): void => {
      socket.destroy();
      reject(new Error(`Kafka metadata from ${host}:${port}: ${message}`));
    };
    socket.setTimeout(timeoutMs, () => fail(`no answer in ${timeoutMs} ms`));
    socket.once('error', (error) => fail(error.message));
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4) return;
      const size = received.readInt32BE(0);
      if (size > RESPONSE_BYTES_MAX) return fail(`response of ${size} bytes is over ${RESPONSE_BYTES_MAX}`);
      if (received.length < 4 + size) return;
      socket.destroy();
      try {
        resolve(parseMetadataV1(received.subarray(4, 4 + size), correlationId));
      } catch (error) {
        reject(new Error(`Kafka metadata from ${host}:${port}: ${(error as Error).message}`));
      }
    });
  });
}

function parseMetadataV1(buffer: Buffer, correlationId: number): KafkaMetadata {
  let at = 0;
  const int16 = (): number => ((at += 2), buffer.readInt16BE(at - 2));
  const int32 = (): number => ((at += 4), buffer.readInt32BE(at - 4));
  const string = (): string => {
    const length = int16();
    if (length < 0) return '';
    at += length;
    return buffer.toString('utf8', at - length, at);
  };
  const array = <T>(item: () => T): T[] => {
    const count = int32();
    const items: T[] = [];
    for (let i = 0; i < count; i++) items.push(item());
    return items;
  };
  if (int32() !== correlationId) throw new Error('correlation id does not match the request');
  const brokers = array(() => {
    const nodeId = int32();
    const host = string();
    const port = int32();
    string(); // rack (nullable)
    return { nodeId, host, port };
  });
  const controllerId = int32();
  const topics = array(() => {
    const errorCode = int16();
    const name = string();
    at += 1; // is_internal
    const partitions = array(() => {
      at += 2 + 4 + 4; // error_code, partition_index, leader_id
      array(int32); // replica_nodes
      array(int32); // isr_nodes
      return 0;
    }).length;
    return { name, errorCode, partitions };
  });
  return { brokers, controllerId, topics };
}
