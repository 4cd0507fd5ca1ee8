/**
 * The video alarms of JT/T 1078 that a video terminal attaches to its location reports (table 13's items):
 *
 * - `video_fault`: 0x14's equipment bits (0 video signal lost, 1 lens occluded, 2 storage unit fault, 3 other
 *   video device fault, 6 special-alarm recordings reaching the storage threshold), with 0x15 (channels without
 *   signal), 0x16 (channels occluded) and 0x17 (storage units at fault: bits 0-11 main units 1-12, bits 12-15
 *   disaster-recovery units 1-4) naming what failed. A platform that cannot see a channel cannot supervise the
 *   vehicle, so these go to technical support.
 * - `abnormal_driving`: 0x18's behaviours (bit 0 fatigue, 1 phone call, 2 smoking) with the fatigue level; 0x14
 *   bit 5 only says that 0x18 is there. It is the driver, not the equipment, so it is a rule of its own and not
 *   part of `video_fault` (docs/rules.md).
 *
 * Like the 0x0200 alarm bits, the items describe the state at the time of the report: an episode is open while
 * the reports carry its bit and closes at the first report without it (item absent or bit clear).
 */
import type { TelemetryRow } from '../../schema/index.js';
import type { EpisodeSink, Evidence, PositionRule, Severity } from '../engine/rule.js';
import { ENABLED_FIELD } from './common.js';
import { mayHaveItem, numberItem, objectItem, setBits } from './extras.js';

export interface VideoFaultConfig {
  enabled: boolean;
  /** 0x14 bits that raise alarms: 0 signal lost, 1 occlusion, 2 storage fault, 3 other device, 6 storage full. */
  bits: number[];
  severity: Severity;
}

export interface AbnormalDrivingConfig {
  enabled: boolean;
  /** 0x18 behaviour bits that raise alarms: 0 fatigue, 1 phone call, 2 smoking. */
  behaviours: number[];
  severity: Severity;
  /** From this 0x18 fatigue level (0-100) up, a fatigue episode is critical. */
  fatigueLevelCritical: number;
}

const VIDEO_BIT_NAMES: Record<number, string> = {
  0: 'signal_loss',
  1: 'occlusion',
  2: 'storage_fault',
  3: 'other_device_fault',
  4: 'passenger_overload',
  5: 'abnormal_driving',
  6: 'storage_threshold',
};
const BEHAVIOUR_NAMES: Record<number, string> = { 0: 'fatigue', 1: 'phone_call', 2: 'smoking' };

interface EpisodeState {
  /** Bits with an open episode. */
  open: number;
}

/** Opens the episodes of bits newly set, refreshes those still set when due, closes those cleared. */
function track(
  state: EpisodeState | undefined,
  raised: number,
  position: TelemetryRow,
  out: EpisodeSink,
  severityOf: (bit: number) => Severity,
  evidenceOf: (bit: number) => Evidence,
): EpisodeState | undefined {
  const open = state?.open ?? 0;
  for (let bit = 0; bit < 32; bit++) {
    const flag = (1 << bit) >>> 0;
    if (raised & flag) {
      const severity = severityOf(bit);
      if (!(open & flag) || out.due(String(bit), severity))
        out.open(String(bit), position.ts, severity, position.lat, position.lon, evidenceOf(bit));
    } else if (open & flag) out.close(String(bit), position.ts);
  }
  return raised === 0 ? undefined : { open: raised };
}

/** Items 0x14-0x17 are `videoAlarmBits`, `videoLossChannelBits`, `videoOcclusionChannelBits`, `storageFaultBits`. */
function hasVideoItems(position: TelemetryRow): boolean {
  return position.extras.includes('"video') || mayHaveItem(position, 'storageFaultBits');
}

function maskOf(bits: readonly number[]): number {
  let mask = 0;
  for (const b of bits) mask |= 1 << b;
  return mask >>> 0;
}

