/**
 * Endpoints declared once as data — method, path, roles, body fields — from which both the router entry and
 * the OpenAPI document (`/api/docs`) are made, and against which request bodies are checked. A body field
 * that is missing, of the wrong type, out of bounds or unknown gets a 400 naming the field and the bound.
 */
import type { Principal, Role } from '../auth/accounts.js';
import { HttpError, parseJsonBody, type HandlerResult, type RequestContext, type Router } from '../http/router.js';

export interface FieldSpec {
  type: 'string' | 'integer' | 'boolean' | 'array' | 'object';
  description: string;
  required?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: RegExp;
  enum?: readonly string[];
  min?: number;
  max?: number;
  /** Element spec of an array, with its bound. */
  items?: FieldSpec;
  maxItems?: number;
  /** Fields of a nested object; absent means any JSON object. */
  properties?: Record<string, FieldSpec>;
}

export type BodySpec = Record<string, FieldSpec>;

/** The last epoch millisecond of year 9999: what PostgreSQL and ClickHouse timestamps and `Date` all hold. */
export const EPOCH_MS_MAX = 253_402_300_799_999;
/** A time as epoch milliseconds, bounded so that it is a valid time in every store. */
export const EPOCH_MS: FieldSpec = { type: 'integer', description: 'epoch milliseconds', min: 0, max: EPOCH_MS_MAX };

/**
 * An authenticated endpoint's handler: the caller is known, the body (if any) checked against `body` and the
 * query parameters against `query` (absent ones are left out).
 */
export type EndpointHandler = (
  ctx: RequestContext,
  principal: Principal,
  body: Record<string, unknown>,
  query: Record<string, unknown>,
) => Promise<HandlerResult> | HandlerResult;

export interface Endpoint {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  tag: string;
  summary: string;
  /** Roles allowed ('any': every authenticated user). Scope is checked by the handler, per item. */
  roles: readonly Role[] | 'any' | 'public';
  body?: BodySpec;
  query?: Record<string, FieldSpec>;
  /** What a 2xx answer holds. */
  returns: string;
  /** More about the endpoint, after the roles and scope. */
  description?: string;
  /** Answers of its own beyond the common ones, by status. */
  responses?: Record<string, string>;
}

export class Api {
  readonly endpoints: Endpoint[] = [];

  constructor(
    private readonly router: Router,
    private readonly authenticate: (ctx: RequestContext) => Promise<Principal>,
  ) {}

  /** Documents an endpoint that is registered elsewhere (with `router.add`). */
  document(endpoint: Endpoint): void {
    this.endpoints.push(endpoint);
  }

  define(endpoint: Omit<Endpoint, 'roles'> & { roles: readonly Role[] | 'any' }, handler: EndpointHandler): void {
    this.endpoints.push(endpoint);
    this.router.add(endpoint.method, endpoint.path, async (ctx) => {
      const principal = await this.authenticate(ctx);
      if (endpoint.roles !== 'any' && !endpoint.roles.includes(principal.role)) {
        throw new HttpError(403, 'forbidden', `role ${principal.role} may not ${endpoint.method} ${endpoint.path}`);
      }
      const query = checkQuery(ctx, endpoint.query ?? {});
      // Steps without required fields may be posted with no body at all.
      const text = endpoint.body ? await ctx.text() : '';
      const body = endpoint.body
        ? checkBody<Record<string, unknown>>(endpoint.body, text.trim() === '' ? {} : parseJsonBody(text))
        : {};
      return handler(ctx, principal, body, query);
    });
  }
}

/** Every declared query parameter read and checked; a bad one is a 400 before the handler runs. */
function checkQuery(ctx: RequestContext, specs: Record<string, FieldSpec>): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = queryParam(ctx, name, spec);
    if (value !== undefined) query[name] = value;
  }
  return query;
}

