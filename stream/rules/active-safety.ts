/**
 * adas, dsm and blind_spot: the active-safety alarms of the Jiangsu extension (0x64 ADAS, 0x65 DSM, 0x67 BSD)
 * that intelligent video terminals attach to a position, decoded by the gateway into the telemetry `extras`
 * JSON. Flag 1 starts an alarm of a type and flag 2 ends it; flag 0 is a one-off. Level 1/2 map to a severity
 * (blind-spot items have no level: one severity). One episode per alarm type, keyed by the type number. Tyre
 * pressure (0x66) has no type but a list of tyres: tyre.ts.
 */
import { alarmAttachmentNumber, type AttachmentIdentification } from '../../schema/index.js';
import type { PositionRule, Severity } from '../engine/rule.js';
import { ENABLED_FIELD } from './common.js';
import type { ConfigSpec } from './config-spec.js';
import { extrasOf } from './extras.js';

export interface ActiveSafetyConfig {
  enabled: boolean;
  /** Alarm types that raise alarms; others are ignored. */
  types: number[];
  /** ADAS and DSM items carry a level (1 or 2), each with its severity … */
  level1Severity?: Severity;
  level2Severity?: Severity;
  /** … blind-spot items carry none: one severity. */
  severity?: Severity;
  /** An alarm the terminal never ends is closed after this long, minutes. */
  openMinutesMax: number;
}

interface ActiveSafetyItem {
  alarmId?: number;
  flag?: number;
  type?: number;
  level?: number;
  speedKmh?: number;
  time?: number | null;
  frontVehicleSpeedKmh?: number;
  frontDistance100ms?: number;
  deviationType?: number;
  fatigueLevel?: number;
  alarmIdentification?: AttachmentIdentification;
}

const ADAS_TYPE_NAMES: Record<number, string> = {
  1: 'forward_collision',
  2: 'lane_departure',
  3: 'following_too_close',
  4: 'pedestrian_collision',
  5: 'frequent_lane_change',
  6: 'road_sign_overspeed',
  7: 'obstacle',
  0x10: 'road_sign_recognition',
  0x11: 'active_snapshot',
};
const DSM_TYPE_NAMES: Record<number, string> = {
  1: 'fatigue_driving',
  2: 'handheld_phone',
  3: 'smoking',
  4: 'not_looking_ahead',
  5: 'driver_abnormal',
  0x10: 'auto_snapshot',
  0x11: 'driver_change',
};

interface ActiveSafetyState {
  /** type → [since, lat, lon] of the open alarm. */
  open: Record<string, [number, number, number]>;
}

const BLIND_SPOT_TYPE_NAMES: Record<number, string> = {
  1: 'rear_approach',
  2: 'left_rear_approach',
  3: 'right_rear_approach',
};

function activeSafetyRule(
  id: 'adas' | 'dsm' | 'blind_spot',
  item: 'adas' | 'dsm' | 'blindSpot',
  names: Record<number, string>,
  description: string,
  defaultTypes: number[],
  levels = true,
): PositionRule<ActiveSafetyState, ActiveSafetyConfig> {
  const marker = `"${item}"`;
  const severitySpec: ConfigSpec = levels
    ? {
        level1Severity: { kind: 'severity', description: 'severity of level-1 alarms' },
        level2Severity: { kind: 'severity', description: 'severity of level-2 alarms' },
      }
    : { severity: { kind: 'severity', description: 'severity of the alarm' } };
  return {
    id,
    input: 'position',
    description,
    spec: {
      enabled: ENABLED_FIELD,
      types: {
        kind: 'number_list',
        min: 0,
        max: 255,
        integer: true,
        lengthMax: 64,
        description: 'alarm types that raise alarms',
      },
      ...severitySpec,
      openMinutesMax: {
        kind: 'number',
        min: 1,
        max: 1440,
        description: 'an alarm never ended by the terminal closes after this long, minutes',
      },
    },
    defaults: {
      enabled: true,
      types: defaultTypes,
      ...(levels ? { level1Severity: 'warning', level2Severity: 'critical' } : { severity: 'warning' }),
      openMinutesMax: 30,
    },
    evaluate(state, position, _vehicle, config, out) {
      const ts = position.ts;
      if (state) {
        // Close what the terminal never ended, so a lost end flag cannot keep an alarm open forever.
        for (const [type, [since]] of Object.entries(state.open)) {
          if (ts - since > config.openMinutesMax * 60_000) {
            out.close(type, since + config.openMinutesMax * 60_000);
            delete state.open[type];
          }
        }
      }
      if (position.extras.length === 0 || !position.extras.includes(marker))
        return state && Object.keys(state.open).length > 0 ? state : undefined;
      const alarm = extrasOf(position)?.[item] as ActiveSafetyItem | undefined;
      if (!alarm || typeof alarm.type !== 'number' || !config.types.includes(alarm.type)) return state;
      const key = String(alarm.type);
      const severity =
        (levels ? (alarm.level === 2 ? config.level2Severity : config.level1Severity) : config.severity) ?? 'warning';
      const since = typeof alarm.time === 'number' ? alarm.time : ts;
      const evidence = {
        type: alarm.type,
        name: names[alarm.type] ?? `type_${alarm.type}`,
        level: alarm.level ?? null,
        terminal_alarm_id: alarm.alarmId ?? null,
        speed_kmh: alarm.speedKmh ?? position.speed_kmh,
        ...(alarm.fatigueLevel !== undefined ? { fatigue_level: alarm.fatigueLevel } : {}),
        ...(alarm.frontDistance100ms !== undefined ? { front_gap_seconds: alarm.frontDistance100ms / 10 } : {}),
        ...(alarm.deviationType !== undefined ? { deviation: alarm.deviationType === 1 ? 'left' : 'right' } : {}),
        ...attachmentEvidence(alarm.alarmIdentification),
      };
      const next = state ?? { open: {} };
      if (alarm.flag === 1) {
        const entry = next.open[key] ?? [since, position.lat, position.lon];
        next.open[key] = entry;
        out.open(key, entry[0], severity, entry[1], entry[2], evidence);
      } else if (alarm.flag === 2) {
        if (next.open[key]) out.close(key, since);
        delete next.open[key];
      } else {
        out.instant(key, since, severity, position.lat, position.lon, evidence);
      }
      return Object.keys(next.open).length > 0 ? next : undefined;
    },
  };
}

export const adasRule = activeSafetyRule(
  'adas',
  'adas',
  ADAS_TYPE_NAMES,
  'Driver-assistance alarms of video terminals (0x64: collision, lane departure ...)',
  [1, 2, 3, 4, 5, 6, 7],
);
export const dsmRule = activeSafetyRule(
  'dsm',
  'dsm',
  DSM_TYPE_NAMES,
  'Driver-state alarms of video terminals (0x65: fatigue, phone, smoking ...)',
  [1, 2, 3, 4, 5],
);
export const blindSpotRule = activeSafetyRule(
  'blind_spot',
  'blindSpot',
  BLIND_SPOT_TYPE_NAMES,
  'Blind-spot alarms of video terminals (0x67: vehicle approaching from behind, left rear, right rear)',
  [1, 2, 3],
  false,
);

/**
 * The number an active-safety alarm's pictures and clips are filed under once its terminal uploads them (0x9208,
 * schema/alarm-attachments.ts), for the evidence; nothing when the item holds no attachments.
 */
export function attachmentEvidence(ident: AttachmentIdentification | undefined): { attachment_number?: string } {
  return ident !== undefined && ident.attachmentCount > 0 ? { attachment_number: alarmAttachmentNumber(ident) } : {};
}
