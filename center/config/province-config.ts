/**
 * The province a node supervises: its division code, its names and its reference — the divisions file (codes,
 * names, English names, seats, plate prefixes per city) and the boundaries file (the outlines the county lookup
 * and the wall's map use). Henan's committed files are the default. It is read once at start-up (from
 * `<data-dir>/province.json` when that file exists) and checked before anything uses it: a bad value stops the
 * node with a ProvinceConfigError naming the key, the value and what was expected — in the files too (a county
 * outside its city, a ring that is not closed, a city without its plate prefix), never half applied.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  checkProvinceReference,
  HENAN_PROVINCE_CODE,
  henanReference,
  ProvinceReferenceError,
  type ProvinceReference,
} from '../../schema/index.js';

export interface ProvinceSetting {
  /** 6-digit division code of the province (GB/T 2260), e.g. 410000. */
  code: string;
  /** Chinese name as in the divisions file, e.g. 河南省. */
  name_zh: string;
  /** English (pinyin) name, e.g. Henan. */
  name_en: string;
  /** The divisions file: JSON rows of code, name, nameEn, level, parentCode, seatLonLatDeg, platePrefix, … */
  divisions: string;
  /** The boundaries file: a GeoJSON FeatureCollection with one MultiPolygon per division of the divisions file. */
  boundaries: string;
}

/** The setting with the checked reference every lookup of the node will answer from. */
export interface Province extends ProvinceSetting {
  reference: ProvinceReference;
}

/** The file the node reads its province from, in its data dir; absent means PROVINCE_DEFAULT. */
export const PROVINCE_FILE_NAME = 'province.json';
/** The file where a data dir keeps the province it was first started with (written by the node, not by hand). */
export const PROVINCE_KEPT_FILE_NAME = 'province-of-data.json';

const reference = (file: string): string => fileURLToPath(new URL(`../../schema/reference/${file}`, import.meta.url));

export const PROVINCE_DEFAULT: Readonly<ProvinceSetting> = Object.freeze({
  code: HENAN_PROVINCE_CODE,
  name_zh: '河南省',
  name_en: 'Henan',
  divisions: reference('henan-divisions.json'),
  boundaries: reference('henan-geo.json'),
});

const KEYS: readonly (keyof ProvinceSetting)[] = ['code', 'name_zh', 'name_en', 'divisions', 'boundaries'];
/** A reference file larger than this is not a province's (Henan's boundaries take 640 KB). */
const REFERENCE_FILE_BYTES_MAX = 64 * 1024 * 1024;

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
 * Henan. Files left out are Henan's; a code or name left out is the divisions file's province's. Throws
 * ProvinceConfigError on anything unknown or inconsistent.
 */
export function loadProvince(dataDir: string, given?: Partial<ProvinceSetting>): Province {
  const file = path.join(dataDir, PROVINCE_FILE_NAME);
  const raw = given ?? (existsSync(file) ? readProvinceFile(file) : {});
  return checkProvince(raw, path.dirname(file));
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

/** Checks every key and loads the reference; relative file paths are taken from `baseDir`. */
export function checkProvince(given: Record<string, unknown>, baseDir: string): Province {
  for (const key of Object.keys(given))
    if (!(KEYS as readonly string[]).includes(key))
      throw new ProvinceConfigError(key, `unknown key (known: ${KEYS.join(', ')})`);
  for (const key of KEYS)
    if (given[key] !== undefined && (typeof given[key] !== 'string' || given[key] === ''))
      throw new ProvinceConfigError(key, `value ${JSON.stringify(given[key])} must be a non-empty string`);
  const setting = given as Partial<ProvinceSetting>;
  // Another province's divisions with Henan's boundaries can only be a mistake: both files or neither.
  if ((setting.divisions === undefined) !== (setting.boundaries === undefined)) {
    const missing = setting.divisions === undefined ? 'divisions' : 'boundaries';
    const present = missing === 'divisions' ? 'boundaries' : 'divisions';
    throw new ProvinceConfigError(missing, `value absent while ${present} is given: name both files of the province`);
  }
  const divisionsFile = path.resolve(baseDir, setting.divisions ?? PROVINCE_DEFAULT.divisions);
  const boundariesFile = path.resolve(baseDir, setting.boundaries ?? PROVINCE_DEFAULT.boundaries);
  const code = setting.code ?? (setting.divisions === undefined ? PROVINCE_DEFAULT.code : undefined);
  if (code !== undefined && !/^\d{2}0000$/.test(code))
    throw new ProvinceConfigError(
      'code',
      `value ${JSON.stringify(code)} is not a province code (6 digits ending 0000)`,
    );
  // Henan's own files are parsed and checked already (schema/reference/henan.ts, read before the configuration by
  // whatever asked for a division first): the same files give the same reference, and handing back that one object
  // keeps what the lookups built from it (useProvinceReference) instead of reading and checking 640 KB again.
  const henan = divisionsFile === PROVINCE_DEFAULT.divisions && boundariesFile === PROVINCE_DEFAULT.boundaries;
  const rows = henan
    ? checkedReference(henanReference, divisionsFile, boundariesFile).divisions
    : readJson(divisionsFile, 'divisions');
  const province = provinceRowOf(rows, divisionsFile, code);
  const name_zh = setting.name_zh ?? province.name;
  if (province.name !== name_zh)
    throw new ProvinceConfigError(
      'name_zh',
      `value ${JSON.stringify(name_zh)} differs from the divisions file's ${JSON.stringify(province.name)}`,
    );
  const checked = henan
    ? henanReference()
    : checkedReference(
        () => checkProvinceReference(rows, readJson(boundariesFile, 'boundaries')),
        divisionsFile,
        boundariesFile,
      );
  return {
    code: province.code,
    name_zh,
    name_en: setting.name_en ?? checked.divisions[0]!.nameEn!,
    divisions: divisionsFile,
    boundaries: boundariesFile,
    reference: checked,
  };
}

function checkedReference(
  check: () => ProvinceReference,
  divisionsFile: string,
  boundariesFile: string,
): ProvinceReference {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof ProvinceReferenceError)) throw error;
    const file = error.file === 'divisions' ? divisionsFile : boundariesFile;
    throw new ProvinceConfigError(error.file, `${file}: ${error.message}`);
  }
}

