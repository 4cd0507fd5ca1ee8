/**
 * A worker thread running a TypeScript module. From source, Vigil runs through tsx, whose loader a worker
 * thread does not inherit (and under vitest the main thread's loader is vite's), so the worker starts from a
 * one-line bootstrap that imports the module through tsx's API. Compiled (dist/, where the caller's `.ts` URL
 * names a file that is not there), the module's `.js` twin runs as it is.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** tsx's ESM API entry, found through its package exports (its CommonJS entry cannot be imported as ESM). */
function tsxEsmApiUrl(): string {
  const manifestPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  return new URL(manifest.exports['./esm/api'].import.default, pathToFileURL(manifestPath)).href;
}

export function startTsWorker(moduleUrl: URL, options: WorkerOptions): Worker {
  if (!moduleUrl.pathname.endsWith('.ts')) return new Worker(moduleUrl, options);
  if (!existsSync(fileURLToPath(moduleUrl))) {
    const compiled = new URL(moduleUrl.href.replace(/\.ts$/, '.js'));
    if (existsSync(fileURLToPath(compiled))) return new Worker(compiled, options);
  }
  const tsxApi = tsxEsmApiUrl();
  const bootstrap = `import { tsImport } from ${JSON.stringify(tsxApi)};\nawait tsImport(${JSON.stringify(moduleUrl.href)}, ${JSON.stringify(moduleUrl.href)});\n`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), { ...options, execArgv: [] });
}
