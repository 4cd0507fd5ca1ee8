/**
 * Where an alarm goes: the department from its category, the unit from where it happened or the vehicle's home
 * county, lifted to the configured level (freight alarms stay at county level, others may go to the city).
 * Pure given the configuration, the org tree and what is known of the vehicle.
 */
import { countyAt, CREDIT_WARNING_RULES, type AlarmRow } from '../../schema/index.js';
import { byCategory, type AlarmRoutingConfig } from '../config/center-config.js';
import type { OrgDirectory } from '../org/org-directory.js';

export interface VehicleOwner {
  enterpriseId: string | null;
  /** The vehicle's home county when the registry or its enterprise knows it. */
  homeOrgCode: string | null;
}

export interface Route {
  orgCode: string;
  department: string;
}

export function routeAlarm(
  alarm: AlarmRow,
  config: AlarmRoutingConfig,
  org: OrgDirectory,
  owner: VehicleOwner,
  provinceCode: string,
): Route {
  const department = byCategory(config.departments, alarm.rule) ?? 'road_transport';
  const basis = byCategory(config.unit, alarm.rule) ?? 'event';
  const eventUnit = countyAt(alarm.lon, alarm.lat)?.code ?? alarm.org_code;
  const candidates = basis === 'home' ? [owner.homeOrgCode, alarm.org_code, eventUnit] : [eventUnit, alarm.org_code];
  const unit = candidates.find((code): code is string => code !== null && org.get(code) !== undefined) ?? provinceCode;
  const level = byCategory(config.level, alarm.rule) ?? 'county';
  return { orgCode: org.atLevel(unit, level), department };
}

/**
 * A credit warning concerns an enterprise (or a driver's), not a vehicle: the daily credit run names it in the
 * details, so the alarm is the enterprise's like its vehicles' alarms. Null for any other alarm.
 */
export function creditWarningOwner(alarm: AlarmRow): VehicleOwner | null {
  if (!(CREDIT_WARNING_RULES as readonly string[]).includes(alarm.rule)) return null;
  let details: { enterprise_id?: unknown } = {};
  try {
    details = JSON.parse(alarm.details || '{}') as { enterprise_id?: unknown };
  } catch {
    // Written by the credit run itself; unreadable details only lose the enterprise.
  }
  const enterpriseId =
    typeof details.enterprise_id === 'string' && details.enterprise_id !== '' ? details.enterprise_id : null;
  return { enterpriseId, homeOrgCode: alarm.org_code };
}
