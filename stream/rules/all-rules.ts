/** Every rule Vigil runs, in evaluation order. Rule ids are user-facing: alarms, configuration, docs. */
import type { AnyRule } from '../engine/rule.js';
import { adasRule, blindSpotRule, dsmRule } from './active-safety.js';
import { areaEntryExitRule } from './area-entry-exit.js';
import { clonedPlateRule } from './cloned-plate.js';
import { deviceOfflineRule } from './device-offline.js';
import { driverMismatchRule } from './driver-mismatch.js';
import { fatigueRule } from './fatigue.js';
import { geofenceRule } from './geofence.js';
import { gpsDriftRule } from './gps-drift.js';
import { nightBanRule } from './night-ban.js';
import { offlineRule } from './offline.js';
import { overloadRule } from './overload.js';
import { overspeedRule } from './overspeed.js';
import { overtimeParkingRule } from './overtime-parking.js';
import { routeDeviationRule } from './route-deviation.js';
import { taxiPermitRule } from './taxi-permit.js';
import { terminalAlarmRule } from './terminal-alarm.js';
import { TERMINAL_BIT_RULES } from './terminal-bits.js';
import { tyreRule } from './tyre.js';
import { unlicensedRule } from './unlicensed.js';
import { abnormalDrivingRule, videoFaultRule } from './video-alarms.js';

export const ALL_RULES: readonly AnyRule[] = [
  overspeedRule,
  fatigueRule,
  nightBanRule,
  offlineRule,
  gpsDriftRule,
  geofenceRule,
  terminalAlarmRule,
  adasRule,
  dsmRule,
  clonedPlateRule,
  overloadRule,
  unlicensedRule,
  deviceOfflineRule,
  // The terminal's own judgements (0x0200 bits 1, 2, 18-23), JT/T 1078 video alarms, tyre and blind spot (0x66/0x67).
  ...TERMINAL_BIT_RULES,
  videoFaultRule,
  abnormalDrivingRule,
  tyreRule,
  blindSpotRule,
  // Roads and zones: parking where it is dangerous, registered routes, configured areas.
  overtimeParkingRule,
  routeDeviationRule,
  areaEntryExitRule,
  driverMismatchRule,
  // Taxi and ride-hailing orders (docs/sources/taxi.md).
  taxiPermitRule,
];