/**
 * Reads a query parameter checked against its spec (integers and booleans parsed from text). Every route reads
 * its query through here (or through the `query` an `Api.define` handler is given): an integer must be a safe
 * integer (no precision lost on the way to a store) within the spec's bounds, else 400 `bad_field`.
 */
export function queryParam(ctx: RequestContext, name: string, spec: FieldSpec): unknown {
  const text = ctx.url.searchParams.get(name);
  if (text === null || text === '') {
    if (spec.required) throw bad(name, 'is required');
    return undefined;
  }
  if (spec.type === 'integer') {
    if (!/^-?\d+$/.test(text)) throw bad(name, `value ${JSON.stringify(text.slice(0, 40))} is not an integer`);
    if (!Number.isSafeInteger(Number(text)))
      throw bad(name, `value ${text.slice(0, 40)} is outside the safe integer range ±${Number.MAX_SAFE_INTEGER}`);
    return checkValue(name, spec, Number(text));
  }
  if (spec.type === 'boolean') {
    if (text !== 'true' && text !== 'false') throw bad(name, `value ${JSON.stringify(text)} is not true or false`);
    return text === 'true';
  }
  // PostgreSQL's text cannot hold U+0000 (bodies are checked for it when parsed).
  if (text.includes('\u0000')) throw bad(name, 'holds the character U+0000');
  return checkValue(name, spec, text);
}

function bad(field: string, detail: string): HttpError {
  return new HttpError(400, 'bad_field', `${field}: ${detail}`, { field });
}

function checkValue(path: string, spec: FieldSpec, value: unknown): unknown {
  switch (spec.type) {
    case 'string': {
      if (typeof value !== 'string') throw bad(path, `must be a string, got ${typeof value}`);
      if (spec.minLength !== undefined && value.length < spec.minLength)
        throw bad(path, `length ${value.length} is less than min allowed ${spec.minLength}`);
      if (spec.maxLength !== undefined && value.length > spec.maxLength)
        throw bad(path, `length ${value.length} is greater than max allowed ${spec.maxLength}`);
      if (spec.pattern && !spec.pattern.test(value))
        throw bad(path, `value ${JSON.stringify(value.slice(0, 80))} does not match ${String(spec.pattern)}`);
      if (spec.enum && !spec.enum.includes(value))
        throw bad(path, `value ${JSON.stringify(value)} is not one of ${spec.enum.join(', ')}`);
      return value;
    }
    case 'integer': {
      if (typeof value !== 'number' || !Number.isInteger(value))
        throw bad(path, `must be an integer, got ${typeof value === 'number' ? value : typeof value}`);
      // 2^53 and beyond lose digits as a JSON number; no id, count or time of Vigil gets there.
      if (!Number.isSafeInteger(value))
        throw bad(path, `value ${value} is outside the safe integer range ±${Number.MAX_SAFE_INTEGER}`);
      if (spec.min !== undefined && value < spec.min)
        throw bad(path, `value ${value} is less than min allowed ${spec.min}`);
      if (spec.max !== undefined && value > spec.max)
        throw bad(path, `value ${value} is greater than max allowed ${spec.max}`);
      return value;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw bad(path, `must be a boolean, got ${typeof value}`);
      return value;
    case 'array': {
      if (!Array.isArray(value)) throw bad(path, 'must be an array');
      if (spec.maxItems !== undefined && value.length > spec.maxItems)
        throw bad(path, `${value.length} items is more than max allowed ${spec.maxItems}`);
      return spec.items ? value.map((v, i) => checkValue(`${path}[${i}]`, spec.items!, v)) : value;
    }
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(path, 'must be an object');
      return spec.properties ? checkFields(spec.properties, value as Record<string, unknown>, `${path}.`) : value;
    }
  }
}

