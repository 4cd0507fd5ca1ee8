/**
 * taxi_permit on order steps, driven through the rule engine with an in-memory registry of permits: which steps are
 * judged, the reason and severity of each kind of bad permit, one alarm per order, and silence on a node that holds
 * no permits at all.
 */
import { describe, expect, it } from 'vitest';
import type { AlarmRow, TaxiOrderEventRow, TaxiPermitRecord, VehicleRegistry } from '../../schema/index.js';
import { RuleEngine } from '../engine/rule-engine.js';
import { ALL_RULES } from './all-rules.js';
import { compileRulesConfig, defaultRulesConfig } from './rules-config.js';

const T = Date.UTC(2026, 10, 28, 3, 0, 0);
const DAY_MS = 86_400_000;

function permit(type: 'vehicle' | 'driver', subject: string, extra: Partial<TaxiPermitRecord> = {}): TaxiPermitRecord {
  return {
    permit_type: type,
    subject,
    service: 'ride_hailing',
    permit_no: `P-${subject}`,
    company_id: '',
    name: '',
    valid_from: T - 365 * DAY_MS,
    valid_until: T + 365 * DAY_MS,
    status: 'valid',
    org_code: '410100',
    ...extra,
  };
}

function engineWith(permits: TaxiPermitRecord[] | undefined): { engine: RuleEngine; alarms: () => AlarmRow[] } {
  const alarms: AlarmRow[] = [];
  const byKey = new Map((permits ?? []).map((p) => [`${p.permit_type}|${p.subject}`, p]));
  const registry: VehicleRegistry = {
    byTerminal: () => undefined,
    byPlate: () => undefined,
    ...(permits ? { taxiPermit: (type, subject) => byKey.get(`${type}|${subject}`) } : {}),
  };
  const engine = new RuleEngine(ALL_RULES, compileRulesConfig(defaultRulesConfig(ALL_RULES), 1, ALL_RULES), {
    registry,
    now: () => T + 60_000,
  });
  return {
    engine,
    alarms: () => {
      alarms.push(...engine.drainAlarms());
      return alarms;
    },
  };
}

let received = T;
function step(order: string, event: string, plate: string, driver: string, ts = T): TaxiOrderEventRow {
  return {
    service: 'ride_hailing',
    company_id: 'C1',
    order_id: order,
    event,
    ts,
    plate,
    plate_color: 0,
    driver_id: driver,
    lat: 34.75,
    lon: 113.66,
    org_code: '410103',
    fare_yuan: 0,
    distance_km: 0,
    received_at: ++received,
    source: 'key:1',
  };
}

function reasons(alarms: AlarmRow[]): [string, string, string[]][] {
  return alarms
    .filter((a) => a.rule === 'taxi_permit')
    .map((a) => {
      const details = JSON.parse(a.details) as { order_id: string; reasons: string[] };
      return [details.order_id, a.severity, details.reasons];
    });
}

describe('taxi_permit', () => {
  const permits = [
    permit('vehicle', '豫AW0001'),
    permit('driver', 'OK'),
    permit('vehicle', '豫AW0002', { status: 'revoked' }),
    permit('driver', 'SUSPENDED', { status: 'suspended' }),
    permit('driver', 'LATER', { valid_from: T + DAY_MS }),
    permit('vehicle', '豫AT0003', { service: 'taxi' }),
  ];

  it('names each bad permit, critical for none or revoked, warning for a lapse', () => {
    const { engine, alarms } = engineWith(permits);
    engine.onTaxiOrder(step('ok', 'dispatched', '豫AW0001', 'OK'));
    engine.onTaxiOrder(step('revoked', 'picked_up', '豫AW0002', 'OK'));
    engine.onTaxiOrder(step('suspended', 'dropped_off', '豫AW0001', 'SUSPENDED'));
    engine.onTaxiOrder(step('later', 'dispatched', '豫AW0001', 'LATER'));
    engine.onTaxiOrder(step('none', 'dispatched', '豫AW0099', 'NOBODY'));
    // A taxi's permit on a ride-hailing order passes unless alarmOnOtherService is on.
    engine.onTaxiOrder(step('other', 'dispatched', '豫AT0003', 'OK'));
    expect(reasons(alarms())).toEqual([
      ['revoked', 'critical', ['vehicle_permit_revoked']],
      ['suspended', 'warning', ['driver_permit_suspended']],
      ['later', 'warning', ['driver_permit_not_yet_valid']],
      ['none', 'critical', ['no_vehicle_permit', 'no_driver_permit']],
    ]);
  });

  it('judges an expired permit by the time of the step, once per order, and never a booking', () => {
    const { engine, alarms } = engineWith([
      permit('vehicle', '豫AW0005', { valid_until: T - 1 }),
      permit('driver', 'OK'),
    ]);
    engine.onTaxiOrder(step('late', 'created', '', ''));
    engine.onTaxiOrder(step('late', 'dispatched', '豫AW0005', 'OK', T - 60_000));
    expect(reasons(alarms())).toEqual([]);
    engine.onTaxiOrder(step('late', 'picked_up', '豫AW0005', 'OK', T));
    engine.onTaxiOrder(step('late', 'dropped_off', '豫AW0005', 'OK', T + 600_000));
    expect(reasons(alarms())).toEqual([['late', 'warning', ['vehicle_permit_expired']]]);
  });

  it('says nothing on a node whose registry holds no permits', () => {
    const { engine, alarms } = engineWith(undefined);
    engine.onTaxiOrder(step('x', 'dispatched', '豫AW0099', 'NOBODY'));
    expect(reasons(alarms())).toEqual([]);
  });
});
