/**
 * Many positions in one socket read: the gateway publishes them as one batch and answers each frame, in the order
 * it came, only once the batch is durable. A bad frame among them is refused with its own reason and its good
 * neighbours still go through. Over real TCP into the real sinks (chDB), with the telemetry sink held back at
 * first so that an answer sent on append, before the rows are in ClickHouse, would be seen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationBody } from '../cli/demo/location.js';
import { buildFrame, encodeMessageBody } from '../ingest/jt808/codec/index.js';
import { startGatewayNode, type GatewayNode } from './support/jt808-gateway-node.js';
import { TestTerminal } from './support/jt808-test-terminal.js';
import { eventually } from './support/vigil-process.js';

const BASE_MS = Date.UTC(2026, 10, 27, 8, 0, 0);
let node: GatewayNode;

beforeAll(async () => {
  node = await startGatewayNode({ holdTelemetrySink: true });
});

afterAll(async () => {
  await node?.close();
});

function fix(i: number, lat = 34.75 + i * 1e-4) {
  return locationBody({ lat, lon: 113.62, speedKmh: 40, directionDeg: 90, time: BASE_MS + i * 10_000 }, 2013);
}

function repliesOf(terminal: TestTerminal): { serial: number; result: number }[] {
  return terminal.received
    .filter((r) => r.msgId === 0x8001)
    .map((r) => {
      const body = r.message.body as { replySerial: number; result: number };
      return { serial: body.replySerial, result: body.result };
    });
}

describe('JT/T 808 gateway: the positions of one read', () => {
  it('answers every good position of a read only once durable, in order, and refuses the bad ones with their reasons', async () => {
    const terminal = await TestTerminal.connect(node.port, '013920000001', 2013);
    expect(await terminal.authenticate(await terminal.register('豫R00001'))).toBe(0);
    const frames: Buffer[] = [];
    const serials: number[] = [];
    const expected = new Map<number, number>();
    for (let i = 0; i < 12; i++) {
      const serial = terminal.nextSerial();
      serials.push(serial);
      if (i === 4) {
        // A body cut short: the decoder refuses it.
        const body = encodeMessageBody({ msgId: 0x0200, body: fix(i) }, 2013).subarray(0, 20);
        frames.push(
          buildFrame(
            { msgId: 0x0200, version: 2013, protocolVersion: 0, phone: terminal.phone, serial, encryption: 0 },
            body,
          ),
        );
        expected.set(serial, 2);
      } else if (i === 7) {
        // Decodes, but its latitude is past the pole: the record check refuses it.
        frames.push(terminal.frame({ msgId: 0x0200, body: fix(i, 95) }, serial));
        expected.set(serial, 2);
      } else {
        frames.push(terminal.frame({ msgId: 0x0200, body: fix(i) }, serial));
        expected.set(serial, 0);
      }
    }
    // One write: on loopback the gateway reads it as one chunk.
    terminal.write(Buffer.concat(frames));
    // Both refusals are stored with their reasons while the positions are still not durable.
    const rejects = await eventually(
      async () => {
        const rows = await node.query(
          `SELECT reason FROM ingest_rejects WHERE terminal_id = '${terminal.phone}' ORDER BY reason`,
        );
        return rows.length >= 2 ? rows : undefined;
      },
      10_000,
      'the two refusals in ingest_rejects',
      100,
    );
    expect(rejects.map((r) => r[0])).toEqual(['body_truncated', 'lat_out_of_range']);
    // A heartbeat written after the read is answered at once; an answer to any position sent before durability
    // would have been written before it on the same connection, so it would be here by now.
    const heartbeat = terminal.send({ msgId: 0x0002, body: {} });
    await terminal.replyTo(heartbeat);
    expect(repliesOf(terminal).filter((r) => serials.includes(r.serial))).toEqual([]);
    expect(
      Number((await node.query(`SELECT count() FROM telemetry WHERE terminal_id = '${terminal.phone}'`))[0][0]),
    ).toBe(0);

    node.releaseTelemetrySink();
    await eventually(
      () => (repliesOf(terminal).filter((r) => serials.includes(r.serial)).length >= serials.length ? true : undefined),
      10_000,
      'an answer to every frame of the read',
      50,
    );
    const answers = repliesOf(terminal).filter((r) => serials.includes(r.serial));
    // Each frame answered once, in the order the frames came, the bad ones with result 2 (bad message).
    expect(answers).toEqual(serials.map((serial) => ({ serial, result: expected.get(serial) })));
    const stored = await node.query(
      `SELECT toUnixTimestamp64Milli(ts) FROM telemetry FINAL WHERE terminal_id = '${terminal.phone}' ORDER BY ts`,
    );
    expect(stored.map((r) => Number(r[0]))).toEqual([0, 1, 2, 3, 5, 6, 8, 9, 10, 11].map((i) => BASE_MS + i * 10_000));
    terminal.close();
  });
});
