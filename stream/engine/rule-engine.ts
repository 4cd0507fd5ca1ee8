/**
 * The rule engine: keyed state per vehicle (telemetry), per plate (roadside sightings) and per device
 * (equipment health), evaluated in event time, turning violations into alarm episodes.
 *
 * Event time, ordered per vehicle. A terminal reports its fixes in order on one connection, so a fix newer than
 * everything its vehicle was evaluated with (the vehicle's frontier) is evaluated at once, whatever other
 * vehicles do: nothing waits for a watermark. A fix at or before the frontier is out of order: when it fills a
 * known gap in the vehicle's track (back-fill after an outage, or history before its first fix) it is evaluated
 * in a separate late lane, in order within that gap, and its alarms carry `late = 1`; otherwise it repeats or
 * interleaves data already evaluated and is skipped and counted. Back-filled fixes (`backfill = 1`) still newer
 * than the frontier are evaluated in the live lane and their alarms marked late.
 *
 * Idempotence. Every fix is evaluated at most once: the frontier covers the live lane, and a late fix moves its
 * gap's start up to itself, so the same fix again is known as evaluated. Roadside events are remembered by id for
 * `roadsideSeenWindowMs` after they were received, and longer when the caller asks (`retainRoadsideSince`). So
 * the runner may deliver again, after a crash, input
 * the engine's snapshot may already cover, and nothing is evaluated twice.
 *
 * Episodes. An alarm id is a hash of rule, subject and episode start, so a restart, replay or re-read yields
 * the same ids; each change is a new version of the same id (open → updates → close).
 *
 * This class does no I/O: `RulesRunner` feeds it from the event log, and tests and benchmarks drive it
 * directly.
 */
import type {
  AlarmRow,
  CameraEvent,
  DeviceStatus,
  DriverEventRow,
  TaxiOrderEventRow,
  TelemetryRow,
  VehicleRecord,
  VehicleRegistry,
} from '../../schema/index.js';
import { cityOfPlate, countyAt, parentChain, provinceCode } from '../../schema/index.js';
import type { CompiledRulesConfig, RuleSet } from '../rules/rules-config.js';
import { alarmIdOf } from './alarm-id.js';
import {
  FIX_JUMP_KM_MIN,
  NEVER,
  type AnyCameraRule,
  type AnyDeviceRule,
  type AnyOrderRule,
  type AnyPositionRule,
  type AnyRule,
  type DriverFacts,
  type EpisodeSink,
  type Evidence,
  type LastFix,
  type Severity,
  type Track,
  type VehicleFacts,
} from './rule.js';
import {
  ENGINE_PART,
  SNAPSHOT_FORMAT,
  SNAPSHOT_FORMATS_READ,
  vehiclesPart,
  type EngineSnapshot,
  type LaneSnapshot,
} from './engine-snapshot.js';
import { partitionOf } from '../log/event-log.js';
import { DRIVER_HANDOVER_INTERVAL_MS, type DriverHandover, type DriverHandovers } from './driver-handover.js';
import { SnapshotCapture, captureSection, type CaptureDocument, type CapturedSubject } from './snapshot-capture.js';
import {
  NO_STATES,
  forEachState,
  packStates,
  pairAt,
  stateOf,
  withState,
  withoutStates,
  type RuleStates,
} from './rule-states.js';

/**
 * A vehicle's timer wake-up is kept in whole seconds between these bounds (a small integer V8 stores in the vehicle
 * itself, where a millisecond time would be a separate heap number): rounded down and clamped, it may only come
 * earlier, and a scan at `clockS < wake` is before the wake-up in milliseconds too. WAKE_NOW: scan the vehicle.
 */
const WAKE_NOW = -(2 ** 31);
const WAKE_LAST = 2 ** 31 - 1;

function wakeSecondsOf(wakeAtMs: number): number {
  const s = Math.floor(wakeAtMs / 1000);
  return s >= WAKE_LAST ? WAKE_LAST : s > WAKE_NOW ? s : WAKE_NOW;
}

/** JT/T 808 status bit 1: the fix is positioned. */
const STATUS_POSITIONED = 1 << 1;

export interface RuleEngineOptions {
  /** Vehicles with state at most; beyond it, vehicles without open alarms are forgotten, oldest first. */
  vehiclesMax: number;
  platesMax: number;
  devicesMax: number;
  /** Drivers with state at most (fatigue per driver); beyond it, the longest off the wheel are forgotten first. */
  driversMax: number;
  /** Roadside event ids remembered so that one delivered again is not evaluated twice; the oldest go first. */
  roadsideSeenMax: number;
  /**
   * How long after it was received (its `received_at`, behind the newest one's) a roadside event id is remembered
   * at least: a source that retries a batch stored just before a crash sends it again soon after.
   */
  roadsideSeenWindowMs: number;
  /** How long registry facts of a vehicle are reused before they are looked up again, event time. */
  factsRefreshMs: number;
  /** A late lane with nothing new for this long (processing time) closes its episodes and is dropped. */
  lateLaneIdleMs: number;
  /** Gaps remembered per vehicle for late data to fill. */
  gapsPerVehicleMax: number;
  /** Absence timers are checked when the clock has advanced this much, ms of event time. */
  clockScanMs: number;
}

export const RULE_ENGINE_DEFAULTS: RuleEngineOptions = {
  vehiclesMax: 500_000,
  platesMax: 500_000,
  devicesMax: 100_000,
  driversMax: 500_000,
  roadsideSeenMax: 200_000,
  roadsideSeenWindowMs: 600_000,
  factsRefreshMs: 300_000,
  lateLaneIdleMs: 30_000,
  gapsPerVehicleMax: 4,
  clockScanMs: 10_000,
};

export interface RuleEngineDeps {
  registry: VehicleRegistry;
  /** Processing time, epoch ms. */
  now: () => number;
  /** The division an alarm happened in, when the subject has no home county. */
  orgCodeAt?: (lon: number, lat: number) => string;
  /** Called for every alarm version produced by a position, with the fix's receive time: alarm latency. */
  onPositionAlarm?: (row: AlarmRow, receivedAt: number) => void;
  /**
   * Whether this engine judges a roadside device. The rules spread over stream workers by log partition run one
   * engine per partition: a device is judged on the partition of its id (where its status reports land), and a
   * sighting of a vehicle of another partition does not make it heard there. Every device when absent.
   */
  ownsDevice?: (deviceId: string) => boolean;
  /**
   * The rules spread over log partitions: drivers' states published by the other partitions' engines, taken when a
   * driver arrives here (driver-handover.ts). With it the engine also publishes its drivers' states
   * (`drainHandovers`). The engine that runs every partition has none and does neither.
   */
  driverHandovers?: DriverHandovers;
}

/** Counts the runner exports as metrics. */
export interface EngineStats {
  positions: number;
  cameraEvents: number;
  deviceEvents: number;
  driverEvents: number;
  /** Taxi and ride-hailing order steps. */
  orderEvents: number;
  late: number;
  alreadyEvaluated: number;
  duplicates: number;
  future: number;
  /** Roadside ids forgotten for the `roadsideSeenMax` bound while still within the window or asked to be retained. */
  roadsideSeenDropped: number;
  evicted: number;
  opened: Record<string, number>;
  /** Drivers' states from other partitions taken at a driver's arrival, and merged in front of a stint begun without. */
  handoversTaken: number;
  handoversMerged: number;
}

export interface Episode {
  alarmId: string;
  rule: string;
  startedAt: number;
  version: number;
  lat: number;
  lon: number;
  severity: Severity;
  evidence: Evidence;
  orgCode: string;
  late: number;
  /** Event time of the latest version. */
  updatedTs: number;
  terminalId: string;
  plate: string;
}

interface Lane {
  /** Sparse: only the rules holding state (rule-states.ts). */
  states: RuleStates;
  episodes: Map<string, Episode> | undefined;
  /** Event time of the last event evaluated in the lane. */
  lastTs: number;
  /** The last positioned fix evaluated in the lane (vehicles only). */
  fixTs: number;
  fixLat: number;
  fixLon: number;
  /** Speed implied by the move from the fix before to that one (`LastFix.jumpKmh`). */
  fixJumpKmh: number;
}

