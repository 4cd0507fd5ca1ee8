/**
 * The JT/T 809 sub link (从链路): after a lower platform logs in on the main link, the upper platform connects to
 * the down-link address the platform gave in 0x1001, logs in with 0x9001 carrying the verify code it answered in
 * 0x1002, and keeps the link alive with 0x9005 (answered 0x9006). Requests of the upper platform (0x9300,
 * 0x9400, …) go on this link when it is up. A link that drops, is refused, or misses its keep-alive answers is
 * re-established with exponential backoff between `backoffMinMs` and `backoffMaxMs`, for as long as the main
 * link stays logged in (the owner calls `stop()` when it goes).
 */
import net from 'node:net';
import type { Logger, Metrics } from '../../schema/index.js';
import type { Jt809CipherKeys } from './cipher.js';
import type { CrcVariant } from './crc.js';
import { buildFrame, Jt809FrameSplitter, parseFrame, type Jt809Edition } from './frame.js';

export const SUB_LINK_MSG = {
  loginRequest: 0x9001,
  loginResponse: 0x9002,
  logoutRequest: 0x9003,
  keepAlive: 0x9005,
  keepAliveResponse: 0x9006,
} as const;

export interface SubLinkOptions {
  /** Connecting and logging in (0x9001 → 0x9002) must finish within this. */
  loginTimeoutMs: number;
  /** 0x9005 keep-alives this far apart; a link without any frame for two intervals is dropped. */
  keepAliveIntervalMs: number;
  /** First wait before reconnecting; doubles per failed attempt up to `backoffMaxMs`. */
  backoffMinMs: number;
  backoffMaxMs: number;
}

export const SUB_LINK_DEFAULTS: SubLinkOptions = {
  loginTimeoutMs: 10_000,
  keepAliveIntervalMs: 60_000,
  backoffMinMs: 1_000,
  backoffMaxMs: 60_000,
};

export function checkSubLinkOptions(options: SubLinkOptions): void {
  for (const name of ['loginTimeoutMs', 'keepAliveIntervalMs', 'backoffMinMs', 'backoffMaxMs'] as const) {
    const value = options[name];
    if (!Number.isInteger(value) || value < 10)
      throw new Error(`jt809 sub link option ${name} value ${value} is less than min allowed 10`);
  }
  if (options.backoffMaxMs < options.backoffMinMs)
    throw new Error(
      `jt809 sub link option backoffMaxMs value ${options.backoffMaxMs} is less than min allowed ${options.backoffMinMs} (backoffMinMs)`,
    );
}

/** `connecting` covers the TCP connect and the 0x9001 login; `backoff` waits before the next attempt. */
export type SubLinkState = 'connecting' | 'logged_in' | 'backoff' | 'stopped';

export interface SubLinkDeps {
  logger: Logger;
  metrics: Metrics;
  crc: CrcVariant;
  /** The platform's cipher keys, to read its answers when it encrypts them. */
  keys: Jt809CipherKeys | null;
  /** Frame size bound of the link's splitter. */
  frameBytesMax: number;
  /** The edition and version of the platform's login: the sub link speaks them too. */
  edition?: Jt809Edition;
  version?: [number, number, number];
  /**
   * The MSG_SN of the next frame, when the main link's sequence is to be shared: a 2019 answer names its request
   * by that SN alone, whichever link carried it, so the two links must not use the same number twice.
   */
  nextSn?: () => number;
}

export class Jt809SubLink {
  private socket: net.Socket | undefined;
  private stateNow: SubLinkState = 'stopped';
  private timer: NodeJS.Timeout | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private backoffMs: number;
  private sn = 0;
  private lastFrameMs = 0;
  /** 0x9002 results other than 0 seen, for the log and the platforms list. */
  lastLoginResult: number | undefined;

  constructor(
    readonly accessCode: number,
    readonly host: string,
    readonly port: number,
    private readonly verifyCode: number,
    private readonly options: SubLinkOptions,
    private readonly deps: SubLinkDeps,
  ) {
    checkSubLinkOptions(options);
    this.backoffMs = options.backoffMinMs;
  }

  get state(): SubLinkState {
    return this.stateNow;
  }

  start(): void {
    if (this.stateNow !== 'stopped') return;
    this.connect();
  }

  stop(): void {
    this.setState('stopped');
    clearTimeout(this.timer);
    clearInterval(this.keepAliveTimer);
    if (this.socket && !this.socket.destroyed) {
      // 0x9003 tells the platform the upper platform is leaving the sub link on purpose.
      this.socket.end(this.frame(SUB_LINK_MSG.logoutRequest, verifyCodeBody(this.verifyCode)));
      this.socket.destroySoon();
    }
    this.socket = undefined;
  }

