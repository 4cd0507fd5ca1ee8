/**
 * overspeed: faster than the limit for longer than `sustainSeconds`, or at once when the excess reaches
 * `immediateOverPercent`. The limit is, in this order: a speed-limit zone the fix is in (an officer's zone is
 * authoritative, and only ever lowers the class's limit); the posted limit (`maxspeed`) of the road the fix is
 * matched to in the road index, capped by the class's legal maximum on that type of road (第78条 on
 * expressways, 60 km/h for dangerous goods elsewhere); the class's default for the road's type when the road
 * has no posted limit; and without a road (no index, or no road near the fix) the class's limit as before.
 * At night (22:00-06:00 China time) the limit of the classes in `nightCapClasses` is `nightFactor` of the day
 * limit: the night cap of 国发〔2012〕30号 is for passenger vehicles, so a heavy truck keeps its day limit at night.
 *
 * A speed-limit sign the vehicle's own camera read (the ADAS item 0x64 of T/JSATL 12 with road-sign type 1, 限速标志,
 * and the limit in its road-sign value) is kept for `signEvidenceSeconds` and named in the alarm's evidence beside
 * the limit applied. It is evidence, not the limit: a camera misreads signs, and the sign may be for another lane or
 * a side road, so the officer sees both and judges.
 */
import type { TelemetryRow, VehicleClass } from '../../schema/index.js';
import type { PositionRule, RuleContext } from '../engine/rule.js';
import type { RoadMatch, RoadType } from '../roads/index.js';
import { isNightInChina } from './china-time.js';
import { ENABLED_FIELD, isPositioned, roundTo } from './common.js';
import { objectItem } from './extras.js';
import { distanceKm } from './geo.js';
import { insideZone } from './zone-geometry.js';

type ClassLimits = Partial<Record<VehicleClass, number>>;

export interface OverspeedConfig {
  enabled: boolean;
  /** Day limit per vehicle class, km/h; `other` applies to unknown classes. */
  limitKmhByClass: Partial<Record<VehicleClass, number>>;
  /** Seconds the speed must stay above the limit before an alarm opens. */
  sustainSeconds: number;
  /** Excess over the limit, in percent, that opens an alarm at the first fix. */
  immediateOverPercent: number;
  /** Night limit = day limit × nightFactor, for the classes of `nightCapClasses`. */
  nightFactor: number;
  /** Classes whose limit is capped at night (passenger classes); other classes keep the day limit. */
  nightCapClasses: VehicleClass[];
  /** Excess over the limit, in percent, from which the alarm is critical. */
  criticalOverPercent: number;
  /** Default limits per class on roads of each type without a posted limit, km/h (expressways: also the cap). */
  expresswayLimitKmhByClass: ClassLimits;
  nationalLimitKmhByClass: ClassLimits;
  provincialLimitKmhByClass: ClassLimits;
  urbanLimitKmhByClass: ClassLimits;
  /** Off expressways, the most a posted limit may allow a class (dangerous goods 60), km/h. */
  ordinaryRoadCapKmhByClass: ClassLimits;
  /** Farthest a fix may be from a road to be matched to it, metres. */
  roadMatchDistanceM: number;
  /** Largest angle between a moving fix's heading and the road, degrees. */
  roadMatchHeadingDeg: number;
  /** How long a speed-limit sign read by the vehicle's ADAS camera stays evidence, seconds (0: never). */
  signEvidenceSeconds: number;
}

/** Classes `maxspeed:hgv` (heavy goods vehicles) applies to. */
const HGV_CLASSES: ReadonlySet<VehicleClass> = new Set(['heavy_truck', 'tractor', 'dangerous_goods']);
/** No posted or default limit is lower: a fix at or below it is never over, and needs no road lookup. */
const LOWEST_LIMIT_KMH = 5;

export type LimitSource = 'zone' | 'road_maxspeed' | 'road_class_cap' | 'road_type' | 'class';

interface Limit {
  dayLimit: number;
  source: LimitSource;
  zoneId: string;
  match: RoadMatch | undefined;
}

/** The ADAS road-sign type of a speed-limit sign (T/JSATL 12: 1 限速标志, 2 限高, 3 限重). */
const SIGN_TYPE_SPEED_LIMIT = 1;

