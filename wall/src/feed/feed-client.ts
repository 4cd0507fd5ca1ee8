/**
 * The WebSocket to the server's hub, kept open forever: a kiosk has nobody to press reload. It reconnects with
 * capped, jittered backoff, asks to resume where it stopped, and closes a socket that has gone silent, because a
 * cut network often never delivers a close event and the socket would otherwise look open for hours.
 */
import type { FeedClientMessage, FeedServerMessage } from '../../../schema/feed.js';
import { reconnectDelayMs } from './backoff.js';

/** Heartbeats come every ~5 s; four missed ones mean the connection is dead even if the socket says open. */
export const FEED_SILENCE_MS_MAX = 20_000;
const WATCHDOG_INTERVAL_MS = 1_000;
/** Close codes a server may use to say the token was refused (4401/4403 by convention, 1008 policy violation). */
const UNAUTHORIZED_CLOSE_CODES: ReadonlySet<number> = new Set([4401, 4403, 1008]);
const UNAUTHORIZED_REASONS: ReadonlySet<string> = new Set(['unauthorized', 'forbidden', 'bad_token', 'token_expired']);

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'unauthorized';

export interface FeedClientOptions {
  url: string;
  onMessage: (message: FeedServerMessage) => void;
  /** A binary positions frame (protocol 2). */
  onFrame: (frame: ArrayBuffer) => void;
  onStateChange: (state: ConnectionState) => void;
  /** Asked on every (re)connection; null means "send nothing and wait for the snapshot". */
  resumeMessage: () => FeedClientMessage | null;
  /**
   * A socket that fails before opening may be a network cut or a refused token; the browser cannot tell us
   * which, so the caller checks over HTTP and answers true when the token was refused.
   */
  checkUnauthorized: () => Promise<boolean>;
}

function parseMessage(data: unknown): FeedServerMessage | null {
  if (typeof data !== 'string') return null;
  try {
    const parsed = JSON.parse(data) as unknown;
    if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { type?: unknown }).type !== 'string')
      return null;
    return parsed as FeedServerMessage;
  } catch {
    return null;
  }
}

export class FeedClient {
  /** Messages that were not JSON objects with a `type`; counted, never fatal. */
  malformed = 0;
  private socket: WebSocket | null = null;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private watchdogTimer: ReturnType<typeof setInterval> | null = null;
  private lastReceivedAt = 0;
  private lastWatchdogAt = 0;
  private stopped = false;
  private state: ConnectionState = 'connecting';

  constructor(private readonly options: FeedClientOptions) {}

  start(): void {
    this.stopped = false;
    this.connect();
    this.lastWatchdogAt = Date.now();
    this.watchdogTimer = setInterval(() => this.checkSilence(), WATCHDOG_INTERVAL_MS);
  }

  stop(): void {
    this.stopped = true;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    if (this.watchdogTimer !== null) clearInterval(this.watchdogTimer);
    this.reconnectTimer = null;
    this.watchdogTimer = null;
    this.dropSocket();
  }

  private connect(): void {
    this.reconnectTimer = null;
    if (this.stopped) return;
    // A refused token stays on screen while retrying; only a message from the server clears it.
    if (this.state !== 'unauthorized') this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.options.url);
    } catch {
      this.scheduleReconnect(false);
      return;
    }
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.lastReceivedAt = Date.now();
      const resume = this.options.resumeMessage();
      if (resume !== null) socket.send(JSON.stringify(resume));
    };
    socket.onmessage = (event: MessageEvent) => {
      this.lastReceivedAt = Date.now();
      if (event.data instanceof ArrayBuffer) {
        this.attempt = 0;
        this.setState('live');
        this.options.onFrame(event.data);
        return;
      }
      const message = parseMessage(event.data);
      if (message === null) {
        this.malformed += 1;
        return;
      }
      // Only a real message proves the server serves us; then the next failure starts backing off from scratch.
      this.attempt = 0;
      if (message.type === 'error' && UNAUTHORIZED_REASONS.has(message.reason)) this.setState('unauthorized');
      else this.setState('live');
      this.options.onMessage(message);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (UNAUTHORIZED_CLOSE_CODES.has(event.code)) this.setState('unauthorized');
      this.scheduleReconnect(!opened);
    };
    // An error is always followed by a close event, which does the work.
    socket.onerror = () => undefined;
  }

  private scheduleReconnect(failedBeforeOpen: boolean): void {
    if (this.stopped || this.reconnectTimer !== null) return;
    const delayMs = reconnectDelayMs(this.attempt, Math.random());
    this.attempt += 1;
    if (this.state !== 'unauthorized') this.setState('reconnecting');
    if (failedBeforeOpen) {
      // An upgrade refused with HTTP 401 looks like any other failure to the browser; ask over HTTP instead.
      this.options
        .checkUnauthorized()
        .then((refused) => {
          if (refused && !this.stopped) this.setState('unauthorized');
        })
        .catch(() => undefined);
    }
    // Even with a refused token the wall keeps trying, slowly: the token may be re-issued on the server.
    this.reconnectTimer = setTimeout(() => this.connect(), delayMs);
  }

  private checkSilence(): void {
    const now = Date.now();
    const tickLateMs = now - this.lastWatchdogAt - WATCHDOG_INTERVAL_MS;
    this.lastWatchdogAt = now;
    // A late tick means the page itself was starved (a slow software-rendered frame): messages may be waiting in
    // the queue behind this timer, so silence cannot be judged now; the next punctual tick decides.
    if (tickLateMs > WATCHDOG_INTERVAL_MS) return;
    if (this.socket === null || this.socket.readyState !== WebSocket.OPEN) return;
    if (now - this.lastReceivedAt <= FEED_SILENCE_MS_MAX) return;
    this.dropSocket();
    this.scheduleReconnect(false);
  }

  /** Detaches before closing, so a close handshake that never completes cannot delay the reconnect. */
  private dropSocket(): void {
    const socket = this.socket;
    if (socket === null) return;
    this.socket = null;
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    socket.onerror = null;
    try {
      socket.close();
    } catch {
      // Closing a socket that is still connecting can throw in some browsers; it is being dropped anyway.
    }
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    this.options.onStateChange(state);
  }
}
