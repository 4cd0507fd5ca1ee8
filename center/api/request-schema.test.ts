/**
 * The request schemas, end to end: every endpoint's body and query schema is the one the OpenAPI document
 * shows, and every bound of every field of every `Api.define` endpoint refuses a value beyond it over real HTTP
 * with the named error (400 `bad_field` naming the field and the bound, `unknown_field`, `bad_body`), before
 * the handler runs. Valid values for the rest of a body come from the schema itself; a pattern needs a sample
 * below, so a new pattern without one fails here rather than going untested.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Kind, type TObject, type TSchema } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal, Role } from '../auth/accounts.js';
import { ROLES } from '../auth/user-admin.js';
import { registerDutyRoutes } from '../duty/duty-routes.js';
import { Router } from '../http/router.js';
import { registerAccountRoutes } from './account-routes.js';
import { documentFoundationRoutes, documentRouterRoutes } from './api-docs.js';
import { Api, openApiDocument, type Endpoint } from './api-spec.js';
import { registerAssessmentRoutes } from './assessment-routes.js';
import { registerCreditRoutes } from './credit-routes.js';
import { registerUploadRoutes } from './upload-routes.js';
import { registerHandlingRoutes } from './handling-routes.js';
import { checkBody, jsonSchemaOf } from './request-schema.js';
import { registerSummaryRoutes } from './summary-routes.js';

/** A value matching each pattern declared in the API (the test fails naming a pattern without one). */
const PATTERN_SAMPLES: Record<string, string> = {
  '^\\d{6}$': '410100',
  '^[0-9]{6}$': '410100',
  '^[a-z][a-z0-9_]{1,39}$': 'road_transport',
  '^[A-Za-z0-9_-]{1,64}$': 'ent-1',
  '^[a-z][a-z0-9_]{0,39}$': 'overspeed',
  '^[A-Za-z0-9_.@-]{3,64}$': 'user.one',
  '^\\d{4}-\\d{2}-\\d{2}$': '2026-12-01',
};

function validValue(schema: TSchema, where: string): unknown {
  switch (schema[Kind]) {
    case 'String': {
      if (schema.pattern !== undefined) {
        const sample = PATTERN_SAMPLES[schema.pattern as string];
        if (sample === undefined)
          throw new Error(`${where}: add a sample of pattern ${schema.pattern as string} to PATTERN_SAMPLES`);
        expect(new RegExp(schema.pattern as string).test(sample), where).toBe(true);
        return sample;
      }
      return 'x'.repeat(Math.max(1, (schema.minLength as number | undefined) ?? 1));
    }
    case 'Integer':
      return Math.max(0, schema.minimum as number);
    case 'Boolean':
      return true;
    case 'Array':
      return [];
    case 'Object':
      return validBody(schema as TObject, where);
    default:
      // A string enum (its first value) or any JSON object.
      return schema.enum ? (schema.enum as string[])[0] : {};
  }
}

function validBody(schema: TObject, where: string): Record<string, unknown> {
  const required = new Set(schema.required ?? []);
  return Object.fromEntries(
    Object.entries(schema.properties)
      .filter(([name]) => required.has(name))
      .map(([name, field]) => [name, validValue(field, `${where}.${name}`)]),
  );
}

interface Violation {
  kind: string;
  value: unknown;
  /** What the detail says after `field: `. */
  detail: RegExp;
}

/** A value beyond each bound a field declares, with what the refusal must say. */
function violations(schema: TSchema): Violation[] {
  const out: Violation[] = [];
  switch (schema[Kind]) {
    case 'String':
      out.push({ kind: 'string type', value: 12, detail: /^must be a string, got number$/ });
      if (schema.maxLength !== undefined)
        out.push({
          kind: 'string maxLength',
          value: '7'.repeat((schema.maxLength as number) + 1),
          detail: new RegExp(`^length \\d+ is greater than max allowed ${schema.maxLength}$`),
        });
      if (((schema.minLength as number | undefined) ?? 0) > 0)
        out.push({
          kind: 'string minLength',
          value: '',
          detail: new RegExp(`^length 0 is less than min allowed ${schema.minLength}$`),
        });
      if (schema.pattern !== undefined)
        out.push({ kind: 'string pattern', value: '!!!!!!', detail: /^value "!!!!!!" does not match \/.+\/$/ });
      break;
    case 'Integer':
      out.push({ kind: 'integer type', value: 1.5, detail: /^must be an integer, got 1.5$/ });
      out.push({
        kind: 'integer minimum',
        value: (schema.minimum as number) - 1,
        detail: /^value -?\d+ is (less than min allowed -?\d+|outside the safe integer range ±9007199254740991)$/,
      });
      out.push({
        kind: 'integer maximum',
        value: (schema.maximum as number) + 1,
        detail: /^value \d+ is (greater than max allowed \d+|outside the safe integer range ±9007199254740991)$/,
      });
      break;
    case 'Boolean':
      out.push({ kind: 'boolean type', value: 'yes', detail: /^must be a boolean, got string$/ });
      break;
    case 'Array':
      out.push({ kind: 'array type', value: 'x', detail: /^must be an array$/ });
      if (schema.maxItems !== undefined)
        out.push({
          kind: 'array maxItems',
          value: Array.from({ length: (schema.maxItems as number) + 1 }, () => 1),
          detail: new RegExp(`^${(schema.maxItems as number) + 1} items is more than max allowed ${schema.maxItems}$`),
        });
      break;
    case 'Object':
      out.push({ kind: 'object type', value: 'x', detail: /^must be an object$/ });
      break;
    default:
      if (schema.enum)
        out.push({ kind: 'enum', value: 'not-one-of-them', detail: /^value "not-one-of-them" is not one of .+$/ });
      // Any JSON object.
      else out.push({ kind: 'object type', value: 'x', detail: /^must be an object$/ });
  }
  return out;
}

