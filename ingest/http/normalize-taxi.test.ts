/**
 * The normalizers of taxi and ride-hailing positions, orders and permits and of market-supervision registrations,
 * on records written by hand after docs/sources/taxi.md and market_registration.md — in the ministry's
 * data-exchange names (`VehicleNo`, `LicenseId`, 10^-6 degrees, `YYYYMMDDhhmmss`) and in Vigil's own: what a good
 * record becomes, and the named reason of each bad one.
 */
import { describe, expect, it } from 'vitest';
import { creditCodeProblem, marketStatusOf, normalizeMarketRegistration } from './normalize-market.js';
import { normalizeTaxiOrder, normalizeTaxiPermit, normalizeTaxiPosition, taxiReportId } from './normalize-taxi.js';
import { toWgs84, wgs84ToGcj02 } from './taxi-fields.js';

const NOW = Date.UTC(2026, 10, 28, 4, 0, 0);
const ctx = { source: 'key:7', keyOrgCode: '410100', receivedAt: NOW, futureSkewMsMax: 600_000 };
/** 2026-11-28 11:30:00 China time, as the ministry writes it and as epoch ms. */
const COMPACT = 20261128113000;
const AT = Date.UTC(2026, 10, 28, 3, 30, 0);

function reasonOf(outcome: { ok: boolean; reason?: string }): string | undefined {
  return outcome.ok ? undefined : outcome.reason;
}

/** A ride-hailing vehicle in central Zhengzhou, in the ministry's position interface (WGS-84, Encrypt 2). */
const MINISTRY_POSITION = {
  CompanyId: '91410100MA44XXXX0J',
  VehicleNo: '豫A·D12345',
  PlateColor: 5,
  LicenseId: '410102199001011234',
  PositionTime: COMPACT,
  Longitude: 113_665_400,
  Latitude: 34_753_100,
  Encrypt: 2,
  Speed: 32,
  Direction: 270,
  BizStatus: 1,
  OrderId: 'DD202611280001',
};

