import { describe, expect, it } from 'vitest';
import {
  checkRecord,
  checkRecordGeneric,
  column,
  compileRecordCheck,
  type ColumnKind,
  type ColumnsSpec,
} from './columns.js';
import { ANALYTICS_TABLES } from './tables.js';

/** A small deterministic generator, so that a failure names a seed that reproduces it. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_VALUES: unknown[] = [
  undefined,
  null,
  NaN,
  Infinity,
  -Infinity,
  -1,
  0,
  1,
  1.5,
  -0.5,
  255,
  256,
  65535,
  65536,
  0xffffffff,
  2 ** 32,
  -(2 ** 31),
  -(2 ** 31) - 1,
  2 ** 31,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  3.5e38,
  -3.5e38,
  4102444800000,
  4102444800001,
  90,
  90.0001,
  -180.5,
  '',
  'x',
  '410100',
  '41010',
  '13800138000',
  'a'.repeat(129),
  '12345678901234567890',
  '123456789012345678901',
  true,
  false,
  {},
  [],
  [1, 2],
  [1, -1],
  [1.5],
  ['1'],
  [2 ** 32],
  [null],
  10n,
];

/** A table with every kind, with and without tighter bounds, patterns, reasons and defaults. */
const EVERY_KIND: ColumnsSpec = {
  s: column('string', 's', { pattern: /^\d{6}$/, reason: 'bad_s' }),
  s2: column('string', 's2'),
  lc: column('lowcard', 'lc', { defaultExpression: "''" }),
  j: column('json_text', 'j'),
  u8: column('uint8', 'u8'),
  u16: column('uint16', 'u16', { max: 1000 }),
  u32: column('uint32', 'u32', { reason: 'bad_u32' }),
  u64: column('uint64', 'u64', { defaultExpression: '0' }),
  i32: column('int32', 'i32', { min: -10, max: 10 }),
  f32: column('float32', 'f32'),
  f64: column('float64', 'f64', { min: -180, max: 180, reason: 'lon_out_of_range' }),
  t: column('datetime_ms', 't'),
  tn: column('datetime_ms_nullable', 'tn'),
  a: column('uint32_array', 'a', { max: 100000 }),
};

const VALID: Record<ColumnKind, unknown> = {
  string: '410100',
  lowcard: 'x',
  json_text: '{}',
  uint8: 7,
  uint16: 7,
  uint32: 7,
  uint64: 7,
  int32: -3,
  float32: 1.25,
  float64: 34.7,
  datetime_ms: 1_790_000_000_000,
  datetime_ms_nullable: null,
  uint32_array: [1, 2, 3],
};

function randomRecord(columns: ColumnsSpec, next: () => number): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  const entries = Object.entries(columns);
  // About one odd value per record, so that both answers come up and problems in later columns are reached.
  const oddChance = 1 / entries.length;
  for (const [field, spec] of entries) {
    record[field] = next() >= oddChance ? VALID[spec.kind] : ODD_VALUES[Math.floor(next() * ODD_VALUES.length)];
  }
  return record;
}

describe('compiled record check', () => {
  const tables: [string, ColumnsSpec][] = [
    ['every_kind', EVERY_KIND],
    ...ANALYTICS_TABLES.map((t): [string, ColumnsSpec] => [t.name, t.columns]),
  ];

  it.each(tables)('answers exactly as the generic check over random records (%s)', (_name, columns) => {
    const compiled = compileRecordCheck(columns);
    const next = prng(0x5eed);
    let rejected = 0;
    for (let i = 0; i < 5_000; i++) {
      const record = randomRecord(columns, next);
      const expected = checkRecordGeneric(columns, record);
      expect(
        compiled(record),
        JSON.stringify(record, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)),
      ).toEqual(expected);
      expect(checkRecord(columns, record)).toEqual(expected);
      if (expected !== null) rejected++;
    }
    // The set exercises both answers.
    expect(rejected).toBeGreaterThan(100);
    expect(rejected).toBeLessThan(5_000);
  });

  it('answers exactly as the generic check for every odd value in every column', () => {
    const compiled = compileRecordCheck(EVERY_KIND);
    const base = Object.fromEntries(Object.entries(EVERY_KIND).map(([field, spec]) => [field, VALID[spec.kind]]));
    expect(compiled(base)).toBeNull();
    for (const field of Object.keys(EVERY_KIND)) {
      for (const value of ODD_VALUES) {
        const record = { ...base, [field]: value };
        expect(compiled(record)).toEqual(checkRecordGeneric(EVERY_KIND, record));
      }
    }
  });

  it('keeps the named reasons and details', () => {
    const compiled = compileRecordCheck(EVERY_KIND);
    const base = Object.fromEntries(Object.entries(EVERY_KIND).map(([field, spec]) => [field, VALID[spec.kind]]));
    expect(compiled({ ...base, f64: 181 })).toEqual({
      field: 'f64',
      reason: 'lon_out_of_range',
      detail: 'f64 181 is outside [-180, 180]',
    });
    expect(compiled({ ...base, s: '4101' })).toEqual({
      field: 's',
      reason: 'bad_s',
      detail: 's "4101" does not match /^\\d{6}$/',
    });
    expect(compiled({ ...base, u8: undefined })).toEqual({
      field: 'u8',
      reason: 'missing_u8',
      detail: 'u8 is required',
    });
    expect(compiled({ ...base, a: [1, 2.5] })).toEqual({
      field: 'a',
      reason: 'invalid_a',
      detail: 'a 2.5 is not an integer',
    });
    expect(compiled({ ...base, lc: undefined, u64: undefined, tn: undefined })).toBeNull();
  });
});
