/**
 * The demo's showcase: one labelled case of every rule, scheduled in the first ten minutes of the demo, about
 * one every 40 s, so a presenter can show every rule without waiting for the sample's own (realistic, sparse)
 * violations, which start half an hour in. Each case is a vehicle or a roadside device of its own (terminals
 * 0139…, plates 豫AD81xx, registered by the demo through HTTP ingestion) that speaks only what real equipment
 * would: JT/T 808 over TCP to the node's gateway, roadside and registry records to `/api/ingest/<kind>`.
 *
 * Three rules need history before the demo started, which the showcase sends at its start as a terminal
 * does after a blind spot (0x0704, 补传): the fatigue lorry's last four hours of driving, the offline lorry's
 * reports until 23 minutes before the start (it then stays silent past the 30-minute limit), and — for the
 * night ban, whose window (02:00–05:00 China time) the demo's clock is rarely in — the coach that reconnects
 * two minutes in and uploads last night's run through the window. That alarm appears then, dated last night
 * and marked late, which is how a platform learns of such a run in real life.
 *
 * Times are demo seconds (`DemoClock`), so a faster demo (`--demo-speed`) runs the same schedule sooner.
 */
import type { Logger } from '../../schema/index.js';
import type { LocationBody } from '../../ingest/index.js';
import type { DemoClock } from './demo-clock.js';
import { locationBody } from './location.js';
import { SimulatedTerminal } from './simulated-terminal.js';
import { TERMINAL_SHOWCASE, type TerminalShowcase, type TerminalShowcaseRule } from './showcase-terminal.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const CHINA_OFFSET_MS = 8 * HOUR_MS;
/** Seconds between two reports of a moving showcase vehicle; parked, every five minutes. */
const MOVING_REPORT_S = 30;
const PARKED_REPORT_S = 300;
/** Fixes per 0x0704 upload: keeps the body under the 1023 bytes of one unsplit frame. */
const BATCH_ITEMS = 20;
const ENTERPRISE_ID = 'E4101000002';

export type ShowcaseRule =
  | 'overspeed'
  | 'terminal_alarm'
  | 'night_ban'
  | 'adas'
  | 'fatigue'
  | 'gps_drift'
  | 'overload'
  | 'geofence'
  | 'dsm'
  | 'offline'
  | 'cloned_plate'
  | 'unlicensed'
  | 'device_offline'
  | TerminalShowcaseRule
  | 'overtime_parking'
  | 'route_deviation'
  | 'area_entry_exit'
  | 'driver_mismatch'
  | 'taxi_permit';

/** One labelled case: the rule, the demo second its violation happens, its subject and what a presenter says. */
export interface ShowcaseCase {
  rule: ShowcaseRule;
  atS: number;
  terminal_id: string;
  plate: string;
  device_id: string;
  zh: string;
  en: string;
}

interface ShowVehicle {
  phone: string;
  plate: string;
  vehicleClass: 'coach' | 'heavy_truck' | 'dangerous_goods' | 'taxi';
  axles: number;
  /** Permit valid until (epoch ms), relative to the demo's start: negative days expired. */
  permitDays: number;
  routeLengthKm: number;
  start: [number, number];
  headingDeg: number;
  cruiseKmh: number;
}

function vehicle(n: number, v: Omit<ShowVehicle, 'phone' | 'plate'>): ShowVehicle {
  return { phone: `0${13_900_000_000 + n}`, plate: `豫AD81${String(n).padStart(2, '0')}`, ...v };
}

