/**
 * Packets of a subpackaged message resent after the message was already complete: on the same connection (the
 * terminal did not get, or did not wait for, our answer) and on a new one (its connection broke before the
 * answer). Over real TCP into an embedded gateway with ClickHouse (chDB) sinks. Such a packet is answered as
 * the message was, once the message is durable, counted, and never starts a new reassembly: no 0x8003 to the
 * terminal, no `reassembly_timeout` dead letter, rows exactly once (counted without FINAL).
 *
 * Proving that a 0x8003 and a timeout dead letter do NOT come uses a sentinel instead of a sleep: after the
 * resent packet, the same connection starts another message with a packet missing. The sweep treats the
 * messages of a connection in the order they began, so a reassembly the resent packet had started would be
 * asked for (0x8003) and dropped (dead letter, same terminal, same log partition, written in order) no later
 * than the sentinel; once the sentinel's 0x8003 and its dead letter are seen, the absence of the others is
 * proven, however slow the machine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationBody } from '../cli/demo/location.js';
import type { Jt808Message, Jt808Version, LocationBody } from '../ingest/index.js';
import { startGatewayNode, type GatewayNode } from './support/jt808-gateway-node.js';
import { TestTerminal } from './support/jt808-test-terminal.js';
import { until as untilShared } from './support/vigil-process.js';

const REASSEMBLY_TIMEOUT_MS = 300;
/** Sink linger: long enough that an answer sent before the write is durable would arrive before the rows. */
const SINK_LINGER_MS = 200;
const WAIT_MS = 20_000;
const MEDIA_FILE_MAX = 4_000;

let node: GatewayNode;

beforeAll(async () => {
  node = await startGatewayNode({
    gateway: { reassemblyTimeoutMs: REASSEMBLY_TIMEOUT_MS, mediaBytesPerFileMax: MEDIA_FILE_MAX },
    sink: { lingerMs: SINK_LINGER_MS },
  });
});

afterAll(async () => {
  await node?.close();
});

const BASE_MS = Date.UTC(2026, 10, 28, 3, 0, 0);
let phoneCounter = 0;

function fix(i: number, version: Jt808Version = 2013): LocationBody {
  return locationBody(
    { lat: 34.5 + i * 0.0004, lon: 113.4, speedKmh: 42, directionDeg: 90, time: BASE_MS + i * 5_000 },
    version,
  );
}

function backfill(first: number, count: number): Jt808Message {
  const items = Array.from({ length: count }, (_, i) => fix(first + i));
  return { msgId: 0x0704, body: { type: 1, count: items.length, items, errors: [] } };
}

function plateOf(n: number): string {
  return `豫L${String(n).padStart(5, '0')}`;
}

async function loggedIn(): Promise<TestTerminal> {
  phoneCounter++;
  const terminal = await TestTerminal.connect(node.port, `0139200${String(phoneCounter).padStart(5, '0')}`, 2013);
  expect(await terminal.authenticate(await terminal.register(plateOf(phoneCounter)))).toBe(0);
  return terminal;
}

async function scalar(sql: string): Promise<number> {
  return Number((await node.query(sql))[0][0]);
}

function until(what: string, check: () => Promise<boolean>): Promise<void> {
  return untilShared(check, WAIT_MS, what, 20);
}

function answersTo(terminal: TestTerminal, serial: number): { result: number; replyMsgId: number }[] {
  return terminal.received
    .filter((r) => r.msgId === 0x8001 && (r.message.body as { replySerial: number }).replySerial === serial)
    .map((r) => r.message.body as { result: number; replyMsgId: number });
}

function resendRequestsFor(terminal: TestTerminal, originalSerial: number): number {
  return terminal.received.filter(
    (r) => r.msgId === 0x8003 && (r.message.body as { originalSerial: number }).originalSerial === originalSerial,
  ).length;
}

function duplicatePackets(): number {
  return Number(/vigil_jt808_duplicate_packets_total (\d+)/.exec(node.metrics.render())?.[1] ?? 0);
}

/**
 * Starts a message with its packet 2 missing and waits for its 0x8003 and its `reassembly_timeout` dead letter
 * (see the header). Returns the timeout dead letters of the terminal, the sentinel's included.
 */
