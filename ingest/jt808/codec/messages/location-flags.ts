/**
 * Names of the 0x0200 alarm and status bits (DOMAIN.md's bit list), version-aware where 2019 differs.
 * Decoded names are memoised per bit pattern: a fleet sends few distinct patterns, and sharing frozen
 * objects keeps the hot path free of per-frame allocations. Consumers must treat them as read-only.
 */
import type { Jt808Version } from '../types.js';

/** Alarm bit names; index = bit. null = reserved in that version (reported as `reserved_<bit>`). */
const ALARMS_2013: readonly (string | null)[] = [
  'emergency',
  'overspeed',
  'fatigue_driving',
  'danger_warning',
  'gnss_module_fault',
  'gnss_antenna_cut',
  'gnss_antenna_short',
  'main_power_low',
  'main_power_lost',
  'lcd_fault',
  'tts_fault',
  'camera_fault',
  'ic_card_fault',
  'overspeed_warning',
  'fatigue_warning',
  null,
  null,
  null,
  'driving_time_exceeded_today',
  'overtime_parking',
  'area_in_out',
  'route_in_out',
  'road_section_time',
  'route_deviation',
  'vss_fault',
  'fuel_abnormal',
  'vehicle_stolen',
  'illegal_ignition',
  'illegal_displacement',
  'collision',
  'rollover',
  'illegal_door_open',
];

const ALARMS_2019: readonly (string | null)[] = ALARMS_2013.map((name, bit) => {
  if (bit === 15) return 'rule_violating_driving';
  if (bit === 16) return 'tyre_pressure';
  if (bit === 17) return 'right_turn_blind_spot';
  if (bit === 29) return 'collision_rollover';
  if (bit === 31) return null;
  return name;
});

export type LoadState = 'empty' | 'half' | 'reserved' | 'full';

/** Single-bit status flags, in snake_case; `load` (bits 8-9) is separate. */
export interface LocationStatus {
  readonly acc_on: boolean;
  readonly positioned: boolean;
  readonly south_latitude: boolean;
  readonly west_longitude: boolean;
  readonly out_of_service: boolean;
  readonly coordinates_encrypted: boolean;
  /** 2019 only (reserved before): false for 2011/2013. */
  readonly forward_collision_warning: boolean;
  /** 2019 only. */
  readonly lane_departure_warning: boolean;
  readonly load: LoadState;
  readonly fuel_cut: boolean;
  readonly circuit_cut: boolean;
  readonly doors_locked: boolean;
  readonly door1_open: boolean;
  readonly door2_open: boolean;
  readonly door3_open: boolean;
  readonly door4_open: boolean;
  readonly door5_open: boolean;
  readonly gps_used: boolean;
  readonly beidou_used: boolean;
  readonly glonass_used: boolean;
  readonly galileo_used: boolean;
  /** 2019 only: the vehicle is moving. */
  readonly driving: boolean;
}

const LOAD_STATES: readonly LoadState[] = ['empty', 'half', 'reserved', 'full'];
const MEMO_ENTRIES_MAX = 4096;
const alarmMemo = [new Map<number, readonly string[]>(), new Map<number, readonly string[]>()];
const statusMemo = [new Map<number, LocationStatus>(), new Map<number, LocationStatus>()];
const EMPTY: readonly string[] = Object.freeze([]);

function bit(bits: number, n: number): boolean {
  return ((bits >>> n) & 1) === 1;
}

/** Names of the set alarm bits; a set reserved bit is reported as `reserved_<bit>` so nothing is lost. */
export function alarmNames(alarmBits: number, version: Jt808Version): readonly string[] {
  if (alarmBits === 0) return EMPTY;
  const memo = alarmMemo[version === 2019 ? 1 : 0];
  const hit = memo.get(alarmBits);
  if (hit) return hit;
  const table = version === 2019 ? ALARMS_2019 : ALARMS_2013;
  const names: string[] = [];
  for (let n = 0; n < 32; n++) if (bit(alarmBits, n)) names.push(table[n] ?? `reserved_${n}`);
  const frozen = Object.freeze(names);
  if (memo.size >= MEMO_ENTRIES_MAX) memo.clear();
  memo.set(alarmBits, frozen);
  return frozen;
}

/** Named status flags; 2019-only bits read false for older versions. */
export function statusFlags(statusBits: number, version: Jt808Version): LocationStatus {
  const is2019 = version === 2019;
  const memo = statusMemo[is2019 ? 1 : 0];
  const hit = memo.get(statusBits);
  if (hit) return hit;
  const status: LocationStatus = Object.freeze({
    acc_on: bit(statusBits, 0),
    positioned: bit(statusBits, 1),
    south_latitude: bit(statusBits, 2),
    west_longitude: bit(statusBits, 3),
    out_of_service: bit(statusBits, 4),
    coordinates_encrypted: bit(statusBits, 5),
    forward_collision_warning: is2019 && bit(statusBits, 6),
    lane_departure_warning: is2019 && bit(statusBits, 7),
    load: LOAD_STATES[(statusBits >>> 8) & 3],
    fuel_cut: bit(statusBits, 10),
    circuit_cut: bit(statusBits, 11),
    doors_locked: bit(statusBits, 12),
    door1_open: bit(statusBits, 13),
    door2_open: bit(statusBits, 14),
    door3_open: bit(statusBits, 15),
    door4_open: bit(statusBits, 16),
    door5_open: bit(statusBits, 17),
    gps_used: bit(statusBits, 18),
    beidou_used: bit(statusBits, 19),
    glonass_used: bit(statusBits, 20),
    galileo_used: bit(statusBits, 21),
    driving: is2019 && bit(statusBits, 22),
  });
  if (memo.size >= MEMO_ENTRIES_MAX) memo.clear();
  memo.set(statusBits, status);
  return status;
}