describe('taxi_position', () => {
  it('reads the ministry format: plate, licence, compact China time, 10^-6 degrees, business state', () => {
    const outcome = normalizeTaxiPosition(MINISTRY_POSITION, ctx);
    expect(outcome).toMatchObject({
      ok: true,
      value: {
        service: 'ride_hailing',
        company_id: '91410100MA44XXXX0J',
        plate: '豫AD12345',
        plate_color: 5,
        driver_id: '410102199001011234',
        ts: AT,
        lat: 34.7531,
        lon: 113.6654,
        speed_kmh: 32,
        heading_deg: 270,
        biz_state: 'hired',
        order_id: 'DD202611280001',
        // No Address: the county at the position, in Vigil's division polygons.
        org_code: '410104',
        source: 'key:7',
      },
    });
  });

  it("reads Vigil's own names, a taxi's record included", () => {
    const outcome = normalizeTaxiPosition(
      {
        service: '巡游',
        company_id: 'ZZ-TAXI-01',
        plate: '豫A·T8888',
        time: '2026-11-28 11:30:00',
        lat: 34.75,
        lon: 113.66,
      },
      ctx,
    );
    expect(outcome).toMatchObject({ ok: true, value: { service: 'taxi', plate: '豫AT8888', ts: AT, biz_state: '' } });
  });

  it('brings GCJ-02 and BD-09 positions to WGS-84', () => {
    const wgs = { lat: 34.7531, lon: 113.6654 };
    const gcj = wgs84ToGcj02(wgs.lat, wgs.lon);
    // The published offset is some hundreds of metres in Henan; converting back lands within a centimetre.
    const offsetM = Math.hypot((gcj.lat - wgs.lat) * 111_000, (gcj.lon - wgs.lon) * 91_000);
    expect(offsetM).toBeGreaterThan(100);
    expect(offsetM).toBeLessThan(1000);
    const back = toWgs84({ encrypt: 1 }, gcj.lat, gcj.lon);
    expect(Math.abs(back.lat - wgs.lat)).toBeLessThan(1e-7);
    expect(Math.abs(back.lon - wgs.lon)).toBeLessThan(1e-7);
    const outcome = normalizeTaxiPosition(
      {
        ...MINISTRY_POSITION,
        Encrypt: 1,
        Longitude: Math.round(gcj.lon * 1e6),
        Latitude: Math.round(gcj.lat * 1e6),
      },
      ctx,
    );
    expect(outcome.ok && Math.abs(outcome.value.lat - wgs.lat) < 2e-6).toBe(true);
    // BD-09 is GCJ-02 rotated and shifted by Baidu: a Baidu point lies further off still, and comes back near.
    const bd = toWgs84({ encrypt: 'bd09' }, gcj.lat + 0.006, gcj.lon + 0.0065);
    expect(Math.hypot(bd.lat - wgs.lat, bd.lon - wgs.lon)).toBeLessThan(0.001);
  });

  it.each([
    [{ VehicleNo: undefined }, 'missing_plate'],
    [{ CompanyId: undefined }, 'missing_company_id'],
    [{ Longitude: undefined }, 'missing_position'],
    [{ Longitude: 0, Latitude: 0 }, 'missing_position'],
    [{ Latitude: 134_000_000 }, 'lat_out_of_range'],
    [{ Latitude: '34.75' }, 'lat_out_of_range'],
    [{ Encrypt: 0 }, 'unknown_coordinate_system'],
    [{ PositionTime: 20261128113099 }, 'bad_time'],
    [{ PositionTime: 20261128133000 }, 'time_in_future'],
    [{ BizStatus: 7 }, 'bad_biz_status'],
    [{ Speed: 400 }, 'speed_out_of_range'],
    [{ Direction: 360 }, 'bad_heading'],
    [{ Address: '410302' }, 'org_out_of_scope'],
    [{ VehicleNo: '豫A\u200bD12345' }, 'bad_plate'],
    [{ service: 'bus' }, 'bad_service'],
  ])('refuses %j as %s', (change, reason) => {
    expect(reasonOf(normalizeTaxiPosition({ ...MINISTRY_POSITION, ...change }, ctx))).toBe(reason);
  });

  it('tells a retry from a correction: the same report has the same id, another position another', () => {
    const a = normalizeTaxiPosition(MINISTRY_POSITION, ctx);
    const b = normalizeTaxiPosition(MINISTRY_POSITION, { ...ctx, receivedAt: NOW + 1000, source: 'key:8' });
    const c = normalizeTaxiPosition({ ...MINISTRY_POSITION, Longitude: 113_665_500 }, ctx);
    if (!a.ok || !b.ok || !c.ok) throw new Error('refused');
    expect(taxiReportId(a.value)).toBe(taxiReportId(b.value));
    expect(taxiReportId(c.value)).not.toBe(taxiReportId(a.value));
  });
});

/** The steps of one order in the ministry's interfaces (订单发起, 订单成功, 经营出发, 经营支付). */
const ORDER = { CompanyId: '91410100MA44XXXX0J', OrderId: 'DD202611280001', Address: '410103' };
const CREATE = {
  ...ORDER,
  interface: 'OrderCreate',
  OrderTime: 20261128110000,
  DepLongitude: 113_665_400,
  DepLatitude: 34_753_100,
  DestLongitude: 113_720_000,
  DestLatitude: 34_770_000,
  Encrypt: 2,
};
const MATCH = {
  ...ORDER,
  interface: 'OrderMatch',
  DistributeTime: 20261128110130,
  VehicleNo: '豫A·D12345',
  LicenseId: '410102199001011234',
  Longitude: 113_660_000,
  Latitude: 34_750_000,
  Encrypt: 2,
};
const DEPART = {
  ...ORDER,
  interface: 'OperateDepart',
  DepTime: 20261128110800,
  VehicleNo: '豫AD12345',
  LicenseId: '410102199001011234',
  DepLongitude: 113_665_400,
  DepLatitude: 34_753_100,
};
const PAY = {
  ...ORDER,
  interface: 'OperatePay',
  DestTime: COMPACT,
  VehicleNo: '豫AD12345',
  LicenseId: '410102199001011234',
  DestLongitude: 113_720_000,
  DestLatitude: 34_770_000,
  FactPrice: 23.5,
  DriveMile: 7.2,
};

