/**
 * Where the demo's vehicles may drive: legs between points of the supervised province whose straight line stays
 * inside its counties, so every fix the demo sends is stored with a county of the province and its alarm reaches
 * that county's city. Henan is one piece and a line between two county seats nearly always stays inside it; a
 * province of several pieces (the hand-made Hainan sample: two cities with a gap between them) would send
 * vehicles across what it does not hold, so a leg that leaves it is drawn again, and a vehicle whose county no
 * other seat can be reached from wanders between points inside that county.
 */
import { countyAt, divisions, provinceGeo, type Division } from '../../schema/index.js';

export type Point = readonly [lon: number, lat: number];

/** Kilometres between two checked points of a leg (a county is wider than this). */
const LEG_STEP_KM = 2;
const KM_PER_DEG_LAT = 111.2;
const SEAT_TRIES = 20;
const INSIDE_TRIES = 60;

export function distanceKm(a: Point, b: Point): number {
  const dLat = (b[1] - a[1]) * KM_PER_DEG_LAT;
  const dLon = (b[0] - a[0]) * KM_PER_DEG_LAT * Math.cos((((a[1] + b[1]) / 2) * Math.PI) / 180);
  return Math.hypot(dLat, dLon);
}

/** True when every point of the straight line from `a` to `b`, one per kilometre, lies in a county. */
export function legInside(a: Point, b: Point): boolean {
  const steps = Math.max(1, Math.ceil(distanceKm(a, b) / LEG_STEP_KM));
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    if (countyAt(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t) === undefined) return false;
  }
  return true;
}

export function counties(): readonly Division[] {
  return divisions().filter((d) => d.level === 'county');
}

/** A point drawn uniformly inside `county`'s outline (its bounding box, drawn again outside), else its seat. */
export function pointInside(county: Division, rand: () => number): Point {
  const feature = provinceGeo().features.find((f) => f.properties.code === county.code);
  if (feature !== undefined) {
    let [lonMin, latMin, lonMax, latMax] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const polygon of feature.geometry.coordinates)
      for (const [lon, lat] of polygon[0]!) {
        lonMin = Math.min(lonMin, lon);
        lonMax = Math.max(lonMax, lon);
        latMin = Math.min(latMin, lat);
        latMax = Math.max(latMax, lat);
      }
    for (let i = 0; i < INSIDE_TRIES; i++) {
      const p: Point = [lonMin + rand() * (lonMax - lonMin), latMin + rand() * (latMax - latMin)];
      if (countyAt(p[0], p[1])?.code === county.code) return p;
    }
  }
  return county.seatLonLatDeg;
}

/**
 * The next place a vehicle at `from` drives to: the seat of a county drawn at random when the line to it stays
 * inside the province, else a point inside the county the vehicle is in (or `from`'s nearest seat outside any).
 */
export function nextWaypoint(from: Point, rand: () => number): Point {
  const all = counties();
  for (let i = 0; i < SEAT_TRIES; i++) {
    const seat = all[Math.floor(rand() * all.length)]!.seatLonLatDeg;
    if (distanceKm(from, seat) >= 1 && legInside(from, seat)) return seat;
  }
  const here = countyAt(from[0], from[1]);
  if (here === undefined) return nearestSeat(from);
  for (let i = 0; i < SEAT_TRIES; i++) {
    const p = pointInside(here, rand);
    if (distanceKm(from, p) >= 1 && legInside(from, p)) return p;
  }
  return here.seatLonLatDeg;
}

function nearestSeat(p: Point): Point {
  let best = counties()[0]!.seatLonLatDeg;
  for (const c of counties()) if (distanceKm(p, c.seatLonLatDeg) < distanceKm(p, best)) best = c.seatLonLatDeg;
  return best;
}
