/**
 * Which functions an analyst's query may call, decided once at start-up from the engine's own catalogue
 * (`system.functions`, `system.aggregate_function_combinators`, `system.table_functions`) intersected with the
 * rules below, so the list matches the ClickHouse that runs the queries: a function the engine does not have is
 * not allowed, and a function the engine gains later is allowed only when its category is one of the pure ones.
 *
 * The rule is an allow-list by category: arithmetic, strings, dates, arrays, JSON, geo, aggregates… compute on
 * the values they are given. Everything else is left out unless hand-picked below: `Other` holds `file`,
 * `getSetting`, `sleep`, `hostName`, `joinGet`, `catboostEvaluate`…; `Dictionary` and `Embedded Dictionary` read
 * dictionaries; `Introspection` reads the server's binary; `AI` calls a language model over the network; `Time
 * Series` keeps state in the query context; aliases (no category) are allowed when what they stand for is.
 */
import type { ClickHouseClient } from '@clickhouse/client';

export interface FunctionRow {
  name: string;
  is_aggregate: number;
  case_insensitive: number;
  alias_to: string;
  categories: string;
  origin: string;
  /** 1 when the function takes lambdas (arrayMap …), 0 when not, null when the engine does not say. */
  higher_order: number | null;
}

/** Categories of `system.functions` whose functions only compute on their arguments. */
export const ALLOWED_CATEGORIES: ReadonlySet<string> = new Set([
  'Aggregate Functions',
  'Arithmetic',
  'Arrays',
  'Bit',
  'Bitmap',
  'Comparison',
  'Conditional',
  'Dates and Times',
  'Distance',
  'Encoding',
  'Encryption',
  'Financial',
  'Geo',
  'Geo Polygon',
  'Hash',
  'IP Address',
  'JSON',
  'Logical',
  'Map',
  'Mathematical',
  'Null',
  'NumericIndexedVector',
  'QBit',
  'Random Number',
  'Rounding',
  'String',
  'String Replacement',
  'String Search',
  'String Splitting',
  'Time Window',
  'Tuple',
  'Type Conversion',
  'URL',
  'UUID',
]);

/** In an allowed category but left out: `chdb()` names the embedded engine, which a server does not have. */
const EXCLUDED: ReadonlySet<string> = new Set(['chdb']);

/**
 * Harmless functions of the categories not allowed wholesale (`Other`, `Internal`): formatting, type
 * inspection, running differences, and the two internal names the parser writes for `::` and `CASE x WHEN`.
 */
export const HAND_PICKED: ReadonlySet<string> = new Set([
  '_CAST',
  'caseWithExpression',
  'MACNumToString',
  'MACStringToNum',
  'MACStringToOUI',
  'bar',
  'byteSize',
  'colorOKLABToSRGB',
  'colorOKLCHToSRGB',
  'colorSRGBToOKLAB',
  'colorSRGBToOKLCH',
  'countDigits',
  'currentDatabase',
  'defaultValueOfArgumentType',
  'defaultValueOfTypeName',
  'errorCodeToName',
  'finalizeAggregation',
  'flipCoordinates',
  'formatReadableDecimalSize',
  'formatReadableQuantity',
  'formatReadableSize',
  'formatReadableTimeDelta',
  'getSizeOfEnumType',
  'getSubcolumn',
  'identity',
  'ignore',
  'indexHint',
  'initializeAggregation',
  'isConstant',
  'isDecimalOverflow',
  'lowCardinalityIndices',
  'lowCardinalityKeys',
  'materialize',
  'minSampleSizeContinuous',
  'minSampleSizeConversion',
  'neighbor',
  'parseReadableSize',
  'parseReadableSizeOrNull',
  'parseReadableSizeOrZero',
  'parseTimeDelta',
  'rowNumberInAllBlocks',
  'rowNumberInBlock',
  'runningAccumulate',
  'runningDifference',
  'runningDifferenceStartingWithFirstValue',
  'throwIf',
  'toColumnTypeName',
  'toTypeName',
  'transform',
  'variantElement',
  'variantType',
  'version',
  'visibleWidth',
]);

/** Names the parser writes for syntax (`x -> y`, `EXISTS (…)`, `GROUPING(…)`, `untuple`) not in the catalogue. */
const SYNTAX_FUNCTIONS: ReadonlySet<string> = new Set(['lambda', 'exists', 'grouping', 'untuple']);

/**
 * Table functions that generate rows from their arguments alone (`merge` is not one: it reads tables unfiltered).
 * `zeros()` and `null()` would be harmless, but ClickHouse refuses both under `readonly = 1`.
 */
export const ALLOWED_TABLE_FUNCTIONS: readonly string[] = [
  'numbers',
  'generate_series',
  'generateSeries',
  'values',
  'view',
];

/** Functions that take an aggregate function's name as their first argument, a string. */
export const AGGREGATE_NAME_TAKERS: ReadonlySet<string> = new Set([
  'arrayReduce',
  'arrayReduceInRanges',
  'initializeAggregation',
]);

export interface Resolved {
  /** The engine knows a function by this name (directly, by alias, case or aggregate combinators). */
  known: boolean;
  allowed: boolean;
  aggregate: boolean;
  /** It may take a function where a lambda is expected, so an identifier argument may name a function. */
  takesFunctions: boolean;
}