function checkFields(spec: BodySpec, body: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  for (const key of Object.keys(body)) {
    if (!Object.hasOwn(spec, key))
      throw new HttpError(
        400,
        'unknown_field',
        `${prefix}${key}: unknown field (known: ${Object.keys(spec).join(', ')})`,
        { field: `${prefix}${key}` },
      );
  }
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(spec)) {
    const value = body[name];
    if (value === undefined || value === null) {
      if (field.required) throw bad(`${prefix}${name}`, 'is required');
      continue;
    }
    out[name] = checkValue(`${prefix}${name}`, field, value);
  }
  return out;
}

/** Checks a parsed JSON body against its spec and returns it typed; the caller's type must match the spec. */
export function checkBody<T>(spec: BodySpec, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(400, 'bad_body', 'the body must be a JSON object');
  return checkFields(spec, body as Record<string, unknown>) as T;
}

function jsonSchemaOfField(spec: FieldSpec): Record<string, unknown> {
  const out: Record<string, unknown> = { type: spec.type, description: spec.description };
  if (spec.minLength !== undefined) out.minLength = spec.minLength;
  if (spec.maxLength !== undefined) out.maxLength = spec.maxLength;
  if (spec.pattern) out.pattern = spec.pattern.source;
  if (spec.enum) out.enum = [...spec.enum];
  if (spec.min !== undefined) out.minimum = spec.min;
  if (spec.max !== undefined) out.maximum = spec.max;
  if (spec.maxItems !== undefined) out.maxItems = spec.maxItems;
  if (spec.items) out.items = jsonSchemaOfField(spec.items);
  if (spec.properties) Object.assign(out, jsonSchemaOf(spec.properties));
  return out;
}

export function jsonSchemaOf(spec: BodySpec): Record<string, unknown> {
  const required = Object.entries(spec)
    .filter(([, f]) => f.required)
    .map(([n]) => n);
  return {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(Object.entries(spec).map(([n, f]) => [n, jsonSchemaOfField(f)])),
    ...(required.length > 0 ? { required } : {}),
  };
}

/** The OpenAPI 3.1 document of every declared endpoint. */
export function openApiDocument(
  endpoints: readonly Endpoint[],
  info: { title: string; version: string; description: string },
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of endpoints) {
    const openApiPath = e.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const pathParams = [...e.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const queryParams = Object.entries(e.query ?? {}).map(([name, f]) => ({
      name,
      in: 'query',
      required: f.required ?? false,
      description: f.description,
      schema: jsonSchemaOfField(f),
    }));
    const operation: Record<string, unknown> = {
      tags: [e.tag],
      summary: e.summary,
      // Machine-readable roles, for clients and for the test matrix that checks the server enforces them.
      'x-roles': Array.isArray(e.roles) ? [...e.roles] : e.roles,
      description:
        e.roles === 'public'
          ? 'No authentication.'
          : `Roles: ${e.roles === 'any' ? 'any authenticated user' : e.roles.join(', ')}. Results and actions are limited to the caller's org subtree (enterprise users: their enterprise).${e.description ? ` ${e.description}` : ''}`,
      parameters: [...pathParams, ...queryParams],
      responses: {
        '200': { description: e.returns },
        '400': {
          description: 'bad_field, unknown_field, bad_json or another named reason',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
        ...(e.roles === 'public'
          ? {}
          : { '401': { description: 'unauthenticated' }, '403': { description: 'forbidden: role or scope' } }),
        '404': { description: "not found, or outside the caller's scope" },
        '409': { description: 'conflict: the state changed or another user holds it (held_by)' },
        ...Object.fromEntries(
          Object.entries(e.responses ?? {}).map(([status, text]) => [status, { description: text }]),
        ),
      },
      ...(e.roles === 'public' ? { security: [] } : {}),
    };
    if (e.body)
      operation.requestBody = { required: true, content: { 'application/json': { schema: jsonSchemaOf(e.body) } } };
    (paths[openApiPath] ??= {})[e.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'token from POST /api/auth/login' } },
      schemas: {
        Error: {
          type: 'object',
          properties: { error: { type: 'string', description: 'named reason' }, detail: { type: 'string' } },
          required: ['error', 'detail'],
        },
      },
    },
  };
}
