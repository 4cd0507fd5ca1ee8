import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cityOfPlate,
  countyAt,
  divisionByCode,
  divisions,
  isWithin,
  platePrefixOf,
  provinceBox,
  provinceCode,
  provinceGeo,
  useProvinceReference,
} from './divisions.js';
import { henanReference } from './henan.js';
import { checkProvinceReference, ProvinceReferenceError } from './reference-check.js';
import { roadGraph } from './roads.js';

const SAMPLE_DIR = new URL('../../fixtures/provinces/hainan-sample/', import.meta.url);
const readJson = (name: string): unknown => JSON.parse(readFileSync(new URL(name, SAMPLE_DIR), 'utf8'));
const SAMPLE = { rows: readJson('divisions.json'), geo: readJson('boundaries.json') };

type Rows = Record<string, unknown>[];
interface Geo {
  features: { properties: Record<string, unknown>; geometry: { coordinates: number[][][][] } }[];
}

/** The hand-made sample with one change applied to a copy. */
function sampleWith(change: (rows: Rows, geo: Geo) => void): { rows: Rows; geo: Geo } {
  const copy = structuredClone(SAMPLE) as { rows: Rows; geo: Geo };
  change(copy.rows, copy.geo);
  return copy;
}

function refusal(input: { rows: unknown; geo: unknown }): string {
  try {
    checkProvinceReference(input.rows, input.geo);
  } catch (error) {
    expect(error).toBeInstanceOf(ProvinceReferenceError);
    return (error as Error).message;
  }
  throw new Error('the reference was accepted');
}

afterAll(() => useProvinceReference(henanReference()));

describe("Henan's committed reference", () => {
  it('passes the check unchanged, byte for byte', () => {
    const henan = henanReference();
    const file = readFileSync(new URL('./henan-geo.json', import.meta.url), 'utf8');
    expect(JSON.stringify(henan.geo)).toBe(file.trim());
    expect(henan.divisions).toEqual(
      JSON.parse(readFileSync(new URL('./henan-divisions.json', import.meta.url), 'utf8')),
    );
    expect(provinceCode()).toBe('410000');
    expect(provinceBox()).toEqual({ lonMin: 110.3, lonMax: 116.7, latMin: 31.3, latMax: 36.4 });
  });
});

