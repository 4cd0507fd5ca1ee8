/**
 * What a rule is. A rule owns only its per-subject state (a small plain object, JSON-serializable so the
 * engine can snapshot it) and tells the engine, through an `EpisodeSink`, when a violation begins, worsens
 * and ends. Ids, versions, late marking, org codes and output belong to the engine, so every rule gets the
 * same open → update → close lifecycle.
 */
import type {
  CameraEvent,
  DeviceStatus,
  DriverRecord,
  TaxiOrderEventRow,
  TaxiPermitRecord,
  TelemetryRow,
  VehicleClass,
} from '../../schema/index.js';
import type { ConfigSpec } from '../rules/config-spec.js';
import type { CompiledShape } from '../rules/zone-geometry.js';
import type { ZoneGrid } from '../rules/zone-grid.js';
import type { RoadLookup } from '../roads/index.js';

export type Severity = 'info' | 'warning' | 'critical';

/** Before any possible event time ("never", "no fix yet"); unlike -Infinity it survives JSON snapshots. */
export const NEVER = -8.64e15;

/** Readings and thresholds that justify an alarm, stored with it as JSON. */
export type Evidence = Record<string, unknown>;

/** What the engine knows about a vehicle, from the registry (or defaults for an unregistered one). */
export interface VehicleFacts {
  terminalId: string;
  plate: string;
  vehicleClass: VehicleClass;
  /** Whether the registry knows the vehicle at all. */
  registered: boolean;
  /** Home county (6 digits) from the registry, when known. */
  homeOrgCode?: string;
  /** 4-digit city code whose overrides apply: from the home county, else from the plate prefix; '' if neither. */
  cityCode: string;
  routeLengthKm: number;
  axles: number;
  /** Driven axles of the vehicle (of the tractor for a combination), from the registry; undefined when unknown. */
  driveAxles?: number;
  permitValidUntil: number | null;
  /** The registry's enterprise of the vehicle, '' when unknown. */
  enterpriseId: string;
  /** Who is at the wheel by the last driver card (0x0702) before the fix; undefined without a card in. */
  driver?: DriverFacts;
}

/** The driver of a vehicle as the last card inserted says, with what the registry knows of them. */
export interface DriverFacts {
  /** Qualification certificate number read from the card; '' when the card could not be read. */
  id: string;
  name: string;
  /** Event time the card went in. */
  since: number;
  /** 0 read; 1 key refused, 2 card locked, 3 card pulled out, 4 checksum error (JT/T 808 0x0702). */
  readResult: number;
  /** The certificate's validity as the card says; null when not given. */
  cardValidUntil: number | null;
  /** The registry's record of the driver; undefined when unknown to it. */
  record: DriverRecord | undefined;
  /** Whether the registry can look drivers up at all (a node without a driver sync cannot judge registration). */
  registryKnowsDrivers: boolean;
}

/**
 * The engine's side of an episode. `key` tells apart episodes a rule may hold at once for one subject
 * (each ADAS type, each alarm bit, each zone); '' for rules with one episode at a time.
 */
export interface EpisodeSink {
  /** Opens the episode, or updates it (severity, evidence) when already open. `since` is its event-time start. */
  open(key: string, since: number, severity: Severity, lat: number, lon: number, evidence: Evidence): void;
  /**
   * Whether `open(key, …, severity, …)` would write a new version now (the episode is not open, the severity
   * is worse, or the evidence is due for a refresh). Rules on hot paths ask first and build their evidence
   * only when it will be used.
   */
  due(key: string, severity: Severity): boolean;
  /** Closes the episode at event time `at`, with final evidence when given; nothing happens when it is not open. */
  close(key: string, at: number, evidence?: Evidence): void;
  /** A one-off violation: an episode that opens and closes at `at` (a weighing, a sighting). */
  instant(key: string, at: number, severity: Severity, lat: number, lon: number, evidence: Evidence): void;
}

