/**
 * Property-based fuzzing of the whole HTTP API of a real node (`vigil start`), driven by its own OpenAPI document
 * (`/api/docs`, which names every route: the node refuses to start otherwise). Each run picks an endpoint and
 * sends it a malformed path (bad escapes, huge segments, unicode, dot segments), query (unsafe integers, wrong
 * types, unknown names), body (null, arrays, scalars, deep nesting, wrong types, huge numbers, `__proto__` and
 * `constructor.prototype` keys, control characters) or method, with no token, a bad token, or the token of one
 * of several roles. Asserted for every answer: never 5xx, and every error is `{error, detail}` JSON (ClickHouse's
 * error text on the ClickHouse-compatible `/clickhouse`) with a
 * reason code and no JavaScript error text. Afterwards the node is alive, counted no last-resort error, and
 * still acknowledges a JT/T 808 terminal.
 *
 * Bounded by FUZZ_RUNS requests (about 15 s here); the seed is printed before the run and by fast-check on a
 * failure: replay one with FUZZ_SEED=<seed> (and FUZZ_PATH=<path> for the shrunk case).
 */
import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationBody } from '../cli/demo/location.js';
import { JS_ERROR_TEXT } from './support/error-text.js';
import { TestTerminal } from './support/jt808-test-terminal.js';
import { startVigil, type VigilProcess } from './support/vigil-process.js';

const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 2_500);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const PASSWORD = 'fuzzing is a long passphrase 7';

interface Operation {
  method: string;
  path: string;
  parameters: { name: string; in: 'path' | 'query'; schema: Schema }[];
  body: Schema | undefined;
}

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  pattern?: string;
}

interface Answer {
  status: number;
  text: string;
}

let vigil: VigilProcess;
let operations: Operation[];
/** Bearer values by caller: roles with valid tokens, a source key, and nonsense. */
const tokens = new Map<string, string | undefined>();
const accounts = new Map<string, { id: number; username: string }>();
/** Numbers a path id may take that reach real rows without touching the fuzzer's own accounts. */
let targetUserId = 0;

