/**
 * driver_mismatch: the driver card put in a vehicle names someone who may not drive it (道路运输从业人员管理
 * 规定: a driver of a commercial vehicle holds a valid qualification certificate and works for the operator):
 * a certificate the registry does not know, a driver registered with another enterprise than the vehicle's, or a
 * qualification expired at the time the card went in (by the registry, or by the card itself). One instant alarm
 * per card inserted, at the card's time, judged at the vehicle's first fix after it (where it is). A card that
 * could not be read identifies nobody; alarming on it is off by default (it is a card or reader fault first).
 */
import type { DriverFacts, PositionRule } from '../engine/rule.js';
import { ENABLED_FIELD, isPositioned } from './common.js';

export interface DriverMismatchConfig {
  enabled: boolean;
  /** Alarm on a certificate the registry does not know (only when the registry holds drivers at all). */
  alarmOnUnknownDriver: boolean;
  /** Alarm when the registry files the driver under another enterprise than the vehicle's. */
  alarmOnOtherEnterprise: boolean;
  /** Alarm when the card could not be read (IC read result 1-4). */
  alarmOnUnreadableCard: boolean;
}

interface DriverMismatchState {
  /** The card judged last: certificate and time it went in. */
  card: string;
}

export type DriverMismatchReason = 'unknown_driver' | 'other_enterprise' | 'qualification_expired' | 'unreadable_card';

export const driverMismatchRule: PositionRule<DriverMismatchState, DriverMismatchConfig> = {
  id: 'driver_mismatch',
  input: 'position',
  description: 'Driver card unknown to the registry, of another enterprise, or with an expired qualification',
  spec: {
    enabled: ENABLED_FIELD,
    alarmOnUnknownDriver: { kind: 'boolean', description: 'alarm on a certificate the driver registry does not know' },
    alarmOnOtherEnterprise: {
      kind: 'boolean',
      description: "alarm when the driver is registered with another enterprise than the vehicle's",
    },
    alarmOnUnreadableCard: { kind: 'boolean', description: 'alarm when the driver card could not be read' },
  },
  defaults: {
    enabled: true,
    alarmOnUnknownDriver: true,
    alarmOnOtherEnterprise: true,
    alarmOnUnreadableCard: false,
  },
  evaluate(state, position, vehicle, config, out) {
    const d = vehicle.driver;
    // No card in: nothing to remember (a card's text is never '', so no state judges the same as `{ card: '' }`,
    // the state snapshots before this held, and costs a vehicle nothing).
    if (!d) return undefined;
    const card = cardOf(d);
    if (state?.card === card || !isPositioned(position)) return state;
    const reasons: DriverMismatchReason[] = [];
    if (d.readResult !== 0) {
      if (config.alarmOnUnreadableCard) reasons.push('unreadable_card');
    } else {
      const record = d.record;
      if (!record && d.registryKnowsDrivers && config.alarmOnUnknownDriver) reasons.push('unknown_driver');
      if (
        record &&
        config.alarmOnOtherEnterprise &&
        record.enterprise_id !== '' &&
        vehicle.enterpriseId !== '' &&
        record.enterprise_id !== vehicle.enterpriseId
      )
        reasons.push('other_enterprise');
      const validUntil = [record?.qualification_valid_until, d.cardValidUntil].filter(
        (t): t is number => typeof t === 'number',
      );
      if (validUntil.some((t) => t < d.since)) reasons.push('qualification_expired');
    }
    if (reasons.length > 0) {
      const critical = reasons.includes('qualification_expired') || reasons.includes('unknown_driver');
      out.instant('', d.since, critical ? 'critical' : 'warning', position.lat, position.lon, {
        reasons,
        driver_id: d.id,
        driver_name: d.name,
        read_result: d.readResult,
        registry_enterprise_id: d.record?.enterprise_id ?? null,
        vehicle_enterprise_id: vehicle.enterpriseId || null,
        qualification_valid_until: d.record?.qualification_valid_until ?? null,
        card_valid_until: d.cardValidUntil,
      });
    }
    return { card };
  },
};

/**
 * `id@since`, what the state remembers of the card it judged: asked at every fix with a card in, so made once per
 * card (a card change makes new driver facts) instead of once per fix.
 */
const cardTexts = new WeakMap<DriverFacts, string>();

function cardOf(d: DriverFacts): string {
  let text = cardTexts.get(d);
  if (text === undefined) cardTexts.set(d, (text = `${d.id}@${d.since}`));
  return text;
}
