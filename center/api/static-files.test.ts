/**
 * The wall's files over a real HTTP server: the precompressed twin a browser accepts, the file itself otherwise,
 * and the twins the wall's build really writes.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metrics, silentLogger } from '../../schema/index.js';
import { Router } from '../http/router.js';
import { acceptedEncodings, staticFiles } from './static-files.js';

const SCRIPT = Buffer.from(`console.log(${JSON.stringify('河南'.repeat(2_000))});\n`);
const SMALL = Buffer.from('export const x = 1;\n');

let dir: string;
let server: Server;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-static-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(path.join(dir, 'app.js'), SCRIPT);
  writeFileSync(path.join(dir, 'app.js.br'), brotliCompressSync(SCRIPT));
  writeFileSync(path.join(dir, 'app.js.gz'), gzipSync(SCRIPT));
  writeFileSync(path.join(dir, 'small.js'), SMALL);
  const router = new Router(1 << 16, { logger: silentLogger, metrics: new Metrics() });
  server = createServer((req, res) => void router.handle(req, res, staticFiles(dir)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

/** A GET that keeps the body as sent (fetch would decode it and hide which representation came). */
function get(pathname: string, acceptEncoding?: string) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: pathname,
          headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
}

describe('static files', () => {
  it('sends the Brotli twin to a browser that accepts it, and says so', async () => {
    const res = await get('/wall/app.js', 'gzip, deflate, br, zstd');
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['vary']).toBe('accept-encoding');
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.body.length).toBeLessThan(SCRIPT.length / 4);
    expect(brotliDecompressSync(res.body).equals(SCRIPT)).toBe(true);
  });

  it('sends gzip where Brotli is not accepted or refused with q=0', async () => {
    for (const header of ['gzip', 'br;q=0, gzip;q=0.5', 'br;q=0, *']) {
      const res = await get('/console/app.js', header);
      expect(res.headers['content-encoding'], header).toBe('gzip');
      expect(gunzipSync(res.body).equals(SCRIPT), header).toBe(true);
    }
  });

  it('sends the file itself without an accepted coding, and for a file the build left uncompressed', async () => {
    for (const [pathname, header, body] of [
      ['/wall/app.js', undefined, SCRIPT],
      ['/wall/app.js', 'identity', SCRIPT],
      ['/wall/app.js', 'br;q=0, gzip;q=0', SCRIPT],
      ['/wall/small.js', 'br, gzip', SMALL],
    ] as const) {
      const res = await get(pathname, header);
      expect(res.headers['content-encoding'], `${pathname} ${header}`).toBeUndefined();
      expect(res.body.equals(body), `${pathname} ${header}`).toBe(true);
    }
  });

  it('never serves a twin by its own name outside the build', async () => {
    expect((await get('/wall/../../etc/passwd', 'br')).status).toBe(404);
  });

  it('reads Accept-Encoding with weights and wildcards', () => {
    expect([...acceptedEncodings('gzip;q=1.0, br;q=0.8')].sort()).toEqual(['br', 'gzip']);
    expect(acceptedEncodings('br;q=0').has('br')).toBe(false);
    expect(acceptedEncodings('*').has('br')).toBe(true);
    expect(acceptedEncodings(undefined).size).toBe(0);
  });
});

describe("the wall's build", () => {
  const assets = fileURLToPath(new URL('../../wall/dist/assets', import.meta.url));

  it('writes a Brotli and a gzip twin of every script and style that decode to the file', () => {
    const files = readdirSync(assets).filter((f) => /\.(js|css)$/.test(f));
    expect(files.length).toBeGreaterThan(2);
    for (const file of files) {
      const body = readFileSync(path.join(assets, file));
      if (body.length < 1024) continue;
      expect(brotliDecompressSync(readFileSync(path.join(assets, `${file}.br`))).equals(body), file).toBe(true);
      expect(gunzipSync(readFileSync(path.join(assets, `${file}.gz`))).equals(body), file).toBe(true);
    }
  });

  it('loads the console and the wall as separate chunks', () => {
    const scripts = readdirSync(assets).filter((f) => f.endsWith('.js'));
    expect(scripts.some((f) => f.startsWith('console-app-'))).toBe(true);
    expect(scripts.some((f) => f.startsWith('wall-app-'))).toBe(true);
  });
});
