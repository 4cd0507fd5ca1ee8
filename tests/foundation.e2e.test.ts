/**
 * The whole embedded flow over real sockets: a JT/T 808 terminal registers, authenticates and reports; every
 * report is answered only once durable; the rows are queryable through /api/sql; an over-limit position
 * becomes an overspeed alarm on the WebSocket feed; a malformed frame is dead-lettered with its reason and
 * the same connection carries on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { FeedServerMessage } from '../schema/index.js';
import { SimulatedTerminal } from '../cli/demo/simulated-terminal.js';
import { locationBody } from '../cli/demo/location.js';
import { startVigil, eventually, type VigilProcess } from './support/vigil-process.js';

let vigil: VigilProcess;

beforeAll(async () => {
  vigil = await startVigil({ store: 'embedded' });
});

afterAll(async () => {
  await vigil?.stop({ removeData: true });
});

function openFeed(token: string): { messages: FeedServerMessage[]; socket: WebSocket; opened: Promise<void> } {
  const socket = new WebSocket(`ws://127.0.0.1:${vigil.httpPort}/ws?token=${token}`);
  const messages: FeedServerMessage[] = [];
  socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString()) as FeedServerMessage));
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { messages, socket, opened };
}

describe('foundation: terminal → ClickHouse → rules → feed', () => {
  it('answers health and refuses bad logins', async () => {
    const health = await fetch(`${vigil.baseUrl}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const bad = await fetch(`${vigil.baseUrl}/api/auth/login`, {
      method: 'POST',
      body: JSON.stringify({ username: 'admin', password: 'wrong' }),
    });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: string }).error).toBe('invalid_credentials');
  });

  for (const version of [2013, 2019] as const) {
    it(`a ${version} terminal registers, authenticates, reports; an over-limit fix becomes an alarm on the feed`, async () => {
      const feed = openFeed(vigil.wallToken);
      await feed.opened;
      const phone = version === 2019 ? '00000000013912340001' : '013912340002';
      const terminal = new SimulatedTerminal({
        phone,
        plate: version === 2019 ? '豫A12345' : '豫C54321',
        plateColor: 2,
        version,
      });
      await terminal.connect('127.0.0.1', vigil.jt808Port);
      await terminal.logIn();
      const start = Date.UTC(2026, 10, 28, 2, 0, 0);
      const speeds = [60, 72.5, 131.2, 64];
      for (const [i, speedKmh] of speeds.entries()) {
        const body = locationBody(
          { lat: 34.75 + i * 0.001, lon: 113.66, speedKmh, directionDeg: 90, time: start + i * 30_000 },
          version,
        );
        const reply = await terminal.request({ msgId: 0x0200, body });
        expect(reply.msgId).toBe(0x8001);
        expect(reply.body).toMatchObject({ replyMsgId: 0x0200, result: 0 });
      }
      // Acknowledged means durable: the rows are there the moment the replies are.
      const rows = await vigil.sql<[string, number, string]>(
        `SELECT terminal_id, speed_kmh, plate FROM telemetry FINAL WHERE terminal_id = '${phone}' ORDER BY ts`,
      );
      // speed_kmh is a Float32 column: compare at its precision.
      expect(rows.rows.map((r) => Math.round(r[1] * 10) / 10)).toEqual(speeds);
      expect(rows.rows[0][2]).toBe(version === 2019 ? '豫A12345' : '豫C54321');
      const alarmMessage = await eventually(
        async () => feed.messages.find((m) => m.type === 'alarm' && m.alarm.terminal_id === phone),
        15_000,
        'alarm on the feed',
      );
      expect(alarmMessage.type === 'alarm' && alarmMessage.alarm.rule).toBe('overspeed');
      if (alarmMessage.type === 'alarm') {
        expect(alarmMessage.alarm.org_code).toMatch(/^4101\d\d$/);
        expect(JSON.parse(alarmMessage.alarm.details)).toMatchObject({ limit_kmh: 100 });
      }
      const stored = await eventually(
        async () => {
          const r = await vigil.sql<[string, string | null]>(
            `SELECT rule, ended_at FROM alarms_current WHERE terminal_id = '${phone}'`,
          );
          return r.rows.length === 1 && r.rows[0][1] !== null ? r.rows : undefined;
        },
        15_000,
        'closed alarm in ClickHouse',
      );
      expect(stored[0][0]).toBe('overspeed');
      terminal.close();
      feed.socket.close();
    });
  }

  it('dead-letters a malformed frame with its reason and keeps the connection working', async () => {
    const phone = '013912340003';
    const terminal = new SimulatedTerminal({ phone, plate: '豫E00001', plateColor: 2, version: 2013 });
    await terminal.connect('127.0.0.1', vigil.jt808Port);
    await terminal.logIn();
    const good = (time: number) => ({
      msgId: 0x0200 as const,
      body: locationBody({ lat: 36.1, lon: 114.35, speedKmh: 40, directionDeg: 0, time }, 2013),
    });
    const frame = terminal.frame(good(Date.UTC(2026, 10, 28, 3, 0, 0)), terminal.nextSerial());
    // Flip the check byte (the byte before the closing flag); avoid producing a flag or escape byte.
    const corrupted = Buffer.from(frame);
    corrupted[corrupted.length - 2] ^= 0x01;
    if (corrupted[corrupted.length - 2] === 0x7e || corrupted[corrupted.length - 2] === 0x7d)
      corrupted[corrupted.length - 2] ^= 0x03;
    terminal.writeRaw(corrupted);
    terminal.writeRaw(Buffer.from('garbage without flags'));
    const reply = await terminal.request(good(Date.UTC(2026, 10, 28, 3, 0, 30)));
    expect(reply.body).toMatchObject({ result: 0 });
    const rejects = await eventually(
      async () => {
        const r = await vigil.sql<[string, string]>(
          `SELECT reason, raw FROM ingest_rejects WHERE reason = 'check_mismatch'`,
        );
        return r.rows.length > 0 ? r.rows : undefined;
      },
      15_000,
      'reject row',
    );
    expect(rejects[0][1]).toBe(corrupted.toString('hex'));
    const rows = await vigil.sql<[number]>(`SELECT count() FROM telemetry WHERE terminal_id = '${phone}'`);
    expect(rows.rows[0][0]).toBe(1);
    const metrics = await (await fetch(`${vigil.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/vigil_ingest_rejects_total\{source="jt808",reason="check_mismatch"\} [1-9]/);
    terminal.close();
  });

  it('refuses positions before authentication', async () => {
    const terminal = new SimulatedTerminal({ phone: '013912340004', plate: '豫E00002', plateColor: 2, version: 2013 });
    await terminal.connect('127.0.0.1', vigil.jt808Port);
    const reply = await terminal.request({
      msgId: 0x0200,
      body: locationBody({ lat: 34, lon: 113, speedKmh: 10, directionDeg: 0, time: Date.now() }, 2013),
    });
    expect(reply.body).toMatchObject({ result: 1 });
    terminal.close();
  });

  it('keeps analysts to read-only SQL and reports ClickHouse errors', async () => {
    const token = await vigil.login();
    const post = (sql: string) =>
      fetch(`${vigil.baseUrl}/api/sql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify({ sql }),
      });
    const drop = await post('DROP TABLE telemetry');
    expect(drop.status).toBe(400);
    expect(((await drop.json()) as { error: string }).error).toBe('query_refused');
    const file = await post("SELECT * FROM file('/etc/hostname', 'LineAsString')");
    expect(file.status).toBe(400);
    expect(((await file.json()) as { error: string }).error).toBe('function_not_allowed');
    const syntax = await post('SELEC 1');
    expect(syntax.status).toBe(400);
    expect(((await syntax.json()) as { detail: string }).detail).toMatch(/Syntax error/);
    const ok = await post('SELECT 1 AS one');
    expect(await ok.json()).toEqual({ columns: [{ name: 'one', type: 'UInt8' }], rows: [[1]], truncated: false });
    const unauth = await fetch(`${vigil.baseUrl}/api/sql`, {
      method: 'POST',
      body: JSON.stringify({ sql: 'SELECT 1' }),
    });
    expect(unauth.status).toBe(401);
  });
});
