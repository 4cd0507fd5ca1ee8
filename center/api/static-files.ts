/** Serves the built wall (wall/dist): `/wall` and `/console` are the same single-page app. */
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
    const body = await readFile(file);
    const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
    // Hashed asset names may be cached forever; the HTML must be fresh so a new build is picked up.
    if (relative === 'index.html')
      return {
        raw: body,
        headers: { 'content-type': type, 'cache-control': 'no-cache', 'content-security-policy': PAGE_CSP },
      };
    return { raw: body, headers: { 'content-type': type, 'cache-control': 'public, max-age=31536000, immutable' } };
  };
}

function decodedPath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    throw new HttpError(400, 'bad_path', `path ${JSON.stringify(pathname.slice(0, 200))} is not validly %-encoded`);
  }
}
