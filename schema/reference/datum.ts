// GCJ-02 ("Mars coordinates") is WGS-84 plus a published, deterministic distortion computed on the Krasovsky
// ellipsoid; maps and many platforms in China deliver it. Vigil stores WGS-84 only (what GNSS terminals report),
// so anything arriving in GCJ-02 is converted once, at the edge, with gcj02ToWgs84.
import type { LonLat } from './geometry.js';

const KRASOVSKY_SEMI_MAJOR_M = 6378245.0;
const KRASOVSKY_ECCENTRICITY_SQUARED = 0.00669342162296594323;
/** The inverse iteration stops when a step moves less than this (about 10 µm). */
const INVERSE_STEP_DEG_MIN = 1e-10;
const INVERSE_STEPS_MAX = 30;

function gcjDistortionLat(x: number, y: number): number {
  let d = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  d += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  d += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  d += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return d;
}

function gcjDistortionLon(x: number, y: number): number {
  let d = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  d += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  d += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  d += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return d;
}

/** Forward transform. Valid inside China only, which is all Vigil needs (no out-of-China pass-through). */
export function wgs84ToGcj02(lon_deg: number, lat_deg: number): LonLat {
  const latRad = (lat_deg / 180) * Math.PI;
  const magic = 1 - KRASOVSKY_ECCENTRICITY_SQUARED * Math.sin(latRad) ** 2;
  const sqrtMagic = Math.sqrt(magic);
  const dLat =
    (gcjDistortionLat(lon_deg - 105, lat_deg - 35) * 180) /
    (((KRASOVSKY_SEMI_MAJOR_M * (1 - KRASOVSKY_ECCENTRICITY_SQUARED)) / (magic * sqrtMagic)) * Math.PI);
  const dLon =
    (gcjDistortionLon(lon_deg - 105, lat_deg - 35) * 180) /
    ((KRASOVSKY_SEMI_MAJOR_M / sqrtMagic) * Math.cos(latRad) * Math.PI);
  return [lon_deg + dLon, lat_deg + dLat];
}

/**
 * The distortion has no closed-form inverse, so the WGS-84 position is found by fixed-point iteration:
 * move the guess by the forward error until it vanishes (a handful of steps, since the distortion is smooth).
 */
export function gcj02ToWgs84(lon_deg: number, lat_deg: number): LonLat {
  let wgsLon = lon_deg;
  let wgsLat = lat_deg;
  for (let step = 0; step < INVERSE_STEPS_MAX; step += 1) {
    const [gLon, gLat] = wgs84ToGcj02(wgsLon, wgsLat);
    const errLon = gLon - lon_deg;
    const errLat = gLat - lat_deg;
    wgsLon -= errLon;
    wgsLat -= errLat;
    if (Math.abs(errLon) < INVERSE_STEP_DEG_MIN && Math.abs(errLat) < INVERSE_STEP_DEG_MIN) break;
  }
  return [wgsLon, wgsLat];
}