  /**
   * Sends on the sub link when it is logged in and returns the frame's MSG_SN (a 2019 answer names its request by
   * it); undefined otherwise (the caller falls back to the main link).
   */
  send(msgId: number, body: Buffer): number | undefined {
    if (this.stateNow !== 'logged_in' || !this.socket || this.socket.destroyed) return undefined;
    this.socket.write(this.frame(msgId, body));
    return this.sn;
  }

  private connect(): void {
    this.setState('connecting');
    this.counter('vigil_jt809_sub_link_attempts_total', 'Sub link connection attempts').inc();
    const socket = net.connect({ host: this.host, port: this.port });
    this.socket = socket;
    const splitter = new Jt809FrameSplitter(this.deps.frameBytesMax);
    socket.setNoDelay(true);
    this.timer = setTimeout(
      () => this.fail(socket, `no login answer within ${this.options.loginTimeoutMs} ms`),
      this.options.loginTimeoutMs,
    );
    socket.once('connect', () => socket.write(this.frame(SUB_LINK_MSG.loginRequest, verifyCodeBody(this.verifyCode))));
    socket.on('data', (chunk: Buffer) => {
      for (const item of splitter.push(chunk)) if (item.reason === undefined) this.onFrame(socket, item.raw);
    });
    socket.on('error', (error) => this.fail(socket, error.message));
    socket.on('close', () => this.fail(socket, 'closed by the platform'));
  }

  private onFrame(socket: net.Socket, raw: Buffer): void {
    const parsed = parseFrame(raw, {
      crc: this.deps.crc,
      checksum: 'strict',
      keysOf: () => this.deps.keys,
      edition: this.deps.edition,
    });
    if (!parsed.ok) return;
    this.lastFrameMs = Date.now();
    const { header, body } = parsed.value;
    if (header.msgId === SUB_LINK_MSG.loginResponse && this.stateNow === 'connecting') {
      clearTimeout(this.timer);
      const result = body[0];
      if (result !== 0) {
        this.lastLoginResult = result;
        return this.fail(socket, `0x9002 result ${result}`);
      }
      this.lastLoginResult = 0;
      this.backoffMs = this.options.backoffMinMs;
      this.setState('logged_in');
      this.deps.logger.info('jt809 sub link logged in', {
        access_code: this.accessCode,
        target: `${this.host}:${this.port}`,
      });
      this.keepAliveTimer = setInterval(() => {
        if (Date.now() - this.lastFrameMs > 2 * this.options.keepAliveIntervalMs)
          return this.fail(socket, 'no keep-alive answer');
        socket.write(this.frame(SUB_LINK_MSG.keepAlive, Buffer.alloc(0)));
        this.counter('vigil_jt809_sub_link_keepalives_total', 'Sub link keep-alives (0x9005) sent').inc();
      }, this.options.keepAliveIntervalMs);
    }
  }

  /** Ends this attempt and schedules the next one, unless stopped or already handled for this socket. */
  private fail(socket: net.Socket, why: string): void {
    if (socket !== this.socket || this.stateNow === 'stopped') return;
    this.socket = undefined;
    clearTimeout(this.timer);
    clearInterval(this.keepAliveTimer);
    socket.destroy();
    this.counter('vigil_jt809_sub_link_failures_total', 'Sub link attempts failed or links lost').inc();
    this.deps.logger.warn('jt809 sub link down', {
      access_code: this.accessCode,
      target: `${this.host}:${this.port}`,
      why,
      retry_ms: this.backoffMs,
    });
    this.setState('backoff');
    this.timer = setTimeout(() => this.connect(), this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.backoffMaxMs);
  }

  private setState(state: SubLinkState): void {
    this.stateNow = state;
  }

  private frame(msgId: number, body: Buffer): Buffer {
    this.sn = this.deps.nextSn ? this.deps.nextSn() : (this.sn + 1) >>> 0;
    return buildFrame(body, {
      sn: this.sn,
      msgId,
      accessCode: this.accessCode,
      crc: this.deps.crc,
      edition: this.deps.edition,
      version: this.deps.version,
    });
  }

  private counter(name: string, help: string) {
    return this.deps.metrics.counter(name, help, []);
  }
}

function verifyCodeBody(verifyCode: number): Buffer {
  const body = Buffer.alloc(4);
  body.writeUInt32BE(verifyCode >>> 0, 0);
  return body;
}