function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: vigil.httpPort, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path} was not answered in 30 s`)));
    req.end(body);
  });
}

async function call(method: string, path: string, token: string | undefined, body?: unknown): Promise<Answer> {
  return send(
    method,
    path,
    token === undefined ? {} : { authorization: `Bearer ${token}` },
    body === undefined ? undefined : JSON.stringify(body),
  );
}

async function ok(method: string, path: string, token: string | undefined, body?: unknown): Promise<unknown> {
  const answer = await call(method, path, token, body);
  if (answer.status >= 300) throw new Error(`${method} ${path} → ${answer.status} ${answer.text}`);
  return JSON.parse(answer.text) as unknown;
}

/** Re-logs in any fuzzing account whose token a fuzzed request revoked (logout, disable, session revocation). */
async function restoreTokens(): Promise<void> {
  if ((await call('GET', '/api/me', tokens.get('admin'))).status === 401) tokens.set('admin', await vigil.login());
  for (const [role, account] of accounts) {
    if ((await call('GET', '/api/me', tokens.get(role))).status !== 401) continue;
    await call('POST', `/api/users/${account.id}/enable`, tokens.get('admin'));
    tokens.set(role, await vigil.login(account.username, PASSWORD));
  }
}

beforeAll(async () => {
  vigil = await startVigil();
  tokens.set('admin', await vigil.login());
  const admin = tokens.get('admin');
  await ok('POST', '/api/enterprises', admin, { id: 'FUZZ-ENT', name: '模糊测试运输公司', org_code: '410100' });
  const roles: [string, string, Record<string, unknown>][] = [
    ['analyst', '410100', {}],
    ['duty_officer', '410100', {}],
    ['dispatcher', '410000', {}],
    ['leader', '410100', {}],
    ['enterprise', '410100', { enterprise_id: 'FUZZ-ENT' }],
  ];
  for (const [role, org_code, extra] of roles) {
    const username = `fuzz-${role.replace('_', '-')}`;
    const user = (await ok('POST', '/api/users', admin, {
      username,
      password: PASSWORD,
      role,
      org_code,
      ...extra,
    })) as { id: number };
    accounts.set(role, { id: user.id, username });
    tokens.set(role, await vigil.login(username, PASSWORD));
  }
  const target = (await ok('POST', '/api/users', admin, {
    username: 'fuzz-target',
    password: PASSWORD,
    role: 'analyst',
    org_code: '410100',
  })) as { id: number };
  targetUserId = target.id;
  tokens.set('wall', vigil.wallToken);
  const key = (await ok('POST', '/api/sources/keys', admin, { kind: 'anpr', org_code: '410100', name: 'fuzz' })) as {
    key: string;
  };
  tokens.set('source-key', key.key);
  tokens.set('anonymous', undefined);
  tokens.set('bad-token', 'x'.repeat(43));
  const docs = JSON.parse((await call('GET', '/api/docs', undefined)).text) as {
    paths: Record<string, Record<string, { parameters?: Operation['parameters']; requestBody?: unknown }>>;
  };
  operations = Object.entries(docs.paths).flatMap(([openApiPath, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path: openApiPath,
      parameters: op.parameters ?? [],
      body: (op.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)?.content?.[
        'application/json'
      ]?.schema,
    })),
  );
  console.log(`http fuzz: ${operations.length} operations, ${FUZZ_RUNS} runs, FUZZ_SEED=${SEED}`);
});

afterAll(async () => {
  await vigil?.stop({ removeData: true });
});

// ---- Arbitraries -------------------------------------------------------------------------------------------

const hugeText = fc.integer({ min: 1_000, max: 70_000 }).map((n) => 'Ω'.repeat(n));
const controlText = fc.constantFrom('\u0000', '\u202e豫A12345', '\u200b', '\r\n\r\nX-Injected: 1', '\ud800', '\t');
const numbers = fc.constantFrom(
  -1,
  0,
  1,
  -0,
  1.5,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  -(2 ** 53),
  1e308,
  Number.MAX_SAFE_INTEGER,
  253_402_300_800_000,
);
/** Text for a JSON number that JavaScript cannot hold (parsed as Infinity or rounded). */
const numberText = fc.constantFrom('1e400', '-1e400', '99999999999999999999999', '9223372036854775808', '1E-400');

function deep(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  numbers,
  fc.string({ maxLength: 20 }),
  controlText,
  fc.constant([]),
  fc.constant({}),
  fc.integer({ min: 20, max: 3_000 }).map(deep),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A value for a field of this schema: mostly plausible, often wrong. */
function fieldValue(schema: Schema): fc.Arbitrary<unknown> {
  const plausible: fc.Arbitrary<unknown>[] = [];
  if (schema.enum) plausible.push(fc.constantFrom(...schema.enum));
  if (schema.type === 'string') {
    plausible.push(fc.constantFrom('410100', '410000', '410105', 'overspeed', 'road_transport', '豫A12345', 'x'));
    plausible.push(fc.string({ unit: 'grapheme', maxLength: 30 }));
    plausible.push(hugeText);
  }
  if (schema.type === 'integer') {
    const min = schema.minimum ?? -1_000;
    const max = Math.min(schema.maximum ?? 1_000_000, Number.MAX_SAFE_INTEGER);
    plausible.push(fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31) }));
  }
  if (schema.type === 'boolean') plausible.push(fc.boolean());
  if (schema.type === 'array' && schema.items) plausible.push(fc.array(fieldValue(schema.items), { maxLength: 3 }));
  if (schema.type === 'object') plausible.push(schema.properties ? objectOf(schema) : fc.constant({}));
  return plausible.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.oneof(...plausible) }, anyJson) : anyJson;
}

function objectOf(schema: Schema): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.entries(schema.properties ?? {});
  return fc
    .tuple(...fields.map(([, field]) => fc.option(fieldValue(field), { nil: undefined, freq: 3 })))
    .map((values) =>
      Object.fromEntries(fields.map(([name], i) => [name, values[i]]).filter(([, v]) => v !== undefined)),
    );
}

/** The body text: a (mis)filled object of the schema, with hostile keys at times, or any other JSON text. */
function bodyText(schema: Schema | undefined): fc.Arbitrary<string | undefined> {
  const hostile = fc.constantFrom(
    '{"__proto__":{"role":"admin","isAdmin":true}}',
    '{"constructor":{"prototype":{"role":"admin"}}}',
    '{"toString":1,"hasOwnProperty":2,"valueOf":null}',
    'null',
    '[]',
    '[{}]',
    '"text"',
    '42',
    '',
    '{',
    '{"a":1,}',
    '\ufeff{}',
  );
  const shaped = schema
    ? fc.oneof(
        { weight: 4, arbitrary: objectOf(schema).map((o) => JSON.stringify(o)) },
        fc.tuple(objectOf(schema), numberText).map(([o, n]) => {
          const name = Object.keys(schema.properties ?? {})[0] ?? 'n';
          return JSON.stringify({ ...o, [name]: 0 }).replace(`"${name}":0`, `"${name}":${n}`);
        }),
        fc
          .tuple(objectOf(schema), fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra_field'))
          .map(([o, key]) => JSON.stringify(o).replace(/^\{/, `{"${key}":{"polluted":true},`).replace(',}', '}')),
      )
    : fc.constant(undefined);
  return fc.oneof(
    { weight: 5, arbitrary: shaped },
    { weight: 2, arbitrary: hostile },
    { weight: 2, arbitrary: anyJson.map((v) => JSON.stringify(v)) },
    fc.integer({ min: 100, max: 5_000 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
  );
}

/** A path parameter: plausible ids and codes, or malformed text sent as written. */
const pathValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('1', '999999', '0', '410100', '410000', 'overspeed', 'FUZZ-ENT', 'anpr') },
  fc.constantFrom('wim', 'registry', 'nope', '13912345678', '-1', '9007199254740993', '1e3', '0x10', '1'.repeat(20)),
  fc.constant('TARGET_USER'),
  fc.constantFrom('%E0%A4%A', '%ZZ', '%', '%C0%AF', '%00', '%2F', '%2e%2e', '..', '.', '%EF%BF%BF', '%F0%9F%98%80'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).map(encodeURIComponent),
  fc.integer({ min: 150, max: 3_000 }).map((n) => 'z'.repeat(n)),
);

const queryExtra = fc.constantFrom(
  '',
  '&token=abc',
  '&limit=99999999999999999999',
  '&limit=-1',
  '&before=NaN',
  '&%ZZ=%E0%A4%A',
  '&x=' + 'q'.repeat(5_000),
);

function queryValue(schema: Schema): fc.Arbitrary<string> {
  return fc.oneof(
    fieldValue(schema).map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))),
    fc.constantFrom('99999999999999999999999', '9223372036854775808', '-9007199254740993', '1e3', 'true', ''),
  );
}

/** Percent-encoded UTF-8; a lone surrogate, which has no UTF-8, as the bytes CESU-8 would give it (invalid). */
function percentEncoded(text: string): string {
  return [...text]
    .map((ch) => {
      const code = ch.charCodeAt(0);
      return code >= 0xd800 && code <= 0xdfff && ch.length === 1 ? '%ED%A0%80' : encodeURIComponent(ch);
    })
    .join('');
}

interface Case {
  caller: string;
  method: string;
  path: string;
  body: string | undefined;
  contentType: string | undefined;
}

function caseOf(op: Operation): fc.Arbitrary<Case> {
  const pathNames = op.parameters.filter((p) => p.in === 'path').map((p) => p.name);
  const queries = op.parameters.filter((p) => p.in === 'query');
  return fc
    .record({
      caller: fc.constantFrom(...tokens.keys()),
      method: fc.oneof(
        { weight: 6, arbitrary: fc.constant(op.method) },
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
      ),
      params: fc.tuple(...pathNames.map(() => pathValue)),
      query: fc.tuple(...queries.map((q) => fc.option(queryValue(q.schema), { nil: undefined }))),
      extra: queryExtra,
      body: bodyText(op.body),
      contentType: fc.constantFrom(undefined, 'application/json', 'application/x-ndjson', 'text/plain'),
    })
    .map(({ caller, method, params, query, extra, body, contentType }) => {
      let path = op.path;
      pathNames.forEach((name, i) => {
        const value = params[i] === 'TARGET_USER' ? String(targetUserId) : params[i];
        path = path.replace(`{${name}}`, value);
      });
      const search = queries
        .map((q, i) => (query[i] === undefined ? '' : `&${q.name}=${percentEncoded(query[i])}`))
        .join('');
      const qs = `${search}${extra}`;
      return {
        caller,
        method,
        path: qs === '' ? path : `${path}?${qs.slice(1)}`,
        body: method === 'GET' || method === 'HEAD' ? undefined : body,
        contentType,
      };
    });
}

// ---- The property -------------------------------------------------------------------------------------------

describe('the HTTP API under fuzzing from its OpenAPI document', () => {
  it('answers every request below 500 with {error, detail} errors, and the node stays up and acknowledging', async () => {
    const anyCase = fc.constantFrom(...operations).chain(caseOf);
    const revoking = /logout|disable|revoke|sessions/;
    const seenStatuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(anyCase, async (c) => {
        const token = tokens.get(c.caller);
        const headers: Record<string, string> = {};
        if (token !== undefined) headers.authorization = `Bearer ${token}`;
        if (c.contentType !== undefined) headers['content-type'] = c.contentType;
        const answer = await send(c.method, c.path, headers, c.body);
        seenStatuses.set(answer.status, (seenStatuses.get(answer.status) ?? 0) + 1);
        const what = `${c.caller} ${c.method} ${c.path.slice(0, 200)} body ${String(c.body).slice(0, 200)} → ${answer.status} ${answer.text.slice(0, 300)}`;
        expect(answer.status, what).toBeLessThan(500);
        // The ClickHouse-compatible endpoint answers its own errors as ClickHouse does, which its clients parse;
        // what the router refuses before it (a bad path) is JSON like everywhere else.
        const clickhouseText = c.path.startsWith('/clickhouse') && answer.text.startsWith('Code: ');
        if (answer.status >= 400 && c.method !== 'HEAD' && clickhouseText) {
          expect(answer.text, what).toMatch(/^Code: \d+\. DB::Exception: .*\([A-Z_]+\) \(version vigil\)\n$/s);
          expect(answer.text, what).not.toMatch(JS_ERROR_TEXT);
        } else if (answer.status >= 400 && c.method !== 'HEAD') {
          let error: { error?: unknown; detail?: unknown };
          try {
            error = JSON.parse(answer.text) as typeof error;
          } catch {
            throw new Error(`not JSON: ${what}`);
          }
          expect(error.error, what).toMatch(/^[a-z][a-z0-9_]*$/);
          expect(typeof error.detail, what).toBe('string');
          expect(answer.text, what).not.toMatch(JS_ERROR_TEXT);
        }
        if (revoking.test(c.path)) await restoreTokens();
      }),
      {
        numRuns: FUZZ_RUNS,
        seed: SEED,
        // fast-check's own report, cut: a counterexample may hold a 70,000-character segment.
        reporter: (details) => {
          if (details.failed) throw new Error((fc.defaultReportMessage(details) ?? '').slice(0, 4_000));
        },
      },
    );
    console.log('http fuzz statuses', Object.fromEntries([...seenStatuses].sort(([a], [b]) => a - b)));
    // The runs reached past authentication and validation, not only the front door.
    expect([...seenStatuses.keys()].some((s) => s >= 200 && s < 300)).toBe(true);
    expect(seenStatuses.get(400) ?? 0).toBeGreaterThan(0);

    // Alive: healthy, no error reached the last resort, and a terminal is still acknowledged durably.
    expect((await call('GET', '/api/health', undefined)).status).toBe(200);
    const metrics = (await call('GET', '/metrics', undefined)).text;
    expect(metrics).not.toMatch(/^vigil_process_unhandled_errors_total\{.*\} [1-9]/m);
    expect(metrics).not.toMatch(/^vigil_http_internal_errors_total [1-9]/m);
    const terminal = await TestTerminal.connect(vigil.jt808Port, '013912340001', 2013);
    expect(await terminal.authenticate(await terminal.register('豫A5F001'))).toBe(0);
    const body = locationBody(
      { lat: 34.75, lon: 113.66, speedKmh: 40, directionDeg: 90, time: Date.now() - 1_000 },
      2013,
    );
    expect((await terminal.replyTo(terminal.send({ msgId: 0x0200, body }), 30_000)).result).toBe(0);
    terminal.close();
  }, 240_000);
});
