// A province's boundaries as one GeoJSON FeatureCollection (WGS-84, simplified for a province-wide video wall):
// the province outline, its city-level units and its county-level units. Henan's (henan-geo.json, built by
// fixtures/tools/build-geo.ts) are the default; another province's come from the file its province.json names.
import type { LonLat } from './geometry.js';
import type { DivisionLevel } from './reference-check.js';

export interface ProvinceGeoProperties {
  readonly code: string;
  readonly name: string;
  readonly level: DivisionLevel;
  /** Code of the enclosing division; null for the province. */
  readonly parent: string | null;
  /** A city's plate prefix (e.g. 豫A), added where the node serves the geo (not in the boundaries file). */
  readonly plate_prefix?: string;
}

export interface ProvinceGeoFeature {
  readonly type: 'Feature';
  readonly properties: ProvinceGeoProperties;
  /** Always a MultiPolygon: some counties have exclaves; rings are closed, outer rings counter-clockwise. */
  readonly geometry: {
    readonly type: 'MultiPolygon';
    readonly coordinates: readonly (readonly (readonly LonLat[])[])[];
  };
}

export interface ProvinceGeo {
  readonly type: 'FeatureCollection';
  readonly features: readonly ProvinceGeoFeature[];
}
