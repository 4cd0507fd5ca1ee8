/**
 * Whether one parsed statement is one an analyst may run. It allows, it does not block: the statement must be
 * a SELECT (with WITH, UNION, INTERSECT, EXCEPT), an EXPLAIN of one, a DESCRIBE, `SHOW TABLES` or
 * `SHOW CREATE TABLE`; every node of its tree must be of a kind a query needs; every table one of the analyst
 * relations (or a name the query defines itself, see `otherTableNames`); every function allowed by the
 * catalogue, in the place it is used (a table function under FROM, any other function elsewhere). Settings are
 * the server's: a SETTINGS clause anywhere, even in a subquery, is refused.
 *
 * Pure: it reads the tree ClickHouse printed for the statement (explain-tree.ts) and the canonical text, no I/O.
 */
import { AGGREGATE_NAME_TAKERS, type FunctionCatalogue } from './function-catalogue.js';
import { nameOf, type AstNode } from './explain-tree.js';
import { QueryRefusedError } from './refusals.js';

export interface CheckContext {
  catalogue: FunctionCatalogue;
  /** The analyst tables and views, by bare name. */
  relations: ReadonlySet<string>;
  /** The database the relations live in; the only one a qualified name may name. */
  database: string;
  /**
   * Output formats a SELECT may name in a `FORMAT` clause (the ClickHouse-compatible endpoint answers in it);
   * none where the API answers in JSON of its own.
   */
  outputFormats?: ReadonlySet<string>;
}

export type StatementKind = 'select' | 'explain' | 'describe' | 'show_tables' | 'show_create_table';

export interface CheckedStatement {
  kind: StatementKind;
  /**
   * Bare names read as tables that are not analyst relations: names of the query's own CTEs (`WITH x AS (…)`),
   * which EXPLAIN AST does not print. The caller refuses the statement when one of them is a table of the
   * database after all.
   */
  otherTableNames: string[];
  /** The output format the statement names (`… FORMAT JSON`), when the context allows one. */
  format?: string;
}

/** Node kinds of the statements allowed; anything else in a tree is refused by name. */
const QUERY_NODE_TYPES: ReadonlySet<string> = new Set([
  'SelectWithUnionQuery',
  'SelectIntersectExceptQuery',
  'SelectQuery',
  'ExpressionList',
  'Literal',
  'Identifier',
  'Function',
  'Asterisk',
  'QualifiedAsterisk',
  'ColumnsRegexpMatcher',
  'ColumnsListMatcher',
  'QualifiedColumnsRegexpMatcher',
  'QualifiedColumnsListMatcher',
  'ColumnsTransformerList',
  'ColumnsExceptTransformer',
  'ColumnsReplaceTransformer',
  'ColumnsReplaceTransformer::Replacement',
  'TablesInSelectQuery',
  'TablesInSelectQueryElement',
  'TableExpression',
  'TableIdentifier',
  'TableJoin',
  'ArrayJoin',
  'Subquery',
  'WithElement',
  'OrderByElement',
  'WindowDefinition',
  'WindowListElement',
  'SampleRatio',
  'InterpolateElement',
]);

/** Node kinds refused with a reason of their own. */
const REFUSED_NODES: ReadonlyMap<string, string> = new Map([
  ['ColumnsApplyTransformer', 'APPLY is not allowed: it calls a function by a name the check cannot see'],
  ['QueryParameter', 'query parameters ({name:Type}) are not allowed'],
]);

/** EXPLAIN kinds allowed: they show how a query would run. ESTIMATE would tell row counts past the row scope. */
const EXPLAIN_KINDS: ReadonlySet<string> = new Set([
  'EXPLAIN',
  'EXPLAIN PLAN',
  'EXPLAIN AST',
  'EXPLAIN SYNTAX',
  'EXPLAIN QUERY TREE',
  'EXPLAIN PIPELINE',
]);

/** `in`, `notIn`, `globalNullIn`, …: their right side may name a table. */
const IN_FUNCTION = /^(global)?(not)?(null)?in(ignoreset)?$/;
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const ALLOWED_STATEMENTS =
  'SELECT (with WITH, UNION, INTERSECT, EXCEPT), EXPLAIN, DESCRIBE, SHOW TABLES, SHOW CREATE TABLE';

