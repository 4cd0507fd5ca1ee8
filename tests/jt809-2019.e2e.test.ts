/**
 * A JT/T 809-2019 lower platform against a real `vigil start`, beside 2011 ones: written from the standard (the
 * 30-byte header with its UTC time, the 2019 login with the access code repeated, the 2019 vehicle location
 * holding a JT/T 808 0x0200 body), it logs in encrypted, is answered in its own edition, and its real-time and
 * back-filled positions land in ClickHouse. What Vigil does not read in 2019 (an alarm report), a 2011 frame on its
 * link and a login of neither edition are refused with named reasons and kept, and the link goes on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';
import {
  alarmReportData,
  frame809,
  gnssData,
  Jt809Client,
  location2019,
  loginBody,
  loginBody2019,
  vehicleEnvelope,
} from './support/jt809-client.js';

const ACCESS_CODE = 41_000_019;
const USER_ID = 8019;
const PASSWORD = 'Q7#m2019';
const CIPHER = { m1: 30_000_000, ia1: 20_000_000, ic1: 30_000_000 };
const PLATE = '豫A2019X';

let vigil: VigilProcess;
let admin: string;
const clients: Jt809Client[] = [];

beforeAll(async () => {
  vigil = await startVigil();
  admin = await vigil.login();
  const created = await fetch(`${vigil.baseUrl}/api/jt809/platforms`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}` },
    body: JSON.stringify({
      access_code: ACCESS_CODE,
      user_id: USER_ID,
      password: PASSWORD,
      name: '某2019版监控平台',
      org_code: '410100',
      ...CIPHER,
    }),
  });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  for (const c of clients) c.close();
  await vigil?.stop({ removeData: true });
});

async function client(edition: 2011 | 2019): Promise<Jt809Client> {
  const c = new Jt809Client({ accessCode: ACCESS_CODE, cipher: CIPHER, edition });
  await c.connect('127.0.0.1', vigil.jt809Port);
  clients.push(c);
  return c;
}

async function rejects(): Promise<[string, string][]> {
  return (
    await vigil.sql<[string, string]>(
      `SELECT reason, detail FROM ingest_rejects WHERE source = 'jt809' ORDER BY reason`,
    )
  ).rows;
}

describe('JT/T 809-2019 lower platform → Vigil', () => {
  it('logs in with the 2019 login and is answered in 2019', async () => {
    const c = await client(2019);
    c.send(0x1001, loginBody2019(USER_ID, 'wrong!!!', ACCESS_CODE), { encrypt: true });
    expect((await c.answer(0x1002)).body[0]).toBe(9);
    const before = Math.floor(Date.now() / 1000);
    c.send(0x1001, loginBody2019(USER_ID, PASSWORD, ACCESS_CODE), { encrypt: true });
    const answer = await c.answer(0x1002);
    expect(answer.body[0]).toBe(0);
    expect(answer.body).toHaveLength(5);
    // The answer's header has the 2019 time: read at the 2019 offsets, it is Vigil's clock now.
    expect(answer.timeS).toBeGreaterThanOrEqual(before - 1);
    expect(answer.timeS).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 1);
    c.send(0x1005, Buffer.alloc(0));
    expect((await c.answer(0x1006)).accessCode).toBe(ACCESS_CODE);
    const platforms = (await (
      await fetch(`${vigil.baseUrl}/api/jt809/platforms`, { headers: { authorization: `Bearer ${admin}` } })
    ).json()) as { platforms: { access_code: number; main_link: string; edition: number | null }[] };
    expect(platforms.platforms.find((p) => p.access_code === ACCESS_CODE)).toMatchObject({
      main_link: 'logged_in',
      edition: 2019,
    });
  });

  it('stores 2019 real-time and back-filled positions; refuses what it does not read, and goes on', async () => {
    const c = clients[0];
    const t0 = Date.now() - 120_000;
    const fix = { time: t0, lat: 34.757, lon: 113.64, speedKmh: 72.5, directionDeg: 90, mileageKm: 12_345.6 };
    c.send(0x1200, vehicleEnvelope(PLATE, 2, 0x1202, location2019(fix, [{ id: '41000000001', alarm: 0b100 }])), {
      encrypt: true,
    });
    const history = Buffer.concat([
      Buffer.from([2]),
      location2019({ ...fix, time: t0 - 60_000, speedKmh: 60 }),
      location2019({ ...fix, time: t0 - 30_000, speedKmh: 61 }),
    ]);
    c.send(0x1200, vehicleEnvelope(PLATE, 2, 0x1203, history));
    // An alarm report: its 2019 body is not read by Vigil, so it is kept whole rather than misread.
    c.send(0x1400, vehicleEnvelope(PLATE, 2, 0x1402, alarmReportData(1, 2, t0, 7, '疲劳')));
    // A 2011 position on this 2019 link: its plate is where the 2019 header time would be.
    c.write(frame809(0x1200, vehicleEnvelope(PLATE, 2, 0x1202, gnssData(fix)), { sn: 99, accessCode: ACCESS_CODE }));
    c.send(0x1005, Buffer.alloc(0));
    await c.answer(0x1006);

    const rows = await eventually(async () => {
      const result = await vigil.sql<[string, number, number, number, string]>(
        `SELECT plate, speed_kmh, backfill, toUnixTimestamp64Milli(ts), extras FROM telemetry WHERE source = 'jt809' ORDER BY ts`,
      );
      return result.rows.length >= 3 ? result.rows : undefined;
    });
    expect(rows.map((r) => [r[0], Number(r[1]), Number(r[2]), Number(r[3])])).toEqual([
      [PLATE, 60, 1, Math.floor((t0 - 60_000) / 1000) * 1000],
      [PLATE, 61, 1, Math.floor((t0 - 30_000) / 1000) * 1000],
      [PLATE, 72.5, 0, Math.floor(t0 / 1000) * 1000],
    ]);
    expect(JSON.parse(rows[2][4])).toEqual({
      platform: ACCESS_CODE,
      mileage_km: 12_345.6,
      tachograph_speed_kmh: 0,
      platform_alarms: [{ platform_id: '41000000001', alarm_bits: 0b100 }],
    });
    const refused = await eventually(async () => {
      const r = await rejects();
      return r.length >= 2 ? r : undefined;
    });
    expect(refused.map((r) => r[0])).toEqual(['bad_header_time', 'unsupported_in_2019']);
  });

  it('refuses a login of neither edition with a named reason, and a 2011 platform logs in beside', async () => {
    const odd = await client(2011);
    odd.write(frame809(0x1001, Buffer.alloc(48), { sn: 1, accessCode: ACCESS_CODE }));
    odd.send(0x1005, Buffer.alloc(0));
    // No login answer for a login of no known edition; the link stays up.
    await odd.answer(0x1006);
    const refused = await eventually(async () => (await rejects()).find((r) => r[0] === 'unknown_edition'));
    expect(refused[1]).toContain('0x1001 login of 74 bytes');

    // 2019 repeats the access code in the login body: one that names another platform is no login.
    const other = await client(2019);
    other.send(0x1001, loginBody2019(USER_ID, PASSWORD, ACCESS_CODE + 1), { encrypt: true });
    expect((await other.answer(0x1002)).body[0]).toBe(9);
    const mismatch = await eventually(async () => (await rejects()).find((r) => r[0] === 'login_access_code_mismatch'));
    expect(mismatch[1]).toBe(`0x1001 body names access code ${ACCESS_CODE + 1}, its header ${ACCESS_CODE}`);

    const c2011 = await client(2011);
    c2011.send(0x1001, loginBody(USER_ID, PASSWORD), { encrypt: true });
    expect((await c2011.answer(0x1002)).body[0]).toBe(0);
  });

  it('refuses a 查岗 to a 2019 platform, whose body Vigil writes in the 2011 layout only', async () => {
    const c = await client(2019);
    c.send(0x1001, loginBody2019(USER_ID, PASSWORD, ACCESS_CODE), { encrypt: true });
    expect((await c.answer(0x1002)).body[0]).toBe(0);
    const sent = await fetch(`${vigil.baseUrl}/api/jt809/platforms/${ACCESS_CODE}/inspections`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: JSON.stringify({ question: '请报值班人员姓名' }),
    });
    expect(sent.status).toBe(409);
    expect(await sent.json()).toMatchObject({ error: 'platform_edition_unsupported', edition: 2019 });
  });
});
