/**
 * A small router over node:http: exact paths or `:param` segments, JSON bodies read with a size bound, and
 * errors answered as `{error, detail}` with the error's own status. Enough for an API of a few dozen routes
 * without a framework between Vigil and the socket.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

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
  /** Reads and parses the JSON body, refusing bodies over the bound. */
  json<T = unknown>(): Promise<T>;
  /** Reads the raw body, refusing bodies over the bound. */
  text(): Promise<string>;
}

export type HandlerResult =
  { status?: number; body?: unknown; headers?: Record<string, string>; raw?: string | Buffer } | undefined;
export type Handler = (ctx: RequestContext) => Promise<HandlerResult> | HandlerResult;

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  constructor(private readonly bodyBytesMax: number) {}

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, segments: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  match(
    method: string,
    pathname: string,
  ): { handler: Handler; params: Record<string, string> } | 'method_not_allowed' | null {
    const parts = pathname.split('/').filter(Boolean);
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      pathMatched = true;
      if (route.method === method) return { handler: route.handler, params };
    }
    return pathMatched ? 'method_not_allowed' : null;
  }

  async handle(req: IncomingMessage, res: ServerResponse, fallback?: Handler): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const peer = `${req.socket.remoteAddress ?? ''}:${req.socket.remotePort ?? ''}`;
    const matched = this.match(req.method ?? 'GET', url.pathname);
    const ctx: RequestContext = {
      req,
      res,
      url,
      params: {},
      peer,
      text: () => readBody(req, this.bodyBytesMax),
      json: async <T>() => parseJson<T>(await readBody(req, this.bodyBytesMax)),
    };
    try {
      let result: HandlerResult;
      if (matched === 'method_not_allowed')
        throw new HttpError(405, 'method_not_allowed', `${req.method} is not allowed on ${url.pathname}`);
      if (matched) {
        ctx.params = matched.params;
        result = await matched.handler(ctx);
      } else if (fallback) {
        result = await fallback(ctx);
      } else {
        throw new HttpError(404, 'not_found', `no route for ${url.pathname}`);
      }
      if (!res.headersSent && result !== undefined) send(res, result);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        send(res, {
          status: error.status,
          body: { error: error.reason, detail: error.message, ...error.extra },
          headers: error.headers,
        });
      } else {
        send(res, { status: 500, body: { error: 'internal_error', detail: String(error) } });
      }
    }
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | null {
  if (pattern.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(':')) params[pattern[i].slice(1)] = decodeURIComponent(parts[i]);
    else if (pattern[i] !== parts[i]) return null;
  }
  return params;
}

function send(res: ServerResponse, result: NonNullable<HandlerResult>): void {
  const status = result.status ?? 200;
  if (result.raw !== undefined) {
    res.writeHead(status, result.headers ?? { 'content-type': 'text/plain; charset=utf-8' });
    res.end(result.raw);
    return;
  }
  const payload = JSON.stringify(result.body ?? {});
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...result.headers,
  });
  res.end(payload);
}

async function readBody(req: IncomingMessage, bytesMax: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > bytesMax) throw new HttpError(413, 'body_too_large', `body of ${declared} bytes exceeds ${bytesMax}`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > bytesMax) throw new HttpError(413, 'body_too_large', `body exceeds ${bytesMax} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new HttpError(400, 'bad_json', `request body is not JSON: ${(error as Error).message}`);
  }
}
