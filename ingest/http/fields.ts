/**
 * Reading the fields of one source record. Sources name things their own way, so each reader returns either
 * a value or a named reason with a detail the source can act on.
 */
import { timeTextMs } from './china-time.js';
import { checkRecord, countyAt, isWithin, plateProblem, retentionProblem, type TableSpec } from '../../schema/index.js';

export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string; detail: string };

export function ok<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function fail<T = never>(reason: string, detail: string): Outcome<T> {
  return { ok: false, reason, detail };
}

/** Thrown inside a normalizer to stop at the first problem; caught by `normalizeWith`. */
export class RecordProblem extends Error {
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(detail);
  }
}

export function normalizeWith<T>(build: () => T): Outcome<T> {
  try {
    return ok(build());
  } catch (error) {
    if (error instanceof RecordProblem) return fail(error.reason, error.message);
    throw error;
  }
}

export type SourceRecord = Record<string, unknown>;

/**
 * Refuses a normalized row its table would not store: the table's own column bounds and its retention are the
 * last word, so nothing the sink would refuse (or the TTL delete at once) reaches the log.
 */
export function refuseUnstorable(table: TableSpec, row: object, nowMs: number): void {
  const fields = row as Record<string, unknown>;
  const problem = checkRecord(table.columns, fields) ?? retentionProblem(table, fields, nowMs);
  if (problem) throw new RecordProblem(problem.reason, problem.detail);
}

export function asRecord(value: unknown): SourceRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new RecordProblem(
      'not_an_object',
      `record must be a JSON object, got ${Array.isArray(value) ? 'array' : typeof value}`,
    );
  return value as SourceRecord;
}

/** The first of `names` that is present (sources disagree on field names, e.g. camera_id vs device_id). */
function pick(record: SourceRecord, names: readonly string[]): unknown {
  for (const name of names) if (record[name] !== undefined && record[name] !== null) return record[name];
  return undefined;
}

export function requiredText(record: SourceRecord, names: readonly string[], reason: string, lengthMax = 128): string {
  const value = pick(record, names);
  if (value === undefined || value === '') throw new RecordProblem(reason, `${names[0]} is required`);
  if (typeof value !== 'string' && typeof value !== 'number')
    throw new RecordProblem(reason, `${names[0]} must be a string, got ${typeof value}`);
  const text = String(value).trim();
  if (text === '') throw new RecordProblem(reason, `${names[0]} is required`);
  if (text.length > lengthMax)
    throw new RecordProblem(`bad_${names[0]}`, `${names[0]} is longer than ${lengthMax} characters`);
  return text;
}

export function optionalText(record: SourceRecord, names: readonly string[], lengthMax = 512): string {
  const value = pick(record, names);
  if (value === undefined) return '';
  if (typeof value !== 'string' && typeof value !== 'number')
    throw new RecordProblem(`bad_${names[0]}`, `${names[0]} must be a string, got ${typeof value}`);
  const text = String(value).trim();
  if (text.length > lengthMax)
    throw new RecordProblem(`bad_${names[0]}`, `${names[0]} is longer than ${lengthMax} characters`);
  return text;
}

export function optionalNumber(
  record: SourceRecord,
  names: readonly string[],
  fallback: number,
  min: number,
  max: number,
  reason = `bad_${names[0]}`,
): number {
  const value = pick(record, names);
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw new RecordProblem(reason, `${names[0]} must be a number, got ${JSON.stringify(value)}`);
  if (n < min || n > max) throw new RecordProblem(reason, `${names[0]} ${n} is outside [${min}, ${max}]`);
  return n;
}

/** An optional count (axles, lanes, people): a whole number within the bounds. */
export function wholeNumber(
  record: SourceRecord,
  names: readonly string[],
  fallback: number,
  min: number,
  max: number,
  reason = `bad_${names[0]}`,
): number {
  const n = optionalNumber(record, names, fallback, min, max, reason);
  if (!Number.isInteger(n)) throw new RecordProblem(reason, `${names[0]} ${n} is not a whole number`);
  return n;
}

