/**
 * The one HTTP server of a Vigil node: API, metrics, the built wall, and the WebSocket feed on /ws. Every bound
 * of `HttpServerOptions` is set here (connections, per address, the shared descriptor budget, header and
 * request timeouts, keep-alive, header size), and every way a client can fail at the HTTP level — malformed
 * request, headers too large, too slow — is answered as JSON `{error, detail}` like the API's own errors.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger, Metrics } from '../../schema/index.js';
import { feedToken } from '../auth/accounts.js';
import type { FeedHub } from '../hub/feed-hub.js';
import { ConnectionGate, type DescriptorBudget, type HttpRefusalReason } from './connection-gate.js';
import { HttpError, requestUrl, type Handler, type Router } from './router.js';
import { COMMON_HEADERS } from './security-headers.js';
import { checkHttpServerOptions, type HttpServerOptions } from './server-options.js';

export interface HttpNode {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export interface HttpServerDeps {
  router: Router;
  /** Answers what no route matches (the built wall). */
  fallback: Handler;
  /** Takes the WebSocket upgrades of /ws; without it (a process that serves no feed) they are 404. */
  hub?: Pick<FeedHub, 'handleUpgrade'>;
  /** Takes the WebSocket upgrades of /ws/video (a stream's fMP4, by ticket); without it they are 404. */
  video?: { handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void };
  logger: Logger;
  metrics: Metrics;
  /** The process's descriptor budget, shared with the TCP servers; without it only the bounds apply. */
  budget?: DescriptorBudget;
}

/** How often Node looks for connections past their header or request timeout (its default is 30 s). */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

const REFUSAL_DETAIL: Record<HttpRefusalReason, string> = {
  connections_max: 'the server holds as many connections as it allows; retry later',
  per_address_max: 'your address holds as many connections as one address may; close some and retry',
  fd_limit: 'the server is at its open-file budget; retry later',
  accept_error: 'the connection could not be accepted',
};

export async function listenHttp(options: HttpServerOptions, deps: HttpServerDeps): Promise<HttpNode> {
  checkHttpServerOptions(options);
  const gate = new ConnectionGate(options, deps);
  const server = createServer(
    {
      maxHeaderSize: options.headerBytesMax,
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      keepAliveTimeout: options.keepAliveTimeoutMs,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    },
    (req, res) => {
      if (!ConnectionGate.admitted(req.socket)) {
        req.socket.destroy();
        return;
      }
      void deps.router.handle(req, res, deps.fallback);
    },
  );
  server.maxRequestsPerSocket = options.requestsPerConnectionMax;
  // Before Node's own listener: a refused socket is answered and closed before it is read as HTTP.
  server.prependListener('connection', (socket: Socket) => {
    const reason = gate.admit(socket);
    if (reason !== undefined) refuseNow(socket, reason);
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    answerClientError(error, socket, options);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgrade(req, socket, head, deps);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // After listening, errors come from accept(2): libuv has closed the pending connection, the server listens on.
  server.on('error', (error: NodeJS.ErrnoException) =>
    gate.refused(error.code === 'EMFILE' || error.code === 'ENFILE' ? 'fd_limit' : 'accept_error', error.code),
  );
  const actualPort = (server.address() as AddressInfo).port;
  return {
    server,
    port: actualPort,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, deps: HttpServerDeps): void {
  // Node's HTTP side lets go of an upgraded socket's errors; a reset during the token check must not be uncaught.
  socket.on('error', () => socket.destroy());
  if (!ConnectionGate.admitted(req.socket)) {
    socket.destroy();
    return;
  }
  let url: URL;
  try {
    url = requestUrl(req.url);
  } catch (error) {
    const message = error instanceof HttpError ? error.message : 'bad request target';
    refuse(socket, 400, 'bad_path', message);
    return;
  }
  if (url.pathname === '/ws/video' && deps.video) {
    deps.video.handleUpgrade(req, socket, head, url);
    return;
  }
  if (url.pathname !== '/ws') {
    refuse(socket, 404, 'not_found', `no WebSocket at ${url.pathname.slice(0, 200)}; the feed is /ws`);
    return;
  }
  if (!deps.hub) {
    refuse(socket, 404, 'not_found', 'this process serves no feed; the feed is on the centre (--role center or all)');
    return;
  }
  deps.hub.handleUpgrade(req, socket, head, feedToken(req.headers.authorization, url)).catch((error: unknown) => {
    deps.logger.warn('feed upgrade failed', { error: String(error) });
    socket.destroy();
  });
}

/** What Node's HTTP parser refused, answered like the API's errors (Node's default is an empty 400). */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, options: HttpServerOptions): void {
  // A reset peer cannot be answered; a socket already carrying an answer must not get a second one.
  const busy = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (error.code === 'ECONNRESET' || !socket.writable || busy || !ConnectionGate.admitted(socket as Socket)) {
    socket.destroy();
    return;
  }
  // An answer to HEAD has no body; the request line is at the start of the packet that failed, when it came whole.
  const head = (error as { rawPacket?: Buffer }).rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
  if (error.code === 'HPE_HEADER_OVERFLOW')
    refuse(
      socket,
      431,
      'headers_too_large',
      `request line and headers exceed ${options.headerBytesMax} bytes`,
      {},
      head,
    );
  else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    refuse(
      socket,
      408,
      'request_timeout',
      `the request was not complete within ${options.requestTimeoutMs} ms`,
      {},
      head,
    );
  else refuse(socket, 400, 'bad_request', 'the request is not valid HTTP/1.1', {}, head);
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
  503: 'Service Unavailable',
};

/**
 * Answers a refused connection 503 and closes it at once. libuv accepts every pending connection in one loop
 * before Node runs anything else, so a refused socket must give its descriptor back right here: waiting for the
 * write to finish let a flood of refused sockets hold more descriptors than the stores' reserve (EMFILE). A new
 * socket's small write goes to the kernel synchronously and is sent before the close.
 */
function refuseNow(socket: Socket, reason: HttpRefusalReason): void {
  socket.on('error', () => undefined);
  socket.write(answer(503, reason, REFUSAL_DETAIL[reason], { 'retry-after': '5' }));
  socket.destroy();
}

/** Writes a whole JSON error answer on a raw socket and closes it once written. */
function refuse(
  socket: Duplex,
  status: number,
  reason: string,
  detail: string,
  headers: Record<string, string> = {},
  headOnly = false,
): void {
  const text = answer(status, reason, detail, headers, headOnly);
  socket.end(text, () => socket.destroy());
}

/** A whole HTTP/1.1 answer with a JSON error body, closing the connection. */
function answer(
  status: number,
  reason: string,
  detail: string,
  headers: Record<string, string> = {},
  headOnly = false,
): string {
  const body = headOnly ? '' : JSON.stringify({ error: reason, detail });
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    'cache-control: no-store',
    'connection: close',
    ...Object.entries({ ...COMMON_HEADERS, ...headers }).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