interface Vehicle extends CapturedSubject {
  key: string;
  facts: VehicleFacts;
  factsAt: number;
  set: RuleSet;
  configVersion: number;
  /** Event time of the newest fix evaluated in the live lane. */
  frontier: number;
  /** Event time of the first fix evaluated in the live lane: older fixes are history the late lane may take. */
  firstTs: number;
  /** The newest history fix (before `firstTs`) the late lane evaluated; NEVER when none. */
  historyTs: number;
  /**
   * [after, before] pairs of silences in the evaluated track that late fixes may still fill; `after` moves up to
   * each late fix evaluated in the gap. Undefined until the first gap.
   */
  gaps: number[] | undefined;
  live: Lane;
  late: Lane | undefined;
  /** At the wheel since the last card change evaluated; undefined without a card in. */
  driver: DriverFacts | undefined;
  /** Card changes newer than the frontier, oldest first, applied before the first fix at or after each. */
  cards: CardChange[] | undefined;
  /**
   * The clock before which no absence timer of the live lane can fire (`PositionRule.clockWakeAt`), in whole
   * seconds (`wakeSecondsOf`): the clock's scans pass the vehicle by until then. WAKE_NOW when unknown (a timer's
   * state or the configuration changed since).
   */
  clockWakeS: number;
}

/** A driver card inserted (`driver` set) or taken out (`driver` null), at event time `ts`. */
export interface CardChange {
  ts: number;
  status: number;
  driver: DriverFacts | null;
}

/** State of the per-driver rules of one driver, wherever they drive. */
interface Driver extends CapturedSubject {
  id: string;
  states: RuleStates;
  /** Event time of the last fix evaluated with this driver at the wheel. */
  lastTs: number;
  /** `last_ts` of the newest handover from another partition taken in (NEVER: none). */
  handedTs: number;
  /** `lastTs` when the driver's state was last published (NEVER: never). */
  publishedTs: number;
}

interface Plate extends CapturedSubject {
  plate: string;
  facts: VehicleFacts | undefined;
  factsAt: number;
  set: RuleSet;
  configVersion: number;
  lane: Lane;
}

interface Device extends CapturedSubject {
  id: string;
  orgCode: string;
  lat: number;
  lon: number;
  lane: Lane;
}

/** Per log partition: the newest event time seen and when, the share of the partition in the engine's clock. */
interface PartitionClock {
  maxTs: number;
  lastArrivalAt: number;
}

/**
 * Speed implied between two fixes, km/h, on a local flat projection (precise enough at the distances that
 * matter, and cheap on every fix); 0 under `FIX_JUMP_KM_MIN`. Callers pass fixes in time order (`toTs > fromTs`).
 */
function jumpKmh(fromTs: number, fromLat: number, fromLon: number, toTs: number, toLat: number, toLon: number): number {
  const kmPerDegLat = 111.32;
  const dy = (toLat - fromLat) * kmPerDegLat;
  const dx = (toLon - fromLon) * kmPerDegLat * Math.cos(((fromLat + toLat) / 2) * (Math.PI / 180));
  const km = Math.sqrt(dx * dx + dy * dy);
  if (km < FIX_JUMP_KM_MIN) return 0;
  return km / ((toTs - fromTs) / 3_600_000);
}

function newLane(): Lane {
  return {
    states: NO_STATES,
    episodes: undefined,
    lastTs: NEVER,
    fixTs: NEVER,
    fixLat: 0,
    fixLon: 0,
    fixJumpKmh: 0,
  };
}

const SEVERITY_RANK: Record<Severity, number> = { info: 1, warning: 2, critical: 3 };

/** Episodes of a lane are keyed by rule, and by rule/key for rules that hold several at once. */
function episodeKey(rule: string, key: string): string {
  return key === '' ? rule : `${rule}/${key}`;
}

/** County code → city code, looked up once per county (registry facts are refreshed every minute per vehicle). */
const cityOfCounty = new Map<string, string>();

function cityCodeOf(homeOrgCode: string | undefined, plate: string): string {
  if (homeOrgCode) {
    let city = cityOfCounty.get(homeOrgCode);
    if (city === undefined) {
      city = parentChain(homeOrgCode).find((d) => d.level === 'city')?.code ?? '';
      cityOfCounty.set(homeOrgCode, city);
    }
    if (city) return city;
  }
  return plate ? (cityOfPlate(plate)?.code ?? '') : '';
}

const ORG_CODE = /^\d{6}$/;

export function factsOf(record: VehicleRecord | undefined, terminalId: string, plate: string): VehicleFacts {
  if (!record)
    return {
      terminalId,
      plate,
      vehicleClass: 'other',
      registered: false,
      cityCode: cityCodeOf(undefined, plate),
      routeLengthKm: 0,
      axles: 0,
      permitValidUntil: null,
      enterpriseId: '',
    };
  const p = record.plate || plate;
  return {
    terminalId: terminalId || record.terminal_id,
    plate: p,
    vehicleClass: record.vehicle_class,
    registered: true,
    homeOrgCode: record.home_org_code || undefined,
    cityCode: cityCodeOf(record.home_org_code || undefined, p),
    routeLengthKm: record.route_length_km,
    axles: record.axles,
    ...(record.drive_axles ? { driveAxles: record.drive_axles } : {}),
    permitValidUntil: record.permit_valid_until,
    enterpriseId: record.enterprise_id,
  };
}

function defaultOrgCodeAt(lon: number, lat: number): string {
  return Number.isFinite(lat) && Number.isFinite(lon) ? (countyAt(lon, lat)?.code ?? provinceCode()) : provinceCode();
}

/** The sink rules write to; the engine points it at the subject and lane being evaluated. */
class Sink implements EpisodeSink {
  lane!: Lane;
  rule = '';
  subjectKey = '';
  terminalId = '';
  plate = '';
  homeOrgCode: string | undefined;
  orgHint = '';
  late = 0;
  ts = 0;
  receivedAt = 0;
  fallbackLat = 0;
  fallbackLon = 0;

  constructor(private readonly engine: RuleEngine) {}

  open(key: string, since: number, severity: Severity, lat: number, lon: number, evidence: Evidence): void {
    this.engine.openEpisode(this, key, since, severity, lat, lon, evidence);
  }

  due(key: string, severity: Severity): boolean {
    return this.engine.episodeDue(this, key, severity);
  }

  close(key: string, at: number, evidence?: Evidence): void {
    this.engine.closeEpisode(this, key, at, evidence);
  }

  instant(key: string, at: number, severity: Severity, lat: number, lon: number, evidence: Evidence): void {
    this.engine.instantEpisode(this, key, at, severity, lat, lon, evidence);
  }
}

export class RuleEngine {
  private readonly vehicles = new Map<string, Vehicle>();
  private readonly plateToVehicle = new Map<string, Vehicle>();
  private readonly plates = new Map<string, Plate>();
  private readonly devices = new Map<string, Device>();
  private readonly drivers = new Map<string, Driver>();
  private readonly partitions: PartitionClock[] = [];
  /**
   * Vehicles with a late lane, and when something last arrived in it (processing time): kept here rather than in
   * every lane, as only late lanes are ever idle-closed.
   */
  private readonly lateVehicles = new Map<Vehicle, number>();
  /** Roadside event key → its `received_at`, in arrival order. */
  private readonly roadsideSeen = new Map<string, number>();
  /** Ids received at or after this are kept beyond the window (the runner's replay cursor). */
  private roadsideRetainSince = Infinity;
  private roadsideNewestReceivedAt = -Infinity;
  private cameraMaxTs = NEVER;
  /** Newest event time of roadside events (sightings, statuses) and when it arrived: their share of the clock. */
  private roadsideMaxTs = NEVER;
  private roadsideArrivalAt = 0;
  private readonly positionRules: { index: number; rule: AnyPositionRule }[] = [];
  /** The position rules with absence timers (`onClock`), in ascending index. */
  private readonly timedRules: { index: number; rule: AnyPositionRule }[] = [];
  private readonly cameraRules: { index: number; rule: AnyCameraRule }[] = [];
  private readonly orderRules: { index: number; rule: AnyOrderRule }[] = [];
  private readonly deviceRules: { index: number; rule: AnyDeviceRule }[] = [];
  private readonly sink = new Sink(this);
  private readonly track: Track = { heardTs: NEVER, fixTs: NEVER, fixLat: 0, fixLon: 0 };
  private out: AlarmRow[] = [];
  private compiled: CompiledRulesConfig;
  private boundMs = 0;
  private readonly orgCodeAt: (lon: number, lat: number) => string;
  private lastClockMs = NEVER;
  /** The snapshot being serialized, if any, and the number of the last one begun (`CapturedSubject`). */
  private capture: SnapshotCapture | undefined;
  private captureId = 0;
  readonly stats: EngineStats = {
    positions: 0,
    cameraEvents: 0,
    deviceEvents: 0,
    driverEvents: 0,
    orderEvents: 0,
    late: 0,
    alreadyEvaluated: 0,
    duplicates: 0,
    future: 0,
    roadsideSeenDropped: 0,
    evicted: 0,
    opened: {},
    handoversTaken: 0,
    handoversMerged: 0,
  };
  /** Drivers' states to publish (rules spread over partitions), the newest of each driver. */
  private handoversOut = new Map<string, DriverHandover>();

