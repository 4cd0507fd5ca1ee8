/**
 * Taxis and ride-hailing, and market supervision, end to end against a real `vigil start` (docs/sources/taxi.md,
 * market_registration.md): permits, orders and positions posted over real HTTP with keys of their kinds, written
 * here by hand in the ministry's data-exchange names and in Vigil's own. Good records land in PostgreSQL (permits,
 * registrations, mirrored to ClickHouse) or ClickHouse (orders, positions) before the answer; bad ones are refused
 * one by one with their named reasons, rows of another unit by scope; a retried batch adds nothing. An order served
 * by a vehicle without a permit, or by a driver whose permit expired, raises `taxi_permit` through the node's own
 * rules, and one served with valid permits does not. A revoked enterprise registration shows on the enterprise
 * list and in ClickHouse `enterprises` without overwriting the transport department's name; a CSV of permits
 * uploaded twice is applied once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';
import { issueKey, postRecords } from './support/ingest-client.js';

let vigil: VigilProcess;
let admin: string;
const now = Date.now();
const DAY_MS = 86_400_000;
const MIN = 60_000;

/** `YYYYMMDDhhmmss` China time, as the ministry's interfaces write times. */
function compact(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().replace(/[-T:]/g, '').slice(0, 14);
}
/** `YYYY-MM-DD` China date. */
function chinaDate(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
}

beforeAll(async () => {
  vigil = await startVigil();
  admin = await vigil.login();
});

afterAll(async () => {
  await vigil?.stop({ removeData: true });
});

async function rows<T extends unknown[]>(sql: string): Promise<T[]> {
  return (await vigil.sql<T>(sql)).rows;
}

async function rejectsOf(kind: string, marker: string): Promise<string[]> {
  const found = await rows<[string]>(
    `SELECT reason FROM ingest_rejects WHERE source = 'http:${kind}' AND position(raw, '${marker}') > 0 ORDER BY reason`,
  );
  return found.map((r) => r[0]);
}

const COMPANY = '91410100MA44XXXX0J';
/** 二七区 and 金水区, Zhengzhou (410103, 410105), as the ministry's 10^-6 degrees. */
const ERQI = { Longitude: 113_640_000, Latitude: 34_730_000 };

