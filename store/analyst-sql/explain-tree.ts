/**
 * The tree ClickHouse prints for `EXPLAIN AST <statement>`: one node per line, indented one space per level,
 * `Type detail (alias a) (children N)`, e.g.
 *
 *     SelectWithUnionQuery (children 1)
 *      ExpressionList (children 1)
 *       SelectQuery (children 2)
 *        ExpressionList (children 1)
 *         Function count (children 1)
 *          ExpressionList
 *        TablesInSelectQuery (children 1)
 *        …
 *
 * Names and aliases are printed as written, so an identifier holding a line feed would print a line of its own.
 * The sandbox refuses such identifiers before it asks for the tree (their tokens come from ClickHouse's own
 * lexer); this parser is the second guard: it builds the tree from the indentation alone and refuses the text
 * when any node's declared `(children N)` differs from the lines below it, when indentation jumps, when there is
 * more than one root, or when a line holds a control character.
 */
import { QueryRefusedError } from './refusals.js';

export interface AstNode {
  /** The first word of the line: `SelectQuery`, `Function`, `TableIdentifier`, `Literal`, … */
  readonly type: string;
  /** The rest of the line without the children count: a name, a literal, ` (alias a)`. */
  readonly detail: string;
  readonly children: AstNode[];
}

/** Lines of an EXPLAIN AST answer at most: the engine's own `max_ast_elements` (50,000) with room. */
export const EXPLAIN_LINES_MAX = 100_000;

const CHILDREN_SUFFIX = / \(children (\d+)\)$/;
// C0 and C1 controls and DEL: never part of a node's printed form unless an identifier smuggled them in.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

export function parseExplainAst(text: string): AstNode {
  const lines = text.split('\n');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw inconsistent('ClickHouse printed no tree');
  if (lines.length > EXPLAIN_LINES_MAX) throw inconsistent(`the tree has more than ${EXPLAIN_LINES_MAX} nodes`);
  const declared = new Map<AstNode, number>();
  const open: { node: AstNode; depth: number }[] = [];
  let root: AstNode | undefined;
  for (const [index, line] of lines.entries()) {
    if (CONTROL_CHARACTER.test(line)) throw inconsistent(`line ${index + 1} holds a control character`);
    const depth = line.length - line.trimStart().length;
    const content = line.slice(depth);
    if (content === '' || line.slice(0, depth) !== ' '.repeat(depth))
      throw inconsistent(`line ${index + 1} is not a node`);
    const node = nodeOf(content, declared);
    if (index === 0) {
      if (depth !== 0) throw inconsistent('the first line is indented');
      root = node;
      open.push({ node, depth });
      continue;
    }
    if (depth === 0) throw inconsistent(`line ${index + 1} is a second root`);
    while (open.length > 0 && open[open.length - 1]!.depth >= depth) open.pop();
    const parent = open[open.length - 1];
    if (parent === undefined || parent.depth !== depth - 1)
      throw inconsistent(`line ${index + 1} is indented ${depth} below a node at ${parent?.depth ?? -1}`);
    parent.node.children.push(node);
    open.push({ node, depth });
  }
  for (const [node, count] of declared)
    if (node.children.length !== count)
      throw inconsistent(`${node.type} declares ${count} children and has ${node.children.length}`);
  return root!;
}

function nodeOf(content: string, declared: Map<AstNode, number>): AstNode {
  const suffix = CHILDREN_SUFFIX.exec(content);
  const body = suffix ? content.slice(0, suffix.index) : content;
  const space = body.indexOf(' ');
  const node: AstNode = {
    type: space < 0 ? body : body.slice(0, space),
    detail: space < 0 ? '' : body.slice(space + 1),
    children: [],
  };
  declared.set(node, suffix ? Number(suffix[1]) : 0);
  return node;
}

function inconsistent(what: string): QueryRefusedError {
  return new QueryRefusedError('query_refused', `the statement's syntax tree could not be read unambiguously: ${what}`);
}

/**
 * The name of a `Function`, `Identifier` or `TableIdentifier` node, or undefined when the detail is not
 * `name[ (alias …)]`.
 */
export function nameOf(node: AstNode): string | undefined {
  const match = /^([^ ()]+)(?: \(alias .*\))?$/.exec(node.detail);
  return match?.[1];
}