const UNKNOWN: Resolved = { known: false, allowed: false, aggregate: false, takesFunctions: false };
/** Aliases and combinators nest a few levels at most; deeper is not a real name. */
const RESOLUTION_DEPTH_MAX = 8;

export class FunctionCatalogue {
  private readonly byName = new Map<string, FunctionRow>();
  /** Case-insensitive functions by their lower-case name (`COUNT`, `Date_Trunc`). */
  private readonly byLowerName = new Map<string, FunctionRow>();
  /** Combinator suffixes, longest first, so `OrNull` is tried before `Null`. */
  private readonly combinators: readonly string[];
  private readonly tableFunctions: ReadonlySet<string>;

  private constructor(
    functions: readonly FunctionRow[],
    combinators: readonly string[],
    tableFunctions: readonly string[],
  ) {
    for (const row of functions) {
      // Functions an operator defined (SQL, executable, WebAssembly) are never allowed: not the engine's own.
      if (row.origin !== 'System') continue;
      this.byName.set(row.name, row);
      if (row.case_insensitive === 1) this.byLowerName.set(row.name.toLowerCase(), row);
    }
    this.combinators = [...combinators].sort((a, b) => b.length - a.length);
    const present = new Set(tableFunctions);
    this.tableFunctions = new Set(ALLOWED_TABLE_FUNCTIONS.filter((name) => present.has(name)));
  }

  static fromRows(
    functions: readonly FunctionRow[],
    combinators: readonly string[],
    tableFunctions: readonly string[],
  ): FunctionCatalogue {
    return new FunctionCatalogue(functions, combinators, tableFunctions);
  }

  /** Reads the engine's catalogue; fails naming what is missing when the engine is too old to say enough. */
  static async load(client: ClickHouseClient): Promise<FunctionCatalogue> {
    const rows = async <T>(query: string): Promise<T[]> =>
      (await client.query({ query, format: 'JSONEachRow' })).json<T>();
    let functions: FunctionRow[];
    try {
      functions = await rows<FunctionRow>(
        'SELECT name, is_aggregate, case_insensitive, alias_to, categories, toString(origin) AS origin, higher_order FROM system.functions',
      );
    } catch (error) {
      throw new Error(
        `the analysts' SQL sandbox needs system.functions with categories and higher_order (ClickHouse 26.x, as chDB embeds): ${(error as Error).message}`,
      );
    }
    for (const needed of ['formatQuerySingleLine', 'tokenizeQuery'])
      if (!functions.some((f) => f.name === needed))
        throw new Error(`the analysts' SQL sandbox needs the ClickHouse function ${needed}, which this server lacks`);
    const combinators = (await rows<{ name: string }>('SELECT name FROM system.aggregate_function_combinators')).map(
      (r) => r.name,
    );
    const tableFunctions = (await rows<{ name: string }>('SELECT name FROM system.table_functions')).map((r) => r.name);
    return new FunctionCatalogue(functions, combinators, tableFunctions);
  }

  resolve(name: string, depth = 0): Resolved {
    if (depth > RESOLUTION_DEPTH_MAX) return UNKNOWN;
    if (SYNTAX_FUNCTIONS.has(name)) return { known: true, allowed: true, aggregate: false, takesFunctions: true };
    const row = this.byName.get(name) ?? this.byLowerName.get(name.toLowerCase());
    if (row !== undefined) return this.resolveRow(row, depth);
    // countIf, sumArrayIf, avgOrNullIf, uniqMerge: an aggregate function with combinators appended.
    for (const combinator of this.combinators) {
      if (name.length <= combinator.length || !name.endsWith(combinator)) continue;
      const base = this.resolve(name.slice(0, -combinator.length), depth + 1);
      if (base.known && base.aggregate) return base;
    }
    return UNKNOWN;
  }

  private resolveRow(row: FunctionRow, depth: number): Resolved {
    if (row.alias_to !== '') {
      const target = this.resolve(row.alias_to, depth + 1);
      return target.known ? target : { ...UNKNOWN, known: true };
    }
    const aggregate = row.is_aggregate === 1;
    const allowed = HAND_PICKED.has(row.name) || (ALLOWED_CATEGORIES.has(row.categories) && !EXCLUDED.has(row.name));
    return { known: true, allowed, aggregate, takesFunctions: !aggregate && row.higher_order !== 0 };
  }

  functionAllowed(name: string): boolean {
    return this.resolve(name).allowed;
  }

  aggregateAllowed(name: string): boolean {
    const resolved = this.resolve(name);
    return resolved.allowed && resolved.aggregate;
  }

  tableFunctionAllowed(name: string): boolean {
    return this.tableFunctions.has(name);
  }

  /** Every name of the engine's catalogue an analyst may call (without combinator forms), for docs and tests. */
  allowedNames(): string[] {
    return [...this.byName.keys(), ...SYNTAX_FUNCTIONS].filter((name) => this.resolve(name).allowed).sort();
  }

  /** Every name of the engine's catalogue an analyst may not call. */
  refusedNames(): string[] {
    return [...this.byName.keys()].filter((name) => !this.resolve(name).allowed).sort();
  }

  allowedTableFunctions(): string[] {
    return [...this.tableFunctions].sort();
  }
}
