/**
 * Analysts' SQL: one statement, parsed by ClickHouse itself and never run to be checked, then run exactly as
 * checked with settings the server sets, on a small pool of sessions of its own shared fairly between analysts.
 *
 *   1. `formatQuerySingleLine({sql:String})`, the analyst's text bound as a parameter: ClickHouse's parser
 *      refuses more than one statement, and answers the canonical text of the one there is. Its lexer
 *      (`tokenizeQuery`) gives the quoted identifiers, refused when they hold control characters.
 *   2. `EXPLAIN AST <canonical>`: the syntax tree, read by explain-tree.ts and checked by statement-check.ts.
 *   3. `<canonical> SETTINGS <the server's settings>`: limits, the caller's row scope, `readonly = 1` last.
 *
 * Sessions carry nothing from one analyst to the next, so they are pooled rather than made per query: every
 * setting is the query's own (its SETTINGS clause, not a session `SET`), and what could leave state on a
 * session — SET, CREATE [TEMPORARY] TABLE, USE, any statement but the reads above — is refused before it runs.
 * A pooled session therefore behaves as a fresh one would (store/analyst-sql/analyst-queries.test.ts proves
 * that one analyst's attempts cannot reach another's results).
 */
import type { ClickHouseClient, DataFormat } from '@clickhouse/client';
import type { TableSpec } from '../../schema/index.js';
import { parseExplainAst } from './explain-tree.js';
import { FairQueue } from './fair-queue.js';
import { FunctionCatalogue } from './function-catalogue.js';
import { checkAnalystSqlLimits, sandboxSettings, type AnalystSqlLimits } from './limits.js';
import { OUTPUT_FORMATS } from './output-formats.js';
import { QueryFailedError, QueryRefusedError, type FailureReason } from './refusals.js';
import { tableFilters, type AnalystCaller } from './row-scope.js';
import { checkStatement, type StatementKind } from './statement-check.js';

export interface AnalystResult {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  /** The result was cut at `resultRowsMax` rows or `resultBytesMax` bytes. */
  truncated: boolean;
  kind: StatementKind;
}

/** An answer in a ClickHouse output format, as ClickHouse wrote it (the ClickHouse-compatible endpoint). */
export interface FormattedResult {
  body: Buffer;
  format: string;
  kind: StatementKind;
}

export interface AnalystQueriesOptions {
  limits: AnalystSqlLimits;
  /** The tables analysts may read, with the org columns their rows are scoped by. */
  tables: readonly TableSpec[];
  /** Views over those tables analysts may read too; the tables' filters apply through them. */
  views: readonly string[];
}

/** ClickHouse's error names for the sandbox's bounds. */
const FAILURE_BY_TYPE: Readonly<Record<string, FailureReason>> = {
  MEMORY_LIMIT_EXCEEDED: 'memory_limit_exceeded',
  TIMEOUT_EXCEEDED: 'time_limit_exceeded',
  TOO_MANY_ROWS: 'read_limit_exceeded',
  TOO_MANY_BYTES: 'read_limit_exceeded',
  TOO_MANY_ROWS_OR_BYTES: 'read_limit_exceeded',
};

/** The server's SETTINGS clause as ClickHouse echoes it in an error message (about the analyst's own text). */
const SETTINGS_ECHO =
  / SETTINGS additional_table_filters = [\s\S]*?session_timezone = 'Asia\/Shanghai'(, readonly = 1)?/g;

/** The engine's time to parse, format and explain a statement of at most `sqlBytesMax` bytes. */
const CHECK_SECONDS_MAX = 10;
const UNSAFE_IN_IDENTIFIER = /[\u0000-\u001f\u007f-\u009f\\]/;

export class AnalystQueries {
  private readonly queue: FairQueue<ClickHouseClient>;
  private readonly relations: ReadonlySet<string>;

