/**
 * The terminal's own judgements in the 0x0200 alarm flag (JT/T 808 table 24) that officers act on as they act
 * on the platform's: overspeed (bit 1), fatigue (2), daily driving exceeded (18), overtime parking (19), area in
 * or out (20), route in or out (21), road-section time too short or too long (22) and route deviation (23). Each
 * bit is its own rule id, on by default, so a duty officer sees "终端超速" apart from the emergency button of
 * `terminal_alarm`. One episode while the terminal keeps the bit set; the evidence carries the items the
 * standard attaches to these bits when the terminal sends them: 0x11 (overspeed: area or route), 0x12
 * (area/route in/out: id, direction) and 0x13 (road section: id, time, too short/long).
 */
import type { TelemetryRow } from '../../schema/index.js';
import type { Evidence, PositionRule, Severity } from '../engine/rule.js';
import { ENABLED_FIELD } from './common.js';
import { objectItem } from './extras.js';

export interface TerminalBitConfig {
  enabled: boolean;
  severity: Severity;
}

/** JT/T 808 table 27's position types of items 0x11 and 0x12. */
const POSITION_TYPES = ['none', 'circle', 'rectangle', 'polygon', 'route'];

function positionType(value: unknown): string | null {
  return typeof value === 'number' ? (POSITION_TYPES[value] ?? `type_${value}`) : null;
}

/** Item 0x11, the overspeed alarm's position: where the terminal's own limit applied. */
function overspeedItem(position: TelemetryRow): Evidence {
  const item = objectItem(position, 'overspeed');
  if (!item) return {};
  return {
    limit_area_type: positionType(item.positionType),
    ...(typeof item.areaId === 'number' ? { limit_area_id: item.areaId } : {}),
  };
}

/** Item 0x12, the area or route entered or left. */
function inOutItem(position: TelemetryRow): Evidence {
  const item = objectItem(position, 'areaRouteInOut');
  if (!item) return {};
  return {
    area_type: positionType(item.positionType),
    area_id: typeof item.areaId === 'number' ? item.areaId : null,
    direction: item.direction === 0 ? 'in' : item.direction === 1 ? 'out' : null,
  };
}

/** Item 0x13, the road section driven too fast or too slowly. */
function sectionItem(position: TelemetryRow): Evidence {
  const item = objectItem(position, 'roadSectionTime');
  if (!item) return {};
  return {
    section_id: typeof item.sectionId === 'number' ? item.sectionId : null,
    section_seconds: typeof item.durationS === 'number' ? item.durationS : null,
    section_result: item.result === 0 ? 'too_short' : item.result === 1 ? 'too_long' : null,
  };
}

interface TerminalBitState {
  /** Item evidence seen while the bit was set, kept for the closing version. */
  item?: Evidence;
}

export interface TerminalBitSpec {
  id: string;
  bit: number;
  /** The bit's name in `ALARM_BIT_NAMES`, put into the evidence. */
  name: string;
  description: string;
  severity: Severity;
  item?: (position: TelemetryRow) => Evidence;
}

function terminalBitRule(s: TerminalBitSpec): PositionRule<TerminalBitState, TerminalBitConfig> {
  const flag = (1 << s.bit) >>> 0;
  return {
    id: s.id,
    input: 'position',
    description: s.description,
    spec: {
      enabled: ENABLED_FIELD,
      severity: { kind: 'severity', description: 'severity of the alarm' },
    },
    defaults: { enabled: true, severity: s.severity },
    evaluate(state, position, _vehicle, config, out) {
      const set = (position.alarm_bits & flag) !== 0;
      if (!set) {
        if (state) out.close('', position.ts);
        return undefined;
      }
      const item = s.item?.(position);
      const fresh = item && Object.keys(item).length > 0 ? item : undefined;
      const seen = fresh ?? state?.item;
      // A fix that brings the item for the first time refreshes the evidence now rather than at the next update.
      const firstItem = state !== undefined && state.item === undefined && fresh !== undefined;
      if (!state || firstItem || out.due('', config.severity))
        out.open('', position.ts, config.severity, position.lat, position.lon, {
          bit: s.bit,
          name: s.name,
          alarm_bits: position.alarm_bits,
          speed_kmh: position.speed_kmh,
          ...seen,
        });
      return seen ? { item: seen } : {};
    },
  };
}

/** The bits, their rule ids and default severities; `terminal_alarm` refuses these bits (see MOVED_BITS). */
export const TERMINAL_BIT_SPECS: readonly TerminalBitSpec[] = [
  {
    id: 'terminal_overspeed',
    bit: 1,
    name: 'overspeed',
    description: 'Overspeed judged by the terminal against its own limits (0x0200 bit 1, item 0x11)',
    severity: 'warning',
    item: overspeedItem,
  },
  {
    id: 'terminal_fatigue',
    bit: 2,
    name: 'fatigue',
    description: 'Fatigue driving judged by the terminal (0x0200 bit 2)',
    severity: 'warning',
  },
  {
    id: 'terminal_daily_driving',
    bit: 18,
    name: 'daily_driving_exceeded',
    description: "The day's accumulated driving time exceeded, judged by the terminal (0x0200 bit 18)",
    severity: 'warning',
  },
  {
    id: 'terminal_overtime_parking',
    bit: 19,
    name: 'overtime_parking',
    description: 'Parked longer than the terminal allows (0x0200 bit 19)',
    severity: 'warning',
  },
  {
    id: 'terminal_area_in_out',
    bit: 20,
    name: 'area_in_out',
    description: 'Entering or leaving an area set on the terminal (0x0200 bit 20, item 0x12)',
    severity: 'warning',
    item: inOutItem,
  },
  {
    id: 'terminal_route_in_out',
    bit: 21,
    name: 'route_in_out',
    description: 'Entering or leaving a route set on the terminal (0x0200 bit 21, item 0x12)',
    severity: 'warning',
    item: inOutItem,
  },
  {
    id: 'terminal_road_section_time',
    bit: 22,
    name: 'road_section_time',
    description: 'A road section driven too fast or too slowly for its set time (0x0200 bit 22, item 0x13)',
    severity: 'warning',
    item: sectionItem,
  },
  {
    id: 'terminal_route_deviation',
    bit: 23,
    name: 'route_deviation',
    description: 'Off the route set on the terminal (0x0200 bit 23)',
    severity: 'warning',
  },
];

export const TERMINAL_BIT_RULES: readonly PositionRule<TerminalBitState, TerminalBitConfig>[] =
  TERMINAL_BIT_SPECS.map(terminalBitRule);

/** Alarm bit → the rule id that now owns it (no longer configurable under `terminal_alarm.bits`). */
export const MOVED_BITS: ReadonlyMap<number, string> = new Map(TERMINAL_BIT_SPECS.map((s) => [s.bit, s.id]));
