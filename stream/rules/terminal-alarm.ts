/**
 * terminal_alarm: alarm bits the terminal itself raises in the 0x0200 alarm flag (emergency button, power
 * cut, antenna cut, collision, rollover, theft ...). Which bits alarm, and how severely, is configuration.
 * One episode per bit, open while the terminal keeps the bit set.
 */
import type { PositionRule } from '../engine/rule.js';
import type { Severity } from '../engine/rule.js';
import { ENABLED_FIELD } from './common.js';

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
      key: /^([0-9]|[12][0-9]|3[01])$/,
      keyHint: 'an alarm bit number 0-31',
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
