/**
 * tyre: the tyre-pressure monitoring (TPMS) alarm of the Jiangsu active-safety extension, item 0x66, that
 * intelligent video terminals attach to a position. The item has no type of its own but a list of tyres, each
 * with its alarm bits (bit 0 is the periodic pressure report, not an alarm; 1 pressure too high, 2 too low,
 * 3 temperature too high, 4 sensor fault, 5 pressure imbalance, 6 slow leak, 7 sensor battery low). Flag 1
 * starts the alarm, flag 2 ends it, flag 0 is a one-off, as for ADAS and DSM. One episode per vehicle: the
 * evidence names each tyre in alarm with its pressure, temperature and battery.
 */
import type { AttachmentIdentification } from '../../schema/index.js';
import type { PositionRule, Severity } from '../engine/rule.js';
import { ENABLED_FIELD } from './common.js';
import { objectItem } from './extras.js';
import { attachmentEvidence } from './active-safety.js';

export interface TyreConfig {
  enabled: boolean;
  /** Tyre alarm bits that raise alarms. */
  alarmBits: number[];
  severity: Severity;
  /** Alarm bits that make the alarm critical (a hot tyre can catch fire). */
  criticalBits: number[];
  /** An alarm the terminal never ends is closed after this long, minutes. */
  openMinutesMax: number;
}

const TYRE_ALARM_NAMES: Record<number, string> = {
  0: 'pressure_report',
  1: 'pressure_high',
  2: 'pressure_low',
  3: 'temperature_high',
  4: 'sensor_fault',
  5: 'pressure_imbalance',
  6: 'slow_leak',
  7: 'battery_low',
};

interface TyreState {
  /** Start of the open alarm, event time. */
  since: number;
}

function maskOf(bits: readonly number[]): number {
  let mask = 0;
  for (const b of bits) mask |= 1 << b;
  return mask;
}

function namesOf(bits: number): string[] {
  const out: string[] = [];
  for (let b = 0; b < 16; b++) if (bits & (1 << b)) out.push(TYRE_ALARM_NAMES[b] ?? `bit_${b}`);
  return out;
}

export const tyreRule: PositionRule<TyreState, TyreConfig> = {
  id: 'tyre',
  input: 'position',
  description: 'Tyre-pressure alarms of video terminals (0x66: pressure high or low, hot tyre, slow leak ...)',
  spec: {
    enabled: ENABLED_FIELD,
    alarmBits: {
      kind: 'number_list',
      min: 0,
      max: 15,
      integer: true,
      lengthMax: 16,
      description: 'tyre alarm bits that raise alarms (1 high, 2 low, 3 hot, 4 sensor, 5 imbalance, 6 leak, 7 battery)',
    },
    severity: { kind: 'severity', description: 'severity of the alarm' },
    criticalBits: {
      kind: 'number_list',
      min: 0,
      max: 15,
      integer: true,
      lengthMax: 16,
      description: 'tyre alarm bits that make the alarm critical',
    },
    openMinutesMax: {
      kind: 'number',
      min: 1,
      max: 1440,
      description: 'an alarm never ended by the terminal closes after this long, minutes',
    },
  },
  defaults: {
    enabled: true,
    alarmBits: [1, 2, 3, 4, 5, 6, 7],
    severity: 'warning',
    criticalBits: [3],
    openMinutesMax: 30,
  },
  evaluate(state, position, _vehicle, config, out) {
    const ts = position.ts;
    const limitMs = config.openMinutesMax * 60_000;
    // Close what the terminal never ended, so a lost end flag cannot keep an alarm open forever.
    if (state && ts - state.since > limitMs) {
      out.close('', state.since + limitMs);
      state = undefined;
    }
    const alarm = objectItem(position, 'tpms');
    if (!alarm) return state;
    const since = typeof alarm.time === 'number' ? alarm.time : ts;
    if (alarm.flag === 2) {
      if (state) out.close('', since);
      return undefined;
    }
    const mask = maskOf(config.alarmBits);
    const tyres = (Array.isArray(alarm.tyres) ? (alarm.tyres as Record<string, unknown>[]) : []).filter(
      (t) => typeof t.alarmBits === 'number' && (t.alarmBits & mask) !== 0,
    );
    if (tyres.length === 0) return state;
    const bits = tyres.reduce((acc, t) => acc | (t.alarmBits as number), 0) & mask;
    const severity = bits & maskOf(config.criticalBits) ? 'critical' : config.severity;
    const evidence = {
      alarms: namesOf(bits),
      tyres: tyres.map((t) => ({
        position: t.position,
        alarms: namesOf((t.alarmBits as number) & mask),
        pressure_kpa: t.pressureKpa ?? null,
        temperature_c: t.temperatureC ?? null,
        battery_percent: t.batteryPercent ?? null,
      })),
      terminal_alarm_id: alarm.alarmId ?? null,
      speed_kmh: typeof alarm.speedKmh === 'number' ? alarm.speedKmh : position.speed_kmh,
      ...attachmentEvidence(alarm.alarmIdentification as AttachmentIdentification | undefined),
    };
    if (alarm.flag === 1) {
      const start = state?.since ?? since;
      out.open('', start, severity, position.lat, position.lon, evidence);
      return { since: start };
    }
    // A one-off while the alarm is open belongs to it; otherwise it is an alarm of its own.
    if (state) out.open('', state.since, severity, position.lat, position.lon, evidence);
    else out.instant('', since, severity, position.lat, position.lon, evidence);
    return state;
  },
};