  private constructor(
    sessions: readonly ClickHouseClient[],
    private readonly options: AnalystQueriesOptions,
    readonly catalogue: FunctionCatalogue,
    readonly database: string,
    /** The sessions' user is read-only already (a server user with readonly = 2): queries do not set it again. */
    private readonly sessionReadOnly: boolean,
  ) {
    const { limits } = options;
    this.queue = new FairQueue(sessions, {
      runningPerKeyMax: limits.runningPerAnalystMax,
      queuedMax: limits.queuedMax,
      queuedPerKeyMax: limits.queuedPerAnalystMax,
      waitMsMax: limits.queueWaitMsMax,
      retryAfterSeconds: limits.retryAfterSeconds,
    });
    this.relations = new Set([...options.tables.map((t) => t.name), ...options.views]);
  }

  /**
   * `sessions`: one client per concurrent query (`limits.sessions` of them), embedded each on a chDB session of its
   * own; with a ClickHouse server the same client, whose requests are sessions of their own.
   */
  static async open(sessions: readonly ClickHouseClient[], options: AnalystQueriesOptions): Promise<AnalystQueries> {
    checkAnalystSqlLimits(options.limits);
    if (sessions.length !== options.limits.sessions)
      throw new Error(`analysts' SQL got ${sessions.length} sessions for limit sessions ${options.limits.sessions}`);
    const catalogue = await FunctionCatalogue.load(sessions[0]!);
    const result = await sessions[0]!.query({
      query: "SELECT currentDatabase() AS db, toUInt8(getSetting('readonly')) AS readonly",
      format: 'JSONEachRow',
    });
    const [{ db, readonly }] = await result.json<{ db: string; readonly: number }>();
    // readonly = 1 forbids every setting, so the server could not set the limits and the row scope per query.
    if (readonly === 1)
      throw new Error(
        "the analysts' ClickHouse user has readonly = 1, which forbids the settings Vigil sets on each query (limits, row scope); give it readonly = 2 (docs/security.md)",
      );
    return new AnalystQueries(sessions, options, catalogue, db!, readonly === 2);
  }

  get running(): number {
    return this.queue.running;
  }

  get queued(): number {
    return this.queue.queued;
  }

  /** The analyst relations (tables and views) by name. */
  relationNames(): string[] {
    return [...this.relations].sort();
  }

  /**
   * Runs one analyst statement for `caller`. Throws QueryRefusedError (not run), QueryFailedError (ClickHouse
   * stopped it) or AnalystsBusyError (no session in time).
   */
  async run(sql: string, caller: AnalystCaller): Promise<AnalystResult> {
    const bytes = Buffer.byteLength(sql, 'utf8');
    if (bytes > this.options.limits.sqlBytesMax)
      throw new QueryRefusedError(
        'query_too_long',
        `the query has ${bytes} bytes, more than the ${this.options.limits.sqlBytesMax} allowed`,
      );
    return this.queue.run(caller.userKey, (session) => this.runOn(session, sql, caller));
  }

  /**
   * Runs one analyst statement for `caller` and answers in a ClickHouse output format: the one the statement
   * names (`… FORMAT JSON`, from the allowlist of output-formats.ts), else `defaultFormat`. The same checks,
   * row scope and bounds as `run`; the body is ClickHouse's own, cut where the sandbox's bounds cut it.
   */
  async runFormatted(sql: string, caller: AnalystCaller, defaultFormat: string): Promise<FormattedResult> {
    if (!OUTPUT_FORMATS.has(defaultFormat))
      throw new QueryRefusedError('query_refused', `format ${defaultFormat} is not one an analyst may ask for`);
    const bytes = Buffer.byteLength(sql, 'utf8');
    if (bytes > this.options.limits.sqlBytesMax)
      throw new QueryRefusedError(
        'query_too_long',
        `the query has ${bytes} bytes, more than the ${this.options.limits.sqlBytesMax} allowed`,
      );
    return this.queue.run(caller.userKey, async (session) => {
      try {
        const { statement, kind, format } = await this.checked(session, sql, caller, OUTPUT_FORMATS);
        const chosen = format ?? defaultFormat;
        return { body: await this.exec(session, statement, chosen), format: chosen, kind };
      } catch (error) {
        await drain(session);
        throw error;
      }
    });
  }