  constructor(
    readonly rules: readonly AnyRule[],
    config: CompiledRulesConfig,
    private readonly deps: RuleEngineDeps,
    private readonly options: RuleEngineOptions = RULE_ENGINE_DEFAULTS,
  ) {
    rules.forEach((rule, index) => {
      if (rule.input === 'position') this.positionRules.push({ index, rule });
      else if (rule.input === 'camera') this.cameraRules.push({ index, rule });
      else if (rule.input === 'order') this.orderRules.push({ index, rule });
      else this.deviceRules.push({ index, rule });
    });
    for (const r of this.positionRules) if (r.rule.onClock !== undefined) this.timedRules.push(r);
    this.compiled = config;
    this.boundMs = config.engine.disorderBoundSeconds * 1000;
    this.orgCodeAt = deps.orgCodeAt ?? defaultOrgCodeAt;
  }

  /** Switches to a new configuration version; the next event of each subject is evaluated with it. */
  setConfig(config: CompiledRulesConfig): void {
    // Closing what a switched-off rule holds changes every subject: the snapshot being taken is finished first.
    this.capture?.finish();
    this.compiled = config;
    this.boundMs = config.engine.disorderBoundSeconds * 1000;
    this.closeDisabled();
  }

  /** A rule switched off closes its open episodes (at the subject's last event time) and drops its state. */
  private closeDisabled(): void {
    const index = new Map(this.rules.map((r, i) => [r.id, i]));
    const sweep = (
      lane: Lane,
      set: RuleSet,
      subjectKey: string,
      terminalId: string,
      plate: string,
      homeOrgCode: string | undefined,
    ): void => {
      for (const [k, episode] of lane.episodes ? [...lane.episodes] : []) {
        if (set.configs[index.get(episode.rule) ?? -1] !== null) continue;
        const sink = this.bindSink(
          lane,
          subjectKey,
          terminalId,
          plate,
          homeOrgCode,
          '',
          episode.late,
          lane.lastTs,
          episode.lat,
          episode.lon,
        );
        sink.rule = episode.rule;
        this.closeEpisode(sink, k.length > episode.rule.length ? k.slice(episode.rule.length + 1) : '', lane.lastTs);
      }
      lane.states = withoutStates(lane.states, (i) => set.configs[i] === null);
    };
    for (const v of this.vehicles.values()) {
      v.clockWakeS = WAKE_NOW;
      const set = this.compiled.cities.get(v.facts.cityCode) ?? this.compiled.base;
      sweep(v.live, set, v.key, v.key, v.facts.plate, v.facts.homeOrgCode);
      if (v.late) sweep(v.late, set, v.key, v.key, v.facts.plate, v.facts.homeOrgCode);
    }
    for (const p of this.plates.values())
      sweep(
        p.lane,
        this.compiled.cities.get(p.facts?.cityCode ?? '') ?? this.compiled.base,
        `plate:${p.plate}`,
        p.facts?.terminalId ?? '',
        p.plate,
        p.facts?.homeOrgCode,
      );
    for (const d of this.devices.values()) sweep(d.lane, this.compiled.base, `device:${d.id}`, '', '', undefined);
    for (const d of this.drivers.values())
      d.states = withoutStates(d.states, (i) => this.compiled.base.configs[i] === null);
  }

  get configVersion(): number {
    return this.compiled.version;
  }

  /** Alarm rows produced since the last call, in order. */
  drainAlarms(): AlarmRow[] {
    const rows = this.out;
    this.out = [];
    return rows;
  }

  /** Alarm rows produced and not yet drained, left where they are. */
  drainAlarmsPeek(): readonly AlarmRow[] {
    return this.out;
  }

  get vehicleCount(): number {
    return this.vehicles.size;
  }

  // ---------------------------------------------------------------- positions

  /** One telemetry fix from log partition `partition`, arriving at processing time `now`. */
  onPosition(row: TelemetryRow, partition = 0, now = this.deps.now()): void {
    this.stats.positions++;
    if (row.ts > now + this.compiled.engine.futureToleranceSeconds * 1000) {
      this.stats.future++;
      return;
    }
    const v = this.vehicleOf(row.terminal_id);
    this.keep(v, this.vehicleText);
    if (row.ts === v.frontier) {
      // The newest fix evaluated, again: a retransmission.
      this.stats.duplicates++;
      return;
    }
    if (row.ts < v.frontier) {
      this.onLatePosition(v, row, now);
      return;
    }
    const p = this.partitionClock(partition);
    if (row.ts > p.maxTs) p.maxTs = row.ts;
    p.lastArrivalAt = now;
    this.evaluateInOrder(v, row);
  }

  private vehicleOf(terminalId: string): Vehicle {
    let v = this.vehicles.get(terminalId);
    if (v === undefined) {
      if (this.vehicles.size >= this.options.vehiclesMax) this.evictVehicles();
      // The registry's own string when it knows the terminal: the row's copy would be kept once more per vehicle.
      const known = this.deps.registry.byTerminal(terminalId)?.terminal_id;
      const key = known === terminalId ? known : terminalId;
      v = {
        capturedIn: this.captureId,
        key,
        facts: factsOf(undefined, terminalId, ''),
        factsAt: NEVER,
        set: this.compiled.base,
        configVersion: -1,
        frontier: NEVER,
        firstTs: Infinity,
        historyTs: NEVER,
        gaps: undefined,
        live: newLane(),
        late: undefined,
        driver: undefined,
        cards: undefined,
        clockWakeS: WAKE_NOW,
      };
      this.vehicles.set(key, v);
    }
    return v;
  }

  private partitionClock(partition: number): PartitionClock {
    let p = this.partitions[partition];
    if (p === undefined) {
      for (let i = this.partitions.length; i <= partition; i++) this.partitions[i] = { maxTs: NEVER, lastArrivalAt: 0 };
      p = this.partitions[partition];
    }
    return p;
  }

  private evaluateInOrder(v: Vehicle, row: TelemetryRow): void {
    if (v.frontier !== NEVER && row.ts - v.frontier > this.compiled.engine.gapSecondsMin * 1000) {
      const gaps = (v.gaps ??= []);
      gaps.push(v.frontier, row.ts);
      if (gaps.length > this.options.gapsPerVehicleMax * 2) gaps.splice(0, 2);
    }
    v.frontier = row.ts;
    if (row.ts < v.firstTs) v.firstTs = row.ts;
    const cards = v.cards;
    if (cards !== undefined && cards[0].ts <= row.ts) {
      while (cards.length > 0 && cards[0].ts <= row.ts) this.applyCard(v, cards.shift()!, row.lat, row.lon);
      if (cards.length === 0) v.cards = undefined;
    }
    this.evaluate(v, v.live, row, row.backfill === 1 ? 1 : 0, false);
  }

  private onLatePosition(v: Vehicle, row: TelemetryRow, now: number): void {
    if (!this.takeFromGap(v, row.ts)) {
      this.stats.alreadyEvaluated++;
      return;
    }
    const lane = (v.late ??= newLane());
    this.stats.late++;
    this.lateVehicles.set(v, now);
    this.evaluate(v, lane, row, 1, true);
  }

  /**
   * Whether a fix older than the frontier falls in a part of the track not evaluated yet, and if so marks it
   * evaluated: the gap (or the history before the first fix) now starts at the fix. So a gap's back-fill is
   * evaluated in order, and the same fix delivered again is skipped.
   */
  private takeFromGap(v: Vehicle, ts: number): boolean {
    if (ts < v.firstTs) {
      if (ts <= v.historyTs) return false;
      v.historyTs = ts;
      return true;
    }
    const g = v.gaps;
    if (g === undefined) return false;
    for (let i = 0; i < g.length; i += 2)
      if (ts > g[i] && ts < g[i + 1]) {
        g[i] = ts;
        return true;
      }
    return false;
  }

