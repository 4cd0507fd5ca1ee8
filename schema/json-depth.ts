/**
 * The nesting bound of JSON that Vigil accepts from outside (HTTP bodies, ingested records). `JSON.parse` itself
 * copes with any depth, but whatever walks the value afterwards recursively — `JSON.stringify` when a record is
 * dead-lettered, a validator, a merge — overflows the stack at a few thousand levels and takes the whole request
 * (or batch) down with a `RangeError`. No record or request of Vigil nests beyond a handful of levels.
 */

/** Objects and arrays nested deeper than this are refused (`too_deep`): `{}` is depth 1, `{"a": []}` depth 2. */
export const JSON_DEPTH_MAX = 32;

/** Whether a parsed JSON value nests objects and arrays deeper than `depthMax`; iterative, so safe at any depth. */
export function jsonDeeperThan(value: unknown, depthMax: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: node, depth } = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth + 1 > depthMax) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node))
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}