const V = {
  overspeed: vehicle(1, {
    vehicleClass: 'coach',
    axles: 2,
    permitDays: 365,
    routeLengthKm: 80,
    start: [113.7, 34.6],
    headingDeg: 180,
    cruiseKmh: 88,
  }),
  terminalAlarm: vehicle(2, {
    vehicleClass: 'heavy_truck',
    axles: 3,
    permitDays: 365,
    routeLengthKm: 0,
    start: [114.3, 34.79],
    headingDeg: 270,
    cruiseKmh: 70,
  }),
  nightBan: vehicle(3, {
    vehicleClass: 'coach',
    axles: 2,
    permitDays: 365,
    routeLengthKm: 420,
    start: [113.66, 34.76],
    headingDeg: 90,
    cruiseKmh: 0,
  }),
  adas: vehicle(4, {
    vehicleClass: 'heavy_truck',
    axles: 4,
    permitDays: 365,
    routeLengthKm: 0,
    start: [113.1, 35.2],
    headingDeg: 90,
    cruiseKmh: 72,
  }),
  fatigue: vehicle(5, {
    vehicleClass: 'heavy_truck',
    axles: 5,
    permitDays: 365,
    routeLengthKm: 0,
    start: [110.95, 34.52],
    headingDeg: 90,
    cruiseKmh: 75,
  }),
  gpsDrift: vehicle(6, {
    vehicleClass: 'taxi',
    axles: 2,
    permitDays: 365,
    routeLengthKm: 0,
    start: [113.62, 34.72],
    headingDeg: 45,
    cruiseKmh: 35,
  }),
  overload: vehicle(7, {
    vehicleClass: 'heavy_truck',
    axles: 3,
    permitDays: 365,
    routeLengthKm: 0,
    start: [113.6073, 34.74945],
    headingDeg: 0,
    cruiseKmh: 0,
  }),
  // 4.2 km west of the centre of the sample's zone-410105 (a 3 km circle), driving east into it.
  geofence: vehicle(8, {
    vehicleClass: 'dangerous_goods',
    axles: 3,
    permitDays: 365,
    routeLengthKm: 0,
    start: [113.6086, 34.80109],
    headingDeg: 90,
    cruiseKmh: 40,
  }),
  dsm: vehicle(9, {
    vehicleClass: 'coach',
    axles: 2,
    permitDays: 365,
    routeLengthKm: 90,
    start: [114.0, 33.6],
    headingDeg: 0,
    cruiseKmh: 85,
  }),
  offline: vehicle(10, {
    vehicleClass: 'heavy_truck',
    axles: 3,
    permitDays: 365,
    routeLengthKm: 0,
    start: [113.45, 34.85],
    headingDeg: 120,
    cruiseKmh: 60,
  }),
  cloned: vehicle(11, {
    vehicleClass: 'heavy_truck',
    axles: 3,
    permitDays: 365,
    routeLengthKm: 0,
    start: [113.6, 34.7],
    headingDeg: 200,
    cruiseKmh: 65,
  }),
  unlicensed: vehicle(12, {
    vehicleClass: 'heavy_truck',
    axles: 2,
    permitDays: -30,
    routeLengthKm: 0,
    start: [113.6073, 34.74945],
    headingDeg: 0,
    cruiseKmh: 0,
  }),
  // Stands in the no-parking zone SHOWCASE_ZONES draws around it.
  overtimeParking: vehicle(13, {
    vehicleClass: 'heavy_truck',
    axles: 3,
    permitDays: 365,
    routeLengthKm: 0,
    start: [113.75, 34.7],
    headingDeg: 90,
    cruiseKmh: 0,
  }),
  // Assigned to the route corridor of SHOWCASE_ZONES (east along 34.70°N), turns north off it.
  routeDeviation: vehicle(14, {
    vehicleClass: 'coach',
    axles: 2,
    permitDays: 365,
    routeLengthKm: 60,
    start: [113.5, 34.7],
    headingDeg: 90,
    cruiseKmh: 60,
  }),
  // Drives east into the area of SHOWCASE_ZONES, whose edge is 1.1 km ahead.
  areaEntry: vehicle(15, {
    vehicleClass: 'taxi',
    axles: 2,
    permitDays: 365,
    routeLengthKm: 0,
    start: [113.55, 34.65],
    headingDeg: 90,
    cruiseKmh: 40,
  }),
  driverMismatch: vehicle(16, {
    vehicleClass: 'heavy_truck',
    axles: 3,
    permitDays: 365,
    routeLengthKm: 0,
    start: [113.75, 34.77],
    headingDeg: 60,
    cruiseKmh: 60,
  }),
  // A ride-hailing car with no 网约车运输证: its order is reported by the platform company, not by a terminal.
  taxiPermit: vehicle(17, {
    vehicleClass: 'taxi',
    axles: 2,
    permitDays: 365,
    routeLengthKm: 0,
    start: [113.68, 34.77],
    headingDeg: 0,
    cruiseKmh: 0,
  }),
} as const;

/** The ride-hailing company of the taxi_permit case, its licensed driver and its licensed car. */
const RIDE_HAILING = {
  companyId: '91410100MA9DEMO01X',
  driverId: '410105199003071234',
  licensedPlate: '豫AD8118',
} as const;