  private refreshFacts(v: Vehicle, row: TelemetryRow): void {
    if (
      v.configVersion === this.compiled.version &&
      row.ts - v.factsAt < this.options.factsRefreshMs &&
      row.ts >= v.factsAt
    )
      return;
    const record =
      this.deps.registry.byTerminal(v.key) ?? (row.plate ? this.deps.registry.byPlate(row.plate) : undefined);
    const facts = factsOf(record, v.key, row.plate);
    if (facts.plate !== v.facts.plate) {
      if (this.plateToVehicle.get(v.facts.plate) === v) this.plateToVehicle.delete(v.facts.plate);
      if (facts.plate) this.plateToVehicle.set(facts.plate, v);
    } else if (facts.plate && !this.plateToVehicle.has(facts.plate)) {
      this.plateToVehicle.set(facts.plate, v);
    }
    v.facts = facts;
    if (v.driver !== undefined) facts.driver = v.driver;
    v.factsAt = row.ts;
    v.set = this.compiled.cities.get(facts.cityCode) ?? this.compiled.base;
    v.configVersion = this.compiled.version;
    v.clockWakeS = WAKE_NOW;
  }

  private evaluate(v: Vehicle, lane: Lane, row: TelemetryRow, late: number, lateLane: boolean): void {
    this.refreshFacts(v, row);
    const sink = this.sink;
    sink.lane = lane;
    sink.subjectKey = v.key;
    sink.terminalId = v.key;
    sink.plate = v.facts.plate;
    sink.homeOrgCode = v.facts.homeOrgCode;
    sink.orgHint = '';
    sink.late = late;
    sink.ts = row.ts;
    sink.receivedAt = row.received_at;
    sink.fallbackLat = row.lat;
    sink.fallbackLon = row.lon;
    const track = this.trackOf(lane);
    const configs = v.set.configs;
    const ctx = this.compiled.context;
    // Late data is judged per vehicle: who drove during a back-filled gap is not known well enough to move a
    // driver's clock that already went past it.
    const driver = lateLane ? undefined : this.driverAt(v, row.ts);
    // Position rules come in ascending index, as the lane's pairs do: one walk along both.
    let states = lane.states;
    let at = 0;
    for (let i = 0; i < this.positionRules.length; i++) {
      const { index, rule } = this.positionRules[i];
      const config = configs[index];
      if (config === null) continue;
      // Absence is a live notion: late data says nothing about whether the terminal is heard now.
      if (lateLane && rule.onClock !== undefined) continue;
      sink.rule = rule.id;
      if (driver !== undefined && rule.perDriver === true) {
        const state = stateOf(driver.states, index);
        const next = rule.evaluate(state, row, v.facts, config, sink, ctx, track);
        if (next !== state) driver.states = withState(driver.states, index, next);
        continue;
      }
      at = pairAt(states, index, at);
      const state = at < states.length && states[at] === index ? states[at + 1] : undefined;
      const next = rule.evaluate(state, row, v.facts, config, sink, ctx, track);
      if (next !== state) {
        states = withState(states, index, next, at);
        // Only the live lane runs timers (the late lane skips them above).
        if (rule.onClock !== undefined) v.clockWakeS = WAKE_NOW;
      }
    }
    lane.states = states;
    if (driver !== undefined) this.maybePublishDriver(v, driver);
    if (row.ts > lane.lastTs) lane.lastTs = row.ts;
    if ((row.status_bits & STATUS_POSITIONED) !== 0 && (row.lat !== 0 || row.lon !== 0) && row.ts > lane.fixTs) {
      lane.fixJumpKmh =
        lane.fixTs === NEVER ? 0 : jumpKmh(lane.fixTs, lane.fixLat, lane.fixLon, row.ts, row.lat, row.lon);
      lane.fixTs = row.ts;
      lane.fixLat = row.lat;
      lane.fixLon = row.lon;
    }
  }

  /** The engine's one reusable track object, filled from the lane. */
  private trackOf(lane: Lane): Track {
    const track = this.track;
    track.heardTs = lane.lastTs;
    track.fixTs = lane.fixTs;
    track.fixLat = lane.fixLat;
    track.fixLon = lane.fixLon;
    return track;
  }

  // ---------------------------------------------------------------- drivers

  /**
   * One driver card report (JT/T 808 0x0702). It takes effect from its event time on: a card newer than the
   * vehicle's newest fix waits for the first fix at or after it (the card and the positions travel on different
   * topics, so either may be read first); an older one applies at once. `lookUp` is the registry's driver.
   */
  onDriverEvent(row: DriverEventRow, now = this.deps.now()): void {
    this.stats.driverEvents++;
    if (row.ts > now + this.compiled.engine.futureToleranceSeconds * 1000) {
      this.stats.future++;
      return;
    }
    const v = this.vehicleOf(row.terminal_id);
    this.keep(v, this.vehicleText);
    const change: CardChange = {
      ts: row.ts,
      status: row.status,
      driver: row.status === 1 ? this.driverFacts(row) : null,
    };
    if (row.ts <= v.frontier) {
      this.applyCard(v, change, v.live.fixLat, v.live.fixLon);
      return;
    }
    // The driver at the wheel leaves when this change takes effect: what this engine has of them goes out now, as
    // the terminal may report no fix after it (the fixes before it that come later publish it again).
    const atWheel = v.driver?.id ? this.drivers.get(v.driver.id) : undefined;
    if (atWheel !== undefined && (change.driver === null || change.driver.id !== atWheel.id))
      this.publishDriver(atWheel, v.key);
    const cards = (v.cards ??= []);
    // The same report delivered again (a retransmission, a replay) is one change.
    if (cards.some((c) => c.ts === change.ts && c.status === change.status)) {
      this.stats.duplicates++;
      return;
    }
    let i = cards.length;
    while (i > 0 && cards[i - 1].ts > change.ts) i--;
    cards.splice(i, 0, change);
    // A terminal that never reports a fix again must not grow this without bound.
    if (cards.length > 16) cards.splice(0, cards.length - 16);
  }

  private driverFacts(row: DriverEventRow): DriverFacts {
    const lookUp = this.deps.registry.byDriver?.bind(this.deps.registry);
    const id = row.read_result === 0 ? row.certificate : '';
    return {
      id,
      name: row.driver_name,
      since: row.ts,
      readResult: row.read_result,
      cardValidUntil: row.certificate_valid_until,
      record: id !== '' && lookUp ? lookUp(id) : undefined,
      registryKnowsDrivers: lookUp !== undefined,
    };
  }

  /**
   * A new driver takes the wheel, or the card goes out. Per-driver episodes open in the vehicle end where a
   * different identified driver takes over (the alarm was about the one who left); when a card goes out with no
   * one else's in, the vehicle's own clock continues from the driver's, since whoever drives on is unidentified.
   */
  private applyCard(v: Vehicle, change: CardChange, lat: number, lon: number): void {
    const before = v.driver;
    const after = change.driver ?? undefined;
    if (before !== undefined && after !== undefined && before.id === after.id && before.readResult === after.readResult)
      return;
    if (before !== undefined && before.id !== '') {
      const leaving = this.drivers.get(before.id);
      if (leaving !== undefined) this.publishDriver(leaving, v.key);
      if (leaving !== undefined)
        for (const { index, rule } of this.positionRules)
          if (rule.perDriver === true)
            v.live.states = withState(v.live.states, index, structuredClone(stateOf(leaving.states, index)));
      v.clockWakeS = WAKE_NOW;
    }
    if (after !== undefined && after.id !== '' && after.id !== before?.id) {
      const sink = this.bindSink(v.live, v.key, v.key, v.facts.plate, v.facts.homeOrgCode, '', 0, change.ts, lat, lon);
      for (const { rule } of this.positionRules) {
        if (rule.perDriver !== true) continue;
        sink.rule = rule.id;
        for (const k of v.live.episodes ? [...v.live.episodes.keys()] : []) {
          if (k !== rule.id && !k.startsWith(`${rule.id}/`)) continue;
          this.closeEpisode(sink, k.length > rule.id.length ? k.slice(rule.id.length + 1) : '', change.ts);
        }
      }
    }
    v.driver = after;
    v.facts = { ...v.facts, driver: after };
  }

  /** The vehicle's driver, holding the per-driver rule states, or undefined when no identified driver is at the wheel. */
  private driverAt(v: Vehicle, ts: number): Driver | undefined {
    const id = v.driver?.id;
    if (!id) return undefined;
    let d = this.drivers.get(id);
    if (d === undefined) {
      if (this.drivers.size >= this.options.driversMax) this.evictDrivers();
      d = {
        capturedIn: this.captureId,
        id,
        states: NO_STATES,
        lastTs: NEVER,
        handedTs: NEVER,
        publishedTs: NEVER,
      };
      this.drivers.set(id, d);
    }
    this.keep(d, this.driverText);
    const handover = this.deps.driverHandovers?.latest(id);
    if (handover !== undefined && handover.last_ts > d.handedTs && handover.last_ts < ts)
      this.takeHandover(d, handover, v.set);
    if (ts > d.lastTs) d.lastTs = ts;
    return d;
  }

