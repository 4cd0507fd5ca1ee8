import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProvince, PROVINCE_DEFAULT, PROVINCE_FILE_NAME, ProvinceConfigError } from './province-config.js';

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
    expect(loadProvince(dataDir())).toEqual({ ...PROVINCE_DEFAULT });
    expect(PROVINCE_DEFAULT).toMatchObject({ code: '410000', name_zh: '河南省', name_en: 'Henan' });
  });

  it('takes the file, a relative divisions path from the data dir, and Henan for keys left out', () => {
    const dir = dataDir({ name_en: 'Henan Province', divisions: 'divisions.json' });
    copyFileSync(PROVINCE_DEFAULT.divisions, path.join(dir, 'divisions.json'));
    expect(loadProvince(dir)).toEqual({
      code: '410000',
      name_zh: '河南省',
      name_en: 'Henan Province',
      divisions: path.join(dir, 'divisions.json'),
    });
  });

  it('refuses, naming the key: unknown keys, bad codes, other provinces, other names, unreadable files', () => {
    expect(refusal(() => loadProvince(dataDir({ title: '河南' })))).toBe(
      'province.title: unknown key (known: code, name_zh, name_en, divisions)',
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
    expect(refusal(() => loadProvince(dataDir({ divisions: 'missing.json' })))).toMatch(
      /^province\.divisions: .*missing\.json cannot be read as JSON/,
    );
    const partial = dataDir({ divisions: 'only-province.json' });
    writeFileSync(
      path.join(partial, 'only-province.json'),
      JSON.stringify([{ code: '410000', name: '河南省', level: 'province', parentCode: null }]),
    );
    expect(refusal(() => loadProvince(partial))).toMatch(
      /^province\.divisions: .*only-province\.json is not the file the reference geography was built from/,
    );
    const notJson = dataDir();
    writeFileSync(path.join(notJson, PROVINCE_FILE_NAME), '{code:');
    expect(refusal(() => loadProvince(notJson))).toMatch(/^province\.file: .*province\.json is not JSON/);
  });
});
