/**
 * The router over a real HTTP server and a raw HTTP client (which sends paths exactly as written, unlike
 * fetch): one error path for everything a request can get wrong, property-tested over arbitrary paths, methods
 * and bodies, and path parameters decoded exactly once. The seed of a failing property is printed by fast-check.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, Metrics } from '../../schema/index.js';
import { JS_ERROR_TEXT } from '../../tests/support/error-text.js';
import { HttpError, PATH_PARAM_CHARS_MAX, Router } from './router.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Record<string, unknown>;
}

let server: Server;
let port: number;
const logLines: string[] = [];
const metrics = new Metrics();

beforeAll(async () => {
  const router = new Router(1024, { logger: createLogger((line) => logLines.push(line), 'debug'), metrics });
  router.add('GET', '/items', () => ({ body: { list: true } }));
  router.add('GET', '/items/special', () => ({ body: { special: true } }));
  router.add('GET', '/items/:id', (ctx) => ({ body: { id: ctx.params.id } }));
  router.add('DELETE', '/items/:id', (ctx) => ({ body: { deleted: ctx.params.id } }));
  router.add('GET', '/items/:id/parts/:part', (ctx) => ({ body: { id: ctx.params.id, part: ctx.params.part } }));
  router.add('POST', '/echo', async (ctx) => ({ body: { got: await ctx.json() } }));
  router.add('POST', '/crash', () => {
    const missing = undefined as unknown as { field: string };
    return { body: missing.field };
  });
  router.add('POST', '/refuse', () => {
    throw new HttpError(409, 'held_by_other', 'someone else holds it', { held_by: 'duty-1' });
  });
  router.add('GET', '/raw', () => ({ raw: 'plain', headers: { 'content-type': 'text/plain; charset=utf-8' } }));
  const fallback = (): never => {
    throw new HttpError(404, 'not_found', 'nothing here');
  };
  server = createServer((req, res) => void router.handle(req, res, fallback));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function send(method: string, path: string, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // A well-formed request: Node's client sends a DELETE or OPTIONS body without a length otherwise, which the
    // HTTP parser refuses before the router sees it (center/http/server.ts answers that case).
    const headers = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // Not JSON: the assertions say so.
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    // A request left unanswered is a failure of its own, not a test timeout.
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path} was not answered in 10 s`)));
    req.end(body);
  });
}

describe('Router', () => {
  it('matches exact paths before parameters and decodes parameters once', async () => {
    expect((await send('GET', '/items')).json).toEqual({ list: true });
    expect((await send('GET', '/items/special')).json).toEqual({ special: true });
    expect((await send('GET', '/items/a%2Fb')).json).toEqual({ id: 'a/b' });
    expect((await send('GET', '/items/%E8%B1%AB%41')).json).toEqual({ id: '豫A' });
    expect((await send('GET', '/items/%2525')).json).toEqual({ id: '%25' });
    expect((await send('GET', '/items/7/parts/x%20y')).json).toEqual({ id: '7', part: 'x y' });
    // As before: a trailing or doubled slash is the same path.
    expect((await send('GET', '/items/7/')).json).toEqual({ id: '7' });
    expect((await send('GET', '//items//7')).json).toEqual({ id: '7' });
  });

  it('answers a path that does not decode 400 bad_path, on a route and on the fallback alike', async () => {
    for (const path of ['/items/%E0%A4%A', '/items/%ZZ', '/items/%', '/items/7/parts/%C0', '/nothing/%ZZ']) {
      const answer = await send('GET', path);
      expect(answer.status, path).toBe(400);
      expect(answer.json.error, path).toBe('bad_path');
    }
    for (const path of ['/items/%00', '/items/a%0Ab', '/items/%7F', '/items/7/parts/%1B']) {
      const answer = await send('GET', path);
      expect(answer.json.error, path).toBe('bad_path');
    }
    const long = await send('GET', `/items/${'x'.repeat(PATH_PARAM_CHARS_MAX + 1)}`);
    expect(long.status).toBe(400);
    expect(long.json.error).toBe('bad_path');
    expect((await send('GET', `/items/${'x'.repeat(PATH_PARAM_CHARS_MAX)}`)).status).toBe(200);
  });

  it('answers 405 with the Allow header listing the methods the path has', async () => {
    const answer = await send('PUT', '/items/7');
    expect(answer.status).toBe(405);
    expect(answer.json.error).toBe('method_not_allowed');
    expect(answer.headers.allow).toBe('DELETE, GET');
    expect((await send('POST', '/items')).headers.allow).toBe('GET');
  });

  it('turns a handler that throws into 500 internal_error with a correlation id, the stack only in the log', async () => {
    const before = metrics.counter('vigil_http_internal_errors_total', '').get();
    const answer = await send('POST', '/crash');
    expect(answer.status).toBe(500);
    expect(answer.json.error).toBe('internal_error');
    const errorId = answer.json.error_id as string;
    expect(errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.json.detail).toContain(errorId);
    expect(answer.text).not.toMatch(JS_ERROR_TEXT);
    expect(answer.text).not.toContain('field');
    const logged = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.error_id === errorId);
    expect(logged?.level).toBe('error');
    expect(logged?.error).toMatch(/^TypeError: /);
    expect(logged?.stack).toContain('router.test.ts');
    expect(metrics.counter('vigil_http_internal_errors_total', '').get()).toBe(before + 1);
  });

  it('answers an HttpError with its status, reason and extra fields', async () => {
    const answer = await send('POST', '/refuse');
    expect(answer.status).toBe(409);
    expect(answer.json).toEqual({ error: 'held_by_other', detail: 'someone else holds it', held_by: 'duty-1' });
  });

  it('takes only JSON objects as bodies, bounded in size and depth, without prototype keys or U+0000', async () => {
    expect((await send('POST', '/echo', '{"a":[1,{"b":2}]}')).json).toEqual({ got: { a: [1, { b: 2 }] } });
    const refusals: [string, number, string][] = [
      ['null', 400, 'bad_body'],
      ['[1,2]', 400, 'bad_body'],
      ['"text"', 400, 'bad_body'],
      ['42', 400, 'bad_body'],
      ['', 400, 'bad_json'],
      ['{"a":', 400, 'bad_json'],
      ['{"__proto__":{"admin":true}}', 400, 'bad_json'],
      ['{"constructor":{"prototype":{"admin":true}}}', 400, 'bad_json'],
      [`{"a":${'['.repeat(40)}${']'.repeat(40)}}`, 400, 'too_deep'],
      ['{"a":"x\\u0000y"}', 400, 'nul_character'],
      ['{"a\\u0000":1}', 400, 'nul_character'],
      [`{"a":"${'x'.repeat(2000)}"}`, 413, 'body_too_large'],
    ];
    for (const [body, status, reason] of refusals) {
      const answer = await send('POST', '/echo', body);
      expect(answer.status, body.slice(0, 40)).toBe(status);
      expect(answer.json.error, body.slice(0, 40)).toBe(reason);
    }
    // No prototype was touched by the attempts.
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('sends the security headers on every answer, and no-store with a sandboxing policy on API answers', async () => {
    for (const answer of [await send('GET', '/items'), await send('GET', '/raw'), await send('GET', '/nothing')]) {
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['referrer-policy']).toBe('no-referrer');
      expect(answer.headers['x-frame-options']).toBe('DENY');
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(answer.headers['content-security-policy']).toContain("default-src 'none'");
      expect(answer.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('property: any path, method and body is answered below 500 with {error, detail} JSON on errors', async () => {
    const escape = fc.oneof(
      fc.integer({ min: 0, max: 255 }).map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`),
      fc.constantFrom('%', '%Z', '%ZZ', '%E0%A4%A', '%C0%AF', '%00', '%2F', '%2e%2e'),
    );
    const segment = fc.oneof(
      fc.constantFrom('items', 'special', 'parts', '.', '..', ''),
      fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@-]{1,12}$/),
      fc.array(escape, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')),
      fc.string({ unit: 'grapheme', maxLength: 8 }).map((s) => encodeURIComponent(s)),
      fc.integer({ min: 150, max: 400 }).map((n) => 'y'.repeat(n)),
    );
    const path = fc
      .tuple(fc.array(segment, { maxLength: 6 }), fc.constantFrom('', '?', '?a=%ZZ&b', '?x=1#f'))
      .map(([parts, query]) => `/${parts.join('/')}${query}`);
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD');
    const body = fc.oneof(
      fc.constant(undefined),
      fc.json(),
      fc.string(),
      fc.integer({ min: 1, max: 200 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
    );
    await fc.assert(
      fc.asyncProperty(method, path, body, async (m, p, b) => {
        const answer = await send(m, p, m === 'GET' || m === 'HEAD' ? undefined : b);
        expect(answer.status).toBeGreaterThanOrEqual(200);
        // /crash is the one route written to fail.
        if (!p.startsWith('/crash')) expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400 && m !== 'HEAD') {
          expect(typeof answer.json.error).toBe('string');
          expect(typeof answer.json.detail).toBe('string');
          expect(answer.text).not.toMatch(JS_ERROR_TEXT);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('property: every non-empty parameter value round-trips through percent-encoding', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }), async (value) => {
        // "." and ".." are dot segments: a client removes them from the path before sending (RFC 3986 5.2.4), and
        // percent-encoding leaves them as they are, so no request can carry them as a parameter.
        if (value === '.' || value === '..') return;
        const answer = await send('GET', `/items/${encodeURIComponent(value)}`);
        if (value === 'special') return;
        expect(answer.status).toBe(200);
        expect(answer.json.id).toBe(value);
      }),
      { numRuns: 300 },
    );
  });
});
