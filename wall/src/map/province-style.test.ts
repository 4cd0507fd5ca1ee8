import { describe, expect, it } from 'vitest';
import type { DivisionLevel, ProvinceGeo } from '../feed/http-api.js';
import { buildProvinceStyle } from './province-style.js';

function square(
  code: string,
  level: DivisionLevel,
  lon: number,
  lat: number,
  size: number,
): ProvinceGeo['features'][0] {
  const ring = [
    [lon, lat],
    [lon + size, lat],
    [lon + size, lat + size],
    [lon, lat + size],
    [lon, lat],
  ];
  return {
    type: 'Feature',
    properties: { code, name: code, level, parent: null },
    geometry: { type: 'Polygon', coordinates: [ring] },
  };
}

function landLayer(geo: ProvinceGeo): Record<string, unknown> {
  const land = buildProvinceStyle(geo, 1).layers.find((layer) => layer.id === 'land');
  if (land === undefined) throw new Error('the style has no land layer');
  return land as unknown as Record<string, unknown>;
}

const counties = [square('410102', 'county', 113, 34, 0.5), square('410103', 'county', 113.5, 34, 0.5)];
const city = square('410100', 'city', 113, 34, 1);

describe('the basemap style', () => {
  it("fills the land from the province's outline alone when the server sends one", () => {
    const geo: ProvinceGeo = {
      type: 'FeatureCollection',
      features: [square('410000', 'province', 110, 31, 6), city, ...counties],
    };
    expect(landLayer(geo).filter).toEqual(['==', ['get', 'level'], 'province']);
  });

  it('fills the land from every level when there is no province polygon', () => {
    const outlineOnly: ProvinceGeo['features'][0] = {
      type: 'Feature',
      properties: { code: '410000', name: '河南省', level: 'province', parent: null },
      geometry: {
        type: 'LineString',
        coordinates: [
          [110, 31],
          [116, 31],
        ],
      },
    };
    for (const features of [
      [city, ...counties],
      [outlineOnly, ...counties],
    ]) {
      expect(landLayer({ type: 'FeatureCollection', features }).filter).toBeUndefined();
    }
  });
});