  /**
   * A driver's state published by another partition's engine, its last fix before this one. Newer than all this
   * engine holds of them, it is their state; older than their last fix here, it arrived after their stint here had
   * begun without it, and each per-driver rule puts it in front of that stint where it can (`mergeEarlier`).
   */
  private takeHandover(d: Driver, handover: DriverHandover, set: RuleSet): void {
    d.handedTs = handover.last_ts;
    const states = structuredClone(handover.states);
    if (handover.last_ts >= d.lastTs) {
      d.states = this.statesFrom(states);
      this.stats.handoversTaken++;
      return;
    }
    let merged = false;
    for (const { index, rule } of this.positionRules) {
      const config = set.configs[index];
      const earlier = states[rule.id];
      const later = stateOf(d.states, index);
      if (rule.perDriver !== true || !rule.mergeEarlier || config === null || earlier === undefined) continue;
      if (later === undefined) {
        d.states = withState(d.states, index, earlier);
        merged = true;
        continue;
      }
      const next = rule.mergeEarlier(earlier, later, config);
      if (next !== later) d.states = withState(d.states, index, next);
      merged = true;
    }
    if (merged) this.stats.handoversMerged++;
  }

  /** Queues the driver's state to be published (rules spread over partitions only). */
  private publishDriver(d: Driver, terminalId: string): void {
    if (this.deps.driverHandovers === undefined || d.lastTs === NEVER) return;
    this.keep(d, this.driverText);
    d.publishedTs = d.lastTs;
    this.handoversOut.set(d.id, {
      driver_id: d.id,
      last_ts: d.lastTs,
      terminal_id: terminalId,
      partition: -1,
      // A copy: the rules change their states in place, and the record is serialized when it is sent.
      states: structuredClone(this.statesById(d.states)),
      published_at: this.deps.now(),
    });
  }

  /**
   * After a fix with a driver at the wheel: their state is published when a card change that ends their time here
   * is waiting for its fix (their last fixes here may come after the card was read), and every
   * `DRIVER_HANDOVER_INTERVAL_MS` of their fixes (a card taken out unseen, a terminal silent after it).
   */
  private maybePublishDriver(v: Vehicle, d: Driver): void {
    if (this.deps.driverHandovers === undefined) return;
    const leaving = v.cards?.some((c) => c.driver === null || c.driver.id !== d.id) ?? false;
    if (leaving || d.lastTs - d.publishedTs >= DRIVER_HANDOVER_INTERVAL_MS) this.publishDriver(d, v.key);
  }

  /** Drivers' states to publish since the last call, the newest of each driver. */
  drainHandovers(): DriverHandover[] {
    if (this.handoversOut.size === 0) return [];
    const out = [...this.handoversOut.values()];
    this.handoversOut = new Map();
    return out;
  }

  /** Drivers' states to publish and not yet drained, left where they are. */
  drainHandoversPeek(): readonly DriverHandover[] {
    return [...this.handoversOut.values()];
  }

  private evictDrivers(): void {
    const target = Math.floor(this.options.driversMax * 0.9);
    const atWheel = new Set<string>();
    for (const v of this.vehicles.values()) if (v.driver?.id) atWheel.add(v.driver.id);
    const byAge = [...this.drivers].filter(([id]) => !atWheel.has(id)).sort((a, b) => a[1].lastTs - b[1].lastTs);
    for (const [id] of byAge) {
      if (this.drivers.size <= target) break;
      this.drivers.delete(id);
      this.stats.evicted++;
    }
  }

  // ---------------------------------------------------------------- camera and devices

  /** One roadside sighting (ANPR, weigh-in-motion, gantry). */
  onCamera(event: CameraEvent, now = this.deps.now()): void {
    this.stats.cameraEvents++;
    if (this.seenBefore(cameraKey(event), event.received_at)) {
      this.stats.duplicates++;
      return;
    }
    if (event.ts > now + this.compiled.engine.futureToleranceSeconds * 1000) {
      this.stats.future++;
      return;
    }
    if (event.ts > this.cameraMaxTs) this.cameraMaxTs = event.ts;
    this.noteRoadside(event.ts, now);
    const late = event.ts < this.cameraMaxTs - this.boundMs ? 1 : 0;
    if (late) this.stats.late++;
    // A toll sighting is not its station reporting: the transaction arrives after the exit, so its entry is long
    // past and would make a busy station look silent to device_offline. Stations report health as device_status.
    if (event.device_id && event.kind !== 'toll' && (this.deps.ownsDevice?.(event.device_id) ?? true)) {
      const device = this.deviceOf(event.device_id, event.org_code);
      device.lat = event.lat;
      device.lon = event.lon;
      this.evaluateDevice(device, event.ts, late, (rule, state, config) =>
        rule.heard(state, event.ts, config, this.sink),
      );
    }
    if (event.plate === '') return;
    const plate = this.plateOf(event.plate, event.ts);
    const sink = this.bindSink(
      plate.lane,
      `plate:${event.plate}`,
      plate.facts?.terminalId ?? '',
      event.plate,
      plate.facts?.homeOrgCode,
      ORG_CODE.test(event.org_code) ? event.org_code : '',
      late,
      event.ts,
      event.lat,
      event.lon,
    );
    sink.receivedAt = event.received_at;
    const v = this.plateToVehicle.get(event.plate);
    const live = v?.live;
    const lastFix: LastFix | undefined =
      v && live && live.fixTs !== NEVER
        ? { ts: live.fixTs, lat: live.fixLat, lon: live.fixLon, terminalId: v.key, jumpKmh: live.fixJumpKmh }
        : undefined;
    for (const { index, rule } of this.cameraRules) {
      const config = plate.set.configs[index];
      if (config === null) continue;
      sink.rule = rule.id;
      const state = stateOf(plate.lane.states, index);
      const next = rule.evaluate(state, event, plate.facts, config, sink, lastFix);
      if (next !== state) plate.lane.states = withState(plate.lane.states, index, next);
    }
  }

  /**
   * One step of a taxi or ride-hailing order. Judged against the permits the registry holds when it is read, in the
   * plate's lane like a roadside sighting (so its alarms go where the vehicle's do); a step without a plate (a
   * booking not yet dispatched) has no vehicle to judge.
   */
  onTaxiOrder(order: TaxiOrderEventRow, now = this.deps.now()): void {
    this.stats.orderEvents++;
    if (this.seenBefore(orderKey(order), order.received_at)) {
      this.stats.duplicates++;
      return;
    }
    if (order.ts > now + this.compiled.engine.futureToleranceSeconds * 1000) {
      this.stats.future++;
      return;
    }
    if (order.plate === '' || this.orderRules.length === 0) return;
    const plate = this.plateOf(order.plate, order.ts);
    const sink = this.bindSink(
      plate.lane,
      `plate:${order.plate}`,
      plate.facts?.terminalId ?? '',
      order.plate,
      plate.facts?.homeOrgCode,
      ORG_CODE.test(order.org_code) ? order.org_code : '',
      0,
      order.ts,
      order.lat,
      order.lon,
    );
    sink.receivedAt = order.received_at;
    const registry = this.deps.registry;
    const permits = {
      vehicle: registry.taxiPermit?.('vehicle', order.plate),
      driver: order.driver_id === '' ? undefined : registry.taxiPermit?.('driver', order.driver_id),
      known: registry.taxiPermit !== undefined,
    };
    for (const { index, rule } of this.orderRules) {
      const config = plate.set.configs[index];
      if (config === null) continue;
      sink.rule = rule.id;
      const state = stateOf(plate.lane.states, index);
      const next = rule.evaluate(state, order, permits, config, sink);
      if (next !== state) plate.lane.states = withState(plate.lane.states, index, next);
    }
  }

  /** One status report of roadside equipment. */
  onDevice(status: DeviceStatus, now = this.deps.now()): void {
    this.stats.deviceEvents++;
    if (this.seenBefore(deviceKey(status), status.received_at)) {
      this.stats.duplicates++;
      return;
    }
    if (status.ts > now + this.compiled.engine.futureToleranceSeconds * 1000) {
      this.stats.future++;
      return;
    }
    this.noteRoadside(status.ts, now);
    const device = this.deviceOf(status.device_id, status.org_code);
    this.evaluateDevice(device, status.ts, 0, (rule, state, config) => rule.evaluate(state, status, config, this.sink));
  }

