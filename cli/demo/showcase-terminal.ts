/**
 * The showcase's cases of the alarms a terminal reports itself: its 0x0200 alarm bits that are rules of their
 * own (terminal overspeed, fatigue, driving time, parking, area, route, road section, route deviation), JT/T
 * 1078's video items (video fault, abnormal driving) and the tyre (0x66) and blind-spot (0x67) items. Each is
 * a lorry of its own (terminals 01390000006x/7x, plates 豫AD816x/7x) driving for a few minutes around its demo
 * second; the bit or item is on for a minute, or (tyre, blind spot) starts and ends a minute apart, as a
 * terminal sends them. `showcase.ts` schedules them with its other cases.
 */
import type { LocationBody } from '../../ingest/index.js';

export type TerminalShowcaseRule =
  | 'terminal_overspeed'
  | 'terminal_fatigue'
  | 'terminal_daily_driving'
  | 'terminal_overtime_parking'
  | 'terminal_area_in_out'
  | 'terminal_route_in_out'
  | 'terminal_road_section_time'
  | 'terminal_route_deviation'
  | 'video_fault'
  | 'abnormal_driving'
  | 'tyre'
  | 'blind_spot';

/** What a fix of the case carries at demo second `s`, the case being at demo second `at`. */
export type ReportedStep = (
  s: number,
  at: number,
  fix: { ts: number; lon: number; lat: number },
) => { alarmBits?: number; extras?: Partial<LocationBody['extras']> };

export interface TerminalShowcase {
  rule: TerminalShowcaseRule;
  atS: number;
  /** Number of the showcase vehicle (phone 0139000000nn, plate 豫AD81nn). */
  n: number;
  start: [number, number];
  headingDeg: number;
  zh: string;
  en: string;
  step: ReportedStep;
}

/** The alarm bit on for the minute from the case's second. */
const bit =
  (b: number, extras: Partial<LocationBody['extras']> = {}): ReportedStep =>
  (s, at) =>
    s >= at && s < at + 60 ? { alarmBits: (1 << b) >>> 0, extras } : {};

/** An item on for the minute from the case's second. */
const item =
  (extras: Partial<LocationBody['extras']>): ReportedStep =>
  (s, at) =>
    s >= at && s < at + 60 ? { extras } : {};

/** A flagged item: start (1) at the case's second, end (2) one fix later. */
const flagged =
  (
    make: (flag: number, fix: { ts: number; lon: number; lat: number }) => Partial<LocationBody['extras']>,
  ): ReportedStep =>
  (s, at, fix) =>
    s === at ? { extras: make(1, fix) } : s === at + 30 ? { extras: make(2, fix) } : {};

export const TERMINAL_SHOWCASE: readonly TerminalShowcase[] = [
  {
    rule: 'terminal_overspeed',
    atS: 60,
    n: 60,
    start: [113.9, 34.4],
    headingDeg: 180,
    zh: '终端判定超速（路线限速，附加信息 0x11）',
    en: 'terminal judges overspeed against a route limit (item 0x11)',
    step: bit(1, { overspeed: { positionType: 4, areaId: 3101 } }),
  },
  {
    rule: 'terminal_fatigue',
    atS: 100,
    n: 61,
    start: [114.1, 34.3],
    headingDeg: 0,
    zh: '终端判定疲劳驾驶',
    en: 'terminal judges fatigue driving',
    step: bit(2),
  },
  {
    rule: 'terminal_daily_driving',
    atS: 140,
    n: 62,
    start: [113.3, 34.5],
    headingDeg: 90,
    zh: '终端报当天累计驾驶超时',
    en: "terminal reports the day's driving time exceeded",
    step: bit(18),
  },
  {
    rule: 'terminal_overtime_parking',
    atS: 180,
    n: 63,
    start: [113.5, 34.3],
    headingDeg: 45,
    zh: '终端报超时停车',
    en: 'terminal reports overtime parking',
    step: bit(19),
  },
  {
    rule: 'terminal_area_in_out',
    atS: 215,
    n: 64,
    start: [113.8, 34.9],
    headingDeg: 270,
    zh: '终端报驶出区域 12（附加信息 0x12）',
    en: 'terminal reports leaving area 12 (item 0x12)',
    step: bit(20, { areaRouteInOut: { positionType: 3, areaId: 12, direction: 1 } }),
  },
  {
    rule: 'terminal_route_in_out',
    atS: 250,
    n: 65,
    start: [114.2, 34.6],
    headingDeg: 180,
    zh: '终端报驶入路线 8（附加信息 0x12）',
    en: 'terminal reports entering route 8 (item 0x12)',
    step: bit(21, { areaRouteInOut: { positionType: 4, areaId: 8, direction: 0 } }),
  },
  {
    rule: 'terminal_road_section_time',
    atS: 300,
    n: 66,
    start: [113.2, 34.8],
    headingDeg: 90,
    zh: '终端报路段 5 行驶时间不足（附加信息 0x13）',
    en: 'terminal reports road section 5 driven too fast (item 0x13)',
    step: bit(22, { roadSectionTime: { sectionId: 5, durationS: 95, result: 0 } }),
  },
  {
    rule: 'terminal_route_deviation',
    atS: 350,
    n: 67,
    start: [113.7, 35.0],
    headingDeg: 200,
    zh: '终端报路线偏离',
    en: 'terminal reports a route deviation',
    step: bit(23),
  },
  {
    rule: 'video_fault',
    atS: 400,
    n: 68,
    start: [114.0, 34.9],
    headingDeg: 250,
    zh: '视频终端通道 2 视频信号丢失（0x14/0x15）',
    en: 'video terminal loses the signal of channel 2 (0x14/0x15)',
    step: item({ videoAlarmBits: 1, videoLossChannelBits: 0b10 }),
  },
  {
    rule: 'abnormal_driving',
    atS: 440,
    n: 69,
    start: [113.4, 34.65],
    headingDeg: 60,
    zh: '视频终端报驾驶员接打电话（0x18）',
    en: 'video terminal reports the driver on the phone (0x18)',
    step: item({ videoAlarmBits: 1 << 5, abnormalDriving: { behaviourBits: 0b10, fatigueLevel: 0 } }),
  },
  {
    rule: 'tyre',
    atS: 485,
    n: 70,
    start: [113.55, 34.95],
    headingDeg: 120,
    zh: '右前轮胎压过低（苏标 0x66）',
    en: 'front right tyre pressure too low (0x66)',
    step: flagged((flag, fix) => {
      const time = Math.floor(fix.ts / 1000) * 1000;
      return {
        tpms: {
          alarmId: 0xd870 + flag,
          flag,
          speedKmh: 70,
          altitudeM: 100,
          latRaw: Math.round(fix.lat * 1e6),
          lonRaw: Math.round(fix.lon * 1e6),
          time,
          vehicleStatusBits: 1,
          alarmIdentification: { terminalId: '0000070', time, serial: flag, attachmentCount: 0, reserved: 0 },
          tyres: [{ position: 1, alarmBits: 1 << 2, pressureKpa: 410, temperatureC: 38, batteryPercent: 86 }],
        },
      };
    }),
  },
  {
    rule: 'blind_spot',
    atS: 530,
    n: 71,
    start: [113.75, 34.45],
    headingDeg: 330,
    zh: '右后方盲区有车辆接近（苏标 0x67）',
    en: 'vehicle approaching in the right-rear blind spot (0x67)',
    step: flagged((flag) => ({ blindSpot: { alarmId: 0xd880 + flag, flag, type: 3 } })),
  },
];
