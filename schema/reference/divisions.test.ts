import { describe, expect, it } from 'vitest';
import {
  childrenOf,
  cityOfPlate,
  countyAt,
  countyAtByScan,
  divisionByCode,
  divisions,
  isWithin,
  parentChain,
  platePrefixOf,
} from './divisions.js';
import { HENAN_PROVINCE_CODE, henanGeo } from './henan.js';
import { gcj02ToWgs84, wgs84ToGcj02 } from './datum.js';
import type { LonLat } from './geometry.js';
import { greatCircleKm, polygonAreaKm2, ringSignedAreaKm2 } from './geometry.js';

const CITY_CODES = [
  '410100',
  '410200',
  '410300',
  '410400',
  '410500',
  '410600',
  '410700',
  '410800',
  '410900',
  '411000',
  '411100',
  '411200',
  '411300',
  '411400',
  '411500',
  '411600',
  '411700',
  '419001',
];

// DOMAIN.md, "Henan divisions and plates".
const PLATE_BY_CITY: Record<string, string> = {
  '410100': '豫A',
  '410200': '豫B',
  '410300': '豫C',
  '410400': '豫D',
  '410500': '豫E',
  '410600': '豫F',
  '410700': '豫G',
  '410800': '豫H',
  '410900': '豫J',
  '411000': '豫K',
  '411100': '豫L',
  '411200': '豫M',
  '411400': '豫N',
  '411600': '豫P',
  '411700': '豫Q',
  '411300': '豫R',
  '411500': '豫S',
  '419001': '豫U',
};

const HENAN_BOX = { lonMin: 110.3, lonMax: 116.7, latMin: 31.3, latMax: 36.4 };

describe('division tree', () => {
  it('has the province and 18 city-level units with their codes and plate prefixes', () => {
    const province = divisionByCode(HENAN_PROVINCE_CODE);
    expect(province).toMatchObject({ name: '河南省', level: 'province', parentCode: null });
    const cities = divisions().filter((d) => d.level === 'city');
    expect(cities.map((c) => c.code).sort()).toEqual(CITY_CODES);
    for (const city of cities) {
      expect(city.parentCode).toBe(HENAN_PROVINCE_CODE);
      expect(city.platePrefix).toBe(PLATE_BY_CITY[city.code]);
      expect(city.nameEn).toMatch(/^[A-Z][a-z]+$/);
    }
    expect(divisionByCode('419001')?.name).toBe('济源市');
    expect(divisionByCode('419000')).toBeUndefined();
  });

  it('has 156 county-level units under the 17 prefecture cities, each with an existing city parent', () => {
    const counties = divisions().filter((d) => d.level === 'county');
    expect(counties).toHaveLength(156);
    for (const county of counties) {
      expect(county.code).toMatch(/^41\d{4}$/);
      expect(divisionByCode(county.parentCode!)?.level).toBe('city');
      expect(county.code.slice(0, 4)).toBe(county.parentCode!.slice(0, 4));
    }
    expect(childrenOf('419001')).toHaveLength(0);
    expect(new Set(divisions().map((d) => d.code)).size).toBe(divisions().length);
  });

  it('marks exactly the ten directly administered counties (省直管县)', () => {
    const marked = divisions()
      .filter((d) => d.directlyAdministered)
      .map((d) => `${d.code} ${d.name}`);
    expect(marked.sort()).toEqual([
      '410181 巩义市',
      '410225 兰考县',
      '410482 汝州市',
      '410526 滑县',
      '410783 长垣市',
      '411381 邓州市',
      '411481 永城市',
      '411525 固始县',
      '411628 鹿邑县',
      '411729 新蔡县',
    ]);
  });

  it('uses current codes for units changed after the boundary data were drawn', () => {
    expect(divisionByCode('410308')).toMatchObject({ name: '孟津区', parentCode: '410300' });
    expect(divisionByCode('410307')).toMatchObject({ name: '偃师区', parentCode: '410300' });
    expect(divisionByCode('410783')).toMatchObject({ name: '长垣市', parentCode: '410700' });
    expect(divisionByCode('411603')).toMatchObject({ name: '淮阳区', parentCode: '411600' });
    for (const old of ['410322', '410381', '410728', '410306', '411626']) expect(divisionByCode(old)).toBeUndefined();
    // Development zones carry statistical codes only; they are not divisions.
    expect(divisionByCode('410173')).toBeUndefined();
  });

  it('walks parents and scopes', () => {
    expect(parentChain('410105').map((d) => d.name)).toEqual(['金水区', '郑州市', '河南省']);
    expect(parentChain('419001').map((d) => d.code)).toEqual(['419001', '410000']);
    expect(parentChain('999999')).toEqual([]);
    expect(isWithin('410105', '410100')).toBe(true);
    expect(isWithin('410105', '410000')).toBe(true);
    expect(isWithin('410105', '410105')).toBe(true);
    expect(isWithin('410105', '410200')).toBe(false);
    expect(isWithin('410100', '410105')).toBe(false);
    expect(platePrefixOf('410783')).toBe('豫G');
    expect(platePrefixOf(HENAN_PROVINCE_CODE)).toBeUndefined();
  });

  it('finds the issuing city of a plate', () => {
    expect(cityOfPlate('豫A12345')?.code).toBe('410100');
    expect(cityOfPlate('豫a·D1234')?.code).toBe('410100');
    expect(cityOfPlate(' 豫 R-88888')?.code).toBe('411300');
    expect(cityOfPlate('豫U00001')?.code).toBe('419001');
    expect(cityOfPlate('豫I12345')).toBeUndefined();
    expect(cityOfPlate('京A12345')).toBeUndefined();
    expect(cityOfPlate('')).toBeUndefined();
  });
});