  private noteRoadside(ts: number, now: number): void {
    if (ts > this.roadsideMaxTs) this.roadsideMaxTs = ts;
    this.roadsideArrivalAt = now;
  }

  private deviceOf(id: string, orgCode: string): Device {
    let device = this.devices.get(id);
    if (device === undefined) {
      if (this.devices.size >= this.options.devicesMax) this.evictQuiet(this.devices, (d) => d.lane);
      device = { capturedIn: this.captureId, id, orgCode, lat: 0, lon: 0, lane: newLane() };
      this.devices.set(id, device);
    }
    this.keep(device, this.deviceText);
    if (orgCode !== device.orgCode && ORG_CODE.test(orgCode)) device.orgCode = orgCode;
    return device;
  }

  private evaluateDevice(
    device: Device,
    ts: number,
    late: number,
    step: (rule: AnyDeviceRule, state: unknown, config: Record<string, unknown>) => unknown,
  ): void {
    const sink = this.bindSink(
      device.lane,
      `device:${device.id}`,
      '',
      '',
      undefined,
      device.orgCode,
      late,
      ts,
      device.lat,
      device.lon,
    );
    device.lane.lastTs = Math.max(device.lane.lastTs, ts);
    for (const { index, rule } of this.deviceRules) {
      const config = this.compiled.base.configs[index];
      if (config === null) continue;
      sink.rule = rule.id;
      const state = stateOf(device.lane.states, index);
      const next = step(rule, state, config);
      if (next !== state) device.lane.states = withState(device.lane.states, index, next);
    }
  }

  private plateOf(plateText: string, ts: number): Plate {
    let plate = this.plates.get(plateText);
    if (plate === undefined) {
      if (this.plates.size >= this.options.platesMax) this.evictQuiet(this.plates, (p) => p.lane);
      plate = {
        capturedIn: this.captureId,
        plate: plateText,
        facts: undefined,
        factsAt: NEVER,
        set: this.compiled.base,
        configVersion: -1,
        lane: newLane(),
      };
      this.plates.set(plateText, plate);
    }
    this.keep(plate, this.plateText);
    if (
      plate.configVersion !== this.compiled.version ||
      ts - plate.factsAt >= this.options.factsRefreshMs ||
      ts < plate.factsAt
    ) {
      const record = this.deps.registry.byPlate(plateText);
      plate.facts = record ? factsOf(record, record.terminal_id, plateText) : undefined;
      plate.factsAt = ts;
      plate.set =
        (plate.facts && this.compiled.cities.get(plate.facts.cityCode)) ||
        this.compiled.cities.get(cityCodeOf(undefined, plateText)) ||
        this.compiled.base;
      plate.configVersion = this.compiled.version;
    }
    return plate;
  }

  private bindSink(
    lane: Lane,
    subjectKey: string,
    terminalId: string,
    plate: string,
    homeOrgCode: string | undefined,
    orgHint: string,
    late: number,
    ts: number,
    lat: number,
    lon: number,
  ): Sink {
    const sink = this.sink;
    sink.lane = lane;
    sink.subjectKey = subjectKey;
    sink.terminalId = terminalId;
    sink.plate = plate;
    sink.homeOrgCode = homeOrgCode;
    // Callers pass only org codes already checked (device records, camera events).
    sink.orgHint = orgHint;
    sink.late = late;
    sink.ts = ts;
    sink.receivedAt = 0;
    sink.fallbackLat = lat;
    sink.fallbackLon = lon;
    return sink;
  }

  // ---------------------------------------------------------------- time

  /**
   * The engine's clock for absence timers: event time, carried forward by processing time while nothing
   * arrives, minus the disorder bound. Replayed data thus drives it by its own times, live data by the wall
   * clock when terminals fall silent.
   */
  clockMs(now = this.deps.now()): number {
    let clock =
      this.roadsideMaxTs === NEVER
        ? NEVER
        : this.roadsideMaxTs + Math.max(0, now - this.roadsideArrivalAt) - this.boundMs;
    for (const p of this.partitions) {
      if (p === undefined || p.maxTs === NEVER) continue;
      clock = Math.max(clock, p.maxTs + Math.max(0, now - p.lastArrivalAt) - this.boundMs);
    }
    return clock;
  }

  /** Processing-time housekeeping: closes idle late lanes, runs absence timers. */
  tick(now = this.deps.now()): void {
    for (const [v, lastArrivalAt] of this.lateVehicles) {
      if (v.late !== undefined && now - lastArrivalAt < this.options.lateLaneIdleMs) continue;
      this.keep(v, this.vehicleText);
      if (v.late !== undefined) this.closeLane(v.late, v.key, v.facts, v.late.lastTs);
      v.late = undefined;
      this.lateVehicles.delete(v);
    }
    const clock = this.clockMs(now);
    // Absence limits are minutes long: scanning every subject once per `clockScanMs` of clock is precise enough
    // and keeps the scan's cost per second independent of how fast event time runs (replays).
    if (clock === NEVER || clock < this.lastClockMs + this.options.clockScanMs) return;
    // The scan may touch every subject, which would make a snapshot being taken serialize all the rest at once: it
    // runs on the first tick after that snapshot (absence limits are minutes; the scan's period is 10 s).
    if (this.capture !== undefined && !this.capture.done) return;
    this.lastClockMs = clock;
    this.runClockRules(clock);
  }

  private runClockRules(clock: number): void {
    if (this.timedRules.length > 0) {
      // Never below WAKE_NOW: a vehicle to scan is scanned whatever the clock.
      const clockS = Math.max(WAKE_NOW, Math.floor(clock / 1000));
      for (const v of this.vehicles.values()) {
        // Most vehicles were heard lately: their timers cannot fire yet, and binding the sink for them cost more
        // than the rest of the scan.
        if (clockS < v.clockWakeS) continue;
        let wakeAt = Infinity;
        let sink: Sink | undefined;
        for (const { index, rule } of this.timedRules) {
          const config = v.set.configs[index];
          const state = stateOf(v.live.states, index);
          if (config === null || state === undefined) continue;
          sink ??= this.bindSink(
            v.live,
            v.key,
            v.key,
            v.facts.plate,
            v.facts.homeOrgCode,
            '',
            0,
            clock,
            v.live.fixLat,
            v.live.fixLon,
          );
          sink.rule = rule.id;
          const track = this.trackOf(v.live);
          const next = rule.onClock?.(state, clock, v.facts, config, sink, track);
          if (next !== state) v.live.states = withState(v.live.states, index, next);
          if (next !== undefined) wakeAt = Math.min(wakeAt, rule.clockWakeAt?.(next, config, track) ?? NEVER);
        }
        v.clockWakeS = wakeSecondsOf(wakeAt);
      }
    }
    // Engines that judge no device (device_offline off) have nothing to scan there.
    if (!this.deviceRules.some(({ index }) => this.compiled.base.configs[index] !== null)) return;
    for (const device of this.devices.values()) {
      let sink: Sink | undefined;
      for (const { index, rule } of this.deviceRules) {
        const config = this.compiled.base.configs[index];
        const state = stateOf(device.lane.states, index);
        if (config === null || state === undefined) continue;
        sink ??= this.bindSink(
          device.lane,
          `device:${device.id}`,
          '',
          '',
          undefined,
          device.orgCode,
          0,
          clock,
          device.lat,
          device.lon,
        );
        sink.rule = rule.id;
        const next = rule.onClock(state, clock, config, sink, device.id);
        if (next !== state) device.lane.states = withState(device.lane.states, index, next);
      }
    }
  }

  private closeLane(lane: Lane, terminalId: string, facts: VehicleFacts, at: number): void {
    if (!lane.episodes) return;
    const sink = this.bindSink(lane, terminalId, terminalId, facts.plate, facts.homeOrgCode, '', 1, at, 0, 0);
    for (const [k, episode] of [...lane.episodes]) {
      sink.rule = episode.rule;
      this.closeEpisode(sink, k.length > episode.rule.length ? k.slice(episode.rule.length + 1) : '', at);
    }
  }

  // ---------------------------------------------------------------- episodes

