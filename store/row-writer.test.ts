/**
 * The TabSeparated insert path on a real chDB, for every analyst table: random records (odd strings, extreme
 * numbers within the checks' bounds, nulls, empty arrays, omitted defaulted columns) written through the table's
 * encoder and the embedded writer must read back as the values the records hold, and exactly as the same records
 * inserted as JSONEachRow into a twin table. The TSV twin has its columns in another physical order and one more
 * column added by a migration, so the explicit column list is what puts every field in its place.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '@clickhouse/client';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANALYTICS_TABLES,
  checkRecord,
  column,
  createTableStatement,
  quoteIdentifier,
  tsvEncoderFor,
  type ColumnKind,
  type ColumnSpec,
  type TableSpec,
} from '../schema/index.js';
import { openAnalytics, type Analytics } from './clickhouse.js';
import { serverRowWriter } from './row-writer.js';

let dataDir: string;
let analytics: Analytics;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-row-writer-'));
  analytics = await openAnalytics({ kind: 'embedded', dataDir });
});

afterAll(async () => {
  await analytics.close();
  rmSync(dataDir, { recursive: true, force: true });
});

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

const ODD_STRINGS = [
  '',
  'a',
  '\t',
  '\n',
  '\r',
  '\r\n',
  '\\',
  '\\\\',
  '\\N',
  'N',
  '\\t',
  'a\tb',
  'x\ny',
  'trailing\\',
  '"double"',
  "'single'",
  '`tick`',
  '豫A12345',
  '郑州→洛阳',
  '😀🚚',
  'e\u0301',
  '\u0000nul',
  '\b\f\v',
  ' spaced ',
  '{"k":"v\\n","n":[1,2]}',
  '[1,2]',
  'NULL',
  'null',
  'terminal_id',
  '1764300000.123',
  '-0',
  'ÿ',
  '\u2028',
];

/** The kinds' own bounds, as `schema/columns.ts` has them; the checks confirm every generated record. */
const KIND_RANGE: Partial<Record<ColumnKind, readonly [number, number]>> = {
  uint8: [0, 0xff],
  uint16: [0, 0xffff],
  uint32: [0, 0xffffffff],
  uint64: [0, Number.MAX_SAFE_INTEGER],
  int32: [-0x80000000, 0x7fffffff],
  float32: [-3.4e38, 3.4e38],
  float64: [-Number.MAX_VALUE, Number.MAX_VALUE],
  datetime_ms: [0, 4102444800000],
  datetime_ms_nullable: [0, 4102444800000],
  uint32_array: [0, 0xffffffff],
};

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function randomString(random: () => number, spec: ColumnSpec): string {
  for (let attempt = 0; attempt < 20; attempt++) {
    const candidate =
      random() < 0.6
        ? pick(random, ODD_STRINGS)
        : pick(random, ODD_STRINGS) + pick(random, ODD_STRINGS) + pick(random, ODD_STRINGS);
    if (!spec.pattern || spec.pattern.test(candidate)) return candidate;
  }
  // Patterned ids: digits of a length the pattern takes (`^\d{6}$`, `^\d{1,20}$`), or a plain id.
  for (const length of [6, 1 + Math.floor(random() * 20), 11]) {
    const digits = Array.from({ length }, () => Math.floor(random() * 10)).join('');
    if (spec.pattern!.test(digits)) return digits;
  }
  return 'id-1';
}