/** The lorries of the terminal-reported cases (showcase-terminal.ts), by rule. */
const REPORTING: ReadonlyMap<TerminalShowcaseRule, ShowVehicle> = new Map(
  TERMINAL_SHOWCASE.map((c) => [
    c.rule,
    vehicle(c.n, {
      vehicleClass: 'heavy_truck',
      axles: 3,
      permitDays: 365,
      routeLengthKm: 0,
      start: c.start,
      headingDeg: c.headingDeg,
      cruiseKmh: 70,
    }),
  ]),
);
/**
 * Zones only the showcase's cases use, saved with the sample's (`loadDemoZones`): a no-parking circle, a route
 * corridor assigned to one coach and an area whose entries are reported. No road index in the demo: these are
 * what the three rules see there.
 */
export const SHOWCASE_ZONES = [
  {
    id: 'showcase-no-parking',
    name: '演示：禁停路段',
    kind: 'no_parking',
    parkingMinutesMax: 1,
    circle: { center: [113.75, 34.7], radiusM: 200 },
  },
  {
    id: 'showcase-route',
    name: '演示：郑州客运班线',
    kind: 'route',
    vehicles: [V.routeDeviation.plate],
    corridor: {
      path: [
        [113.49, 34.7],
        [113.6, 34.7],
      ],
      widthM: 200,
    },
  },
  {
    id: 'showcase-area',
    name: '演示：重点管控区域',
    kind: 'area',
    direction: 'entry',
    circle: { center: [113.5675, 34.65], radiusM: 500 },
  },
];

/** The driver of the driver_mismatch case: registered with the demo's enterprise, qualification expired. */
const EXPIRED_DRIVER = {
  id: '410105197801010031',
  name: '周建军',
  authority: '郑州市交通运输局',
  /** Days before the demo's start the qualification ran out. */
  expiredDays: 40,
};

/** Roadside equipment of the sample's network the cases use (positions as the sample's records give them). */
const WIM_ZHENGZHOU = { device_id: 'wim-410102', lon: 113.6073, lat: 34.74945, org_code: '410102' };
const ANPR_ZHENGZHOU = { device_id: 'anpr-410102', lon: 113.6073, lat: 34.74945, org_code: '410102' };
const ANPR_NANYANG = { device_id: 'anpr-411302', lon: 112.53373, lat: 33.00579, org_code: '411302' };
const FAULTY_WIM = { device_id: 'wim-410183', org_code: '410183' };

/** When the fatigue lorry passes four hours of driving, the offline lorry's silence passes 30 minutes. */
const FATIGUE_AT_S = 195;
const OFFLINE_AT_S = 420;
const OFFLINE_LIMIT_S = 30 * 60;

function caseOf(rule: ShowcaseRule, atS: number, v: ShowVehicle | undefined, zh: string, en: string): ShowcaseCase {
  return { rule, atS, terminal_id: v?.phone ?? '', plate: v?.plate ?? '', device_id: '', zh, en };
}