export const videoFaultRule: PositionRule<EpisodeState, VideoFaultConfig> = {
  id: 'video_fault',
  input: 'position',
  description: 'Video terminal faults (JT/T 1078 items 0x14-0x17: signal lost, lens occluded, storage fault ...)',
  spec: {
    enabled: ENABLED_FIELD,
    bits: {
      kind: 'number_list',
      min: 0,
      max: 31,
      integer: true,
      lengthMax: 32,
      description:
        '0x14 bits that raise alarms (0 signal lost, 1 occlusion, 2 storage, 3 other device, 6 storage full)',
    },
    severity: { kind: 'severity', description: 'severity of the alarm' },
  },
  defaults: { enabled: true, bits: [0, 1, 2, 3], severity: 'warning' },
  evaluate(state, position, _vehicle, config, out) {
    if (state === undefined && !hasVideoItems(position)) return undefined;
    const alarmBits = numberItem(position, 'videoAlarmBits') ?? 0;
    const lost = numberItem(position, 'videoLossChannelBits') ?? 0;
    const occluded = numberItem(position, 'videoOcclusionChannelBits') ?? 0;
    const storage = numberItem(position, 'storageFaultBits') ?? 0;
    // A terminal that names a channel or a unit has the fault even when it leaves the summary bit clear.
    const seen = (alarmBits | (lost ? 1 : 0) | (occluded ? 2 : 0) | (storage ? 4 : 0)) >>> 0;
    const raised = (seen & maskOf(config.bits)) >>> 0;
    if (raised === 0 && state === undefined) return undefined;
    return track(
      state,
      raised,
      position,
      out,
      () => config.severity,
      (bit) => ({
        bit,
        name: VIDEO_BIT_NAMES[bit] ?? `bit_${bit}`,
        video_alarm_bits: alarmBits,
        ...(bit === 0 ? { channels: setBits(lost, 32) } : {}),
        ...(bit === 1 ? { channels: setBits(occluded, 32) } : {}),
        ...(bit === 2
          ? { main_storage_units: setBits(storage, 12), backup_storage_units: setBits(storage, 4, 12) }
          : {}),
        speed_kmh: position.speed_kmh,
      }),
    );
  },
};

export const abnormalDrivingRule: PositionRule<EpisodeState, AbnormalDrivingConfig> = {
  id: 'abnormal_driving',
  input: 'position',
  description: 'Abnormal driving behaviour reported by a video terminal (JT/T 1078 item 0x18: fatigue, phone, smoking)',
  spec: {
    enabled: ENABLED_FIELD,
    behaviours: {
      kind: 'number_list',
      min: 0,
      max: 15,
      integer: true,
      lengthMax: 16,
      description: '0x18 behaviour bits that raise alarms (0 fatigue, 1 phone call, 2 smoking)',
    },
    severity: { kind: 'severity', description: 'severity of the alarm' },
    fatigueLevelCritical: {
      kind: 'number',
      min: 0,
      max: 101,
      integer: true,
      description: 'fatigue level (0-100) from which a fatigue alarm is critical; 101: never',
    },
  },
  defaults: { enabled: true, behaviours: [0, 1, 2], severity: 'warning', fatigueLevelCritical: 80 },
  evaluate(state, position, _vehicle, config, out) {
    if (state === undefined && !mayHaveItem(position, 'abnormalDriving')) return undefined;
    const item = objectItem(position, 'abnormalDriving');
    const behaviours = typeof item?.behaviourBits === 'number' ? item.behaviourBits : 0;
    const fatigueLevel = typeof item?.fatigueLevel === 'number' ? item.fatigueLevel : null;
    const raised = (behaviours & maskOf(config.behaviours)) >>> 0;
    if (raised === 0 && state === undefined) return undefined;
    return track(
      state,
      raised,
      position,
      out,
      (bit) =>
        bit === 0 && fatigueLevel !== null && fatigueLevel >= config.fatigueLevelCritical
          ? 'critical'
          : config.severity,
      (bit) => ({
        bit,
        name: BEHAVIOUR_NAMES[bit] ?? `behaviour_${bit}`,
        ...(bit === 0 ? { fatigue_level: fatigueLevel } : {}),
        speed_kmh: position.speed_kmh,
      }),
    );
  },
};