/** A required count: missing is its own reason, so a source can tell a forgotten field from a wrong one. */
export function requiredWholeNumber(
  record: SourceRecord,
  names: readonly string[],
  min: number,
  max: number,
  missingReason: string,
  badReason = `bad_${names[0]}`,
): number {
  if (pick(record, names) === undefined) throw new RecordProblem(missingReason, `${names[0]} is required`);
  return wholeNumber(record, names, 0, min, max, badReason);
}

/**
 * Weights per axle (`axle_weights_kg`), front to back, as many as `axles`; [] when not given. A weighing that
 * lists another number of axles than it counted measured something else, so it is refused.
 */
export function weightsOf(record: SourceRecord, axles: number): number[] {
  const weights = record.axle_weights_kg;
  if (weights === undefined || weights === null) return [];
  if (
    !Array.isArray(weights) ||
    weights.some((w) => typeof w !== 'number' || !Number.isFinite(w) || w < 0 || w > 100_000)
  ) {
    throw new RecordProblem('bad_weight', 'axle_weights_kg must be an array of weights in kg within [0, 100000]');
  }
  if (weights.length !== axles)
    throw new RecordProblem('axle_count_mismatch', `axle_weights_kg has ${weights.length} weights for ${axles} axles`);
  return (weights as number[]).map((w) => Math.round(w));
}

export function requiredNumber(
  record: SourceRecord,
  names: readonly string[],
  min: number,
  max: number,
  missingReason: string,
  badReason = `bad_${names[0]}`,
): number {
  if (pick(record, names) === undefined) throw new RecordProblem(missingReason, `${names[0]} is required`);
  return optionalNumber(record, names, 0, min, max, badReason);
}

const SEPARATORS = /[\s·•\-_.]/g;

/** A plate as Vigil keys it: upper case, without the separators people and cameras put in. */
export function normalizePlate(text: string): string {
  return text.replace(SEPARATORS, '').toUpperCase();
}

const PLATE_FIELDS = ['plate', 'plate_no'];

/**
 * Refuses a plate holding invisible or control characters (schema/plates.ts), as sent: before trimming and
 * normalizing, which would quietly drop some of them and keep others.
 */
function refuseInvisible(record: SourceRecord, names: readonly string[]): void {
  const value = pick(record, names);
  if (typeof value !== 'string') return;
  const problem = plateProblem(value, names[0]);
  if (problem) throw new RecordProblem(problem.reason, problem.detail);
}

export function requiredPlate(record: SourceRecord): string {
  refuseInvisible(record, PLATE_FIELDS);
  const plate = normalizePlate(requiredText(record, PLATE_FIELDS, 'missing_plate', 32));
  if (plate.length < 2 || plate.length > 16)
    throw new RecordProblem('bad_plate', `plate ${JSON.stringify(plate)} is not 2-16 characters`);
  return plate;
}

/** A plate that may be missing (''), normalized like a required one. */
export function optionalPlate(record: SourceRecord, names: readonly string[] = PLATE_FIELDS): string {
  refuseInvisible(record, names);
  const text = optionalText(record, names, 32);
  return text === '' ? '' : normalizePlate(text);
}

/** JT/T 415 plate colours by code; sources also send the names. */
const PLATE_COLOR_NAMES: Record<string, number> = {
  blue: 1,
  yellow: 2,
  black: 3,
  white: 4,
  green: 5,
  蓝: 1,
  黄: 2,
  黑: 3,
  白: 4,
  绿: 5,
  蓝色: 1,
  黄色: 2,
  黑色: 3,
  白色: 4,
  绿色: 5,
};

export function plateColor(record: SourceRecord, required: boolean): number {
  const value = pick(record, ['plate_color', 'plate_colour']);
  if (value === undefined || value === '') {
    if (required) throw new RecordProblem('missing_plate_color', 'plate_color is required');
    return 0;
  }
  if (typeof value === 'string' && PLATE_COLOR_NAMES[value.trim().toLowerCase()] !== undefined)
    return PLATE_COLOR_NAMES[value.trim().toLowerCase()];
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 9)
    throw new RecordProblem(
      'bad_plate_color',
      `plate_color ${JSON.stringify(value)} is not a JT/T 415 code 0-9 or a colour name`,
    );
  return n;
}

const EARLIEST_MS = Date.UTC(2000, 0, 1);

