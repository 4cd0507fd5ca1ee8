/** Every rule Vigil runs, in evaluation order. Rule ids are user-facing: alarms, configuration, docs. */
import type { AnyRule } from '../engine/rule.js';
import { adasRule, dsmRule } from './active-safety.js';
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
import { terminalAlarmRule } from './terminal-alarm.js';
import { unlicensedRule } from './unlicensed.js';

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
  driverMismatchRule,
];
