/**
 * The declared-once checks of query parameters and bodies: integers must be safe integers inside their declared
 * bounds (a 20-digit `before` once reached PostgreSQL and came back as a 500), bodies must be objects whose keys
 * are declared ones (inherited names such as `toString` or `__proto__` included), and the router's routes and
 * the OpenAPI document must name the same endpoints.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HttpError, type RequestContext } from '../http/router.js';
import { routeDocumentMismatch } from './api-docs.js';
import { Body, checkBody, EPOCH_MS_MAX, EpochMs, Int, queryParam, Type } from './api-spec.js';

function ctxWith(query: string): RequestContext {
  return {
    req: {} as IncomingMessage,
    res: {} as ServerResponse,
    url: new URL(`http://localhost/x?${query}`),
    params: {},
    peer: '',
    json: () => Promise.reject(new Error('no body')),
    text: () => Promise.reject(new Error('no body')),
  };
}

function refusal(run: () => unknown): { status: number; reason: string; detail: string } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return { status: error.status, reason: error.reason, detail: error.message };
  }
}

const ID = Int('id', { min: 1 });
const EPOCH_MS = EpochMs();

describe('query parameters', () => {
  it('refuses integers that are not safe integers, whatever the declared bounds', () => {
    for (const text of ['99999999999999999999999', '9223372036854775808', '9007199254740992', '-9007199254740992']) {
      const r = refusal(() => queryParam(ctxWith(`before_id=${text}`), 'before_id', ID));
      expect(r, text).toMatchObject({ status: 400, reason: 'bad_field' });
      expect(r?.detail).toContain('safe integer');
    }
    expect(queryParam(ctxWith('before_id=9007199254740991'), 'before_id', ID)).toBe(9007199254740991);
  });

  it('refuses values outside the declared bounds and text that is not an integer', () => {
    expect(refusal(() => queryParam(ctxWith('t=253402300800000'), 't', EPOCH_MS))?.detail).toBe(
      `t: value 253402300800000 is greater than max allowed ${EPOCH_MS_MAX}`,
    );
    expect(refusal(() => queryParam(ctxWith('t=-1'), 't', EPOCH_MS))?.reason).toBe('bad_field');
    for (const text of ['1e3', '0x10', '1.5', ' 1', 'abc', '１２']) {
      expect(refusal(() => queryParam(ctxWith(`t=${encodeURIComponent(text)}`), 't', EPOCH_MS))?.reason, text).toBe(
        'bad_field',
      );
    }
    expect(queryParam(ctxWith('t='), 't', EPOCH_MS)).toBeUndefined();
    const text = Type.String({ description: 'text' });
    expect(refusal(() => queryParam(ctxWith('s=a%00b'), 's', text))?.reason).toBe('bad_field');
    expect(queryParam(ctxWith('s=a%20b'), 's', text)).toBe('a b');
  });
});

describe('bodies', () => {
  const spec = Body({ n: Type.Optional(Int('n', { min: 0 })) });

  it('refuses numbers that lose digits as JSON (1e300, 2^53) even without a declared maximum', () => {
    for (const n of [1e300, 2 ** 53, Number.MAX_VALUE])
      expect(refusal(() => checkBody(spec, { n }))?.reason, String(n)).toBe('bad_field');
    expect(checkBody(spec, { n: 2 ** 53 - 1 })).toEqual({ n: 2 ** 53 - 1 });
  });

  it('refuses keys that are not declared, inherited names included', () => {
    for (const key of ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'extra']) {
      const body = JSON.parse(`{"${key}": 1}`) as unknown;
      expect(refusal(() => checkBody(spec, body))?.reason, key).toBe('unknown_field');
    }
  });

  it('refuses a body that is not an object as bad_body', () => {
    for (const body of [null, [], 'x', 3, true]) expect(refusal(() => checkBody(spec, body))?.reason).toBe('bad_body');
  });
});

describe('routeDocumentMismatch', () => {
  it('names routes missing from the document and documented endpoints without a route', () => {
    const routes = [
      { method: 'GET', pattern: '/api/a' },
      { method: 'POST', pattern: '/api/b/:id' },
    ];
    expect(
      routeDocumentMismatch(routes, [
        { method: 'GET', path: '/api/a' },
        { method: 'POST', path: '/api/b/:id' },
      ]),
    ).toEqual({ undocumented: [], unrouted: [] });
    expect(
      routeDocumentMismatch(routes, [
        { method: 'GET', path: '/api/a' },
        { method: 'DELETE', path: '/api/b/:id' },
      ]),
    ).toEqual({ undocumented: ['POST /api/b/:id'], unrouted: ['DELETE /api/b/:id'] });
  });
});
