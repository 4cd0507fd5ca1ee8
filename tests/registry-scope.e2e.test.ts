/**
 * Scope of registry writes and per-vehicle reads against a real `vigil start`. A registry key of Luoyang
 * (410300) cannot overwrite a Zhengzhou enterprise, vehicle or driver, nor attach its vehicle to a Zhengzhou
 * enterprise: each such record is refused by name, counted and dead-lettered into `ingest_rejects` while its
 * neighbours are stored. An admin cannot move a plate bound to another unit's enterprise. An enterprise account
 * reads the track of its own vehicles wherever they drive and gets 404 for any other vehicle of its city.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationBody } from '../cli/demo/location.js';
import { SimulatedTerminal } from '../cli/demo/simulated-terminal.js';
import { issueKey, postRecords } from './support/ingest-client.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

const PASSWORD = 'orchard tundra pebble violin';
const OWN_TERMINAL = '013977700001';
const OTHER_TERMINAL = '013977700002';
// 老城区, Luoyang: the Zhengzhou enterprise's vehicle drives there.
const LUOYANG = { lat: 34.68519, lon: 112.46354 };

let vigil: VigilProcess;
let admin: string;
let zzKey: string;
let lyKey: string;
const terminals: SimulatedTerminal[] = [];

async function api(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${vigil.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function user(username: string, role: string, orgCode: string, extra: Record<string, unknown> = {}) {
  const created = await api(admin, 'POST', '/api/users', {
    username,
    password: PASSWORD,
    role,
    org_code: orgCode,
    ...extra,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return vigil.login(username, PASSWORD);
}

beforeAll(async () => {
  vigil = await startVigil();
  admin = await vigil.login();
  zzKey = (await issueKey(vigil.baseUrl, admin, 'registry', '410100', 'zz registry')).key;
  lyKey = (await issueKey(vigil.baseUrl, admin, 'registry', '410300', 'ly registry')).key;
  const zz = await postRecords(vigil.baseUrl, 'registry', zzKey, [
    { type: 'enterprise', id: 'ZZ-E1', name: '郑州运输公司', org_code: '410100' },
    {
      type: 'vehicle',
      plate: '豫A7E001',
      plate_color: 2,
      vehicle_class: 'heavy_truck',
      terminal_id: OWN_TERMINAL,
      home_org_code: '410102',
      enterprise_id: 'ZZ-E1',
    },
    {
      type: 'vehicle',
      plate: '豫A7E002',
      plate_color: 2,
      vehicle_class: 'heavy_truck',
      terminal_id: OTHER_TERMINAL,
      home_org_code: '410102',
    },
    { type: 'vehicle', plate: '豫A7E003', plate_color: 2, vehicle_class: 'taxi' },
    { type: 'driver', id: 'D-ZZ-1', name: '张师傅', enterprise_id: 'ZZ-E1', plate: '豫A7E001' },
  ]);
  expect(zz.body).toMatchObject({ accepted: 5, rejected: [] });
});

afterAll(async () => {
  for (const t of terminals) t.close();
  await vigil?.stop({ removeData: true });
});

describe('registry writes stay in the writer’s unit', () => {
  it("refuses another unit's rows by name, dead-letters them and stores the rest", async () => {
    const ly = await postRecords(vigil.baseUrl, 'registry', lyKey, [
      { type: 'enterprise', id: 'ZZ-E1', name: '被改名', org_code: '410300' },
      { type: 'vehicle', plate: '豫A7E001', plate_color: 2, vehicle_class: 'taxi', home_org_code: '410302' },
      { type: 'driver', id: 'D-ZZ-1', name: '冒名' },
      {
        type: 'vehicle',
        plate: '豫C7E009',
        plate_color: 2,
        vehicle_class: 'heavy_truck',
        home_org_code: '410302',
        enterprise_id: 'ZZ-E1',
      },
      { type: 'vehicle', plate: '豫A7E003', plate_color: 2, vehicle_class: 'coach' },
      { type: 'vehicle', plate: '豫C7E010', plate_color: 2, vehicle_class: 'coach', home_org_code: '410302' },
    ]);
    expect(ly.status).toBe(200);
    expect(ly.body.accepted).toBe(1);
    expect(ly.body.rejected?.map((r) => [r.index, r.reason])).toEqual([
      [0, 'registry_row_out_of_scope'],
      [1, 'registry_row_out_of_scope'],
      [2, 'registry_row_out_of_scope'],
      [3, 'enterprise_out_of_scope'],
      [4, 'registry_row_out_of_scope'],
    ]);
    expect(ly.body.rejected?.[0].detail).toContain('410100');

    const enterprises = (await api(admin, 'GET', '/api/enterprises')).body.enterprises as {
      id: string;
      name: string;
      org_code: string;
    }[];
    // No market-supervision registration names it: its market fields are empty.
    expect(enterprises.find((e) => e.id === 'ZZ-E1')).toEqual({
      id: 'ZZ-E1',
      name: '郑州运输公司',
      org_code: '410100',
      market_status: null,
      market_status_text: null,
      market_status_changed_on: null,
    });

    const dead = await eventually(async () => {
      const r = await vigil.sql<[string, string]>(
        "SELECT reason, peer FROM ingest_rejects WHERE source = 'http:registry' ORDER BY reason",
      );
      return r.rows.length >= 5 ? r.rows : undefined;
    }, 30_000);
    expect(dead.map((r) => r[0])).toEqual([
      'enterprise_out_of_scope',
      'registry_row_out_of_scope',
      'registry_row_out_of_scope',
      'registry_row_out_of_scope',
      'registry_row_out_of_scope',
    ]);
    const metrics = await (await fetch(`${vigil.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /vigil_ingest_rejects_total\{source="http:registry",reason="registry_row_out_of_scope"\} 4/,
    );
  });

  it('lets the owning unit and the province update those rows', async () => {
    const zz = await postRecords(vigil.baseUrl, 'registry', zzKey, [
      { type: 'enterprise', id: 'ZZ-E1', name: '郑州运输有限公司', org_code: '410100' },
      { type: 'vehicle', plate: '豫A7E003', plate_color: 2, vehicle_class: 'coach' },
    ]);
    expect(zz.body).toMatchObject({ accepted: 2, rejected: [] });
    const provinceKey = (await issueKey(vigil.baseUrl, admin, 'registry', '410000', 'province registry')).key;
    const province = await postRecords(vigil.baseUrl, 'registry', provinceKey, [
      { type: 'driver', id: 'D-ZZ-1', name: '张师傅', enterprise_id: 'ZZ-E1', plate: '豫A7E001' },
    ]);
    expect(province.body).toMatchObject({ accepted: 1, rejected: [] });
  });

  it("keeps an admin from moving a plate bound to another unit's enterprise", async () => {
    expect(
      (await api(admin, 'POST', '/api/enterprises', { id: 'ZZ-B', name: '郑州乙', org_code: '410100' })).status,
    ).toBe(201);
    expect((await api(admin, 'POST', '/api/enterprises/ZZ-B/vehicles', { plate: '豫A7E005' })).status).toBe(201);
    expect(
      (await api(admin, 'POST', '/api/enterprises', { id: 'LY-B', name: '洛阳乙', org_code: '410300' })).status,
    ).toBe(201);
    const lyAdmin = await user('ly.admin', 'admin', '410300');
    const moved = await api(lyAdmin, 'POST', '/api/enterprises/LY-B/vehicles', { plate: '豫A7E005' });
    expect(moved).toMatchObject({ status: 403, body: { error: 'registry_row_out_of_scope' } });
    const still = (await api(admin, 'GET', '/api/enterprises/ZZ-B/vehicles')).body.vehicles as { plate: string }[];
    expect(still).toEqual([{ plate: '豫A7E005' }]);
  });
});

describe('per-vehicle reads of an enterprise account', () => {
  it('reads its own vehicle’s track wherever it drives, and gets 404 for another vehicle of its city', async () => {
    const start = Date.now() - 10 * 60_000;
    for (const [phone, plate] of [
      [OWN_TERMINAL, '豫A7E001'],
      [OTHER_TERMINAL, '豫A7E002'],
    ] as const) {
      const terminal = new SimulatedTerminal({ phone, plate, plateColor: 2, version: 2013 });
      terminals.push(terminal);
      await terminal.connect('127.0.0.1', vigil.jt808Port);
      await terminal.logIn();
      for (let i = 0; i < 2; i++) {
        const body = locationBody(
          { lat: LUOYANG.lat + i * 0.001, lon: LUOYANG.lon, speedKmh: 50, directionDeg: 90, time: start + i * 30_000 },
          2013,
        );
        expect((await terminal.request({ msgId: 0x0200, body })).msgId).toBe(0x8001);
      }
    }
    const fleet = await user('fleet.zz', 'enterprise', '410100', { enterprise_id: 'ZZ-E1' });
    const window = `from=${start - 60_000}&to=${Date.now()}`;
    const own = await api(fleet, 'GET', `/api/vehicles/${OWN_TERMINAL}/track?${window}`);
    expect(own.status).toBe(200);
    expect((own.body.points as unknown[]).length).toBe(2);
    const other = await api(fleet, 'GET', `/api/vehicles/${OTHER_TERMINAL}/track?${window}`);
    expect(other).toMatchObject({ status: 404, body: { error: 'not_found' } });
    // Staff see a vehicle of their own area whole (its plate is Zhengzhou's, so Zhengzhou is answerable for it
    // wherever it drives); another city's staff see only the fixes that lie in their area: Kaifeng none of these.
    const analyst = await user('zz.analyst.track', 'analyst', '410100');
    const staff = await api(analyst, 'GET', `/api/vehicles/${OWN_TERMINAL}/track?${window}`);
    expect(staff.status).toBe(200);
    expect((staff.body.points as unknown[]).length).toBe(2);
    const kaifeng = await user('kf.analyst.track', 'analyst', '410200');
    const elsewhere = await api(kaifeng, 'GET', `/api/vehicles/${OWN_TERMINAL}/track?${window}`);
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.points).toEqual([]);
    const luoyang = await user('ly.analyst.track', 'analyst', '410300');
    const where = await api(luoyang, 'GET', `/api/vehicles/${OWN_TERMINAL}/track?${window}`);
    expect((where.body.points as unknown[]).length).toBe(2);
  });
});