function randomNumber(random: () => number, spec: ColumnSpec, kind: ColumnKind): number {
  const [kindMin, kindMax] = KIND_RANGE[kind]!;
  const min = spec.min ?? kindMin;
  const max = spec.max ?? kindMax;
  const integer = kind !== 'float32' && kind !== 'float64';
  const roll = random();
  if (roll < 0.12) return min;
  if (roll < 0.24) return max;
  if (roll < 0.3) return Math.max(min, Math.min(max, 0));
  if (integer) {
    if (roll < 0.4) return Math.min(max, min + Math.floor(random() * 1000));
    return Math.floor(min + random() * (max - min));
  }
  const tiny =
    kind === 'float32'
      ? [1e-45, 1.1754943508222875e-38, Math.fround(0.1), 16777217]
      : [5e-324, 2.2250738585072014e-308, 0.1, 9007199254740993];
  if (roll < 0.45) {
    const value = pick(random, tiny) * (random() < 0.5 ? -1 : 1);
    if (value >= min && value <= max) return value;
  }
  const r = random();
  // Written so that the full Float64 range does not overflow to Infinity.
  const value = min * (1 - r) + max * r;
  // Half of the Float32 values are exactly representable, half are doubles the column rounds.
  return kind === 'float32' && random() < 0.5 && Math.fround(value) >= min && Math.fround(value) <= max
    ? Math.fround(value)
    : value;
}

function randomRecord(random: () => number, table: TableSpec): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(table.columns)) {
    if (spec.defaultExpression !== undefined && random() < 0.3) continue;
    const kind = spec.kind;
    if (kind === 'datetime_ms_nullable') {
      const roll = random();
      if (roll < 0.15) continue;
      record[name] = roll < 0.4 ? null : randomNumber(random, spec, kind);
    } else if (kind === 'string' || kind === 'lowcard' || kind === 'json_text') {
      record[name] = randomString(random, spec);
    } else if (kind === 'uint32_array') {
      const length = random() < 0.3 ? 0 : Math.floor(random() * 6);
      record[name] = Array.from({ length }, () => randomNumber(random, spec, kind));
    } else {
      record[name] = randomNumber(random, spec, kind);
    }
  }
  return record;
}

/** A twin of `table` under another name, as plain MergeTree (no merges collapse rows, no TTL drops them). */
async function createTwin(table: TableSpec, name: string, columnOrder: readonly string[]): Promise<void> {
  const columns = Object.fromEntries(columnOrder.map((column) => [column, table.columns[column]!]));
  const twin: TableSpec = {
    name,
    description: table.description,
    columns,
    engine: 'MergeTree',
    orderBy: 'tuple()',
    settings: { non_replicated_deduplication_window: 100 },
  };
  await analytics.client.command({ query: createTableStatement(twin) });
  // A column a later migration added: not in the insert's column list, so it takes its default.
  await analytics.client.command({
    query: `ALTER TABLE ${quoteIdentifier(name)} ADD COLUMN added_later String DEFAULT 'added'`,
  });
}

