/**
 * taxi_permit: an order of a taxi or ride-hailing service served by a vehicle without a valid vehicle transport
 * permit (车辆运输证) or a driver without a valid driver permit (驾驶员证) — 网络预约出租汽车经营服务管理暂行办法:
 * a ride-hailing vehicle holds a 网络预约出租汽车运输证 and its driver a 网络预约出租汽车驾驶员证; a taxi its
 * 道路运输证 and its driver a 从业资格证. Judged at each step of the order that names the vehicle and driver
 * (dispatch, pick-up, drop-off) against the permits the registry holds then; one alarm per order.
 */
import type { OrderEventName, TaxiOrderEventRow, TaxiPermitRecord } from '../../schema/index.js';
import type { OrderRule, Severity } from '../engine/rule.js';
import { ENABLED_FIELD } from './common.js';

export interface TaxiPermitConfig {
  enabled: boolean;
  /** The steps judged (a booking names no vehicle yet). */
  atDispatch: boolean;
  atPickUp: boolean;
  atDropOff: boolean;
  /** Also alarm when the permit was issued for the other service (a taxi's permit on a ride-hailing order). */
  alarmOnOtherService: boolean;
}

interface TaxiPermitState {
  /** The orders alarmed last (company/order), newest last: one alarm per order, whatever steps follow. */
  alarmed: string[];
}

/** Orders remembered per plate: a vehicle serves one order at a time, a few overlap at a shift's handover. */
const ALARMED_ORDERS_MAX = 8;

export type TaxiPermitReason =
  | 'no_vehicle_permit'
  | 'vehicle_permit_expired'
  | 'vehicle_permit_not_yet_valid'
  | 'vehicle_permit_suspended'
  | 'vehicle_permit_revoked'
  | 'vehicle_permit_other_service'
  | 'no_driver_permit'
  | 'driver_permit_expired'
  | 'driver_permit_not_yet_valid'
  | 'driver_permit_suspended'
  | 'driver_permit_revoked'
  | 'driver_permit_other_service';

/** Missing or revoked permits are unlicensed operation (非法营运); a lapse or a suspension is a warning. */
const CRITICAL: ReadonlySet<string> = new Set([
  'no_vehicle_permit',
  'vehicle_permit_revoked',
  'no_driver_permit',
  'driver_permit_revoked',
]);

function permitProblem(
  who: 'vehicle' | 'driver',
  permit: TaxiPermitRecord | undefined,
  order: TaxiOrderEventRow,
  config: TaxiPermitConfig,
): TaxiPermitReason | null {
  if (!permit) return `no_${who}_permit`;
  if (permit.status !== 'valid') return `${who}_permit_${permit.status}`;
  if (permit.valid_until !== null && permit.valid_until < order.ts) return `${who}_permit_expired`;
  if (permit.valid_from !== null && permit.valid_from > order.ts) return `${who}_permit_not_yet_valid`;
  if (config.alarmOnOtherService && permit.service !== order.service) return `${who}_permit_other_service`;
  return null;
}

function permitEvidence(permit: TaxiPermitRecord | undefined): Record<string, unknown> | null {
  return permit
    ? {
        permit_no: permit.permit_no,
        service: permit.service,
        status: permit.status,
        valid_from: permit.valid_from,
        valid_until: permit.valid_until,
        org_code: permit.org_code,
      }
    : null;
}

function judged(step: OrderEventName, config: TaxiPermitConfig): boolean {
  if (step === 'dispatched') return config.atDispatch;
  if (step === 'picked_up') return config.atPickUp;
  if (step === 'dropped_off') return config.atDropOff;
  return false;
}

export const taxiPermitRule: OrderRule<TaxiPermitState, TaxiPermitConfig> = {
  id: 'taxi_permit',
  input: 'order',
  description: 'Taxi or ride-hailing order served by a vehicle or driver without a valid permit',
  spec: {
    enabled: ENABLED_FIELD,
    atDispatch: { kind: 'boolean', description: 'judge an order when it is dispatched to a vehicle (订单成功)' },
    atPickUp: { kind: 'boolean', description: 'judge an order when the passenger is picked up (经营出发)' },
    atDropOff: { kind: 'boolean', description: 'judge an order when the passenger is dropped off (经营到达)' },
    alarmOnOtherService: {
      kind: 'boolean',
      description: "also alarm on a permit issued for the other service (a taxi's permit on a ride-hailing order)",
    },
  },
  defaults: { enabled: true, atDispatch: true, atPickUp: true, atDropOff: true, alarmOnOtherService: false },
  evaluate(state, order, permits, config, out) {
    // Without permits in the registry nothing can be judged: every order would look unlicensed.
    if (!permits.known || !judged(order.event as OrderEventName, config)) return state;
    const orderKey = `${order.company_id}/${order.order_id}`;
    if (state?.alarmed.includes(orderKey)) return state;
    const reasons = [
      permitProblem('vehicle', permits.vehicle, order, config),
      order.driver_id === '' ? null : permitProblem('driver', permits.driver, order, config),
    ].filter((reason): reason is TaxiPermitReason => reason !== null);
    if (reasons.length === 0) return state;
    const severity: Severity = reasons.some((r) => CRITICAL.has(r)) ? 'critical' : 'warning';
    out.instant(orderKey, order.ts, severity, order.lat, order.lon, {
      reasons,
      service: order.service,
      company_id: order.company_id,
      order_id: order.order_id,
      step: order.event,
      plate: order.plate,
      driver_id: order.driver_id,
      vehicle_permit: permitEvidence(permits.vehicle),
      driver_permit: permitEvidence(permits.driver),
    });
    return { alarmed: [...(state?.alarmed ?? []), orderKey].slice(-ALARMED_ORDERS_MAX) };
  },
};