/** The endpoints of the command centre, with handlers that never run (every request here is refused first). */
function commandCentreApi(router: Router): Api {
  const api = new Api(router, (ctx) => {
    const role = ROLES.find((r) => r === ctx.req.headers['x-role']);
    if (role === undefined) throw new Error('the test names a role');
    const principal: Principal = { userId: 1, username: 'tester', role, orgCode: '410000', enterpriseId: 'ent-1' };
    return Promise.resolve(principal);
  });
  const unused = new Proxy(
    {},
    {
      get: () => {
        throw new Error('a refused request reached its handler');
      },
    },
  );
  documentFoundationRoutes(api);
  documentRouterRoutes(api);
  registerAccountRoutes(api, {
    sql: unused,
    accounts: unused,
    org: unused,
    users: unused,
    orgAdmin: unused,
    config: unused,
  } as never);
  registerHandlingRoutes(api, { desk: unused, workOrders: unused } as never);
  registerSummaryRoutes(api, { summaries: unused, trends: unused } as never);
  registerDutyRoutes(api, { desk: unused, inspections: unused, now: () => 0 } as never);
  registerAssessmentRoutes(api, { assessments: unused } as never);
  registerCreditRoutes(api, { credits: unused } as never);
  registerUploadRoutes(api, { uploads: unused } as never);
  return api;
}

function roleFor(endpoint: Endpoint): Role {
  return endpoint.roles === 'any' || endpoint.roles === 'public' ? 'admin' : endpoint.roles[0];
}

function concretePath(path: string): string {
  return path.replace(/:([A-Za-z_]+)/g, '1');
}

let server: Server;
let baseUrl: string;
let api: Api;

