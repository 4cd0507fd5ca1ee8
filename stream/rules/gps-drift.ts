/**
 * gps_drift: a jump between consecutive fixes that no vehicle can make (implied speed above
 * `impliedSpeedKmhMax` over at least `jumpKmMin`). The episode stays open while fixes keep jumping and closes
 * at the first plausible step; provincial bulletins count these as the drift rate (漂移率).
 */
import { NEVER, type PositionRule } from '../engine/rule.js';
import { ENABLED_FIELD, isPositioned, roundTo } from './common.js';
import { distanceKm } from './geo.js';

export interface GpsDriftConfig {
  enabled: boolean;
  impliedSpeedKmhMax: number;
  jumpKmMin: number;
}

interface GpsDriftState {
  open: boolean;
}

/** Shared: the state is only "an episode is open", so one frozen object serves every vehicle. */
const OPEN: GpsDriftState = Object.freeze({ open: true });

/** km per degree of latitude, and an upper bound for a degree of longitude, for the cheap pre-check. */
const KM_PER_DEGREE = 111.2;

export const gpsDriftRule: PositionRule<GpsDriftState, GpsDriftConfig> = {
  id: 'gps_drift',
  input: 'position',
  description: 'Position jump no vehicle can make (satellite drift)',
  spec: {
    enabled: ENABLED_FIELD,
    impliedSpeedKmhMax: {
      kind: 'number',
      min: 50,
      max: 2000,
      description: 'implied speed between fixes above which a jump is drift, km/h',
    },
    jumpKmMin: { kind: 'number', min: 0.01, max: 1000, description: 'jumps shorter than this are never drift, km' },
  },
  defaults: { enabled: true, impliedSpeedKmhMax: 250, jumpKmMin: 1 },
  evaluate(state, position, _vehicle, config, out, _ctx, track) {
    if (!isPositioned(position) || track.fixTs === NEVER) return state;
    const dtMs = position.ts - track.fixTs;
    if (dtMs <= 0) return state;
    const allowanceKm = Math.max(config.jumpKmMin, (config.impliedSpeedKmhMax * dtMs) / 3_600_000);
    // Manhattan distance in degrees bounds the true distance from above: most fixes stop here, without trigonometry.
    const roughKm = (Math.abs(position.lat - track.fixLat) + Math.abs(position.lon - track.fixLon)) * KM_PER_DEGREE;
    if (roughKm > allowanceKm) {
      const km = distanceKm(track.fixLat, track.fixLon, position.lat, position.lon);
      if (km > allowanceKm) {
        out.open('', position.ts, 'warning', position.lat, position.lon, {
          from: [track.fixLon, track.fixLat],
          to: [position.lon, position.lat],
          distance_km: roundTo(km, 2),
          seconds: dtMs / 1000,
          implied_speed_kmh: Math.round(km / (dtMs / 3_600_000)),
          limit_kmh: config.impliedSpeedKmhMax,
        });
        return OPEN;
      }
    }
    if (state?.open) out.close('', position.ts);
    return undefined;
  },
};
