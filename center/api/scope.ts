/**
 * Whether an org unit's scope covers a division code. GB/T 2260 codes nest by prefix (checked for every
 * province's reference at start-up, schema/reference/reference-check.ts): the province 410000 covers 41xxxx, a
 * city 4101 00 covers 4101xx, a county only itself. A city-level unit whose code does not end in 00 (济源 419001)
 * has no counties under it and covers only itself.
 */
export function orgCovers(scopeCode: string, code: string): boolean {
  if (scopeCode === code) return true;
  if (scopeCode.endsWith('0000')) return code.startsWith(scopeCode.slice(0, 2));
  if (scopeCode.endsWith('00')) return code.startsWith(scopeCode.slice(0, 4));
  return false;
}