  private async runOn(session: ClickHouseClient, sql: string, caller: AnalystCaller): Promise<AnalystResult> {
    try {
      const { statement, kind } = await this.checked(session, sql, caller, undefined);
      const text = (await this.exec(session, statement, 'JSONCompactEachRowWithNamesAndTypes')).toString('utf8');
      return { ...this.resultOf(text), kind };
    } catch (error) {
      await drain(session);
      throw error;
    }
  }

  /** Steps 1–2 and the statement step 3 runs: the canonical text (without its FORMAT) and the server's SETTINGS. */
  private async checked(
    session: ClickHouseClient,
    sql: string,
    caller: AnalystCaller,
    outputFormats: ReadonlySet<string> | undefined,
  ): Promise<{ statement: string; kind: StatementKind; format: string | undefined }> {
    let canonical = await this.canonicalText(session, sql);
    const tree = parseExplainAst(await this.explainAst(session, canonical));
    const checked = checkStatement(tree, canonical, {
      catalogue: this.catalogue,
      relations: this.relations,
      database: this.database,
      outputFormats,
    });
    if (checked.format !== undefined) {
      // The format is answered through default_format; its clause leaves the text, which must end with it.
      const clause = ` FORMAT ${checked.format}`;
      if (!canonical.endsWith(clause))
        throw new QueryRefusedError('query_refused', `FORMAT ${checked.format} must end the statement`);
      canonical = canonical.slice(0, -clause.length);
    }
    await this.refuseOtherTables(session, checked.otherTableNames);
    const settings = sandboxSettings(
      this.options.limits,
      tableFilters(this.options.tables, [...this.relations], this.database, caller.orgCodes),
      this.sessionReadOnly,
    );
    // What was checked is what runs: the canonical text, with the server's SETTINGS clause after it.
    return { statement: `${canonical} SETTINGS ${settings}`, kind: checked.kind, format: checked.format };
  }

  /** Step 3, answering ClickHouse's error as QueryFailedError about the analyst's own text. */
  private async exec(session: ClickHouseClient, statement: string, format: string): Promise<Buffer> {
    try {
      return await execBytes(session, statement, format as DataFormat);
    } catch (error) {
      const { type, code, message } = error as { type?: string; code?: string; message: string };
      throw new QueryFailedError(
        FAILURE_BY_TYPE[type ?? ''] ?? 'query_failed',
        message.replace(SETTINGS_ECHO, '').trim(),
        { code: Number(code) || undefined, type },
      );
    }
  }

