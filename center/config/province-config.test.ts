import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { henanReference } from '../../schema/index.js';
import {
  keepProvinceOfDataDir,
  loadProvince,
  PROVINCE_DEFAULT,
  PROVINCE_FILE_NAME,
  PROVINCE_KEPT_FILE_NAME,
  ProvinceConfigError,
} from './province-config.js';

const SAMPLE = fileURLToPath(new URL('../../fixtures/provinces/hainan-sample', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function dataDir(province?: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-province-'));
  dirs.push(dir);
  if (province !== undefined) writeFileSync(path.join(dir, PROVINCE_FILE_NAME), JSON.stringify(province));
  return dir;
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProvinceConfigError);
    return (error as Error).message;
  }
  throw new Error('the province was accepted');
}

describe('province configuration', () => {
  it('is Henan without a province.json', () => {
    const { reference, ...setting } = loadProvince(dataDir());
    expect(setting).toEqual({ ...PROVINCE_DEFAULT });
    expect(reference.divisions).toHaveLength(175);
    expect(PROVINCE_DEFAULT).toMatchObject({ code: '410000', name_zh: '河南省', name_en: 'Henan' });
  });

  it("hands back Henan's reference already checked for Henan's own files, and reads a copy of them anew", () => {
    expect(loadProvince(dataDir()).reference).toBe(henanReference());
    const named = loadProvince(
      dataDir({ divisions: PROVINCE_DEFAULT.divisions, boundaries: PROVINCE_DEFAULT.boundaries }),
    );
    expect(named.reference).toBe(henanReference());
    const dir = dataDir({ divisions: 'divisions.json', boundaries: 'geo.json' });
    copyFileSync(PROVINCE_DEFAULT.divisions, path.join(dir, 'divisions.json'));
    copyFileSync(PROVINCE_DEFAULT.boundaries, path.join(dir, 'geo.json'));
    const copied = loadProvince(dir).reference;
    expect(copied).not.toBe(henanReference());
    expect(copied).toEqual(henanReference());
  });

  it('takes the file, relative reference paths from the data dir, and Henan for keys left out', () => {
    const dir = dataDir({ name_en: 'Henan Province', divisions: 'divisions.json', boundaries: 'geo.json' });
    copyFileSync(PROVINCE_DEFAULT.divisions, path.join(dir, 'divisions.json'));
    copyFileSync(PROVINCE_DEFAULT.boundaries, path.join(dir, 'geo.json'));
    const { reference, ...setting } = loadProvince(dir);
    expect(setting).toEqual({
      code: '410000',
      name_zh: '河南省',
      name_en: 'Henan Province',
      divisions: path.join(dir, 'divisions.json'),
      boundaries: path.join(dir, 'geo.json'),
    });
    expect(reference.geo.features).toHaveLength(175);
  });

  it("takes another province's reference, its code and names from its divisions file", () => {
    const dir = dataDir({
      divisions: path.join(SAMPLE, 'divisions.json'),
      boundaries: path.join(SAMPLE, 'boundaries.json'),
    });
    const { reference, ...setting } = loadProvince(dir);
    expect(setting).toMatchObject({ code: '460000', name_zh: '海南省', name_en: 'Hainan' });
    expect(reference.divisions.map((d) => d.platePrefix).filter(Boolean)).toEqual(['琼A', '琼B']);
  });

  it('refuses, naming the key: unknown keys, bad codes, other provinces, other names, unreadable files', () => {
    expect(refusal(() => loadProvince(dataDir({ title: '河南' })))).toBe(
      'province.title: unknown key (known: code, name_zh, name_en, divisions, boundaries)',
    );
    expect(refusal(() => loadProvince(dataDir({ code: '410100' })))).toBe(
      'province.code: value "410100" is not a province code (6 digits ending 0000)',
    );
    expect(refusal(() => loadProvince(dataDir({ code: 410000 })))).toBe(
      'province.code: value 410000 must be a non-empty string',
    );
    expect(refusal(() => loadProvince(dataDir({ code: '420000', name_zh: '湖北省' })))).toMatch(
      /^province\.code: value "420000" is not a province in .*henan-divisions\.json$/,
    );
    expect(refusal(() => loadProvince(dataDir({ name_zh: '河南' })))).toBe(
      'province.name_zh: value "河南" differs from the divisions file\'s "河南省"',
    );
    expect(refusal(() => loadProvince(dataDir({ divisions: 'missing.json', boundaries: 'missing-geo.json' })))).toMatch(
      /^province\.divisions: .*missing\.json cannot be read as JSON/,
    );
    expect(refusal(() => loadProvince(dataDir({ divisions: 'divisions.json' })))).toBe(
      'province.boundaries: value absent while divisions is given: name both files of the province',
    );
    // Henan's boundaries with a divisions file holding only the province: its cities' outlines name unknown codes.
    const partial = dataDir({ divisions: 'only-province.json', boundaries: PROVINCE_DEFAULT.boundaries });
    writeFileSync(
      path.join(partial, 'only-province.json'),
      JSON.stringify([
        {
          code: '410000',
          name: '河南省',
          nameEn: 'Henan',
          level: 'province',
          parentCode: null,
          seatLonLatDeg: [113.65932, 34.75909],
        },
      ]),
    );
    expect(refusal(() => loadProvince(partial))).toMatch(
      /^province\.boundaries: .*henan-geo\.json: boundaries\.features\[1\]\.properties\.code: value "410100" is not a code in the divisions file$/,
    );
    const unclosed = dataDir({ divisions: path.join(SAMPLE, 'divisions.json'), boundaries: 'open.json' });
    const geo = JSON.parse(readFileSync(path.join(SAMPLE, 'boundaries.json'), 'utf8'));
    geo.features[3].geometry.coordinates[0][0].pop();
    writeFileSync(path.join(unclosed, 'open.json'), JSON.stringify(geo));
    expect(refusal(() => loadProvince(unclosed))).toMatch(
      /^province\.boundaries: .*open\.json: boundaries\.features\[3\]\.geometry\.coordinates\[0\]\[0\]: is not closed/,
    );
    const notJson = dataDir();
    writeFileSync(path.join(notJson, PROVINCE_FILE_NAME), '{code:');
    expect(refusal(() => loadProvince(notJson))).toMatch(/^province\.file: .*province\.json is not JSON/);
  });
});

describe('the province a data dir keeps', () => {
  it('is the one of its first start; the same one is accepted again, another refused naming both and the dir', () => {
    const dir = dataDir();
    const hainan = { code: '460000', name_zh: '海南省' };
    keepProvinceOfDataDir(dir, hainan);
    expect(JSON.parse(readFileSync(path.join(dir, PROVINCE_KEPT_FILE_NAME), 'utf8'))).toEqual(hainan);
    keepProvinceOfDataDir(dir, hainan);
    expect(refusal(() => keepProvinceOfDataDir(dir, PROVINCE_DEFAULT))).toBe(
      `province.code: value "410000" (河南省) differs from 460000 (海南省), the province the data dir ${dir} was ` +
        "first started with: a data dir holds one province's data; start it with that province's configuration " +
        'or use another data dir',
    );
  });

  it('refuses a kept file that is not the node’s', () => {
    const dir = dataDir();
    writeFileSync(path.join(dir, PROVINCE_KEPT_FILE_NAME), '{"name_zh":"河南省"}');
    expect(refusal(() => keepProvinceOfDataDir(dir, PROVINCE_DEFAULT))).toMatch(/holds no province code/);
  });
});
