/**
 * Column specifications: the one place a stored field is described. The ClickHouse DDL, the TypeScript row
 * types and the record validators are all derived from these, so a field is never written down twice.
 */

export type ColumnKind =
  | 'string'
  | 'lowcard'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'int32'
  | 'float32'
  | 'float64'
  | 'datetime_ms'
  | 'datetime_ms_nullable'
  | 'json_text'
  | 'uint32_array';

interface KindInfo {
  clickhouseType: string;
  /** Smallest and largest accepted numeric value, when the kind is numeric. */
  range?: readonly [number, number];
}

export const SHANGHAI_TIMEZONE = 'Asia/Shanghai';

const KINDS: Record<ColumnKind, KindInfo> = {
  string: { clickhouseType: 'String' },
  lowcard: { clickhouseType: 'LowCardinality(String)' },
  uint8: { clickhouseType: 'UInt8', range: [0, 0xff] },
  uint16: { clickhouseType: 'UInt16', range: [0, 0xffff] },
  uint32: { clickhouseType: 'UInt32', range: [0, 0xffffffff] },
  uint64: { clickhouseType: 'UInt64', range: [0, Number.MAX_SAFE_INTEGER] },
  int32: { clickhouseType: 'Int32', range: [-0x80000000, 0x7fffffff] },
  float32: { clickhouseType: 'Float32', range: [-3.4e38, 3.4e38] },
  float64: { clickhouseType: 'Float64', range: [-Number.MAX_VALUE, Number.MAX_VALUE] },
  // Times travel as epoch milliseconds; the column shows them in China Standard Time to analysts.
  datetime_ms: { clickhouseType: `DateTime64(3, '${SHANGHAI_TIMEZONE}')`, range: [0, 4102444800000] },
  datetime_ms_nullable: {
    clickhouseType: `Nullable(DateTime64(3, '${SHANGHAI_TIMEZONE}'))`,
    range: [0, 4102444800000],
  },
  json_text: { clickhouseType: 'String' },
  // Short lists of measurements, e.g. the per-axle weights of a weigh-in-motion reading.
  uint32_array: { clickhouseType: 'Array(UInt32)', range: [0, 0xffffffff] },
};

export interface ColumnSpec<K extends ColumnKind = ColumnKind> {
  kind: K;
  description: string;
  /** Tighter bounds than the kind's own, e.g. latitude within ±90. */
  min?: number;
  max?: number;
  /** A string column that must match this pattern. */
  pattern?: RegExp;
  /** The name of the rejection reason used when this column is out of bounds. */
  reason?: string;
  /** ClickHouse DEFAULT expression; a column with a default may be omitted from a record. */
  defaultExpression?: string;
  codec?: string;
}

export type ColumnsSpec = Record<string, ColumnSpec>;

type ValueOfKind<K extends ColumnKind> = K extends 'string' | 'lowcard' | 'json_text'
  ? string
  : K extends 'datetime_ms_nullable'
    ? number | null
    : K extends 'uint32_array'
      ? number[]
      : number;

/** The TypeScript shape of one row of a table described by `C`. */
export type RowOf<C extends ColumnsSpec> = { [N in keyof C]: ValueOfKind<C[N]['kind']> };

export function clickhouseTypeOf(kind: ColumnKind): string {
  return KINDS[kind].clickhouseType;
}

export function column<K extends ColumnKind>(
  kind: K,
  description: string,
  options: Omit<ColumnSpec<K>, 'kind' | 'description'> = {},
): ColumnSpec<K> {
  return { kind, description, ...options };
}

export interface FieldProblem {
  field: string;
  reason: string;
  detail: string;
}

/** Checks one record against its column specifications: the first problem found, or null. */
export type RecordCheck = (record: Record<string, unknown>) => FieldProblem | null;

const compiledChecks = new WeakMap<ColumnsSpec, RecordCheck>();

/**
 * Checks one record against its column specifications. Returns the first problem found, or null. The reason
 * is the column's own named reason where it has one (`lat_out_of_range`), else a generic one naming the field.
 * Runs the table's compiled check (see compileRecordCheck), made on first use: this is on every ingest path.
 */
export function checkRecord(columns: ColumnsSpec, record: Record<string, unknown>): FieldProblem | null {
  let check = compiledChecks.get(columns);
  if (check === undefined) {
    check = compileRecordCheck(columns);
    compiledChecks.set(columns, check);
  }
  return check(record);
}

type ValueCheck = (value: unknown) => FieldProblem | null;

/**
 * Compiles the checks of a table once: one closure per column with its bounds, reason and kind resolved, so a
 * valid record costs one property read and a few comparisons per column, with no allocation. It answers
 * exactly as checkRecordGeneric does (same order, reasons and details), which the schema tests hold it to.
 */
