/**
 * TabSeparated rows for ClickHouse, encoded by a function compiled once per table from its column specs (the way
 * `columns.ts` compiles the record checks). The sinks insert these bytes with the encoder's explicit column list,
 * so the order of the fields never depends on the table's physical column order, which migrations change by
 * adding columns at the end.
 *
 * How each kind is written, and why:
 * - strings (`string`, `lowcard`, `json_text`): as they are, with backslash, tab, line feed and carriage return
 *   escaped (`\\`, `\t`, `\n`, `\r`). Those are what ClickHouse's TSV reader treats specially: a backslash starts
 *   an escape (so the text `\N` is written `\\N` and stays text), a tab ends the field, a line feed the row, and a
 *   carriage return before a line feed is refused or taken as a line ending depending on settings.
 * - integers and Float64: JavaScript's shortest round-trip decimal (`String(n)`), which ClickHouse parses back to
 *   the same number.
 * - Float32: the column holds exactly `Math.fround(value)`. A value that is already a Float32 (`61.5`) is written
 *   as above; any other is rounded first and written with nine significant digits, which name one Float32
 *   unambiguously. Writing such a double's own shortest decimal would let ClickHouse round that decimal to
 *   Float32, which for a double within a hair of the midpoint of two floats picks the other neighbour (a double
 *   rounding, seen on chDB, that JSONEachRow has too).
 * - `datetime_ms`: epoch seconds padded to ten digits, a point and three digits of milliseconds
 *   (`1764300000.123`, `0000000001.500`). ClickHouse reads an unpadded short number as a date
 *   (`1.5` is 2026-05-01) or refuses it (`0.000`), so the padding is what makes every time in range unambiguous.
 *   Sub-millisecond fractions are dropped, as DateTime64(3) holds none.
 * - `datetime_ms_nullable`: the same, or `\N` for null or an omitted value.
 * - `uint32_array`: `[1,2,3]`.
 * - a value that is `undefined` (omitted from the record): an empty field, which the insert reads as the column's
 *   DEFAULT (`input_format_tsv_empty_as_default`, see TSV_INSERT_SETTINGS). ClickHouse stays the one place that
 *   evaluates DEFAULT expressions, whatever they are; the records' checks already refuse an omitted column that
 *   has no default. Because an explicit empty string is also an empty field, a string column may only default
 *   to `''`; the compiler refuses any other string default, naming the column.
 * - `null` in a non-nullable column: `\N`, which ClickHouse reads as the column's default, as it does JSON's null.
 */
import type { ColumnKind, ColumnSpec, ColumnsSpec } from './columns.js';
import type { TableSpec } from './tables.js';

/**
 * Settings every TabSeparated insert of these rows carries in its own SETTINGS clause (never as session
 * settings). `input_format_tsv_detect_header` is on by default and drops a first row whose fields happen to
 * equal the column names as if it were a header: a data row lost. Empty fields must take the column's DEFAULT.
 */
export const TSV_INSERT_SETTINGS = { input_format_tsv_empty_as_default: 1, input_format_tsv_detect_header: 0 } as const;

export interface TsvRowEncoder {
  /** The columns of each row, in the order the fields are written; name them in the INSERT. */
  readonly columns: readonly string[];
  /** One row, without its line feed. */
  encodeRow(record: Readonly<Record<string, unknown>>): string;
  /** Rows, each ended by a line feed, as the bytes of one insert. */
  encodeRows(records: readonly Readonly<Record<string, unknown>>[]): Buffer;
}

type FieldEncoder = (value: unknown) => string;

const compiled = new WeakMap<ColumnsSpec, TsvRowEncoder>();

/** The table's encoder, compiled on first use and kept for the life of its column specs. */
export function tsvEncoderFor(table: Pick<TableSpec, 'name' | 'columns'>): TsvRowEncoder {
  let encoder = compiled.get(table.columns);
  if (encoder === undefined) {
    encoder = compileTsvEncoder(table);
    compiled.set(table.columns, encoder);
  }
  return encoder;
}

export function compileTsvEncoder(table: Pick<TableSpec, 'name' | 'columns'>): TsvRowEncoder {
  const columns = Object.keys(table.columns);
  const fields: FieldEncoder[] = columns.map((name) => compileField(table.name, name, table.columns[name]!));
  const count = columns.length;
  const encodeRow = (record: Readonly<Record<string, unknown>>): string => {
    let line = fields[0]!(record[columns[0]!]);
    for (let i = 1; i < count; i++) line += '\t' + fields[i]!(record[columns[i]!]);
    return line;
  };
  return { columns, encodeRow, encodeRows: (records) => writeRows(encodeRow, records) };
}