function readJson(file: string, key: 'divisions' | 'boundaries'): unknown {
  try {
    const bytes = statSync(file).size;
    if (bytes > REFERENCE_FILE_BYTES_MAX)
      throw new Error(`${bytes} bytes is more than max allowed ${REFERENCE_FILE_BYTES_MAX}`);
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ProvinceConfigError(
      key,
      `${file} cannot be read as JSON: ${error instanceof Error ? error.message : error}`,
    );
  }
}

/** The province row of the divisions file: the one with `code` when given, else its only province row. */
function provinceRowOf(rows: unknown, file: string, code: string | undefined): { code: string; name: string } {
  if (!Array.isArray(rows)) throw new ProvinceConfigError('divisions', `${file} must hold a JSON array of divisions`);
  const provinces = rows.filter(
    (r): r is { code: string; name: string } =>
      typeof r === 'object' &&
      r !== null &&
      (r as { level?: unknown }).level === 'province' &&
      typeof (r as { code?: unknown }).code === 'string' &&
      typeof (r as { name?: unknown }).name === 'string',
  );
  const row = code === undefined ? provinces[0] : provinces.find((r) => r.code === code);
  if (row === undefined)
    throw new ProvinceConfigError(
      'code',
      code === undefined
        ? `value absent and ${file} holds no province row to take it from`
        : `value ${JSON.stringify(code)} is not a province in ${file}`,
    );
  return { code: row.code, name: row.name };
}

/**
 * Binds `dataDir` to `province`: the first start writes the province's code and name into the data dir, every
 * later start must supervise the same province. A data dir holds one province's telemetry, org units, accounts and
 * alarms (all stamped with its division codes); started with another province it would mix two provinces' rows
 * under codes neither reference knows, so the start is refused, naming both provinces and the data dir.
 */
export function keepProvinceOfDataDir(dataDir: string, province: Pick<ProvinceSetting, 'code' | 'name_zh'>): void {
  const file = path.join(dataDir, PROVINCE_KEPT_FILE_NAME);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify({ code: province.code, name_zh: province.name_zh })}\n`, { mode: 0o644 });
    return;
  }
  let kept: { code?: unknown; name_zh?: unknown };
  try {
    kept = JSON.parse(readFileSync(file, 'utf8')) as { code?: unknown; name_zh?: unknown };
  } catch (error) {
    throw new ProvinceConfigError('code', `${file} is not JSON (${error instanceof Error ? error.message : error})`);
  }
  if (typeof kept?.code !== 'string')
    throw new ProvinceConfigError('code', `${file} holds no province code; it is written by the node, restore it`);
  if (kept.code !== province.code)
    throw new ProvinceConfigError(
      'code',
      `value ${JSON.stringify(province.code)} (${province.name_zh}) differs from ${kept.code} ` +
        `(${String(kept.name_zh ?? '?')}), the province the data dir ${dataDir} was first started with: ` +
        `a data dir holds one province's data; start it with that province's configuration or use another data dir`,
    );
}