async function sentinel(terminal: TestTerminal): Promise<string[]> {
  // Flow numbers far from those of the test's messages, so that its 0x8003 cannot be taken for theirs.
  for (let i = 0; i < 1_000; i++) terminal.nextSerial();
  const packets = terminal.packets(backfill(9_000 + phoneCounter * 10, 3), 40);
  expect(packets.length).toBeGreaterThanOrEqual(3);
  for (const [i, p] of packets.entries()) if (i !== 1) terminal.write(p.frame);
  await terminal.waitFor(
    (r) => r.msgId === 0x8003 && (r.message.body as { originalSerial: number }).originalSerial === packets[0].serial,
    WAIT_MS,
    'the sentinel 0x8003',
  );
  const mine = `from serial ${packets[0].serial}:`;
  await until(
    'the sentinel dead letter',
    async () =>
      (await scalar(
        `SELECT count() FROM ingest_rejects WHERE terminal_id = '${terminal.phone}' AND reason = 'reassembly_timeout' AND position(detail, '${mine}') > 0`,
      )) === 1,
  );
  const rows = await node.query(
    `SELECT detail FROM ingest_rejects WHERE terminal_id = '${terminal.phone}' AND reason = 'reassembly_timeout'`,
  );
  return rows.map((r) => String(r[0]));
}

