/**
 * terminal_alarm: alarm bits the terminal itself raises in the 0x0200 alarm flag (emergency button, power
 * cut, antenna cut, collision, rollover, theft ...). Which bits alarm, and how severely, is configuration.
 * One episode per bit, open while the terminal keeps the bit set. Bits 1, 2 and 18-23 (the terminal's overspeed,
 * fatigue, driving time, parking, area, route and road-section judgements) are rules of their own
 * (terminal-bits.ts); `moveTerminalAlarmBits` carries a stored version that listed them here over to those rules.
 */
import type { PositionRule } from '../engine/rule.js';
import type { Severity } from '../engine/rule.js';
import { ENABLED_FIELD } from './common.js';
import { isPlainObject } from './config-spec.js';
import { MOVED_BITS } from './terminal-bits.js';

export interface TerminalAlarmConfig {
  enabled: boolean;
  /** Bit number (0-31) → severity. */
  bits: Record<string, Severity>;
}

/** Names of the JT/T 808 alarm bits (DOMAIN.md), put into the evidence for duty officers. */
export const ALARM_BIT_NAMES: readonly string[] = [
  'emergency',
  'overspeed',
  'fatigue',
  'danger_warning',
  'gnss_fault',
  'antenna_cut',
  'antenna_short',
  'main_power_low',
  'main_power_lost',
  'lcd_fault',
  'tts_fault',
  'camera_fault',
  'ic_card_fault',
  'overspeed_prewarning',
  'fatigue_prewarning',
  'rule_violating_driving',
  'tyre_pressure',
  'right_turn_blind_spot',
  'daily_driving_exceeded',
  'overtime_parking',
  'area_in_out',
  'route_in_out',
  'road_section_time',
  'route_deviation',
  'vss_fault',
  'abnormal_fuel',
  'stolen',
  'illegal_ignition',
  'illegal_displacement',
  'collision',
  'rollover',
  'illegal_door_opening',
];

interface Compiled {
  mask: number;
  severities: Severity[];
}

const compiled = new WeakMap<TerminalAlarmConfig, Compiled>();

function compile(config: TerminalAlarmConfig): Compiled {
  let c = compiled.get(config);
  if (!c) {
    c = { mask: 0, severities: [] };
    for (const [bit, severity] of Object.entries(config.bits)) {
      c.mask |= 1 << Number(bit);
      c.severities[Number(bit)] = severity;
    }
    c.mask >>>= 0;
    compiled.set(config, c);
  }
  return c;
}

interface TerminalAlarmState {
  openBits: number;
}

export const terminalAlarmRule: PositionRule<TerminalAlarmState, TerminalAlarmConfig> = {
  id: 'terminal_alarm',
  input: 'position',
  description: 'Alarm bits raised by the terminal (emergency button, power cut, collision ...)',
  spec: {
    enabled: ENABLED_FIELD,
    bits: {
      kind: 'severity_map',
      // Bits 1, 2 and 18-23 are rules of their own (terminal-bits.ts): listing them here would alarm twice.
      key: /^(0|[3-9]|1[0-7]|2[4-9]|3[01])$/,
      keyHint:
        'an alarm bit number 0, 3-17 or 24-31 (bits 1, 2 and 18-23 are the rules terminal_overspeed, terminal_fatigue, terminal_daily_driving, terminal_overtime_parking, terminal_area_in_out, terminal_route_in_out, terminal_road_section_time, terminal_route_deviation)',
      description: 'alarm bit → severity; bits not listed are ignored',
    },
  },
  defaults: {
    enabled: true,
    bits: {
      0: 'critical',
      3: 'warning',
      4: 'info',
      5: 'warning',
      8: 'warning',
      26: 'critical',
      27: 'warning',
      28: 'warning',
      29: 'critical',
      30: 'critical',
    },
  },
  evaluate(state, position, _vehicle, config, out) {
    if (position.alarm_bits === 0 && state === undefined) return undefined;
    const c = compile(config);
    const raised = (position.alarm_bits & c.mask) >>> 0;
    const open = state?.openBits ?? 0;
    if (raised === open) return state;
    for (let bit = 0; bit < 32; bit++) {
      const flag = (1 << bit) >>> 0;
      if (raised & flag && !(open & flag)) {
        out.open(String(bit), position.ts, c.severities[bit], position.lat, position.lon, {
          bit,
          name: ALARM_BIT_NAMES[bit],
          alarm_bits: position.alarm_bits,
          speed_kmh: position.speed_kmh,
        });
      } else if (open & flag && !(raised & flag)) {
        out.close(String(bit), position.ts);
      }
    }
    return raised === 0 ? undefined : { openBits: raised };
  },
};

/**
 * A stored configuration saved when `terminal_alarm.bits` could list bits 1, 2 and 18-23: each such bit moves to
 * its own rule (enabled, with the severity the administrator chose) and leaves the map, in the base rules and in
 * every city's overrides, so the version still loads and the alarm is raised once, under its own id. A rule
 * section the stored version already has (saved after the split) is left as it is. Returns the moves made, for
 * the start-up log. Mutates the `rules` and `cities` objects given (copies owned by the caller).
 */
export function moveTerminalAlarmBits(
  rules: Record<string, unknown>,
  cities: Record<string, unknown> | undefined,
): string[] {
  const moved: string[] = [];
  const moveFrom = (sections: Record<string, unknown>, where: string, complete: boolean): void => {
    const section = sections.terminal_alarm;
    if (!isPlainObject(section) || !isPlainObject(section.bits)) return;
    const bits: Record<string, unknown> = { ...section.bits };
    let changed = false;
    for (const [bit, id] of MOVED_BITS) {
      if (!(String(bit) in bits)) continue;
      const severity = bits[String(bit)];
      delete bits[String(bit)];
      changed = true;
      if (sections[id] === undefined) {
        // The base rules need every field; a city's override only what differs. A bit of a disabled
        // terminal_alarm never alarmed: its rule starts disabled too.
        sections[id] = complete ? { enabled: section.enabled !== false, severity } : { severity };
        moved.push(`${where}.terminal_alarm.bits.${bit} → ${where}.${id}`);
      }
    }
    if (changed) sections.terminal_alarm = { ...section, bits };
  };
  moveFrom(rules, 'rules', true);
  if (cities)
    for (const [code, overrides] of Object.entries(cities))
      if (isPlainObject(overrides)) {
        const copy = { ...overrides };
        moveFrom(copy, `cities.${code}`, false);
        cities[code] = copy;
      }
  return moved;
}