/** A first guess of a row's size; the buffer doubles when rows are longer. */
const ROW_BYTES_GUESS = 128;
/** Rows joined into one string before it is written into the buffer. */
const ROWS_PER_WRITE = 128;

/**
 * Joins rows into short strings of ROWS_PER_WRITE rows and writes each into one growing buffer. One string for
 * the whole batch costs about four times as much CPU per row at 20,000 rows (flattening the long string), and a
 * buffer write per row pays the call into the encoder for every row; chunks measured fastest at 2,500 to 20,000
 * rows.
 */
function writeRows(
  encodeRow: (record: Readonly<Record<string, unknown>>) => string,
  records: readonly Readonly<Record<string, unknown>>[],
): Buffer {
  let buffer = Buffer.allocUnsafe(Math.max(1, records.length) * ROW_BYTES_GUESS);
  let used = 0;
  let chunk = '';
  const flush = (): void => {
    // A UTF-16 code unit takes at most three bytes of UTF-8.
    const bytesMax = chunk.length * 3;
    if (used + bytesMax > buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(buffer.length * 2, used + bytesMax));
      buffer.copy(grown, 0, 0, used);
      buffer = grown;
    }
    used += buffer.write(chunk, used);
    chunk = '';
  };
  for (let i = 0; i < records.length; i++) {
    chunk += encodeRow(records[i]!) + '\n';
    if (i % ROWS_PER_WRITE === ROWS_PER_WRITE - 1) flush();
  }
  flush();
  return buffer.subarray(0, used);
}

function compileField(tableName: string, name: string, spec: ColumnSpec): FieldEncoder {
  const kind: ColumnKind = spec.kind;
  if (kind === 'string' || kind === 'lowcard' || kind === 'json_text') {
    if (spec.defaultExpression !== undefined && spec.defaultExpression.trim() !== "''") {
      throw new Error(
        `column ${tableName}.${name} default ${spec.defaultExpression} is not allowed: a string column may only default to '' ` +
          `(TabSeparated cannot tell an omitted value from an explicit empty string)`,
      );
    }
    return (value) => (typeof value === 'string' ? escapeTsv(value) : missingOrNull(value));
  }
  if (kind === 'datetime_ms' || kind === 'datetime_ms_nullable') {
    const nullable = kind === 'datetime_ms_nullable';
    return (value) => {
      if (typeof value === 'number') return tsvDateTimeMs(value);
      return nullable ? '\\N' : missingOrNull(value);
    };
  }
  if (kind === 'uint32_array') {
    return (value) => (Array.isArray(value) ? `[${value.join(',')}]` : missingOrNull(value));
  }
  if (kind === 'float32') return (value) => (typeof value === 'number' ? tsvFloat32(value) : missingOrNull(value));
  return (value) => (typeof value === 'number' ? String(value) : missingOrNull(value));
}

/** An omitted value is an empty field (the column's DEFAULT); null is `\N` (the DEFAULT of a non-nullable column). */
function missingOrNull(value: unknown): string {
  return value === null ? '\\N' : '';
}

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Escapes the characters ClickHouse's TSV reader treats specially; most strings have none and pass as they are. */
export function escapeTsv(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIAL_ALL, (c) => ESCAPES[c]!) : text;
}

const ZEROS = '0000000000';

/** Epoch milliseconds as `SSSSSSSSSS.mmm`, seconds padded to ten digits (see the module comment). */
export function tsvDateTimeMs(epochMs: number): string {
  const ms = Math.floor(epochMs);
  const seconds = Math.floor(ms / 1000);
  const fraction = ms - seconds * 1000;
  const s = String(seconds);
  const padded = s.length < 10 ? ZEROS.slice(s.length) + s : s;
  return padded + (fraction < 10 ? '.00' : fraction < 100 ? '.0' : '.') + fraction;
}

/** A Float32 column's text: the value itself when it is a Float32, else `Math.fround(value)` to nine digits. */
export function tsvFloat32(value: number): string {
  const rounded = Math.fround(value);
  return rounded === value ? String(value) : rounded.toPrecision(9);
}