describe('countyAt', () => {
  it('puts central Zhengzhou in one of its core districts', () => {
    expect(['410102', '410103', '410104', '410105']).toContain(countyAt(113.66, 34.75)?.code);
  });

  it('finds known county seats (WGS-84 positions of the towns)', () => {
    const seats: Array<[number, number, string]> = [
      [114.82, 34.82, '410225'], // 兰考县
      [113.02, 34.75, '410181'], // 巩义市
      [113.83, 36.07, '410581'], // 林州市
      [110.89, 34.52, '411282'], // 灵宝市
      [116.45, 33.93, '411481'], // 永城市
      [112.09, 32.69, '411381'], // 邓州市
      [115.65, 32.17, '411525'], // 固始县
      [114.88, 31.64, '411523'], // 新县
      [112.6, 35.07, '419001'], // 济源市
    ];
    for (const [lon, lat, code] of seats) expect(countyAt(lon, lat)?.code, `${lon},${lat}`).toBe(code);
  });

  it('returns each unit for its own seat, and nothing outside Henan', () => {
    for (const d of divisions().filter((x) => x.level === 'county' || x.code === '419001')) {
      expect(countyAt(...d.seatLonLatDeg)?.code, d.name).toBe(d.code);
    }
    expect(countyAt(116.4, 39.9)).toBeUndefined(); // Beijing
    expect(countyAt(114.3, 30.6)).toBeUndefined(); // Wuhan
  });

  it('answers from its grid exactly as a scan of every county, near boundaries too', () => {
    const points: [number, number][] = [];
    for (let i = 0; i < 30_000; i += 1) {
      const lon = HENAN_BOX.lonMin + (((i * 7919) % 30_000) / 30_000) * (HENAN_BOX.lonMax - HENAN_BOX.lonMin);
      const lat = HENAN_BOX.latMin + (i / 30_000) * (HENAN_BOX.latMax - HENAN_BOX.latMin);
      points.push([lon, lat]);
    }
    // Points a few metres either side of boundary vertices: the cells a boundary crosses.
    let n = 0;
    for (const feature of henanGeo().features)
      for (const polygon of feature.geometry.coordinates)
        for (const [lon, lat] of polygon[0]!)
          if (n++ % 7 === 0)
            for (const offset of [-3e-5, 3e-5]) points.push([lon + offset, lat - offset], [lon + offset, lat + offset]);
    // Exactly on cell corners, and not a position at all.
    for (let k = 0; k < 200; k++) points.push([112 + k * 0.01, 34 + k * 0.01]);
    points.push([Number.NaN, 34], [200, 95]);
    const differing = points.filter(([lon, lat]) => countyAt(lon, lat)?.code !== countyAtByScan(lon, lat)?.code);
    expect(differing).toEqual([]);
    expect(points.length).toBeGreaterThan(40_000);
  });

  it("finds a county for about half of a sweep over Henan's bounding box", () => {
    let found = 0;
    for (let i = 0; i < 20_000; i += 1) {
      // A deterministic sweep over Henan's box.
      const lon = HENAN_BOX.lonMin + (((i * 7919) % 20_000) / 20_000) * (HENAN_BOX.lonMax - HENAN_BOX.lonMin);
      const lat = HENAN_BOX.latMin + (i / 20_000) * (HENAN_BOX.latMax - HENAN_BOX.latMin);
      if (countyAt(lon, lat)) found += 1;
    }
    // Henan fills about half of its bounding box.
    expect(found).toBeGreaterThan(8_000);
    expect(found).toBeLessThan(14_000);
  });
});

