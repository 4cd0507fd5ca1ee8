/**
 * Endpoints declared once as data — method, path, roles, body and query schemas — from which both the router
 * entry and the OpenAPI document (`/api/docs`) are made. The body and query schemas are TypeBox schemas
 * (`request-schema.ts`): the handler receives them checked and typed (`Static<>`), and a body field that is
 * missing, of the wrong type, out of bounds or unknown gets a 400 naming the field and the bound.
 */
import type { Principal, Role } from '../auth/accounts.js';
import { HttpError, parseJsonBody, type HandlerResult, type RequestContext, type Router } from '../http/router.js';
import {
  assertDeclarable,
  Body,
  checkBody,
  checkQuery,
  jsonSchemaOf,
  type Static,
  type TObject,
} from './request-schema.js';

export {
  Body,
  checkBody,
  checkQuery,
  EPOCH_MS_MAX,
  EpochMs,
  Int,
  JsonObject,
  OneOf,
  Opt,
  queryParam,
  Type,
  type Static,
  type TObject,
  type TSchema,
} from './request-schema.js';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the body of an endpoint that takes none
type NoFields = TObject<{}>;

/**
 * An authenticated endpoint's handler: the caller is known, the body (if any) checked against `body` and the
 * query parameters against `query` (absent ones are left out), each typed by its schema.
 */
export type EndpointHandler<B extends TObject = NoFields, Q extends TObject = NoFields> = (
  ctx: RequestContext,
  principal: Principal,
  body: Static<B>,
  query: Static<Q>,
) => Promise<HandlerResult> | HandlerResult;

export interface Endpoint<B extends TObject = TObject, Q extends TObject = TObject> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  tag: string;
  summary: string;
  /** Roles allowed ('any': every authenticated user). Scope is checked by the handler, per item. */
  roles: readonly Role[] | 'any' | 'public';
  body?: B;
  query?: Q;
  /** What a 2xx answer holds. */
  returns: string;
  /** More about the endpoint, after the roles and scope. */
  description?: string;
  /** Answers of its own beyond the common ones, by status. */
  responses?: Record<string, string>;
}

const NO_FIELDS: NoFields = Body({});

export class Api {
  readonly endpoints: Endpoint[] = [];

  constructor(
    private readonly router: Router,
    private readonly authenticate: (ctx: RequestContext) => Promise<Principal>,
  ) {}

  /** Documents an endpoint that is registered elsewhere (with `router.add`). */
  document<B extends TObject, Q extends TObject>(endpoint: Endpoint<B, Q>): void {
    declarable(endpoint);
    this.endpoints.push(endpoint);
  }

  /**
   * Registers an authenticated endpoint. Its handler is given the body and the query as their schemas' types:
   * the one place that relies on TypeBox's `Static<>` matching what its compiled check accepts is the
   * implementation below, which checks them with the same schemas before the call.
   */
  define<B extends TObject = NoFields, Q extends TObject = NoFields>(
    endpoint: Omit<Endpoint<B, Q>, 'roles'> & { roles: readonly Role[] | 'any' },
    handler: EndpointHandler<B, Q>,
  ): void;
  define(
    endpoint: Omit<Endpoint, 'roles'> & { roles: readonly Role[] | 'any' },
    handler: EndpointHandler<TObject, TObject>,
  ): void {
    declarable(endpoint);
    this.endpoints.push(endpoint);
    const { body: bodySchema, query: querySchema } = endpoint;
    this.router.add(endpoint.method, endpoint.path, async (ctx) => {
      const principal = await this.authenticate(ctx);
      if (endpoint.roles !== 'any' && !endpoint.roles.includes(principal.role)) {
        throw new HttpError(403, 'forbidden', `role ${principal.role} may not ${endpoint.method} ${endpoint.path}`);
      }
      const query = checkQuery(ctx, querySchema ?? NO_FIELDS);
      // Steps without required fields may be posted with no body at all.
      const text = bodySchema ? await ctx.text() : '';
      const body = checkBody(bodySchema ?? NO_FIELDS, text.trim() === '' ? {} : parseJsonBody(text));
      return handler(ctx, principal, body, query);
    });
  }
}

function declarable(endpoint: Pick<Endpoint, 'method' | 'path' | 'body' | 'query'>): void {
  const where = `${endpoint.method} ${endpoint.path}`;
  if (endpoint.body) assertDeclarable(endpoint.body, `${where} body`);
  if (endpoint.query) assertDeclarable(endpoint.query, `${where} query`);
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
    const requiredQuery = new Set(e.query?.required ?? []);
    const queryParams = Object.entries(e.query?.properties ?? {}).map(([name, schema]) => ({
      name,
      in: 'query',
      required: requiredQuery.has(name),
      description: schema.description,
      schema: jsonSchemaOf(schema),
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