  /** Step 1: one statement, in ClickHouse's canonical form, with no control characters in its identifiers. */
  private async canonicalText(session: ClickHouseClient, sql: string): Promise<string> {
    let row: { canonical: string; quoted: string[] };
    try {
      const result = await session.query({
        query: `SELECT formatQuerySingleLine({sql:String}) AS canonical,
                  arrayMap(t -> substring(canonical, t.1 + 1, t.2 - t.1),
                           arrayFilter(t -> t.3 = 'QuotedIdentifier', tokenizeQuery(canonical))) AS quoted
                SETTINGS max_execution_time = ${CHECK_SECONDS_MAX}${this.sessionReadOnly ? '' : ', readonly = 1'}`,
        query_params: { sql },
        format: 'JSONEachRow',
      });
      [row] = await result.json<{ canonical: string; quoted: string[] }>();
    } catch (error) {
      const message = (error as Error).message.replace(/:? In scope SELECT formatQuerySingleLine\([\s\S]*$/, '').trim();
      if (/Multi-statements are not allowed/i.test(message))
        throw new QueryRefusedError('multiple_statements', `only one statement may be sent: ${message}`);
      throw new QueryRefusedError('syntax_error', message);
    }
    if (typeof row?.canonical !== 'string' || !Array.isArray(row.quoted))
      throw new Error(`unexpected answer to the statement check: ${JSON.stringify(row).slice(0, 200)}`);
    const unsafe = row.quoted.find((identifier) => UNSAFE_IN_IDENTIFIER.test(identifier));
    if (unsafe !== undefined)
      throw new QueryRefusedError(
        'query_refused',
        `identifiers and aliases may not hold control characters or backslashes: ${JSON.stringify(unsafe)}`,
      );
    return row.canonical;
  }

  /** Step 2: the tree of the canonical statement, as ClickHouse parses it; nothing of it runs. */
  private async explainAst(session: ClickHouseClient, canonical: string): Promise<string> {
    try {
      return await execText(session, `EXPLAIN AST ${canonical}`, 'TabSeparatedRaw');
    } catch (error) {
      throw new QueryRefusedError('query_refused', (error as Error).message);
    }
  }

  /** A name read as a table that is no analyst relation must be the query's own CTE, not a table of the database. */
  private async refuseOtherTables(session: ClickHouseClient, names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    const result = await session.query({
      query: `SELECT name FROM system.tables
              WHERE (database = currentDatabase() OR is_temporary) AND name IN {names:Array(String)}
              LIMIT 1 SETTINGS max_execution_time = ${CHECK_SECONDS_MAX}${this.sessionReadOnly ? '' : ', readonly = 1'}`,
      query_params: { names: [...new Set(names)] },
      format: 'JSONEachRow',
    });
    const [table] = await result.json<{ name: string }>();
    if (table !== undefined)
      throw new QueryRefusedError(
        'table_not_allowed',
        `table_not_allowed: ${table.name}; analysts may read ${this.relationNames().join(', ')}`,
      );
  }

  /** Columns and rows of a JSONCompactEachRowWithNamesAndTypes answer, cut to the row and byte bounds. */
  private resultOf(text: string): Omit<AnalystResult, 'kind'> {
    const { resultRowsMax, resultBytesMax } = this.options.limits;
    const lines = text.split('\n');
    const names = JSON.parse(lines[0] || '[]') as string[];
    const types = JSON.parse(lines[1] || '[]') as string[];
    const rows: unknown[][] = [];
    let bytes = 0;
    let truncated = false;
    for (let i = 2; i < lines.length; i++) {
      const line = lines[i]!;
      if (line === '') continue;
      bytes += line.length + 1;
      if (rows.length === resultRowsMax || bytes > resultBytesMax) {
        truncated = true;
        break;
      }
      rows.push(JSON.parse(line) as unknown[]);
    }
    // ClickHouse itself stops at max_result_bytes (of its own blocks) without saying so; an answer that long was cut.
    if (text.length >= resultBytesMax) truncated = true;
    return { columns: names.map((name, i) => ({ name, type: types[i] ?? '' })), rows, truncated };
  }
}

/**
 * After a query fails, chDB hands what it had already written of its answer (the column names, the first blocks)
 * to the next query of the same session, in front of that query's own answer. One throw-away query takes it, so
 * the next analyst on the session never sees a piece of the last one's result.
 */
export async function drain(session: ClickHouseClient): Promise<void> {
  try {
    await (await session.query({ query: 'SELECT 1', format: 'JSONEachRow' })).text();
  } catch {
    // A session that cannot answer SELECT 1 fails the next query on its own.
  }
}

/**
 * Runs a statement with no FORMAT appended (an EXPLAIN would take it for its inner query) and the output format
 * as `default_format`, which chDB takes as the query's format and a server as the request's: never a session SET.
 */
async function execBytes(session: ClickHouseClient, query: string, format: DataFormat): Promise<Buffer> {
  const result = await session.exec({ query, clickhouse_settings: { default_format: format } });
  const chunks: Buffer[] = [];
  for await (const chunk of result.stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

async function execText(session: ClickHouseClient, query: string, format: DataFormat): Promise<string> {
  return (await execBytes(session, query, format)).toString('utf8');
}