describe('taxi and ride-hailing', () => {
  it('permits, orders and positions land; bad records are refused by name; an unpermitted order alarms', async () => {
    const permitKey = (await issueKey(vigil.baseUrl, admin, 'taxi_permit', '410100', 'Zhengzhou permits')).key;
    const permits = [
      {
        permit_type: 'vehicle',
        VehicleNo: '豫A·W0001',
        Certificate: '豫交运管郑字410100000001号',
        CompanyId: COMPANY,
        TransDateStart: chinaDate(now - 365 * DAY_MS),
        TransDateStop: chinaDate(now + 365 * DAY_MS),
      },
      {
        permit_type: 'driver',
        LicenseId: 'DRV-OK-0001',
        DriverName: '王五',
        CertificateNo: 'WY410100000001',
        valid_until: chinaDate(now + 365 * DAY_MS),
      },
      // Expired the day before yesterday: valid through that day, not today.
      {
        permit_type: 'driver',
        driver_id: 'DRV-EXP-0002',
        permit_no: 'WY410100000002',
        valid_until: chinaDate(now - 2 * DAY_MS),
      },
      { permit_type: 'vehicle', plate: '豫AW0009', status: 'valid' },
      { permit_type: 'vehicle', plate: '豫AW0010', permit_no: 'P-10', org_code: '410302' },
    ];
    const posted = await postRecords(vigil.baseUrl, 'taxi_permit', permitKey, permits);
    expect(posted.status).toBe(200);
    expect(posted.body.accepted).toBe(3);
    expect(posted.body.rejected?.map((r) => [r.index, r.reason])).toEqual([
      [3, 'missing_permit_no'],
      [4, 'org_out_of_scope'],
    ]);
    // Another unit may not rewrite Zhengzhou's permit.
    const luoyangKey = (await issueKey(vigil.baseUrl, admin, 'taxi_permit', '410300', 'Luoyang permits')).key;
    const stolen = await postRecords(vigil.baseUrl, 'taxi_permit', luoyangKey, [
      { permit_type: 'vehicle', plate: '豫AW0001', permit_no: 'LY-1', status: 'revoked' },
    ]);
    expect(stolen.body.rejected?.map((r) => r.reason)).toEqual(['registry_row_out_of_scope']);

    const orderKey = (await issueKey(vigil.baseUrl, admin, 'taxi_order', '410100', 'Zhengzhou ride-hailing')).key;
    const step = (order: string, iface: string, at: number, plate: string, driver: string) => ({
      CompanyId: COMPANY,
      OrderId: order,
      interface: iface,
      DistributeTime: compact(at),
      DepTime: compact(at),
      DestTime: compact(at),
      VehicleNo: plate,
      LicenseId: driver,
      ...ERQI,
      DepLongitude: ERQI.Longitude,
      DepLatitude: ERQI.Latitude,
      DestLongitude: 113_700_000,
      DestLatitude: 34_790_000,
      FactPrice: 21.5,
      DriveMile: 6.4,
    });
    const orders = [
      step('E2E-A', 'OrderMatch', now - 30 * MIN, '豫AW0001', 'DRV-OK-0001'),
      step('E2E-B', 'OperateDepart', now - 20 * MIN, '豫AW0002', 'DRV-OK-0001'),
      step('E2E-C', 'OperatePay', now - 10 * MIN, '豫AW0001', 'DRV-EXP-0002'),
      { ...step('E2E-D', 'OrderMatch', now - 10 * MIN, '', 'DRV-OK-0001'), VehicleNo: undefined },
      { ...step('E2E-E', 'OrderMatch', now - 10 * MIN, '豫AW0001', 'DRV-OK-0001'), Address: '410302' },
      { ...step('E2E-F', 'OrderMatch', now + 60 * MIN, '豫AW0001', 'DRV-OK-0001') },
    ];
    const ordered = await postRecords(vigil.baseUrl, 'taxi_order', orderKey, orders);
    expect(ordered.status).toBe(200);
    expect(ordered.body.accepted).toBe(3);
    expect(ordered.body.rejected?.map((r) => [r.index, r.reason])).toEqual([
      [3, 'missing_plate'],
      [4, 'org_out_of_scope'],
      [5, 'time_in_future'],
    ]);
    // Durable before the answer.
    const stored = await rows<[string, string, string, string, number]>(
      `SELECT order_id, event, plate, driver_id, fare_yuan FROM taxi_order_events FINAL
        WHERE order_id LIKE 'E2E-%' ORDER BY order_id`,
    );
    expect(stored).toEqual([
      ['E2E-A', 'dispatched', '豫AW0001', 'DRV-OK-0001', 21.5],
      ['E2E-B', 'picked_up', '豫AW0002', 'DRV-OK-0001', 21.5],
      ['E2E-C', 'dropped_off', '豫AW0001', 'DRV-EXP-0002', 21.5],
    ]);
    expect(await rejectsOf('taxi_order', 'E2E-E')).toEqual(['org_out_of_scope']);
    // A retried batch: duplicates, no new row.
    const retried = await postRecords(vigil.baseUrl, 'taxi_order', orderKey, orders.slice(0, 3));
    expect(retried.body).toMatchObject({ accepted: 3, duplicates: 3, rejected: [] });
    const [[count]] = await rows<[number]>(`SELECT count() FROM taxi_order_events WHERE order_id LIKE 'E2E-%'`);
    expect(Number(count)).toBe(3);

    // The rules: B (no vehicle permit) and C (driver permit expired) alarm, A (both valid) does not.
    const alarms = await eventually(
      async () => {
        const found = await rows<[string, string, string]>(
          `SELECT plate, severity, details FROM alarms_current WHERE rule = 'taxi_permit' ORDER BY plate, started_at`,
        );
        return found.length >= 2 ? found : undefined;
      },
      30_000,
      'taxi_permit alarms',
    );
    const summary = alarms.map(([plate, severity, details]) => {
      const evidence = JSON.parse(details) as { order_id: string; reasons: string[] };
      return [plate, severity, evidence.order_id, evidence.reasons];
    });
    expect(summary).toEqual([
      ['豫AW0001', 'warning', 'E2E-C', ['driver_permit_expired']],
      ['豫AW0002', 'critical', 'E2E-B', ['no_vehicle_permit']],
    ]);

    const positionKey = (await issueKey(vigil.baseUrl, admin, 'taxi_position', '410100', 'Zhengzhou positions')).key;
    const positions = [
      {
        CompanyId: COMPANY,
        VehicleNo: '豫AW0001',
        LicenseId: 'DRV-OK-0001',
        PositionTime: compact(now - 5 * MIN),
        ...ERQI,
        Encrypt: 2,
        Speed: 35,
        Direction: 90,
        BizStatus: 1,
        OrderId: 'E2E-A',
      },
      {
        service: 'taxi',
        company_id: 'ZZ-TAXI-01',
        plate: '豫AT0002',
        time: new Date(now - 4 * MIN).toISOString(),
        lat: 34.8,
        lon: 113.65,
      },
      { CompanyId: COMPANY, VehicleNo: '豫AW0003', PositionTime: compact(now - 3 * MIN), ...ERQI, Encrypt: 0 },
    ];
    const placed = await postRecords(vigil.baseUrl, 'taxi_position', positionKey, positions, true);
    expect(placed.body).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(placed.body.rejected?.map((r) => [r.index, r.reason])).toEqual([[2, 'unknown_coordinate_system']]);
    const fixes = await rows<[string, string, string, number, number]>(
      `SELECT plate, service, biz_state, round(lat, 4), round(lon, 4) FROM taxi_positions FINAL
        WHERE plate IN ('豫AW0001', '豫AT0002') ORDER BY plate`,
    );
    expect(fixes).toEqual([
      ['豫AT0002', 'taxi', '', 34.8, 113.65],
      ['豫AW0001', 'ride_hailing', 'hired', 34.73, 113.64],
    ]);
    const again = await postRecords(vigil.baseUrl, 'taxi_position', positionKey, positions.slice(0, 2), true);
    expect(again.body).toMatchObject({ accepted: 2, duplicates: 2 });

    // Permits mirrored for analysts, joinable with the orders on the plate.
    const joined = await eventually(
      async () => {
        const found = await rows<[string, string, string]>(
          `SELECT o.order_id, p.permit_no, p.status FROM taxi_order_events AS o FINAL
             INNER JOIN taxi_permits AS p FINAL ON p.permit_type = 'vehicle' AND p.subject = o.plate
            WHERE o.order_id LIKE 'E2E-%' ORDER BY o.order_id`,
        );
        return found.length === 2 ? found : undefined;
      },
      30_000,
      'taxi_permits mirrored',
    );
    expect(joined).toEqual([
      ['E2E-A', '豫交运管郑字410100000001号', 'valid'],
      ['E2E-C', '豫交运管郑字410100000001号', 'valid'],
    ]);
  });

  it('a CSV of permits uploaded twice is applied once, its bad row reported', async () => {
    const csv =
      'permit_type,plate,driver_id,permit_no,valid_until\r\n' +
      `vehicle,豫AW0101,,P-101,${chinaDate(now + 100 * DAY_MS)}\r\n` +
      `driver,,,P-102,${chinaDate(now + 100 * DAY_MS)}\r\n`;
    const send = () =>
      fetch(`${vigil.baseUrl}/api/uploads?kind=taxi_permit&filename=permits.csv`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}` },
        body: csv,
      });
    const first = await send();
    expect(first.status).toBe(201);
    const body = (await first.json()) as { accepted: number; errors: { row: number; reason: string }[] };
    expect(body.accepted).toBe(1);
    expect(body.errors.map((e) => [e.row, e.reason])).toEqual([[3, 'missing_driver_id']]);
    const second = await send();
    expect(second.status).toBe(200);
    expect(((await second.json()) as { repeated: boolean }).repeated).toBe(true);
  });
});

describe('market supervision', () => {
  it("a revoked registration shows beside the enterprise, never over the transport department's fields", async () => {
    const credit = '91410105MA9G7K3R4T';
    const created = await fetch(`${vigil.baseUrl}/api/enterprises`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: credit, name: '金水出行（运管登记名）', org_code: '410105' }),
    });
    expect(created.status).toBe(201);
    const key = (await issueKey(vigil.baseUrl, admin, 'market_registration', '410100', 'Zhengzhou market register'))
      .key;
    const registration = {
      credit_code: credit,
      name: '郑州金水出行科技有限公司',
      status: '吊销，未注销',
      business_scope: '网络预约出租汽车经营服务',
      licence_numbers: '豫网约410100001',
      established_on: '2019-03-12',
      status_changed_on: chinaDate(now - 30 * DAY_MS),
      org_code: '410105',
    };
    const posted = await postRecords(vigil.baseUrl, 'market_registration', key, [
      registration,
      { ...registration, credit_code: '91410105MA9G7K3R4U' },
      { ...registration, credit_code: '91410302MA9G7K3R4R', org_code: '410302' },
    ]);
    expect(posted.body.accepted).toBe(1);
    expect(posted.body.rejected?.map((r) => [r.index, r.reason])).toEqual([
      [1, 'bad_credit_code'],
      [2, 'org_out_of_scope'],
    ]);
    const listed = await fetch(`${vigil.baseUrl}/api/enterprises`, { headers: { authorization: `Bearer ${admin}` } });
    const { enterprises } = (await listed.json()) as {
      enterprises: { id: string; name: string; market_status: string | null; market_status_text: string | null }[];
    };
    expect(enterprises.find((e) => e.id === credit)).toMatchObject({
      name: '金水出行（运管登记名）',
      market_status: 'revoked',
      market_status_text: '吊销，未注销',
    });
    const mirrored = await eventually(
      async () => {
        const found = await rows<[string, string, string]>(
          `SELECT e.name, e.market_status, m.name FROM enterprises AS e FINAL
             INNER JOIN market_registrations AS m FINAL ON m.credit_code = e.enterprise_id
            WHERE e.enterprise_id = '${credit}'`,
        );
        return found.length === 1 && found[0][1] === 'revoked' ? found : undefined;
      },
      30_000,
      'market status mirrored',
    );
    expect(mirrored).toEqual([['金水出行（运管登记名）', 'revoked', '郑州金水出行科技有限公司']]);
  });
});
