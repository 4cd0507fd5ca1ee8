/**
 * JT/T 809 end to end against a real `vigil start`: a province admin creates a lower-platform account with
 * cipher keys; a lower platform written from the standard logs in over a real TCP socket (wrong credentials
 * refused with one result code, 9, whichever of them is wrong), keeps alive, sends encrypted real-time and back-filled positions
 * and an alarm report. Positions land in `telemetry` with source 'jt809' (a vehicle from the registry keeps
 * its own terminal number and shows its class on the feed), the alarm in `alarms`, and a frame with a bad CRC
 * is dead-lettered while the link carries on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { FeedServerMessage } from '../schema/index.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';
import { issueKey, postRecords } from './support/ingest-client.js';
import { alarmReportData, gnssData, Jt809Client, loginBody, vehicleEnvelope } from './support/jt809-client.js';

const ACCESS_CODE = 41_000_001;
const USER_ID = 8001;
const PASSWORD = 'Jt8#09qZ';
const CIPHER = { m1: 30_000_000, ia1: 20_000_000, ic1: 30_000_000 };
const KNOWN_PLATE = '豫A80901';
const KNOWN_TERMINAL = '013980900001';

let vigil: VigilProcess;
let admin: string;
const clients: Jt809Client[] = [];

beforeAll(async () => {
  vigil = await startVigil();
  admin = await vigil.login();
});

afterAll(async () => {
  for (const c of clients) c.close();
  await vigil?.stop({ removeData: true });
});

async function client(): Promise<Jt809Client> {
  const c = new Jt809Client({ accessCode: ACCESS_CODE, cipher: CIPHER });
  await c.connect('127.0.0.1', vigil.jt809Port);
  clients.push(c);
  return c;
}

async function login(c: Jt809Client, userId: number, password: string, accessCode = ACCESS_CODE): Promise<number> {
  c.send(0x1001, loginBody(userId, password), { encrypt: true, accessCode });
  return (await c.answer(0x1002)).body[0];
}

describe('JT/T 809 lower platform → Vigil', () => {
  it('a province admin manages platform accounts', async () => {
    const created = await fetch(`${vigil.baseUrl}/api/jt809/platforms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: JSON.stringify({
        access_code: ACCESS_CODE,
        user_id: USER_ID,
        password: PASSWORD,
        name: '某第三方监控平台',
        org_code: '410100',
        ...CIPHER,
      }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      access_code: ACCESS_CODE,
      user_id: USER_ID,
      org_code: '410100',
      encrypted: true,
    });
    const bad = await fetch(`${vigil.baseUrl}/api/jt809/platforms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: JSON.stringify({ access_code: 5, user_id: 1, password: 'far too long', name: 'x', org_code: '410100' }),
    });
    expect(((await bad.json()) as { error: string }).error).toBe('bad_password');
    const listed = (await (
      await fetch(`${vigil.baseUrl}/api/jt809/platforms`, { headers: { authorization: `Bearer ${admin}` } })
    ).json()) as { platforms: unknown[] };
    expect(listed.platforms).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(PASSWORD);

    const { key } = await issueKey(vigil.baseUrl, admin, 'registry');
    const registered = await postRecords(vigil.baseUrl, 'registry', key, [
      {
        type: 'vehicle',
        plate: KNOWN_PLATE,
        plate_color: 2,
        vehicle_class: 'dangerous_goods',
        terminal_id: KNOWN_TERMINAL,
        home_org_code: '410102',
      },
    ]);
    expect(registered.body).toMatchObject({ accepted: 1, rejected: [] });
  });

  it('refuses wrong credentials with one result code, whichever is wrong, and accepts the right ones', async () => {
    const c = await client();
    expect(await login(c, USER_ID, 'wrong')).toBe(9);
    expect(await login(c, USER_ID + 1, PASSWORD)).toBe(9);
    const stranger = new Jt809Client({ accessCode: 999 });
    await stranger.connect('127.0.0.1', vigil.jt809Port);
    clients.push(stranger);
    stranger.send(0x1001, loginBody(USER_ID, PASSWORD));
    expect((await stranger.answer(0x1002)).body[0]).toBe(9);
    expect(await login(c, USER_ID, PASSWORD)).toBe(0);
    c.send(0x1005, Buffer.alloc(0));
    expect((await c.answer(0x1006)).msgId).toBe(0x1006);
  });

  it('stores encrypted real-time and back-filled positions and alarm reports; a bad frame is dead-lettered', async () => {
    const feed = new WebSocket(`ws://127.0.0.1:${vigil.httpPort}/ws?token=${vigil.wallToken}`);
    const messages: FeedServerMessage[] = [];
    feed.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString()) as FeedServerMessage));
    await new Promise<void>((resolve, reject) => {
      feed.once('open', () => resolve());
      feed.once('error', reject);
    });

    const earlier = clients[0];
    let earlierClosed = false;
    void earlier.closed.then(() => (earlierClosed = true));
    const c = await client();
    // Data before login is refused and kept.
    c.send(
      0x1200,
      vehicleEnvelope(
        '豫B99999',
        1,
        0x1202,
        gnssData({ time: Date.now() - 5_000, lat: 34.8, lon: 114.3, speedKmh: 50 }),
      ),
    );
    expect(await login(c, USER_ID, PASSWORD)).toBe(0);
    // One main link per platform: the newer login replaces the link logged in before.
    await eventually(async () => (earlierClosed ? true : undefined), 5_000, 'the older link to close');

    const t0 = Date.now() - 120_000;
    c.send(
      0x1200,
      vehicleEnvelope(
        KNOWN_PLATE,
        2,
        0x1202,
        gnssData({ time: t0, lat: 34.757, lon: 113.64, speedKmh: 72, directionDeg: 90, mileageKm: 12_345 }),
      ),
      { encrypt: true },
    );
    c.send(
      0x1200,
      vehicleEnvelope('豫C80902', 2, 0x1202, gnssData({ time: t0 + 1_000, lat: 34.62, lon: 112.45, speedKmh: 40 })),
    );
    c.send(0x1005, Buffer.alloc(0), { corruptCrc: true });
    const history = Buffer.concat([
      Buffer.from([3]),
      ...[0, 1, 2].map((i) =>
        gnssData({ time: t0 - 600_000 + i * 30_000, lat: 34.7 + i * 0.001, lon: 113.6, speedKmh: 60 + i }),
      ),
    ]);
    c.send(0x1200, vehicleEnvelope(KNOWN_PLATE, 2, 0x1203, history), { encrypt: true });
    c.send(0x1400, vehicleEnvelope(KNOWN_PLATE, 2, 0x1402, alarmReportData(1, 0x0002, t0, 77, '疲劳驾驶报警')));
    // The link is still alive after the bad frame.
    c.send(0x1005, Buffer.alloc(0));
    await c.answer(0x1006);

    const rows = await eventually(async () => {
      const result = await vigil.sql<[string, string, number, number, number, string]>(
        `SELECT terminal_id, plate, speed_kmh, backfill, toUnixTimestamp64Milli(ts), extras FROM telemetry WHERE source = 'jt809' ORDER BY ts`,
      );
      return result.rows.length >= 5 ? result.rows : undefined;
    });
    expect(rows).toHaveLength(5);
    const known = rows.filter((r) => r[1] === KNOWN_PLATE);
    expect(known.map((r) => [r[0], Number(r[2]), Number(r[3])])).toEqual([
      [KNOWN_TERMINAL, 60, 1],
      [KNOWN_TERMINAL, 61, 1],
      [KNOWN_TERMINAL, 62, 1],
      [KNOWN_TERMINAL, 72, 0],
    ]);
    expect(Number(known[3][4])).toBe(Math.floor(t0 / 1000) * 1000);
    expect(JSON.parse(known[3][5])).toMatchObject({ platform: ACCESS_CODE, mileage_km: 12_345 });
    const unknown = rows.find((r) => r[1] === '豫C80902');
    expect(unknown?.[0]).toMatch(/^809\d{17}$/);

    const alarms = (
      await vigil.sql<[string, string, string]>(`SELECT rule, plate, details FROM alarms WHERE rule = 'jt809_report'`)
    ).rows;
    expect(alarms).toHaveLength(1);
    expect(JSON.parse(alarms[0][2])).toMatchObject({ platform: ACCESS_CODE, warn_type: 2, info: '疲劳驾驶报警' });

    const reasons = (
      await vigil.sql<[string]>(`SELECT reason FROM ingest_rejects WHERE source = 'jt809' ORDER BY reason`)
    ).rows.map((r) => r[0]);
    expect(reasons).toEqual(['crc_mismatch', 'not_logged_in']);

    const seen = await eventually(async () => {
      for (const m of messages) {
        const vehicles =
          m.type === 'positions'
            ? m.vehicles
            : m.type === 'snapshot'
              ? (m as unknown as { vehicles: { terminal_id: string; vehicle_class: string }[] }).vehicles
              : [];
        const mine = vehicles.find((v) => v.terminal_id === KNOWN_TERMINAL);
        if (mine) return mine;
      }
      return undefined;
    });
    expect(seen.vehicle_class).toBe('dangerous_goods');
    feed.close();
  });

  it('refuses positions past the telemetry retention and plates with invisible characters; the link goes on', async () => {
    const c = clients[clients.length - 1];
    const tooOld = Date.now() - 401 * 86_400_000;
    const fix = (time: number) => gnssData({ time, lat: 34.7, lon: 113.6, speedKmh: 30 });
    c.send(0x1200, vehicleEnvelope('豫C80903', 2, 0x1202, fix(tooOld)));
    c.send(
      0x1200,
      vehicleEnvelope('豫C80903', 2, 0x1203, Buffer.concat([Buffer.from([2]), fix(tooOld), fix(Date.now() - 60_000)])),
    );
    c.send(0x1200, vehicleEnvelope('豫C\u001b80904', 2, 0x1202, fix(Date.now() - 30_000)));
    c.send(0x1400, vehicleEnvelope('豫C8\u00080905', 2, 0x1402, alarmReportData(1, 0x0002, Date.now(), 78, '超速')));
    c.send(0x1005, Buffer.alloc(0));
    await c.answer(0x1006);

    const reasons = await eventually(async () => {
      const rows = (
        await vigil.sql<[string, string]>(
          `SELECT reason, detail FROM ingest_rejects WHERE source = 'jt809' AND reason IN ('too_old_for_retention', 'bad_plate') ORDER BY reason, detail`,
        )
      ).rows;
      return rows.length >= 4 ? rows : undefined;
    });
    expect(reasons.map((r) => r[0])).toEqual([
      'bad_plate',
      'bad_plate',
      'too_old_for_retention',
      'too_old_for_retention',
    ]);
    // GBK carries C0 controls (an ESC starts a terminal escape sequence); zero-width and bidi characters have no
    // GBK bytes, so the HTTP tests cover those.
    expect(reasons.slice(0, 2).map((r) => r[1])).toEqual([
      'plate holds the invisible, control or undecodable character U+0008 at position 4',
      'plate holds the invisible, control or undecodable character U+001B at position 3',
    ]);
    // The back-fill's good item is stored; nothing of the refused ones is.
    const stored = await eventually(async () => {
      const rows = (
        await vigil.sql<[string, number]>(
          `SELECT plate, toUnixTimestamp64Milli(ts) FROM telemetry WHERE source = 'jt809' AND (plate = '豫C80903' OR endsWith(plate, '80904') OR endsWith(plate, '0905'))`,
        )
      ).rows;
      return rows.length > 0 ? rows : undefined;
    });
    expect(stored.map((r) => r[0])).toEqual(['豫C80903']);
    expect((await vigil.sql(`SELECT count() FROM alarms WHERE plate LIKE '%0905'`)).rows).toEqual([[0]]);
  });

  it('keeps a 0x1403 handling result as a step of the alarm the platform reported, and refuses one for no report', async () => {
    const c = clients[clients.length - 1];
    const alarmId = await eventually(async () => {
      const answer = await fetch(
        `${vigil.baseUrl}/api/alarms?rule=jt809_report&plate=${encodeURIComponent(KNOWN_PLATE)}`,
        {
          headers: { authorization: `Bearer ${admin}` },
        },
      );
      return ((await answer.json()) as { alarms: { alarm_id: string }[] }).alarms[0]?.alarm_id;
    });
    const result = (infoId: number, code: number) => {
      const body = Buffer.alloc(5);
      body.writeUInt32BE(infoId, 0);
      body[4] = code;
      return body;
    };
    c.send(0x1400, vehicleEnvelope(KNOWN_PLATE, 2, 0x1403, result(77, 1)));
    c.send(0x1400, vehicleEnvelope(KNOWN_PLATE, 2, 0x1403, result(9_999, 1)));
    c.send(0x1005, Buffer.alloc(0));
    await c.answer(0x1006);
    const step = await eventually(async () => {
      const answer = await fetch(`${vigil.baseUrl}/api/alarms/${alarmId}`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      const { actions } = (await answer.json()) as { actions: { action: string; detail: Record<string, unknown> }[] };
      return actions.find((a) => a.action === 'platform_result');
    });
    expect(step.detail).toMatchObject({ platform: ACCESS_CODE, info_id: 77, result: 1, result_name: 'handled' });
    const refused = await eventually(async () => {
      const rows = (
        await vigil.sql<[string]>(`SELECT detail FROM ingest_rejects WHERE reason = 'unknown_alarm_info_id'`)
      ).rows;
      return rows[0];
    });
    expect(refused[0]).toContain('info id 9999');
  });
});