describe('taxi_order', () => {
  it('reads each step of the ministry format at its own time and place', () => {
    const steps = [CREATE, MATCH, DEPART, PAY].map((r) => normalizeTaxiOrder(r, ctx));
    expect(steps.map((s) => (s.ok ? [s.value.event, s.value.ts, s.value.lat, s.value.lon] : s.reason))).toEqual([
      ['created', Date.UTC(2026, 10, 28, 3, 0, 0), 34.7531, 113.6654],
      ['dispatched', Date.UTC(2026, 10, 28, 3, 1, 30), 34.75, 113.66],
      ['picked_up', Date.UTC(2026, 10, 28, 3, 8, 0), 34.7531, 113.6654],
      ['dropped_off', AT, 34.77, 113.72],
    ]);
    expect(steps[3]).toMatchObject({
      ok: true,
      value: { plate: '豫AD12345', driver_id: '410102199001011234', fare_yuan: 23.5, distance_km: 7.2 },
    });
    expect(steps[0]).toMatchObject({ ok: true, value: { plate: '', driver_id: '' } });
  });

  it("reads Vigil's own names", () => {
    const outcome = normalizeTaxiOrder(
      {
        company_id: 'ZZ-TAXI-01',
        order_id: 'T-1',
        event: 'dropped_off',
        service: 'taxi',
        time: '2026-11-28 11:30:00',
        plate: '豫AT8888',
        driver_id: 'D-1',
        lat: 34.77,
        lon: 113.72,
        fare_yuan: '18',
      },
      ctx,
    );
    expect(outcome).toMatchObject({ ok: true, value: { service: 'taxi', event: 'dropped_off', fare_yuan: 18 } });
  });

  it("reads the step from the format's interface field, IPCType, as the format spells the interfaces", () => {
    const names = ['orderCreate', 'orderMatch', 'operateDepart', 'operateArrive', 'operatePay', 'orderCancel'];
    const events = names.map((IPCType) => {
      const outcome = normalizeTaxiOrder({ ...MATCH, interface: undefined, Source: '0', IPCType }, ctx);
      return outcome.ok ? outcome.value.event : outcome.reason;
    });
    expect(events).toEqual(['created', 'dispatched', 'picked_up', 'dropped_off', 'dropped_off', 'cancelled']);
    expect(reasonOf(normalizeTaxiOrder({ ...MATCH, interface: undefined, IPCType: 'positionVehicle' }, ctx))).toBe(
      'bad_event',
    );
  });

  it.each([
    [CREATE, { interface: undefined }, 'missing_event'],
    [CREATE, { interface: 'OrderRate' }, 'bad_event'],
    [CREATE, { OrderId: undefined }, 'missing_order_id'],
    [MATCH, { VehicleNo: undefined }, 'missing_plate'],
    [DEPART, { LicenseId: undefined }, 'missing_driver_id'],
    [PAY, { FactPrice: -1 }, 'bad_fare'],
    [PAY, { DriveMile: 'far' }, 'bad_distance'],
    [PAY, { DestTime: '2026年11月28日' }, 'bad_time'],
    [MATCH, { Address: '410302' }, 'org_out_of_scope'],
  ])('refuses a step %# as %s', (record, change, reason) => {
    expect(reasonOf(normalizeTaxiOrder({ ...record, ...change }, ctx))).toBe(reason);
  });
});

