/**
 * cloned_plate (套牌): one plate seen at two places too far apart for the time between them, from roadside
 * plate reads (ANPR, gantries, and the entry and exit stations of expressway toll transactions) compared with the previous read and with the GPS fix of the vehicle that
 * carries the plate. Misplaced cameras and GPS error are absorbed by `distanceKmMin`; one alarm per plate
 * per `cooldownMinutes`.
 *
 * Two comparisons would only repeat what is already known, so they are not made: with a GPS fix that itself
 * jumped impossibly far from the fix before it (satellite drift, which `gps_drift` reports), and with a read
 * that an alarm has already reported as conflicting (otherwise the vehicle's next genuine read would report
 * the same clone a second time once the cooldown has passed).
 *
 * A sighting without a position (latitude and longitude both 0, what the sources send when they give none)
 * says nothing about where the plate was: it is neither compared nor kept as the reference, or every read of a
 * camera whose position is unknown would look thousands of kilometres from the last one.
 */
import { NEVER, type CameraRule, type LastFix } from '../engine/rule.js';
import { ENABLED_FIELD, roundTo } from './common.js';
import { distanceKm } from './geo.js';

export interface ClonedPlateConfig {
  enabled: boolean;
  impliedSpeedKmhMax: number;
  distanceKmMin: number;
  /** Sightings further apart in time than this are not compared, minutes. */
  windowMinutes: number;
  cooldownMinutes: number;
  /** Plate reads below this confidence are not used (same unit as the camera reports). */
  confidenceMin: number;
}

interface ClonedPlateState {
  ts: number;
  lat: number;
  lon: number;
  device: string;
  lastAlarmAt: number;
}

/** Whether the last fix implies an impossible move from the fix before it (then it is no evidence). */
function drifted(fix: LastFix, config: ClonedPlateConfig): boolean {
  return fix.jumpKmh > config.impliedSpeedKmhMax;
}

export const clonedPlateRule: CameraRule<ClonedPlateState, ClonedPlateConfig> = {
  id: 'cloned_plate',
  input: 'camera',
  description: 'One plate at two places too far apart for the time between (ANPR and GPS)',
  spec: {
    enabled: ENABLED_FIELD,
    impliedSpeedKmhMax: {
      kind: 'number',
      min: 50,
      max: 1000,
      description: 'implied speed between sightings above which the plate is cloned, km/h',
    },
    distanceKmMin: { kind: 'number', min: 0, max: 500, description: 'sightings closer than this never alarm, km' },
    windowMinutes: {
      kind: 'number',
      min: 1,
      max: 1440,
      description: 'only sightings this close in time are compared, minutes',
    },
    cooldownMinutes: {
      kind: 'number',
      min: 0,
      max: 10080,
      description: 'at most one alarm per plate in this time, minutes',
    },
    confidenceMin: { kind: 'number', min: 0, max: 100, description: 'plate reads below this confidence are ignored' },
  },
  defaults: {
    enabled: true,
    impliedSpeedKmhMax: 200,
    distanceKmMin: 5,
    windowMinutes: 120,
    cooldownMinutes: 60,
    confidenceMin: 0,
  },
  evaluate(state, event, vehicle, config, out, lastFix) {
    if (
      (event.kind !== 'anpr' && event.kind !== 'gantry' && event.kind !== 'toll') ||
      event.plate === '' ||
      (event.lat === 0 && event.lon === 0) ||
      event.confidence < config.confidenceMin
    )
      return state;
    const candidates: { ts: number; lat: number; lon: number; source: string }[] = [];
    // The reference read is the one the last alarm reported when their times are equal.
    if (state && state.lastAlarmAt !== state.ts)
      candidates.push({ ts: state.ts, lat: state.lat, lon: state.lon, source: `camera:${state.device}` });
    if (lastFix && !drifted(lastFix, config))
      candidates.push({ ts: lastFix.ts, lat: lastFix.lat, lon: lastFix.lon, source: `gps:${lastFix.terminalId}` });
    const lastAlarmAt = state?.lastAlarmAt ?? NEVER;
    for (const other of candidates) {
      const dtMs = Math.abs(event.ts - other.ts);
      if (dtMs > config.windowMinutes * 60_000) continue;
      const km = distanceKm(other.lat, other.lon, event.lat, event.lon);
      if (km < config.distanceKmMin) continue;
      const impliedKmh = dtMs === 0 ? Infinity : km / (dtMs / 3_600_000);
      if (impliedKmh <= config.impliedSpeedKmhMax || event.ts - lastAlarmAt < config.cooldownMinutes * 60_000) continue;
      out.instant('', event.ts, 'critical', event.lat, event.lon, {
        plate: event.plate,
        sighting: { source: `camera:${event.device_id}`, ts: event.ts, lon: event.lon, lat: event.lat },
        other: { source: other.source, ts: other.ts, lon: other.lon, lat: other.lat },
        distance_km: roundTo(km, 1),
        minutes_between: roundTo(dtMs / 60_000, 1),
        implied_speed_kmh: Number.isFinite(impliedKmh) ? Math.round(impliedKmh) : null,
        limit_kmh: config.impliedSpeedKmhMax,
        registered_class: vehicle?.vehicleClass ?? null,
      });
      return { ts: event.ts, lat: event.lat, lon: event.lon, device: event.device_id, lastAlarmAt: event.ts };
    }
    // Keep the newest sighting as the reference for the next one.
    if (state && event.ts < state.ts) return state;
    return { ts: event.ts, lat: event.lat, lon: event.lon, device: event.device_id, lastAlarmAt };
  },
};
