/**
 * The basemap, built in the browser from the divisions the server sends. There is deliberately no tile, sprite
 * or glyph URL: the wall runs in an offline government network, so nothing may be fetched from outside. City
 * names are drawn by deck.gl's TextLayer with the browser's own fonts, since maplibre needs a glyph server.
 */
import type { StyleSpecification } from 'maplibre-gl';
import type { ProvinceGeo } from '../feed/http-api.js';

const BACKGROUND_COLOR = '#040914';
const LAND_COLOR = '#0a1628';
const COUNTY_LINE_COLOR = '#1b3152';
const CITY_LINE_COLOR = '#3d79c2';
const PROVINCE_LINE_COLOR = '#7cc8ff';
/** A city's or county's wall lights up its own area; the land around it stays dark, for context. */
const SCOPE_FILL_COLOR = '#12305a';
const SCOPE_LINE_COLOR = '#9fdcff';

export const DIVISIONS_SOURCE_ID = 'divisions';

/**
 * Whether the land is filled from the province's own outline alone. The counties and cities tile the same area,
 * so filling every level paints each pixel of land three times over and triangulates some 27,000 outline points
 * more: in software WebGL (SwiftShader) that was about 0.1 CPU-s of a 1400×940 map's 0.3 a frame. Every level is
 * filled only when the server sends no province polygon, so that the map still reads from what it has.
 */
function landFromProvince(geo: ProvinceGeo): boolean {
  return geo.features.some((feature) => feature.properties.level === 'province' && isArea(feature.geometry.type));
}

function isArea(type: string): boolean {
  return type === 'Polygon' || type === 'MultiPolygon';
}

/**
 * Line widths are in CSS pixels; `scale` is the wall's height over 2160 so a smaller test screen looks alike.
 * `scopeCode`: the wall's own unit when it is not the province, drawn lit with a bright outline.
 */
export function buildProvinceStyle(
  geo: ProvinceGeo,
  scale: number,
  scopeCode: string | null = null,
): StyleSpecification {
  const isLevel = (level: string) => ['==', ['get', 'level'], level] as ['==', ['get', string], string];
  const isScope = ['==', ['get', 'code'], scopeCode ?? ''] as ['==', ['get', string], string];
  const scopeLayers: StyleSpecification['layers'] =
    scopeCode === null
      ? []
      : [
          {
            id: 'scope-fill',
            type: 'fill',
            source: DIVISIONS_SOURCE_ID,
            filter: isScope,
            paint: { 'fill-color': SCOPE_FILL_COLOR },
          },
        ];
  const scopeOutline: StyleSpecification['layers'] =
    scopeCode === null
      ? []
      : [
          {
            id: 'scope-line',
            type: 'line',
            source: DIVISIONS_SOURCE_ID,
            filter: isScope,
            paint: { 'line-color': SCOPE_LINE_COLOR, 'line-width': 5 * scale },
          },
        ];
  return {
    version: 8,
    name: 'vigil-province',
    sources: { [DIVISIONS_SOURCE_ID]: { type: 'geojson', data: geo } },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': BACKGROUND_COLOR } },
      {
        id: 'land',
        type: 'fill',
        source: DIVISIONS_SOURCE_ID,
        ...(landFromProvince(geo) ? { filter: isLevel('province') } : {}),
        paint: { 'fill-color': LAND_COLOR },
      },
      ...scopeLayers,
      {
        id: 'county-lines',
        type: 'line',
        source: DIVISIONS_SOURCE_ID,
        filter: isLevel('county'),
        paint: { 'line-color': COUNTY_LINE_COLOR, 'line-width': 1 * scale },
      },
      {
        id: 'city-lines',
        type: 'line',
        source: DIVISIONS_SOURCE_ID,
        filter: isLevel('city'),
        paint: { 'line-color': CITY_LINE_COLOR, 'line-width': 2 * scale },
      },
      {
        // A wide blurred line under the outline gives the province the glow walls are expected to have.
        id: 'province-glow',
        type: 'line',
        source: DIVISIONS_SOURCE_ID,
        filter: isLevel('province'),
        paint: {
          'line-color': PROVINCE_LINE_COLOR,
          'line-width': 16 * scale,
          'line-blur': 14 * scale,
          'line-opacity': 0.45,
        },
      },
      {
        id: 'province-line',
        type: 'line',
        source: DIVISIONS_SOURCE_ID,
        filter: isLevel('province'),
        paint: { 'line-color': PROVINCE_LINE_COLOR, 'line-width': 3.5 * scale },
      },
      ...scopeOutline,
    ],
  };
}