describe('taxi_permit', () => {
  it('reads a vehicle transport permit (车辆运输证): valid through the last day, China time', () => {
    const outcome = normalizeTaxiPermit(
      {
        permit_type: 'vehicle',
        VehicleNo: '豫A·D12345',
        Certificate: '豫交运管郑字410100000001号',
        CompanyId: '91410100MA44XXXX0J',
        TransDateStart: '20250101',
        TransDateStop: '2027-06-30',
      },
      ctx,
    );
    expect(outcome).toMatchObject({
      ok: true,
      value: {
        type: 'taxi_permit',
        permit_type: 'vehicle',
        subject: '豫AD12345',
        service: 'ride_hailing',
        permit_no: '豫交运管郑字410100000001号',
        valid_from: Date.UTC(2024, 11, 31, 16, 0, 0),
        valid_until: Date.UTC(2027, 5, 30, 16, 0, 0) - 1,
        status: 'valid',
        org_code: '410100',
      },
    });
  });

  it('reads a driver permit (驾驶员证) by the licence number, with its status', () => {
    const outcome = normalizeTaxiPermit(
      {
        permit_type: 'driver',
        driver_id: '410102199001011234',
        DriverName: '张三',
        CertificateNo: '410102199001011234',
        valid_until: '2026-01-31',
        status: '暂扣',
        org_code: '410103',
      },
      ctx,
    );
    expect(outcome).toMatchObject({
      ok: true,
      value: { permit_type: 'driver', subject: '410102199001011234', name: '张三', status: 'suspended' },
    });
  });

  it.each([
    [{ permit_type: undefined }, 'missing_permit_type'],
    [{ permit_type: 'boat' }, 'bad_permit_type'],
    [{ plate: undefined }, 'missing_plate'],
    [{ permit_no: undefined }, 'missing_permit_no'],
    [{ valid_from: '2027-01-01', valid_until: '2026-01-01' }, 'bad_validity'],
    [{ valid_until: '2027-02-30' }, 'bad_time'],
    [{ status: 'maybe' }, 'bad_status'],
    [{ org_code: '410302' }, 'org_out_of_scope'],
  ])('refuses %j as %s', (change, reason) => {
    const permit = { permit_type: 'vehicle', plate: '豫AD12345', permit_no: 'P-1' };
    expect(reasonOf(normalizeTaxiPermit({ ...permit, ...change }, ctx))).toBe(reason);
  });
});

describe('market_registration', () => {
  const REGISTRATION = {
    credit_code: '91410105MA9G7K3R4T',
    name: '郑州某出行科技有限公司',
    status: '吊销，未注销',
    legal_representative: '李四',
    business_scope: '网络预约出租汽车经营服务',
    licence_numbers: '网络预约出租汽车经营许可证 豫网约410100001; 道路运输经营许可证 豫交运管许可郑字410100000002号',
    established_on: '2019-03-12',
    status_changed_on: '20261101',
    authority: '郑州市金水区市场监督管理局',
    org_code: '410105',
  };

  it('reads a registration: the status as Vigil acts on it beside the wording of the register', () => {
    expect(normalizeMarketRegistration(REGISTRATION, ctx)).toMatchObject({
      ok: true,
      value: {
        type: 'market_registration',
        credit_code: '91410105MA9G7K3R4T',
        status: 'revoked',
        status_text: '吊销，未注销',
        licence_numbers: [
          '网络预约出租汽车经营许可证 豫网约410100001',
          '道路运输经营许可证 豫交运管许可郑字410100000002号',
        ],
        established_on: Date.UTC(2019, 2, 11, 16, 0, 0),
        status_changed_on: Date.UTC(2026, 9, 31, 16, 0, 0),
        org_code: '410105',
      },
    });
  });

  it('words of the register map to the states', () => {
    expect(
      ['存续（在营、开业、在册）', '在业', '吊销，未注销', '注销', '迁出', '清算', 'active'].map(marketStatusOf),
    ).toEqual(['active', 'active', 'revoked', 'cancelled', 'moved_out', 'other', 'active']);
    expect(marketStatusOf('unknown')).toBeUndefined();
  });

  it('checks the credit code’s check character (GB 32100-2015): any one character changed is caught', () => {
    const code = REGISTRATION.credit_code;
    expect(creditCodeProblem(code)).toBeNull();
    for (let i = 0; i < 18; i++) {
      const other = code[i] === '1' ? '2' : '1';
      expect(creditCodeProblem(code.slice(0, i) + other + code.slice(i + 1)), `position ${i}`).not.toBeNull();
    }
  });

  it.each([
    [{ credit_code: undefined }, 'missing_credit_code'],
    [{ credit_code: '91410105MA9G7K3R4U' }, 'bad_credit_code'],
    [{ credit_code: '91410105MA9G7K3R4' }, 'bad_credit_code'],
    [{ name: '' }, 'missing_name'],
    [{ status: undefined }, 'missing_status'],
    [{ status: '不明' }, 'bad_status'],
    [{ status_changed_on: '2018-01-01' }, 'bad_status_changed_on'],
    [{ org_code: '410302' }, 'org_out_of_scope'],
  ])('refuses %j as %s', (change, reason) => {
    expect(reasonOf(normalizeMarketRegistration({ ...REGISTRATION, ...change }, ctx))).toBe(reason);
  });
});
