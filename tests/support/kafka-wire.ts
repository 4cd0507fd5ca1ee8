/**
 * Just enough of Kafka's wire protocol to ask a broker for its Metadata (v1) and a topic's configuration
 * (DescribeConfigs v1) without a client library, and to read the record batches of a segment file: the test
 * broker's readiness probe, and checks independent of the client under test.
 */
import { connect } from 'node:net';

export interface KafkaMetadata {
  brokers: { nodeId: number; host: string; port: number }[];
  controllerId: number;
  topics: { name: string; errorCode: number; partitions: number }[];
}

const METADATA_API_KEY = 3;
const METADATA_VERSION = 1;
const DESCRIBE_CONFIGS_API_KEY = 32;
// Version 0 is gone from Kafka 4 (KIP-896); 1 is the oldest the broker still answers, and not yet "flexible".
const DESCRIBE_CONFIGS_VERSION = 1;
const RESOURCE_TYPE_TOPIC = 2;
const CLIENT_ID = 'vigil-test-probe';
const RESPONSE_BYTES_MAX = 1 << 20;

/** Metadata v1 of every topic (a null topic array), or a named error within `timeoutMs`. */
export async function kafkaMetadata(host: string, port: number, timeoutMs: number): Promise<KafkaMetadata> {
  const body = Buffer.alloc(4);
  body.writeInt32BE(-1, 0); // null array: all topics
  const response = await kafkaRequest(host, port, METADATA_API_KEY, METADATA_VERSION, body, timeoutMs);
  return parseMetadataV1(response);
}

/** The configuration of one topic as the broker holds it (DescribeConfigs v1): name → value, with broker defaults. */
export async function kafkaTopicConfig(
  host: string,
  port: number,
  topic: string,
  timeoutMs: number,
): Promise<Map<string, string | null>> {
  const name = Buffer.from(topic);
  const body = Buffer.alloc(4 + 1 + 2 + name.length + 4 + 1);
  let at = body.writeInt32BE(1, 0); // one resource
  at = body.writeInt8(RESOURCE_TYPE_TOPIC, at);
  at = body.writeInt16BE(name.length, at);
  at += name.copy(body, at);
  at = body.writeInt32BE(-1, at); // null: every configuration key
  body.writeInt8(0, at); // include_synonyms: false
  const response = await kafkaRequest(host, port, DESCRIBE_CONFIGS_API_KEY, DESCRIBE_CONFIGS_VERSION, body, timeoutMs);
  const read = reader(response);
  read.int32(); // throttle_time_ms
  const results = read.array(() => {
    const errorCode = read.int16();
    const errorMessage = read.string();
    read.int8(); // resource_type
    const resource = read.string();
    const configs = read.array(() => {
      const key = read.string();
      const value = read.nullableString();
      read.int8(); // read_only
      read.int8(); // config_source
      read.int8(); // is_sensitive
      read.array(() => [read.string(), read.nullableString(), read.int8()]); // synonyms
      return [key, value] as const;
    });
    return { errorCode, errorMessage, resource, configs };
  });
  const result = results.find((r) => r.resource === topic);
  if (!result) throw new Error(`Kafka DescribeConfigs from ${host}:${port}: no result for topic ${topic}`);
  if (result.errorCode !== 0)
    throw new Error(`Kafka DescribeConfigs of ${topic}: error ${result.errorCode} ${result.errorMessage}`);
  return new Map(result.configs);
}

/**
 * The compression codec of each record batch in a partition's segment file (record batch format v2, magic 2):
 * what the broker stored, independent of what the producer was asked to do. 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd.
 */
export function segmentBatchCompressions(segment: Buffer): number[] {
  const codecs: number[] = [];
  // baseOffset int64, batchLength int32 (bytes after this field), partitionLeaderEpoch int32, magic int8, crc int32,
  // attributes int16 whose lowest three bits are the codec.
  for (let at = 0; at + 23 <= segment.length;) {
    const batchLength = segment.readInt32BE(at + 8);
    if (batchLength <= 0) break; // preallocated zeros past the last batch
    if (segment.readInt8(at + 16) !== 2) throw new Error(`record batch at byte ${at} is not magic 2`);
    codecs.push(segment.readInt16BE(at + 21) & 0x07);
    at += 12 + batchLength;
  }
  return codecs;
}

/** One request with header v1 and its response after the correlation id, or a named error within `timeoutMs`. */
function kafkaRequest(
  host: string,
  port: number,
  apiKey: number,
  version: number,
  requestBody: Buffer,
  timeoutMs: number,
): Promise<Buffer> {
  const correlationId = 1;
  const clientId = Buffer.from(CLIENT_ID);
  const header = Buffer.alloc(4 + 2 + 2 + 4 + 2 + clientId.length);
  let at = header.writeInt32BE(header.length - 4 + requestBody.length, 0);
  at = header.writeInt16BE(apiKey, at);
  at = header.writeInt16BE(version, at);
  at = header.writeInt32BE(correlationId, at);
  at = header.writeInt16BE(clientId.length, at);
  clientId.copy(header, at);
  const request = Buffer.concat([header, requestBody]);

  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let received = Buffer.alloc(0);
    const fail = (message: string): void => {
      socket.destroy();
      reject(new Error(`Kafka API ${apiKey} v${version} from ${host}:${port}: ${message}`));
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
      if (received.readInt32BE(4) !== correlationId) return fail('correlation id does not match the request');
      resolve(received.subarray(8, 4 + size));
    });
  });
}

/** Readers of Kafka's big-endian primitives over one buffer, advancing as they read. */
function reader(buffer: Buffer) {
  let at = 0;
  const int8 = (): number => ((at += 1), buffer.readInt8(at - 1));
  const int16 = (): number => ((at += 2), buffer.readInt16BE(at - 2));
  const int32 = (): number => ((at += 4), buffer.readInt32BE(at - 4));
  const nullableString = (): string | null => {
    const length = int16();
    if (length < 0) return null;
    at += length;
    return buffer.toString('utf8', at - length, at);
  };
  const string = (): string => nullableString() ?? '';
  const array = <T>(item: () => T): T[] => {
    const count = int32();
    const items: T[] = [];
    for (let i = 0; i < count; i++) items.push(item());
    return items;
  };
  const skip = (bytes: number): void => void (at += bytes);
  return { int8, int16, int32, string, nullableString, array, skip };
}

function parseMetadataV1(buffer: Buffer): KafkaMetadata {
  const { int16, int32, string, array, skip } = reader(buffer);
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
    skip(1); // is_internal
    const partitions = array(() => {
      skip(2 + 4 + 4); // error_code, partition_index, leader_id
      array(int32); // replica_nodes
      array(int32); // isr_nodes
      return 0;
    }).length;
    return { name, errorCode, partitions };
  });
  return { brokers, controllerId, topics };
}