beforeAll(async () => {
  const router = new Router(2_000_000);
  api = commandCentreApi(router);
  server = createServer((req, res) => void router.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function send(
  endpoint: Endpoint,
  body: unknown,
  query = '',
): Promise<{ status: number; body: { error?: string; detail?: string; field?: string } }> {
  const res = await fetch(`${baseUrl}${concretePath(endpoint.path)}${query}`, {
    method: endpoint.method,
    headers: { 'x-role': roleFor(endpoint), connection: 'close' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!text.startsWith('{'))
    throw new Error(`${endpoint.method} ${endpoint.path}: ${res.status} ${text.slice(0, 200)}`);
  return { status: res.status, body: JSON.parse(text) as { error?: string; detail?: string; field?: string } };
}

describe('the OpenAPI document', () => {
  it('shows every declared body and query schema as it is checked', () => {
    const doc = openApiDocument(api.endpoints, { title: 't', version: '1', description: 'd' }) as {
      paths: Record<string, Record<string, { requestBody?: unknown; parameters: unknown[] }>>;
    };
    let bodies = 0;
    for (const e of api.endpoints) {
      const operation = doc.paths[e.path.replace(/:([A-Za-z_]+)/g, '{$1}')][e.method.toLowerCase()];
      if (e.body) {
        bodies++;
        expect(operation.requestBody, `${e.method} ${e.path}`).toEqual({
          required: true,
          content: { 'application/json': { schema: jsonSchemaOf(e.body) } },
        });
        expect(jsonSchemaOf(e.body)).toMatchObject({ type: 'object', additionalProperties: false });
      } else expect(operation.requestBody, `${e.method} ${e.path}`).toBeUndefined();
      const required = new Set(e.query?.required ?? []);
      for (const [name, schema] of Object.entries(e.query?.properties ?? {}))
        expect(operation.parameters, `${e.method} ${e.path} ?${name}`).toContainEqual({
          name,
          in: 'query',
          required: required.has(name),
          description: schema.description,
          schema: jsonSchemaOf(schema),
        });
    }
    expect(bodies).toBeGreaterThan(30);
  });
});

describe('a value beyond a declared bound', () => {
  it('is refused over HTTP with the named error, for every field of every body', async () => {
    const kinds = new Set<string>();
    const defined = api.endpoints.filter((e) => e.roles !== 'public' && e.body && router(e));
    for (const e of defined) {
      const body = e.body!;
      const base = validBody(body, `${e.method} ${e.path}`);
      const unknown = await send(e, { ...base, not_declared: 1 });
      expect(unknown, `${e.method} ${e.path}`).toMatchObject({
        status: 400,
        body: { error: 'unknown_field', field: 'not_declared' },
      });
      kinds.add('unknown field');
      expect((await send(e, [base])).body.error, `${e.method} ${e.path}`).toBe('bad_body');
      for (const name of body.required ?? []) {
        const { [name]: _left, ...without } = base;
        expect(await send(e, without), `${e.method} ${e.path} without ${name}`).toMatchObject({
          status: 400,
          body: { error: 'bad_field', field: name, detail: `${name}: is required` },
        });
        kinds.add('required');
      }
      for (const [name, schema] of Object.entries(body.properties))
        for (const v of violations(schema)) {
          const answer = await send(e, { ...base, [name]: v.value });
          const where = `${e.method} ${e.path} ${name}: ${v.kind}`;
          expect(answer, where).toMatchObject({ status: 400, body: { error: 'bad_field', field: name } });
          expect(answer.body.detail?.slice(name.length + 2), where).toMatch(v.detail);
          kinds.add(v.kind);
        }
    }
    expect([...kinds].sort()).toEqual([
      'array maxItems',
      'array type',
      'boolean type',
      'enum',
      'integer maximum',
      'integer minimum',
      'integer type',
      'object type',
      'required',
      'string maxLength',
      'string minLength',
      'string pattern',
      'string type',
      'unknown field',
    ]);
  }, 120_000);

  it('is refused over HTTP in a query, for every integer, choice, pattern and length of every query', async () => {
    for (const e of api.endpoints.filter((x) => x.query && x.roles !== 'public' && router(x))) {
      const query = e.query!;
      const base = validBody(query, `${e.method} ${e.path}`);
      for (const [name, schema] of Object.entries(query.properties))
        // An empty parameter counts as absent, so a minimum length is not one a query can break.
        // A length beyond what a request line carries (Node refuses it 431 first) is tested in bodies only.
        for (const v of violations(schema).filter(
          (x) =>
            !x.kind.endsWith('type') &&
            x.kind !== 'string minLength' &&
            !(x.kind === 'string maxLength' && (schema.maxLength as number) > 4_000),
        )) {
          const params = new URLSearchParams(
            Object.entries({ ...base, [name]: v.value }).map(([k, x]) => [k, String(x)]),
          );
          const answer = await send(e, e.body ? {} : undefined, `?${params.toString()}`);
          const where = `${e.method} ${e.path} ?${name}: ${v.kind}`;
          expect(answer, where).toMatchObject({ status: 400, body: { error: 'bad_field', field: name } });
          expect(answer.body.detail?.slice(name.length + 2), where).toMatch(v.detail);
        }
    }
  }, 120_000);

  it('in a nested object or an array item names its path', () => {
    const attachments = api.endpoints.find((e) => e.path === '/api/work-orders/:id/comment')!.body!;
    const refuse = (value: unknown): unknown => {
      try {
        checkBody(attachments, value);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    expect(
      refuse({ text: 'x', attachments: [{ name: 'a', content_type: 'image/png', data_base64: '', x: 1 }] }),
    ).toMatchObject({
      reason: 'unknown_field',
      extra: { field: 'attachments[0].x' },
    });
    expect(
      refuse({ text: 'x', attachments: [{ name: '', content_type: 'image/png', data_base64: '' }] }),
    ).toMatchObject({
      reason: 'bad_field',
      message: 'attachments[0].name: length 0 is less than min allowed 1',
    });
    expect(refuse({ text: 'x', attachments: [null] })).toMatchObject({
      message: 'attachments[0]: must be an object',
    });
  });
});

/** Whether the endpoint is one `Api.define` registered (the documented-only ones are served elsewhere). */
function router(e: Endpoint): boolean {
  return definedHere.has(`${e.method} ${e.path}`);
}
const definedHere = new Set<string>();
beforeAll(() => {
  const probe = new Router(1_000);
  commandCentreApi(probe);
  for (const r of probe.routes()) definedHere.add(`${r.method} ${r.pattern}`);
});