/** The schedule, in demo seconds: what happens when, and to whom. */
export const SHOWCASE_CASES: readonly ShowcaseCase[] = [
  caseOf(
    'overspeed',
    40,
    V.overspeed,
    '客车高速上 122 km/h（限速 100）',
    'coach at 122 km/h on the expressway (limit 100)',
  ),
  caseOf(
    'terminal_alarm',
    80,
    V.terminalAlarm,
    '货车驾驶员按下紧急报警按钮',
    "lorry driver presses the terminal's emergency button",
  ),
  caseOf(
    'night_ban',
    120,
    V.nightBan,
    '长途客车重新上线，补传昨夜 02:10–02:40 行驶记录',
    "long-distance coach reconnects and uploads last night's 02:10–02:40 run",
  ),
  caseOf('adas', 160, V.adas, '货车 ADAS 前向碰撞预警（二级）', 'lorry ADAS forward-collision warning, level 2'),
  caseOf(
    'fatigue',
    FATIGUE_AT_S,
    V.fatigue,
    '货车连续驾驶超过 4 小时',
    'lorry driving for more than four hours without a rest',
  ),
  caseOf(
    'overtime_parking',
    215,
    V.overtimeParking,
    '货车在禁停路段停车超过 1 分钟',
    'lorry standing more than a minute where stopping is forbidden',
  ),
  caseOf('gps_drift', 235, V.gpsDrift, '出租车定位跳到 60 km 外又跳回', 'taxi fix jumps 60 km away and back'),
  caseOf('overload', 270, V.overload, '三轴货车称重 33 t（限 25 t）', 'three-axle lorry weighed at 33 t (limit 25 t)'),
  caseOf(
    'route_deviation',
    300,
    V.routeDeviation,
    '班线客车驶离备案线路',
    'scheduled coach leaves its registered route',
  ),
  caseOf(
    'geofence',
    330,
    V.geofence,
    '危险品车驶入金水区危险品禁行区',
    "dangerous-goods vehicle enters Jinshui district's no-go zone",
  ),
  caseOf('dsm', 380, V.dsm, '客车 DSM 驾驶员疲劳预警（二级）', 'coach DSM driver-fatigue warning, level 2'),
  caseOf(
    'offline',
    OFFLINE_AT_S,
    V.offline,
    '货车终端静默超过 30 分钟',
    "lorry's terminal silent for more than 30 minutes",
  ),
  caseOf(
    'cloned_plate',
    460,
    V.cloned,
    '郑州行驶中的车牌同时出现在南阳卡口',
    'plate of a lorry driving in Zhengzhou read by a camera in Nanyang',
  ),
  caseOf('area_entry_exit', 485, V.areaEntry, '出租车驶入重点管控区域', 'taxi enters a controlled area'),
  caseOf(
    'taxi_permit',
    530,
    V.taxiPermit,
    '网约车订单由无网约车运输证的车辆接单',
    'ride-hailing order taken by a car without a ride-hailing transport permit',
  ),
  caseOf(
    'unlicensed',
    510,
    V.unlicensed,
    '道路运输证已过期的货车经过卡口',
    'lorry with an expired transport permit passes a camera',
  ),
  caseOf(
    'driver_mismatch',
    300,
    V.driverMismatch,
    '货车驾驶员插卡，从业资格证已过期',
    "lorry driver's card goes in with an expired qualification certificate",
  ),
  {
    ...caseOf('device_offline', 555, undefined, '称重站上报故障', 'weigh-in-motion site reports a fault'),
    device_id: FAULTY_WIM.device_id,
  },
  ...TERMINAL_SHOWCASE.map((c) => caseOf(c.rule, c.atS, REPORTING.get(c.rule), c.zh, c.en)),
];

export interface ShowcaseHttp {
  url: string;
  /** Source keys by kind (`registry`, `anpr`, `wim`, `device_status`). */
  keys: Record<string, string>;
}

interface Movement {
  pos: [number, number];
  headingDeg: number;
}

function move(from: [number, number], headingDeg: number, km: number): [number, number] {
  const rad = (headingDeg * Math.PI) / 180;
  const dLat = (km * Math.cos(rad)) / 111.195;
  const dLon = (km * Math.sin(rad)) / (111.195 * Math.cos((from[1] * Math.PI) / 180));
  return [from[0] + dLon, from[1] + dLat];
}

/** Midnight of the China day `ms` falls in, epoch ms. */
function chinaMidnight(ms: number): number {
  return Math.floor((ms + CHINA_OFFSET_MS) / (24 * HOUR_MS)) * 24 * HOUR_MS - CHINA_OFFSET_MS;
}

/** 02:00 China time of the last night whose ban window (to 05:00) has ended by `ms`. */
export function lastBanNight(ms: number): number {
  const today = chinaMidnight(ms) + 2 * HOUR_MS;
  return ms >= today + 3 * HOUR_MS ? today : today - 24 * HOUR_MS;
}

class Driver {
  readonly terminal: SimulatedTerminal;
  readonly m: Movement;

  constructor(
    readonly v: ShowVehicle,
    private readonly clock: DemoClock,
  ) {
    this.terminal = new SimulatedTerminal({ phone: v.phone, plate: v.plate, plateColor: 2, version: 2013 });
    this.m = { pos: [...v.start], headingDeg: v.headingDeg };
  }

  async connect(host: string, port: number): Promise<void> {
    await this.terminal.connect(host, port);
    await this.terminal.logIn();
  }

  body(ts: number, speedKmh: number, pos = this.m.pos, alarmBits = 0): LocationBody {
    return locationBody(
      { lon: pos[0], lat: pos[1], speedKmh, directionDeg: this.m.headingDeg, time: ts, alarmBits },
      2013,
    );
  }

