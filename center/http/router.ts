/**
 * The router over node:http: `router.add(method, pattern, handler)` with exact paths or `:param` segments,
 * matched by find-my-way (a radix tree, the router of Fastify); JSON bodies read with a size and a nesting bound;
 * and one error path. Everything a request can make go wrong — its URL, a bad `%` escape in a path segment, its
 * body, a handler's throw — is answered here as JSON `{error, detail}` with a named reason:
 *
 * - an `HttpError` with its own status and reason;
 * - a path that does not decode is 400 `bad_path`, a path segment over `PATH_PARAM_CHARS_MAX` or holding a control
 *   character too;
 * - a known path with another method is 405 `method_not_allowed` with the `Allow` header;
 * - anything else a handler throws is 500 `internal_error` with a correlation id (`error_id`) that is logged with
 *   the stack. The exception's own text never reaches the client: it may hold SQL, paths or data of others.
 *
 * Every answer carries the security headers of `security-headers.ts`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import findMyWay from 'find-my-way';
import secureJson from 'secure-json-parse';
import { createLogger, JSON_PROBLEM_DETAIL, jsonProblem, type Logger, type Metrics } from '../../schema/index.js';
import { API_HEADERS, COMMON_HEADERS } from './security-headers.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    detail: string,
    readonly extra: Record<string, unknown> = {},
    /** Headers of the answer, e.g. Retry-After on a 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  peer: string;
  /**
   * Reads and parses the JSON body, which must be an object: anything else is 400 `bad_body`. Refuses bodies
   * over the size bound (413), nested deeper than `JSON_DEPTH_MAX` (400 `too_deep`), holding U+0000 (400
   * `nul_character`) or `__proto__` / `constructor.prototype` keys (400 `bad_json`).
   */
  json<T extends object = Record<string, unknown>>(): Promise<T>;
  /** Reads the raw body, refusing bodies over the bound. */
  text(): Promise<string>;
}

export type HandlerResult =
  { status?: number; body?: unknown; headers?: Record<string, string>; raw?: string | Buffer } | undefined;
export type Handler = (ctx: RequestContext) => Promise<HandlerResult> | HandlerResult;

const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** A path segment (`:param`) longer than this is refused as `bad_path`: no id, code or plate is near it. */
export const PATH_PARAM_CHARS_MAX = 200;

export interface RouterObserver {
  logger: Logger;
  metrics: Metrics;
}

interface RouteStore {
  handler: Handler;
}

/** What find-my-way finds: our route (store set), or its bad-URL and too-long-segment answers (store null). */
interface Found {
  handler: (...args: never[]) => unknown;
  params: Record<string, string | undefined>;
  store: RouteStore | null;
}

export class Router {
  private readonly tree = findMyWay({
    // As before find-my-way: `/api/alarms/` and `//api//alarms` are `/api/alarms`.
    ignoreTrailingSlash: true,
    ignoreDuplicateSlashes: true,
    maxParamLength: PATH_PARAM_CHARS_MAX,
    onBadUrl: (path: string) => {
      throw new HttpError(400, 'bad_path', `path ${JSON.stringify(path.slice(0, 200))} is not validly %-encoded`);
    },
    onMaxParamLength: () => {
      throw new HttpError(400, 'bad_path', `a path segment is longer than ${PATH_PARAM_CHARS_MAX} characters`);
    },
  });
  private readonly registered: { method: string; pattern: string }[] = [];
  private readonly methods = new Set<string>();
  private readonly logger: Logger;
  private readonly metrics: Metrics | undefined;

  constructor(
    private readonly bodyBytesMax: number,
    observer?: RouterObserver,
  ) {
    // Tests may build a router without an observer; an internal error must still be logged somewhere.
    this.logger = observer?.logger ?? createLogger((line) => process.stderr.write(line), 'error');
    this.metrics = observer?.metrics;
  }

  add(method: string, pattern: string, handler: Handler): this {
    const store: RouteStore = { handler };
    // find-my-way wants a handler of its own shape; ours lives in the store, so its handler is never called.
    this.tree.on(method as 'GET', pattern, () => undefined, store);
    this.registered.push({ method, pattern });
    this.methods.add(method);
    return this;
  }

  /** Every route added, in the order added (for the test that each one is in the OpenAPI document). */
  routes(): readonly { method: string; pattern: string }[] {
    return this.registered;
  }

  /**
   * The route for a method and a path (no query): its handler and decoded params, `method_not_allowed` with the
   * methods the path has, or null. Throws `HttpError` 400 `bad_path` for a path that does not decode.
   */
  match(
    method: string,
    pathname: string,
  ): { handler: Handler; params: Record<string, string> } | { methodNotAllowed: string[] } | null {
    const found = this.find(method, pathname);
    if (found) return found;
    const allowed = [...this.methods].filter((m) => m !== method && this.find(m, pathname) !== null);
    return allowed.length > 0 ? { methodNotAllowed: allowed.sort() } : null;
  }