/** The last speed-limit sign the vehicle's camera read. */
interface SignSeen {
  limitKmh: number;
  ts: number;
  lat: number;
  lon: number;
}

/** A run above the limit. */
interface OverspeedRun {
  /** Device time of the first fix above the limit in the current run. */
  aboveSince: number;
  aboveLat: number;
  aboveLon: number;
  maxSpeedKmh: number;
  open: boolean;
  /** The limit of the previous fix: when it changes (another road), the run's top speed restarts from now. */
  limitKmh?: number;
}

/**
 * A run above the limit, the last sign read, or both. Snapshots written before signs were kept hold a run only,
 * which is still a valid state.
 */
type OverspeedState = (OverspeedRun & { sign?: SignSeen }) | { aboveSince?: undefined; sign: SignSeen };

function hasRun(state: OverspeedState | undefined): state is OverspeedRun & { sign?: SignSeen } {
  return state?.aboveSince !== undefined;
}

export const overspeedRule: PositionRule<OverspeedState, OverspeedConfig> = {
  id: 'overspeed',
  input: 'position',
  description: 'Speed above the limit of the vehicle class or zone, sustained; lower limit at night',
  spec: {
    enabled: ENABLED_FIELD,
    limitKmhByClass: { kind: 'class_map', min: 10, max: 200, description: 'day speed limit per vehicle class, km/h' },
    sustainSeconds: { kind: 'number', min: 0, max: 600, description: 'seconds above the limit before the alarm opens' },
    immediateOverPercent: {
      kind: 'number',
      min: 0,
      max: 200,
      description: 'excess in percent that alarms at the first fix',
    },
    nightFactor: {
      kind: 'number',
      min: 0.5,
      max: 1,
      description: 'night limit as a fraction of the day limit (22:00-06:00), for the classes of nightCapClasses',
    },
    nightCapClasses: {
      kind: 'class_list',
      description: 'classes whose limit is capped at night (passenger vehicles); the others keep the day limit',
    },
    criticalOverPercent: {
      kind: 'number',
      min: 0,
      max: 200,
      description: 'excess in percent from which the alarm is critical',
    },
    expresswayLimitKmhByClass: {
      kind: 'class_map',
      min: 10,
      max: 200,
      description: 'limit per class on expressways (road index), km/h; also the most a posted limit allows there',
    },
    nationalLimitKmhByClass: {
      kind: 'class_map',
      min: 10,
      max: 200,
      description: 'limit per class on national roads (G1xx-G3xx) without a posted maxspeed, km/h',
    },
    provincialLimitKmhByClass: {
      kind: 'class_map',
      min: 10,
      max: 200,
      description: 'limit per class on provincial, county and township roads (S, X, Y) without a posted maxspeed, km/h',
    },
    urbanLimitKmhByClass: {
      kind: 'class_map',
      min: 10,
      max: 200,
      description: 'limit per class on urban and other roads without a posted maxspeed, km/h',
    },
    ordinaryRoadCapKmhByClass: {
      kind: 'class_map',
      min: 10,
      max: 200,
      description: 'off expressways, the most a posted maxspeed allows a class (dangerous goods 60), km/h',
    },
    roadMatchDistanceM: {
      kind: 'number',
      min: 5,
      max: 200,
      description: 'a fix farther than this from every road is not matched to a road (class limit), metres',
    },
    roadMatchHeadingDeg: {
      kind: 'number',
      min: 10,
      max: 90,
      description: 'a moving fix is matched only to roads within this angle of its heading, degrees',
    },
    signEvidenceSeconds: {
      kind: 'number',
      min: 0,
      max: 3600,
      description: 'seconds a speed-limit sign read by the ADAS camera (0x64) stays in the evidence (0: never)',
    },
  },
  defaults: {
    enabled: true,
    // Expressway limits of DOMAIN.md: 100 km/h for vehicles other than cars, 80 for dangerous goods.
    limitKmhByClass: {
      coach: 100,
      dangerous_goods: 80,
      heavy_truck: 100,
      tractor: 100,
      bus: 100,
      taxi: 120,
      other: 100,
    },
    sustainSeconds: 30,
    immediateOverPercent: 20,
    nightFactor: 0.8,
    // 国发〔2012〕30号: passenger vehicles at night (22:00-06:00) at most 80 % of the day limit.
    nightCapClasses: ['coach', 'bus', 'taxi'],
    criticalOverPercent: 50,
    // 道路交通安全法实施条例 第78条: on expressways 120 km/h for small passenger cars (taxis), 100 for other
    // vehicles; dangerous goods 80 (DOMAIN.md). The other types apply where the road has no posted limit
    // (docs/rules.md, "Speed limits by road", gives the source of each figure).
    expresswayLimitKmhByClass: {
      coach: 100,
      dangerous_goods: 80,
      heavy_truck: 100,
      tractor: 100,
      bus: 100,
      taxi: 120,
      other: 100,
    },
    nationalLimitKmhByClass: { dangerous_goods: 60, other: 80 },
    provincialLimitKmhByClass: { dangerous_goods: 60, other: 70 },
    urbanLimitKmhByClass: { dangerous_goods: 60, other: 60 },
    ordinaryRoadCapKmhByClass: { dangerous_goods: 60, other: 200 },
    roadMatchDistanceM: 40,
    roadMatchHeadingDeg: 45,
    signEvidenceSeconds: 600,
  },
  evaluate(state, position, vehicle, config, out, ctx) {
    const { dayLimit, source, zoneId, match } = limitOf(position, vehicle.vehicleClass, config, ctx);
    const night = config.nightCapClasses.includes(vehicle.vehicleClass) && isNightInChina(position.ts);
    const limitKmh = night ? roundTo(dayLimit * config.nightFactor, 1) : dayLimit;
    const sign = signOf(position, state?.sign, config);
    const where: Where = { night, zoneId, source, match, sign };
    if (position.speed_kmh <= limitKmh) {
      if (hasRun(state) && state.open)
        out.close('', position.ts, evidenceOf(state, position, limitKmh, where, vehicle.vehicleClass, config));
      return sign === undefined ? undefined : { sign };
    }
    const next: OverspeedRun & { sign?: SignSeen } = hasRun(state)
      ? state
      : { aboveSince: position.ts, aboveLat: position.lat, aboveLon: position.lon, maxSpeedKmh: 0, open: false };
    next.sign = sign;
    // On another road with another limit, the excess is measured from here on: a burst on the expressway is no
    // excess in town.
    if (next.limitKmh !== undefined && next.limitKmh !== limitKmh) next.maxSpeedKmh = 0;
    next.limitKmh = limitKmh;
    next.maxSpeedKmh = Math.max(next.maxSpeedKmh, position.speed_kmh);
    const overPercent = ((next.maxSpeedKmh - limitKmh) / limitKmh) * 100;
    const sustainedMs = position.ts - next.aboveSince;
    if (!next.open && sustainedMs < config.sustainSeconds * 1000 && overPercent < config.immediateOverPercent)
      return next;
    next.open = true;
    const severity = overPercent >= config.criticalOverPercent ? 'critical' : 'warning';
    if (out.due('', severity)) {
      out.open(
        '',
        next.aboveSince,
        severity,
        next.aboveLat,
        next.aboveLon,
        evidenceOf(next, position, limitKmh, where, vehicle.vehicleClass, config),
      );
    }
    return next;
  },
};

