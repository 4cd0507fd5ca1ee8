/**
 * Where Vigil's own files are (package.json, wall/dist, fixtures/sample, bench/), found from this module. The code
 * runs either from source (schema/package-root.ts) or compiled (dist/schema/package-root.js, see
 * tsconfig.build.json), so a path written relative to a module would point into dist/ in the second case; paths
 * to files that are not code are taken from here instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'vigil';

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME)
      return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json of ${PACKAGE_NAME} above ${start}`);
  }
}

/** The directory holding Vigil's package.json. */
export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

/** A path inside the package, from its root: `packagePath('wall', 'dist')`. */
export function packagePath(...segments: string[]): string {
  return path.join(PACKAGE_ROOT, ...segments);
}
