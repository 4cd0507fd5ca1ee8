/** The one HTTP server of a Vigil node: API, metrics, the built wall, and the WebSocket feed on /ws. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../schema/index.js';
import { feedToken } from '../auth/accounts.js';
import type { FeedHub } from '../hub/feed-hub.js';
import type { Handler, Router } from './router.js';

export interface HttpNode {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function listenHttp(
  router: Router,
  fallback: Handler,
  hub: FeedHub,
  host: string,
  port: number,
  logger: Logger,
): Promise<HttpNode> {
  const server = createServer((req, res) => {
    void router.handle(req, res, fallback);
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    hub.handleUpgrade(req, socket, head, feedToken(req.headers.authorization, url)).catch((error: unknown) => {
      logger.warn('feed upgrade failed', { error: String(error) });
      socket.destroy();
    });
  });
  // Keep-alive sockets of browsers would otherwise hold close() open for minutes.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
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