/**
 * An event time: epoch milliseconds, epoch seconds (a number below 1e11), or ISO-8601 — with an offset as given,
 * without one (`YYYY-MM-DD HH:mm:ss`, `2026-11-28T09:30`, a date alone) as China Standard Time (UTC+8), as Chinese
 * sources send it, whatever the server's own time zone (china-time.ts).
 */
export function parseTime(value: unknown, field: string, nowMs: number, futureSkewMsMax: number): number {
  let ms: number;
  if (typeof value === 'number') {
    ms = value < 1e11 ? value * 1000 : value;
  } else if (typeof value === 'string' && value.trim() !== '') {
    const text = value.trim();
    if (/^\d+$/.test(text)) return parseTime(Number(text), field, nowMs, futureSkewMsMax);
    ms = timeTextMs(text, field);
  } else if (value === undefined || value === null || value === '') {
    throw new RecordProblem('bad_time', `${field} is required`);
  } else {
    throw new RecordProblem('bad_time', `${field} must be epoch ms or an ISO-8601 string, got ${typeof value}`);
  }
  if (!Number.isFinite(ms)) throw new RecordProblem('bad_time', `${field} ${JSON.stringify(value)} is not a time`);
  if (ms < EARLIEST_MS) throw new RecordProblem('bad_time', `${field} ${JSON.stringify(value)} is before 2000-01-01`);
  if (ms > nowMs + futureSkewMsMax)
    throw new RecordProblem(
      'time_in_future',
      `${field} ${new Date(ms).toISOString()} is more than ${futureSkewMsMax} ms ahead of the server clock`,
    );
  return Math.round(ms);
}

export function eventTime(record: SourceRecord, nowMs: number, futureSkewMsMax: number): number {
  return parseTime(pick(record, ['time', 'ts', 'event_time']), 'time', nowMs, futureSkewMsMax);
}

export function coversOrg(scopeCode: string, code: string): boolean {
  return scopeCode === code || isWithin(code, scopeCode);
}

/**
 * The division a device or record belongs to: the record's own `org_code` if it names one inside the key's
 * scope, else the county at its coordinates when that is inside the scope, else the key's own org unit.
 */
export function orgCodeOf(record: SourceRecord, keyOrgCode: string, lon: number, lat: number): string {
  const given = optionalText(record, ['org_code'], 6);
  if (given !== '') {
    if (!/^\d{6}$/.test(given))
      throw new RecordProblem('bad_org_code', `org_code ${JSON.stringify(given)} is not a 6-digit division code`);
    if (!coversOrg(keyOrgCode, given))
      throw new RecordProblem(
        'org_out_of_scope',
        `org_code ${given} is outside the sender's org unit ${keyOrgCode} (its source key's or uploader's)`,
      );
    return given;
  }
  if (lat !== 0 || lon !== 0) {
    const county = cachedCountyAt(lon, lat);
    if (county !== undefined && coversOrg(keyOrgCode, county)) return county;
  }
  return keyOrgCode;
}

/** Roadside devices stand still, so their coordinates repeat: remembering the county of each spares the polygon search. */
const COUNTY_CACHE_ENTRIES_MAX = 20_000;
const countyCache = new Map<string, string | undefined>();

function cachedCountyAt(lon: number, lat: number): string | undefined {
  const key = `${lon},${lat}`;
  if (countyCache.has(key)) return countyCache.get(key);
  const code = countyAt(lon, lat)?.code;
  if (countyCache.size >= COUNTY_CACHE_ENTRIES_MAX) countyCache.clear();
  countyCache.set(key, code);
  return code;
}

export function coordinates(record: SourceRecord): { lat: number; lon: number } {
  const lat = optionalNumber(record, ['lat', 'latitude'], 0, -90, 90, 'lat_out_of_range');
  const lon = optionalNumber(record, ['lon', 'lng', 'longitude'], 0, -180, 180, 'lon_out_of_range');
  return { lat, lon };
}

/** The coordinates of one of a record's places (`entry_lat`, `entry_lon`), 0 when not given. */
export function coordinatesOf(record: SourceRecord, prefix: string): { lat: number; lon: number } {
  const lat = optionalNumber(record, [`${prefix}lat`], 0, -90, 90, 'lat_out_of_range');
  const lon = optionalNumber(record, [`${prefix}lon`], 0, -180, 180, 'lon_out_of_range');
  return { lat, lon };
}