describe('a hand-made province (460000 海南省, two cities, three counties)', () => {
  it('answers every lookup from its own reference once in use', () => {
    const hainan = checkProvinceReference(SAMPLE.rows, SAMPLE.geo);
    useProvinceReference(hainan);
    expect(provinceCode()).toBe('460000');
    expect(divisions().map((d) => d.code)).toEqual(['460000', '460100', '460200', '460105', '460106', '460202']);
    expect(provinceGeo().features.map((f) => f.properties.code)).toEqual(divisions().map((d) => d.code));
    expect(countyAt(110.5, 19.95)?.code).toBe('460106');
    expect(countyAt(110.2, 19.9)?.code).toBe('460105');
    expect(countyAt(109.6, 18.3)?.code).toBe('460202');
    expect(countyAt(113.65, 34.76)).toBeUndefined();
    expect(cityOfPlate('琼B·12345')?.name).toBe('三亚市');
    expect(cityOfPlate('豫A12345')).toBeUndefined();
    expect(platePrefixOf('460106')).toBe('琼A');
    expect(isWithin('460106', '460100')).toBe(true);
    expect(isWithin('460202', '460100')).toBe(false);
    expect(divisionByCode('410000')).toBeUndefined();
    // Areas left out of the file are computed from the outlines; the cities' are their counties' sums.
    const area = (code: string): number => divisionByCode(code)!.areaKm2;
    expect(area('460105')).toBeGreaterThan(500);
    expect(Math.abs(area('460100') - area('460105') - area('460106'))).toBeLessThanOrEqual(1);
    expect(provinceBox()).toEqual({ lonMin: 109.2, lonMax: 110.7, latMin: 18.1, latMax: 20.1 });
    const graph = roadGraph();
    expect(graph.nodes.map((n) => n.code)).toEqual(['460105', '460106', '460202']);
    expect(graph.nodes.filter((n) => n.isCitySeat).map((n) => n.code)).toEqual(['460106', '460202']);
  });

  it('names no city for a plate prefix two cities share', () => {
    const shared = sampleWith((rows) => (rows[2]!.platePrefix = '琼A'));
    useProvinceReference(checkProvinceReference(shared.rows, shared.geo));
    expect(cityOfPlate('琼A12345')).toBeUndefined();
    expect(platePrefixOf('460202')).toBe('琼A');
    useProvinceReference(checkProvinceReference(SAMPLE.rows, SAMPLE.geo));
    expect(cityOfPlate('琼A12345')?.code).toBe('460100');
  });

  it('refuses a broken reference, naming the key, the value and the bound', () => {
    expect(refusal(sampleWith((rows) => (rows[4]!.parentCode = '460300')))).toBe(
      'divisions[4].parentCode: value "460300" is not a code in the file',
    );
    expect(refusal(sampleWith((rows) => (rows[4]!.parentCode = '460200')))).toBe(
      "divisions[4].code: value \"460106\" is outside its city 460200 (a county's code must start with its city's 4602, and the city's end 00)",
    );
    expect(refusal(sampleWith((rows) => delete rows[2]!.platePrefix))).toBe(
      'divisions[2].platePrefix: value absent: city 460200 三亚市 needs its plate prefix (e.g. 豫A)',
    );
    expect(refusal(sampleWith((rows) => (rows[2]!.platePrefix = '粤B')))).toBe(
      'divisions[2].platePrefix: value "粤B" must start with the province\'s character 琼, as its other cities\' do',
    );
    expect(refusal(sampleWith((rows) => (rows[2]!.platePrefix = 'QB')))).toMatch(
      /^divisions\[2\]\.platePrefix: value "QB" is not a plate prefix/,
    );
    expect(refusal(sampleWith((rows) => delete rows[1]!.nameEn))).toBe(
      'divisions[1].nameEn: value absent: a city-level unit needs its English name',
    );
    expect(refusal(sampleWith((rows) => (rows[5]!.code = '450202')))).toBe(
      'divisions[5].code: value "450202" is outside province 460000 (must start 46)',
    );
    expect(refusal(sampleWith((rows) => (rows[3]!.colour = 'blue')))).toMatch(/^divisions\[3\]\.colour: unknown key/);
    expect(refusal(sampleWith((rows) => (rows[3]!.seatLonLatDeg = [20, 110])))).toBe(
      'divisions[3].seatLonLatDeg: value [20,110] is not a WGS-84 [lon, lat] in degrees (|lon| ≤ 180, |lat| ≤ 90)',
    );
    expect(refusal(sampleWith((rows) => (rows[3]!.seatLonLatDeg = [110.5, 19.95])))).toBe(
      "divisions(460105).seatLonLatDeg: value [110.5,19.95] lies outside 460105 秀英区's own outline",
    );
    expect(refusal(sampleWith((rows) => rows.push({ ...rows[0]!, code: '450000' })))).toBe(
      'divisions: holds 2 rows of level "province", exactly 1 allowed',
    );
  });

  it('refuses broken boundaries: unclosed rings, unknown codes, missing outlines, a county outside its city', () => {
    expect(refusal(sampleWith((_, geo) => geo.features[4]!.geometry.coordinates[0]![0]!.pop()))).toBe(
      'boundaries.features[4].geometry.coordinates[0][0]: is not closed: it ends at [110.36,20.06], not at its first position [110.38,19.74]',
    );
    expect(refusal(sampleWith((_, geo) => (geo.features[4]!.geometry.coordinates[0]![0] = [[110.38, 19.74]])))).toBe(
      'boundaries.features[4].geometry.coordinates[0][0]: value of 1 positions: a ring needs at least 4',
    );
    expect(refusal(sampleWith((_, geo) => (geo.features[5]!.properties.code = '460299')))).toBe(
      'boundaries.features[5].properties.code: value "460299" is not a code in the divisions file',
    );
    expect(refusal(sampleWith((_, geo) => geo.features.pop()))).toBe(
      'boundaries.features: has no feature for divisions[5] 460202 海棠区: every division needs its outline',
    );
    // 秀英区 drawn (with its seat) over 三亚: inside its own outline, outside 海口's.
    const moved = sampleWith((rows, geo) => {
      const shift = (ring: number[][]) => ring.map(([lon, lat]) => [lon! - 0.6, lat! - 1.6]);
      geo.features[3]!.geometry.coordinates = geo.features[3]!.geometry.coordinates.map((p) => p.map(shift));
      rows[3]!.seatLonLatDeg = [109.65, 18.35];
    });
    expect(refusal(moved)).toMatch(
      /^boundaries\(460105\): 460105 秀英区 lies outside its parent 460100 海口市: its outline spans/,
    );
  });
});
