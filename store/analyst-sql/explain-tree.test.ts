/**
 * The EXPLAIN AST reader on trees as ClickHouse prints them, and on the ambiguities an identifier with a line
 * feed would cause: every inconsistency is refused, never guessed at.
 */
import { describe, expect, it } from 'vitest';
import { nameOf, parseExplainAst, type AstNode } from './explain-tree.js';
import { QueryRefusedError } from './refusals.js';

const SELECT_COUNT = [
  'SelectWithUnionQuery (children 1)',
  ' ExpressionList (children 1)',
  '  SelectQuery (children 2)',
  '   ExpressionList (children 1)',
  '    Function count (alias n) (children 1)',
  '     ExpressionList',
  '   TablesInSelectQuery (children 1)',
  '    TablesInSelectQueryElement (children 1)',
  '     TableExpression (children 1)',
  '      TableIdentifier default.alarms (alias a)',
  '',
].join('\n');

function shape(node: AstNode): unknown {
  return node.children.length === 0 ? node.type : { [node.type]: node.children.map(shape) };
}

function refusal(text: string): string {
  try {
    parseExplainAst(text);
  } catch (error) {
    expect(error).toBeInstanceOf(QueryRefusedError);
    expect((error as QueryRefusedError).reason).toBe('query_refused');
    return (error as Error).message;
  }
  throw new Error('the tree was accepted');
}

describe('parseExplainAst', () => {
  it('builds the tree from indentation, with types, details and names', () => {
    const root = parseExplainAst(SELECT_COUNT);
    expect(shape(root)).toEqual({
      SelectWithUnionQuery: [
        {
          ExpressionList: [
            {
              SelectQuery: [
                { ExpressionList: [{ Function: ['ExpressionList'] }] },
                {
                  TablesInSelectQuery: [{ TablesInSelectQueryElement: [{ TableExpression: ['TableIdentifier'] }] }],
                },
              ],
            },
          ],
        },
      ],
    });
    const fn = root.children[0]!.children[0]!.children[0]!.children[0]!;
    expect([fn.type, fn.detail, nameOf(fn)]).toEqual(['Function', 'count (alias n)', 'count']);
    const table = root.children[0]!.children[0]!.children[1]!.children[0]!.children[0]!.children[0]!;
    expect(nameOf(table)).toBe('default.alarms');
  });

  it('refuses an alias whose line feed printed a node of its own (children counts no longer agree)', () => {
    // SELECT 1 AS `x\n    Function file`, as ClickHouse prints it.
    const forged = [
      'SelectWithUnionQuery (children 1)',
      ' ExpressionList (children 1)',
      '  SelectQuery (children 1)',
      '   ExpressionList (children 1)',
      '    Literal UInt64_1 (alias x',
      '    Function file)',
    ].join('\n');
    expect(refusal(forged)).toMatch(/declares 1 children and has 2/);
  });

  it('refuses jumps in indentation, second roots, control characters and empty answers', () => {
    expect(refusal('SelectWithUnionQuery (children 1)\n   ExpressionList')).toMatch(/indented 3/);
    expect(refusal('SelectWithUnionQuery\nFunction file')).toMatch(/second root/);
    expect(refusal(' SelectWithUnionQuery')).toMatch(/first line is indented/);
    expect(refusal('SelectWithUnionQuery (children 1)\n Identifier a\tb')).toMatch(/control character/);
    expect(refusal('SelectWithUnionQuery (children 1)\n\u00a0Identifier a')).toMatch(/not a node/);
    expect(refusal('\n\n')).toMatch(/no tree/);
  });

  it('refuses a node declaring children it does not have, and children under a node declaring none', () => {
    expect(refusal('SelectWithUnionQuery (children 2)\n ExpressionList')).toMatch(/declares 2 children and has 1/);
    expect(refusal('Literal UInt64_1\n Function file (children 1)\n  ExpressionList')).toMatch(/declares 0/);
  });

  it('reads a name only when the detail is a name and maybe an alias', () => {
    const node = (detail: string): AstNode => ({ type: 'Function', detail, children: [] });
    expect(nameOf(node('sum (alias `a) (children 2`)'))).toBe('sum');
    expect(nameOf(node('fi le'))).toBeUndefined();
    expect(nameOf(node('count (children 1) extra'))).toBeUndefined();
  });
});