const TYPE_LIMITS: Record<RoadType, keyof OverspeedConfig> = {
  expressway: 'expresswayLimitKmhByClass',
  national: 'nationalLimitKmhByClass',
  provincial: 'provincialLimitKmhByClass',
  urban: 'urbanLimitKmhByClass',
};

function classLimit(limits: ClassLimits, vehicleClass: VehicleClass): number {
  return limits[vehicleClass] ?? limits.other ?? 100;
}

/** The day limit of a fix and where it comes from (see the module comment for the order). */
function limitOf(position: TelemetryRow, vehicleClass: VehicleClass, config: OverspeedConfig, ctx: RuleContext): Limit {
  const classDefault = classLimit(config.limitKmhByClass, vehicleClass);
  let zoneLimit = classDefault;
  let zoneId = '';
  for (const zone of ctx.zonesByKind.speed_limit) {
    if (zone.speedLimitKmh >= zoneLimit) continue;
    if (zone.classes.length > 0 && !zone.classes.includes(vehicleClass)) continue;
    if (insideZone(zone, position.lon, position.lat, position.ts)) {
      zoneLimit = zone.speedLimitKmh;
      zoneId = zone.id;
    }
  }
  if (zoneId !== '') return { dayLimit: zoneLimit, source: 'zone', zoneId, match: undefined };
  const roads = ctx.roads;
  if (roads === undefined || position.speed_kmh <= LOWEST_LIMIT_KMH || !isPositioned(position))
    return { dayLimit: classDefault, source: 'class', zoneId, match: undefined };
  const match = roads.match(position.lon, position.lat, position.direction_deg, position.speed_kmh, {
    maxDistanceM: config.roadMatchDistanceM,
    headingToleranceDeg: config.roadMatchHeadingDeg,
    headingSpeedKmh: 10,
  });
  if (match === undefined) return { dayLimit: classDefault, source: 'class', zoneId, match };
  const road = match.road;
  const typeLimit = classLimit(config[TYPE_LIMITS[road.type]] as ClassLimits, vehicleClass);
  const posted = (HGV_CLASSES.has(vehicleClass) ? road.maxspeedHgv : undefined) ?? road.maxspeed;
  if (posted === undefined) return { dayLimit: typeLimit, source: 'road_type', zoneId, match };
  const cap = road.type === 'expressway' ? typeLimit : classLimit(config.ordinaryRoadCapKmhByClass, vehicleClass);
  return posted <= cap
    ? { dayLimit: posted, source: 'road_maxspeed', zoneId, match }
    : { dayLimit: cap, source: 'road_class_cap', zoneId, match };
}

