/**
 * The browsers' side of video: `GET /ws/video?ticket=…` upgraded to a WebSocket that carries one stream as
 * fMP4 for Media Source Extensions (JSON texts announce the codec, say when the terminal has not sent a key
 * frame yet, and why the stream ended; binary messages are the segments). The ticket, issued by the
 * authenticated request that opened the stream, names the stream and the session: a socket of a revoked or
 * expired session is closed like the feed's.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger, Metrics } from '../../schema/index.js';
import { MediaError, type MediaViewer } from '../../ingest/index.js';
import type { Principal, SessionRevocation } from '../auth/accounts.js';
import type { VideoTickets } from './video-tickets.js';

/** What the sockets need of the media server: implemented by `Jt1078MediaServer`. */
export interface ViewerHost {
  attachViewer(streamId: string, viewer: MediaViewer): () => void;
}

export interface VideoSocketsDeps {
  media: ViewerHost;
  tickets: VideoTickets;
  logger: Logger;
  metrics: Metrics;
  now?: () => number;
}

/** WebSocket close codes: 4401 like the feed for a session that ended, 4404 for a stream that is gone. */
const CLOSE_UNAUTHORIZED = 4401;
const CLOSE_NOT_FOUND = 4404;
const CLOSE_FULL = 4429;
/** Viewers send nothing but pings; anything bigger is refused by ws itself. */
const VIEWER_MESSAGE_BYTES_MAX = 256;
/** How often sockets of expired sessions are looked for. */
const EXPIRY_SWEEP_MS = 5_000;

interface Viewer {
  socket: WebSocket;
  principal: Principal;
  detach: () => void;
}

export class VideoSockets {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: VIEWER_MESSAGE_BYTES_MAX,
    // Video does not compress: deflating it would only cost CPU.
    perMessageDeflate: false,
  });
  private readonly viewers = new Set<Viewer>();
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(private readonly deps: VideoSocketsDeps) {
    this.now = deps.now ?? Date.now;
    this.timer = setInterval(() => this.closeExpired(), EXPIRY_SWEEP_MS);
    this.timer.unref();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    const grant = this.deps.tickets.redeem(url.searchParams.get('ticket') ?? '');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (grant === undefined) {
        this.count('bad_ticket');
        closeWith(
          ws,
          CLOSE_UNAUTHORIZED,
          'bad_ticket',
          'the ticket is unknown, used or expired: open the stream again',
        );
        return;
      }
      const viewer: MediaViewer = {
        // `audio=1`: the page plays the stream's G.711 too (docs/video.md, the viewer's WebSocket).
        audio: url.searchParams.get('audio') === '1',
        send: (data) => {
          if (ws.readyState === ws.OPEN) ws.send(data, { binary: typeof data !== 'string' });
        },
        bufferedBytes: () => ws.bufferedAmount,
        close: (code, reason) => ws.close(code, reason.slice(0, 120)),
      };
      let detach: () => void;
      try {
        detach = this.deps.media.attachViewer(grant.streamId, viewer);
      } catch (error) {
        if (!(error instanceof MediaError)) throw error;
        this.count(error.reason);
        closeWith(ws, error.reason === 'viewers_full' ? CLOSE_FULL : CLOSE_NOT_FOUND, error.reason, error.message);
        return;
      }
      const entry: Viewer = { socket: ws, principal: grant.principal, detach };
      this.viewers.add(entry);
      this.count('attached');
      const gone = (): void => {
        this.viewers.delete(entry);
        detach();
      };
      ws.on('close', gone);
      ws.on('error', gone);
    });
  }

  /** Closes the sockets of revoked sessions (announced by Accounts). */
  closeRevoked(revocation: SessionRevocation): void {
    const sessions = new Set(revocation.sessionIds ?? []);
    for (const v of this.viewers) {
      const p = v.principal;
      if (p.userId === revocation.userId || (p.sessionId !== undefined && sessions.has(p.sessionId)))
        this.closeViewer(v, 'unauthorized', 'the session was revoked');
    }
  }

  stop(): void {
    clearInterval(this.timer);
    for (const v of this.viewers) v.socket.terminate();
    this.viewers.clear();
  }

  private closeExpired(): void {
    const nowMs = this.now();
    for (const v of this.viewers)
      if (v.principal.expiresAt !== undefined && v.principal.expiresAt <= nowMs)
        this.closeViewer(v, 'token_expired', 'the session expired');
  }

  private closeViewer(v: Viewer, reason: string, detail: string): void {
    this.viewers.delete(v);
    v.detach();
    closeWith(v.socket, CLOSE_UNAUTHORIZED, reason, detail);
  }

  private count(outcome: string): void {
    this.deps.metrics
      .counter('vigil_video_viewer_sockets_total', 'Video WebSocket upgrades by outcome', ['outcome'])
      .inc({ outcome });
  }
}

function closeWith(ws: WebSocket, code: number, reason: string, detail: string): void {
  ws.send(JSON.stringify({ type: 'error', reason, detail }));
  ws.close(code, reason);
}
