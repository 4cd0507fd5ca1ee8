/**
 * The JT/T 808 gateway composed in-process (event log, ClickHouse sinks on chDB, terminal directory on PGlite)
 * with short timeouts and small bounds, driven by terminals over real TCP: idle timeout, server time,
 * subpackages with 0x8003 for missing packets, location query, multimedia with its size bounds, pass-through
 * and downlink commands.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationBody } from '../cli/demo/location.js';
import { DownlinkError, type Jt808Version, type LocationBody } from '../ingest/index.js';
import { startGatewayNode, type GatewayNode } from './support/jt808-gateway-node.js';
import { TestTerminal } from './support/jt808-test-terminal.js';
import { eventually } from './support/vigil-process.js';

const IDLE_TIMEOUT_MS = 2_000;
const REASSEMBLY_TIMEOUT_MS = 300;
const DOWNLINK_TIMEOUT_MS = 400;
const MEDIA_FILE_MAX = 8_000;
const MEDIA_TOTAL_MAX = 12_000;

let node: GatewayNode;

beforeAll(async () => {
  node = await startGatewayNode({
    gateway: {
      idleTimeoutMs: IDLE_TIMEOUT_MS,
      reassemblyTimeoutMs: REASSEMBLY_TIMEOUT_MS,
      downlinkTimeoutMs: DOWNLINK_TIMEOUT_MS,
      mediaBytesPerFileMax: MEDIA_FILE_MAX,
      mediaBytesTotalMax: MEDIA_TOTAL_MAX,
    },
  });
});

afterAll(async () => {
  await node?.close();
});

const BASE_MS = Date.UTC(2026, 10, 27, 20, 0, 0);
let phoneCounter = 0;

function fix(i: number, version: Jt808Version): LocationBody {
  return locationBody(
    { lat: 34.2 + i * 0.0005, lon: 113.1, speedKmh: 35, directionDeg: 180, time: BASE_MS + i * 5_000 },
    version,
  );
}

async function loggedIn(version: Jt808Version = 2013): Promise<TestTerminal> {
  phoneCounter++;
  const phone =
    version === 2019
      ? `000000000139000${String(phoneCounter).padStart(5, '0')}`
      : `0139000${String(phoneCounter).padStart(5, '0')}`;
  const terminal = await TestTerminal.connect(node.port, phone, version);
  expect(await terminal.authenticate(await terminal.register(`豫K${String(phoneCounter).padStart(5, '0')}`))).toBe(0);
  return terminal;
}

async function scalar(sql: string): Promise<number> {
  return Number((await node.query(sql))[0][0]);
}

function repliesTo(terminal: TestTerminal, serial: number): number {
  return terminal.received.filter(
    (r) => r.msgId === 0x8001 && (r.message.body as { replySerial: number }).replySerial === serial,
  ).length;
}

describe('JT/T 808 gateway (in-process, real TCP)', () => {
  it('closes a silent connection after the idle timeout; heartbeats keep another open', async () => {
    const silent = await loggedIn();
    // The idle clock of the silent connection runs from its last frame, its authentication.
    const started = Date.now();
    const beating = await loggedIn();
    const timer = setInterval(() => beating.send({ msgId: 0x0002, body: {} }), IDLE_TIMEOUT_MS / 4);
    try {
      await silent.closed;
      const silentForMs = Date.now() - started;
      expect(silentForMs).toBeGreaterThanOrEqual(IDLE_TIMEOUT_MS - 50);
      expect(silentForMs).toBeLessThan(IDLE_TIMEOUT_MS * 2);
      await new Promise((r) => setTimeout(r, IDLE_TIMEOUT_MS / 2));
      expect(beating.socket.destroyed).toBe(false);
      expect(node.metrics.render()).toMatch(/vigil_jt808_idle_disconnects_total [1-9]/);
    } finally {
      clearInterval(timer);
      beating.close();
    }
  });

  it('answers 0x0004 with the server time in 0x8004', async () => {
    const terminal = await loggedIn(2019);
    const before = Math.floor(Date.now() / 1000) * 1000;
    terminal.send({ msgId: 0x0004, body: {} });
    const answer = await terminal.waitFor((r) => r.msgId === 0x8004, 5_000, '0x8004');
    const time = (answer.message.body as { time: number }).time;
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(Date.now());
    terminal.close();
  });

  it('answers each packet of a back-fill on receipt, and the message once, with its last packet, after it is durable', async () => {
    const terminal = await loggedIn();
    const items = Array.from({ length: 80 }, (_, i) => fix(i, 2013));
    const packets = terminal.packets({ msgId: 0x0704, body: { type: 1, count: items.length, items, errors: [] } }, 500);
    expect(packets.length).toBeGreaterThan(3);
    // Out of order, with one packet sent twice: the message still completes exactly once.
    const order = [...packets.slice(1), packets[0]];
    terminal.write(order[0].frame);
    for (const p of order) terminal.write(p.frame);
    const last = order[order.length - 1];
    await terminal.replyTo(last.serial);
    expect(await scalar(`SELECT count() FROM telemetry WHERE terminal_id = '${terminal.phone}' AND backfill = 1`)).toBe(
      80,
    );
    // One answer to the packet that completed the message; the others were answered on receipt, the one sent
    // twice twice (the terminal had not seen the first answer, and the packet was still held).
    expect(repliesTo(terminal, last.serial)).toBe(1);
    await terminal.waitFor(
      () => order.slice(0, -1).every((p) => repliesTo(terminal, p.serial) >= 1),
      5_000,
      'an answer to every packet',
    );
    expect(repliesTo(terminal, order[0].serial)).toBe(2);
    for (const p of order.slice(1, -1)) expect(repliesTo(terminal, p.serial)).toBe(1);
    terminal.close();
  });

  it('asks for missing packets with 0x8003 after the timeout and completes when they come', async () => {
    const terminal = await loggedIn();
    const items = Array.from({ length: 60 }, (_, i) => fix(1000 + i, 2013));
    const packets = terminal.packets({ msgId: 0x0704, body: { type: 0, count: items.length, items, errors: [] } }, 400);
    expect(packets.length).toBeGreaterThanOrEqual(4);
    const missing = [2, 4];
    for (const [i, p] of packets.entries()) if (!missing.includes(i + 1)) terminal.write(p.frame);
    const request = await terminal.waitFor((r) => r.msgId === 0x8003, REASSEMBLY_TIMEOUT_MS * 10, '0x8003');
    expect(request.message.body).toEqual({ originalSerial: packets[0].serial, packetIds: missing });
    // The packets that came were answered "received", except the last one, whose answer a terminal reads as
    // the message's; nothing of the message is stored yet.
    const last = packets.length;
    for (const [i, p] of packets.entries())
      expect(repliesTo(terminal, p.serial)).toBe(missing.includes(i + 1) || i + 1 === last ? 0 : 1);
    expect(await scalar(`SELECT count() FROM telemetry WHERE terminal_id = '${terminal.phone}'`)).toBe(0);
    for (const index of missing) terminal.write(packets[index - 1].frame);
    expect(await terminal.replyTo(packets[3].serial)).toMatchObject({ result: 0, replyMsgId: 0x0704 });
    expect(await scalar(`SELECT count() FROM telemetry WHERE terminal_id = '${terminal.phone}'`)).toBe(60);
    // Completed out of order: the last packet gets the message's answer too, once it is durable.
    expect(await terminal.replyTo(packets[last - 1].serial)).toMatchObject({ result: 0, replyMsgId: 0x0704 });
    terminal.close();
  });

  it('answers a last packet resent on a new connection only once the whole message is durable there', async () => {
    const first = await loggedIn();
    const items = Array.from({ length: 50 }, (_, i) => fix(1200 + i, 2013));
    const packets = first.packets({ msgId: 0x0704, body: { type: 1, count: items.length, items, errors: [] } }, 400);
    expect(packets.length).toBeGreaterThanOrEqual(4);
    // Everything but the last packet is answered "received"; then the connection breaks.
    for (const p of packets.slice(0, -1)) first.write(p.frame);
    await first.waitFor(
      () => packets.slice(0, -1).every((p) => repliesTo(first, p.serial) === 1),
      10_000,
      'an answer to every packet but the last',
    );
    first.close();
    await first.closed;

    // The terminal comes back and sends the last packet, the only one it has no answer for.
    const second = await TestTerminal.connect(node.port, first.phone, 2013);
    expect(await second.authenticate(await second.register(`豫K${String(phoneCounter).padStart(5, '0')}`))).toBe(0);
    const last = packets[packets.length - 1];
    second.write(last.frame);
    const request = await second.waitFor((r) => r.msgId === 0x8003, REASSEMBLY_TIMEOUT_MS * 10, '0x8003');
    // No answer to the last packet: this connection holds nothing else of the message.
    expect(repliesTo(second, last.serial)).toBe(0);
    expect((request.message.body as { packetIds: number[] }).packetIds).toEqual(
      packets.slice(0, -1).map((_, i) => i + 1),
    );
    for (const p of packets.slice(0, -1)) second.write(p.frame);
    expect(await second.replyTo(last.serial)).toMatchObject({ result: 0, replyMsgId: 0x0704 });
    expect(await scalar(`SELECT count() FROM telemetry WHERE terminal_id = '${first.phone}' AND backfill = 1`)).toBe(
      50,
    );
    second.close();
  });

  it('refuses the packets of a terminal that has not authenticated, each with result 1, and holds none', async () => {
    phoneCounter++;
    const terminal = await TestTerminal.connect(node.port, `0139000${String(phoneCounter).padStart(5, '0')}`, 2013);
    const items = Array.from({ length: 30 }, (_, i) => fix(1500 + i, 2013));
    const packets = terminal.packets({ msgId: 0x0704, body: { type: 0, count: items.length, items, errors: [] } }, 300);
    for (const p of packets) terminal.write(p.frame);
    for (const p of packets) expect(await terminal.replyTo(p.serial)).toMatchObject({ result: 1, replyMsgId: 0x0704 });
    const reasons = await eventuallyRows(
      `SELECT count() FROM ingest_rejects WHERE terminal_id = '${terminal.phone}' AND reason = 'not_authenticated' HAVING count() = ${packets.length}`,
    );
    expect(Number(reasons[0][0])).toBe(packets.length);
    expect(terminal.received.filter((r) => r.msgId === 0x8003)).toHaveLength(0);
    terminal.close();
  });

  it('splits a list of missing packets longer than one 0x8003 holds over several', async () => {
    const terminal = await loggedIn();
    const packets = terminal.packets({ msgId: 0x0900, body: { type: 0x41, data: Buffer.alloc(3_000, 0x41) } }, 10);
    expect(packets.length).toBe(301);
    terminal.write(packets[0].frame);
    await terminal.waitFor(
      () => terminal.received.filter((r) => r.msgId === 0x8003).length >= 2,
      REASSEMBLY_TIMEOUT_MS * 10,
      'two 0x8003',
    );
    const lists = terminal.received
      .filter((r) => r.msgId === 0x8003)
      .map((r) => r.message.body as { originalSerial: number; packetIds: number[] });
    // The 2013 count is one byte: 255 indexes in the first request, the other 45 in the second.
    expect(lists.map((l) => l.packetIds.length)).toEqual([255, 45]);
    expect(lists.flatMap((l) => l.packetIds)).toEqual(Array.from({ length: 300 }, (_, i) => i + 2));
    expect(lists.every((l) => l.originalSerial === packets[0].serial)).toBe(true);
    terminal.close();
  });

  it('drops a message whose packets never come, dead-lettered as reassembly_timeout', async () => {
    const terminal = await loggedIn();
    const items = Array.from({ length: 40 }, (_, i) => fix(2000 + i, 2013));
    const packets = terminal.packets({ msgId: 0x0704, body: { type: 0, count: items.length, items, errors: [] } }, 400);
    terminal.write(packets[0].frame);
    await terminal.waitFor((r) => r.msgId === 0x8003, REASSEMBLY_TIMEOUT_MS * 10, '0x8003');
    const detail = await eventuallyRows(
      `SELECT detail FROM ingest_rejects WHERE terminal_id = '${terminal.phone}' AND reason = 'reassembly_timeout'`,
    );
    expect(String(detail[0][0])).toContain('never arrived');
    expect(await scalar(`SELECT count() FROM telemetry WHERE terminal_id = '${terminal.phone}'`)).toBe(0);
    terminal.close();
  });

  it('answers a location query: 0x0201 resolves the pending 0x8201 and its position is stored', async () => {
    const terminal = await loggedIn(2019);
    const position = fix(3000, 2019);
    const answered = node.gateway.sendCommand(terminal.phone, { msgId: 0x8201, body: {} });
    const query = await terminal.waitFor((r) => r.msgId === 0x8201, 5_000, '0x8201');
    terminal.send({ msgId: 0x0201, body: { replySerial: query.serial, location: position } });
    const answer = await answered;
    expect(answer.result).toBe(0);
    expect(answer.location?.time).toBe(position.time);
    expect(answer.location?.lat).toBeCloseTo(position.lat, 6);
    expect(
      await scalar(
        `SELECT count() FROM telemetry WHERE terminal_id = '${terminal.phone}' AND ts = fromUnixTimestamp64Milli(${position.time})`,
      ),
    ).toBe(1);
    terminal.close();
  });

  it('sends a text message and returns the 0x0001 result; a silent terminal times out', async () => {
    const terminal = await loggedIn();
    const answered = node.gateway.sendCommand(terminal.phone, {
      msgId: 0x8300,
      body: { flags: 0x0c, text: '前方施工，请减速慢行' },
    });
    const text = await terminal.waitFor((r) => r.msgId === 0x8300, 5_000, '0x8300');
    expect(text.message.body).toMatchObject({ text: '前方施工，请减速慢行', flags: 0x0c });
    terminal.send({ msgId: 0x0001, body: { replySerial: text.serial, replyMsgId: 0x8300, result: 0 } });
    expect(await answered).toEqual({ result: 0 });
    const error = await node.gateway
      .sendCommand(terminal.phone, { msgId: 0x8300, body: { flags: 0, text: 'no answer' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownlinkError);
    expect((error as DownlinkError).reason).toBe('terminal_timeout');
    const offline = await node.gateway
      .sendCommand('013999999999', { msgId: 0x8201, body: {} })
      .catch((e: unknown) => e);
    expect((offline as DownlinkError).reason).toBe('terminal_offline');
    terminal.close();
  });

  it('stores a multimedia event and an upload with its bytes under the data dir, within the size bounds', async () => {
    const terminal = await loggedIn();
    const head = { mediaId: 7, mediaType: 0, mediaFormat: 0, eventCode: 3, channelId: 1 };
    expect(await terminal.request({ msgId: 0x0800, body: head })).toMatchObject({ result: 0 });
    const bytes = Buffer.alloc(5_000, 0);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
    const location = fix(4000, 2013);
    const packets = terminal.packets({ msgId: 0x0801, body: { ...head, location, data: bytes } }, 900);
    for (const p of packets) terminal.write(p.frame);
    // A whole upload is answered 0x8800 with nothing to resend, once file and row are durable.
    const uploaded = await terminal.waitFor((r) => r.msgId === 0x8800, 10_000, '0x8800');
    expect(uploaded.message.body).toEqual({ mediaId: 7, packetIds: [] });
    expect(repliesTo(terminal, packets[packets.length - 1].serial)).toBe(0);
    const rows = await node.query(
      `SELECT media_id, event_code, channel, bytes, path, lat, ts FROM media_events WHERE terminal_id = '${terminal.phone}' ORDER BY path`,
    );
    expect(rows).toHaveLength(2);
    expect(rows[0].slice(0, 5)).toEqual([7, 3, 1, 0, '']);
    const upload = rows[1];
    expect(upload.slice(0, 4)).toEqual([7, 3, 1, 5_000]);
    expect(String(upload[4])).toBe(path.join('media', terminal.phone, '7.jpg'));
    expect(Number(upload[5])).toBeCloseTo(location.lat, 6);
    expect(readFileSync(path.join(node.dataDir, String(upload[4])))).toEqual(bytes);

    // Beyond the per-file bound: refused with a reason, nothing stored.
    const tooLarge = terminal.packets(
      { msgId: 0x0801, body: { ...head, mediaId: 8, location, data: Buffer.alloc(MEDIA_FILE_MAX + 1, 1) } },
      900,
    );
    for (const p of tooLarge) terminal.write(p.frame);
    expect(await terminal.replyTo(tooLarge[tooLarge.length - 1].serial)).toMatchObject({ result: 1 });
    // Within the per-file bound but beyond the total: refused too.
    const overTotal = terminal.packets(
      { msgId: 0x0801, body: { ...head, mediaId: 9, location, data: Buffer.alloc(MEDIA_TOTAL_MAX - 5_000 + 1, 2) } },
      900,
    );
    for (const p of overTotal) terminal.write(p.frame);
    expect(await terminal.replyTo(overTotal[overTotal.length - 1].serial)).toMatchObject({ result: 1 });
    const reasons = await node.query(
      `SELECT reason FROM ingest_rejects WHERE terminal_id = '${terminal.phone}' ORDER BY reason`,
    );
    expect(reasons).toEqual([['media_storage_full'], ['media_too_large']]);
    expect(
      await scalar(`SELECT count() FROM media_events WHERE terminal_id = '${terminal.phone}' AND media_id IN (8, 9)`),
    ).toBe(0);
    terminal.close();
  });

  it('stores driver cards (0x0702) in driver_events once durable, in the county of the last fix', async () => {
    const terminal = await loggedIn(2019);
    expect(await terminal.request({ msgId: 0x0200, body: fix(1, 2019) })).toMatchObject({ result: 0 });
    const inserted = {
      status: 1,
      time: BASE_MS + 60_000,
      readResult: 0,
      name: '张建国',
      certificate: '410102198001011234',
      authority: '郑州市交通运输局',
      expiry: '2027-06-30',
      idCard: '410102198001011234',
    };
    expect(await terminal.request({ msgId: 0x0702, body: inserted })).toMatchObject({ result: 0 });
    expect(await terminal.request({ msgId: 0x0702, body: { status: 2, time: BASE_MS + 3_600_000 } })).toMatchObject({
      result: 0,
    });
    // Answered only once stored: the rows are there at the reply.
    const rows = await node.query(
      `SELECT status, read_result, driver_name, certificate, authority, toUnixTimestamp64Milli(certificate_valid_until), toUnixTimestamp64Milli(ts), org_code
         FROM driver_events WHERE terminal_id = '${terminal.phone}' ORDER BY ts`,
    );
    expect(rows).toHaveLength(2);
    expect(rows[0].slice(0, 5)).toEqual([1, 0, '张建国', '410102198001011234', '郑州市交通运输局']);
    // The end of 30 June 2027, China time.
    expect(Number(rows[0][5])).toBe(Date.parse('2027-07-01T00:00:00+08:00') - 1);
    expect(Number(rows[0][6])).toBe(BASE_MS + 60_000);
    expect(String(rows[0][7])).toMatch(/^41\d{4}$/);
    expect(rows[1].slice(0, 4)).toEqual([2, 0, '', '']);
    expect(rows[1][5]).toBeNull();
  });

  it('asks for the missing packets of an upload with 0x8800 naming them, and answers the whole upload with 0x8800', async () => {
    const terminal = await loggedIn(2019);
    const head = { mediaId: 21, mediaType: 0, mediaFormat: 0, eventCode: 1, channelId: 2 };
    const bytes = Buffer.alloc(3_000, 0);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) & 0xff;
    const packets = terminal.packets({ msgId: 0x0801, body: { ...head, location: fix(4100, 2019), data: bytes } }, 500);
    expect(packets.length).toBeGreaterThanOrEqual(5);
    const missing = [3, packets.length];
    for (const [i, p] of packets.entries()) if (!missing.includes(i + 1)) terminal.write(p.frame);
    const request = await terminal.waitFor(
      (r) => r.msgId === 0x8800,
      REASSEMBLY_TIMEOUT_MS * 10,
      '0x8800 naming the missing packets',
    );
    expect(request.message.body).toEqual({ mediaId: 21, packetIds: missing });
    expect(terminal.received.filter((r) => r.msgId === 0x8003)).toHaveLength(0);
    for (const index of missing) terminal.write(packets[index - 1].frame);
    const done = await terminal.waitFor(
      (r) => r.msgId === 0x8800 && (r.message.body as { packetIds: number[] }).packetIds.length === 0,
      10_000,
      '0x8800 for the whole upload',
    );
    expect(done.message.body).toEqual({ mediaId: 21, packetIds: [] });
    const stored = await node.query(
      `SELECT bytes, path FROM media_events WHERE terminal_id = '${terminal.phone}' AND media_id = 21`,
    );
    expect(stored).toHaveLength(1);
    expect(readFileSync(path.join(node.dataDir, String(stored[0][1])))).toEqual(bytes);
    terminal.close();
  });

  it('rejects an encrypted body as encrypted_body when no key is configured, and goes on', async () => {
    const terminal = await loggedIn();
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const encrypted = terminal.encryptedFrame({ msgId: 0x0200, body: fix(5000, 2013) }, publicKey);
    terminal.write(encrypted.frame);
    expect(await terminal.replyTo(encrypted.serial)).toMatchObject({ result: 2 });
    expect(await node.query(`SELECT reason FROM ingest_rejects WHERE terminal_id = '${terminal.phone}'`)).toEqual([
      ['encrypted_body'],
    ]);
    expect(await terminal.request({ msgId: 0x0200, body: fix(5001, 2013) })).toMatchObject({ result: 0 });
    terminal.close();
  });

  it('acknowledges and counts pass-through (0x0900)', async () => {
    const terminal = await loggedIn();
    expect(
      await terminal.request({ msgId: 0x0900, body: { type: 0x41, data: Buffer.from('serial port payload') } }),
    ).toMatchObject({ result: 0, replyMsgId: 0x0900 });
    expect(node.metrics.render()).toMatch(/vigil_jt808_pass_through_total\{type="0x41"\} 1/);
    terminal.close();
  });
});

/** The rows of `sql` once there are any. */
function eventuallyRows(sql: string, timeoutMs = 10_000): Promise<unknown[][]> {
  return eventually(
    async () => {
      const rows = await node.query(sql);
      return rows.length > 0 ? rows : undefined;
    },
    timeoutMs,
    `rows of ${sql}`,
    100,
  );
}