describe('JT/T 808 packets resent after their message completed', () => {
  it('answers them on the same connection without reassembling the message again', async () => {
    const terminal = await loggedIn();
    const packets = terminal.packets(backfill(0, 40), 300);
    expect(packets.length).toBeGreaterThanOrEqual(4);
    const last = packets[packets.length - 1];
    for (const p of packets) terminal.write(p.frame);
    expect(await terminal.replyTo(last.serial, WAIT_MS)).toMatchObject({ result: 0, replyMsgId: 0x0704 });
    expect(await scalar(`SELECT count() FROM telemetry WHERE terminal_id = '${terminal.phone}'`)).toBe(40);

    // The terminal did not see those answers: it sends packet 2 and the last packet again.
    const before = duplicatePackets();
    terminal.write(packets[1].frame);
    terminal.write(last.frame);
    await terminal.waitFor(
      () => answersTo(terminal, last.serial).length === 2 && answersTo(terminal, packets[1].serial).length === 2,
      WAIT_MS,
      'answers to both resent packets',
    );
    expect(answersTo(terminal, last.serial)).toEqual([
      { replySerial: last.serial, replyMsgId: 0x0704, result: 0 },
      { replySerial: last.serial, replyMsgId: 0x0704, result: 0 },
    ]);
    expect(duplicatePackets() - before).toBe(2);

    const timeouts = await sentinel(terminal);
    expect(resendRequestsFor(terminal, packets[0].serial)).toBe(0);
    expect(timeouts).toHaveLength(1);
    expect(await scalar(`SELECT count() FROM telemetry WHERE terminal_id = '${terminal.phone}'`)).toBe(40);
    terminal.close();
  });

  it('answers the last packet resent on a new connection once the message the old one completed is durable', async () => {
    const first = await loggedIn();
    const packets = first.packets(backfill(100, 40), 300);
    const last = packets[packets.length - 1];
    // All packets go out and the connection is closed before any answer is read.
    for (const p of packets) first.write(p.frame);
    first.socket.end();
    await first.closed;
    await until(
      'the message stored',
      async () => (await scalar(`SELECT count() FROM telemetry WHERE terminal_id = '${first.phone}'`)) === 40,
    );

    const second = await TestTerminal.connect(node.port, first.phone, 2013);
    expect(await second.authenticate(await second.register(plateOf(phoneCounter)))).toBe(0);
    const before = duplicatePackets();
    second.write(last.frame);
    expect(await second.replyTo(last.serial, WAIT_MS)).toMatchObject({ result: 0, replyMsgId: 0x0704 });
    expect(duplicatePackets() - before).toBe(1);

    const timeouts = await sentinel(second);
    expect(resendRequestsFor(second, packets[0].serial)).toBe(0);
    expect(timeouts).toHaveLength(1);
    expect(await scalar(`SELECT count() FROM telemetry WHERE terminal_id = '${first.phone}'`)).toBe(40);
    second.close();
  });

  it('answers a last packet resent while the message is being written only once it is durable', async () => {
    const terminal = await loggedIn();
    const packets = terminal.packets(backfill(200, 30), 300);
    const last = packets[packets.length - 1];
    // The resent last packet arrives right behind the one that completed the message, long before the sink
    // (lingering SINK_LINGER_MS) has written it.
    terminal.write(Buffer.concat([...packets.map((p) => p.frame), last.frame]));
    await terminal.replyTo(last.serial, WAIT_MS);
    // Whatever answer came first, it said "stored": the rows must be there.
    expect(await scalar(`SELECT count() FROM telemetry WHERE terminal_id = '${terminal.phone}'`)).toBe(30);
    await terminal.waitFor(
      () => answersTo(terminal, last.serial).length === 2,
      WAIT_MS,
      'the answer to the resent last packet',
    );
    expect(answersTo(terminal, last.serial).map((a) => a.result)).toEqual([0, 0]);

    const timeouts = await sentinel(terminal);
    expect(resendRequestsFor(terminal, packets[0].serial)).toBe(0);
    expect(timeouts).toHaveLength(1);
    expect(await scalar(`SELECT count() FROM telemetry WHERE terminal_id = '${terminal.phone}'`)).toBe(30);
    terminal.close();
  });

  it('answers a whole upload resent after it was stored with 0x8800 again, and stores it once', async () => {
    const terminal = await loggedIn();
    const head = { mediaId: 31, mediaType: 0, mediaFormat: 0, eventCode: 1, channelId: 1 };
    const bytes = Buffer.alloc(2_500);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 13) & 0xff;
    const packets = terminal.packets({ msgId: 0x0801, body: { ...head, location: fix(300), data: bytes } }, 600);
    for (const p of packets) terminal.write(p.frame);
    const uploaded = (): number =>
      terminal.received.filter(
        (r) => r.msgId === 0x8800 && (r.message.body as { packetIds: number[] }).packetIds.length === 0,
      ).length;
    await terminal.waitFor(() => uploaded() === 1, WAIT_MS, '0x8800 for the upload');
    for (const p of packets) terminal.write(p.frame);
    await terminal.waitFor(() => uploaded() === 2, WAIT_MS, '0x8800 for the upload resent');
    expect(terminal.received.filter((r) => r.msgId === 0x8800).map((r) => r.message.body)).toEqual([
      { mediaId: 31, packetIds: [] },
      { mediaId: 31, packetIds: [] },
    ]);
    const timeouts = await sentinel(terminal);
    expect(resendRequestsFor(terminal, packets[0].serial)).toBe(0);
    expect(timeouts).toHaveLength(1);
    expect(
      await scalar(`SELECT count() FROM media_events WHERE terminal_id = '${terminal.phone}' AND media_id = 31`),
    ).toBe(1);
    terminal.close();
  });

  it('handles a message that was refused afresh when it is sent again, since its answer said nothing was stored', async () => {
    const terminal = await loggedIn();
    const head = { mediaId: 41, mediaType: 0, mediaFormat: 0, eventCode: 1, channelId: 1 };
    const packets = terminal.packets(
      { msgId: 0x0801, body: { ...head, location: fix(350), data: Buffer.alloc(MEDIA_FILE_MAX + 1, 5) } },
      600,
    );
    const last = packets[packets.length - 1];
    for (const p of packets) terminal.write(p.frame);
    expect(await terminal.replyTo(last.serial, WAIT_MS)).toMatchObject({ result: 1 });
    const before = duplicatePackets();
    for (const p of packets) terminal.write(p.frame);
    await terminal.waitFor(
      () => answersTo(terminal, last.serial).length === 2,
      WAIT_MS,
      'the answer to the upload sent again',
    );
    expect(answersTo(terminal, last.serial).map((a) => a.result)).toEqual([1, 1]);
    // Reassembled and refused a second time, not taken for a resend of something stored.
    expect(duplicatePackets()).toBe(before);
    await until(
      'both refusals dead-lettered',
      async () =>
        (await scalar(
          `SELECT count() FROM ingest_rejects WHERE terminal_id = '${terminal.phone}' AND reason = 'media_too_large'`,
        )) === 2,
    );
    terminal.close();
  });

  it('stores a different message that reuses the flow numbers of a completed one (the terminal restarted its numbering)', async () => {
    const first = await loggedIn();
    const packets = first.packets(backfill(400, 20), 300);
    for (const p of packets) first.write(p.frame);
    await first.replyTo(packets[packets.length - 1].serial, WAIT_MS);
    first.close();
    await first.closed;

    // Registering and authenticating again take the same flow numbers as before, so the next message does too.
    const second = await TestTerminal.connect(node.port, first.phone, 2013);
    expect(await second.authenticate(await second.register(plateOf(phoneCounter)))).toBe(0);
    const other = second.packets(backfill(500, 20), 300);
    expect(other.map((p) => p.serial)).toEqual(packets.map((p) => p.serial));
    for (const p of other) second.write(p.frame);
    expect(await second.replyTo(other[other.length - 1].serial, WAIT_MS)).toMatchObject({ result: 0 });
    expect(await scalar(`SELECT count() FROM telemetry WHERE terminal_id = '${first.phone}'`)).toBe(40);
    second.close();
  });
});