export function checkStatement(root: AstNode, canonical: string, context: CheckContext): CheckedStatement {
  const check = new Walk(context);
  switch (root.type) {
    case 'SelectWithUnionQuery': {
      const format = outputFormatOf(root, context);
      // The format's name is no part of the query: walked without it, the rest is checked as always.
      check.walk(format === undefined ? root : { ...root, children: root.children.slice(0, 1) });
      return { kind: 'select', otherTableNames: check.otherTableNames, ...(format === undefined ? {} : { format }) };
    }
    case 'Explain': {
      if (!EXPLAIN_KINDS.has(root.detail))
        throw refused(`${root.detail} is not allowed; use one of ${[...EXPLAIN_KINDS].join(', ')}`);
      if (root.children.some((child) => child.type === 'Set'))
        throw new QueryRefusedError('settings_not_allowed', 'EXPLAIN options (EXPLAIN indexes = 1 …) are not allowed');
      const explained = root.children[0];
      // Beyond the explained query, the node holds INTO OUTFILE's file name and FORMAT's name.
      if (root.children.length > 1) throw refused('INTO OUTFILE and FORMAT are not allowed: the API answers in JSON');
      if (explained?.type !== 'SelectWithUnionQuery')
        throw refused(`only a SELECT may be explained, not ${explained?.type ?? 'nothing'}`);
      check.walk(explained);
      return { kind: 'explain', otherTableNames: check.otherTableNames };
    }
    case 'DescribeQuery':
      if (root.children.length !== 1 || root.children[0]!.type !== 'TableExpression')
        throw refused('DESCRIBE takes one table or subquery, without SETTINGS');
      check.walk(root.children[0]!);
      return { kind: 'describe', otherTableNames: check.otherTableNames };
    case 'ShowTables':
      if (canonical !== 'SHOW TABLES') throw refused(`only SHOW TABLES is allowed, not ${canonical}`);
      return { kind: 'show_tables', otherTableNames: [] };
    case 'ShowCreateTableQuery':
      check.showCreateTable(root, canonical);
      return { kind: 'show_create_table', otherTableNames: [] };
    case 'Set':
      throw new QueryRefusedError('settings_not_allowed', 'SET is not allowed: the server sets every query’s settings');
    default:
      throw refused(`${root.type} statements are not allowed; an analyst may run ${ALLOWED_STATEMENTS}`);
  }
}

/**
 * `SELECT … FORMAT JSON`: the tree's second child is the format's name. Only a name of the allowlist, only where
 * the context allows formats, and never beside INTO OUTFILE (whose file name would be the second child).
 */
function outputFormatOf(root: AstNode, context: CheckContext): string | undefined {
  const formats = context.outputFormats;
  const [list, second, ...rest] = root.children;
  if (formats === undefined || list?.type !== 'ExpressionList' || second?.type !== 'Identifier' || rest.length > 0)
    return undefined;
  const name = nameOf(second);
  if (name === undefined || !formats.has(name))
    throw refused(
      `FORMAT ${second.detail} is not allowed; the formats an analyst may ask for: ${[...formats].join(', ')}`,
    );
  return name;
}

class Walk {
  readonly otherTableNames: string[] = [];

  constructor(private readonly context: CheckContext) {}