/**
 * `relay_point`: a registered relay stop (接驳点) of long-distance coaches, see night_ban. `no_parking`: where
 * stopping is dangerous (overtime_parking). `route`: a registered route corridor of the vehicles it lists
 * (route_deviation). `area`: an area whose entry and exit are reported (area_entry_exit).
 */
export type ZoneKind = 'speed_limit' | 'restricted' | 'relay_point' | 'no_parking' | 'route' | 'area';

/** Which crossings of an `area` zone raise an alarm. */
export type AreaDirection = 'entry' | 'exit' | 'both';

export interface CompiledZone {
  id: string;
  name: string;
  kind: ZoneKind;
  /** Test positions with `insideZone` (rules/zone-geometry.ts): polygon, circle or corridor. */
  shape: CompiledShape;
  speedLimitKmh: number;
  classes: readonly VehicleClass[];
  /** Daily window in China time, minutes since midnight [from, to) (wrapping midnight when to < from); null: always. */
  hours: readonly [number, number] | null;
  /** `route` zones: the plates of the vehicles assigned to the route; empty for other kinds. */
  vehicles: ReadonlySet<string>;
  /** `area` zones: which crossings alarm. */
  direction: AreaDirection;
  /** `no_parking` zones: minutes a vehicle may stand inside; undefined: the rule's own limit. */
  parkingMinutesMax: number | undefined;
}

/** Shared, read-only context of one configuration version. */
export interface RuleContext {
  zones: readonly CompiledZone[];
  /**
   * The same zones by kind, in configuration order: a rule reads the zones of its kind for every position, and
   * walking all of them to skip the others cost more than testing its own.
   */
  zonesByKind: Readonly<Record<ZoneKind, readonly CompiledZone[]>>;
  /** The same zones by kind, indexed by place: the zones of a kind that may contain a position (rules/zone-grid.ts). */
  zoneGrids: Readonly<Record<ZoneKind, ZoneGrid>>;
  /** `route` zones by the plates assigned to them, in configuration order: most vehicles are assigned to none. */
  routesByPlate: ReadonlyMap<string, readonly CompiledZone[]>;
  /** The road index, when the node has one (`vigil roads import`); rules without it fall back to class limits. */
  roads: RoadLookup | undefined;
}

export interface RuleCommon<C> {
  readonly id: string;
  /** One line for duty officers, shown in the configuration API. */
  readonly description: string;
  readonly spec: ConfigSpec;
  readonly defaults: C;
}

/**
 * The vehicle's track before the fix being evaluated, kept once by the engine instead of by every rule (state
 * per vehicle is what bounds how many vehicles one node can follow).
 */
export interface Track {
  /** Event time of the previous fix of any kind (what "heard" means), NEVER when none. */
  heardTs: number;
  /** The previous positioned fix, fixTs NEVER when none. */
  fixTs: number;
  fixLat: number;
  fixLon: number;
}

export interface PositionRule<S, C> extends RuleCommon<C> {
  readonly input: 'position';
  /**
   * State kept per driver rather than per vehicle while a driver card is in (`VehicleFacts.driver` with an id):
   * the driver's state follows them to any vehicle. Without a card, the vehicle's own state is used; when a
   * driver takes their card out, the vehicle's state continues from theirs (whoever drives on is unidentified).
   */
  readonly perDriver?: boolean;
  /**
   * Per-driver rules, with the rules spread over log partitions: `later` is the driver's state here, begun without
   * their state from another partition's engine, and `earlier` that state, which arrived since (its last fix before
   * theirs here). Returns the state one engine would have, or `later` unchanged when `earlier` cannot go in front
   * of it. Without it, a state handed over late is not used.
   */
  mergeEarlier?(earlier: S, later: S, config: C): S;
  evaluate(
    state: S | undefined,
    position: TelemetryRow,
    vehicle: VehicleFacts,
    config: C,
    out: EpisodeSink,
    ctx: RuleContext,
    track: Track,
  ): S | undefined;
  /** Absence timers: called as the engine's clock advances, with the clock in event time and the track so far. */
  onClock?(
    state: S | undefined,
    clockMs: number,
    vehicle: VehicleFacts,
    config: C,
    out: EpisodeSink,
    track: Track,
  ): S | undefined;
  /**
   * The earliest clock at which `onClock` may change `state` or report anything, given the track so far: the engine
   * does not call `onClock` for the vehicle before it. It may be early, never late, and must stay so while the state
   * and configuration stay the same and the track moves on (the engine asks again only after a call of `onClock`,
   * or after the state changed). Without it, `onClock` is called at every scan of the clock.
   */
  clockWakeAt?(state: S, config: C, track: Track): number;
}