  /** Moves for `seconds` at `speedKmh` and reports the fix, stamped with the demo clock. */
  async report(
    speedKmh: number,
    seconds: number,
    extra: { alarmBits?: number; pos?: [number, number]; extras?: Partial<LocationBody['extras']> } = {},
  ): Promise<void> {
    this.m.pos = move(this.m.pos, this.m.headingDeg, (speedKmh * seconds) / 3600);
    const body = this.body(this.clock.now(), speedKmh, extra.pos ?? this.m.pos, extra.alarmBits);
    if (extra.extras) body.extras = { ...body.extras, ...extra.extras };
    await this.terminal.request({ msgId: 0x0200, body }, { timeoutMs: 15_000, retries: 2 });
  }

  /** Uploads stored fixes (0x0704), in batches sent back to back so history arrives within seconds. */
  async upload(fixes: LocationBody[], type: 0 | 1): Promise<void> {
    const batches: Promise<unknown>[] = [];
    for (let i = 0; i < fixes.length; i += BATCH_ITEMS) {
      const items = fixes.slice(i, i + BATCH_ITEMS);
      batches.push(
        this.terminal.request(
          { msgId: 0x0704, body: { type, count: items.length, items, errors: [] } },
          { timeoutMs: 30_000, retries: 2 },
        ),
      );
    }
    await Promise.all(batches);
  }
}

export class Showcase {
  private readonly abort = new AbortController();
  private readonly drivers: Driver[] = [];

  constructor(
    private readonly clock: DemoClock,
    private readonly jt808: { host: string; port: number },
    private readonly http: ShowcaseHttp,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const t0 = this.clock.startMs;
    await this.post(
      'registry',
      [...Object.values(V), ...REPORTING.values()].map((v) => ({
        type: 'vehicle',
        plate: v.plate,
        plate_color: 2,
        vehicle_class: v.vehicleClass,
        axles: v.axles,
        enterprise_id: ENTERPRISE_ID,
        terminal_id: v.phone,
        permit_valid_until: t0 + v.permitDays * 24 * HOUR_MS,
        route_length_km: v.routeLengthKm,
        home_org_code: '410105',
      })),
    );
    await this.post('registry', [
      {
        type: 'driver',
        id: EXPIRED_DRIVER.id,
        name: EXPIRED_DRIVER.name,
        enterprise_id: ENTERPRISE_ID,
        plate: V.driverMismatch.plate,
        qualification_valid_until: t0 - EXPIRED_DRIVER.expiredDays * 24 * HOUR_MS,
      },
    ]);
    this.logger.info('demo showcase scheduled', {
      cases: SHOWCASE_CASES.map((c) => ({ rule: c.rule, at_s: c.atS, subject: c.plate || c.device_id })),
    });
    const scripts: [string, () => Promise<void>][] = [
      ['overspeed', () => this.overspeed()],
      ['terminal_alarm', () => this.terminalAlarm()],
      ['night_ban', () => this.nightBan()],
      ['adas', () => this.safety(V.adas, 'adas', 1)],
      ['fatigue', () => this.fatigue()],
      ['gps_drift', () => this.gpsDrift()],
      ['overload', () => this.overload()],
      ['geofence', () => this.geofence()],
      ['dsm', () => this.safety(V.dsm, 'dsm', 2)],
      ['offline', () => this.offline()],
      ['cloned_plate', () => this.cloned()],
      ['unlicensed', () => this.unlicensed()],
      ['device_offline', () => this.deviceFault()],
      ...TERMINAL_SHOWCASE.map((c): [string, () => Promise<void>] => [c.rule, () => this.reported(c)]),
      ['overtime_parking', () => this.overtimeParking()],
      ['route_deviation', () => this.routeDeviation()],
      ['area_entry_exit', () => this.areaEntry()],
      ['driver_mismatch', () => this.driverMismatch()],
      ['taxi_permit', () => this.taxiPermit()],
    ];
    await Promise.all(
      scripts.map(([rule, run]) =>
        run().catch((error: unknown) => {
          if (!this.abort.signal.aborted) this.logger.warn('demo showcase case failed', { rule, error: String(error) });
        }),
      ),
    );
  }

  stop(): void {
    this.abort.abort();
    for (const d of this.drivers) d.terminal.close();
  }