  episodeDue(sink: Sink, key: string, severity: Severity): boolean {
    const episode = sink.lane.episodes?.get(episodeKey(sink.rule, key));
    if (episode === undefined) return true;
    return (
      SEVERITY_RANK[severity] > SEVERITY_RANK[episode.severity] ||
      sink.ts - episode.updatedTs >= this.compiled.engine.evidenceUpdateSeconds * 1000
    );
  }

  openEpisode(
    sink: Sink,
    key: string,
    since: number,
    severity: Severity,
    lat: number,
    lon: number,
    evidence: Evidence,
  ): void {
    const lane = sink.lane;
    const k = episodeKey(sink.rule, key);
    const episode = lane.episodes?.get(k);
    if (episode === undefined) {
      const atLat = Number.isFinite(lat) ? lat : sink.fallbackLat;
      const atLon = Number.isFinite(lon) ? lon : sink.fallbackLon;
      const created: Episode = {
        alarmId: alarmIdOf(sink.rule, key ? `${sink.subjectKey}#${key}` : sink.subjectKey, since),
        rule: sink.rule,
        startedAt: since,
        version: 1,
        lat: atLat,
        lon: atLon,
        severity,
        evidence,
        orgCode: sink.homeOrgCode ?? (sink.orgHint || this.orgCodeAt(atLon, atLat)),
        late: sink.late,
        updatedTs: sink.ts,
        terminalId: sink.terminalId,
        plate: sink.plate,
      };
      (lane.episodes ??= new Map()).set(k, created);
      this.stats.opened[sink.rule] = (this.stats.opened[sink.rule] ?? 0) + 1;
      this.emit(sink, created, null);
      return;
    }
    const worse = SEVERITY_RANK[severity] > SEVERITY_RANK[episode.severity];
    // The freshest evidence is kept for the next version (the close at the latest) ...
    episode.evidence = evidence;
    // ... but evidence ticking along would flood the wall: only a worse severity or the interval makes a version.
    if (!worse && sink.ts - episode.updatedTs < this.compiled.engine.evidenceUpdateSeconds * 1000) return;
    if (worse) episode.severity = severity;
    episode.updatedTs = sink.ts;
    episode.version++;
    this.emit(sink, episode, null);
  }

  closeEpisode(sink: Sink, key: string, at: number, evidence?: Evidence): void {
    const lane = sink.lane;
    const k = episodeKey(sink.rule, key);
    const episode = lane.episodes?.get(k);
    if (episode === undefined) return;
    lane.episodes?.delete(k);
    if (lane.episodes?.size === 0) lane.episodes = undefined;
    if (evidence !== undefined) episode.evidence = evidence;
    episode.version++;
    this.emit(sink, episode, Math.max(at, episode.startedAt));
  }

  instantEpisode(
    sink: Sink,
    key: string,
    at: number,
    severity: Severity,
    lat: number,
    lon: number,
    evidence: Evidence,
  ): void {
    const atLat = Number.isFinite(lat) ? lat : sink.fallbackLat;
    const atLon = Number.isFinite(lon) ? lon : sink.fallbackLon;
    this.stats.opened[sink.rule] = (this.stats.opened[sink.rule] ?? 0) + 1;
    this.emit(
      sink,
      {
        alarmId: alarmIdOf(sink.rule, key ? `${sink.subjectKey}#${key}` : sink.subjectKey, at),
        rule: sink.rule,
        startedAt: at,
        version: 1,
        lat: atLat,
        lon: atLon,
        severity,
        evidence,
        orgCode: sink.homeOrgCode ?? (sink.orgHint || this.orgCodeAt(atLon, atLat)),
        late: sink.late,
        updatedTs: at,
        terminalId: sink.terminalId,
        plate: sink.plate,
      },
      at,
    );
  }

  private emit(sink: Sink, episode: Episode, endedAt: number | null): void {
    const row: AlarmRow = {
      alarm_id: episode.alarmId,
      rule: episode.rule,
      rule_version: this.compiled.version,
      severity: episode.severity,
      terminal_id: episode.terminalId,
      plate: episode.plate,
      started_at: episode.startedAt,
      ended_at: endedAt,
      org_code: episode.orgCode,
      lat: episode.lat,
      lon: episode.lon,
      late: episode.late,
      details: JSON.stringify(episode.evidence),
      version: episode.version,
      updated_at: this.deps.now(),
    };
    this.out.push(row);
    if (sink.receivedAt > 0) this.deps.onPositionAlarm?.(row, sink.receivedAt);
  }

  // ---------------------------------------------------------------- bounds

  private evictVehicles(): void {
    const target = Math.floor(this.options.vehiclesMax * 0.9);
    for (const [key, v] of this.vehicles) {
      if (this.vehicles.size <= target) break;
      if (v.live.episodes || v.late) continue;
      this.vehicles.delete(key);
      if (this.plateToVehicle.get(v.facts.plate) === v) this.plateToVehicle.delete(v.facts.plate);
      this.stats.evicted++;
    }
  }

  private evictQuiet<T>(map: Map<string, T>, laneOf: (item: T) => Lane): void {
    const target = Math.floor(map.size * 0.9);
    for (const [key, item] of map) {
      if (map.size <= target) break;
      if (laneOf(item).episodes) continue;
      map.delete(key);
      this.stats.evicted++;
    }
  }

  // ---------------------------------------------------------------- snapshots

  /** All state as a JSON-ready object; `restore` on a new engine continues exactly where this one stood. */
  snapshot(): EngineSnapshot {
    return {
      ...this.snapshotHead(),
      vehicles: [...this.vehicles.values()].map((v) => this.vehicleSnapshot(v)),
      drivers: [...this.drivers.values()].map((d) => this.driverSnapshot(d)),
      plates: [...this.plates.values()].filter((p) => hasState(p.lane)).map((p) => this.plateSnapshot(p)),
      devices: [...this.devices.values()].map((d) => this.deviceSnapshot(d)),
      roadside_seen: [...this.roadsideSeen],
    };
  }

  /**
   * Begins a snapshot of all state as it is now, serialized by the capture's `step` a slice at a time while the
   * engine goes on (see snapshot-capture.ts); its documents are the parts of what `snapshot()` returns now
   * (`splitSnapshot`): the vehicles of each of `vehicleParts` log partitions in a part of their own. The subjects
   * and clocks are fixed here, in one synchronous step, so the caller takes its log offsets beside it.
   */
  beginSnapshot(vehicleParts = 1): SnapshotCapture {
    this.capture?.finish();
    const id = ++this.captureId;
    const head = JSON.stringify({ ...this.snapshotHead(), vehicle_parts: vehicleParts });
    const roadsideSeen = [...this.roadsideSeen];
    const byPart: Vehicle[][] = Array.from({ length: vehicleParts }, () => []);
    for (const v of this.vehicles.values()) byPart[vehicleParts === 1 ? 0 : partitionOf(v.key, vehicleParts)].push(v);
    const documents: CaptureDocument[] = [
      {
        name: ENGINE_PART,
        head: head.slice(0, -1),
        sections: [
          captureSection(',"drivers":[', [...this.drivers.values()], this.driverText),
          captureSection(',"plates":[', [...this.plates.values()], this.plateText),
          captureSection(',"devices":[', [...this.devices.values()], this.deviceText),
        ],
        tail: () => `,"roadside_seen":${JSON.stringify(roadsideSeen)}}`,
      },
      ...byPart.map((vehicles, p) => ({
        name: vehiclesPart(p),
        head: '',
        sections: [captureSection('[', vehicles, this.vehicleText)],
        tail: () => '',
      })),
    ];
    this.capture = new SnapshotCapture(id, documents, () => {
      this.capture = undefined;
    });
    return this.capture;
  }

  /** Before the engine changes a subject: a snapshot being taken serializes it first, as it was. */
  private keep<T extends CapturedSubject>(subject: T, text: (item: T) => string | undefined): void {
    if (this.capture !== undefined) this.capture.keep(subject, text);
  }

  private readonly vehicleText = (v: Vehicle): string => JSON.stringify(this.vehicleSnapshot(v));
  private readonly driverText = (d: Driver): string => JSON.stringify(this.driverSnapshot(d));
  private readonly plateText = (p: Plate): string | undefined =>
    hasState(p.lane) ? JSON.stringify(this.plateSnapshot(p)) : undefined;
  private readonly deviceText = (d: Device): string => JSON.stringify(this.deviceSnapshot(d));

  private snapshotHead(): Omit<EngineSnapshot, 'vehicles' | 'drivers' | 'plates' | 'devices' | 'roadside_seen'> {
    return {
      format: SNAPSHOT_FORMAT,
      config_version: this.compiled.version,
      camera_max_ts: this.cameraMaxTs,
      roadside_max_ts: this.roadsideMaxTs,
      last_clock_ms: this.lastClockMs,
      partitions: this.partitions.map((p) => (p ? { max_ts: p.maxTs } : { max_ts: NEVER })),
    };
  }