  async handle(req: IncomingMessage, res: ServerResponse, fallback?: Handler): Promise<void> {
    let fromFallback = false;
    let url: URL | undefined;
    try {
      url = requestUrl(req.url);
      const ctx: RequestContext = {
        req,
        res,
        url,
        params: {},
        peer: `${req.socket.remoteAddress ?? ''}:${req.socket.remotePort ?? ''}`,
        text: () => readBody(req, this.bodyBytesMax),
        json: async <T extends object>() => parseJsonObject(await readBody(req, this.bodyBytesMax)) as T,
      };
      const matched = this.match(req.method ?? 'GET', url.pathname);
      let result: HandlerResult;
      if (matched && 'methodNotAllowed' in matched) {
        throw new HttpError(405, 'method_not_allowed', `${req.method} is not allowed on ${url.pathname}`, {
          allow: matched.methodNotAllowed,
        });
      } else if (matched) {
        ctx.params = matched.params;
        result = await matched.handler(ctx);
      } else if (fallback) {
        fromFallback = true;
        result = await fallback(ctx);
      } else {
        throw new HttpError(404, 'not_found', `no route for ${url.pathname}`);
      }
      if (!res.headersSent && result !== undefined) send(res, result, !fromFallback);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        const allow = error.status === 405 ? (error.extra.allow as string[] | undefined) : undefined;
        send(res, {
          status: error.status,
          body: { error: error.reason, detail: error.message, ...error.extra },
          headers: allow ? { ...error.headers, allow: allow.join(', ') } : error.headers,
        });
        return;
      }
      this.internalError(req, res, url, error);
    }
  }

  /** A 500 that names a correlation id, never the exception; the stack goes to the log under the same id. */
  private internalError(req: IncomingMessage, res: ServerResponse, url: URL | undefined, error: unknown): void {
    const errorId = randomUUID();
    // The path only: a query may hold a token (the wall's ?token=).
    this.logger.error('request failed', {
      error_id: errorId,
      method: req.method,
      path: url?.pathname,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      stack: error instanceof Error ? error.stack : undefined,
    });
    this.metrics
      ?.counter(
        'vigil_http_internal_errors_total',
        'HTTP requests answered 500 internal_error (see the log by error_id)',
      )
      .inc();
    send(res, {
      status: 500,
      body: {
        error: 'internal_error',
        detail: `the server failed to answer this request; the operator can find it in the log by error_id ${errorId}`,
        error_id: errorId,
      },
    });
  }

  private find(method: string, pathname: string): { handler: Handler; params: Record<string, string> } | null {
    const found = this.tree.find(method as 'GET', pathname) as Found | null;
    if (found === null) return null;
    // A bad URL or an over-long segment: find-my-way hands back our onBadUrl / onMaxParamLength, which throw.
    if (found.store === null) return (found.handler as () => never)();
    const params = found.params as Record<string, string>;
    // No id, code or plate holds a control character; U+0000 would even fail the query it reaches.
    for (const value of Object.values(params))
      if (CONTROL_CHARACTER.test(value))
        throw new HttpError(400, 'bad_path', 'a path segment holds a control character (U+0000 to U+001F, U+007F)');
    return { handler: found.store.handler, params };
  }
}

/**
 * The request's URL. Only origin-form (`/path?query`) and absolute-form (`http://host/path`, as proxies send)
 * targets are requests for us; `//host/path` is read as a path, never as another host.
 */
export function requestUrl(target: string | undefined): URL {
  const text = target ?? '/';
  try {
    if (text.startsWith('/')) return new URL(`http://localhost${text}`);
    const absolute = new URL(text);
    if (absolute.protocol === 'http:' || absolute.protocol === 'https:')
      return new URL(`http://localhost${absolute.pathname}${absolute.search}`);
  } catch {
    // Falls through to the refusal below.
  }
  throw new HttpError(400, 'bad_path', `request target ${JSON.stringify(text.slice(0, 200))} is not a path`);
}

function send(res: ServerResponse, result: NonNullable<HandlerResult>, apiAnswer = true): void {
  const status = result.status ?? 200;
  // API answers are data, never a page: no caching, no rendering, no framing; the wall's files set their own.
  const defaults = apiAnswer ? { ...COMMON_HEADERS, ...API_HEADERS } : COMMON_HEADERS;
  if (result.raw !== undefined) {
    res.writeHead(status, {
      ...defaults,
      ...(result.headers ?? { 'content-type': 'text/plain; charset=utf-8' }),
    });
    res.end(result.raw);
    return;
  }
  const payload = JSON.stringify(result.body ?? {});
  res.writeHead(status, {
    ...defaults,
    'content-type': 'application/json; charset=utf-8',
    ...result.headers,
  });
  res.end(payload);
}

async function readBody(req: IncomingMessage, bytesMax: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > bytesMax) throw new HttpError(413, 'body_too_large', `body of ${declared} bytes exceeds ${bytesMax}`);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of req) {
      total += (chunk as Buffer).length;
      if (total > bytesMax) throw new HttpError(413, 'body_too_large', `body exceeds ${bytesMax} bytes`);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    // The client went away or timed out mid-body: its fault, not ours, and nobody is left to read the answer.
    throw new HttpError(400, 'body_incomplete', 'the request body ended before it was complete');
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Parses a JSON request body: 400 `bad_json` for text that is not JSON or that holds `__proto__` /
 * `constructor.prototype` keys (prototype pollution of whatever merges it later), 400 `too_deep` for nesting
 * beyond `JSON_DEPTH_MAX` (which would overflow the stack of whatever walks it recursively), 400 `nul_character`
 * for U+0000 in a string (which PostgreSQL cannot store).
 */
export function parseJsonBody(text: string): unknown {
  let value: unknown;
  try {
    value = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    throw new HttpError(400, 'bad_json', `request body is not JSON: ${(error as Error).message}`);
  }
  const problem = jsonProblem(value);
  if (problem !== undefined) throw new HttpError(400, problem, `request body: ${JSON_PROBLEM_DETAIL[problem]}`);
  return value;
}

/** `parseJsonBody` for endpoints that take an object: `null`, arrays, strings and numbers are 400 `bad_body`. */
export function parseJsonObject(text: string): Record<string, unknown> {
  const value = parseJsonBody(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new HttpError(400, 'bad_body', `the body must be a JSON object, got ${jsonKind(value)}`);
  return value as Record<string, unknown>;
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
