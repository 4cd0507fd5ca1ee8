/**
 * What a duty officer reads from a track: how far the vehicle drove, where it stood and for how long, its trips
 * between stops, and a version of the path small enough to draw. Pure: fixes in, figures out.
 *
 * Fixes arrive in time order as read by the track route — at most one per time bucket (the bucket's first
 * position and its top speed), so a month of fixes every few seconds still fits in memory and in time.
 */
import { greatCircleKm, type TrackStop, type TrackTrip } from '../../schema/index.js';

/** A fix: [ts_ms, lon, lat, speed_kmh]. */
export type TrackPoint = [number, number, number, number];

export interface TrackAnalysisOptions {
  /** At or below this speed the vehicle stands. */
  stopSpeedKmh: number;
  /** Standing at least this long is a stop. */
  stopMsMin: number;
  /** A silence at least this long, with the vehicle in about the same place after it, counts as standing too. */
  gapMsMin: number;
  /** Two fixes this close together count as the same place, km. */
  samePlaceKm: number;
  /** A step implying more than this speed is a GPS jump, not distance driven. */
  jumpSpeedKmhMax: number;
  /** Trips shorter than this are not listed (manoeuvring in a yard), km. */
  tripKmMin: number;
}

export const TRACK_ANALYSIS_DEFAULTS: TrackAnalysisOptions = {
  stopSpeedKmh: 3,
  stopMsMin: 5 * 60_000,
  gapMsMin: 10 * 60_000,
  samePlaceKm: 0.3,
  jumpSpeedKmhMax: 250,
  tripKmMin: 0.5,
};

function stepKm(a: TrackPoint, b: TrackPoint, options: TrackAnalysisOptions): number {
  const km = greatCircleKm([a[1], a[2]], [b[1], b[2]]);
  const hours = (b[0] - a[0]) / 3_600_000;
  // A jump faster than any vehicle drives is GPS error; counting it would invent kilometres.
  return hours > 0 && km / hours > options.jumpSpeedKmhMax ? 0 : km;
}

export interface TrackAnalysis {
  mileage_km: number;
  stops: TrackStop[];
  trips: TrackTrip[];
}

export function analyzeTrack(points: readonly TrackPoint[], options = TRACK_ANALYSIS_DEFAULTS): TrackAnalysis {
  const stops: TrackStop[] = [];
  let mileage = 0;
  // Standing runs: consecutive fixes at or below the stop speed, or a long silence in about the same place.
  let runStart = -1;
  const closeRun = (endIndex: number) => {
    if (runStart < 0) return;
    const from = points[runStart];
    const to = points[endIndex];
    if (to[0] - from[0] >= options.stopMsMin) stops.push({ from: from[0], to: to[0], lat: from[2], lon: from[1] });
    runStart = -1;
  };
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    if (i > 0) mileage += stepKm(points[i - 1], p, options);
    const standing = p[3] <= options.stopSpeedKmh;
    const silentHere =
      i > 0 &&
      p[0] - points[i - 1][0] >= options.gapMsMin &&
      greatCircleKm([p[1], p[2]], [points[i - 1][1], points[i - 1][2]]) <= options.samePlaceKm;
    if (silentHere && runStart < 0) runStart = i - 1;
    if (standing || silentHere) {
      if (runStart < 0) runStart = i;
    } else {
      // The run ended with the fix before this one.
      closeRun(i - 1);
    }
  }
  closeRun(points.length - 1);

  const trips: TrackTrip[] = [];
  if (points.length > 1) {
    const bounds = [points[0][0], ...stops.flatMap((s) => [s.from, s.to]), points[points.length - 1][0]];
    let index = 0;
    for (let b = 0; b + 1 < bounds.length; b += 2) {
      const [from, to] = [bounds[b], bounds[b + 1]];
      if (to <= from) continue;
      let km = 0;
      let top = 0;
      while (index < points.length && points[index][0] < from) index++;
      for (let i = index; i < points.length && points[i][0] <= to; i++) {
        if (i > index) km += stepKm(points[i - 1], points[i], options);
        top = Math.max(top, points[i][3]);
      }
      if (km >= options.tripKmMin)
        trips.push({ from, to, km: Math.round(km * 10) / 10, max_speed_kmh: Math.round(top * 10) / 10 });
    }
  }
  return { mileage_km: Math.round(mileage * 10) / 10, stops, trips };
}

/**
 * At most `pointsMax` of the points for drawing and replay: one per equal share of the window (the first of
 * each), always the first and the last, and the first and last fix of every stop so stops sit where they were.
 */
export function thinTrack(points: readonly TrackPoint[], stops: readonly TrackStop[], pointsMax: number): TrackPoint[] {
  if (points.length <= pointsMax) return [...points];
  const keep = new Set<number>([0, points.length - 1]);
  const stopEdges = new Set(stops.flatMap((s) => [s.from, s.to]));
  for (let i = 0; i < points.length; i++) if (stopEdges.has(points[i][0])) keep.add(i);
  const shares = Math.max(1, pointsMax - keep.size);
  const span = points[points.length - 1][0] - points[0][0] || 1;
  let lastShare = -1;
  for (let i = 0; i < points.length; i++) {
    const share = Math.floor(((points[i][0] - points[0][0]) / span) * shares);
    if (share !== lastShare) {
      keep.add(i);
      lastShare = share;
    }
  }
  return [...keep]
    .sort((a, b) => a - b)
    .slice(0, pointsMax)
    .map((i) => points[i]);
}