  /** Every node under `top`, iteratively: a deep tree cannot overflow the stack. */
  walk(top: AstNode): void {
    const stack: { node: AstNode; parent: AstNode | undefined }[] = [{ node: top, parent: undefined }];
    while (stack.length > 0) {
      const { node, parent } = stack.pop()!;
      this.visit(node, parent);
      for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i]!, parent: node });
    }
  }

  private visit(node: AstNode, parent: AstNode | undefined): void {
    if (node.type === 'Set')
      throw new QueryRefusedError('settings_not_allowed', 'a SETTINGS clause is not allowed: the server sets them');
    const refusal = REFUSED_NODES.get(node.type);
    if (refusal !== undefined) throw refused(refusal);
    if (!QUERY_NODE_TYPES.has(node.type)) throw refused(`${node.type} is not allowed in an analyst's query`);
    switch (node.type) {
      case 'SelectWithUnionQuery':
        if (node.children.some((child) => child.type === 'Set'))
          throw new QueryRefusedError('settings_not_allowed', 'a SETTINGS clause is not allowed: the server sets them');
        // Beyond its list of SELECTs, the node holds INTO OUTFILE's file name and FORMAT's name.
        if (node.children.length !== 1 || node.children[0]!.type !== 'ExpressionList')
          throw refused('INTO OUTFILE and FORMAT are not allowed: the API answers in JSON');
        return;
      case 'Function':
        return this.visitFunction(node, parent);
      case 'TableIdentifier':
        return this.table(nameOf(node), 'FROM');
      default:
        return;
    }
  }

  private visitFunction(node: AstNode, parent: AstNode | undefined): void {
    const name = nameOf(node);
    if (name === undefined || !PLAIN_NAME.test(name))
      throw new QueryRefusedError('function_not_allowed', `function_not_allowed: ${node.detail}`);
    const catalogue = this.context.catalogue;
    if (parent?.type === 'TableExpression') {
      if (!catalogue.tableFunctionAllowed(name))
        throw new QueryRefusedError(
          'function_not_allowed',
          `function_not_allowed: table function ${name}; allowed: ${catalogue.allowedTableFunctions().join(', ')}`,
        );
      return;
    }
    const resolved = catalogue.resolve(name);
    if (!resolved.allowed) throw new QueryRefusedError('function_not_allowed', `function_not_allowed: ${name}`);
    const args = node.children[0]?.type === 'ExpressionList' ? node.children[0].children : [];
    if (IN_FUNCTION.test(name.toLowerCase()) && args[1]?.type === 'Identifier') this.table(nameOf(args[1]), 'IN');
    if (AGGREGATE_NAME_TAKERS.has(name)) this.aggregateName(name, args[0]);
    if (resolved.takesFunctions)
      // arrayMap(file, …) calls file() on each element: an identifier where a lambda may be names a function.
      for (const arg of args) {
        const argName = arg.type === 'Identifier' ? nameOf(arg) : undefined;
        if (argName === undefined || argName.includes('.')) continue;
        const argFunction = catalogue.resolve(argName);
        if (argFunction.known && !argFunction.allowed)
          throw new QueryRefusedError('function_not_allowed', `function_not_allowed: ${argName} (passed to ${name})`);
      }
  }

  /** `arrayReduce('sum', …)`: the name must be a plain string naming an allowed aggregate, parameters numbers. */
  private aggregateName(taker: string, arg: AstNode | undefined): void {
    const match =
      arg?.type === 'Literal'
        ? /^'([A-Za-z_][A-Za-z0-9_]*)(\([0-9., ]*\))?'(?: \(alias .*\))?$/.exec(arg.detail)
        : null;
    if (match === null)
      throw new QueryRefusedError(
        'function_not_allowed',
        `function_not_allowed: ${taker} takes an aggregate function's name as a plain string`,
      );
    if (!this.context.catalogue.aggregateAllowed(match[1]!))
      throw new QueryRefusedError('function_not_allowed', `function_not_allowed: ${match[1]} (passed to ${taker})`);
  }

  private table(name: string | undefined, where: string): void {
    const parts = name?.split('.') ?? [];
    if (name === undefined || parts.length > 2 || !parts.every((part) => PLAIN_NAME.test(part)))
      throw new QueryRefusedError('table_not_allowed', `table_not_allowed: ${name ?? 'an unreadable name'} (${where})`);
    const [database, table] = parts.length === 2 ? parts : [undefined, parts[0]!];
    if (database !== undefined) {
      if (database !== this.context.database || !this.context.relations.has(table!))
        throw new QueryRefusedError('table_not_allowed', `table_not_allowed: ${name}; ${this.allowedRelations()}`);
      return;
    }
    if (!this.context.relations.has(table!)) this.otherTableNames.push(table!);
  }

  showCreateTable(root: AstNode, canonical: string): void {
    if (!canonical.startsWith('SHOW CREATE TABLE '))
      throw refused(`only SHOW CREATE TABLE is allowed, not ${canonical}`);
    const names = root.children.map((child) => (child.type === 'Identifier' ? nameOf(child) : undefined));
    if (names.length < 1 || names.length > 2 || names.some((n) => n === undefined))
      throw refused('SHOW CREATE TABLE takes one table name');
    const qualified = names.join('.');
    this.table(qualified, 'SHOW CREATE TABLE');
    if (this.otherTableNames.length > 0)
      throw new QueryRefusedError('table_not_allowed', `table_not_allowed: ${qualified}; ${this.allowedRelations()}`);
  }

  private allowedRelations(): string {
    return `analysts may read ${[...this.context.relations].sort().join(', ')}`;
  }
}

function refused(message: string): QueryRefusedError {
  return new QueryRefusedError('query_refused', message);
}