/** The speed-limit sign to keep after `position`: one read now, else the last one while it is recent enough. */
function signOf(position: TelemetryRow, last: SignSeen | undefined, config: OverspeedConfig): SignSeen | undefined {
  const adas = objectItem(position, 'adas');
  if (
    adas !== undefined &&
    adas.roadSignType === SIGN_TYPE_SPEED_LIMIT &&
    typeof adas.roadSignValue === 'number' &&
    adas.roadSignValue > 0 &&
    isPositioned(position)
  )
    return { limitKmh: adas.roadSignValue, ts: position.ts, lat: position.lat, lon: position.lon };
  if (last === undefined || position.ts - last.ts > config.signEvidenceSeconds * 1000) return undefined;
  return last;
}

interface Where {
  night: boolean;
  zoneId: string;
  source: LimitSource;
  match: RoadMatch | undefined;
  sign: SignSeen | undefined;
}

function evidenceOf(
  state: OverspeedRun,
  position: TelemetryRow,
  limitKmh: number,
  where: Where,
  vehicleClass: string,
  config: OverspeedConfig,
): Record<string, unknown> {
  const road = where.match?.road;
  const ts = position.ts;
  const sign = where.sign;
  return {
    speed_kmh: position.speed_kmh,
    max_speed_kmh: state.maxSpeedKmh,
    limit_kmh: limitKmh,
    over_percent: roundTo(((state.maxSpeedKmh - limitKmh) / limitKmh) * 100, 1),
    night: where.night,
    zone: where.zoneId || null,
    limit_source: where.source,
    road: road
      ? {
          name: road.name,
          ref: road.ref,
          type: road.type,
          highway: road.highway,
          maxspeed: road.maxspeed ?? null,
          distance_m: where.match!.distanceM,
        }
      : null,
    vehicle_class: vehicleClass,
    sustained_seconds: Math.round((ts - state.aboveSince) / 1000),
    sustain_seconds: config.sustainSeconds,
    // Flat, so the console's fact list shows them (it lists numbers and strings).
    sign_limit_kmh: sign?.limitKmh ?? null,
    sign_seen_at: sign?.ts ?? null,
    sign_seconds_before: sign ? Math.round((ts - sign.ts) / 1000) : null,
    sign_distance_m: sign ? Math.round(distanceKm(sign.lat, sign.lon, position.lat, position.lon) * 1000) : null,
  };
}