  private at(rule: ShowcaseRule): number {
    return SHOWCASE_CASES.find((c) => c.rule === rule)?.atS ?? 0;
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async driver(v: ShowVehicle): Promise<Driver> {
    const d = new Driver(v, this.clock);
    this.drivers.push(d);
    await d.connect(this.jt808.host, this.jt808.port);
    return d;
  }

  /**
   * Drives from `fromS` to `untilS` (demo seconds), a fix every 30 s; `step` may change a fix (speed, alarm
   * bits, extras) by its demo second. Then parks, reporting every five minutes, until the demo stops.
   */
  private async drive(
    d: Driver,
    fromS: number,
    untilS: number,
    step: (s: number) => {
      speedKmh?: number;
      alarmBits?: number;
      extras?: Partial<LocationBody['extras']>;
      pos?: [number, number];
    } = () => ({}),
  ): Promise<void> {
    for (let s = fromS; s <= untilS && !this.stopped; s += MOVING_REPORT_S) {
      await this.clock.at(s, this.abort.signal);
      if (this.stopped) return;
      const change = step(s);
      await d.report(change.speedKmh ?? d.v.cruiseKmh, MOVING_REPORT_S, change);
    }
    await this.park(d, untilS + MOVING_REPORT_S);
  }

  private async park(d: Driver, fromS: number, everyS = PARKED_REPORT_S): Promise<void> {
    for (let s = fromS; !this.stopped; s += everyS) {
      await this.clock.at(s, this.abort.signal);
      if (this.stopped) return;
      await d.report(0, everyS);
    }
  }

  private async overspeed(): Promise<void> {
    const d = await this.driver(V.overspeed);
    const at = this.at('overspeed');
    await this.drive(d, at - 30, at + 240, (s) => ({ speedKmh: s >= at && s < at + 150 ? 122 : undefined }));
  }

  private async terminalAlarm(): Promise<void> {
    const d = await this.driver(V.terminalAlarm);
    const at = this.at('terminal_alarm');
    // Bit 0 of the alarm word: the emergency button, held for a minute.
    await this.drive(d, at - 30, at + 240, (s) => ({ alarmBits: s >= at && s < at + 60 ? 1 : 0 }));
  }

  private async nightBan(): Promise<void> {
    const at = this.at('night_ban');
    await this.clock.at(at, this.abort.signal);
    if (this.stopped) return;
    const d = await this.driver(V.nightBan);
    // Standing at its depot now; then last night's stored fixes: 30 minutes on the road inside the ban window,
    // then a 16-minute stop that ends the episode.
    await d.report(0, 0);
    const night = lastBanNight(this.clock.now()) + 10 * MINUTE_MS;
    const fixes: LocationBody[] = [];
    let pos: [number, number] = [112.45, 34.62];
    for (let m = 0; m <= 46; m++) {
      const moving = m < 30;
      if (moving && m > 0) pos = move(pos, 90, 70 / 60);
      fixes.push(d.body(night + m * MINUTE_MS, moving ? 70 : 0, pos));
    }
    await d.upload(fixes, 1);
    await this.park(d, at + PARKED_REPORT_S);
  }

  private async safety(v: ShowVehicle, rule: 'adas' | 'dsm', type: number): Promise<void> {
    const d = await this.driver(v);
    const at = this.at(rule);
    // JT/T 1078 active safety (0x64 ADAS, 0x65 DSM): flag 1 starts the event, flag 2 ends it; level 2.
    const alarm = (flag: number) => ({ alarmId: 0xd800 + type, flag, type: rule === 'adas' ? 1 : type, level: 2 });
    await this.drive(d, at - 30, at + 210, (s) => {
      if (s === at) return { extras: { [rule]: alarm(1) } };
      if (s === at + MOVING_REPORT_S) return { extras: { [rule]: alarm(2) } };
      return {};
    });
  }

  /** A case of showcase-terminal.ts: the lorry drives around the case's second with the bit or item it reports. */
  private async reported(c: TerminalShowcase): Promise<void> {
    const v = REPORTING.get(c.rule);
    if (!v) return;
    const d = await this.driver(v);
    await this.drive(d, c.atS - 30, c.atS + 180, (s) =>
      c.step(s, c.atS, { ts: this.clock.now(), lon: d.m.pos[0], lat: d.m.pos[1] }),
    );
  }

  private async fatigue(): Promise<void> {
    const d = await this.driver(V.fatigue);
    // History: driving since four hours minus FATIGUE_AT_S before the start, a stored fix a minute.
    const t0 = this.clock.startMs;
    const since = t0 - (4 * HOUR_MS - FATIGUE_AT_S * 1000);
    const fixes: LocationBody[] = [];
    for (let ts = since; ts < t0; ts += MINUTE_MS) {
      if (ts > since) d.m.pos = move(d.m.pos, d.m.headingDeg, d.v.cruiseKmh / 60);
      fixes.push(d.body(ts, d.v.cruiseKmh));
    }
    await d.upload(fixes, 1);
    // Live from the start, still driving, past four hours at FATIGUE_AT_S; rests from ten minutes in.
    await this.drive(d, MOVING_REPORT_S, 600);
  }

  private async gpsDrift(): Promise<void> {
    const d = await this.driver(V.gpsDrift);
    const at = this.at('gps_drift');
    await this.drive(d, at - 60, at + 210, (s) => (s === at ? { pos: move(d.m.pos, 250, 60) } : {}));
  }

  private async overload(): Promise<void> {
    await this.clock.at(this.at('overload'), this.abort.signal);
    if (this.stopped) return;
    const ts = Math.floor(this.clock.now() / 1000) * 1000;
    await this.post('wim', [
      {
        ...this.camera('wim', WIM_ZHENGZHOU, V.overload, ts),
        axles: 3,
        gross_kg: 33_000,
        axle_weights_kg: [7_000, 13_000, 13_000],
        speed_kmh: 42,
      },
    ]);
  }

  private async geofence(): Promise<void> {
    const d = await this.driver(V.geofence);
    // 1.2 km to the zone's edge at 40 km/h: the fix 90 s after setting off is the first inside.
    await this.drive(d, this.at('geofence') - 90, this.at('geofence') + 300);
  }

  private async overtimeParking(): Promise<void> {
    const d = await this.driver(V.overtimeParking);
    // Standing from 90 s before the case: the zone allows a minute, so the fix at the case's time alarms.
    await this.park(d, this.at('overtime_parking') - 90, MOVING_REPORT_S);
  }

  private async routeDeviation(): Promise<void> {
    const d = await this.driver(V.routeDeviation);
    const at = this.at('route_deviation');
    // East along the corridor, then north off it 90 s before the case: the third fix outside is 1.4 km beyond
    // the corridor's edge (the rule's 1000 m at a second fix or later).
    await this.drive(d, at - 180, at + 120, (s) => {
      if (s >= at - 90) d.m.headingDeg = 0;
      return {};
    });
  }

  private async areaEntry(): Promise<void> {
    const d = await this.driver(V.areaEntry);
    const at = this.at('area_entry_exit');
    // 333 m per fix at 40 km/h: the fix 30 s before the case is the first inside the area.
    await this.drive(d, at - 120, at + 120);
  }

  private async offline(): Promise<void> {
    const d = await this.driver(V.offline);
    // Reports until OFFLINE_LIMIT_S before the case's time, then nothing: the silence passes the limit then.
    const t0 = this.clock.startMs;
    const last = t0 + (OFFLINE_AT_S - OFFLINE_LIMIT_S) * 1000;
    const fixes: LocationBody[] = [];
    for (let ts = last - 20 * MINUTE_MS; ts <= last; ts += MINUTE_MS) {
      const moving = ts < last - 5 * MINUTE_MS;
      if (moving) d.m.pos = move(d.m.pos, d.m.headingDeg, d.v.cruiseKmh / 60);
      fixes.push(d.body(ts, moving ? d.v.cruiseKmh : 0));
    }
    await d.upload(fixes, 1);
    // Back two and a half minutes after the alarm: the episode closes.
    await this.park(d, OFFLINE_AT_S + 150);
  }

  private async cloned(): Promise<void> {
    const d = await this.driver(V.cloned);
    const at = this.at('cloned_plate');
    const sighting = this.drive(d, at - 60, at + 210);
    await this.clock.at(at, this.abort.signal);
    if (!this.stopped) {
      const ts = Math.floor(this.clock.now() / 1000) * 1000;
      await this.post('anpr', [{ ...this.camera('anpr', ANPR_NANYANG, V.cloned, ts), confidence: 0.97 }]);
    }
    await sighting;
  }

  private async unlicensed(): Promise<void> {
    await this.clock.at(this.at('unlicensed'), this.abort.signal);
    if (this.stopped) return;
    const ts = Math.floor(this.clock.now() / 1000) * 1000;
    await this.post('anpr', [{ ...this.camera('anpr', ANPR_ZHENGZHOU, V.unlicensed, ts), confidence: 0.95 }]);
  }

  /**
   * The company files its licensed driver and car first (a node holding no permits judges nothing); at the case's
   * second it reports an order dispatched to the car it has no permit for.
   */
  private async taxiPermit(): Promise<void> {
    const validUntil = this.clock.startMs + 365 * 24 * HOUR_MS;
    await this.post('taxi_permit', [
      {
        permit_type: 'driver',
        driver_id: RIDE_HAILING.driverId,
        permit_no: 'WY410105DEMO0001',
        valid_until: validUntil,
        company_id: RIDE_HAILING.companyId,
        org_code: '410105',
      },
      {
        permit_type: 'vehicle',
        plate: RIDE_HAILING.licensedPlate,
        permit_no: '豫交运管郑字410105DEMO01号',
        valid_until: validUntil,
        company_id: RIDE_HAILING.companyId,
        org_code: '410105',
      },
    ]);
    await this.clock.at(this.at('taxi_permit'), this.abort.signal);
    if (this.stopped) return;
    const ts = Math.floor(this.clock.now() / 1000) * 1000;
    await this.post('taxi_order', [
      {
        company_id: RIDE_HAILING.companyId,
        order_id: `DEMO-${ts}`,
        event: 'dispatched',
        time: ts,
        plate: V.taxiPermit.plate,
        driver_id: RIDE_HAILING.driverId,
        lat: V.taxiPermit.start[1],
        lon: V.taxiPermit.start[0],
        service: 'ride_hailing',
      },
    ]);
  }

  /** The driver puts a card in whose qualification the registry says expired, and sets off. */
  private async driverMismatch(): Promise<void> {
    const d = await this.driver(V.driverMismatch);
    const at = this.at('driver_mismatch');
    await this.clock.at(at - 30, this.abort.signal);
    if (this.stopped) return;
    const expiry = new Date(this.clock.startMs - EXPIRED_DRIVER.expiredDays * 24 * HOUR_MS + CHINA_OFFSET_MS);
    await d.terminal.request(
      {
        msgId: 0x0702,
        body: {
          status: 1,
          time: Math.floor(this.clock.now() / 1000) * 1000,
          readResult: 0,
          name: EXPIRED_DRIVER.name,
          certificate: EXPIRED_DRIVER.id,
          authority: EXPIRED_DRIVER.authority,
          expiry: expiry.toISOString().slice(0, 10),
        },
      },
      { timeoutMs: 15_000, retries: 2 },
    );
    await this.drive(d, at, at + 240);
  }

  private async deviceFault(): Promise<void> {
    await this.clock.at(this.at('device_offline'), this.abort.signal);
    if (this.stopped) return;
    const ts = Math.floor(this.clock.now() / 1000) * 1000;
    await this.post('device_status', [
      {
        event_id: `showcase-status-${FAULTY_WIM.device_id}-${ts}`,
        device_id: FAULTY_WIM.device_id,
        device_kind: 'wim',
        status: 'fault',
        ts,
        org_code: FAULTY_WIM.org_code,
        detail: '称重传感器故障 / load cell fault',
        source: 'vigil-demo',
      },
    ]);
  }

  private camera(
    kind: 'anpr' | 'wim',
    device: { device_id: string; lon: number; lat: number; org_code: string },
    v: ShowVehicle,
    ts: number,
  ): Record<string, unknown> {
    return {
      event_id: `showcase-${kind}-${v.plate}-${ts}`,
      kind,
      device_id: device.device_id,
      plate: v.plate,
      plate_color: 2,
      ts,
      lat: device.lat,
      lon: device.lon,
      org_code: device.org_code,
      lane: 2,
      direction: 'inbound',
      confidence: 0,
      image_ref: kind === 'anpr' ? `anpr/showcase-${ts}.jpg` : '',
      axles: 0,
      gross_kg: 0,
      axle_weights_kg: [],
      speed_kmh: 60,
      obu_id: '',
      source: 'vigil-demo',
    };
  }

  private async post(kind: string, records: Record<string, unknown>[]): Promise<void> {
    const response = await fetch(`${this.http.url}/api/ingest/${kind}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${this.http.keys[kind] ?? ''}` },
      body: `${records.map((r) => JSON.stringify(r)).join('\n')}\n`,
      signal: this.abort.signal,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`POST /api/ingest/${kind} answered ${response.status}: ${text.slice(0, 300)}`);
    const answer = JSON.parse(text) as { rejected?: number; rejects?: unknown[] };
    if ((answer.rejected ?? 0) > 0 || (answer.rejects?.length ?? 0) > 0)
      throw new Error(`POST /api/ingest/${kind} refused records: ${text.slice(0, 300)}`);
  }
}