/** What the column should hold for a record, as `valueExpression` reads it back. */
function expectedValue(spec: ColumnSpec, value: unknown): unknown {
  const kind = spec.kind;
  if (value === undefined) {
    if (kind === 'datetime_ms_nullable') return null;
    if (kind === 'string' || kind === 'lowcard' || kind === 'json_text') return '';
    if (kind === 'uint32_array') return JSON.parse(spec.defaultExpression!) as number[];
    if (kind === 'datetime_ms') return Number(/\((\d+\.\d+)/.exec(spec.defaultExpression!)![1]) * 1000;
    return kind === 'float32' ? Math.fround(Number(spec.defaultExpression)) : Number(spec.defaultExpression);
  }
  if (kind === 'float32') return Math.fround(value as number);
  if (kind === 'datetime_ms' || kind === 'datetime_ms_nullable')
    return value === null ? null : Math.floor(value as number);
  return value;
}

/** Reads a column back in a form JavaScript compares exactly. */
function valueExpression(name: string, spec: ColumnSpec): string {
  const column = quoteIdentifier(name);
  if (spec.kind === 'datetime_ms' || spec.kind === 'datetime_ms_nullable') return `toUnixTimestamp64Milli(${column})`;
  if (spec.kind === 'float32') return `toFloat64(${column})`;
  return column;
}

function normalize(value: unknown): unknown {
  // 64-bit integers come back quoted; compare them as numbers.
  if (typeof value === 'string' && /^-?\d+$/.test(value) && value.length > 15) return Number(value);
  return value;
}

function roundFloat32(table: TableSpec, record: Record<string, unknown>): Record<string, unknown> {
  const rounded = { ...record };
  for (const [name, spec] of Object.entries(table.columns)) {
    if (spec.kind === 'float32' && typeof record[name] === 'number') rounded[name] = Math.fround(record[name]);
  }
  return rounded;
}

const sortKey = (value: unknown): string => JSON.stringify(value);

/**
 * Every kind with a default other than the type's own zero: an omitted value must take the column's DEFAULT
 * expression, not 0 or an empty array (the analyst tables' defaults happen to be zeros, which would hide that).
 */
const DEFAULTS_TABLE: TableSpec = {
  name: 'defaults_probe',
  description: 'every kind, with non-zero defaults',
  columns: {
    id: column('string', 'id'),
    note: column('string', 'note', { defaultExpression: "''" }),
    small: column('uint8', 'small', { defaultExpression: '7' }),
    wide: column('uint64', 'wide', { defaultExpression: '9007199254740991' }),
    signed: column('int32', 'signed', { defaultExpression: '-5' }),
    ratio: column('float32', 'ratio', { defaultExpression: '2.5' }),
    precise: column('float64', 'precise', { defaultExpression: '0.1' }),
    at: column('datetime_ms', 'at', { defaultExpression: "toDateTime64(1764300000.123, 3, 'Asia/Shanghai')" }),
    ended: column('datetime_ms_nullable', 'ended'),
    weights: column('uint32_array', 'weights', { defaultExpression: '[1, 2]' }),
    label: column('lowcard', 'label'),
  },
  engine: 'MergeTree',
  orderBy: 'tuple()',
};

describe('TabSeparated inserts on chDB', () => {
  for (const table of [...ANALYTICS_TABLES, DEFAULTS_TABLE]) {
    it(`${table.name}: random records read back as written, and as JSONEachRow writes them`, async () => {
      const seed = 0x7a5 + table.name.length * 7919;
      const random = prng(seed);
      const records = Array.from({ length: 300 }, () => randomRecord(random, table));
      for (const record of records)
        expect(checkRecord(table.columns, record), `seed ${seed}: ${JSON.stringify(record)}`).toBeNull();
      const names = Object.keys(table.columns);
      const tsvTwin = `${table.name}__tsv`;
      const jsonTwin = `${table.name}__json`;
      // The TSV twin's physical order is the spec's reversed: only the column list puts fields in place.
      await createTwin(table, tsvTwin, [...names].reverse());
      await createTwin(table, jsonTwin, names);
      const encoder = tsvEncoderFor(table);
      await analytics.writer.insertTabSeparated(tsvTwin, encoder.columns, encoder.encodeRows(records), `tsv-${seed}`);
      // JSONEachRow rounds a Float32 column's value from its decimal text, which for a double within a hair of the
      // midpoint of two floats gives the other neighbour than Math.fround; the TSV encoder writes Math.fround(value)
      // (checked column by column below), so the twin gets the same Float32 values to compare whole rows.
      const asJson = records.map((record) => roundFloat32(table, record));
      await analytics.client.insert({ table: jsonTwin, values: asJson, format: 'JSONEachRow' });

      // Column by column, the TSV twin holds exactly the records' values (as multisets: MergeTree keeps no order).
      const expressions = names.map((name) => valueExpression(name, table.columns[name]!));
      const stored = await analytics.queryInternal(
        `SELECT ${expressions.join(', ')}, added_later FROM ${quoteIdentifier(tsvTwin)}`,
      );
      expect(stored.rows).toHaveLength(records.length);
      names.forEach((name, i) => {
        const spec = table.columns[name]!;
        const got = stored.rows
          .map((row) => normalize(row[i]))
          .map(sortKey)
          .sort();
        const want = records
          .map((record) => expectedValue(spec, record[name]))
          .map(sortKey)
          .sort();
        expect(got, `${table.name}.${name}, seed ${seed}`).toEqual(want);
      });
      expect(new Set(stored.rows.map((row) => row[names.length]))).toEqual(new Set(['added']));

      // Whole rows, TSV against JSONEachRow.
      const all = names.map(quoteIdentifier).join(', ');
      const tsvRows = await analytics.queryInternal(
        `SELECT ${all}, added_later FROM ${quoteIdentifier(tsvTwin)} ORDER BY ALL`,
      );
      const jsonRows = await analytics.queryInternal(
        `SELECT ${all}, added_later FROM ${quoteIdentifier(jsonTwin)} ORDER BY ALL`,
      );
      expect(tsvRows.rows).toEqual(jsonRows.rows);
    });
  }

  it('keeps a first row whose fields equal the column names: no header is guessed', async () => {
    // ClickHouse takes such a row for a header and skips it unless told not to guess: a table of strings only.
    const table: TableSpec = {
      name: 'notes',
      description: 'strings only',
      columns: {
        source: column('lowcard', 'source'),
        reason: column('lowcard', 'reason'),
        raw: column('string', 'raw'),
      },
      engine: 'MergeTree',
      orderBy: 'tuple()',
    };
    const twin = 'notes__header';
    await createTwin(table, twin, Object.keys(table.columns));
    const encoder = tsvEncoderFor(table);
    const record = Object.fromEntries(encoder.columns.map((name) => [name, name]));
    await analytics.writer.insertTabSeparated(
      twin,
      encoder.columns,
      encoder.encodeRows([record, { ...record, reason: 'second' }]),
      'header-like',
    );
    const stored = await analytics.queryInternal(`SELECT reason FROM ${twin} ORDER BY reason`);
    expect(stored.rows.map((row) => row[0])).toEqual(['reason', 'second']);
  });

  it('drops an insert repeated under the same token, and keeps one under another token', async () => {
    const table = ANALYTICS_TABLES.find((t) => t.name === 'telemetry')!;
    const twin = 'telemetry__tokens';
    await createTwin(table, twin, Object.keys(table.columns));
    const encoder = tsvEncoderFor(table);
    const random = prng(42);
    const body = encoder.encodeRows(Array.from({ length: 10 }, () => randomRecord(random, table)));
    await analytics.writer.insertTabSeparated(twin, encoder.columns, body, 'token-a');
    await analytics.writer.insertTabSeparated(twin, encoder.columns, body, 'token-a');
    await analytics.writer.insertTabSeparated(twin, encoder.columns, body, 'token-b');
    const stored = await analytics.queryInternal(`SELECT count() FROM ${twin}`);
    expect(Number(stored.rows[0]![0])).toBe(20);
  });
});

describe('TabSeparated inserts to a ClickHouse server', () => {
  it('sends the column list, the format and the insert settings on the request, and the rows as they are', async () => {
    // An HTTP endpoint that answers as ClickHouse does to an insert and keeps what it was sent: no ClickHouse
    // server runs in CI, so this holds the request the client builds from the writer's arguments.
    const received: { url: string; body: string }[] = [];
    const server = createServer((request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ url: request.url ?? '', body: Buffer.concat(chunks).toString() });
        response.writeHead(200, { 'Content-Type': 'text/plain', 'X-ClickHouse-Summary': '{}' });
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = createClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    try {
      const table = ANALYTICS_TABLES.find((t) => t.name === 'telemetry')!;
      const encoder = tsvEncoderFor(table);
      const body = encoder.encodeRows(Array.from({ length: 3 }, (_, i) => randomRecord(prng(i), table)));
      await serverRowWriter(client).insertTabSeparated(table.name, encoder.columns, body, 'token-1');
      expect(received).toHaveLength(1);
      const url = new URL(received[0]!.url, 'http://localhost');
      const query = url.searchParams.get('query') ?? '';
      expect(query).toContain(`INSERT INTO telemetry (${encoder.columns.join(', ')}) FORMAT TabSeparated`);
      expect(url.searchParams.get('insert_deduplication_token')).toBe('token-1');
      expect(url.searchParams.get('insert_deduplicate')).toBe('1');
      expect(url.searchParams.get('input_format_tsv_empty_as_default')).toBe('1');
      expect(url.searchParams.get('input_format_tsv_detect_header')).toBe('0');
      expect(received[0]!.body).toBe(body.toString());
    } finally {
      await client.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