  private vehicleSnapshot(v: Vehicle): EngineSnapshot['vehicles'][number] {
    return {
      key: v.key,
      plate: v.facts.plate,
      frontier: v.frontier,
      first_ts: Number.isFinite(v.firstTs) ? v.firstTs : null,
      history_ts: v.historyTs,
      gaps: v.gaps ?? [],
      live: this.laneSnapshot(v.live),
      late: v.late ? this.laneSnapshot(v.late) : null,
      ...(v.driver ? { driver: v.driver } : {}),
      ...(v.cards ? { cards: v.cards } : {}),
    };
  }

  private driverSnapshot(d: Driver): NonNullable<EngineSnapshot['drivers']>[number] {
    return {
      id: d.id,
      last_ts: d.lastTs,
      states: this.statesById(d.states),
      ...(d.handedTs !== NEVER ? { handed_ts: d.handedTs } : {}),
      ...(d.publishedTs !== NEVER ? { published_ts: d.publishedTs } : {}),
    };
  }

  private plateSnapshot(p: Plate): EngineSnapshot['plates'][number] {
    return { plate: p.plate, lane: this.laneSnapshot(p.lane) };
  }

  private deviceSnapshot(d: Device): EngineSnapshot['devices'][number] {
    return { id: d.id, org_code: d.orgCode, lat: d.lat, lon: d.lon, lane: this.laneSnapshot(d.lane) };
  }

  private statesById(list: RuleStates): Record<string, unknown> {
    const states: Record<string, unknown> = {};
    forEachState(list, (index, state) => {
      states[this.rules[index].id] = state;
    });
    return states;
  }

  /** Sparse states from a snapshot's states by rule id (ids of rules no longer run are left out). */
  private statesFrom(byId: Record<string, unknown>): RuleStates {
    return packStates(this.rules.map((rule, index) => [index, byId[rule.id]] as const));
  }

  private laneSnapshot(lane: Lane): LaneSnapshot {
    return {
      states: this.statesById(lane.states),
      episodes: lane.episodes ? [...lane.episodes] : [],
      last_ts: lane.lastTs,
      fix: [lane.fixTs, lane.fixLat, lane.fixLon, lane.fixJumpKmh],
    };
  }

  private laneFrom(s: LaneSnapshot): Lane {
    const lane = newLane();
    lane.states = this.statesFrom(s.states);
    lane.episodes = s.episodes.length > 0 ? new Map(s.episodes) : undefined;
    lane.lastTs = s.last_ts;
    [lane.fixTs, lane.fixLat, lane.fixLon] = s.fix;
    // Snapshots written before the jump was kept have three numbers: no jump known then.
    lane.fixJumpKmh = s.fix[3] ?? 0;
    return lane;
  }

  /**
   * The engine did not run until `now` (a restart, after any replay of what it missed): absence is measured from
   * now on, as if the last events had just arrived, and open late lanes get their whole idle time again.
   */
  resumeClockAt(now: number): void {
    for (const p of this.partitions) if (p !== undefined) p.lastArrivalAt = now;
    this.roadsideArrivalAt = now;
    for (const v of this.lateVehicles.keys()) this.lateVehicles.set(v, now);
  }

  restore(snapshot: EngineSnapshot, now = this.deps.now()): void {
    this.capture?.finish();
    if (!SNAPSHOT_FORMATS_READ.includes(snapshot.format))
      throw new Error(`snapshot format ${String(snapshot.format)} is not one of ${SNAPSHOT_FORMATS_READ.join(', ')}`);
    this.cameraMaxTs = snapshot.camera_max_ts;
    this.roadsideMaxTs = snapshot.roadside_max_ts;
    this.roadsideArrivalAt = now;
    this.lastClockMs = snapshot.last_clock_ms;
    snapshot.partitions.forEach((p, i) => {
      const clock = this.partitionClock(i);
      clock.maxTs = p.max_ts;
      // Time does not advance while the engine was down: absence is measured from the restart on.
      clock.lastArrivalAt = now;
    });
    const held: { v: Vehicle; rows: TelemetryRow[] }[] = [];
    for (const s of snapshot.vehicles) {
      const v = this.vehicleOf(s.key);
      v.frontier = s.frontier;
      v.firstTs = s.first_ts ?? Infinity;
      v.historyTs = s.history_ts ?? NEVER;
      v.gaps = s.gaps.length > 0 ? s.gaps : undefined;
      v.live = this.laneFrom(s.live);
      v.clockWakeS = WAKE_NOW;
      if (s.late) {
        v.late = this.laneFrom(s.late);
        this.lateVehicles.set(v, now);
      }
      if (s.held) held.push({ v, rows: s.held });
      v.driver = s.driver;
      v.cards = s.cards && s.cards.length > 0 ? s.cards : undefined;
      // Facts come from the registry again (it may have changed while the engine was down).
      v.factsAt = NEVER;
      if (s.plate) {
        v.facts = { ...v.facts, plate: s.plate };
        this.plateToVehicle.set(s.plate, v);
      }
    }
    for (const s of snapshot.drivers ?? []) {
      const states = this.statesFrom(s.states);
      this.drivers.set(s.id, {
        capturedIn: this.captureId,
        id: s.id,
        states,
        lastTs: s.last_ts,
        handedTs: s.handed_ts ?? NEVER,
        publishedTs: s.published_ts ?? NEVER,
      });
    }
    for (const s of snapshot.plates) {
      const plate = this.plateOf(s.plate, NEVER);
      plate.configVersion = -1;
      plate.lane = this.laneFrom(s.lane);
    }
    for (const s of snapshot.devices) {
      const device = this.deviceOf(s.id, s.org_code);
      device.lat = s.lat;
      device.lon = s.lon;
      device.lane = this.laneFrom(s.lane);
    }
    for (const [key, receivedAt] of snapshot.roadside_seen ?? []) {
      this.roadsideSeen.set(key, receivedAt);
      if (receivedAt > this.roadsideNewestReceivedAt) this.roadsideNewestReceivedAt = receivedAt;
    }
    // Format 1 held fixes back for ordering; they were not evaluated yet, and are now, in order.
    for (const { v, rows } of held) for (const row of rows) if (row.ts > v.frontier) this.evaluateInOrder(v, row);
  }

  // ---------------------------------------------------------------- roadside ids

  /** Whether a roadside event was evaluated already (delivered again); remembers it otherwise. */
  private seenBefore(key: string, receivedAt: number): boolean {
    if (this.roadsideSeen.has(key)) return true;
    this.roadsideSeen.set(key, receivedAt);
    if (receivedAt > this.roadsideNewestReceivedAt) this.roadsideNewestReceivedAt = receivedAt;
    this.trimRoadsideSeen();
    return false;
  }

  /**
   * Roadside events received at or after `receivedAtMs` must be remembered even beyond the window (they may be
   * delivered again); older ones may be forgotten. The runner moves this up as its snapshots cover more.
   */
  retainRoadsideSince(receivedAtMs: number): void {
    this.roadsideRetainSince = receivedAtMs;
    this.trimRoadsideSeen();
  }

  private trimRoadsideSeen(): void {
    // Arrival order is received_at order up to the odd straggler: trimming from the front is enough.
    const keepSince = Math.min(
      this.roadsideRetainSince,
      this.roadsideNewestReceivedAt - this.options.roadsideSeenWindowMs,
    );
    for (const [key, receivedAt] of this.roadsideSeen) {
      const over = this.roadsideSeen.size > this.options.roadsideSeenMax;
      const retained = receivedAt >= keepSince;
      if (!over && retained) break;
      if (retained) this.stats.roadsideSeenDropped++;
      this.roadsideSeen.delete(key);
    }
  }
}

function cameraKey(event: CameraEvent): string {
  return `c\u0000${event.kind}\u0000${event.source}\u0000${event.event_id}`;
}

function orderKey(order: TaxiOrderEventRow): string {
  return `o\u0000${order.company_id}\u0000${order.order_id}\u0000${order.event}\u0000${order.ts}`;
}

function deviceKey(status: DeviceStatus): string {
  return `d\u0000${status.device_id}\u0000${status.source}\u0000${status.event_id}`;
}

function hasState(lane: Lane): boolean {
  return lane.episodes !== undefined || lane.states.length > 0;
}
