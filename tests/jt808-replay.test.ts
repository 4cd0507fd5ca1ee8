/**
 * The replay guard across reconnections, end to end over real TCP into ClickHouse (chDB): a terminal sends
 * positions, loses its connection before reading our replies, reconnects, authenticates and sends the same
 * frames again. Every position is acknowledged and stored exactly once: the rows are counted without FINAL,
 * so a second row folded only by the ReplacingMergeTree would show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationBody } from '../cli/demo/location.js';
import type { Jt808Message } from '../ingest/index.js';
import { startGatewayNode, type GatewayNode } from './support/jt808-gateway-node.js';
import { TestTerminal } from './support/jt808-test-terminal.js';

let node: GatewayNode;

beforeAll(async () => {
  node = await startGatewayNode();
});

afterAll(async () => {
  await node?.close();
});

const BASE_MS = Date.UTC(2026, 10, 28, 1, 0, 0);

function position(i: number): Jt808Message {
  return {
    msgId: 0x0200,
    body: locationBody(
      { lat: 34.7 + i * 0.001, lon: 113.6, speedKmh: 50, directionDeg: 90, time: BASE_MS + i * 10_000 },
      2013,
    ),
  };
}

async function rows(phone: string): Promise<number> {
  return Number((await node.query(`SELECT count() FROM telemetry WHERE terminal_id = '${phone}'`))[0][0]);
}

function duplicatesCounted(): number {
  return Number(/vigil_jt808_duplicate_positions_total (\d+)/.exec(node.metrics.render())?.[1] ?? 0);
}

describe('JT/T 808 replay guard across reconnections', () => {
  it('stores each position once when a terminal resends it on a new connection', async () => {
    const phone = '013977700001';
    const first = await TestTerminal.connect(node.port, phone, 2013);
    const authCode = await first.register('豫A7Z001');
    expect(await first.authenticate(authCode)).toBe(0);

    // Positions 0-9 become durable and their replies reach the terminal; 10-29 are written and the
    // connection is cut at once, before any reply can be read.
    const frames = Array.from({ length: 30 }, (_, i) => ({ serial: first.nextSerial(), message: position(i) }));
    for (const f of frames.slice(0, 10)) first.write(first.frame(f.message, f.serial));
    await first.replyTo(frames[9].serial);
    for (const f of frames.slice(10)) first.write(first.frame(f.message, f.serial));
    first.socket.destroy();
    await first.closed;

    // The terminal comes back and sends everything it has no reply for, and (to be sure) the rest too.
    const second = await TestTerminal.connect(node.port, phone, 2013);
    expect(await second.authenticate(authCode)).toBe(0);
    const serials = frames.map((f) => second.send(f.message));
    for (const serial of serials) expect(await second.replyTo(serial)).toMatchObject({ result: 0, replyMsgId: 0x0200 });
    expect(await rows(phone)).toBe(30);

    // A third connection resending everything once more still adds nothing.
    second.close();
    const third = await TestTerminal.connect(node.port, phone, 2013);
    expect(await third.authenticate(authCode)).toBe(0);
    const again = frames.map((f) => third.send(f.message));
    for (const serial of again) expect(await third.replyTo(serial)).toMatchObject({ result: 0 });
    expect(await rows(phone)).toBe(30);
    expect(duplicatesCounted()).toBe(60);
    third.close();
  });

  it('a changed report with the same device time is still stored (it is not a retransmission)', async () => {
    const phone = '013977700002';
    const first = await TestTerminal.connect(node.port, phone, 2013);
    const authCode = await first.register('豫A7Z002');
    expect(await first.authenticate(authCode)).toBe(0);
    expect(await first.request(position(100))).toMatchObject({ result: 0 });
    first.close();
    const second = await TestTerminal.connect(node.port, phone, 2013);
    expect(await second.authenticate(authCode)).toBe(0);
    const changed = position(100);
    if (changed.msgId === 0x0200) changed.body = { ...changed.body, speedKmh: 51 };
    const before = duplicatesCounted();
    expect(await second.request(changed)).toMatchObject({ result: 0 });
    expect(duplicatesCounted()).toBe(before);
    // Stored, and being the later report of that device time, the one telemetry keeps.
    const kept = await node.query(`SELECT speed_kmh FROM telemetry FINAL WHERE terminal_id = '${phone}'`);
    expect(kept).toEqual([[51]]);
    second.close();
  });
});