/** The vehicle's last GPS fix, for rules on camera events that compare with it. */
export interface LastFix {
  ts: number;
  lat: number;
  lon: number;
  terminalId: string;
  /**
   * Speed implied by the move from the positioned fix before to this one, km/h (0 without a fix before, or for
   * a move under `FIX_JUMP_KM_MIN`): a fix that jumped impossibly may be drift, not evidence.
   */
  jumpKmh: number;
}

/** Moves shorter than this between consecutive fixes are GPS noise, never a jump, km. */
export const FIX_JUMP_KM_MIN = 1;

export interface CameraRule<S, C> extends RuleCommon<C> {
  readonly input: 'camera';
  /** Keyed by plate; `vehicle` is the registry's record of the plate, undefined when unknown. */
  evaluate(
    state: S | undefined,
    event: CameraEvent,
    vehicle: VehicleFacts | undefined,
    config: C,
    out: EpisodeSink,
    lastFix: LastFix | undefined,
  ): S | undefined;
}

export interface DeviceRule<S, C> extends RuleCommon<C> {
  readonly input: 'device';
  /** A status report of the device. */
  evaluate(state: S | undefined, status: DeviceStatus, config: C, out: EpisodeSink): S | undefined;
  /** Any sign of life of the device (a sighting it produced). */
  heard(state: S | undefined, ts: number, config: C, out: EpisodeSink): S | undefined;
  /** `deviceId` names the device in the evidence: a silent device sends nothing that would. */
  onClock(state: S | undefined, clockMs: number, config: C, out: EpisodeSink, deviceId: string): S | undefined;
}

/** The permits of an order's vehicle and driver, as the registry holds them when the order step is evaluated. */
export interface OrderPermits {
  /** The vehicle transport permit (车辆运输证) of the order's plate; undefined when none is registered. */
  vehicle: TaxiPermitRecord | undefined;
  /** The driver permit (驾驶员证) of the order's driver licence number; undefined when none is registered. */
  driver: TaxiPermitRecord | undefined;
  /** Whether the registry holds permits at all (a node without them cannot judge a missing permit). */
  known: boolean;
}

export interface OrderRule<S, C> extends RuleCommon<C> {
  readonly input: 'order';
  /** One step of a taxi or ride-hailing order, keyed by the plate serving it (steps without a plate are not seen). */
  evaluate(
    state: S | undefined,
    order: TaxiOrderEventRow,
    permits: OrderPermits,
    config: C,
    out: EpisodeSink,
  ): S | undefined;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- rule lists hold rules of different state and config types */
export type AnyPositionRule = PositionRule<any, any>;
export type AnyCameraRule = CameraRule<any, any>;
export type AnyDeviceRule = DeviceRule<any, any>;
export type AnyOrderRule = OrderRule<any, any>;
/* eslint-enable @typescript-eslint/no-explicit-any */
export type AnyRule = AnyPositionRule | AnyCameraRule | AnyDeviceRule | AnyOrderRule;

/** Every rule's configuration carries `enabled`. */
export interface Enabled {
  enabled: boolean;
}
