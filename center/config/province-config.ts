/**
 * The province a node supervises: its division code, its names and the divisions file its org tree, county
 * lookup and map come from. Henan is the default. It is read once at start-up (from `<data-dir>/province.json`
 * when that file exists) and checked before anything uses it: a bad value stops the node with a
 * ProvinceConfigError naming the key, the value and what was expected.
 *
 * The county lookup, the boundaries and the road graph are built into `schema/reference` from the divisions file
 * by `fixtures/tools/build-geo.ts`, so the divisions file named here must be the one that build used: another
 * province needs its reference rebuilt first, and a file that disagrees with the built reference is refused
 * rather than half applied.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { divisionByCode, divisions, HENAN_PROVINCE_CODE } from '../../schema/index.js';

export interface ProvinceSetting {
  /** 6-digit division code of the province (GB/T 2260), e.g. 410000. */
  code: string;
  /** Chinese name as in the divisions file, e.g. 河南省. */
  name_zh: string;
  /** English (pinyin) name, e.g. Henan. */
  name_en: string;
  /** The divisions file (JSON rows of code, name, level, parentCode) the reference geography was built from. */
  divisions: string;
}

/** The file the node reads its province from, in its data dir; absent means PROVINCE_DEFAULT. */
export const PROVINCE_FILE_NAME = 'province.json';

const BUILT_IN_DIVISIONS = fileURLToPath(new URL('../../schema/reference/henan-divisions.json', import.meta.url));

export const PROVINCE_DEFAULT: Readonly<ProvinceSetting> = Object.freeze({
  code: HENAN_PROVINCE_CODE,
  name_zh: '河南省',
  name_en: 'Henan',
  divisions: BUILT_IN_DIVISIONS,
});

const KEYS: readonly (keyof ProvinceSetting)[] = ['code', 'name_zh', 'name_en', 'divisions'];

export class ProvinceConfigError extends Error {
  override readonly name = 'ProvinceConfigError';
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`province.${key}: ${message}`);
  }
}

/**
 * The province of a node: `given` when set (tests, embedding), else `<dataDir>/province.json` when present, else
 * Henan; keys left out take Henan's values. Throws ProvinceConfigError on anything unknown or inconsistent.
 */
export function loadProvince(dataDir: string, given?: Partial<ProvinceSetting>): ProvinceSetting {
  const file = path.join(dataDir, PROVINCE_FILE_NAME);
  const raw = given ?? (existsSync(file) ? readProvinceFile(file) : {});
  return checkProvince({ ...PROVINCE_DEFAULT, ...raw }, path.dirname(file));
}

function readProvinceFile(file: string): Partial<ProvinceSetting> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ProvinceConfigError('file', `${file} is not JSON: ${error instanceof Error ? error.message : error}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ProvinceConfigError('file', `${file} must hold one JSON object with the keys ${KEYS.join(', ')}`);
  return parsed as Partial<ProvinceSetting>;
}

/** Checks every key; a relative divisions path is taken from `baseDir`. */
export function checkProvince(setting: Record<string, unknown>, baseDir: string): ProvinceSetting {
  for (const key of Object.keys(setting))
    if (!(KEYS as readonly string[]).includes(key))
      throw new ProvinceConfigError(key, `unknown key (known: ${KEYS.join(', ')})`);
  for (const key of KEYS)
    if (typeof setting[key] !== 'string' || setting[key] === '')
      throw new ProvinceConfigError(key, `value ${JSON.stringify(setting[key])} must be a non-empty string`);
  const { code, name_zh, name_en } = setting as unknown as ProvinceSetting;
  if (!/^\d{2}0000$/.test(code))
    throw new ProvinceConfigError(
      'code',
      `value ${JSON.stringify(code)} is not a province code (6 digits ending 0000)`,
    );
  const divisionsFile = path.resolve(baseDir, setting.divisions as string);
  const province = provinceRowOf(divisionsFile, code);
  if (province.name !== name_zh)
    throw new ProvinceConfigError(
      'name_zh',
      `value ${JSON.stringify(name_zh)} differs from the divisions file's ${JSON.stringify(province.name)}`,
    );
  // The built reference is what every county lookup answers from: the file must be the one it was built from.
  const built = divisionByCode(code);
  if (built?.level !== 'province' || province.rows !== divisions().length)
    throw new ProvinceConfigError(
      'divisions',
      `${divisionsFile} is not the file the reference geography was built from (it holds ${divisions()[0]?.code} ${divisions()[0]?.name}, ${divisions().length} divisions); rebuild it with fixtures/tools/build-geo.ts`,
    );
  return { code, name_zh, name_en, divisions: divisionsFile };
}

function provinceRowOf(file: string, code: string): { name: string; rows: number } {
  let rows: unknown;
  try {
    rows = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ProvinceConfigError(
      'divisions',
      `${file} cannot be read as JSON: ${error instanceof Error ? error.message : error}`,
    );
  }
  if (!Array.isArray(rows)) throw new ProvinceConfigError('divisions', `${file} must hold a JSON array of divisions`);
  const row = rows.find(
    (r): r is { name: string } =>
      typeof r === 'object' && r !== null && (r as { code?: unknown }).code === code && 'name' in r,
  );
  if (row === undefined || (row as { level?: unknown }).level !== 'province')
    throw new ProvinceConfigError('code', `value ${JSON.stringify(code)} is not a province in ${file}`);
  return { name: String(row.name), rows: rows.length };
}