describe('henan-geo.json', () => {
  const features = henanGeo().features;

  it('has one feature per division, with matching properties', () => {
    expect(features).toHaveLength(divisions().length);
    for (const feature of features) {
      const d = divisionByCode(feature.properties.code);
      expect(d, feature.properties.code).toBeDefined();
      expect(feature.properties).toEqual({ code: d!.code, name: d!.name, level: d!.level, parent: d!.parentCode });
    }
  });

  it('has valid closed rings inside Henan, outer rings counter-clockwise', () => {
    for (const feature of features) {
      expect(feature.geometry.type).toBe('MultiPolygon');
      expect(feature.geometry.coordinates.length).toBeGreaterThan(0);
      for (const polygon of feature.geometry.coordinates) {
        polygon.forEach((ring, index) => {
          expect(ring.length).toBeGreaterThanOrEqual(4);
          expect(ring[0]).toEqual(ring[ring.length - 1]);
          expect(ringSignedAreaKm2(ring) > 0, `${feature.properties.name} ring ${index}`).toBe(index === 0);
          for (const [lon, lat] of ring) {
            expect(lon).toBeGreaterThan(HENAN_BOX.lonMin);
            expect(lon).toBeLessThan(HENAN_BOX.lonMax);
            expect(lat).toBeGreaterThan(HENAN_BOX.latMin);
            expect(lat).toBeLessThan(HENAN_BOX.latMax);
            expect(Math.round(lon * 1e5) / 1e5).toBe(lon);
          }
        });
      }
    }
  });

  it('has no ring crossing itself (maplibre fills such rings unpredictably)', () => {
    const side = (p: LonLat, q: LonLat, r: LonLat): number =>
      Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
    const cross = (a: LonLat, b: LonLat, c: LonLat, d: LonLat): boolean =>
      side(a, b, c) * side(a, b, d) < 0 && side(c, d, a) * side(c, d, b) < 0;
    const crossing: string[] = [];
    for (const feature of features) {
      for (const ring of feature.geometry.coordinates.flat()) {
        for (let i = 0; i + 1 < ring.length; i += 1) {
          for (let j = i + 2; j + 1 < ring.length; j += 1) {
            if (i === 0 && j === ring.length - 2) continue;
            if (cross(ring[i], ring[i + 1], ring[j], ring[j + 1]))
              crossing.push(`${feature.properties.name} @${i}/${j}`);
          }
        }
      }
    }
    expect(crossing).toEqual([]);
  });

  it('has county areas summing to the province area, which is about 167,000 km²', () => {
    const areaOf = (code: string): number =>
      features.find((f) => f.properties.code === code)!.geometry.coordinates.reduce((a, p) => a + polygonAreaKm2(p), 0);
    const province = areaOf(HENAN_PROVINCE_CODE);
    expect(province).toBeGreaterThan(163_000);
    expect(province).toBeLessThan(170_000);
    const leaves = divisions().filter((d) => d.level === 'county' || d.code === '419001');
    const sum = leaves.reduce((a, d) => a + areaOf(d.code), 0);
    expect(Math.abs(sum - province) / province).toBeLessThan(0.01);
    const cities = divisions().filter((d) => d.level === 'city');
    expect(Math.abs(cities.reduce((a, d) => a + areaOf(d.code), 0) - province) / province).toBeLessThan(0.01);
  });
});

describe('GCJ-02 conversion', () => {
  it('round-trips and shifts Zhengzhou by the expected few hundred metres', () => {
    const wgs: [number, number] = [113.66, 34.75];
    const gcj = wgs84ToGcj02(...wgs);
    const shiftKm = greatCircleKm(wgs, gcj);
    expect(shiftKm).toBeGreaterThan(0.3);
    expect(shiftKm).toBeLessThan(0.8);
    const back = gcj02ToWgs84(...gcj);
    expect(greatCircleKm(wgs, back)).toBeLessThan(1e-6);
  });
});
