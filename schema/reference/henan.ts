// Henan's reference, committed here and built by fixtures/tools/build-geo.ts: the province a node supervises
// when its province.json names no other. Checked like any other province's on first use (and by the tests).
import divisionsJson from './henan-divisions.json' with { type: 'json' };
import henanGeoJson from './henan-geo.json' with { type: 'json' };
import type { ProvinceGeo } from './geo.js';
import { checkProvinceReference, type ProvinceReference } from './reference-check.js';

export const HENAN_PROVINCE_CODE = '410000';

let henan: ProvinceReference | undefined;

export function henanReference(): ProvinceReference {
  return (henan ??= checkProvinceReference(divisionsJson, henanGeoJson));
}

/** Henan's boundaries: the province outline, its 18 city-level units and its 156 county-level units. */
export function henanGeo(): ProvinceGeo {
  return henanReference().geo;
}