export function compileRecordCheck(columns: ColumnsSpec): RecordCheck {
  const fields = Object.keys(columns);
  const checks: ValueCheck[] = fields.map((field) => compileValueCheck(field, columns[field]!));
  const optional: boolean[] = fields.map(
    (field) => columns[field]!.defaultExpression !== undefined || columns[field]!.kind === 'datetime_ms_nullable',
  );
  const count = fields.length;
  return (record) => {
    for (let i = 0; i < count; i++) {
      const field = fields[i]!;
      const value = record[field];
      if (value === undefined) {
        if (optional[i]) continue;
        return { field, reason: `missing_${field}`, detail: `${field} is required` };
      }
      const problem = checks[i]!(value);
      if (problem !== null) return problem;
    }
    return null;
  };
}

function compileValueCheck(field: string, spec: ColumnSpec): ValueCheck {
  const reason = spec.reason ?? `invalid_${field}`;
  const bad = (detail: string): FieldProblem => ({ field, reason, detail });
  const kind = spec.kind;
  if (kind === 'string' || kind === 'lowcard' || kind === 'json_text') {
    const pattern = spec.pattern;
    return (value) => {
      if (typeof value !== 'string') return bad(`${field} must be a string, got ${typeof value}`);
      if (pattern && !pattern.test(value)) return bad(`${field} ${JSON.stringify(value)} does not match ${pattern}`);
      return null;
    };
  }
  if (kind === 'uint32_array') {
    const item = compileNumberCheck(field, { ...spec, kind: 'uint32' }, bad);
    return (value) => {
      if (!Array.isArray(value)) return bad(`${field} must be an array of numbers, got ${typeof value}`);
      for (let i = 0; i < value.length; i++) {
        const problem = item(value[i]);
        if (problem !== null) return problem;
      }
      return null;
    };
  }
  const number = compileNumberCheck(field, spec, bad);
  if (kind === 'datetime_ms_nullable') return (value) => (value === null ? null : number(value));
  return number;
}

function compileNumberCheck(field: string, spec: ColumnSpec, bad: (detail: string) => FieldProblem): ValueCheck {
  const [kindMin, kindMax] = KINDS[spec.kind].range ?? [-Infinity, Infinity];
  const min = spec.min ?? kindMin;
  const max = spec.max ?? kindMax;
  const integer = spec.kind.startsWith('uint') || spec.kind === 'int32';
  return (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value))
      return bad(`${field} must be a finite number, got ${String(value)}`);
    if (value < min || value > max) return bad(`${field} ${value} is outside [${min}, ${max}]`);
    if (integer && !Number.isInteger(value)) return bad(`${field} ${value} is not an integer`);
    return null;
  };
}

/**
 * The reference check: walks the specifications generically on every call. Kept as the definition the
 * compiled check is tested against; the ingest paths use checkRecord.
 */
export function checkRecordGeneric(columns: ColumnsSpec, record: Record<string, unknown>): FieldProblem | null {
  for (const [field, spec] of Object.entries(columns)) {
    const value = record[field];
    if (value === undefined) {
      if (spec.defaultExpression !== undefined || spec.kind === 'datetime_ms_nullable') continue;
      return { field, reason: `missing_${field}`, detail: `${field} is required` };
    }
    const problem = checkValue(field, spec, value);
    if (problem) return problem;
  }
  return null;
}

function checkValue(field: string, spec: ColumnSpec, value: unknown): FieldProblem | null {
  const bad = (detail: string): FieldProblem => ({ field, reason: spec.reason ?? `invalid_${field}`, detail });
  if (spec.kind === 'datetime_ms_nullable' && value === null) return null;
  if (spec.kind === 'string' || spec.kind === 'lowcard' || spec.kind === 'json_text') {
    if (typeof value !== 'string') return bad(`${field} must be a string, got ${typeof value}`);
    if (spec.pattern && !spec.pattern.test(value))
      return bad(`${field} ${JSON.stringify(value)} does not match ${spec.pattern}`);
    return null;
  }
  if (spec.kind === 'uint32_array') {
    if (!Array.isArray(value)) return bad(`${field} must be an array of numbers, got ${typeof value}`);
    for (const item of value as unknown[]) {
      const problem = checkValue(field, { ...spec, kind: 'uint32' }, item);
      if (problem) return problem;
    }
    return null;
  }
  if (typeof value !== 'number' || !Number.isFinite(value))
    return bad(`${field} must be a finite number, got ${String(value)}`);
  const [kindMin, kindMax] = KINDS[spec.kind].range ?? [-Infinity, Infinity];
  const min = spec.min ?? kindMin;
  const max = spec.max ?? kindMax;
  if (value < min || value > max) return bad(`${field} ${value} is outside [${min}, ${max}]`);
  if (spec.kind.startsWith('uint') || spec.kind === 'int32') {
    if (!Number.isInteger(value)) return bad(`${field} ${value} is not an integer`);
  }
  return null;
}
