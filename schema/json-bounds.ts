/**
 * The bounds of JSON that Vigil accepts from outside (HTTP bodies, ingested records), checked on the parsed value
 * in one iterative walk:
 *
 * - nesting: `JSON.parse` itself copes with any depth, but whatever walks the value afterwards recursively —
 *   `JSON.stringify` when a record is dead-lettered, a validator, a merge — overflows the stack at a few thousand
 *   levels and takes the whole request (or batch) down with a `RangeError`. No record or request of Vigil nests
 *   beyond a handful of levels.
 * - U+0000 in a string or a key: PostgreSQL's text cannot hold it, so the statement storing it fails; no name,
 *   code or text of Vigil has a use for it.
 */

/** Objects and arrays nested deeper than this are refused (`too_deep`): `{}` is depth 1, `{"a": []}` depth 2. */
export const JSON_DEPTH_MAX = 32;

/** What is wrong with a JSON value that parsed: the reason it is refused with, or undefined when it is fine. */
export type JsonProblem = 'too_deep' | 'nul_character';

/** Checks a parsed JSON value against `depthMax` and for U+0000; iterative, so safe at any depth. */
export function jsonProblem(value: unknown, depthMax: number = JSON_DEPTH_MAX): JsonProblem | undefined {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: node, depth } = stack.pop()!;
    if (typeof node === 'string') {
      if (node.includes('\u0000')) return 'nul_character';
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    if (depth + 1 > depthMax) return 'too_deep';
    if (Array.isArray(node)) {
      for (const child of node) stack.push({ value: child, depth: depth + 1 });
      continue;
    }
    for (const [key, child] of Object.entries(node)) {
      if (key.includes('\u0000')) return 'nul_character';
      stack.push({ value: child, depth: depth + 1 });
    }
  }
  return undefined;
}

/** What each problem means, for the `detail` of a refusal. */
export const JSON_PROBLEM_DETAIL: Record<JsonProblem, string> = {
  too_deep: `objects and arrays nest deeper than ${JSON_DEPTH_MAX}`,
  nul_character: 'a string holds the character U+0000, which cannot be stored',
};
