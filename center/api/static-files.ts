/**
 * Serves the built wall (wall/dist): `/wall` and `/console` are the same single-page app. The build writes a
 * Brotli and a gzip twin beside each compressible file (wall/precompress.ts); a browser that accepts one gets it,
 * with `content-encoding` and `vary: accept-encoding`, so nothing is compressed per request.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { HttpError, type Handler, type HandlerResult } from '../http/router.js';
import { PAGE_CSP } from '../http/security-headers.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

const APP_ROUTES = new Set(['/', '/wall', '/console']);

export function staticFiles(distDir: string): Handler {
  const root = path.resolve(distDir);
  return async (ctx): Promise<HandlerResult> => {
    if (ctx.req.method !== 'GET' && ctx.req.method !== 'HEAD')
      throw new HttpError(405, 'method_not_allowed', 'static files are read-only', { allow: ['GET', 'HEAD'] });
    const pathname = decodedPath(ctx.url.pathname);
    const relative = APP_ROUTES.has(pathname.replace(/\/$/, '') || '/')
      ? 'index.html'
      : pathname.replace(/^\/(wall|console)\//, '/').slice(1);
    const file = path.resolve(root, relative);
    // Never serve anything outside the build directory, whatever the URL says.
    if (!file.startsWith(root + path.sep)) throw new HttpError(404, 'not_found', 'no such file');
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
    } catch {
      if (relative === 'index.html')
        throw new HttpError(
          503,
          'wall_not_built',
          `the wall is not built: run "npm run build:wall" (looked in ${root})`,
        );
      throw new HttpError(404, 'not_found', `no such file ${pathname}`);
    }
    const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
    const { body, encoding } = await bestRepresentation(file, ctx.req.headers['accept-encoding']);
    const headers: Record<string, string> = { 'content-type': type, vary: 'accept-encoding' };
    if (encoding !== undefined) headers['content-encoding'] = encoding;
    // Hashed asset names may be cached forever; the HTML must be fresh so a new build is picked up.
    if (relative === 'index.html')
      return { raw: body, headers: { ...headers, 'cache-control': 'no-cache', 'content-security-policy': PAGE_CSP } };
    return { raw: body, headers: { ...headers, 'cache-control': 'public, max-age=31536000, immutable' } };
  };
}

/** Twins the build may have written, best first. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/** The file's precompressed twin the client accepts, or the file itself. */
async function bestRepresentation(
  file: string,
  acceptEncoding: string | undefined,
): Promise<{ body: Buffer; encoding?: string }> {
  const accepted = acceptedEncodings(acceptEncoding);
  for (const { name, suffix } of ENCODINGS) {
    if (!accepted.has(name)) continue;
    try {
      return { body: await readFile(file + suffix), encoding: name };
    } catch {
      // No twin for this file (small, or not compressible): try the next, then the file itself.
    }
  }
  return { body: await readFile(file) };
}

/** Codings an Accept-Encoding header accepts: those named without `q=0`, and with `*` any not named otherwise. */
export function acceptedEncodings(header: string | undefined): Set<string> {
  const accepted = new Set<string>();
  const refused = new Set<string>();
  for (const item of (header ?? '').split(',')) {
    const [name = '', ...params] = item.trim().toLowerCase().split(';');
    if (name === '') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    (q !== undefined && !(Number(q.slice(2)) > 0) ? refused : accepted).add(name);
  }
  if (accepted.has('*')) for (const { name } of ENCODINGS) if (!refused.has(name)) accepted.add(name);
  return accepted;
}

function decodedPath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    throw new HttpError(400, 'bad_path', `path ${JSON.stringify(pathname.slice(0, 200))} is not validly %-encoded`);
  }
}
