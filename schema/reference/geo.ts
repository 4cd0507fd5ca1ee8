// Henan's boundaries as one GeoJSON FeatureCollection (WGS-84, simplified for a province-wide video wall):
// the province outline, its 18 city-level units and its county-level units, built by
// fixtures/tools/build-geo.ts. Imported as a JSON module so bundlers (the wall) and Node (tsx, vitest) agree.
import henanGeoJson from './henan-geo.json' with { type: 'json' };
import type { LonLat } from './geometry.js';
import type { DivisionLevel } from './divisions.js';

export interface HenanGeoProperties {
  readonly code: string;
  readonly name: string;
  readonly level: DivisionLevel;
  /** Code of the enclosing division; null for the province. */
  readonly parent: string | null;
}

export interface HenanGeoFeature {
  readonly type: 'Feature';
  readonly properties: HenanGeoProperties;
  /** Always a MultiPolygon: some counties have exclaves; rings are closed, outer rings counter-clockwise. */
  readonly geometry: {
    readonly type: 'MultiPolygon';
    readonly coordinates: readonly (readonly (readonly LonLat[])[])[];
  };
}

export interface HenanGeo {
  readonly type: 'FeatureCollection';
  readonly features: readonly HenanGeoFeature[];
}

// The JSON module's inferred type has plain strings where the interface has literal unions; the build script
// writes exactly this shape, and the tests check it.
const HENAN_GEO = henanGeoJson as unknown as HenanGeo;

/** The whole collection: features ordered province, cities by code, counties by code. */
export function henanGeo(): HenanGeo {
  return HENAN_GEO;
}
