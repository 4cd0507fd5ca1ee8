/**
 * JT/T 808 sessions against a real `vigil start` over real TCP: every protocol version registers (2011 with its
 * own register layout), authenticates and reports; a back-fill after an outage is stored as such and
 * acknowledged once, as a whole, after it is durable; a retransmitted frame makes no second row; a terminal has
 * one live session; data before authentication is refused; auth codes survive a restart of Vigil.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationBody } from '../cli/demo/location.js';
import type { Jt808Version } from '../ingest/index.js';
import { startVigil, type VigilProcess } from './support/vigil-process.js';
import { TestTerminal } from './support/jt808-test-terminal.js';

let vigil: VigilProcess;

beforeAll(async () => {
  vigil = await startVigil();
});

afterAll(async () => {
  await vigil?.stop({ removeData: true });
});

const BASE_MS = Date.UTC(2026, 10, 27, 23, 0, 0);

function fix(i: number, version: Jt808Version, speedKmh = 50) {
  return locationBody(
    { lat: 34.7 + i * 0.001, lon: 113.6, speedKmh, directionDeg: 45, time: BASE_MS + i * 10_000 },
    version,
  );
}

async function count(where: string): Promise<number> {
  return Number((await vigil.sql<[number | string]>(`SELECT count() FROM telemetry WHERE ${where}`)).rows[0][0]);
}

const PHONES: Record<Jt808Version, string> = {
  2011: '013800000011',
  2013: '013800000013',
  2019: '00000000013800000019',
};
const PLATES: Record<Jt808Version, string> = { 2011: '豫A20110', 2013: '豫B20130', 2019: '豫C20190' };

describe('JT/T 808 sessions over TCP against vigil start', () => {
  for (const version of [2011, 2013, 2019] as const) {
    it(`a ${version} terminal registers, authenticates and reports; the row is there when the reply is`, async () => {
      const terminal = await TestTerminal.connect(vigil.jt808Port, PHONES[version], version);
      const code = await terminal.register(PLATES[version]);
      expect(await terminal.authenticate(code)).toBe(0);
      for (let i = 0; i < 3; i++) {
        const reply = await terminal.request({ msgId: 0x0200, body: fix(i, version) });
        expect(reply).toMatchObject({ replyMsgId: 0x0200, result: 0 });
      }
      const rows = await vigil.sql<[string, string, number]>(
        `SELECT terminal_id, plate, backfill FROM telemetry WHERE terminal_id = '${PHONES[version]}' ORDER BY ts`,
      );
      expect(rows.rows).toEqual([0, 1, 2].map(() => [PHONES[version], PLATES[version], 0]));
      terminal.close();
    });
  }

  it('stores a back-fill after an outage with backfill = 1 and acknowledges the batch once, after all rows are durable', async () => {
    const phone = '013800000704';
    const terminal = await TestTerminal.connect(vigil.jt808Port, phone, 2013);
    expect(await terminal.authenticate(await terminal.register('豫D07040'))).toBe(0);
    const items = Array.from({ length: 30 }, (_, i) => fix(100 + i, 2013));
    const serial = terminal.send({ msgId: 0x0704, body: { type: 1, count: items.length, items, errors: [] } });
    const reply = await terminal.replyTo(serial);
    expect(reply).toMatchObject({ replyMsgId: 0x0704, result: 0 });
    // No polling: acknowledged means every row of the batch is already in ClickHouse.
    expect(await count(`terminal_id = '${phone}' AND backfill = 1`)).toBe(30);
    expect(await count(`terminal_id = '${phone}' AND backfill = 0`)).toBe(0);
    // A live report after the back-fill still goes through, and the batch got exactly one reply.
    expect(await terminal.request({ msgId: 0x0200, body: fix(200, 2013) })).toMatchObject({ result: 0 });
    const batchReplies = terminal.received.filter(
      (r) => r.msgId === 0x8001 && (r.message.body as { replyMsgId: number }).replyMsgId === 0x0704,
    );
    expect(batchReplies).toHaveLength(1);
    terminal.close();
  });

  it('acknowledges an exact retransmission without a second row (plain count, no FINAL)', async () => {
    const phone = '013800000777';
    const terminal = await TestTerminal.connect(vigil.jt808Port, phone, 2013);
    expect(await terminal.authenticate(await terminal.register('豫E07770'))).toBe(0);
    const serial = terminal.nextSerial();
    const frame = terminal.frame({ msgId: 0x0200, body: fix(300, 2013) }, serial);
    // Twice back to back (the second while the first may still be in flight), then once more after the reply.
    terminal.write(frame);
    terminal.write(frame);
    await terminal.waitFor(
      (r) =>
        r.msgId === 0x8001 &&
        terminal.received.filter(
          (x) => x.msgId === 0x8001 && (x.message.body as { replySerial: number }).replySerial === serial,
        ).length === 2,
      10_000,
      'two replies',
    );
    terminal.write(frame);
    await terminal.waitFor(
      () =>
        terminal.received.filter(
          (x) => x.msgId === 0x8001 && (x.message.body as { replySerial: number }).replySerial === serial,
        ).length === 3,
      10_000,
      'three replies',
    );
    for (const r of terminal.received.filter((x) => x.msgId === 0x8001))
      expect((r.message.body as { result: number }).result).toBe(0);
    expect(await count(`terminal_id = '${phone}'`)).toBe(1);
    terminal.close();
  });

  it('stores a different report with the same device time: it is not a retransmission (the later one wins)', async () => {
    const phone = '013800000778';
    const terminal = await TestTerminal.connect(vigil.jt808Port, phone, 2013);
    expect(await terminal.authenticate(await terminal.register('豫E07780'))).toBe(0);
    expect(await terminal.request({ msgId: 0x0200, body: fix(310, 2013, 40) })).toMatchObject({ result: 0 });
    expect(await terminal.request({ msgId: 0x0200, body: fix(310, 2013, 90) })).toMatchObject({ result: 0 });
    const rows = await vigil.sql<[number]>(`SELECT speed_kmh FROM telemetry FINAL WHERE terminal_id = '${phone}'`);
    expect(rows.rows).toEqual([[90]]);
    terminal.close();
  });

  it('keeps one live session per terminal: a second connection authenticating replaces the first', async () => {
    const phone = '013800000888';
    const first = await TestTerminal.connect(vigil.jt808Port, phone, 2013);
    const code = await first.register('豫F08880');
    expect(await first.authenticate(code)).toBe(0);
    const second = await TestTerminal.connect(vigil.jt808Port, phone, 2013);
    expect(await second.authenticate(code)).toBe(0);
    await first.closed;
    expect(await second.request({ msgId: 0x0200, body: fix(400, 2013) })).toMatchObject({ result: 0 });
    const metrics = await (await fetch(`${vigil.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/vigil_jt808_sessions_replaced_total [1-9]/);
    second.close();
  });

  it('refuses data before authentication with a named reason and stores nothing', async () => {
    const phone = '013800000999';
    const terminal = await TestTerminal.connect(vigil.jt808Port, phone, 2013);
    await terminal.register('豫G09990');
    expect(await terminal.request({ msgId: 0x0200, body: fix(500, 2013) })).toMatchObject({ result: 1 });
    const rejects = await vigil.sql<[string]>(`SELECT reason FROM ingest_rejects WHERE terminal_id = '${phone}'`);
    expect(rejects.rows).toEqual([['not_authenticated']]);
    expect(await count(`terminal_id = '${phone}'`)).toBe(0);
    // A wrong code is refused too, and the connection stays usable for the right one.
    expect(await terminal.authenticate('not-the-code')).toBe(1);
    terminal.close();
  });
});

describe('auth codes across a restart of Vigil', () => {
  it('a terminal authenticates with the code it got before the restart, without registering again', async () => {
    // The node the cases above ran on is the one restarted: its data dir holds their terminals too.
    const first = vigil;
    const phone = '00000000013800001234';
    let code: string;
    try {
      const terminal = await TestTerminal.connect(first.jt808Port, phone, 2019);
      code = await terminal.register('豫H12340');
      expect(await terminal.authenticate(code)).toBe(0);
      terminal.close();
    } finally {
      expect(await first.stop()).toBe(0);
    }
    const second = await startVigil({ dataDir: first.dataDir });
    vigil = second;
    try {
      const terminal = await TestTerminal.connect(second.jt808Port, phone, 2019);
      expect(await terminal.authenticate(code)).toBe(0);
      expect(await terminal.request({ msgId: 0x0200, body: fix(600, 2019) })).toMatchObject({ result: 0 });
      const rows = await second.sql<[string]>(`SELECT plate FROM telemetry WHERE terminal_id = '${phone}'`);
      expect(rows.rows).toEqual([['豫H12340']]);
      expect(terminal.received.filter((r) => r.msgId === 0x8100)).toHaveLength(0);
      terminal.close();
    } finally {
      await second.stop({ removeData: true });
    }
  });
});
